// Writing results: stdout, or a file replaced atomically so an interrupted run never leaves a
// half-written report or baseline behind.
#pragma once

#include <string>
#include <string_view>

namespace taskdiff {

// Writes `content` to `path` through a temporary file in the same directory, then renames it; a
// symbolic link is followed, its target written (the link stays). Throws Error (unwritable directory, full disk...). The temporary file is removed on failure.
void write_file_atomically(const std::string& path, std::string_view content);

// Writes to stdout. A reader that went away (EPIPE: `| head`) is not an error: the verdict
// stands. Returns false on any other write error, its errno in `error`.
bool write_stdout(std::string_view content, int& error);

} // namespace taskdiff
