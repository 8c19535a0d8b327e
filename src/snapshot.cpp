// Writing snapshot files and merging replicas. The file layout (docs/snapshot.md):
//
//   {"schema":"taskdiff.snapshot/1",
//   "tool":{"name":"taskdiff","version":"0.1.0"},
//   "source":{"runtime":"go","facts":{...},"dumps":[{"format":"go-debug2","path":"base.txt"}]},
//   "replicas":1,"total":217,
//   "strings":[
//   "quote.(*Pricer).fetch",
//   ...],
//   "stacks":[
//   {"count":200,"state":"chan send","frames":[[0,1,42],[2,1,30]],"created_by":[3,1,28]},
//   ...]}
//
// Every function name and file appears once, in "strings"; frames are [function, file, line]
// with indexes into it. One line per string and per distinct stack: compact, yet a diff of two
// snapshots in review reads line by line. Fields at their default are left out.
#include "taskdiff/snapshot.hpp"

#include <algorithm>
#include <cstdint>
#include <unordered_map>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <zlib.h>

#include "taskdiff/error.hpp"
#include "taskdiff/version.hpp"

namespace taskdiff {

namespace {

// A JSON string literal. Invalid UTF-8 (a hostile dump) becomes U+FFFD rather than a file
// no JSON parser reads.
std::string json_string(std::string_view text) {
  return nlohmann::json(std::string(text))
      .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

const char* boolean(bool value) {
  return value ? "true" : "false";
}

// The dumps a snapshot stands for: its own list when it was read from a snapshot file or
// merged, else the one dump it was parsed from.
std::vector<Origin> origins_of(const Snapshot& snapshot) {
  if (!snapshot.origins.empty()) {
    return snapshot.origins;
  }
  return {Origin{snapshot.format, snapshot.source, snapshot.captured_at}};
}

// Indexes of the strings the stacks use, in order of first use.
class StringTable {
public:
  uint32_t index(SymbolTable::Id id) {
    auto [it, inserted] = m_index.try_emplace(id, static_cast<uint32_t>(m_order.size()));
    if (inserted) {
      m_order.push_back(id);
    }
    return it->second;
  }
  const std::vector<SymbolTable::Id>& order() const { return m_order; }

private:
  std::unordered_map<SymbolTable::Id, uint32_t> m_index;
  std::vector<SymbolTable::Id> m_order;
};

} // namespace

void write_snapshot(std::ostream& out, const Snapshot& snapshot) {
  std::vector<Origin> origins = origins_of(snapshot);
  out << "{\"schema\":\"" << k_snapshot_schema << "\",\n";
  out << "\"tool\":{\"name\":\"taskdiff\",\"version\":" << json_string(k_version) << "},\n";
  const Facts& facts = snapshot.facts;
  out << "\"source\":{\"runtime\":\"" << runtime_name(snapshot.runtime)
      << "\",\"facts\":{\"wait\":" << boolean(facts.wait)
      << ",\"created_by\":" << boolean(facts.created_by) << ",\"labels\":" << boolean(facts.labels)
      << ",\"thread_names\":" << boolean(facts.thread_names) << "},\"dumps\":[";
  for (size_t i = 0; i < origins.size(); ++i) {
    const Origin& origin = origins[i];
    out << (i > 0 ? "," : "") << "{\"format\":\"" << format_name(origin.format)
        << "\",\"path\":" << json_string(origin.path);
    if (origin.captured_at) {
      out << ",\"captured_at\":" << json_string(*origin.captured_at);
    }
    out << '}';
  }
  out << ']';
  if (!snapshot.panic_message.empty()) {
    out << ",\"panic\":" << json_string(snapshot.panic_message);
  }
  if (snapshot.leak_profile) {
    out << ",\"leak_profile\":true";
  }
  if (snapshot.go_wrappers_named) {
    out << ",\"go_wrappers_named\":true";
  }
  if (snapshot.virtual_threads != 0) {
    out << ",\"virtual_threads\":" << snapshot.virtual_threads;
  }
  if (!snapshot.warnings.empty()) {
    out << ",\"warnings\":[";
    for (size_t i = 0; i < snapshot.warnings.size(); ++i) {
      out << (i > 0 ? "," : "") << json_string(snapshot.warnings[i]);
    }
    out << ']';
  }
  out << "},\n";
  out << "\"replicas\":" << snapshot.replicas << ",\"total\":" << snapshot.total << ",\n";

  // Stacks first into a buffer: the string table they index is written before them.
  StringTable strings;
  std::string stacks;
  auto frame_ref = [&](const Frame& frame) {
    uint32_t function = strings.index(frame.function); // in this order: arguments are unsequenced
    uint32_t file = strings.index(frame.file);
    return fmt::format("[{},{},{}]", function, file, frame.line);
  };
  for (size_t i = 0; i < snapshot.stacks.size(); ++i) {
    const Stack& stack = snapshot.stacks[i];
    stacks += fmt::format("{{\"count\":{}", stack.count);
    if (!stack.state.empty()) {
      stacks += ",\"state\":" + json_string(stack.state);
    }
    if (stack.max_wait_minutes >= 0) {
      stacks += fmt::format(",\"max_wait_minutes\":{}", stack.max_wait_minutes);
    }
    if (stack.locked_to_thread) {
      stacks += ",\"locked\":true";
    }
    if (stack.leaked) {
      stacks += ",\"leaked\":true";
    }
    stacks += ",\"frames\":[";
    for (size_t f = 0; f < stack.frames.size(); ++f) {
      if (f > 0) {
        stacks += ',';
      }
      stacks += frame_ref(stack.frames[f]);
    }
    stacks += ']';
    if (stack.created_by) {
      stacks += ",\"created_by\":" + frame_ref(*stack.created_by);
    }
    if (!stack.labels.empty()) {
      stacks += ",\"labels\":[";
      for (size_t l = 0; l < stack.labels.size(); ++l) {
        stacks += fmt::format("{}[{},{}]", l > 0 ? "," : "", json_string(stack.labels[l].first),
                              json_string(stack.labels[l].second));
      }
      stacks += ']';
    }
    if (!stack.thread_name.empty()) {
      stacks += ",\"thread_name\":" + json_string(stack.thread_name);
    }
    stacks += i + 1 < snapshot.stacks.size() ? "},\n" : "}";
  }

  out << "\"strings\":[";
  const auto& order = strings.order();
  for (size_t i = 0; i < order.size(); ++i) {
    out << (i > 0 ? ",\n" : "\n") << json_string(snapshot.symbols[order[i]]);
  }
  out << "],\n\"stacks\":[\n" << stacks << "]}\n";
}

Snapshot merge_snapshots(std::vector<Snapshot>&& inputs, const Limits& limits) {
  if (inputs.empty()) {
    throw Error("no dump to make a snapshot of");
  }
  Snapshot merged;
  const Snapshot& first = inputs.front();
  merged.runtime = first.runtime;
  merged.format = first.format;
  merged.facts = first.facts;
  merged.leak_profile = true;
  merged.replicas = 0;
  std::vector<std::string> names;
  uint64_t total = 0;
  for (const Snapshot& input : inputs) {
    if (input.total > UINT64_MAX - total) { // each fits 64 bits, their sum need not
      throw Error(input.source, 0,
                  "the goroutine and thread counts of the inputs add up past 2^64: is a "
                  "snapshot edited?");
    }
    total += input.total;
    if (prints_wrappers(input) != prints_wrappers(first)) {
      const Snapshot& level2 = prints_wrappers(input) ? input : first;
      const Snapshot& other = prints_wrappers(input) ? first : input;
      throw Error(input.source, 0,
                  fmt::format("cannot merge {} (a Go traceback at level 2, which prints the "
                              "compiler's go and defer wrappers) with {} (which does not): "
                              "replicas captured at different traceback levels print other "
                              "stacks; give replicas captured the same way",
                              level2.source, other.source));
    }
    if (input.runtime != first.runtime) {
      throw Error(input.source, 0,
                  fmt::format("cannot merge this {} input with {} ({}): replicas of one service "
                              "run one runtime",
                              runtime_name(input.runtime), first.source,
                              runtime_name(first.runtime)));
    }
    if (input.format != merged.format) {
      merged.format = Format::snapshot; // mixed formats: only the origins tell them apart
    }
    merged.facts.wait = merged.facts.wait && input.facts.wait;
    merged.facts.created_by = merged.facts.created_by && input.facts.created_by;
    merged.facts.labels = merged.facts.labels && input.facts.labels;
    merged.facts.thread_names = merged.facts.thread_names && input.facts.thread_names;
    merged.facts.hidden_frames = merged.facts.hidden_frames && input.facts.hidden_frames;
    merged.facts.virtual_threads = merged.facts.virtual_threads && input.facts.virtual_threads;
    merged.virtual_threads += input.virtual_threads;
    merged.leak_profile = merged.leak_profile && input.leak_profile;
    // Only level-2 text says which wrappers it prints; replicas run one Go release.
    merged.go_wrappers_named = merged.go_wrappers_named || input.go_wrappers_named;
    merged.replicas += input.replicas;
    names.push_back(input.source);
  }
  for (const auto& name : names) {
    merged.source += merged.source.empty() ? name : ", " + name;
  }

  StackBuilder builder(limits);
  const Facts& facts = merged.facts;
  try {
    for (const Snapshot& input : inputs) {
      const SymbolTable& symbols = input.symbols;
      for (const Stack& stack : input.stacks) {
        builder.begin(stack.count);
        if (facts.wait && !stack.state.empty()) {
          builder.state(stack.state);
        }
        if (stack.max_wait_minutes >= 0) {
          builder.wait_minutes(stack.max_wait_minutes);
        }
        if (stack.locked_to_thread) {
          builder.locked_to_thread();
        }
        if (stack.leaked) {
          builder.leaked();
        }
        for (const Frame& frame : stack.frames) {
          builder.frame(symbols[frame.function], symbols[frame.file], frame.line);
        }
        if (facts.created_by && stack.created_by) {
          builder.created_by(symbols[stack.created_by->function], symbols[stack.created_by->file],
                             stack.created_by->line);
        }
        if (facts.thread_names && !stack.thread_name.empty()) {
          builder.thread_name(stack.thread_name);
        }
        if (facts.labels) {
          for (const auto& [key, value] : stack.labels) {
            builder.label(key, value);
          }
        }
        builder.commit();
      }
    }
  } catch (const ParseError& error) {
    throw Error(merged.source, 0, error.message());
  }
  builder.finish(merged);
  std::stable_sort(merged.stacks.begin(), merged.stacks.end(),
                   [](const Stack& a, const Stack& b) { return a.count > b.count; });

  for (Snapshot& input : inputs) {
    for (Origin& origin : origins_of(input)) {
      if (origin.captured_at &&
          (!merged.captured_at || *origin.captured_at < *merged.captured_at)) {
        merged.captured_at = origin.captured_at;
      }
      merged.origins.push_back(std::move(origin));
    }
    if (merged.panic_message.empty()) {
      merged.panic_message = input.panic_message;
    }
    for (auto& warning : input.warnings) {
      // A dump's warnings say which dump; a snapshot file's already do.
      merged.warnings.push_back(input.origins.empty() ? fmt::format("{}: {}", input.source, warning)
                                                      : std::move(warning));
    }
  }
  return merged;
}

std::string gzip_compress(std::string_view bytes) {
  z_stream z{};
  // 16 + MAX_WBITS: a gzip wrapper; zlib writes its header with no name and time 0.
  if (deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) !=
      Z_OK) {
    throw Error("cannot start gzip compression (zlib)");
  }
  std::string out;
  char buffer[1 << 16];
  int status = Z_OK;
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
  while (status != Z_STREAM_END) {
    // avail_in is 32 bits: feed large inputs in slices.
    if (z.avail_in == 0) {
      size_t consumed =
          static_cast<size_t>(reinterpret_cast<const char*>(z.next_in) - bytes.data());
      z.avail_in = static_cast<uInt>(std::min<size_t>(bytes.size() - consumed, 1 << 30));
    }
    bool last =
        reinterpret_cast<const char*>(z.next_in) + z.avail_in == bytes.data() + bytes.size();
    z.next_out = reinterpret_cast<Bytef*>(buffer);
    z.avail_out = sizeof buffer;
    status = deflate(&z, last ? Z_FINISH : Z_NO_FLUSH);
    if (status != Z_OK && status != Z_STREAM_END && status != Z_BUF_ERROR) {
      deflateEnd(&z);
      throw Error("gzip compression failed (zlib)");
    }
    out.append(buffer, sizeof buffer - z.avail_out);
  }
  deflateEnd(&z);
  return out;
}

} // namespace taskdiff
