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

bool is_finding(ChangeKind kind) {
  return kind == ChangeKind::new_group || kind == ChangeKind::growing;
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

  // The baseline's goroutines with no stack (crash output's `goroutine running on other thread;
  // stack unavailable`) were running: as many of the candidate's running or runnable goroutines
  // with the same creator (a debug=2 dump stops the world and prints those stacks, as
  // `[runnable]`) may be the same ones. A finding of such goroutines is judged without them,
  // worst first, each taken once; one that stays a finding takes none.
  void take_unavailable(const std::vector<const Group*>& unavailable) {
    struct Budget {
      const Group* group;
      double left;
    };
    std::vector<Budget> budgets;
    for (const Group* group : unavailable) {
      m_result.base_unavailable += group->count;
      budgets.push_back({group, static_cast<double>(group->count) * m_base_scale});
    }
    if (budgets.empty()) {
      return;
    }
    auto same_creator = [](const Group& a, const Group& b) {
      return !a.created_by || !b.created_by ||
             (a.created_by->function == b.created_by->function &&
              a.created_by->line == b.created_by->line);
    };
    std::sort(m_result.findings.begin(), m_result.findings.end(), worse);
    std::vector<Change> findings;
    for (Change& change : m_result.findings) {
      const Group& shown = change.shown();
      std::string_view wait = shown.wait;
      std::vector<std::pair<Budget*, double>> takes;
      double taken = 0;
      if (wait.starts_with("running") || wait.starts_with("runnable")) {
        for (Budget& budget : budgets) {
          double take = std::min(budget.left, change.cand - change.base - taken);
          if (take > 0 && same_creator(*budget.group, shown)) {
            takes.emplace_back(&budget, take);
            taken += take;
          }
        }
      }
      if (taken > 0 && !is_finding(classify(change.base, change.cand - taken, m_thresholds))) {
        for (auto [budget, take] : takes) {
          budget->left -= take;
        }
        m_result.unavailable_taken += static_cast<uint64_t>(taken / m_base_scale + 0.5);
        change.kind = ChangeKind::below_threshold;
        m_result.changes.push_back(change);
        continue;
      }
      findings.push_back(change);
    }
    m_result.findings = std::move(findings);
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
    (is_finding(change.kind) ? m_result.findings : m_result.changes).push_back(change);
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

// `pkg.F` for a folded closure name `pkg.F.funcN` (or `pkg.F.funcN` for `pkg.F.funcN.N`, a
// closure in a closure); empty for a name that is not a closure's.
std::string_view closure_owner(std::string_view folded) {
  std::string_view inner = folded;
  while (inner.size() > 2 && inner.substr(inner.size() - 2) == ".N") {
    inner.remove_suffix(2);
  }
  constexpr std::string_view k_func = ".funcN";
  if (inner.size() < k_func.size() || inner.substr(inner.size() - k_func.size()) != k_func) {
    return {};
  }
  return folded.substr(0, folded.size() - (folded.size() > inner.size() ? 2 : k_func.size()));
}

// Whether the closure at `place`, `at` of a group printed with wrappers can be one: a deferred
// call's wrapper is a closure of a function further out (the one that deferred: just outside it,
// or past the callee a panic ran it in); the `go` statement's, at the stack's outer end, is one
// of the creator, at the `go` statement's line (`go worker(i)`) or just outside the creator's
// closure it calls (the `}(i)` line of a multi-line `go func(i int) {...}(i)`). A closure of
// the creator at its own line with a function of another kind inside, a one-line `go func() {
// f() }()`, looks just like `go f(x)`'s wrapper.
bool may_be_wrapper(const Group& group, size_t place, size_t at) {
  std::string_view owner = closure_owner(group.loose_closures[place][at]);
  if (owner.empty()) {
    return false;
  }
  const auto& closures = group.loose_closures;
  for (size_t i = place; i < closures.size(); ++i) {
    for (size_t j = i == place ? at + 1 : 0; j < closures[i].size(); ++j) {
      if (closures[i][j] == owner) {
        return true;
      }
    }
    if (i < group.loose_frames.size() && group.loose_frames[i] == owner) {
      return true;
    }
  }
  if (place + 1 != closures.size() || owner != group.loose_creator) {
    return false;
  }
  return group.loose_at_creator_line[place][at] ||
         (at > 0 && closure_owner(closures[place][at - 1]) == owner);
}

// Whether a group of the side printing wrappers and one of the other side, in one loose bucket,
// can be one goroutine's stacks: place by place, the first's closures are the other's with
// wrappers between (a place past either stack's depth tells nothing).
bool wrappers_apart(const Group& with, const Group& other) {
  size_t places = std::min(with.loose_closures.size(), other.loose_closures.size());
  for (size_t place = 0; place < places; ++place) {
    if (place + 1 == places && (with.loose_cut || other.loose_cut)) {
      break;
    }
    const auto& expected = other.loose_closures[place];
    const auto& closures = with.loose_closures[place];
    size_t matched = 0;
    for (size_t at = 0; at < closures.size(); ++at) {
      if (matched < expected.size() && expected[matched] == closures[at]) {
        ++matched;
      } else if (!may_be_wrapper(with, place, at)) {
        return false;
      }
    }
    if (matched != expected.size()) {
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

// Matches the groups of a loose bucket (wrappers printed on one side only): groups that can be one
// goroutine's stacks, of one fold_key or with only wrappers apart, are compared together, as
// many on each side as are linked so (a profile's one group against the level-2 groups its
// creators' wrappers part; a level-2 group folding a `go` wrapper with a closure of its own
// against the two groups that are in the other format). What is linked to nothing is new or gone.
void match_loose(const Bucket& bucket, WrapperSide wrappers, Differ& differ) {
  // Nodes: each side's groups of one fold_key, linked across the sides.
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
  std::vector<size_t> root(parts.size());
  for (size_t i = 0; i < parts.size(); ++i) {
    root[i] = i;
  }
  auto find = [&](size_t i) {
    while (root[i] != i) {
      i = root[i] = root[root[i]];
    }
    return i;
  };
  auto linked = [&](size_t b, size_t c) {
    const Group& from = *parts[b].base.front();
    const Group& to = *parts[c].cand.front();
    return wrappers == WrapperSide::base ? wrappers_apart(from, to) : wrappers_apart(to, from);
  };
  auto one_sided = [&](size_t i) { return parts[i].base.empty() != parts[i].cand.empty(); };
  // First the groups found on one side only, among themselves; then those still alone with the
  // groups found on both sides (a level-2 group that folds a `go` wrapper with a closure of its
  // own meets both of the other format's groups). Groups found on both sides are not linked to
  // each other: each is its own stack.
  std::vector<bool> alone(parts.size(), true);
  for (size_t b = 0; b < parts.size(); ++b) {
    for (size_t c = 0; c < parts.size(); ++c) {
      if (one_sided(b) && one_sided(c) && !parts[b].base.empty() && !parts[c].cand.empty() &&
          linked(b, c)) {
        root[find(b)] = find(c);
        alone[b] = alone[c] = false;
      }
    }
  }
  // A group on one side only joins a group found on both sides when wrappers may part them and
  // either a lone group of the other side joins it too (two stacks that folding made alike: a
  // wrapper of `go work(x)` and a closure of one function), or it folds a wrapper of the lone
  // group's `go` statement on the side printing wrappers (below), or holds more there, by half
  // the lone group's count or more (the room a folded wrapper leaves). A new group beside a group
  // alike on both sides stays new.
  auto on_side = [&](size_t part, bool wrapper_side) {
    return total((wrappers == WrapperSide::base) == wrapper_side ? parts[part].base
                                                                 : parts[part].cand);
  };
  auto lone_on_wrapper_side = [&](size_t lone) {
    return (wrappers == WrapperSide::base) == !parts[lone].base.empty();
  };
  // Closure numberings a part folds on one side: more on the side printing wrappers than on the
  // other may be a wrapper folded in with a closure of its function (`main.leak.func2` of `go
  // Drain(ch)` beside `go func() { Drain(ch2) }()`'s `main.leak.func1`), or a closure whose
  // goroutines are gone on the other side. It is the wrapper when the lone group was created
  // where one of the part's level-2 closures was: at the same `go` statement (same file:line,
  // so one binary; across a rebuild the counts decide, below).
  auto variants = [&](size_t part, bool wrapper_side) {
    size_t sum = 0;
    for (const Group* group :
         (wrappers == WrapperSide::base) == wrapper_side ? parts[part].base : parts[part].cand) {
      sum += group->closure_variants;
    }
    return sum;
  };
  auto created_at_wrapper = [&](size_t lone, size_t part) {
    const auto& wrapper_groups =
        wrappers == WrapperSide::base ? parts[part].base : parts[part].cand;
    for (const Group* group : parts[lone].base.empty() ? parts[lone].cand : parts[lone].base) {
      if (!group->created_by) {
        continue;
      }
      std::pair<std::string, uint32_t> site{group->created_by->file, group->created_by->line};
      for (const Group* wrapper_group : wrapper_groups) {
        const auto& sites = wrapper_group->wrapper_sites;
        if (std::find(sites.begin(), sites.end(), site) != sites.end()) {
          return true;
        }
      }
    }
    return false;
  };
  for (size_t both = 0; both < parts.size(); ++both) {
    if (one_sided(both)) {
      continue;
    }
    std::vector<size_t> lone_links;
    bool sides[2] = {false, false};
    for (size_t lone = 0; lone < parts.size(); ++lone) {
      if (!one_sided(lone) || !alone[lone]) {
        continue;
      }
      bool ok = parts[lone].base.empty() ? linked(both, lone) : linked(lone, both);
      if (ok) {
        lone_links.push_back(lone);
        sides[lone_on_wrapper_side(lone) ? 1 : 0] = true;
      }
    }
    for (size_t lone : lone_links) {
      bool wrapper_side = lone_on_wrapper_side(lone);
      uint64_t here = on_side(both, wrapper_side);
      uint64_t there = on_side(both, !wrapper_side);
      uint64_t excess = there > here ? there - here : 0;
      uint64_t count = total(parts[lone].base) + total(parts[lone].cand);
      bool folded_wrapper = !wrapper_side && variants(both, true) > variants(both, false) &&
                            created_at_wrapper(lone, both);
      if ((sides[0] && sides[1]) || folded_wrapper || 2 * excess >= count) {
        root[find(lone)] = find(both);
      }
    }
  }
  std::vector<Bucket> joined(parts.size());
  for (size_t i = 0; i < parts.size(); ++i) {
    Bucket& into = joined[find(i)];
    into.base.insert(into.base.end(), parts[i].base.begin(), parts[i].base.end());
    into.cand.insert(into.cand.end(), parts[i].cand.begin(), parts[i].cand.end());
  }
  for (Bucket& component : joined) {
    if (component.base.empty() && component.cand.empty()) {
      continue;
    }
    auto largest_first = [](const Group* a, const Group* b) { return a->count > b->count; };
    std::stable_sort(component.base.begin(), component.base.end(), largest_first);
    std::stable_sort(component.cand.begin(), component.cand.end(), largest_first);
    differ.match(component);
  }
}

} // namespace

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
  std::vector<const Group*> unavailable;
  for (const auto& group : base.groups) {
    if (group.internal && group.stack_unavailable) {
      unavailable.push_back(&group);
    }
  }
  differ.take_unavailable(unavailable);
  return differ.take();
}

} // namespace taskdiff
