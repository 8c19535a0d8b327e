// Text whose every line carries a log's prefix (a dump inside container or system logs,
// dump-formats.md section 2.5): the prefix is removed from each line as the bytes stream in, so
// the parsers read the dump as the program wrote it. A CRI log's partial records are joined into
// one line; LineJoins keeps where, so that errors name the file's lines.
#include <algorithm>
#include <cstring>

#include <re2/re2.h>

#include "taskdiff/error.hpp"
#include "taskdiff/input.hpp"

namespace taskdiff {

namespace {

// Lines longer than this pass through as they are (the line reader refuses those past its limit).
constexpr size_t k_max_held = size_t{1} << 20;

class LinePrefixSource final : public ByteSource {
public:
  LinePrefixSource(std::unique_ptr<ByteSource> inner, const LinePrefix& prefix,
                   std::shared_ptr<LineJoins> joins)
      : m_inner(std::move(inner)), m_prefix(prefix), m_pattern(prefix.pattern),
        m_joins(std::move(joins)) {}

  size_t read(char* buffer, size_t capacity) override {
    while (m_out_pos == m_out.size()) {
      m_out.clear();
      m_out_pos = 0;
      if (!fill()) {
        return 0;
      }
    }
    size_t n = std::min(capacity, m_out.size() - m_out_pos);
    std::memcpy(buffer, m_out.data() + m_out_pos, n);
    m_out_pos += n;
    return n;
  }

private:
  // Moves the whole lines read so far (and at the end, the last one) to m_out, prefixes removed.
  // False at the end of the input.
  bool fill() {
    char chunk[64 * 1024];
    size_t n = m_eof ? 0 : m_inner->read(chunk, sizeof chunk);
    if (n == 0) {
      m_eof = true;
      if (m_in.empty()) {
        return false;
      }
      emit_line(m_in, false);
      m_in.clear();
      return true;
    }
    m_in.append(chunk, n);
    size_t start = 0;
    for (;;) {
      const void* newline = std::memchr(m_in.data() + start, '\n', m_in.size() - start);
      if (newline == nullptr) {
        break;
      }
      size_t end = static_cast<size_t>(static_cast<const char*>(newline) - m_in.data());
      emit_line(std::string_view(m_in).substr(start, end - start), true);
      start = end + 1;
    }
    m_in.erase(0, start);
    if (m_in.size() > k_max_held) {
      m_out.append(m_in); // no line break in sight: not a log line; pass it on as it is
      m_in.clear();
    }
    return true;
  }

  void emit_line(std::string_view line, bool terminated) {
    re2::StringPiece after(line.data(), line.size());
    re2::StringPiece flag;
    bool matched = m_prefix.cri ? RE2::Consume(&after, m_pattern, &flag)
                                : RE2::Consume(&after, m_pattern);
    std::string_view rest(after.data(), after.size());
    if (!matched) {
      rest = line; // a line without the prefix is passed on whole: the parser judges it
    } else if (m_prefix.syslog_tabs) {
      // rsyslog writes each tab as `#011`: a Go frame's leading one, and a debug=1 frame line's
      // inner ones (`#<TAB>0x6a7828<TAB>main.worker+0x48<TAB>/src/main.go:42`).
      for (size_t at; (at = rest.find("#011")) != std::string_view::npos;) {
        m_out.append(rest.substr(0, at));
        m_out += '\t';
        rest.remove_prefix(at + 4);
      }
    }
    m_out.append(rest);
    // CRI: `P` marks a partial line, continued by the next record.
    if (!terminated) {
      return;
    }
    if (matched && flag.size() == 1 && flag[0] == 'P') {
      if (m_joins) {
        m_joins->joined(m_text_line);
      }
    } else {
      m_out += '\n';
      ++m_text_line;
    }
  }

  std::unique_ptr<ByteSource> m_inner;
  LinePrefix m_prefix;
  RE2 m_pattern;
  std::string m_in;
  std::string m_out;
  size_t m_out_pos = 0;
  bool m_eof = false;
  std::shared_ptr<LineJoins> m_joins;
  uint64_t m_text_line = 1; // the line of the text m_out is writing
};

} // namespace

uint64_t LineJoins::file_line(uint64_t text_line) const {
  auto before = std::lower_bound(m_lines.begin(), m_lines.end(), text_line) - m_lines.begin();
  return text_line + static_cast<uint64_t>(before);
}

std::unique_ptr<ByteSource> strip_line_prefix(std::unique_ptr<ByteSource> source,
                                              const LinePrefix& prefix,
                                              std::shared_ptr<LineJoins> joins) {
  return std::make_unique<LinePrefixSource>(std::move(source), prefix, std::move(joins));
}

void Input::strip_line_prefix(const LinePrefix& prefix) {
  auto joins = std::make_shared<LineJoins>();
  m_joins = joins;
  m_source = taskdiff::strip_line_prefix(take_source(), prefix, std::move(joins));
  m_plain.reset(); // its byte offsets are not the text's any more
  m_head.clear();
  fill_head();
}

} // namespace taskdiff
