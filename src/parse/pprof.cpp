// Go pprof goroutine profile: profile.proto, as `/debug/pprof/goroutine` (no `debug`) and
// `pprof.Lookup("goroutine").WriteTo(w, 0)` write it (dump-formats.md section 4).
//
// The Input layer has already inflated gzip (Go always gzips; a raw Profile reaches us only when
// `--input-format pprof` was forced). The Profile message is read as it streams in, one top-level
// field at a time: the field's key and length are decoded with protozero's varint decoder, the
// field is buffered whole (at most k_max_field_bytes), then decoded with protozero's pbf_reader.
// Input that is not a profile fails at its first field whatever its length, in constant memory:
// a stream of zeros (`--input-format pprof /dev/zero`, a gzip bomb) at byte 0, "field number 0".
//
// Decoding takes two passes because field order is not fixed (go1.19 and go1.23 both start with
// field 11, period_type, bytes `5a 04 08 01 10 02`) and Go writes the string table last, while a
// sample names its labels by string index. Pass 1 decodes locations, functions and mappings into
// small tables at once and keeps the string table and the samples until the end, compactly: each
// in an arena of 1 MiB blocks (bytes, no object per entry). Samples whose bytes are the same but
// for their one value (the goroutine count) fold into one record holding the sum, through an
// index of the records by those bytes, so memory grows with the string table and the distinct
// samples, not with the input (runtime/pprof writes one Sample per distinct stack and label set;
// a generated or hostile profile may repeat them). When the labels are not keyed on
// (LabelSets::fold), samples fold whatever their labels too: a profile labelled per request, one
// sample per goroutine, keeps a record per stack. Such a record shows its largest labelled
// sample's labels, and the labels of the others are checked once the string table is in.
//
// Errors come in two kinds: the wire-level ones (keys, wire types, lengths, varints, in the
// Profile and in each message in it) fail at once, at the first bad byte in file order; what needs
// the whole profile (string indexes, ids, sample types, counts) is checked after the last byte.
//
// States, in order; each either moves on or throws ParseError (line 0: binary input has no
// lines, so the message names the byte offset in the decompressed profile):
//
//   FIELD    the next top-level field's key, then its extent by wire type: a varint, 8 or 4
//            bytes, or a length and that many bytes. Read from the source until the whole field
//            is buffered.                                                        -> DECODE
//            End of input between fields: -> STRINGS (zero bytes in all: error). A field number
//            of 0 or 19000-19999, a wire type profile.proto never uses, a varint over 10 bytes,
//            a length over k_max_field_bytes, the input ending inside the field, or more than
//            Limits::max_input_bytes in all: error, naming the field's byte.
//   DECODE   the field (pass 1). Locations, functions and mappings are decoded into tables
//            holding string indexes; each string_table entry is copied into the arena; time_nanos
//            is kept. A sample is walked for its shape (every wire type checked, its labels' too;
//            its value fields found), then folded into the record of an earlier sample with the
//            same bytes less its value, or kept as a new record.                   -> FIELD
//            (bytes from samples/go1.19-goroutine.pb.gz, gunzipped)
//              0:    `5a 04 08 01 10 02`   period_type {type: 1, unit: 2}
//              6:    `60 01`               period: 1
//              8:    `0a 04 08 01 10 02`   sample_type {type: 1 "goroutine", unit: 2 "count"}
//              788:  `22 15 08 1a 18 86 d2 a9 03 22 04 08 18 10 4d 22 04 08 19 10 51 10 01`
//                    location {id: 26, address: 0x6a6906, line {function_id: 24, line: 77},
//                    line {function_id: 25, line: 81}, mapping_id: 1}: main.waitOn inlined
//                    into main.inlinedCaller, innermost first
//              2439: `32 09 67 6f 72 6f 75 74 69 6e 65`   string_table "goroutine"
//            Every known field's wire type is checked (protozero only asserts it); unknown
//            fields are skipped by wire type (newer profile.proto fields 15, 16, Sample.breakdown).
//   STRINGS  the string table exists and entry 0 is "".                          -> TYPES
//   TYPES    exactly one sample type, `goroutine/count` or `goroutineleak/count` (Go 1.26+);
//            a heap, CPU, mutex... profile is named in the error.                  -> TABLES
//   TABLES   functions, mappings and locations indexed by id (nonzero, unique); each location
//            resolved to its frames (function name, file, line), innermost inlined first.
//                                                                                 -> SAMPLES
//   SAMPLES  pass 2, over the records in the order their first samples came: each decoded again
//            from its bytes, its location ids (leaf first; packed or not), labels and one value
//            (the goroutine count) checked, then pushed to the StackBuilder with the summed count
//            and its labels; each arena block is freed once read. An error names the first
//            sample of its record (ordinal and byte): as samples folded together differ only in
//            a valid value, that is the first sample in the file with the error, the one a
//            sample-by-sample reading names. Zero samples: error (the writing goroutine is
//            always there), except in a goroutineleak profile, where it means no leak.
//                                                                                 -> DONE
//
// Go quirk: the profile builder drops `runtime.goexit` (`allFrames` in runtime/pprof/proto.go),
// so a goroutine whose only frame was goexit becomes a Sample with no location at all; 6 of the
// 12 corpus profiles (go1.19 and go1.23) hold one (corpus/unbuffered-chan/cand.pb.gz: 216
// goroutines with frames + 1 without, where its debug=1 and debug=2 dumps count 217). Such a sample
// is kept, with the frame Go dropped, `runtime.goexit`, so the total stays the profile's own sum of
// values and no stack is empty; the grouping stage filters runtime frames as it does for text
// dumps.
#include "taskdiff/error.hpp"
#include "taskdiff/parse.hpp"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <fmt/format.h>
#include <memory>
#include <optional>
#include <protozero/exception.hpp>
#include <protozero/pbf_reader.hpp>
#include <protozero/varint.hpp>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>
#include <xxhash.h>

namespace taskdiff {

namespace {

using protozero::data_view;
using protozero::pbf_reader;
using protozero::pbf_wire_type;

// Field numbers from google/pprof proto/profile.proto.
enum ProfileField : uint32_t {
  k_profile_sample_type = 1,
  k_profile_sample = 2,
  k_profile_mapping = 3,
  k_profile_location = 4,
  k_profile_function = 5,
  k_profile_string_table = 6,
  k_profile_drop_frames = 7,
  k_profile_keep_frames = 8,
  k_profile_time_nanos = 9,
  k_profile_duration_nanos = 10,
  k_profile_period_type = 11,
  k_profile_period = 12,
  k_profile_comment = 13,
  k_profile_default_sample_type = 14,
};
enum ValueTypeField : uint32_t { k_value_type_type = 1, k_value_type_unit = 2 };
enum SampleField : uint32_t { k_sample_location_id = 1, k_sample_value = 2, k_sample_label = 3 };
enum LabelField : uint32_t {
  k_label_key = 1,
  k_label_str = 2,
  k_label_num = 3,
  k_label_num_unit = 4
};
enum MappingField : uint32_t { k_mapping_id = 1 }; // fields 2-10 are scalars we do not use
enum LocationField : uint32_t {
  k_location_id = 1,
  k_location_mapping_id = 2,
  k_location_address = 3,
  k_location_line = 4,
  k_location_is_folded = 5,
};
enum LineField : uint32_t { k_line_function_id = 1, k_line_line = 2, k_line_column = 3 };
enum FunctionField : uint32_t {
  k_function_id = 1,
  k_function_name = 2,
  k_function_system_name = 3,
  k_function_filename = 4,
  k_function_start_line = 5,
};

// What a message calls its fields, for error messages.
struct FieldName {
  uint32_t number;
  std::string_view name;
};
constexpr FieldName k_profile_names[] = {
    {1, "sample_type"},  {2, "sample"},
    {3, "mapping"},      {4, "location"},
    {5, "function"},     {6, "string_table"},
    {7, "drop_frames"},  {8, "keep_frames"},
    {9, "time_nanos"},   {10, "duration_nanos"},
    {11, "period_type"}, {12, "period"},
    {13, "comment"},     {14, "default_sample_type"},
};
constexpr FieldName k_value_type_names[] = {{1, "type"}, {2, "unit"}};
constexpr FieldName k_sample_names[] = {{1, "location_id"}, {2, "value"}, {3, "label"}};
constexpr FieldName k_label_names[] = {{1, "key"}, {2, "str"}, {3, "num"}, {4, "num_unit"}};
constexpr FieldName k_mapping_names[] = {
    {1, "id"},
    {2, "memory_start"},
    {3, "memory_limit"},
    {4, "file_offset"},
    {5, "filename"},
    {6, "build_id"},
    {7, "has_functions"},
    {8, "has_filenames"},
    {9, "has_line_numbers"},
    {10, "has_inline_frames"},
};
constexpr FieldName k_location_names[] = {
    {1, "id"}, {2, "mapping_id"}, {3, "address"}, {4, "line"}, {5, "is_folded"}};
constexpr FieldName k_line_names[] = {{1, "function_id"}, {2, "line"}, {3, "column"}};
constexpr FieldName k_function_names[] = {
    {1, "id"}, {2, "name"}, {3, "system_name"}, {4, "filename"}, {5, "start_line"}};

// Which message is being decoded, for error messages: `sample 3`, `location 12, line 2`.
struct Where {
  std::string_view kind; // "Profile", "sample", "location"...
  uint64_t number = 0;   // 1-based ordinal among its siblings; 0: the only one
  std::span<const FieldName> names;
  const Where* parent = nullptr;

  // The Profile message is named only when the problem is in one of its own fields.
  std::string text() const {
    std::string out = parent && parent->parent ? parent->text() + ", " : std::string();
    out += kind;
    if (number > 0) {
      out += fmt::format(" {}", number);
    }
    return out;
  }
  std::string field(uint32_t field_number) const {
    for (const auto& entry : names) {
      if (entry.number == field_number) {
        return fmt::format("field {} ({})", field_number, entry.name);
      }
    }
    return fmt::format("field {}", field_number);
  }
};

std::string_view wire_type_name(uint32_t wire_type) {
  switch (wire_type) {
  case 0: return "0 (varint)";
  case 1: return "1 (64-bit)";
  case 2: return "2 (length-delimited)";
  case 3: return "3 (start group)";
  case 4: return "4 (end group)";
  case 5: return "5 (32-bit)";
  default: return wire_type == 6 ? "6 (invalid)" : "7 (invalid)";
  }
}

// The shapes a known field may take on the wire.
enum class Shape {
  varint,          // a scalar: wire type 0
  bytes,           // a message or a string: wire type 2
  repeated_varint, // wire type 0 (one value per record) or 2 (packed)
};

struct ValueType {
  int64_t type = 0;
  int64_t unit = 0;
  size_t offset = 0;
};

struct Function {
  uint64_t id = 0;
  int64_t name = 0;
  int64_t system_name = 0;
  int64_t filename = 0;
  size_t offset = 0;
  std::string_view resolved_name; // TABLES
  std::string_view resolved_file;
};

struct Line {
  uint64_t function_id = 0;
  int64_t line = 0;
  size_t offset = 0;
};

struct ResolvedFrame {
  std::string_view function;
  std::string_view file;
  uint32_t line = 0;
};

struct Location {
  uint64_t id = 0;
  uint64_t mapping_id = 0;
  size_t offset = 0;
  size_t first_line = 0; // into ProfileDecoder::m_lines and m_frames
  size_t line_count = 0;
};

// The most bytes one top-level field may take. A field is buffered whole before it is decoded,
// so this bounds what one field can make us hold. No field of a goroutine profile comes near it:
// a Sample holds at most Limits::max_frames (10,000) location ids of a few bytes each, and its
// labels; a Location, its inlined lines; a string is a function name, a file path or a label
// value, which Go's text dumps of the same process print on one line (Limits::max_line_bytes,
// 4 MiB).
constexpr size_t k_max_field_bytes = size_t{64} << 20;

// The decompressed profile as it streams in: a buffer holding at least the top-level field being
// decoded, refilled from the source. Counts the bytes read against Limits::max_input_bytes.
class ProfileStream {
public:
  ProfileStream(ByteSource& source, uint64_t limit, bool gzipped)
      : m_source(source), m_limit(limit), m_gzipped(gzipped) {}

  // Buffers `want` bytes from the current position, or as many as the input has left; returns
  // how many are buffered (0: the input is over). data() may move.
  size_t fill(size_t want);
  const char* data() const { return m_buffer.get() + m_begin; }
  size_t buffered() const { return m_end - m_begin; }
  // Where data() is in the decompressed profile.
  uint64_t offset() const { return m_offset; }
  void consume(size_t bytes) {
    m_begin += bytes;
    m_offset += bytes;
  }

private:
  static constexpr size_t k_chunk = 64 * 1024;

  ByteSource& m_source;
  uint64_t m_limit;
  bool m_gzipped;
  std::unique_ptr<char[]> m_buffer;
  size_t m_capacity = 0;
  size_t m_begin = 0;
  size_t m_end = 0;
  uint64_t m_offset = 0;
  uint64_t m_read = 0;
  bool m_eof = false;
};

size_t ProfileStream::fill(size_t want) {
  while (m_end - m_begin < want && !m_eof) {
    size_t have = m_end - m_begin;
    // Room for the whole request and for a read of at least one chunk: the buffer is 256 KiB,
    // or as big as the biggest field so far.
    size_t room = std::max(want, have + k_chunk);
    if (m_capacity < room) {
      size_t capacity = std::max(room, 4 * k_chunk);
      std::unique_ptr<char[]> bigger(new char[capacity]);
      if (have != 0) {
        std::memcpy(bigger.get(), m_buffer.get() + m_begin, have);
      }
      m_buffer = std::move(bigger);
      m_capacity = capacity;
      m_begin = 0;
      m_end = have;
    } else if (m_capacity - m_begin < room) {
      std::memmove(m_buffer.get(), m_buffer.get() + m_begin, have);
      m_begin = 0;
      m_end = have;
    }
    size_t n = m_source.read(m_buffer.get() + m_end, m_capacity - m_end);
    if (n == 0) {
      m_eof = true;
      break;
    }
    m_end += n;
    m_read += n;
    if (m_read > m_limit) {
      throw ParseError(0, fmt::format("pprof: profile larger than {} bytes{} (the --max-input-size "
                                      "limit); raise --max-input-size if it is really that large",
                                      m_limit, m_gzipped ? " after gunzip" : ""));
    }
  }
  return std::min(want, m_end - m_begin);
}

// Bytes kept until the parse ends, in blocks that never move: string table entries (each a varint
// length and its bytes, viewed in place) and retained samples (read back in the order they were
// written). A position names a byte: block index above k_block_bits, offset in the block below.
class Arena {
public:
  // 1 MiB blocks; a piece that does not fit in the rest of the last block opens a new one, as big
  // as the piece when it is bigger.
  static constexpr unsigned k_block_bits = 20;

  // Room for `size` bytes (size > 0), at `position`.
  char* allocate(size_t size, uint64_t& position) {
    constexpr size_t k_block = size_t{1} << k_block_bits;
    if (m_blocks.empty() || m_blocks.back().capacity - m_blocks.back().used < size) {
      size_t capacity = std::max(size, k_block);
      m_blocks.push_back({std::unique_ptr<char[]>(new char[capacity]), capacity, 0});
    }
    Block& block = m_blocks.back();
    position = (uint64_t{m_blocks.size() - 1} << k_block_bits) | block.used;
    char* out = block.bytes.get() + block.used;
    block.used += size;
    return out;
  }
  char* at(uint64_t position) const {
    const Block& block = m_blocks[position >> k_block_bits];
    return block.bytes.get() + (position & ((uint64_t{1} << k_block_bits) - 1));
  }
  // One past the last byte written in the block holding `position`.
  const char* end_of(uint64_t position) const {
    const Block& block = m_blocks[position >> k_block_bits];
    return block.bytes.get() + block.used;
  }
  size_t blocks() const { return m_blocks.size(); }
  // Block `index`: its first byte and one past its last written byte.
  std::pair<char*, char*> block(size_t index) const {
    const Block& block = m_blocks[index];
    return {block.bytes.get(), block.bytes.get() + block.used};
  }
  // Frees a block that will not be read again.
  void release(size_t index) { m_blocks[index].bytes.reset(); }

private:
  struct Block {
    std::unique_ptr<char[]> bytes;
    size_t capacity = 0;
    size_t used = 0;
  };
  std::vector<Block> m_blocks;
};

// A retained sample, as written in the samples arena:
//   count        8 bytes, host order: the goroutines of every sample folded into this one
//   ordinal_gap  varint: its ordinal among the Profile's samples less the previous record's
//   offset_gap   varint: its byte in the profile less the previous record's
//   header_size  varint: the bytes of the Sample field's key and length, before its content
//   value_at     varint: where its value field starts in the content
//   value_size   varint: the value field's size; 0 when the record keeps the sample byte for byte
//                (not exactly one value field holding one positive value)
//   size         varint: the content's size
//   content      the Sample message's bytes
// Its key, what samples folded into it share: the content less its value field.
struct SampleRecord {
  char* count_at = nullptr;
  uint64_t ordinal_gap = 0;
  uint64_t offset_gap = 0;
  uint64_t header_size = 0;
  uint64_t value_at = 0;
  uint64_t value_size = 0;
  std::string_view content;
  size_t size = 0; // the whole record's

  uint64_t count() const {
    uint64_t value;
    std::memcpy(&value, count_at, sizeof value);
    return value;
  }
  void add(uint64_t goroutines) const {
    uint64_t value = count() + goroutines; // past 2^64 only when the total is, an error
    std::memcpy(count_at, &value, sizeof value);
  }
  std::string_view key_head() const { return content.substr(0, value_at); }
  std::string_view key_tail() const { return content.substr(value_at + value_size); }
};

SampleRecord read_record(char* at, const char* end) {
  SampleRecord record;
  const char* p = at;
  record.count_at = at;
  p += sizeof(uint64_t);
  record.ordinal_gap = protozero::decode_varint(&p, end);
  record.offset_gap = protozero::decode_varint(&p, end);
  record.header_size = protozero::decode_varint(&p, end);
  record.value_at = protozero::decode_varint(&p, end);
  record.value_size = protozero::decode_varint(&p, end);
  auto size = static_cast<size_t>(protozero::decode_varint(&p, end));
  record.content = std::string_view(p, size);
  record.size = static_cast<size_t>(p + size - at);
  return record;
}

// What a Sample's value fields hold.
struct SampleValues {
  uint64_t count = 0;  // values, in all value fields
  int64_t first = 0;   // the first value
  uint64_t fields = 0; // value fields (each packed or a single varint)
  size_t field_at = 0; // the last value field: its byte and one past its end in the profile
  size_t field_end = 0;
};

// One Sample.label, as string indexes.
struct RawLabel {
  int64_t key = 0;
  int64_t str = 0;
  int64_t num = 0;
  bool has_str = false;
  bool has_num = false;

  // A number label (`num`), not a string one (`str`, which an empty str index 0 leaves to num).
  bool is_number() const { return has_num && !(has_str && str != 0); }
};

// A Sample.label, and where: its ordinal in the sample and its byte in the profile.
struct SampleLabel {
  RawLabel raw;
  uint64_t number = 0;
  size_t at = 0;
};

// A string index a sample's label uses, and where (a label's num_unit: the field's byte).
struct LabelRef {
  int64_t index = 0;
  uint64_t sample = 0; // the sample's ordinal
  uint64_t label = 0;  // the label's ordinal in it
  size_t at = 0;
};

// Widens [low, high] to take in `ref`'s index (the first of equals stays).
void widen(std::optional<LabelRef>& low, std::optional<LabelRef>& high, const LabelRef& ref) {
  if (!low || ref.index < low->index) {
    low = ref;
  }
  if (!high || ref.index > high->index) {
    high = ref;
  }
}

// A string index found in a Profile-level field, checked once the table is complete.
struct StringRef {
  int64_t index = 0;
  size_t offset = 0;
  std::string_view what;
};

// `2026-11-22T19:37:55Z` for a time in nanoseconds since the Unix epoch.
std::string rfc3339_utc(int64_t nanos) {
  using namespace std::chrono;
  sys_seconds time{duration_cast<seconds>(nanoseconds{nanos})};
  sys_days day = floor<days>(time);
  year_month_day date{day};
  hh_mm_ss clock{time - day};
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", static_cast<int>(date.year()),
                     static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
                     clock.hours().count(), clock.minutes().count(), clock.seconds().count());
}

// The kind of profile a list of sample types gives away, for the "not a goroutine profile" error
// (runtime/pprof writes these types).
std::string_view profile_kind(const std::vector<std::string_view>& types) {
  for (auto type : types) {
    if (type == "alloc_objects" || type == "alloc_space" || type == "inuse_objects" ||
        type == "inuse_space") {
      return "a heap";
    }
    if (type == "cpu" || type == "samples") {
      return "a CPU";
    }
    if (type == "contentions" || type == "delay") {
      return "a mutex or block";
    }
    if (type == "threadcreate") {
      return "a threadcreate";
    }
  }
  return {};
}

class ProfileDecoder {
public:
  ProfileDecoder(bool gzipped, LabelSets label_sets)
      : m_gzipped(gzipped), m_fold_labels(label_sets == LabelSets::fold) {}

  void collect(ProfileStream& stream);
  void check_strings();
  bool check_sample_types(); // true for a goroutineleak profile
  void index_tables();
  void push_samples(StackBuilder& builder, bool leaked);
  int64_t time_nanos() const { return m_time_nanos; }
  size_t time_nanos_offset() const { return m_time_nanos_offset; }

  [[noreturn]] void fail(const Where& where, size_t offset, std::string_view problem) const {
    throw ParseError(0, fmt::format("pprof: {} (byte {}{}): {}", where.text(), offset,
                                    m_gzipped ? " after gunzip" : "", problem));
  }

private:
  // Offsets in error messages are in the decompressed profile. The bytes being decoded are a
  // window of it (the stream's buffer, or a retained sample): `m_window` is at `m_window_offset`.
  size_t offset_of(const char* at) const {
    return m_window_offset + static_cast<size_t>(at - m_window);
  }
  void set_window(const char* data, size_t offset) {
    m_window = data;
    m_window_offset = offset;
  }

  size_t buffer_field(ProfileStream& stream, const Where& where);
  template<typename OnField>
  void walk(data_view message, const Where& where, OnField&& on_field);
  inline void expect(const pbf_reader& reader, const Where& where, size_t at, Shape shape) const;
  [[noreturn]] void wrong_wire_type(const pbf_reader& reader, const Where& where, size_t at,
                                    Shape shape) const;
  template<typename OnValue>
  void read_varints(pbf_reader& reader, const Where& where, size_t at, bool is_signed,
                    OnValue&& on_value);

  // `message_at`: where the message's field starts in its parent, the offset its errors name.
  ValueType decode_value_type(data_view bytes, size_t message_at, const Where& where);
  void decode_location(data_view bytes, size_t message_at, const Where& where);
  void decode_function(data_view bytes, size_t message_at, const Where& where);
  void decode_mapping(data_view bytes, size_t message_at, const Where& where);
  template<typename OnLocation, typename OnNumUnit, typename OnLabel>
  SampleValues decode_sample(data_view content, const Where& where, OnLocation&& on_location,
                             OnNumUnit&& on_num_unit, OnLabel&& on_label);
  void retain_sample(data_view content, size_t message_at);
  // A sample about to become a record.
  struct NewRecord {
    uint64_t count = 0;
    uint64_t ordinal = 0;
    size_t offset = 0;
    size_t header_size = 0;
    size_t value_at = 0;
    size_t value_size = 0;
    std::string_view content;
  };
  uint64_t write_record(const NewRecord& sample);
  SampleRecord record_at(uint64_t position) const {
    return read_record(m_samples.at(position), m_samples.end_of(position));
  }
  void sample_key(std::string_view content, size_t value_at, size_t value_size,
                  std::string& key) const;
  bool same_key(const SampleRecord& record, std::string_view key, bool has_value) const;
  void fold_labels(uint64_t position, const SampleRecord& record, uint64_t goroutines);
  static uint64_t labelled_count(const SampleRecord& record);
  void defer_labels(uint64_t ordinal, const std::vector<SampleLabel>& labels);
  void check_deferred_labels() const;
  void resolve_label(const RawLabel& label, const Where& where, size_t at,
                     std::vector<std::pair<std::string_view, std::string>>& labels) const;
  static uint64_t key_hash(std::string_view key, bool has_value) {
    return XXH3_64bits_withSeed(key.data(), key.size(), has_value);
  }
  std::string_view string_at(int64_t index, const Where& where, size_t at,
                             std::string_view what) const;
  std::string_view string_entry(size_t index) const {
    const char* at = m_string_bytes.at(m_strings[index]);
    auto size =
        static_cast<size_t>(protozero::decode_varint(&at, m_string_bytes.end_of(m_strings[index])));
    return {at, size};
  }

  bool m_gzipped;
  bool m_fold_labels; // LabelSets::fold: samples fold whatever their labels
  const char* m_window = nullptr;
  size_t m_window_offset = 0;

  std::vector<ValueType> m_sample_types;
  std::vector<ValueType> m_period_types;
  std::vector<Location> m_locations;
  std::vector<Line> m_lines;
  std::vector<ResolvedFrame> m_frames; // parallel to m_lines, filled by index_tables()
  std::vector<Function> m_functions;
  std::vector<std::pair<uint64_t, size_t>> m_mappings; // id, offset
  Arena m_string_bytes;
  // Where each string table entry is in m_string_bytes: its length (a varint), then its bytes.
  std::vector<uint64_t> m_strings;
  std::vector<StringRef> m_string_refs;
  int64_t m_time_nanos = 0;
  size_t m_time_nanos_offset = 0;

  // Samples (pass 1): records in m_samples, indexed by their key (bytes less the value) in
  // m_index, which holds their positions. A lookup passes the Probe of a new sample.
  struct Probe {
    std::string_view key;
    bool has_value = false;
    uint64_t hash = 0;
  };
  struct RecordHash {
    using is_transparent = void;
    const ProfileDecoder* decoder;
    size_t operator()(const Probe& probe) const { return probe.hash; }
    size_t operator()(uint64_t position) const {
      if (position == decoder->m_inserting.position) {
        return decoder->m_inserting.hash; // known: the Probe that missed
      }
      SampleRecord record = decoder->record_at(position);
      std::string key;
      decoder->sample_key(record.content, record.value_at, record.value_size, key);
      return key_hash(key, record.value_size != 0);
    }
  };
  struct RecordEqual {
    using is_transparent = void;
    const ProfileDecoder* decoder;
    bool operator()(uint64_t a, uint64_t b) const { return a == b; }
    bool operator()(const Probe& probe, uint64_t position) const {
      return decoder->same_key(decoder->record_at(position), probe.key, probe.has_value);
    }
    bool operator()(uint64_t position, const Probe& probe) const {
      return (*this)(probe, position);
    }
  };
  Arena m_samples;
  struct {
    uint64_t position = UINT64_MAX;
    uint64_t hash = 0;
  } m_inserting; // the record being added to m_index, and its key's hash
  std::unordered_set<uint64_t, RecordHash, RecordEqual> m_index{0, RecordHash{this},
                                                                RecordEqual{this}};
  std::string m_key;                        // the key of the sample being retained
  mutable std::string m_record_key;         // a record's, to compare with it
  std::vector<SampleLabel> m_sample_labels; // LabelSets::fold: the labels of that sample
  std::vector<LabelRef> m_sample_units;     // and their num_unit fields
  // LabelSets::fold: a record whose largest labelled sample came after its first (whose bytes the
  // record holds) shows that sample's labels: kept here by the record's position.
  struct BestLabels {
    uint64_t count = 0;   // the sample's goroutines
    uint64_t ordinal = 0; // the sample's ordinal, for errors
    std::vector<SampleLabel> labels;
  };
  std::unordered_map<uint64_t, BestLabels> m_best_labels;
  // LabelSets::fold: the labels of samples folded away, checked once the string table is in:
  // for each key, where it was first used; for the other string indexes, the lowest and highest
  // and where; the first label with both a string and a number value.
  struct DeferredLabels {
    std::unordered_map<int64_t, LabelRef> keys;
    std::optional<LabelRef> str_low, str_high, unit_low, unit_high, both;
  } m_deferred;
  uint64_t m_sample_count = 0;
  uint64_t m_last_ordinal = 0; // of the last record written
  size_t m_last_offset = 0;
  // The goroutine count so far, in file order, and the first sample taking it past 2^64.
  uint64_t m_total = 0;
  uint64_t m_overflow_ordinal = 0;
  size_t m_overflow_offset = 0;

  std::unordered_map<uint64_t, size_t> m_location_index; // id -> m_locations index
};

// Calls `on_field(reader, offset)` for each field of `message`, `offset` being where the field's
// key starts. Checks that a length-delimited field fits in its message before protozero reads it
// (protozero would cut a length past 2^32 to 32 bits), and turns protozero's exceptions into
// ParseError naming the message and the byte of the field that failed.
template<typename OnField>
void ProfileDecoder::walk(data_view message, const Where& where, OnField&& on_field) {
  pbf_reader reader{message};
  const char* end = message.data() + message.size();
  const char* field_at = message.data();
  try {
    for (;;) {
      field_at = reader.data().data();
      if (!reader.next()) {
        break;
      }
      size_t at = offset_of(field_at);
      if (reader.wire_type() == pbf_wire_type::length_delimited) {
        const char* length_at = reader.data().data();
        uint64_t length = protozero::decode_varint(&length_at, end);
        auto left = static_cast<uint64_t>(end - length_at);
        if (length > left || length > UINT32_MAX) {
          fail(where, at,
               fmt::format("{} is {} bytes long but only {} bytes are left in the {}: the profile "
                           "is truncated or corrupt",
                           where.field(reader.tag()), length, left,
                           where.parent ? "enclosing message" : "input"));
        }
      }
      on_field(reader, at);
    }
  } catch (const protozero::unknown_pbf_wire_type_exception&) {
    const char* key_at = field_at;
    uint64_t key = protozero::decode_varint(&key_at, end); // decoded once already: cannot fail
    fail(where, offset_of(field_at),
         fmt::format("{} has wire type {}, which profile.proto never uses: not a pprof profile, "
                     "or a corrupt one",
                     where.field(static_cast<uint32_t>(key >> 3U)),
                     wire_type_name(static_cast<uint32_t>(key & 7U))));
  } catch (const protozero::invalid_tag_exception&) {
    fail(where, offset_of(field_at),
         "a field number of 0 or in the reserved range 19000-19999: not a pprof profile, or a "
         "corrupt one");
  } catch (const protozero::varint_too_long_exception&) {
    fail(where, offset_of(field_at), "a varint longer than 10 bytes: the profile is corrupt");
  } catch (const protozero::end_of_buffer_exception&) {
    fail(where, offset_of(field_at),
         "a field runs past the end of its message: the profile is truncated or corrupt");
  } catch (const protozero::exception& error) {
    fail(where, offset_of(field_at), fmt::format("corrupt protobuf ({})", error.what()));
  }
}

// Checks a known field's wire type; runs for every field of every sample, so only the failure is
// out of line.
void ProfileDecoder::expect(const pbf_reader& reader, const Where& where, size_t at,
                            Shape shape) const {
  auto wire = reader.wire_type();
  bool ok = shape == Shape::varint ? wire == pbf_wire_type::varint
            : shape == Shape::bytes
                ? wire == pbf_wire_type::length_delimited
                : wire == pbf_wire_type::varint || wire == pbf_wire_type::length_delimited;
  if (!ok) {
    wrong_wire_type(reader, where, at, shape);
  }
}

void ProfileDecoder::wrong_wire_type(const pbf_reader& reader, const Where& where, size_t at,
                                     Shape shape) const {
  std::string_view expected = shape == Shape::varint  ? "0 (varint)"
                              : shape == Shape::bytes ? "2 (length-delimited)"
                                                      : "0 (varint) or 2 (packed)";
  fail(where, at,
       fmt::format("{} has wire type {}, expected {}", where.field(reader.tag()),
                   wire_type_name(static_cast<uint32_t>(reader.wire_type())), expected));
}

// A repeated integer field, packed (one length-delimited record) or not (one varint).
template<typename OnValue>
void ProfileDecoder::read_varints(pbf_reader& reader, const Where& where, size_t at, bool is_signed,
                                  OnValue&& on_value) {
  expect(reader, where, at, Shape::repeated_varint);
  if (reader.wire_type() == pbf_wire_type::varint) {
    on_value(is_signed ? static_cast<uint64_t>(reader.get_int64()) : reader.get_uint64());
    return;
  }
  if (is_signed) {
    for (int64_t value : reader.get_packed_int64()) {
      on_value(static_cast<uint64_t>(value));
    }
  } else {
    for (uint64_t value : reader.get_packed_uint64()) {
      on_value(value);
    }
  }
}

ValueType ProfileDecoder::decode_value_type(data_view bytes, size_t message_at,
                                            const Where& where) {
  ValueType out;
  out.offset = message_at;
  walk(bytes, where, [&](pbf_reader& reader, size_t at) {
    switch (reader.tag()) {
    case k_value_type_type:
      expect(reader, where, at, Shape::varint);
      out.type = reader.get_int64();
      break;
    case k_value_type_unit:
      expect(reader, where, at, Shape::varint);
      out.unit = reader.get_int64();
      break;
    default: reader.skip();
    }
  });
  return out;
}

void ProfileDecoder::decode_location(data_view bytes, size_t message_at, const Where& where) {
  Location location;
  location.offset = message_at;
  location.first_line = m_lines.size();
  walk(bytes, where, [&](pbf_reader& reader, size_t at) {
    switch (reader.tag()) {
    case k_location_id:
      expect(reader, where, at, Shape::varint);
      location.id = reader.get_uint64();
      break;
    case k_location_mapping_id:
      expect(reader, where, at, Shape::varint);
      location.mapping_id = reader.get_uint64();
      break;
    case k_location_address:
    case k_location_is_folded:
      expect(reader, where, at, Shape::varint);
      reader.skip();
      break;
    case k_location_line: {
      expect(reader, where, at, Shape::bytes);
      Where line_where{"line", m_lines.size() - location.first_line + 1, k_line_names, &where};
      Line line;
      line.offset = at;
      walk(reader.get_view(), line_where, [&](pbf_reader& field, size_t field_at) {
        switch (field.tag()) {
        case k_line_function_id:
          expect(field, line_where, field_at, Shape::varint);
          line.function_id = field.get_uint64();
          break;
        case k_line_line:
          expect(field, line_where, field_at, Shape::varint);
          line.line = field.get_int64();
          break;
        case k_line_column:
          expect(field, line_where, field_at, Shape::varint);
          field.skip();
          break;
        default: field.skip();
        }
      });
      m_lines.push_back(line);
      break;
    }
    default: reader.skip();
    }
  });
  location.line_count = m_lines.size() - location.first_line;
  m_locations.push_back(location);
}

void ProfileDecoder::decode_function(data_view bytes, size_t message_at, const Where& where) {
  Function function;
  function.offset = message_at;
  walk(bytes, where, [&](pbf_reader& reader, size_t at) {
    switch (reader.tag()) {
    case k_function_id:
      expect(reader, where, at, Shape::varint);
      function.id = reader.get_uint64();
      break;
    case k_function_name:
      expect(reader, where, at, Shape::varint);
      function.name = reader.get_int64();
      break;
    case k_function_system_name:
      expect(reader, where, at, Shape::varint);
      function.system_name = reader.get_int64();
      break;
    case k_function_filename:
      expect(reader, where, at, Shape::varint);
      function.filename = reader.get_int64();
      break;
    case k_function_start_line:
      expect(reader, where, at, Shape::varint);
      reader.skip();
      break;
    default: reader.skip();
    }
  });
  m_functions.push_back(function);
}

// Mappings name the binary; taskdiff uses none of their fields but checks their shape and ids.
void ProfileDecoder::decode_mapping(data_view bytes, size_t message_at, const Where& where) {
  uint64_t id = 0;
  walk(bytes, where, [&](pbf_reader& reader, size_t at) {
    uint32_t tag = reader.tag();
    if (tag >= 1 && tag <= 10) {
      expect(reader, where, at, Shape::varint);
      if (tag == k_mapping_id) {
        id = reader.get_uint64();
        return;
      }
      if (tag == 5 || tag == 6) { // filename, build_id: string indexes
        std::string_view what = tag == 5 ? "mapping filename" : "mapping build_id";
        m_string_refs.push_back({reader.get_int64(), at, what});
        return;
      }
    }
    reader.skip();
  });
  m_mappings.emplace_back(id, message_at);
}

// FIELD: buffers the top-level field at the stream's position whole and returns its size; 0 when
// it cannot be had (a key protozero refuses, a varint cut or over 10 bytes, the input ending
// inside the field). Its key and length are decoded with protozero's decode_varint, and its key
// checked as pbf_reader::next() checks it, before any more of the input is read: a stream of
// zeros stops at its first byte. A length over k_max_field_bytes is refused here.
size_t ProfileDecoder::buffer_field(ProfileStream& stream, const Where& where) {
  constexpr size_t k_varint = protozero::max_varint_length;
  size_t have = stream.fill(k_varint);
  const char* begin = stream.data();
  const char* p = begin;
  uint64_t key = 0;
  try {
    key = protozero::decode_varint(&p, begin + have);
  } catch (const protozero::exception&) {
    return 0;
  }
  auto key_bits = static_cast<uint32_t>(key); // as pbf_reader::next() reads a key
  uint32_t tag = key_bits >> 3U;
  uint32_t wire_type = key_bits & 7U;
  if (tag == 0 || (tag >= 19000 && tag <= 19999)) {
    return 0;
  }
  auto key_size = static_cast<size_t>(p - begin);
  size_t size = 0;
  switch (wire_type) {
  case 0:   // varint
  case 2: { // length-delimited: the length, then that many bytes
    have = stream.fill(key_size + k_varint);
    begin = stream.data();
    p = begin + key_size;
    uint64_t value = 0;
    try {
      value = protozero::decode_varint(&p, begin + have);
    } catch (const protozero::exception&) {
      return 0;
    }
    size = static_cast<size_t>(p - begin);
    if (wire_type == 2) {
      if (value > k_max_field_bytes) {
        fail(where, stream.offset(),
             fmt::format("{} is {} bytes long, over the limit of {} bytes for one field (no "
                         "sample, location, function or string of a goroutine profile comes "
                         "near it): not a pprof profile, or a corrupt one",
                         where.field(tag), value, k_max_field_bytes));
      }
      size += static_cast<size_t>(value);
    }
    break;
  }
  case 1: size = key_size + 8; break;
  case 5: size = key_size + 4; break;
  default: // 3, 4 (groups), 6, 7: pbf_reader refuses them
    return 0;
  }
  return stream.fill(size) >= size ? size : 0;
}

// FIELD and DECODE: pass 1 over the Profile message, a top-level field at a time.
void ProfileDecoder::collect(ProfileStream& stream) {
  const Where where{"Profile", 0, k_profile_names};
  auto on_field = [&](pbf_reader& reader, size_t at) {
    switch (reader.tag()) {
    case k_profile_sample_type: {
      expect(reader, where, at, Shape::bytes);
      Where child{"sample_type", m_sample_types.size() + 1, k_value_type_names, &where};
      m_sample_types.push_back(decode_value_type(reader.get_view(), at, child));
      break;
    }
    case k_profile_period_type: {
      expect(reader, where, at, Shape::bytes);
      Where child{"period_type", 0, k_value_type_names, &where};
      m_period_types.push_back(decode_value_type(reader.get_view(), at, child));
      break;
    }
    case k_profile_sample: {
      expect(reader, where, at, Shape::bytes);
      retain_sample(reader.get_view(), at);
      break;
    }
    case k_profile_mapping: {
      expect(reader, where, at, Shape::bytes);
      Where child{"mapping", m_mappings.size() + 1, k_mapping_names, &where};
      decode_mapping(reader.get_view(), at, child);
      break;
    }
    case k_profile_location: {
      expect(reader, where, at, Shape::bytes);
      Where child{"location", m_locations.size() + 1, k_location_names, &where};
      decode_location(reader.get_view(), at, child);
      break;
    }
    case k_profile_function: {
      expect(reader, where, at, Shape::bytes);
      Where child{"function", m_functions.size() + 1, k_function_names, &where};
      decode_function(reader.get_view(), at, child);
      break;
    }
    case k_profile_string_table: {
      expect(reader, where, at, Shape::bytes);
      data_view text = reader.get_view();
      uint64_t position = 0;
      char* copy = m_string_bytes.allocate(
          static_cast<size_t>(protozero::length_of_varint(text.size())) + text.size(), position);
      copy += protozero::add_varint_to_buffer(copy, text.size());
      if (!text.empty()) {
        std::memcpy(copy, text.data(), text.size());
      }
      m_strings.push_back(position);
      break;
    }
    case k_profile_drop_frames:
    case k_profile_keep_frames: {
      expect(reader, where, at, Shape::varint);
      std::string_view what = reader.tag() == k_profile_drop_frames ? "drop_frames" : "keep_frames";
      m_string_refs.push_back({reader.get_int64(), at, what});
      break;
    }
    case k_profile_time_nanos:
      expect(reader, where, at, Shape::varint);
      m_time_nanos = reader.get_int64();
      m_time_nanos_offset = at;
      break;
    case k_profile_duration_nanos:
    case k_profile_period:
    case k_profile_default_sample_type:
      expect(reader, where, at, Shape::varint);
      reader.skip();
      break;
    case k_profile_comment:
      read_varints(reader, where, at, true, [&](uint64_t index) {
        m_string_refs.push_back({static_cast<int64_t>(index), at, "comment"});
      });
      break;
    default: reader.skip(); // a field of a newer profile.proto
    }
  };
  while (stream.fill(1) != 0) {
    size_t size = buffer_field(stream, where);
    set_window(stream.data(), stream.offset());
    // A field that cannot be had (a bad key, a cut or overlong varint, the input ending inside
    // it) is decoded from the bytes there are: pbf_reader and walk() then fail on it with the
    // message and byte a decode of the whole message would give.
    walk(data_view{stream.data(), size != 0 ? size : stream.buffered()}, where, on_field);
    if (size == 0) {
      fail(where, stream.offset(), "corrupt protobuf"); // not reached: walk threw
    }
    stream.consume(size);
  }
  m_index.clear(); // the samples are all in: no more folding
  m_index.rehash(0);
}

// A Sample's fields: each known field's wire type checked (so is each Label's), its location ids
// and labels given to the callbacks, its values summed up. Pass 1 and pass 2 both walk a sample
// with this; pass 1 gives callbacks that do nothing, so only pass 2 resolves ids and strings.
template<typename OnLocation, typename OnNumUnit, typename OnLabel>
SampleValues ProfileDecoder::decode_sample(data_view content, const Where& where,
                                           OnLocation&& on_location, OnNumUnit&& on_num_unit,
                                           OnLabel&& on_label) {
  SampleValues values;
  uint64_t labels = 0;
  walk(content, where, [&](pbf_reader& reader, size_t at) {
    switch (reader.tag()) {
    case k_sample_location_id:
      read_varints(reader, where, at, false, [&](uint64_t id) { on_location(id, at); });
      break;
    case k_sample_value:
      read_varints(reader, where, at, true, [&](uint64_t value) {
        if (values.count++ == 0) {
          values.first = static_cast<int64_t>(value);
        }
      });
      ++values.fields;
      values.field_at = at;
      values.field_end = offset_of(reader.data().data());
      break;
    case k_sample_label: {
      expect(reader, where, at, Shape::bytes);
      const Where label_where{"label", ++labels, k_label_names, &where};
      RawLabel label;
      walk(reader.get_view(), label_where, [&](pbf_reader& field, size_t field_at) {
        switch (field.tag()) {
        case k_label_key:
          expect(field, label_where, field_at, Shape::varint);
          label.key = field.get_int64();
          break;
        case k_label_str:
          expect(field, label_where, field_at, Shape::varint);
          label.str = field.get_int64();
          label.has_str = true;
          break;
        case k_label_num:
          expect(field, label_where, field_at, Shape::varint);
          label.num = field.get_int64();
          label.has_num = true;
          break;
        case k_label_num_unit:
          expect(field, label_where, field_at, Shape::varint);
          on_num_unit(field.get_int64(), label_where, field_at);
          break;
        default: field.skip();
        }
      });
      on_label(label, label_where, at);
      break;
    }
    default: reader.skip();
    }
  });
  return values;
}

// DECODE, a sample: its shape checked now (a broken sample stops the parse here), its ids and
// strings in pass 2. Then kept as a record, or folded into the record of an earlier sample with
// the same key (its bytes less its one value field, and with LabelSets::fold less its labels).
//
// A real profile never repeats a key (runtime/pprof writes one Sample per distinct stack and label
// set); the index costs its profiles of a million distinct samples about 0.8 s (std::unordered_set
// of record positions, 2-core VM), and keeps a generated or hostile one that repeats its samples
// at the memory of the distinct ones.
void ProfileDecoder::retain_sample(data_view content, size_t message_at) {
  ++m_sample_count;
  const Where profile{"Profile", 0, k_profile_names};
  const Where where{"sample", m_sample_count, k_sample_names, &profile};
  size_t content_at = offset_of(content.data());
  auto ignore = [](auto&&...) {};
  m_sample_labels.clear();
  m_sample_units.clear();
  auto on_num_unit = [&](int64_t index, const Where& label_where, size_t at) {
    if (m_fold_labels) {
      m_sample_units.push_back({index, m_sample_count, label_where.number, at});
    }
  };
  auto on_label = [&](const RawLabel& label, const Where& label_where, size_t at) {
    if (m_fold_labels) {
      m_sample_labels.push_back({label, label_where.number, at});
    }
  };
  SampleValues values = decode_sample(content, where, ignore, on_num_unit, on_label);

  // The running total, in file order, as SAMPLES adds it up.
  bool counted = values.count == 1 && values.first > 0;
  uint64_t goroutines = counted ? static_cast<uint64_t>(values.first) : 0;
  if (m_total + goroutines < m_total && m_overflow_ordinal == 0) {
    m_overflow_ordinal = m_sample_count;
    m_overflow_offset = message_at;
  }
  m_total += goroutines;

  // Only a sample with one value field holding one positive value folds on the rest of its
  // bytes; any other is kept byte for byte (and fails in pass 2 unless it is merely odd, e.g.
  // an empty packed value field beside the value), and folds only with identical bytes.
  NewRecord sample;
  sample.count = goroutines;
  sample.ordinal = m_sample_count;
  sample.offset = message_at;
  sample.header_size = content_at - message_at;
  sample.content = std::string_view(content.data(), content.size());
  if (counted && values.fields == 1) {
    sample.value_at = values.field_at - content_at;
    sample.value_size = values.field_end - values.field_at;
  }
  bool has_value = sample.value_size != 0;
  sample_key(sample.content, sample.value_at, sample.value_size, m_key);
  Probe probe{m_key, has_value, key_hash(m_key, has_value)};
  if (auto found = m_index.find(probe); found != m_index.end()) {
    SampleRecord record = record_at(*found);
    record.add(goroutines);
    if (m_fold_labels && has_value) {
      fold_labels(*found, record, goroutines);
    }
    return;
  }
  m_inserting = {write_record(sample), probe.hash};
  m_index.insert(m_inserting.position);
}

// Appends a record to m_samples; returns its position.
uint64_t ProfileDecoder::write_record(const NewRecord& sample) {
  uint64_t fields[] = {sample.ordinal - m_last_ordinal,
                       sample.offset - m_last_offset,
                       sample.header_size,
                       sample.value_at,
                       sample.value_size,
                       sample.content.size()};
  size_t size = sizeof sample.count + sample.content.size();
  for (uint64_t field : fields) {
    size += static_cast<size_t>(protozero::length_of_varint(field));
  }
  uint64_t position = 0;
  char* out = m_samples.allocate(size, position);
  std::memcpy(out, &sample.count, sizeof sample.count);
  out += sizeof sample.count;
  for (uint64_t field : fields) {
    out += protozero::add_varint_to_buffer(out, field);
  }
  std::memcpy(out, sample.content.data(), sample.content.size());
  m_last_ordinal = sample.ordinal;
  m_last_offset = sample.offset;
  return position;
}

// A sample's key: its bytes less its value field, when it has the one value field that folding
// sums (else all its bytes); with LabelSets::fold, less its labels too.
void ProfileDecoder::sample_key(std::string_view content, size_t value_at, size_t value_size,
                                std::string& key) const {
  key.clear();
  if (!m_fold_labels || value_size == 0) {
    key.append(content.substr(0, value_at)).append(content.substr(value_at + value_size));
    return;
  }
  // decode_sample checked the sample's shape when it came: this walk cannot fail.
  pbf_reader reader{data_view{content.data(), content.size()}};
  const char* field_at = content.data();
  while (reader.next()) {
    uint32_t tag = reader.tag();
    reader.skip();
    const char* field_end = reader.data().data();
    if (tag != k_sample_label && tag != k_sample_value) { // the value field is the only one
      key.append(field_at, static_cast<size_t>(field_end - field_at));
    }
    field_at = field_end;
  }
}

bool ProfileDecoder::same_key(const SampleRecord& record, std::string_view key,
                              bool has_value) const {
  if ((record.value_size != 0) != has_value) {
    return false;
  }
  if (!m_fold_labels || !has_value) {
    auto head = record.key_head();
    auto tail = record.key_tail();
    return head.size() + tail.size() == key.size() && key.substr(0, head.size()) == head &&
           key.substr(head.size()) == tail;
  }
  sample_key(record.content, record.value_at, record.value_size, m_record_key);
  return m_record_key == key;
}

// LabelSets::fold: the sample being retained folded into the record at `position`, whose first
// sample's labels may differ. The record shows the labels of its largest labelled sample, as
// StackBuilder shows a stack's largest labelled record's (the first of equals); the labels of
// every other sample are checked once the string table is in (defer_labels).
void ProfileDecoder::fold_labels(uint64_t position, const SampleRecord& record,
                                 uint64_t goroutines) {
  for (const auto& unit : m_sample_units) { // never shown, but checked as pass 2 checks them
    widen(m_deferred.unit_low, m_deferred.unit_high, unit);
  }
  if (m_sample_labels.empty()) {
    return;
  }
  auto best = m_best_labels.find(position);
  uint64_t best_count = best != m_best_labels.end() ? best->second.count : labelled_count(record);
  if (goroutines <= best_count) {
    defer_labels(m_sample_count, m_sample_labels);
    return;
  }
  if (best != m_best_labels.end()) {
    defer_labels(best->second.ordinal, best->second.labels);
    best->second = {goroutines, m_sample_count, m_sample_labels};
  } else {
    m_best_labels.emplace(position, BestLabels{goroutines, m_sample_count, m_sample_labels});
  }
}

// The goroutines of a record's first sample when that sample has labels, else 0.
uint64_t ProfileDecoder::labelled_count(const SampleRecord& record) {
  pbf_reader reader{data_view{record.content.data(), record.content.size()}};
  bool labelled = false;
  uint64_t value = 0;
  while (reader.next()) { // a record with a value field: its one value, positive
    if (reader.tag() == k_sample_label) {
      labelled = true;
      reader.skip();
    } else if (reader.tag() == k_sample_value) {
      if (reader.wire_type() == pbf_wire_type::varint) {
        value = reader.get_uint64();
      } else {
        for (int64_t packed : reader.get_packed_int64()) {
          value = static_cast<uint64_t>(packed);
        }
      }
    } else {
      reader.skip();
    }
  }
  return labelled ? value : 0;
}

// Notes the string indexes of labels that pass 2 will not resolve, for check_deferred_labels.
void ProfileDecoder::defer_labels(uint64_t ordinal, const std::vector<SampleLabel>& labels) {
  for (const auto& [raw, number, at] : labels) {
    m_deferred.keys.try_emplace(raw.key, LabelRef{raw.key, ordinal, number, at});
    if (raw.has_str && raw.has_num && raw.str != 0 && raw.num != 0 && !m_deferred.both) {
      m_deferred.both = LabelRef{raw.key, ordinal, number, at};
    }
    if (!raw.is_number()) {
      widen(m_deferred.str_low, m_deferred.str_high, LabelRef{raw.str, ordinal, number, at});
    }
  }
}

std::string_view ProfileDecoder::string_at(int64_t index, const Where& where, size_t at,
                                           std::string_view what) const {
  if (index < 0 || static_cast<uint64_t>(index) >= m_strings.size()) {
    fail(where, at,
         fmt::format("{} is string index {}, but the string table has {} entries (0-{})", what,
                     index, m_strings.size(), m_strings.size() - 1));
  }
  return string_entry(static_cast<size_t>(index));
}

// STRINGS
void ProfileDecoder::check_strings() {
  if (m_strings.empty()) {
    throw ParseError(0, "pprof: the profile has no string table (Profile field 6): not a pprof "
                        "profile, or a truncated one");
  }
  if (!string_entry(0).empty()) {
    throw ParseError(0, fmt::format("pprof: string table entry 0 is {}, but profile.proto "
                                    "requires the empty string: not a pprof profile",
                                    quote_excerpt(string_entry(0))));
  }
  const Where where{"Profile", 0, k_profile_names};
  for (const auto& ref : m_string_refs) {
    string_at(ref.index, where, ref.offset, ref.what);
  }
}

// TYPES
bool ProfileDecoder::check_sample_types() {
  const Where profile{"Profile", 0, k_profile_names};
  std::vector<std::string_view> types;
  std::vector<std::string> described;
  for (size_t i = 0; i < m_sample_types.size(); ++i) {
    const auto& value_type = m_sample_types[i];
    Where where{"sample_type", i + 1, k_value_type_names, &profile};
    auto type = string_at(value_type.type, where, value_type.offset, "type");
    auto unit = string_at(value_type.unit, where, value_type.offset, "unit");
    types.push_back(type);
    described.push_back(fmt::format("{}/{}", type, unit));
  }
  for (const auto& value_type : m_period_types) {
    Where where{"period_type", 0, k_value_type_names, &profile};
    string_at(value_type.type, where, value_type.offset, "type");
    string_at(value_type.unit, where, value_type.offset, "unit");
  }
  if (described.size() == 1 &&
      (described[0] == "goroutine/count" || described[0] == "goroutineleak/count")) {
    return described[0] == "goroutineleak/count";
  }
  if (described.empty()) {
    throw ParseError(0, "pprof: the profile declares no sample type (Profile field 1); a goroutine "
                        "profile has exactly one, goroutine/count; capture "
                        "/debug/pprof/goroutine");
  }
  std::string list = fmt::format("{}", fmt::join(described, ", "));
  // Two gzip members are one stream: `cat a.pb.gz b.pb.gz` reads as one message holding every
  // field twice, the sample type too.
  if (described.size() > 1 &&
      std::all_of(described.begin(), described.end(),
                  [&](const auto& type) { return type == described[0]; }) &&
      (described[0] == "goroutine/count" || described[0] == "goroutineleak/count")) {
    throw ParseError(0, fmt::format("pprof: {} goroutine profiles in one input (sample types {}): "
                                    "gzipped profiles glued together (`cat a.pb.gz b.pb.gz`?); "
                                    "give each on its own, or several to `snapshot` to merge "
                                    "replicas",
                                    described.size(), list));
  }
  auto kind = profile_kind(types);
  if (!kind.empty()) {
    throw ParseError(0, fmt::format("pprof: this is {} profile (sample types {}), not a goroutine "
                                    "profile; capture /debug/pprof/goroutine",
                                    kind, list));
  }
  throw ParseError(0, fmt::format("pprof: sample types {}: not a goroutine profile, which has "
                                  "exactly one sample type, goroutine/count (or "
                                  "goroutineleak/count); capture /debug/pprof/goroutine",
                                  list));
}

// TABLES
void ProfileDecoder::index_tables() {
  const Where profile{"Profile", 0, k_profile_names};

  std::unordered_map<uint64_t, size_t> functions;
  functions.reserve(m_functions.size());
  for (size_t i = 0; i < m_functions.size(); ++i) {
    auto& function = m_functions[i];
    Where where{"function", i + 1, k_function_names, &profile};
    if (function.id == 0) {
      fail(where, function.offset, "function id 0 (or none): ids must be nonzero");
    }
    auto [it, inserted] = functions.emplace(function.id, i);
    if (!inserted) {
      fail(where, function.offset,
           fmt::format("function id {} is defined twice (first at byte {})", function.id,
                       m_functions[it->second].offset));
    }
    auto name = string_at(function.name, where, function.offset, "name");
    auto system_name = string_at(function.system_name, where, function.offset, "system_name");
    function.resolved_file = string_at(function.filename, where, function.offset, "filename");
    function.resolved_name = name.empty() ? system_name : name;
    if (function.resolved_name.empty()) {
      fail(where, function.offset, fmt::format("function id {} has no name", function.id));
    }
  }

  std::unordered_set<uint64_t> mappings;
  for (size_t i = 0; i < m_mappings.size(); ++i) {
    auto [id, offset] = m_mappings[i];
    Where where{"mapping", i + 1, k_mapping_names, &profile};
    if (id == 0) {
      fail(where, offset, "mapping id 0 (or none): ids must be nonzero");
    }
    if (!mappings.insert(id).second) {
      fail(where, offset, fmt::format("mapping id {} is defined twice", id));
    }
  }

  m_frames.resize(m_lines.size());
  m_location_index.reserve(m_locations.size());
  for (size_t i = 0; i < m_locations.size(); ++i) {
    const auto& location = m_locations[i];
    Where where{"location", i + 1, k_location_names, &profile};
    if (location.id == 0) {
      fail(where, location.offset, "location id 0 (or none): ids must be nonzero");
    }
    auto [it, inserted] = m_location_index.emplace(location.id, i);
    if (!inserted) {
      fail(where, location.offset,
           fmt::format("location id {} is defined twice (first at byte {})", location.id,
                       m_locations[it->second].offset));
    }
    if (location.mapping_id != 0 && !mappings.contains(location.mapping_id)) {
      fail(where, location.offset,
           fmt::format("location id {}: mapping id {} not defined", location.id,
                       location.mapping_id));
    }
    if (location.line_count == 0) {
      fail(where, location.offset,
           fmt::format("location id {} has no line: the profile is not symbolized (addresses "
                       "only); symbolize it first, e.g. `go tool pprof -proto BINARY PROFILE`",
                       location.id));
    }
    for (size_t j = 0; j < location.line_count; ++j) {
      const auto& line = m_lines[location.first_line + j];
      Where line_where{"line", j + 1, k_line_names, &where};
      auto function = functions.find(line.function_id);
      if (function == functions.end()) {
        fail(line_where, line.offset,
             line.function_id == 0
                 ? fmt::format("location id {}: a line with no function id: the profile is not "
                               "symbolized",
                               location.id)
                 : fmt::format("location id {}: function id {} not defined", location.id,
                               line.function_id));
      }
      if (line.line < 0 || line.line > int64_t{UINT32_MAX}) {
        fail(line_where, line.offset,
             fmt::format("location id {}: line number {} out of range", location.id, line.line));
      }
      const auto& target = m_functions[function->second];
      m_frames[location.first_line + j] = {target.resolved_name, target.resolved_file,
                                           static_cast<uint32_t>(line.line)};
    }
  }
}

// SAMPLES: pass 2, over the records in the order their first samples came.
void ProfileDecoder::push_samples(StackBuilder& builder, bool leaked) {
  if (m_sample_count == 0 && !leaked) { // a goroutineleak profile with no leak is the healthy one
    throw ParseError(0, "pprof: the profile has no samples, but a goroutine profile always lists "
                        "at least the goroutine that wrote it: the profile is truncated or was "
                        "not written by Go's runtime/pprof");
  }
  const Where profile{"Profile", 0, k_profile_names};
  // The total passes 2^64 at a sample folded into an earlier record: failed at the first record
  // after it, or after the last, as reading the samples one by one would.
  auto check_total = [&](bool reached) {
    if (m_overflow_ordinal != 0 && reached) {
      fail(Where{"sample", m_overflow_ordinal, k_sample_names, &profile}, m_overflow_offset,
           "the goroutine counts add up past 2^64");
    }
  };
  std::vector<size_t> locations; // indexes into m_locations, leaf first
  std::vector<std::pair<std::string_view, std::string>> labels;
  bool located = false; // a sample with a location: a stack
  uint64_t ordinal = 0;
  size_t offset = 0;
  for (size_t block = 0; block < m_samples.blocks(); ++block) {
    auto [block_start, end] = m_samples.block(block);
    char* next = block_start;
    while (next < end) {
      uint64_t position =
          (uint64_t{block} << Arena::k_block_bits) | static_cast<uint64_t>(next - block_start);
      SampleRecord record = read_record(next, end);
      next += record.size;
      ordinal += record.ordinal_gap;
      offset += record.offset_gap;
      check_total(m_overflow_ordinal < ordinal);
      const Where where{"sample", ordinal, k_sample_names, &profile};
      set_window(record.content.data(), offset + record.header_size);
      locations.clear();
      labels.clear();
      auto on_location = [&](uint64_t id, size_t at) {
        auto it = m_location_index.find(id);
        if (it == m_location_index.end()) {
          fail(where, at, fmt::format("location id {} not defined", id));
        }
        locations.push_back(it->second);
      };
      auto on_num_unit = [&](int64_t index, const Where& label_where, size_t at) {
        string_at(index, label_where, at, "num_unit");
      };
      auto on_label = [&](const RawLabel& label, const Where& label_where, size_t at) {
        resolve_label(label, label_where, at, labels);
      };
      SampleValues values = decode_sample(data_view{record.content.data(), record.content.size()},
                                          where, on_location, on_num_unit, on_label);
      if (!m_best_labels.empty()) { // LabelSets::fold: a later sample's labels shown instead
        if (auto best = m_best_labels.find(position); best != m_best_labels.end()) {
          labels.clear();
          const Where best_where{"sample", best->second.ordinal, k_sample_names, &profile};
          for (const auto& [raw, number, at] : best->second.labels) {
            resolve_label(raw, Where{"label", number, k_label_names, &best_where}, at, labels);
          }
        }
      }
      if (values.count != m_sample_types.size()) {
        fail(where, offset,
             fmt::format("{} values, but the profile declares {} sample type{} (goroutine/count)",
                         values.count, m_sample_types.size(),
                         m_sample_types.size() == 1 ? "" : "s"));
      }
      if (values.first <= 0) {
        fail(where, offset,
             fmt::format("goroutine count {}: expected a positive count", values.first));
      }
      check_total(m_overflow_ordinal == ordinal);

      try {
        builder.begin(record.count());
        if (leaked) {
          builder.leaked();
        }
        if (locations.empty()) {
          // A goroutine whose only frame was runtime.goexit, which Go's profile builder drops.
          builder.frame("runtime.goexit", "", 0);
        }
        located = located || !locations.empty();
        for (size_t index : locations) {
          const auto& location = m_locations[index];
          for (size_t j = 0; j < location.line_count; ++j) {
            const auto& frame = m_frames[location.first_line + j];
            builder.frame(frame.function, frame.file, frame.line);
          }
        }
        for (const auto& [key, value] : labels) {
          builder.label(key, value);
        }
        builder.commit();
      } catch (const ParseError& error) {
        fail(where, offset, error.message());
      }
    }
    m_samples.release(block);
  }
  check_deferred_labels();
  check_total(true);
  // Only a goroutine caught in runtime.goexit has no location; the writer, at least, has some.
  if (m_sample_count != 0 && !located) {
    throw ParseError(0, "pprof: no sample has a location (a stack): the profile lost its stacks "
                        "or was not written by Go's runtime/pprof; capture it again");
  }
}

// A label's key and value, as strings, into `labels`.
void ProfileDecoder::resolve_label(
    const RawLabel& label, const Where& where, size_t at,
    std::vector<std::pair<std::string_view, std::string>>& labels) const {
  auto key_text = string_at(label.key, where, at, "key");
  if (key_text.empty()) {
    fail(where, at, "a label with no key");
  }
  if (label.has_str && label.has_num && label.str != 0 && label.num != 0) {
    fail(where, at, fmt::format("label {} has both a string and a number value", key_text));
  }
  if (label.is_number()) {
    labels.emplace_back(key_text, fmt::format("{}", label.num));
  } else {
    labels.emplace_back(key_text, std::string(string_at(label.str, where, at, "str")));
  }
}

// LabelSets::fold: the labels of samples folded away, as pass 2 checks those it resolves. Of
// several faults, the one in the earliest label is named.
void ProfileDecoder::check_deferred_labels() const {
  enum class Check { key, str, num_unit, both };
  auto out_of_range = [&](int64_t index) {
    return index < 0 || static_cast<uint64_t>(index) >= m_strings.size();
  };
  auto faulty = [&](const LabelRef& ref, Check check) {
    switch (check) {
    case Check::key:
      return out_of_range(ref.index) || string_entry(static_cast<size_t>(ref.index)).empty();
    case Check::both: return true;
    default: return out_of_range(ref.index);
    }
  };
  std::optional<std::pair<LabelRef, Check>> first;
  auto consider = [&](const std::optional<LabelRef>& ref, Check check) {
    if (ref && faulty(*ref, check) &&
        (!first ||
         std::pair(ref->sample, ref->label) < std::pair(first->first.sample, first->first.label))) {
      first = {*ref, check};
    }
  };
  for (const auto& [index, ref] : m_deferred.keys) {
    consider(ref, Check::key);
  }
  consider(m_deferred.str_low, Check::str);
  consider(m_deferred.str_high, Check::str);
  consider(m_deferred.unit_low, Check::num_unit);
  consider(m_deferred.unit_high, Check::num_unit);
  consider(m_deferred.both, Check::both);
  if (!first) {
    return;
  }
  const auto& [ref, check] = *first;
  const Where profile{"Profile", 0, k_profile_names};
  const Where sample{"sample", ref.sample, k_sample_names, &profile};
  const Where where{"label", ref.label, k_label_names, &sample};
  switch (check) {
  case Check::str: string_at(ref.index, where, ref.at, "str"); break;
  case Check::num_unit: string_at(ref.index, where, ref.at, "num_unit"); break;
  case Check::key:
  case Check::both: {
    RawLabel label{ref.index, 1, 1, check == Check::both, check == Check::both};
    std::vector<std::pair<std::string_view, std::string>> ignored;
    resolve_label(label, where, ref.at, ignored);
    break;
  }
  }
  fail(where, ref.at, "internal: a deferred label check found no fault"); // not reached
}

} // namespace

void parse_pprof(ByteSource& source, TextParseContext& context, bool gzipped) {
  ProfileStream stream(source, context.options.limits.max_input_bytes, gzipped);
  if (stream.fill(1) == 0) {
    throw ParseError(0, gzipped ? "pprof: the gzip stream holds no bytes: expected a profile.proto "
                                  "Profile"
                                : "pprof: empty input: expected a profile.proto Profile");
  }

  ProfileDecoder decoder(gzipped, context.options.label_sets);
  decoder.collect(stream);
  decoder.check_strings();
  bool leaked = decoder.check_sample_types();
  decoder.index_tables();
  decoder.push_samples(context.builder, leaked);

  // DONE
  context.out.format = Format::pprof;
  context.out.facts = format_facts(Format::pprof);
  context.out.leak_profile = leaked;
  if (decoder.time_nanos() < 0) {
    decoder.fail(Where{"Profile", 0, k_profile_names}, decoder.time_nanos_offset(),
                 fmt::format("time_nanos {} is before 1970", decoder.time_nanos()));
  }
  if (decoder.time_nanos() > 0) {
    context.out.captured_at = rfc3339_utc(decoder.time_nanos());
  }
}

} // namespace taskdiff
