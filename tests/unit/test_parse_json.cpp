// Tests for src/parse/tasks_json.cpp (generic JSON tasks, taskdiff.tasks/1) and the JSON layer
// under it (src/parse/json_reader.cpp): the documented example, facts, exact JSON-path errors,
// limits, and a million tasks streamed with flat memory.
#include <sys/resource.h>

#include <doctest/doctest.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "support.hpp"
#include "taskdiff/diff.hpp"
#include "taskdiff/error.hpp"
#include "taskdiff/group.hpp"
#include "taskdiff/parse.hpp"

namespace taskdiff {

namespace {

using test::read_testdata;

Snapshot from_json(std::string_view bytes, const ParseOptions& options = {}) {
  return load(Input::from_memory("cand.json", bytes), options);
}

// The message load() throws for `bytes`, or "" when it loads.
std::string load_error(std::string_view bytes, const ParseOptions& options = {}) {
  try {
    from_json(bytes, options);
  } catch (const Error& error) {
    return error.what();
  }
  return "";
}

// A task list around `tasks` (the inside of the "tasks" array).
std::string with_tasks(std::string_view tasks) {
  return fmt::format(R"({{"schema":"taskdiff.tasks/1","tasks":[{}]}})", tasks);
}

std::string frames_of(const Snapshot& s, const Stack& stack) {
  std::string out;
  for (const auto& frame : stack.frames) {
    out += fmt::format("{}{} {}:{}", out.empty() ? "" : "; ", s.symbols[frame.function],
                       s.symbols[frame.file], frame.line);
  }
  return out;
}

// Groups of a dump written as taskdiff.tasks/1 "groups": what a script holding the same stacks
// would produce.
std::string as_tasks_json(const Snapshot& s) {
  std::string out = fmt::format(R"({{"schema":"taskdiff.tasks/1","runtime":"go","groups":[)");
  auto quoted = [](std::string_view text) {
    std::string q = "\"";
    for (char c : text) {
      if (c == '"' || c == '\\') {
        q += '\\';
      }
      q += c;
    }
    return q + "\"";
  };
  for (size_t i = 0; i < s.stacks.size(); ++i) {
    const Stack& stack = s.stacks[i];
    out += fmt::format("{}{{\"count\":{},\"state\":{},\"frames\":[", i > 0 ? ",\n" : "\n",
                       stack.count, quoted(stack.state));
    for (size_t f = 0; f < stack.frames.size(); ++f) {
      const Frame& frame = stack.frames[f];
      out +=
          fmt::format("{}{{\"function\":{},\"file\":{},\"line\":{}}}", f > 0 ? "," : "",
                      quoted(s.symbols[frame.function]), quoted(s.symbols[frame.file]), frame.line);
    }
    out += "]";
    if (stack.created_by) {
      out += fmt::format(",\"created_by\":{{\"function\":{},\"file\":{},\"line\":{}}}",
                         quoted(s.symbols[stack.created_by->function]),
                         quoted(s.symbols[stack.created_by->file]), stack.created_by->line);
    }
    out += "}";
  }
  return out + "]}\n";
}

// Bytes of a task list made on the fly, `count` tasks of three different stacks: the whole
// document never exists in memory.
class GeneratedTasks : public ByteSource {
public:
  explicit GeneratedTasks(uint64_t count) : m_count(count) {
    m_pending = R"({"schema":"taskdiff.tasks/1","runtime":"go","tasks":[)";
  }
  size_t read(char* buffer, size_t capacity) override {
    while (m_pending.size() - m_at < capacity && !m_done) {
      m_pending.erase(0, m_at);
      m_at = 0;
      for (int i = 0; i < 1024 && m_made < m_count; ++i, ++m_made) {
        m_pending += m_made == 0 ? "" : ",";
        m_pending += k_tasks[m_made % 3];
      }
      if (m_made == m_count) {
        m_pending += "]}\n";
        m_done = true;
      }
    }
    size_t n = std::min(capacity, m_pending.size() - m_at);
    std::memcpy(buffer, m_pending.data() + m_at, n);
    m_at += n;
    return n;
  }

private:
  static constexpr const char* k_tasks[3] = {R"({"frames":["main.a"]})",
                                             R"({"state":"select","frames":["main.b"]})",
                                             R"({"frames":["main.c"],"id":7})"};
  uint64_t m_count;
  uint64_t m_made = 0;
  bool m_done = false;
  std::string m_pending;
  size_t m_at = 0;
};

long max_rss_kib() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

} // namespace

TEST_SUITE("parse_json") {

TEST_CASE("the documented example (docs/tasks-json.md)") {
  Snapshot s = from_json(read_testdata("json/tasks.json"));
  CHECK(s.format == Format::tasks_json);
  CHECK(s.runtime == Runtime::other);
  CHECK(s.total == 123);
  CHECK(s.captured_at == "2026-11-22T23:55:21Z");
  CHECK(s.facts.wait);
  CHECK(s.facts.created_by);
  CHECK(s.facts.labels);
  CHECK(s.facts.thread_names);
  REQUIRE(s.stacks.size() == 3);
  // worker-1 and worker-2 fold: the names normalize to one pattern, ids are dropped.
  const Stack& workers = s.stacks[0];
  CHECK(workers.count == 2);
  CHECK(workers.state == "waiting");
  CHECK(workers.max_wait_minutes == 3);
  CHECK(workers.thread_name == "worker-N");
  CHECK(frames_of(s, workers) == "asyncio.Queue.get :0; mailer.worker mailer/worker.py:41");
  REQUIRE(workers.created_by);
  CHECK(s.symbols[workers.created_by->function] == "mailer.start");
  CHECK(s.symbols[workers.created_by->file] == "mailer/__init__.py");
  CHECK(workers.created_by->line == 12);
  CHECK(workers.labels == std::vector<std::pair<std::string, std::string>>{{"queue", "mail"}});
  CHECK(s.stacks[1].thread_name == "http-server");
  CHECK(!s.stacks[1].created_by);
  const Stack& pollers = s.stacks[2];
  CHECK(pollers.count == 120);
  CHECK(frames_of(s, pollers) == "asyncio.sleep :0; pricing.poll :0");
  CHECK(pollers.labels.empty());
}

TEST_CASE("a waiting Go task with no frames is the application's; names of `other` stay whole") {
  // docs/tasks-json.md lets `frames` be empty. A Go stack with no frames was taken for crash
  // output's `stack unavailable` goroutine, internal: 500 new tasks blocked in a send passed.
  auto groups_of = [](std::string_view runtime, std::string_view groups) {
    return group(
        from_json(fmt::format(R"({{"schema":"taskdiff.tasks/1","runtime":"{}","groups":[{}]}})",
                              runtime, groups)),
        KeyOptions{});
  };
  Grouping base = groups_of("go", R"({"count":1,"state":"chan receive","frames":["main.worker"]})");
  Grouping cand = groups_of("go", R"({"count":1,"state":"chan receive","frames":["main.worker"]},
                                     {"count":500,"state":"chan send","frames":[]})");
  DiffResult result = diff(base, cand, Thresholds{});
  REQUIRE(result.findings.size() == 1);
  CHECK(result.findings[0].cand == 500);
  // A running one with no frames is what crash output's `stack unavailable` is: internal.
  CHECK(groups_of("go", R"({"count":3,"state":"running","frames":[]})").groups[0].internal);
  // `other` takes names as they are: Go's closure numbers and type arguments are not Go's here.
  Grouping other = groups_of("other", R"({"count":100,"frames":["jobs.func1","consumer[mail].run"]},
                                         {"count":40,"frames":["jobs.func2","consumer[billing].run"]})");
  REQUIRE(other.groups.size() == 2);
  CHECK(other.groups[1].frames == std::vector<std::string>{"jobs.func2", "consumer[billing].run"});
}

TEST_CASE("--key default,labels: a leak labelled per request is found, not 200 groups of 1") {
  // A label per request (`req`) parts every leaked goroutine into a group of its own, each below
  // --min-new: the leak of 200 passed. diff now compares the label sets of one stack together
  // unless both sides have the same sets. (Ten more requests in flight, 50 -> 60, stay below the
  // growth thresholds.)
  auto tasks = [](int first, int count) {
    std::string out = R"({"schema":"taskdiff.tasks/1","runtime":"go","tasks":[)";
    out += R"({"state":"select","frames":["main.serve"]})";
    for (int i = first; i < first + count; ++i) {
      out += fmt::format(
          R"(,{{"state":"chan send","frames":["main.audit"],"labels":{{"req":"{}"}}}})", i);
    }
    return out + "]}";
  };
  KeyOptions labelled;
  labelled.labels = true;
  ParseOptions keep;
  keep.label_sets = LabelSets::keep;
  for (bool strict : {false, true}) {
    CAPTURE(strict);
    labelled.strict = strict;
    Grouping base = group(from_json(tasks(1, 3), keep), labelled);
    Grouping cand = group(from_json(tasks(1000, 203), keep), labelled);
    CHECK(cand.groups.size() == 204);
    DiffResult result = diff(base, cand, Thresholds{});
    REQUIRE(result.findings.size() == 1);
    // Other label sets on each side: the stack's sets are compared together.
    CHECK(result.findings[0].kind == ChangeKind::growing);
    CHECK(result.findings[0].base == 3);
    CHECK(result.findings[0].cand == 203);
    CHECK(result.findings[0].base_groups == 3);
    CHECK(result.findings[0].cand_groups == 203);
    Grouping fifty = group(from_json(tasks(1, 50), keep), labelled);
    Grouping sixty = group(from_json(tasks(1000, 60), keep), labelled);
    CHECK_FALSE(diff(fifty, sixty, Thresholds{}).regression());
  }
}

TEST_CASE("with no creator in the key, a stack of one closure meets no other closure") {
  // A profile records no creator: groups found on one side only meet when only wrappers part
  // them: 140 leaked in main.serve.func1 were once taken for the 100 of the gone
  // main.startCache.func1 (+40%, below the thresholds).
  auto go_groups = [](std::string_view groups) {
    return group(from_json(fmt::format(
                     R"({{"schema":"taskdiff.tasks/1","runtime":"go","groups":[{}]}})", groups)),
                 KeyOptions{});
  };
  Grouping base = go_groups(R"({"count":100,"frames":["main.startCache.func1"]})");
  Grouping cand = go_groups(R"({"count":140,"frames":["main.serve.func1"]})");
  DiffResult result = diff(base, cand, Thresholds{}, 1, 1, WrapperSide::cand);
  REQUIRE(result.findings.size() == 1);
  CHECK(result.findings[0].kind == ChangeKind::new_group);
  CHECK(result.findings[0].cand == 140);
  // A stack printed with wrappers, with a closure of its creator more at the `go` line (the
  // wrapper of `go lock(mu)`), meets its twin without it; not the other way round, nor with a
  // closure at another line or of another function.
  auto with_closure = [&](std::string_view closure, int line) {
    return go_groups(fmt::format(
        R"({{"count":6,"frames":["sync.(*Mutex).Lock",{{"function":"{}","file":"m.go","line":{}}}],)"
        R"("created_by":{{"function":"main.main","file":"m.go","line":9}}}})",
        closure, line));
  };
  Grouping without = go_groups(R"({"count":6,"frames":["sync.(*Mutex).Lock"],)"
                               R"("created_by":{"function":"main.main","file":"m.go","line":9}})");
  CHECK_FALSE(
      diff(with_closure("main.main.func1", 9), without, Thresholds{}, 1, 1, WrapperSide::base)
          .regression());
  CHECK(diff(with_closure("main.main.func1", 9), without, Thresholds{}, 1, 1, WrapperSide::cand)
            .regression());
  CHECK(diff(with_closure("main.main.func1", 12), without, Thresholds{}, 1, 1, WrapperSide::base)
            .regression());
  CHECK(diff(with_closure("main.other.func1", 9), without, Thresholds{}, 1, 1, WrapperSide::base)
            .regression());
}

TEST_CASE("key order does not matter: the same task written two ways is one stack") {
  Snapshot s = from_json(with_tasks(
      R"({"state":"idle","frames":["f","g"],"created_by":"h","labels":{"b":"2","a":"1"}},)"
      R"({"labels":{"a":"1","b":"2"},"created_by":"h","frames":["f","g"],"state":"idle"})"));
  REQUIRE(s.stacks.size() == 1);
  CHECK(s.stacks[0].count == 2);
  CHECK(s.stacks[0].labels ==
        std::vector<std::pair<std::string, std::string>>{{"a", "1"}, {"b", "2"}});
}

TEST_CASE("facts: carried when at least one record has the key; runtime defaults to other") {
  Snapshot bare = from_json(with_tasks(R"({"frames":["f"]},{"frames":["g"]})"));
  CHECK(bare.runtime == Runtime::other);
  CHECK(!bare.facts.wait);
  CHECK(!bare.facts.created_by);
  CHECK(!bare.facts.labels);
  CHECK(!bare.facts.thread_names);
  CHECK(!bare.captured_at);
  Snapshot some =
      from_json(with_tasks(R"({"frames":["f"]},{"frames":["g"],"state":"idle","labels":{}})"));
  CHECK(some.facts.wait);
  CHECK(some.facts.labels);
  CHECK(!some.facts.created_by);
  Snapshot java = from_json(
      R"({"runtime":"java","tasks":[{"name":"pool-3-thread-7","frames":["java.lang.Thread.run"]}],)"
      R"("schema":"taskdiff.tasks/1"})");
  CHECK(java.runtime == Runtime::java);
  CHECK(java.stacks[0].thread_name == "pool-N-thread-M");
}

TEST_CASE("a dump's stacks as JSON groups give the dump's groups and verdict") {
  std::string dir = test::testdata_path("corpus/unbuffered-chan/");
  Snapshot base = load(dir + "base.debug2.txt", ParseOptions{});
  Snapshot cand = load(dir + "cand.debug2.txt", ParseOptions{});
  Snapshot json_base = from_json(as_tasks_json(base));
  CHECK(json_base.runtime == Runtime::go);
  CHECK(json_base.total == base.total);
  std::vector<std::string> notes;
  KeyOptions key = shared_key(KeyOptions{}, json_base.facts, cand.facts, notes);
  CHECK(key.wait); // both carry wait states
  Grouping direct_base = group(base, key);
  Grouping json_groups = group(json_base, key);
  Grouping cand_groups = group(cand, key);
  REQUIRE(json_groups.groups.size() == direct_base.groups.size());
  for (size_t i = 0; i < json_groups.groups.size(); ++i) {
    CHECK(json_groups.groups[i].key == direct_base.groups[i].key);
    CHECK(json_groups.groups[i].count == direct_base.groups[i].count);
  }
  DiffResult result = diff(json_groups, cand_groups, Thresholds{});
  REQUIRE(result.findings.size() == 1);
  CHECK(result.findings[0].cand == 200);
  CHECK(result.findings[0].shown().frames[0] ==
        "github.com/acme/shopsvc/internal/quote.(*Pricer).fetch");
}

TEST_CASE("errors name the JSON path: the exact messages") {
  std::string twelve;
  for (int i = 0; i < 12; ++i) {
    twelve += R"({"frames":["f"]},)";
  }
  CHECK(load_error(with_tasks(twelve + R"({"frames":["a","b","c",3]})")) ==
        "cand.json: $.tasks[12].frames[3]: expected a string, found a number");
  const std::pair<std::string, std::string> cases[] = {
      {R"({"frames":"f"})", "cand.json: $.tasks[0].frames: expected an array, found a string"},
      {R"({"frames":[["f"]]})",
       "cand.json: $.tasks[0].frames[0]: expected a string, found an array"},
      {R"({"frames":[""]})",
       "cand.json: $.tasks[0].frames[0]: expected a function name, found an empty string"},
      {R"({"frames":[{"file":"x.py"}]})",
       "cand.json: $.tasks[0].frames[0]: expected a \"function\" string in this frame, found none"},
      {R"({"frames":[{"function":"f","line":"3"}]})",
       "cand.json: $.tasks[0].frames[0].line: expected a line number, found a string"},
      {R"({"frames":[{"function":"f","line":2.5}]})",
       "cand.json: $.tasks[0].frames[0].line: expected a line number (0 to 4294967295), found 2.5"},
      {R"({"frames":[{"function":"f","line":4294967296}]})",
       "cand.json: $.tasks[0].frames[0].line: expected a line number (0 to 4294967295), found "
       "4294967296"},
      {R"({"frames":[{"function":"f","col":1}]})",
       "cand.json: $.tasks[0].frames[0]: unknown key \"col\" (known: function, file, line)"},
      {R"({"state":"x"})", "cand.json: $.tasks[0]: expected a \"frames\" array, found none"},
      {R"({"frame":["f"]})",
       "cand.json: $.tasks[0]: unknown key \"frame\" (known: state, frames, created_by, labels, name, "
       "wait_minutes, id)"},
      {R"({"frames":["f"],"count":3})",
       "cand.json: $.tasks[0].count: \"count\" belongs in \"groups\" entries; each of \"tasks\" is one task"},
      {R"({"frames":["f"],"state":"a","state":"b"})",
       "cand.json: $.tasks[0].state: this key appears twice"},
      {R"({"frames":["f"],"state":null})",
       "cand.json: $.tasks[0].state: expected a string, found null"},
      {R"({"frames":["f"],"labels":{"a.b":1}})",
       "cand.json: $.tasks[0].labels[\"a.b\"]: expected a string, found a number"},
      {R"({"frames":["f"],"labels":["a"]})",
       "cand.json: $.tasks[0].labels: expected an object, found an array"},
      {R"({"frames":["f"],"created_by":["a"]})",
       "cand.json: $.tasks[0].created_by: expected a string or an object, found an array"},
      {R"({"frames":["f"],"wait_minutes":-2})",
       "cand.json: $.tasks[0].wait_minutes: expected a number of minutes (0 to 1099511627776), found "
       "-2"},
      {R"({"frames":["f"],"id":{"n":1}})",
       "cand.json: $.tasks[0].id: expected a string or a number, found an object"},
      {R"(3)", "cand.json: $.tasks[0]: expected an object, found a number"},
  };
  for (const auto& [task, message] : cases) {
    CAPTURE(task);
    CHECK(load_error(with_tasks(task)) == message);
  }
  const std::pair<std::string, std::string> documents[] = {
      {R"({"schema":"taskdiff.tasks/1","groups":[{"frames":["f"]}]})",
       "cand.json: $.groups[0]: expected a \"count\" in this group, found none"},
      {R"({"schema":"taskdiff.tasks/1","groups":[{"count":0,"frames":["f"]}]})",
       "cand.json: $.groups[0].count: expected a count (1 to 281474976710656), found 0"},
      {R"({"schema":"taskdiff.tasks/1","tasks":[]})",
       "cand.json: $: expected at least one task or group, found none (an empty \"tasks\" list is an "
       "empty dump, which cannot be compared)"},
      {R"({"schema":"taskdiff.tasks/1"})",
       "cand.json: $: expected a \"tasks\" or \"groups\" array, found neither"},
      {R"({"tasks":[{"frames":["f"]}],"x":"taskdiff.tasks/1"})",
       "cand.json: $: unknown key \"x\" (known: schema, runtime, captured_at, tasks, groups, meta)"},
      {R"({"tasks":[{"frames":["f"]}],"runtime":"taskdiff.tasks/1 python"})",
       "cand.json: $.runtime: expected \"go\", \"java\" or \"other\", found \"taskdiff.tasks/1 python\""},
      {R"({"schema":"taskdiff.tasks/1","captured_at":"yesterday","tasks":[{"frames":["f"]}]})",
       "cand.json: $.captured_at: expected a time like \"2026-11-22T23:55:21Z\" (RFC 3339), found \"yesterday\""},
      {R"({"schema":"taskdiff.tasks/1","tasks":{}})",
       "cand.json: $.tasks: expected an array, found an object"},
      {R"([{"schema":"taskdiff.tasks/1"}])", "cand.json: $: expected an object, found an array"},
      {R"({"schema":"taskdiff.tasks/2","tasks":[{"frames":["f"]}]})",
       "cand.json: this task list uses a newer schema (taskdiff.tasks/2); this taskdiff reads "
       "taskdiff.tasks/1: upgrade taskdiff"},
      {R"({"schema":"taskdiff.tasks/one","tasks":[{"frames":["f"]}]})",
       "cand.json: $.schema: expected \"taskdiff.tasks/1\", found \"taskdiff.tasks/one\""},
      {R"({"tasks":[{"frames":["f"]}],"meta":"taskdiff.tasks/1"})",
       "cand.json: $: expected a \"schema\" key (\"taskdiff.tasks/1\"), found none"},
  };
  for (const auto& [document, message] : documents) {
    CAPTURE(document);
    CHECK(load_error(document) == message);
  }
}

TEST_CASE("a JSON format forced on text that is not JSON: what detection takes it for") {
  auto forced = [](Format format) {
    ParseOptions options;
    options.format = format;
    return options;
  };
  std::string debug2 = "\n\ngoroutine 1 [running]:\nmain.main()\n\t/app/main.go:5 +0x1d\n";
  CHECK(load_error(debug2, forced(Format::tasks_json)) ==
        "cand.json:3: the input is not JSON, as --input-format tasks-json requires: it starts "
        "with \"goroutine 1 [running]:\"; detection takes it for `go-debug2`: drop "
        "--input-format to read it so");
  CHECK(load_error("hello\n", forced(Format::snapshot)) ==
        "cand.json:1: the input is not JSON, as --input-format snapshot requires: it starts with "
        "\"hello\"; detection does not recognise it either (drop --input-format to see why)");
  CHECK(load_error(std::string("\x08\x01\x12\x00\x00", 5), forced(Format::java_threads_json)) ==
        "cand.json:1: the input is not JSON, as --input-format java-threads-json requires: it "
        "starts with binary data; detection does not recognise it either (drop --input-format to "
        "see why)");
  // JSON (after a byte order mark, blank lines) reaches the JSON reader, which names the path.
  CHECK(load_error("\xef\xbb\xbf\n [1]", forced(Format::tasks_json)) ==
        "cand.json: $: expected an object, found an array");
}

TEST_CASE("syntax errors name the line and the path reached") {
  CHECK(
      load_error(
          "{\"schema\":\"taskdiff.tasks/1\",\n\"tasks\":[{\"frames\":[\"a\"]},\n{\"frames\":[\"b\",]}]}") ==
      "cand.json:3: $.tasks[1].frames[1]: invalid JSON: syntax error while parsing value - "
      "unexpected ']'; expected '[', '{', or a literal");
  CHECK(
      load_error(
          "{\"schema\":\"taskdiff.tasks/1\",\n\"tasks\":[{\"frames\":[\"a\"]},\n{\"frames\":[\"b\"") ==
      "cand.json:3: $.tasks[1].frames[1]: invalid JSON: syntax error while parsing array - "
      "unexpected end of input; expected ']'");
  CHECK(load_error(with_tasks(R"({"frames":["f"]})") + " {}") ==
        "cand.json:1: $: invalid JSON: syntax error while parsing value - unexpected '{'; expected "
        "end of input");
  // Comments are not JSON.
  CHECK(load_error("{\"schema\":\"taskdiff.tasks/1\", // x\n\"tasks\":[]}").find("invalid JSON") !=
        std::string::npos);
}

TEST_CASE("limits: frames per task, nesting, string length") {
  ParseOptions options;
  options.limits.max_frames = 3;
  CHECK(
      load_error(with_tasks(R"({"frames":["a","b","c","d"]})"), options) ==
      "cand.json: $.tasks[0].frames[3]: more than 3 frames in one stack (the limit of frames per stack)");
  CHECK(load_error(with_tasks(R"({"frames":["a","b","c"]})"), options) == "");
  std::string deep = R"({"schema":"taskdiff.tasks/1","tasks":[{"frames":["f"]}],"meta":)" +
                     std::string(100, '[') + std::string(100, ']') + "}";
  CHECK(load_error(deep) == "cand.json: $.meta: nesting deeper than 64 levels");
  ParseOptions short_lines;
  short_lines.limits.max_line_bytes = 1000;
  CHECK(
      load_error(with_tasks(R"({"frames":[")" + std::string(2000, 'x') + R"("]})"), short_lines) ==
      "cand.json: $.tasks[0].frames[0]: a string of 2000 bytes, over the line-length limit of 1000 bytes");
  // `meta` holds anything, skipped.
  CHECK(
      load_error(
          R"({"schema":"taskdiff.tasks/1","meta":{"a":[1,{"b":null}],"c":true},"tasks":[{"frames":["f"]}]})") ==
      "");
}

TEST_CASE("a million tasks stream through with flat memory") {
  constexpr uint64_t k_tasks = 1000000;
  long before = max_rss_kib();
  GeneratedTasks source(k_tasks);
  Snapshot out;
  ParseOptions options;
  StackBuilder builder(options.limits);
  TextParseContext context{builder, out, options};
  parse_tasks_json(source, context);
  builder.finish(out);
  CHECK(out.total == k_tasks);
  REQUIRE(out.stacks.size() == 3);
  CHECK(out.stacks[0].count == 333334);
  CHECK(out.stacks[1].count == 333333);
  CHECK(out.stacks[1].state == "select");
  CHECK(out.facts.wait);
  CHECK(out.runtime == Runtime::go);
  // The document is ~25 MB and a DOM of it several hundred: the parse must hold neither.
  CHECK(max_rss_kib() - before < 32 * 1024);
}

TEST_CASE("counts adding up past 2^64 are an error at the count that passes it") {
  // 65,536 groups of 2^48 (the largest count) add up to exactly 2^64, which wraps round to 0.
  constexpr uint64_t k_largest = uint64_t{1} << 48;
  auto groups_of = [](uint64_t count, int n) {
    std::string groups;
    for (int i = 0; i < n; ++i) {
      groups += fmt::format(R"({{"count":{},"frames":["f"]}},)", count);
    }
    return groups;
  };
  auto document = [](std::string_view groups, std::string_view tasks) {
    groups.remove_suffix(1); // the last comma
    return fmt::format(R"({{"schema":"taskdiff.tasks/1","groups":[{}],"tasks":[{}]}})", groups,
                       tasks);
  };
  std::string past = "the task counts add up past 2^64";
  std::string all = groups_of(k_largest, 65536);
  CHECK(load_error(document(all, "")) == "cand.json: $.groups[65535].count: " + past);
  // 2^64 - 1 is the largest total: reached, it loads; one task more does not.
  std::string largest = groups_of(k_largest, 65535) + groups_of(k_largest - 1, 1);
  Snapshot full = from_json(document(largest, ""));
  CHECK(full.total == UINT64_MAX);
  CHECK(load_error(document(largest, R"({"frames":["g"]})")) == "cand.json: $.tasks[0]: " + past);
}

TEST_CASE("a number out of range: both bounds and the number, in our words") {
  auto group_count = [](std::string_view count) {
    return fmt::format(
        R"({{"schema":"taskdiff.tasks/1","groups":[{{"count":{},"frames":["f"]}}]}})", count);
  };
  // Over the largest count (2^48): the message says so, not "at least 1".
  CHECK(load_error(group_count("9223372036854775807")) ==
        "cand.json: $.groups[0].count: expected a count (1 to 281474976710656), found "
        "9223372036854775807");
  // Past 64 bits: read as a double, shown as written.
  CHECK(load_error(group_count("18446744073709551616")) ==
        "cand.json: $.groups[0].count: expected a count (1 to 281474976710656), found "
        "18446744073709551616");
  // Past a double: nlohmann stops the parse; its exception text stays out of the message.
  CHECK(load_error(group_count("1e400")) ==
        "cand.json:1: $.groups[0].count: expected a number between -1.8e308 and 1.8e308, found "
        "1e400");
  // Also where any value is accepted, unread (inside "meta"): the parse cannot go on past it.
  std::string meta = R"({"schema":"taskdiff.tasks/1","tasks":[{"frames":["f"]}],"meta":)";
  CHECK(load_error(meta + "\n{\"x\":-1e400}}") ==
        "cand.json:2: $.meta: expected a number between -1.8e308 and 1.8e308, found -1e400");
  // A number of many digits is cut short in the message.
  CHECK(load_error(group_count("1." + std::string(100000, '0') + "1")) ==
        "cand.json: $.groups[0].count: expected a count (1 to 281474976710656), found 1." +
            std::string(38, '0') + "... (100003 characters)");
  // A whole number written with a fraction or an exponent is one (JSON Schema's "integer"),
  // however long; one that only rounds to a whole double is not.
  CHECK(from_json(group_count("1." + std::string(100000, '0'))).total == 1);
  CHECK(from_json(group_count("1.50e1")).total == 15);
  for (std::string fraction : {"1.5", "1e-1", "-1.0", "1.0000000000000000000001", "2.5e0"}) {
    CAPTURE(fraction);
    CHECK(load_error(group_count(fraction)).find("expected a count") != std::string::npos);
  }
  CHECK(load_error(with_tasks(R"({"frames":["f"],"wait_minutes":2199023255552})")) ==
        "cand.json: $.tasks[0].wait_minutes: expected a number of minutes (0 to 1099511627776), "
        "found 2199023255552");
}

} // TEST_SUITE("parse_json")

} // namespace taskdiff
