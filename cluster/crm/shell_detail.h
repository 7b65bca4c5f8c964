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

// Each level's name as typed at the top ("configure", ...), indexed by Shell::Level.
inline constexpr const char* kLevelNames[] = {"", "configure", "node", "resource", "ra", "site", "cib"};
inline const char* LevelName(Shell::Level level) { return kLevelNames[static_cast<int>(level)]; }
// Whether `word` names a level; LevelNamed says which.
inline bool IsLevel(const std::string& word) {
  return !word.empty() && std::find(std::begin(kLevelNames), std::end(kLevelNames), word) != std::end(kLevelNames);
}
inline Shell::Level LevelNamed(const std::string& word) {
  const auto at = std::find(std::begin(kLevelNames), std::end(kLevelNames), word);
  return static_cast<Shell::Level>(at - std::begin(kLevelNames));
}

}  // namespace vigil::crm::shell_detail
