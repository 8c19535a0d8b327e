// From bytes to a Snapshot: format detection by content, then one parser per format.
//
// Each parser reads a LineReader (or the raw source, for binary formats) and pushes records
// into a StackBuilder. A parser that meets what it does not understand throws ParseError with
// the line and `expected X, found Y`; load() adds the input's name.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "taskdiff/goroutine_ids.hpp"
#include "taskdiff/input.hpp"
#include "taskdiff/model.hpp"

namespace taskdiff {

struct ParseOptions {
  std::optional<Format> format; // --input-format; detected from content when unset
  bool allow_truncated = false; // read a cut debug=2 dump anyway (its last record dropped), loudly
  unsigned threads = 2;         // a plain file may be split among this many parser threads
  LabelSets label_sets = LabelSets::keep; // `fold` when the labels are not keyed on
  Limits limits;
};

// What detect() decided, or why nothing fits.
struct Detection {
  std::optional<Format> format;
  std::string why_not; // when no format fits: what was seen and which formats were tried
  bool may_be_log = false; // no format fits the start, which may be log text before a dump
  uint64_t line = 1;       // where what does not fit shows (the first NUL byte of short text)
};
Detection detect(std::string_view head, bool gzipped);
// A dump inside a log whose every line carries the log's prefix (`kubectl logs --timestamps`, a
// CRI log file, journald): the prefix of the first line in `head` that, without it, starts a
// dump; nullopt when there is none. `pasted`: failing that, the text before the first line's
// dump when nearly every line from there on starts with it (an indent, an email's `> ` quote,
// `docker compose logs`' `svc-1  | `), for input nothing else reads.
std::optional<LinePrefix> find_line_prefix(std::string_view head, bool pasted = false);

// Opens, detects, parses and checks one input. Throws Error `NAME:LINE: message`.
Snapshot load(const std::string& path, const ParseOptions& options);
Snapshot load(Input input, const ParseOptions& options);

// Parser entry points. Each fills `out` (facts, format, panic message...) and `builder`.
// The debug=2 parser can start mid-file at a record boundary (`at_record_start`), so a plain
// debug=2 file is parsed in ranges on several threads.
// A Go text dump cut where a goroutine was being read, read anyway (--allow-truncated).
struct Truncation {
  uint64_t line = 0;    // where the cut was seen, as the error without --allow-truncated names it
  std::string where;    // what was cut
  bool dropped = false; // the goroutine read in part was left out
};
std::string truncation_warning(const Truncation& truncation);

struct TextParseContext {
  StackBuilder& builder;
  Snapshot& out;
  const ParseOptions& options;
  bool at_record_start = false;    // this range begins at a record boundary, not at the file start
  bool is_last_range = true;       // this range ends at the end of the input
  uint64_t input_size = 0;         // bytes in the whole input when known (a plain file), else 0
  uint64_t goroutine_one_line = 0; // out: line of goroutine 1's header in this range, 0 if none
  uint64_t writer_line = 0; // out: the same for the goroutine writing a debug=2 dump (pprof's)
  std::string writer_id = {}; // out: that goroutine's id
  const Input* input = nullptr; // for file_line()
  // out: the cuts read anyway (--allow-truncated), each warned of in out.warnings as
  // truncation_warning() words it: a split file's range counts lines from its own start, so
  // the loader shifts their lines when it joins the ranges.
  std::vector<Truncation> truncations = {};
  // out: the ids of the goroutines read (Go text), for load() to refuse a goroutine listed twice.
  GoroutineIds ids = {};

  // The file's line for a line of the text as read (Input::file_line): for the line numbers a
  // message quotes besides its own.
  uint64_t file_line(uint64_t line) const {
    return input != nullptr ? input->file_line(line) : line;
  }
};
void parse_go_text(LineReader& lines, TextParseContext& context); // debug=2 and tracebacks
// Two debug=2 dumps glued together, seen at the second goroutine 1 or the second goroutine
// writing a dump (runtime/pprof.writeGoroutineStacks): the messages, for one range or across the
// ranges of a split file alike.
std::string second_goroutine_one_message();
std::string second_writer_message(std::string_view goroutine_id);
void parse_go_debug1(LineReader& lines, TextParseContext& context);
void parse_pprof(ByteSource& source, TextParseContext& context, bool gzipped);
void parse_java(LineReader& lines, TextParseContext& context);              // jstack, jcmd
void parse_java_threads_text(LineReader& lines, TextParseContext& context); // dump_to_file
void parse_java_threads_json(ByteSource& source, TextParseContext& context);
void parse_snapshot(ByteSource& source, TextParseContext& context);
void parse_tasks_json(ByteSource& source, TextParseContext& context);

// Verifies the model (pprof's CheckValid): counts sum to the total, no empty stack, at least one
// record. Throws Error naming the input.
void check(const Snapshot& snapshot);

} // namespace taskdiff
