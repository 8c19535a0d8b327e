// The goroutine ids of one Go text dump, to find a goroutine listed twice: a dump lists each
// goroutine once, and a repeated record (a log shipper sending a chunk again, an edit) would be
// counted twice: growth in a candidate, or cover for a leak in a baseline.
//
// Marked in a bitmap of 4 KiB pages (32,768 ids each), made as ids reach them: goroutine ids are
// handed out in order, so a large dump's are dense, and a million goroutines take a few hundred
// KiB and a test-and-set each. Ids too sparse for that (pages costing more than the ids would as
// numbers: a long-running process with few goroutines left of many made) or past 2^32 are kept
// as numbers and sorted at the end instead. Each thread of a split parse marks its own; repeated()
// compares them.
#pragma once

#include <absl/container/flat_hash_set.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

namespace taskdiff {

class GoroutineIds {
public:
  void add(uint64_t id) {
    if (id < k_paged_limit && !m_sparse) {
      uint64_t* page =
          id >> k_page_bits < m_pages.size() ? m_pages[id >> k_page_bits].get() : nullptr;
      if (page == nullptr) {
        page = make_page(id);
      }
      if (page != nullptr) {
        uint64_t& word = page[(id & k_page_mask) / 64];
        uint64_t bit = uint64_t{1} << (id % 64);
        if ((word & bit) != 0) {
          m_repeats.push_back(id);
        }
        word |= bit;
        ++m_count;
        return;
      }
    }
    add_number(id);
  }

  // Whether `id` was added. Ids kept as numbers are looked up in a hash set made at the first
  // lookup and kept up to date after it: a parse that never asks (debug=2) pays nothing.
  bool contains(uint64_t id);

  struct Repeat {
    uint64_t id = 0;
    uint64_t times = 0;
  };
  // The smallest id listed more than once in `sets` (a parse's, one per thread), and how often;
  // nullopt when each is listed once.
  static std::optional<Repeat> repeated(const std::vector<GoroutineIds*>& sets);

private:
  static constexpr int k_page_bits = 15;
  static constexpr uint64_t k_page_mask = (uint64_t{1} << k_page_bits) - 1;
  static constexpr uint64_t k_page_words = (uint64_t{1} << k_page_bits) / 64;
  static constexpr uint64_t k_paged_limit = uint64_t{1} << 32;

  uint64_t* make_page(uint64_t id); // null once the ids are found sparse (then numbers)
  void add_number(uint64_t id);
  void to_numbers(); // from pages to numbers, repeats included

  std::vector<std::unique_ptr<uint64_t[]>> m_pages;
  size_t m_page_count = 0;
  uint64_t m_count = 0;            // ids marked in pages
  std::vector<uint64_t> m_repeats; // ids marked again
  bool m_sparse = false;
  std::vector<uint64_t> m_numbers; // sparse ids, and every id past the pages' reach
  std::optional<absl::flat_hash_set<uint64_t>> m_number_set; // m_numbers, once contains() asks
};

} // namespace taskdiff
