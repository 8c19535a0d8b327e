// Go's quoted strings as pprof labels print them (strconv.Quote's `%q`): debug=1's `# labels:`
// lines and, from Go 1.26 (GODEBUG=tracebacklabels), the `labels:{...}` of a traceback header.
#pragma once

#include <string>
#include <string_view>

namespace taskdiff {

// A Go %q string (strconv.Quote: what pprof writes label keys and values with) at the start of
// `text`, decoded exactly as strconv.Unquote decodes it, so that labels compare equal to the
// protobuf profile's raw bytes (`\xff`, `\u200b`, `\x01` alike). Moves `text` past it. Returns
// false on a malformed one; `bad_escape` is then the escape Go would refuse, if that was why.
bool read_quoted(std::string_view& text, std::string& out, std::string_view& bad_escape);

} // namespace taskdiff
