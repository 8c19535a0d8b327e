// Go pprof count profiles as text (`/debug/pprof/goroutine?debug=1`, and the Go 1.26
// `goroutineleak` profile). dump-formats.md section 3.
//
// States:
//   preamble  empty lines; log text before the profile (a service's stdout, a capture script's
//             lines), as detection finds a profile after it: any line until a whole
//             `goroutine profile: total 217` followed by a record -> between. A first line that
//             reads as a count profile's header is the header, right or wrong -> between
//   between   empty lines; `200 @ 0x43b296 0x40708c 0x46c041` -> record
//   record    `# labels: {"handler":"audit", "tenant":"acme"}` (first only) -> record;
//             `#<TAB>0x6cb14c<TAB>main.fetch+0xac<TAB+>/src/quote.go:59` -> record;
//             `#<TAB>0x6cb14c` (no symbol) -> record; empty line or end -> between
//
// The `#` lines already omit the leading runtime frames, so no wait state can be read here;
// grouping infers what the kept frames show. Counts must add up to the header's total.
//
// Go ends every record with an empty line. A last record without one may be cut at a line break
// inside its `#` lines, which the total cannot show: it must reach the end of its `@` line, as Go
// prints a `#` line for every PC from the first non-runtime frame on but the last (goexit). Go
// ends every line with `\n` too: a last line without one that does not parse, or is the header,
// was cut, and the profile is called truncated rather than the line's text blamed.
#include <algorithm>
#include <charconv>
#include <cstring>
#include <optional>
#include <vector>

#include <fmt/format.h>

#include "go_quote.hpp"
#include "taskdiff/error.hpp"
#include "taskdiff/parse.hpp"
#include "text_util.hpp"

namespace taskdiff {

namespace {

using namespace text;

// Digits only, within 64 bits.
bool parse_count(std::string_view text, uint64_t& out) {
  if (text.empty() || !is_digit(text[0])) {
    return false;
  }
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), out);
  return error == std::errc() && end == text.data() + text.size();
}

// Why a count that parse_count refused was refused, for a message.
std::string count_problem(std::string_view text) {
  if (!text.empty() && std::all_of(text.begin(), text.end(), is_digit)) {
    return fmt::format(" (a count past 2^64, {} digits: the profile is corrupt or was edited)",
                       text.size());
  }
  return "";
}

// `0x43b296`; false for anything else.
bool parse_pc(std::string_view text, uint64_t& out) {
  if (!starts_with(text, "0x") || text.size() == 2) {
    return false;
  }
  auto [end, error] = std::from_chars(text.data() + 2, text.data() + text.size(), out, 16);
  return error == std::errc() && end == text.data() + text.size();
}

// The next run of characters other than `separator` in `rest`, which moves past it: a word of
// an `@` line (spaces), a field of a `#` line (tabs: tabwriter output).
std::string_view next_token(std::string_view& rest, char separator) {
  size_t start = rest.find_first_not_of(separator);
  if (start == std::string_view::npos) {
    rest = {};
    return {};
  }
  size_t end = rest.find(separator, start);
  std::string_view token = rest.substr(start, end == std::string_view::npos ? end : end - start);
  rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end);
  return token;
}

class GoDebug1Parser {
public:
  GoDebug1Parser(LineReader& lines, TextParseContext& context)
      : m_lines(lines), m_context(context), m_builder(context.builder) {}

  void run() {
    std::string_view line;
    while (m_lines.next(line)) {
      if (!m_lines.last_line_unterminated()) {
        step(line);
        continue;
      }
      // The input's last line has no line break, which Go ends every line with: a line that does
      // not parse was cut (a file that only lost its final `\n` ends with a whole line). So was a
      // header that parses: `total 21` of `total 217`, and no record after it.
      try {
        step(line);
      } catch (const LimitError&) {
        throw; // a limit passed, not a line cut short
      } catch (const ParseError&) {
        truncated(
            fmt::format("the profile ends in the middle of a line ({})", quote_excerpt(line)));
      }
      if (m_header_line == m_lines.line_number()) {
        truncated(fmt::format("the profile ends in the middle of its header line ({})",
                              quote_excerpt(line)));
      }
    }
    if (m_in_record && m_lines.last_line_unterminated()) {
      // Go ends every line (and the profile) with `\n`: a record cut inside a `#` line may keep
      // its count and lose frames, which the total cannot show.
      fail("the profile ends in the middle of a line, inside its last record: the dump is "
           "truncated (cut download or full disk?), or a copy lost its final line break; capture "
           "it again");
    }
    if (m_in_record && !record_reaches_its_end()) {
      fail(fmt::format("the profile ends inside its last record (line {}): its `#` lines stop "
                       "before the last PCs of its `@` line: the dump is truncated (cut download "
                       "or full disk?); capture it again",
                       m_context.file_line(m_record_line)));
    }
    end_record();
    if (m_header_line == 0 && m_text_line != 0) {
      throw ParseError(m_text_line,
                       fmt::format("expected `goroutine profile: total N`, found {}", m_text));
    }
    if (m_header_line == 0) {
      fail("expected `goroutine profile: total N`; the input is empty");
    }
  }

private:
  [[noreturn]] void fail(std::string message) const {
    throw ParseError(m_lines.line_number(), std::move(message));
  }

  // `where`: what the input's end cuts.
  [[noreturn]] void truncated(std::string_view where) const {
    fail(fmt::format("{}: the dump is truncated (cut download or full disk?); capture it again",
                     where));
  }

  void step(std::string_view line) {
    if (m_header_line == 0) {
      preamble(line);
      return;
    }
    line = trim_right(line); // trailing blanks from an editor or a paste
    if (line.empty()) {
      end_record();
    } else if (line[0] == '#') {
      hash_line(line);
    } else {
      begin_record(line);
    }
  }

  // Before the header: empty lines, or log text, as detection finds a profile after it
  // (find_go_debug1: a whole goroutine profile header, then a record). A first line that reads as
  // a count profile's header is the header, right or wrong, as it always was.
  // The line is as read (detection's view), not trimmed.
  void preamble(std::string_view line) {
    if (trim_right(line).empty()) {
      return;
    }
    std::string_view name;
    if (m_text_line == 0 && is_count_profile_header(line, name)) {
      start(trim_right(line));
      return;
    }
    if (m_text_line == 0) {
      m_text_line = m_lines.line_number();
      m_text = quote_excerpt(line);
      return;
    }
    if (!is_goroutine_profile_header(line)) {
      return;
    }
    std::string header_line(trim_right(line)); // peek() may move the buffer `line` points into
    std::string_view next;
    if (m_lines.peek(next) && is_count_record_start(next)) {
      start(header_line);
    }
  }

  void start(std::string_view line) {
    header(line);
    m_header_line = m_lines.line_number();
  }

  void header(std::string_view line) {
    size_t at = line.find(" profile: total ");
    uint64_t total = 0;
    if (at == std::string_view::npos || !parse_count(line.substr(at + 16), total)) {
      fail(fmt::format("expected `goroutine profile: total N`, found {}{}", quote_excerpt(line),
                       at == std::string_view::npos ? "" : count_problem(line.substr(at + 16))));
    }
    std::string_view name = line.substr(0, at);
    if (name == "goroutineleak") {
      m_leak = true;
      m_context.out.leak_profile = true;
    } else if (name != "goroutine") {
      fail(fmt::format("this is a `{}` profile, not a goroutine profile", name));
    }
    m_context.out.total = total;
  }

  void begin_record(std::string_view line) {
    if (m_in_record) {
      fail(fmt::format("expected a `#` line or an empty line after the record at line {}, found {}",
                       m_context.file_line(m_record_line), quote_excerpt(line)));
    }
    size_t at = line.find(" @");
    uint64_t count = 0;
    if (at == std::string_view::npos || !parse_count(line.substr(0, at), count)) {
      fail(fmt::format("expected a record like `3 @ 0x43b296 0x46b2e1`, found {}{}",
                       quote_excerpt(line),
                       at == std::string_view::npos ? "" : count_problem(line.substr(0, at))));
    }
    if (count == 0) {
      fail(fmt::format("a record of 0 goroutines ({}): Go writes none; the profile was edited",
                       quote_excerpt(line)));
    }
    m_builder.begin(count);
    if (m_leak) {
      m_builder.leaked();
    }
    m_pcs.clear();
    std::string_view rest = line.substr(at + 2);
    while (!rest.empty()) {
      std::string_view field = next_token(rest, ' ');
      uint64_t pc = 0;
      if (parse_pc(field, pc)) {
        m_pcs.push_back(pc);
      } else if (!field.empty()) {
        fail(fmt::format("expected program counters like `0x43b296` after `@`, found {}",
                         quote_excerpt(field)));
      }
    }
    if (m_pcs.empty()) {
      // Go writes a goroutine's whole stack, runtime.goexit included: never none.
      fail("this record has no program counters after `@`: was the line cut or edited?");
    }
    m_last_pc.reset();
    m_in_record = true;
    m_first_hash_line = true;
    m_record_line = m_lines.line_number();
  }

  void hash_line(std::string_view line) {
    if (!m_in_record) {
      fail(fmt::format("expected a record like `3 @ 0x43b296` before this line, found {}",
                       quote_excerpt(line)));
    }
    if (starts_with(line, "# labels: ")) {
      if (!m_first_hash_line) {
        fail("expected `# labels:` right after the `@` line");
      }
      labels(line.substr(10));
      m_first_hash_line = false;
      return;
    }
    m_first_hash_line = false;
    std::string_view rest = line.substr(1);
    // A pasted copy may have its tabs turned into spaces: the file, which may hold spaces, is then
    // the rest of the line.
    char separator = rest.find('\t') != std::string_view::npos ? '\t' : ' ';
    std::string_view pc = next_token(rest, separator);
    std::string_view function = next_token(rest, separator);
    std::string_view file_line = separator == '\t' ? next_token(rest, '\t') : trim(rest);
    uint64_t pc_value = 0;
    if (!parse_pc(pc, pc_value)) {
      fail(fmt::format("expected `#<TAB>0xPC<TAB>function+0xOFF<TAB>file:line`, found {}",
                       quote_excerpt(line)));
    }
    m_last_pc = pc_value;
    if (function.empty()) {
      // A PC that could not be symbolised: an opaque frame, as in the dump.
      m_builder.frame(pc, {}, 0, m_lines.line_number());
      return;
    }
    if (size_t offset = function.rfind("+0x"); offset != std::string_view::npos) {
      function = function.substr(0, offset);
    }
    size_t colon = file_line.rfind(':');
    uint64_t number = 0;
    if (colon == std::string_view::npos || !parse_count(file_line.substr(colon + 1), number) ||
        number > UINT32_MAX) {
      fail(fmt::format("expected `file:line` after the function, found {}", quote_excerpt(line)));
    }
    m_builder.frame(function, file_line.substr(0, colon), static_cast<uint32_t>(number),
                    m_lines.line_number());
  }

  // `{"handler":"audit", "tenant":"acme"}`
  void labels(std::string_view text) {
    if (text.empty() || text.front() != '{' || text.back() != '}') {
      fail(fmt::format("expected `# labels: {{\"key\":\"value\", ...}}`, found {}",
                       quote_excerpt(text)));
    }
    text = text.substr(1, text.size() - 2);
    std::string key;
    std::string value;
    std::string_view bad_escape;
    auto refuse_escape = [&](std::string_view what) {
      if (!bad_escape.empty()) {
        fail(fmt::format("expected {} (a Go %q string), found the escape {}, which "
                         "strconv.Unquote refuses, in {}",
                         what, quote_excerpt(bad_escape), quote_excerpt(text)));
      }
    };
    while (!text.empty()) {
      if (!read_quoted(text, key, bad_escape) || text.empty() || text[0] != ':') {
        refuse_escape("a quoted label key");
        fail(fmt::format("expected a quoted label key and `:`, found {}", quote_excerpt(text)));
      }
      text.remove_prefix(1);
      if (!read_quoted(text, value, bad_escape)) {
        refuse_escape("a quoted label value");
        fail(fmt::format("expected a quoted label value, found {}", quote_excerpt(text)));
      }
      m_builder.label(key, value);
      if (starts_with(text, ", ")) {
        text.remove_prefix(2);
      } else if (!text.empty()) {
        fail(fmt::format("expected `, ` between labels, found {}", quote_excerpt(text)));
      }
    }
  }

  // Whether the record's `#` lines reach the last or next-to-last PC of its `@` line (Go prints
  // each frame's PC, or that PC less one for a return address; goexit, always last, has no line).
  bool record_reaches_its_end() const {
    if (!m_last_pc) {
      return m_pcs.size() <= 1;
    }
    size_t from = m_pcs.size() >= 2 ? m_pcs.size() - 2 : 0;
    for (size_t i = from; i < m_pcs.size(); ++i) {
      if (*m_last_pc == m_pcs[i] || *m_last_pc + 1 == m_pcs[i]) {
        return true;
      }
    }
    return m_pcs.empty();
  }

  void end_record() {
    if (m_in_record) {
      // Go prints a `#` line for each frame but the leading runtime ones and runtime.goexit, so a
      // record without any holds one PC: a goroutine caught in goexit (`1 @ 0x46c041`).
      if (!m_last_pc && m_pcs.size() >= 2) {
        throw ParseError(m_record_line,
                         fmt::format("this record has {} program counters but no `#` frame lines: "
                                     "the profile was filtered (`grep -v '^#'`?) or edited; "
                                     "capture it again",
                                     m_pcs.size()));
      }
      if (!m_last_pc) {
        m_builder.frame("runtime.goexit", "", 0, m_record_line); // as the protobuf profile has it
      }
      m_builder.commit(m_record_line);
      m_in_record = false;
    }
  }

  LineReader& m_lines;
  TextParseContext& m_context;
  StackBuilder& m_builder;
  uint64_t m_header_line = 0; // 0 until the header is read
  uint64_t m_text_line = 0;   // the first line of text before it, if any
  std::string m_text;         // that line, quoted for a message
  bool m_leak = false;
  bool m_in_record = false;
  bool m_first_hash_line = false;
  uint64_t m_record_line = 0;
  std::vector<uint64_t> m_pcs;       // the record's `@` line
  std::optional<uint64_t> m_last_pc; // its last `#` line's
};

} // namespace

void parse_go_debug1(LineReader& lines, TextParseContext& context) {
  GoDebug1Parser(lines, context).run();
}

} // namespace taskdiff
