// Bytes in: files, stdin and memory behind one interface, gzip inflated transparently.
//
// An Input is opened once; its first bytes are peeked (for gzip magic and format detection)
// without being consumed. Reading is streaming: at no point is a whole input held in memory.
#pragma once

#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "taskdiff/limits.hpp"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace taskdiff {

class ByteSource {
public:
  virtual ~ByteSource() = default;
  // Reads up to `capacity` bytes into `buffer`; returns 0 only at the end. Throws Error.
  virtual size_t read(char* buffer, size_t capacity) = 0;
};

// A regular, uncompressed file can be read in byte ranges by several threads at once.
struct PlainFile {
  std::string path;
  uint64_t size = 0;
};

// A log's per-line prefix around a dump (`2024-05-01T12:00:00.123Z `, a CRI log's
// `... stderr F `, journald's `Nov 23 12:00:00 host app[42]: `): an RE2 pattern matched at each
// line's start. `cri`: its one capture group is the CRI flag, `P` for a partial line that the
// next record continues. `syslog_tabs`: a leading `#011` after it is rsyslog's escaped tab.
struct LinePrefix {
  std::string name; // for messages: what it is (`the prefix of journald or syslog`)
  std::string pattern;
  bool cri = false;
  bool syslog_tabs = false;
};

// Where the lines of a log with its prefixes removed came from: a CRI log's partial (`P`) record
// and the records continuing it make one line, so the text's line N is the file's line N plus
// the records joined in the lines before it.
class LineJoins {
public:
  // One more record joined into the text's line `line` (1-based), in order.
  void joined(uint64_t line) { m_lines.push_back(line); }
  uint64_t file_line(uint64_t text_line) const;

private:
  std::vector<uint64_t> m_lines; // ascending
};

// `source` with `prefix` removed from each line that has it; other lines pass whole. `joins`, if
// given, learns the CRI records joined.
std::unique_ptr<ByteSource> strip_line_prefix(std::unique_ptr<ByteSource> source,
                                              const LinePrefix& prefix,
                                              std::shared_ptr<LineJoins> joins = nullptr);

class Input {
public:
  // `path` `-` is standard input. Throws Error (missing, a directory, unreadable...).
  static Input open(const std::string& path, const Limits& limits);
  // For tests and fuzzers: the bytes are copied.
  static Input from_memory(std::string name, std::string_view bytes, const Limits& limits = {});

  const std::string& name() const { return m_name; }
  bool gzipped() const { return m_gzipped; }
  // The first bytes of the (decompressed) content, up to 64 KiB (or what extend_head() asked
  // for); not consumed.
  std::string_view head() const { return m_head; }
  // Peeks further: the head grows to `max_bytes` or the content's end, still not consumed (held
  // in memory until read, so `max_bytes` bounds what it costs).
  void extend_head(size_t max_bytes);
  // Set when the input is a plain regular file (not gzip, not a pipe): parsers may split it.
  const std::optional<PlainFile>& plain_file() const { return m_plain; }
  // The content, from its first byte (the head included). Callable once.
  std::unique_ptr<ByteSource> take_source();
  const Limits& limits() const { return m_limits; }
  // From here on, the content without `prefix` on its lines (the head too); no longer a plain file.
  void strip_line_prefix(const LinePrefix& prefix);
  // The line of the file that a line of the content, as read, starts on: they differ where
  // strip_line_prefix joined a CRI log's partial records.
  uint64_t file_line(uint64_t line) const { return m_joins ? m_joins->file_line(line) : line; }

  Input(Input&&) noexcept;
  Input& operator=(Input&&) noexcept;
  ~Input();

private:
  Input() = default;
  void fill_head();

  std::string m_name;
  Limits m_limits;
  bool m_gzipped = false;
  std::string m_head;
  std::optional<PlainFile> m_plain;
  std::unique_ptr<ByteSource> m_source; // positioned after m_head
  std::shared_ptr<const LineJoins> m_joins;
};

// A ByteSource over bytes [begin, end) of a regular file (pread; no mapping, so pages read are
// not held resident).
std::unique_ptr<ByteSource> open_file_range(const std::string& path, uint64_t begin, uint64_t end);

// Reads the source on a second thread, a few chunks ahead of the consumer: for gzip the inflate
// runs beside the parser.
std::unique_ptr<ByteSource> prefetch(std::unique_ptr<ByteSource> source);

// Splits a source into lines. A line excludes its `\n` and a `\r` before it. Lines are views
// valid until the next call to next() or peek(). Throws ParseError for a line longer than the limit
// or one that holds a NUL byte.
class LineReader {
public:
  LineReader(ByteSource& source, size_t max_line_bytes, uint64_t first_line_number = 1);

  bool next(std::string_view& line) {
    // The fast path, taken for nearly every line: a whole line in the buffer, before any NUL
    // byte, within the length limit. Newlines are found 64 bytes at a time, as a bit mask that
    // serves the next few lines (a memchr call per line was a sixth of a debug=2 parse).
    // Everything else (the first line's byte order mark, peeked lines, the buffer's last bytes,
    // refills, errors) is next_slow's.
    if (m_fast) {
      while (m_newlines == 0 && m_end - m_scanned >= 64) {
        m_newlines = newline_mask(m_buffer.get() + m_scanned);
        m_scanned += 64;
      }
      if (m_newlines != 0) {
        size_t newline = m_scanned - 64 + static_cast<size_t>(__builtin_ctzll(m_newlines));
        size_t length = newline - m_begin;
        if (newline < m_nul_index && length <= m_max_line) {
          m_newlines &= m_newlines - 1;
          const char* start = m_buffer.get() + m_begin;
          m_begin = newline + 1;
          if (length != 0 && start[length - 1] == '\r') {
            --length;
          }
          line = std::string_view(start, length);
          ++m_line_number;
          return true;
        }
      }
    }
    return next_slow(line);
  }
  // Number of the line last returned (1-based).
  uint64_t line_number() const { return m_line_number; }
  // True once the last line returned was the input's last and it had no `\n`.
  bool last_line_unterminated() const { return m_unterminated; }
  // Bytes taken from the source so far.
  uint64_t bytes_read() const { return m_bytes_read; }
  // Lets the caller look at the next line without consuming it.
  bool peek(std::string_view& line);

private:
  bool next_slow(std::string_view& line);
  bool refill();

  // Bit i set when p[i] is a newline.
  static uint64_t newline_mask(const char* p) {
#if defined(__SSE2__)
    const __m128i newline = _mm_set1_epi8('\n');
    uint64_t mask = 0;
    for (int i = 0; i < 4; ++i) {
      __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16 * i));
      auto bits = static_cast<uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(bytes, newline)));
      mask |= uint64_t{bits} << (16 * i);
    }
    return mask;
#else
    uint64_t mask = 0;
    for (int i = 0; i < 64; ++i) {
      mask |= uint64_t{p[i] == '\n'} << i;
    }
    return mask;
#endif
  }

  ByteSource& m_source;
  size_t m_max_line;
  std::unique_ptr<char[]> m_buffer;
  size_t m_capacity;
  size_t m_begin = 0;
  size_t m_end = 0;
  bool m_eof = false;
  bool m_unterminated = false;
  bool m_peeked = false;
  std::string_view m_peek_line;
  uint64_t m_line_number;
  uint64_t m_bytes_read = 0;
  // Offset from the source's start of the first NUL byte read, if any: no text dump holds one
  // (a file system hole after a crash does), so the line holding it is an error.
  uint64_t m_first_nul = UINT64_MAX;
  size_t m_nul_index = SIZE_MAX; // the same NUL as an index in m_buffer
  // The fast path may run: the first line (and its byte order mark) is behind us, and no line
  // is peeked (m_fast_after_peek is what it returns to then).
  bool m_fast = false;
  bool m_fast_after_peek = false;
  // The fast path's newline search: bit i of m_newlines is a newline at m_scanned - 64 + i, for
  // the positions at or after m_begin; none before m_scanned otherwise. next_slow resets both.
  size_t m_scanned = 0;
  uint64_t m_newlines = 0;
};

} // namespace taskdiff
