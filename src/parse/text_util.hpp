// Small text predicates shared by the line-oriented parsers and the detector.
#pragma once

#include <algorithm>
#include <bit>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace taskdiff::text {

inline bool starts_with(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() &&
         std::memcmp(text.data(), prefix.data(), prefix.size()) == 0;
}

inline bool ends_with(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() &&
         std::memcmp(text.data() + text.size() - suffix.size(), suffix.data(), suffix.size()) == 0;
}

inline bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// The decimal number `text` starts with, and in `digits` how many digits it has (0: none). The
// value wraps past 2^64: a caller that takes long numbers checks them itself. Up to eight digits
// are read at once, as one word (a goroutine id in each header of a large dump, a digit at a time,
// was a twentieth of its parse).
inline uint64_t leading_decimal(std::string_view text, size_t& digits) {
  if constexpr (std::endian::native == std::endian::little) {
    if (text.size() >= 8) {
      uint64_t word;
      std::memcpy(&word, text.data(), 8);
      // A byte's high bit is set in `beyond` when it is not a digit (below '0' the subtraction
      // wraps, above '9' adding 0x76 reaches 0x80). A borrow or a carry reaches only the bytes
      // after such a byte, which are not counted.
      uint64_t offset = word - 0x3030303030303030;
      uint64_t beyond = ((offset + 0x7676767676767676) | offset) & 0x8080808080808080;
      if (beyond != 0) {
        digits = static_cast<size_t>(__builtin_ctzll(beyond)) / 8;
        if (digits == 0) {
          return 0;
        }
        // The digits to the top bytes, zeros (leading zeros) below; then pairs, fours and
        // eights of digits combined.
        uint64_t v = (offset & 0x0f0f0f0f0f0f0f0f) << (8 * (8 - digits));
        v = (v * (1 + (10 << 8))) >> 8;
        v = ((v & 0x00ff00ff00ff00ff) * (1 + (100 << 16))) >> 16;
        return ((v & 0x0000ffff0000ffff) * (1 + (uint64_t{10000} << 32))) >> 32;
      }
    }
  }
  uint64_t value = 0;
  size_t at = 0;
  for (; at < text.size() && is_digit(text[at]); ++at) {
    value = value * 10 + static_cast<uint64_t>(text[at] - '0');
  }
  digits = at;
  return value;
}

// How many ASCII digits `text` ends with.
inline size_t trailing_digits(std::string_view text) {
  size_t digits = 0;
  while (digits < text.size() && is_digit(text[text.size() - 1 - digits])) {
    ++digits;
  }
  return digits;
}

// One or more ASCII digits and nothing else.
inline bool all_digits(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), is_digit);
}

inline bool is_hex(char c) {
  return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

inline bool is_space(char c) {
  return c == ' ' || c == '\t';
}

inline bool is_blank(std::string_view line) {
  for (char c : line) {
    if (c != ' ' && c != '\t') {
      return false;
    }
  }
  return true;
}

inline std::string_view trim_left(std::string_view text) {
  size_t begin = 0;
  while (begin < text.size() && (text[begin] == ' ' || text[begin] == '\t')) {
    ++begin;
  }
  return text.substr(begin);
}

// Spaces and tabs at the end: editors and copy-paste add them, Go never writes them.
inline std::string_view trim_right(std::string_view text) {
  if (text.empty() || static_cast<unsigned char>(text.back()) > ' ') {
    return text; // nearly every line: one test
  }
  size_t end = text.size();
  while (end > 0 && (text[end - 1] == ' ' || text[end - 1] == '\t')) {
    --end;
  }
  return text.substr(0, end);
}

inline std::string_view trim(std::string_view text) {
  return trim_left(trim_right(text));
}

// `<!DOCTYPE html` or `<html` in any case: the start of an HTML page, such as a proxy's error page
// appended to a capture.
inline bool is_html_start(std::string_view line) {
  line = trim_left(line);
  auto starts_with_nocase = [line](std::string_view prefix) {
    return line.size() >= prefix.size() &&
           std::equal(prefix.begin(), prefix.end(), line.begin(), [](char p, char c) {
             return p == (c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
           });
  };
  return starts_with_nocase("<!doctype html") || starts_with_nocase("<html");
}

// `goroutine 12 [` or `goroutine 12 gp=`: the start of a Go goroutine record.
inline bool is_goroutine_header(std::string_view line) {
  if (!starts_with(line, "goroutine ")) {
    return false;
  }
  size_t i = 10;
  while (i < line.size() && is_digit(line[i])) {
    ++i;
  }
  if (i == 10) {
    return false;
  }
  std::string_view rest = line.substr(i);
  return starts_with(rest, " [") || starts_with(rest, " gp=");
}

// java.time.Instant.toString(): `2026-11-22T23:55:21.218495962Z` (fraction optional).
inline bool is_instant(std::string_view text) {
  if (text.size() < 20 || text.back() != 'Z') {
    return false;
  }
  for (size_t i = 0; i < 19; ++i) {
    char expected = i == 4 || i == 7 ? '-' : i == 10 ? 'T' : i == 13 || i == 16 ? ':' : '0';
    if (expected == '0' ? !is_digit(text[i]) : text[i] != expected) {
      return false;
    }
  }
  std::string_view rest = text.substr(19, text.size() - 20);
  return rest.empty() || (rest[0] == '.' && all_digits(rest.substr(1)));
}

// The dump of another kind that starts at `line`, `next` the line after it: for a parser to
// refuse two dumps glued together rather than read one and drop the other; empty when none
// does. Only what such a dump's first two lines hold together: a program's own output after a
// dump (`{"event":"threadDump"}`, a number then a time) must not be taken for one.
// (Thread.dump_to_file text, a pid then a time then a version, takes three: jstack's reader.)
inline bool may_start_glued_dump(std::string_view line) {
  return starts_with(line, "goroutine profile: total ") || starts_with(line, "{");
}

inline std::string_view glued_dump(std::string_view line, std::string_view next) {
  constexpr std::string_view k_debug1 = "goroutine profile: total ";
  if (starts_with(line, k_debug1) && all_digits(line.substr(k_debug1.size()))) {
    size_t count = 0;
    while (count < next.size() && is_digit(next[count])) {
      ++count;
    }
    if (count != 0 && starts_with(next.substr(count), " @ 0x")) {
      return "a Go debug=1 profile";
    }
  }
  std::string_view first = trim(next);
  if ((line == "{" && (starts_with(first, "\"threadDump\": {") ||
                       starts_with(first, "\"schema\": \"taskdiff."))) ||
      starts_with(line, "{\"threadDump\":") || starts_with(line, "{\"schema\":\"taskdiff.") ||
      starts_with(line, "{\"schema\": \"taskdiff.")) {
    return "a JSON dump (Thread.dump_to_file, a taskdiff snapshot or task list)";
  }
  return {};
}

// A Java runtime version as Thread.dump_to_file prints it on its third line: `25.0.3+9-LTS`,
// `21.0.1+12-29`, `17+35` (Runtime.version(): a build number or an update after the feature
// release; a number alone is not one).
inline bool is_java_version(std::string_view line) {
  size_t digits = 0;
  while (digits < line.size() && is_digit(line[digits])) {
    ++digits;
  }
  return digits != 0 && digits < line.size() && (line[digits] == '.' || line[digits] == '+') &&
         std::all_of(line.begin(), line.end(), [](char c) {
           return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '.' ||
                  c == '+' || c == '-' || c == '_';
         });
}

// `goroutine profile: total 217`, `threadcreate profile: total 9`: a Go count profile's header in
// debug=1 text; `name` is the profile's kind.
inline bool is_count_profile_header(std::string_view line, std::string_view& name) {
  auto pos = line.find(" profile: total ");
  if (pos == std::string_view::npos || pos == 0) {
    return false;
  }
  name = line.substr(0, pos);
  return std::all_of(name.begin(), name.end(), [](char c) {
    return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  });
}

// A goroutine (or goroutineleak) profile's header, whole: `goroutine profile: total 217` and
// nothing after the count. After log text, only such a line starts a debug=1 profile.
inline bool is_goroutine_profile_header(std::string_view line) {
  std::string_view name;
  return is_count_profile_header(line, name) && (name == "goroutine" || name == "goroutineleak") &&
         all_digits(trim_right(line.substr(name.size() + 16)));
}

// The first line of a debug=1 record: `200 @ 0x43b296 0x40708c`.
inline bool is_count_record_start(std::string_view line) {
  size_t digits = 0;
  while (digits < line.size() && is_digit(line[digits])) {
    ++digits;
  }
  return digits != 0 && starts_with(line.substr(digits), " @ 0x");
}

// The first lines of a Go crash: `panic: ...`, `fatal error: ...`, `SIGQUIT: quit`,
// `[signal SIGSEGV: ...]`, `runtime: ...`.
inline bool is_crash_line(std::string_view line) {
  if (starts_with(line, "panic: ") || starts_with(line, "fatal error: ") ||
      starts_with(line, "[signal ") || starts_with(line, "runtime: ") ||
      starts_with(line, "unexpected fault address")) {
    return true;
  }
  if (starts_with(line, "SIG")) {
    size_t colon = line.find(": ");
    return colon != std::string_view::npos && colon <= 10;
  }
  return false;
}

// HotSpot's banner, `Full thread dump OpenJDK 64-Bit Server VM (17.0.15+6 mixed mode, sharing):`;
// a log line that only starts with those words (`Full thread dump requested by ops`) is not one.
inline bool is_java_banner(std::string_view line) {
  line = trim(line);
  return starts_with(line, "Full thread dump ") && ends_with(line, "):");
}

} // namespace taskdiff::text
