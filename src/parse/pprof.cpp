// Go pprof goroutine profile: profile.proto, as `/debug/pprof/goroutine` (no `debug`) and
// `pprof.Lookup("goroutine").WriteTo(w, 0)` write it (dump-formats.md section 4).
//
// The Input layer has already inflated gzip (Go always gzips; a raw Profile reaches us only when
// `--input-format pprof` was forced). A profile holds one Sample per distinct (stack, label set),
// so even a million goroutines fit in a few KB: the whole message is read into memory and decoded
// with libprotozero. Decoding takes two passes because field order is not fixed (go1.19 and
// go1.23 both start with field 11, period_type, bytes `5a 04 08 01 10 02`) and Go writes the
// string table last.
//
// States, in order; each either moves on or throws ParseError (line 0: binary input has no
// lines, so the message names the byte offset in the decompressed profile):
//
//   READ     the source to its end, at most Limits::max_input_bytes.            -> COLLECT
//            Zero bytes: error.
//   COLLECT  one walk over Profile's fields (pass 1). Samples are kept as views of their bytes;
//            locations, functions and mappings are decoded into tables holding string indexes;
//            each string_table entry is kept as a view; time_nanos is kept.       -> STRINGS
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
//   SAMPLES  pass 2: each Sample decoded, its location ids (leaf first; packed or not) and its
//            one value (the goroutine count) checked, then pushed to the StackBuilder with its
//            labels. Zero samples: error (the writing goroutine is always there).   -> DONE
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

#include <chrono>
#include <cstdint>
#include <fmt/format.h>
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
  { 1, "sample_type" },  { 2, "sample" },
  { 3, "mapping" },      { 4, "location" },
  { 5, "function" },     { 6, "string_table" },
  { 7, "drop_frames" },  { 8, "keep_frames" },
  { 9, "time_nanos" },   { 10, "duration_nanos" },
  { 11, "period_type" }, { 12, "period" },
  { 13, "comment" },     { 14, "default_sample_type" },
};
constexpr FieldName k_value_type_names[] = { { 1, "type" }, { 2, "unit" } };
constexpr FieldName k_sample_names[] = { { 1, "location_id" }, { 2, "value" }, { 3, "label" } };
constexpr FieldName k_label_names[] = { { 1, "key" },
                                        { 2, "str" },
                                        { 3, "num" },
                                        { 4, "num_unit" } };
constexpr FieldName k_mapping_names[] = {
  { 1, "id" },
  { 2, "memory_start" },
  { 3, "memory_limit" },
  { 4, "file_offset" },
  { 5, "filename" },
  { 6, "build_id" },
  { 7, "has_functions" },
  { 8, "has_filenames" },
  { 9, "has_line_numbers" },
  { 10, "has_inline_frames" },
};
constexpr FieldName k_location_names[] = { { 1, "id" },
                                           { 2, "mapping_id" },
                                           { 3, "address" },
                                           { 4, "line" },
                                           { 5, "is_folded" } };
constexpr FieldName k_line_names[] = { { 1, "function_id" }, { 2, "line" }, { 3, "column" } };
constexpr FieldName k_function_names[] = { { 1, "id" },
                                           { 2, "name" },
                                           { 3, "system_name" },
                                           { 4, "filename" },
                                           { 5, "start_line" } };

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
    case 0:
      return "0 (varint)";
    case 1:
      return "1 (64-bit)";
    case 2:
      return "2 (length-delimited)";
    case 3:
      return "3 (start group)";
    case 4:
      return "4 (end group)";
    case 5:
      return "5 (32-bit)";
    default:
      return wire_type == 6 ? "6 (invalid)" : "7 (invalid)";
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

struct Sample {
  data_view bytes;
  size_t offset = 0;
};

// A string index found in a Profile-level field, checked once the table is complete.
struct StringRef {
  int64_t index = 0;
  size_t offset = 0;
  std::string_view what;
};

// `2026-11-22T19:37:55Z` for a time in nanoseconds since the Unix epoch.
std::string rfc3339_utc(int64_t nanos) {
  using namespace std::chrono;
  sys_seconds time{ duration_cast<seconds>(nanoseconds{ nanos }) };
  sys_days day = floor<days>(time);
  year_month_day date{ day };
  hh_mm_ss clock{ time - day };
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
                     static_cast<int>(date.year()),
                     static_cast<unsigned>(date.month()),
                     static_cast<unsigned>(date.day()),
                     clock.hours().count(),
                     clock.minutes().count(),
                     clock.seconds().count());
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
  ProfileDecoder(std::string_view bytes, bool gzipped)
    : m_bytes(bytes)
    , m_gzipped(gzipped) {}

  void collect();
  void check_strings();
  bool check_sample_types(); // true for a goroutineleak profile
  void index_tables();
  void push_samples(StackBuilder& builder, bool leaked);
  int64_t time_nanos() const {
    return m_time_nanos;
  }
  size_t time_nanos_offset() const {
    return m_time_nanos_offset;
  }

  [[noreturn]] void fail(const Where& where, size_t offset, std::string_view problem) const {
    throw ParseError(0,
                     fmt::format("pprof: {} (byte {}{}): {}",
                                 where.text(),
                                 offset,
                                 m_gzipped ? " after gunzip" : "",
                                 problem));
  }

private:
  size_t offset_of(const char* at) const {
    return static_cast<size_t>(at - m_bytes.data());
  }

  template<typename OnField>
  void walk(data_view message, const Where& where, OnField&& on_field);
  void expect(const pbf_reader& reader, const Where& where, size_t at, Shape shape) const;
  template<typename OnValue>
  void read_varints(pbf_reader& reader,
                    const Where& where,
                    size_t at,
                    bool is_signed,
                    OnValue&& on_value);

  // `message_at`: where the message's field starts in its parent, the offset its errors name.
  ValueType decode_value_type(data_view bytes, size_t message_at, const Where& where);
  void decode_location(data_view bytes, size_t message_at, const Where& where);
  void decode_function(data_view bytes, size_t message_at, const Where& where);
  void decode_mapping(data_view bytes, size_t message_at, const Where& where);
  std::string_view string_at(int64_t index,
                             const Where& where,
                             size_t at,
                             std::string_view what) const;

  std::string_view m_bytes;
  bool m_gzipped;

  std::vector<ValueType> m_sample_types;
  std::vector<ValueType> m_period_types;
  std::vector<Sample> m_samples;
  std::vector<Location> m_locations;
  std::vector<Line> m_lines;
  std::vector<ResolvedFrame> m_frames; // parallel to m_lines, filled by index_tables()
  std::vector<Function> m_functions;
  std::vector<std::pair<uint64_t, size_t>> m_mappings; // id, offset
  std::vector<std::string_view> m_strings;
  std::vector<StringRef> m_string_refs;
  int64_t m_time_nanos = 0;
  size_t m_time_nanos_offset = 0;

  std::unordered_map<uint64_t, size_t> m_location_index; // id -> m_locations index
};

// Calls `on_field(reader, offset)` for each field of `message`, `offset` being where the field's
// key starts. Checks that a length-delimited field fits in its message before protozero reads it
// (protozero would cut a length past 2^32 to 32 bits), and turns protozero's exceptions into
// ParseError naming the message and the byte of the field that failed.
template<typename OnField>
void ProfileDecoder::walk(data_view message, const Where& where, OnField&& on_field) {
  pbf_reader reader{ message };
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
          fail(where,
               at,
               fmt::format("{} is {} bytes long but only {} bytes are left in the {}: the profile "
                           "is truncated or corrupt",
                           where.field(reader.tag()),
                           length,
                           left,
                           where.parent ? "enclosing message" : "input"));
        }
      }
      on_field(reader, at);
    }
  } catch (const protozero::unknown_pbf_wire_type_exception&) {
    const char* key_at = field_at;
    uint64_t key = protozero::decode_varint(&key_at, end); // decoded once already: cannot fail
    fail(where,
         offset_of(field_at),
         fmt::format("{} has wire type {}, which profile.proto never uses: not a pprof profile, "
                     "or a corrupt one",
                     where.field(static_cast<uint32_t>(key >> 3U)),
                     wire_type_name(static_cast<uint32_t>(key & 7U))));
  } catch (const protozero::invalid_tag_exception&) {
    fail(where,
         offset_of(field_at),
         "a field number of 0 or in the reserved range 19000-19999: not a pprof profile, or a "
         "corrupt one");
  } catch (const protozero::varint_too_long_exception&) {
    fail(where, offset_of(field_at), "a varint longer than 10 bytes: the profile is corrupt");
  } catch (const protozero::end_of_buffer_exception&) {
    fail(where,
         offset_of(field_at),
         "a field runs past the end of its message: the profile is truncated or corrupt");
  } catch (const protozero::exception& error) {
    fail(where, offset_of(field_at), fmt::format("corrupt protobuf ({})", error.what()));
  }
}

void ProfileDecoder::expect(const pbf_reader& reader,
                            const Where& where,
                            size_t at,
                            Shape shape) const {
  auto wire = reader.wire_type();
  bool ok = false;
  std::string_view expected;
  switch (shape) {
    case Shape::varint:
      ok = wire == pbf_wire_type::varint;
      expected = "0 (varint)";
      break;
    case Shape::bytes:
      ok = wire == pbf_wire_type::length_delimited;
      expected = "2 (length-delimited)";
      break;
    case Shape::repeated_varint:
      ok = wire == pbf_wire_type::varint || wire == pbf_wire_type::length_delimited;
      expected = "0 (varint) or 2 (packed)";
      break;
  }
  if (!ok) {
    fail(where,
         at,
         fmt::format("{} has wire type {}, expected {}",
                     where.field(reader.tag()),
                     wire_type_name(static_cast<uint32_t>(wire)),
                     expected));
  }
}

// A repeated integer field, packed (one length-delimited record) or not (one varint).
template<typename OnValue>
void ProfileDecoder::read_varints(pbf_reader& reader,
                                  const Where& where,
                                  size_t at,
                                  bool is_signed,
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

ValueType ProfileDecoder::decode_value_type(data_view bytes,
                                            size_t message_at,
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
      default:
        reader.skip();
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
        Where line_where{ "line", m_lines.size() - location.first_line + 1, k_line_names, &where };
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
            default:
              field.skip();
          }
        });
        m_lines.push_back(line);
        break;
      }
      default:
        reader.skip();
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
      default:
        reader.skip();
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
        m_string_refs.push_back({ reader.get_int64(), at, what });
        return;
      }
    }
    reader.skip();
  });
  m_mappings.emplace_back(id, message_at);
}

// COLLECT: pass 1 over the Profile message.
void ProfileDecoder::collect() {
  const Where where{ "Profile", 0, k_profile_names };
  walk(data_view{ m_bytes.data(), m_bytes.size() }, where, [&](pbf_reader& reader, size_t at) {
    switch (reader.tag()) {
      case k_profile_sample_type: {
        expect(reader, where, at, Shape::bytes);
        Where child{ "sample_type", m_sample_types.size() + 1, k_value_type_names, &where };
        m_sample_types.push_back(decode_value_type(reader.get_view(), at, child));
        break;
      }
      case k_profile_period_type: {
        expect(reader, where, at, Shape::bytes);
        Where child{ "period_type", 0, k_value_type_names, &where };
        m_period_types.push_back(decode_value_type(reader.get_view(), at, child));
        break;
      }
      case k_profile_sample: {
        expect(reader, where, at, Shape::bytes);
        m_samples.push_back({ reader.get_view(), at });
        break;
      }
      case k_profile_mapping: {
        expect(reader, where, at, Shape::bytes);
        Where child{ "mapping", m_mappings.size() + 1, k_mapping_names, &where };
        decode_mapping(reader.get_view(), at, child);
        break;
      }
      case k_profile_location: {
        expect(reader, where, at, Shape::bytes);
        Where child{ "location", m_locations.size() + 1, k_location_names, &where };
        decode_location(reader.get_view(), at, child);
        break;
      }
      case k_profile_function: {
        expect(reader, where, at, Shape::bytes);
        Where child{ "function", m_functions.size() + 1, k_function_names, &where };
        decode_function(reader.get_view(), at, child);
        break;
      }
      case k_profile_string_table: {
        expect(reader, where, at, Shape::bytes);
        data_view text = reader.get_view();
        m_strings.emplace_back(text.data(), text.size());
        break;
      }
      case k_profile_drop_frames:
      case k_profile_keep_frames: {
        expect(reader, where, at, Shape::varint);
        std::string_view what =
          reader.tag() == k_profile_drop_frames ? "drop_frames" : "keep_frames";
        m_string_refs.push_back({ reader.get_int64(), at, what });
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
          m_string_refs.push_back({ static_cast<int64_t>(index), at, "comment" });
        });
        break;
      default:
        reader.skip(); // a field of a newer profile.proto
    }
  });
}

std::string_view ProfileDecoder::string_at(int64_t index,
                                           const Where& where,
                                           size_t at,
                                           std::string_view what) const {
  if (index < 0 || static_cast<uint64_t>(index) >= m_strings.size()) {
    fail(where,
         at,
         fmt::format("{} is string index {}, but the string table has {} entries (0-{})",
                     what,
                     index,
                     m_strings.size(),
                     m_strings.size() - 1));
  }
  return m_strings[static_cast<size_t>(index)];
}

// STRINGS
void ProfileDecoder::check_strings() {
  if (m_strings.empty()) {
    throw ParseError(0,
                     "pprof: the profile has no string table (Profile field 6): not a pprof "
                     "profile, or a truncated one");
  }
  if (!m_strings[0].empty()) {
    throw ParseError(0,
                     fmt::format("pprof: string table entry 0 is {}, but profile.proto "
                                 "requires the empty string: not a pprof profile",
                                 quote_excerpt(m_strings[0])));
  }
  const Where where{ "Profile", 0, k_profile_names };
  for (const auto& ref : m_string_refs) {
    string_at(ref.index, where, ref.offset, ref.what);
  }
}

// TYPES
bool ProfileDecoder::check_sample_types() {
  const Where profile{ "Profile", 0, k_profile_names };
  std::vector<std::string_view> types;
  std::vector<std::string> described;
  for (size_t i = 0; i < m_sample_types.size(); ++i) {
    const auto& value_type = m_sample_types[i];
    Where where{ "sample_type", i + 1, k_value_type_names, &profile };
    auto type = string_at(value_type.type, where, value_type.offset, "type");
    auto unit = string_at(value_type.unit, where, value_type.offset, "unit");
    types.push_back(type);
    described.push_back(fmt::format("{}/{}", type, unit));
  }
  for (const auto& value_type : m_period_types) {
    Where where{ "period_type", 0, k_value_type_names, &profile };
    string_at(value_type.type, where, value_type.offset, "type");
    string_at(value_type.unit, where, value_type.offset, "unit");
  }
  if (described.size() == 1 &&
      (described[0] == "goroutine/count" || described[0] == "goroutineleak/count")) {
    return described[0] == "goroutineleak/count";
  }
  if (described.empty()) {
    throw ParseError(0,
                     "pprof: the profile declares no sample type (Profile field 1); a goroutine "
                     "profile has exactly one, goroutine/count; capture "
                     "/debug/pprof/goroutine");
  }
  std::string list = fmt::format("{}", fmt::join(described, ", "));
  auto kind = profile_kind(types);
  if (!kind.empty()) {
    throw ParseError(0,
                     fmt::format("pprof: this is {} profile (sample types {}), not a goroutine "
                                 "profile; capture /debug/pprof/goroutine",
                                 kind,
                                 list));
  }
  throw ParseError(0,
                   fmt::format("pprof: sample types {}: not a goroutine profile, which has "
                               "exactly one sample type, goroutine/count (or "
                               "goroutineleak/count); capture /debug/pprof/goroutine",
                               list));
}

// TABLES
void ProfileDecoder::index_tables() {
  const Where profile{ "Profile", 0, k_profile_names };

  std::unordered_map<uint64_t, size_t> functions;
  functions.reserve(m_functions.size());
  for (size_t i = 0; i < m_functions.size(); ++i) {
    auto& function = m_functions[i];
    Where where{ "function", i + 1, k_function_names, &profile };
    if (function.id == 0) {
      fail(where, function.offset, "function id 0 (or none): ids must be nonzero");
    }
    auto [it, inserted] = functions.emplace(function.id, i);
    if (!inserted) {
      fail(where,
           function.offset,
           fmt::format("function id {} is defined twice (first at byte {})",
                       function.id,
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
    Where where{ "mapping", i + 1, k_mapping_names, &profile };
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
    Where where{ "location", i + 1, k_location_names, &profile };
    if (location.id == 0) {
      fail(where, location.offset, "location id 0 (or none): ids must be nonzero");
    }
    auto [it, inserted] = m_location_index.emplace(location.id, i);
    if (!inserted) {
      fail(where,
           location.offset,
           fmt::format("location id {} is defined twice (first at byte {})",
                       location.id,
                       m_locations[it->second].offset));
    }
    if (location.mapping_id != 0 && !mappings.contains(location.mapping_id)) {
      fail(
        where,
        location.offset,
        fmt::format("location id {}: mapping id {} not defined", location.id, location.mapping_id));
    }
    if (location.line_count == 0) {
      fail(where,
           location.offset,
           fmt::format("location id {} has no line: the profile is not symbolized (addresses "
                       "only); symbolize it first, e.g. `go tool pprof -proto BINARY PROFILE`",
                       location.id));
    }
    for (size_t j = 0; j < location.line_count; ++j) {
      const auto& line = m_lines[location.first_line + j];
      Where line_where{ "line", j + 1, k_line_names, &where };
      auto function = functions.find(line.function_id);
      if (function == functions.end()) {
        fail(line_where,
             line.offset,
             line.function_id == 0
               ? fmt::format("location id {}: a line with no function id: the profile is not "
                             "symbolized",
                             location.id)
               : fmt::format(
                   "location id {}: function id {} not defined", location.id, line.function_id));
      }
      if (line.line < 0 || line.line > int64_t{ UINT32_MAX }) {
        fail(line_where,
             line.offset,
             fmt::format("location id {}: line number {} out of range", location.id, line.line));
      }
      const auto& target = m_functions[function->second];
      m_frames[location.first_line + j] = { target.resolved_name,
                                            target.resolved_file,
                                            static_cast<uint32_t>(line.line) };
    }
  }
}

// SAMPLES: pass 2.
void ProfileDecoder::push_samples(StackBuilder& builder, bool leaked) {
  if (m_samples.empty()) {
    throw ParseError(0,
                     "pprof: the profile has no samples, but a goroutine profile always lists "
                     "at least the goroutine that wrote it: the profile is truncated or was "
                     "not written by Go's runtime/pprof");
  }
  const Where profile{ "Profile", 0, k_profile_names };
  std::vector<size_t> locations; // indexes into m_locations, leaf first
  std::vector<int64_t> values;
  std::vector<std::pair<std::string_view, std::string>> labels;
  uint64_t total = 0;
  for (size_t i = 0; i < m_samples.size(); ++i) {
    const auto& sample = m_samples[i];
    const Where where{ "sample", i + 1, k_sample_names, &profile };
    locations.clear();
    values.clear();
    labels.clear();
    walk(sample.bytes, where, [&](pbf_reader& reader, size_t at) {
      switch (reader.tag()) {
        case k_sample_location_id:
          read_varints(reader, where, at, false, [&](uint64_t id) {
            auto it = m_location_index.find(id);
            if (it == m_location_index.end()) {
              fail(where, at, fmt::format("location id {} not defined", id));
            }
            locations.push_back(it->second);
          });
          break;
        case k_sample_value:
          read_varints(reader, where, at, true, [&](uint64_t value) {
            values.push_back(static_cast<int64_t>(value));
          });
          break;
        case k_sample_label: {
          expect(reader, where, at, Shape::bytes);
          const Where label_where{ "label", labels.size() + 1, k_label_names, &where };
          int64_t key = 0;
          int64_t str = 0;
          int64_t num = 0;
          bool has_str = false;
          bool has_num = false;
          walk(reader.get_view(), label_where, [&](pbf_reader& field, size_t field_at) {
            switch (field.tag()) {
              case k_label_key:
                expect(field, label_where, field_at, Shape::varint);
                key = field.get_int64();
                break;
              case k_label_str:
                expect(field, label_where, field_at, Shape::varint);
                str = field.get_int64();
                has_str = true;
                break;
              case k_label_num:
                expect(field, label_where, field_at, Shape::varint);
                num = field.get_int64();
                has_num = true;
                break;
              case k_label_num_unit:
                expect(field, label_where, field_at, Shape::varint);
                string_at(field.get_int64(), label_where, field_at, "num_unit");
                break;
              default:
                field.skip();
            }
          });
          auto key_text = string_at(key, label_where, at, "key");
          if (key_text.empty()) {
            fail(label_where, at, "a label with no key");
          }
          if (has_str && has_num && str != 0 && num != 0) {
            fail(label_where,
                 at,
                 fmt::format("label {} has both a string and a number value", key_text));
          }
          if (has_num && !(has_str && str != 0)) {
            labels.emplace_back(key_text, fmt::format("{}", num));
          } else {
            labels.emplace_back(key_text, std::string(string_at(str, label_where, at, "str")));
          }
          break;
        }
        default:
          reader.skip();
      }
    });
    if (values.size() != m_sample_types.size()) {
      fail(where,
           sample.offset,
           fmt::format("{} values, but the profile declares {} sample type{} (goroutine/count)",
                       values.size(),
                       m_sample_types.size(),
                       m_sample_types.size() == 1 ? "" : "s"));
    }
    if (values[0] <= 0) {
      fail(where,
           sample.offset,
           fmt::format("goroutine count {}: expected a positive count", values[0]));
    }
    auto count = static_cast<uint64_t>(values[0]);
    if (total + count < total) {
      fail(where, sample.offset, "the goroutine counts add up past 2^64");
    }
    total += count;

    try {
      builder.begin(count);
      if (leaked) {
        builder.leaked();
      }
      if (locations.empty()) {
        // A goroutine whose only frame was runtime.goexit, which Go's profile builder drops.
        builder.frame("runtime.goexit", "", 0);
      }
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
      fail(where, sample.offset, error.message());
    }
  }
}

} // namespace

void parse_pprof(ByteSource& source, TextParseContext& context, bool gzipped) {
  // READ
  const uint64_t limit = context.options.limits.max_input_bytes;
  std::string bytes;
  constexpr size_t k_chunk = 64 * 1024;
  for (;;) {
    size_t have = bytes.size();
    bytes.resize(have + k_chunk);
    size_t n = source.read(bytes.data() + have, k_chunk);
    bytes.resize(have + n);
    if (n == 0) {
      break;
    }
    if (bytes.size() > limit) {
      throw ParseError(0,
                       fmt::format("pprof: profile larger than {} bytes{} (the --max-input-size "
                                   "limit); raise --max-input-size if it is really that large",
                                   limit,
                                   gzipped ? " after gunzip" : ""));
    }
  }
  if (bytes.empty()) {
    throw ParseError(0,
                     gzipped ? "pprof: the gzip stream holds no bytes: expected a profile.proto "
                               "Profile"
                             : "pprof: empty input: expected a profile.proto Profile");
  }

  ProfileDecoder decoder(bytes, gzipped);
  decoder.collect();
  decoder.check_strings();
  bool leaked = decoder.check_sample_types();
  decoder.index_tables();
  decoder.push_samples(context.builder, leaked);

  // DONE
  context.out.format = Format::pprof;
  context.out.facts = format_facts(Format::pprof);
  context.out.leak_profile = leaked;
  if (decoder.time_nanos() < 0) {
    decoder.fail(Where{ "Profile", 0, k_profile_names },
                 decoder.time_nanos_offset(),
                 fmt::format("time_nanos {} is before 1970", decoder.time_nanos()));
  }
  if (decoder.time_nanos() > 0) {
    context.out.captured_at = rfc3339_utc(decoder.time_nanos());
  }
}

} // namespace taskdiff
