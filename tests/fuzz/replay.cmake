# Included by tests/CMakeLists.txt with any compiler: each fuzz target linked to the plain replay
# driver and run by ctest over testdata/ and that target's past crashers (fuzz/regressions/).
# tests/fuzz/CMakeLists.txt (-DTASKDIFF_FUZZ=ON, clang) builds the same sources as libFuzzer
# targets; tests/fuzz/run-fuzzers.sh runs them.
include(${CMAKE_CURRENT_SOURCE_DIR}/fuzz/targets.cmake)
foreach(target IN LISTS TASKDIFF_FUZZ_TARGETS)
  add_executable(replay_${target} fuzz/replay_driver.cpp fuzz/fuzz_${target}.cpp)
  target_link_libraries(replay_${target} PRIVATE libtaskdiff)
  set(inputs ${PROJECT_SOURCE_DIR}/testdata)
  if(IS_DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/regressions/${target})
    list(APPEND inputs ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/regressions/${target})
  endif()
  add_test(NAME fuzz.replay.${target} COMMAND replay_${target} ${inputs})
endforeach()
# Configure again when a crasher directory is added.
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/regressions)
