// Stored baselines: a Snapshot written as a compact JSON file (schema taskdiff.snapshot/1,
// docs/snapshot.md, docs/taskdiff.snapshot.schema.json) that `diff` reads on either side like
// any dump, and the merge of several dumps (replicas of one service) into one.
//
// A snapshot keeps the model's distinct raw stacks, not groups, so every --key and --depth still
// works on it later; ids, arguments and addresses are already gone, so it is small: one line per
// distinct stack, whatever the number of goroutines. Reading it back is parse_snapshot()
// (parse.hpp), through load().
#pragma once

#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "taskdiff/limits.hpp"
#include "taskdiff/model.hpp"

namespace taskdiff {

inline constexpr const char* k_snapshot_schema = "taskdiff.snapshot/1";

// Writes `snapshot` as it is, stacks in model order. Deterministic: the same Snapshot gives the
// same bytes. Use merge_snapshots() first to normalize (it folds and sorts the stacks).
void write_snapshot(std::ostream& out, const Snapshot& snapshot);

// Merges dumps or snapshots of replicas of one service into one snapshot:
// - replicas is the sum of the inputs' replicas, origins their concatenation (diff then compares
//   counts per replica when the two sides differ in replica count);
// - facts are those every input carries; a field no longer carried by all inputs (the wait state
//   when one side is debug=1...) is dropped from every stack, so stacks alike in what remains
//   fold into one, counts added; stacks are sorted by count, largest first (file order on ties);
// - captured_at is the earliest of the inputs'; warnings are kept, named after their input.
// Throws Error when the inputs are of different runtimes (Go with Java) or hold more distinct
// stacks than `limits.max_groups`. One input is normalized the same way.
Snapshot merge_snapshots(std::vector<Snapshot>&& inputs, const Limits& limits = {});

// gzip of `bytes`, deterministic (no file name, no time stamp): `taskdiff snapshot -o
// base.json.gz` writes this, and load() inflates it like any gzipped input. A snapshot with many
// distinct stacks shrinks about 25 times.
std::string gzip_compress(std::string_view bytes);

} // namespace taskdiff
