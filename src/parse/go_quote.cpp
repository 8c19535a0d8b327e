#include "go_quote.hpp"

#include <charconv>
#include <cstdint>

#include "text_util.hpp"

namespace taskdiff {

namespace {

using namespace text;

// The length of the escape at the start of `text` (a backslash first) as strconv.Unquote reads
// one in a double-quoted string, 0 if Go refuses it: `\x` takes exactly two hex digits, `\u` four,
// `\U` eight, an octal escape exactly three digits; `\'` belongs to rune literals only.
size_t go_escape_length(std::string_view text) {
  auto digits = [&](size_t count, bool (*is_digit_of_base)(char)) -> size_t {
    if (text.size() < 2 + count) {
      return 0;
    }
    for (size_t i = 2; i < 2 + count; ++i) {
      if (!is_digit_of_base(text[i])) {
        return 0;
      }
    }
    return 2 + count;
  };
  auto is_octal = [](char c) { return c >= '0' && c <= '7'; };
  if (text.size() < 2) {
    return 0;
  }
  switch (text[1]) {
  case 'a':
  case 'b':
  case 'f':
  case 'n':
  case 'r':
  case 't':
  case 'v':
  case '\\':
  case '"': return 2;
  case 'x': return digits(2, is_hex);
  case 'u': return digits(4, is_hex);
  case 'U': return digits(8, is_hex);
  default:
    // Octal: the escape's letter is its first digit.
    return text.size() >= 4 && is_octal(text[1]) && is_octal(text[2]) && is_octal(text[3]) ? 4 : 0;
  }
}

// Appends what an escape go_escape_length() measured stands for; false where Go refuses it (a
// surrogate, a rune past U+10FFFF, octal past \377). (By hand, not absl::CUnescape: the three
// abseil libraries it pulls in cost 0.3 MiB of resident memory in every run, and the RSS target
// row sat at its limit.)
bool decode_go_escape(std::string_view escape, std::string& out) {
  auto number = [&](size_t from, int base) {
    uint32_t value = 0;
    std::from_chars(escape.data() + from, escape.data() + escape.size(), value, base);
    return value;
  };
  switch (escape[1]) {
  case 'a': out += '\a'; return true;
  case 'b': out += '\b'; return true;
  case 'f': out += '\f'; return true;
  case 'n': out += '\n'; return true;
  case 'r': out += '\r'; return true;
  case 't': out += '\t'; return true;
  case 'v': out += '\v'; return true;
  case '\\': out += '\\'; return true;
  case '"': out += '"'; return true;
  case 'x': out += static_cast<char>(number(2, 16)); return true;
  case 'u':
  case 'U': {
    uint32_t rune = number(2, 16);
    if (rune > 0x10FFFF || (rune >= 0xD800 && rune <= 0xDFFF)) {
      return false;
    }
    if (rune < 0x80) {
      out += static_cast<char>(rune);
    } else if (rune < 0x800) {
      out += static_cast<char>(0xC0 | (rune >> 6));
      out += static_cast<char>(0x80 | (rune & 0x3F));
    } else if (rune < 0x10000) {
      out += static_cast<char>(0xE0 | (rune >> 12));
      out += static_cast<char>(0x80 | ((rune >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (rune & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (rune >> 18));
      out += static_cast<char>(0x80 | ((rune >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((rune >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (rune & 0x3F));
    }
    return true;
  }
  default: { // octal, three digits
    uint32_t byte = number(1, 8);
    if (byte > 0377) {
      return false;
    }
    out += static_cast<char>(byte);
    return true;
  }
  }
}

} // namespace

bool read_quoted(std::string_view& text, std::string& out, std::string_view& bad_escape) {
  bad_escape = {};
  if (text.empty() || text[0] != '"') {
    return false;
  }
  out.clear();
  for (size_t i = 1; i < text.size();) {
    char c = text[i];
    if (c == '"') {
      text.remove_prefix(i + 1);
      return true;
    }
    if (c == '\\') {
      size_t length = go_escape_length(text.substr(i));
      if (length == 0 || !decode_go_escape(text.substr(i, length), out)) {
        if (length == 0) { // the letter and the digits that follow it, to show what was written
          length = 2;
          while (length < 10 && i + length < text.size() && is_hex(text[i + length])) {
            ++length;
          }
        }
        bad_escape = text.substr(i, length);
        return false;
      }
      i += length;
      continue;
    }
    // Any other byte as it is. Go's own output escapes every byte that is not valid UTF-8
    // (`\xff`); one written raw (an edited file) becomes U+FFFD, as Unquote has it, when the
    // model makes names and labels valid UTF-8 (valid_utf8 in model.cpp).
    out += c;
    ++i;
  }
  return false;
}

} // namespace taskdiff
