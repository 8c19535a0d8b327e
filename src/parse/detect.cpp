// Format detection by content, and load(): open, detect, parse (in parallel where the input
// allows), check.
//
// Detection looks at the first non-empty line (after a UTF-8 BOM), as dump-formats.md section 0
// lays out; an input that fits no format is an error naming what was seen, never an empty
// snapshot. Text that fits nothing at its start may be log text before a dump: a Go crash, a
// debug=1 goroutine profile's header or a Java `Full thread dump` line is looked for in the first 64 KiB and then up to k_log_scan_bytes
// (a service's stderr before its crash, a JVM's stdout before its SIGQUIT dump), also behind a
// log prefix on every line.
#include <algorithm>
#include <array>
#include <cstring>
#include <exception>
#include <optional>
#include <thread>
#include <tuple>

#include <fmt/format.h>
#include <re2/re2.h>

#include "taskdiff/error.hpp"
#include "taskdiff/parse.hpp"
#include "text_util.hpp"

namespace taskdiff {

namespace {

using namespace text;

// Calls `visit` with each line of `head` (no `\n` or `\r\n`; the last one may be cut) until it
// returns true.
template <typename Visit>
void visit_lines(std::string_view head, Visit visit) {
  size_t pos = 0;
  while (pos < head.size()) {
    size_t end = head.find('\n', pos);
    std::string_view line = head.substr(pos, end == std::string_view::npos ? end : end - pos);
    if (end != std::string_view::npos && !line.empty() && line.back() == '\r') {
      line.remove_suffix(1);
    }
    if (visit(line) || end == std::string_view::npos) {
      return;
    }
    pos = end + 1;
  }
}

// The first `max_lines` lines of `head`.
std::vector<std::string_view> head_lines(std::string_view head, size_t max_lines) {
  std::vector<std::string_view> lines;
  visit_lines(head, [&](std::string_view line) {
    lines.push_back(line);
    return lines.size() == max_lines;
  });
  return lines;
}

// Where a Go crash's goroutines start in `head`: its first goroutine header that opens the text,
// follows an empty line or follows a crash line (`panic: ...`), after any amount of log text;
// npos if none.
size_t find_go_crash(std::string_view head) {
  size_t found = std::string_view::npos;
  std::optional<std::string_view> previous;
  visit_lines(head, [&](std::string_view line) {
    if (is_goroutine_header(line) &&
        (!previous || trim(*previous).empty() || is_crash_line(*previous))) {
      found = static_cast<size_t>(line.data() - head.data());
      return true;
    }
    previous = line;
    return false;
  });
  return found;
}

// A control byte that text holds only by accident: anything below a space but tab and line ends.
bool is_binary_byte(unsigned char c) {
  return c < 0x20 && c != '\n' && c != '\r' && c != '\t';
}

// Binary: a control byte at the very start (a dump starts with a word), or more than one byte
// in 64 of the head. A stray control byte further on (in a thread name, say) is not: the
// parsers read it as text, and a NUL is reported at its own line.
bool looks_binary(std::string_view head) {
  head = head.substr(0, 4096);
  size_t control = 0;
  for (size_t i = 0; i < head.size(); ++i) {
    if (is_binary_byte(static_cast<unsigned char>(head[i]))) {
      if (i < 8) {
        return true;
      }
      ++control;
    }
  }
  return control * 64 > head.size();
}

// Text whose only control bytes (but tab and line ends) start terminal colour codes (`ESC [`):
// what a colouring pager or `script` saves. Random bytes hold other controls too.
bool colour_coded_text(std::string_view head) {
  head = head.substr(0, 4096);
  bool codes = false;
  for (size_t i = 0; i < head.size(); ++i) {
    auto c = static_cast<unsigned char>(head[i]);
    if (!is_binary_byte(c)) {
      continue;
    }
    if (c != 0x1b || i + 1 == head.size() || head[i + 1] != '[') {
      return false;
    }
    codes = true;
  }
  return codes;
}

// The encoding of text in UTF-16 or UTF-32 (by its byte order mark, or NUL bytes between ASCII
// characters), as iconv names it; empty for anything else.
std::string_view wide_encoding(std::string_view head) {
  if (head.size() < 4) {
    return {};
  }
  auto b = [&](size_t i) { return static_cast<unsigned char>(head[i]); };
  if ((b(0) == 0xff && b(1) == 0xfe && b(2) == 0 && b(3) == 0) ||
      (b(0) != 0 && b(1) == 0 && b(2) == 0 && b(3) == 0)) {
    return "UTF-32LE";
  }
  if ((b(0) == 0 && b(1) == 0 && b(2) == 0xfe && b(3) == 0xff) ||
      (b(0) == 0 && b(1) == 0 && b(2) == 0 && b(3) != 0)) {
    return "UTF-32BE";
  }
  if ((b(0) == 0xff && b(1) == 0xfe) || (b(0) != 0 && b(1) == 0 && b(2) != 0 && b(3) == 0)) {
    return "UTF-16LE";
  }
  if ((b(0) == 0xfe && b(1) == 0xff) || (b(0) == 0 && b(1) != 0 && b(2) == 0 && b(3) != 0)) {
    return "UTF-16BE";
  }
  return {};
}

// Another compression format's name and the command that undoes it, by its magic bytes.
std::optional<std::pair<std::string_view, std::string_view>>
other_compression(std::string_view head) {
  static constexpr std::array<std::tuple<std::string_view, std::string_view, std::string_view>, 5>
      k_formats{{{"BZh", "bzip2", "bzip2 -dc"},
                 {"\xfd"
                  "7zXZ",
                  "xz", "xz -dc"},
                 {"\x28\xb5\x2f\xfd", "zstd", "zstd -dc"},
                 {"PK\x03\x04", "zip", "unzip -p"},
                 {"\x04\x22\x4d\x18", "lz4", "lz4 -dc"}}};
  for (const auto& [magic, name, command] : k_formats) {
    // bzip2's `BZh` is followed by its block size, `1` to `9`.
    if (starts_with(head, magic) && (name != "bzip2" || (head.size() > 3 && is_digit(head[3])))) {
      return std::make_pair(name, command);
    }
  }
  return std::nullopt;
}

// `YYYY-MM-DD HH:MM:SS` (jstack's first line).
bool is_timestamp_line(std::string_view line) {
  return line.size() >= 19 && is_digit(line[0]) && is_digit(line[3]) && line[4] == '-' &&
         line[7] == '-' && line[10] == ' ' && line[13] == ':' && line[16] == ':';
}

// Where the first line of `head` that is a HotSpot dump's banner (is_java_banner) begins; npos if
// none is.
size_t find_java_banner(std::string_view head) {
  size_t found = std::string_view::npos;
  visit_lines(head, [&](std::string_view line) {
    if (!starts_with(line, "Full thread dump ") || !is_java_banner(line)) {
      return false;
    }
    found = static_cast<size_t>(line.data() - head.data());
    return true;
  });
  return found;
}

// Where a debug=1 goroutine profile starts in `head` after log text (a service's stdout that
// printed it, a capture script's own lines): a whole header (is_goroutine_profile_header) followed
// by a record, `200 @ 0x43b296 ...`, so that a log line that merely reads like one is not taken.
// npos if none.
size_t find_go_debug1(std::string_view head) {
  size_t found = std::string_view::npos;
  std::optional<std::string_view> previous;
  visit_lines(head, [&](std::string_view line) {
    if (previous && is_count_record_start(line) && is_goroutine_profile_header(*previous)) {
      found = static_cast<size_t>(previous->data() - head.data());
      return true;
    }
    previous = line;
    return false;
  });
  return found;
}

// A Go crash, a debug=1 goroutine profile or a HotSpot dump after log text (a service's stderr, a
// JVM's stdout), whichever starts first; nullopt if none does.
std::optional<Format> find_dump_in_log(std::string_view head) {
  std::pair<size_t, Format> found[] = {{find_go_crash(head), Format::go_traceback},
                                       {find_go_debug1(head), Format::go_debug1},
                                       {find_java_banner(head), Format::java}};
  auto first = std::min_element(std::begin(found), std::end(found),
                                [](const auto& a, const auto& b) { return a.first < b.first; });
  if (first->first == std::string_view::npos) {
    return std::nullopt;
  }
  return first->second;
}

Detection detect_text(std::string_view head) {
  if (starts_with(head, "\xef\xbb\xbf")) {
    head.remove_prefix(3);
  }
  auto lines = head_lines(head, 400);
  size_t first = 0;
  while (first < lines.size() && trim(lines[first]).empty()) {
    ++first;
  }
  if (first == lines.size()) {
    return {std::nullopt, "empty input: no text at all, expected a goroutine or thread dump"};
  }
  std::string_view line = lines[first];
  std::string_view profile;
  if (is_count_profile_header(line, profile)) {
    if (profile == "goroutine" || profile == "goroutineleak") {
      return {Format::go_debug1, {}};
    }
    return {std::nullopt, fmt::format("this is a Go `{}` profile, not a goroutine profile; capture "
                                      "/debug/pprof/goroutine?debug=1 or ?debug=2",
                                      profile)};
  }
  // The other runtime/pprof profiles as text (?debug=1), named as their protobuf forms are:
  // `heap profile: 3: 608 [3: 608] @ heap/1048576` (heap and allocs), `--- mutex:` and
  // `--- contention:` (block), each then `cycles/second=...`.
  std::string_view other_profile =
      starts_with(line, "heap profile: ") && line.find(" @ heap/") != std::string_view::npos
          ? "heap (or allocs)"
      : trim_right(line) == "--- mutex:"      ? "mutex"
      : trim_right(line) == "--- contention:" ? "block"
                                              : "";
  if (!other_profile.empty()) {
    return {std::nullopt,
            fmt::format("this is a Go {} profile ({}), not a goroutine profile; capture "
                        "/debug/pprof/goroutine?debug=1 or ?debug=2",
                        other_profile, quote_excerpt(line))};
  }
  if (is_goroutine_header(line)) {
    // A crash message further on: crash output whose log window starts at a goroutine (a stack
    // the program logged, then the crash), not a debug=2 dump, which holds none.
    for (size_t i = first + 1; i < lines.size(); ++i) {
      if (starts_with(lines[i], "panic: ") || starts_with(lines[i], "fatal error: ") ||
          starts_with(lines[i], "PC=0x")) {
        return {Format::go_traceback, {}};
      }
    }
    return {Format::go_debug2, {}};
  }
  // The whole input is a first line without its line break, cut before it shows which dump it
  // starts (`goroutine prof`, `goroutine 12`): a Go dump or profile that was cut.
  bool whole_input = line.data() + line.size() == head.data() + head.size();
  if (whole_input && (starts_with("goroutine", line) || starts_with(line, "goroutine"))) {
    return {std::nullopt,
            fmt::format("the input ends in the middle of its first line ({}), which starts like a "
                        "Go goroutine dump or profile: the dump is truncated (cut download or full "
                        "disk?); capture it again",
                        quote_excerpt(line))};
  }
  std::string_view trimmed = trim(line);
  bool json_array =
      trimmed.front() == '[' &&
      (trimmed.size() == 1 || trim(trimmed.substr(1)).empty() ||
       trim(trimmed.substr(1)).front() == '{' || trim(trimmed.substr(1)).front() == ']');
  if (trimmed.front() == '{' || json_array) {
    if (head.find("\"threadDump\"") != std::string_view::npos) {
      return {Format::java_threads_json, {}};
    }
    if (head.find("\"taskdiff.snapshot/") != std::string_view::npos) {
      return {Format::snapshot, {}};
    }
    if (head.find("\"taskdiff.tasks/") != std::string_view::npos) {
      return {Format::tasks_json, {}};
    }
    if (std::optional<Format> in_log = find_dump_in_log(head)) {
      return {*in_log, {}}; // a dump after JSON log lines (logstash, Docker's json-file)
    }
    if (starts_with(trimmed, R"({"log":")") &&
        head.find(R"("stream":")") != std::string_view::npos) {
      return {std::nullopt,
              fmt::format("a Docker json-file log, one JSON object per line ({}): its lines are "
                          "not read one by one; give `docker logs CONTAINER` output, or the file "
                          "through `jq -j .log`",
                          quote_excerpt(trimmed))};
    }
    return {std::nullopt,
            fmt::format("a JSON document that is neither a thread dump nor a taskdiff snapshot "
                        "or task list (an error body saved instead of a dump?): {}",
                        quote_excerpt(trimmed)),
            true};
  }
  if (trimmed.front() == '<') {
    // XML log lines (log4j's XMLLayout: `<log4j:event ...>`) may come before a dump; an HTML page
    // holding one (a browser's save of `<pre>` text) is refused whole: its text is not the dump's.
    bool html = is_html_start(trimmed);
    if (std::optional<Format> in_log = html ? std::nullopt : find_dump_in_log(head)) {
      return {*in_log, {}};
    }
    return {std::nullopt,
            fmt::format("an HTML or XML page, not a dump (an error page saved instead of the "
                        "profile? check the URL and the HTTP status): {}",
                        quote_excerpt(trimmed)),
            !html};
  }
  // Java: the banner within the first lines (after `PID:` and a timestamp); cut or damaged
  // there, the Java parser says what is wrong with it. Further on, only a banner of HotSpot's
  // shape counts (find_java_banner): log lines may start with those words.
  bool loose_banner = false; // a line that only starts like one
  for (size_t i = first; i < std::min(lines.size(), first + 8); ++i) {
    if (is_java_banner(lines[i])) {
      return {Format::java, {}};
    }
    loose_banner = loose_banner || starts_with(lines[i], "Full thread dump ");
  }
  if (loose_banner) { // Java, unless a Go crash or a real banner follows
    return {find_dump_in_log(head).value_or(Format::java), {}};
  }
  // JDK 21+ Thread.dump_to_file text: PID line, ISO-8601 instant, version line, blank, `#N "name"`.
  if (std::all_of(trimmed.begin(), trimmed.end(), is_digit) && first + 1 < lines.size() &&
      lines[first + 1].size() >= 20 && lines[first + 1][4] == '-' && lines[first + 1][10] == 'T') {
    return {Format::java_threads_text, {}};
  }
  // A Go crash (a goroutine header after a crash line or an empty line) or a SIGQUIT dump on a
  // JVM's stdout after any amount of log text (`INFO ...` lines, `-Xlog:gc*:stdout`'s
  // `[0.004s][info][gc] ...`): the parsers skip the text before it.
  if (std::optional<Format> in_log = find_dump_in_log(head)) {
    return {*in_log, {}};
  }
  // What starts like jstack output, with no banner after it: a dump cut after its timestamp. (A
  // log whose lines start with such times is not one.)
  bool alone = std::all_of(lines.begin() + static_cast<std::ptrdiff_t>(first) + 1, lines.end(),
                           [](std::string_view l) { return trim(l).empty(); });
  if ((is_timestamp_line(line) && alone) || starts_with(line, "Full thread dump")) {
    return {Format::java, {}};
  }
  if (starts_with(line, "panic: ") || starts_with(line, "fatal error: ")) {
    return {std::nullopt, fmt::format("a Go crash message with no goroutine after it (printed "
                                      "with GOTRACEBACK=none?): {}",
                                      quote_excerpt(line))};
  }
  // `jhsdb jstack --pid N`: the serviceability agent's dump, another format (`- java.lang...`
  // frames, no thread states as HotSpot prints them).
  if (starts_with(line, "Attaching to process ID ")) {
    return {std::nullopt, fmt::format("jhsdb's output ({}), whose thread dump taskdiff does not "
                                      "read: take it with `jstack PID` or `jcmd PID "
                                      "Thread.print` instead",
                                      quote_excerpt(line))};
  }
  // jcmd's own output: `12345:` (the JVM's pid), then what the command said.
  if (line.size() >= 2 && line.back() == ':' &&
      std::all_of(line.begin(), line.end() - 1, is_digit)) {
    std::string_view next = first + 1 < lines.size() ? trim(lines[first + 1]) : "";
    if (starts_with(next, "Created ")) {
      return {std::nullopt, fmt::format("jcmd's own output ({}), not a thread dump: "
                                        "Thread.dump_to_file writes the dump to the file it "
                                        "names; give that file",
                                        quote_excerpt(next))};
    }
    return {std::nullopt,
            fmt::format("jcmd's output for process {} holds no thread dump: {}; "
                        "check that the JVM runs and jcmd runs as its user",
                        line.substr(0, line.size() - 1),
                        next.empty() ? std::string("nothing more") : quote_excerpt(next))};
  }
  // A crash message after log text with no goroutine after it, as far as detection looks
  // (GOTRACEBACK=none); a dump further on is still looked for (may_be_log).
  for (size_t i = first + 1; i < lines.size(); ++i) {
    if (starts_with(lines[i], "panic: ") || starts_with(lines[i], "fatal error: ")) {
      return {std::nullopt,
              fmt::format("a Go crash message with no goroutine after it (printed with "
                          "GOTRACEBACK=none?): {}",
                          quote_excerpt(lines[i])),
              true, i + 1};
    }
  }
  return {std::nullopt,
          fmt::format("unknown input format: expected a Go goroutine dump (debug=1, debug=2, "
                      "crash traceback, pprof protobuf), a Java thread dump, a taskdiff "
                      "snapshot or a JSON task list (taskdiff.tasks/1); found {} "
                      "(--input-format forces a format; `taskdiff formats` lists them)",
                      quote_excerpt(line)),
          true};
}

// The offset of the first goroutine at or after `from` in a debug=2 dump: the start of a
// `goroutine N [` header that follows an empty line. Returns `size` when there is none.
uint64_t find_record_boundary(const std::string& path, uint64_t from, uint64_t size) {
  auto source = open_file_range(path, from, size);
  std::string window;
  // Small reads: a boundary is a goroutine or two away, and the time spent here is before the
  // threads start (a 1 MiB chunk, zeroed and copied, took a millisecond of a 70 ms parse).
  std::string chunk(64 << 10, '\0');
  uint64_t window_start = from;
  for (;;) {
    size_t n = source->read(chunk.data(), chunk.size());
    if (n == 0) {
      return size;
    }
    window.append(chunk.data(), n);
    size_t pos = 0;
    while ((pos = window.find("\n\n", pos)) != std::string::npos) {
      size_t start = pos + 2;
      if (start + 16 > window.size()) {
        break; // need more bytes to judge
      }
      std::string_view rest(window.data() + start, window.size() - start);
      if (is_goroutine_header(rest.substr(0, rest.find('\n')))) {
        return window_start + start;
      }
      pos = start;
    }
    // Keep the tail that may hold a boundary cut by the chunk edge.
    size_t keep = std::min<size_t>(window.size(), 64);
    window_start += window.size() - keep;
    window.erase(0, window.size() - keep);
  }
}

// A goroutine or thread listed twice: `sets` are the parse's ids (a split file's, one per
// range), `noun` what they are ids of, `writer` who wrote the dump, `grep` a command that finds
// the listings of an id.
template<class Grep>
void refuse_repeated(const std::vector<GoroutineIds*>& sets, std::string_view noun,
                     std::string_view writer, Grep&& grep) {
  if (std::optional<GoroutineIds::Repeat> repeat = GoroutineIds::repeated(sets)) {
    throw ParseError(0, fmt::format("{0} {1} is listed {2} times, and a dump lists each {0} once: "
                                    "part of the dump is repeated (a log shipper sending a chunk "
                                    "again?), or it was edited; give the dump as {3} wrote it "
                                    "({4} finds them)",
                                    noun, repeat->id, repeat->times, writer, grep(repeat->id)));
  }
}

void refuse_repeated_goroutines(const std::vector<GoroutineIds*>& sets) {
  refuse_repeated(sets, "goroutine", "Go",
                  [](uint64_t id) { return fmt::format("`grep -n 'goroutine {} '`", id); });
}

// Thread.dump_to_file's threads, by their ids (`#65`, `"tid": "65"`).
void refuse_repeated_threads(GoroutineIds& ids, Format format) {
  refuse_repeated({&ids}, "thread", "the JVM", [&](uint64_t id) {
    return format == Format::java_threads_json ? fmt::format("`grep -n '\"tid\": \"{}\"'`", id)
                                               : fmt::format("`grep -n '^#{} '`", id);
  });
}

using TextParser = void (*)(LineReader&, TextParseContext&);

TextParser text_parser(Format format) {
  switch (format) {
  case Format::go_debug2:
  case Format::go_traceback: return parse_go_text;
  case Format::go_debug1: return parse_go_debug1;
  default: return nullptr;
  }
}

constexpr uint64_t k_min_split_bytes = 16 << 20;

// How far detection looks into text that fits no format at its start for a dump's first line.
constexpr size_t k_log_scan_bytes = 16 << 20;

// Parses a plain debug=2 file in `threads` ranges at once; each range folds into its own builder.
void parse_split(const PlainFile& file, TextParseContext& context) {
  unsigned wanted = context.options.threads;
  std::vector<uint64_t> starts{0};
  for (unsigned i = 1; i < wanted; ++i) {
    uint64_t boundary = find_record_boundary(file.path, file.size * i / wanted, file.size);
    if (boundary > starts.back() && boundary < file.size) {
      starts.push_back(boundary);
    }
  }
  starts.push_back(file.size);
  size_t ranges = starts.size() - 1;

  // Each range on cache lines of its own: a builder is written at every frame, and two side by
  // side in one vector made the two cores fight over the line they shared (false sharing cost
  // range 0 a third of its time).
  struct alignas(128) Range {
    Range(const Limits& limits, LabelSets label_sets) : builder(limits, label_sets) {}
    StackBuilder builder;
    Snapshot out;
    std::exception_ptr error;
    uint64_t lines = 0;
    uint64_t goroutine_one_line = 0;
    uint64_t writer_line = 0;
    std::string writer_id;
    std::vector<Truncation> truncations;
    GoroutineIds ids;
  };
  std::vector<Range> parts;
  parts.reserve(ranges);
  for (size_t i = 0; i < ranges; ++i) {
    Range& range = parts.emplace_back(context.options.limits, context.options.label_sets);
    range.out.format = context.out.format;
    range.out.facts = context.out.facts;
  }
  auto run = [&](size_t i) {
    Range& range = parts[i];
    try {
      auto source = open_file_range(file.path, starts[i], starts[i + 1]);
      LineReader lines(*source, context.options.limits.max_line_bytes);
      TextParseContext part{range.builder, range.out,       context.options,
                            i > 0,         i + 1 == ranges, file.size};
      parse_go_text(lines, part);
      range.lines = lines.line_number();
      range.goroutine_one_line = part.goroutine_one_line;
      range.writer_line = part.writer_line;
      range.writer_id = std::move(part.writer_id);
      range.truncations = std::move(part.truncations);
      range.ids = std::move(part.ids);
    } catch (...) {
      range.error = std::current_exception();
    }
  };
  std::vector<std::thread> threads;
  for (size_t i = 1; i < ranges; ++i) {
    threads.emplace_back(run, i);
  }
  run(0);
  for (auto& thread : threads) {
    thread.join();
  }
  // Report the first error in file order, with its line number counted from the file start.
  uint64_t lines_before = 0;
  for (const Range& range : parts) {
    if (range.error) {
      try {
        std::rethrow_exception(range.error);
      } catch (const ParseError& error) {
        throw ParseError(error.line() + lines_before, error.message());
      }
    }
    lines_before += range.lines;
  }
  // Goroutine 1, or the dump's writer, in two ranges: two dumps glued together, which each range
  // alone cannot see (parse_go_text refuses them within one range).
  lines_before = 0;
  bool goroutine_one_seen = false;
  bool writer_seen = false;
  for (const Range& range : parts) {
    if (range.goroutine_one_line != 0) {
      if (goroutine_one_seen) {
        throw ParseError(range.goroutine_one_line + lines_before, second_goroutine_one_message());
      }
      goroutine_one_seen = true;
    }
    if (range.writer_line != 0) {
      if (writer_seen) {
        throw ParseError(range.writer_line + lines_before, second_writer_message(range.writer_id));
      }
      writer_seen = true;
    }
    lines_before += range.lines;
  }
  std::vector<GoroutineIds*> ids;
  for (Range& range : parts) {
    ids.push_back(&range.ids);
  }
  refuse_repeated_goroutines(ids);
  // Range 0 holds the file's own facts (format, panic message); later ranges add records.
  Range& first = parts.front();
  context.out.format = first.out.format;
  context.out.facts = first.out.facts;
  context.out.panic_message = first.out.panic_message;
  context.out.leak_profile = first.out.leak_profile;
  lines_before = 0;
  for (Range& range : parts) {
    context.out.go_wrappers_named = context.out.go_wrappers_named || range.out.go_wrappers_named;
    for (const Truncation& cut : range.truncations) { // its line, counted from the file start
      std::replace(range.out.warnings.begin(), range.out.warnings.end(), truncation_warning(cut),
                   truncation_warning({cut.line + lines_before, cut.where, cut.dropped}));
    }
    lines_before += range.lines;
    for (auto& warning : range.out.warnings) {
      context.out.warnings.push_back(warning);
    }
    if (&range != &first) {
      first.builder.merge(std::move(range.builder));
    }
  }
  context.builder.merge(std::move(first.builder));
}

} // namespace

namespace {

// The log prefixes of dump-formats.md 2.5, most specific first (a CRI line also starts like a
// `--timestamps` one). RFC 3339 times as Kubernetes and Docker write them; syslog's and the
// `journalctl -o` short forms: short and short-precise, short-iso and short-iso-precise,
// short-full, short-monotonic and short-unix. An empty line of the log may have lost the space
// after its prefix (trailing blanks trimmed by an editor or a collector).
const std::vector<LinePrefix>& known_line_prefixes() {
  static const std::vector<LinePrefix> prefixes{
      {"the prefix of a CRI container log (containerd, CRI-O)",
       R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d) (?:stdout|stderr) ([FP])(?: |$))",
       true, false},
      {"the prefix of `kubectl logs --timestamps` or `docker logs --timestamps`",
       R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)(?: |$))", false, false},
      {"the prefix of journald or syslog",
       R"((?:[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d(?:\.\d+)?)"
       R"(|\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:?\d\d)?)"
       R"(|[A-Z][a-z]{2} \d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d+)? \S+)"
       R"(|\[ *\d+\.\d+\]|\d{9,}\.\d+))"
       R"( \S+ [^\s:\[]+(?:\[\d+\])?:(?: |$))",
       false, true},
  };
  return prefixes;
}

// A line that starts a dump of a known text format.
bool starts_dump(std::string_view line) {
  std::string_view profile;
  return is_goroutine_header(line) || starts_with(line, "panic: ") ||
         starts_with(line, "fatal error: ") || starts_with(line, "SIGQUIT: quit") ||
         is_java_banner(line) || is_count_profile_header(line, profile);
}

// A JSON format forced on an input that is not JSON (`--input-format tasks-json x.jstack.txt`):
// the JSON reader would say only `$: expected an object, found a number`. Say that it is not
// JSON, what detection takes it for, and that dropping --input-format reads it so.
void check_forced_json(const Input& input, Format format) {
  if (format != Format::tasks_json && format != Format::snapshot &&
      format != Format::java_threads_json) {
    return;
  }
  std::string_view head = input.head();
  if (starts_with(head, "\xef\xbb\xbf")) {
    head.remove_prefix(3);
  }
  size_t start = head.find_first_not_of(" \t\r\n");
  if (start == std::string_view::npos || head[start] == '{' || head[start] == '[') {
    return; // empty, or JSON: the reader says what is wrong with it
  }
  std::string_view line = head.substr(start, head.find('\n', start) - start);
  if (!line.empty() && line.back() == '\r') {
    line.remove_suffix(1);
  }
  std::string seen = looks_binary(head) ? std::string("binary data") : quote_excerpt(trim(line));
  Detection detection = detect(input.head(), input.gzipped());
  bool detected = detection.format && !(*detection.format == Format::pprof && !looks_binary(head));
  throw Error(input.name(),
              input.file_line(
                  1 + static_cast<uint64_t>(std::count(head.begin(), head.begin() + start, '\n'))),
              fmt::format("the input is not JSON, as --input-format {} requires: it starts with "
                          "{}; {}",
                          format_name(format), seen,
                          detected ? fmt::format("detection takes it for `{}`: drop --input-format "
                                                 "to read it so",
                                                 format_name(*detection.format))
                                   : std::string("detection does not recognise it either (drop "
                                                 "--input-format to see why)")));
}

// Where in `line` a dump starts after other text (`svc-1  | goroutine 1 [running]:`), or npos.
size_t dump_start_after_text(std::string_view line) {
  for (std::string_view token :
       {"goroutine ", "panic: ", "fatal error: ", "SIGQUIT: quit", "Full thread dump "}) {
    for (size_t at = line.find(token, 1); at != std::string_view::npos;
         at = line.find(token, at + 1)) {
      if (starts_dump(line.substr(at))) {
        return at;
      }
    }
  }
  return std::string_view::npos;
}

// A dump whose every line carries text no known log prefix matches: an indent (a Markdown code
// block, an email's `> ` quote) or the same text on every line (`docker compose logs`' `svc-1  |
// `, `kubectl logs --prefix`'s `[pod/web-1/app] `, a `sed 's/^/.../'`). The text before the
// first line's dump, when at least 9 in 10 of the lines from there on (empty ones aside) start
// with it. Looked for only in input that nothing else reads, as a normal dump's lines are
// indented too.
std::optional<LinePrefix> find_constant_prefix(std::string_view head) {
  std::string_view prefix;
  size_t with = 0;
  size_t without = 0;
  visit_lines(head, [&](std::string_view line) {
    if (prefix.empty()) {
      size_t at = dump_start_after_text(line);
      if (at != std::string_view::npos) {
        prefix = line.substr(0, at);
        with = 1;
      }
      return false;
    }
    if (starts_with(line, prefix) || (!trim(line).empty() && line == trim_right(prefix))) {
      ++with;
    } else if (!trim(line).empty()) {
      ++without;
    }
    return false;
  });
  if (prefix.empty() || without * 9 > with) {
    return std::nullopt;
  }
  size_t quotes = std::min(prefix.find_first_not_of('>'), prefix.size());
  if (prefix.find_first_not_of(" \t") == std::string_view::npos) {
    return LinePrefix{fmt::format("an indent of {} (a dump pasted as a Markdown code block?)",
                                  quote_excerpt(prefix)),
                      RE2::QuoteMeta(prefix), false, false};
  }
  if (quotes != 0 && trim(prefix.substr(quotes)).empty()) { // `>` alone on an empty quoted line
    return LinePrefix{fmt::format("an email quote, {}", quote_excerpt(prefix)),
                      RE2::QuoteMeta(prefix.substr(0, quotes)) + "(?: |$)", false, false};
  }
  std::string_view kept = trim_right(prefix);
  return LinePrefix{fmt::format("the same text, {} (docker compose logs, kubectl logs --prefix?)",
                                quote_excerpt(prefix)),
                    RE2::QuoteMeta(kept) + (kept.size() < prefix.size() ? "(?: |$)" : ""), false,
                    false};
}

} // namespace

std::optional<LinePrefix> find_line_prefix(std::string_view head, bool pasted) {
  const std::vector<LinePrefix>& prefixes = known_line_prefixes();
  std::vector<std::unique_ptr<RE2>> patterns;
  for (const auto& prefix : prefixes) {
    patterns.push_back(std::make_unique<RE2>(prefix.pattern));
  }
  std::optional<LinePrefix> found;
  visit_lines(head, [&](std::string_view line) {
    for (size_t i = 0; i < prefixes.size(); ++i) {
      re2::StringPiece rest(line.data(), line.size());
      if (RE2::Consume(&rest, *patterns[i]) &&
          starts_dump(std::string_view(rest.data(), rest.size()))) {
        found = prefixes[i];
        return true;
      }
    }
    return false;
  });
  if (!found && pasted) {
    found = find_constant_prefix(head);
  }
  return found;
}

Detection detect(std::string_view head, bool gzipped) {
  if (head.empty()) {
    return {std::nullopt, gzipped ? "empty input: the gzip stream holds no bytes"
                                  : "empty input: expected a goroutine or thread dump"};
  }
  if (std::string_view encoding = wide_encoding(head); !encoding.empty()) {
    return {std::nullopt, fmt::format("{} text (saved by PowerShell or a Windows editor?); convert "
                                      "it with `iconv -f {} -t UTF-8` and try again",
                                      encoding.substr(0, 6), encoding)};
  }
  if (gzipped) {
    if (head.size() >= 2 && head[0] == '\x1f' && head[1] == '\x8b') {
      return {std::nullopt, "gzip inside gzip: the dump was compressed twice; decompress it once "
                            "(`gzip -dc FILE > dump.gz`) and give that"};
    }
    // Inside gzip: a text dump (possibly with colour codes) if its first line says so, else a
    // profile.proto.
    Detection text = detect_text(head);
    return text.format ? text : Detection{Format::pprof, {}};
  }
  if (auto compression = other_compression(head)) {
    return {std::nullopt, fmt::format("a file compressed with {}: taskdiff reads plain text "
                                      "and gzip; decompress it first (`{} FILE > dump.txt`)",
                                      compression->first, compression->second)};
  }
  if (looks_binary(head)) {
    if (colour_coded_text(head)) {
      return {std::nullopt, "text with terminal colour codes (ANSI escape sequences), as a "
                            "colouring pager or `script` writes it: strip them "
                            "(`sed 's/\\x1b\\[[0-9;]*m//g' FILE`) and give the plain dump"};
    }
    // Text with NUL bytes a few lines in reads as binary too when the file is short: say where,
    // when all before the first NUL is text (a protobuf's bytes hold line breaks at random).
    auto first_binary = std::find_if(head.begin(), head.end(), [](char c) {
      return is_binary_byte(static_cast<unsigned char>(c));
    });
    auto line = first_binary == head.end() || *first_binary != '\0'
                    ? 0
                    : 1 + std::count(head.begin(), first_binary, '\n');
    Detection binary{std::nullopt,
                     fmt::format("binary data that is neither gzip nor text ({}a raw protobuf "
                                 "profile needs --input-format pprof)",
                                 line > 1 ? "a NUL byte on this line, text before it; " : "")};
    binary.line = line > 1 ? static_cast<uint64_t>(line) : 1;
    return binary;
  }
  // Line breaks of a lone CR (classic Mac OS): the dump reads as one long line.
  if (head.find('\n') == std::string_view::npos && head.find('\r') != std::string_view::npos &&
      head.find('\r') + 1 < head.size()) {
    return {std::nullopt, "text whose lines end in a carriage return alone (classic Mac OS line "
                          "breaks); convert them (`tr '\\r' '\\n' < FILE > dump.txt`) and try "
                          "again"};
  }
  return detect_text(head);
}

Snapshot load(const std::string& path, const ParseOptions& options) {
  return load(Input::open(path, options.limits), options);
}

Snapshot load(Input input, const ParseOptions& options) {
  Snapshot snapshot;
  snapshot.source = input.name();
  // A dump inside a log whose every line carries a known prefix is read without it, with a note.
  auto strip_log_prefix = [&](bool pasted) {
    std::optional<LinePrefix> prefix = find_line_prefix(input.head(), pasted);
    if (prefix) {
      input.strip_line_prefix(*prefix);
      snapshot.warnings.push_back(
          fmt::format("every line carries {}: removed before reading", prefix->name));
    }
    return prefix.has_value();
  };
  Format format;
  if (options.format) {
    format = *options.format;
    if (format != Format::pprof) {
      strip_log_prefix(false);
    }
    check_forced_json(input, format);
  } else {
    // Not a dump as it stands (text in gzip is taken for a raw profile)?
    auto undetected = [&](const Detection& detection) {
      return !detection.format ||
             (*detection.format == Format::pprof && !looks_binary(input.head()));
    };
    // Text a dump may follow: unknown text, a JSON or XML log line, text in gzip.
    auto may_be_log = [&](const Detection& detection) {
      return detection.format ? undetected(detection) : detection.may_be_log;
    };
    // Log text longer than the head may hold a dump further on (a service's stderr before its
    // crash, a chatty JVM's stdout before its SIGQUIT dump): peek up to k_log_scan_bytes,
    // bounded, as the bytes peeked are held until parsed.
    auto detect_further = [&](Detection detection) {
      if (may_be_log(detection)) {
        size_t before = input.head().size();
        input.extend_head(k_log_scan_bytes);
        if (input.head().size() > before) {
          if (Detection further = detect(input.head(), input.gzipped());
              further.format && *further.format != Format::pprof) {
            return further;
          }
        }
      }
      return detection;
    };
    Detection detection = detect_further(detect(input.head(), input.gzipped()));
    // Perhaps a log whose every line carries a prefix.
    if (undetected(detection) && strip_log_prefix(true)) {
      if (Detection stripped = detect_further(detect(input.head(), input.gzipped()));
          stripped.format) {
        detection = stripped;
      }
    }
    if (undetected(detection)) {
      // Text in gzip that holds no dump is text, not a broken profile: say what it starts with.
      Detection failed = detection.format ? detect_text(input.head()) : detection;
      std::string why_not = failed.why_not;
      if (may_be_log(detection) && input.head().size() >= k_log_scan_bytes) {
        why_not += fmt::format("; no dump starts in its first {} MiB, as far as detection looks "
                               "(--input-format reads a dump after any amount of log text)",
                               k_log_scan_bytes >> 20);
      }
      throw Error(input.name(), failed.line, why_not);
    }
    format = *detection.format;
  }
  snapshot.format = format;
  snapshot.runtime = format_runtime(format);
  snapshot.facts = format_facts(format);

  StackBuilder builder(options.limits, options.label_sets);
  TextParseContext context{builder, snapshot, options};
  context.input = &input;
  if (input.plain_file()) {
    context.input_size = input.plain_file()->size;
  }
  try {
    const auto& plain = input.plain_file();
    TextParser parser = text_parser(format);
    // Only debug=2 is split. Crash output is read in order: its preamble, trailer and restarts
    // (a second dump after log text replaces the first). A debug=1 profile is small for its
    // goroutines (records come pre-counted) and its time goes to distinct records, not bytes:
    // split in two, a 47 MB one with a million records took longer (22 s vs 21 s) and more
    // memory, as each half holds its own table.
    if (parser && plain && options.threads > 1 && plain->size >= k_min_split_bytes &&
        format == Format::go_debug2) {
      parse_split(*plain, context);
    } else if (parser) {
      auto source = input.take_source();
      LineReader lines(*source, options.limits.max_line_bytes);
      parser(lines, context);
      refuse_repeated_goroutines({&context.ids});
    } else {
      auto source = input.take_source();
      switch (format) {
      case Format::pprof: parse_pprof(*source, context, input.gzipped()); break;
      // Java text is read whole by one parser (never split: a thread list cannot be entered
      // mid-way, and the dump's end line is checked).
      case Format::java:
      case Format::java_threads_text: {
        LineReader lines(*source, options.limits.max_line_bytes);
        (format == Format::java ? parse_java : parse_java_threads_text)(lines, context);
        if (format == Format::java_threads_text) {
          refuse_repeated_threads(context.ids, format);
        }
        break;
      }
      case Format::java_threads_json:
        parse_java_threads_json(*source, context);
        refuse_repeated_threads(context.ids, format);
        break;
      // Both set their own runtime and facts (a snapshot keeps those of its dumps).
      case Format::snapshot: parse_snapshot(*source, context); break;
      case Format::tasks_json: parse_tasks_json(*source, context); break;
      case Format::go_debug2:
      case Format::go_traceback:
      case Format::go_debug1: break; // line parsers: handled above
      }
    }
  } catch (const ParseError& error) {
    throw Error(input.name(), input.file_line(error.line()), error.message());
  }
  uint64_t declared_total = snapshot.total;
  snapshot.total = 0;
  builder.finish(snapshot);
  if (format == Format::go_debug1 && declared_total != snapshot.total) {
    throw Error(input.name(), 1,
                fmt::format("the header says `total {}` but the records add up to {}; the dump "
                            "is cut or was edited",
                            declared_total, snapshot.total));
  }
  check(snapshot);
  return snapshot;
}

void check(const Snapshot& snapshot) {
  // A goroutineleak profile with no leaked goroutine is the healthy result; any other input
  // lists at least the goroutine or thread that wrote it.
  if (snapshot.stacks.empty() && !snapshot.leak_profile) {
    throw Error(snapshot.source, 0,
                fmt::format("no goroutines or threads found in this {} input",
                            format_name(snapshot.format)));
  }
  uint64_t sum = 0;
  for (const auto& stack : snapshot.stacks) {
    sum += stack.count;
  }
  if (sum != snapshot.total) {
    throw Error(snapshot.source, 0,
                fmt::format("internal check failed: groups add up to {} but the input lists {}",
                            sum, snapshot.total));
  }
}

} // namespace taskdiff
