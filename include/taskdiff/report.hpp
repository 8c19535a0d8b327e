// Reports: text for people, JSON for scripts (schemas taskdiff.diff/1 and taskdiff.show/1,
// documented in docs/json-schema.md). A report never parses; it prints what diff and group made.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "taskdiff/diff.hpp"
#include "taskdiff/group.hpp"
#include "taskdiff/model.hpp"

namespace taskdiff {

struct TextStyle {
  bool color = false;
  bool all = false;      // show: internal (runtime, dumper) groups too
  size_t max_stack = 16; // frames printed per stack
};

struct DiffReport {
  const Snapshot& base;
  const Snapshot& cand;
  const Grouping& base_groups;
  const Grouping& cand_groups;
  const DiffResult& result;
  const KeyOptions& key;
  const Thresholds& thresholds;
  std::vector<std::string> notes; // what the key left out and why, warnings of both inputs
};

struct ShowReport {
  const Snapshot& snapshot;
  const Grouping& groups;
  const KeyOptions& key;
  std::vector<std::string> notes;
};

void write_diff_text(std::ostream& out, const DiffReport& report, const TextStyle& style);
void write_diff_json(std::ostream& out, const DiffReport& report);
void write_show_text(std::ostream& out, const ShowReport& report, const TextStyle& style);
void write_show_json(std::ostream& out, const ShowReport& report);

inline constexpr const char* k_diff_schema = "taskdiff.diff/1";
inline constexpr const char* k_show_schema = "taskdiff.show/1";

} // namespace taskdiff
