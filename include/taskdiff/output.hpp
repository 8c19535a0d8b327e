// Writing results: stdout, or a file replaced atomically so an interrupted run never leaves a
// half-written report or baseline behind.
#pragma once

#include <memory>
#include <ostream>
#include <streambuf>
#include <string>
#include <string_view>

namespace taskdiff {

// A report written as it is made, never held whole in memory: to stdout, or to `path` through a
// temporary file in the same directory renamed over it by commit(), so an interrupted run never
// leaves a half-written file; a symbolic link is followed, its target written (the link stays);
// a device or a pipe (`-o /dev/null`, a FIFO) is written in place.
class Output {
public:
  // `path` empty: stdout. Throws Error (a directory, no temporary file can be made...).
  explicit Output(const std::string& path);
  ~Output(); // an uncommitted temporary file is removed
  Output(const Output&) = delete;
  Output& operator=(const Output&) = delete;

  std::ostream& stream() { return m_stream; }
  // Flushes, and for a file syncs it and renames it into place. A file's failure throws Error;
  // stdout's returns false with its errno in `error` (a reader that went away, EPIPE: `| head`,
  // is not a failure: the verdict stands).
  bool commit(int& error);

private:
  class Buffer : public std::streambuf {
  public:
    explicit Buffer(int fd) : m_fd(fd) { setp(m_data, m_data + sizeof m_data); }
    int error = 0; // the first write error; writing stops there

  protected:
    int_type overflow(int_type c) override;
    int sync() override;

  private:
    int m_fd;
    char m_data[1 << 16];
  };

  std::string m_path;   // as the user gave it, for messages
  std::string m_target; // the file written (links followed)
  std::string m_temp;   // the temporary file, "" once renamed or for stdout and devices
  int m_fd = -1;
  std::unique_ptr<Buffer> m_buffer;
  std::ostream m_stream{nullptr};
};

} // namespace taskdiff
