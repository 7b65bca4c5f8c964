// Node names in fence device parameters, read as Pacemaker's fencer reads them: pcmk_host_list (and
// an agent's list output) and pcmk_host_map. Header-only: the fence-agents plugin (which loads
// nothing of Vigil's libraries) and the fencer's device choice (cluster/fencing) read them alike.
#pragma once

#include <strings.h>

#include <cctype>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace vigil {

// Node names compare without regard to case, as the fencer compares them.
inline bool SameNodeName(std::string_view a, std::string_view b) {
  return a.size() == b.size() && strncasecmp(a.data(), b.data(), a.size()) == 0;
}

// pcmk_host_list's words (and a list action's output): separated by blanks, commas, semicolons
// and lines; "on" and "off" (a status some agents print) are not names.
inline std::vector<std::string> ParseTargets(std::string_view text) {
  std::vector<std::string> out;
  size_t at = 0;
  auto separator = [](char c) { return std::isspace(static_cast<unsigned char>(c)) || c == ',' || c == ';'; };
  while (at < text.size()) {
    while (at < text.size() && separator(text[at])) ++at;
    size_t end = at;
    while (end < text.size() && !separator(text[end])) ++end;
    const std::string_view word = text.substr(at, end - at);
    if (!word.empty() && !SameNodeName(word, "on") && !SameNodeName(word, "off")) out.emplace_back(word);
    at = end;
  }
  return out;
}

// pcmk_host_map: "node1:plug1;node2=plug2 node3:3,4" → (node, plug) pairs (a comma stays in a
// plug: several ports); a backslash escapes the next character.
inline std::vector<std::pair<std::string, std::string>> ParseHostMap(std::string_view map) {
  std::vector<std::pair<std::string, std::string>> out;
  std::string name, word;
  bool have_name = false;
  auto finish = [&] {
    if (have_name && !word.empty()) out.emplace_back(name, word);
    have_name = false;
    word.clear();
  };
  for (size_t i = 0; i < map.size(); ++i) {
    const char c = map[i];
    if (c == '\\' && i + 1 < map.size()) {
      word += map[++i];
    } else if ((c == ':' || c == '=') && !have_name) {
      name = word;
      have_name = !name.empty();
      word.clear();
    } else if (c == ';' || c == ' ' || c == '\t' || c == '\n') {
      finish();
    } else {
      word += c;
    }
  }
  finish();
  return out;
}

// The plug pcmk_host_map gives `node`, or empty when it names none.
inline std::string MappedPlug(std::string_view map, std::string_view node) {
  for (auto& [name, plug] : ParseHostMap(map)) {
    if (SameNodeName(name, node)) return plug;
  }
  return {};
}

}  // namespace vigil
