#include <cstring>
#include <utility>

#include <fmt/format.h>

#include "taskdiff/error.hpp"
#include "taskdiff/input.hpp"

namespace taskdiff {

namespace {
constexpr size_t k_initial_capacity = 1 << 18;
}

LineReader::LineReader(ByteSource& source, size_t max_line_bytes, uint64_t first_line_number)
    : m_source(source), m_max_line(max_line_bytes), m_buffer(new char[k_initial_capacity]),
      m_capacity(k_initial_capacity), m_line_number(first_line_number - 1) {}

bool LineReader::refill() {
  if (m_begin > 0) {
    std::memmove(m_buffer.get(), m_buffer.get() + m_begin, m_end - m_begin);
    if (m_nul_index != SIZE_MAX) {
      m_nul_index -= m_begin; // never behind m_begin: the line holding it was refused
    }
    m_end -= m_begin;
    m_begin = 0;
  }
  if (m_end == m_capacity) {
    size_t capacity = m_capacity * 2;
    std::unique_ptr<char[]> bigger(new char[capacity]);
    std::memcpy(bigger.get(), m_buffer.get(), m_end);
    m_buffer = std::move(bigger);
    m_capacity = capacity;
  }
  size_t n;
  try {
    n = m_source.read(m_buffer.get() + m_end, m_capacity - m_end);
  } catch (const Error& error) {
    // A source fails mid-stream (a cut gzip, a read error): say where the text stopped.
    throw ParseError(m_line_number + 1, error.message());
  }
  if (n == 0) {
    m_eof = true;
    return false;
  }
  if (m_first_nul == UINT64_MAX) {
    if (const void* nul = std::memchr(m_buffer.get() + m_end, '\0', n)) {
      m_nul_index = static_cast<size_t>(static_cast<const char*>(nul) - m_buffer.get());
      m_first_nul = m_bytes_read + (m_nul_index - m_end);
    }
  }
  m_end += n;
  m_bytes_read += n;
  return true;
}

bool LineReader::next_slow(std::string_view& line) {
  if (m_peeked) {
    m_peeked = false;
    m_fast = m_fast_after_peek;
    line = m_peek_line;
    ++m_line_number;
    return true;
  }
  size_t scanned = m_begin;
  uint64_t line_offset = 0; // of the line's first byte from the source's start
  for (;;) {
    line_offset = m_bytes_read - (m_end - m_begin);
    const char* start = m_buffer.get() + scanned;
    auto* newline = static_cast<const char*>(std::memchr(start, '\n', m_end - scanned));
    if (newline != nullptr) {
      size_t length = static_cast<size_t>(newline - (m_buffer.get() + m_begin));
      if (length > m_max_line) {
        throw ParseError(m_line_number + 1,
                         fmt::format("line longer than {} bytes (the line-length limit); this is "
                                     "not a line-oriented dump, or it lost its line breaks",
                                     m_max_line));
      }
      line = std::string_view(m_buffer.get() + m_begin, length);
      m_begin += length + 1;
      break;
    }
    if (m_end - m_begin > m_max_line) {
      throw ParseError(m_line_number + 1,
                       fmt::format("line longer than {} bytes (the line-length limit); this is not "
                                   "a line-oriented dump, or it lost its line breaks",
                                   m_max_line));
    }
    size_t scanned_in_line = m_end - m_begin; // no newline in there: do not scan it again
    if (m_eof || !refill()) {
      if (m_begin == m_end) {
        m_fast = false; // refill() may have moved the buffer under m_scanned: a next() after the
                        // end (one after a peek() that found none) must come back here
        return false;
      }
      line = std::string_view(m_buffer.get() + m_begin, m_end - m_begin);
      m_begin = m_end;
      m_unterminated = true;
      break;
    }
    scanned = m_begin + scanned_in_line;
  }
  if (m_first_nul >= line_offset && m_first_nul < line_offset + line.size()) {
    throw ParseError(m_line_number + 1,
                     fmt::format("a NUL byte at column {}: this is not text; the file is corrupt "
                                 "(a crash or full disk while it was written?) or binary",
                                 m_first_nul - line_offset + 1));
  }
  if (!line.empty() && line.back() == '\r') {
    line.remove_suffix(1);
  }
  if (line_offset == 0 && line.substr(0, 3) == "\xef\xbb\xbf") {
    // A UTF-8 byte order mark (a dump saved by a Windows editor): detection skips it, so must
    // the parsers.
    line.remove_prefix(3);
  }
  m_fast = true;
  m_scanned = m_begin;
  m_newlines = 0;
  ++m_line_number;
  return true;
}

bool LineReader::peek(std::string_view& line) {
  if (m_peeked) {
    line = m_peek_line;
    return true;
  }
  if (!next(line)) {
    return false;
  }
  --m_line_number;
  m_peeked = true;
  m_fast_after_peek = std::exchange(m_fast, false);
  m_peek_line = line;
  return true;
}

} // namespace taskdiff
