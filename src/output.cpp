#include "taskdiff/output.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include <fmt/format.h>

#include "taskdiff/error.hpp"

namespace taskdiff {

namespace {

bool write_all(int fd, std::string_view content, int& error) {
  while (!content.empty()) {
    ssize_t n = ::write(fd, content.data(), content.size());
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      error = errno;
      return false;
    }
    content.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

// The file a path names once its symbolic links are followed, also when the last one dangles
// (`-o link` writes the link's target: renaming over the link would replace the link itself).
std::string follow_links(const std::string& path) {
  std::string current = path;
  for (int hops = 0; hops < 40; ++hops) { // Linux's own limit on links in a path
    struct stat st {};
    if (::lstat(current.c_str(), &st) != 0 || !S_ISLNK(st.st_mode)) {
      return current;
    }
    std::string target(static_cast<size_t>(st.st_size > 0 ? st.st_size : 4096) + 1, '\0');
    ssize_t n = ::readlink(current.c_str(), target.data(), target.size());
    if (n < 0 || static_cast<size_t>(n) >= target.size()) {
      return current; // changed under us: let the write below fail or succeed on its own
    }
    target.resize(static_cast<size_t>(n));
    size_t slash = current.rfind('/');
    current = target.front() == '/' || slash == std::string::npos
                  ? target
                  : current.substr(0, slash + 1) + target;
  }
  throw Error(path, 0, "cannot write: too many levels of symbolic links");
}

} // namespace

Output::Output(const std::string& path) : m_path(path) {
  if (path.empty()) {
    m_fd = STDOUT_FILENO;
  } else {
    m_target = follow_links(path); // messages name `path`, as the user gave it
    struct stat st {};
    if (::stat(m_target.c_str(), &st) == 0 && !S_ISREG(st.st_mode)) {
      if (S_ISDIR(st.st_mode)) {
        throw Error(path, 0, "is a directory; give the output a file name");
      }
      // A device or a pipe (`-o /dev/stdout`, `/dev/null`, a FIFO): written in place. Renaming a
      // temporary file over it would replace the device node itself (as root, /dev/null).
      m_fd = ::open(m_target.c_str(), O_WRONLY | O_CLOEXEC | O_NOCTTY);
      if (m_fd < 0) {
        throw Error(path, 0, fmt::format("cannot write: {}", std::strerror(errno)));
      }
    } else {
      m_temp = m_target + ".tmp-XXXXXX";
      m_fd = ::mkstemp(m_temp.data());
      if (m_fd < 0) {
        throw Error(
            path, 0,
            fmt::format("cannot create a temporary file beside it: {}", std::strerror(errno)));
      }
      (void)::fchmod(m_fd, 0644); // mkstemp makes 0600; a report or baseline is not secret
    }
  }
  m_buffer = std::make_unique<Buffer>(m_fd);
  m_stream.rdbuf(m_buffer.get());
}

Output::~Output() {
  if (!m_path.empty() && m_fd >= 0) {
    ::close(m_fd);
  }
  if (!m_temp.empty()) {
    ::unlink(m_temp.c_str());
  }
}

Output::Buffer::int_type Output::Buffer::overflow(int_type c) {
  if (sync() != 0) {
    return traits_type::eof();
  }
  if (!traits_type::eq_int_type(c, traits_type::eof())) {
    *pptr() = traits_type::to_char_type(c);
    pbump(1);
  }
  return traits_type::not_eof(c);
}

int Output::Buffer::sync() {
  std::string_view pending(pbase(), static_cast<size_t>(pptr() - pbase()));
  setp(m_data, m_data + sizeof m_data);
  if (error == 0 && !write_all(m_fd, pending, error)) {
    return error == EPIPE ? 0 : -1; // a reader gone: the rest is dropped, quietly
  }
  return 0;
}

bool Output::commit(int& error) {
  m_stream.flush();
  error = m_buffer->error;
  if (m_path.empty()) {
    return error == 0 || error == EPIPE;
  }
  bool ok = error == 0;
  if (ok && !m_temp.empty() && ::fsync(m_fd) != 0) {
    ok = false;
    error = errno;
  }
  if (::close(m_fd) != 0 && ok) {
    ok = false;
    error = errno;
  }
  m_fd = -1;
  if (ok && !m_temp.empty()) {
    if (::rename(m_temp.c_str(), m_target.c_str()) != 0) {
      ok = false;
      error = errno;
    } else {
      m_temp.clear();
    }
  }
  if (!ok) {
    throw Error(m_path, 0, fmt::format("cannot write: {}", std::strerror(error)));
  }
  return true;
}

} // namespace taskdiff
