// Snapshot files, schema `taskdiff.snapshot/1`, as src/snapshot.cpp writes them (docs/snapshot.md).
//
// Read through JsonReader (nlohmann's SAX parser), as a state machine over the node being read;
// the string table and the stack being read are held, never the document:
//
//   root      `{` -> top
//   top       "schema" string: `taskdiff.snapshot/1`; /2 and later: "upgrade taskdiff";
//             "tool" `{` -> tool; "source" `{` -> source; "replicas" number (1 or more);
//             "total" number; "strings" `[` -> strings; "stacks" `[` -> stacks (after "strings")
//   tool      "name", "version" strings (information only)
//   source    "runtime" "go" | "java" | "other"; "facts" `{` -> facts; "dumps" `[` -> dumps;
//             "panic" string; "leak_profile", "go_wrappers_named" booleans; "virtual_threads"
//             number; "warnings" `[` -> warnings
//   facts     "wait", "created_by", "labels", "thread_names" booleans, all four
//   dumps     `{` -> dump: "format" a dump format's name, "path" string, "captured_at" a time
//             (RFC 3339, or zoneless as jstack prints it)
//   warnings  strings
//   strings   strings: the function names and files the stacks index
//   stacks    `{` -> stack: "count" (1 or more) and "frames" required; "state" string,
//             "max_wait_minutes" number, "locked", "leaked" booleans, "created_by" `[` -> ref,
//             "labels" `[` of `[KEY, VALUE]`, "thread_name" string; `}` -> into the StackBuilder
//   frames    `[` -> ref: `[FUNCTION, FILE, LINE]`, indexes into "strings" and the line
//
// A snapshot is ours: any other key, a missing required one, an index past the table, counts
// adding up past 2^64, or a total other than the stacks' sum means it was edited or cut, and is an
// error naming the JSON path.
#include <algorithm>

#include <fmt/format.h>

#include "json_reader.hpp"
#include "taskdiff/error.hpp"
#include "taskdiff/parse.hpp"
#include "text_util.hpp"

namespace taskdiff {

namespace {

constexpr const char* k_schema_family = "taskdiff.snapshot";
constexpr unsigned k_schema_version = 1;

enum Node : int {
  k_top = 1,
  k_tool,
  k_source,
  k_facts,
  k_dumps,
  k_dump,
  k_warnings,
  k_strings,
  k_stacks,
  k_stack,
  k_frames,
  k_ref,
  k_labels,
  k_label,
};

struct FrameRef {
  uint32_t function = 0;
  uint32_t file = 0;
  uint32_t line = 0;
};

struct StackRecord {
  uint64_t count = 0;
  std::string state;
  int64_t max_wait_minutes = -1;
  bool locked = false;
  bool leaked = false;
  std::vector<FrameRef> frames;
  std::optional<FrameRef> created_by;
  std::vector<std::pair<std::string, std::string>> labels;
  std::string thread_name;
  std::vector<std::string> seen; // keys read
};

// Known keys per object node, for `unknown key` messages and the required-key checks.
constexpr const char* k_top_keys = "schema, tool, source, replicas, total, strings, stacks";
constexpr const char* k_tool_keys = "name, version";
constexpr const char* k_source_keys =
    "runtime, facts, dumps, panic, leak_profile, go_wrappers_named, virtual_threads, warnings";
constexpr const char* k_facts_keys = "wait, created_by, labels, thread_names";
constexpr const char* k_dump_keys = "format, path, captured_at";
constexpr const char* k_stack_keys =
    "count, state, max_wait_minutes, locked, leaked, frames, created_by, labels, thread_name";

bool is_one_of(std::string_view key, std::string_view list) {
  size_t pos = 0;
  while (pos < list.size()) {
    size_t end = list.find(", ", pos);
    if (list.substr(pos, end == std::string_view::npos ? std::string_view::npos : end - pos) ==
        key) {
      return true;
    }
    if (end == std::string_view::npos) {
      break;
    }
    pos = end + 2;
  }
  return false;
}

class SnapshotReader : public JsonReader {
public:
  SnapshotReader(JsonSourceBuffer& buffer, TextParseContext& context)
      : JsonReader(buffer, context.options.limits.max_line_bytes), m_context(context) {}

  // Checks across keys, once the whole document is read.
  void finish() {
    Snapshot& out = m_context.out;
    if (m_replicas != out.origins.size()) {
      throw ParseError(0, fmt::format("$.replicas: expected {} (one per entry of $.source.dumps), "
                                      "found {}",
                                      out.origins.size(), m_replicas));
    }
    if (m_total != m_context.builder.total()) {
      throw ParseError(0, fmt::format("$.total: says {} but the stacks add up to {}; the snapshot "
                                      "was edited or cut",
                                      m_total, m_context.builder.total()));
    }
    for (const Origin& origin : out.origins) {
      if (origin.format != Format::tasks_json && format_runtime(origin.format) != m_runtime) {
        throw ParseError(0, fmt::format("$.source.dumps: a {} dump in a snapshot whose runtime is "
                                        "not its own",
                                        format_name(origin.format)));
      }
      if (origin.captured_at && (!out.captured_at || *origin.captured_at < *out.captured_at)) {
        out.captured_at = origin.captured_at;
      }
    }
    // A running Go goroutine has no frames only in crash output (`goroutine running on other
    // thread; stack unavailable`), where it is internal, or in a task list: elsewhere an emptied
    // stack would hide its count.
    bool crash_output = std::any_of(out.origins.begin(), out.origins.end(), [](const Origin& o) {
      return o.format == Format::go_traceback || o.format == Format::tasks_json;
    });
    if (m_runtime == Runtime::go && !m_frameless_path.empty() && !crash_output) {
      throw ParseError(0, fmt::format("{}: a running goroutine with no frames, which only Go "
                                      "crash output holds, and no dump here is one: the "
                                      "snapshot was edited",
                                      m_frameless_path));
    }
    out.format = Format::snapshot;
    out.runtime = m_runtime;
    out.facts = m_facts;
    // Not stored: the dumps it was made from tell (jstack's carry hidden-class frames).
    auto every_dump_has = [&](bool Facts::*fact) {
      return std::all_of(out.origins.begin(), out.origins.end(),
                         [fact](const Origin& o) { return format_facts(o.format).*fact; });
    };
    out.facts.hidden_frames = every_dump_has(&Facts::hidden_frames);
    out.facts.virtual_threads = every_dump_has(&Facts::virtual_threads);
    out.replicas = static_cast<uint32_t>(m_replicas);
  }

protected:
  int enter(int parent, JsonType type) override {
    switch (parent) {
    case k_root: return open(type, JsonType::object, "an object", k_top);
    case k_top: {
      std::string_view name = member(k_top_keys, m_top_seen);
      if (name == "tool") {
        return open(type, JsonType::object, "an object", k_tool);
      }
      if (name == "source") {
        return open(type, JsonType::object, "an object", k_source);
      }
      if (name == "strings") {
        return open(type, JsonType::array, "an array", k_strings);
      }
      if (name == "stacks") {
        if (!m_seen_strings) {
          fail("expected \"strings\" before \"stacks\" (the stacks index the strings)");
        }
        return open(type, JsonType::array, "an array", k_stacks);
      }
      fail_type(name == "schema" ? "a string" : "a number", type);
    }
    case k_tool: member(k_tool_keys, m_tool_seen); fail_type("a string", type);
    case k_source: {
      std::string_view name = member(k_source_keys, m_source_seen);
      if (name == "facts") {
        return open(type, JsonType::object, "an object", k_facts);
      }
      if (name == "dumps") {
        return open(type, JsonType::array, "an array", k_dumps);
      }
      if (name == "warnings") {
        return open(type, JsonType::array, "an array", k_warnings);
      }
      fail_type(name == "leak_profile" || name == "go_wrappers_named" ? "a boolean"
                : name == "virtual_threads"                            ? "a number"
                                                                       : "a string",
                type);
    }
    case k_facts: member(k_facts_keys, m_facts_seen); fail_type("a boolean", type);
    case k_dumps:
      m_dump_seen.clear();
      m_origin = {};
      return open(type, JsonType::object, "an object", k_dump);
    case k_dump: member(k_dump_keys, m_dump_seen); fail_type("a string", type);
    case k_warnings:
    case k_strings: fail_type("a string", type);
    case k_stacks:
      m_stack = StackRecord{};
      return open(type, JsonType::object, "an object", k_stack);
    case k_stack: {
      std::string_view name = member(k_stack_keys, m_stack.seen);
      if (name == "frames") {
        return open(type, JsonType::array, "an array", k_frames);
      }
      if (name == "created_by") {
        m_ref_size = 0;
        m_in_creator = true;
        return open(type, JsonType::array, "an array", k_ref);
      }
      if (name == "labels") {
        return open(type, JsonType::array, "an array", k_labels);
      }
      fail_type(name == "locked" || name == "leaked"       ? "a boolean"
                : name == "state" || name == "thread_name" ? "a string"
                                                           : "a number",
                type);
    }
    case k_frames:
      if (m_stack.frames.size() >= m_context.options.limits.max_frames) {
        fail(fmt::format("more than {} frames in one stack (the limit of frames per stack)",
                         m_context.options.limits.max_frames));
      }
      m_ref_size = 0;
      m_in_creator = false;
      return open(type, JsonType::array, "an array", k_ref);
    case k_ref: fail_type("a number", type);
    case k_labels: m_label_size = 0; return open(type, JsonType::array, "an array", k_label);
    case k_label: fail_type("a string", type);
    }
    fail("internal error: unexpected JSON node");
  }

  void scalar(int parent, JsonScalar& value) override {
    switch (parent) {
    case k_root: fail_type("an object", value.type);
    case k_top: top_scalar(value); return;
    case k_tool:
      member(k_tool_keys, m_tool_seen);
      take_string(value, "a string");
      return;
    case k_source: source_scalar(value); return;
    case k_facts: {
      std::string_view name = member(k_facts_keys, m_facts_seen);
      (name == "wait"         ? m_facts.wait
       : name == "created_by" ? m_facts.created_by
       : name == "labels"     ? m_facts.labels
                              : m_facts.thread_names) = take_boolean(value);
      return;
    }
    case k_dumps:
    case k_stacks: fail_type("an object", value.type);
    case k_dump: dump_scalar(value); return;
    case k_warnings: m_context.out.warnings.push_back(take_string(value, "a string")); return;
    case k_strings: m_strings.push_back(take_string(value, "a string")); return;
    case k_stack: stack_scalar(value); return;
    case k_frames:
    case k_labels: fail_type("an array", value.type);
    case k_ref: {
      if (m_ref_size >= 3) {
        fail("expected [FUNCTION, FILE, LINE], found a fourth element");
      }
      uint64_t number = m_ref_size < 2 ? expect_index(value)
                                       : expect_unsigned(value, 0, UINT32_MAX, "a line number");
      uint32_t* fields[] = {&m_ref.function, &m_ref.file, &m_ref.line};
      *fields[m_ref_size++] = static_cast<uint32_t>(number);
      return;
    }
    case k_label: {
      if (m_label_size >= 2) {
        fail("expected [KEY, VALUE], found a third element");
      }
      std::string text = take_string(value, "a string");
      if (m_label_size++ == 0) {
        m_stack.labels.emplace_back(std::move(text), std::string());
      } else {
        m_stack.labels.back().second = std::move(text);
      }
      return;
    }
    }
    fail("internal error: unexpected JSON node");
  }

  void leave(int node) override {
    switch (node) {
    case k_top:
      require(m_top_seen, {"schema", "tool", "source", "replicas", "total", "strings", "stacks"});
      return;
    case k_tool: require(m_tool_seen, {"name", "version"}); return;
    case k_source: require(m_source_seen, {"runtime", "facts", "dumps"}); return;
    case k_facts: require(m_facts_seen, {"wait", "created_by", "labels", "thread_names"}); return;
    case k_dumps:
      if (m_context.out.origins.empty()) {
        fail("expected at least one dump, found none");
      }
      return;
    case k_dump:
      require(m_dump_seen, {"format", "path"});
      m_context.out.origins.push_back(std::move(m_origin));
      return;
    case k_ref:
      if (m_ref_size != 3) {
        fail(fmt::format("expected [FUNCTION, FILE, LINE], found {} element{}", m_ref_size,
                         m_ref_size == 1 ? "" : "s"));
      }
      if (m_in_creator) {
        m_stack.created_by = m_ref;
      } else {
        m_stack.frames.push_back(m_ref);
      }
      return;
    case k_label:
      if (m_label_size != 2) {
        fail("expected [KEY, VALUE], found fewer elements");
      }
      return;
    case k_strings: m_seen_strings = true; return;
    case k_stack: emit(); return;
    default: return;
    }
  }

private:
  int open(JsonType type, JsonType wanted, std::string_view name, int node) const {
    if (type != wanted) {
      fail_type(name, type);
    }
    return node;
  }

  // The current key, checked against the object's known keys and those already read.
  std::string_view member(std::string_view known, std::vector<std::string>& seen) {
    std::string_view name = key();
    if (!is_one_of(name, known)) {
      fail_unknown_key(known);
    }
    if (std::find(seen.begin(), seen.end(), name) != seen.end()) {
      fail("this key appears twice");
    }
    seen.emplace_back(name);
    return name;
  }

  void require(const std::vector<std::string>& seen, std::initializer_list<std::string_view> keys) {
    for (std::string_view name : keys) {
      if (std::find(seen.begin(), seen.end(), name) == seen.end()) {
        fail(fmt::format("expected a \"{}\" key, found none", name));
      }
    }
  }

  uint64_t expect_index(const JsonScalar& value) const {
    if (value.type == JsonType::number && value.integral && !value.negative &&
        value.magnitude < m_strings.size()) {
      return value.magnitude; // the usual case, without formatting a message
    }
    if (m_strings.empty()) {
      fail("expected an index into \"strings\", but \"strings\" is empty");
    }
    return expect_unsigned(value, 0, m_strings.size() - 1, "an index into \"strings\"");
  }

  void top_scalar(JsonScalar& value) {
    std::string_view name = member(k_top_keys, m_top_seen);
    if (name == "schema") {
      std::string schema = take_string(value, "a string");
      check_schema(schema, k_schema_family, k_schema_version,
                   fmt::format("this snapshot was written by a newer taskdiff (schema {}); this "
                               "taskdiff reads taskdiff.snapshot/1: upgrade taskdiff",
                               schema));
    } else if (name == "replicas") {
      m_replicas = expect_unsigned(value, 1, UINT32_MAX, "a number of replicas");
    } else if (name == "total") {
      // 0 only for a goroutineleak profile with no leak: check() refuses any other empty input.
      m_total = expect_unsigned(value, 0, UINT64_MAX, "a number of goroutines or threads");
    } else {
      fail_type(name == "tool" || name == "source" ? "an object" : "an array", value.type);
    }
  }

  void source_scalar(JsonScalar& value) {
    std::string_view name = member(k_source_keys, m_source_seen);
    if (name == "runtime") {
      std::string runtime = take_string(value, "a string");
      std::optional<Runtime> known = runtime_from_name(runtime);
      if (!known) {
        fail(fmt::format("expected \"go\", \"java\" or \"other\", found {}",
                         quote_excerpt(runtime)));
      }
      m_runtime = *known;
    } else if (name == "panic") {
      m_context.out.panic_message = take_string(value, "a string");
    } else if (name == "leak_profile") {
      m_context.out.leak_profile = take_boolean(value);
    } else if (name == "go_wrappers_named") {
      m_context.out.go_wrappers_named = take_boolean(value);
    } else if (name == "virtual_threads") {
      m_context.out.virtual_threads =
          expect_unsigned(value, 0, UINT64_MAX, "a number of virtual threads");
    } else {
      fail_type(name == "facts" ? "an object" : "an array", value.type);
    }
  }

  void dump_scalar(JsonScalar& value) {
    std::string_view name = member(k_dump_keys, m_dump_seen);
    std::string text = take_string(value, "a string");
    if (name == "format") {
      auto format = format_from_name(text);
      if (!format || *format == Format::snapshot) {
        fail(fmt::format("expected a dump format's name (`taskdiff formats` lists them), found {}",
                         quote_excerpt(text)));
      }
      m_origin.format = *format;
    } else if (name == "path") {
      m_origin.path = std::move(text);
    } else {
      if (!is_capture_time(text)) {
        fail(fmt::format("expected a time like \"2026-11-22T23:55:21Z\" (RFC 3339), found {}",
                         quote_excerpt(text)));
      }
      m_origin.captured_at = std::move(text);
    }
  }

  void stack_scalar(JsonScalar& value) {
    std::string_view name = member(k_stack_keys, m_stack.seen);
    if (name == "count") {
      m_stack.count = expect_unsigned(value, 1, UINT64_MAX, "a count");
      // Each count fits 64 bits, their sum need not: wrapped round, two counts of 2^63 and a
      // total edited to match would read as a handful of goroutines.
      if (m_stack.count > UINT64_MAX - m_context.builder.total()) {
        fail("the stack counts add up past 2^64; the snapshot was edited or corrupted");
      }
    } else if (name == "state") {
      m_stack.state = take_string(value, "a string");
    } else if (name == "thread_name") {
      m_stack.thread_name = take_string(value, "a string");
    } else if (name == "max_wait_minutes") {
      m_stack.max_wait_minutes =
          static_cast<int64_t>(expect_unsigned(value, 0, uint64_t{1} << 40, "a number of minutes"));
    } else if (name == "locked" || name == "leaked") {
      (name == "locked" ? m_stack.locked : m_stack.leaked) = take_boolean(value);
    } else {
      fail_type("an array", value.type);
    }
  }

  void emit() {
    require(m_stack.seen, {"count", "frames"});
    if (m_stack.frames.empty() && text::starts_with(m_stack.state, "running") &&
        m_frameless_path.empty()) {
      m_frameless_path = path();
    }
    StackBuilder& b = m_context.builder;
    b.begin(m_stack.count);
    if (!m_stack.state.empty()) {
      b.state(m_stack.state);
    }
    if (m_stack.max_wait_minutes >= 0) {
      b.wait_minutes(m_stack.max_wait_minutes);
    }
    if (m_stack.locked) {
      b.locked_to_thread();
    }
    if (m_stack.leaked) {
      b.leaked();
    }
    try {
      for (const FrameRef& frame : m_stack.frames) {
        b.frame(m_strings[frame.function], m_strings[frame.file], frame.line);
      }
      if (m_stack.created_by) {
        b.created_by(m_strings[m_stack.created_by->function], m_strings[m_stack.created_by->file],
                     m_stack.created_by->line);
      }
      if (!m_stack.thread_name.empty()) {
        b.thread_name(m_stack.thread_name);
      }
      for (const auto& [label, value] : m_stack.labels) {
        b.label(label, value);
      }
      b.commit();
    } catch (const ParseError& error) {
      fail(error.message());
    }
  }

  TextParseContext& m_context;
  std::vector<std::string> m_strings;
  StackRecord m_stack;
  FrameRef m_ref;
  size_t m_ref_size = 0;
  bool m_in_creator = false;
  size_t m_label_size = 0;
  Origin m_origin;
  Facts m_facts;
  Runtime m_runtime = Runtime::go;
  std::string m_frameless_path; // of the first stack with no frames
  uint64_t m_replicas = 0;
  uint64_t m_total = 0;
  bool m_seen_strings = false;
  std::vector<std::string> m_top_seen;
  std::vector<std::string> m_tool_seen;
  std::vector<std::string> m_source_seen;
  std::vector<std::string> m_facts_seen;
  std::vector<std::string> m_dump_seen;
};

} // namespace

void parse_snapshot(ByteSource& source, TextParseContext& context) {
  JsonSourceBuffer buffer(source);
  SnapshotReader reader(buffer, context);
  reader.run();
  reader.finish();
}

} // namespace taskdiff
