// libFuzzer target: Go protobuf profiles, gzipped or raw (parse_pprof).
#include "fuzz_common.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  taskdiff::fuzz::run_format(bytes, taskdiff::Format::pprof);
  taskdiff::fuzz::check_label_folding(bytes);
  return 0;
}
