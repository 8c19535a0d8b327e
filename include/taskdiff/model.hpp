// The model every parser fills: a Snapshot of distinct raw stacks with their counts.
//
// Parsers never build Stack objects themselves. They push one goroutine (or thread, task, or
// pre-counted record) at a time into a StackBuilder, which keeps what survives between two
// dumps of the same code (function names, files, lines, the wait state, the creator, labels)
// and drops what does not (ids, arguments, offsets, addresses, wait durations). Identical
// records fold into one Stack, so memory grows with distinct stacks, not with goroutines.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include <absl/container/flat_hash_map.h>

#include "taskdiff/limits.hpp"

namespace taskdiff {

enum class Format {
  go_debug2,         // /debug/pprof/goroutine?debug=2, runtime.Stack(buf, true)
  go_traceback,      // panic / fatal error / SIGQUIT output, possibly inside log text
  go_debug1,         // /debug/pprof/goroutine?debug=1 (also goroutineleak)
  pprof,             // profile.proto, gzipped or raw
  java,              // jstack, jcmd Thread.print, SIGQUIT on the JVM's stdout
  java_threads_text, // jcmd Thread.dump_to_file (text), JDK 21+
  java_threads_json, // jcmd Thread.dump_to_file -format=json, JDK 21+
  snapshot,          // taskdiff.snapshot/1
  tasks_json,        // taskdiff.tasks/1: generic JSON tasks or pre-counted groups
};

// Whose names these are: decides the frame filters and what counts as a standard library.
enum class Runtime { go, java, other };
Runtime format_runtime(Format format);
// `go`, `java`, `other`: the names snapshots and task lists use.
std::string_view runtime_name(Runtime runtime);
std::optional<Runtime> runtime_from_name(std::string_view name);

// Stable names used by --input-format, JSON output and messages.
std::string_view format_name(Format format);
std::optional<Format> format_from_name(std::string_view name);
std::vector<Format> all_formats();

// Which facts an input carries. Grouping keys only on facts both sides of a diff carry.
struct Facts {
  bool wait = false;         // a wait state per record (debug=2 status, Java thread state)
  bool created_by = false;   // the creating function (Go `created by`)
  bool labels = false;       // pprof labels (debug=1 `# labels:`, protobuf Label)
  bool thread_names = false; // Java thread names (normalized to pool patterns)
  // Java hidden-class frames (lambda and method-reference proxies, `Foo$$Lambda/0x...run`):
  // jstack prints them, Thread.dump_to_file (a Java-level stack walk) does not.
  bool hidden_frames = false;
  // Java virtual threads (JDK 21+): Thread.dump_to_file lists them, jstack cannot.
  bool virtual_threads = false;
};
Facts format_facts(Format format);

// Interned strings: function names and files repeat across stacks.
class SymbolTable {
public:
  using Id = uint32_t;
  SymbolTable() = default;
  // A copy's index must view the copy's own strings, not the original's (a vector of snapshots
  // growing copies them: Snapshot's move may throw, as std::deque's does).
  SymbolTable(const SymbolTable& other);
  SymbolTable& operator=(const SymbolTable& other);
  SymbolTable(SymbolTable&&) = default; // a deque moved keeps its elements where they are
  SymbolTable& operator=(SymbolTable&&) = default;
  Id intern(std::string_view text);
  std::string_view operator[](Id id) const { return m_strings[id]; }
  size_t size() const { return m_strings.size(); }

private:
  struct Hash { // XXH3: std::hash's murmur was most of interning
    size_t operator()(std::string_view text) const;
  };
  std::deque<std::string> m_strings; // a deque never moves its elements: the views stay valid
  absl::flat_hash_map<std::string_view, Id, Hash> m_ids;
};

// One frame as printed: function name with arguments and offsets cut, the file as recorded
// at build time, the line (0 when unknown).
struct Frame {
  SymbolTable::Id function = 0;
  SymbolTable::Id file = 0;
  uint32_t line = 0;
  bool operator==(const Frame&) const = default;
};

// One distinct raw stack and how many goroutines share it.
struct Stack {
  uint64_t count = 0;
  std::string state;             // raw wait reason / status / Java state; empty when unknown
  int64_t max_wait_minutes = -1; // longest `N minutes` seen; -1 when none printed
  bool locked_to_thread = false;
  bool leaked = false;       // from a goroutineleak profile: leaked by construction
  std::vector<Frame> frames; // leaf first
  std::optional<Frame> created_by;
  std::vector<std::pair<std::string, std::string>> labels; // sorted by key
  std::string thread_name; // Java: normalized pool pattern (`pool-N-thread-M`)
};

// A dump that went into a snapshot file (`taskdiff snapshot`), kept so that a snapshot of
// snapshots still says what it was made from.
struct Origin {
  Format format = Format::go_debug2;
  std::string path;                       // as given on the command line; `-` for stdin
  std::optional<std::string> captured_at; // RFC 3339, where the dump carries a capture time
};

struct Snapshot {
  std::string source; // name for messages: the path, or `-` for stdin
  Format format = Format::go_debug2;
  Runtime runtime = Runtime::go; // a snapshot file keeps the runtime of the dumps it was made from
  Facts facts;
  uint64_t total = 0;    // every goroutine/thread the input lists, runtime ones included
  uint32_t replicas = 1; // dumps merged into this snapshot
  SymbolTable symbols;   // symbols[0] is the empty string
  std::vector<Stack> stacks;
  std::string panic_message;              // crash output: the `panic:`/`fatal error:`/signal lines
  std::optional<std::string> captured_at; // RFC 3339, where the input carries a capture time
  std::vector<std::string>
      warnings;                // said on stderr and in reports (e.g. a truncated dump read anyway)
  bool leak_profile = false;   // Go goroutineleak profile
  uint64_t virtual_threads = 0; // Java virtual threads among `total` (Thread.dump_to_file)
  // Go 1.22+ level-2 text (its goroutine headers carry `gp=`): a `go` statement's wrapper is named
  // `gowrapN`, so an outermost closure at the `created by` line is the goroutine's own, not the
  // wrapper Go <= 1.21 printed there (group.cpp, kept_frames).
  bool go_wrappers_named = false;
  // What the input is when it shows only some of its goroutines (`crash output showing only the
  // panicking goroutine ...`), else empty: it may be shown, not compared or kept as a baseline.
  std::string partial;
  std::vector<Origin> origins; // a snapshot file: one per dump merged into it; empty for a dump

  Snapshot() { symbols.intern(""); }
};

// What a record's labels are to its distinct stack. `keep`: part of its identity, so a stack per
// label set, as a snapshot file and `--key ...,labels` need. `fold`: not part of it, for a key
// without labels: records that differ only in their labels add up, and the stack keeps the labels
// of its largest labelled record (the first of equals). A profile whose every goroutine carries its
// own label (a request id) then holds one stack per distinct call path, not one per goroutine.
enum class LabelSets { keep, fold };

// The sink parsers push records into. Usage per record:
//   b.begin(count); b.state(..); b.frame(..)...; b.created_by(..); b.label(..); b.commit();
// Everything passed as string_view is copied only when the record is a new distinct stack.
class StackBuilder {
public:
  explicit StackBuilder(const Limits& limits = {}, LabelSets label_sets = LabelSets::keep);

  void begin(uint64_t count = 1);
  void state(std::string_view state);
  void wait_minutes(int64_t minutes);
  void locked_to_thread();
  void leaked();
  // Throws ParseError(line) when the record has more than Limits::max_frames frames.
  void frame(std::string_view function, std::string_view file, uint32_t line, uint64_t at_line = 0);
  // The same frame in two calls, for text read a line at a time: the function line needs no
  // copy kept until its file line comes. frame_file must follow frame_function.
  void frame_function(std::string_view function, uint64_t at_line = 0);
  void frame_file(std::string_view file, uint32_t line);
  // The function of the last frame_function, until the next write; empty before the first.
  std::string_view pending_function() const;
  void created_by(std::string_view function, std::string_view file, uint32_t line);
  void label(std::string_view key, std::string_view value);
  void thread_name(std::string_view normalized_name);
  // Folds the record into its distinct stack; throws ParseError(at_line) past max_groups.
  void commit(uint64_t at_line = 0);

  // A distinct stack of this builder, valid until merge() or finish().
  using StackId = uint32_t;
  // The stack the last commit() folded its record into.
  StackId last_stack() const { return m_last_stack; }
  // commit(), for a record the caller knows to be the same stack as an earlier one (the same
  // fields and frames, and labels where they are kept; its count and wait may differ): only its
  // count, wait and (folded) labels are taken. For parsers that recognise a repeated record
  // before building its key.
  void commit_to(StackId stack, uint64_t at_line = 0);
  LabelSets label_sets() const { return m_label_sets; }

  size_t frames_in_record() const { return m_frames; }
  uint64_t records() const { return m_records; }
  uint64_t total() const { return m_total; }

  // Moves the distinct stacks into `snapshot` (adds to what it holds; total is added too).
  void finish(Snapshot& snapshot);
  // Folds another builder's stacks into this one (parallel parsing of one input).
  void merge(StackBuilder&& other);

private:
  struct Entry {
    uint64_t count = 0;
    int64_t max_wait_minutes = -1;
    uint64_t order = 0; // first appearance, for deterministic output
  };
  // LabelSets::fold: a stack's largest labelled record so far. Kept beside the table, by
  // Entry::order, so that inputs without labels pay nothing per stack.
  struct FoldedLabels {
    uint64_t count = 0;
    std::vector<std::pair<std::string, std::string>> labels;
  };
  void fold_labels(uint64_t order, uint64_t count,
                   std::vector<std::pair<std::string, std::string>>&& labels);
  // A growable byte buffer written without zero-filling.
  class Bytes {
  public:
    explicit Bytes(size_t capacity) : m_data(new char[capacity]), m_capacity(capacity) {}
    char* grow(size_t bytes); // room for `bytes` more; returns where to write them
    void clear() { m_size = 0; }
    const char* data() const { return m_data.get(); }
    size_t size() const { return m_size; }

  private:
    std::unique_ptr<char[]> m_data;
    size_t m_size = 0;
    size_t m_capacity;
  };

  void put_field(char tag, std::string_view text);
  void check_total(uint64_t at_line) const; // the record's count fits beside the total
  void put_file(std::string_view file); // a path of a frame or creator, to m_files

  // XXH3 (Debian libxxhash): 16% of a debug=2 parse went to std::hash's murmur on record keys.
  struct KeyHash {
    using is_transparent = void;
    size_t operator()(std::string_view key) const;
  };

  Limits m_limits;
  LabelSets m_label_sets;
  // The canonical encoding of the record being built, looked up in the table as a string_view:
  // its fields, then the file paths of frames and creator (m_files, appended at commit), then
  // the size of the part before the paths, which is all KeyHash hashes (paths follow from the
  // functions nearly always). Paths are ids in m_paths: they were half the bytes of the keys,
  // and a few paths serve many stacks.
  Bytes m_key{4096};
  Bytes m_files{4096};
  SymbolTable m_paths;
  uint64_t m_count = 0;
  int64_t m_minutes = -1;
  size_t m_frames = 0;
  static constexpr SymbolTable::Id k_unmapped = UINT32_MAX;
  size_t m_pending_function = 0; // key offset of the last frame_function's name; 0: none yet
  std::vector<std::pair<std::string, std::string>> m_labels;
  // Abseil's open-addressing table (Debian libabsl-dev): with 160,000 distinct stacks each lookup
  // in std::unordered_map chased bucket, node and key through memory, a quarter of the time.
  // A key maps to its stack's index in m_entries (a StackId).
  absl::flat_hash_map<std::string, StackId, KeyHash, std::equal_to<>> m_table;
  std::vector<Entry> m_entries;
  StackId m_last_stack = 0;
  std::unordered_map<uint64_t, FoldedLabels> m_folded;
  uint64_t m_records = 0;
  uint64_t m_total = 0;
  uint64_t m_next_order = 0; // the next new stack's `order`: stacks keep file order, merged too
};

// Whether a Go snapshot's text printed the compiler's `go` and `defer` wrappers, closures that
// the other traceback levels hide: a traceback at level 2 (SIGQUIT, GOTRACEBACK=system or crash;
// a debug=2 dump taken under GOTRACEBACK=system) before Go 1.22, which shows itself by the
// `runtime.goexit` under its stacks. (From Go 1.22 wrappers are `gowrapN` and `deferwrapN`,
// dropped by name.)
bool prints_wrappers(const Snapshot& snapshot);

// Short name of a function for titles: the last path element, `quote.(*Pricer).fetch`.
std::string_view short_function(std::string_view function);

} // namespace taskdiff
