// Errors and exit status.
//
// One way to fail: a stage throws taskdiff::Error carrying the input's name and line; the CLI
// catches it in one place, prints `FILE:LINE: message` and exits with ExitStatus::trouble.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

namespace taskdiff {

// Exit status follows diff(1).
enum class ExitStatus : int {
  no_regression = 0, // inputs read, nothing new or growing past the thresholds
  regression = 1,    // at least one finding
  trouble = 2,       // bad usage, unreadable or unparseable input, write error
};

class Error : public std::runtime_error {
public:
  // `line` is 1-based; 0 means the message is about the input as a whole.
  Error(std::string source, uint64_t line, std::string message);
  explicit Error(std::string message);

  const std::string& source() const { return m_source; }
  uint64_t line() const { return m_line; }
  const std::string& message() const { return m_message; }

private:
  std::string m_source;
  uint64_t m_line;
  std::string m_message;
};

// Thrown by a parser, which knows the line but not the input's name; the loader adds the name.
class ParseError : public std::runtime_error {
public:
  ParseError(uint64_t line, std::string message);
  uint64_t line() const { return m_line; }
  const std::string& message() const { return m_message; }

private:
  uint64_t m_line;
  std::string m_message;
};

// Shortens `text` for quoting in a message: at most `max` bytes, control bytes escaped.
std::string quote_excerpt(std::string_view text, size_t max = 60);

} // namespace taskdiff
