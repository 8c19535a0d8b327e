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
  // "At least this fraction": 0.07 * 100 is 7.000000000000001 in binary floating point, so a
  // delta of exactly 7 would miss it. A relative tolerance far below any count's resolution
  // (counts per replica have one decimal) keeps the boundary where the user put it.
  double delta = cand - base;
  if (delta >= static_cast<double>(t.min_delta) && delta >= t.min_ratio * base * (1 - 1e-12)) {
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

// The groups of both sides under one fold_key (or loose_key), each list largest first (Grouping's
// order).
struct Bucket {
  std::vector<const Group*> base;
  std::vector<const Group*> cand;
};

class Differ {
public:
  Differ(const Thresholds& thresholds, uint32_t base_replicas, uint32_t cand_replicas)
      : m_thresholds(thresholds) {
    // Counts are compared per replica when the sides merge different numbers of dumps.
    if (base_replicas != cand_replicas) {
      m_base_scale = 1.0 / std::max<uint32_t>(base_replicas, 1);
      m_cand_scale = 1.0 / std::max<uint32_t>(cand_replicas, 1);
    }
  }

  // Matches the groups of one bucket: with the same keys on both sides (the same label sets),
  // each is compared on its own, so one label's growth is not diluted by the others; otherwise
  // (a label per request, new or gone) the bucket is compared whole.
  void match(const Bucket& bucket) {
    const auto& base = bucket.base;
    const auto& cand = bucket.cand;
    if (base.size() > 1 && base.size() == cand.size()) {
      std::unordered_map<std::string_view, const Group*> base_keys;
      for (const Group* group : base) {
        base_keys.emplace(group->key, group);
      }
      if (std::all_of(cand.begin(), cand.end(),
                      [&](const Group* group) { return base_keys.count(group->key) > 0; })) {
        for (const Group* group : cand) {
          add({base_keys[group->key]}, {group});
        }
        return;
      }
    }
    add(base, cand);
  }

  DiffResult take() {
    std::sort(m_result.findings.begin(), m_result.findings.end(), worse);
    std::sort(m_result.changes.begin(), m_result.changes.end(), worse);
    return std::move(m_result);
  }

private:
  // One change: the groups of each side summed, each side shown by its largest group.
  void add(const std::vector<const Group*>& base, const std::vector<const Group*>& cand) {
    Change change{ChangeKind::new_group, 0, 0, nullptr, nullptr};
    for (const Group* group : base) {
      change.base += static_cast<double>(group->count) * m_base_scale;
    }
    for (const Group* group : cand) {
      change.cand += static_cast<double>(group->count) * m_cand_scale;
    }
    change.base_group = base.empty() ? nullptr : largest(base);
    change.cand_group = cand.empty() ? nullptr : largest(cand);
    change.base_groups = base.size();
    change.cand_groups = cand.size();
    if (change.base == change.cand) {
      return;
    }
    change.kind = classify(change.base, change.cand, m_thresholds);
    bool finding = change.kind == ChangeKind::new_group || change.kind == ChangeKind::growing;
    (finding ? m_result.findings : m_result.changes).push_back(change);
  }

  static const Group* largest(const std::vector<const Group*>& groups) {
    return *std::min_element(groups.begin(), groups.end(), [](const Group* a, const Group* b) {
      return a->count != b->count ? a->count > b->count : a->key < b->key;
    });
  }

  const Thresholds& m_thresholds;
  double m_base_scale = 1;
  double m_cand_scale = 1;
  DiffResult m_result;
};

// Whether `shorter` is `longer` less some of its entries, in order.
bool is_subsequence(const std::vector<std::string>& shorter,
                    const std::vector<std::string>& longer) {
  size_t at = 0;
  for (const std::string& item : longer) {
    if (at < shorter.size() && shorter[at] == item) {
      ++at;
    }
  }
  return at == shorter.size();
}

// Whether a group of the side printing wrappers and one of the other side, in one loose bucket,
// can be one goroutine's: place by place, the first's closures are the other's with wrappers
// added (a place past either stack's depth tells nothing).
bool wrappers_apart(const Group& crash, const Group& other) {
  size_t places = std::min(crash.loose_closures.size(), other.loose_closures.size());
  for (size_t i = 0; i < places; ++i) {
    bool last = i + 1 == places;
    if (last && (crash.loose_cut || other.loose_cut)) {
      break;
    }
    if (!is_subsequence(other.loose_closures[i], crash.loose_closures[i])) {
      return false;
    }
  }
  return true;
}

uint64_t total(const std::vector<const Group*>& groups) {
  uint64_t sum = 0;
  for (const Group* group : groups) {
    sum += group->count;
  }
  return sum;
}

// Matches the groups of a loose bucket (wrappers printed on one side only): those of one
// fold_key on both sides as they are, then each group left on one side with the other side's
// that it can be with the wrappers apart; of several, the largest (one goroutine's stacks in the
// two formats are usually the largest there). What stays unpaired is new or gone.
void match_loose(const Bucket& bucket, WrapperSide wrappers, Differ& differ) {
  std::vector<Bucket> parts;
  std::unordered_map<std::string_view, size_t> index;
  auto part_of = [&](const Group* group) -> Bucket& {
    auto [it, inserted] = index.try_emplace(group->fold_key, parts.size());
    if (inserted) {
      parts.emplace_back();
    }
    return parts[it->second];
  };
  for (const Group* group : bucket.base) {
    part_of(group).base.push_back(group);
  }
  for (const Group* group : bucket.cand) {
    part_of(group).cand.push_back(group);
  }
  std::vector<Bucket*> base_only;
  std::vector<Bucket*> cand_only;
  for (Bucket& part : parts) {
    if (!part.base.empty() && !part.cand.empty()) {
      differ.match(part);
    } else {
      (part.cand.empty() ? base_only : cand_only).push_back(&part);
    }
  }
  auto larger = [](const Bucket* a, const Bucket* b) {
    return total(a->base) + total(a->cand) > total(b->base) + total(b->cand);
  };
  std::stable_sort(base_only.begin(), base_only.end(), larger);
  std::stable_sort(cand_only.begin(), cand_only.end(), larger);
  std::vector<bool> paired(cand_only.size(), false);
  for (Bucket* base : base_only) {
    Bucket joined{base->base, {}};
    for (size_t i = 0; i < cand_only.size(); ++i) {
      const Group& from = *base->base.front();
      const Group& to = *cand_only[i]->cand.front();
      if (!paired[i] &&
          (wrappers == WrapperSide::base ? wrappers_apart(from, to) : wrappers_apart(to, from))) {
        paired[i] = true;
        joined.cand = cand_only[i]->cand;
        break; // the largest: cand_only is sorted
      }
    }
    differ.match(joined);
  }
  for (size_t i = 0; i < cand_only.size(); ++i) {
    if (!paired[i]) {
      differ.match(*cand_only[i]);
    }
  }
}

} // namespace

bool prints_wrappers(const Snapshot& snapshot) {
  if (snapshot.runtime != Runtime::go || snapshot.go_wrappers_named) {
    return false;
  }
  return std::any_of(snapshot.stacks.begin(), snapshot.stacks.end(), [&](const Stack& stack) {
    return stack.frames.size() >= 3 &&
           snapshot.symbols[stack.frames.back().function] == "runtime.goexit";
  });
}

WrapperSide wrapper_side(const Snapshot& base, const Snapshot& cand) {
  bool in_base = prints_wrappers(base);
  if (in_base == prints_wrappers(cand)) {
    return WrapperSide::neither;
  }
  return in_base ? WrapperSide::base : WrapperSide::cand;
}

DiffResult diff(const Grouping& base, const Grouping& cand, const Thresholds& thresholds,
                uint32_t base_replicas, uint32_t cand_replicas, WrapperSide wrappers) {
  bool loose = wrappers != WrapperSide::neither;
  // Buckets by fold_key (or loose_key), in first-seen order (CAND's, then BASE's), for a stable
  // result.
  std::vector<Bucket> buckets;
  std::unordered_map<std::string_view, size_t> index;
  auto bucket_of = [&](const Group& group) -> Bucket& {
    auto [it, inserted] =
        index.try_emplace(loose ? group.loose_key : group.fold_key, buckets.size());
    if (inserted) {
      buckets.emplace_back();
    }
    return buckets[it->second];
  };
  for (const auto& group : cand.groups) {
    if (!group.internal) {
      bucket_of(group).cand.push_back(&group);
    }
  }
  for (const auto& group : base.groups) {
    if (!group.internal) {
      bucket_of(group).base.push_back(&group);
    }
  }
  Differ differ(thresholds, base_replicas, cand_replicas);
  for (const Bucket& bucket : buckets) {
    if (loose) {
      match_loose(bucket, wrappers, differ);
    } else {
      differ.match(bucket);
    }
  }
  return differ.take();
}

} // namespace taskdiff
