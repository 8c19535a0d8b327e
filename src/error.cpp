#include "taskdiff/error.hpp"

#include <fmt/format.h>

namespace taskdiff {

namespace {

std::string with_location(const std::string& source, uint64_t line, const std::string& message) {
  if (source.empty()) {
    return message;
  }
  return line > 0 ? fmt::format("{}:{}: {}", source, line, message)
                  : fmt::format("{}: {}", source, message);
}

} // namespace

Error::Error(std::string source, uint64_t line, std::string message)
    : std::runtime_error(with_location(source, line, message)), m_source(std::move(source)),
      m_line(line), m_message(std::move(message)) {}

Error::Error(std::string message)
    : std::runtime_error(message), m_line(0), m_message(std::move(message)) {}

ParseError::ParseError(uint64_t line, std::string message)
    : std::runtime_error(message), m_line(line), m_message(std::move(message)) {}

std::string quote_excerpt(std::string_view text, size_t max) {
  std::string out = "\"";
  size_t shown = 0;
  for (unsigned char c : text) {
    if (shown >= max) {
      out += "...";
      break;
    }
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c == '\t') {
      out += "\\t";
    } else if (c < 0x20 || c == 0x7f) {
      out += fmt::format("\\x{:02x}", c);
    } else {
      out += static_cast<char>(c);
    }
    ++shown;
  }
  out += '"';
  return out;
}

} // namespace taskdiff
