// JDK 21+ `jcmd PID Thread.dump_to_file [-format=text|json] FILE`, written by
// jdk.internal.vm.ThreadDumper: every thread the JVM tracks, virtual threads included, but no
// VM-internal threads (GC, compiler, `VM Thread`). dump-formats.md section 5.6.
//
// One record per thread: the state as printed (`WAITING`; none in JDK 21), the frames leaf first
// as `Class.method` + file + line (StackTraceElement.toString() form, its `loader/module@version/`
// prefix dropped), the normalized thread name (`pool-N-thread-M`, normalize_java_thread_name;
// virtual threads are usually unnamed: ""). Lock lines, container names, thread ids and times
// are dropped. The thread that runs the dump (`Attach Listener` in ThreadDumper) is recorded
// without frames, as jstack shows it: its stack is the dumper's, different in each format.
//
// Text, states with the lines that move between them:
//
//   pid        `624` (`-1` when the JVM cannot tell) -> instant
//   instant    `2026-11-22T23:55:21.218495962Z` (the capture time) -> version
//   version    `25.0.3+9-LTS` -> blank
//   blank      an empty line -> between
//   between    empty lines;
//              `#65 "pool-19-thread-1" WAITING 2026-11-22T23:55:21.445010902Z` (JDK 25),
//              `#40 "" virtual WAITING 2026-...Z`, `#31 "main"`, `#29 "" virtual` (JDK 21) -> thread
//   thread     `    at java.base/java.util.concurrent.LinkedBlockingQueue.take(LinkedBlockingQueue.java:435)`
//              (JDK 25), `      java.base/java.lang.VirtualThread.parkNanos(VirtualThread.java:640)`
//              (JDK 21), `    - parking to wait for <java.util.concurrent.CountDownLatch$Sync@4aab96e0>`
//              and the other lock lines after a frame; an empty line -> between (record committed)
//
// Truncation. ThreadDumper ends every thread with an empty line (`println()`), so a whole dump
// ends with `\n\n`, and is never cut by the JVM itself (it writes the file through a buffered
// stream: a JVM that dies mid-dump, a full disk or a cut copy leave any byte as the last). Cut:
//   - the last line has no line break and is not whole: a header line that does not parse, a
//     frame without its closing `)`, a lock line without its closing `>`, or the indentation of
//     a frame alone (the JVM's empty line is empty, never spaces);
//   - the last thread lacks its empty line, whatever its last line (cut at a line break inside
//     the thread, or after a whole last frame): a line-boundary cut cannot be told from a whole
//     dump whose final empty line was trimmed, so both fail; the message says how to restore it.
// A cut is an error, or with --allow-truncated a warning and that thread dropped. A CRLF dump
// that lacks only its very last `\n` keeps its empty line (a lone `\r`) and is whole; an LF dump
// that lacks it has lost that empty line and fails as above. A cut inside the four header lines
// or right after them leaves nothing to compare: always an error. A cut exactly after a
// thread's empty line cannot be seen (no end marker, no thread count): a shorter dump.
//
// JSON: read through nlohmann::json's SAX interface (JsonReader, json_reader.hpp) keeping only the
// thread being read, so memory stays flat however many threads there are (a million threads,
// 1.2 GB: 5 MB resident; nlohmann's lexer sets the pace, 40-80 MB/s in a release build). The
// shape used:
//
//   $.threadDump.time                                    string: the capture time
//   $.threadDump.threadContainers[]                      objects, one per container
//   $.threadDump.threadContainers[].threads[]            objects, one per thread:
//       .name   string (required)     .state  string (JDK 25; absent in JDK 21)
//       .stack  array of strings (required)   .virtual  true for virtual threads
//   $.threadDump.threadContainers[].threadCount          "2": the threads the JDK wrote there;
//                                                        any other number of them is a cut or edit
//
// A thread's `tid` is checked for a repeat (a thread listed twice is refused, as in every
// format). Every other key (`processId`, `container`, `parent`, `owner`,
// `parkBlocker`, `waitingOn`, `blockedOn`, `monitorsOwned`, `carrier`, keys of later JDKs) is
// skipped whatever it holds. A known key holding the wrong type is an error naming its JSON path:
// `$.threadDump.threadContainers[1].threads[3].stack[2]: expected a string, found a number`.
// Syntax errors name the line and the path reached. Nesting deeper than 64 levels is refused.
#include <charconv>
#include <cstring>
#include <optional>

#include <fmt/format.h>

#include "json_reader.hpp"
#include "taskdiff/error.hpp"
#include "taskdiff/normalize.hpp"
#include "taskdiff/parse.hpp"
#include "text_util.hpp"

namespace taskdiff {

namespace {

using namespace text;

// Thread.dump_to_file's lock lines (JDK 25 ThreadDumper.dumpThread), after `- `.
bool is_lock_line(std::string_view body) {
  for (std::string_view prefix : {"locked ", "lock is eliminated", "parking to wait for ",
                                  "waiting to lock ", "waiting on "}) {
    if (starts_with(body, prefix)) {
      return true;
    }
  }
  return false;
}

// A line the dump was cut in, quoted by its end (where the cut is): `"...ThreadPoolExec"`.
std::string quote_cut(std::string_view line) {
  constexpr size_t k_shown = 50;
  if (line.size() <= k_shown) {
    return quote_excerpt(line);
  }
  size_t start = line.size() - k_shown;
  while (start < line.size() && (static_cast<unsigned char>(line[start]) & 0xc0) == 0x80) {
    ++start; // not inside a UTF-8 sequence
  }
  return "\"..." + quote_excerpt(line.substr(start), k_shown).substr(1);
}

// One thread, collected before it is pushed into the builder: the builder wants the state
// first and the name last, and the dumper rule needs all frames. Strings keep their capacity
// from thread to thread.
struct ThreadRecord {
  struct Entry {
    std::string function;
    std::string file;
    uint32_t line = 0;
  };
  std::string name;
  std::string state;
  std::vector<Entry> frames;
  size_t size = 0; // frames in use
  bool is_virtual = false;

  void clear() {
    name.clear();
    state.clear();
    size = 0;
    is_virtual = false;
  }
  void add(const JavaFrame& frame) {
    if (size == frames.size()) {
      frames.emplace_back();
    }
    Entry& entry = frames[size++];
    entry.function.assign(frame.function);
    entry.file.assign(frame.file);
    entry.line = frame.line;
  }
};

// The thread writing the dump runs ThreadDumper; jstack shows that thread (`Attach Listener`)
// without frames, and the two Thread.dump_to_file formats show different dumper stacks.
bool is_dumper(const ThreadRecord& record) {
  for (size_t i = 0; i < record.size; ++i) {
    if (starts_with(record.frames[i].function, "jdk.internal.vm.ThreadDumper.")) {
      return true;
    }
  }
  return false;
}

void emit(TextParseContext& context, const ThreadRecord& record, uint64_t at_line) {
  StackBuilder& builder = context.builder;
  context.out.virtual_threads += record.is_virtual ? 1 : 0;
  builder.begin(1);
  builder.state(record.state);
  if (!is_dumper(record)) {
    for (size_t i = 0; i < record.size; ++i) {
      const auto& frame = record.frames[i];
      builder.frame(frame.function, frame.file, frame.line, at_line);
    }
  }
  builder.thread_name(normalize_java_thread_name(record.name));
  builder.commit(at_line);
}

void set_facts(Snapshot& out, Format format) {
  out.format = format;
  out.runtime = Runtime::java;
  out.facts = format_facts(format);
}

// --- text ---

class ThreadsTextParser {
public:
  ThreadsTextParser(LineReader& lines, TextParseContext& context)
      : m_lines(lines), m_context(context) {}

  void run() {
    set_facts(m_context.out, Format::java_threads_text);
    std::string_view line;
    while (m_lines.next(line)) {
      if (m_lines.last_line_unterminated()) {
        last_line(line);
        break;
      }
      step(line);
    }
    finish();
  }

private:
  enum class State { pid, instant, version, blank, between, thread };

  [[noreturn]] void fail(const std::string& message) {
    throw ParseError(m_lines.line_number(), message);
  }

  // The input's last line, without a line break: a whole line that only lost its `\n`, or a
  // line the cut went through. Only a line that is whole by itself is read as usual.
  void last_line(std::string_view line) {
    switch (m_state) {
    case State::pid:
    case State::instant:
    case State::version:
    case State::blank:
      try {
        step(line); // a version line cut short (`25.0`) passes: finish() finds the header short
      } catch (const LimitError&) {
        throw; // a limit passed, not a line cut short
      } catch (const ParseError&) {
        header_cut(fmt::format(", in a line cut at {}", quote_cut(line)));
      }
      return;
    case State::between:
      if (is_blank(line) || line[0] != '#') {
        step(line); // blank (not a cut: a thread line starts with `#`), or the usual error
        return;
      }
      try {
        step(line); // a whole thread line: finish() finds the thread without its empty line
      } catch (const LimitError&) {
        throw; // a limit passed, not a line cut short
      } catch (const ParseError&) {
        truncated(fmt::format("the dump ends in the middle of a thread line, cut at {}",
                              quote_cut(line)));
      }
      return;
    case State::thread: {
      if (line.empty() || !is_space(line[0])) {
        step(line); // the thread's empty line (a lone `\r` in a CRLF dump), or the usual error
        return;
      }
      // Whole: a frame with its closing `)` (split_java_frame), a lock line with its `>`.
      std::string_view text = trim(line);
      bool whole = !text.empty() && (!starts_with(text, "- ") || ends_with(text, ">") ||
                                     text == "- lock is eliminated");
      if (whole) {
        try {
          step(line); // finish() finds the thread without its empty line
          return;
        } catch (const LimitError&) {
          throw; // a limit passed, not a line cut short
        } catch (const ParseError&) {
          // a frame cut short
        }
      }
      truncated(fmt::format("the dump ends inside thread \"{}\" (line {}), in a line cut at {}",
                            m_record.name, m_context.file_line(m_record_line), quote_cut(line)));
      m_state = State::between; // --allow-truncated: the thread is dropped
      return;
    }
    }
  }

  [[noreturn]] void header_cut(const std::string& detail = {}) {
    fail(fmt::format("the dump ends inside its header (the process id, time and runtime version "
                     "lines and an empty line that start a `jcmd PID Thread.dump_to_file` text "
                     "dump){}: it is truncated and holds no thread to compare; capture it again",
                     detail));
  }

  // A cut through the thread list: an error, or with --allow-truncated a warning (the cut
  // thread is dropped by the caller).
  void truncated(const std::string& where) {
    if (!m_context.options.allow_truncated) {
      fail(fmt::format("{}: the dump is truncated (a cut copy, a full disk?); capture it again, "
                       "or pass --allow-truncated to compare what was read",
                       where));
    }
    m_cut = where;
    m_context.out.warnings.push_back(fmt::format(
        "TRUNCATED INPUT: {}; that thread was dropped and the rest compared (--allow-truncated). "
        "Counts may be short.",
        where));
  }

  void step(std::string_view line) {
    switch (m_state) {
    case State::pid:
      if (starts_with(line, "\xef\xbb\xbf")) {
        line.remove_prefix(3); // a UTF-8 BOM an editor added
      }
      if (!all_digits(trim(line)) && trim(line) != "-1") {
        fail(fmt::format("expected the process id that starts a `jcmd PID Thread.dump_to_file` "
                         "text dump (like `624`), found {}",
                         quote_excerpt(line)));
      }
      m_state = State::instant;
      break;
    case State::instant:
      if (!is_instant(trim(line))) {
        fail(fmt::format("expected the dump's time like `2026-11-22T23:55:21.218495962Z` on the "
                         "second line, found {}",
                         quote_excerpt(line)));
      }
      m_context.out.captured_at = std::string(trim(line));
      m_state = State::version;
      break;
    case State::version:
      if (trim(line).empty() || !is_digit(trim(line)[0])) {
        fail(fmt::format("expected the runtime version like `25.0.3+9-LTS` on the third line, "
                         "found {}",
                         quote_excerpt(line)));
      }
      m_state = State::blank;
      break;
    case State::blank:
      if (!trim(line).empty()) {
        fail(fmt::format("expected an empty line after the runtime version, found {}",
                         quote_excerpt(line)));
      }
      m_state = State::between;
      break;
    case State::between: between(line); break;
    case State::thread: thread(line); break;
    }
  }

  // `#TID "NAME"` and `#TID "NAME" virtual` (JDK 21); `#TID "NAME" [virtual ]STATE INSTANT`
  // (JDK 25). The name is printed unescaped, so it is found from both ends of the line.
  void between(std::string_view line) {
    if (trim(line).empty()) {
      return;
    }
    size_t digits_end = 1;
    while (digits_end < line.size() && is_digit(line[digits_end])) {
      ++digits_end;
    }
    if (line[0] != '#' || digits_end == 1 || line.substr(digits_end, 2) != " \"") {
      fail(fmt::format("expected a thread line like `#65 \"pool-19-thread-1\" WAITING "
                       "2026-11-22T23:55:21.445010902Z` or an empty line, found {}",
                       quote_excerpt(line)));
    }
    std::string_view rest = line.substr(digits_end + 2); // NAME" ...
    uint64_t at = m_lines.line_number();
    std::string joined; // the line with the next ones, for a name with line breaks
    if (rest.find('"') == std::string_view::npos && join_name_lines(line, joined)) {
      line = joined;
      rest = line.substr(digits_end + 2);
    }
    std::string_view state;
    std::string_view name_and_quote;
    bool is_virtual = false;
    if (ends_with(rest, "\"")) {
      name_and_quote = rest;
    } else if (ends_with(rest, "\" virtual")) {
      name_and_quote = rest.substr(0, rest.size() - 8);
      is_virtual = true;
    } else {
      size_t last = rest.rfind(' ');
      size_t before = last == std::string_view::npos || last == 0 ? std::string_view::npos
                                                                  : rest.rfind(' ', last - 1);
      if (before == std::string_view::npos || !is_instant(rest.substr(last + 1)) ||
          !is_java_thread_state(rest.substr(before + 1, last - before - 1))) {
        fail(fmt::format("expected `\"NAME\" STATE TIME` (JDK 25) or `\"NAME\"` (JDK 21) after "
                         "the thread id, found {}",
                         quote_excerpt(line)));
      }
      state = rest.substr(before + 1, last - before - 1);
      name_and_quote = rest.substr(0, before);
      if (ends_with(name_and_quote, "\" virtual")) {
        name_and_quote.remove_suffix(8);
        is_virtual = true;
      }
      if (!ends_with(name_and_quote, "\"")) {
        fail(fmt::format("expected the thread name in quotes, found {}", quote_excerpt(line)));
      }
    }
    uint64_t id = 0;
    auto [id_end, id_error] = std::from_chars(line.data() + 1, line.data() + digits_end, id);
    if (id_error == std::errc{}) {
      m_context.ids.add(id); // each thread once: load() refuses a thread listed twice
    }
    m_record.clear();
    m_record.is_virtual = is_virtual;
    m_record.name.assign(name_and_quote.substr(0, name_and_quote.size() - 1));
    m_record.state.assign(state);
    m_record_line = at;
    m_state = State::thread;
  }

  // The JVM prints a thread's name raw: one with a line break (`new Thread(r, "weird\nname")`)
  // goes on over the next lines, up to its closing quote. Joined on, up to k_max_name_lines;
  // an empty line, a frame (indented) or another thread's line ends the search.
  bool join_name_lines(std::string_view line, std::string& joined) {
    constexpr int k_max_name_lines = 8;
    joined.assign(line);
    for (int i = 0; i < k_max_name_lines; ++i) {
      std::string_view next;
      if (!m_lines.peek(next) || trim(next).empty() || is_space(next[0]) ||
          (next[0] == '#' && next.find(" \"") != std::string_view::npos &&
           all_digits(next.substr(1, next.find(" \"") - 1)))) {
        return false;
      }
      m_lines.next(next);
      joined += '\n';
      joined.append(next);
      if (next.find('"') != std::string_view::npos) {
        return true;
      }
    }
    return false;
  }

  void thread(std::string_view line) {
    std::string_view text = trim(line);
    if (text.empty()) {
      emit(m_context, m_record, m_record_line);
      ++m_committed;
      m_state = State::between;
      return;
    }
    if (!is_space(line[0])) {
      fail(fmt::format("expected a frame, a lock line or the empty line that ends thread \"{}\" "
                       "(line {}), found {}",
                       m_record.name, m_context.file_line(m_record_line), quote_excerpt(line)));
    }
    if (starts_with(text, "- ")) {
      if (m_record.size == 0 || !is_lock_line(text.substr(2))) {
        fail(fmt::format("expected a lock line like `- locked <java.lang.Object@1b6d3586>` under "
                         "a frame, found {}",
                         quote_excerpt(line)));
      }
      return;
    }
    if (starts_with(text, "at ")) {
      text.remove_prefix(3);
    }
    JavaFrame frame;
    if (!split_java_frame(text, frame)) {
      fail(fmt::format(
          "expected a frame like `at java.base/java.lang.Thread.run(Thread.java:1474)`, "
          "found {}",
          quote_excerpt(line)));
    }
    if (m_record.size >= m_context.options.limits.max_frames) {
      fail(fmt::format("more than {} frames in one stack (the limit of frames per stack); is this "
                       "really a thread dump?",
                       m_context.options.limits.max_frames));
    }
    m_record.add(frame);
  }

  void finish() {
    switch (m_state) {
    case State::pid:
    case State::instant:
    case State::version:
    case State::blank: header_cut();
    case State::between: break;
    case State::thread:
      truncated(fmt::format("the dump ends inside thread \"{}\" (line {}) without the empty line "
                            "that ends every thread (if the file is whole and only that last "
                            "empty line was trimmed, add it back)",
                            m_record.name, m_context.file_line(m_record_line)));
      break;
    }
    if (m_committed == 0 && !m_cut.empty()) {
      fail(fmt::format("{}; no whole thread before the cut to compare, even with "
                       "--allow-truncated; capture it again",
                       m_cut));
    }
    if (m_committed == 0) {
      fail("the dump ends right after its header, before the first thread line like `#1 \"main\" "
           "RUNNABLE 2026-...Z`: it is truncated and holds no thread to compare; capture it again");
    }
  }

  LineReader& m_lines;
  TextParseContext& m_context;
  State m_state = State::pid;
  ThreadRecord m_record;
  uint64_t m_record_line = 0;
  uint64_t m_committed = 0; // threads read whole, with their empty line
  std::string m_cut;        // where the dump was cut, once read anyway (--allow-truncated)
};

// --- JSON ---

// The dump's known shape on JsonReader (json_reader.hpp), which keeps the JSON path, skips
// what enter() declines, caps nesting and string sizes and reports syntax errors.
class ThreadsJsonReader : public JsonReader {
public:
  ThreadsJsonReader(JsonSourceBuffer& buffer, TextParseContext& context)
      : JsonReader(buffer, context.options.limits.max_line_bytes), m_context(context) {}

  uint64_t threads() const { return m_threads; }
  bool seen_thread_dump() const { return m_seen_thread_dump; }

private:
  enum Node : int { top = 1, thread_dump, containers, container, threads_array, thread, stack };

  int enter(int parent, JsonType type) override {
    switch (parent) {
    case k_root: return expect(type, JsonType::object, top);
    case top:
      if (key() == "threadDump") {
        once(m_seen_thread_dump);
        return expect(type, JsonType::object, thread_dump);
      }
      return k_skip;
    case thread_dump:
      if (key() == "threadContainers") {
        once(m_seen_containers);
        return expect(type, JsonType::array, containers);
      }
      if (key() == "time") {
        fail_type("a string", type);
      }
      return k_skip;
    case containers:
      m_container_threads = 0;
      m_container_count.reset();
      m_has_threads = false;
      return expect(type, JsonType::object, container);
    case container:
      if (key() == "threadCount") {
        fail_type("a string", type);
      }
      if (key() == "threads") {
        once(m_has_threads);
        return expect(type, JsonType::array, threads_array);
      }
      return k_skip;
    case threads_array:
      m_record.clear();
      m_has_name = false;
      m_has_stack = false;
      m_has_state = false;
      m_has_virtual = false;
      return expect(type, JsonType::object, thread);
    case thread:
      if (key() == "stack") {
        once(m_has_stack);
        return expect(type, JsonType::array, stack);
      }
      if (key() == "name" || key() == "state") {
        fail_type("a string", type);
      }
      if (key() == "virtual") {
        fail_type("a boolean", type);
      }
      return k_skip;
    case stack: fail_type("a string", type);
    }
    return k_skip;
  }

  void scalar(int parent, JsonScalar& value) override {
    switch (parent) {
    case k_root: fail_type("an object", value.type);
    case top:
      if (key() == "threadDump") {
        fail_type("an object", value.type);
      }
      return;
    case thread_dump:
      if (key() == "threadContainers") {
        fail_type("an array", value.type);
      }
      if (key() == "time") {
        std::string time = take_string(value, "a string");
        if (!is_capture_time(time)) {
          fail(fmt::format("expected the dump's time like \"2026-11-22T23:55:21.018859632Z\", "
                           "found {}",
                           quote_excerpt(time)));
        }
        m_context.out.captured_at = std::move(time);
      }
      return;
    case containers: fail_type("an object", value.type);
    case container:
      if (key() == "threads") {
        fail_type("an array", value.type);
      }
      if (key() == "threadCount") {
        thread_count(value);
      }
      return;
    case threads_array: fail_type("an object", value.type);
    case thread: thread_member(value); return;
    case stack: stack_element(value); return;
    }
  }

  // `"threadCount": "2"`: the JDK counts the threads it wrote into the container.
  void thread_count(JsonScalar& value) {
    if (value.type == JsonType::number && value.integral && !value.negative) {
      m_container_count = value.magnitude;
      return;
    }
    std::string text = take_string(value, "a string");
    uint64_t count = 0;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), count);
    if (text.empty() || error != std::errc{} || end != text.data() + text.size()) {
      fail(fmt::format("expected a number of threads like \"2\", found {}", quote_excerpt(text)));
    }
    m_container_count = count;
  }

  void thread_member(JsonScalar& value) {
    std::string_view name = key();
    if (name == "name") {
      once(m_has_name);
      m_record.name = take_string(value, "a string");
    } else if (name == "state") {
      once(m_has_state);
      m_record.state = take_string(value, "a string");
      if (!is_java_thread_state(m_record.state)) {
        fail(fmt::format("expected a thread state (NEW, RUNNABLE, BLOCKED, WAITING, "
                         "TIMED_WAITING, TERMINATED), found {}",
                         quote_excerpt(m_record.state)));
      }
    } else if (name == "stack") {
      fail_type("an array", value.type);
    } else if (name == "virtual") {
      once(m_has_virtual);
      m_record.is_virtual = take_boolean(value);
    } else if (name == "tid" && value.type == JsonType::string) {
      // `"tid": "65"`: each thread once (load() refuses a thread listed twice). Not a number:
      // skipped, as the other keys it does not use.
      uint64_t id = 0;
      std::string_view text = *value.text;
      auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), id);
      if (!text.empty() && error == std::errc{} && end == text.data() + text.size()) {
        m_context.ids.add(id);
      }
    }
  }

  void stack_element(JsonScalar& value) {
    if (value.type != JsonType::string) {
      fail_type("a string", value.type);
    }
    JavaFrame frame;
    if (!split_java_frame(*value.text, frame)) {
      fail(
          fmt::format("expected a frame like \"java.base/java.lang.Thread.run(Thread.java:1474)\", "
                      "found {}",
                      quote_excerpt(*value.text)));
    }
    if (m_record.size >= m_context.options.limits.max_frames) {
      fail(fmt::format("more than {} frames in one stack (the limit of frames per stack)",
                       m_context.options.limits.max_frames));
    }
    m_record.add(frame);
  }

  void leave(int node) override {
    if (node == thread) {
      if (!m_has_name) {
        fail("expected a \"name\" string in this thread, found none");
      }
      if (!m_has_stack) {
        fail("expected a \"stack\" array in this thread, found none");
      }
      try {
        emit(m_context, m_record, 0);
      } catch (const ParseError& error) {
        fail(error.message()); // the group limit: say which thread
      }
      ++m_threads;
      ++m_container_threads;
    } else if (node == container && m_container_count && *m_container_count != m_container_threads) {
      // The JDK writes the count after the threads: a container with fewer was cut or edited.
      fail(fmt::format("this container holds {} threads, but its \"threadCount\" says {}: the "
                       "dump was cut or edited",
                       m_container_threads, *m_container_count));
    } else if (node == thread_dump && !m_seen_containers) {
      fail("expected a \"threadContainers\" array in \"threadDump\", found none");
    } else if (node == top && !m_seen_thread_dump) {
      fail("expected a \"threadDump\" object (a `jcmd PID Thread.dump_to_file -format=json` "
           "dump), found none");
    }
  }

  int expect(JsonType found, JsonType wanted, int node) const {
    if (found != wanted) {
      fail_type(json_type_name(wanted), found);
    }
    return node;
  }

  TextParseContext& m_context;
  ThreadRecord m_record;
  // A key the dump's meaning depends on appears once in its object: with two, which one the JDK
  // wrote cannot be told (JSON leaves duplicate keys undefined; a parser keeping the last one
  // would read a dump in part).
  void once(bool& seen) {
    if (seen) {
      fail("this key appears twice");
    }
    seen = true;
  }

  bool m_has_name = false;
  bool m_has_stack = false;
  bool m_has_state = false;
  bool m_has_virtual = false;
  bool m_has_threads = false; // of the container being read
  bool m_seen_thread_dump = false;
  bool m_seen_containers = false;
  uint64_t m_threads = 0;
  uint64_t m_container_threads = 0;         // threads read in the current container
  std::optional<uint64_t> m_container_count; // its "threadCount", once read
};

} // namespace

void parse_java_threads_text(LineReader& lines, TextParseContext& context) {
  ThreadsTextParser(lines, context).run();
}

void parse_java_threads_json(ByteSource& source, TextParseContext& context) {
  set_facts(context.out, Format::java_threads_json);
  JsonSourceBuffer buffer(source);
  ThreadsJsonReader reader(buffer, context);
  reader.run();
  if (!reader.seen_thread_dump()) {
    throw ParseError(0, "$: expected a \"threadDump\" object (a `jcmd PID Thread.dump_to_file "
                        "-format=json` dump), found none");
  }
  if (reader.threads() == 0) {
    throw ParseError(0, "$.threadDump.threadContainers: expected at least one thread, found none");
  }
}

} // namespace taskdiff
