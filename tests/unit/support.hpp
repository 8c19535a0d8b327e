// Helpers shared by the unit tests: testdata paths and files, a source that trickles bytes, gzip.
#pragma once

#include <doctest/doctest.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>
#include <zlib.h>

#include "taskdiff/input.hpp"

namespace taskdiff::test {

// `corpus/healthy/base.debug2.txt` -> its path in the source tree's testdata/.
inline std::string testdata_path(std::string_view relative) {
  return std::string(TASKDIFF_TESTDATA) + "/" + std::string(relative);
}

// The bytes of a testdata file; a missing file fails the test that asked for it.
inline std::string read_testdata(std::string_view relative) {
  std::string path = testdata_path(relative);
  std::ifstream in(path, std::ios::binary);
  REQUIRE_MESSAGE(in, "cannot open " << path);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Hands out at most `step` bytes per read: every refill path of a reader gets exercised, and
// every field or line straddles reads.
class TrickleSource final : public ByteSource {
public:
  explicit TrickleSource(std::string bytes, size_t step = 1)
      : m_bytes(std::move(bytes)), m_step(step) {}
  size_t read(char* buffer, size_t capacity) override {
    size_t n = std::min({capacity, m_step, m_bytes.size() - m_pos});
    std::memcpy(buffer, m_bytes.data() + m_pos, n);
    m_pos += n;
    return n;
  }

private:
  std::string m_bytes;
  size_t m_step;
  size_t m_pos = 0;
};

// `text` as one gzip member (zlib's best compression).
inline std::string gzip(std::string_view text) {
  z_stream z{};
  REQUIRE(deflateInit2(&z, Z_BEST_COMPRESSION, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) ==
          Z_OK);
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
  z.avail_in = static_cast<uInt>(text.size());
  std::string out(deflateBound(&z, z.avail_in), '\0');
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  REQUIRE(deflate(&z, Z_FINISH) == Z_STREAM_END);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

} // namespace taskdiff::test
