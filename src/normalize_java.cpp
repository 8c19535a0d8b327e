// Java names: what makes two thread dumps of the same code compare equal (dump-formats.md
// sections 5.5, 5.7 and 7.4).
//
// Function names lose what the JVM invents per run: hidden-class addresses of lambdas and
// lambda forms, generated reflection accessors' and proxies' counters, CGLIB hashes. Thread
// names lose their pool and thread counters. Frames lose the loader, module and version prefixes
// that differ between jstack (`Class.method(java.base@25.0.3/File.java:1)`) and
// Thread.dump_to_file (`java.base/Class.method(File.java:1)`).
#include <algorithm>
#include <cctype>
#include <cstring>

#include "parse/text_util.hpp"
#include "taskdiff/normalize.hpp"

namespace taskdiff {

namespace {

using namespace text;

bool is_letter(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

bool starts_at(std::string_view text, size_t pos, std::string_view prefix) {
  return text.size() - pos >= prefix.size() &&
         std::memcmp(text.data() + pos, prefix.data(), prefix.size()) == 0;
}

bool is_alnum(char c) {
  return is_letter(c) || is_digit(c);
}

// Where a hex run of exactly `size` characters starting at `pos` ends, else npos.
size_t hex_run_end(std::string_view text, size_t pos, size_t size) {
  if (text.size() - pos < size) {
    return std::string_view::npos;
  }
  for (size_t i = pos; i < pos + size; ++i) {
    if (!is_hex(text[i])) {
      return std::string_view::npos;
    }
  }
  return pos + size;
}

// A UUID (`123e4567-e89b-12d3-a456-426614174000`) starting at `pos` and ending a word: its end,
// else npos.
size_t uuid_end(std::string_view text, size_t pos) {
  for (size_t size : {8, 4, 4, 4}) {
    pos = hex_run_end(text, pos, size);
    if (pos == std::string_view::npos || pos >= text.size() || text[pos] != '-') {
      return std::string_view::npos;
    }
    ++pos;
  }
  pos = hex_run_end(text, pos, 12);
  return pos != std::string_view::npos && (pos == text.size() || !is_alnum(text[pos]))
             ? pos
             : std::string_view::npos;
}

// A word that is a hex id (`a1b2c3d4e5f6`, `0x7f3a9c1d`, an identity hash): six or more hex
// digits with a digit and a letter among them, or `0x` and any hex digits.
bool is_hex_id(std::string_view word) {
  if (word.size() > 2 && word[0] == '0' && (word[1] == 'x' || word[1] == 'X')) {
    word.remove_prefix(2);
    return std::all_of(word.begin(), word.end(), is_hex);
  }
  return word.size() >= 6 && std::all_of(word.begin(), word.end(), is_hex) &&
         std::any_of(word.begin(), word.end(), is_digit) &&
         !std::all_of(word.begin(), word.end(), is_digit);
}

size_t skip_digits(std::string_view text, size_t pos) {
  while (pos < text.size() && is_digit(text[pos])) {
    ++pos;
  }
  return pos;
}

// Generated classes whose trailing counter depends on load order (reflection inflation).
constexpr std::string_view k_counted_classes[] = {
    "GeneratedSerializationConstructorAccessor",
    "GeneratedConstructorAccessor",
    "GeneratedMethodAccessor",
    "$Proxy",
};

// ByteBuddy's default naming (SuffixingRandom) and the libraries built on it give a generated class
// a random suffix per JVM run: `Customer$HibernateProxy$k3mPq9Zs.getName`.
constexpr std::string_view k_random_suffix_markers[] = {
    "$ByteBuddy$",   "$HibernateProxy$", "$HibernateInstantiator$", "$HibernateAccessOptimizer$",
    "$MockitoMock$",
};

// `$$Word$$` of a CGLIB-style generated class (`$$EnhancerBySpringCGLIB$$`, `$$SpringCGLIB$$`):
// returns the position after it, or npos.
size_t generated_marker_end(std::string_view name, size_t pos) {
  if (!starts_at(name, pos, "$$")) {
    return std::string_view::npos;
  }
  size_t i = pos + 2;
  size_t word = i;
  while (i < name.size() && is_letter(name[i])) {
    ++i;
  }
  if (i == word || !starts_at(name, i, "$$")) {
    return std::string_view::npos;
  }
  return i + 2;
}

} // namespace

std::string normalize_java_function(std::string_view name) {
  std::string out;
  out.reserve(name.size());
  size_t i = 0;
  while (i < name.size()) {
    // `Foo$$Lambda$14/0x0000000800c03000.run` (JDK 9-20), `Foo$$Lambda$1/1831932724.run` (JDK 8),
    // `Foo$$Lambda/0x00007f0000000000.run` (JDK 21+): the counter goes here, the address below.
    if (starts_at(name, i, "$$Lambda")) {
      out += "$$Lambda";
      i += 8;
      if (i + 1 < name.size() && name[i] == '$' && is_digit(name[i + 1])) {
        i = skip_digits(name, i + 1);
      }
      continue;
    }
    // A hidden or VM-anonymous class's suffix: `/0x` + address, or `/` + identity hash (JDK 8).
    // Java identifiers never start with a digit, so a `/` before one is never a package path.
    if (name[i] == '/' && i + 1 < name.size() && is_digit(name[i + 1])) {
      ++i;
      if (starts_at(name, i, "0x")) {
        i += 2;
      }
      while (i < name.size() && is_hex(name[i])) {
        ++i;
      }
      continue;
    }
    // `jdk.proxy2.$Proxy45.get`: proxy modules and classes are numbered in creation order.
    if (starts_at(name, i, "jdk.proxy") && i + 9 < name.size() && is_digit(name[i + 9]) &&
        (i == 0 || name[i - 1] == '.' || name[i - 1] == '/')) {
      size_t end = skip_digits(name, i + 9);
      if (end < name.size() && name[end] == '.') {
        out += "jdk.proxy";
        i = end;
        continue;
      }
    }
    bool counted = false;
    for (std::string_view prefix : k_counted_classes) {
      if (starts_at(name, i, prefix) && i + prefix.size() < name.size() &&
          is_digit(name[i + prefix.size()])) {
        out += prefix;
        i = skip_digits(name, i + prefix.size());
        counted = true;
        break;
      }
    }
    if (counted) {
      continue;
    }
    for (std::string_view marker : k_random_suffix_markers) {
      if (starts_at(name, i, marker) && i + marker.size() < name.size() &&
          std::isalnum(static_cast<unsigned char>(name[i + marker.size()])) != 0) {
        out += marker;
        i += marker.size();
        while (i < name.size() && std::isalnum(static_cast<unsigned char>(name[i])) != 0) {
          ++i;
        }
        counted = true;
        break;
      }
    }
    if (counted) {
      continue;
    }
    // `Service$$EnhancerBySpringCGLIB$$a1b2c3d4.run`, `Service$$SpringCGLIB$$0.run`.
    size_t marker = generated_marker_end(name, i);
    if (marker != std::string_view::npos && marker < name.size() && is_hex(name[marker])) {
      out.append(name.substr(i, marker - i));
      i = marker;
      while (i < name.size() && is_hex(name[i])) {
        ++i;
      }
      continue;
    }
    out += name[i];
    ++i;
  }
  return out;
}

// Two kinds of frame that Java-level stack walks (Thread.getStackTrace, StackTraceElement; what
// Thread.dump_to_file prints) leave out and jstack, which walks the raw frames, prints:
// - `Thread.runWith`, annotated @Hidden, under every platform thread's `Thread.run` (JDK 21+;
//   corpus/java25-executor): the same in every thread, always dropped;
// - methods of hidden classes, not shown unless -XX:+ShowHiddenFrames: the lambda proxy of a
//   method reference or lambda (`LeakApp$$Lambda/0x00007f...run`, JDK 21+;
//   `Foo$$Lambda$123/0x....run`, JDK 15-20), lambda forms (`LambdaForm$MH/0x....invoke`), and
//   JDK 8's VM-anonymous classes (`Foo$$Lambda$1/1831932724.run`). Such a class's name ends in
//   `/` and its address (or JDK 8 identity hash), which split_java_frame keeps (the module path
//   before the class goes) and normalize_java_function removes: a package path never has a `/`
//   before a digit. A thread started with a method
//   reference may have no other frame of its own (`new Thread(done::join)`), so they are keyed
//   on unless one side is Thread.dump_to_file (group.cpp, KeyOptions::hidden_frames).
bool is_java_hidden_frame(std::string_view function) {
  return function == "java.lang.Thread.runWith";
}

bool is_java_hidden_class_frame(std::string_view function) {
  size_t slash = function.rfind('/');
  return slash != std::string_view::npos && slash + 1 < function.size() &&
         is_digit(function[slash + 1]);
}

bool is_java_wait_api(std::string_view function) {
  return starts_with(function, "java.util.concurrent.locks.LockSupport.") ||
         starts_with(function, "java.util.concurrent.locks.AbstractQueuedSynchronizer$"
                               "ConditionObject.") ||
         starts_with(function, "java.util.concurrent.locks.AbstractQueuedLongSynchronizer$"
                               "ConditionObject.");
}

bool is_java_wait_internal(std::string_view function) {
  static constexpr std::string_view k_prefixes[] = {
      "jdk.internal.misc.Unsafe.park",
      "sun.misc.Unsafe.park",
      "java.util.concurrent.locks.LockSupport.park",
      "java.util.concurrent.locks.AbstractQueuedSynchronizer",
      "java.util.concurrent.locks.AbstractQueuedLongSynchronizer",
      "java.util.concurrent.ForkJoinPool.unmanagedBlock", // an AQS wait inside a ForkJoinPool
      "java.util.concurrent.ForkJoinPool.managedBlock",
      "java.lang.Object.wait0",
      "java.lang.Thread.sleep0",
      "java.lang.Thread.sleepNanos",
      // A virtual thread parks by unmounting (JDK 21+): LockSupport.park goes through the
      // JavaLangAccess bridge (`System$1.parkVirtualThread` on JDK 25, `System$2` before) or
      // `jdk.internal.misc.VirtualThreads.park` to `VirtualThread.park`/`parkNanos`, and
      // Thread.sleep through `VirtualThread.sleepNanos`; a mounted one's leaf is `Continuation.yield`.
      "java.lang.VirtualThread.park",
      "java.lang.VirtualThread.sleepNanos",
      "java.lang.VirtualThread.yieldContinuation",
      "jdk.internal.misc.VirtualThreads.park",
      "jdk.internal.vm.Continuation.yield",
  };
  if (starts_with(function, "java.lang.System$") && ends_with(function, ".parkVirtualThread")) {
    return true;
  }
  return std::any_of(std::begin(k_prefixes), std::end(k_prefixes),
                     [function](std::string_view prefix) { return starts_with(function, prefix); });
}

namespace {

std::string_view java_class(std::string_view function) {
  size_t dot = function.rfind('.');
  return dot == std::string_view::npos ? std::string_view{} : function.substr(0, dot);
}

} // namespace

bool is_java_blocking_helper(std::string_view function, std::string_view api) {
  constexpr std::string_view k_juc = "java.util.concurrent.";
  if (!starts_with(function, k_juc) || !starts_with(api, k_juc)) {
    return false;
  }
  std::string_view cls = java_class(function);
  return is_java_wait_internal(function) || cls.find('$') != std::string_view::npos ||
         cls == java_class(api);
}

std::string normalize_java_thread_name(std::string_view name) {
  std::string out;
  out.reserve(name.size());
  unsigned runs = 0;
  size_t i = 0;
  while (i < name.size()) {
    if (i == 0 || !is_alnum(name[i - 1])) { // a word starts: an id that is one whole?
      if (size_t end = uuid_end(name, i); end != std::string_view::npos) {
        out += "<uuid>";
        i = end;
        continue;
      }
      size_t end = i;
      while (end < name.size() && is_alnum(name[end])) {
        ++end;
      }
      if (is_hex_id(name.substr(i, end - i))) {
        out += "<hex>";
        i = end;
        continue;
      }
    }
    if (is_digit(name[i])) {
      out += runs == 0 ? 'N' : runs == 1 ? 'M' : 'K';
      ++runs;
      i = skip_digits(name, i);
      continue;
    }
    out += name[i];
    ++i;
  }
  return out;
}

bool is_jvm_internal_thread(std::string_view normalized_name) {
  // HotSpot's JavaThreads that never run Java code (JDK 6 to 25), as printed in the audit's and
  // the peer dumps. Compiler threads come and go by themselves (UseDynamicNumberOfCompilerThreads,
  // on by default since JDK 11: added under compile load, retired when idle), so a JIT warm-up
  // must not read as a leak.
  static constexpr std::string_view k_names[] = {
      "CN CompilerThreadM",           // C1 and C2 (`C2 CompilerThread0`)
      "CompilerThreadN",              // JDK 6 client VM
      "JVMCI CompilerThreadN",        // Graal as the JIT
      "JVMCI-native CompilerThreadN", // libgraal (JDK 17+)
      "Sweeper thread",               // code cache sweeper, JDK 9 to 19
      "Signal Dispatcher",
      "Attach Listener",
      "Service Thread",
      "Notification Thread",                     // JDK 14+, split from the Service Thread
      "Monitor Deflation Thread",                // JDK 17+
      "Low Memory Detector",                     // JDK 6, the Service Thread's predecessor
      "Surrogate Locker Thread (Concurrent GC)", // CMS, up to JDK 13
      "JFR Recorder Thread",
      "DestroyJavaVM", // the launcher's thread once `main` returned, waiting to end the JVM
  };
  return std::find(std::begin(k_names), std::end(k_names), normalized_name) != std::end(k_names);
}

bool split_java_frame(std::string_view text, JavaFrame& frame) {
  size_t open = text.find('(');
  if (open == std::string_view::npos || open == 0 || text.size() < open + 2 || text.back() != ')') {
    return false;
  }
  std::string_view head = text.substr(0, open);
  std::string_view source = text.substr(open + 1, text.size() - open - 2);

  // `app//com.example.Main.run`, `java.base/java.lang.Thread.run`, `mod@1.0/p.C.m`: the prefix
  // ends at the last `/` not followed by a digit (a hidden class's `/0x...` is part of its name).
  size_t prefix_end = 0;
  for (size_t i = head.size(); i-- > 0;) {
    if (head[i] == '/' && i + 1 < head.size() && !is_digit(head[i + 1])) {
      prefix_end = i + 1;
      break;
    }
  }
  std::string_view function = head.substr(prefix_end);
  size_t dot = function.rfind('.');
  if (function.empty() || dot == std::string_view::npos || dot == 0 || dot + 1 == function.size()) {
    return false;
  }

  // jstack: `java.base@17.0.15/LockSupport.java:341`; a file name never holds a `/`.
  if (size_t slash = source.rfind('/'); slash != std::string_view::npos) {
    source = source.substr(slash + 1);
  }
  if (source.empty()) {
    return false;
  }
  frame.function = function;
  frame.file = {};
  frame.line = 0;
  if (source == "Native Method" || source == "Unknown Source") {
    return true;
  }
  size_t colon = source.rfind(':');
  if (colon == std::string_view::npos) {
    frame.file = source; // compiled without line numbers
    return true;
  }
  std::string_view digits = source.substr(colon + 1);
  if (colon == 0 || digits.empty() || digits.size() > 9) {
    return false;
  }
  uint32_t line = 0;
  for (char c : digits) {
    if (!is_digit(c)) {
      return false;
    }
    line = line * 10 + static_cast<uint32_t>(c - '0');
  }
  frame.file = source.substr(0, colon);
  frame.line = line;
  return true;
}

bool is_java_thread_state(std::string_view word) {
  for (std::string_view state :
       {"NEW", "RUNNABLE", "BLOCKED", "WAITING", "TIMED_WAITING", "TERMINATED"}) {
    if (word == state) {
      return true;
    }
  }
  return false;
}

std::string unnumber_java_lambdas(std::string_view name) {
  std::string out;
  out.reserve(name.size());
  size_t i = 0;
  while (i < name.size()) {
    // `lambda$` + enclosing method + `$` + index; the method may be `static` or `new`.
    size_t at = name.find("lambda$", i);
    if (at == std::string_view::npos) {
      break;
    }
    size_t dollar = name.find('$', at + 7);
    size_t end = dollar == std::string_view::npos ? dollar : skip_digits(name, dollar + 1);
    if (dollar == std::string_view::npos || end == dollar + 1) {
      out.append(name.substr(i, at + 7 - i));
      i = at + 7;
      continue;
    }
    out.append(name.substr(i, dollar + 1 - i));
    out += 'N';
    i = end;
  }
  out.append(name.substr(i));
  return out;
}

} // namespace taskdiff
