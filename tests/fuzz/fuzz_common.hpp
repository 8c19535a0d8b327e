// Shared by the fuzz targets: load bytes through the public API as the CLI would, then push the
// model through every later stage and check the invariants a gate relies on.
//
// A taskdiff::Error is the expected way to refuse an input. Anything else escaping (another
// exception, a failed invariant, a sanitizer report) is a finding: the target aborts.
#pragma once

#include "taskdiff/diff.hpp"
#include "taskdiff/error.hpp"
#include "taskdiff/group.hpp"
#include "taskdiff/input.hpp"
#include "taskdiff/parse.hpp"
#include "taskdiff/report.hpp"
#include "taskdiff/snapshot.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <string_view>

namespace taskdiff::fuzz {

// Small limits: a fuzzer input that inflates to gigabytes or holds a million frames must be
// refused quickly, not take the fuzzer's memory.
inline Limits limits() {
  Limits limits;
  limits.max_input_bytes = uint64_t{16} << 20;
  limits.max_line_bytes = size_t{1} << 20;
  limits.max_frames = 2000;
  limits.max_groups = 20000;
  return limits;
}

[[noreturn]] inline void finding(const char* what, const std::string& detail = {}) {
  std::fprintf(stderr, "fuzz finding: %s%s%s\n", what, detail.empty() ? "" : ": ", detail.c_str());
  std::abort();
}

// Loads `bytes` as `format` (detected when unset). nullopt when the input is refused with an
// Error; such an Error must name the input.
inline std::optional<Snapshot> load_bytes(std::string_view bytes, std::optional<Format> format,
                                          bool allow_truncated = false,
                                          const char* name = "fuzz-input",
                                          std::string* error_text = nullptr,
                                          LabelSets label_sets = LabelSets::keep) {
  ParseOptions options;
  options.format = format;
  options.label_sets = label_sets;
  options.allow_truncated = allow_truncated;
  options.threads = 1;
  options.limits = limits();
  try {
    return load(Input::from_memory(name, bytes, options.limits), options);
  } catch (const Error& error) {
    if (std::string_view(error.what()).substr(0, std::string_view(name).size()) != name) {
      finding("an error that does not start with the input's name", error.what());
    }
    if (error_text != nullptr) {
      *error_text = error.what();
    }
    return std::nullopt;
  }
}

// Group counts add up to the total; keys are unique; every group has a stack.
inline void check_grouping(const Snapshot& snapshot, const Grouping& grouping) {
  uint64_t sum = 0;
  std::set<std::string> keys;
  for (const auto& group : grouping.groups) {
    sum += group.count;
    if (group.count == 0) {
      finding("a group with count 0", group.key);
    }
    if (!keys.insert(group.key).second) {
      finding("two groups with the same key", group.key);
    }
  }
  if (sum != grouping.total || grouping.total != snapshot.total) {
    finding("group counts do not add up to the total", std::to_string(sum) + " vs " +
                                                           std::to_string(grouping.total) + " vs " +
                                                           std::to_string(snapshot.total));
  }
}

// Reports must be valid JSON (a name with invalid UTF-8 must not make the writer throw).
inline void check_json(const std::string& text) {
  if (!nlohmann::json::accept(text)) {
    finding("the JSON report is not valid JSON", text.substr(0, 200));
  }
}

inline KeyOptions key_for(const Snapshot& snapshot, bool strict) {
  KeyOptions key;
  key.strict = strict;
  key.labels = strict;
  key.wait = snapshot.facts.wait;
  key.created_by = snapshot.facts.created_by;
  key.thread_names = snapshot.facts.thread_names;
  return key;
}

// Every stage after parsing: group (both keys), both `show` reports, and the snapshot round
// trip: writing the model as a snapshot and reading it back gives the same groups.
inline void exercise(const Snapshot& snapshot) {
  for (bool strict : {false, true}) {
    KeyOptions key = key_for(snapshot, strict);
    Grouping grouping = group(snapshot, key);
    check_grouping(snapshot, grouping);
    ShowReport report{snapshot, grouping, key, {}};
    std::ostringstream json;
    write_show_json(json, report);
    check_json(json.str());
    std::ostringstream text;
    write_show_text(text, report, TextStyle{false, true});
  }

  {
    std::ostringstream out;
    write_snapshot(out, snapshot);
    std::string error;
    std::optional<Snapshot> reread =
        load_bytes(out.str(), Format::snapshot, false, "snapshot", &error);
    if (!reread) {
      finding("a snapshot written by write_snapshot does not load", error);
    }
    if (reread->total != snapshot.total) {
      finding("the snapshot round trip changes the total");
    }
    KeyOptions key = key_for(snapshot, false);
    Grouping before = group(snapshot, key);
    Grouping after = group(*reread, key_for(*reread, false));
    if (before.groups.size() != after.groups.size()) {
      finding("the snapshot round trip changes the number of groups");
    }
    for (size_t i = 0; i < before.groups.size(); ++i) {
      if (before.groups[i].key != after.groups[i].key ||
          before.groups[i].count != after.groups[i].count) {
        finding("the snapshot round trip changes a group",
                before.groups[i].key + " x" + std::to_string(before.groups[i].count) + " -> " +
                    after.groups[i].key + " x" + std::to_string(after.groups[i].count));
      }
    }
  }
}

// Loads `bytes` forced to `format`, and exercises what loads.
inline void run_format(std::string_view bytes, Format format) {
  bool allow_truncated = (bytes.size() & 1) != 0;
  if (auto snapshot = load_bytes(bytes, format, allow_truncated)) {
    if (snapshot->stacks.empty() || snapshot->total == 0) {
      finding("an input loaded with no stacks (check() must refuse it)");
    }
    exercise(*snapshot);
  }
}

// A protobuf profile read with its labels folded (a key without labels) folds samples in the
// parser: it must accept what a read keeping them accepts, with the same goroutines.
inline void check_label_folding(std::string_view bytes) {
  auto kept = load_bytes(bytes, Format::pprof);
  std::string error;
  auto folded = load_bytes(bytes, Format::pprof, false, "fuzz-input", &error, LabelSets::fold);
  if (kept.has_value() != folded.has_value()) {
    finding(kept ? "labels folded: refused what labels kept accepts"
                 : "labels folded: accepted what labels kept refuses",
            error);
  }
  if (kept && kept->total != folded->total) {
    finding("labels folded: another total than labels kept");
  }
}

} // namespace taskdiff::fuzz
