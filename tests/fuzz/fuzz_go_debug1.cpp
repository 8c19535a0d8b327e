// libFuzzer target: Go debug=1 count profiles (parse_go_debug1).
#include "fuzz_common.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  taskdiff::fuzz::run_format(bytes, taskdiff::Format::go_debug1);
  return 0;
}
