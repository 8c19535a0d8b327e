// plainscan FILE: the reference for "a plain single-threaded scanner with interned names", which
// issue 4 puts at about 3.3x the wall time of `wc -l` on a debug=2 dump. bench/run.sh times it
// beside taskdiff so that the report shows what such a scanner costs on the machine at hand.
//
// It reads a Go debug=2 goroutine dump in 1 MiB blocks, splits lines with memchr, interns each
// goroutine's wait state, function names and `created by` function, keys the goroutine on those
// ids and its line numbers, and counts the goroutines of each key. No normalization, no checks,
// no error handling beyond refusing to run: a lower bound for a real parser, not one.
// Prints `N goroutines in G groups`. Build: c++ -O2 -std=c++17 -o plainscan plainscan.cpp
#include <fcntl.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <deque>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace {

struct KeyHash {
  size_t operator()(const std::vector<uint32_t>& key) const {
    uint64_t hash = 14695981039346656037u; // FNV-1a over the ids
    for (uint32_t id : key) {
      hash = (hash ^ id) * 1099511628211u;
    }
    return hash;
  }
};

class Scanner {
public:
  void line(std::string_view line) {
    if (line.empty()) {
      end_goroutine();
    } else if (line.compare(0, 10, "goroutine ") == 0) {
      end_goroutine();
      size_t open = line.find('[');
      size_t close = line.find_first_of(",]", open);
      if (open != std::string_view::npos && close != std::string_view::npos) {
        m_key.push_back(intern(line.substr(open + 1, close - open - 1)));
      }
    } else if (line[0] == '\t') {
      size_t colon = line.rfind(':');
      uint32_t number = 0;
      for (size_t i = colon + 1; i < line.size() && line[i] >= '0' && line[i] <= '9'; ++i) {
        number = number * 10 + static_cast<uint32_t>(line[i] - '0');
      }
      m_key.push_back(number);
    } else if (line.compare(0, 11, "created by ") == 0) {
      m_key.push_back(intern(line.substr(11, line.find(" in goroutine ") - 11)));
    } else {
      m_key.push_back(intern(line.substr(0, line.rfind('('))));
    }
  }

  void end_goroutine() {
    if (!m_key.empty()) {
      ++m_groups[m_key];
      ++m_goroutines;
      m_key.clear();
    }
  }

  uint64_t goroutines() const { return m_goroutines; }
  size_t groups() const { return m_groups.size(); }

private:
  uint32_t intern(std::string_view name) {
    if (auto it = m_ids.find(name); it != m_ids.end()) {
      return it->second;
    }
    m_names.emplace_back(name);
    auto id = static_cast<uint32_t>(m_names.size());
    m_ids.emplace(m_names.back(), id);
    return id;
  }

  std::deque<std::string> m_names; // a deque never moves them: the views in m_ids stay valid
  std::unordered_map<std::string_view, uint32_t> m_ids;
  std::vector<uint32_t> m_key;
  std::unordered_map<std::vector<uint32_t>, uint64_t, KeyHash> m_groups;
  uint64_t m_goroutines = 0;
};

} // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: plainscan DUMP.txt (a Go debug=2 goroutine dump)\n");
    return 2;
  }
  int fd = ::open(argv[1], O_RDONLY);
  if (fd < 0) {
    std::perror(argv[1]);
    return 2;
  }
  Scanner scanner;
  std::vector<char> buffer(1 << 20);
  size_t have = 0;
  for (;;) {
    ssize_t n = ::read(fd, buffer.data() + have, buffer.size() - have);
    if (n <= 0) {
      break;
    }
    have += static_cast<size_t>(n);
    size_t begin = 0;
    while (const void* newline = std::memchr(buffer.data() + begin, '\n', have - begin)) {
      size_t end = static_cast<size_t>(static_cast<const char*>(newline) - buffer.data());
      scanner.line(std::string_view(buffer.data() + begin, end - begin));
      begin = end + 1;
    }
    if (begin == 0 && have == buffer.size()) {
      std::fprintf(stderr, "%s: a line longer than 1 MiB\n", argv[1]);
      return 2;
    }
    std::memmove(buffer.data(), buffer.data() + begin, have - begin);
    have -= begin;
  }
  if (have != 0) {
    scanner.line(std::string_view(buffer.data(), have));
  }
  scanner.end_goroutine();
  ::close(fd);
  std::printf("%llu goroutines in %zu groups\n",
              static_cast<unsigned long long>(scanner.goroutines()), scanner.groups());
  return 0;
}
