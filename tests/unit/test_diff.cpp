// Tests for src/diff.cpp: matching by key, classification, thresholds, replicas.
#include "support.hpp"
#include "taskdiff/diff.hpp"
#include "taskdiff/group.hpp"
#include "taskdiff/parse.hpp"

#include <algorithm>
#include <doctest/doctest.h>
#include <initializer_list>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

namespace taskdiff {

namespace {

// Groups given as {key, fold_key, count}, largest first as group() orders them: closures of one
// function share a fold_key.
Grouping make_folded(std::initializer_list<std::tuple<std::string, std::string, uint64_t>> groups,
                     bool internal = false) {
  Grouping g;
  for (const auto& [key, fold_key, count] : groups) {
    Group group;
    group.key = key;
    group.fold_key = fold_key;
    group.loose_key = fold_key;
    group.count = count;
    group.internal = internal;
    g.total += count;
    g.groups.push_back(group);
  }
  std::stable_sort(g.groups.begin(), g.groups.end(),
                   [](const Group& x, const Group& y) { return x.count > y.count; });
  return g;
}

// Groups given as {key, count}, each its own fold_key.
Grouping make(std::initializer_list<std::pair<std::string, uint64_t>> groups,
              bool internal = false) {
  Grouping g;
  for (const auto& [key, count] : groups) {
    g.groups.push_back(make_folded({{key, key, count}}, internal).groups.front());
    g.total += count;
  }
  return g;
}

Grouping go_testdata_group(const std::string& name) {
  return group(load(test::testdata_path("go/" + name), ParseOptions{}), KeyOptions{});
}

const Change* find(const std::vector<Change>& changes, const std::string& key) {
  for (const auto& change : changes) {
    if (change.shown().key == key) {
      return &change;
    }
  }
  return nullptr;
}

Grouping corpus_group(const std::string& name, const KeyOptions& key) {
  return group(load(test::testdata_path("corpus/" + name), ParseOptions{}), key);
}

} // namespace

TEST_SUITE("diff") {

TEST_CASE("change_kind_name") {
  CHECK(change_kind_name(ChangeKind::new_group) == "new");
  CHECK(change_kind_name(ChangeKind::growing) == "growing");
  CHECK(change_kind_name(ChangeKind::shrinking) == "shrinking");
  CHECK(change_kind_name(ChangeKind::vanished) == "vanished");
  CHECK(change_kind_name(ChangeKind::below_threshold) == "below-threshold");
}

TEST_CASE("classification of hand-made groupings") {
  Grouping base =
      make({{"same", 7}, {"grow", 10}, {"small-grow", 10}, {"shrink", 30}, {"gone", 4}});
  Grouping cand = make({{"same", 7},
                        {"grow", 40},
                        {"small-grow", 15},
                        {"shrink", 3},
                        {"new-big", 9},
                        {"new-small", 2}});
  DiffResult r = diff(base, cand, Thresholds{});
  CHECK(r.regression());
  REQUIRE(r.findings.size() == 2);
  // Worst first: grow +30 before new-big +9.
  CHECK(r.findings[0].shown().key == "grow");
  CHECK(r.findings[0].kind == ChangeKind::growing);
  CHECK(r.findings[0].base == 10);
  CHECK(r.findings[0].cand == 40);
  CHECK(r.findings[1].shown().key == "new-big");
  CHECK(r.findings[1].kind == ChangeKind::new_group);
  CHECK(r.findings[1].base_group == nullptr);
  CHECK(r.findings[1].cand == 9);

  REQUIRE(r.changes.size() == 4);
  CHECK(find(r.changes, "same") == nullptr);
  CHECK(find(r.findings, "same") == nullptr);
  const Change* small = find(r.changes, "small-grow");
  REQUIRE(small != nullptr);
  CHECK(small->kind == ChangeKind::below_threshold);
  const Change* shrink = find(r.changes, "shrink");
  REQUIRE(shrink != nullptr);
  CHECK(shrink->kind == ChangeKind::shrinking);
  const Change* gone = find(r.changes, "gone");
  REQUIRE(gone != nullptr);
  CHECK(gone->kind == ChangeKind::vanished);
  CHECK(gone->cand_group == nullptr);
  CHECK(gone->base == 4);
  CHECK(gone->cand == 0);
  const Change* new_small = find(r.changes, "new-small");
  REQUIRE(new_small != nullptr);
  CHECK(new_small->kind == ChangeKind::below_threshold);
}

TEST_CASE("internal groups are never findings nor vanished") {
  Grouping base = make({{"internal=\nraw=a\n", 3}}, true);
  Grouping cand = make({{"internal=\nraw=b\n", 50}}, true);
  DiffResult r = diff(base, cand, Thresholds{});
  CHECK_FALSE(r.regression());
  CHECK(r.changes.empty());
}

TEST_CASE("thresholds: edges are inclusive") {
  Thresholds t; // min_new 5, min_delta 10, min_ratio 0.5
  SUBCASE("a new group of exactly min_new is a finding, one less is not") {
    DiffResult at = diff(make({}), make({{"k", 5}}), t);
    REQUIRE(at.findings.size() == 1);
    CHECK(at.findings[0].kind == ChangeKind::new_group);
    DiffResult below = diff(make({}), make({{"k", 4}}), t);
    CHECK(below.findings.empty());
    REQUIRE(below.changes.size() == 1);
    CHECK(below.changes[0].kind == ChangeKind::below_threshold);
  }
  SUBCASE("growth of exactly 50% and exactly min_delta is a finding") {
    DiffResult at = diff(make({{"k", 20}}), make({{"k", 30}}), t);
    REQUIRE(at.findings.size() == 1);
    CHECK(at.findings[0].kind == ChangeKind::growing);
    DiffResult ratio_short = diff(make({{"k", 21}}), make({{"k", 31}}), t); // +10 but < 50%
    CHECK(ratio_short.findings.empty());
    REQUIRE(ratio_short.changes.size() == 1);
    CHECK(ratio_short.changes[0].kind == ChangeKind::below_threshold);
    DiffResult delta_short = diff(make({{"k", 10}}), make({{"k", 19}}), t); // +90% but +9
    CHECK(delta_short.findings.empty());
    REQUIRE(delta_short.changes.size() == 1);
    CHECK(delta_short.changes[0].kind == ChangeKind::below_threshold);
  }
  SUBCASE("custom thresholds") {
    Thresholds loose{1, 1, 0.0};
    DiffResult r = diff(make({{"k", 100}}), make({{"k", 101}, {"n", 1}}), loose);
    CHECK(r.findings.size() == 2);
  }
}

TEST_CASE("thresholds: a ratio boundary that binary floating point misses") {
  // 0.07 * 100 is 7.000000000000001, 0.55 * 100 is 55.00000000000001: growth of exactly the
  // fraction asked for passed.
  CHECK(diff(make({{"k", 100}}), make({{"k", 107}}), Thresholds{5, 1, 0.07}).regression());
  CHECK(diff(make({{"k", 100}}), make({{"k", 155}}), Thresholds{5, 1, 0.55}).regression());
  CHECK(diff(make({{"k", 50}}), make({{"k", 78}}), Thresholds{5, 1, 0.56}).regression());
  CHECK_FALSE(diff(make({{"k", 100}}), make({{"k", 106}}), Thresholds{5, 1, 0.07}).regression());
}

TEST_CASE("label sets of one stack: one by one when both sides have the same ones") {
  Thresholds t;
  SUBCASE("the same label sets on both sides are compared one by one") {
    // 103 -> 130 together is +26%; the small one grew tenfold.
    Grouping r_base = make_folded({{"s handler=a", "s", 100}, {"s handler=b", "s", 3}});
    Grouping r_cand = make_folded({{"s handler=a", "s", 100}, {"s handler=b", "s", 30}});
    DiffResult r = diff(r_base, r_cand, t);
    REQUIRE(r.findings.size() == 1);
    CHECK(r.findings[0].kind == ChangeKind::growing);
    CHECK(r.findings[0].shown().key == "s handler=b");
    CHECK(r.findings[0].cand_groups == 1);
  }
  SUBCASE("other label sets: the stack is compared whole") {
    Grouping r_base = make_folded({{"s req=1", "s", 40}});
    Grouping r_cand = make_folded({{"s req=1", "s", 40}, {"s req=2", "s", 15}});
    DiffResult r = diff(r_base, r_cand, t);
    CHECK_FALSE(r.regression()); // 40 -> 55: +37.5%
    REQUIRE(r.changes.size() == 1);
    CHECK(r.changes[0].base_groups == 1);
    CHECK(r.changes[0].cand_groups == 2);
  }
  SUBCASE("a new stack's label sets count together") {
    // Three sets of 3: one new group of 9, not three of 3 below min_new.
    Grouping r_base = make({{"a", 1}});
    Grouping r_cand =
        make_folded({{"a", "a", 1}, {"g req=1", "g", 3}, {"g req=2", "g", 3}, {"g req=3", "g", 3}});
    DiffResult r = diff(r_base, r_cand, t);
    REQUIRE(r.findings.size() == 1);
    CHECK(r.findings[0].cand == 9);
    CHECK(r.findings[0].cand_groups == 3);
  }
}

TEST_CASE("closures of the creator at the stack's end: one-line closures and level-2 wrappers") {
  // Real go1.19 dumps of one process each (testdata/go/programs/tiny): debug=2 and SIGQUIT.
  // `go func(i int) { wait(gate) }(i)`: SIGQUIT adds the `go` statement's wrapper
  // main.main.func4 at the `}(i)` line; `go func() { wait(gate) }()`: level 2 prints the one-line
  // closure main.main.func2 just as level 1 does (it was once dropped, taken for a wrapper).
  // Each split the group: NEW 8.
  for (std::string mode : {"wrap", "oneline"}) {
    CAPTURE(mode);
    Grouping debug2 = go_testdata_group("go1.19-closure-" + mode + ".debug2.txt");
    Grouping sigquit = go_testdata_group("go1.19-closure-" + mode + ".sigquit.txt");
    DiffResult r = diff(debug2, sigquit, Thresholds{}, 1, 1, WrapperSide::cand);
    if (mode == "wrap") {
      CHECK(diff(debug2, sigquit, Thresholds{}).regression()); // by fold_key, they split
    }
    CHECK(r.findings.empty());
    for (const auto& change : r.changes) {
      const auto& frames = change.shown().frames;
      CHECK_MESSAGE(std::find(frames.begin(), frames.end(), "main.wait") == frames.end(),
                    change.shown().key);
    }
  }
  // Against a profile, which records no creator (testdata/go/programs/oddsvc: six each of
  // `go func() { mu.Lock() }()` and `go func() { time.Sleep(time.Hour) }()`): debug=1 shows the
  // closures, SIGQUIT drops them; with no creator in the key any closures at the end are left
  // out. NEW 6 twice.
  {
    Snapshot debug1 = load(test::testdata_path("go/go1.19-oddsvc.debug1.txt"), ParseOptions{});
    Snapshot sigquit = load(test::testdata_path("go/go1.19-oddsvc.sigquit.txt"), ParseOptions{});
    std::vector<std::string> notes;
    KeyOptions key = shared_key(KeyOptions{}, debug1.facts, sigquit.facts, notes);
    CHECK_FALSE(key.created_by);
    Grouping base = group(debug1, key);
    Grouping cand = group(sigquit, key);
    CHECK(prints_wrappers(sigquit));
    CHECK_FALSE(prints_wrappers(debug1));
    CHECK(diff(base, cand, Thresholds{}, 1, 1, WrapperSide::cand).findings.empty());
    CHECK(diff(cand, base, Thresholds{}, 1, 1, WrapperSide::base).findings.empty());
  }
  // --key strict (file:line in the key) too: its loose key is strict less the same frames.
  for (std::string mode : {"wrap", "oneline"}) {
    CAPTURE(mode);
    KeyOptions strict;
    strict.strict = true;
    Grouping debug2 = group(
        load(test::testdata_path("go/go1.19-closure-" + mode + ".debug2.txt"), ParseOptions{}),
        strict);
    Grouping sigquit = group(
        load(test::testdata_path("go/go1.19-closure-" + mode + ".sigquit.txt"), ParseOptions{}),
        strict);
    CHECK(diff(debug2, sigquit, Thresholds{}, 1, 1, WrapperSide::cand).findings.empty());
  }
  // Sibling closures alike but for their numbers fold into one group (the default key cannot
  // tell them from one closure a rebuild renumbered), and the group says so; --key strict parts
  // them, and finds the new sibling's 15 (testdata/go/programs/tiny merge-*).
  Grouping base = go_testdata_group("go1.19-closure-merge-base.debug2.txt");
  Grouping cand = go_testdata_group("go1.19-closure-merge-cand.debug2.txt");
  CHECK(cand.groups.front().count == 55);
  CHECK(cand.groups.front().closure_variants == 2);
  CHECK(base.groups.front().closure_variants == 1);
  KeyOptions strict;
  strict.strict = true;
  Grouping strict_base = group(
      load(test::testdata_path("go/go1.19-closure-merge-base.debug2.txt"), ParseOptions{}), strict);
  Grouping strict_cand = group(
      load(test::testdata_path("go/go1.19-closure-merge-cand.debug2.txt"), ParseOptions{}), strict);
  for (const auto& group : strict_cand.groups) {
    CHECK(group.closure_variants == 1); // the numbers are in the strict key
  }
  DiffResult leak = diff(strict_base, strict_cand, Thresholds{});
  REQUIRE(leak.findings.size() == 1);
  CHECK(leak.findings[0].kind == ChangeKind::new_group);
  CHECK(leak.findings[0].cand == 15);
  CHECK(leak.findings[0].shown().frames.front() == "main.fanout.func2");
}

TEST_CASE("a new goroutine with no closure of its own does not join its creator's closure") {
  // BASE: `go func() { wait() }()` in f. CAND adds 20 of `go wait()` in f: their loose keys are
  // alike, but the closure's group is found on both sides, so it meets nothing by loose key.
  Grouping base;
  Group closure;
  closure.key = "wait\nf.func1\nf";
  closure.fold_key = "wait\nf.funcN\nf";
  closure.loose_key = "wait\nf";
  closure.count = 8;
  base.groups.push_back(closure);
  Grouping cand = base;
  Group direct;
  direct.key = direct.fold_key = direct.loose_key = "wait\nf";
  direct.count = 20;
  cand.groups.push_back(direct);
  DiffResult r = diff(base, cand, Thresholds{});
  REQUIRE(r.findings.size() == 1);
  CHECK(r.findings[0].cand == 20);
  CHECK(r.findings[0].base == 0);
}

TEST_CASE("a leak reached at several recursion depths is one group") {
  // programs/walksvc: each leaked goroutine blocks in the WalkDir callback, 3 to 7 walkDir
  // frames deep. Keyed by depth, 20 -> 30 were groups of 4 to 14, each below the thresholds.
  Grouping base = go_testdata_group("go1.19-walk-recursion.base.debug2.txt");
  for (const char* cand_file :
       {"go1.19-walk-recursion.cand.debug2.txt", "go1.19-walk-recursion.cand.sigquit.txt"}) {
    CAPTURE(cand_file);
    Grouping cand = go_testdata_group(cand_file);
    DiffResult r = diff(base, cand, Thresholds{});
    REQUIRE(r.findings.size() == 1);
    CHECK(r.findings[0].base == 20);
    CHECK(r.findings[0].cand == 30);
    CHECK(r.findings[0].shown().frames.front() == "main.listFiles.func1.1");
  }
}

TEST_CASE("per-replica comparison") {
  // base: 2 replicas, 40 goroutines in total = 20 each; cand: 1 replica with 20: unchanged.
  DiffResult same = diff(make({{"k", 40}}), make({{"k", 20}}), Thresholds{}, 2, 1);
  CHECK_FALSE(same.regression());
  CHECK(same.changes.empty());

  // base 2 replicas x 10 = 20; cand 1 replica of 25: +15 per replica, 150%.
  DiffResult grow = diff(make({{"k", 20}}), make({{"k", 25}}), Thresholds{}, 2, 1);
  REQUIRE(grow.findings.size() == 1);
  CHECK(grow.findings[0].kind == ChangeKind::growing);
  CHECK(grow.findings[0].base == doctest::Approx(10.0));
  CHECK(grow.findings[0].cand == doctest::Approx(25.0));

  // Compared raw, 20 -> 25 would not be a finding.
  CHECK_FALSE(diff(make({{"k", 20}}), make({{"k", 25}}), Thresholds{}).regression());

  // As many replicas on each side: the sums compare, as the docs say (docs/snapshot.md).
  DiffResult equal = diff(make({{"k", 30}}), make({{"k", 30}, {"n", 6}}), Thresholds{}, 3, 3);
  REQUIRE(equal.findings.size() == 1);
  CHECK(equal.findings[0].cand == 6);

  // cand with 2 replicas: a new group of 8 is 4 per replica, below min_new 5.
  DiffResult halved = diff(make({}), make({{"n", 8}}), Thresholds{}, 1, 2);
  CHECK(halved.findings.empty());
  REQUIRE(halved.changes.size() == 1);
  CHECK(halved.changes[0].cand == doctest::Approx(4.0));
}

TEST_CASE("corpus growth: GROWING 5 -> 300") {
  Grouping base = corpus_group("growth/base.debug2.txt", KeyOptions{});
  Grouping cand = corpus_group("growth/cand.debug2.txt", KeyOptions{});
  DiffResult r = diff(base, cand, Thresholds{});
  CHECK(r.regression());
  REQUIRE_FALSE(r.findings.empty());
  CHECK(r.findings[0].kind == ChangeKind::growing);
  CHECK(r.findings[0].base == 5);
  CHECK(r.findings[0].cand == 300);
}

TEST_CASE("corpus noise: PASS") {
  Grouping base = corpus_group("noise/base.debug2.txt", KeyOptions{});
  Grouping cand = corpus_group("noise/cand.debug2.txt", KeyOptions{});
  DiffResult r = diff(base, cand, Thresholds{});
  CHECK_FALSE(r.regression());
  CHECK(r.findings.empty());
}

// SIGQUIT output (traceback level 2: runtime frames, go-statement wrappers) against a debug=2
// dump (level 1) of the same process, at thresholds of one goroutine.
TEST_CASE("level-2 crash output against debug=2 of the same process") {
  Thresholds one{1, 1, 0.0};
  auto sample_group = [](const std::string& name) {
    return group(load(test::testdata_path("go/" + name), ParseOptions{}), KeyOptions{});
  };
  auto finding_with = [](const DiffResult& result, std::string_view function) {
    return std::any_of(result.findings.begin(), result.findings.end(), [&](const Change& change) {
      const auto& frames = change.shown().frames;
      return std::find(frames.begin(), frames.end(), function) != frames.end();
    });
  };

  // Go 1.23 (`gp=` headers): the one-line `go func() { mu.Lock() }()` closure, main.main.func2,
  // at its `created by` line, is the goroutine's own (a wrapper would be gowrapN): kept.
  Grouping debug2_123 = sample_group("go1.23-debug2-http.txt");
  Grouping sigquit_123 = sample_group("go1.23-sigquit-http.txt");
  DiffResult r123 = diff(debug2_123, sigquit_123, one);
  CHECK(r123.findings.empty());

  // Go 1.19: the wrapper of `go audit(...)` in a closure, main.main.func1.1, which the debug=2
  // dump hides, does not part the group from its twin there.
  Grouping debug2_119 = sample_group("go1.19-debug2-http.txt");
  Grouping sigquit_119 = sample_group("go1.19-sigquit-http.txt");
  DiffResult r119 = diff(debug2_119, sigquit_119, one, 1, 1, WrapperSide::cand);
  CHECK_FALSE(finding_with(r119, "main.audit"));
  CHECK_FALSE(finding_with(r119, "main.main.func1.1"));
}

} // TEST_SUITE("diff")

TEST_CASE("crash output against another format: level-2 wrappers meet their twins, closures of "
          "other functions do not") {
  // Each pair: one process of a real go1.19 program (testdata/go/programs). A change points into
  // the groupings, which live as long as the Cross.
  struct Cross {
    Grouping base, cand;
    DiffResult result;
  };
  auto cross = [](const std::string& base_path, const std::string& cand_path) {
    Snapshot base = load(test::testdata_path(base_path), ParseOptions{});
    Snapshot cand = load(test::testdata_path(cand_path), ParseOptions{});
    std::vector<std::string> notes;
    KeyOptions key = shared_key(KeyOptions{}, base.facts, cand.facts, notes);
    auto made = std::make_unique<Cross>(Cross{group(base, key), group(cand, key), {}});
    made->result = diff(made->base, made->cand, Thresholds{}, 1, 1, wrapper_side(base, cand));
    return made;
  };
  SUBCASE("a new closure beside another function's, alike once closures are left out") {
    // twoowners: 100 `go func() { for { time.Sleep(time.Hour) } }()` in startPollers, then 40
    // `go func() { time.Sleep(time.Hour) }()` in leakyHandler. Against a profile (no creator in
    // the key), both ended in [time.Sleep] and were summed: 100 -> 140, below the ratio: PASS.
    for (std::string base :
         {"go/go1.19-two-owners.base.debug1.txt", "pprof/go1.19-two-owners.base.pb.gz"}) {
      CAPTURE(base);
      auto made = cross(base, "go/go1.19-two-owners.cand.sigquit.txt");
      const DiffResult& r = made->result;
      REQUIRE(r.findings.size() == 1);
      CHECK(r.findings[0].kind == ChangeKind::new_group);
      CHECK(r.findings[0].cand == 40);
      CHECK(r.findings[0].shown().frames ==
            std::vector<std::string>{"time.Sleep", "main.leakyHandler.func1"});
      auto reverse = cross("go/go1.19-two-owners.cand.sigquit.txt", base);
      CHECK(reverse->result.findings.empty());
      CHECK(std::any_of(reverse->result.changes.begin(), reverse->result.changes.end(),
                        [](const Change& change) {
                          return change.kind == ChangeKind::vanished && change.base == 40;
                        }));
    }
  }
  SUBCASE("a deferred call's level-2 wrapper in the middle of the stack") {
    // deferwrap: 12 goroutines blocked in `defer pool.Put(id)`; SIGQUIT prints the wrapper
    // main.worker.func1 between (*Pool).Put and main.worker: NEW 12 against itself.
    CHECK(cross("go/go1.19-defer-wrapper.debug2.txt", "go/go1.19-defer-wrapper.sigquit.txt")
              ->result.findings.empty());
    CHECK(cross("go/go1.19-defer-wrapper.sigquit.txt", "go/go1.19-defer-wrapper.debug2.txt")
              ->result.findings.empty());
  }
  SUBCASE("one-line closures of two functions with one leaf") {
    // shapes (testdata/go/programs/shapes): 100 `go func() { time.Sleep(time.Hour) }()` in
    // startSleepClosA, then 40 alike in startSleepClosC. Level 2 took each one-line closure for
    // the `go` wrapper and dropped it: with no creator in the key both were [time.Sleep], one
    // group, 100 -> 140, PASS.
    auto made = cross("pprof/go1.19-oneline-owners.base.pb.gz",
                      "go/go1.19-oneline-owners.cand.sigquit.txt");
    REQUIRE(made->result.findings.size() == 1);
    CHECK(made->result.findings[0].cand == 40);
    CHECK(made->result.findings[0].shown().frames.back() == "main.startSleepClosC.func1");
  }
  SUBCASE("a direct `go f(x)` beside a closure with its leaf") {
    // shapes: 100 `go time.Sleep(time.Hour)` in startSleepDirect (level 2 adds its wrapper, a
    // closure of startSleepDirect at the `go` line; level 1 shows [time.Sleep] alone), then 40
    // one-line closures in startSleepClosA. Against debug=2, which names creators: NEW 40.
    auto made = cross("go/go1.19-direct-and-closure.base.debug2.txt",
                      "go/go1.19-direct-and-closure.cand.sigquit.txt");
    REQUIRE(made->result.findings.size() == 1);
    CHECK(made->result.findings[0].kind == ChangeKind::new_group);
    CHECK(made->result.findings[0].cand == 40);
    CHECK(made->result.findings[0].shown().frames.back() == "main.startSleepClosA.func1");
    // Against a protobuf profile, which names none, the one-line closure of startSleepClosA at
    // its `go` line cannot be told from the wrapper of a `go time.Sleep(d)` written there: the
    // two level-2 groups are counted together against the profile's [time.Sleep], 100 -> 140
    // (a documented limit).
    auto profile = cross("pprof/go1.19-direct-and-closure.base.pb.gz",
                         "go/go1.19-direct-and-closure.cand.sigquit.txt");
    CHECK(profile->result.findings.empty());
    REQUIRE(profile->result.changes.size() >= 1);
    CHECK(std::any_of(profile->result.changes.begin(), profile->result.changes.end(),
                      [](const Change& change) {
                        return change.base == 100 && change.cand == 140 && change.cand_groups == 2;
                      }));
  }
  SUBCASE("one profile group, two level-2 groups its creators' wrappers part") {
    // creators (testdata/go/programs/creators): `go worker(i)` in startA and in startB, one
    // moment. The profile has one [main.worker] group; level 2 two, each under its creator's
    // wrapper: all three are compared together (a pairing one to one made a NEW 50).
    CHECK(cross("pprof/go1.19-two-creators.pb.gz", "go/go1.19-two-creators.sigquit.txt.gz")
              ->result.findings.empty());
    CHECK(cross("go/go1.19-two-creators.sigquit.txt.gz", "pprof/go1.19-two-creators.pb.gz")
              ->result.findings.empty());
  }
  SUBCASE("a level-2 group folding a `go` wrapper with a closure of its own") {
    // creators: `go worker(i)` (100) and `go func() { worker(0) }()` (10) in startA, one moment.
    // Level 2's wrapper of the first and the closure of the second are both startA.funcN: one
    // group of 110 against debug=2's [worker] 100 and [worker, startA.func1] 10 (GROWING 10 ->
    // 110 when matched by key alone).
    CHECK(cross("go/go1.19-wrapper-and-closure.debug2.txt.gz",
                "go/go1.19-wrapper-and-closure.sigquit.txt.gz")
              ->result.findings.empty());
    CHECK(cross("go/go1.19-wrapper-and-closure.sigquit.txt.gz",
                "go/go1.19-wrapper-and-closure.debug2.txt.gz")
              ->result.findings.empty());
  }
  SUBCASE("a level-2 group folding a wrapper and a closure, against another moment") {
    // creators, two processes: 3 `go worker(i)` and 3 `go func() { worker(0) }()` in startA
    // (SIGQUIT: one group of 6, wrapper and closure both startA.funcN), then 5 and 5 (debug=2:
    // [worker] and [worker, startA.func1]). The lone [worker] joined only if the level-2 group
    // held half its count more than debug=2's closure group, counts of two moments: NEW 5.
    // The group folds two closure numberings on the level-2 side, one on the other: a wrapper.
    auto made = cross("go/go1.19-wrapper-closure-growth.base.sigquit.txt",
                      "go/go1.19-wrapper-closure-growth.cand.debug2.txt");
    CHECK(made->result.findings.empty());
    CHECK(cross("go/go1.19-wrapper-closure-growth.cand.debug2.txt",
                "go/go1.19-wrapper-closure-growth.base.sigquit.txt")
              ->result.findings.empty());
  }
  SUBCASE("a new group beside a level-2 group whose other closure is gone is new") {
    // closuresgone, two processes: `go func() { Drain(ch2) }()` and `go func() { Drain(ch) }()`
    // ×3 (SIGQUIT: one group folding two numberings); then the second's goroutines gone and 8
    // new `go Drain(ch3)`. The extra numbering is no wrapper of that `go` statement (another
    // line): NEW 8, as within one format (it was joined: 6 -> 11, PASS).
    auto made =
        cross("go/go1.19-closure-gone.base.sigquit.txt", "go/go1.19-closure-gone.cand.debug2.txt");
    REQUIRE(made->result.findings.size() == 1);
    CHECK(made->result.findings[0].kind == ChangeKind::new_group);
    CHECK(made->result.findings[0].cand == 8);
  }
  SUBCASE("a new group beside a group alike on both sides is new") {
    // linking (testdata/go/programs/linking): 300 `go func() { worker(0) }()` in f1c; the
    // candidate (another process, a protobuf profile) adds 100 `go worker(i)` in f2. Level 2's
    // closure f1c.func1 at its `go` line could be a wrapper of `go worker(x)`, which joined the
    // new [worker] group to the [worker, f1c.funcN] group alike on both sides: 300 -> 400, PASS.
    auto made = cross("go/go1.19-closure-then-direct.base.sigquit.txt.gz",
                      "pprof/go1.19-closure-then-direct.cand.pb.gz");
    REQUIRE(made->result.findings.size() == 1);
    CHECK(made->result.findings[0].kind == ChangeKind::new_group);
    CHECK(made->result.findings[0].cand == 100);
  }
  SUBCASE("a closure of another function is no wrapper") {
    // creators: 100 `go worker(i)` in startM, then (another process) 100 `go fn()` in startM, fn
    // a closure of mkW: a new code path, NEW 100 in any one format. Any closure on the level-2
    // side was once taken for a wrapper: PASS.
    auto made = cross("go/go1.19-closure-from-elsewhere.base.debug2.txt.gz",
                      "go/go1.19-closure-from-elsewhere.cand.sigquit.txt.gz");
    REQUIRE(made->result.findings.size() == 1);
    CHECK(made->result.findings[0].kind == ChangeKind::new_group);
    CHECK(made->result.findings[0].cand == 100);
    CHECK(std::find(made->result.findings[0].shown().frames.begin(),
                    made->result.findings[0].shown().frames.end(),
                    "main.mkW.func1") != made->result.findings[0].shown().frames.end());
  }
  SUBCASE("`go fn(x)` of a closure made in another function") {
    // shapes: fn := mkWorker(); go fn(i) in startVarArgs. Level 2's wrapper is a closure of
    // startVarArgs under mkWorker.func1: NEW 20 against itself.
    CHECK(cross("go/go1.19-closure-var-args.debug2.txt", "go/go1.19-closure-var-args.sigquit.txt")
              ->result.findings.empty());
    CHECK(cross("go/go1.19-closure-var-args.sigquit.txt", "go/go1.19-closure-var-args.debug2.txt")
              ->result.findings.empty());
  }
  SUBCASE("a deferred closure called with arguments, blocked") {
    // shapes: defer func(x int) { <-ch }(i) in deferArgs: level 2 prints the deferred call's
    // wrapper, deferArgs.func2, between the closure and deferArgs: NEW 20 against itself.
    CHECK(
        cross("go/go1.19-defer-closure-args.debug2.txt", "go/go1.19-defer-closure-args.sigquit.txt")
            ->result.findings.empty());
    CHECK(
        cross("go/go1.19-defer-closure-args.sigquit.txt", "go/go1.19-defer-closure-args.debug2.txt")
            ->result.findings.empty());
  }
  SUBCASE("the `go` wrapper of a closure in a closure") {
    // nestedwrap: `go func(i int) { work(...) }(i)` inside (*Srv).Start's closure; the wrapper is
    // main.(*Srv).Start.func1.4, a closure of the creator main.(*Srv).Start.func1.
    CHECK(cross("go/go1.19-nested-wrap.debug2.txt", "go/go1.19-nested-wrap.sigquit.txt")
              ->result.findings.empty());
    CHECK(cross("go/go1.19-nested-wrap.sigquit.txt", "go/go1.19-nested-wrap.debug2.txt")
              ->result.findings.empty());
  }
  SUBCASE("goroutines whose stacks a traceback could not print, running on other threads") {
    // spin: 7 CPU-bound workers. SIGQUIT prints them `[running]` with `stack unavailable`
    // (internal: no frames); debug=2 stops the world and prints their stacks, `[runnable]`. They
    // were a new group of 7 against the same process.
    auto made = cross("go/go1.19-spin-unavailable.sigquit.txt", "go/go1.19-spin.debug2.txt");
    CHECK(made->result.findings.empty());
    CHECK(made->result.base_unavailable == 7);
    CHECK(made->result.unavailable_taken == 7);
    // 15 more workers than there were stacks unavailable: still growth (7 -> 22).
    std::string dump = test::read_testdata("go/go1.19-spin.debug2.txt");
    size_t start = dump.find("goroutine 8 [runnable]:");
    std::string worker = dump.substr(start, dump.find("\n\n", start) + 2 - start);
    while (!dump.ends_with("\n\n")) {
      dump += '\n';
    }
    for (int id = 100; id < 115; ++id) {
      dump += "goroutine " + std::to_string(id) + worker.substr(worker.find(' ', 10));
    }
    Snapshot base = load(test::testdata_path("go/go1.19-spin-unavailable.sigquit.txt"), {});
    Snapshot cand = load(Input::from_memory("more.txt", dump), {});
    std::vector<std::string> notes;
    KeyOptions key = shared_key(KeyOptions{}, base.facts, cand.facts, notes);
    Grouping base_groups = group(base, key);
    Grouping cand_groups = group(cand, key);
    DiffResult r = diff(base_groups, cand_groups, Thresholds{}, 1, 1, wrapper_side(base, cand));
    REQUIRE(r.findings.size() == 1);
    CHECK(r.findings[0].cand == 22);
    CHECK(r.unavailable_taken == 0);
    // Goroutines of another creator are not taken for them: 9 leaked pollers (`for {
    // runtime.Gosched() }`, `[runnable]`) beside 3 stackless spinners stay a new group of 9.
    auto other =
        cross("go/go1.19-spinpoll-unavailable.sigquit.txt", "go/go1.19-spinpoll.debug2.txt");
    REQUIRE(other->result.findings.size() == 1);
    CHECK(other->result.findings[0].kind == ChangeKind::new_group);
    CHECK(other->result.findings[0].cand == 9);
    CHECK(other->result.findings[0].shown().frames.back() == "main.poller");
  }
  SUBCASE("C threads calling back into Go: cgo's export wrapper, which debug=2 leaves out") {
    // cgocb: 20 pthreads call the exported main.goBlock, blocked. debug=2 stops above
    // `_cgoexp_<hash>_goBlock`; SIGQUIT and debug=1 print it: one group all the same.
    for (std::string other :
         {"go/go1.19-cgo-callback.sigquit.txt", "go/go1.19-cgo-callback.debug1.txt"}) {
      CAPTURE(other);
      CHECK(cross("go/go1.19-cgo-callback.debug2.txt", other)->result.findings.empty());
      CHECK(cross(other, "go/go1.19-cgo-callback.debug2.txt")->result.findings.empty());
      // The same process earlier, with 2 of them: growing, not new.
      auto made = cross("go/go1.19-cgo-callback.base.debug2.txt", other);
      REQUIRE(made->result.findings.size() == 1);
      CHECK(made->result.findings[0].kind == ChangeKind::growing);
      CHECK(made->result.findings[0].base == 2);
      CHECK(made->result.findings[0].cand == 20);
    }
  }
}

} // namespace taskdiff
