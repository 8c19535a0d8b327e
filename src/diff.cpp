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

// A loose bucket's groups by loose_origin, when every group has one: `go func() { ... }()` in two
// functions, alike once their closures are left out, are two goroutines. One group without an
// origin (its stack's outer end is no closure here, but may be one in the other format) keeps
// the bucket whole.
std::vector<Bucket> split_by_origin(const Bucket& bucket) {
  std::vector<Bucket> parts;
  std::vector<std::string_view> origins;
  auto part_of = [&](const Group* group) -> Bucket& {
    auto it = std::find(origins.begin(), origins.end(), group->loose_origin);
    if (it != origins.end()) {
      return parts[static_cast<size_t>(it - origins.begin())];
    }
    origins.push_back(group->loose_origin);
    return parts.emplace_back();
  };
  for (const auto* side : {&bucket.base, &bucket.cand}) {
    for (const Group* group : *side) {
      if (group->loose_origin.empty()) {
        return {bucket};
      }
      (side == &bucket.base ? part_of(group).base : part_of(group).cand).push_back(group);
    }
  }
  return parts;
}

} // namespace

bool crash_output(const Snapshot& snapshot) {
  return snapshot.format == Format::go_traceback ||
         std::any_of(snapshot.origins.begin(), snapshot.origins.end(),
                     [](const Origin& origin) { return origin.format == Format::go_traceback; });
}

DiffResult diff(const Grouping& base, const Grouping& cand, const Thresholds& thresholds,
                uint32_t base_replicas, uint32_t cand_replicas, bool loose) {
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
      for (const Bucket& part : split_by_origin(bucket)) {
        differ.match(part);
      }
    } else {
      differ.match(bucket);
    }
  }
  return differ.take();
}

} // namespace taskdiff
