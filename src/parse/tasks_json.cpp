// Generic JSON tasks, schema `taskdiff.tasks/1` (docs/tasks-json.md and
// docs/taskdiff.tasks.schema.json): what any runtime or script can write so taskdiff compares its
// tasks.
//
//   {"schema": "taskdiff.tasks/1", "runtime": "other", "captured_at": "2026-11-22T23:55:21Z",
//    "tasks":  [{"state": "waiting", "frames": ["app.worker", {"function": "app.main",
//                "file": "app/main.py", "line": 12}], "created_by": "app.start",
//                "labels": {"queue": "mail"}, "name": "worker-3", "wait_minutes": 7, "id": 41}],
//    "groups": [{"count": 5000, "state": "idle", "frames": ["app.idle"]}],
//    "meta":   {...anything...}}
//
// Read through JsonReader (nlohmann's SAX parser) as a state machine over the node being read;
// only the task being read is held, so a million tasks take no more memory than one:
//
//   root     `{` -> top
//   top      "schema" string (checked: /1 passes, /2 and later is "upgrade taskdiff");
//            "runtime" "go" | "java" | "other"; "captured_at" RFC 3339 time (zone optional);
//            "tasks" `[` -> tasks; "groups" `[` -> groups; "meta" skipped whatever it holds
//   tasks    `{` -> task (one goroutine, thread or task: count 1)
//   groups   `{` -> group (pre-counted: "count" required, 1 to 2^48; all the counts of a list
//            add up to less than 2^64)
//   task     "state" string; "wait_minutes" whole number; "name" string; "id" string or number
//            (ignored: ids differ between dumps); "frames" `[` -> frames (required);
//            "created_by" string or `{` -> creator; "labels" `{` -> labels;
//            `}` -> the record goes to the StackBuilder
//   frames   string (the function) | `{` -> frame, leaf first
//   frame    "function" string (required, not empty), "file" string, "line" whole number
//   creator  as frame
//   labels   "KEY": string value
//
// Every other key, and every value of the wrong type, is an error naming its JSON path
// (`$.tasks[12].frames[3]: expected a string, found a number`): a script's typo must not turn
// into a silently different grouping. Facts: an input carries a fact (wait state, creator,
// labels, names) when at least one of its records has the key, so a side that never says
// "state" is not keyed on wait states against one that does.
#include <fmt/format.h>

#include "json_reader.hpp"
#include "taskdiff/error.hpp"
#include "taskdiff/normalize.hpp"
#include "taskdiff/parse.hpp"

namespace taskdiff {

namespace {

constexpr const char* k_schema_family = "taskdiff.tasks";
constexpr unsigned k_schema_version = 1;

struct FrameText {
  std::string function;
  std::string file;
  uint32_t line = 0;
  bool has_function = false;
  unsigned seen = 0; // keys read: function 1, file 2, line 4
};

// The task or group being read. Vectors keep their capacity from one record to the next.
struct TaskRecord {
  uint64_t count = 1;
  std::string state;
  int64_t wait_minutes = -1;
  std::vector<FrameText> frames;
  size_t frame_count = 0; // frames[0, frame_count) are this record's
  FrameText creator;
  std::vector<std::pair<std::string, std::string>> labels;
  std::string name;
  unsigned seen = 0; // keys read, one bit each (duplicates are errors)

  void clear() {
    count = 1;
    state.clear();
    wait_minutes = -1;
    frame_count = 0;
    creator = {};
    labels.clear();
    name.clear();
    seen = 0;
  }
};

enum Node : int {
  k_top = 1,
  k_tasks,
  k_groups,
  k_task,
  k_group,
  k_frames,
  k_frame,
  k_creator,
  k_labels,
};

// Keys of a task or group, as bits of TaskRecord::seen.
constexpr unsigned k_key_state = 1;
constexpr unsigned k_key_frames = 2;
constexpr unsigned k_key_created_by = 4;
constexpr unsigned k_key_labels = 8;
constexpr unsigned k_key_name = 16;
constexpr unsigned k_key_wait_minutes = 32;
constexpr unsigned k_key_id = 64;
constexpr unsigned k_key_count = 128;

constexpr const char* k_task_keys = "state, frames, created_by, labels, name, wait_minutes, id";
constexpr const char* k_group_keys = "count, state, frames, created_by, labels, name, wait_minutes";
constexpr const char* k_top_keys = "schema, runtime, captured_at, tasks, groups, meta";
constexpr const char* k_frame_keys = "function, file, line";

class TasksJsonReader : public JsonReader {
public:
  TasksJsonReader(JsonSourceBuffer& buffer, TextParseContext& context)
      : JsonReader(buffer, context.options.limits.max_line_bytes), m_context(context) {}

  uint64_t records() const { return m_records; }
  const Facts& facts() const { return m_facts; }
  Runtime runtime() const { return m_runtime; }

protected:
  int enter(int parent, JsonType type) override {
    switch (parent) {
    case k_root: expect(type, JsonType::object, "an object"); return k_top;
    case k_top: {
      std::string_view name = key();
      if (name == "tasks" || name == "groups") {
        expect(type, JsonType::array, "an array");
        once(name == "tasks" ? m_seen_tasks : m_seen_groups);
        m_seen_list = true;
        return name == "tasks" ? k_tasks : k_groups;
      }
      if (name == "meta") {
        once(m_seen_meta);
        return k_skip;
      }
      if (name == "schema" || name == "runtime" || name == "captured_at") {
        fail_type("a string", type);
      }
      fail_unknown_key(k_top_keys);
    }
    case k_tasks:
    case k_groups:
      expect(type, JsonType::object, "an object");
      m_record.clear();
      return parent == k_tasks ? k_task : k_group;
    case k_task:
    case k_group: {
      unsigned bit = task_key(parent);
      if (bit == k_key_frames) {
        expect(type, JsonType::array, "an array");
        return k_frames;
      }
      if (bit == k_key_created_by) {
        expect(type, JsonType::object, "a string or an object");
        m_frame = {};
        return k_creator;
      }
      if (bit == k_key_labels) {
        expect(type, JsonType::object, "an object");
        return k_labels;
      }
      fail_type(bit == k_key_wait_minutes || bit == k_key_count ? "a number"
                : bit == k_key_id                               ? "a string or a number"
                                                                : "a string",
                type);
    }
    case k_frames:
      // Objects are the long form of a frame; the message names the usual one.
      expect(type, JsonType::object, "a string");
      m_frame = {};
      return k_frame;
    case k_frame:
    case k_creator: frame_key(m_frame); fail_type(key() == "line" ? "a number" : "a string", type);
    case k_labels: fail_type("a string", type);
    }
    fail("internal error: unexpected JSON node");
  }

  void scalar(int parent, JsonScalar& value) override {
    switch (parent) {
    case k_root: fail_type("an object", value.type);
    case k_top: top_scalar(value); return;
    case k_tasks:
    case k_groups: fail_type("an object", value.type);
    case k_task:
    case k_group: task_scalar(parent, value); return;
    case k_frames: {
      std::string function = take_string(value, "a string");
      if (function.empty()) {
        fail("expected a function name, found an empty string");
      }
      FrameText& frame = next_frame();
      frame.function = std::move(function);
      frame.file.clear();
      frame.line = 0;
      return;
    }
    case k_frame:
    case k_creator: {
      std::string_view name = frame_key(m_frame);
      if (name == "line") {
        m_frame.line =
            static_cast<uint32_t>(expect_unsigned(value, 0, UINT32_MAX, "a line number"));
      } else if (name == "file") {
        m_frame.file = take_string(value, "a string");
      } else {
        m_frame.function = take_string(value, "a string");
        if (m_frame.function.empty()) {
          fail("expected a function name, found an empty string");
        }
        m_frame.has_function = true;
      }
      return;
    }
    case k_labels: {
      std::string label_key(key());
      for (const auto& [name, _] : m_record.labels) { // a task has a few labels
        if (name == label_key) {
          fail("this key appears twice");
        }
      }
      m_record.labels.emplace_back(std::move(label_key), take_string(value, "a string"));
      return;
    }
    }
    fail("internal error: unexpected JSON node");
  }

  void leave(int node) override {
    switch (node) {
    case k_top:
      if (!m_seen_schema) {
        fail("expected a \"schema\" key (\"taskdiff.tasks/1\"), found none");
      }
      if (!m_seen_list) {
        fail("expected a \"tasks\" or \"groups\" array, found neither");
      }
      return;
    case k_frame:
    case k_creator: {
      if (!m_frame.has_function) {
        fail("expected a \"function\" string in this frame, found none");
      }
      if (node == k_creator) {
        m_record.creator = std::move(m_frame);
      } else {
        FrameText& frame = next_frame();
        std::swap(frame, m_frame);
      }
      return;
    }
    case k_task:
    case k_group: emit(node); return;
    default: return;
    }
  }

private:
  void expect(JsonType type, JsonType wanted, std::string_view name) const {
    if (type != wanted) {
      fail_type(name, type);
    }
  }

  void once(bool& seen) {
    if (seen) {
      fail("this key appears twice");
    }
    seen = true;
  }

  // The bit of the current key of a task or group; unknown and repeated keys are errors.
  unsigned task_key(int node) {
    std::string_view name = key();
    unsigned bit = name == "state"          ? k_key_state
                   : name == "frames"       ? k_key_frames
                   : name == "created_by"   ? k_key_created_by
                   : name == "labels"       ? k_key_labels
                   : name == "name"         ? k_key_name
                   : name == "wait_minutes" ? k_key_wait_minutes
                   : name == "id"           ? k_key_id
                   : name == "count"        ? k_key_count
                                            : 0;
    if (bit == k_key_count && node == k_task) {
      fail("\"count\" belongs in \"groups\" entries; each of \"tasks\" is one task");
    }
    if (bit == k_key_id && node == k_group) {
      fail("\"id\" belongs in \"tasks\" entries; a group is many tasks");
    }
    if (bit == 0) {
      fail_unknown_key(node == k_task ? k_task_keys : k_group_keys);
    }
    if ((m_record.seen & bit) != 0) {
      fail("this key appears twice");
    }
    m_record.seen |= bit;
    return bit;
  }

  // The current key of a frame object; unknown and repeated keys are errors.
  std::string_view frame_key(FrameText& frame) {
    std::string_view name = key();
    unsigned bit = name == "function" ? 1 : name == "file" ? 2 : name == "line" ? 4 : 0;
    if (bit == 0) {
      fail_unknown_key(k_frame_keys);
    }
    if ((frame.seen & bit) != 0) {
      fail("this key appears twice");
    }
    frame.seen |= bit;
    return name;
  }

  void top_scalar(JsonScalar& value) {
    std::string_view name = key();
    if (name == "schema") {
      once(m_seen_schema);
      std::string schema = take_string(value, "a string");
      check_schema(schema, k_schema_family, k_schema_version,
                   fmt::format("this task list uses a newer schema ({}); this taskdiff reads "
                               "taskdiff.tasks/1: upgrade taskdiff",
                               schema));
    } else if (name == "runtime") {
      once(m_seen_runtime);
      std::string runtime = take_string(value, "a string");
      std::optional<Runtime> known = runtime_from_name(runtime);
      if (!known) {
        fail(fmt::format("expected \"go\", \"java\" or \"other\", found {}",
                         quote_excerpt(runtime)));
      }
      m_runtime = *known;
    } else if (name == "captured_at") {
      once(m_seen_captured_at);
      std::string when = take_string(value, "a string");
      if (!is_capture_time(when)) {
        fail(fmt::format("expected a time like \"2026-11-22T23:55:21Z\" (RFC 3339), found {}",
                         quote_excerpt(when)));
      }
      m_context.out.captured_at = std::move(when);
    } else if (name == "tasks" || name == "groups") {
      fail_type("an array", value.type);
    } else if (name == "meta") {
      once(m_seen_meta);
    } else {
      fail_unknown_key(k_top_keys);
    }
  }

  void task_scalar(int node, JsonScalar& value) {
    unsigned bit = task_key(node);
    switch (bit) {
    case k_key_state: m_record.state = take_string(value, "a string"); break;
    case k_key_name: m_record.name = take_string(value, "a string"); break;
    case k_key_wait_minutes:
      m_record.wait_minutes =
          static_cast<int64_t>(expect_unsigned(value, 0, uint64_t{1} << 40, "a number of minutes"));
      break;
    case k_key_count:
      m_record.count = expect_unsigned(value, 1, uint64_t{1} << 48, "a count");
      check_total(m_record.count);
      break;
    case k_key_id:
      if (value.type != JsonType::string && value.type != JsonType::number) {
        fail_type("a string or a number", value.type);
      }
      break;
    case k_key_created_by: {
      std::string function = take_string(value, "a string or an object");
      if (function.empty()) {
        fail("expected a function name, found an empty string");
      }
      m_record.creator = {std::move(function), {}, 0, true, 0};
      break;
    }
    case k_key_frames: fail_type("an array", value.type);
    case k_key_labels: fail_type("an object", value.type);
    }
  }

  FrameText& next_frame() {
    if (m_record.frame_count >= m_context.options.limits.max_frames) {
      fail(fmt::format("more than {} frames in one stack (the limit of frames per stack)",
                       m_context.options.limits.max_frames));
    }
    if (m_record.frame_count == m_record.frames.size()) {
      m_record.frames.emplace_back();
    }
    return m_record.frames[m_record.frame_count++];
  }

  // Each count is at most 2^48, their sum need not fit 64 bits: wrapped round, 65,536 groups of
  // 2^48 tasks would read as none. Fails naming the count (a group's) or the task that takes the
  // total past 2^64.
  void check_total(uint64_t count) const {
    if (count > UINT64_MAX - m_context.builder.total()) {
      fail("the task counts add up past 2^64");
    }
  }

  // The record is complete: into the builder in one canonical order, whatever the key order.
  void emit(int node) {
    TaskRecord& r = m_record;
    if ((r.seen & k_key_frames) == 0) {
      fail("expected a \"frames\" array, found none");
    }
    if (node == k_group && (r.seen & k_key_count) == 0) {
      fail("expected a \"count\" in this group, found none");
    }
    if (node == k_task) {
      check_total(1); // a group's count was checked as it was read
    }
    m_facts.wait = m_facts.wait || (r.seen & k_key_state) != 0;
    m_facts.created_by = m_facts.created_by || (r.seen & k_key_created_by) != 0;
    m_facts.labels = m_facts.labels || (r.seen & k_key_labels) != 0;
    m_facts.thread_names = m_facts.thread_names || (r.seen & k_key_name) != 0;

    StackBuilder& b = m_context.builder;
    b.begin(r.count);
    if (!r.state.empty()) {
      b.state(r.state);
    }
    if (r.wait_minutes >= 0) {
      b.wait_minutes(r.wait_minutes);
    }
    for (size_t i = 0; i < r.frame_count; ++i) {
      b.frame(r.frames[i].function, r.frames[i].file, r.frames[i].line);
    }
    if (r.creator.has_function) {
      b.created_by(r.creator.function, r.creator.file, r.creator.line);
    }
    if (!r.name.empty()) {
      b.thread_name(normalize_java_thread_name(r.name));
    }
    for (const auto& [label, value] : r.labels) {
      b.label(label, value);
    }
    try {
      b.commit();
    } catch (const ParseError& error) {
      fail(error.message());
    }
    ++m_records;
  }

  TextParseContext& m_context;
  TaskRecord m_record;
  FrameText m_frame;
  Facts m_facts;
  Runtime m_runtime = Runtime::other;
  uint64_t m_records = 0;
  bool m_seen_schema = false;
  bool m_seen_runtime = false;
  bool m_seen_captured_at = false;
  bool m_seen_tasks = false;
  bool m_seen_groups = false;
  bool m_seen_meta = false;
  bool m_seen_list = false;
};

} // namespace

void parse_tasks_json(ByteSource& source, TextParseContext& context) {
  JsonSourceBuffer buffer(source);
  TasksJsonReader reader(buffer, context);
  reader.run();
  if (reader.records() == 0) {
    throw ParseError(0, "$: expected at least one task or group, found none (an empty \"tasks\" "
                        "list is an empty dump, which cannot be compared)");
  }
  context.out.format = Format::tasks_json;
  context.out.runtime = reader.runtime();
  context.out.facts = reader.facts();
}

} // namespace taskdiff
