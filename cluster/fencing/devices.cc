#include "cluster/fencing/devices.h"

#include <strings.h>

#include <algorithm>
#include <cctype>
#include <regex>

#include "cluster/cib/score.h"

namespace vigil::fencing {
namespace {

const std::string* Find(const cib::Attributes& a, const std::string& name) {
  const auto it = a.find(name);
  return it == a.end() ? nullptr : &it->second;
}

bool SameName(std::string_view a, std::string_view b) {
  return a.size() == b.size() && strncasecmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace

std::vector<std::string> ParseTargets(std::string_view text) {
  std::vector<std::string> out;
  size_t at = 0;
  auto separator = [](char c) { return std::isspace(static_cast<unsigned char>(c)) || c == ',' || c == ';'; };
  while (at < text.size()) {
    while (at < text.size() && separator(text[at])) ++at;
    size_t end = at;
    while (end < text.size() && !separator(text[end])) ++end;
    const std::string_view word = text.substr(at, end - at);
    if (!word.empty() && !SameName(word, "on") && !SameName(word, "off")) out.emplace_back(word);
    at = end;
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> ParseHostMap(std::string_view map) {
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

Result<Device> Describe(const cib::Model& m, const cib::Primitive& p, bool has_list, bool has_status) {
  Device d;
  d.id = p.id;
  d.agent = p.AgentName();
  const cib::Attributes meta = m.MetaWithDefaults(p.meta, &p);
  if (const std::string* v = Find(meta, "priority")) d.priority = cib::LenientScore(*v);
  const std::string* list = Find(p.params, "pcmk_host_list");
  const std::string* map = Find(p.params, "pcmk_host_map");
  if (list != nullptr) d.targets = ParseTargets(*list);
  if (map != nullptr) d.aliases = ParseHostMap(*map);
  if (const std::string* check = Find(p.params, "pcmk_host_check")) {
    if (SameName(*check, "static-list")) d.check = HostCheck::kStaticList;
    else if (SameName(*check, "dynamic-list")) d.check = HostCheck::kDynamicList;
    else if (SameName(*check, "status")) d.check = HostCheck::kStatus;
    else if (SameName(*check, "none")) d.check = HostCheck::kNone;
    else {
      return Status(StatusCode::kInvalidArgument, "fence device " + p.id + ": pcmk_host_check=" + *check +
                                                      " is not static-list, dynamic-list, status or none");
    }
  } else if (list != nullptr || map != nullptr) {
    d.check = HostCheck::kStaticList;
  } else if (has_list) {
    d.check = HostCheck::kDynamicList;
  } else if (has_status) {
    d.check = HostCheck::kStatus;
  }
  return d;
}

std::string Plug(const Device& d, const std::string& node) {
  for (const auto& [name, plug] : d.aliases) {
    if (SameName(name, node)) return plug;
  }
  return node;
}

Eligible CanFence(const Device& d, const std::string& node) {
  switch (d.check) {
    case HostCheck::kNone:
      return Eligible::kYes;
    case HostCheck::kStaticList: {
      const bool listed = std::any_of(d.targets.begin(), d.targets.end(), [&](const std::string& t) { return SameName(t, node); });
      const bool mapped = std::any_of(d.aliases.begin(), d.aliases.end(), [&](const auto& a) { return SameName(a.first, node); });
      return listed || mapped ? Eligible::kYes : Eligible::kNo;
    }
    case HostCheck::kDynamicList:
      return Eligible::kAskList;
    case HostCheck::kStatus:
      return Eligible::kAskStatus;
  }
  return Eligible::kNo;
}

bool Listed(const Device& d, const std::string& node, std::string_view list_output) {
  const std::string plug = Plug(d, node);
  const auto names = ParseTargets(list_output);
  return std::any_of(names.begin(), names.end(), [&](const std::string& n) { return SameName(n, plug); });
}

std::vector<const cib::Primitive*> DevicesInOrder(const cib::Model& m) {
  std::vector<std::pair<int, const cib::Primitive*>> devices;
  for (const auto& p : m.primitives) {
    if (p.standard != "stonith") continue;
    const std::string* v = Find(m.MetaWithDefaults(p.meta, &p), "priority");
    devices.emplace_back(v != nullptr ? cib::LenientScore(*v) : 0, &p);
  }
  std::stable_sort(devices.begin(), devices.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  std::vector<const cib::Primitive*> out;
  for (const auto& [priority, p] : devices) out.push_back(p);
  return out;
}

std::vector<std::vector<std::string>> TopologyLevels(const cib::Model& m, const std::string& node,
                                                     const cib::Attributes& node_attributes) {
  auto levels_where = [&](auto&& applies) {
    std::vector<const cib::FencingLevel*> found;
    for (const auto& l : m.fencing_levels) {
      if (applies(l)) found.push_back(&l);
    }
    std::stable_sort(found.begin(), found.end(), [](const auto* a, const auto* b) { return a->index < b->index; });
    std::vector<std::vector<std::string>> out;
    for (const auto* l : found) out.push_back(l->devices);
    return out;
  };
  auto named = levels_where([&](const cib::FencingLevel& l) { return !l.target.empty() && SameName(l.target, node); });
  if (!named.empty()) return named;
  for (const auto& l : m.fencing_levels) {
    if (l.target_pattern.empty()) continue;
    // (The CIB reader refused a pattern that is no regular expression.)
    const std::regex pattern(l.target_pattern, std::regex::extended);
    if (!std::regex_match(node, pattern)) continue;
    return levels_where([&](const cib::FencingLevel& x) { return x.target_pattern == l.target_pattern; });
  }
  for (const auto& l : m.fencing_levels) {
    if (l.target_attribute.empty()) continue;
    const std::string* value = Find(node_attributes, l.target_attribute);
    if (value == nullptr || *value != l.target_value) continue;
    return levels_where([&](const cib::FencingLevel& x) {
      return x.target_attribute == l.target_attribute && x.target_value == l.target_value;
    });
  }
  return {};
}

}  // namespace vigil::fencing
