// Grouping: each distinct raw stack is filtered and normalized into a key; stacks with equal
// keys become one group. dump-formats.md section 7.
#include "taskdiff/group.hpp"
#include "parse/text_util.hpp"

#include <algorithm>
#include <cstring>
#include <deque>
#include <numeric>
#include <unordered_map>

#include <fmt/format.h>

namespace taskdiff {

namespace {

using namespace text;

// The goroutine that wrote the dump (pprof handler): present in every dump, never a leak.
bool is_dumper_frame(std::string_view function) {
  return starts_with(function, "runtime/pprof.") || starts_with(function, "net/http/pprof.");
}

std::string key_function(const Snapshot& snapshot, std::string_view function, bool strict) {
  if (snapshot.runtime == Runtime::java) {
    std::string name = normalize_java_function(function);
    return strict ? name : unnumber_java_lambdas(name);
  }
  return normalize_function(function, strict);
}

std::string display_function(const Snapshot& snapshot, std::string_view function) {
  if (snapshot.runtime == Runtime::java) {
    return normalize_java_function(function);
  }
  return normalize_function(function, true);
}

// What a key asks of a function name, worked out once per symbol: the same names recur across a
// snapshot's stacks, and with many distinct stacks normalizing every frame of every stack again
// was most of the time. (Reports' names are made for each group's shown stack only.)
class SymbolFacts {
public:
  SymbolFacts(const Snapshot& snapshot, bool strict)
      : m_snapshot(snapshot), m_strict(strict), m_hidden(snapshot.symbols.size(), k_unknown),
        m_key(snapshot.symbols.size(), k_unknown) {}

  // A frame that keys and reports leave out: the runtime package's own frames, go/defer
  // wrappers, format-specific JDK frames.
  bool hidden(SymbolTable::Id function) {
    int8_t& known = m_hidden[function];
    if (known == k_unknown) {
      std::string_view name = m_snapshot.symbols[function];
      known = m_snapshot.runtime == Runtime::go
                  ? is_go_runtime_frame(name) || is_go_wrapper(name)
                  : m_snapshot.runtime == Runtime::java && is_java_hidden_frame(name);
    }
    return known != 0;
  }

  // The function as the key has it (closure numbers folded unless strict).
  const std::string& key(SymbolTable::Id function) {
    int32_t& slot = m_key[function];
    if (slot == k_unknown) {
      slot = static_cast<int32_t>(m_keys.size());
      m_keys.push_back(key_function(m_snapshot, m_snapshot.symbols[function], m_strict));
    }
    return m_keys[static_cast<size_t>(slot)];
  }

private:
  static constexpr int8_t k_unknown = -1;

  const Snapshot& m_snapshot;
  bool m_strict;
  std::vector<int8_t> m_hidden;   // k_unknown, 0 or 1
  std::vector<int32_t> m_key;     // index in m_keys, or k_unknown
  std::deque<std::string> m_keys; // a deque never moves them: references stay valid
};

// The frames a key and a report use (see SymbolFacts::hidden). Indexes into stack.frames, leaf
// first.
std::vector<size_t> kept_frames(const Snapshot& snapshot, const Stack& stack, SymbolFacts& facts) {
  const auto& symbols = snapshot.symbols;
  std::vector<size_t> kept;
  kept.reserve(stack.frames.size());
  for (size_t i = 0; i < stack.frames.size(); ++i) {
    if (!facts.hidden(stack.frames[i].function)) {
      kept.push_back(i);
    }
  }
  // Go <= 1.21 level-2 tracebacks (SIGQUIT, GOTRACEBACK=system) print the `go` statement's
  // wrapper closure under the real function (`quote.(*Pricer).ServeHTTP.func1` under `fetch`),
  // with the `created by` file:line; pprof dumps (level 1) hide it, so it must not split the
  // group. Level 2 shows itself by runtime frames at both ends (`runtime.gopark` ...
  // `runtime.goexit`). Limitation: a one-line `go func() { ... }()` closure looks the same at
  // level 2 and is dropped too.
  bool level2 = !stack.frames.empty() &&
                is_go_runtime_frame(symbols[stack.frames.front().function]) &&
                symbols[stack.frames.back().function] == "runtime.goexit";
  if (snapshot.runtime == Runtime::go && level2 && kept.size() >= 2 && stack.created_by) {
    const Frame& outer = stack.frames[kept.back()];
    if (is_go_closure(symbols[outer.function]) && outer.file == stack.created_by->file &&
        outer.line == stack.created_by->line) {
      kept.pop_back();
    }
  }
  return kept;
}

bool is_internal(const Snapshot& snapshot, const Stack& stack, const std::vector<size_t>& kept) {
  if (stack.frames.empty()) {
    // No stack at all: a goroutine running on another thread (`stack unavailable`), or a JVM
    // thread (GC, compiler), which jstack prints with no `java.lang.Thread.State`. A Java thread
    // with a state but no frames (a native thread attached through JNI, an unmounted virtual
    // thread), or a task of another runtime, is the application's, and may leak.
    return snapshot.runtime == Runtime::go ||
           (snapshot.runtime == Runtime::java && stack.state.empty());
  }
  if (kept.empty()) {
    return true; // only the runtime's frames: the Go runtime's own goroutines
  }
  if (snapshot.runtime != Runtime::go) {
    return false;
  }
  const auto& symbols = snapshot.symbols;
  for (const auto& frame : stack.frames) {
    if (is_dumper_frame(symbols[frame.function])) {
      return true;
    }
  }
  return stack.created_by && starts_with(symbols[stack.created_by->function], "runtime.");
}

std::string inferred_wait(const Snapshot& snapshot, const Stack& stack) {
  if (snapshot.runtime != Runtime::go) {
    return {};
  }
  for (const auto& frame : stack.frames) {
    std::string_view wait = infer_go_wait(snapshot.symbols[frame.function]);
    if (!wait.empty()) {
      return std::string(wait);
    }
  }
  return {};
}

void append_part(std::string& key, std::string_view tag, std::string_view text) {
  key += tag;
  key += '=';
  key += text;
  key += '\n';
}

ShownFrame shown_frame(const Snapshot& snapshot, const Frame& frame) {
  return ShownFrame{display_function(snapshot, snapshot.symbols[frame.function]),
                    display_path(snapshot.symbols[frame.file]), frame.line};
}

} // namespace

Grouping group(const Snapshot& snapshot, const KeyOptions& options) {
  Grouping out;
  out.total = snapshot.total;
  std::unordered_map<std::string, size_t> index;
  std::vector<uint64_t> representative_count;
  const auto& symbols = snapshot.symbols;
  SymbolFacts facts(snapshot, options.strict);

  for (const auto& stack : snapshot.stacks) {
    std::vector<size_t> kept = kept_frames(snapshot, stack, facts);
    bool internal = is_internal(snapshot, stack, kept);

    std::string key;
    if (internal) {
      append_part(key, "internal", "");
    }
    if (options.wait) {
      // Strict keys on Go's exact wait reason. A Java state's detail (`WAITING (parking)`) is
      // printed by jstack, not by Thread.dump_to_file, and its leaf frame (Unsafe.park) tells it
      // anyway: the state alone keeps one JVM's dumps in two formats alike.
      bool exact = options.strict && snapshot.runtime != Runtime::java;
      append_part(key, "wait", exact ? stack.state : wait_class(stack.state));
    }
    // Internal stacks with no kept frame still key on their raw frames, so runtime groups stay apart.
    size_t depth = std::min(kept.size(), options.depth);
    if (kept.empty()) {
      for (size_t i = 0; i < std::min(stack.frames.size(), options.depth); ++i) {
        append_part(key, "raw", symbols[stack.frames[i].function]);
      }
    }
    for (size_t i = 0; i < depth; ++i) {
      const Frame& frame = stack.frames[kept[i]];
      if (options.strict) {
        append_part(key, "frame",
                    fmt::format("{} {}:{}", facts.key(frame.function),
                                base_name(symbols[frame.file]), frame.line));
      } else {
        append_part(key, "frame", facts.key(frame.function));
      }
    }
    if (options.created_by && stack.created_by) {
      std::string creator = facts.key(stack.created_by->function);
      if (options.strict) {
        creator += fmt::format(" {}:{}", base_name(symbols[stack.created_by->file]),
                               stack.created_by->line);
      }
      append_part(key, "created_by", creator);
    }
    if (options.labels) {
      for (const auto& [name, value] : stack.labels) {
        append_part(key, "label", name + "=" + value);
      }
    }
    if (options.thread_names && !stack.thread_name.empty()) {
      append_part(key, "thread", stack.thread_name);
    }

    auto [it, inserted] = index.try_emplace(key, out.groups.size());
    if (inserted) {
      out.groups.emplace_back();
      out.groups.back().key = std::move(key);
      representative_count.push_back(0);
    }
    size_t g = it->second;
    Group& group = out.groups[g];
    group.count += stack.count;
    group.internal = internal;
    group.runtime = snapshot.runtime;
    group.max_wait_minutes = std::max(group.max_wait_minutes, stack.max_wait_minutes);
    group.locked_to_thread = group.locked_to_thread || stack.locked_to_thread;
    group.leaked = group.leaked || stack.leaked;
    std::string wait = snapshot.facts.wait ? stack.state : inferred_wait(snapshot, stack);
    if (!wait.empty() &&
        std::find(group.waits.begin(), group.waits.end(), wait) == group.waits.end()) {
      group.waits.push_back(wait);
    }
    if (stack.count > representative_count[g]) {
      // The largest contributing stack speaks for the group.
      representative_count[g] = stack.count;
      group.wait = wait;
      group.wait_inferred = !snapshot.facts.wait && !wait.empty();
      group.stack.clear();
      group.frames.clear();
      const std::vector<size_t>* shown = &kept;
      std::vector<size_t> all;
      if (kept.empty()) {
        for (size_t i = 0; i < stack.frames.size(); ++i) {
          all.push_back(i);
        }
        shown = &all;
      }
      for (size_t i : *shown) {
        group.stack.push_back(shown_frame(snapshot, stack.frames[i]));
        group.frames.push_back(group.stack.back().function);
      }
      group.created_by.reset();
      if (stack.created_by) {
        group.created_by = shown_frame(snapshot, *stack.created_by);
      }
      group.labels = stack.labels;
      group.thread_name = stack.thread_name;
      group.blocking = 0;
      group.app_frame.reset();
      for (size_t i = 0; i < group.stack.size(); ++i) {
        if (!is_standard_library(group.stack[i].function, snapshot.runtime)) {
          group.app_frame = i;
          break;
        }
      }
      while (snapshot.runtime == Runtime::java && group.blocking + 1 < group.stack.size() &&
             is_java_wait_internal(group.stack[group.blocking].function)) {
        ++group.blocking;
      }
    }
  }
  for (const auto& group : out.groups) {
    if (group.internal) {
      out.internal += group.count;
    }
  }
  // Sorted as indexes, then moved once: a Group is large, and sorting 160,000 of them moved
  // each many times.
  std::vector<size_t> order(out.groups.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    const Group& x = out.groups[a];
    const Group& y = out.groups[b];
    if (x.count != y.count) {
      return x.count > y.count;
    }
    return x.key < y.key;
  });
  std::vector<Group> sorted;
  sorted.reserve(order.size());
  for (size_t i : order) {
    sorted.push_back(std::move(out.groups[i]));
  }
  out.groups = std::move(sorted);
  return out;
}

KeyOptions shared_key(const KeyOptions& wanted, const Facts& base, const Facts& cand,
                      std::vector<std::string>& notes) {
  KeyOptions key = wanted;
  if (!(base.wait && cand.wait)) {
    key.wait = false;
    std::string_view which = !base.wait && !cand.wait ? "neither input records it"
                             : !base.wait             ? "the baseline does not record it"
                                                      : "the candidate does not record it";
    notes.push_back(fmt::format("the wait state is not part of the key: {} (Go debug=1 and "
                                "protobuf profiles carry none); wait states shown for such an "
                                "input are inferred from its runtime frames where they show one",
                                which));
  }
  if (!(base.created_by && cand.created_by)) {
    key.created_by = false;
    if (base.created_by || cand.created_by) {
      notes.push_back("the creator (`created by`) is not part of the key: only one side records "
                      "it; groups that differ only by creator are merged");
    }
  }
  if (wanted.labels && !(base.labels && cand.labels)) {
    key.labels = false;
    notes.push_back("labels were asked for in the key, but only one side (or neither) records "
                    "them (debug=2 and tracebacks do not): keyed without labels");
  }
  if (!(base.thread_names && cand.thread_names)) {
    key.thread_names = false;
  }
  return key;
}

} // namespace taskdiff
