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

// A C1 control (U+0080 to U+009F) starts at `i`: its second byte, else 0.
unsigned char c1_control_at(std::string_view text, size_t i) {
  if (i + 1 >= text.size() || static_cast<unsigned char>(text[i]) != 0xc2) {
    return 0;
  }
  auto next = static_cast<unsigned char>(text[i + 1]);
  return next >= 0x80 && next <= 0x9f ? next : 0;
}

// Appends the character at `i` to `out`, a C0 control but tab, DEL or a C1 control escaped
// (`\x1b`, `\u009b`); returns where the next character starts.
size_t append_visible(std::string& out, std::string_view text, size_t i) {
  auto c = static_cast<unsigned char>(text[i]);
  if ((c < 0x20 && c != '\t') || c == 0x7f) {
    out += fmt::format("\\x{:02x}", c);
    return i + 1;
  }
  if (unsigned char c1 = c1_control_at(text, i); c1 != 0) {
    out += fmt::format("\\u{:04x}", c1);
    return i + 2;
  }
  out += static_cast<char>(c);
  return i + 1;
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
  for (size_t i = 0; i < text.size();) {
    if (i >= max) {
      out += "...";
      break;
    }
    char c = text[i];
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
      ++i;
    } else if (c == '\t') {
      out += "\\t";
      ++i;
    } else {
      i = append_visible(out, text, i);
    }
  }
  out += '"';
  return out;
}

std::string visible(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    i = append_visible(out, text, i);
  }
  return out;
}

} // namespace taskdiff
