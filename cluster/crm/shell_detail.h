// What the parts of crm's shell share (shell.cc, shell_commands.cc, shell_completion.cc); not an
// interface of its own.
#pragma once

#include <algorithm>
#include <string>
#include <vector>

#include "cluster/crm/shell.h"

namespace vigil::crm::shell_detail {

using Words = std::vector<std::string>;

inline bool Among(const std::string& word, const Words& list) {
  return std::find(list.begin(), list.end(), word) != list.end();
}
inline Words Rest(const Words& words) { return Words(words.begin() + 1, words.end()); }
inline std::string Join(const Words& words, const std::string& sep = ", ") {
  std::string out;
  for (const auto& w : words) out += (out.empty() ? "" : sep) + w;
  return out;
}

// A level's name, as typed at the top ("configure", ...).
inline bool IsLevel(const std::string& word) {
  return word == "configure" || word == "node" || word == "resource" || word == "ra";
}
inline Shell::Level LevelNamed(const std::string& name) {
  if (name == "configure") return Shell::Level::kConfigure;
  if (name == "node") return Shell::Level::kNode;
  if (name == "resource") return Shell::Level::kResource;
  return Shell::Level::kRa;
}

}  // namespace vigil::crm::shell_detail
