// Command-line options: CLI11 fills RawOptions; validate() turns them into a Config or throws
// UsageError. The option table here is the one --help prints; man/taskdiff.1 and completions/
// list the same options (tests/e2e/docs checks that they agree).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "taskdiff/diff.hpp"
#include "taskdiff/group.hpp"
#include "taskdiff/parse.hpp"

namespace taskdiff::cli {

enum class Command { diff, show, snapshot, formats };
enum class OutputFormat { text, json };

struct RawOptions {
  std::string base;
  std::string cand;
  std::vector<std::string> inputs; // show: one dump; snapshot: several
  std::string format = "text";
  std::string color = "auto";
  std::string input_format;
  std::string key = "default";
  std::string output;
  std::string max_input_size;
  size_t max_groups = Limits{}.max_groups;
  size_t depth = KeyOptions{}.depth;
  unsigned threads = 2;
  bool allow_truncated = false;
  bool all = false;
  bool quiet = false;
  uint64_t min_new = Thresholds{}.min_new;
  uint64_t min_delta = Thresholds{}.min_delta;
  double min_ratio = Thresholds{}.min_ratio;
};

struct Config {
  Command command = Command::diff;
  std::vector<std::string> inputs;
  OutputFormat format = OutputFormat::text;
  bool color = false;
  bool all = false;
  bool quiet = false;
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
Config validate(Command command, const RawOptions& raw, bool stdout_is_terminal,
                const char* no_color);

} // namespace taskdiff::cli
