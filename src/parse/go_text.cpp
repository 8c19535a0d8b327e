// Go goroutine dumps as text: pprof debug=2, runtime.Stack, and crash output (panic, fatal error,
// SIGQUIT at any GOTRACEBACK level), possibly inside log text. dump-formats.md sections 1 and 2.
//
// States, with the lines that move between them:
//
//   preamble   text before the first goroutine (crash output only: log lines, `panic: ...`,
//              `SIGQUIT: quit`, `PC=0x45f580 m=0 sigcode=0`)
//              `goroutine 1 [running]:` on the first line, after an empty line, or after a
//              crash line or its tab-indented continuation -> header (a header after other text,
//              a stack a log line printed, is text; a header behind other text on its line is
//              an error: a prefix on part of the dump)
//   header     `goroutine 12 gp=0xc0000061c0 m=nil [chan send, 3 minutes, locked to thread]:`
//              -> function, or `<TAB>goroutine running on other thread; stack unavailable` -> frames
//   function   `main.(*T).run(0xc000010000, {0x4b3953, 0x3})` -> file
//   file       `<TAB>/src/main.go:42 +0x1d fp=0xc000 sp=0xc000 pc=0x4a6b` -> frames
//   frames     another function -> file; `...12 frames elided...` -> frames;
//              `created by main.main in goroutine 1` -> creator_file;
//              `[originating from goroutine 7]:` -> ancestors; empty line -> between
//   creator_file `<TAB>/src/main.go:40 +0x1aa` -> frames (only an empty line or ancestors follow)
//   ancestors  GODEBUG=tracebackancestors history, frames and `created by` read for their shape
//              only (not counted) -> empty line -> between
//   between    -> header; crash output also: register dump (`rax    0x1`), `exit status 2`,
//              any other text -> trailer
//   trailer    text after the dump (an HTML page there is an error; so is a goroutine header
//              after other text on its line: a log prefix on part of the dump only). A register
//              dump is a block of register lines. `-----` after it -> thread_reports. A second
//              goroutine 1 starts a second dump (a restart loop), and so does, after a crash
//              message or the register dump, a header a dump starts with (`goroutine 0`, a
//              `[running]` one): the last dump is kept, with its own crash message and a
//              warning. Any other header means the text was other output written between two
//              goroutines: skipped with a warning, the dump goes on. Goroutine 1 again with only
//              empty lines between is an error: where the second dump starts cannot be told.
//
//   thread_reports GOTRACEBACK=crash: after the dump, every other thread reports itself: `-----`,
//              its signal line, `PC=...`, the stack the signal interrupted (its g0's, `goroutine 0
//              [idle]:`, perhaps followed with no empty line by the goroutine g0 ran under; or
//              the goroutine it was running, `goroutine 23 [syscall]:`), its register dump.
//              Those goroutines are in the dump already (a running one as `stack unavailable`):
//              skipped. What is not such a report -> trailer; the input ending inside one is a cut
//
// In crash output a goroutine header over `runtime/debug.Stack()` in the preamble or the trailer
// starts no goroutine: it is a stack the program printed itself (a recovered panic raised again
// with debug.Stack() in its message, a log line), text of the crash message or of the log
// (dump_header).
//
// A dump that ends inside a goroutine is truncated: an error, unless --allow-truncated. Inside
// means a header with no frames, a function without its file line, a `created by` without its
// file line, or a stack that stops short of where every goroutine's stack ends: its `created by`
// line, or a root (is_stack_root: main.main, the runtime's own roots, a cgo entry), unless it is
// locked to its thread (a call from C may end anywhere). The same holds
// for a goroutine in crash output that text interrupts. A cut exactly between two goroutines
// cannot be seen in debug=2 or a panic (neither states a count), but a SIGQUIT dump ends with its
// register dump (check_whole_crash).
#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstring>
#include <optional>
#include <utility>

#include <fmt/format.h>

#include "go_quote.hpp"
#include "line_trie.hpp"
#include "taskdiff/error.hpp"
#include "taskdiff/parse.hpp"
#include "text_util.hpp"

namespace taskdiff {

namespace {

using namespace text;

constexpr uint64_t k_pprof_debug2_limit = uint64_t{64} << 20;
constexpr size_t k_max_panic_message = 4096;

constexpr int64_t k_max_wait_minutes = INT64_MAX / 60'000'000'000;

struct Header {
  std::string_view id;
  uint64_t number = 0;     // the id's value, when it is below 2^64
  bool id_too_big = false; // the id is 2^64 or more, which Go never prints
  std::string_view status;
  int64_t minutes = -1;
  bool locked = false;
  bool gp = false; // `gp=0x... m=...`: Go 1.22+ at traceback level 2
  std::string_view labels;
};

// `{"k": "v", "k2": "v2"}` at the start of `text`: goroutine labels as a Go 1.26+ traceback
// header prints them (each key and value a Go quoted string, as debug=1 prints labels). Calls
// `take` with each decoded pair; returns the object's length, 0 when it is not one.
template<class Take>
size_t read_label_object(std::string_view text, Take&& take) {
  std::string_view rest = text;
  if (!starts_with(rest, "{")) {
    return 0;
  }
  rest.remove_prefix(1);
  if (starts_with(rest, "}")) {
    return 2;
  }
  std::string key;
  std::string value;
  std::string_view bad_escape;
  for (;;) {
    if (!read_quoted(rest, key, bad_escape) || !starts_with(rest, ":")) {
      return 0;
    }
    rest.remove_prefix(starts_with(rest, ": ") ? 2 : 1);
    if (!read_quoted(rest, value, bad_escape)) {
      return 0;
    }
    take(key, value);
    if (starts_with(rest, "}")) {
      return text.size() - rest.size() + 1;
    }
    if (!starts_with(rest, ", ")) {
      return 0;
    }
    rest.remove_prefix(2);
  }
}

// `goroutine 12 [chan send, 3 minutes]:`; false when the line is not a header at all; throws
// when it starts like one but its bracket holds something unknown.
bool parse_header(std::string_view line, uint64_t line_number, Header& header) {
  if (!starts_with(line, "goroutine ")) {
    return false;
  }
  size_t id_start = 10;
  size_t digits = 0;
  header.number = leading_decimal(line.substr(id_start), digits);
  size_t i = id_start + digits;
  header.id_too_big = false;
  if (i - id_start >= 20) { // 19 digits never pass 2^64; 20 may, and wrap
    uint64_t check = 0;
    for (size_t d = id_start; d < i && !header.id_too_big; ++d) {
      header.id_too_big = __builtin_mul_overflow(check, 10, &check) ||
                          __builtin_add_overflow(check, line[d] - '0', &check);
    }
  }
  if (i == id_start || i >= line.size() || line[i] != ' ') {
    return false;
  }
  header.id = line.substr(id_start, i - id_start);
  std::string_view rest = line.substr(i + 1);
  if (starts_with(rest, "gp=")) {
    // Go 1.22+ at traceback level 2: `gp=0x... m=N mp=0x...` or `m=nil`.
    size_t bracket = rest.find(" [");
    if (bracket == std::string_view::npos) {
      return false;
    }
    rest = rest.substr(bracket + 1);
    header.gp = true;
  }
  if (!starts_with(rest, "[")) {
    return false;
  }
  if (!ends_with(rest, "]:")) {
    throw ParseError(
        line_number,
        fmt::format("expected a goroutine header ending in `]:`, found {}", quote_excerpt(line)));
  }
  std::string_view content = rest.substr(1, rest.size() - 3);
  // Go 1.26 GODEBUG=tracebacklabels (on by default for Go 1.27 modules): `[running
  // labels:{"k": "v"}]` (format unconfirmed). The labels are taken out whole, wherever they
  // stand (a `}` or `, ` in a label is quoted); the items around them are read as usual. Labels
  // that do not read as such run to the end of the bracket, as one label.
  std::string_view after_labels;
  if (size_t labels = std::memchr(content.data(), '{', content.size()) == nullptr
                          ? std::string_view::npos
                          : content.find(" labels:{");
      labels != std::string_view::npos) {
    std::string_view object = content.substr(labels + 8);
    size_t length = read_label_object(object, [](std::string_view, std::string_view) {});
    if (length != 0 && (length == object.size() || starts_with(object.substr(length), ", "))) {
      header.labels = object.substr(0, length);
      after_labels = object.substr(length);
    } else {
      header.labels = object;
    }
    content = content.substr(0, labels);
    if (ends_with(content, ",")) { // `[select, labels:{...}]`
      content.remove_suffix(1);
    }
  }
  size_t comma = content.find(", ");
  header.status = content.substr(0, comma);
  if (ends_with(header.status, " (scan)")) {
    header.status.remove_suffix(7);
  }
  auto take_item = [&](std::string_view item) {
    if (item == "locked to thread") {
      header.locked = true;
    } else if (ends_with(item, " minutes") && item.size() > 8 && is_digit(item[0])) {
      int64_t minutes = 0;
      for (char c : item.substr(0, item.size() - 8)) {
        if (!is_digit(c)) {
          throw ParseError(line_number, fmt::format("expected `N minutes` in the goroutine header, "
                                                    "found {}",
                                                    quote_excerpt(item)));
        }
        minutes = minutes * 10 + (c - '0');
        // Go prints whole minutes of an int64 of nanoseconds: at most 153,722,867 (292 years).
        if (minutes > k_max_wait_minutes) {
          throw ParseError(line_number, fmt::format("expected a wait Go can print (at most {} "
                                                    "minutes, 292 years), found {}: the dump is "
                                                    "corrupt or was edited",
                                                    k_max_wait_minutes, quote_excerpt(item)));
        }
      }
      header.minutes = minutes;
    } else if (starts_with(item, "labels:")) {
      header.labels = item.substr(7);
    } else {
      throw ParseError(line_number,
                       fmt::format("expected `N minutes` or `locked to thread` after the status in "
                                   "the goroutine header, found {}",
                                   quote_excerpt(item)));
    }
  };
  // The items after the status, each after a `, `; then those after the labels.
  auto take_items = [&](std::string_view items, size_t comma) {
    while (comma != std::string_view::npos) {
      size_t next = items.find(", ", comma + 2);
      take_item(items.substr(comma + 2, next == std::string_view::npos ? next : next - comma - 2));
      comma = next;
    }
  };
  take_items(content, comma);
  take_items(after_labels, after_labels.empty() ? std::string_view::npos : 0);
  if (header.status.empty()) {
    throw ParseError(line_number, fmt::format("expected a status in the goroutine header, found {}",
                                              quote_excerpt(line)));
  }
  return true;
}

struct FileLine {
  std::string_view file;
  uint32_t line = 0;
  size_t length = 0; // of the text given to parse_file_line, up to the end of the line number
};

// `<TAB>/src/net/http/server.go:3102 +0x4db fp=0xc000 sp=0xc000 pc=0x6231bb`. The indent may be a
// tab, spaces (pasted output) or nothing (some copies); the path may hold spaces and `:`. The
// suffixes (`+0x`, `fp=`, `sp=`, `pc=`) hold no `:`, so the last `:` ends the path.
bool parse_file_line(std::string_view untrimmed, FileLine& out) {
  std::string_view text = trim_left(untrimmed);
  const void* colon_at = memrchr(text.data(), ':', text.size());
  if (colon_at == nullptr) {
    return false;
  }
  const char* digits = static_cast<const char*>(colon_at) + 1;
  const char* end = text.data() + text.size();
  uint32_t number = 0;
  auto [after, error] = std::from_chars(digits, end, number); // no sign, no overflow
  if (error != std::errc() || colon_at == text.data()) {
    return false;
  }
  // After the number: nothing, ` +0x1d`, ` fp=...` (a log line's `12:00:00 text` is none).
  std::string_view rest(after, static_cast<size_t>(end - after));
  if (!starts_with(rest, " +") && !starts_with(rest, " fp=") && !trim(rest).empty()) {
    return false;
  }
  out.file = text.substr(0, static_cast<size_t>(static_cast<const char*>(colon_at) - text.data()));
  out.line = number;
  out.length = static_cast<size_t>(after - untrimmed.data());
  return true;
}

// `pkg.F(0x1, {0x2, 0x3})` -> `pkg.F`. Arguments never contain `(`, receivers do.
bool parse_function_line(std::string_view line, std::string_view& function) {
  if (line.empty() || line.back() != ')' || line.front() == ' ' || line.front() == '\t') {
    return false;
  }
  const void* open_at = memrchr(line.data(), '(', line.size());
  if (open_at == nullptr || open_at == line.data()) {
    return false;
  }
  function = line.substr(0, static_cast<size_t>(static_cast<const char*>(open_at) - line.data()));
  return std::memchr(function.data(), ' ', function.size()) == nullptr ||
         starts_with(function, "non-Go function");
}

// `main.main in goroutine 1` (Go 1.21+) -> `main.main`. (Not rfind(" in goroutine "):
// libstdc++ compares at every position from the end.)
std::string_view creator_function(std::string_view text) {
  constexpr std::string_view k_in = " in goroutine ";
  size_t digits = trailing_digits(text);
  if (digits != 0 && ends_with(text.substr(0, text.size() - digits), k_in)) {
    text.remove_suffix(digits + k_in.size());
  }
  return text;
}

// Where a goroutine's stack may end without a `created by` line (Go's traceback prints one for
// every goroutine started by a `go` statement): main's goroutine (main.main; runtime.main and
// runtime.goexit below it at GOTRACEBACK=system), the runtime's own goroutines and system stacks
// (the unwinder's top frames), and goroutines entered from C (cgo export wrappers).
bool is_stack_root(std::string_view function) {
  static constexpr std::string_view k_runtime_roots[] = {
      "main",      "goexit",      "goexit0",    "goexit1",  "mcall",
      "mstart",    "mstart0",     "mstart1",    "rt0_go",   "morestack",
      "systemstack", "asmcgocall", "sigtramp",  "sigreturn", "externalthreadhandler"};
  if (function == "main.main" || function.find("._cgoexp") != std::string_view::npos) {
    return true;
  }
  if (!starts_with(function, "runtime.")) {
    return false;
  }
  std::string_view name = function.substr(8);
  return starts_with(name, "cgocallback") ||
         std::find(std::begin(k_runtime_roots), std::end(k_runtime_roots), name) !=
             std::end(k_runtime_roots);
}

// A line that may be the start of a frame (`runtime.m`, `<TAB>/usr/lib/go`) or of `created by`:
// a Go name with no space, an indented file line, or the words cut.
bool looks_like_cut_frame(std::string_view line) {
  // A Go name: a package path and a dot, no space, none of a shell prompt's `@ : ~ $ #`.
  auto name_char = [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '.' || c == '/' || c == '_' ||
           c == '-' || c == '(' || c == ')' || c == '*' || c == '[' || c == ']' || c == ',' ||
           (static_cast<unsigned char>(c) & 0x80) != 0;
  };
  return !line.empty() && (line[0] == '\t' || starts_with(line, "created by") ||
                           (line.size() > 1 && starts_with(std::string_view("created by"), line)) ||
                           (line.find('.') != std::string_view::npos &&
                            std::all_of(line.begin(), line.end(), name_char)));
}

constexpr std::string_view k_origin = "[originating from goroutine ";

// `[originating from goroutine 7]:` (GODEBUG=tracebackancestors), whole.
bool is_origin_line(std::string_view line) {
  if (!starts_with(line, k_origin) || !ends_with(line, "]:")) {
    return false;
  }
  std::string_view id = line.substr(k_origin.size(), line.size() - k_origin.size() - 2);
  return all_digits(id);
}

// The start of one, cut: `[orig`, `[originating from goroutine 7]`.
bool is_cut_origin_line(std::string_view line) {
  return !line.empty() && !is_origin_line(line) &&
         (starts_with(k_origin, line) || starts_with(line, k_origin));
}

// A file line that ends where Go ends one: `+0x1d`, or at GOTRACEBACK=system and above
// `+0x1d fp=0xc000 sp=0xc000 pc=0x4a6b`. (A cut within the last hex digits cannot be seen.)
bool file_line_whole(std::string_view line) {
  size_t offset = line.find(" +0x");
  if (offset == std::string_view::npos) {
    return false;
  }
  std::string_view last = line.find(" fp=", offset) != std::string_view::npos ? " pc=0x" : " +0x";
  size_t at = line.rfind(last);
  if (at == std::string_view::npos) {
    return false;
  }
  std::string_view digits = line.substr(at + last.size());
  return !digits.empty() && std::all_of(digits.begin(), digits.end(), is_hex);
}

// Whether a file line's ` +0x` offset follows its line number, which ends at `number_end`.
inline bool offset_follows(std::string_view line, size_t number_end) {
  return line.size() > number_end + 4 && std::memcmp(line.data() + number_end, " +0x", 4) == 0;
}

// A file line whose `+0x` offset, or the `fp= sp= pc=` after it, stops before its digits
// (` +0`, ` +0x`, ` sp=`): Go prints them whole, so the text was cut there, though a line break
// may follow (runtime.Stack's buffer full, then a log line's `\n`). (A cut among the digits does
// not show; a line with no offset at all is an inlined call's, whole, but a `created by` line's
// never lacks one: see offset_follows.) `level2`: the line may carry `fp= sp= pc=` (crash
// output), then a cut among its numbers (`fp=0xc0000c5fe`) shows too.
bool file_line_cut(std::string_view line, bool level2) {
  line = trim_right(line);
  if (line.empty()) {
    return false;
  }
  bool cut = false;
  switch (line.back()) { // (most lines end in another hex digit: one test for them)
  case '+': cut = ends_with(line, " +"); break;
  case '0': cut = ends_with(line, " +0"); break;
  case 'x': cut = ends_with(line, "0x"); break;
  case '=': cut = true; break;
  default: break;
  }
  return cut || (level2 && line.find(" fp=") != std::string_view::npos && !file_line_whole(line));
}

// amd64 `rax    0xca`, arm64 `r0      0x0`, `rflags 0x286`, `fault   0x0`.
bool is_register_line(std::string_view line) {
  size_t i = 0;
  while (i < line.size() && (std::isalnum(static_cast<unsigned char>(line[i])) != 0)) {
    ++i;
  }
  if (i == 0 || i > 8) {
    return false;
  }
  while (i < line.size() && line[i] == ' ') {
    ++i;
  }
  if (!starts_with(line.substr(i), "0x") || i + 2 == line.size()) {
    return false;
  }
  return std::all_of(line.begin() + static_cast<std::ptrdiff_t>(i) + 2, line.end(), is_hex);
}

// The leaf function of the goroutine that writes a debug=2 dump through net/http/pprof or
// pprof.Lookup("goroutine").WriteTo(w, 2).
constexpr std::string_view k_dump_writer = "runtime/pprof.writeGoroutineStacks";

bool is_elided_marker(std::string_view line) {
  return starts_with(line, "...") && ends_with(line, "elided...");
}

// A line of a goroutine's stack as Go prints it, whole: a function line (`pkg.F(0x1, ...)`), a
// file line (`<TAB>/src/f.go:12 +0x1d`), `created by ...`, an ancestor's `[originating from
// goroutine N]:`, or `...additional frames elided...`. A log line has a space or a `:` before
// its first `(`, or does not end in `)`.
bool is_stack_line(std::string_view line) {
  if (line.empty()) {
    return false;
  }
  if (line[0] == '\t' || line[0] == ' ') { // a tab, or spaces where a paste turned it into them
    FileLine file;
    return parse_file_line(line, file);
  }
  if (starts_with(line, "created by ") || is_origin_line(line) || is_elided_marker(line)) {
    return true;
  }
  size_t paren = line.find('(');
  return paren != 0 && paren != std::string_view::npos && ends_with(line, ")") &&
         line.substr(0, paren).find_first_of(" :\t") == std::string_view::npos;
}

enum class State {
  preamble,
  header,
  function_file,
  frames,
  creator_file,
  ancestors,
  between,
  trailer,
  thread_reports
};

class GoTextParser {
public:
  GoTextParser(LineReader& lines, TextParseContext& context)
      : m_lines(lines), m_context(context), m_builder(context.builder),
        m_crash(context.out.format == Format::go_traceback) {}

  void run() {
    m_state = m_context.at_record_start ? State::between : State::preamble;
    std::string_view line;
    while (m_lines.next(line)) {
      line = trim_right(line); // trailing blanks from an editor or a paste
      if (!m_lines.last_line_unterminated()) {
        if (m_walk == nullptr || !walk(line)) {
          step(line);
        }
        continue;
      }
      leave_walk();
      // The input's last line has no newline: a file that simply lacks one, or a dump cut in
      // the middle of a line. If the line does not parse, it was cut. A file line without its
      // `+0x` offset may be cut too (`<TAB>/src/x.go:4` of `:42 +0x1d`): finish() decides.
      State before = m_state;
      bool file_expected = m_ancestor_file != AncestorFile::none;
      auto cut_header = [&] {
        truncated(fmt::format("the dump ends inside a goroutine header ({})", quote_excerpt(line)),
                  false);
      };
      try {
        step(line);
        m_file_line_cut_risk = (before == State::function_file || before == State::creator_file ||
                                (before == State::ancestors && file_expected)) &&
                               !file_line_whole(line);
      } catch (const LimitError&) {
        throw; // a limit passed, not a line cut short
      } catch (const ParseError&) {
        if (before == State::between || before == State::preamble) {
          cut_header();
        } else {
          truncated(inside_goroutine(), true);
        }
        m_state = State::trailer; // --allow-truncated: drop the cut goroutine
        continue;
      }
      if ((before == State::between || before == State::trailer) && m_state == State::trailer &&
          !line.empty() &&
          (starts_with(line, "goroutine") || starts_with(std::string_view("goroutine "), line))) {
        cut_header(); // crash output: a cut header (`gorou`) reads as text after the dump
      }
      if (before == State::frames && m_state == State::trailer && looks_like_cut_frame(line)) {
        // Crash output: the last line, right under a goroutine's stack, is the start of a frame
        // or `created by` line, cut (text after a dump ends with a line break).
        truncated(fmt::format("the dump ends inside a line right after goroutine {}'s stack ({})",
                              m_goroutine_id, quote_excerpt(line)),
                  false);
      }
      if (before != State::trailer && m_state == State::trailer && is_cut_origin_line(line)) {
        truncated(fmt::format("the dump ends inside goroutine {}'s `[originating from goroutine "
                              "N]:` line ({})",
                              m_goroutine_id, quote_excerpt(line)),
                  false);
      }
    }
    finish();
    check_whole_crash();
    check_lone_goroutine();
  }

private:
  uint64_t line_number() const { return m_lines.line_number(); }

  [[noreturn]] void fail(std::string message) const {
    throw ParseError(line_number(), std::move(message));
  }

  void step(std::string_view line) {
    switch (m_state) {
    case State::preamble: preamble(line); return;
    case State::header: header_body(line); return;
    case State::function_file: function_file(line); return;
    case State::frames: frames(line); return;
    case State::creator_file: creator_file(line); return;
    case State::ancestors: ancestors(line); return;
    case State::between: between(line); return;
    case State::trailer: trailer(line); return;
    case State::thread_reports: thread_reports(line); return;
    }
  }

  void preamble(std::string_view line) {
    // A header right after a log line is a stack the log printed (`http: panic serving ...`),
    // unless the goroutine writes a debug=2 dump: that dump was appended to the log (`INFO
    // capturing profile`, then the profile), and its first goroutine counts.
    bool may_start = m_previous_blank || line_number() == 1 || m_previous_crash_line;
    Header header;
    bool is_header =
        dump_header(line, header) || (!m_seen_goroutine && logged_header(line, header));
    if (is_header && (may_start || next_is_dump_writer())) {
      // Right under the message, no empty line between: a pasted dump that lost it, or a stack
      // the message holds (between() tells when the same goroutine comes again).
      m_first_under_message = !m_previous_blank && line_number() != 1 && m_previous_crash_line;
      if (!m_seen_goroutine && m_report_signal_line != 0) {
        cut_at_head(m_report_signal_line,
                    fmt::format("the input starts with a thread's report (`-----`, then {} at "
                                "line {}), which GOTRACEBACK=crash prints after the goroutines "
                                "of its dump: the goroutines are missing",
                                quote_excerpt(m_report_signal),
                                m_context.file_line(m_report_signal_line)));
      } else if (!m_seen_goroutine && m_head == Head::stack) {
        // A dump's writer goroutine starts a dump (a debug=2 dump written into a log whose window
        // starts inside a stack the program logged): the lines before it were log text.
        if (next_is_dump_writer()) {
          m_head = Head::log;
        } else {
          cut_at_head(1,
                      fmt::format("the input starts inside a goroutine's stack ({} at line 1): "
                                  "the goroutine's header and everything before it are missing",
                                  quote_excerpt(m_first_line)),
                      true);
        }
      } else if (!m_seen_goroutine && !m_context.at_record_start && !m_running_logged &&
                 m_context.out.panic_message.empty() && header.status != "running") {
        // The first goroutine of a dump is the one printing it, running: debug=2's writer, a
        // crash's failing goroutine; a deadlock's or a signal's dump has its crash message. (A
        // program that logs runtime.Stack(buf, true) right under a log line prints it as a
        // logged stack, read as text: then the dump's first goroutine is the one after it.)
        cut_at_head(line_number(),
                    fmt::format("the input's first goroutine, {} at line {}, is `[{}]`, but a "
                                "dump without a crash message starts with the goroutine that "
                                "wrote it, `[running]`",
                                header.id, m_context.file_line(line_number()), header.status));
        if (!m_crash) {
          head_cut(); // said now: no later dump replaces this one (and a split parse agrees)
        }
      }
      start_goroutine(header);
      return;
    }
    if (!m_seen_goroutine && !is_blank(line)) {
      see_head_line(line);
      see_report_line(line);
    }
    if (is_header && header.status == "running") { // a stack the program logged, read as text
      m_running_logged = true;
      if (m_logged_stacks++ == 0) {
        m_logged_stack_line = line_number();
      }
    }
    if (!m_crash && !is_blank(line)) {
      fail(fmt::format("expected a goroutine header like `goroutine 1 [running]:`, found {}",
                       quote_excerpt(line)));
    }
    refuse_embedded_header(line);
    gather_crash_message(line, m_context.out.panic_message, m_in_panic_message);
    m_previous_crash_line =
        is_crash_line(line) || (m_in_panic_message && starts_with(line, "\t"));
    m_previous_blank = is_blank(line);
  }

  // The input's lines before its first goroutine header: if they are all lines of a stack, with
  // at least one `+0x` file line (the runtime's, not a logged `errors` or zap trace), directly
  // before that header, the input starts inside a goroutine: its header and the dump's start
  // were cut off (`tail`, `kubectl logs --tail`, a log window). Any other line (a log line, a
  // crash message) makes them log text.
  void see_head_line(std::string_view line) {
    if (m_head == Head::log || m_head == Head::cut) {
      return;
    }
    // The first line may be the end of any line of a stack, cut at its start (`x1d`, `ted by
    // main.serve`, `send, 2 minutes]:`): any but a crash message passes.
    bool first = line_number() == 1;
    bool offset =
        (line[0] == '\t' || line[0] == ' ' || first) && line.find(" +0x") != std::string_view::npos;
    bool stack_line = first ? !is_crash_line(line) : is_stack_line(line);
    if (!stack_line) {
      m_head = Head::log;
    } else if (offset) {
      m_head = Head::stack;
    }
    if (first) {
      m_first_line = std::string(line.substr(0, 200));
    }
  }

  // `-----`, then a signal's message (`SIGQUIT: quit`): GOTRACEBACK=crash's report of another
  // thread, which it prints after a dump's goroutines, each after such a line; a dump's own
  // message has none before it.
  void see_report_line(std::string_view line) {
    if (m_report_signal_line != 0) {
      return;
    }
    if (m_report_separator && starts_with(line, "SIG") && is_crash_line(line)) {
      m_report_signal_line = line_number();
      m_report_signal = std::string(line.substr(0, 200));
    }
    m_report_separator = line == "-----";
  }

  // The dump read starts inside a goroutine (see_head_line): refused, or with --allow-truncated a
  // warning (what was cut is not in the counts at all).
  // Refused by finish() if the first dump is the one read. `dropped`: the lines of a goroutine
  // whose header was cut are left out.
  void cut_at_head(uint64_t line, std::string where, bool dropped = false) {
    m_head = Head::cut;
    m_head_cut_line = line;
    m_head_cut_where = std::move(where);
    m_head_cut_dropped = dropped;
  }

  void head_cut() {
    if (m_context.options.allow_truncated) {
      m_context.out.warnings.push_back(truncation_warning(
          {m_context.file_line(m_head_cut_line), m_head_cut_where, m_head_cut_dropped}));
      m_head = Head::log; // warned once
      return;
    }
    throw ParseError(m_head_cut_line,
                     fmt::format("{}; the dump's start was cut off (`tail`, `kubectl logs "
                                 "--tail`, a log window?): capture the whole dump, or pass "
                                 "--allow-truncated to compare what was read",
                                 m_head_cut_where));
  }

  // A crash message (`panic: boom` and the lines up to the goroutines) into `message`: from its
  // first crash line on, every non-empty line, up to k_max_panic_message bytes.
  static void gather_crash_message(std::string_view line, std::string& message, bool& in_message) {
    if (!in_message && is_crash_line(line)) {
      message.clear();
      in_message = true;
    }
    if (in_message && !is_blank(line) && message.size() < k_max_panic_message) {
      if (!message.empty()) {
        message += '\n';
      }
      message.append(line.substr(0, k_max_panic_message));
    }
  }

  void start_goroutine(const Header& header) {
    if (m_first_id.empty()) {
      m_first_id.assign(header.id);
      m_start_line = line_number();
      m_first_running = header.status == "running";
    }
    if (header.number != 0 || header.id_too_big) {
      ++m_goroutines_beyond_zero;
    }
    if (header.id == "1") {
      m_goroutine_one_line = line_number();
      if (m_context.goroutine_one_line == 0) {
        m_context.goroutine_one_line = line_number(); // for parse_split, which sees every range
      }
    }
    m_builder.begin(1);
    m_builder.state(header.status);
    if (header.minutes >= 0) {
      m_builder.wait_minutes(header.minutes);
    }
    if (header.locked) {
      m_builder.locked_to_thread();
    }
    m_context.out.go_wrappers_named = m_context.out.go_wrappers_named || header.gp;
    if (!header.labels.empty()) {
      m_labels.clear();
      if (read_label_object(header.labels, [&](std::string_view key, std::string_view value) {
            m_labels.emplace_back(key, value);
          }) != header.labels.size()) {
        m_labels.assign(1, {"labels", std::string(header.labels)}); // unknown shape: as printed
      }
      for (const auto& [key, value] : m_labels) {
        m_builder.label(key, value);
      }
    }
    m_record_line = line_number();
    m_goroutine_id.assign(header.id);
    m_file_line_cut = false;
    if (header.id_too_big) {
      fail(fmt::format("goroutine {} has an id past 2^64, which Go cannot print: the dump is "
                       "corrupt or was edited",
                       quote_excerpt(header.id)));
    }
    // Crash output may list a goroutine twice when two threads throw at once (see commit()).
    m_listed_before = m_crash && m_context.ids.contains(header.number);
    if (!m_listed_before) {
      m_context.ids.add(header.number);
    }
    m_goroutine_number = header.number;
    m_stack_unavailable = false;
    m_level2_frames = false;
    m_has_creator = false;
    m_last_was_runtime_main = false;
    m_above_was_runtime_main = false;
    m_goexit_is_root = false;
    m_at_root = false;
    m_go_frame_last = false;
    m_locked = header.locked;
    m_state = State::header;
    m_seen_goroutine = true;
    // The lines of crash output are kept apart from the trie: a goroutine there may end without
    // an empty line, in text, and the parser's state around it depends on more than its lines.
    // Labels (Go 1.27's headers) pick a root of their own where the stack keeps them.
    const LineTrie::Node* root =
        m_crash ? nullptr : m_trie.root(header.status, header.locked, labels_in_stack(header));
    m_walk = root;
    m_path_root = m_trie.full() ? nullptr : root;
    m_path.clear();
  }

  // A header's labels as far as they make its stack: none where the builder folds them.
  std::string_view labels_in_stack(const Header& header) const {
    return m_builder.label_sets() == LabelSets::keep ? header.labels : std::string_view();
  }

  // The repeated-goroutine path (LineTrie): takes `line` if it goes on the walk from the
  // goroutine's header, or ends it where an earlier goroutine ended. Otherwise the walk is left:
  // the lines walked over are read again, from the trie, and `line` is the caller's to read.
  bool walk(std::string_view line) {
    if (line.empty()) {
      if (m_walk->ends) {
        m_builder.commit_to(m_walk->stack, m_record_line);
        m_walk = m_path_root = nullptr;
        m_state = State::between;
        return true;
      }
    } else if (const LineTrie::Node* next = LineTrie::match(m_walk, line)) {
      m_walk = next;
      return true;
    }
    leave_walk();
    return false;
  }

  std::string last_line_cut() const {
    return fmt::format("goroutine {}'s last line stops inside its offset", m_goroutine_id);
  }

  void leave_walk() {
    if (m_walk == nullptr) {
      return;
    }
    m_walked.clear();
    for (const LineTrie::Node* node = std::exchange(m_walk, nullptr); node->parent != nullptr;
         node = node->parent) {
      m_walked.push_back(node);
    }
    // The walked lines' offsets were whole (a cut repeat stops the walk: LineTrie::Kind), not as
    // their nodes' prefixes look.
    bool cut = m_file_line_cut;
    for (auto it = m_walked.rbegin(); it != m_walked.rend(); ++it) {
      m_replayed = *it;
      step((*it)->line);
    }
    m_replayed = nullptr;
    m_file_line_cut = cut;
  }

  // How a file line's repeats must go on after its number (LineTrie::Kind): a line with an offset
  // is repeated only by lines with one, so that a repeat cut in it is read line by line and seen.
  LineTrie::Kind file_kind(std::string_view line, size_t number_end) const {
    if (m_replayed != nullptr) {
      return m_replayed->kind; // a node's prefix, its offset left out
    }
    return offset_follows(line, number_end) ? LineTrie::Kind::file_offset : LineTrie::Kind::file;
  }

  // Adds the line just read to the path of the goroutine, for the trie.
  void take_line(LineTrie::Kind kind, std::string_view line, size_t prefix) {
    if (m_path_root != nullptr) {
      m_path.add(kind, line, prefix);
    }
  }

  void header_body(std::string_view line) {
    if (trim_left(line) == "goroutine running on other thread; stack unavailable") {
      if (!m_crash) {
        fail(fmt::format("goroutine {} has no stack (`stack unavailable`), which only crash "
                         "output prints: a debug=2 dump stops the world and prints every stack; "
                         "was the dump edited?",
                         m_goroutine_id));
      }
      m_at_root = true; // nothing more will come
      m_stack_unavailable = true;
      m_state = State::frames;
      return;
    }
    if (is_blank(line)) {
      fail(fmt::format("goroutine {} has a header but no frames", m_goroutine_id));
    }
    // Only crash output prints a goroutine with no frame of its own (its stack unavailable, or
    // unwound on another thread); in a debug=2 dump that is an edited or corrupt file.
    if (!m_crash && starts_with(line, "created by ")) {
      fail(fmt::format("goroutine {} has its `created by` line but no frames before it",
                       m_goroutine_id));
    }
    frames(line);
  }

  void function_file(std::string_view line) {
    FileLine file;
    if (!parse_file_line(line, file)) {
      fail(fmt::format("expected the file line (`<TAB>/path/file.go:123 +0x1d`) of {}, found {}",
                       m_builder.pending_function(), quote_excerpt(line)));
    }
    m_builder.frame_file(file.file, file.line);
    take_line(file_kind(line, file.length), line.substr(0, file.length), file.length);
    m_file_line_cut = file_line_cut(line, m_crash);
    m_level2_frames =
        m_level2_frames || (m_crash && line.find(" fp=", file.length) != std::string_view::npos);
    // Before Go 1.5 the runtime was C, and its own goroutines end in goexit (proc.c) with no
    // `created by` line.
    m_goexit_is_root = (m_above_was_runtime_main || ends_with(file.file, ".c")) &&
                       m_builder.pending_function() == "runtime.goexit";
    m_at_root = false;
    m_go_frame_last = true; // a root or not: goroutine_complete() asks, only when it matters
    m_state = State::frames;
  }

  void frames(std::string_view line) {
    if (is_blank(line)) {
      // Whole, unless it is the dump's last and stops short (see between()).
      m_unfinished.clear();
      if (m_file_line_cut) {
        m_unfinished = last_line_cut();
      } else if (!goroutine_complete()) {
        m_unfinished = fmt::format("goroutine {}'s stack stops at {}, before its `created by` "
                                   "line",
                                   m_goroutine_id, stop_point());
      }
      commit();
      m_state = State::between;
      return;
    }
    std::string_view function;
    if (parse_function_line(line, function)) {
      if (starts_with(function, "non-Go function")) {
        take_line(LineTrie::Kind::exact, line, line.size());
        m_builder.frame(line, {}, 0, line_number());
        m_at_root = true; // C frames: the stack may well end here
        m_go_frame_last = false;
        return;
      }
      m_builder.frame_function(function, line_number());
      m_state = State::function_file;
      m_above_was_runtime_main = std::exchange(m_last_was_runtime_main, function == "runtime.main");
      if (m_builder.frames_in_record() == 1 && function == k_dump_writer && !m_crash) {
        writer_found();
        m_path_root = nullptr; // what the writer's goroutine does must be seen again
      } else if (m_path_root != nullptr) {
        m_path.add_function(function);
      }
      return;
    }
    if (starts_with(line, "created by ")) {
      m_creator.assign(creator_function(line.substr(11)));
      m_state = State::creator_file;
      if (creator_function(m_creator) == m_creator) { // it is what its repeats will be read as
        std::string_view taken = line.substr(0, 11 + m_creator.size());
        take_line(LineTrie::Kind::creator, taken, taken.size());
      } else {
        m_path_root = nullptr;
      }
      return;
    }
    if (is_elided_marker(line)) {
      // Before Go 1.21 the runtime cut a deep stack at its 100th frame (`...additional frames
      // elided...`), and main's goroutine ends there; from 1.21 the outermost frames follow
      // (`...12 frames elided...`).
      m_at_root = starts_with(line, "...additional");
      m_go_frame_last = false;
      take_line(LineTrie::Kind::exact, line, line.size());
      return;
    }
    if (is_origin_line(line)) {
      // The goroutine itself ends here; what follows is its creators' history.
      m_path_root = nullptr;
      commit();
      m_state = State::ancestors;
      m_ancestor_file = AncestorFile::none;
      return;
    }
    if (trim(line) == "..." || trim(line) == "\u2026") {
      fail(fmt::format("the dump was cut by hand here (`...`) inside or after goroutine {}; "
                       "give the whole dump",
                       m_goroutine_id));
    }
    if (Header next; parse_header(line, line_number(), next)) {
      fail(fmt::format("goroutine {} starts with no empty line after goroutine {}: Go separates "
                       "goroutines with one; are two dumps glued together, or was the dump edited?",
                       next.id, m_goroutine_id));
    }
    if (m_crash) {
      // Crash output glued to text that follows without an empty line (`FAIL\tpkg\t0.1s`),
      // which must not interrupt a stack before its end.
      if (!goroutine_complete() || m_file_line_cut) {
        truncated(fmt::format("goroutine {}'s {}, and text follows ({}): the traceback is cut, or "
                              "other output is mixed into it",
                              m_goroutine_id,
                              m_file_line_cut
                                  ? std::string("last line stops inside its offset")
                                  : fmt::format("stack stops at {} before its `created by` line",
                                                stop_point()),
                              quote_excerpt(line)),
                  true);
        m_state = State::trailer; // --allow-truncated: drop that goroutine
        return;
      }
      commit();
      enter_trailer(line);
      return;
    }
    fail(fmt::format("expected a function line like `main.main()`, `created by ...` or an empty "
                     "line in goroutine {}, found {}",
                     m_goroutine_id, quote_excerpt(line)));
  }

  // GODEBUG=tracebackancestors: after `[originating from goroutine 7]:` the frames the goroutine
  // that started this one had then (`main.start(...)`, each with its file line), perhaps
  // `...additional frames elided...`, and its own `created by` with its file line (none for
  // main's). Not counted, but read as a stack is, so that a dump cut inside one shows.
  void ancestors(std::string_view line) {
    FileLine file;
    std::string_view function;
    if (m_ancestor_file != AncestorFile::none) {
      if (!parse_file_line(line, file)) {
        fail(fmt::format("expected the file line of {} in the ancestors of goroutine {} "
                         "(GODEBUG=tracebackancestors), found {}",
                         m_ancestor_file == AncestorFile::creator ? "its `created by`"
                                                                  : "an ancestor's frame",
                         m_goroutine_id, quote_excerpt(line)));
      }
      m_ancestor_file = AncestorFile::none;
      return;
    }
    if (is_blank(line)) {
      m_state = State::between;
    } else if (starts_with(line, "created by ")) {
      m_ancestor_file = AncestorFile::creator;
    } else if (parse_function_line(line, function)) {
      m_ancestor_file = AncestorFile::frame;
    } else if (!is_origin_line(line) && !is_elided_marker(line)) {
      if (m_crash && (!m_lines.last_line_unterminated() || !looks_like_cut_frame(line))) {
        enter_trailer(line); // text after the dump (a cut frame: refused below)
        return;
      }
      fail(fmt::format("expected a frame, `created by`, `[originating from goroutine N]:` or an "
                       "empty line in the ancestors of goroutine {} (GODEBUG=tracebackancestors), "
                       "found {}",
                       m_goroutine_id, quote_excerpt(line)));
    }
  }

  void creator_file(std::string_view line) {
    FileLine file;
    if (!parse_file_line(line, file)) {
      fail(fmt::format("expected the file line of `created by {}`, found {}", m_creator,
                       quote_excerpt(line)));
    }
    m_builder.created_by(m_creator, file.file, file.line);
    take_line(file_kind(line, file.length), line.substr(0, file.length), file.length);
    // The `go` statement's offset always follows (` +0x75`): without it the line was cut.
    m_file_line_cut = file_line_cut(line, m_crash) || !offset_follows(line, file.length);
    m_has_creator = true;
    m_state = State::frames; // only an empty line, ancestors or the end may follow
  }

  void between(std::string_view line) {
    if (is_blank(line)) {
      return;
    }
    Header header;
    if (parse_header(line, line_number(), header)) {
      m_unfinished.clear();
      if (m_first_under_message && m_builder.records() == 1 && header.id == m_first_id) {
        // The goroutine read right under the crash message comes again after an empty line: the
        // first was the message's own text (`panic(fmt.Sprintf("...%s", runtime.Stack(...)))`),
        // and the dump starts here.
        m_context.out.warnings.push_back(fmt::format(
            "the crash message holds goroutine {}'s stack (lines {} on, printed into the "
            "message); read as part of the message, not as a goroutine",
            header.id, m_context.file_line(m_start_line)));
        m_builder = StackBuilder(m_context.options.limits, m_context.options.label_sets);
        m_context.ids = {};
        m_unavailable_ids.clear();
        m_first_id.clear();
        m_goroutine_one_line = 0;
        m_context.goroutine_one_line = 0;
        m_first_under_message = false;
        start_goroutine(header);
        return;
      }
      if (header.id == "1" && m_goroutine_one_line != 0) {
        // Goroutine 1 (main) is in a dump once: this is a second dump glued to the first
        // (`cat a.txt b.txt`), whose counts would add up. With only empty lines since the last
        // goroutine, where the second starts cannot be told (goroutine 1 need not be its
        // first), so neither is read whole. (Crash output separated by text, a restart loop,
        // keeps the last dump: trailer().) No line number of the first goroutine 1: a range of
        // a split file counts its lines from its start.
        fail(m_crash ? "goroutine 1 appears a second time, with no text between the two dumps "
                       "to tell where the second starts (`cat a b`?); give each dump on its own"
                     : second_goroutine_one_message());
      }
      start_goroutine(header);
      return;
    }
    if (!m_crash) {
      fail(fmt::format("expected a goroutine header like `goroutine 7 [select]:` after the empty "
                       "line, found {}",
                       quote_excerpt(line)));
    }
    // Text after the dump's last goroutine. A dump a program printed (runtime.Stack) stops where
    // its buffer was full, and more output may follow: that goroutine stops short, or the text
    // starts with the next header cut short (`goroutine 3`, `gorou` run into a log line).
    if (!m_unfinished.empty()) {
      truncated(fmt::format("{}, and text follows ({})", m_unfinished, quote_excerpt(line)), false);
      m_unfinished.clear();
    } else if (bool cut = cut_header(line); cut || header_run_into_text(line)) {
      // (A cut header that ends the input: finish() says so.)
      m_held_line.assign(line);
      line = m_held_line;
      std::string_view next;
      if (!cut || (m_lines.peek(next) && !is_blank(next))) {
        truncated(fmt::format("a goroutine header stops short ({}) after goroutine {}, and text "
                              "follows",
                              quote_excerpt(line), m_goroutine_id),
                  false);
      }
    }
    enter_trailer(line);
  }

  // Text after a goroutine that is not another one: the end of the dump, or other output written
  // between two goroutines (trailer() tells which when a header comes).
  void enter_trailer(std::string_view line) {
    m_state = State::trailer;
    m_trailer_text_line = 0;
    m_trailer_blank = true;
    m_trailer_text = false;
    m_cut_header_line = 0;
    trailer(line);
  }

  void trailer(std::string_view line) {
    if (is_html_start(line)) {
      fail(fmt::format("an HTML page follows the dump (an error page appended to the capture?): "
                       "{}; capture the dump again and give it on its own",
                       quote_excerpt(line)));
    }
    Header header;
    bool is_header = dump_header(line, header);
    if (is_header && logged_stack(header)) {
      // A stack the program logged, not a goroutine of a dump (see logged_stack): read as text.
      if (m_logged_stacks++ == 0) {
        m_logged_stack_line = line_number();
      }
      is_header = false;
    }
    if (is_header) {
      // A second dump in the same text (a restart loop, a report's copy of the crash, a debug=2
      // dump appended to a SIGQUIT log), starting at its first header, blank line before it or
      // not: see starts_next_dump.
      if (starts_next_dump(header)) {
        restart();
        start_goroutine(header);
        return;
      }
      // Otherwise other output was written between two goroutines (a log line; `docker logs`
      // merges stdout into the traceback): skipped, and the dump goes on; what it looked like
      // (a crash line, a register block) says nothing of what comes later.
      if (m_trailer_text_line != 0) {
        if (m_interleaved++ == 0) {
          m_interleaved_line = m_trailer_text_line;
        }
      }
      m_next_message.clear();
      m_in_next_message = false;
      m_registers = false;
      start_goroutine(header);
      return;
    }
    if (may_start_glued_dump(line)) {
      // The next line tells (a peek may move the buffer: `line` is kept in m_held_line).
      m_held_line.assign(line);
      line = m_held_line;
      std::string_view next;
      if (std::string_view other = m_lines.peek(next) ? glued_dump(line, next) : "";
          !other.empty()) {
        fail(fmt::format("{} follows the Go dump: give each dump on its own", other));
      }
    }
    if (is_java_banner(line) ||
        (starts_with(line, "\"") && line.find(" prio=") != std::string_view::npos &&
         line.find(" tid=") != std::string_view::npos &&
         line.find(" nid=") != std::string_view::npos)) {
      fail("a Java thread dump follows the Go dump: give each dump on its own");
    }
    if (m_registers && line == "-----") {
      m_reports_followed = true;
      m_state = State::thread_reports;
      m_report = Report::expected;
      return;
    }
    refuse_embedded_header(line);
    if (m_trailer_text_line == 0 && !is_blank(line)) {
      m_trailer_text_line = line_number();
    }
    // A goroutine header cut short, after the empty line that ends a goroutine: what the input
    // ends with when the dump was cut (runtime.Stack's buffer full, then a log line's `\n`).
    if (!is_blank(line)) {
      m_cut_header_line = m_trailer_blank && cut_header(line) ? line_number() : 0;
    }
    m_trailer_blank = is_blank(line);
    m_trailer_text = !m_trailer_blank && !is_register_line(line) && !is_crash_line(line) &&
                     !starts_with(line, "PC=0x");
    gather_crash_message(line, m_next_message, m_in_next_message); // the next dump's, if one
    m_registers = m_registers || register_dump_seen(line);
  }

  // A `[running]` goroutine right under a line of text (not Go's own: a register, a crash
  // message), with no empty line between: a stack the program wrote into its log
  // (runtime.Stack(buf, false), as net/http's `http: panic serving` does), not part of a dump.
  // Go separates each goroutine of a traceback from what comes before it with an empty line, and
  // a dump's one running goroutine (the crashing or dumping one) comes first, after its message.
  // (The other headers after text are a dump's goroutines with other output between them, as
  // `docker logs` merges streams.)
  bool logged_stack(const Header& header) const {
    return m_trailer_text && header.status == "running" && !crash_message_pending();
  }

  // A crash message (`panic:`, `fatal error:`, a signal's `PC=` line) read since the last
  // goroutine: its dump's first goroutine is next, other output perhaps between (`docker logs`).
  bool crash_message_pending() const {
    return has_line_starting(m_next_message, "panic: ") ||
           has_line_starting(m_next_message, "fatal error: ") ||
           has_line_starting(m_next_message, "PC=0x");
  }

  // Whether `line` is the start of a goroutine header and no more: `goroutine 23 `,
  // `goroutine 23 [chan rec`, `gorou`.
  static bool cut_header(std::string_view line) {
    constexpr std::string_view k_word = "goroutine ";
    line = trim_right(line);
    if (line.size() < k_word.size()) {
      return !line.empty() && starts_with(k_word, line);
    }
    if (!starts_with(line, k_word)) {
      return false;
    }
    std::string_view rest = line.substr(k_word.size());
    size_t digits = 0;
    while (digits < rest.size() && is_digit(rest[digits])) {
      ++digits;
    }
    rest = trim_left(rest.substr(digits));
    if (digits > 0 && starts_with(rest, "gp=")) { // Go 1.22+: `gp=0x... m=N mp=0x... [`
      size_t bracket = rest.find(" [");
      rest = bracket == std::string_view::npos ? std::string_view() : rest.substr(bracket + 1);
    }
    return rest.empty() ||
           (digits > 0 && rest[0] == '[' && rest.find(']') == std::string_view::npos);
  }

  // A goroutine header cut short with other text run into it (a log line after runtime.Stack's
  // full buffer, a log line's date after it): `goroutin2026/11/24 ...`, `goroutine 12026/11/24`.
  static bool header_run_into_text(std::string_view line) {
    constexpr std::string_view k_word = "goroutine ";
    size_t common = 0;
    while (common < std::min(line.size(), k_word.size()) && line[common] == k_word[common]) {
      ++common;
    }
    if (common < k_word.size()) {
      return common >= 3 && common < line.size() && is_digit(line[common]);
    }
    size_t digits = common;
    while (digits < line.size() && is_digit(line[digits])) {
      ++digits;
    }
    // (`goroutine 5: done` is a line of its own; a date's `/` or `-` right after digits is not.)
    return digits > common && digits < line.size() && (line[digits] == '/' || line[digits] == '-');
  }

  // Counts register lines in a row; true once they make a register dump.
  bool register_dump_seen(std::string_view line) {
    m_register_lines = is_register_line(line) ? m_register_lines + 1 : 0;
    return m_register_lines >= k_register_dump_lines;
  }

  // Whether a goroutine header in the trailer starts another dump. Goroutine 1 again does. So
  // does any header after a fatal signal's message (`SIGQUIT: quit` and its `PC=0x... m=N`
  // line, which no log line imitates; the goroutine the signal hit comes first, in any state).
  // After a `panic:` or `fatal error:` line, or the register dump, only a header a dump starts
  // with: the goroutine that crashed or writes the dump (`[running]`), a signal's g0
  // (`goroutine 0`), or goroutine 1 (a deadlock's `fatal error` prints it first). Any other
  // crash-like log line (`SIGTERM: terminated`) is interleaved output, whatever follows it; so
  // is a logged `panic: recovered` before a goroutine a dump does not start with.
  bool starts_next_dump(const Header& header) const {
    if (header.id == "1" && m_goroutine_one_line != 0) {
      return true;
    }
    if (has_line_starting(m_next_message, "PC=0x")) {
      return true;
    }
    bool crash = has_line_starting(m_next_message, "panic: ") ||
                 has_line_starting(m_next_message, "fatal error: ");
    return (crash || m_registers) &&
           (header.id == "0" || header.id == "1" || header.status == "running");
  }

  static bool has_line_starting(std::string_view text, std::string_view start) {
    for (size_t at = text.find(start); at != std::string_view::npos;
         at = text.find(start, at + 1)) {
      if (at == 0 || text[at - 1] == '\n') {
        return true;
      }
    }
    return false;
  }

  // GOTRACEBACK=crash's reports of the other threads (see the top of this file), each skipped up
  // to its register dump. What does not look like one goes back to the trailer: a `-----` line
  // not followed by a signal line (a banner in a restart loop's log), a second signal line (the
  // next dump's), a goroutine header after an empty line other than a g0's (a report holds no
  // goroutine of its own), text after the registers.
  void thread_reports(std::string_view line) {
    bool blank = is_blank(line);
    if (m_report == Report::expected) {
      if (blank) {
        return;
      }
      if (!(starts_with(line, "SIG") && is_crash_line(line))) {
        enter_trailer(line);
        return;
      }
      m_report = Report::open;
      m_register_lines = 0;
      m_report_registers = false;
      m_report_blank = false;
      m_report_header = false;
      m_report_pc = false;
      return;
    }
    if (line == "-----") {
      m_report = Report::expected;
      return;
    }
    Header header;
    bool is_header = !blank && !m_report_registers && parse_header(line, line_number(), header);
    if (!in_report(line, blank, is_header ? &header : nullptr)) {
      enter_trailer(line);
      return;
    }
    m_report_header = m_report_header || is_header;
    m_report_pc = m_report_pc || starts_with(line, "PC=0x");
    m_report_registers = m_report_registers || register_dump_seen(line);
    m_report_blank = blank;
  }

  // Whether a line belongs to the open thread report; `header` is the line's if it is one.
  bool in_report(std::string_view line, bool blank, const Header* header) const {
    if (is_crash_line(line)) {
      return false; // a report has one signal line: this is the next dump's message
    }
    if (m_report_registers) {
      return blank || is_register_line(line); // after its registers only they and empty lines
    }
    // The stack the signal interrupted, after its `PC=` line and an empty line: the thread's g0
    // (`goroutine 0 [idle]:`) or the goroutine the thread was running (`goroutine 23
    // [syscall]:`, in the dump already); then, with no empty line, the goroutine the g0 stack
    // ran under. Another header after an empty line is not a report's.
    return header == nullptr || header->id == "0" || !m_report_blank ||
           (m_report_pc && !m_report_header);
  }

  // Text around a dump holds no goroutine header after other text (`... goroutine 7 [select]:`):
  // that is a dump whose lines carry a log prefix not alike on every line (the prefix changes,
  // or only part of the dump has one), and what it holds would be lost.
  void refuse_embedded_header(std::string_view line) const {
    size_t at = line.find("goroutine ");
    if (at == 0 || at == std::string_view::npos || !ends_with(line, "]:")) {
      return;
    }
    if (Header header; parse_header(line.substr(at), 0, header)) {
      fail(fmt::format("a goroutine header after other text on the line ({}): part of the dump "
                       "carries a log prefix that the rest does not, or is mixed into other "
                       "output; give the dump with every line alike",
                       quote_excerpt(line)));
    }
  }

  // parse_header, but in crash output a header over `runtime/debug.Stack()` is text (see the top
  // of this file). Peeking at the next line may move the line buffer: `line` and `header` then
  // point into m_held_line.
  bool dump_header(std::string_view& line, Header& header) {
    if (!parse_header(line, line_number(), header)) {
      return false;
    }
    if (!m_crash) {
      return true;
    }
    m_held_line.assign(line);
    line = m_held_line;
    std::string_view next;
    if (m_lines.peek(next) && starts_with(trim_left(next), "runtime/debug.Stack(")) {
      return false;
    }
    return parse_header(line, line_number(), header);
  }

  // A dump a program logged in one call (`log.Printf("%s", buf)` of runtime.Stack(buf, true)):
  // the log's prefix is on its first line alone, before the `[running]` header of the goroutine
  // that took it. Taken as that header on its own line; `line` becomes the header.
  bool logged_header(std::string_view& line, Header& header) {
    size_t at = line.find("goroutine ");
    if (at == 0 || at == std::string_view::npos || !ends_with(line, "]:") || is_crash_line(line)) {
      return false; // (a crash message holding a stack is no dump's start)
    }
    std::string_view rest = line.substr(at);
    if (!dump_header(rest, header) || header.status != "running") {
      return false;
    }
    line = rest;
    return true;
  }

  bool next_is_dump_writer() {
    std::string_view next;
    return m_lines.peek(next) && starts_with(trim_left(next), k_dump_writer) &&
           starts_with(trim_left(next).substr(k_dump_writer.size()), "(");
  }

  void commit() {
    if (m_builder.records() == 0) {
      m_first_started = m_first_running && m_has_creator;
    }
    if (m_listed_before) {
      // Two threads that throw at once (`fatal error: concurrent map writes` twice) print one
      // goroutine twice: the dumping thread lists it with the others as running on another
      // thread (`stack unavailable`), and that thread prints its own stack, before the dump or
      // after it. It counts once, as first listed. Listed twice otherwise, it is refused.
      if (m_stack_unavailable || std::find(m_unavailable_ids.begin(), m_unavailable_ids.end(),
                                           m_goroutine_number) != m_unavailable_ids.end()) {
        if (m_thread_copies++ == 0) {
          m_thread_copy_line = m_record_line;
        }
        return;
      }
      m_context.ids.add(m_goroutine_number);
    } else if (m_stack_unavailable) {
      m_unavailable_ids.push_back(m_goroutine_number);
    }
    m_builder.commit(m_record_line);
    if (m_path_root != nullptr) {
      m_trie.add(m_path_root, m_path, m_builder.last_stack());
      m_path_root = nullptr;
    }
  }

  // Another dump starts at this line. The last one is kept, as a person reading the log would
  // after a restart loop, unless it is a copy of part of the one before (a crash report printing
  // the crashing goroutine again, same id first, fewer goroutines): decided by finish().
  void restart() {
    ++m_dumps;
    m_previous.emplace(PreviousDump{
        std::move(m_builder), std::exchange(m_context.ids, {}), std::exchange(m_first_id, {}),
        m_start_line, std::exchange(m_context.out.panic_message, std::move(m_next_message)),
        std::exchange(m_registers, false), m_head == Head::cut,
        std::exchange(m_goroutines_beyond_zero, 0)});
    m_reports_followed = false;
    m_head = Head::log; // the next dump starts with its crash message
    m_unavailable_ids.clear();
    m_builder = StackBuilder(m_context.options.limits, m_context.options.label_sets);
    m_trie = LineTrie(); // its stacks were the old builder's (crash output has none: no matter)
    m_goroutine_one_line = 0;
    m_interleaved = 0;
    m_interleaved_line = 0;
    m_next_message.clear();
    m_in_next_message = false;
  }

  void finish() {
    leave_walk();
    switch (m_state) {
    case State::frames:
      // The last line has no line break and is a file line that does not end as Go ends one
      // (file_line_whole): the dump may be cut inside it (`<TAB>/src/x.go:4` of `:42 +0x1d`, a
      // wrong line number; `+0x`; `fp=0xc000`). A whole one is whole enough: some saved dumps
      // just lack the final `\n`.
      if (m_lines.last_line_unterminated() && m_context.is_last_range && m_file_line_cut_risk) {
        truncated(inside_goroutine(), true);
        break;
      }
      if (m_context.is_last_range && m_file_line_cut) {
        truncated(fmt::format("{}: its last line stops inside its offset", inside_goroutine()),
                  true);
        break;
      }
      if (m_context.is_last_range && !goroutine_complete()) {
        truncated(fmt::format("{}: its stack stops at {}, before its `created by` line",
                              inside_goroutine(), stop_point()),
                  true);
        break;
      }
      commit();
      break;
    case State::header:
    case State::function_file:
    case State::creator_file:
      if (m_context.is_last_range) {
        truncated(inside_goroutine(), true);
      }
      break;
    case State::ancestors:
      // The goroutine is counted; the history after it stops before a frame's file line, or in
      // one (as above).
      if (m_context.is_last_range && (m_ancestor_file != AncestorFile::none ||
                                      (m_lines.last_line_unterminated() && m_file_line_cut_risk))) {
        truncated(fmt::format("the dump ends inside the ancestors of goroutine {} "
                              "(GODEBUG=tracebackancestors)",
                              m_goroutine_id),
                  false);
      }
      break;
    case State::between:
      // The input ends after an empty line, its last goroutine stopped short (see between()).
      if (m_context.is_last_range && !m_unfinished.empty()) {
        truncated(m_unfinished, false);
      }
      break;
    case State::trailer:
      if (m_context.is_last_range && m_cut_header_line != 0) {
        truncated(fmt::format("the dump ends inside a goroutine header, at line {}",
                              m_context.file_line(m_cut_header_line)),
                  false);
      }
      break;
    case State::thread_reports:
      if (m_report == Report::open && !m_report_registers) {
        truncated("the dump ends inside a thread's report after the goroutines "
                  "(GOTRACEBACK=crash), before its register dump",
                  false);
      }
      break;
    default: break;
    }
    // A fatal signal's message (`SIGQUIT: quit`, `PC=0x... m=0 sigcode=0`) after the dump, with
    // no goroutine after it: the next dump (a restart loop's) was cut before its first goroutine.
    if (m_crash && m_context.is_last_range && has_line_starting(m_next_message, "PC=0x")) {
      truncated(fmt::format("the input ends after another crash message ({}) but before its "
                            "first goroutine: the last dump is cut",
                            quote_excerpt(m_next_message.substr(0, m_next_message.find('\n')))),
                false);
    }
    // runtime/pprof.writeGoroutineStacks grows its buffer up to 64 MiB and stops when that is
    // full: a whole debug=2 dump is always shorter, so one of exactly 64 MiB was cut, here
    // between two goroutines.
    if (!m_crash && m_context.is_last_range && !m_truncation_seen &&
        input_size() == k_pprof_debug2_limit) {
      truncated("the dump ends between two goroutines", false);
    }
    if (!m_seen_goroutine && !m_context.at_record_start) {
      if (!m_context.out.panic_message.empty()) {
        fail(fmt::format("a Go crash message with no goroutine after it (GOTRACEBACK=none?): {}",
                         quote_excerpt(m_context.out.panic_message)));
      }
      fail("expected a goroutine header like `goroutine 1 [running]:`; found none");
    }
    if (m_dumps == 0) {
      if (m_head == Head::cut) {
        head_cut();
      }
      return;
    }
    // A copy is the crashing goroutine alone. (Not a signal's g0, goroutine 0: every SIGQUIT dump
    // starts with one; and a restarted process crashing in the same goroutine prints others.)
    if (m_previous && m_first_id == m_previous->first_id && m_first_id != "0" &&
        m_builder.records() == 1 && m_previous->builder.records() > 1) {
      m_context.out.warnings.push_back(fmt::format(
          "this input holds {} goroutine dumps; the last, from line {}, prints goroutine {} again "
          "alone (a report's copy of the crash): read the one before it, which "
          "starts at line {}",
          m_dumps + 1, m_context.file_line(m_start_line), m_first_id,
          m_context.file_line(m_previous->start_line)));
      m_builder = std::move(m_previous->builder);
      m_context.ids = std::move(m_previous->ids);
      m_context.out.panic_message = std::move(m_previous->message);
      m_registers = m_previous->registers;
      m_start_line = m_previous->start_line;
      m_goroutines_beyond_zero = m_previous->goroutines_beyond_zero;
      if (m_previous->head_cut) {
        head_cut();
      }
      return;
    }
    m_context.out.warnings.push_back(
        fmt::format("this input holds {} goroutine dumps; read the last one, which starts at "
                    "line {}",
                    m_dumps + 1, m_context.file_line(m_start_line)));
  }

  // The goroutine being read writes this debug=2 dump. A dump has one such goroutine: the other
  // goroutines stand still while it writes (the world is stopped); a second one starts a second
  // dump, glued to the first even where that one lacks a goroutine 1.
  void writer_found() {
    if (m_context.writer_line != 0) {
      throw ParseError(m_record_line, second_writer_message(m_goroutine_id));
    }
    m_context.writer_line = m_record_line;
    m_context.writer_id = m_goroutine_id;
  }

  // Crash output read whole: what the runtime prints after the goroutines is there, and they are
  // all there or the snapshot says they are not (dump-formats.md 2.2).
  // No crash message and one goroutine, running, started by a `go` statement: not a dump of
  // every goroutine (that holds main's, which no `go` starts), but one goroutine's stack, or a
  // crash's traceback at GOTRACEBACK=single whose message was cut off.
  void check_lone_goroutine() {
    if (m_context.out.panic_message.empty() && m_builder.records() == 1 && m_first_started &&
        !m_context.at_record_start && m_context.is_last_range) {
      m_context.out.partial =
          fmt::format("one goroutine's stack (goroutine {}, `[running]`), not a dump of them "
                      "all: runtime.Stack(buf, false), or a panic's traceback whose `panic:` "
                      "line was cut off; capture /debug/pprof/goroutine?debug=2 or "
                      "runtime.Stack(buf, true)",
                      m_first_id);
      m_context.out.warnings.push_back(fmt::format("this is {}", m_context.out.partial));
    }
  }

  void check_whole_crash() {
    if (!m_crash) {
      return;
    }
    if (m_interleaved != 0) {
      m_context.out.warnings.push_back(fmt::format(
          "other output between goroutines, first at line {} ({} place{}), was skipped: log "
          "lines written while the traceback was printed?",
          m_context.file_line(m_interleaved_line), m_interleaved, m_interleaved == 1 ? "" : "s"));
    }
    if (m_thread_copies != 0) {
      m_context.out.warnings.push_back(fmt::format(
          "{} goroutine{} listed a second time, first at line {}, by a thread that threw at the "
          "same time as the one printing the dump (one listing says `stack unavailable`); "
          "counted once",
          m_thread_copies, m_thread_copies == 1 ? " was" : "s were",
          m_context.file_line(m_thread_copy_line)));
    }
    if (m_logged_stacks != 0) {
      m_context.out.warnings.push_back(fmt::format(
          "{} stack{} that the program wrote into its log, first at line {} (a `[running]` "
          "goroutine right under a log line, as runtime.Stack(buf, false) or net/http's `http: "
          "panic serving` prints one), {} not read as goroutines of the dump",
          m_logged_stacks, m_logged_stacks == 1 ? "" : "s",
          m_context.file_line(m_logged_stack_line), m_logged_stacks == 1 ? "was" : "were"));
    }
    const std::string& message = m_context.out.panic_message;
    // SIGQUIT (`SIGQUIT: quit` then `PC=0x46df41 m=0 sigcode=0`) prints every goroutine, then
    // the registers: without them the dump was cut, perhaps exactly between goroutines. (Other
    // fatal signals print them too, but pasted reports often leave them out.)
    // Its goroutines follow goroutine 0: a SIGQUIT dump with no other is the end of one, the
    // reports of the other threads that GOTRACEBACK=crash prints after the goroutines (`-----`,
    // `SIGQUIT: quit`, `goroutine 0 [idle]:`).
    if (has_line_starting(message, "SIGQUIT: quit\nPC=0x") && m_goroutines_beyond_zero == 0) {
      cut_at_head(m_start_line,
                  fmt::format("the input holds no goroutine but goroutine 0 (at line {}), a "
                              "thread's own stack, and a SIGQUIT dump lists every goroutine: "
                              "this is the end of one, the reports of its threads that "
                              "GOTRACEBACK=crash prints after the goroutines",
                              m_context.file_line(m_start_line)));
      head_cut();
    }
    // Its thread reports (`-----`) follow a dump of every goroutine, the runtime's own too at
    // GOTRACEBACK=crash; a report lists its thread's g0 and the one goroutine it ran (`signal
    // arrived during cgo execution`, then `goroutine 1 [syscall]:`). Reports after a dump of one
    // goroutine beyond goroutine 0: the input starts inside the reports.
    if (has_line_starting(message, "PC=0x") && m_reports_followed &&
        m_goroutines_beyond_zero == 1 && m_head != Head::cut) {
      cut_at_head(m_start_line,
                  fmt::format("the dump at line {} lists one goroutine besides goroutine 0, "
                              "then thread reports (`-----`): it is a thread's report, which "
                              "GOTRACEBACK=crash prints after a dump of every goroutine, and the "
                              "input holds the end of such a dump",
                              m_context.file_line(m_start_line)));
      head_cut();
    }
    if (has_line_starting(message, "SIGQUIT: quit\nPC=0x") && !m_registers) {
      truncated("the dump ends without the register dump (`rax 0x...`, `r0 0x...`) that Go prints "
                "after the goroutines of a SIGQUIT dump",
                false);
    }
    // A panic at the default GOTRACEBACK=single prints the panicking goroutine alone.
    if (starts_with(message, "panic: ") && m_builder.records() == 1) {
      m_context.out.partial = "crash output showing only the panicking goroutine (Go's default "
                              "GOTRACEBACK=single); run with GOTRACEBACK=all, or capture "
                              "/debug/pprof/goroutine?debug=2, to see them all";
      m_context.out.warnings.push_back(fmt::format("this is {}", m_context.out.partial));
    }
  }

  // A goroutine ends at its `created by` line or at a root of all stacks. `runtime.goexit`,
  // under every goroutine at level 2, is one only under `runtime.main` (main's goroutine) or in
  // Go <= 1.4's C runtime: any other goroutine's `created by` follows it. In crash output a goroutine locked to its thread
  // may be a call from C, a cgo export, that text interrupts anywhere (a libFuzzer target's
  // `main.LLVMFuzzerTestOneInput` under AddressSanitizer's report); in a debug=2 dump such a
  // stack ends at its `_cgoexp_` wrapper, a root, and a locked goroutine started by `go` prints
  // its `created by` line as any other.
  // At traceback level 2 (`fp= sp= pc=` on file lines) main's goroutine goes on below main.main
  // and runtime.main to runtime.goexit.
  bool goroutine_complete() const {
    if (m_has_creator || (m_locked && m_crash && m_builder.frames_in_record() != 0) || m_at_root) {
      return true;
    }
    if (!m_go_frame_last) {
      return false;
    }
    std::string_view function = m_builder.pending_function();
    if ((function == "main.main" || function == "runtime.main") && m_level2_frames) {
      return false;
    }
    return function == "runtime.goexit" ? m_goexit_is_root : is_stack_root(function);
  }

  // Where an incomplete goroutine's stack stops: its last function, or its header.
  std::string stop_point() const {
    std::string_view function = m_builder.pending_function();
    return function.empty() ? std::string("its header") : std::string(function);
  }

  std::string inside_goroutine() const {
    // How far back, not the header's line number: a range of a split file counts its lines
    // from the range start, and the message must not depend on --threads.
    uint64_t above = m_context.file_line(line_number()) - m_context.file_line(m_record_line);
    return fmt::format("the dump ends inside goroutine {} ({})", m_goroutine_id,
                       above == 0   ? std::string("right after its header")
                       : above == 1 ? std::string("its header is the line above")
                                    : fmt::format("its header is {} lines above", above));
  }

  // `where`: what was cut; `dropped`: a goroutine read in part is left out (--allow-truncated).
  uint64_t input_size() const {
    return m_context.input_size != 0 ? m_context.input_size : m_lines.bytes_read();
  }

  void truncated(const std::string& where, bool dropped) {
    m_truncation_seen = true;
    bool at_pprof_limit = input_size() == k_pprof_debug2_limit;
    if (m_context.options.allow_truncated) {
      Truncation truncation{m_context.file_line(line_number()), where, dropped};
      m_context.out.warnings.push_back(truncation_warning(truncation));
      m_context.truncations.push_back(std::move(truncation));
      return;
    }
    if (at_pprof_limit) {
      fail(fmt::format("{}: the dump is exactly 64 MiB, the size at which the Go runtime cuts "
                       "/debug/pprof/goroutine?debug=2 without a marker. Capture ?debug=1 or the "
                       "protobuf profile (no ?debug) instead, or pass --allow-truncated to compare "
                       "what was read",
                       where));
    }
    fail(fmt::format("{}: the dump is truncated (cut download, full disk, or the 64 MiB debug=2 "
                     "limit?); capture it again, use ?debug=1 or the protobuf profile for very "
                     "large processes, or pass --allow-truncated to compare what was read",
                     where));
  }

  LineReader& m_lines;
  TextParseContext& m_context;
  StackBuilder& m_builder;
  bool m_crash;
  State m_state = State::preamble;
  std::string m_creator;
  std::vector<std::pair<std::string, std::string>> m_labels; // start_goroutine's
  std::string m_goroutine_id;
  uint64_t m_goroutine_number = 0;
  bool m_listed_before = false;            // crash output: the goroutine's id was listed before
  bool m_stack_unavailable = false;        // its stack is `stack unavailable` (running elsewhere)
  bool m_level2_frames = false;            // its file lines have `fp= sp= pc=` (traceback level 2)
  std::vector<uint64_t> m_unavailable_ids; // of the goroutines listed so, in this dump
  uint64_t m_thread_copies = 0;            // goroutines listed a second time by a throwing thread
  uint64_t m_thread_copy_line = 0;         // the first of them
  uint64_t m_record_line = 0;
  bool m_previous_blank = false;
  bool m_previous_crash_line = false;
  bool m_first_under_message = false; // the dump's first goroutine came right under its message
  bool m_in_panic_message = false;
  bool m_seen_goroutine = false;
  uint64_t m_goroutine_one_line = 0; // where goroutine 1 starts, once seen
  bool m_file_line_cut_risk = false; // the unterminated last line is a file line, not whole
  // In the ancestors: the line read last needs a file line after it (a frame's, or `created by`).
  enum class AncestorFile { none, frame, creator } m_ancestor_file = AncestorFile::none;
  bool m_truncation_seen = false;    // truncated() was called (--allow-truncated goes on)
  bool m_has_creator = false;        // the current goroutine's `created by` and its file line
  bool m_at_root = false;            // its last line may end a stack (C frame, elided, unavailable)
  bool m_go_frame_last = false;      // its last line is a Go frame's file line
  bool m_locked = false;             // its header says `locked to thread`
  bool m_last_was_runtime_main = false;  // its last function is runtime.main
  bool m_above_was_runtime_main = false; // the one before it is
  bool m_goexit_is_root = false; // its last frame is runtime.goexit under runtime.main, or Go
                                 // <= 1.4's goexit in C
  unsigned m_dumps = 0;
  std::string m_first_id;    // of the current dump's first goroutine
  bool m_first_running = false; // it is `[running]`
  bool m_reports_followed = false;       // thread reports (`-----`) follow the current dump
  bool m_first_started = false; // it is `[running]` and has a `created by` line
  // The current dump's goroutines besides goroutine 0 (a thread's own stack, a signal's g0).
  uint64_t m_goroutines_beyond_zero = 0;
  uint64_t m_start_line = 0; // of its header
  // The dump before the current one, kept until finish() knows whether the current one is only
  // a report's copy of it.
  struct PreviousDump {
    StackBuilder builder;
    GoroutineIds ids;
    std::string first_id;
    uint64_t start_line = 0;
    std::string message; // its crash message
    bool registers = false;
    bool head_cut = false; // it starts inside a goroutine
    uint64_t goroutines_beyond_zero = 0;
  };
  std::optional<PreviousDump> m_previous;
  // What the lines before the first goroutine header are (see_head_line): none yet or only empty
  // ones (`unknown`), lines of a stack (`stack`: the input starts inside one), other text (`log`);
  // `cut` once the first goroutine came after `stack`, for finish() to refuse if that dump is read.
  enum class Head { unknown, stack, log, cut } m_head = Head::unknown;
  std::string m_first_line;       // an excerpt, for head_cut()
  uint64_t m_head_cut_line = 0;   // where head_cut() says the cut is, and what it found
  bool m_running_logged = false;  // a `[running]` header read as text before the first goroutine
  bool m_report_separator = false;   // see_report_line: the last line before was `-----`
  uint64_t m_report_signal_line = 0; // the input starts with a thread's report, its signal here
  std::string m_report_signal;
  std::string m_head_cut_where;
  bool m_head_cut_dropped = false;
  bool m_registers = false;       // the dump is followed by a register dump (a fatal signal's)
  // GOTRACEBACK=crash thread reports: a `-----` line seen, its signal line not yet; or inside one.
  enum class Report { expected, open } m_report = Report::expected;
  bool m_report_registers = false; // the open report's register dump was seen
  bool m_report_blank = false;     // its last line was empty
  bool m_report_header = false;    // it showed a goroutine header
  bool m_report_pc = false;        // it showed its `PC=0x...` line
  // Register lines in a row: a register dump is a block of them (Go prints 13 to 36 lines,
  // depending on the architecture); one such line alone (`errno 0x16`) is log text.
  static constexpr unsigned k_register_dump_lines = 8;
  unsigned m_register_lines = 0;
  std::string m_held_line;         // dump_header's copy of a header line
  uint64_t m_trailer_text_line = 0; // the first text line since the last goroutine, 0: none
  bool m_file_line_cut = false;     // crash output: the last file line stops in its offset
  const LineTrie::Node* m_replayed = nullptr; // the node whose line leave_walk() replays
  std::string m_unfinished;         // why the goroutine an empty line ended stops short, if it does
  bool m_trailer_blank = true;      // the trailer's line before this one was empty
  bool m_trailer_text = false;      // or other text than Go's (registers, crash message)
  uint64_t m_cut_header_line = 0;   // the trailer's last line starts a header and stops
  uint64_t m_logged_stacks = 0;     // goroutines around the dump that a program logged
  uint64_t m_logged_stack_line = 0; // the first of them
  uint64_t m_interleaved = 0;       // stretches of other output skipped between goroutines
  uint64_t m_interleaved_line = 0;  // the first of them
  std::string m_next_message;     // a crash message in the trailer, for the dump it precedes
  bool m_in_next_message = false;
  // Repeated goroutines (LineTrie, debug=2 only). While m_walk is set, the goroutine being read
  // repeats an earlier one's lines up to that node, and the parser's state is still its header's.
  LineTrie m_trie;
  const LineTrie::Node* m_walk = nullptr;
  std::vector<const LineTrie::Node*> m_walked; // leave_walk's
  // Where the goroutine being read line by line goes in the trie, with its lines so far; null
  // when it does not (crash output, labels, the dump writer's goroutine, a full trie).
  const LineTrie::Node* m_path_root = nullptr;
  LineTrie::Path m_path;
};

} // namespace

std::string truncation_warning(const Truncation& truncation) {
  return fmt::format("TRUNCATED INPUT at line {}: {}; {} (--allow-truncated). Counts may be short.",
                     truncation.line, truncation.where,
                     truncation.dropped ? "that goroutine was dropped and the rest compared"
                                        : "compared what was read");
}

std::string second_goroutine_one_message() {
  return "goroutine 1 appears a second time: this input holds two dumps one after the other "
         "(`cat a b`?); give each dump on its own";
}

std::string second_writer_message(std::string_view goroutine_id) {
  return fmt::format("goroutine {} writes a dump (runtime/pprof.writeGoroutineStacks) as an "
                     "earlier goroutine does: this input holds two dumps one after the other "
                     "(`cat a b`?); give each dump on its own",
                     goroutine_id);
}

void parse_go_text(LineReader& lines, TextParseContext& context) {
  GoTextParser(lines, context).run();
}

} // namespace taskdiff
