// libFuzzer target: JDK 21+ Thread.dump_to_file -format=json (parse_java_threads_json).
#include "fuzz_common.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  taskdiff::fuzz::run_format(bytes, taskdiff::Format::java_threads_json);
  return 0;
}
