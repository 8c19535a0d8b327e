// Diff: groups matched by key; each change classified; thresholds decide what is a finding.
#include "taskdiff/diff.hpp"

#include <algorithm>
#include <unordered_map>

namespace taskdiff {

std::string_view change_kind_name(ChangeKind kind) {
  switch (kind) {
  case ChangeKind::new_group: return "new";
  case ChangeKind::growing: return "growing";
  case ChangeKind::shrinking: return "shrinking";
  case ChangeKind::vanished: return "vanished";
  case ChangeKind::below_threshold: return "below-threshold";
  }
  return "unknown";
}

namespace {

double per_replica(uint64_t count, uint32_t replicas) {
  return static_cast<double>(count) / static_cast<double>(std::max<uint32_t>(replicas, 1));
}

ChangeKind classify(double base, double cand, const Thresholds& t) {
  if (base == 0) {
    return cand >= static_cast<double>(t.min_new) ? ChangeKind::new_group
                                                  : ChangeKind::below_threshold;
  }
  if (cand == 0) {
    return ChangeKind::vanished;
  }
  if (cand < base) {
    return ChangeKind::shrinking;
  }
  double delta = cand - base;
  if (delta >= static_cast<double>(t.min_delta) && delta >= t.min_ratio * base) {
    return ChangeKind::growing;
  }
  return ChangeKind::below_threshold;
}

// Worst first: the largest increase, then new before growing, then by key for a stable order.
bool worse(const Change& a, const Change& b) {
  double da = a.cand - a.base;
  double db = b.cand - b.base;
  if (da != db) {
    return da > db;
  }
  if (a.kind != b.kind) {
    return a.kind < b.kind;
  }
  return a.shown().key < b.shown().key;
}

} // namespace

DiffResult diff(const Grouping& base, const Grouping& cand, const Thresholds& thresholds,
                uint32_t base_replicas, uint32_t cand_replicas) {
  DiffResult result;
  std::unordered_map<std::string_view, const Group*> base_index;
  for (const auto& group : base.groups) {
    if (!group.internal) {
      base_index.emplace(group.key, &group);
    }
  }
  std::unordered_map<std::string_view, bool> matched;
  for (const auto& group : cand.groups) {
    if (group.internal) {
      continue;
    }
    Change change{ChangeKind::new_group, 0, per_replica(group.count, cand_replicas), nullptr,
                  &group};
    if (auto it = base_index.find(group.key); it != base_index.end()) {
      change.base_group = it->second;
      change.base = per_replica(it->second->count, base_replicas);
      matched[group.key] = true;
    }
    if (change.base == change.cand) {
      continue;
    }
    change.kind = classify(change.base, change.cand, thresholds);
    auto& list = (change.kind == ChangeKind::new_group || change.kind == ChangeKind::growing)
                     ? result.findings
                     : result.changes;
    list.push_back(change);
  }
  for (const auto& group : base.groups) {
    if (group.internal || matched.count(group.key) > 0) {
      continue;
    }
    result.changes.push_back(
        Change{ChangeKind::vanished, per_replica(group.count, base_replicas), 0, &group, nullptr});
  }
  std::sort(result.findings.begin(), result.findings.end(), worse);
  std::sort(result.changes.begin(), result.changes.end(), worse);
  return result;
}

} // namespace taskdiff
