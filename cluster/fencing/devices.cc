#include "cluster/fencing/devices.h"

#include <strings.h>

#include <algorithm>
#include <regex>

#include "cluster/cib/score.h"
#include "common/fence_hosts.h"

namespace vigil::fencing {
namespace {

const std::string* Find(const cib::Attributes& a, const std::string& name) {
  const auto it = a.find(name);
  return it == a.end() ? nullptr : &it->second;
}


}  // namespace

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
    if (SameNodeName(*check, "static-list")) d.check = HostCheck::kStaticList;
    else if (SameNodeName(*check, "dynamic-list")) d.check = HostCheck::kDynamicList;
    else if (SameNodeName(*check, "status")) d.check = HostCheck::kStatus;
    else if (SameNodeName(*check, "none")) d.check = HostCheck::kNone;
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
    if (SameNodeName(name, node)) return plug;
  }
  return node;
}

Eligible CanFence(const Device& d, const std::string& node) {
  switch (d.check) {
    case HostCheck::kNone:
      return Eligible::kYes;
    case HostCheck::kStaticList: {
      const bool listed = std::any_of(d.targets.begin(), d.targets.end(), [&](const std::string& t) { return SameNodeName(t, node); });
      const bool mapped = std::any_of(d.aliases.begin(), d.aliases.end(), [&](const auto& a) { return SameNodeName(a.first, node); });
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
  return std::any_of(names.begin(), names.end(), [&](const std::string& n) { return SameNodeName(n, plug); });
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
  auto named = levels_where([&](const cib::FencingLevel& l) { return !l.target.empty() && SameNodeName(l.target, node); });
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
