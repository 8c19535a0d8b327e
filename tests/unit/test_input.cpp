// Tests for src/input/: LineReader over odd sources, gzip inflation, input limits.
#include "support.hpp"
#include "taskdiff/error.hpp"
#include "taskdiff/input.hpp"
#include "taskdiff/parse.hpp"

#include <algorithm>
#include <cstring>
#include <doctest/doctest.h>
#include <fmt/format.h>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace taskdiff {

namespace {

using test::gzip;
using test::TrickleSource;

std::vector<std::string> all_lines(LineReader& reader) {
  std::vector<std::string> out;
  std::string_view line;
  while (reader.next(line)) {
    out.emplace_back(line);
  }
  return out;
}

// Everything the input yields, through its ByteSource.
std::string read_all(Input input) {
  auto source = input.take_source();
  std::string out;
  char buffer[4096];
  for (;;) {
    size_t n = source->read(buffer, sizeof buffer);
    if (n == 0) {
      break;
    }
    out.append(buffer, n);
  }
  return out;
}

// from_memory and reading everything; returns the Error message, or "" when none.
std::string read_error(std::string_view bytes, const Limits& limits = {}) {
  try {
    read_all(Input::from_memory("x.gz", bytes, limits));
  } catch (const Error& error) {
    return error.message();
  }
  return "";
}

} // namespace

TEST_SUITE("input") {

TEST_CASE("LineReader over a one-byte-at-a-time source") {
  TrickleSource source("alpha\nbe\r\n\n\r\ngamma\r\nlast");
  LineReader reader(source, 1024);
  std::string_view line;
  REQUIRE(reader.next(line));
  CHECK(line == "alpha");
  CHECK(reader.line_number() == 1);
  CHECK_FALSE(reader.last_line_unterminated());
  REQUIRE(reader.peek(line));
  CHECK(line == "be");
  CHECK(reader.line_number() == 1);
  REQUIRE(reader.next(line));
  CHECK(line == "be");
  CHECK(reader.line_number() == 2);
  REQUIRE(reader.next(line));
  CHECK(line.empty());
  REQUIRE(reader.next(line));
  CHECK(line.empty()); // a lone `\r` is stripped
  REQUIRE(reader.next(line));
  CHECK(line == "gamma");
  CHECK_FALSE(reader.last_line_unterminated());
  REQUIRE(reader.next(line));
  CHECK(line == "last");
  CHECK(reader.line_number() == 6);
  CHECK(reader.last_line_unterminated());
  CHECK_FALSE(reader.next(line));
  CHECK(reader.bytes_read() == 24);
}

TEST_CASE("LineReader: terminated last line, first line number") {
  TrickleSource source("a\nb\n", 3);
  LineReader reader(source, 1024, 10);
  CHECK(all_lines(reader) == std::vector<std::string>{"a", "b"});
  CHECK(reader.line_number() == 11);
  CHECK_FALSE(reader.last_line_unterminated());
}

TEST_CASE("LineReader: a line over max_line_bytes is an error with its line number") {
  std::string text = "short\nok\n" + std::string(100, 'x') + "\nafter\n";
  TrickleSource source(text, 7);
  LineReader reader(source, 32);
  std::string_view line;
  REQUIRE(reader.next(line));
  REQUIRE(reader.next(line));
  try {
    reader.next(line);
    FAIL("expected ParseError");
  } catch (const ParseError& error) {
    CHECK(error.line() == 3);
    CHECK(error.message().find("line longer than 32 bytes") == 0);
  }
}

TEST_CASE("LineReader: the same lines whatever the read sizes") {
  // Lines of every length around the fast path's 64-byte blocks, some with `\r\n`, past the
  // 1 MiB buffer so refills land inside lines and inside blocks.
  std::vector<std::string> expected;
  std::string text;
  uint32_t state = 12345;
  while (text.size() < (size_t{3} << 20)) {
    state = state * 1103515245 + 12345;
    size_t length = (state >> 8) % 200;
    std::string line(length, static_cast<char>('a' + expected.size() % 26));
    text += line;
    text += (state & 1) != 0 ? "\r\n" : "\n";
    expected.push_back(std::move(line));
  }
  for (size_t step : {size_t{1}, size_t{63}, size_t{64}, size_t{65}, size_t{4096}, text.size()}) {
    CAPTURE(step);
    TrickleSource source(text, step);
    LineReader reader(source, 1024);
    CHECK(all_lines(reader) == expected);
    CHECK(reader.line_number() == expected.size());
  }
}

TEST_CASE("LineReader: a NUL byte deep in the input is an error on its line") {
  std::string text;
  for (int i = 0; i < 5000; ++i) {
    text += "\t/src/main.go:42 +0x1d\n";
  }
  text += "main.main(";
  text += '\0';
  text += ")\n";
  for (int i = 0; i < 100; ++i) {
    text += "after\n";
  }
  for (size_t step : {size_t{7}, text.size()}) {
    CAPTURE(step);
    TrickleSource source(text, step);
    LineReader reader(source, 1024);
    std::string_view line;
    for (int i = 0; i < 5000; ++i) {
      REQUIRE(reader.next(line));
    }
    try {
      reader.next(line);
      FAIL("expected ParseError");
    } catch (const ParseError& error) {
      CHECK(error.line() == 5001);
      CHECK(error.message().find("a NUL byte at column 11") == 0);
    }
  }
}

TEST_CASE("LineReader: a NUL byte anywhere is refused on its own line, at its column") {
  // Lines of random lengths (a 64-byte scan block holds several, or a line spans several), a
  // NUL put at one position after another, the input read in steps that do and do not line up
  // with the blocks and the buffer, some lines peeked first: every line before the NUL's is
  // returned whole, and the NUL's is refused with its line and column.
  std::string clean;
  std::vector<size_t> starts; // of each line in `clean`
  uint32_t state = 7;
  while (clean.size() < 300'000) {
    state = state * 1103515245 + 12345;
    starts.push_back(clean.size());
    clean.append((state >> 8) % 150, static_cast<char>('a' + starts.size() % 26));
    clean += '\n';
  }
  for (size_t nul = 0; nul < clean.size(); nul += 997) {
    if (clean[nul] == '\n') {
      continue;
    }
    std::string text = clean;
    text[nul] = '\0';
    size_t line_index = static_cast<size_t>(std::upper_bound(starts.begin(), starts.end(), nul) -
                                            starts.begin() - 1);
    for (size_t step : {size_t{61}, size_t{4096}, text.size()}) {
      CAPTURE(nul);
      CAPTURE(step);
      TrickleSource source(text, step);
      LineReader reader(source, 1024);
      std::string_view line;
      try {
        for (size_t i = 0; i < line_index; ++i) {
          if (i % 5 == 0) {
            REQUIRE(reader.peek(line));
          }
          REQUIRE(reader.next(line));
          REQUIRE(line.size() == starts[i + 1] - starts[i] - 1);
        }
        reader.next(line);
        FAIL("expected ParseError");
      } catch (const ParseError& error) {
        CHECK(error.line() == line_index + 1);
        CHECK(error.message().starts_with(
            fmt::format("a NUL byte at column {}:", nul - starts[line_index] + 1)));
      }
    }
  }
}

TEST_CASE("LineReader: a line longer than the initial 1 MiB buffer") {
  std::string big(3 << 20, 'y');
  TrickleSource source("a\n" + big + "\nb", 1 << 16);
  LineReader reader(source, size_t{4} << 20);
  std::vector<std::string> lines = all_lines(reader);
  REQUIRE(lines.size() == 3);
  CHECK(lines[1].size() == big.size());
  CHECK(lines[2] == "b");
  CHECK(reader.last_line_unterminated());
}

TEST_CASE("gzip input is inflated transparently") {
  std::string text = "goroutine 1 [running]:\n"
                     "main.main()\n"
                     "\t/src/app/main.go:10 +0x1d\n";
  std::string gz = gzip(text);
  REQUIRE(static_cast<unsigned char>(gz[0]) == 0x1f);
  Input input = Input::from_memory("x.gz", gz);
  CHECK(input.gzipped());
  CHECK(input.head() == text);
  CHECK(read_all(std::move(input)) == text);

  Snapshot s = load(Input::from_memory("x.gz", gz), ParseOptions{});
  CHECK(s.format == Format::go_debug2);
  CHECK(s.total == 1);

  Input plain = Input::from_memory("x.txt", text);
  CHECK_FALSE(plain.gzipped());
}

TEST_CASE("a truncated gzip stream is an error") {
  std::string text;
  for (int i = 0; i < 2000; ++i) {
    text += "line " + std::to_string(i) + " of some text to compress\n";
  }
  std::string gz = gzip(text);
  std::string cut = gz.substr(0, gz.size() / 2);
  std::string message = read_error(cut);
  CHECK(message.find("truncated gzip") != std::string::npos);

  // Cut inside the trailer only (CRC/size missing): still truncated.
  std::string trailer_cut = gz.substr(0, gz.size() - 3);
  CHECK(read_error(trailer_cut).find("truncated gzip") != std::string::npos);
}

TEST_CASE("gzip followed by garbage is an error") {
  std::string gz = gzip("hello\n") + "garbage";
  CHECK(read_error(gz).find("unexpected bytes after the end of the gzip stream") == 0);
}

TEST_CASE("two concatenated gzip members give both contents") {
  std::string a = "first member\n";
  std::string b = "second member\n";
  std::string both = gzip(a) + gzip(b);
  CHECK(read_all(Input::from_memory("x.gz", both)) == a + b);
}

TEST_CASE("max_input_bytes") {
  Limits limits;
  limits.max_input_bytes = 100;
  std::string text(200, 'z');
  std::string message = read_error(text, limits);
  CHECK(message.find("--max-input-size") != std::string::npos);
  CHECK(message.find("input larger than 100 bytes") == 0);

  // After decompression: a small gzip of a large text is still refused.
  std::string gz = gzip(std::string(5000, 'a'));
  REQUIRE(gz.size() < 100);
  CHECK(read_error(gz, limits).find("--max-input-size") != std::string::npos);

  // Exactly at the limit is fine.
  CHECK(read_error(std::string(100, 'z'), limits).empty());
}

} // TEST_SUITE("input")

} // namespace taskdiff
