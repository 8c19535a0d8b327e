// Tests for src/report/text.cpp and the helpers in src/report/common.hpp: very long names are
// shown with their middle elided in text reports, kept whole in JSON reports.
#include <doctest/doctest.h>

#include <sstream>
#include <string>

#include <fmt/format.h>

#include "support.hpp"
#include "taskdiff/group.hpp"
#include "taskdiff/input.hpp"
#include "taskdiff/parse.hpp"
#include "taskdiff/report.hpp"

namespace taskdiff {

namespace {

// A debug=2 dump: main.main and three goroutines blocked in `function`, created by `creator`.
std::string dump_with(std::string_view function, std::string_view creator) {
  std::string text = "goroutine 1 [running]:\nmain.main()\n\t/app/main.go:5 +0x1d\n";
  for (int id = 10; id < 13; ++id) {
    text += fmt::format("\ngoroutine {} [chan receive]:\n{}(...)\n\t/app/work.go:10 +0x1d\n"
                        "created by {} in goroutine 1\n\t/app/main.go:4 +0x1d\n",
                        id, function, creator);
  }
  return text;
}

struct Shown {
  std::string text;
  std::string json;
};

Shown show(std::string_view dump) {
  Snapshot snapshot = load(Input::from_memory("dump.txt", dump), ParseOptions{});
  KeyOptions key;
  Grouping groups = group(snapshot, key);
  ShowReport report{snapshot, groups, key, {}};
  std::ostringstream text;
  std::ostringstream json;
  write_show_text(text, report, TextStyle{});
  write_show_json(json, report);
  return {text.str(), json.str()};
}

size_t count_of(const std::string& text, std::string_view part) {
  size_t count = 0;
  for (size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) {
    ++count;
  }
  return count;
}

} // namespace

TEST_SUITE("report_text") {

TEST_CASE("a 100,000-character name: its middle elided in text, whole in JSON") {
  std::string function = "main.Start" + std::string(100'000, 'x') + "End";
  std::string creator = "main.Spawn" + std::string(100'000, 'y') + "Done";
  Shown shown = show(dump_with(function, creator));
  std::string elided_function = "main.Start" + std::string(70, 'x') +
                                "[... 99853 characters elided ...]" + std::string(77, 'x') + "End";
  std::string elided_creator = "main.Spawn" + std::string(70, 'y') +
                               "[... 99854 characters elided ...]" + std::string(76, 'y') + "Done";
  // The title, the "blocks in" row and the stack line; the "created by" row.
  CHECK(count_of(shown.text, elided_function) == 3);
  CHECK(count_of(shown.text, elided_creator) == 1);
  std::istringstream lines(shown.text);
  for (std::string line; std::getline(lines, line);) {
    CHECK(line.size() < 260);
  }
  CHECK(count_of(shown.json, function) >= 3);
  CHECK(count_of(shown.json, creator) >= 1);
  CHECK(count_of(shown.json, "elided") == 0);
}

TEST_CASE("a runtime goroutine at traceback level 2 is titled by its own function") {
  // Level 2 prints runtime.goexit under every goroutine and, from Go 1.22, the `go` statement's
  // wrapper above it: six runtime groups of a SIGQUIT dump were all titled runtime.goexit.
  std::string dump = "goroutine 1 [running]:\nmain.main()\n\t/app/main.go:5 +0x1d\n\n"
                     "goroutine 3 [GC sweep wait]:\n"
                     "runtime.gopark(0x1?, 0x0?, 0x0?, 0x0?, 0x0?)\n"
                     "\t/go/src/runtime/proc.go:424 +0xce fp=0xc0 sp=0xc0 pc=0x4\n"
                     "runtime.bgsweep(0xc000084000)\n"
                     "\t/go/src/runtime/mgcsweep.go:317 +0xdf fp=0xc0 sp=0xc0 pc=0x4\n"
                     "runtime.gcenable.gowrap1()\n"
                     "\t/go/src/runtime/mgc.go:204 +0x25 fp=0xc0 sp=0xc0 pc=0x4\n"
                     "runtime.goexit({})\n"
                     "\t/go/src/runtime/asm_amd64.s:1700 +0x1 fp=0xc0 sp=0xc0 pc=0x4\n"
                     "created by runtime.gcenable in goroutine 1\n"
                     "\t/go/src/runtime/mgc.go:204 +0x66\n";
  Shown shown = show(dump);
  CHECK(shown.json.find(R"("title": "runtime.bgsweep")") != std::string::npos);
  CHECK(shown.json.find(R"("title": "runtime.goexit")") == std::string::npos);
}

TEST_CASE("a Go <= 1.21 level-2 `go` wrapper does not title a standard-library goroutine") {
  // Before Go 1.22, level 2 prints a `go` statement's wrapper as a closure of the creator at the
  // `go` line (`runtime.gcenable.func1` over runtime.bgsweep, `(*Transport).dialConn.func5` over
  // `(*persistConn).readLoop`): groups were titled by it in SIGQUIT output and by the function it
  // starts in every other format. A real go1.19 SIGQUIT dump (shared/reference/samples).
  Shown shown = show(test::read_testdata("go/go1.19-sigquit-http.txt"));
  CHECK(count_of(shown.json, R"("title": "runtime.bgsweep")") == 1);
  CHECK(count_of(shown.json, R"("title": "runtime.bgscavenge")") == 1);
  CHECK(count_of(shown.json, R"("title": "runtime.gcenable.func)") == 0);
}

TEST_CASE("200 characters are shown whole, 201 elided; cuts fall between UTF-8 characters") {
  std::string whole = "main." + std::string(195, 'a');
  CHECK(show(dump_with(whole, "main.main")).text.find(whole + "  [chan receive]") !=
        std::string::npos);
  // 201 characters of two bytes each after `main.`: 80 kept at each end, 41 elided.
  std::string wide;
  for (int i = 0; i < 196; ++i) {
    wide += "\xc3\xa9"; // é
  }
  std::string name = "main." + wide;
  std::string head = "main.";
  for (int i = 0; i < 75; ++i) {
    head += "\xc3\xa9";
  }
  std::string tail;
  for (int i = 0; i < 80; ++i) {
    tail += "\xc3\xa9";
  }
  Shown shown = show(dump_with(name, "main.main"));
  CHECK(shown.text.find(head + "[... 41 characters elided ...]" + tail + "  [chan receive]") !=
        std::string::npos);
  CHECK(shown.json.find(name) != std::string::npos);
}

} // TEST_SUITE("report_text")

} // namespace taskdiff
