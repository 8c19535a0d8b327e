// JSON reports: schemas taskdiff.diff/1 and taskdiff.show/1 (docs/json-schema.md). Field names
// are an interface: add fields, never rename or remove them within a schema version.
#include <cmath>

#include <nlohmann/json.hpp>

#include "common.hpp"
#include "taskdiff/report.hpp"
#include "taskdiff/version.hpp"

namespace taskdiff {

namespace {

using nlohmann::ordered_json;

ordered_json count_json(double value) {
  // Whole numbers (a negative delta too) print as integers, per-replica averages as decimals.
  // No cast of a negative or huge double to an integer type: that is undefined behaviour.
  if (std::fabs(value) < 9.0e15 && value == std::trunc(value)) {
    return static_cast<int64_t>(value);
  }
  return value;
}

ordered_json frame_json(const ShownFrame& frame) {
  ordered_json out;
  out["function"] = frame.function;
  out["file"] = frame.file;
  out["line"] = frame.line;
  return out;
}

ordered_json group_json(const Group& group) {
  ordered_json out;
  out["title"] = report::title(group);
  out["wait"] = group.wait;
  out["wait_inferred"] = group.wait_inferred;
  out["waits"] = group.waits;
  out["max_wait_minutes"] =
      group.max_wait_minutes >= 0 ? ordered_json(group.max_wait_minutes) : ordered_json();
  out["locked_to_thread"] = group.locked_to_thread;
  out["blocking"] = group.stack.empty() ? ordered_json() : frame_json(group.stack[group.blocking]);
  out["app_frame"] = group.app_frame ? frame_json(group.stack[*group.app_frame]) : ordered_json();
  out["frames"] = group.frames;
  out["created_by"] = group.created_by ? ordered_json(group.created_by->function) : ordered_json();
  out["created_at"] = group.created_by ? frame_json(*group.created_by) : ordered_json();
  ordered_json labels = ordered_json::object();
  for (const auto& [key, value] : group.labels) {
    labels[key] = value;
  }
  out["labels"] = labels;
  out["thread_name"] = group.thread_name.empty() ? ordered_json() : ordered_json(group.thread_name);
  out["closure_variants"] = group.closure_variants;
  out["leaked"] = group.leaked;
  ordered_json stack = ordered_json::array();
  for (const auto& frame : group.stack) {
    stack.push_back(frame_json(frame));
  }
  out["stack"] = stack;
  out["key"] = group.key;
  return out;
}

ordered_json change_json(const Change& change) {
  ordered_json out;
  out["kind"] = change_kind_name(change.kind);
  out["base"] = count_json(change.base);
  out["cand"] = count_json(change.cand);
  out["delta"] = count_json(change.cand - change.base);
  std::string_view below = report::below_threshold_of(change);
  out["below_threshold"] = below.empty() ? ordered_json() : ordered_json(below);
  out["groups"] = {{"base", change.base_groups}, {"cand", change.cand_groups}};
  out.update(group_json(change.shown()));
  return out;
}

ordered_json input_json(const Snapshot& snapshot, const Grouping& groups) {
  ordered_json out;
  out["path"] = snapshot.source;
  out["format"] = format_name(snapshot.format);
  out["total"] = snapshot.total;
  out["groups"] = groups.groups.size();
  out["internal"] = groups.internal;
  out["replicas"] = snapshot.replicas;
  out["captured_at"] = snapshot.captured_at ? ordered_json(*snapshot.captured_at) : ordered_json();
  out["panic"] =
      snapshot.panic_message.empty() ? ordered_json() : ordered_json(snapshot.panic_message);
  out["leak_profile"] = snapshot.leak_profile;
  out["warnings"] = snapshot.warnings;
  return out;
}

ordered_json key_json(const KeyOptions& key) {
  ordered_json out;
  out["mode"] = key.strict ? "strict" : "default";
  out["wait"] = key.wait;
  out["created_by"] = key.created_by;
  out["labels"] = key.labels;
  out["thread_names"] = key.thread_names;
  out["hidden_frames"] = key.hidden_frames;
  out["depth"] = key.depth;
  return out;
}

ordered_json tool_json() {
  return ordered_json{{"name", "taskdiff"}, {"version", k_version}};
}

// Writes a report as `ordered_json::dump(2)` would, member by member, so that a report of a
// million groups never holds a million JSON objects at once (it held 7 GB for `show --format
// json` of a 1M-group dump): the big arrays are written one element at a time.
class JsonWriter {
public:
  explicit JsonWriter(std::ostream& out) : m_out(out) { m_out << '{'; }

  void member(std::string_view key, const ordered_json& value) {
    begin_member(key);
    write_indented(value, 1);
  }

  // An array member whose elements `make(i)` builds one at a time.
  template<class Make>
  void array_member(std::string_view key, size_t size, Make make) {
    begin_member(key);
    if (size == 0) {
      m_out << "[]";
      return;
    }
    m_out << '[';
    for (size_t i = 0; i < size; ++i) {
      m_out << (i == 0 ? "\n    " : ",\n    ");
      write_indented(make(i), 2);
    }
    m_out << "\n  ]";
  }

  void finish() { m_out << "\n}\n"; }

private:
  void begin_member(std::string_view key) {
    m_out << (m_first ? "\n  " : ",\n  ") << ordered_json(key).dump() << ": ";
    m_first = false;
  }

  // `value` dumped with an indent of 2, at nesting `depth`: each line after the first moves
  // right by 2 * depth (JSON strings hold no raw line breaks, so every '\n' is a line break).
  void write_indented(const ordered_json& value, int depth) {
    std::string text = value.dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
    std::string indent(static_cast<size_t>(2 * depth), ' ');
    size_t from = 0;
    for (size_t newline = text.find('\n'); newline != std::string::npos;
         newline = text.find('\n', from)) {
      m_out.write(text.data() + from, static_cast<std::streamsize>(newline + 1 - from));
      m_out << indent;
      from = newline + 1;
    }
    m_out.write(text.data() + from, static_cast<std::streamsize>(text.size() - from));
  }

  std::ostream& m_out;
  bool m_first = true;
};

} // namespace

void write_diff_json(std::ostream& out, const DiffReport& report) {
  JsonWriter json(out);
  json.member("schema", k_diff_schema);
  json.member("tool", tool_json());
  json.member("verdict", report.result.regression() ? "fail" : "pass");
  json.member("totals", {{"base", report.base.total}, {"cand", report.cand.total}});
  json.member("inputs", {{"base", input_json(report.base, report.base_groups)},
                         {"cand", input_json(report.cand, report.cand_groups)}});
  json.member("key", key_json(report.key));
  json.member("thresholds", {{"min_new", report.thresholds.min_new},
                             {"min_delta", report.thresholds.min_delta},
                             {"min_ratio", report.thresholds.min_ratio}});
  const auto& findings = report.result.findings;
  json.array_member("findings", findings.size(),
                    [&](size_t i) { return change_json(findings[i]); });
  const auto& changes = report.result.changes;
  json.array_member("changes", changes.size(), [&](size_t i) { return change_json(changes[i]); });
  json.member("notes", report.notes);
  json.finish();
}

void write_show_json(std::ostream& out, const ShowReport& report) {
  JsonWriter json(out);
  json.member("schema", k_show_schema);
  json.member("tool", tool_json());
  json.member("input", input_json(report.snapshot, report.groups));
  json.member("key", key_json(report.key));
  const auto& groups = report.groups.groups;
  json.array_member("groups", groups.size(), [&](size_t i) {
    ordered_json g;
    g["count"] = groups[i].count;
    g["internal"] = groups[i].internal;
    g.update(group_json(groups[i]));
    return g;
  });
  json.member("notes", report.notes);
  json.finish();
}

} // namespace taskdiff
