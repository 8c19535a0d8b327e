#include "json_reader.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <istream>

#include <fmt/format.h>

#include "taskdiff/error.hpp"

namespace taskdiff {

namespace {

// A number as written, shortened for a message: it may be megabytes of digits.
std::string number_excerpt(std::string_view text) {
  constexpr size_t k_shown = 40;
  if (text.size() <= k_shown) {
    return std::string(text);
  }
  return fmt::format("{}... ({} characters)", text.substr(0, k_shown), text.size());
}

} // namespace

JsonSourceBuffer::JsonSourceBuffer(ByteSource& source)
    : m_source(source), m_buffer(new char[k_size]) {
  setg(m_buffer.get(), m_buffer.get(), m_buffer.get());
}

uint64_t JsonSourceBuffer::line() const {
  return m_lines_before + 1 + static_cast<uint64_t>(std::count(eback(), gptr(), '\n'));
}

JsonSourceBuffer::int_type JsonSourceBuffer::underflow() {
  if (gptr() < egptr()) {
    return traits_type::to_int_type(*gptr());
  }
  m_lines_before += static_cast<uint64_t>(std::count(eback(), egptr(), '\n'));
  size_t n;
  try {
    n = m_source.read(m_buffer.get(), k_size);
  } catch (const Error& error) {
    // A source failing mid-stream (a cut gzip, the size limit): say where the text stopped.
    throw ParseError(m_lines_before + 1, error.message());
  }
  setg(m_buffer.get(), m_buffer.get(), m_buffer.get() + n);
  return n == 0 ? traits_type::eof() : traits_type::to_int_type(*gptr());
}

std::string_view json_type_name(JsonType type) {
  switch (type) {
  case JsonType::null: return "null";
  case JsonType::boolean: return "a boolean";
  case JsonType::number: return "a number";
  case JsonType::string: return "a string";
  case JsonType::object: return "an object";
  case JsonType::array: return "an array";
  }
  return "a value";
}

JsonReader::JsonReader(JsonSourceBuffer& buffer, size_t max_string_bytes)
    : m_buffer(buffer), m_max_string(max_string_bytes) {}

void JsonReader::run() {
  std::istream stream(&m_buffer);
  // Strict: one value, then only white space. Comments are not JSON.
  json::sax_parse(stream, this, json::input_format_t::json, true, false);
}

bool JsonReader::null() {
  JsonScalar value;
  return on_scalar(value);
}

bool JsonReader::boolean(bool b) {
  JsonScalar value;
  value.type = JsonType::boolean;
  value.boolean = b;
  return on_scalar(value);
}

bool JsonReader::number_integer(json::number_integer_t number) {
  JsonScalar value;
  value.type = JsonType::number;
  value.integral = true;
  value.negative = number < 0;
  value.magnitude =
      number < 0 ? uint64_t{0} - static_cast<uint64_t>(number) : static_cast<uint64_t>(number);
  return on_scalar(value);
}

bool JsonReader::number_unsigned(json::number_unsigned_t number) {
  JsonScalar value;
  value.type = JsonType::number;
  value.integral = true;
  value.magnitude = number;
  return on_scalar(value);
}

bool JsonReader::number_float(json::number_float_t, const json::string_t& text) {
  JsonScalar value;
  value.type = JsonType::number;
  std::string copy = text;
  value.text = &copy; // the number as written, for messages
  return on_scalar(value);
}

bool JsonReader::string(json::string_t& text) {
  if (m_skip > 0) {
    return true;
  }
  if (text.size() > m_max_string) {
    fail(fmt::format("a string of {} bytes, over the line-length limit of {} bytes", text.size(),
                     m_max_string));
  }
  JsonScalar value;
  value.type = JsonType::string;
  value.text = &text;
  return on_scalar(value);
}

bool JsonReader::binary(json::binary_t&) {
  fail("binary data in a JSON text"); // only the binary formats (CBOR...) produce this
}

bool JsonReader::start_object(std::size_t) {
  return open(JsonType::object);
}

bool JsonReader::end_object() {
  return close();
}

bool JsonReader::start_array(std::size_t) {
  return open(JsonType::array);
}

bool JsonReader::end_array() {
  return close();
}

bool JsonReader::key(json::string_t& name) {
  if (m_skip > 0) {
    return true;
  }
  Level& level = m_path.back();
  level.key = name; // set before the check, so the message names this key
  level.in_member = true;
  if (name.size() > m_max_string) {
    fail(fmt::format("a key of {} bytes, over the line-length limit of {} bytes", name.size(),
                     m_max_string));
  }
  return true;
}

bool JsonReader::parse_error(std::size_t, const std::string& token,
                             const nlohmann::detail::exception& error) {
  if (error.id == 406) {
    // out_of_range.406: a number past a double's range, `1e400`, which nlohmann cannot hold.
    throw ParseError(m_buffer.line(),
                     fmt::format("{}: expected a number between -1.8e308 and 1.8e308, found {}",
                                 path(), number_excerpt(token)));
  }
  std::string what = error.what();
  // `[json.exception.parse_error.101] parse error at line 3, column 5: syntax error while
  // parsing value - invalid literal; last read: '...'`: keep the part after the position.
  if (size_t colon = what.find(": "); colon != std::string::npos) {
    what = what.substr(colon + 2);
  }
  throw ParseError(m_buffer.line(), fmt::format("{}: invalid JSON: {}", path(), what));
}

bool JsonReader::on_scalar(JsonScalar& value) {
  if (m_skip > 0) {
    return true;
  }
  scalar(m_path.empty() ? k_root : m_path.back().node, value);
  done_value();
  return true;
}

bool JsonReader::open(JsonType type) {
  if (m_path.size() + m_skip >= k_max_depth) {
    fail(fmt::format("nesting deeper than {} levels", k_max_depth));
  }
  if (m_skip > 0) {
    ++m_skip;
    return true;
  }
  int node = enter(m_path.empty() ? k_root : m_path.back().node, type);
  if (node == k_skip) {
    m_skip = 1;
    return true;
  }
  bool array = type == JsonType::array;
  m_path.push_back(Level{node, array, array, {}, 0});
  return true;
}

bool JsonReader::close() {
  if (m_skip > 0) {
    if (--m_skip == 0) {
      done_value();
    }
    return true;
  }
  m_path.back().in_member = false; // messages from leave() name the container itself
  leave(m_path.back().node);
  m_path.pop_back();
  done_value();
  return true;
}

void JsonReader::done_value() {
  if (m_path.empty()) {
    return;
  }
  Level& level = m_path.back();
  if (level.array) {
    ++level.index;
  } else {
    level.in_member = false;
  }
}

std::string_view JsonReader::key() const {
  if (m_path.empty() || m_path.back().array) {
    return {};
  }
  return m_path.back().key;
}

namespace {

bool is_identifier(std::string_view key) {
  if (key.empty() || (key[0] >= '0' && key[0] <= '9')) {
    return false;
  }
  return std::all_of(key.begin(), key.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  });
}

} // namespace

std::string JsonReader::path() const {
  std::string out = "$";
  for (const auto& level : m_path) {
    if (!level.in_member) {
      break; // only the last level can be between members
    }
    if (level.array) {
      out += fmt::format("[{}]", level.index);
    } else if (is_identifier(level.key)) {
      out += '.';
      out += level.key;
    } else {
      out += '[';
      out += nlohmann::json(level.key).dump(-1, ' ', false, json::error_handler_t::replace);
      out += ']';
    }
  }
  return out;
}

void JsonReader::fail(std::string_view message) const {
  throw ParseError(0, fmt::format("{}: {}", path(), message));
}

void JsonReader::fail_type(std::string_view expected, JsonType found) const {
  fail(fmt::format("expected {}, found {}", expected, json_type_name(found)));
}

void JsonReader::fail_unknown_key(std::string_view known) {
  std::string name(key());
  m_path.back().in_member = false; // the message is about the object: its path, then the key
  fail(fmt::format("unknown key {} (known: {})", quote_excerpt(name), known));
}

namespace {

// Whether a JSON number's text is a whole number not below zero: its fraction's digits, but for
// trailing zeros, no more than its exponent moves (`1.0`, `1.50e1`, `1e2`; not `1.5`, `1e-1`).
bool whole_number(std::string_view text) {
  size_t i = 0;
  auto digits = [&] {
    size_t start = i;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
      ++i;
    }
    return text.substr(start, i - start);
  };
  if (digits().empty()) {
    return false; // a sign: below zero, or a negative zero, which no producer means
  }
  std::string_view fraction;
  if (i < text.size() && text[i] == '.') {
    ++i;
    fraction = digits();
  }
  while (!fraction.empty() && fraction.back() == '0') {
    fraction.remove_suffix(1);
  }
  uint64_t exponent = 0;
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    if (i < text.size() && text[i] == '-') {
      return false; // a fraction (but for `1e-0`, which no producer writes)
    }
    if (i < text.size() && text[i] == '+') {
      ++i;
    }
    std::string_view power = digits();
    if (power.empty() || power.size() > 3) {
      return false;
    }
    exponent = std::stoull(std::string(power));
  }
  return i == text.size() && fraction.size() <= exponent;
}

} // namespace

uint64_t JsonReader::expect_unsigned(const JsonScalar& value, uint64_t min, uint64_t max,
                                     std::string_view what) const {
  if (value.type != JsonType::number) {
    fail_type(what, value.type);
  }
  if (value.integral && !value.negative && value.magnitude >= min && value.magnitude <= max) {
    return value.magnitude;
  }
  // A whole number written with a fraction or an exponent (`1.0`, `1e2`), as JSON Schema's
  // "integer" allows and some producers write: exact as a double up to 2^53, past every limit.
  if (!value.integral && value.text != nullptr && whole_number(*value.text)) {
    double number = std::strtod(value.text->c_str(), nullptr);
    if (number <= 0x1p53 && static_cast<uint64_t>(number) >= min &&
        static_cast<uint64_t>(number) <= max) {
      return static_cast<uint64_t>(number);
    }
  }
  // Both bounds, always: a count of 2^63 refused by a limit of 2^48 must say what the limit is.
  std::string range =
      max == UINT64_MAX ? fmt::format("{} or more", min) : fmt::format("{} to {}", min, max);
  // Not integral: a fraction, an exponent, or a whole number past 64 bits, as written.
  std::string found = value.integral
                          ? fmt::format("{}{}", value.negative ? "-" : "", value.magnitude)
                          : number_excerpt(*value.text);
  fail(fmt::format("expected {} ({}), found {}", what, range, found));
}

std::string JsonReader::take_string(JsonScalar& value, std::string_view what) const {
  if (value.type != JsonType::string) {
    fail_type(what, value.type);
  }
  return std::move(*value.text);
}

bool JsonReader::take_boolean(const JsonScalar& value) const {
  if (value.type != JsonType::boolean) {
    fail_type("a boolean", value.type);
  }
  return value.boolean;
}

void JsonReader::check_schema(std::string_view found, std::string_view family, unsigned supported,
                              std::string_view newer) const {
  std::string expected = fmt::format("{}/{}", family, supported);
  if (found == expected) {
    return;
  }
  if (found.size() > family.size() + 1 && found.substr(0, family.size()) == family &&
      found[family.size()] == '/') {
    std::string_view number = found.substr(family.size() + 1);
    bool digits = number.size() <= 9 && std::all_of(number.begin(), number.end(),
                                                    [](char c) { return c >= '0' && c <= '9'; });
    if (digits && number[0] != '0' && std::stoul(std::string(number)) > supported) {
      throw ParseError(0, std::string(newer));
    }
  }
  fail(fmt::format("expected \"{}\", found {}", expected, quote_excerpt(found)));
}

bool is_capture_time(std::string_view text) {
  auto digits = [&](size_t from, size_t count) {
    if (from + count > text.size()) {
      return false;
    }
    for (size_t i = from; i < from + count; ++i) {
      if (text[i] < '0' || text[i] > '9') {
        return false;
      }
    }
    return true;
  };
  // 2026-11-22T23:55:21[.fraction](Z|+01:00)
  if (!(digits(0, 4) && text.size() >= 19 && text[4] == '-' && digits(5, 2) && text[7] == '-' &&
        digits(8, 2) && text[10] == 'T' && digits(11, 2) && text[13] == ':' && digits(14, 2) &&
        text[16] == ':' && digits(17, 2))) {
    return false;
  }
  size_t i = 19;
  if (i < text.size() && text[i] == '.') {
    size_t start = ++i;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
      ++i;
    }
    if (i == start) {
      return false;
    }
  }
  std::string_view zone = text.substr(i);
  if (zone.empty() || zone == "Z") {
    return true;
  }
  return zone.size() == 6 && (zone[0] == '+' || zone[0] == '-') && digits(i + 1, 2) &&
         zone[3] == ':' && digits(i + 4, 2);
}

} // namespace taskdiff
