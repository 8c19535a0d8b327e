// Grouping: distinct raw stacks -> groups under a key.
//
// The default key survives a rebuild: wait class, the normalized function names of the first
// `depth` kept frames (leaf first), the creator. The strict key (same binary) adds file base
// names and lines, keeps closure numbers and the exact wait reason. Labels and Java thread-name
// patterns join the key when asked and when the inputs carry them.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "taskdiff/model.hpp"
#include "taskdiff/normalize.hpp"

namespace taskdiff {

struct KeyOptions {
  bool strict = false;      // --key strict
  bool labels = false;      // --key ...,labels
  bool wait = true;         // off when either side lacks wait states
  bool created_by = true;   // off when either side lacks creators
  bool thread_names = true; // Java pool patterns; off when either side lacks them
  bool hidden_frames = true; // Java hidden-class frames; off when either side lacks them
  size_t depth = 16;        // logical frames from the leaf, after filtering
  // The loose_* shapes diff pairs level-2 wrappers by (Group); `show` needs none.
  bool diff_shapes = true;
};

// A shown frame: display name (closure numbers kept), display path, line.
struct ShownFrame {
  std::string function;
  std::string file;
  uint32_t line = 0;
};

struct Group {
  // Canonical key texts. `key` names the group: the default key folds closure and lambda numbers
  // (a rebuild renumbers them), --key strict keeps them and adds file:line and the exact wait
  // reason; `--key ...,labels` adds labels. `fold_key` is `key` without labels: diff buckets
  // groups by it and compares a bucket's groups one by one when both sides have the same label
  // sets, else together (a label per request). Go crash output against another format buckets
  // by `loose_key` instead: `fold_key` without Go closures, as before Go 1.22 a level-2 traceback
  // (SIGQUIT, GOTRACEBACK=system) prints the compiler's `go` and `defer` wrappers, closures that
  // the other levels hide (`main.main.func4` under the `go func(i int) {...}(i)` closure it
  // calls, `main.worker.func1` between a deferred `(*Pool).Put` and `main.worker`).
  // `loose_frames` are the loose key's frames (folded names), `loose_closures` the closures it
  // leaves out, by place: before its first frame, then after each; `loose_cut` says the stack goes
  // on past the key's depth; `loose_creator` is the folded `created by` function, in the key or
  // not. diff compares together the groups of a bucket that can be one goroutine's stacks: of one
  // fold_key, or with only wrappers apart (see diff.cpp).
  std::string key;
  std::string fold_key;
  std::string loose_key;
  std::vector<std::string> loose_frames;
  std::vector<std::vector<std::string>> loose_closures;
  std::vector<std::vector<bool>> loose_at_creator_line; // each closure at the `created by` line
  bool loose_cut = false;
  std::string loose_creator;
  // Where its stacks with a closure at their `created by` line were created (file and line as
  // shown): a level-2 `go f(x)` wrapper's `go` statement, or a one-line closure's.
  std::vector<std::pair<std::string, uint32_t>> wrapper_sites;
  // Distinct closure (lambda) numberings folded into the group: more than 1 when sibling closures
  // of one function, alike but for their numbers, share it (the default key cannot tell those
  // from one closure renumbered by a rebuild; --key strict can, for one binary).
  size_t closure_variants = 0;
  uint64_t count = 0;
  bool internal = false; // runtime goroutine or the dumper itself: never a finding
  // Go crash output's `goroutine running on other thread; stack unavailable`: internal, with no
  // frames; another format may show the same goroutines with their stacks (see diff()).
  bool stack_unavailable = false;
  Runtime runtime = Runtime::go;
  std::string wait; // the wait reason of the largest contributing stack
  bool wait_inferred = false;
  std::vector<std::string> waits; // every distinct wait reason merged into this group
  int64_t max_wait_minutes = -1;
  bool locked_to_thread = false;
  bool leaked = false;
  std::vector<ShownFrame> stack;   // kept frames of the largest contributing stack, leaf first
  std::vector<std::string> frames; // their function names (the JSON `frames`)
  std::optional<ShownFrame> created_by;
  std::vector<std::pair<std::string, std::string>> labels;
  std::string thread_name;
  size_t blocking = 0; // index in `stack` of the frame it blocks in (the leaf kept frame)
  std::optional<size_t> app_frame; // first application (non-standard-library) frame
};

struct Grouping {
  std::vector<Group> groups; // largest first, then by key
  uint64_t total = 0;        // the snapshot's total, internal goroutines included
  uint64_t internal = 0;     // goroutines in internal groups
};

Grouping group(const Snapshot& snapshot, const KeyOptions& options);

// The key options two inputs can share, and a sentence for each fact left out.
KeyOptions shared_key(const KeyOptions& wanted, const Facts& base, const Facts& cand,
                      std::vector<std::string>& notes);

} // namespace taskdiff
