// Diff and policy: match groups by key, classify each change, decide the verdict.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "taskdiff/group.hpp"

namespace taskdiff {

enum class ChangeKind { new_group, growing, shrinking, vanished, below_threshold };
std::string_view change_kind_name(ChangeKind kind);

// Defaults: every PASS case of the shared corpus passes and every FAIL case fails
// (corpus/noise/README.md argues for them).
struct Thresholds {
  uint64_t min_new = 5;    // a new group needs at least this many goroutines in cand
  uint64_t min_delta = 10; // a growing group must gain at least this many...
  double min_ratio = 0.5;  // ...and at least this fraction of its base count
};

struct Change {
  ChangeKind kind;
  double base = 0; // per replica when the sides have different replica counts
  double cand = 0;
  const Group* base_group = nullptr; // null for a new group
  const Group* cand_group = nullptr; // null for a vanished group
  // Groups whose counts the change sums on each side (label sets of one stack that differ
  // between the inputs, or, crash output against another format, groups alike but for the
  // creator's closures at the stack's end); base_group and cand_group are the largest.
  size_t base_groups = 0;
  size_t cand_groups = 0;
  const Group& shown() const { return cand_group ? *cand_group : *base_group; }
};

struct DiffResult {
  std::vector<Change> findings; // new and growing past the thresholds, worst first
  std::vector<Change> changes;  // everything else that changed: information only
  // Goroutines of the baseline's traceback that ran on other threads, their stacks unavailable,
  // and how many of them were taken for the candidate's running or runnable goroutines of the
  // same creator (which another format shows with their stacks), leaving a finding below the
  // thresholds.
  uint64_t base_unavailable = 0;
  uint64_t unavailable_taken = 0;
  bool regression() const { return !findings.empty(); }
};

// Which input prints the compiler's `go` and `defer` wrappers when the other does not
// (wrapper_side()).
enum class WrapperSide { neither, base, cand };

// `base_replicas`/`cand_replicas`: counts are compared per replica when they differ.
// `wrappers`: with one side printing wrappers, groups meet by loose_key (see Group), which those
// wrappers leave alike.
DiffResult diff(const Grouping& base, const Grouping& cand, const Thresholds& thresholds,
                uint32_t base_replicas = 1, uint32_t cand_replicas = 1,
                WrapperSide wrappers = WrapperSide::neither);

// The input that prints wrappers when the other does not.
WrapperSide wrapper_side(const Snapshot& base, const Snapshot& cand);

} // namespace taskdiff
