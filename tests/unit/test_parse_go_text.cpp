// Tests for src/parse/go_text.cpp: debug=2 dumps and crash output (tracebacks), through load().
#include "support.hpp"
#include "taskdiff/error.hpp"
#include "taskdiff/parse.hpp"

#include <algorithm>
#include <doctest/doctest.h>
#include <fmt/format.h>
#include <map>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

namespace taskdiff {

namespace {

Snapshot parse_text(std::string_view text, const ParseOptions& options = {}) {
  return load(Input::from_memory("x.txt", text), options);
}

std::string corpus(const std::string& name) {
  return test::testdata_path("corpus/" + name);
}

// Parses and expects an Error; returns it for message/line checks.
Error parse_error(std::string_view text) {
  try {
    parse_text(text);
  } catch (const Error& error) {
    return error;
  }
  FAIL("expected taskdiff::Error");
  return Error("unreachable");
}

std::vector<std::string> function_names(const Snapshot& s, const Stack& stack) {
  std::vector<std::string> out;
  for (const auto& frame : stack.frames) {
    out.emplace_back(s.symbols[frame.function]);
  }
  return out;
}

// A whole dump starts with the goroutine writing it, `[running]` (else its start was cut): this
// one, for dumps made of the goroutines a test is about.
constexpr std::string_view k_writer = "goroutine 1 [running]:\n"
                                      "main.main()\n"
                                      "\t/src/app/main.go:5 +0x1d\n"
                                      "\n";

const Stack* find_state(const Snapshot& s, std::string_view state) {
  for (const auto& stack : s.stacks) {
    if (stack.state == state) {
      return &stack;
    }
  }
  return nullptr;
}

constexpr std::string_view k_two = "goroutine 1 [running]:\n"
                                   "main.main()\n"
                                   "\t/src/app/main.go:10 +0x1d\n"
                                   "\n"
                                   "goroutine 12 [chan send, 3 minutes, locked to thread]:\n"
                                   "main.(*Pricer).fetch(0xc000010000, {0x4b3953, 0x3}, 0x0?)\n"
                                   "\t/src/app/quote.go:59 +0xac fp=0xc000 sp=0xc000 pc=0x4a6b\n"
                                   "main.worker({...})\n"
                                   "\t/src/app/worker.go:21 +0x2b\n"
                                   "created by main.start in goroutine 7\n"
                                   "\t/src/app/start.go:40 +0x1aa\n";

} // namespace

TEST_SUITE("parse_go_text") {

TEST_CASE("debug=2 dump: stacks, states, frames, creator, minutes, locked") {
  Snapshot s = parse_text(k_two);
  CHECK(s.format == Format::go_debug2);
  CHECK(s.total == 2);
  REQUIRE(s.stacks.size() == 2);

  const Stack* running = find_state(s, "running");
  REQUIRE(running != nullptr);
  CHECK(running->count == 1);
  CHECK(running->max_wait_minutes == -1);
  CHECK_FALSE(running->locked_to_thread);
  CHECK_FALSE(running->created_by.has_value());
  REQUIRE(running->frames.size() == 1);
  CHECK(s.symbols[running->frames[0].function] == "main.main");
  CHECK(s.symbols[running->frames[0].file] == "/src/app/main.go");
  CHECK(running->frames[0].line == 10);

  const Stack* send = find_state(s, "chan send");
  REQUIRE(send != nullptr);
  CHECK(send->count == 1);
  CHECK(send->max_wait_minutes == 3);
  CHECK(send->locked_to_thread);
  CHECK(function_names(s, *send) ==
        std::vector<std::string>{"main.(*Pricer).fetch", "main.worker"});
  CHECK(s.symbols[send->frames[0].file] == "/src/app/quote.go");
  CHECK(send->frames[0].line == 59);
  CHECK(s.symbols[send->frames[1].file] == "/src/app/worker.go");
  CHECK(send->frames[1].line == 21);
  REQUIRE(send->created_by.has_value());
  CHECK(s.symbols[send->created_by->function] == "main.start");
  CHECK(s.symbols[send->created_by->file] == "/src/app/start.go");
  CHECK(send->created_by->line == 40);
}

TEST_CASE("identical goroutines fold into one stack; the longest wait is kept") {
  std::string text = std::string(k_writer) + "goroutine 5 [select, 2 minutes]:\n"
                                             "main.loop(0x1)\n"
                                             "\t/src/app/loop.go:7 +0x1\n"
                                             "created by main.main\n"
                                             "\t/src/app/main.go:3 +0x1\n"
                                             "\n"
                                             "goroutine 6 [select, 9 minutes]:\n"
                                             "main.loop(0x2)\n"
                                             "\t/src/app/loop.go:7 +0x1\n"
                                             "created by main.main\n"
                                             "\t/src/app/main.go:3 +0x1\n";
  Snapshot s = parse_text(text);
  CHECK(s.total == 3);
  const Stack* loop = find_state(s, "select");
  REQUIRE(loop != nullptr);
  CHECK(loop->count == 2);
  CHECK(loop->max_wait_minutes == 9);
}

TEST_CASE("go1.22 header with gp= and m=nil") {
  std::string text = "goroutine 1 gp=0xc000002380 m=0 mp=0x7a1b40 [running]:\n"
                     "main.main()\n"
                     "\t/src/app/main.go:5 +0x1d\n"
                     "\n"
                     "goroutine 3 gp=0xc0000061c0 m=nil [IO wait, 5 minutes]:\n"
                     "internal/poll.runtime_pollWait(0x7f, 0x72)\n"
                     "\t/usr/local/go/src/runtime/netpoll.go:345 +0x85\n"
                     "net.(*netFD).accept(0xc000180000)\n"
                     "\t/usr/local/go/src/net/fd_unix.go:172 +0x29\n"
                     "created by main.main in goroutine 1\n"
                     "\t/src/app/main.go:3 +0x1\n";
  Snapshot s = parse_text(text);
  CHECK(s.total == 2);
  const Stack* wait = find_state(s, "IO wait");
  REQUIRE(wait != nullptr);
  CHECK(wait->max_wait_minutes == 5);
  CHECK(function_names(s, *wait) ==
        std::vector<std::string>{"internal/poll.runtime_pollWait", "net.(*netFD).accept"});
}

TEST_CASE("elided frames marker is skipped") {
  std::string text = "goroutine 9 [running]:\n"
                     "main.deep(0x1)\n"
                     "\t/src/app/deep.go:5 +0x1\n"
                     "...12 frames elided...\n"
                     "main.top()\n"
                     "\t/src/app/deep.go:50 +0x1\n"
                     "created by main.main in goroutine 1\n"
                     "\t/src/app/main.go:3 +0x2\n";
  Snapshot s = parse_text(text);
  REQUIRE(s.stacks.size() == 1);
  CHECK(function_names(s, s.stacks[0]) == std::vector<std::string>{"main.deep", "main.top"});
  REQUIRE(s.stacks[0].created_by.has_value());
  CHECK(s.symbols[s.stacks[0].created_by->function] == "main.main");
}

TEST_CASE("tracebackancestors block is ignored") {
  std::string text = "goroutine 10 [running]:\n"
                     "main.main()\n"
                     "\t/src/app/main.go:4 +0x1\n"
                     "\n"
                     "goroutine 9 [chan receive]:\n"
                     "main.child()\n"
                     "\t/src/app/c.go:5 +0x1\n"
                     "created by main.parent in goroutine 4\n"
                     "\t/src/app/p.go:8 +0x2\n"
                     "[originating from goroutine 4]:\n"
                     "main.parent(...)\n"
                     "\t/src/app/p.go:8 +0x2\n"
                     "created by main.main in goroutine 1\n"
                     "\t/src/app/main.go:3 +0x2\n"
                     "\n"
                     "goroutine 11 [select]:\n"
                     "main.other()\n"
                     "\t/src/app/o.go:4 +0x1\n"
                     "created by main.main in goroutine 1\n"
                     "\t/src/app/main.go:6 +0x2\n";
  Snapshot s = parse_text(text);
  CHECK(s.total == 3);
  REQUIRE(s.stacks.size() == 3);
  const Stack* child = find_state(s, "chan receive");
  REQUIRE(child != nullptr);
  CHECK(function_names(s, *child) == std::vector<std::string>{"main.child"});
  REQUIRE(child->created_by.has_value());
  CHECK(s.symbols[child->created_by->function] == "main.parent");
}

TEST_CASE("crash output: log line, panic message, goroutines, register dump") {
  std::string text = "2024/05/01 12:00:00 starting server\n"
                     "panic: boom\n"
                     "\n"
                     "goroutine 1 [running]:\n"
                     "main.main()\n"
                     "\t/src/app/main.go:12 +0x25\n"
                     "\n"
                     "goroutine 7 [select]:\n"
                     "main.loop()\n"
                     "\t/src/app/loop.go:9 +0x3\n"
                     "created by main.main in goroutine 1\n"
                     "\t/src/app/main.go:11 +0x4\n"
                     "\n"
                     "rax    0xca\n"
                     "rbx    0x0\n"
                     "rip    0x45f580\n"
                     "exit status 2\n";
  Snapshot s = parse_text(text);
  CHECK(s.format == Format::go_traceback);
  CHECK(s.panic_message == "panic: boom");
  CHECK(s.total == 2);
  CHECK(s.stacks.size() == 2);
  CHECK(s.warnings.empty());
}

TEST_CASE("a header without frames at the end is truncated") {
  std::string text = "goroutine 1 [running]:\n"
                     "main.main()\n"
                     "\t/src/app/main.go:10 +0x1d\n"
                     "\n"
                     "goroutine 2 [select]:\n";
  Error error = parse_error(text);
  CHECK(error.message().find("truncated") != std::string::npos);
  CHECK(error.line() == 5);
  CHECK(error.message().find("right after its header") != std::string::npos);
  CHECK(error.message().find("inside goroutine 2") != std::string::npos);

  ParseOptions allow;
  allow.allow_truncated = true;
  Snapshot s = parse_text(text, allow);
  CHECK(s.total == 1);
  REQUIRE(s.warnings.size() == 1);
  CHECK(s.warnings[0].find("TRUNCATED INPUT") != std::string::npos);
}

TEST_CASE("an unknown item in the header bracket: exact message and line") {
  std::string text = "goroutine 1 [running]:\n"
                     "main.main()\n"
                     "\t/src/app/main.go:10 +0x1d\n"
                     "\n"
                     "goroutine 2 [select, bogus]:\n"
                     "main.loop()\n"
                     "\t/src/app/loop.go:9 +0x3\n";
  Error error = parse_error(text);
  CHECK(error.line() == 5);
  CHECK(error.message() ==
        "expected `N minutes` or `locked to thread` after the status in the goroutine header, "
        "found \"bogus\"");
}

TEST_CASE("a function line followed by garbage") {
  std::string text = "goroutine 1 [running]:\n"
                     "main.main()\n"
                     "this is not a file line\n";
  Error error = parse_error(text);
  CHECK(error.line() == 3);
  CHECK(error.message().find("expected the file line") != std::string::npos);
  CHECK(error.message().find("of main.main") != std::string::npos);
}

TEST_CASE("CRLF line endings give identical stacks") {
  std::string crlf;
  for (char c : k_two) {
    if (c == '\n') {
      crlf += '\r';
    }
    crlf += c;
  }
  Snapshot lf = parse_text(k_two);
  Snapshot cr = parse_text(crlf);
  CHECK(cr.total == lf.total);
  REQUIRE(cr.stacks.size() == lf.stacks.size());
  for (size_t i = 0; i < lf.stacks.size(); ++i) {
    CHECK(cr.stacks[i].state == lf.stacks[i].state);
    CHECK(cr.stacks[i].count == lf.stacks[i].count);
    CHECK(function_names(cr, cr.stacks[i]) == function_names(lf, lf.stacks[i]));
    REQUIRE(cr.stacks[i].frames.size() == lf.stacks[i].frames.size());
    for (size_t f = 0; f < lf.stacks[i].frames.size(); ++f) {
      CHECK(cr.symbols[cr.stacks[i].frames[f].file] == lf.symbols[lf.stacks[i].frames[f].file]);
      CHECK(cr.stacks[i].frames[f].line == lf.stacks[i].frames[f].line);
    }
  }
}

TEST_CASE("corpus SIGQUIT tracebacks") {
  Snapshot tracebacks = load(corpus("tracebacks/cand.sigquit.txt"), ParseOptions{});
  CHECK(tracebacks.format == Format::go_traceback);
  CHECK(tracebacks.total == 173);
  Snapshot go123 = load(corpus("go123-unbuffered-chan/cand.sigquit.txt"), ParseOptions{});
  CHECK(go123.total == 174);
}

// The goroutines of a snapshot whose stack holds `function`.
uint64_t goroutines_in(const Snapshot& s, const std::string& function) {
  uint64_t count = 0;
  for (const auto& stack : s.stacks) {
    auto names = function_names(s, stack);
    if (std::find(names.begin(), names.end(), function) != names.end()) {
      count += stack.count;
    }
  }
  return count;
}

TEST_CASE("GOTRACEBACK=crash SIGQUIT: the other threads' reports after the dump are skipped") {
  // Real go1.19 output (testdata/go/programs/leaksvc). After the register dump each other thread
  // prints `-----`, `SIGQUIT: quit`, its g0 stack and registers; m=25's g0 stack runs straight
  // into the goroutine it was running (579), which the dump lists already. Each report was read
  // as a dump of its own, and the last one kept: one goroutine.
  Snapshot s = load(test::testdata_path("go/go1.19-gotraceback-crash-sigquit.txt"), ParseOptions{});
  CHECK(s.total == 23); // m=0's g0, goroutines 1 and 579, 20 in main.fetchQuote
  CHECK(goroutines_in(s, "main.fetchQuote") == 20);
  CHECK(s.warnings.empty());
}

TEST_CASE("GOTRACEBACK=crash SIGQUIT: a report of a thread running a goroutine is skipped too") {
  // Real go1.19 output (testdata/go/programs/tiny syscall): a thread the signal caught in a
  // syscall reports that goroutine (`goroutine 23 [syscall]:`, after its `PC=` line and an empty
  // line) instead of its g0 stack. It was read as a goroutine of the dump, so each such thread
  // counted its goroutine twice (a GROWING group against the debug=2 dump of the process).
  Snapshot s = load(test::testdata_path("go/go1.19-gotraceback-crash-syscall.sigquit.txt"),
                    ParseOptions{});
  CHECK(goroutines_in(s, "main.helper") == 5); // 18, 19, 22, 23, 29; four reports repeat some
  CHECK(s.total == 10);
  CHECK(s.warnings.empty());
}

TEST_CASE("crash output: a stack the program printed in its panic message is text") {
  // Real go1.19 output (testdata/go/programs/crashers stackmsg): a recovered panic raised again
  // with debug.Stack() in its message, so `goroutine 1 [running]:` over runtime/debug.Stack()
  // comes before the dump's own goroutine 1. It was read as a second dump (`cat a b`): exit 2.
  std::string text = test::read_testdata("go/go1.19-panic-debug-stack-in-message.txt");
  Snapshot s = parse_text(text);
  CHECK(s.total == 11); // main.main and ten main.stuck
  CHECK(goroutines_in(s, "main.stuck") == 10);
  CHECK(s.panic_message.find("runtime/debug.Stack()") != std::string::npos);
  // The same with an empty line before the printed stack (a "%v\n\n%s" format).
  size_t printed = text.find("\ngoroutine 1 [running]:\nruntime/debug.Stack()");
  REQUIRE(printed != std::string::npos);
  text.insert(printed, 1, '\n');
  CHECK(parse_text(text).total == 11);
}

TEST_CASE("crash output: a goroutine whose stack is unavailable still counts") {
  std::string text = "panic: boom\n"
                     "\n"
                     "goroutine 1 [running]:\n"
                     "main.main()\n"
                     "\t/src/app/main.go:12 +0x25\n"
                     "\n"
                     "goroutine 7 [running]:\n"
                     "\tgoroutine running on other thread; stack unavailable\n"
                     "\n"
                     "goroutine 8 [select, 3 minutes]:\n"
                     "main.loop()\n"
                     "\t/src/app/loop.go:9 +0x3\n"
                     "created by main.main\n"
                     "\t/src/app/main.go:3 +0x1\n";
  Snapshot s = parse_text(text);
  CHECK(s.total == 3);
  REQUIRE(s.stacks.size() == 3);
  size_t empty = 0;
  for (const auto& stack : s.stacks) {
    if (stack.frames.empty()) {
      ++empty;
      CHECK(stack.state == "running");
      CHECK(stack.count == 1);
    }
  }
  CHECK(empty == 1);
}

TEST_CASE("two dumps in one log: the last one is compared, with a warning") {
  std::string text = "panic: first\n"
                     "\n"
                     "goroutine 1 [running]:\n"
                     "main.main()\n"
                     "\t/src/app/main.go:12 +0x25\n"
                     "exit status 2\n"
                     "restarting\n"
                     "panic: second\n"
                     "\n"
                     "goroutine 1 [running]:\n"
                     "main.main()\n"
                     "\t/src/app/main.go:12 +0x25\n"
                     "\n"
                     "goroutine 5 [select]:\n"
                     "main.loop()\n"
                     "\t/src/app/loop.go:9 +0x3\n"
                     "created by main.main\n"
                     "\t/src/app/main.go:3 +0x1\n";
  Snapshot s = parse_text(text);
  CHECK(s.total == 2);
  REQUIRE(s.warnings.size() == 1);
  CHECK(s.warnings[0] ==
        "this input holds 2 goroutine dumps; read the last one, which starts at line 10");
}

TEST_CASE("a report's copy of the crashing goroutine does not replace the fuller dump") {
  // syzkaller's reports print the crash, then `REPORT:` and the crashing goroutine again.
  Snapshot s =
      load(test::testdata_path("peer-dumps/syzkaller-gvisor-go1.10-report0-bazel-paths.txt"),
           ParseOptions{});
  CHECK(s.total == 2); // goroutines 9707990 and 1, not the copy alone
  REQUIRE(s.warnings.size() == 1);
  CHECK(s.warnings[0] ==
        "this input holds 2 goroutine dumps; the last, from line 84, prints goroutine 9707990 "
        "again alone (a report's copy of the crash): read the one before it, "
        "which starts at line 10");
}

TEST_CASE("SIGQUIT corpus parsed in ranges equals a single-thread parse") {
  for (const char* name :
       {"tracebacks/cand.sigquit.txt", "go123-unbuffered-chan/cand.sigquit.txt"}) {
    ParseOptions one;
    one.threads = 1;
    ParseOptions many;
    many.threads = 8;
    Snapshot a = load(corpus(name), one);
    Snapshot b = load(corpus(name), many);
    CHECK(a.total == b.total);
    CHECK(a.stacks.size() == b.stacks.size());
    CHECK(a.panic_message == b.panic_message);
    CHECK(a.warnings == b.warnings);
  }
}

TEST_CASE("a plain file parsed in ranges on 8 threads equals a single-thread parse") {
  std::string path = test::testdata_path("corpus/unbuffered-chan/cand.debug2.txt");
  ParseOptions one;
  one.threads = 1;
  ParseOptions many;
  many.threads = 8;
  Snapshot a = load(path, one);
  Snapshot b = load(path, many);
  CHECK(a.total == b.total);
  CHECK(a.stacks.size() == b.stacks.size());
}

TEST_CASE("(scan) status suffix, fatal error and runtime-error panic messages") {
  std::string text = std::string(k_writer) + "goroutine 4 [chan receive (scan), 2 minutes]:\n"
                                             "main.a()\n"
                                             "\t/src/a.go:1 +0x1\n"
                                             "created by main.main\n"
                                             "\t/src/app/main.go:3 +0x1\n";
  Snapshot s = parse_text(text);
  const Stack* receive = find_state(s, "chan receive");
  REQUIRE(receive != nullptr);
  CHECK(receive->max_wait_minutes == 2);

  std::string crash = "fatal error: all goroutines are asleep - deadlock!\n"
                      "\n"
                      "goroutine 1 [chan receive]:\n"
                      "main.main()\n"
                      "\t/src/app/main.go:12 +0x25\n"
                      "exit status 2\n";
  Snapshot c = parse_text(crash);
  CHECK(c.panic_message == "fatal error: all goroutines are asleep - deadlock!");
  CHECK(c.total == 1);

  std::string panic2 = "panic: runtime error: index out of range [5] with length 3\n"
                       "\n"
                       "goroutine 1 [running]:\n"
                       "main.main()\n"
                       "\t/src/app/main.go:12 +0x25\n";
  Snapshot p = parse_text(panic2);
  CHECK(p.panic_message == "panic: runtime error: index out of range [5] with length 3");
}

} // TEST_SUITE("parse_go_text")

} // namespace taskdiff

namespace taskdiff {

namespace {

// A snapshot's stacks: each one's text (state, frames, creator) with its count and longest wait,
// stacks alike in text merged.
std::map<std::string, std::pair<uint64_t, int64_t>> stack_counts(const Snapshot& s) {
  std::map<std::string, std::pair<uint64_t, int64_t>> out;
  for (const auto& stack : s.stacks) {
    std::string text = stack.state + (stack.locked_to_thread ? " locked:" : ":");
    for (const auto& frame : stack.frames) {
      text +=
          fmt::format(" {}@{}:{}", s.symbols[frame.function], s.symbols[frame.file], frame.line);
    }
    if (stack.created_by) {
      text += fmt::format(" by {}@{}:{}", s.symbols[stack.created_by->function],
                          s.symbols[stack.created_by->file], stack.created_by->line);
    }
    auto& [count, wait] = out.try_emplace(text, 0, -1).first->second;
    count += stack.count;
    wait = std::max(wait, stack.max_wait_minutes);
  }
  return out;
}

} // namespace

TEST_CASE("a goroutine repeating an earlier one's lines is read as if alone (the line trie)") {
  // The trie takes a goroutine whose lines repeat an earlier one's but for what the parser drops;
  // anything else must be read line by line. Each variant after the template must be read exactly
  // as the template's twin made of the variant (the same goroutine twice, nothing for the trie to
  // reuse before the second): same stacks, counts, or error.
  const std::string goroutine = "goroutine 7 [chan receive, 3 minutes]:\n"
                                "main.(*Pool).worker(0xc000012345, {0x1, 0x2})\n"
                                "\t/src/app/pool.go:53 +0x18a\n"
                                "created by main.New in goroutine 1\n"
                                "\t/src/app/pool.go:46 +0xaa\n";
  const std::vector<std::string> variants = {
      "goroutine 9" + goroutine.substr(11),
      // what the parser drops: arguments, offsets, `in goroutine N`, trailing blanks
      "goroutine 9 [chan receive, 9 minutes]:\nmain.(*Pool).worker(...)\n"
      "\t/src/app/pool.go:53 +0x1\ncreated by main.New in goroutine 4\n\t/src/app/pool.go:46\n",
      "goroutine 9 [chan receive]:\nmain.(*Pool).worker(0x1)  \n\t/src/app/pool.go:53 +0x1 \t\n"
      "created by main.New\n\t/src/app/pool.go:46 +0xaa fp=0xc0 sp=0xc0 pc=0x4a\n",
      // what it does not: each must not be taken for the template
      "goroutine 9 [chan receive]:\nmain.(*Pool).worker(0x1)(0x2)\n\t/src/app/pool.go:53 +0x1\n"
      "created by main.New\n\t/src/app/pool.go:46 +0xaa\n",
      "goroutine 9 [chan receive]:\nmain.(*Pool).worker(0x1)\n\t/src/app/pool.go:531 +0x1\n"
      "created by main.New\n\t/src/app/pool.go:46 +0xaa\n",
      "goroutine 9 [chan receive]:\nmain.(*Pool).worker(0x1)\n\t/src/app/pool.go:53 +0x1:7\n"
      "created by main.New\n\t/src/app/pool.go:46 +0xaa\n",
      "goroutine 9 [chan receive]:\nmain.(*Pool).worker(0x1)\n\t/src/app/pool.go:53+0x1\n"
      "created by main.New\n\t/src/app/pool.go:46 +0xaa\n",
      "goroutine 9 [chan receive]:\nmain.(*Pool).worker(0x1)\n\t/src/app/pool.go:53 +0x1\n"
      "created by main.New in goroutine 4 in goroutine 5\n\t/src/app/pool.go:46 +0xaa\n",
      "goroutine 9 [chan receive]:\nmain.(*Pool).worker(0x1)\n\t/src/app/pool.go:53 +0x1\n"
      "created by main.New in goroutine x\n\t/src/app/pool.go:46 +0xaa\n",
      "goroutine 9 [chan receive]:\nmain.(*Pool).worker(0x1)\n\t/src/app/pool.go:53 +0x1\n"
      "created by main.Newer\n\t/src/app/pool.go:46 +0xaa\n",
      "goroutine 9 [chan receive, locked to thread]:\nmain.(*Pool).worker(0x1)\n"
      "\t/src/app/pool.go:53 +0x1\ncreated by main.New\n\t/src/app/pool.go:46 +0xaa\n",
      "goroutine 9 [select]:\nmain.(*Pool).worker(0x1)\n\t/src/app/pool.go:53 +0x1\n"
      "created by main.New\n\t/src/app/pool.go:46 +0xaa\n",
      "goroutine 9 [chan receive]:\nmain.(*Pool).worker(0x1)\n\t/src/app/pool.go:53 +0x1\n"
      "main.extra()\n\t/src/app/pool.go:60 +0x1\ncreated by main.New\n\t/src/app/pool.go:46 +0xaa\n",
      "goroutine 9 [chan receive]:\nmain.(*Pool).worker(0x1)\n\t/src/app/pool.go:53 +0x1\n",
      "goroutine 9 [chan receive]:\nmain.(*Pool).worker(0x1)\n\t/src/app/pool.go:53 +0x1\n"
      "created by main.New\n",
      "goroutine 9 [chan receive]:\nmain.(*Pool).worker(0x1)\n\t/src/app/pool.go:53 +0x1\n"
      "created by main.New\n\t/src/app/pool.go:46 +0xaa\n[originating from goroutine 1]:\n"
      "main.main()\n\t/src/app/main.go:5 +0x1\n",
  };
  const std::string again = "goroutine 8" + goroutine.substr(11); // ids are listed once
  // Each input starts with the dump's writer (k_writer), counted once.
  const std::string writer(k_writer);
  Snapshot twice = parse_text(writer + goroutine + "\n" + again);
  for (const std::string& variant : variants) {
    CAPTURE(variant);
    std::string input = writer + goroutine + "\n" + again + "\n" + variant;
    bool variant_refused = false;
    std::map<std::string, std::pair<uint64_t, int64_t>> expected = stack_counts(twice);
    try {
      for (const auto& [text, counts] : stack_counts(parse_text(writer + variant))) {
        if (text.starts_with("running: main.main@")) {
          continue; // the writer, counted in `twice`
        }
        auto& [count, wait] = expected.try_emplace(text, 0, -1).first->second;
        count += counts.first;
        wait = std::max(wait, counts.second);
      }
    } catch (const Error&) {
      variant_refused = true;
    }
    if (variant_refused) {
      CHECK_THROWS_AS(parse_text(input), Error);
    } else {
      CHECK(stack_counts(parse_text(input)) == expected);
    }
  }
}

} // namespace taskdiff

namespace taskdiff {

TEST_CASE("GoroutineIds: the smallest id listed twice, within a thread's ids or across them") {
  // Against counting every id in a map, over random ids (some past 2^32) split among 1-3
  // threads' sets, with and without a repeat.
  uint64_t state = 42;
  auto next = [&] {
    state = state * 6364136223846793005u + 1442695040888963407u;
    return state >> 33;
  };
  for (int round = 0; round < 300; ++round) {
    size_t count = next() % 5000;
    uint64_t span = round % 3 == 0 ? 2 * count + 10 : uint64_t{1} << (20 + round % 20);
    std::vector<uint64_t> all;
    for (size_t i = 0; i < count; ++i) {
      all.push_back(next() % span + (round % 5 == 0 && i % 7 == 0 ? uint64_t{1} << 33 : 0));
    }
    std::vector<GoroutineIds> sets(1 + round % 3);
    for (size_t i = 0; i < all.size(); ++i) {
      sets[next() % sets.size()].add(all[i]);
    }
    std::vector<GoroutineIds*> pointers;
    for (GoroutineIds& set : sets) {
      pointers.push_back(&set);
    }
    std::map<uint64_t, uint64_t> times;
    for (uint64_t id : all) {
      ++times[id];
    }
    std::optional<GoroutineIds::Repeat> expected;
    for (auto [id, n] : times) {
      if (n > 1 && (!expected || id < expected->id)) {
        expected = GoroutineIds::Repeat{id, n};
      }
    }
    // The small ids are compared first: a repeat below 2^32 wins over one past it.
    if (expected && expected->id > UINT32_MAX) {
      for (auto [id, n] : times) {
        if (n > 1 && id <= UINT32_MAX) {
          expected = GoroutineIds::Repeat{id, n};
          break;
        }
      }
    }
    CAPTURE(round);
    std::optional<GoroutineIds::Repeat> found = GoroutineIds::repeated(pointers);
    REQUIRE(found.has_value() == expected.has_value());
    if (found) {
      CHECK(found->id == expected->id);
      CHECK(found->times == expected->times);
    }
  }
}

TEST_CASE("a goroutine listed twice is refused; goroutines again in crash reports are not") {
  std::string goroutine = "goroutine 8 [select]:\nmain.worker()\n\t/src/main.go:10 +0x1d\n"
                          "created by main.main\n\t/src/main.go:5 +0x2a\n\n";
  std::string dump = "goroutine 1 [running]:\nmain.main()\n\t/src/main.go:3 +0x1d\n\n" + goroutine +
                     "goroutine 9 [select]:\nmain.worker()\n\t/src/main.go:10 "
                     "+0x1d\ncreated by main.main\n\t/src/main.go:5 +0x2a\n\n";
  CHECK(parse_text(dump).total == 3);
  try {
    parse_text(dump + goroutine);
    FAIL("expected an Error");
  } catch (const Error& error) {
    CHECK(error.line() == 0);
    CHECK(error.message().starts_with("goroutine 8 is listed 2 times"));
  }
  // An id past 2^64 is no id Go prints.
  try {
    parse_text("goroutine 18446744073709551616 [running]:\nmain.main()\n\t/src/main.go:3 +0x1d\n");
    FAIL("expected an Error");
  } catch (const Error& error) {
    CHECK(error.line() == 1);
    CHECK(error.message().find("past 2^64") != std::string::npos);
  }
  // GOTRACEBACK=crash prints goroutines again in its per-thread reports: the real dump passes
  // (go1.19-gotraceback-crash-syscall.sigquit.txt lists goroutines 18, 19, 22 and 23 twice).
  Snapshot crash =
      load(test::testdata_path("go/go1.19-gotraceback-crash-syscall.sigquit.txt"), ParseOptions{});
  CHECK(crash.total > 0);
}

} // namespace taskdiff

namespace taskdiff {

TEST_CASE("a dump logged in one call has the log's prefix on its first header's line") {
  // log.Printf("%s", buf) of runtime.Stack(buf, true) under log.Lmsgprefix: line 1 is
  // `2026/11/24 20:27:20 [dump] goroutine 1 [running]:`, the rest is the dump as written.
  Snapshot logged = load(test::testdata_path("go/go1.19-logprintf-dump.log"), ParseOptions{});
  CHECK(logged.total == 22);
  CHECK(logged.warnings.empty());
  // Not a crash message holding a stack: `panic: goroutine 1 [running]:` is refused.
  std::string text = test::read_testdata("go/go1.19-logprintf-dump.log");
  text.replace(0, text.find("goroutine 1 "), "panic: ");
  CHECK_THROWS_WITH_AS(load(Input::from_memory("panic.txt", text), ParseOptions{}),
                       doctest::Contains("panic.txt:1: a goroutine header after other text"),
                       Error);
}

TEST_CASE("stacks a program logs (runtime.Stack of its own goroutine) are not goroutines") {
  // programs/applog: a log holding a whole dump (runtime.Stack(buf, true)), then 8 of
  // net/http's `http: panic serving` stacks, each right under its log line. Both sides hold the
  // same 7 goroutines; the 8 stacks were counted (a false new group of 8).
  Snapshot base = load(test::testdata_path("go/go1.19-applog-stacks.base.log"), ParseOptions{});
  Snapshot cand = load(test::testdata_path("go/go1.19-applog-stacks.cand.log"), ParseOptions{});
  // The dump's writer, `[running]` right under the log line, is read as such a stack too.
  CHECK(base.total == 7);
  CHECK(cand.total == 7);
  REQUIRE(base.warnings.size() == 1);
  CHECK(base.warnings[0].starts_with("1 stack that the program wrote into its log, first at "
                                     "line 2"));
  REQUIRE(cand.warnings.size() == 1);
  CHECK(cand.warnings[0].starts_with("9 stacks that the program wrote into its log, first at "
                                     "line 2"));
  // A restart log: a SIGQUIT dump, then the next process logging such stacks. They are no dump
  // of their own, and the SIGQUIT dump is read (5 and 45 leaked goroutines, not the 8 stacks).
  Snapshot before =
      load(test::testdata_path("go/go1.19-restart-logged-panics.base.log"), ParseOptions{});
  Snapshot after =
      load(test::testdata_path("go/go1.19-restart-logged-panics.cand.log"), ParseOptions{});
  CHECK(before.total == 11);
  CHECK(after.total == 51);
  CHECK(after.panic_message.starts_with("SIGQUIT: quit"));
  // But a dump's first goroutine after its crash message is its own, other output between them
  // or not (`docker logs`: a log line between `panic: boom`'s empty line and `goroutine 1
  // [running]:`): the restart log's last dump, 3 goroutines blocked and main, is read.
  Snapshot interleaved =
      load(test::testdata_path("go/go1.19-restart-interleaved-line.log"), ParseOptions{});
  CHECK(interleaved.total == 4);
  CHECK(interleaved.panic_message.starts_with("panic: boom"));
}

TEST_CASE("goroutine labels in a traceback header (Go 1.26+ tracebacklabels)") {
  auto labels_of = [](std::string_view bracket) {
    std::string text = fmt::format("{}goroutine 5 {}:\nmain.f()\n\t/a/b.go:3 +0x1\ncreated by "
                                   "main.main\n\t/a/b.go:9 +0x2\n",
                                   k_writer, bracket);
    Snapshot s = parse_text(text);
    REQUIRE(s.stacks.size() == 2);
    const Stack& f = s.stacks[s.symbols[s.stacks[0].frames[0].function] == "main.main" ? 1 : 0];
    return std::make_tuple(f.labels, f.state, f.max_wait_minutes, f.locked_to_thread);
  };
  using Labels = std::vector<std::pair<std::string, std::string>>;
  // As debug=1 prints them, so that `--key default,labels` compares the two formats: decoded
  // pairs, not the bracket's text under one label named "labels".
  CHECK(labels_of(R"([running labels:{"foobar": "baz"}])") ==
        std::make_tuple(Labels{{"foobar", "baz"}}, "running", int64_t{-1}, false));
  // Wherever they stand, with `, ` and `}` inside quotes; the items around them still read.
  CHECK(labels_of(R"([select labels:{"a": "b, c}", "d": "\u00e9"}, 3 minutes])") ==
        std::make_tuple(Labels{{"a", "b, c}"}, {"d", "\u00e9"}}, "select", int64_t{3}, false));
  CHECK(labels_of(R"([select, 2 minutes, labels:{"k": "v"}, locked to thread])") ==
        std::make_tuple(Labels{{"k", "v"}}, "select", int64_t{2}, true));
  // Another shape is kept as printed, not refused (the format is Go's to change).
  CHECK(labels_of(R"([running labels:{bad}])") ==
        std::make_tuple(Labels{{"labels", "{bad}"}}, "running", int64_t{-1}, false));
}

TEST_CASE("goroutines with header labels repeating a stack") {
  // The second and later goroutines of a stack are counted from the line trie (its root chosen by
  // the labels where the stack keeps them); they must come out as a line-by-line parse does.
  std::string text(k_writer);
  const char* labels[] = {R"(labels:{"h": "a"})", R"(labels:{"h": "b"})", R"(labels:{"h": "a"})",
                          "", R"(labels:{"h": "b"})"};
  for (int i = 0; i < 5; ++i) {
    std::string bracket = *labels[i] ? fmt::format("[chan send, {}]", labels[i]) : "[chan send]";
    text += fmt::format("goroutine {} {}:\nmain.f(0x{:x})\n\t/a/b.go:3 +0x1\ncreated by main.main "
                        "in goroutine 1\n\t/a/b.go:9 +0x2\n\n",
                        i + 10, bracket, i);
  }
  using Labels = std::vector<std::pair<std::string, std::string>>;
  // Kept: one stack per label set, and one without.
  // The stacks of main.f (not the writer's).
  auto of_f = [](const Snapshot& s) {
    std::vector<Stack> out;
    for (const Stack& stack : s.stacks) {
      if (s.symbols[stack.frames[0].function] == "main.f") {
        out.push_back(stack);
      }
    }
    return out;
  };
  Snapshot kept = parse_text(text);
  REQUIRE(of_f(kept).size() == 3);
  std::map<Labels, uint64_t> counts;
  for (const Stack& stack : of_f(kept)) {
    counts[stack.labels] += stack.count;
  }
  CHECK(counts == std::map<Labels, uint64_t>{{{}, 1}, {{{"h", "a"}}, 2}, {{{"h", "b"}}, 2}});
  // Folded: one stack of five, with the first goroutine's labels.
  ParseOptions fold;
  fold.label_sets = LabelSets::fold;
  std::vector<Stack> folded = of_f(parse_text(text, fold));
  REQUIRE(folded.size() == 1);
  CHECK(folded[0].count == 5);
  CHECK(folded[0].labels == Labels{{"h", "a"}});
  // The first goroutine unlabelled: the labels come from the first labelled one, read from the
  // trie.
  std::string unlabelled_first = text;
  unlabelled_first.replace(unlabelled_first.find(", labels:{\"h\": \"a\"}"),
                           std::string_view(", labels:{\"h\": \"a\"}").size(), "");
  std::vector<Stack> later = of_f(parse_text(unlabelled_first, fold));
  REQUIRE(later.size() == 1);
  CHECK(later[0].labels == Labels{{"h", "b"}});
}

TEST_CASE("a goroutine two throwing threads both print counts once") {
  // programs/crashers mapwrite: two threads threw at once. The dump lists goroutine 29 as
  // running on another thread (`stack unavailable`); that thread prints it again, with its stack,
  // after the dump. It was refused as listed twice.
  Snapshot s = load(test::testdata_path("go/go1.19-fatal-two-throws.txt"), ParseOptions{});
  CHECK(s.total == 15);
  REQUIRE(s.warnings.size() == 1);
  CHECK(s.warnings[0].starts_with("1 goroutine was listed a second time, first at line 93, by a "
                                  "thread that threw"));
  // The same dump with that goroutine's stack in both listings is a goroutine listed twice.
  std::string text = test::read_testdata("go/go1.19-fatal-two-throws.txt");
  std::string unavailable = "\tgoroutine running on other thread; stack unavailable\n";
  size_t at = text.find(unavailable);
  REQUIRE(at != std::string::npos);
  text.replace(at, unavailable.size(),
               "main.main.func3()\n\t/work/main/testdata/go/programs/crashers/main.go:58 +0x33\n");
  CHECK(parse_error(text).message().starts_with("goroutine 29 is listed 2 times"));
}

TEST_CASE("a stack the crash message holds is the message's, not a goroutine") {
  // A recovered panic raised again with runtime.Stack(buf, false) in its message: goroutine 18's
  // stack right under the message, then the dump, goroutine 18 again. It was counted twice (and
  // then refused as listed twice).
  Snapshot s = load(test::testdata_path("go/go1.19-panic-stack-in-message.txt"), ParseOptions{});
  CHECK(s.total == 5);
  REQUIRE(!s.warnings.empty());
  CHECK(s.warnings[0].starts_with("the crash message holds goroutine 18's stack (lines 3 on"));
  // A pasted panic that lost the empty line before its goroutine still reads (peer dump).
  CHECK(load(test::testdata_path("peer-dumps/clusterfuzz-go1.10-syzmanager-shell-noise.txt"),
             ParseOptions{})
            .total == 1);
}

} // namespace taskdiff
