// Tests for src/parse/go_debug1.cpp: `/debug/pprof/goroutine?debug=1` count profiles.
#include "support.hpp"
#include "taskdiff/error.hpp"
#include "taskdiff/parse.hpp"

#include <algorithm>
#include <doctest/doctest.h>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace taskdiff {

namespace {

Snapshot parse_text(std::string_view text) {
  return load(Input::from_memory("x.txt", text), ParseOptions{});
}

constexpr std::string_view k_profile =
    "goroutine profile: total 6\n"
    "3 @ 0x43b296 0x40708c 0x6cb14d 0x46c041\n"
    "# labels: {\"handler\":\"audit\", \"tenant\":\"acme\"}\n"
    "#\t0x6cb14c\tmain.(*Pricer).fetch+0xac\t/src/app/quote.go:59\n"
    "#\t0x6cb200\tmain.serve+0x20\t\t/src/app/serve.go:12\n"
    "\n"
    "2 @ 0x43b296 0x1234\n"
    "#\t0x1234\n"
    "\n"
    "1 @ 0x43b296 0x6ce18c 0x46c041\n"
    "#\t0x6ce18b\tmain.main+0x2b\t/src/app/main.go:30\n";

const Stack* find_count(const Snapshot& s, uint64_t count) {
  for (const auto& stack : s.stacks) {
    if (stack.count == count) {
      return &stack;
    }
  }
  return nullptr;
}

} // namespace

TEST_SUITE("parse_go_debug1") {

TEST_CASE("records, labels, unsymbolized frames, totals") {
  Snapshot s = parse_text(k_profile);
  CHECK(s.format == Format::go_debug1);
  CHECK(s.total == 6);
  CHECK_FALSE(s.facts.wait);
  CHECK_FALSE(s.facts.created_by);
  CHECK(s.facts.labels);
  REQUIRE(s.stacks.size() == 3);

  const Stack* fetch = find_count(s, 3);
  REQUIRE(fetch != nullptr);
  CHECK(fetch->state.empty());
  REQUIRE(fetch->frames.size() == 2);
  CHECK(s.symbols[fetch->frames[0].function] == "main.(*Pricer).fetch");
  CHECK(s.symbols[fetch->frames[0].file] == "/src/app/quote.go");
  CHECK(fetch->frames[0].line == 59);
  CHECK(s.symbols[fetch->frames[1].function] == "main.serve");
  CHECK(s.symbols[fetch->frames[1].file] == "/src/app/serve.go");
  CHECK(fetch->frames[1].line == 12);
  using Labels = std::vector<std::pair<std::string, std::string>>;
  CHECK(fetch->labels == Labels{{"handler", "audit"}, {"tenant", "acme"}});

  const Stack* opaque = find_count(s, 2);
  REQUIRE(opaque != nullptr);
  REQUIRE(opaque->frames.size() == 1);
  CHECK(s.symbols[opaque->frames[0].function] == "0x1234");
  CHECK(s.symbols[opaque->frames[0].file].empty());
  CHECK(opaque->frames[0].line == 0);
  CHECK(opaque->labels.empty());

  const Stack* main_stack = find_count(s, 1);
  REQUIRE(main_stack != nullptr);
  REQUIRE(main_stack->frames.size() == 1);
  CHECK(s.symbols[main_stack->frames[0].function] == "main.main");
  CHECK(main_stack->frames[0].line == 30);
}

TEST_CASE("the header total must match the records") {
  std::string text = "goroutine profile: total 5\n"
                     "3 @ 0x1 0x2\n"
                     "#\t0x1\tmain.a+0x1\t/src/a.go:1\n"
                     "\n"
                     "1 @ 0x3\n"
                     "#\t0x3\tmain.b+0x1\t/src/b.go:2\n";
  try {
    parse_text(text);
    FAIL("expected an Error");
  } catch (const Error& error) {
    CHECK(error.line() == 1);
    CHECK(error.message().find("the header says `total 5` but the records add up to 4") == 0);
  }
}

TEST_CASE("labels are sorted by key and unescaped") {
  std::string text = "goroutine profile: total 2\n"
                     "2 @ 0x1\n"
                     "# labels: {\"zone\":\"a\\\"b\", \"app\":\"x\"}\n"
                     "#\t0x1\tmain.a+0x1\t/src/a.go:1\n";
  Snapshot s = parse_text(text);
  REQUIRE(s.stacks.size() == 1);
  using Labels = std::vector<std::pair<std::string, std::string>>;
  CHECK(s.stacks[0].labels == Labels{{"app", "x"}, {"zone", "a\"b"}});
}

// `# labels:` is written with %q (strconv.Quote): decoded as strconv.Unquote decodes it.
TEST_CASE("label escapes decode as strconv.Unquote") {
  auto value_of = [](std::string_view quoted) {
    std::string text = "goroutine profile: total 1\n"
                       "1 @ 0x1\n"
                       "# labels: {\"k\":" +
                       std::string(quoted) +
                       "}\n"
                       "#\t0x1\tmain.a+0x1\t/src/a.go:1\n";
    Snapshot s = parse_text(text);
    REQUIRE(s.stacks.size() == 1);
    REQUIRE(s.stacks[0].labels.size() == 1);
    return s.stacks[0].labels[0].second;
  };
  CHECK(value_of(R"("a\x01b")") == std::string("a\x01"
                                               "b"));
  // Bytes, not runes: these two make one; stray ones become U+FFFD in the model, as in a protobuf.
  CHECK(value_of(R"("\xc3\xa9")") == "\xc3\xa9");
  CHECK(value_of(R"("\xff\xfe")") == "\xef\xbf\xbd\xef\xbf\xbd");
  CHECK(value_of(R"("\x41BC")") == "ABC"); // two hex digits, no more
  CHECK(value_of(R"("a\u00a0b")") == "a\xc2\xa0"
                                     "b");
  CHECK(value_of(R"("a\u200bb")") == "a\xe2\x80\x8b"
                                     "b");
  CHECK(value_of(R"("\U0001F600")") == "\xf0\x9f\x98\x80");
  CHECK(value_of(R"("\101\0011")") == std::string("A\x01"
                                                  "1")); // octal: three digits exactly
  CHECK(value_of(R"("\a\b\f\v")") == "\a\b\f\v");
  CHECK(value_of(R"("x\ny\t\r\\\"")") == "x\ny\t\r\\\"");
  CHECK(value_of(R"("\x00")") == std::string(1, '\0'));
  CHECK(value_of("\"caf\xc3\xa9 \xe2\x98\x95\"") == "caf\xc3\xa9 \xe2\x98\x95"); // raw UTF-8
  CHECK(value_of("\"a\xff\"") == "a\xef\xbf\xbd"); // a raw invalid byte: U+FFFD, as Unquote
}

TEST_CASE("label escapes strconv.Unquote refuses: line and escape named") {
  auto error_for = [](std::string_view labels) -> std::string {
    std::string text = "goroutine profile: total 1\n"
                       "1 @ 0x1\n"
                       "# labels: " +
                       std::string(labels) +
                       "\n"
                       "#\t0x1\tmain.a+0x1\t/src/a.go:1\n";
    try {
      parse_text(text);
    } catch (const Error& error) {
      CHECK(error.line() == 3);
      return error.message();
    }
    FAIL("expected an Error for " << labels);
    return {};
  };
  CHECK(error_for(R"({"k":"\x4"})") ==
        R"(expected a quoted label value (a Go %q string), found the escape "\\x4", which )"
        R"(strconv.Unquote refuses, in "\"\\x4\"")");
  CHECK(error_for(R"({"k\q":"v"})")
            .find(R"(expected a quoted label key (a Go %q string), )"
                  R"(found the escape "\\q")") == 0);
  for (std::string_view bad : {R"("\u12")", R"("\U0001F60")", R"("\uD800")", R"("\U00110000")",
                               R"("\400")", R"("\18")", R"("\'")", R"("\x")", R"("\")"}) {
    std::string message = error_for("{\"k\":" + std::string(bad) + "}");
    CHECK_MESSAGE(message.find("expected a quoted label value") == 0, bad << ": " << message);
  }
}

// testdata/go/programs/oddsvc: one process's labels in debug=1 text and in the protobuf profile,
// which holds them as raw bytes. Every label set of one is one of the other.
TEST_CASE("oddsvc: debug=1 labels equal the protobuf profile's") {
  auto label_sets = [](const Snapshot& s) {
    std::vector<std::vector<std::pair<std::string, std::string>>> sets;
    for (const auto& stack : s.stacks) {
      if (!stack.labels.empty()) {
        sets.push_back(stack.labels);
      }
    }
    std::sort(sets.begin(), sets.end());
    return sets;
  };
  auto debug1 = label_sets(load(test::testdata_path("go/go1.19-oddsvc.debug1.txt"), {}));
  auto pprof = label_sets(load(test::testdata_path("pprof/go1.19-oddsvc.pb.gz"), {}));
  CHECK(debug1.size() == 11);
  CHECK(debug1 == pprof);
}

TEST_CASE("a bad record line: line number") {
  std::string text = "goroutine profile: total 1\n"
                     "1 @ 0x1\n"
                     "#\t0x1\tmain.a+0x1\t/src/a.go:1\n"
                     "\n"
                     "x @ 0x1\n";
  try {
    parse_text(text);
    FAIL("expected an Error");
  } catch (const Error& error) {
    CHECK(error.line() == 5);
    CHECK(error.message().find("expected a record like `3 @ 0x43b296 0x46b2e1`") == 0);
  }
}

// A capture script's or a service's own lines before the profile: found as a debug=2 dump or a
// crash is, and skipped; line numbers stay the file's.
TEST_CASE("a profile after log text") {
  std::string log = "INFO capturing profile\n"
                    "INFO goroutine profile: total 3 (a log line that reads like a header)\n"
                    "\n";
  Snapshot s = parse_text(log + std::string(k_profile));
  CHECK(s.format == Format::go_debug1);
  CHECK(s.total == 6);
  CHECK(s.stacks.size() == 3);

  std::string broken = log + "goroutine profile: total 1\n"
                             "1 @ 0x1\n"
                             "x\n";
  try {
    parse_text(broken);
    FAIL("expected an Error");
  } catch (const Error& error) {
    CHECK(error.line() == 6);
    CHECK(error.message().find("expected a `#` line or an empty line after the record at line 5") ==
          0);
  }
}

TEST_CASE("log text and no profile: detection and the parser name the first line") {
  // A whole header with no record after it is a log line, not a profile.
  std::string text = "INFO capturing profile\n"
                     "goroutine profile: total 3\n"
                     "INFO done\n";
  try {
    parse_text(text);
    FAIL("expected an Error");
  } catch (const Error& error) {
    CHECK(error.line() == 1);
    CHECK(error.message().find("unknown input format") == 0);
  }
  ParseOptions forced;
  forced.format = Format::go_debug1;
  try {
    load(Input::from_memory("x.txt", "\n" + text), forced);
    FAIL("expected an Error");
  } catch (const Error& error) {
    CHECK(error.line() == 2);
    CHECK(error.message() ==
          "expected `goroutine profile: total N`, found \"INFO capturing profile\"");
  }
}

TEST_CASE("CRLF line endings") {
  std::string crlf = "goroutine profile: total 3\r\n"
                     "3 @ 0x1 0x2\r\n"
                     "#\t0x1\tmain.a+0x1\t/src/a.go:17\r\n"
                     "\r\n";
  Snapshot s = parse_text(crlf);
  CHECK(s.total == 3);
  REQUIRE(s.stacks.size() == 1);
  REQUIRE(s.stacks[0].frames.size() == 1);
  CHECK(s.symbols[s.stacks[0].frames[0].function] == "main.a");
  CHECK(s.symbols[s.stacks[0].frames[0].file] == "/src/a.go");
  CHECK(s.stacks[0].frames[0].line == 17);
}

TEST_CASE("corpus unbuffered-chan cand.debug1.txt") {
  Snapshot s = load(test::testdata_path("corpus/unbuffered-chan/cand.debug1.txt"), ParseOptions{});
  CHECK(s.format == Format::go_debug1);
  CHECK(s.total == 217);
  const Stack* fetch = find_count(s, 200);
  REQUIRE(fetch != nullptr);
  REQUIRE_FALSE(fetch->frames.empty());
  CHECK(s.symbols[fetch->frames[0].function] ==
        "github.com/acme/shopsvc/internal/quote.(*Pricer).fetch");
  CHECK(fetch->frames[0].line == 59);

  ParseOptions one;
  one.threads = 1;
  ParseOptions many;
  many.threads = 8;
  std::string path = test::testdata_path("corpus/unbuffered-chan/cand.debug1.txt");
  Snapshot a = load(path, one);
  Snapshot b = load(path, many);
  CHECK(a.total == 217);
  CHECK(b.total == 217);
  CHECK(a.stacks.size() == 10);
  CHECK(b.stacks.size() == 10);
}

// A real profile cut at every byte: never read as a whole one, and a cut inside a line is called a
// truncation, not a parse error about the line's text.
TEST_CASE("corpus unbuffered-chan cand.debug1.txt cut at every byte") {
  std::string whole = test::read_testdata("corpus/unbuffered-chan/cand.debug1.txt");
  REQUIRE(whole.size() > 2);
  REQUIRE(whole.substr(whole.size() - 2) == "\n\n");
  size_t mid_line = 0;
  for (size_t n = 1; n < whole.size(); ++n) {
    std::string cut = whole.substr(0, n);
    if (n == whole.size() - 1) {
      // Only the final empty line lost: whole records, as a copy that trimmed trailing blank
      // lines has them (read, by design; the header's total still checks the counts).
      CHECK(parse_text(cut).total == 217);
      continue;
    }
    std::string message;
    uint64_t line = 0;
    try {
      parse_text(cut);
    } catch (const Error& error) {
      message = error.message();
      line = error.line();
    }
    INFO("cut after byte ", n, ": ", message);
    REQUIRE_FALSE(message.empty()); // exit 2, never a verdict
    CHECK(line >= 1);
    if (cut.back() != '\n') {
      ++mid_line;
      CHECK(line == static_cast<uint64_t>(std::count(cut.begin(), cut.end(), '\n')) + 1);
      CHECK(message.find("truncated") != std::string::npos);
    }
  }
  CHECK(mid_line > 4000);
}

} // TEST_SUITE("parse_go_debug1")

} // namespace taskdiff
