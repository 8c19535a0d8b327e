// Byte sources: a file descriptor, a byte range of a file, memory, gzip, a prefetching thread.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <zlib.h>

#include "taskdiff/error.hpp"
#include "taskdiff/input.hpp"

namespace taskdiff {

namespace {

constexpr size_t k_head_bytes = 64 * 1024;
constexpr size_t k_chunk_bytes = 1 << 20;

std::string errno_text(int error) {
  return std::strerror(error);
}

class FdSource final : public ByteSource {
public:
  FdSource(std::string name, int fd, bool owned)
      : m_name(std::move(name)), m_fd(fd), m_owned(owned) {}
  ~FdSource() override {
    if (m_owned) {
      ::close(m_fd);
    }
  }
  size_t read(char* buffer, size_t capacity) override {
    for (;;) {
      ssize_t n = ::read(m_fd, buffer, capacity);
      if (n >= 0) {
        return static_cast<size_t>(n);
      }
      if (errno != EINTR) {
        throw Error(m_name, 0, fmt::format("cannot read: {}", errno_text(errno)));
      }
    }
  }

private:
  std::string m_name;
  int m_fd;
  bool m_owned;
};

class RangeSource final : public ByteSource {
public:
  RangeSource(std::string path, uint64_t begin, uint64_t end)
      : m_path(std::move(path)), m_offset(begin), m_end(end) {
    m_fd = ::open(m_path.c_str(), O_RDONLY | O_CLOEXEC);
    if (m_fd < 0) {
      throw Error(m_path, 0, fmt::format("cannot open: {}", errno_text(errno)));
    }
#ifdef POSIX_FADV_SEQUENTIAL
    ::posix_fadvise(m_fd, static_cast<off_t>(begin), static_cast<off_t>(end - begin),
                    POSIX_FADV_SEQUENTIAL);
#endif
  }
  ~RangeSource() override {
    ::close(m_fd);
  }
  size_t read(char* buffer, size_t capacity) override {
    size_t want = static_cast<size_t>(std::min<uint64_t>(capacity, m_end - m_offset));
    if (want == 0) {
      return 0;
    }
    for (;;) {
      ssize_t n = ::pread(m_fd, buffer, want, static_cast<off_t>(m_offset));
      if (n >= 0) {
        m_offset += static_cast<uint64_t>(n);
        return static_cast<size_t>(n);
      }
      if (errno != EINTR) {
        throw Error(m_path, 0, fmt::format("cannot read: {}", errno_text(errno)));
      }
    }
  }

private:
  std::string m_path;
  int m_fd = -1;
  uint64_t m_offset;
  uint64_t m_end;
};

// Yields `prefix` first, then the rest of `next`.
class ChainSource final : public ByteSource {
public:
  ChainSource(std::string prefix, std::unique_ptr<ByteSource> next)
      : m_prefix(std::move(prefix)), m_next(std::move(next)) {}
  size_t read(char* buffer, size_t capacity) override {
    if (m_pos < m_prefix.size()) {
      size_t n = std::min(capacity, m_prefix.size() - m_pos);
      std::memcpy(buffer, m_prefix.data() + m_pos, n);
      m_pos += n;
      if (m_pos == m_prefix.size()) {
        std::string().swap(m_prefix);
        m_pos = 0;
        m_done = true;
      }
      return n;
    }
    return m_next ? m_next->read(buffer, capacity) : 0;
  }

private:
  std::string m_prefix;
  size_t m_pos = 0;
  bool m_done = false;
  std::unique_ptr<ByteSource> m_next;
};

// Inflates gzip (several members allowed, as `cat a.gz b.gz` makes); a stream cut short or
// followed by bytes that are not another member is an error, never a silent end.
class GzipSource final : public ByteSource {
public:
  GzipSource(std::string name, std::unique_ptr<ByteSource> compressed)
      : m_name(std::move(name)), m_in(std::move(compressed)), m_buffer(k_chunk_bytes) {
    std::memset(&m_z, 0, sizeof m_z);
    if (inflateInit2(&m_z, 16 + MAX_WBITS) != Z_OK) {
      throw Error(m_name, 0, "cannot start the gzip decoder");
    }
  }
  ~GzipSource() override { inflateEnd(&m_z); }

  size_t read(char* buffer, size_t capacity) override {
    if (m_finished) {
      return 0;
    }
    m_z.next_out = reinterpret_cast<Bytef*>(buffer);
    m_z.avail_out = static_cast<uInt>(std::min<size_t>(capacity, UINT32_MAX));
    while (m_z.avail_out > 0) {
      if (m_z.avail_in == 0 && !m_in_eof) {
        size_t n = m_in->read(m_buffer.data(), m_buffer.size());
        m_compressed += n;
        if (n == 0) {
          m_in_eof = true;
        }
        m_z.next_in = reinterpret_cast<Bytef*>(m_buffer.data());
        m_z.avail_in = static_cast<uInt>(n);
      }
      if (m_z.avail_in == 0 && m_in_eof) {
        if (m_in_member) {
          throw Error(m_name, 0,
                      fmt::format("truncated gzip stream: the compressed data ends after "
                                  "{} bytes, in the middle of a member; was the "
                                  "download cut short?",
                                  m_compressed));
        }
        m_finished = true;
        break;
      }
      if (!m_in_member) {
        // Another member may follow; anything else is trailing garbage.
        if (m_z.avail_in < 2 && !m_in_eof) {
          // Gather the second magic byte before deciding.
          std::memmove(m_buffer.data(), m_z.next_in, m_z.avail_in);
          size_t have = m_z.avail_in;
          size_t n = m_in->read(m_buffer.data() + have, m_buffer.size() - have);
          m_compressed += n;
          if (n == 0) {
            m_in_eof = true;
          }
          m_z.next_in = reinterpret_cast<Bytef*>(m_buffer.data());
          m_z.avail_in = static_cast<uInt>(have + n);
          continue;
        }
        if (m_z.avail_in < 2 || m_z.next_in[0] != 0x1f || m_z.next_in[1] != 0x8b) {
          throw Error(m_name, 0,
                      fmt::format("unexpected bytes after the end of the gzip stream "
                                  "(at compressed offset {})",
                                  m_compressed - m_z.avail_in));
        }
        inflateReset(&m_z);
        m_in_member = true;
      }
      int rc = inflate(&m_z, Z_NO_FLUSH);
      if (rc == Z_STREAM_END) {
        m_in_member = false;
        continue;
      }
      if (rc == Z_BUF_ERROR) {
        continue; // needs more input
      }
      if (rc != Z_OK) {
        throw Error(m_name, 0,
                    fmt::format("corrupt gzip data: {}", m_z.msg ? m_z.msg : "inflate failed"));
      }
    }
    return capacity - m_z.avail_out;
  }

private:
  std::string m_name;
  std::unique_ptr<ByteSource> m_in;
  std::vector<char> m_buffer;
  z_stream m_z;
  uint64_t m_compressed = 0;
  bool m_in_eof = false;
  bool m_in_member = true;
  bool m_finished = false;
};

// Refuses to yield more than `limit` bytes: a gzip bomb or an endless pipe stops here.
class LimitSource final : public ByteSource {
public:
  LimitSource(std::string name, std::unique_ptr<ByteSource> inner, uint64_t limit)
      : m_name(std::move(name)), m_inner(std::move(inner)), m_limit(limit) {}
  size_t read(char* buffer, size_t capacity) override {
    size_t n = m_inner->read(buffer, capacity);
    m_seen += n;
    if (m_seen > m_limit) {
      throw Error(m_name, 0,
                  fmt::format("input larger than {} bytes{}; raise --max-input-size if "
                              "this dump is really that large",
                              m_limit, " (the --max-input-size limit)"));
    }
    return n;
  }

private:
  std::string m_name;
  std::unique_ptr<ByteSource> m_inner;
  uint64_t m_limit;
  uint64_t m_seen = 0;
};

class PrefetchSource final : public ByteSource {
public:
  explicit PrefetchSource(std::unique_ptr<ByteSource> inner) : m_inner(std::move(inner)) {
    m_thread = std::thread([this] { produce(); });
  }
  ~PrefetchSource() override {
    {
      std::lock_guard lock(m_mutex);
      m_stop = true;
    }
    m_changed.notify_all();
    m_thread.join();
  }

  size_t read(char* buffer, size_t capacity) override {
    if (m_current_pos == m_current.size()) {
      std::unique_lock lock(m_mutex);
      m_changed.wait(lock, [&] { return !m_ready.empty() || m_done; });
      if (m_ready.empty()) {
        if (m_error) {
          std::rethrow_exception(m_error);
        }
        return 0;
      }
      m_spare.push_back(std::move(m_current));
      m_current = std::move(m_ready.front());
      m_ready.pop_front();
      m_current_pos = 0;
      lock.unlock();
      m_changed.notify_all();
    }
    size_t n = std::min(capacity, m_current.size() - m_current_pos);
    std::memcpy(buffer, m_current.data() + m_current_pos, n);
    m_current_pos += n;
    return n;
  }

private:
  static constexpr size_t k_depth = 4;

  void produce() {
    try {
      for (;;) {
        std::vector<char> chunk;
        {
          std::unique_lock lock(m_mutex);
          m_changed.wait(lock, [&] { return m_stop || m_ready.size() < k_depth; });
          if (m_stop) {
            return;
          }
          if (!m_spare.empty()) {
            chunk = std::move(m_spare.back());
            m_spare.pop_back();
          }
        }
        chunk.resize(k_chunk_bytes);
        size_t n = m_inner->read(chunk.data(), chunk.size());
        chunk.resize(n);
        std::lock_guard lock(m_mutex);
        if (n == 0) {
          m_done = true;
          m_changed.notify_all();
          return;
        }
        m_ready.push_back(std::move(chunk));
        m_changed.notify_all();
      }
    } catch (...) {
      std::lock_guard lock(m_mutex);
      m_error = std::current_exception();
      m_done = true;
      m_changed.notify_all();
    }
  }

  std::unique_ptr<ByteSource> m_inner;
  std::thread m_thread;
  std::mutex m_mutex;
  std::condition_variable m_changed;
  std::deque<std::vector<char>> m_ready;
  std::vector<std::vector<char>> m_spare;
  std::vector<char> m_current;
  size_t m_current_pos = 0;
  bool m_done = false;
  bool m_stop = false;
  std::exception_ptr m_error;
};

// Reads until `out` holds `want` bytes or the source ends.
void read_up_to(ByteSource& source, std::string& out, size_t want) {
  size_t have = out.size();
  out.resize(want);
  while (have < want) {
    size_t n = source.read(out.data() + have, want - have);
    if (n == 0) {
      break;
    }
    have += n;
  }
  out.resize(have);
}

bool has_gzip_magic(std::string_view bytes) {
  return bytes.size() >= 2 && static_cast<unsigned char>(bytes[0]) == 0x1f &&
         static_cast<unsigned char>(bytes[1]) == 0x8b;
}

} // namespace

std::unique_ptr<ByteSource> open_file_range(const std::string& path, uint64_t begin, uint64_t end) {
  return std::make_unique<RangeSource>(path, begin, end);
}

std::unique_ptr<ByteSource> prefetch(std::unique_ptr<ByteSource> source) {
  return std::make_unique<PrefetchSource>(std::move(source));
}

Input::Input(Input&&) noexcept = default;
Input& Input::operator=(Input&&) noexcept = default;
Input::~Input() = default;

Input Input::open(const std::string& path, const Limits& limits) {
  Input input;
  input.m_name = path;
  input.m_limits = limits;
  std::unique_ptr<ByteSource> raw;
  bool regular = false;
  uint64_t size = 0;
  if (path == "-") {
    raw = std::make_unique<FdSource>("-", STDIN_FILENO, false);
  } else {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      int error = errno;
      throw Error(path, 0,
                  fmt::format("cannot open: {}{}", errno_text(error),
                              error == ENOENT ? " (check the path; `-` reads stdin)" : ""));
    }
    struct stat st {};
    if (::fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
      ::close(fd);
      throw Error(path, 0, "is a directory, not a dump file");
    }
    regular = S_ISREG(st.st_mode);
    size = static_cast<uint64_t>(st.st_size);
    raw = std::make_unique<FdSource>(path, fd, true);
  }

  std::string first;
  read_up_to(*raw, first, 2);
  input.m_gzipped = has_gzip_magic(first);
  std::unique_ptr<ByteSource> content =
      std::make_unique<ChainSource>(std::move(first), std::move(raw));
  if (input.m_gzipped) {
    content = std::make_unique<GzipSource>(path, std::move(content));
  }
  content = std::make_unique<LimitSource>(path, std::move(content), limits.max_input_bytes);
  if (input.m_gzipped || !regular) {
    // Inflate (or wait on the pipe) on a second thread while the parser works.
    content = prefetch(std::move(content));
  }
  if (regular && !input.m_gzipped) {
    if (size > limits.max_input_bytes) {
      throw Error(path, 0,
                  fmt::format("input larger than {} bytes (the --max-input-size limit); "
                              "raise --max-input-size if this dump is really that large",
                              limits.max_input_bytes));
    }
    input.m_plain = PlainFile{path, size};
  }
  input.m_source = std::move(content);
  input.fill_head();
  return input;
}

Input Input::from_memory(std::string name, std::string_view bytes, const Limits& limits) {
  Input input;
  input.m_name = std::move(name);
  input.m_limits = limits;
  input.m_gzipped = has_gzip_magic(bytes);
  std::unique_ptr<ByteSource> content = std::make_unique<ChainSource>(std::string(bytes), nullptr);
  if (input.m_gzipped) {
    content = std::make_unique<GzipSource>(input.m_name, std::move(content));
  }
  input.m_source =
      std::make_unique<LimitSource>(input.m_name, std::move(content), limits.max_input_bytes);
  input.fill_head();
  return input;
}

void Input::fill_head() {
  read_up_to(*m_source, m_head, k_head_bytes);
}

void Input::extend_head(size_t max_bytes) {
  if (m_head.size() < max_bytes) {
    read_up_to(*m_source, m_head, max_bytes);
  }
}

std::unique_ptr<ByteSource> Input::take_source() {
  return std::make_unique<ChainSource>(std::move(m_head), std::move(m_source));
}

} // namespace taskdiff
