// Facts every report format derives the same way from a group.
#pragma once

#include <string>
#include <string_view>

#include <fmt/format.h>

#include "taskdiff/diff.hpp"
#include "taskdiff/group.hpp"
#include "taskdiff/normalize.hpp"

namespace taskdiff::report {

// The frame a reader recognises a group by: the first application frame; in a goroutine of the
// standard library's alone, its own function, the outermost frame but runtime.goexit and `go`
// wrappers (`http.(*persistConn).readLoop`,
// not the `poll.runtime_pollWait` every network wait shares); in a Java thread of the JDK's alone,
// the blocking frame (`LinkedBlockingQueue.take`, not `Thread.run`).
inline const ShownFrame* identifying_frame(const Group& group) {
  if (group.stack.empty()) {
    return nullptr;
  }
  size_t fallback = group.blocking;
  if (group.runtime == Runtime::go) {
    // Outermost, but not runtime.goexit (under every goroutine at traceback level 2) or a `go`
    // statement's wrapper: Go 1.22+ names it (`gcenable.gowrap1` over the function it starts);
    // before, level 2 prints it as a closure of the creator at the `go` line
    // (`(*Transport).dialConn.func5` over `(*persistConn).readLoop`), which the other levels hide.
    auto level2_wrapper = [&](const ShownFrame& frame) {
      const std::optional<ShownFrame>& creator = group.created_by;
      return creator && frame.line == creator->line && frame.file == creator->file &&
             frame.function.starts_with(creator->function + ".func");
    };
    fallback = group.stack.size() - 1;
    while (fallback > 0 && (group.stack[fallback].function == "runtime.goexit" ||
                            is_go_wrapper(group.stack[fallback].function) ||
                            level2_wrapper(group.stack[fallback]))) {
      --fallback;
    }
  }
  return &group.stack[group.app_frame.value_or(fallback)];
}

inline std::string title(const Group& group) {
  if (const ShownFrame* frame = identifying_frame(group)) {
    return std::string(short_function(frame->function));
  }
  return group.thread_name.empty() ? std::string("(no frames)") : group.thread_name;
}

// Names (functions, files, threads, labels) longer than this many characters are shown in text
// reports with their middle elided; JSON reports keep them whole.
constexpr size_t k_max_name_chars = 200;

// `name` with its middle replaced by `[... N characters elided ...]` when it has more than
// `max_chars` characters: a 100,000-character name (a deeply nested generic instantiation, a
// generated closure) printed in a title, a "blocks in" row and a stack line buried the report.
// The first and last 2/5 of `max_chars` are kept (package and method); cuts fall between UTF-8
// characters (counted as the bytes that do not continue one), so visible() sees whole ones. The
// marker is not Go's `[...]`, which stands for elided type arguments.
inline std::string elide_middle(std::string_view name, size_t max_chars = k_max_name_chars) {
  auto starts_char = [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; };
  size_t chars = 0;
  for (char c : name) {
    chars += starts_char(c) ? 1 : 0;
  }
  if (chars <= max_chars) {
    return std::string(name);
  }
  size_t keep = max_chars * 2 / 5;
  size_t head = 0; // bytes of the first `keep` characters
  for (size_t seen = 0; head < name.size(); ++head) {
    if (starts_char(name[head]) && seen++ == keep) {
      break;
    }
  }
  size_t tail = name.size(); // where the last `keep` characters start
  for (size_t seen = 0; tail > head && seen < keep;) {
    seen += starts_char(name[--tail]) ? 1 : 0;
  }
  return fmt::format("{}[... {} characters elided ...]{}", name.substr(0, head), chars - 2 * keep,
                     name.substr(tail));
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
