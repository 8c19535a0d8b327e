#include "taskdiff/goroutine_ids.hpp"

#include <algorithm>

namespace taskdiff {

uint64_t* GoroutineIds::make_page(uint64_t id) {
  // Pages cost more than the ids as numbers (8 bytes each) past a first megabyte: sparse.
  if ((m_page_count + 1) * k_page_words * 8 > 8 * m_count + (size_t{1} << 20)) {
    to_numbers();
    return nullptr;
  }
  size_t page = id >> k_page_bits;
  if (page >= m_pages.size()) {
    m_pages.resize(page + 1);
  }
  m_pages[page] = std::make_unique<uint64_t[]>(k_page_words); // zeroed
  ++m_page_count;
  return m_pages[page].get();
}

bool GoroutineIds::contains(uint64_t id) {
  size_t page = id >> k_page_bits;
  if (id < k_paged_limit && page < m_pages.size() && m_pages[page] &&
      (m_pages[page][(id & k_page_mask) / 64] >> (id % 64) & 1) != 0) {
    return true;
  }
  if (m_numbers.empty()) {
    return false;
  }
  if (!m_number_set) {
    m_number_set.emplace(m_numbers.begin(), m_numbers.end());
  }
  return m_number_set->contains(id);
}

void GoroutineIds::add_number(uint64_t id) {
  m_numbers.push_back(id);
  if (m_number_set) {
    m_number_set->insert(id);
  }
}

void GoroutineIds::to_numbers() {
  m_sparse = true;
  for (size_t page = 0; page < m_pages.size(); ++page) {
    if (!m_pages[page]) {
      continue;
    }
    for (uint64_t w = 0; w < k_page_words; ++w) {
      for (uint64_t word = m_pages[page][w]; word != 0; word &= word - 1) {
        m_numbers.push_back((uint64_t{page} << k_page_bits) + w * 64 +
                            static_cast<uint64_t>(__builtin_ctzll(word)));
      }
    }
  }
  m_numbers.insert(m_numbers.end(), m_repeats.begin(), m_repeats.end());
  m_number_set.reset(); // made again from every number at the next lookup
  std::vector<std::unique_ptr<uint64_t[]>>().swap(m_pages);
  m_page_count = 0;
  m_count = 0;
  m_repeats = {};
}

std::optional<GoroutineIds::Repeat> GoroutineIds::repeated(const std::vector<GoroutineIds*>& sets) {
  // Pages: a repeat is an id marked again in one set, or marked in two.
  std::optional<uint64_t> found;
  auto consider = [&](uint64_t id) {
    if (!found || id < *found) {
      found = id;
    }
  };
  for (size_t s = 0; s < sets.size(); ++s) {
    for (uint64_t id : sets[s]->m_repeats) {
      consider(id);
    }
    for (size_t other = s + 1; other < sets.size(); ++other) {
      const auto& a = sets[s]->m_pages;
      const auto& b = sets[other]->m_pages;
      for (size_t page = 0; page < std::min(a.size(), b.size()); ++page) {
        if (!a[page] || !b[page]) {
          continue;
        }
        for (uint64_t w = 0; w < k_page_words; ++w) {
          if (uint64_t both = a[page][w] & b[page][w]; both != 0) {
            consider((uint64_t{page} << k_page_bits) + w * 64 +
                     static_cast<uint64_t>(__builtin_ctzll(both)));
            break;
          }
        }
      }
    }
  }
  // Numbers (sparse ids, ids past 2^32), sorted, against each other and against the pages.
  auto marked = [](const GoroutineIds& set, uint64_t id) {
    size_t page = id >> k_page_bits;
    return id < k_paged_limit && page < set.m_pages.size() && set.m_pages[page] &&
           (set.m_pages[page][(id & k_page_mask) / 64] >> (id % 64) & 1) != 0;
  };
  std::vector<uint64_t> numbers;
  for (GoroutineIds* set : sets) {
    numbers.insert(numbers.end(), set->m_numbers.begin(), set->m_numbers.end());
  }
  std::sort(numbers.begin(), numbers.end());
  for (size_t i = 0; i < numbers.size(); ++i) {
    if ((i + 1 < numbers.size() && numbers[i] == numbers[i + 1]) ||
        std::any_of(sets.begin(), sets.end(),
                    [&](const GoroutineIds* set) { return marked(*set, numbers[i]); })) {
      consider(numbers[i]);
      break; // sorted: the smallest of the numbers
    }
  }
  if (!found) {
    return std::nullopt;
  }
  uint64_t times = static_cast<uint64_t>(std::count(numbers.begin(), numbers.end(), *found));
  for (const GoroutineIds* set : sets) {
    times +=
        (marked(*set, *found) ? 1 : 0) +
        static_cast<uint64_t>(std::count(set->m_repeats.begin(), set->m_repeats.end(), *found));
  }
  return Repeat{*found, times};
}

} // namespace taskdiff
