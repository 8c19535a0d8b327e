// The goroutines of a debug=2 dump read so far, as a trie of their lines, so that a goroutine
// repeating an earlier one's stack is counted without being parsed again (go_text.cpp).
//
// A large process's dump is the same few stacks many times over, and what differs between two
// goroutines with one stack is what the parser throws away: argument values
// (`main.work(0xc000012345, 0x1)`), `+0x` offsets, `in goroutine 7`. A node holds one line as the
// parser took it, those parts left out, and a rule a line must follow to be its repeat: a line
// the parser would read exactly as it read the node's. A walk from a header's root along the
// lines of a goroutine either reaches the empty line after a node where an earlier goroutine
// ended (the same stack: StackBuilder::commit_to), or stops at a line no child repeats, and the
// parser reads the goroutine line by line, the lines walked over replayed from the nodes.
//
// Bounded: past k_max_bytes, or k_max_children children of one node, nothing more is added, and
// the goroutines the trie does not hold are read line by line.
#pragma once

#include <cstdint>
#include <cstring>
#include <deque>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <absl/container/flat_hash_map.h>

#include "taskdiff/model.hpp"

namespace taskdiff {

class LineTrie {
public:
  // What the parser took from a line, and what a repeat of it may differ in.
  enum class Kind : uint8_t {
    function,    // `pkg.F(0x1, 0x2)`: the name and its `(`; a repeat's arguments end in `)`, no `(`
    file,        // `<TAB>/src/f.go:12`: up to the line number; a repeat ends there or goes on with
                 // a space and no `:` (parse_file_line takes the last `:`)
    file_offset, // `<TAB>/src/f.go:12 +0x1d`: the same, but a repeat goes on with ` +0x`, a
                 // digit, and no `:` (one stopping before, cut, is read line by line)
    creator,     // `created by pkg.F in goroutine 7`: up to the function; a repeat ends there or
                 // with ` in goroutine N`
    exact,       // anything else (`...additional frames elided...`, `non-Go function at ...`)
  };

  struct Node {
    const Node* parent = nullptr;
    // A line the parser reads as it read the node's (for a function, its name and `()`), and
    // how many of its bytes a repeat starts with.
    std::string line;
    uint32_t prefix = 0;
    Kind kind = Kind::exact;
    bool ends = false; // an earlier goroutine ended after this line, in `stack`
    StackBuilder::StackId stack = 0;
    std::vector<Node*> children;
  };

  // A goroutine's lines as the parser reads them line by line, to be added to the trie.
  class Path {
  public:
    void clear() {
      m_text.clear();
      m_lines.clear();
    }
    void add(Kind kind, std::string_view line, size_t prefix);
    // A function line, `pkg.F(...)`, as `pkg.F()`.
    void add_function(std::string_view function);

  private:
    friend class LineTrie;
    struct Line {
      Kind kind;
      uint32_t end; // of its line in m_text
      uint32_t prefix;
    };
    std::string m_text;
    std::vector<Line> m_lines;
  };

  // The root of the goroutines with this header's status and `labels` (the header's text of
  // them, empty for none, or where the stack does not keep them); null when the trie is full.
  const Node* root(std::string_view status, bool locked, std::string_view labels = {});
  // The child of `node` that `line` repeats, or null. (Inline: it runs for nearly every line of
  // a large dump.)
  static const Node* match(const Node* node, std::string_view line) {
    for (const Node* child : node->children) {
      if (repeats(*child, line)) {
        return child;
      }
    }
    return nullptr;
  }
  // Adds a goroutine's lines below `root`, ending in `stack`, as far as there is room.
  void add(const Node* root, const Path& path, StackBuilder::StackId stack);
  bool full() const { return m_bytes >= k_max_bytes; }

private:
  // Whether the parser reads `line` as it read `node`'s line (the rules at Kind).
  static bool repeats(const Node& node, std::string_view line) {
    if (line.size() < node.prefix || std::memcmp(line.data(), node.line.data(), node.prefix) != 0) {
      return false;
    }
    std::string_view rest = line.substr(node.prefix);
    switch (node.kind) {
    case Kind::function:
      return !rest.empty() && rest.back() == ')' &&
             std::memchr(rest.data(), '(', rest.size()) == nullptr;
    case Kind::file:
      return rest.empty() ||
             (rest[0] == ' ' && std::memchr(rest.data(), ':', rest.size()) == nullptr);
    case Kind::file_offset:
      return rest.size() > 4 && std::memcmp(rest.data(), " +0x", 4) == 0 &&
             std::memchr(rest.data(), ':', rest.size()) == nullptr;
    case Kind::creator: {
      constexpr std::string_view k_in = " in goroutine ";
      if (rest.empty()) {
        return true;
      }
      if (rest.size() <= k_in.size() || rest.substr(0, k_in.size()) != k_in) {
        return false;
      }
      for (char c : rest.substr(k_in.size())) {
        if (c < '0' || c > '9') {
          return false;
        }
      }
      return true;
    }
    case Kind::exact: return rest.empty();
    }
    return false;
  }

  static constexpr size_t k_max_bytes = size_t{1} << 20;
  static constexpr size_t k_max_children = 16;

  Node* new_node(const Node* parent, Kind kind, std::string_view line, uint32_t prefix);

  std::deque<Node> m_nodes;
  Node* new_root(std::string key);

  std::vector<std::pair<std::string, Node*>> m_roots; // by status, `locked to thread` marked
  // Goroutines with labels (Go 1.27's headers), by status and labels: there may be a root per
  // request, so not a list to search.
  absl::flat_hash_map<std::string, Node*> m_labelled_roots;
  std::string m_labelled_key;
  size_t m_bytes = 0;
};

} // namespace taskdiff
