// Streaming JSON for the taskdiff JSON inputs (snapshots, task lists): nlohmann::json's SAX
// parser underneath, with what every such reader needs on top of it.
//
// JsonReader turns SAX events into three hooks, each called with the innermost open container
// (its `node`, chosen by the subclass) and the key or index of the slot being filled:
//   enter(parent, type)   an object or array starts: return the node it opens, or k_skip
//   scalar(parent, value) a string, number, boolean or null
//   leave(node)           an object or array ends (path() then names that container)
// and keeps the JSON path of the value being read, so every message can say where:
// `$.tasks[12].frames[3]: expected a string, found a number`. A parser throws ParseError(0,
// "PATH: message") through fail(); the loader adds the input's name. Syntax errors carry the
// line. Nesting is capped (k_max_depth) and strings are capped at the line-length limit.
//
// Memory stays flat: a reader keeps only the record it is building, never the document.
#pragma once

#include <cstdint>
#include <memory>
#include <streambuf>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "taskdiff/input.hpp"

namespace taskdiff {

// A std::streambuf over a ByteSource, so nlohmann reads the input in chunks, never all of it.
// Counts the lines of what it handed out, for syntax-error messages.
class JsonSourceBuffer : public std::streambuf {
public:
  explicit JsonSourceBuffer(ByteSource& source);
  // Line of the last byte handed out (1-based).
  uint64_t line() const;

protected:
  int_type underflow() override;

private:
  static constexpr size_t k_size = 1 << 16;
  ByteSource& m_source;
  std::unique_ptr<char[]> m_buffer;
  uint64_t m_lines_before = 0;
};

enum class JsonType { null, boolean, number, string, object, array };
// `a string`, `an object`...: the words of `expected X, found Y`.
std::string_view json_type_name(JsonType type);

// One scalar as the SAX parser gave it.
struct JsonScalar {
  JsonType type = JsonType::null;
  bool boolean = false;
  bool integral = false;       // a number without fraction or exponent that fits 64 bits
  bool negative = false;       // integral and below zero
  uint64_t magnitude = 0;      // integral: the absolute value
  std::string* text = nullptr; // strings: may be moved from
};

class JsonReader {
public:
  using json = nlohmann::json;
  static constexpr int k_root = 0;  // the parent of the top-level value
  static constexpr int k_skip = -1; // enter(): ignore this value and everything inside it
  static constexpr size_t k_max_depth = 64;

  JsonReader(JsonSourceBuffer& buffer, size_t max_string_bytes);
  virtual ~JsonReader() = default;

  // Parses the whole input (one JSON value, nothing after it but white space).
  void run();

  // nlohmann::json_sax interface.
  bool null();
  bool boolean(bool value);
  bool number_integer(json::number_integer_t value);
  bool number_unsigned(json::number_unsigned_t value);
  bool number_float(json::number_float_t value, const json::string_t& text);
  bool string(json::string_t& value);
  bool binary(json::binary_t& value);
  bool start_object(std::size_t elements);
  bool end_object();
  bool start_array(std::size_t elements);
  bool end_array();
  bool key(json::string_t& name);
  bool parse_error(std::size_t position, const std::string& token,
                   const nlohmann::detail::exception& error);

protected:
  virtual int enter(int parent, JsonType type) = 0;
  virtual void scalar(int parent, JsonScalar& value) = 0;
  virtual void leave(int node) = 0;

  // The key of the slot being filled in the innermost object (empty in an array).
  std::string_view key() const;
  // `$.tasks[12].frames[3]`: the value being read, or in leave() the container ending.
  std::string path() const;
  [[noreturn]] void fail(std::string_view message) const;
  [[noreturn]] void fail_type(std::string_view expected, JsonType found) const;
  // `unknown key "frame" (known: ...)`, for objects whose keys are fixed.
  [[noreturn]] void fail_unknown_key(std::string_view known);
  // `family/N` (`taskdiff.snapshot/1`): N == supported passes; a larger N is a newer schema,
  // reported with `newer` (the whole message); anything else is `expected family/supported`.
  void check_schema(std::string_view found, std::string_view family, unsigned supported,
                    std::string_view newer) const;
  // An integral number in [min, max], or fail with `expected WHAT (MIN to MAX), found ...`
  // (`(MIN or more)` when max is UINT64_MAX).
  uint64_t expect_unsigned(const JsonScalar& value, uint64_t min, uint64_t max,
                           std::string_view what) const;
  std::string take_string(JsonScalar& value, std::string_view what) const;
  // The value, or fail with `expected a boolean, found ...`.
  bool take_boolean(const JsonScalar& value) const;

private:
  struct Level {
    int node;
    bool array;
    bool in_member = false; // objects: a key was read; arrays: an element is being read
    std::string key;
    uint64_t index = 0;
  };
  bool on_scalar(JsonScalar& value);
  bool open(JsonType type);
  bool close();
  void done_value();

  JsonSourceBuffer& m_buffer;
  size_t m_max_string;
  std::vector<Level> m_path;
  size_t m_skip = 0; // depth inside a value being skipped
};

// A capture time: RFC 3339 (`2026-11-22T23:55:21.5Z`, `...+01:00`), or without the zone as
// jstack prints its local time (`2026-11-22T19:37:39`).
bool is_capture_time(std::string_view text);

} // namespace taskdiff
