// libFuzzer target: taskdiff.snapshot/1 baselines (parse_snapshot).
#include "fuzz_common.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  taskdiff::fuzz::run_format(bytes, taskdiff::Format::snapshot);
  return 0;
}
