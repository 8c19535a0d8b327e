#include "line_trie.hpp"

namespace taskdiff {

void LineTrie::Path::add(Kind kind, std::string_view line, size_t prefix) {
  m_text.append(line);
  m_lines.push_back(
      Line{kind, static_cast<uint32_t>(m_text.size()), static_cast<uint32_t>(prefix)});
}

void LineTrie::Path::add_function(std::string_view function) {
  m_text.append(function);
  m_text.append("()");
  m_lines.push_back(Line{Kind::function, static_cast<uint32_t>(m_text.size()),
                         static_cast<uint32_t>(function.size() + 1)});
}

const LineTrie::Node* LineTrie::root(std::string_view status, bool locked) {
  // A dump has a few statuses, and every goroutine looks its own up: a slot chosen by the
  // status's length and ends names the root last found there, before the scan of them all.
  size_t slot = (status.size() * 7 + (locked ? 1 : 0) +
                 (status.empty() ? 0
                                 : static_cast<unsigned char>(status.front()) * 3 +
                                       static_cast<unsigned char>(status.back()))) %
                m_recent.size();
  auto same = [&](const Root& root) { return root.locked == locked && root.status == status; };
  if (uint32_t recent = m_recent[slot]; recent != 0 && same(m_roots[recent - 1])) {
    return m_roots[recent - 1].node;
  }
  for (size_t i = 0; i < m_roots.size(); ++i) {
    if (same(m_roots[i])) {
      m_recent[slot] = static_cast<uint32_t>(i + 1);
      return m_roots[i].node;
    }
  }
  if (full()) {
    return nullptr;
  }
  Node* node = new_node(nullptr, Kind::exact, {}, 0);
  m_bytes += status.size();
  m_roots.push_back(Root{std::string(status), locked, node});
  m_recent[slot] = static_cast<uint32_t>(m_roots.size());
  return node;
}

void LineTrie::add(const Node* root, const Path& path, StackBuilder::StackId stack) {
  // The trie's own nodes: the const views handed out keep callers from changing them.
  auto* node = const_cast<Node*>(root);
  uint32_t start = 0;
  for (const Path::Line& line : path.m_lines) {
    std::string_view text(path.m_text.data() + start, line.end - start);
    start = line.end;
    Node* next = nullptr;
    for (Node* child : node->children) {
      if (child->kind == line.kind && child->line == text) {
        next = child;
        break;
      }
    }
    if (next == nullptr) {
      if (full() || node->children.size() >= k_max_children) {
        return;
      }
      next = new_node(node, line.kind, text, line.prefix);
      node->children.push_back(next);
    }
    node = next;
  }
  node->ends = true;
  node->stack = stack;
}

LineTrie::Node* LineTrie::new_node(const Node* parent, Kind kind, std::string_view line,
                                   uint32_t prefix) {
  Node& node = m_nodes.emplace_back();
  node.parent = parent;
  node.kind = kind;
  node.line.assign(line);
  node.prefix = prefix;
  m_bytes += sizeof(Node) + line.size();
  return &node;
}

} // namespace taskdiff
