# The fuzz targets: tests/fuzz/fuzz_<name>.cpp. Read by replay.cmake and CMakeLists.txt here, and
# by run-fuzzers.sh.
set(TASKDIFF_FUZZ_TARGETS go_text go_debug1 pprof snapshot tasks_json java java_json diff)
