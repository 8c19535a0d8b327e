// Facts every report format derives the same way from a group.
#pragma once

#include <string>

#include "taskdiff/diff.hpp"
#include "taskdiff/group.hpp"

namespace taskdiff::report {

// The frame a reader recognises a group by: the first application frame, else the blocking one.
inline const ShownFrame* identifying_frame(const Group& group) {
  if (group.stack.empty()) {
    return nullptr;
  }
  return &group.stack[group.app_frame.value_or(group.blocking)];
}

inline std::string title(const Group& group) {
  if (const ShownFrame* frame = identifying_frame(group)) {
    return std::string(short_function(frame->function));
  }
  return group.thread_name.empty() ? std::string("(no frames)") : group.thread_name;
}

// What a change under the thresholds would have been past them: `new` (absent from the base) or
// `growing`; empty for other kinds.
inline std::string_view below_threshold_of(const Change& change) {
  if (change.kind != ChangeKind::below_threshold) {
    return {};
  }
  return change.base_group == nullptr ? "new" : "growing";
}

} // namespace taskdiff::report
