// Hard limits on hostile input. Each is enforced with a message naming the limit and the option
// that raises it; README "Limits" and --help list them.
#pragma once

#include <cstddef>
#include <cstdint>

namespace taskdiff {

struct Limits {
  // Bytes read from one input after decompression (`--max-input-size`).
  uint64_t max_input_bytes = uint64_t{16} << 30;
  // Longest line accepted; longer is an error, not a silent cut.
  size_t max_line_bytes = size_t{4} << 20;
  // Frames in one goroutine, thread or task.
  size_t max_frames = 10000;
  // Distinct stacks in one input (`--max-groups`): memory grows with these.
  size_t max_groups = 1000000;
};

} // namespace taskdiff
