// Command-line options: CLI11 fills RawOptions; validate() turns them into a Config or throws
// UsageError. The option table here is the one --help prints; man/taskdiff.1 and completions/
// list the same options (tests/e2e/docs checks that they agree).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "taskdiff/diff.hpp"
#include "taskdiff/group.hpp"
#include "taskdiff/parse.hpp"

namespace taskdiff::cli {

enum class Command { diff, show, snapshot, formats };
enum class OutputFormat { text, json };

// Numbers are kept as the text given and checked by validate(): CLI11 would wrap `-1` round to
// the largest value and saturate a number too large, silently turning a gate or a limit off.
// Each starts as its default, so an empty value (`--min-new ""`) is an error, not a zero.
struct RawOptions {
  std::string base;
  std::string cand;
  std::vector<std::string> inputs; // show: one dump; snapshot: several
  std::string format = "text";
  std::string color = "auto";
  std::optional<std::string> input_format;
  std::string key = "default";
  std::optional<std::string> output; // unset: stdout
  std::string max_input_size = fmt::format("{}G", Limits{}.max_input_bytes >> 30);
  std::string max_groups = fmt::format("{}", Limits{}.max_groups);
  std::string depth = fmt::format("{}", KeyOptions{}.depth);
  std::string threads = fmt::format("{}", ParseOptions{}.threads);
  bool allow_truncated = false;
  bool keep_labels = false; // snapshot
  bool all = false;
  bool quiet = false;
  std::string min_new = fmt::format("{}", Thresholds{}.min_new);
  std::string min_delta = fmt::format("{}", Thresholds{}.min_delta);
  std::string min_ratio = fmt::format("{}", Thresholds{}.min_ratio);
};

struct Config {
  Command command = Command::diff;
  std::vector<std::string> inputs;
  OutputFormat format = OutputFormat::text;
  bool color = false;
  bool all = false;
  bool quiet = false; // no report on stdout; -o still writes it
  std::string output; // empty: stdout
  ParseOptions parse;
  KeyOptions key;
  Thresholds thresholds;
};

class UsageError : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

// Builds the CLI11 app with its subcommands bound to `raw`.
void define_options(CLI::App& app, RawOptions& raw);
Command chosen_command(const CLI::App& app);

// A command-line mistake CLI11 found, said in our words: an unknown option named, with the
// command it belongs to or the closest option there is; an option given twice; a flag given a
// value; a stray operand; an option that took the next operand as its value.
std::string usage_message(const CLI::App& app, const CLI::ParseError& error, const RawOptions& raw);

// The one of `names` that `word` is a likely typo of (a few edits away), for "did you mean".
std::optional<std::string> closest_name(std::string_view word,
                                        const std::vector<std::string>& names);
// `no_color` and `term`: the NO_COLOR and TERM variables, null when unset.
Config validate(Command command, const RawOptions& raw, bool stdout_is_terminal,
                const char* no_color, const char* term);

} // namespace taskdiff::cli
