#include "options.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <limits>
#include <sstream>

#include <fmt/format.h>

#include "taskdiff/version.hpp"

namespace taskdiff::cli {

namespace {

const char* k_diff_description =
    R"(Compare two goroutine or thread dumps and report groups of identical stacks that are NEW
(absent from BASE) or GROWING (more goroutines than in BASE). Exit status: 0 no regression,
1 regression found, 2 trouble (bad usage, unreadable or unparseable input).

Inputs are read in any supported format, detected from their content: Go debug=2, debug=1,
protobuf (.pb.gz), crash tracebacks (panic, SIGQUIT) inside log text, Java thread dumps,
taskdiff snapshots (`taskdiff snapshot`), generic JSON task lists. The two sides may be in
different formats of one runtime (never Go against Java). `-` reads stdin; gzip is inflated
transparently. `taskdiff formats` lists the formats.

Examples:
  taskdiff diff base.txt cand.txt
  curl -s 'localhost:6060/debug/pprof/goroutine?debug=2' | taskdiff diff base.txt -
  taskdiff diff --format json base.pb.gz cand.pb.gz | jq .findings
)";

const char* k_show_description =
    R"(List the groups of one dump, largest first: count, wait state, where they block, the
first application frame, who created them, and the stack.

Examples:
  taskdiff show dump.txt
  curl -s 'localhost:6060/debug/pprof/goroutine?debug=2' | taskdiff show -
)";

const char* k_snapshot_description =
    R"(Store dumps as a compact baseline file (JSON, schema taskdiff.snapshot/1) that `diff`
takes on either side: distinct stacks with their counts, the facts the dumps carry, their
formats and capture times. Several DUMPs are replicas of one service: they are merged, and
`diff` compares counts per replica when the two sides merge different numbers of dumps.
Without -o the snapshot goes to stdout; `-o FILE.gz` gzips it (diff reads it as it is).

Examples:
  taskdiff snapshot dump.txt -o base.json
  taskdiff snapshot replica-a.txt replica-b.txt replica-c.txt -o base.json
  taskdiff diff base.json cand.txt
)";

// A command's line in the top-level help: its summary, where its own help starts with its whole
// description (paragraphs and examples).
const std::pair<std::string_view, std::string_view> k_summaries[] = {
    {"diff", "Compare BASE with CAND; exit 1 on new or growing groups"},
    {"show", "List the groups of one dump, largest first"},
    {"snapshot", "Store dumps (replicas merged) as a baseline for diff"},
    {"formats", "List the input formats and how to capture each"},
    {"help", "Print the help of COMMAND, or this help"},
};

class SummaryFormatter : public CLI::Formatter {
public:
  std::string make_subcommand(const CLI::App* sub) const override {
    std::string summary = sub->get_description(); // a copy: CLI11 returns it by value
    for (const auto& [name, text] : k_summaries) {
      if (sub->get_name() == name) {
        summary = text;
      }
    }
    std::stringstream out;
    CLI::detail::format_help(out, sub->get_display_name(), summary, get_column_width());
    return out.str();
  }
};

std::string_view summary_of(std::string_view command) {
  for (const auto& [name, text] : k_summaries) {
    if (command == name) {
      return text;
    }
  }
  return {};
}

void add_key_options(CLI::App* command, RawOptions& raw) {
  command
      ->add_option(
          "--key", raw.key,
          "Group key: `default` (wait class, function names with closure and lambda numbers "
          "folded, creator; survives a rebuild) or `strict` (adds file:line, exact wait "
          "reason, closure and lambda numbers; same binary only); add `,labels` to key "
          "on pprof labels too")
      ->type_name("KEY")
      ->capture_default_str();
  command->add_option("--depth", raw.depth, "Frames from the leaf that take part in the key (1-1000)")
      ->type_name("UINT")
      ->capture_default_str();
}

// `grouping`: the command groups stacks, so --key and --depth apply (not to `snapshot`, which
// keeps the raw stacks so that any key works on them later).
void add_input_options(CLI::App* command, RawOptions& raw, bool grouping = true) {
  command
      ->add_option("--input-format", raw.input_format,
                   "Force the input format instead of detecting it (see `taskdiff formats`)")
      ->option_text("FORMAT");
  if (grouping) {
    add_key_options(command, raw);
  }
  command->add_flag("--allow-truncated", raw.allow_truncated,
                    "Read a truncated text dump anyway (Go debug=2 or crash output, jstack, "
                    "Thread.dump_to_file text), its cut goroutine or thread dropped, with a "
                    "warning in the report. A Go debug=2 dump of exactly 64 MiB is truncated: "
                    "Go's writer cuts it there");
  command
      ->add_option("--max-input-size", raw.max_input_size,
                   "Refuse inputs larger than this after decompression (bytes; K, M, G "
                   "suffixes)")
      ->type_name("SIZE")
      ->capture_default_str();
  command->add_option("--max-groups", raw.max_groups, "Refuse inputs with more distinct stacks")
      ->type_name("UINT")
      ->capture_default_str();
  command
      ->add_option("--threads", raw.threads,
                   "Parser threads per input (1-64): a debug=2 file of 16 MiB or more is read "
                   "in that many parts at once")
      ->type_name("UINT")
      ->capture_default_str();
}

void add_output_options(CLI::App* command, RawOptions& raw) {
  command->add_option("--format", raw.format, "Report format: text or json")
      ->type_name("FMT")
      ->capture_default_str();
  command
      ->add_option("--color", raw.color,
                   "Colour the text report: auto (on a terminal, unless NO_COLOR is set and not "
                   "empty or TERM is dumb), always, never")
      ->type_name("WHEN")
      ->capture_default_str();
  command
      ->add_option("-o,--output", raw.output,
                   "Write the report to FILE (atomically: a temporary file renamed into place); "
                   "- for stdout; never one of the inputs")
      ->option_text("FILE")
      ->type_name("FILE");
}

// `text` in backquotes, for a message; an empty value said so.
std::string shown(const std::string& text) {
  return text.empty() ? "an empty value" : fmt::format("`{}`", text);
}

// A whole number from `min` to `max`: digits only, no sign, no spaces, within 64 bits.
uint64_t parse_whole(std::string_view option, const std::string& text, uint64_t min,
                     uint64_t max = std::numeric_limits<uint64_t>::max()) {
  uint64_t value = 0;
  const char* end = text.data() + text.size();
  auto [stop, error] = std::from_chars(text.data(), end, value);
  if (stop == end && (error == std::errc::result_out_of_range || value > max)) {
    throw UsageError(fmt::format("{}: {} is too large (at most {})", option, shown(text), max));
  }
  if (text.empty() || error != std::errc{} || stop != end || value < min) {
    std::string range = max == std::numeric_limits<uint64_t>::max()
                            ? fmt::format(">= {}", min)
                            : fmt::format("from {} to {}", min, max);
    throw UsageError(
        fmt::format("{}: expected a whole number {}, found {}", option, range, shown(text)));
  }
  return value;
}

// --min-ratio: NaN would make every comparison false and infinity would never be reached, both
// silently turning the growth check off; a ratio past a million-fold is the same in effect, and
// past 1e306 its percentage is infinite too.
constexpr double k_max_ratio = 1e6;

// A fraction (0.5) or a percentage (50%). No sign: `-0` passed the range check and printed as
// `-0%`, where the whole-number options refuse any `-`.
double parse_ratio(const std::string& text) {
  bool percent = !text.empty() && text.back() == '%';
  std::string_view number(text.data(), text.size() - (percent ? 1 : 0));
  double value = 0;
  auto [stop, error] = std::from_chars(number.data(), number.data() + number.size(), value);
  if (percent) {
    value /= 100;
  }
  if (number.empty() || number.front() == '-' || error != std::errc{} ||
      stop != number.data() + number.size() || !(value >= 0 && value <= k_max_ratio)) {
    throw UsageError(
        fmt::format("--min-ratio: expected a fraction from 0 to {:.0f} such as 0.5, or a "
                    "percentage such as 50%, found {}",
                    k_max_ratio, shown(text)));
  }
  return value;
}

// The power of two a --max-input-size suffix stands for, in any case: K, KB, KiB are all 1024.
std::optional<int> size_shift(std::string suffix) {
  std::transform(suffix.begin(), suffix.end(), suffix.begin(),
                 [](unsigned char c) { return std::toupper(c); });
  if (suffix == "" || suffix == "B") {
    return 0;
  }
  if (suffix == "K" || suffix == "KB" || suffix == "KIB") {
    return 10;
  }
  if (suffix == "M" || suffix == "MB" || suffix == "MIB") {
    return 20;
  }
  if (suffix == "G" || suffix == "GB" || suffix == "GIB") {
    return 30;
  }
  return std::nullopt;
}

// Bytes, positive and within 64 bits: 0, a wrapped `-1` or a shift past 64 bits would turn the
// limit off, or set it to some other size than the one given.
uint64_t parse_size(const std::string& text) {
  uint64_t value = 0;
  const char* end = text.data() + text.size();
  auto [stop, error] = std::from_chars(text.data(), end, value);
  if (stop == text.data()) {
    throw UsageError(fmt::format("--max-input-size: expected a size in bytes, optionally with a "
                                 "K, M or G suffix (such as 512M or 2G), found {}",
                                 shown(text)));
  }
  std::string suffix(stop, end);
  std::optional<int> shift = size_shift(suffix);
  if (!shift) {
    throw UsageError(fmt::format(
        "--max-input-size: unknown suffix `{}` in `{}` (use K, M or G, or none for bytes)", suffix,
        text));
  }
  uint64_t largest = std::numeric_limits<uint64_t>::max() >> *shift;
  if (error == std::errc::result_out_of_range || value > largest) {
    throw UsageError(fmt::format("--max-input-size: `{}` does not fit in 64 bits (at most {}{})",
                                 text, largest, suffix));
  }
  if (value == 0) {
    throw UsageError(fmt::format("--max-input-size: expected a size above 0, found `{}`", text));
  }
  return value << *shift;
}

// The device and inode of an input that can be read only once (a pipe, a terminal, a character
// device), to refuse it given twice: the second read would wait for a writer forever. `-` is
// stdin.
using FileId = std::pair<dev_t, ino_t>;
std::optional<FileId> read_once_file(const std::string& path) {
  struct stat info {};
  int result = path == "-" ? ::fstat(STDIN_FILENO, &info) : ::stat(path.c_str(), &info);
  if (result != 0 || !(S_ISFIFO(info.st_mode) || S_ISCHR(info.st_mode))) {
    return std::nullopt;
  }
  return FileId{info.st_dev, info.st_ino};
}

// Replicas are dumps of different processes: one file given twice to `snapshot` (by any name)
// would count each of its goroutines twice, per replica alike.
void check_replicas_distinct(const std::vector<std::string>& inputs) {
  std::vector<std::pair<FileId, size_t>> files;
  for (size_t j = 0; j < inputs.size(); ++j) {
    struct stat info {};
    if (inputs[j] == "-" || ::stat(inputs[j].c_str(), &info) != 0 || !S_ISREG(info.st_mode)) {
      continue;
    }
    FileId file{info.st_dev, info.st_ino};
    for (const auto& [other, i] : files) {
      if (other == file) {
        throw UsageError(fmt::format("DUMP `{}` and DUMP `{}` are the same file: each DUMP is a "
                                     "replica, a dump of another process of the service; give "
                                     "each file once",
                                     inputs[i], inputs[j]));
      }
    }
    files.emplace_back(file, j);
  }
}

void check_read_once_inputs(Command command, const std::vector<std::string>& inputs) {
  auto role = [&](size_t i) {
    return command == Command::diff ? (i == 0 ? "BASE" : "CAND") : "DUMP";
  };
  std::vector<std::optional<FileId>> files;
  for (size_t j = 0; j < inputs.size(); ++j) {
    std::optional<FileId> file = read_once_file(inputs[j]);
    for (size_t i = 0; file && i < j; ++i) {
      if (files[i] == file) {
        throw UsageError(fmt::format(
            "{} `{}` and {} `{}` are the same pipe or device, which can be read only once; {}",
            role(i), inputs[i], role(j), inputs[j],
            command == Command::diff ? "give at least one as a file" : "give it once"));
      }
    }
    files.push_back(file);
  }
}

// The output must not be one of the inputs (`snapshot bd.txt -o bd.txt` replaced the dump with
// its own snapshot): the same regular file, by device and inode, whatever the name (a hard or
// symbolic link, stdin redirected from it). A device or a pipe is written in place, never
// renamed over, and one given as both (`-o /dev/stdout` on a terminal) replaces nothing.
void check_output_not_input(Command command, const std::vector<std::string>& inputs,
                            const std::string& output) {
  struct stat out {};
  if (output.empty() || ::stat(output.c_str(), &out) != 0 || !S_ISREG(out.st_mode)) {
    return;
  }
  for (size_t i = 0; i < inputs.size(); ++i) {
    struct stat in {};
    int result = inputs[i] == "-" ? ::fstat(STDIN_FILENO, &in) : ::stat(inputs[i].c_str(), &in);
    if (result == 0 && S_ISREG(in.st_mode) && in.st_dev == out.st_dev && in.st_ino == out.st_ino) {
      throw UsageError(fmt::format(
          "-o `{}` is the input {} `{}`{}: writing the {} there would replace it; give another "
          "file",
          output, command == Command::diff ? (i == 0 ? "BASE" : "CAND") : "DUMP", inputs[i],
          inputs[i] == "-" ? " (stdin)" : "",
          command == Command::snapshot ? "snapshot" : "report"));
    }
  }
}

// Optimal string alignment distance: insertions, deletions, substitutions, and a swap of two
// neighbours, each one edit (`--min-nwe` is one edit from `--min-new`).
size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::vector<size_t>> d(a.size() + 1, std::vector<size_t>(b.size() + 1));
  for (size_t i = 0; i <= a.size(); ++i) {
    d[i][0] = i;
  }
  for (size_t j = 0; j <= b.size(); ++j) {
    d[0][j] = j;
  }
  for (size_t i = 1; i <= a.size(); ++i) {
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.size()][b.size()];
}

// The long and short option names of one command (`--min-new`, `-o`), positionals left out.
std::vector<std::string> option_names(const CLI::App& command) {
  std::vector<std::string> names;
  for (const CLI::Option* option : command.get_options()) {
    for (const auto& name : option->get_lnames()) {
      names.push_back("--" + name);
    }
    for (const auto& name : option->get_snames()) {
      names.push_back("-" + name);
    }
  }
  return names;
}

bool has_option(const CLI::App& command, const std::string& name) {
  auto names = option_names(command);
  return std::find(names.begin(), names.end(), name) != names.end();
}

// `a`, `a and b`, `a, b and c`.
std::string spoken_list(const std::vector<std::string>& words) {
  std::string text;
  for (size_t i = 0; i < words.size(); ++i) {
    text += (i == 0 ? "" : i + 1 == words.size() ? " and " : ", ") + words[i];
  }
  return text;
}

// An option the command does not take: where it belongs, or the command's own option it is
// likely a typo of. `command` is null for an option before any command.
std::string unknown_option(const CLI::App& app, const CLI::App* command, const std::string& name) {
  std::vector<std::string> owners;
  for (const CLI::App* other : app.get_subcommands(nullptr)) {
    if (other != command && has_option(*other, name)) {
      owners.push_back(other->get_name());
    }
  }
  if (command != nullptr && has_option(app, name)) {
    return fmt::format("{} is an option of taskdiff itself, not of {}: run `taskdiff {}`", name,
                       command->get_name(), name);
  }
  if (!owners.empty() && command == nullptr) {
    return fmt::format("{} is an option of {}: give it after the command, as in `taskdiff {} "
                       "{} ...`",
                       name, spoken_list(owners), owners.front(), name);
  }
  if (!owners.empty()) {
    return fmt::format("{} is an option of {}, not {}", name, spoken_list(owners),
                       command->get_name());
  }
  std::string message = fmt::format("unknown option {}{}", name,
                                    command ? " for " + command->get_name() : std::string());
  // What other tools call these options.
  static constexpr std::pair<std::string_view, std::string_view> k_elsewhere[] = {
      {"--json", "--format json"},     {"--output-format", "--format"},
      {"--no-color", "--color=never"}, {"--no-colour", "--color=never"},
      {"--colour", "--color"},         {"--threshold", "--min-new, --min-delta, --min-ratio"},
      {"--out", "--output"},
  };
  for (const auto& [other, ours] : k_elsewhere) {
    if (name == other) {
      return message + fmt::format("; taskdiff's is {}", ours);
    }
  }
  if (auto guess = closest_name(name, option_names(command ? *command : app))) {
    message += fmt::format("; did you mean {}?", *guess);
  }
  return message;
}

// What a command takes on its command line, after its options: `BASE CAND`, `DUMP...`.
std::string operands(const CLI::App& command) {
  std::vector<std::string> names;
  for (const CLI::Option* option : command.get_options()) {
    if (option->get_positional()) {
      names.push_back(option->get_name() + (option->get_expected_max() > 1 ? "..." : ""));
    }
  }
  std::string text;
  for (const auto& name : names) {
    text += (text.empty() ? "" : " ") + name;
  }
  return text;
}

std::string quoted_list(const std::vector<std::string>& words) {
  std::string text;
  for (const auto& word : words) {
    text += fmt::format("{}`{}`", text.empty() ? "" : ", ", word);
  }
  return text;
}

} // namespace

std::optional<std::string> closest_name(std::string_view word,
                                        const std::vector<std::string>& names) {
  auto bare = [](std::string_view name) {
    size_t start = name.find_first_not_of('-');
    return start == std::string_view::npos ? std::string_view() : name.substr(start);
  };
  std::string_view wanted = bare(word);
  std::optional<std::string> best;
  size_t best_distance = std::max<size_t>(1, wanted.size() / 3) + 1; // a likely typo, no more
  for (const auto& name : names) {
    size_t distance = edit_distance(wanted, bare(name));
    if (distance < best_distance && distance < wanted.size()) {
      best = name;
      best_distance = distance;
    }
  }
  return best;
}

std::string usage_message(const CLI::App& app, const CLI::ParseError& error,
                          const RawOptions& raw) {
  auto parsed = app.get_subcommands();
  const CLI::App* command = parsed.empty() ? nullptr : parsed.front();
  // An unknown option first: CLI11 then takes its value for an operand and blames that
  // (`diff --min-nwe 3 b.json c.json`: "c.json was not expected").
  for (const CLI::App* scope : {command, &app}) {
    if (scope == nullptr) {
      continue;
    }
    for (const auto& word : scope->remaining()) {
      if (word == "--") {
        break; // what follows is operands
      }
      if (word.rfind("-=", 0) == 0) { // `-q=1`: CLI11 took -q, then the rest as a word
        return "a short option takes no `=`: give a value after a space (`-o FILE`) or use the "
               "long form (`--output=FILE`); a flag (`-q`) takes no value";
      }
      if (word.size() > 1 && word[0] == '-') {
        return unknown_option(app, scope == &app ? nullptr : command,
                              word.substr(0, word.find('=')));
      }
    }
  }
  if (dynamic_cast<const CLI::ArgumentMismatch*>(&error) != nullptr) {
    // CLI11's "--format: 1 required FMT missing": an option last on the command line, its value
    // not given.
    std::string_view what = error.what();
    size_t colon = what.find(": 1 required ");
    if (colon != std::string_view::npos && what.size() > colon + 21 && what.ends_with(" missing")) {
      std::string_view type = what.substr(colon + 13, what.size() - colon - 13 - 8);
      return fmt::format("{} needs a value ({}) after it", what.substr(0, colon), type);
    }
  }
  if (command != nullptr) {
    for (const CLI::Option* option : command->get_options()) {
      if (option->count() <= 1 || option->get_expected_max() != 1) {
        continue;
      }
      if (option->get_positional()) {
        return fmt::format("{} takes one {}, found {}: {}", command->get_name(), option->get_name(),
                           option->count(), quoted_list(option->results()));
      }
      return fmt::format("{} given {} ({}); give it once", option->get_name(),
                         option->count() == 2 ? std::string("twice")
                                              : fmt::format("{} times", option->count()),
                         quoted_list(option->results()));
    }
    if (dynamic_cast<const CLI::ConversionError*>(&error) != nullptr) {
      for (const CLI::Option* option : command->get_options()) {
        if (option->get_expected_max() == 0 && option->count() > 0) { // a flag given a value
          for (const auto& value : option->results()) {
            if (value != "true" && value != "false" && value != "1" && value != "0") {
              return fmt::format("{} takes no value, found `{}`", option->get_name(), value);
            }
          }
        }
      }
    }
    std::vector<std::string> extra;
    for (const auto& word : command->remaining()) {
      if (word != "--") {
        extra.push_back(word);
      }
    }
    if (!extra.empty()) {
      std::string takes = operands(*command);
      return fmt::format("unexpected argument{} {}: {} takes {}", extra.size() == 1 ? "" : "s",
                         quoted_list(extra), command->get_name(),
                         takes.empty() ? std::string("no argument") : takes);
    }
    // A missing operand is often one an option took as its value (`diff --color base cand`):
    // that value, checked, says so better than "CAND is required".
    if (dynamic_cast<const CLI::RequiredError*>(&error) != nullptr) {
      try {
        (void)validate(chosen_command(app), raw, false, nullptr, nullptr);
      } catch (const UsageError& usage) {
        return usage.what();
      }
      struct stat status {};
      if (raw.output && ::stat(raw.output->c_str(), &status) == 0 && S_ISREG(status.st_mode)) {
        return fmt::format("{}: -o took `{}` as the file to write, which looks like an input; "
                           "give -o a file of its own (`-o report.txt`)",
                           error.what(), *raw.output);
      }
    }
  }
  return error.what();
}

void define_options(CLI::App& app, RawOptions& raw) {
  app.description("taskdiff: catch goroutine and thread leaks before they reach production, by "
                  "comparing a baseline dump with a candidate's.");
  app.formatter(std::make_shared<SummaryFormatter>());
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("taskdiff ") + k_version);
  // Commands take the footer's common part: their own examples are in their descriptions.
  const std::string common_footer =
      "Run `taskdiff COMMAND --help` (or `taskdiff help COMMAND`) for a command's options. Exit "
      "status: 0 no regression, 1 regression, 2 trouble. Limits, each an error (exit 2) when "
      "passed: input size after decompression 16G (--max-input-size), line length 4 MiB, 10000 "
      "frames per stack, 1000000 distinct stacks per input (--max-groups), 64 MiB per protobuf "
      "field. Documentation: man taskdiff.";
  app.footer("Examples:\n"
             "  taskdiff diff base.txt cand.txt\n"
             "  curl -s 'localhost:6060/debug/pprof/goroutine?debug=2' | taskdiff show -\n"
             "  taskdiff diff --format json base.pb.gz cand.pb.gz | jq .findings\n\n" +
             common_footer);

  auto* diff = app.add_subcommand("diff", std::string(summary_of("diff")));
  diff->footer(common_footer);
  diff->description(k_diff_description);
  diff->add_option("BASE", raw.base, "Baseline dump (or snapshot); - for stdin")->required();
  diff->add_option("CAND", raw.cand, "Candidate dump (or snapshot); - for stdin")->required();
  diff->add_option("--min-new", raw.min_new, "A NEW group needs at least this many goroutines")
      ->type_name("UINT")
      ->capture_default_str();
  diff->add_option("--min-delta", raw.min_delta,
                   "A GROWING group must gain at least this many goroutines...")
      ->type_name("UINT")
      ->capture_default_str();
  diff->add_option("--min-ratio", raw.min_ratio,
                   "...and at least this fraction of its base count (0.5, or 50%)")
      ->type_name("RATIO")
      ->capture_default_str();
  diff->add_flag("-q,--quiet", raw.quiet,
                 "Print no report on stdout, only the exit status tells; -o still writes the "
                 "report to FILE");
  add_input_options(diff, raw);
  add_output_options(diff, raw);

  auto* show = app.add_subcommand("show", std::string(summary_of("show")));
  show->footer(common_footer);
  show->description(k_show_description);
  show->add_option("DUMP", raw.inputs, "The dump; - for stdin")->required()->expected(1);
  show->add_flag("--all", raw.all, "Also list runtime goroutines and the dumping goroutine");
  add_input_options(show, raw);
  add_output_options(show, raw);

  auto* snapshot = app.add_subcommand("snapshot", std::string(summary_of("snapshot")));
  snapshot->footer(common_footer);
  snapshot->description(k_snapshot_description);
  snapshot
      ->add_option("DUMP", raw.inputs,
                   "Dumps of one service; several are merged as replicas; - for stdin")
      ->required();
  snapshot
      ->add_option("-o,--output", raw.output,
                   "Write the snapshot to FILE (atomically: a temporary file renamed into "
                   "place) instead of stdout (-); gzipped when FILE ends in .gz; never one of the "
                   "DUMPs")
      ->option_text("FILE")
      ->type_name("FILE");
  snapshot->add_flag("--keep-labels", raw.keep_labels,
                     "Keep every pprof label set of every stack, for a later `diff --key "
                     "...,labels`; without it the snapshot records no labels (a label per "
                     "request would make a stack per request)");
  add_input_options(snapshot, raw, false);

  auto* formats = app.add_subcommand("formats", std::string(summary_of("formats")));
  formats->footer(common_footer);
  formats->description("List every input format taskdiff reads, with the command that captures it. "
                       "The names are those --input-format takes.");
  formats->add_option("--format", raw.format, "Output format: text or json")
      ->type_name("FMT")
      ->capture_default_str();

  // run() turns `taskdiff help [COMMAND]` into `taskdiff [COMMAND] --help` before parsing; the
  // command is defined so that the help lists it and `taskdiff help help` describes it.
  auto* help = app.add_subcommand("help", std::string(summary_of("help")));
  help->footer(common_footer);
  help->description("Print the help of COMMAND, as `taskdiff COMMAND --help` does; without "
                    "COMMAND, the help of taskdiff itself.");
  help->add_option("COMMAND", "One of diff, show, snapshot, formats");
}

Command chosen_command(const CLI::App& app) {
  for (const auto* sub : app.get_subcommands()) {
    const std::string& name = sub->get_name();
    if (name == "show") {
      return Command::show;
    }
    if (name == "snapshot") {
      return Command::snapshot;
    }
    if (name == "formats") {
      return Command::formats;
    }
  }
  return Command::diff;
}

Config validate(Command command, const RawOptions& raw, bool stdout_is_terminal,
                const char* no_color, const char* term) {
  Config config;
  config.command = command;
  config.inputs =
      command == Command::diff ? std::vector<std::string>{raw.base, raw.cand} : raw.inputs;
  if (command == Command::diff && raw.base == "-" && raw.cand == "-") {
    throw UsageError("BASE and CAND cannot both be `-` (stdin); give at least one as a file");
  }
  if (command == Command::snapshot && std::count(raw.inputs.begin(), raw.inputs.end(), "-") > 1) {
    throw UsageError("DUMP `-` (stdin) can be given once; give the other dumps as files");
  }
  check_read_once_inputs(command, config.inputs);
  if (command == Command::snapshot) {
    check_replicas_distinct(config.inputs);
  }
  if (raw.output && raw.output->empty()) {
    throw UsageError("-o: expected a file name, found an empty value");
  }
  if (raw.output && raw.output->front() == '=') { // `-o=report.txt`
    throw UsageError(fmt::format("-o: a short option takes no `=`: give `-o {0}` or "
                                 "`--output={0}` (a file whose name starts with `=`: `-o ./{1}`)",
                                 raw.output->substr(1), *raw.output));
  }
  config.output = raw.output.value_or("");
  if (config.output == "-") { // stdout, as `-` is stdin for an input (never a file named `-`)
    config.output.clear();
  }
  check_output_not_input(command, config.inputs, config.output);
  if (raw.format == "text") {
    config.format = OutputFormat::text;
  } else if (raw.format == "json") {
    config.format = OutputFormat::json;
  } else {
    throw UsageError(fmt::format("--format: expected `text` or `json`, found `{}`", raw.format));
  }
  if (raw.color == "always") {
    config.color = true;
  } else if (raw.color == "never") {
    config.color = false;
  } else if (raw.color == "auto") {
    // no-color.org: NO_COLOR set and not empty; a `dumb` terminal shows escapes as text.
    bool no_color_set = no_color != nullptr && no_color[0] != '\0';
    bool dumb = term != nullptr && std::string_view(term) == "dumb";
    config.color = stdout_is_terminal && !no_color_set && !dumb && config.output.empty();
  } else {
    throw UsageError(
        fmt::format("--color: expected `auto`, `always` or `never`, found `{}`", raw.color));
  }
  if (config.format == OutputFormat::json) {
    config.color = false;
  }
  if (raw.input_format) {
    config.parse.format = format_from_name(*raw.input_format);
    if (!config.parse.format) {
      std::string names;
      for (Format format : all_formats()) {
        names += fmt::format("{}{}", names.empty() ? "" : ", ", format_name(format));
      }
      throw UsageError(
          fmt::format("--input-format: unknown format `{}` (known: {})", *raw.input_format, names));
    }
  }
  // `default` or `strict`, then `,labels` or nothing: `labels` alone, a part twice or in another
  // order would leave the reader unsure which key ran.
  size_t comma = raw.key.find(',');
  std::string base = raw.key.substr(0, comma);
  if ((base != "default" && base != "strict") ||
      (comma != std::string::npos && raw.key.compare(comma + 1, std::string::npos, "labels") != 0)) {
    throw UsageError(fmt::format("--key: expected `default` or `strict`, optionally with "
                                 "`,labels`, found {}",
                                 shown(raw.key)));
  }
  config.key.strict = base == "strict";
  config.key.labels = comma != std::string::npos;
  // A report keyed without labels folds them as it reads (a stack per call path, not per request
  // id); so does a snapshot unless --keep-labels (for a later `--key ...,labels`): a label per
  // request made a million stacks of a real profile, past --max-groups.
  config.parse.label_sets = config.key.labels || (command == Command::snapshot && raw.keep_labels)
                                ? LabelSets::keep
                                : LabelSets::fold;
  config.key.depth = parse_whole("--depth", raw.depth, 1, 1000);
  config.parse.threads = static_cast<unsigned>(parse_whole("--threads", raw.threads, 1, 64));
  config.parse.allow_truncated = raw.allow_truncated;
  config.parse.limits.max_input_bytes = parse_size(raw.max_input_size);
  config.parse.limits.max_groups = parse_whole("--max-groups", raw.max_groups, 1);
  config.thresholds =
      Thresholds{parse_whole("--min-new", raw.min_new, 0),
                 parse_whole("--min-delta", raw.min_delta, 0), parse_ratio(raw.min_ratio)};
  config.all = raw.all;
  config.quiet = raw.quiet;
  return config;
}

} // namespace taskdiff::cli
