#include "cluster/config/conf_tree.h"

namespace vigil::config {
namespace {

constexpr size_t kMaxDepth = 16;

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

bool IsName(std::string_view s) {
  if (s.empty()) return false;
  for (const char c : s) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '-' || c == '.';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

Result<ConfSection> ParseConfTree(std::string_view text, std::string_view source) {
  auto error = [&](int line, const std::string& what) {
    return Status(StatusCode::kParseError, std::string(source) + ":" + std::to_string(line) + ": " + what);
  };
  ConfSection root;
  std::vector<ConfSection*> open{&root};  // pointers stay valid: only the innermost grows
  int line_no = 0;
  size_t pos = 0;
  while (pos <= text.size()) {
    const size_t end = text.find('\n', pos);
    std::string_view line = text.substr(pos, end == std::string_view::npos ? std::string_view::npos : end - pos);
    pos = end == std::string_view::npos ? text.size() + 1 : end + 1;
    ++line_no;
    line = Trim(line);
    if (line.empty() || line.front() == '#') continue;
    if (line == "}") {
      if (open.size() == 1) return error(line_no, "'}' closes no section");
      open.pop_back();
      continue;
    }
    if (line.back() == '{') {
      const std::string_view name = Trim(line.substr(0, line.size() - 1));
      if (!IsName(name)) return error(line_no, "'" + std::string(name) + "' is not a section name");
      if (open.size() > kMaxDepth) return error(line_no, "sections nest too deep");
      ConfSection section;
      section.name = name;
      section.line = line_no;
      open.back()->sections.push_back(std::move(section));
      open.push_back(&open.back()->sections.back());
      continue;
    }
    const size_t colon = line.find(':');
    if (colon == std::string_view::npos) {
      return error(line_no, "expected 'key: value', 'name {' or '}', found '" + std::string(line) + "'");
    }
    const std::string_view key = Trim(line.substr(0, colon));
    if (!IsName(key)) return error(line_no, "'" + std::string(key) + "' is not a key name");
    ConfItem item;
    item.key = key;
    item.value = Trim(line.substr(colon + 1));
    item.line = line_no;
    open.back()->values.push_back(std::move(item));
  }
  if (open.size() > 1) {
    return error(open.back()->line, "the section '" + open.back()->name + "' is never closed");
  }
  return root;
}

}  // namespace vigil::config
