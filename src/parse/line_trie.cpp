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

const LineTrie::Node* LineTrie::root(std::string_view status, bool locked,
                                     std::string_view labels) {
  if (!labels.empty()) {
    m_labelled_key.assign(status);
    m_labelled_key += locked ? 'L' : '-';
    m_labelled_key.append(labels);
    if (auto it = m_labelled_roots.find(m_labelled_key); it != m_labelled_roots.end()) {
      return it->second;
    }
    if (full()) {
      return nullptr;
    }
    Node* node = new_root(m_labelled_key);
    m_labelled_roots.emplace(m_labelled_key, node);
    return node;
  }
  for (const auto& [key, node] : m_roots) {
    if (key.size() == status.size() + 1 && key.back() == (locked ? 'L' : '-') &&
        std::string_view(key).substr(0, status.size()) == status) {
      return node;
    }
  }
  if (full()) {
    return nullptr;
  }
  std::string key(status);
  key += locked ? 'L' : '-';
  Node* node = new_root(key);
  m_roots.emplace_back(std::move(key), node);
  return node;
}

LineTrie::Node* LineTrie::new_root(std::string key) {
  m_bytes += key.size();
  return new_node(nullptr, Kind::exact, {}, 0);
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
