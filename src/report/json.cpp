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
  out["max_wait_minutes"] = group.max_wait_minutes >= 0 ? ordered_json(group.max_wait_minutes) : ordered_json();
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
  out["panic"] = snapshot.panic_message.empty() ? ordered_json() : ordered_json(snapshot.panic_message);
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
  out["depth"] = key.depth;
  return out;
}

ordered_json tool_json() {
  return ordered_json{{"name", "taskdiff"}, {"version", k_version}};
}

} // namespace

void write_diff_json(std::ostream& out, const DiffReport& report) {
  ordered_json doc;
  doc["schema"] = k_diff_schema;
  doc["tool"] = tool_json();
  doc["verdict"] = report.result.regression() ? "fail" : "pass";
  doc["totals"] = {{"base", report.base.total}, {"cand", report.cand.total}};
  doc["inputs"] = {{"base", input_json(report.base, report.base_groups)},
                   {"cand", input_json(report.cand, report.cand_groups)}};
  doc["key"] = key_json(report.key);
  doc["thresholds"] = {{"min_new", report.thresholds.min_new},
                       {"min_delta", report.thresholds.min_delta},
                       {"min_ratio", report.thresholds.min_ratio}};
  ordered_json findings = ordered_json::array();
  for (const auto& change : report.result.findings) {
    findings.push_back(change_json(change));
  }
  doc["findings"] = findings;
  ordered_json changes = ordered_json::array();
  for (const auto& change : report.result.changes) {
    changes.push_back(change_json(change));
  }
  doc["changes"] = changes;
  doc["notes"] = report.notes;
  out << doc.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
}

void write_show_json(std::ostream& out, const ShowReport& report) {
  ordered_json doc;
  doc["schema"] = k_show_schema;
  doc["tool"] = tool_json();
  doc["input"] = input_json(report.snapshot, report.groups);
  doc["key"] = key_json(report.key);
  ordered_json groups = ordered_json::array();
  for (const auto& group : report.groups.groups) {
    ordered_json g;
    g["count"] = group.count;
    g["internal"] = group.internal;
    g.update(group_json(group));
    groups.push_back(g);
  }
  doc["groups"] = groups;
  doc["notes"] = report.notes;
  out << doc.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
}

} // namespace taskdiff
