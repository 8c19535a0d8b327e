// libFuzzer target: generic JSON tasks, taskdiff.tasks/1 (parse_tasks_json).
#include "fuzz_common.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  taskdiff::fuzz::run_format(bytes, taskdiff::Format::tasks_json);
  return 0;
}
