// libFuzzer target: the whole `diff` path. The input is BASE, the separator line, then CAND (or,
// without the separator, its two halves); each side is detected, parsed, grouped, diffed and
// reported in JSON and text, as `taskdiff diff` does.
#include "fuzz_common.hpp"

namespace {

constexpr std::string_view k_separator = "\n--taskdiff-fuzz-split--\n";

void report(const taskdiff::Snapshot& base, const taskdiff::Snapshot& cand) {
  using namespace taskdiff;
  std::vector<std::string> notes;
  KeyOptions key = shared_key(KeyOptions{}, base.facts, cand.facts, notes);
  Grouping base_groups = group(base, key);
  Grouping cand_groups = group(cand, key);
  fuzz::check_grouping(base, base_groups);
  fuzz::check_grouping(cand, cand_groups);
  Thresholds thresholds;
  DiffResult result = diff(base_groups, cand_groups, thresholds, base.replicas, cand.replicas);
  for (const auto& change : result.findings) {
    if (change.cand_group == nullptr) {
      fuzz::finding("a finding without a candidate group");
    }
  }
  DiffReport report{base, cand, base_groups, cand_groups, result, key, thresholds, notes};
  std::ostringstream json;
  write_diff_json(json, report);
  fuzz::check_json(json.str());
  std::ostringstream text;
  write_diff_text(text, report, TextStyle{});
  // A dump compared with itself never regresses.
  DiffResult same = diff(cand_groups, cand_groups, thresholds, cand.replicas, cand.replicas);
  if (same.regression()) {
    fuzz::finding("a dump compared with itself is a regression");
  }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  std::string_view base_bytes;
  std::string_view cand_bytes;
  if (size_t at = bytes.find(k_separator); at != std::string_view::npos) {
    base_bytes = bytes.substr(0, at + 1);
    cand_bytes = bytes.substr(at + k_separator.size());
  } else {
    base_bytes = bytes.substr(0, size / 2);
    cand_bytes = bytes.substr(size / 2);
  }
  auto base = taskdiff::fuzz::load_bytes(base_bytes, std::nullopt, false, "base");
  auto cand = taskdiff::fuzz::load_bytes(cand_bytes, std::nullopt, (size & 1) != 0, "cand");
  if (base && cand) {
    report(*base, *cand);
  }
  return 0;
}
