// Tests for src/snapshot.cpp (writing, merging) and src/parse/snapshot.cpp (reading): round trips
// over real dumps of every format, the corpus verdicts through a stored baseline, replicas, and
// snapshots that were edited, cut or written by a newer taskdiff.
#include "taskdiff/snapshot.hpp"

#include <doctest/doctest.h>

#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "support.hpp"
#include "taskdiff/diff.hpp"
#include "taskdiff/error.hpp"
#include "taskdiff/group.hpp"
#include "taskdiff/parse.hpp"
#include "taskdiff/version.hpp"

namespace taskdiff {

namespace {

std::string corpus(const std::string& name) {
  return test::testdata_path("corpus/" + name);
}

std::string to_json(const Snapshot& snapshot) {
  std::ostringstream out;
  write_snapshot(out, snapshot);
  return out.str();
}

Snapshot from_json(const std::string& name, std::string_view bytes) {
  return load(Input::from_memory(name, bytes), ParseOptions{});
}

// The message load() throws for `bytes`, or "" when it loads.
std::string load_error(const std::string& name, std::string_view bytes) {
  try {
    from_json(name, bytes);
  } catch (const Error& error) {
    return error.what();
  }
  return "";
}

Snapshot snapshot_of(std::vector<std::string> paths) {
  std::vector<Snapshot> dumps;
  for (const auto& path : paths) {
    dumps.push_back(load(path, ParseOptions{}));
  }
  return merge_snapshots(std::move(dumps));
}

std::string stack_text(const Snapshot& s, const Stack& stack) {
  std::string out =
      fmt::format("{} [{}] {} {} {} {} |", stack.count, stack.state, stack.max_wait_minutes,
                  stack.locked_to_thread, stack.leaked, stack.thread_name);
  for (const auto& frame : stack.frames) {
    out += fmt::format(" {} {}:{};", s.symbols[frame.function], s.symbols[frame.file], frame.line);
  }
  if (stack.created_by) {
    out += fmt::format(" created by {} {}:{}", s.symbols[stack.created_by->function],
                       s.symbols[stack.created_by->file], stack.created_by->line);
  }
  for (const auto& [key, value] : stack.labels) {
    out += fmt::format(" {}={}", key, value);
  }
  return out;
}

// Every stack of `a` equals the one at the same place in `b`, strings compared, not ids.
void check_same_stacks(const Snapshot& a, const Snapshot& b) {
  REQUIRE(a.stacks.size() == b.stacks.size());
  for (size_t i = 0; i < a.stacks.size(); ++i) {
    CHECK(stack_text(a, a.stacks[i]) == stack_text(b, b.stacks[i]));
  }
  CHECK(a.total == b.total);
}

std::vector<std::string> finding_lines(const DiffResult& result) {
  std::vector<std::string> out;
  for (const auto* list : {&result.findings, &result.changes}) {
    for (const auto& change : *list) {
      out.push_back(fmt::format("{} {} {} -> {}", change_kind_name(change.kind), change.shown().key,
                                change.base, change.cand));
    }
  }
  return out;
}

DiffResult diff_of(const Snapshot& base, const Snapshot& cand) {
  std::vector<std::string> notes;
  KeyOptions key = shared_key(KeyOptions{}, base.facts, cand.facts, notes);
  Grouping base_groups = group(base, key);
  Grouping cand_groups = group(cand, key);
  // The groupings must outlive the result's pointers: keep them in statics per call site.
  static std::vector<std::unique_ptr<Grouping>> keep;
  keep.push_back(std::make_unique<Grouping>(std::move(base_groups)));
  keep.push_back(std::make_unique<Grouping>(std::move(cand_groups)));
  return diff(*keep[keep.size() - 2], *keep.back(), Thresholds{}, base.replicas, cand.replicas);
}

// A small valid snapshot to break in the error tests.
const char* k_small = R"({"schema":"taskdiff.snapshot/1",
"tool":{"name":"taskdiff","version":"0.1.0"},
"source":{"runtime":"go","facts":{"wait":true,"created_by":true,"labels":false,"thread_names":false},"dumps":[{"format":"go-debug2","path":"base.txt"}]},
"replicas":1,"total":3,
"strings":[
"main.worker",
"/src/main.go"],
"stacks":[
{"count":3,"state":"chan receive","frames":[[0,1,12]],"created_by":[0,1,30]}]}
)";

std::string patched(std::string_view from, std::string_view to) {
  std::string text = k_small;
  size_t at = text.find(from);
  REQUIRE_MESSAGE(at != std::string::npos, "no " << from);
  return text.replace(at, from.size(), to);
}

} // namespace

TEST_SUITE("snapshot") {

TEST_CASE("a copied symbol table finds its names after the original is gone") {
  // Its index viewed the original's strings: a vector of snapshots growing (three replicas
  // given to `taskdiff snapshot`) copied them and freed the originals, and the next lookup read
  // freed memory (ASan: heap-use-after-free).
  auto original = std::make_unique<SymbolTable>();
  SymbolTable::Id main_id = original->intern("main.main");
  SymbolTable::Id file_id = original->intern("/src/main.go");
  SymbolTable copy(*original);
  SymbolTable assigned;
  assigned = *original;
  original.reset();
  CHECK(copy.intern("main.main") == main_id);
  CHECK(copy.intern("/src/main.go") == file_id);
  CHECK(assigned.intern("main.main") == main_id);
  CHECK(copy.size() == 2);
  CHECK(copy.intern("main.other") == 2);
}

TEST_CASE("round trip: dump -> snapshot -> the same stacks, totals and facts, in every format") {
  for (const char* name : {"unbuffered-chan/cand.debug2.txt", "unbuffered-chan/cand.debug1.txt",
                           "unbuffered-chan/cand.pb.gz", "tracebacks/panic.txt",
                           "java-executor/cand.jstack.txt", "java25-executor/cand.threads.json"}) {
    CAPTURE(name);
    Snapshot dump = load(corpus(name), ParseOptions{});
    Snapshot stored = snapshot_of({corpus(name)});
    std::string json = to_json(stored);
    Snapshot read = from_json("base.json", json);

    CHECK(read.format == Format::snapshot);
    CHECK(read.runtime == dump.runtime);
    CHECK(read.facts.wait == dump.facts.wait);
    CHECK(read.facts.created_by == dump.facts.created_by);
    CHECK(read.facts.labels == dump.facts.labels);
    CHECK(read.facts.thread_names == dump.facts.thread_names);
    CHECK(read.total == dump.total);
    CHECK(read.replicas == 1);
    CHECK(read.captured_at == dump.captured_at);
    CHECK(read.panic_message == dump.panic_message);
    REQUIRE(read.origins.size() == 1);
    CHECK(read.origins[0].format == dump.format);
    CHECK(read.origins[0].path == corpus(name));
    check_same_stacks(stored, read);
    // Nothing lost against the dump itself: the same groups under the strict key.
    KeyOptions strict;
    strict.strict = true;
    strict.labels = true;
    Grouping a = group(dump, strict);
    Grouping b = group(read, strict);
    REQUIRE(a.groups.size() == b.groups.size());
    for (size_t i = 0; i < a.groups.size(); ++i) {
      CHECK(a.groups[i].key == b.groups[i].key);
      CHECK(a.groups[i].count == b.groups[i].count);
    }
    // Deterministic, and stable under a second round.
    CHECK(to_json(snapshot_of({corpus(name)})) == json);
    CHECK(to_json(merge_snapshots({std::move(read)})) == json);
  }
}

TEST_CASE("the written form: one line per string and per stack, defaults left out") {
  Snapshot read = from_json("base.json", k_small);
  CHECK(
      to_json(read) ==
      "{\"schema\":\"taskdiff.snapshot/1\",\n"
      "\"tool\":{\"name\":\"taskdiff\",\"version\":\"" +
          std::string(k_version) +
          "\"},\n"
          "\"source\":{\"runtime\":\"go\",\"facts\":{\"wait\":true,\"created_by\":true,\"labels\":"
          "false,\"thread_names\":false},\"dumps\":[{\"format\":\"go-debug2\",\"path\":\"base.txt\"}]},\n"
          "\"replicas\":1,\"total\":3,\n"
          "\"strings\":[\n"
          "\"main.worker\",\n"
          "\"/src/main.go\"],\n"
          "\"stacks\":[\n"
          "{\"count\":3,\"state\":\"chan receive\",\"frames\":[[0,1,12]],\"created_by\":[0,1,30]}]}\n");
}

TEST_CASE("a snapshot of base.debug2 against cand.debug1 finds what debug2 against debug1 finds") {
  Snapshot base = load(corpus("unbuffered-chan/base.debug2.txt"), ParseOptions{});
  Snapshot cand = load(corpus("unbuffered-chan/cand.debug1.txt"), ParseOptions{});
  Snapshot stored =
      from_json("base.json", to_json(snapshot_of({corpus("unbuffered-chan/base.debug2.txt")})));

  DiffResult direct = diff_of(base, cand);
  DiffResult through = diff_of(stored, cand);
  REQUIRE(through.findings.size() == 1);
  const Change& finding = through.findings[0];
  CHECK(finding.kind == ChangeKind::new_group);
  CHECK(finding.base == 0);
  CHECK(finding.cand == 200);
  REQUIRE(!finding.shown().frames.empty());
  CHECK(finding.shown().frames[0] == "github.com/acme/shopsvc/internal/quote.(*Pricer).fetch");
  CHECK(finding_lines(through) == finding_lines(direct));
}

TEST_CASE("two replicas merged: counts per replica, nothing found against one of them") {
  std::string path = corpus("unbuffered-chan/base.debug2.txt");
  Snapshot single = load(path, ParseOptions{});
  Snapshot merged = from_json("base.json", to_json(snapshot_of({path, path})));
  CHECK(merged.replicas == 2);
  CHECK(merged.total == 2 * single.total);
  REQUIRE(merged.origins.size() == 2);
  CHECK(merged.stacks.size() == single.stacks.size()); // identical stacks folded

  DiffResult same = diff_of(merged, single);
  CHECK(!same.regression());
  CHECK(same.changes.empty()); // per replica, every group is unchanged

  // The leak is still found, per replica: 0 -> 200.
  Snapshot cand = load(corpus("unbuffered-chan/cand.debug2.txt"), ParseOptions{});
  DiffResult leak = diff_of(merged, cand);
  REQUIRE(leak.findings.size() == 1);
  CHECK(leak.findings[0].cand == 200);
  CHECK(leak.findings[0].shown().frames[0] ==
        "github.com/acme/shopsvc/internal/quote.(*Pricer).fetch");

  // A snapshot of snapshots keeps counting dumps.
  Snapshot three = merge_snapshots({std::move(merged), load(path, ParseOptions{})});
  CHECK(three.replicas == 3);
  CHECK(three.origins.size() == 3);
  CHECK(three.total == 3 * single.total);
}

TEST_CASE("merging keeps only the facts every input carries") {
  Snapshot merged = snapshot_of(
      {corpus("unbuffered-chan/base.debug2.txt"), corpus("unbuffered-chan/base.debug1.txt")});
  CHECK(!merged.facts.wait);       // debug=1 has no wait states
  CHECK(!merged.facts.created_by); // nor creators
  CHECK(!merged.facts.labels);     // debug=2 has no labels
  CHECK(merged.format == Format::snapshot);
  for (const auto& stack : merged.stacks) {
    CHECK(stack.state.empty());
    CHECK(!stack.created_by);
  }
  Snapshot read = from_json("base.json", to_json(merged));
  CHECK(!read.facts.wait);
  REQUIRE(read.origins.size() == 2);
  CHECK(read.origins[0].format == Format::go_debug2);
  CHECK(read.origins[1].format == Format::go_debug1);
}

TEST_CASE("replicas of different runtimes do not merge") {
  std::vector<Snapshot> inputs;
  inputs.push_back(load(corpus("healthy/base.debug2.txt"), ParseOptions{}));
  inputs.push_back(load(corpus("java-executor/base.jstack.txt"), ParseOptions{}));
  CHECK_THROWS_WITH_AS(merge_snapshots(std::move(inputs)),
                       (corpus("java-executor/base.jstack.txt") +
                        ": cannot merge this java input with " + corpus("healthy/base.debug2.txt") +
                        " (go): replicas of one service run one runtime")
                           .c_str(),
                       Error);
}

TEST_CASE("warnings, capture times and the panic message are kept") {
  Snapshot a;
  a.source = "a.txt";
  a.captured_at = "2026-11-22T23:55:21Z";
  a.warnings.push_back("the dump is cut");
  a.panic_message = "panic: boom";
  StackBuilder builder;
  builder.begin(2);
  builder.frame("main.f", "/m.go", 3);
  builder.commit();
  builder.finish(a);
  Snapshot b = from_json("b.json", k_small);
  Snapshot read = from_json("m.json", to_json(merge_snapshots({std::move(a), std::move(b)})));
  CHECK(read.warnings == std::vector<std::string>{"a.txt: the dump is cut"});
  CHECK(read.captured_at == "2026-11-22T23:55:21Z");
  CHECK(read.panic_message == "panic: boom");
  CHECK(read.total == 5);
  CHECK(!read.facts.wait); // `a` was made without facts
}

TEST_CASE("StackBuilder::merge: shared stacks add up, new ones follow in their order") {
  auto record = [](StackBuilder& builder, std::string_view function, int64_t minutes) {
    builder.begin(1);
    builder.state("chan receive");
    builder.wait_minutes(minutes);
    builder.frame(function, "/app/main.go", 7);
    builder.commit();
  };
  StackBuilder first;
  record(first, "main.a", 1);
  record(first, "main.b", 2);
  StackBuilder second;
  record(second, "main.c", 5);
  record(second, "main.b", 9);
  record(second, "main.a", -1);
  record(second, "main.d", 3);
  first.merge(std::move(second));
  StackBuilder into; // an empty builder takes the other's table whole
  into.merge(std::move(first));
  Snapshot s;
  into.finish(s);
  CHECK(s.total == 6);
  REQUIRE(s.stacks.size() == 4);
  std::vector<std::string> functions;
  for (const Stack& stack : s.stacks) {
    functions.emplace_back(s.symbols[stack.frames.at(0).function]);
  }
  CHECK(functions == std::vector<std::string>{"main.a", "main.b", "main.c", "main.d"});
  CHECK(s.stacks[0].count == 2);
  CHECK(s.stacks[0].max_wait_minutes == 1);
  CHECK(s.stacks[1].count == 2);
  CHECK(s.stacks[1].max_wait_minutes == 9);
  CHECK(s.stacks[2].count == 1);
  CHECK(s.stacks[3].max_wait_minutes == 3);
}

TEST_CASE("StackBuilder: paths are the builder's own ids, rewritten when builders merge") {
  // Two halves of one dump meet their paths in other orders, so the same path has another id in
  // each: merged, a stack is known by its paths, not their ids. One path is not UTF-8.
  auto record = [](StackBuilder& builder, std::string_view file, std::string_view creator_file) {
    builder.begin(1);
    builder.frame("main.work", file, 7);
    builder.frame("main.main", "/app/main.go", 3);
    builder.created_by("main.start", creator_file, 11);
    builder.commit();
  };
  auto paths = [](const Snapshot& s, const Stack& stack) {
    return std::vector<std::string>{std::string(s.symbols[stack.frames.at(0).file]),
                                    std::string(s.symbols[stack.frames.at(1).file]),
                                    std::string(s.symbols[stack.created_by->file])};
  };
  for (bool named_before : {false, true}) {
    CAPTURE(named_before);
    StackBuilder first;
    record(first, "/app/a.go", "/app/c.go");
    record(first, "/app/b.go", "/app/\xff.go");
    StackBuilder second;
    record(second, "/app/\xff.go", "/app/b.go"); // new: the paths swapped
    record(second, "/app/b.go", "/app/\xff.go"); // the first's second stack
    record(second, "/app/c.go", "/app/a.go");    // new
    first.merge(std::move(second));
    Snapshot s;
    if (named_before) { // ids in the snapshot differ from the builder's
      s.symbols.intern("/app/b.go");
      s.symbols.intern("main.elsewhere");
    }
    first.finish(s);
    REQUIRE(s.stacks.size() == 4);
    using Paths = std::vector<std::string>;
    CHECK(paths(s, s.stacks[0]) == Paths{"/app/a.go", "/app/main.go", "/app/c.go"});
    CHECK(paths(s, s.stacks[1]) == Paths{"/app/b.go", "/app/main.go", "/app/\ufffd.go"});
    CHECK(s.stacks[1].count == 2);
    CHECK(paths(s, s.stacks[2]) == Paths{"/app/\ufffd.go", "/app/main.go", "/app/b.go"});
    CHECK(paths(s, s.stacks[3]) == Paths{"/app/c.go", "/app/main.go", "/app/a.go"});
    CHECK(s.symbols[s.stacks[3].created_by->function] == "main.start");
    CHECK(s.stacks[3].created_by->line == 11);
  }
}

TEST_CASE("StackBuilder, LabelSets::fold: records differing in labels add up; the largest "
          "labelled one speaks") {
  using Labels = std::vector<std::pair<std::string, std::string>>;
  auto record = [](StackBuilder& builder, uint64_t count, const Labels& labels) {
    builder.begin(count);
    builder.frame("main.serve", "/app/main.go", 7);
    for (const auto& [key, value] : labels) {
      builder.label(key, value);
    }
    builder.commit();
  };
  SUBCASE("one builder") {
    StackBuilder builder({}, LabelSets::fold);
    record(builder, 1, {{"request_id", "r1"}});
    record(builder, 3, {{"request_id", "r2"}, {"handler", "quote"}});
    record(builder, 3, {{"request_id", "r3"}}); // equal count: the first of equals stays
    record(builder, 4, {}); // unlabelled: counted, but says nothing about labels
    Snapshot s;
    builder.finish(s);
    REQUIRE(s.stacks.size() == 1);
    CHECK(s.stacks[0].count == 11);
    CHECK(s.stacks[0].labels == Labels{{"handler", "quote"}, {"request_id", "r2"}});
  }
  SUBCASE("kept sets: one stack per label set") {
    StackBuilder builder({}, LabelSets::keep);
    record(builder, 1, {{"request_id", "r1"}});
    record(builder, 3, {{"request_id", "r2"}});
    record(builder, 2, {{"request_id", "r1"}});
    Snapshot s;
    builder.finish(s);
    REQUIRE(s.stacks.size() == 2);
    CHECK(s.stacks[0].count == 3);
    CHECK(s.stacks[0].labels == Labels{{"request_id", "r1"}});
  }
  SUBCASE("merged halves: the larger record's labels, the earlier half's on a tie") {
    StackBuilder first({}, LabelSets::fold);
    record(first, 2, {{"request_id", "r1"}});
    StackBuilder second({}, LabelSets::fold);
    record(second, 5, {{"request_id", "r2"}});
    StackBuilder third({}, LabelSets::fold);
    record(third, 5, {{"request_id", "r3"}});
    first.merge(std::move(second));
    first.merge(std::move(third));
    StackBuilder into({}, LabelSets::fold); // an empty builder takes the other's table whole
    into.merge(std::move(first));
    Snapshot s;
    into.finish(s);
    REQUIRE(s.stacks.size() == 1);
    CHECK(s.stacks[0].count == 12);
    CHECK(s.stacks[0].labels == Labels{{"request_id", "r2"}});
  }
  SUBCASE("a stack without labelled records has none") {
    StackBuilder builder({}, LabelSets::fold);
    record(builder, 1, {{"request_id", "r1"}});
    builder.begin(1);
    builder.frame("main.other", "/app/main.go", 9);
    builder.commit();
    Snapshot s;
    builder.finish(s);
    REQUIRE(s.stacks.size() == 2);
    CHECK(s.stacks[1].labels.empty());
  }
}

TEST_CASE("a gzipped snapshot loads like the plain one") {
  std::string json = to_json(snapshot_of({corpus("growth/cand.debug2.txt")}));
  std::string gz = gzip_compress(json);
  CHECK(gz.size() < json.size());
  CHECK(gzip_compress(json) == gz); // deterministic
  check_same_stacks(from_json("base.json", json), from_json("base.json.gz", gz));
}

TEST_CASE("a newer schema: exit 2 with a message that says to upgrade") {
  CHECK(load_error("base.json", patched("taskdiff.snapshot/1", "taskdiff.snapshot/2")) ==
        "base.json: this snapshot was written by a newer taskdiff (schema taskdiff.snapshot/2); "
        "this taskdiff reads taskdiff.snapshot/1: upgrade taskdiff");
  CHECK(load_error("base.json", patched("taskdiff.snapshot/1", "taskdiff.snapshot/13")) ==
        "base.json: this snapshot was written by a newer taskdiff (schema taskdiff.snapshot/13); "
        "this taskdiff reads taskdiff.snapshot/1: upgrade taskdiff");
  CHECK(load_error("base.json", patched("taskdiff.snapshot/1", "taskdiff.snapshot/0")) ==
        "base.json: $.schema: expected \"taskdiff.snapshot/1\", found \"taskdiff.snapshot/0\"");
  // Forced onto another taskdiff document.
  ParseOptions forced;
  forced.format = Format::snapshot;
  CHECK_THROWS_WITH_AS(
      load(Input::from_memory("t.json", R"({"schema":"taskdiff.tasks/1","tasks":[]})"), forced),
      "t.json: $.schema: expected \"taskdiff.snapshot/1\", found \"taskdiff.tasks/1\"", Error);
}

TEST_CASE("an edited or cut snapshot is an error naming the JSON path") {
  CHECK(load_error("b.json", k_small) == "");
  CHECK(load_error("b.json", patched("\"total\":3", "\"total\":4")) ==
        "b.json: $.total: says 4 but the stacks add up to 3; the snapshot was edited or cut");
  CHECK(load_error("b.json", patched("[[0,1,12]]", "[[0,2,12]]")) ==
        "b.json: $.stacks[0].frames[0][1]: expected an index into \"strings\" (0 to 1), found 2");
  CHECK(load_error("b.json", patched("[[0,1,12]]", "[[0,1]]")) ==
        "b.json: $.stacks[0].frames[0]: expected [FUNCTION, FILE, LINE], found 2 elements");
  CHECK(load_error("b.json", patched("[[0,1,12]]", "[[0,1,\"12\"]]")) ==
        "b.json: $.stacks[0].frames[0][2]: expected a line number, found a string");
  CHECK(load_error("b.json", patched("\"replicas\":1", "\"replicas\":2")) ==
        "b.json: $.replicas: expected 1 (one per entry of $.source.dumps), found 2");
  CHECK(load_error("b.json", patched("{\"count\":3,", "{\"count\":3,\"colour\":1,")) ==
        "b.json: $.stacks[0]: unknown key \"colour\" (known: count, state, max_wait_minutes, "
        "locked, leaked, frames, created_by, labels, thread_name)");
  CHECK(load_error("b.json", patched("\"count\":3,", "")) ==
        "b.json: $.stacks[0]: expected a \"count\" key, found none");
  CHECK(load_error("b.json", patched("\"format\":\"go-debug2\"", "\"format\":\"go-debug3\"")) ==
        "b.json: $.source.dumps[0].format: expected a dump format's name (`taskdiff formats` "
        "lists them), found \"go-debug3\"");
  CHECK(load_error("b.json", patched("\"wait\":true", "\"wait\":1")) ==
        "b.json: $.source.facts.wait: expected a boolean, found a number");
  std::string text = k_small;
  size_t strings = text.find("\"strings\"");
  size_t stacks = text.find("\"stacks\"");
  std::string swapped = text.substr(0, strings) + text.substr(stacks, text.size() - stacks - 2) +
                        ",\n" + text.substr(strings, stacks - strings - 2) + "}\n";
  CHECK(load_error("b.json", swapped) ==
        "b.json: $.stacks: expected \"strings\" before \"stacks\" (the stacks index the strings)");
  // Cut in the middle: a syntax error with its line.
  CHECK(load_error("b.json", text.substr(0, text.find("\"/src/main.go\""))) ==
        "b.json:7: $.strings[1]: invalid JSON: syntax error while parsing value - unexpected end "
        "of input; expected '[', '{', or a literal");
}

TEST_CASE("stack counts adding up past 2^64 are an error at the count that passes it") {
  // Two counts of 2^63 and one of 9 add up to 2^64 + 9: wrapped round, 9, and a total edited
  // to 9 would have matched it.
  auto with_stacks = [](std::string_view total, std::initializer_list<std::string_view> counts) {
    std::string stacks;
    int line = 12;
    for (std::string_view count : counts) {
      stacks += fmt::format(R"({}{{"count":{},"frames":[[0,1,{}]]}})", stacks.empty() ? "" : ",\n",
                            count, line++);
    }
    std::string text = patched("\"total\":3", fmt::format("\"total\":{}", total));
    size_t at = text.find("{\"count\"");
    return text.substr(0, at) + stacks + "]}\n";
  };
  CHECK(
      load_error("b.json", with_stacks("9", {"9223372036854775808", "9223372036854775808", "9"})) ==
      "b.json: $.stacks[1].count: the stack counts add up past 2^64; the snapshot was edited or "
      "corrupted");
  // The largest total, 2^64 - 1, loads; the stated total must still be the sum.
  Snapshot largest =
      from_json("b.json", with_stacks("18446744073709551615",
                                      {"9223372036854775808", "9223372036854775807"}));
  CHECK(largest.total == UINT64_MAX);
  CHECK(load_error("b.json", with_stacks("18446744073709551614",
                                         {"9223372036854775808", "9223372036854775807"})) ==
        "b.json: $.total: says 18446744073709551614 but the stacks add up to 18446744073709551615; "
        "the snapshot was edited or cut");
}

TEST_CASE("a number out of range in a snapshot: both bounds and the number, in our words") {
  CHECK(load_error("b.json", patched("\"replicas\":1", "\"replicas\":4294967296")) ==
        "b.json: $.replicas: expected a number of replicas (1 to 4294967295), found 4294967296");
  CHECK(load_error("b.json", patched("{\"count\":3,", "{\"count\":0,")) ==
        "b.json: $.stacks[0].count: expected a count (1 or more), found 0");
  CHECK(load_error("b.json", patched("{\"count\":3,", "{\"count\":18446744073709551616,")) ==
        "b.json: $.stacks[0].count: expected a count (1 or more), found 18446744073709551616");
  CHECK(load_error("b.json", patched("{\"count\":3,", "{\"count\":1e400,")) ==
        "b.json:9: $.stacks[0].count: expected a number between -1.8e308 and 1.8e308, found 1e400");
}

} // TEST_SUITE("snapshot")

} // namespace taskdiff
