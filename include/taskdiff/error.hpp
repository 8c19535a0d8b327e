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

// A limit the input passes (frames in a stack, distinct stacks, counts past 2^64): never taken
// for a line cut short, whatever line it is found on.
class LimitError : public ParseError {
public:
  using ParseError::ParseError;
};

// Shortens `text` for quoting in a message: at most `max` bytes, control bytes escaped.
std::string quote_excerpt(std::string_view text, size_t max = 60);

// Text from an input as it may reach a terminal, in a report or a message. A dump is hostile
// input: a name holding `ESC [ 2 J` or `ESC c` would clear or reset the reader's terminal. C0
// controls but tab (a nested panic's `\tpanic: ...` line) and DEL become `\x1b`, C1 controls
// (U+0080 to U+009F, which some terminals obey as ESC sequences) `\u009b`. The rest, UTF-8
// included, is kept.
std::string visible(std::string_view text);

} // namespace taskdiff
