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

void write_file_atomically(const std::string& path, std::string_view content) {
  std::string target = follow_links(path); // messages name `path`, as the user gave it
  struct stat st {};
  if (::stat(target.c_str(), &st) == 0 && !S_ISREG(st.st_mode)) {
    if (S_ISDIR(st.st_mode)) {
      throw Error(path, 0, "is a directory; give the output a file name");
    }
    // A device or a pipe (`-o /dev/stdout`, `/dev/null`, a FIFO): written in place. Renaming a
    // temporary file over it would replace the device node itself (as root, /dev/null).
    int fd = ::open(target.c_str(), O_WRONLY | O_CLOEXEC | O_NOCTTY);
    int error = fd < 0 ? errno : 0;
    bool ok = fd >= 0 && write_all(fd, content, error);
    if (fd >= 0 && ::close(fd) != 0 && ok) {
      ok = false;
      error = errno;
    }
    if (!ok) {
      throw Error(path, 0, fmt::format("cannot write: {}", std::strerror(error)));
    }
    return;
  }
  std::string temp = target + ".tmp-XXXXXX";
  int fd = ::mkstemp(temp.data());
  if (fd < 0) {
    throw Error(path, 0,
                fmt::format("cannot create a temporary file beside it: {}", std::strerror(errno)));
  }
  int error = 0;
  (void)::fchmod(fd, 0644); // mkstemp makes 0600; a report or baseline is not secret
  bool ok = write_all(fd, content, error);
  if (ok && ::fsync(fd) != 0) {
    ok = false;
    error = errno;
  }
  if (::close(fd) != 0 && ok) {
    ok = false;
    error = errno;
  }
  if (ok && ::rename(temp.c_str(), target.c_str()) != 0) {
    ok = false;
    error = errno;
  }
  if (!ok) {
    ::unlink(temp.c_str());
    throw Error(path, 0, fmt::format("cannot write: {}", std::strerror(error)));
  }
}

bool write_stdout(std::string_view content, int& error) {
  error = 0;
  if (write_all(STDOUT_FILENO, content, error)) {
    return true;
  }
  return error == EPIPE;
}

} // namespace taskdiff
