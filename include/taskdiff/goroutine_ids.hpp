// The goroutine ids of one Go text dump, to find a goroutine listed twice: a dump lists each
// goroutine once, and a repeated record (a log shipper sending a chunk again, an edit) would be
// counted twice: growth in a candidate, or cover for a leak in a baseline.
//
// Kept as 4 bytes a goroutine (ids past 2^32, rare, as 8) and checked once, after the parse: in
// a bitmap over the ids' span when they are dense (goroutine ids are handed out in order, so a
// large dump's usually are), else sorted. 4 MB and a millisecond or two for a million
// goroutines, less than a hash set's probes as the goroutines are read. (A debug=2 dump is at
// most 64 MiB, some 150,000 goroutines; crash output has no limit.)
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

namespace taskdiff {

class GoroutineIds {
public:
  void add(uint64_t id) {
    if (id <= UINT32_MAX) {
      auto small = static_cast<uint32_t>(id);
      m_small.push_back(small);
      m_low = small < m_low ? small : m_low;
      m_high = small > m_high ? small : m_high;
    } else {
      m_large.push_back(id);
    }
  }

  struct Repeat {
    uint64_t id = 0;
    uint64_t times = 0;
  };
  // The smallest id listed more than once in `sets` (a parse's, one per thread), and how often;
  // nullopt when each is listed once. Sorts the sets it needs sorted.
  static std::optional<Repeat> repeated(const std::vector<GoroutineIds*>& sets);

private:
  std::vector<uint32_t> m_small;
  std::vector<uint64_t> m_large;
  uint32_t m_low = UINT32_MAX; // of m_small
  uint32_t m_high = 0;
};

} // namespace taskdiff
