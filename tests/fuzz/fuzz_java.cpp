// libFuzzer target: Java thread dumps: jstack, jcmd Thread.print, and JDK 21+ Thread.dump_to_file
// text.
#include "fuzz_common.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  taskdiff::fuzz::run_format(bytes, taskdiff::Format::java);
  taskdiff::fuzz::run_format(bytes, taskdiff::Format::java_threads_text);
  return 0;
}
