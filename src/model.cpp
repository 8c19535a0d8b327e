#include "taskdiff/model.hpp"

#include <algorithm>
#include <cstring>

#include <fmt/format.h>
#include <xxhash.h>

#include "taskdiff/error.hpp"

namespace taskdiff {

namespace {

struct FormatInfo {
  Format format;
  std::string_view name;
  Facts facts;
};

// wait, created_by, labels, thread_names, hidden_frames, virtual_threads
constexpr FormatInfo k_formats[] = {
    {Format::go_debug2, "go-debug2", {true, true, false, false, false, false}},
    {Format::go_traceback, "go-traceback", {true, true, false, false, false, false}},
    {Format::go_debug1, "go-debug1", {false, false, true, false, false, false}},
    {Format::pprof, "pprof", {false, false, true, false, false, false}},
    {Format::java, "java", {true, false, false, true, true, false}},
    {Format::java_threads_text, "java-threads-text", {true, false, false, true, false, true}},
    {Format::java_threads_json, "java-threads-json", {true, false, false, true, false, true}},
    {Format::snapshot, "snapshot", {true, true, true, false, false, false}},
    {Format::tasks_json, "tasks-json", {true, true, true, false, false, false}},
};

// Record encoding: fields, each a tag byte, a 4-byte length, the bytes (a frame field differs:
// see k_function); then the paths of the frame and creator fields, in field order, each the
// 4-byte id of the path in the builder's paths; then the 4-byte size of the fields part.
// Length-prefixed, so names holding any byte (NUL included) cannot forge a field boundary.
enum Tag : char {
  k_state = 'S',
  k_locked = 'L',
  k_leaked = 'X',
  k_function = 'F', // a frame: function and line (its file is kept apart, see StackBuilder)
  k_creator = 'C',
  k_creator_line = 'm',
  k_label_key = 'K',
  k_label_value = 'V',
  k_thread = 'T',
};

std::string_view line_bytes(const uint32_t& line) {
  return {reinterpret_cast<const char*>(&line), sizeof line};
}

uint32_t read_u32(const char* at) {
  uint32_t value;
  std::memcpy(&value, at, sizeof value);
  return value;
}

} // namespace

std::string_view format_name(Format format) {
  for (const auto& info : k_formats) {
    if (info.format == format) {
      return info.name;
    }
  }
  return "unknown";
}

std::optional<Format> format_from_name(std::string_view name) {
  for (const auto& info : k_formats) {
    if (info.name == name) {
      return info.format;
    }
  }
  return std::nullopt;
}

std::vector<Format> all_formats() {
  std::vector<Format> out;
  for (const auto& info : k_formats) {
    out.push_back(info.format);
  }
  return out;
}

Runtime format_runtime(Format format) {
  switch (format) {
  case Format::java:
  case Format::java_threads_text:
  case Format::java_threads_json: return Runtime::java;
  case Format::tasks_json: return Runtime::other;
  default: return Runtime::go;
  }
}

std::string_view runtime_name(Runtime runtime) {
  switch (runtime) {
  case Runtime::go: return "go";
  case Runtime::java: return "java";
  case Runtime::other: return "other";
  }
  return "other";
}

std::optional<Runtime> runtime_from_name(std::string_view name) {
  for (Runtime runtime : {Runtime::go, Runtime::java, Runtime::other}) {
    if (runtime_name(runtime) == name) {
      return runtime;
    }
  }
  return std::nullopt;
}

Facts format_facts(Format format) {
  for (const auto& info : k_formats) {
    if (info.format == format) {
      return info.facts;
    }
  }
  return {};
}

size_t SymbolTable::Hash::operator()(std::string_view text) const {
  return static_cast<size_t>(XXH3_64bits(text.data(), text.size()));
}

SymbolTable::SymbolTable(const SymbolTable& other) : m_strings(other.m_strings) {
  m_ids.reserve(m_strings.size());
  for (size_t id = 0; id < m_strings.size(); ++id) {
    m_ids.emplace(m_strings[id], static_cast<Id>(id));
  }
}

SymbolTable& SymbolTable::operator=(const SymbolTable& other) {
  if (this != &other) {
    *this = SymbolTable(other);
  }
  return *this;
}

SymbolTable::Id SymbolTable::intern(std::string_view text) {
  if (auto it = m_ids.find(text); it != m_ids.end()) {
    return it->second;
  }
  auto id = static_cast<Id>(m_strings.size());
  m_strings.emplace_back(text);
  m_ids.emplace(std::string_view(m_strings.back()), id);
  return id;
}

size_t StackBuilder::KeyHash::operator()(std::string_view key) const {
  uint32_t hashed;
  std::memcpy(&hashed, key.data() + key.size() - sizeof hashed, sizeof hashed);
  return static_cast<size_t>(XXH3_64bits(key.data(), hashed));
}

StackBuilder::StackBuilder(const Limits& limits, LabelSets label_sets)
    : m_limits(limits), m_label_sets(label_sets) {}

char* StackBuilder::Bytes::grow(size_t bytes) {
  if (m_size + bytes > m_capacity) {
    size_t capacity = std::max(m_capacity * 2, m_size + bytes);
    std::unique_ptr<char[]> bigger(new char[capacity]);
    std::memcpy(bigger.get(), m_data.get(), m_size);
    m_data = std::move(bigger);
    m_capacity = capacity;
  }
  char* at = m_data.get() + m_size;
  m_size += bytes;
  return at;
}

void StackBuilder::put_field(char tag, std::string_view text) {
  // One resize and one copy per field: this runs for every frame of every goroutine.
  auto size = static_cast<uint32_t>(text.size());
  char* out = m_key.grow(1 + sizeof size + text.size());
  *out = tag;
  std::memcpy(out + 1, &size, sizeof size);
  if (!text.empty()) { // an empty view may have a null data(): memcpy from null is undefined
    std::memcpy(out + 1 + sizeof size, text.data(), text.size());
  }
}

void StackBuilder::begin(uint64_t count) {
  m_key.clear();
  m_files.clear();
  m_labels.clear();
  m_count = count;
  m_minutes = -1;
  m_frames = 0;
  m_pending_function = 0;
}

void StackBuilder::state(std::string_view state) {
  put_field(k_state, state);
}

void StackBuilder::wait_minutes(int64_t minutes) {
  m_minutes = std::max(m_minutes, minutes);
}

void StackBuilder::locked_to_thread() {
  put_field(k_locked, {});
}

void StackBuilder::leaked() {
  put_field(k_leaked, {});
}

void StackBuilder::frame(std::string_view function, std::string_view file, uint32_t line,
                         uint64_t at_line) {
  frame_function(function, at_line);
  frame_file(file, line);
}

// A frame field: tag, function length, function, line; its file's id goes to m_files, in frame
// order.
void StackBuilder::frame_function(std::string_view function, uint64_t at_line) {
  if (++m_frames > m_limits.max_frames) {
    throw LimitError(at_line, fmt::format("more than {} frames in one stack (the limit of frames "
                                          "per stack); is this really a thread dump?",
                                          m_limits.max_frames));
  }
  auto function_size = static_cast<uint32_t>(function.size());
  char* out = m_key.grow(1 + sizeof function_size + function.size());
  *out++ = k_function;
  std::memcpy(out, &function_size, sizeof function_size);
  out += sizeof function_size;
  if (!function.empty()) { // an empty view may have a null data()
    std::memcpy(out, function.data(), function.size());
  }
  m_pending_function = m_key.size() - function.size();
}

void StackBuilder::frame_file(std::string_view file, uint32_t line) {
  std::memcpy(m_key.grow(sizeof line), &line, sizeof line);
  put_file(file);
}

void StackBuilder::put_file(std::string_view file) {
  SymbolTable::Id id = m_paths.intern(file);
  std::memcpy(m_files.grow(sizeof id), &id, sizeof id);
}

std::string_view StackBuilder::pending_function() const {
  if (m_pending_function == 0) { // no frame_function since begin: offset 0 is the key's start
    return {};
  }
  return {m_key.data() + m_pending_function,
          read_u32(m_key.data() + m_pending_function - sizeof(uint32_t))};
}

void StackBuilder::created_by(std::string_view function, std::string_view file, uint32_t line) {
  put_field(k_creator, function);
  put_file(file);
  put_field(k_creator_line, line_bytes(line));
}

void StackBuilder::label(std::string_view key, std::string_view value) {
  m_labels.emplace_back(key, value);
}

void StackBuilder::thread_name(std::string_view normalized_name) {
  put_field(k_thread, normalized_name);
}

void StackBuilder::commit(uint64_t at_line) {
  check_total(at_line); // before max_groups: a sum past 2^64 says more of the input
  if (m_label_sets == LabelSets::keep) {
    std::sort(m_labels.begin(), m_labels.end());
    for (const auto& [key, value] : m_labels) {
      put_field(k_label_key, key);
      put_field(k_label_value, value);
    }
  }
  auto hashed = static_cast<uint32_t>(m_key.size());
  std::memcpy(m_key.grow(m_files.size()), m_files.data(), m_files.size());
  std::memcpy(m_key.grow(sizeof hashed), &hashed, sizeof hashed);
  std::string_view key(m_key.data(), m_key.size());
  auto it = m_table.find(key);
  if (it == m_table.end()) {
    if (m_table.size() >= m_limits.max_groups) {
      throw LimitError(at_line, fmt::format("more than {} distinct stacks (the limit of groups, "
                                            "--max-groups)",
                                            m_limits.max_groups));
    }
    it = m_table.emplace(std::string(key), static_cast<StackId>(m_entries.size())).first;
    m_entries.push_back(Entry{0, -1, m_next_order++});
  }
  commit_to(it->second, at_line);
}

void StackBuilder::check_total(uint64_t at_line) const {
  if (m_count > UINT64_MAX - m_total) {
    throw LimitError(at_line, "the goroutine counts add up past 2^64: the input is corrupt or "
                              "was edited");
  }
}

void StackBuilder::commit_to(StackId stack, uint64_t at_line) {
  check_total(at_line);
  m_total += m_count;
  ++m_records;
  Entry& entry = m_entries[stack];
  entry.count += m_count;
  entry.max_wait_minutes = std::max(entry.max_wait_minutes, m_minutes);
  m_last_stack = stack;
  if (m_label_sets == LabelSets::fold && !m_labels.empty()) {
    std::sort(m_labels.begin(), m_labels.end());
    fold_labels(entry.order, m_count, std::move(m_labels));
  }
}

void StackBuilder::fold_labels(uint64_t order, uint64_t count,
                               std::vector<std::pair<std::string, std::string>>&& labels) {
  FoldedLabels& folded = m_folded[order];
  if (count > folded.count) {
    folded.count = count;
    folded.labels = std::move(labels);
  }
}

void StackBuilder::merge(StackBuilder&& other) {
  // The two halves of one dump mostly hold the same stacks: those only add counts. A stack new to
  // this table is copied in. (Moving each node across with extract() cost more than the copies
  // it saved: unlinking a node walks its bucket's chain, a cache miss or two per node, and a dump
  // with 160,000 distinct stacks spent an eighth of its time there.)
  if (other.m_total > UINT64_MAX - m_total) {
    throw LimitError(0, "the goroutine counts add up past 2^64: the input is corrupt or was "
                        "edited");
  }
  uint64_t offset = m_next_order; // the other's stacks come after this one's
  auto take_labels = [&](uint64_t from, uint64_t to) {
    if (auto it = other.m_folded.find(from); it != other.m_folded.end()) {
      fold_labels(to, it->second.count, std::move(it->second.labels));
    }
  };
  if (m_table.empty()) {
    m_table.swap(other.m_table);
    m_entries.swap(other.m_entries);
    m_paths = std::move(other.m_paths); // no key of this builder's refers to its own
    for (Entry& entry : m_entries) {
      take_labels(entry.order, entry.order + offset);
      entry.order += offset;
    }
  } else {
    // The other's keys end in ids of its paths: each is rewritten with this builder's ids (a
    // path looked up once), then looked up.
    std::vector<SymbolTable::Id> ids(other.m_paths.size(), k_unmapped);
    std::string recoded;
    for (const auto& [key, from] : other.m_table) {
      recoded = key;
      size_t paths_end = key.size() - sizeof(uint32_t);
      for (size_t at = read_u32(key.data() + paths_end); at < paths_end; at += sizeof(uint32_t)) {
        SymbolTable::Id theirs = read_u32(key.data() + at);
        if (ids[theirs] == k_unmapped) {
          ids[theirs] = m_paths.intern(other.m_paths[theirs]);
        }
        std::memcpy(recoded.data() + at, &ids[theirs], sizeof(uint32_t));
      }
      const Entry& entry = other.m_entries[from];
      auto [found, inserted] = m_table.try_emplace(recoded, static_cast<StackId>(m_entries.size()));
      if (inserted) {
        m_entries.push_back(entry);
        m_entries.back().order += offset;
      } else {
        Entry& into = m_entries[found->second];
        into.count += entry.count;
        into.max_wait_minutes = std::max(into.max_wait_minutes, entry.max_wait_minutes);
      }
      take_labels(entry.order, m_entries[found->second].order);
    }
    other.m_table.clear();
    other.m_entries.clear();
    other.m_paths = {};
  }
  other.m_folded.clear();
  m_next_order += other.m_next_order;
  if (m_table.size() > m_limits.max_groups) {
    throw LimitError(0, fmt::format("more than {} distinct stacks (the limit of groups, "
                                    "--max-groups)",
                                    m_limits.max_groups));
  }
  m_records += other.m_records;
  m_total += other.m_total;
}

namespace {

// Names as valid UTF-8: each byte that does not belong to a well-formed sequence becomes U+FFFD,
// as a JSON report or a snapshot must write it, so a dump and the snapshot made from it group
// alike (regression tests/fuzz/regressions/go_text/invalid-utf8-name). Runs once per distinct
// stack, not per goroutine. Returns `text` itself when it is valid (nearly always).
std::string_view valid_utf8(std::string_view text, std::string& buffer) {
  auto byte = [&](size_t i) { return static_cast<unsigned char>(text[i]); };
  auto sequence = [&](size_t i) -> size_t { // length of the valid sequence at i, 0 if none
    unsigned char c = byte(i);
    if (c < 0x80) {
      return 1;
    }
    size_t n = c >= 0xc2 && c <= 0xdf   ? 2
               : c >= 0xe0 && c <= 0xef ? 3
               : c >= 0xf0 && c <= 0xf4 ? 4
                                        : 0;
    if (n == 0 || i + n > text.size()) {
      return 0;
    }
    unsigned char lo = 0x80, hi = 0xbf; // the second byte's range (Unicode table 3-7)
    if (c == 0xe0 || c == 0xf0) {
      lo = c == 0xe0 ? 0xa0 : 0x90; // no overlong forms
    } else if (c == 0xed || c == 0xf4) {
      hi = c == 0xed ? 0x9f : 0x8f; // no surrogates, nothing past U+10FFFF
    }
    if (byte(i + 1) < lo || byte(i + 1) > hi) {
      return 0;
    }
    for (size_t k = 2; k < n; ++k) {
      if (byte(i + k) < 0x80 || byte(i + k) > 0xbf) {
        return 0;
      }
    }
    return n;
  };
  // ASCII, eight bytes at a time, before the sequence-by-sequence check.
  size_t i = 0;
  for (uint64_t word; i + 8 <= text.size(); i += 8) {
    std::memcpy(&word, text.data() + i, 8);
    if ((word & 0x8080808080808080u) != 0) {
      break;
    }
  }
  while (i < text.size()) {
    size_t n = sequence(i);
    if (n == 0) {
      break;
    }
    i += n;
  }
  if (i == text.size()) {
    return text;
  }
  buffer.assign(text.substr(0, i));
  while (i < text.size()) {
    size_t n = sequence(i);
    if (n == 0) {
      buffer += "\xef\xbf\xbd";
      ++i;
    } else {
      buffer.append(text.substr(i, n));
      i += n;
    }
  }
  return buffer;
}

} // namespace

void StackBuilder::finish(Snapshot& snapshot) {
  using Iterator = decltype(m_table)::iterator;
  std::vector<Iterator> ordered;
  ordered.reserve(m_table.size());
  for (auto it = m_table.begin(); it != m_table.end(); ++it) {
    ordered.push_back(it);
  }
  std::sort(ordered.begin(), ordered.end(), [this](Iterator a, Iterator b) {
    return m_entries[a->second].order < m_entries[b->second].order;
  });
  snapshot.stacks.reserve(snapshot.stacks.size() + ordered.size());

  auto& symbols = snapshot.symbols;
  std::string clean; // valid_utf8's buffer
  // The snapshot's id of each of the builder's paths, found the first time a stack uses it.
  std::vector<SymbolTable::Id> ids(m_paths.size(), k_unmapped);
  auto path_symbol = [&](SymbolTable::Id id) {
    if (ids[id] == k_unmapped) {
      ids[id] = symbols.intern(valid_utf8(m_paths[id], clean));
    }
    return ids[id];
  };
  for (Iterator item : ordered) {
    // Not a structured binding: clang before 16 cannot capture one in the lambda below.
    const std::string* key = &item->first;
    const Entry* entry = &m_entries[item->second];
    Stack stack;
    stack.count = entry->count;
    stack.max_wait_minutes = entry->max_wait_minutes;
    if (auto folded = m_folded.find(entry->order); folded != m_folded.end()) {
      for (const auto& [name, value] : folded->second.labels) { // else in the key, read below
        stack.labels.emplace_back(valid_utf8(name, clean), "");
        stack.labels.back().second = valid_utf8(value, clean);
      }
      m_folded.erase(folded);
    }
    Frame frame;
    Frame creator;
    std::string label_key;
    size_t pos = 0;
    size_t fields_end = read_u32(key->data() + key->size() - sizeof(uint32_t));
    size_t file_pos = fields_end; // the paths of frames and creator, in field order
    auto next_file = [&] {
      SymbolTable::Id file = path_symbol(read_u32(key->data() + file_pos));
      file_pos += sizeof(uint32_t);
      return file;
    };
    while (pos < fields_end) {
      char tag = (*key)[pos];
      if (tag == k_function) {
        // tag, function length, function, line; the file from the paths
        uint32_t function_size = read_u32(key->data() + pos + 1);
        std::string_view function(key->data() + pos + 5, function_size);
        pos += 5 + function_size;
        frame.line = read_u32(key->data() + pos);
        pos += 4;
        frame.function = symbols.intern(valid_utf8(function, clean));
        frame.file = next_file();
        stack.frames.push_back(frame);
        continue;
      }
      uint32_t size;
      std::memcpy(&size, key->data() + pos + 1, sizeof size);
      std::string_view raw(key->data() + pos + 1 + sizeof size, size);
      pos += 1 + sizeof size + size;
      uint32_t line = 0;
      if (size == sizeof line) {
        std::memcpy(&line, raw.data(), sizeof line);
      }
      std::string_view text = tag == k_creator_line ? raw : valid_utf8(raw, clean);
      switch (tag) {
      case k_state: stack.state = text; break;
      case k_locked: stack.locked_to_thread = true; break;
      case k_leaked: stack.leaked = true; break;
      case k_creator:
        creator.function = symbols.intern(text);
        creator.file = next_file();
        break;
      case k_creator_line:
        creator.line = line;
        stack.created_by = creator;
        break;
      case k_label_key: label_key = text; break;
      case k_label_value: stack.labels.emplace_back(label_key, text); break;
      case k_thread: stack.thread_name = text; break;
      }
    }
    snapshot.stacks.push_back(std::move(stack));
    // Each key is freed as soon as it is decoded: the table and the stacks made from it are
    // never both whole in memory (a 1M-goroutine debug=1 dump with 45,000 records peaked at
    // their sum).
    m_table.erase(item);
  }
  m_entries = {};
  m_paths = {};
  snapshot.total += m_total;
}

bool prints_wrappers(const Snapshot& snapshot) {
  if (snapshot.runtime != Runtime::go || snapshot.go_wrappers_named) {
    return false;
  }
  return std::any_of(snapshot.stacks.begin(), snapshot.stacks.end(), [&](const Stack& stack) {
    return stack.frames.size() >= 3 &&
           snapshot.symbols[stack.frames.back().function] == "runtime.goexit";
  });
}

std::string_view short_function(std::string_view function) {
  auto slash = function.rfind('/');
  // A slash inside a generic bracket or a receiver does not start a package path element.
  auto bracket = function.find_first_of("[(");
  if (slash == std::string_view::npos || (bracket != std::string_view::npos && slash > bracket)) {
    return function;
  }
  return function.substr(slash + 1);
}

} // namespace taskdiff
