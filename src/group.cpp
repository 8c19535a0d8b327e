// Grouping: each distinct raw stack is filtered and normalized into a key; stacks with equal
// keys become one group. dump-formats.md section 7.
#include "taskdiff/group.hpp"
#include "parse/text_util.hpp"

#include <absl/container/flat_hash_map.h>
#include <absl/container/flat_hash_set.h>
#include <algorithm>
#include <cstring>
#include <deque>
#include <numeric>
#include <optional>
#include <xxhash.h>

#include <fmt/format.h>

namespace taskdiff {

namespace {

using namespace text;

// Profiling code: the goroutine that wrote the dump (runtime/pprof.writeGoroutineStacks under the
// net/http/pprof handler) or a profiler's own (runtime/pprof.profileWriter).
bool is_profiler_function(std::string_view function) {
  return starts_with(function, "runtime/pprof.") || starts_with(function, "net/http/pprof.");
}

std::string key_function(const Snapshot& snapshot, std::string_view function, bool strict) {
  if (snapshot.runtime == Runtime::other) {
    return std::string(function); // docs/tasks-json.md: names as they are
  }
  if (snapshot.runtime == Runtime::java) {
    std::string name = normalize_java_function(function);
    return strict ? name : unnumber_java_lambdas(name);
  }
  // The semaphore a sync wait parks on was renamed across Go releases (runtime_Semacquire,
  // runtime_SemacquireWaitGroup in 1.25; runtime_SemacquireMutex, runtime_SemacquireRWMutexR in
  // 1.20, internal/sync's in 1.24): one name, so a toolchain upgrade splits no group. The frame
  // above it (sync.(*WaitGroup).Wait, sync.(*RWMutex).RLock) still tells the waits apart.
  if (starts_with(function, "sync.runtime_Semacquire") ||
      starts_with(function, "internal/sync.runtime_Semacquire")) {
    return "sync.runtime_Semacquire";
  }
  return normalize_function(function, strict);
}

std::string display_function(const Snapshot& snapshot, std::string_view function) {
  if (snapshot.runtime == Runtime::other) {
    return std::string(function);
  }
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
  SymbolFacts(const Snapshot& snapshot, const KeyOptions& options)
      : m_snapshot(snapshot), m_hidden_frames(options.hidden_frames),
        m_hidden(snapshot.symbols.size(), k_unknown),
        m_key{std::vector<int32_t>(snapshot.symbols.size(), k_unknown),
              std::vector<int32_t>(snapshot.symbols.size(), k_unknown)} {}

  // A frame that keys and reports leave out: the runtime package's own frames, go/defer
  // wrappers, format-specific JDK frames (hidden classes' too, when the key leaves them out).
  bool hidden(SymbolTable::Id function) {
    int8_t& known = m_hidden[function];
    if (known == k_unknown) {
      std::string_view name = m_snapshot.symbols[function];
      known = m_snapshot.runtime == Runtime::go
                  ? is_go_runtime_frame(name) || is_go_wrapper(name) || is_go_sync_internal(name) ||
                        is_go_cgo_export(name)
                  : m_snapshot.runtime == Runtime::java &&
                        (is_java_hidden_frame(name) ||
                         (!m_hidden_frames && is_java_hidden_class_frame(name)));
    }
    return known != 0;
  }

  // The function as a key has it: with its closure (lambda) numbers, or with them folded.
  const std::string& key(SymbolTable::Id function, bool numbered) {
    int32_t& slot = m_key[numbered ? 1 : 0][function];
    if (slot == k_unknown) {
      slot = static_cast<int32_t>(m_keys.size());
      m_keys.push_back(key_function(m_snapshot, m_snapshot.symbols[function], numbered));
    }
    return m_keys[static_cast<size_t>(slot)];
  }

  // A hash of the function's name with its closure (lambda) numbers.
  uint64_t numbered_hash(SymbolTable::Id function) {
    if (m_numbered_hash.empty()) {
      m_numbered_hash.assign(m_snapshot.symbols.size(), 0);
    }
    uint64_t& hash = m_numbered_hash[function];
    if (hash == 0) {
      const std::string& name = key(function, true);
      hash = XXH3_64bits(name.data(), name.size()) | 1; // 0: not yet known
    }
    return hash;
  }

private:
  static constexpr int8_t k_unknown = -1;

  const Snapshot& m_snapshot;
  bool m_hidden_frames;
  std::vector<int8_t> m_hidden;   // k_unknown, 0 or 1
  std::vector<int32_t> m_key[2];  // folded, numbered: index in m_keys, or k_unknown
  std::deque<std::string> m_keys; // a deque never moves them: references stay valid
  std::vector<uint64_t> m_numbered_hash;
};

// The frames a key and a report use (see SymbolFacts::hidden). Indexes into stack.frames, leaf
// first. (Go <= 1.21 level-2 tracebacks also print the compiler's `go` and `defer` wrappers, as
// closures: kept here; diff matches them against the other levels' stacks, see
// Group::loose_key.)
std::vector<size_t> kept_frames(const Snapshot& snapshot, const Stack& stack, SymbolFacts& facts) {
  const auto& symbols = snapshot.symbols;
  std::vector<size_t> kept;
  kept.reserve(stack.frames.size());
  bool go = snapshot.runtime == Runtime::go;
  for (size_t i = 0; i < stack.frames.size(); ++i) {
    const Frame& frame = stack.frames[i];
    // Method-value and interface wrappers (`(*onceCloseListener).Accept` at `<autogenerated>:1`)
    // are printed only in crash output: debug=2, debug=1 and protobuf profiles hide them.
    if (!facts.hidden(frame.function) && !(go && symbols[frame.file] == "<autogenerated>")) {
      kept.push_back(i);
    }
  }
  return kept;
}

// The kept frames a key is made of: a recursion's depth is no part of what a goroutine does, so
// frames that repeat the block of one to four frames right before them (`walkDir` under `walkDir`
// under `walkDir`; a -> b -> a -> b) are keyed once, and a leak reached at several depths is one
// group. `strict` frames repeat with their file and line.
std::vector<size_t> keyed_frames(const Stack& stack, const std::vector<size_t>& kept, bool strict) {
  constexpr size_t k_max_block = 4;
  auto same = [&](size_t a, size_t b) {
    const Frame& x = stack.frames[a];
    const Frame& y = stack.frames[b];
    return x.function == y.function && (!strict || (x.file == y.file && x.line == y.line));
  };
  std::vector<size_t> keyed;
  keyed.reserve(kept.size());
  for (size_t i : kept) {
    keyed.push_back(i);
    // Only the end can repeat what precedes it: the frames before were checked as they came.
    for (size_t block = 1; block <= k_max_block && 2 * block <= keyed.size(); ++block) {
      if (std::equal(keyed.end() - block, keyed.end(), keyed.end() - 2 * block, same)) {
        keyed.resize(keyed.size() - block);
        break;
      }
    }
  }
  return keyed;
}

// The kept frames less a Java stack's leading JDK wait machinery (is_java_wait_internal): it
// changes between JDK versions (`Thread.sleep` at the leaf on JDK 17, under `Thread.sleep0` on
// 21 and `sleepNanos0`, `sleepNanos` on 25; `Object.wait` under `Object.wait0` from 21; the AQS
// nodes), so a key that held it made a JDK upgrade look like a new leak. Reports still show it.
// The outermost call of the API an application waits through stays keyed, as it says how it
// waits (`Condition.await` or `awaitUninterruptibly`, `LockSupport.park`).
std::vector<size_t> key_frames(const Snapshot& snapshot, const Stack& stack,
                               const std::vector<size_t>& kept) {
  if (snapshot.runtime != Runtime::java) {
    return kept;
  }
  size_t skip = 0;
  std::optional<size_t> api;
  while (skip + 1 < kept.size()) {
    std::string_view function = snapshot.symbols[stack.frames[kept[skip]].function];
    if (!is_java_wait_internal(function)) {
      break;
    }
    if (is_java_wait_api(function)) {
      api = kept[skip];
    }
    ++skip;
  }
  std::vector<size_t> keyed;
  keyed.reserve(kept.size() - skip + 1);
  if (api) {
    keyed.push_back(*api);
  }
  keyed.insert(keyed.end(), kept.begin() + static_cast<std::ptrdiff_t>(skip), kept.end());
  return keyed;
}

bool is_internal(const Snapshot& snapshot, const Stack& stack, const std::vector<size_t>& kept) {
  if (stack.frames.empty()) {
    // No stack at all: a goroutine running on another thread (crash output's `stack
    // unavailable`), a JVM thread (GC, VM Thread), which jstack prints with no
    // `java.lang.Thread.State`, or one of the JVM's own Java threads that run no Java code
    // (compiler threads, Signal Dispatcher...), printed with a state. Any other Java thread with
    // a state but no frames (a native thread attached through JNI, an unmounted virtual thread),
    // a waiting goroutine of a task list, or a task of another runtime, is the application's,
    // and may leak.
    return (snapshot.runtime == Runtime::go && starts_with(stack.state, "running")) ||
           (snapshot.runtime == Runtime::java &&
            (stack.state.empty() || is_jvm_internal_thread(stack.thread_name)));
  }
  if (kept.empty()) {
    return true; // only the runtime's frames: the Go runtime's own goroutines
  }
  if (snapshot.runtime != Runtime::go) {
    return false;
  }
  // A goroutine running in profiling code, the dumper above all: in every dump, never a leak. Only
  // where it runs counts: application code under runtime/pprof.Do (which sets profiler labels for
  // a callback) is the application's, and may leak.
  const auto& symbols = snapshot.symbols;
  if (is_profiler_function(symbols[stack.frames[kept.front()].function])) {
    return true;
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

// The key text of a stack in each form (see Group).
enum class KeyForm {
  strict, // --key strict: names with closure and lambda numbers, file:line, exact wait reason
  folded, // numbers folded: the same code across a rebuild that renumbered its closures
};

struct KeyMaker {
  const Snapshot& snapshot;
  const Stack& stack;
  const std::vector<size_t>& kept; // keyed_frames
  bool internal;
  const KeyOptions& options;
  SymbolFacts& facts;

  // `labels`: with the labels when the key asks for them (a group's key; diff buckets groups by
  // their key without them). `loose`: a loose_key, whose frames leave Go closures out (see
  // loose_closures()).
  std::string make(KeyForm form, bool labels = false, bool loose = false) const {
    const auto& symbols = snapshot.symbols;
    bool strict = form == KeyForm::strict;
    std::string key;
    if (internal) {
      append_part(key, "internal", "");
    }
    if (options.wait) {
      // Strict keys on Go's exact wait reason. A Java state's detail (`WAITING (parking)`) is
      // printed by jstack, not by Thread.dump_to_file, and its leaf frame (Unsafe.park) tells it
      // anyway: the state alone keeps one JVM's dumps in two formats alike.
      bool exact = strict && snapshot.runtime != Runtime::java;
      append_part(key, "wait", exact ? stack.state : wait_class(stack.state));
    }
    // Internal stacks with no kept frame still key on their raw frames, so runtime groups stay
    // apart.
    if (kept.empty()) {
      for (size_t i = 0; i < std::min(stack.frames.size(), options.depth); ++i) {
        append_part(key, "raw", symbols[stack.frames[i].function]);
      }
    }
    size_t taken = 0;
    for (size_t i = 0; i < kept.size() && taken < options.depth; ++i) {
      const Frame& frame = stack.frames[kept[i]];
      if (loose && loose_closure(frame)) {
        continue;
      }
      ++taken;
      if (strict) {
        append_part(key, "frame",
                    fmt::format("{} {}:{}", facts.key(frame.function, true),
                                base_name(symbols[frame.file]), frame.line));
      } else {
        append_part(key, "frame", facts.key(frame.function, false));
      }
    }
    if (options.created_by && stack.created_by) {
      std::string creator = facts.key(stack.created_by->function, strict);
      if (strict) {
        creator += fmt::format(" {}:{}", base_name(symbols[stack.created_by->file]),
                               stack.created_by->line);
      }
      append_part(key, "created_by", creator);
    }
    if (labels && options.labels) {
      for (const auto& [name, value] : stack.labels) {
        append_part(key, "label", name + "=" + value);
      }
    }
    if (options.thread_names && !stack.thread_name.empty()) {
      append_part(key, "thread", stack.thread_name);
    }
    return key;
  }

  // Which of its group's closure numberings the stack has: a hash of its keyed names with their
  // numbers (the rest of the key is the group's).
  uint64_t numbering() const {
    uint64_t hash = 0;
    auto mix = [&](SymbolTable::Id function) {
      hash = (hash ^ facts.numbered_hash(function)) * 0x9E3779B97F4A7C15ULL;
    };
    for (size_t i = 0; i < std::min(kept.size(), options.depth); ++i) {
      mix(stack.frames[kept[i]].function);
    }
    if (options.created_by && stack.created_by) {
      mix(stack.created_by->function);
    }
    return hash;
  }

  // Whether a loose key leaves the frame out: a Go closure, as the compiler's wrappers are.
  bool loose_closure(const Frame& frame) const {
    return snapshot.runtime == Runtime::go && !internal &&
           is_go_closure(snapshot.symbols[frame.function]);
  }

  // The loose key's frames, the closures around them, which of those sit at the `created by`
  // line, and the creator (Group::loose_frames, loose_closures, loose_at_creator_line, loose_cut,
  // loose_creator), folded. `joined`: the group has its shape from a stack of the same key, whose
  // closures sit in the same places; only the creator-line marks of this one are added.
  void loose_shape(Group& group, bool joined) const {
    std::vector<std::string> frames;
    std::vector<std::vector<std::string>> closures(1);
    std::vector<std::vector<bool>> at_creator_line(1);
    bool cut = false;
    for (size_t i : kept) {
      const Frame& frame = stack.frames[i];
      if (loose_closure(frame)) {
        closures.back().push_back(facts.key(frame.function, false));
        at_creator_line.back().push_back(stack.created_by && frame.file == stack.created_by->file &&
                                         frame.line == stack.created_by->line);
      } else if (frames.size() == options.depth) {
        cut = true;
        break;
      } else {
        frames.push_back(facts.key(frame.function, false));
        closures.emplace_back();
        at_creator_line.emplace_back();
      }
    }
    bool at_site = std::any_of(at_creator_line.begin(), at_creator_line.end(),
                               [](const std::vector<bool>& marks) {
                                 return std::find(marks.begin(), marks.end(), true) != marks.end();
                               });
    if (at_site) {
      ShownFrame creator = shown_frame(snapshot, *stack.created_by);
      std::pair<std::string, uint32_t> site{std::move(creator.file), creator.line};
      if (std::find(group.wrapper_sites.begin(), group.wrapper_sites.end(), site) ==
          group.wrapper_sites.end()) {
        group.wrapper_sites.push_back(std::move(site));
      }
    }
    if (joined) {
      auto& marks = group.loose_at_creator_line;
      for (size_t place = 0; place < std::min(marks.size(), at_creator_line.size()); ++place) {
        for (size_t at = 0; at < std::min(marks[place].size(), at_creator_line[place].size());
             ++at) {
          marks[place][at] = marks[place][at] || at_creator_line[place][at];
        }
      }
      return;
    }
    group.loose_frames = std::move(frames);
    group.loose_closures = std::move(closures);
    group.loose_at_creator_line = std::move(at_creator_line);
    group.loose_cut = cut;
    group.loose_creator =
        stack.created_by ? facts.key(stack.created_by->function, false) : std::string();
  }
};

} // namespace

Grouping group(const Snapshot& snapshot, const KeyOptions& options) {
  Grouping out;
  out.total = snapshot.total;
  absl::flat_hash_map<std::string, size_t> index;
  std::vector<uint64_t> representative_count;
  absl::flat_hash_set<std::pair<size_t, uint64_t>> numberings; // (group, KeyMaker::numbering())
  SymbolFacts facts(snapshot, options);

  for (const auto& stack : snapshot.stacks) {
    std::vector<size_t> kept = kept_frames(snapshot, stack, facts);
    bool internal = is_internal(snapshot, stack, kept);

    std::vector<size_t> keyed =
        keyed_frames(stack, key_frames(snapshot, stack, kept), options.strict);
    KeyMaker keys{snapshot, stack, keyed, internal, options, facts};
    KeyForm form = options.strict ? KeyForm::strict : KeyForm::folded;
    std::string key = keys.make(form, true);
    auto [it, inserted] = index.try_emplace(key, out.groups.size());
    if (inserted) {
      out.groups.emplace_back();
      Group& made = out.groups.back();
      made.key = std::move(key);
      made.fold_key = options.labels ? keys.make(form) : made.key;
      if (options.diff_shapes) {
        made.loose_key = keys.make(form, false, true);
        keys.loose_shape(made, false);
      }
      representative_count.push_back(0);
    }
    size_t g = it->second;
    Group& group = out.groups[g];
    if (!inserted && options.diff_shapes) {
      keys.loose_shape(group, true); // the stacks of one key may sit on other lines
    }
    // Under --key strict the numbers are in the key: one numbering per group.
    if (options.strict ? group.closure_variants == 0
                       : numberings.emplace(g, keys.numbering()).second) {
      ++group.closure_variants;
    }
    group.count += stack.count;
    group.internal = internal;
    group.stack_unavailable = internal && snapshot.runtime == Runtime::go && stack.frames.empty() &&
                              starts_with(stack.state, "running");
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
      // Then up to the java.util.concurrent call the application made, when only that call's
      // machinery lies between: `SynchronousQueue.put`, not the node it parks in
      // (`SynchronousQueue$TransferStack$SNode.block` on JDK 17,
      // `LinkedTransferQueue$DualNode.await` on JDK 25); `ReentrantLock.lock`, not
      // `ReentrantLock$Sync.lock`. A pool's worker loop (ThreadPoolExecutor.getTask under
      // LinkedBlockingQueue.take) is not such machinery, whatever calls it.
      if (snapshot.runtime == Runtime::java && group.app_frame &&
          *group.app_frame > group.blocking + 1) {
        size_t call = *group.app_frame - 1;
        bool helpers = true;
        for (size_t i = group.blocking; i < call && helpers; ++i) {
          helpers = is_java_blocking_helper(group.stack[i].function, group.stack[call].function);
        }
        if (helpers) {
          group.blocking = call;
        }
      }
    }
  }
  for (const auto& group : out.groups) {
    if (group.internal) {
      out.internal += group.count;
    }
  }
  // Sorted as indexes, then put in place by following the permutation's cycles: a Group is
  // large, sorting 160,000 of them moved each many times, and moving them into a second vector
  // held both at once (a fifth of the peak memory with many distinct stacks).
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
  // Position p takes the group at order[p]; each cycle is walked once, with one group held.
  for (size_t start = 0; start < order.size(); ++start) {
    if (order[start] == start) {
      continue;
    }
    Group held = std::move(out.groups[start]);
    size_t at = start;
    while (order[at] != start) {
      size_t from = order[at];
      out.groups[at] = std::move(out.groups[from]);
      order[at] = at;
      at = from;
    }
    out.groups[at] = std::move(held);
    order[at] = at;
  }
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
                                "protobuf profiles carry none, nor a task list without states); "
                                "wait states shown for such a Go input are inferred from its "
                                "runtime frames where they show one (a protobuf profile's do; "
                                "debug=1 leaves out the runtime's)",
                                which));
  }
  if (!(base.created_by && cand.created_by)) {
    key.created_by = false;
    if (base.created_by || cand.created_by) {
      notes.push_back("the creator (`created by`) is not part of the key: only one side records "
                      "it; groups that differ only by creator are merged");
    } else if (!(base.thread_names && cand.thread_names)) { // Java dumps name no creator at all
      notes.push_back("the creator (`created by`) is not part of the key: neither input records "
                      "it (Go debug=1 and protobuf profiles carry none)");
    }
  }
  if (wanted.labels && !(base.labels && cand.labels)) {
    key.labels = false;
    notes.push_back("labels were asked for in the key, but only one side (or neither) records "
                    "them (debug=2 and tracebacks do not, nor a snapshot made without "
                    "--keep-labels): keyed without labels");
  }
  if (!(base.thread_names && cand.thread_names)) {
    key.thread_names = false;
  }
  if (!(base.hidden_frames && cand.hidden_frames)) {
    key.hidden_frames = false;
    if (base.hidden_frames || cand.hidden_frames) {
      notes.push_back("Java hidden-class frames (lambda and method-reference proxies, "
                      "`Foo$$Lambda/0x...run`) are not part of the key: Thread.dump_to_file does "
                      "not print them; threads that differ only there are merged");
    }
  }
  return key;
}

} // namespace taskdiff
