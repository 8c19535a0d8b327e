// libFuzzer target: Go debug=2 dumps and crash tracebacks (parse_go_text in both modes).
#include "fuzz_common.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  taskdiff::fuzz::run_format(bytes, taskdiff::Format::go_debug2);
  taskdiff::fuzz::run_format(bytes, taskdiff::Format::go_traceback);
  return 0;
}
