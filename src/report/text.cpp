// Text reports for people: one block per finding, worst first, then the rest in one line each.
// Every string that comes from an input is written through visible(), never raw; names through
// name_text(), their middle elided when very long.
#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "common.hpp"
#include "taskdiff/error.hpp"
#include "taskdiff/report.hpp"

namespace taskdiff {

namespace {

struct Paint {
  bool on;
  std::string operator()(std::string_view text, std::string_view code) const {
    if (!on) {
      return std::string(text);
    }
    return fmt::format("\033[{}m{}\033[0m", code, text);
  }
  std::string bold(std::string_view t) const { return (*this)(t, "1"); }
  std::string red(std::string_view t) const { return (*this)(t, "1;31"); }
  std::string yellow(std::string_view t) const { return (*this)(t, "1;33"); }
  std::string green(std::string_view t) const { return (*this)(t, "1;32"); }
  std::string dim(std::string_view t) const { return (*this)(t, "2"); }
};

// A name from the input as the text report shows it: its middle elided past
// report::k_max_name_chars, never written raw.
std::string name_text(std::string_view name) {
  return visible(report::elide_middle(name));
}

std::string title_text(const Group& group) {
  return name_text(report::title(group));
}

std::string count_text(double value) {
  // No cast of a huge double to an integer type: that is undefined behaviour.
  if (value < 9.0e15 && value == std::trunc(value)) {
    return fmt::format("{}", static_cast<uint64_t>(value));
  }
  return fmt::format("{:.1f}", value);
}

std::string location(const ShownFrame& frame) {
  if (frame.file.empty()) {
    return {};
  }
  std::string file = name_text(frame.file);
  return frame.line > 0 ? fmt::format("{}:{}", file, frame.line) : file;
}

std::string wait_text(const Group& group) {
  std::string text = group.wait.empty() ? std::string("wait unknown") : visible(group.wait);
  if (group.wait_inferred) {
    text += " (inferred)";
  }
  if (group.waits.size() > 1) {
    text += fmt::format(" (+{} other wait states)", group.waits.size() - 1);
  }
  if (group.max_wait_minutes >= 0) {
    text += fmt::format(", longest {} minute{}", group.max_wait_minutes,
                        group.max_wait_minutes == 1 ? "" : "s");
  }
  if (group.locked_to_thread) {
    text += ", locked to thread";
  }
  return text;
}

void write_frame_row(std::ostream& out, const Paint& paint, std::string_view label,
                     const ShownFrame& frame) {
  out << fmt::format("  {:<11} {}\n", label, name_text(frame.function));
  if (std::string where = location(frame); !where.empty()) {
    out << fmt::format("  {:<11} {}\n", "", paint.dim(where));
  }
}

void write_group_details(std::ostream& out, const Group& group, const TextStyle& style,
                         const Paint& paint) {
  if (!group.stack.empty()) {
    write_frame_row(out, paint, "blocks in", group.stack[group.blocking]);
    if (group.app_frame && *group.app_frame != group.blocking) {
      write_frame_row(out, paint, "app frame", group.stack[*group.app_frame]);
    } else if (!group.app_frame) {
      out << fmt::format("  {:<11} {}\n", "app frame", paint.dim("none (standard library only)"));
    }
  }
  if (group.created_by) {
    write_frame_row(out, paint, "created by", *group.created_by);
  }
  if (group.closure_variants > 1) {
    out << fmt::format("  {:<11} {} closures (or lambdas) alike but for their numbers, counted "
                       "together; --key strict tells them apart\n",
                       "folds", group.closure_variants);
  }
  if (!group.thread_name.empty()) {
    out << fmt::format("  {:<11} {}\n", "threads", name_text(group.thread_name));
  }
  if (!group.labels.empty()) {
    std::string labels;
    for (const auto& [key, value] : group.labels) {
      labels +=
          fmt::format("{}{}={}", labels.empty() ? "" : ", ", name_text(key), name_text(value));
    }
    out << fmt::format("  {:<11} {}\n", "labels", labels);
  }
  if (group.leaked) {
    out << fmt::format("  {:<11} {}\n", "leaked", "yes: listed by the goroutineleak profile");
  }
  size_t shown = std::min(group.stack.size(), style.max_stack);
  for (size_t i = 0; i < shown; ++i) {
    const ShownFrame& frame = group.stack[i];
    std::string where = location(frame);
    out << fmt::format("  {:<11} {}{}\n", i == 0 ? "stack" : "", name_text(frame.function),
                       where.empty()
                           ? ""
                           : "  " + paint.dim(name_text(base_name(frame.file)) +
                                              (frame.line ? fmt::format(":{}", frame.line) : "")));
  }
  if (group.stack.size() > shown) {
    out << fmt::format("  {:<11} {}\n", "",
                       paint.dim(fmt::format("... {} more frames", group.stack.size() - shown)));
  }
}

void write_notes(std::ostream& out, const std::vector<std::string>& notes, const Paint& paint) {
  for (const auto& note : notes) {
    out << paint.dim("note: ") << visible(note) << '\n'; // notes quote inputs and their names
  }
}

// What `count` tasks of a runtime are called.
std::string_view tasks_noun(Runtime runtime, uint64_t count = 2) {
  bool one = count == 1;
  switch (runtime) {
  case Runtime::go: return one ? "goroutine" : "goroutines";
  case Runtime::java: return one ? "thread" : "threads";
  case Runtime::other: return one ? "task" : "tasks";
  }
  return "tasks";
}

std::string input_line(const Snapshot& snapshot, const Grouping& groups) {
  std::string text = fmt::format("{} ({}", visible(snapshot.source), format_name(snapshot.format));
  if (snapshot.replicas > 1) {
    text += fmt::format(", {} replicas", snapshot.replicas);
  }
  text += fmt::format("): {} {} in {} group{}", snapshot.total,
                      tasks_noun(snapshot.runtime, snapshot.total), groups.groups.size(),
                      groups.groups.size() == 1 ? "" : "s");
  if (!snapshot.panic_message.empty()) {
    std::string_view first = snapshot.panic_message;
    first = first.substr(0, first.find('\n'));
    text += fmt::format("; crash: {}", visible(first));
  }
  return text;
}

// `>= 50%` for a --min-ratio of 0.5: plain digits, never an exponent (`1e+08%`), at most four
// significant ones and six decimals; a ratio too small to show is any growth in effect: `> 0%`.
std::string ratio_text(double ratio) {
  double percent = ratio * 100;
  int decimals = percent > 0 ? 3 - static_cast<int>(std::floor(std::log10(percent))) : 0;
  std::string text = fmt::format("{:.{}f}", percent, std::clamp(decimals, 0, 6));
  if (text.find('.') != std::string::npos) {
    text.erase(text.find_last_not_of('0') + 1);
    if (text.back() == '.') {
      text.pop_back();
    }
  }
  if (text == "0" && percent > 0) {
    return "> 0%";
  }
  return fmt::format(">= {}%", text);
}

// What tells row `i` of "Other changes" from the rows that read the same (two `[IO wait]
// poll.runtime_pollWait` groups): its creator when theirs differ, else the first frame from the
// leaf where its stack and theirs part. Empty when no other row reads the same.
std::string told_apart(const std::vector<Change>& changes, const std::vector<std::string>& rows,
                       size_t i) {
  const Group& group = changes[i].shown();
  std::vector<const Group*> twins;
  for (size_t j = 0; j < changes.size(); ++j) {
    if (j != i && rows[j] == rows[i]) {
      twins.push_back(&changes[j].shown());
    }
  }
  if (twins.empty()) {
    return {};
  }
  auto creator = [](const Group& g) {
    return g.created_by ? std::string(short_function(g.created_by->function)) : std::string();
  };
  bool creators_differ = false;
  for (const Group* twin : twins) {
    creators_differ = creators_differ || creator(*twin) != creator(group);
  }
  if (creators_differ) {
    return group.created_by ? "created by " + name_text(creator(group)) : "no creator";
  }
  for (size_t k = 0; k < group.stack.size(); ++k) {
    for (const Group* twin : twins) {
      if (k >= twin->stack.size() || twin->stack[k].function != group.stack[k].function) {
        return "via " + name_text(short_function(group.stack[k].function));
      }
    }
  }
  return {};
}

} // namespace

void write_diff_text(std::ostream& out, const DiffReport& report, const TextStyle& style) {
  Paint paint{style.color};
  const auto& findings = report.result.findings;
  size_t new_groups = 0;
  for (const auto& change : findings) {
    new_groups += change.kind == ChangeKind::new_group ? 1 : 0;
  }
  Runtime runtime =
      report.base.runtime == report.cand.runtime ? report.base.runtime : Runtime::other;
  std::string totals;
  if (report.base.replicas == report.cand.replicas) {
    uint64_t base = report.base.total;
    uint64_t cand = report.cand.total;
    totals = fmt::format("{} {} -> {} ({}{})", tasks_noun(runtime), base, cand,
                         cand >= base ? "+" : "-", cand >= base ? cand - base : base - cand);
  } else {
    // The sides merge different numbers of replicas: per replica, as the groups' counts are (a
    // base of 15 replicas summed would read as a drop).
    double base = static_cast<double>(report.base.total) / report.base.replicas;
    double cand = static_cast<double>(report.cand.total) / report.cand.replicas;
    totals = fmt::format("{} {} -> {} ({}{}) per replica", tasks_noun(runtime), count_text(base),
                         count_text(cand), cand >= base ? "+" : "-",
                         count_text(cand >= base ? cand - base : base - cand));
  }
  bool below_threshold = false;
  for (const auto& change : report.result.changes) {
    below_threshold = below_threshold || change.kind == ChangeKind::below_threshold;
  }
  if (findings.empty()) {
    // "no new or growing group" above a list of new and growing groups read as a contradiction.
    out << paint.green("PASS")
        << fmt::format(": no new or growing group{}; {}\n",
                       below_threshold ? " past the thresholds" : "", totals);
  } else {
    out << paint.red("FAIL")
        << fmt::format(": {} new and {} growing group{}; {}\n", new_groups,
                       findings.size() - new_groups, findings.size() - new_groups == 1 ? "" : "s",
                       totals);
  }
  out << fmt::format("  base  {}\n", input_line(report.base, report.base_groups));
  out << fmt::format("  cand  {}\n", input_line(report.cand, report.cand_groups));

  for (const auto& change : findings) {
    const Group& group = change.shown();
    out << '\n';
    std::string kind =
        change.kind == ChangeKind::new_group ? paint.red("NEW") : paint.yellow("GROWING");
    // Java: which threads, when the title does not say (`pool-N-thread-M` parked in take).
    std::string title = title_text(group);
    std::string threads = name_text(group.thread_name);
    std::string who = threads.empty() || threads == title ? "" : " (" + threads + ")";
    out << fmt::format("{} {}{}  {} -> {}  [{}]\n", kind, paint.bold(title), who,
                       count_text(change.base), count_text(change.cand), wait_text(group));
    if (change.base_groups > 1 || change.cand_groups > 1) {
      out << fmt::format("  {:<11} {} groups in base, {} in cand, counted together: one stack "
                         "that the inputs split differently (other label sets, or frames one "
                         "traceback level prints and the other does not); the largest is shown\n",
                         "sums", change.base_groups, change.cand_groups);
    }
    write_group_details(out, group, style, paint);
  }

  if (!report.result.changes.empty()) {
    out << '\n' << "Other changes (information, not regressions):\n";
    const auto& changes = report.result.changes;
    std::vector<std::string> kinds;
    std::vector<std::string> rows;
    size_t kind_width = 15;
    for (const auto& change : changes) {
      const Group& group = change.shown();
      std::string_view below = report::below_threshold_of(change);
      kinds.push_back(below.empty() ? std::string(change_kind_name(change.kind))
                                    : fmt::format("{}, below threshold", below));
      kind_width = std::max(kind_width, kinds.back().size());
      std::string title = title_text(group);
      std::string threads = name_text(group.thread_name);
      // Java: which threads, when the title does not say (`report-worker-N` parked in take).
      std::string who = threads.empty() || threads == title ? "" : "  (" + threads + ")";
      rows.push_back(fmt::format("[{}] {}{}",
                                 group.wait.empty()    ? std::string("?")
                                 : group.wait_inferred ? visible(group.wait) + " (inferred)"
                                                       : visible(group.wait),
                                 title, who));
    }
    for (size_t i = 0; i < changes.size(); ++i) {
      std::string told = told_apart(changes, rows, i);
      if (changes[i].base_groups > 1 || changes[i].cand_groups > 1) {
        // Several groups counted together (see the `sums` line of a finding).
        told += fmt::format("{}sums {} groups in base, {} in cand", told.empty() ? "" : "; ",
                            changes[i].base_groups, changes[i].cand_groups);
      }
      out << fmt::format("  {:<{}} {:>6} -> {:<6} {}{}\n", kinds[i], kind_width,
                         count_text(changes[i].base), count_text(changes[i].cand), rows[i],
                         told.empty() ? "" : "  " + paint.dim("(" + told + ")"));
    }
  }
  out << '\n'
      << paint.dim(fmt::format("thresholds: new >= {}, growing by >= {} and {} "
                               "(--min-new, --min-delta, --min-ratio)",
                               report.thresholds.min_new, report.thresholds.min_delta,
                               ratio_text(report.thresholds.min_ratio)))
      << '\n';
  write_notes(out, report.notes, paint);
}

void write_show_text(std::ostream& out, const ShowReport& report, const TextStyle& style) {
  Paint paint{style.color};
  out << paint.bold(input_line(report.snapshot, report.groups)) << '\n';
  if (!report.snapshot.panic_message.empty()) {
    out << paint.dim("crash message:") << '\n';
    std::string_view message = report.snapshot.panic_message;
    while (!message.empty()) {
      size_t nl = message.find('\n');
      out << "  " << visible(message.substr(0, nl)) << '\n';
      message = nl == std::string_view::npos ? std::string_view{} : message.substr(nl + 1);
    }
  }
  size_t hidden = 0;
  for (const auto& group : report.groups.groups) {
    if (group.internal && !style.all) {
      ++hidden;
      continue;
    }
    out << '\n';
    out << fmt::format("{:>7}  {}  [{}]{}\n", group.count, paint.bold(title_text(group)),
                       wait_text(group), group.internal ? paint.dim("  (runtime/internal)") : "");
    write_group_details(out, group, style, paint);
  }
  if (hidden > 0) {
    out << '\n'
        << paint.dim(fmt::format("{} {} in {} runtime or internal group{} not shown (--all "
                                 "shows them)",
                                 report.groups.internal,
                                 tasks_noun(report.snapshot.runtime, report.groups.internal),
                                 hidden, hidden == 1 ? "" : "s"))
        << '\n';
  }
  write_notes(out, report.notes, paint);
}

} // namespace taskdiff
