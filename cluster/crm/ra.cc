#include "cluster/crm/ra.h"

#include <pugixml.hpp>

#include <algorithm>
#include <cctype>
#include <set>

namespace vigil::crm {
namespace {

std::string Trim(std::string_view s) {
  const auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return "";
  return std::string(s.substr(first, s.find_last_not_of(" \t\r\n") - first + 1));
}

// The text of `parent`'s first `name` child up to its first element, trimmed ("" without one).
std::string Text(pugi::xml_node parent, const char* name) {
  std::string text;
  for (pugi::xml_node n : parent.child(name).children()) {
    if (n.type() == pugi::node_element) break;
    if (n.type() == pugi::node_pcdata || n.type() == pugi::node_cdata) text += n.value();
  }
  return Trim(text);
}

constexpr const char* kTab = "    ";

// `n`'s short description, unless it only repeats its name, its long description or the type.
std::string ShortDesc(pugi::xml_node n, const std::string& type) {
  const std::string shortdesc = Text(n, "shortdesc");
  if (shortdesc.empty() || shortdesc == n.attribute("name").value() || shortdesc == Text(n, "longdesc") ||
      shortdesc == type) {
    return "";
  }
  return shortdesc;
}

std::string Indented(const std::string& text) {
  std::string out = kTab;
  for (const char c : text) {
    out += c;
    if (c == '\n') out += kTab;
  }
  return out;
}

// The providers of the ocf agents.
std::set<std::string> Providers(const std::vector<AgentInfo>& agents) {
  std::set<std::string> out;
  for (const auto& a : agents) {
    if (a.standard == "ocf") out.insert(a.provider);
  }
  return out;
}

bool HasClass(const std::vector<AgentInfo>& agents, const std::string& cls) {
  return std::any_of(agents.begin(), agents.end(), [&](const AgentInfo& a) { return a.standard == cls; });
}

std::string Join(const std::set<std::string>& words) {
  std::string out;
  for (const auto& w : words) out += (out.empty() ? "" : " ") + w;
  return out;
}

}  // namespace

std::string RaClasses(const std::vector<AgentInfo>& agents) {
  const std::set<std::string> providers = Providers(agents);
  return (providers.empty() ? "ocf\n" : "ocf / " + Join(providers) + "\n") + (HasClass(agents, "stonith") ? "stonith\n" : "");
}

Result<std::string> RaProviders(const std::vector<AgentInfo>& agents, const std::string& type, const std::string& cls) {
  if (cls != "ocf") return Status(StatusCode::kNotFound, "class " + cls + " has no providers (Vigil's are ocf's)");
  std::set<std::string> providers;
  for (const auto& a : agents) {
    if (a.type == type) providers.insert(a.provider);
  }
  return Join(providers) + "\n";
}

Result<std::string> RaList(const std::vector<AgentInfo>& agents, const std::string& cls, const std::string& provider,
                           size_t width) {
  if (cls != "ocf" && cls != "stonith") {
    return Status(StatusCode::kNotFound, "class " + cls + " does not exist (Vigil runs ocf and stonith agents)");
  }
  if (!provider.empty() && (cls != "ocf" || !Providers(agents).count(provider))) {
    return Status(StatusCode::kNotFound, "there is no provider " + provider + " for class " + cls);
  }
  std::set<std::string> types;
  for (const auto& a : agents) {
    if (a.standard == cls && (provider.empty() || a.provider == provider)) types.insert(a.type);
  }
  return Columns(std::vector<std::string>(types.begin(), types.end()), width);
}

std::string Columns(const std::vector<std::string>& items, size_t width) {
  size_t longest = 8;
  for (const auto& s : items) longest = std::max(longest, s.size());
  const size_t columns = std::max<size_t>(1, width / (longest + 2));
  const size_t column_width = width / columns;
  std::string out;
  for (size_t i = 0; i < items.size(); i += columns) {
    for (size_t j = i; j < std::min(items.size(), i + columns); ++j) {
      out += items[j];
      // The last column of a full row is not padded (unless it is the row's only one); every
      // other is.
      const bool pad = j == i || (j + 1) % columns != 0;
      if (pad && items[j].size() < column_width) out.append(column_width - items[j].size(), ' ');
    }
    out += "\n";
  }
  return out;
}

Result<std::string> RaInfo(const AgentInfo& agent, std::string_view xml, const AgentMetadata* metadata) {
  pugi::xml_document doc;
  if (!doc.load_buffer(xml.data(), xml.size())) return Status(StatusCode::kParseError, agent.name + ": the meta-data is not XML");
  const pugi::xml_node root = doc.child("resource-agent");
  if (!root) return Status(StatusCode::kParseError, agent.name + ": the meta-data has no <resource-agent>");
  std::vector<std::string> blocks;
  const std::string shortdesc = ShortDesc(root, agent.type);
  blocks.push_back(shortdesc.empty() ? agent.name : shortdesc + " (" + agent.name + ")");
  if (const std::string longdesc = Text(root, "longdesc"); !longdesc.empty()) blocks.push_back(longdesc);

  std::string parameters;
  std::set<std::string> described;  // the parameters the XML describes
  for (const pugi::xpath_node& x : root.select_nodes("//parameters/parameter")) {
    const pugi::xml_node p = x.node();
    const std::string name = p.attribute("name").value();
    if (name.empty()) continue;
    described.insert(name);
    // Required as the parsed meta-data says: a fence agent's action and plug come from the fencer.
    const ParameterSpec* spec = metadata != nullptr ? metadata->FindParameter(name) : nullptr;
    const bool required = spec != nullptr ? spec->required : std::string_view(p.attribute("required").value()) == "1";
    std::string head = name + (required ? "*" : "");
    const pugi::xml_node content = p.child("content");
    const std::string type = content.attribute("type").value();
    const pugi::xml_attribute value = content.attribute("default");
    if (!type.empty() && value && *value.value() != '\0') {
      head += " (" + type + ", [" + value.value() + "])";
    } else if (!type.empty()) {
      head += " (" + type + ")";
    }
    head += ": " + ShortDesc(p, agent.type);
    const std::string longdesc = Text(p, "longdesc");
    parameters += (parameters.empty() ? "" : "\n") + head;
    if (!longdesc.empty()) parameters += "\n" + Indented(longdesc) + "\n";
  }
  // What the parsed meta-data adds to the agent's own (a fence device's pcmk_* parameters).
  if (metadata != nullptr) {
    for (const ParameterSpec& p : metadata->parameters) {
      if (described.count(p.name)) continue;
      std::string head = p.name + (p.required ? "*" : "") + " (" + p.type;
      if (p.default_value) head += ", [" + *p.default_value + "]";
      head += "): " + p.shortdesc;
      parameters += (parameters.empty() ? "" : "\n") + head;
    }
  }
  if (!parameters.empty()) {
    while (!parameters.empty() && std::isspace(static_cast<unsigned char>(parameters.back()))) parameters.pop_back();
    blocks.push_back("Parameters (*: required, []: default):\n\n" + parameters);
  }

  std::string actions;
  for (const pugi::xpath_node& x : root.select_nodes("//actions/action")) {
    const pugi::xml_node a = x.node();
    const std::string name = a.attribute("name").value();
    if (name.empty() || name == "meta-data" || name == "validate-all") continue;
    std::string line = name;
    if (line.size() < 13) line.append(13 - line.size(), ' ');
    for (const pugi::xml_attribute attribute : a.attributes()) {
      if (std::string_view(attribute.name()) == "name" || *attribute.value() == '\0') continue;
      line += std::string(" ") + attribute.name() + "=" + attribute.value();
    }
    actions += (actions.empty() ? "" : "\n") + std::string(kTab) + line;
  }
  if (!actions.empty()) blocks.push_back("Operations' defaults (advisory minimum):\n\n" + actions);

  std::string out;
  for (const auto& b : blocks) out += (out.empty() ? "" : "\n\n") + b;
  return out + "\n";
}

}  // namespace vigil::crm
