// Java thread dumps from HotSpot's thread printer: `jstack [-l] [-e]`, `jcmd PID Thread.print`
// and SIGQUIT on the JVM's stdout, JDK 5 to 25; also the dumps VisualVM saves (same body,
// `"name" - Thread t@N` headers). dump-formats.md sections 5.1 to 5.5 and 5.7.
//
// One record per thread header: the `java.lang.Thread.State:` text (`WAITING (parking)`; empty
// when none is printed: VM-internal threads, JDK 5, carriers), the `at` frames leaf first as
// `Class.method` + file + line, and the thread name with its counters normalized
// (`pool-N-thread-M`, normalize_java_thread_name). Lock lines, `-l` ownable synchronizers,
// compiler-task lines, the SMR list, the deadlock section (it repeats threads already listed),
// the JNI refs line, the SIGQUIT `Heap` summary and a class histogram are read and skipped.
//
// States, with the lines that move between them:
//
//   preamble   what comes before the banner: `24893:` (jcmd), `2026-11-22 23:55:20`, or the
//              JVM's own stdout (SIGQUIT, log lines)
//              `Full thread dump OpenJDK 64-Bit Server VM (25.0.3+9-LTS mixed mode, sharing):`
//              -> threads (the timestamp line right above it is the capture time)
//   threads    empty lines; `Threads class SMR info:` -> smr;
//              `"pool-4-thread-1" #29 [703] prio=5 os_prio=0 cpu=0.63ms elapsed=20.46s
//              tid=0x00007f352002f200 nid=703 waiting on condition  [0x00007f353d4fe000]` or
//              `"GC Thread#0" os_prio=0 cpu=0.04ms elapsed=20.75s tid=0x00007efc18055240 nid=635 runnable  `
//              or `"Timer-180" - Thread t@332` (VisualVM) -> thread;
//              `   Locked ownable synchronizers:` right after a thread (`-l`) -> ownable;
//              `JNI global refs: 15, weak refs: 0` (`JNI global references: 873`, JDK 6-8) -> after;
//              `Found one Java-level deadlock:` -> deadlock; `Heap` -> heap;
//              `num   #instances    #bytes  class name` -> histogram (JDK 5 prints no JNI line);
//              `Full thread dump ...` -> threads, a second dump (kept instead, with a warning)
//   smr        `_java_thread_list=0x00007efbd403f5c0, length=22, elements={`,
//              `0x00007efc1802a8f0, 0x00007efc180c34a0,`, `}` -> threads
//   thread     `   java.lang.Thread.State: WAITING (parking)` (VisualVM: `WAITING on X@1ccfa5c1`),
//              `   Carrying virtual thread #206` (JDK 21+ carrier, in place of the state),
//              `   No compile task`, `   Compiling: ...`,
//              `	at java.util.concurrent.LinkedBlockingQueue.take(java.base@25.0.3/LinkedBlockingQueue.java:435)`
//              (a TAB, or 8 spaces in JDK 5), lock lines after their frame
//              `	- parking to wait for  <0x00000000ffdce750> (a java.util...ConditionObject)`;
//              `   Mounted virtual thread #206` -> mounted; empty line -> threads (record committed);
//              an unindented line: record committed, the line read as in threads
//   mounted    the mounted virtual thread's frames (JDK 25 `-l`), skipped: jstack lists virtual
//              threads only while mounted, so they are not records -> as thread on an empty line
//   ownable    `	- None`, `	- <0x000000069ec1b280> (a java.util.concurrent.locks.ReentrantLock$NonfairSync)`
//              -> threads on an empty line
//   deadlock   everything up to `Found 2 deadlocks.` (names there are not thread headers) -> after
//   heap       indented GC lines after `Heap` -> after on an empty or unindented line
//   histogram  `  1:     15660     3695576  [C` rows, `Total   183155    16330872` -> after
//   after      the dump is over; SIGQUIT output goes on with the application's stdout, which is
//              skipped, except the sections above and a new banner (a second dump -> threads)
//
// Fail closed: a line that fits none of these is an error. The exception is text before the
// banner and after the dump's end, where SIGQUIT output mixes in the application's stdout;
// application output *inside* the thread list is an error (it cannot be told from a cut dump).
// A HotSpot dump from JDK 6 on (headers with `tid=`, a banner version other than `1.5.`)
// always ends its thread list with the JNI refs line; without it the dump is cut: an error, or
// with --allow-truncated a warning and the last (possibly partial) thread dropped. So is a dump ending inside the SMR list or a deadlock
// section. UTF-16 text (PowerShell's `jstack ... > file`) never gets here: detect() names it
// and the iconv command that converts it, and LineReader refuses NUL bytes.
#include <cstring>
#include <string>
#include <unordered_map>

#include <fmt/format.h>

#include "taskdiff/error.hpp"
#include "taskdiff/normalize.hpp"
#include "taskdiff/parse.hpp"
#include "text_util.hpp"

namespace taskdiff {

namespace {

using namespace text;

bool is_hex_number(std::string_view text) {
  if (!starts_with(text, "0x") || text.size() == 2) {
    return false;
  }
  for (char c : text.substr(2)) {
    if (!is_hex(c)) {
      return false;
    }
  }
  return true;
}

// `2026-11-22 23:55:20`: jstack's and Thread.print's first line (local time, no zone).
bool is_timestamp(std::string_view line) {
  line = trim(line);
  if (line.size() != 19) {
    return false;
  }
  for (size_t i = 0; i < line.size(); ++i) {
    char expected = i == 4 || i == 7 ? '-' : i == 10 ? ' ' : i == 13 || i == 16 ? ':' : '0';
    if (expected == '0' ? !is_digit(line[i]) : line[i] != expected) {
      return false;
    }
  }
  return true;
}

// The start of a jstack timestamp, `2026-11-22 19:39:03`, or of a banner, `Full thread dump `: a
// dump's first line cut.
bool starts_dump(std::string_view line) {
  constexpr std::string_view k_banner = "Full thread dump ";
  constexpr std::string_view k_timestamp = "0000-00-00 00:00:00";
  if (line.empty()) {
    return false;
  }
  if (starts_with(line, k_banner.substr(0, std::min(line.size(), k_banner.size())))) {
    return true;
  }
  if (line.size() > k_timestamp.size()) {
    return false;
  }
  for (size_t i = 0; i < line.size(); ++i) {
    if (k_timestamp[i] == '0' ? !is_digit(line[i]) : line[i] != k_timestamp[i]) {
      return false;
    }
  }
  return true;
}

bool is_banner(std::string_view line) {
  return is_java_banner(line);
}

bool is_jni_refs(std::string_view line) {
  return starts_with(line, "JNI global ref"); // `refs: N, weak refs: M` or `references: N`
}

bool is_deadlock_start(std::string_view line) {
  return starts_with(line, "Found one ") && ends_with(trim(line), "deadlock:");
}

bool is_deadlock_end(std::string_view line) {
  line = trim(line);
  return starts_with(line, "Found ") &&
         (ends_with(line, " deadlock.") || ends_with(line, " deadlocks."));
}

bool is_heap_start(std::string_view line) {
  return trim(line) == "Heap";
}

bool is_histogram_header(std::string_view line) {
  line = trim(line);
  return starts_with(line, "num ") && line.find("#instances") != std::string_view::npos;
}

// The text after `- ` on a lock line under a frame (HotSpot `print_lock_info`, VisualVM's
// `locked java.io.BufferedInputStream@5284339c`).
bool is_lock_line(std::string_view body) {
  for (std::string_view prefix :
       {"locked ", "waiting to lock ", "waiting on ", "parking to wait for ", "eliminated ",
        "waiting to re-lock in wait() ", "lock is eliminated"}) {
    if (starts_with(body, prefix)) {
      return true;
    }
  }
  return false;
}

// The text after `- ` in a `Locked ownable synchronizers:` block.
bool is_ownable_line(std::string_view body) {
  return body == "None" || starts_with(body, "<0x") || starts_with(body, "locked ");
}

// One field of a HotSpot thread header before `tid=` (dump-formats.md 5.2 `header`).
bool is_header_field(std::string_view token, bool& os_prio) {
  auto value = [&](std::string_view prefix) { return token.substr(prefix.size()); };
  auto number = [](std::string_view text) { return !text.empty() && is_digit(text[0]); };
  if (token == "daemon") {
    return true;
  }
  if (token.size() >= 2 && token[0] == '#') {
    return all_digits(token.substr(1));
  }
  if (token.size() >= 3 && token.front() == '[' && token.back() == ']') {
    return all_digits(token.substr(1, token.size() - 2)); // OS thread id, JDK 19+
  }
  if (starts_with(token, "prio=")) {
    return all_digits(value("prio="));
  }
  if (starts_with(token, "os_prio=")) {
    std::string_view v = value("os_prio=");
    os_prio = true;
    return all_digits(!v.empty() && v[0] == '-' ? v.substr(1) : v);
  }
  for (std::string_view prefix : {"cpu=", "elapsed=", "allocated="}) {
    if (starts_with(token, prefix)) {
      return number(value(prefix));
    }
  }
  if (starts_with(token, "defined_classes=")) {
    return all_digits(value("defined_classes="));
  }
  return false;
}

enum class HeaderResult { ok, bad };

struct ThreadHeader {
  std::string_view name;
  std::string_view id; // `tid=0x...` (the JVM's thread, unique among the live ones) or `t@N`
  bool os_prio = false;
  bool tid = false; // a HotSpot thread printer's header (VisualVM's `- Thread t@N` has none)
  std::string error;
};

// `"name" #N [OS-ID] daemon prio=P os_prio=O cpu=Cms elapsed=Es allocated=A defined_classes=D
// tid=0xT nid=X STATETEXT [0xADDR]` with every field but the name and tid optional, or VisualVM's
// `"name" - Thread t@N`. The name is printed unescaped: it ends at the last `"` followed by a
// field (dump-formats.md 5.5).
HeaderResult parse_header(std::string_view line, ThreadHeader& header) {
  static constexpr std::string_view k_markers[] = {
      " #", " daemon", " prio=", " os_prio=", " tid=", " - Thread t@"};
  size_t quote = std::string_view::npos;
  for (size_t q = line.rfind('"'); q != std::string_view::npos && q > 0;
       q = line.rfind('"', q - 1)) {
    std::string_view rest = line.substr(q + 1);
    bool marked = false;
    for (std::string_view marker : k_markers) {
      marked = marked || starts_with(rest, marker);
    }
    if (marked) {
      quote = q;
      break;
    }
  }
  if (quote == std::string_view::npos) {
    header.error = fmt::format("expected a thread header like `\"main\" #1 prio=5 os_prio=0 "
                               "tid=0x00007f2994017ef0 nid=0x6141 waiting on condition`, found {}",
                               quote_excerpt(line));
    return HeaderResult::bad;
  }
  header.name = line.substr(1, quote - 1);
  std::string_view rest = line.substr(quote + 1);
  if (starts_with(rest, " - Thread t@")) {
    if (!all_digits(trim(rest.substr(12)))) {
      header.error = fmt::format("expected `- Thread t@N` after the thread name, found {}",
                                 quote_excerpt(rest));
      return HeaderResult::bad;
    }
    header.id = trim(rest.substr(10));
    return HeaderResult::ok;
  }
  size_t pos = 0;
  auto next_token = [&]() {
    while (pos < rest.size() && rest[pos] == ' ') {
      ++pos;
    }
    size_t end = rest.find(' ', pos);
    if (end == std::string_view::npos) {
      end = rest.size();
    }
    std::string_view token = rest.substr(pos, end - pos);
    pos = end;
    return token;
  };
  for (;;) {
    std::string_view token = next_token();
    if (token.empty()) {
      header.error = fmt::format("expected `tid=0x...` in the header of thread \"{}\", found the "
                                 "end of the line",
                                 header.name);
      return HeaderResult::bad;
    }
    if (starts_with(token, "tid=")) {
      if (!is_hex_number(token.substr(4))) {
        header.error =
            fmt::format("expected `tid=0x` and a hex address, found {}", quote_excerpt(token));
        return HeaderResult::bad;
      }
      header.tid = true;
      header.id = token;
      break;
    }
    if (!is_header_field(token, header.os_prio)) {
      header.error =
          fmt::format("expected a thread header field (`#N`, `[N]`, `daemon`, `prio=`, "
                      "`os_prio=`, `cpu=`, `elapsed=`, `allocated=`, `defined_classes=`, "
                      "`tid=`) after the name \"{}\", found {}",
                      header.name, quote_excerpt(token));
      return HeaderResult::bad;
    }
  }
  size_t before_nid = pos;
  std::string_view token = next_token();
  if (starts_with(token, "nid=")) {
    std::string_view nid = token.substr(4);
    if (!is_hex_number(nid) && !all_digits(nid)) {
      header.error =
          fmt::format("expected `nid=` and a hex or decimal id, found {}", quote_excerpt(token));
      return HeaderResult::bad;
    }
  } else {
    pos = before_nid; // JDK 21 carriers print no nid and no state text
  }
  // The rest: a state text (`waiting on condition`, `in Object.wait()`, free text that may
  // disagree with the Java state) and the stack range `[0x...]` (JDK 5/6: `[0x...
  // ..0x...]`); both are dropped.
  std::string_view tail = trim(rest.substr(pos));
  if (!tail.empty() && tail.back() == ']') {
    size_t open = tail.rfind('[');
    std::string_view range = open == std::string_view::npos
                                 ? std::string_view{}
                                 : tail.substr(open + 1, tail.size() - open - 2);
    size_t dots = range.find("..");
    bool valid = dots == std::string_view::npos ? is_hex_number(range)
                                                : is_hex_number(range.substr(0, dots)) &&
                                                      is_hex_number(range.substr(dots + 2));
    if (!valid) {
      header.error = fmt::format("expected the stack address `[0x...]` at the end of the header of "
                                 "thread \"{}\", found {}",
                                 header.name, quote_excerpt(tail));
      return HeaderResult::bad;
    }
  }
  return HeaderResult::ok;
}

class JavaParser {
public:
  JavaParser(LineReader& lines, TextParseContext& context)
      : m_lines(lines), m_context(context), m_builder(context.builder) {}

  void run() {
    m_context.out.format = Format::java;
    m_context.out.runtime = Runtime::java;
    m_context.out.facts = format_facts(Format::java);
    std::string_view line;
    while (m_lines.next(line)) {
      // Whether it ends as a thread's whole lines do: taken first, as a step may peek at the next
      // line, which may move the buffer under `line`.
      bool whole = line.empty() || line.back() == ')' || line.back() == ']';
      if (m_lines.last_line_unterminated()) {
        // The input's last line has no newline: a file that simply lacks one, or a dump cut in
        // the middle of a line (`head -c`, a size-capped log shipper). If the line does not
        // parse, it was cut. Copied first, for the same reason.
        std::string last(line);
        State before = m_state;
        try {
          step(last);
        } catch (const LimitError&) {
          throw; // a limit passed, not a line cut short
        } catch (const ParseError&) {
          if (is_html_start(last)) {
            throw; // a page after the dump, not a cut line
          }
          cut_mid_line(before, last);
          break;
        }
      } else {
        step(line);
      }
      m_last_line_whole = whole;
    }
    finish();
  }

private:
  enum class State {
    preamble,
    threads,
    smr,
    thread,
    mounted,
    ownable,
    deadlock,
    heap,
    histogram,
    after
  };

  [[noreturn]] void fail(const std::string& message) {
    throw ParseError(m_lines.line_number(), message);
  }

  void step(std::string_view line) {
    switch (m_state) {
    case State::preamble: preamble(line); break;
    case State::threads: threads(line); break;
    case State::smr: smr(line); break;
    case State::thread: thread(line); break;
    case State::mounted: mounted(line); break;
    case State::ownable: ownable(line); break;
    case State::deadlock: deadlock(line); break;
    case State::heap: heap(line); break;
    case State::histogram: histogram(line); break;
    case State::after: after(line); break;
    }
  }

  void remember_timestamp(std::string_view line) {
    m_timestamp = trim(line);
    m_timestamp_line = m_lines.line_number();
  }

  void preamble(std::string_view line) {
    if (is_banner(line)) {
      banner(line);
    } else if (is_timestamp(line)) {
      remember_timestamp(line);
    } else if (starts_with(line, "Full thread dump ") && m_damaged_banner_line == 0) {
      // Not of HotSpot's shape: a log line (`Full thread dump requested by ops:`), or the banner
      // cut or damaged, which finish() says if no banner follows.
      m_damaged_banner_line = m_lines.line_number();
      m_damaged_banner = quote_excerpt(line);
    } else if ((is_goroutine_header(line) || starts_with(line, "goroutine profile: total ")) &&
               m_go_dump_line == 0) {
      // A Go dump: if a Java one follows, neither may be dropped (banner()).
      m_go_dump_line = m_lines.line_number();
      m_go_dump = is_goroutine_header(line) ? "goroutine dump" : "debug=1 profile";
    }
    // Anything else is text before the dump: the `PID:` line, the JVM's stdout.
    remember_pid(line);
  }

  // jcmd's first line, `601:`: the process the dump after it is of.
  void remember_pid(std::string_view line) {
    if (line.size() > 1 && line.back() == ':' && all_digits(line.substr(0, line.size() - 1))) {
      m_pid = line.substr(0, line.size() - 1);
      m_pid_line = m_lines.line_number();
    }
  }

  // Two dumps in one input are two of one JVM (`kill -3` sent again: the last is read), unless
  // their jcmd pids or their banners (the VM and its version) differ: replicas in one file (a
  // loop over jcmd writing one file, `cat` of two jstack outputs), of which reading one would
  // hide the others' threads.
  void check_same_jvm(std::string_view banner) {
    uint64_t at = m_lines.line_number();
    bool timestamp_before = m_timestamp_line != 0 && m_timestamp_line + 1 == at;
    std::string pid;
    if (m_pid_line != 0 && (m_pid_line + 1 == at || (timestamp_before && m_pid_line + 2 == at))) {
      pid = m_pid;
    }
    if (m_banners == 0) {
      m_first_banner.assign(banner);
      m_first_pid = pid;
      m_first_banner_line = at;
      return;
    }
    std::string other;
    if (!pid.empty() && !m_first_pid.empty() && pid != m_first_pid) {
      other = fmt::format("of process {}, the one at line {} of process {}", pid,
                          m_context.file_line(m_first_banner_line), m_first_pid);
    } else if (banner != m_first_banner) {
      auto vm = [](std::string_view text) { // `OpenJDK 64-Bit Server VM (17.0.15+6 mixed mode)`
        text.remove_prefix(std::string_view("Full thread dump ").size());
        text.remove_suffix(1);
        return quote_excerpt(text, 120);
      };
      other = fmt::format("of {}, the one at line {} of {}", vm(banner),
                          m_context.file_line(m_first_banner_line), vm(m_first_banner));
    }
    if (!other.empty()) {
      two_jvms(
          fmt::format("the dump here is {} (a loop over jcmd or jstack writing one file?)", other));
    }
  }

  [[noreturn]] void two_jvms(const std::string& why) {
    fail(fmt::format("this input holds thread dumps of two JVMs: {}; give each JVM's dump on its "
                     "own, or merge replicas with `taskdiff snapshot a.txt b.txt -o cand.json`",
                     why));
  }

  // Another kind of dump after this one (glued_dump, which needs the next line: peeked after
  // `line` is used, as a peek may move the buffer under it). A Thread.dump_to_file text dump
  // opens with its pid, its capture time and the Java version: three lines in a row.
  std::string_view glued(std::string_view line) {
    if (m_threads_dump_lines == 1 && is_instant(line)) {
      m_threads_dump_lines = 2;
      return {};
    }
    if (m_threads_dump_lines == 2 && is_java_version(line)) {
      return "a Thread.dump_to_file dump";
    }
    m_threads_dump_lines = all_digits(line) ? 1 : 0;
    if (!may_start_glued_dump(line)) {
      return {};
    }
    std::string copy(line);
    std::string_view next;
    return m_lines.peek(next) ? glued_dump(copy, next) : std::string_view();
  }

  void banner(std::string_view line) {
    if (m_go_dump_line != 0) {
      fail(fmt::format("a Go {} (line {}) comes before the Java thread dump: give each dump on "
                       "its own",
                       m_go_dump, m_context.file_line(m_go_dump_line)));
    }
    check_same_jvm(trim(line));
    if (m_banners > 0) {
      // A second dump in the same text (SIGQUIT sent twice, files concatenated): keep the last
      // one, as for Go (the earlier dumps' records are dropped).
      m_restart_line = m_lines.line_number();
      m_builder = StackBuilder(m_context.options.limits, m_context.options.label_sets);
      m_context.out.captured_at.reset();
    }
    ++m_banners;
    m_threads = 0;
    m_thread_lines.clear();
    m_smr_tids.clear();
    m_smr_line = 0;
    m_reference_seen = false;
    m_needs_jni = false;
    // `(1.5.0_06-b05 mixed mode)`: JDK 5 put the Java version there; later JDKs put HotSpot's
    // (`20.45-b01`, `25.91-b14`) or, from JDK 9, the Java version again (`17.0.15+6`).
    size_t open = line.rfind('(');
    std::string_view version = open == std::string_view::npos ? "" : line.substr(open + 1);
    m_jdk5 = starts_with(version, "1.5.") || starts_with(version, "1.4.");
    m_saw_jni = false;
    m_ownable_allowed = false;
    if (m_timestamp_line != 0 && m_timestamp_line + 1 == m_lines.line_number()) {
      std::string time = m_timestamp;
      time[10] = 'T'; // local time: jstack prints no zone
      m_context.out.captured_at = time;
    }
    m_state = State::threads;
  }

  void threads(std::string_view line) {
    if (is_blank(line)) {
      return;
    }
    if (line[0] == '"') {
      header(line);
      return;
    }
    bool ownable_allowed = m_ownable_allowed;
    m_ownable_allowed = false;
    if (trim(line) == "Locked ownable synchronizers:" && ownable_allowed) {
      m_state = State::ownable;
    } else if (line == "Threads class SMR info:") {
      m_state = State::smr;
      m_smr_line = m_lines.line_number();
      m_smr_tids.clear();
      m_smr_java_list = true;
    } else if (m_smr_line != 0 && m_threads == 0 &&
               (starts_with(line, "_") || starts_with(line, "next-> "))) {
      // More of the SMR info: older thread lists waiting to be freed (`_to_delete_list=0x...,
      // length=N, elements={`, `next-> 0x...`), statistics (-XX:+EnableThreadSMRStatistics).
      // Their threads may have exited: not checked.
      std::string_view text = trim(line);
      if (text.find("elements={") != std::string_view::npos && !ends_with(text, "}")) {
        m_state = State::smr; // `next->` prints its first addresses on its own line
        m_smr_java_list = false;
      }
    } else if (is_jni_refs(line)) {
      m_saw_jni = true;
      m_state = State::after;
    } else if (section_start(line)) {
      return;
    } else if (is_timestamp(line)) {
      // The next dump of a log whose dumps have no end marker (JDK 5). Copied first: peeking
      // may move the buffer `line` points into.
      std::string timestamp(trim(line));
      uint64_t at = m_lines.line_number();
      std::string_view next;
      if (!m_lines.peek(next) || !is_banner(next)) {
        fail(fmt::format("expected `Full thread dump` after the timestamp line {}, found {}",
                         quote_excerpt(timestamp), quote_excerpt(next)));
      }
      m_timestamp = std::move(timestamp);
      m_timestamp_line = at;
    } else {
      fail(fmt::format("expected a thread header like `\"main\" #1 prio=5 ... tid=0x...`, the "
                       "`JNI global refs:` line or an empty line, found {}",
                       quote_excerpt(line)));
    }
  }

  void header(std::string_view line) {
    ThreadHeader parsed;
    std::string joined; // a header over several lines (join_name_lines): `parsed` views it
    uint64_t at = m_lines.line_number();
    if (parse_header(line, parsed) != HeaderResult::ok) {
      std::string error = std::move(parsed.error);
      if (!join_name_lines(line, joined, parsed)) {
        throw ParseError(at, std::move(error));
      }
    }
    // HotSpot's thread printer ends the thread list with the JNI refs line from JDK 6 on
    // (`JNI global references: 873` until JDK 8); JDK 5 and VisualVM's own dumps print none.
    m_needs_jni = m_needs_jni || parsed.os_prio || (parsed.tid && !m_jdk5);
    // A thread listed twice (a chunk of the dump repeated by a log shipper, an edit) would be
    // counted twice: refused, as a Go goroutine listed twice is.
    if (!parsed.id.empty()) {
      auto [seen, added] = m_thread_lines.try_emplace(std::string(parsed.id), at);
      if (!added) {
        fail(fmt::format("thread \"{}\" ({}) is listed a second time, first at line {}: a dump "
                         "lists each thread once; part of it is repeated (a log shipper sending "
                         "a chunk again?), or it was edited; give the dump as the JVM wrote it",
                         parsed.name, parsed.id, seen->second));
      }
    }
    if (parsed.tid && parsed.name == "Reference Handler" && !m_reference_seen) {
      // The JVM's own, started before any of the program's threads, which may take its name.
      m_reference_seen = true;
      check_same_reference_handler(parsed.id);
    }
    ++m_threads;
    m_record_line = at;
    m_record_name = parsed.name;
    m_thread_name = normalize_java_thread_name(parsed.name);
    m_builder.begin(1);
    m_state_given = false;
    m_frames = 0;
    m_state = State::thread;
  }

  // Every JVM has one "Reference Handler" thread from its start to its end: in two dumps of one
  // JVM it has the same address (`tid=`). Another is another JVM, whose dumps' banners and jcmd
  // pids may be alike (`cat` of two jstack outputs of one JDK).
  void check_same_reference_handler(std::string_view tid) {
    if (m_banners == 1) {
      m_first_reference_tid.assign(tid);
      m_first_reference_line = m_lines.line_number();
    } else if (!m_first_reference_tid.empty() && tid != m_first_reference_tid) {
      two_jvms(fmt::format("the \"Reference Handler\" thread here has {}, the one at line {} {} "
                           "(each JVM has one for its whole life; a loop over jstack writing one "
                           "file?)",
                           tid, m_context.file_line(m_first_reference_line),
                           m_first_reference_tid));
    }
  }

  // HotSpot prints a thread's name raw: one with a line break (`new Thread(r, "house\nkeeper")`)
  // spreads its header over lines. When a header does not parse, the lines after it are joined
  // on, up to k_max_name_lines, until it does; an empty line, a thread's body (indented) or a
  // header of its own ends the search (a cut header is no name with a line break).
  bool join_name_lines(std::string_view line, std::string& joined, ThreadHeader& parsed) {
    constexpr int k_max_name_lines = 8;
    joined.assign(line);
    for (int i = 0; i < k_max_name_lines; ++i) {
      std::string_view next;
      ThreadHeader alone;
      if (!m_lines.peek(next) || is_blank(next) || is_space(next[0]) ||
          (next[0] == '"' && parse_header(next, alone) == HeaderResult::ok)) {
        return false;
      }
      m_lines.next(next);
      joined += '\n';
      joined.append(next);
      if (parse_header(joined, parsed) == HeaderResult::ok) {
        return true;
      }
    }
    return false;
  }

  void ensure_state() {
    if (!m_state_given) {
      m_builder.state({});
      m_state_given = true;
    }
  }

  void commit() {
    ensure_state();
    m_builder.thread_name(m_thread_name);
    m_builder.commit(m_record_line);
    m_ownable_allowed = true;
  }

  void thread(std::string_view line) {
    if (is_blank(line)) {
      commit();
      m_state = State::threads;
      return;
    }
    if (!is_space(line[0])) {
      // The next header without an empty line between (deadlock-free -l dumps end a thread
      // with its ownable block instead), or the JNI refs line.
      commit();
      m_state = State::threads;
      threads(line);
      return;
    }
    std::string_view text = trim(line);
    if (starts_with(text, "at ")) {
      frame(text.substr(3));
    } else if (starts_with(text, "- ")) {
      if (m_frames == 0 || !is_lock_line(text.substr(2))) {
        fail(fmt::format("expected a lock line like `- locked <0x...> (a java.lang.Object)` under "
                         "a frame of thread \"{}\", found {}",
                         m_record_name, quote_excerpt(line)));
      }
    } else if (starts_with(text, "java.lang.Thread.State:")) {
      state_line(text);
    } else if (starts_with(text, "Carrying virtual thread #") && !m_state_given && m_frames == 0) {
      // A JDK 21+ carrier prints this in place of its state: no Java state is known.
      ensure_state();
    } else if (starts_with(text, "Mounted virtual thread #")) {
      m_state = State::mounted;
    } else if (text == "No compile task" || starts_with(text, "Compiling:")) {
      // Compiler threads' current task.
    } else if (text == "Locked ownable synchronizers:") {
      commit();
      m_state = State::ownable;
    } else {
      fail(
          fmt::format("expected a frame like `\tat java.lang.Thread.run(Thread.java:840)`, a lock "
                      "line or an empty line in thread \"{}\" (its header is at line {}), found {}",
                      m_record_name, m_context.file_line(m_record_line), quote_excerpt(line)));
    }
  }

  void state_line(std::string_view text) {
    if (m_state_given || m_frames > 0) {
      fail(fmt::format("expected the `java.lang.Thread.State:` line right after the header of "
                       "thread \"{}\", found it again or after its frames",
                       m_record_name));
    }
    std::string_view rest = trim(text.substr(std::strlen("java.lang.Thread.State:")));
    size_t space = rest.find(' ');
    std::string_view word = rest.substr(0, space);
    std::string_view detail =
        space == std::string_view::npos ? std::string_view{} : trim(rest.substr(space));
    if (!is_java_thread_state(word)) {
      fail(fmt::format("expected a thread state (NEW, RUNNABLE, BLOCKED, WAITING, TIMED_WAITING, "
                       "TERMINATED) after `java.lang.Thread.State:`, found {}",
                       quote_excerpt(word)));
    }
    if (detail.empty() || starts_with(detail, "on ")) {
      // VisualVM prints the monitor's identity (`WAITING on java.util.TaskQueue@7311acb7`)
      // where HotSpot prints a detail; the identity differs per run.
      m_builder.state(word);
    } else if (detail.size() > 2 && detail.front() == '(' && detail.back() == ')') {
      m_state_text.assign(word);
      m_state_text += ' ';
      m_state_text += detail;
      m_builder.state(m_state_text);
    } else {
      fail(fmt::format("expected `{}` alone or followed by a `(detail)`, found {}", word,
                       quote_excerpt(text)));
    }
    m_state_given = true;
  }

  void frame(std::string_view text) {
    JavaFrame parsed;
    if (!split_java_frame(text, parsed)) {
      fail(fmt::format("expected a frame like `at java.lang.Thread.run(java.base@17.0.15/"
                       "Thread.java:840)`, found {}",
                       quote_excerpt(text)));
    }
    ensure_state();
    ++m_frames;
    m_builder.frame(parsed.function, parsed.file, parsed.line, m_lines.line_number());
  }

  void mounted(std::string_view line) {
    if (is_blank(line) || !is_space(line[0]) || trim(line) == "Locked ownable synchronizers:") {
      m_state = State::thread;
      thread(line);
      return;
    }
    std::string_view text = trim(line);
    if (!starts_with(text, "at ") && !starts_with(text, "- ")) {
      fail(fmt::format("expected a frame of the mounted virtual thread, found {}",
                       quote_excerpt(line)));
    }
  }

  void ownable(std::string_view line) {
    if (is_blank(line)) {
      m_state = State::threads;
      return;
    }
    if (!is_space(line[0])) {
      m_state = State::threads;
      threads(line);
      return;
    }
    std::string_view text = trim(line);
    if (!starts_with(text, "- ") || !is_ownable_line(text.substr(2))) {
      fail(fmt::format("expected `- None` or `- <0x...> (a ...)` under `Locked ownable "
                       "synchronizers:`, found {}",
                       quote_excerpt(line)));
    }
  }

  // `Threads class SMR info:` (JDK 10+): the addresses of the Java threads the dump lists, each a
  // thread's `tid=`. Kept, so that finish() can tell a dump that lost threads in its middle.
  void smr(std::string_view line) {
    std::string_view text = trim(line);
    if (text == "}") {
      m_state = State::threads;
    } else if (starts_with(text, "0x")) {
      while (m_smr_java_list && !text.empty()) {
        size_t comma = text.find(',');
        std::string_view address = trim(text.substr(0, comma));
        if (!address.empty()) {
          m_smr_tids.push_back(fmt::format("tid={}", address));
        }
        text = comma == std::string_view::npos ? std::string_view() : text.substr(comma + 1);
      }
    } else if (!starts_with(text, "_java_thread_list=0x")) {
      fail(fmt::format(
          "expected the `Threads class SMR info:` address list, ended by `}}`, found {}",
          quote_excerpt(line)));
    }
  }

  // Every thread the SMR list names has its header (the JVM prints the list it walks): one
  // missing is a dump that lost lines in its middle, which no line shows.
  void check_smr_threads() {
    size_t missing = 0;
    const std::string* first = nullptr;
    for (const std::string& tid : m_smr_tids) {
      if (m_thread_lines.count(tid) == 0) {
        first = first == nullptr ? &tid : first;
        ++missing;
      }
    }
    if (missing != 0) {
      truncated(fmt::format("{} of the {} threads the `Threads class SMR info:` list names (line "
                            "{}) are not in the dump ({} the first): part of it was lost in the "
                            "middle (a log shipper dropping a chunk, an edit?)",
                            missing, m_smr_tids.size(), m_context.file_line(m_smr_line), *first),
                false);
    }
  }

  void start_deadlock() {
    m_deadlock_line = m_lines.line_number();
    m_state = State::deadlock;
  }

  void deadlock(std::string_view line) {
    if (is_deadlock_end(line)) {
      // Its threads are in the list already; that the JVM found them deadlocked is said here only.
      m_context.out.warnings.push_back(
          fmt::format("the JVM reports a Java-level deadlock at line {} ({}): those threads will "
                      "never run again",
                      m_context.file_line(m_deadlock_line), quote_excerpt(trim(line))));
      m_state = State::after;
    }
  }

  void heap(std::string_view line) {
    if (is_blank(line)) {
      m_state = State::after;
    } else if (!is_space(line[0])) {
      m_state = State::after;
      after(line);
    }
  }

  void histogram(std::string_view line) {
    std::string_view text = trim(line);
    size_t colon = text.find(':');
    bool row = colon != std::string_view::npos && all_digits(text.substr(0, colon));
    if (row || starts_with(text, "---")) {
      return;
    }
    m_state = State::after;
    if (!starts_with(text, "Total ")) {
      after(line);
    }
  }

  // What may follow a thread list, or the lines after it: a deadlock report, the heap summary, a
  // class histogram, the next dump's banner. True when `line` starts one (and the state moved).
  bool section_start(std::string_view line) {
    if (is_deadlock_start(line)) {
      start_deadlock();
    } else if (is_heap_start(line)) {
      m_state = State::heap;
    } else if (is_histogram_header(line)) {
      m_state = State::histogram;
    } else if (is_banner(line)) {
      banner(line);
    } else {
      return false;
    }
    return true;
  }

  void after(std::string_view line) {
    if (is_blank(line)) {
      return;
    }
    m_timestamp_last = false;
    if (section_start(line)) {
      return;
    }
    remember_pid(line);
    if (is_timestamp(line)) {
      remember_timestamp(line);
      m_timestamp_last = true; // a next dump's first line, unless other text follows
    } else if (m_lines.last_line_unterminated() && starts_dump(line)) {
      fail("another dump's first line, cut"); // which cut_mid_line says
    } else if (ThreadHeader parsed;
               line[0] == '"' && parse_header(line, parsed) == HeaderResult::ok) {
      fail(fmt::format("expected the end of the dump after its thread list, found another thread "
                       "header: two dumps glued together without their `Full thread dump` line?"));
    } else if (is_goroutine_header(line)) {
      fail("a Go goroutine dump follows the Java thread dump: give each dump on its own");
    } else if (std::string_view other = glued(line); !other.empty()) {
      fail(fmt::format("{} follows the Java thread dump: give each dump on its own", other));
    } else if (is_html_start(line)) {
      fail(fmt::format("an HTML page follows the thread dump (an error page appended to the "
                       "capture?): {}; capture the dump again and give it on its own",
                       quote_excerpt(line)));
    }
    // Anything else: the application's stdout after a SIGQUIT dump.
  }

  void truncated(const std::string& where, bool drop_record) {
    m_truncation_seen = true;
    if (m_context.options.allow_truncated) {
      m_context.out.warnings.push_back(fmt::format(
          "TRUNCATED INPUT: {}{}; the rest was compared (--allow-truncated). Counts may be short.",
          where,
          drop_record ? fmt::format("; thread \"{}\" (line {}) was dropped", m_record_name,
                                    m_context.file_line(m_record_line))
                      : ""));
      return;
    }
    fail(fmt::format("{}: the dump is truncated (a cut copy, a full disk?); capture it again, or "
                     "pass --allow-truncated to compare what was read",
                     where));
  }

  // The last, unterminated line did not parse: the dump was cut inside it. `before`: the state it
  // was read in. A thread read in part is dropped (with --allow-truncated).
  void cut_mid_line(State before, std::string_view text) {
    m_cut = true;
    if (before == State::after && starts_dump(text)) {
      truncated(fmt::format("the input ends inside the first line of another dump ({}): the "
                            "last dump is cut",
                            quote_excerpt(text)),
                false);
    } else if (!text.empty() && text[0] == '"') {
      truncated(
          fmt::format("the dump ends inside the header of a thread ({})", quote_excerpt(text)),
          false);
    } else if ((before == State::thread || before == State::mounted) && !text.empty() &&
               is_space(text[0])) {
      truncated(fmt::format("the dump ends inside thread \"{}\" (its header is at line {})",
                            m_record_name, m_context.file_line(m_record_line)),
                true);
    } else {
      truncated(fmt::format("the dump ends in the middle of a line ({})", quote_excerpt(text)),
                false);
    }
  }

  void finish() {
    if (m_state == State::preamble && m_damaged_banner_line != 0) {
      throw ParseError(m_damaged_banner_line,
                       fmt::format("expected the banner `Full thread dump <VM> (<version>):`, "
                                   "found {}",
                                   m_damaged_banner));
    }
    if (m_state == State::preamble) {
      fail("expected `Full thread dump ...` (jstack, jcmd Thread.print or SIGQUIT output), found "
           "the end of the input");
    }
    if (m_banners > 1) {
      m_context.out.warnings.push_back(fmt::format(
          "this input holds {} thread dumps; read the last one, which starts at line {}", m_banners,
          m_context.file_line(m_restart_line)));
    }
    if (m_cut) {
      // Reported (with --allow-truncated: a warning) by cut_mid_line; a thread read in part is
      // not committed, a whole one was committed as it ended.
      return;
    }
    if (m_state == State::after && m_timestamp_last) {
      truncated(fmt::format("the input ends after a timestamp ({}, line {}) that starts another "
                            "dump: the last dump is cut",
                            quote_excerpt(m_timestamp), m_context.file_line(m_timestamp_line)),
                false);
    }
    bool in_thread = m_state == State::thread || m_state == State::mounted;
    if (m_threads == 0) {
      fail("expected a thread header like `\"main\" #1 prio=5 ... tid=0x...` after `Full thread "
           "dump`, found the end of the input");
    }
    if (m_state == State::smr) {
      truncated("the dump ends inside the `Threads class SMR info:` list", false);
    } else if (m_state == State::deadlock) {
      truncated(fmt::format("the dump ends inside the deadlock section that starts at line {}, "
                            "before its `Found N deadlocks.` line",
                            m_context.file_line(m_deadlock_line)),
                false);
    } else if (m_needs_jni && !m_saw_jni) {
      truncated("the dump ends without the `JNI global refs:` line that JDK 6+ prints after the "
                "last thread",
                in_thread);
      if (in_thread) {
        in_thread = false; // dropped (with --allow-truncated)
      }
    } else if (in_thread && m_lines.last_line_unterminated() && !m_last_line_whole) {
      // JDK 5 and VisualVM print no end line: a cut shows only inside a line. A thread's lines end
      // in `)` (frames, locks, most headers) or `]` (a header's stack range); a copy that only
      // lost its final line break after one of those reads whole.
      truncated("the dump ends in the middle of a line", true);
      in_thread = false; // dropped (with --allow-truncated)
    }
    if (in_thread) {
      commit();
    }
    if (!m_truncation_seen) {
      check_smr_threads();
    }
  }

  LineReader& m_lines;
  TextParseContext& m_context;
  StackBuilder& m_builder;
  State m_state = State::preamble;
  uint64_t m_go_dump_line = 0; // a Go dump's first line before the Java dump, 0: none
  unsigned m_threads_dump_lines = 0; // after the dump: a pid (1), then a capture time (2) read
  std::string_view m_go_dump;  // what kind
  std::string m_timestamp;
  uint64_t m_timestamp_line = 0;
  unsigned m_banners = 0;
  uint64_t m_restart_line = 0;
  std::string m_pid; // the last `PID:` line's, and where it is
  uint64_t m_pid_line = 0;
  std::string m_first_banner; // the first dump's banner and pid (empty: none printed)
  std::string m_first_pid;
  uint64_t m_first_banner_line = 0;
  std::string m_first_reference_tid; // the first dump's "Reference Handler" `tid=0x...`
  uint64_t m_first_reference_line = 0;
  bool m_reference_seen = false; // this dump's first "Reference Handler" was checked
  uint64_t m_threads = 0; // thread headers in the current dump
  std::unordered_map<std::string, uint64_t> m_thread_lines; // by id: where each thread's header is
  bool m_needs_jni = false;
  bool m_jdk5 = false; // the banner's version says JDK 5 (or 1.4): no JNI refs line
  bool m_saw_jni = false;
  bool m_last_line_whole = true; // the last line read ends as a thread's whole lines do
  bool m_cut = false;            // the last line was cut (cut_mid_line reported it)
  bool m_truncation_seen = false; // truncated() reported a cut (with --allow-truncated, read on)
  std::vector<std::string> m_smr_tids; // `tid=0x...` of each thread the SMR list names
  uint64_t m_smr_line = 0;
  bool m_smr_java_list = true;   // the SMR list being read is the threads' (not one to delete)
  bool m_timestamp_last = false; // after the dump, the last line not empty was a timestamp
  bool m_ownable_allowed = false;
  uint64_t m_deadlock_line = 0;
  uint64_t m_damaged_banner_line = 0; // the first `Full thread dump ` line not of a banner's shape
  std::string m_damaged_banner;       // that line, quoted
  // The thread being read.
  uint64_t m_record_line = 0;
  std::string m_record_name;
  std::string m_thread_name;
  std::string m_state_text;
  bool m_state_given = false;
  size_t m_frames = 0;
};

} // namespace

void parse_java(LineReader& lines, TextParseContext& context) {
  JavaParser(lines, context).run();
}

} // namespace taskdiff
