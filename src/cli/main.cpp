// taskdiff's executable: options in, library calls, report out, exit status. Every error is
// caught here, once, and printed as `FILE:LINE: message` with exit status 2.
#include <signal.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <exception>
#include <iostream>
#include <sstream>
#include <string_view>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "options.hpp"
#include "taskdiff/error.hpp"
#include "taskdiff/output.hpp"
#include "taskdiff/report.hpp"
#include "taskdiff/snapshot.hpp"

namespace taskdiff::cli {

namespace {

int status(ExitStatus status) {
  return static_cast<int>(status);
}

// Loads both inputs at once; reports every input that failed, base first.
std::pair<Snapshot, Snapshot> load_pair(const Config& config) {
  Snapshot base;
  std::exception_ptr base_error;
  std::thread base_thread([&] {
    try {
      base = load(config.inputs[0], config.parse);
    } catch (...) {
      base_error = std::current_exception();
    }
  });
  Snapshot cand;
  std::exception_ptr cand_error;
  try {
    cand = load(config.inputs[1], config.parse);
  } catch (...) {
    cand_error = std::current_exception();
  }
  base_thread.join();
  if (base_error && cand_error) {
    try {
      std::rethrow_exception(base_error);
    } catch (const Error& error) {
      std::cerr << "taskdiff: " << visible(error.what()) << '\n';
    }
    std::rethrow_exception(cand_error);
  }
  if (base_error) {
    std::rethrow_exception(base_error);
  }
  if (cand_error) {
    std::rethrow_exception(cand_error);
  }
  return {std::move(base), std::move(cand)};
}

// Warnings go to stderr, for logs and scripts, and into the report as notes. When the report
// goes to the terminal stderr shows, once is enough.
bool report_shows_warnings(const Config& config) {
  return config.output.empty() && !config.quiet && ::isatty(STDOUT_FILENO) != 0 &&
         ::isatty(STDERR_FILENO) != 0;
}

void print_warnings(const Snapshot& snapshot, bool shown_in_report) {
  if (shown_in_report) {
    return;
  }
  for (const auto& warning : snapshot.warnings) {
    std::cerr << "taskdiff: warning: " << visible(snapshot.source) << ": " << visible(warning)
              << '\n';
  }
}

std::vector<std::string> warnings_as_notes(const Snapshot& snapshot) {
  std::vector<std::string> notes;
  for (const auto& warning : snapshot.warnings) {
    notes.push_back(fmt::format("{}: {}", snapshot.source, warning));
  }
  return notes;
}

// Finishes what was written to `output`. On a stdout error (a full disk) says what was lost and
// why, and returns false; a file's error throws. `what`: the report, the snapshot, the help...
bool commit(Output& output, std::string_view what) {
  int error = 0;
  if (!output.commit(error)) {
    std::cerr << fmt::format("taskdiff: cannot write the {} to stdout: {}\n", what,
                             std::strerror(error));
    return false;
  }
  return true;
}

// Writes `content` to `path` (empty: stdout), finished as commit() does.
bool emit(const std::string& path, std::string_view content, std::string_view what) {
  Output output(path);
  output.stream().write(content.data(), static_cast<std::streamsize>(content.size()));
  return commit(output, what);
}

// A dump that shows only some goroutines says nothing of the others: no verdict, no baseline.
void require_whole(const Snapshot& snapshot, std::string_view use) {
  if (!snapshot.partial.empty()) {
    throw Error(snapshot.source, 0, fmt::format("cannot {} {}", use, snapshot.partial));
  }
}

int run_diff(const Config& config) {
  auto [base, cand] = load_pair(config);
  require_whole(base, "compare");
  require_whole(cand, "compare");
  print_warnings(base, report_shows_warnings(config));
  print_warnings(cand, report_shows_warnings(config));
  if (base.leak_profile != cand.leak_profile) {
    // Leaked goroutines only against every goroutine: each group would look new, or vanish.
    const Snapshot& leak = base.leak_profile ? base : cand;
    const Snapshot& all = base.leak_profile ? cand : base;
    throw Error(leak.source, 0,
                fmt::format("a goroutineleak profile (leaked goroutines only) cannot be compared "
                            "with {}, which lists every goroutine: compare two profiles of one "
                            "kind",
                            all.source));
  }
  if (base.runtime != cand.runtime) {
    // A Go dump against a Java one shares no group: every group would be new, or none grow.
    throw Error(cand.source, 0,
                fmt::format("a {} dump ({}) cannot be compared with the {} dump {} ({}): give "
                            "the baseline and the candidate of one service",
                            runtime_name(cand.runtime), format_name(cand.format),
                            runtime_name(base.runtime), base.source, format_name(base.format)));
  }
  // jstack cannot list virtual threads: those of the other side would vanish, or all be new.
  // (A snapshot mixing both kinds of dump lists some, and lacks the fact.)
  for (const auto& [lists, cannot] : {std::pair<const Snapshot&, const Snapshot&>{base, cand},
                                      std::pair<const Snapshot&, const Snapshot&>{cand, base}}) {
    if (lists.virtual_threads != 0 && !cannot.facts.virtual_threads) {
      std::string kind = cannot.format == Format::java ? std::string("a jstack or jcmd "
                                                                     "Thread.print dump")
                                                       : fmt::format("a {} input",
                                                                     format_name(cannot.format));
      throw Error(cannot.source, 0,
                  fmt::format("{} lists {} virtual threads (Thread.dump_to_file), which {} "
                              "cannot show: their leaks would go unseen, or every one look new; "
                              "compare two `jcmd PID Thread.dump_to_file` dumps",
                              lists.source, lists.virtual_threads, kind));
    }
  }
  std::vector<std::string> notes;
  KeyOptions key = shared_key(config.key, base.facts, cand.facts, notes);
  Grouping base_groups = group(base, key);
  Grouping cand_groups = group(cand, key);
  // A level-2 traceback against another level: the compiler's wrappers are printed by one side
  // only.
  DiffResult result = diff(base_groups, cand_groups, config.thresholds, base.replicas,
                           cand.replicas, wrapper_side(base, cand));
  if (result.unavailable_taken > 0) {
    notes.push_back(fmt::format(
        "the baseline's traceback shows {} goroutine{} running on other threads with no stack "
        "(`stack unavailable`): {} of the candidate's running or runnable goroutines {} taken "
        "for {}, not counted as growth",
        result.base_unavailable, result.base_unavailable == 1 ? "" : "s", result.unavailable_taken,
        result.unavailable_taken == 1 ? "was" : "were",
        result.base_unavailable == 1 ? "it" : "them"));
  }
  if (base.replicas != cand.replicas) {
    notes.push_back(fmt::format("counts are per replica: base merges {} dumps, cand {}",
                                base.replicas, cand.replicas));
  }
  for (const auto* snapshot : {&base, &cand}) {
    for (auto& note : warnings_as_notes(*snapshot)) {
      notes.push_back(std::move(note));
    }
  }
  ExitStatus verdict = result.regression() ? ExitStatus::regression : ExitStatus::no_regression;
  if (config.quiet && config.output.empty()) {
    return status(verdict);
  }
  DiffReport report{base,   cand, base_groups,       cand_groups,
                    result, key,  config.thresholds, std::move(notes)};
  Output output(config.output); // written as made: a report of 160,000 groups is 270 MB of JSON
  if (config.format == OutputFormat::json) {
    write_diff_json(output.stream(), report);
  } else {
    write_diff_text(output.stream(), report, TextStyle{config.color, false});
  }
  return commit(output, "report") ? status(verdict) : status(ExitStatus::trouble);
}

int run_show(const Config& config) {
  Snapshot snapshot = load(config.inputs[0], config.parse);
  print_warnings(snapshot, report_shows_warnings(config));
  std::vector<std::string> notes = warnings_as_notes(snapshot);
  KeyOptions key = config.key;
  key.wait = snapshot.facts.wait;
  key.created_by = snapshot.facts.created_by;
  key.labels = key.labels && snapshot.facts.labels;
  key.thread_names = snapshot.facts.thread_names;
  key.hidden_frames = snapshot.facts.hidden_frames;
  key.diff_shapes = false;
  Grouping groups = group(snapshot, key);
  ShowReport report{snapshot, groups, key, std::move(notes)};
  Output output(config.output);
  if (config.format == OutputFormat::json) {
    write_show_json(output.stream(), report);
  } else {
    write_show_text(output.stream(), report, TextStyle{config.color, config.all});
  }
  return commit(output, "report") ? status(ExitStatus::no_regression) : status(ExitStatus::trouble);
}

// Several dumps are replicas of one service: merged into one snapshot.
int run_snapshot(const Config& config) {
  std::vector<Snapshot> dumps;
  dumps.reserve(config.inputs.size());
  for (const auto& path : config.inputs) {
    dumps.push_back(load(path, config.parse));
    require_whole(dumps.back(), "make a snapshot of");
    print_warnings(dumps.back(), false); // a snapshot is no report
    if (config.parse.label_sets == LabelSets::fold) {
      // Label sets folded as read: a later `--key ...,labels` must say this side carries none.
      dumps.back().facts.labels = false;
    }
  }
  Snapshot merged = merge_snapshots(std::move(dumps), config.parse.limits);
  std::ostringstream out;
  write_snapshot(out, merged);
  bool gzipped =
      config.output.size() > 3 && config.output.compare(config.output.size() - 3, 3, ".gz") == 0;
  return emit(config.output, gzipped ? gzip_compress(out.str()) : std::move(out).str(), "snapshot")
             ? status(ExitStatus::no_regression)
             : status(ExitStatus::trouble);
}

struct FormatHelp {
  std::string_view description;
  std::string_view capture;
};

// A switch without default: a new Format does not compile quietly without its line here.
FormatHelp format_help(Format format) {
  switch (format) {
  case Format::go_debug2:
    return {"Go goroutine dump: every goroutine with its wait state and creator",
            "curl -s 'localhost:6060/debug/pprof/goroutine?debug=2' > dump.txt"};
  case Format::go_traceback:
    return {"Go crash or SIGQUIT traceback, also inside log text",
            "kill -QUIT PID   # the dump goes to the process's stderr (GOTRACEBACK=all)"};
  case Format::go_debug1:
    return {"Go goroutine profile as text: counted stacks and labels, no wait states",
            "curl -s 'localhost:6060/debug/pprof/goroutine?debug=1' > dump.txt"};
  case Format::pprof:
    return {"Go goroutine profile, protobuf (gzipped; raw with --input-format pprof)",
            "curl -s 'localhost:6060/debug/pprof/goroutine' > dump.pb.gz"};
  case Format::java:
    return {"Java thread dump: jstack, jcmd Thread.print, SIGQUIT on the JVM's stdout",
            "jcmd PID Thread.print > dump.txt"};
  case Format::java_threads_text:
    return {"Java 21+ thread dump with virtual threads, text",
            "jcmd PID Thread.dump_to_file dump.txt"};
  case Format::java_threads_json:
    return {"Java 21+ thread dump with virtual threads, JSON",
            "jcmd PID Thread.dump_to_file -format=json dump.json"};
  case Format::snapshot:
    return {"A stored baseline (taskdiff.snapshot/1), one dump or several replicas merged",
            "taskdiff snapshot dump.txt -o base.json"};
  case Format::tasks_json:
    return {"Generic JSON tasks (taskdiff.tasks/1) from any runtime or script: docs/tasks-json.md",
            "my-service --dump-tasks > tasks.json"};
  }
  return {};
}

int run_formats(const Config& config) {
  std::string out;
  if (config.format == OutputFormat::json) {
    nlohmann::ordered_json doc;
    doc["schema"] = "taskdiff.formats/1";
    doc["formats"] = nlohmann::ordered_json::array();
    for (Format format : all_formats()) {
      FormatHelp help = format_help(format);
      Facts facts = format_facts(format);
      // A snapshot or task list carries what its producer put in: what one may carry.
      bool per_file = format == Format::snapshot || format == Format::tasks_json;
      if (per_file) {
        facts.thread_names = true;
        facts.hidden_frames = facts.virtual_threads = format == Format::snapshot;
      }
      nlohmann::ordered_json entry;
      entry["name"] = format_name(format);
      entry["description"] = help.description;
      entry["capture"] = help.capture;
      entry["facts"] = {{"wait", facts.wait},
                        {"created_by", facts.created_by},
                        {"labels", facts.labels},
                        {"thread_names", facts.thread_names},
                        {"hidden_frames", facts.hidden_frames},
                        {"virtual_threads", facts.virtual_threads}};
      entry["facts_per_file"] = per_file;
      doc["formats"].push_back(entry);
    }
    out = doc.dump(2) + "\n";
  } else {
    for (Format format : all_formats()) {
      FormatHelp help = format_help(format);
      out += fmt::format("{:<18} {}\n{:<18} $ {}\n", format_name(format), help.description, "",
                         help.capture);
    }
  }
  return emit(config.output, out, "format list") ? status(ExitStatus::no_regression)
                                                 : status(ExitStatus::trouble);
}

// A mistake in the command line, from CLI11 or validate(): the message, then where the options
// are described (`command` is empty when no command was recognised).
int usage_error(std::string_view message, const std::string& command) {
  std::cerr << "taskdiff: " << visible(message) << "\nRun `taskdiff " << command
            << (command.empty() ? "" : " ") << "--help` for more.\n";
  return status(ExitStatus::trouble);
}

// The command CLI11 recognised, also when it stopped at an error after it; empty when none.
std::string parsed_command(const CLI::App& app) {
  auto parsed = app.get_subcommands();
  return parsed.empty() ? "" : parsed.front()->get_name();
}

// When no command was recognised CLI11 says only "A subcommand is required": name what was
// found instead, and the commands.
std::string no_command_message(const CLI::App& app, const std::vector<char*>& args) {
  std::string commands;
  for (const auto* sub : app.get_subcommands(nullptr)) {
    commands += fmt::format("{}{}", commands.empty() ? "" : ", ", sub->get_name());
  }
  if (args.size() < 2) {
    return fmt::format("expected a command: {}", commands);
  }
  if (args[1][0] == '-') {
    return fmt::format("expected a command ({}), found `{}`", commands, args[1]);
  }
  std::vector<std::string> names;
  for (const auto* sub : app.get_subcommands(nullptr)) {
    names.push_back(sub->get_name());
  }
  names.push_back("help");
  std::optional<std::string> guess = closest_name(args[1], names);
  return fmt::format("unknown command `{}`{} (commands: {})", args[1],
                     guess ? fmt::format("; did you mean `{}`?", *guess) : "", commands);
}

int run(int argc, char** argv) {
  CLI::App app{"taskdiff"};
  app.name("taskdiff");
  RawOptions raw;
  define_options(app, raw);
  // `--min-new=` (an empty value) is `--min-new ""`: CLI11 would take the next argument as the
  // value (`--min-new= 1000 BASE CAND` ran with 1000), where validate() refuses an empty one.
  std::vector<std::string> owned;
  owned.reserve(static_cast<size_t>(argc) * 2);
  for (int i = 0; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "--") {
      owned.insert(owned.end(), argv + i, argv + argc);
      break;
    }
    if (arg.size() > 3 && arg.substr(0, 2) == "--" && arg.back() == '=') {
      owned.emplace_back(arg.substr(0, arg.size() - 1));
      owned.emplace_back();
    } else {
      owned.emplace_back(arg);
    }
  }
  // `taskdiff help [COMMAND]` is `taskdiff [COMMAND] --help`.
  std::vector<char*> args;
  for (auto& arg : owned) {
    args.push_back(arg.data());
  }
  char help_flag[] = "--help";
  if (args.size() > 1 && std::string_view(args[1]) == "help") {
    if (args.size() > 3) { // `taskdiff help diff show` printed diff's help, `show` unread
      std::string extra;
      for (size_t i = 3; i < args.size(); ++i) {
        extra += fmt::format("{}`{}`", extra.empty() ? "" : ", ", args[i]);
      }
      return usage_error(fmt::format("help takes one COMMAND, found {} after `{}`", extra, args[2]),
                         "");
    }
    if (args.size() == 3 && args[2][0] == '-') { // `taskdiff help --min-new`
      return usage_error(fmt::format("help takes a COMMAND, found the option `{}`: run `taskdiff "
                                     "COMMAND --help` and look for it there, or `man taskdiff`",
                                     args[2]),
                         "");
    }
    args.erase(args.begin() + 1);
    args.push_back(help_flag);
  }
  try {
    app.parse(static_cast<int>(args.size()), args.data());
  } catch (const CLI::ParseError& error) {
    std::string command = parsed_command(app);
    // Also `taskdiff bogus --help`: CLI11 would print the help, the word after `taskdiff` unread.
    bool stray_word = command.empty() && args.size() > 1 && args[1][0] != '-';
    if (error.get_exit_code() == 0 && !stray_word) {
      // --help, --version: to stdout, and a failed write is trouble as for a report.
      std::ostringstream text;
      app.exit(error, text);
      bool version = dynamic_cast<const CLI::CallForVersion*>(&error) != nullptr;
      return emit("", text.str(), version ? "version" : "help") ? status(ExitStatus::no_regression)
                                                                : status(ExitStatus::trouble);
    }
    return usage_error(
        command.empty() ? no_command_message(app, args) : usage_message(app, error, raw), command);
  }
  Command command = chosen_command(app);
  Config config;
  try {
    config = validate(command, raw, ::isatty(STDOUT_FILENO) != 0, std::getenv("NO_COLOR"),
                      std::getenv("TERM"));
  } catch (const UsageError& error) {
    return usage_error(error.what(), parsed_command(app));
  }
  switch (command) {
  case Command::diff: return run_diff(config);
  case Command::show: return run_show(config);
  case Command::snapshot: return run_snapshot(config);
  case Command::formats: return run_formats(config);
  default: return status(ExitStatus::trouble);
  }
}

} // namespace

} // namespace taskdiff::cli

int main(int argc, char** argv) {
  // A closed pipe must not kill a gate: the write fails with EPIPE and the verdict stands.
  ::signal(SIGPIPE, SIG_IGN);
  try {
    return taskdiff::cli::run(argc, argv);
  } catch (const taskdiff::Error& error) {
    std::cerr << "taskdiff: " << taskdiff::visible(error.what()) << '\n';
  } catch (const std::bad_alloc&) {
    std::cerr
        << "taskdiff: out of memory; the inputs hold too many distinct stacks (see --max-groups)\n";
  } catch (const std::exception& error) {
    std::cerr << "taskdiff: internal error: " << error.what() << '\n';
  }
  return static_cast<int>(taskdiff::ExitStatus::trouble);
}
