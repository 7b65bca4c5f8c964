#include "host/metadata.h"

#include <cctype>
#include <pugixml.hpp>

namespace vigil {

namespace {

std::string Trim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return std::string(s.substr(b, e - b));
}

bool IsBooleanAttr(const pugi::xml_attribute& a) {
  std::string v = a.value();
  return v == "0" || v == "1";
}

// Reads <longdesc>/<shortdesc> children of `node`; notes a missing one or a missing lang.
void ReadDescs(const pugi::xml_node& node, const std::string& where, std::string* shortdesc,
               std::string* longdesc, std::vector<std::string>* problems) {
  for (const char* tag : {"longdesc", "shortdesc"}) {
    pugi::xml_node d = node.child(tag);
    if (!d) {
      problems->push_back(where + ": missing <" + tag + ">");
      continue;
    }
    if (!d.attribute("lang")) problems->push_back(where + "/" + tag + ": missing attribute lang");
    (std::string(tag) == "longdesc" ? *longdesc : *shortdesc) = Trim(d.text().get());
  }
}

}  // namespace

const ParameterSpec* AgentMetadata::FindParameter(std::string_view n) const {
  for (const auto& p : parameters) {
    if (p.name == n) return &p;
  }
  return nullptr;
}

const ActionSpec* AgentMetadata::FindAction(std::string_view n,
                                            std::chrono::milliseconds interval) const {
  const ActionSpec* any = nullptr;
  for (const auto& a : actions) {
    if (a.name != n) continue;
    if (interval.count() < 0) return &a;
    if (a.interval.value_or(std::chrono::milliseconds(0)) == interval) return &a;
    if (!any) any = &a;
  }
  return any;
}

Result<AgentMetadata> ParseMetadata(std::string_view xml, std::vector<std::string>* schema_problems) {
  std::vector<std::string> local;
  std::vector<std::string>* problems = schema_problems ? schema_problems : &local;
  pugi::xml_document doc;
  pugi::xml_parse_result parsed = doc.load_buffer(xml.data(), xml.size());
  if (!parsed) {
    return Status(StatusCode::kParseError, std::string("meta-data is not well-formed XML: ") +
                                               parsed.description() + " at byte " +
                                               std::to_string(parsed.offset));
  }
  pugi::xml_node root = doc.child("resource-agent");
  if (!root) {
    return Status(StatusCode::kParseError,
                  "meta-data has no <resource-agent> root element (found <" +
                      std::string(doc.document_element().name()) + ">)");
  }
  AgentMetadata md;
  if (!root.attribute("name")) problems->push_back("resource-agent: missing attribute name");
  md.name = root.attribute("name").value();
  pugi::xml_node version = root.child("version");
  if (!version) problems->push_back("resource-agent: missing <version>");
  md.version = Trim(version.text().get());
  ReadDescs(root, "resource-agent", &md.shortdesc, &md.longdesc, problems);

  pugi::xml_node params = root.child("parameters");
  if (!params) problems->push_back("resource-agent: missing <parameters>");
  for (pugi::xml_node p : params.children()) {
    if (p.type() != pugi::node_element) continue;
    if (std::string(p.name()) != "parameter") {
      problems->push_back("parameters: unexpected element <" + std::string(p.name()) + ">");
      continue;
    }
    ParameterSpec spec;
    spec.name = p.attribute("name").value();
    if (spec.name.empty()) {
      return Status(StatusCode::kParseError, "meta-data: a <parameter> has no name");
    }
    const std::string where = "parameter " + spec.name;
    for (const char* attr : {"required", "unique"}) {
      pugi::xml_attribute a = p.attribute(attr);
      if (a && !IsBooleanAttr(a)) {
        problems->push_back(where + ": attribute " + attr + "=\"" + a.value() + "\" is not 0 or 1");
      }
    }
    spec.required = p.attribute("required").as_bool();
    spec.unique = p.attribute("unique").as_bool();
    spec.deprecated = p.child("deprecated") || p.attribute("deprecated").as_bool();
    ReadDescs(p, where, &spec.shortdesc, &spec.longdesc, problems);
    pugi::xml_node content = p.child("content");
    if (!content) {
      problems->push_back(where + ": missing <content>");
    } else {
      spec.type = content.attribute("type").value();
      if (spec.type.empty()) {
        problems->push_back(where + "/content: missing attribute type");
        spec.type = "string";
      } else if (spec.type == "time") {
        problems->push_back(where + "/content: type \"time\" is not in the schema (use second)");
        spec.type = "second";
      } else if (spec.type != "string" && spec.type != "integer" && spec.type != "boolean" &&
                 spec.type != "second" && spec.type != "select") {
        problems->push_back(where + "/content: unknown type \"" + spec.type + "\"");
        spec.type = "string";
      }
      if (pugi::xml_attribute d = content.attribute("default")) spec.default_value = d.value();
      for (pugi::xml_node o : content.children("option")) spec.options.push_back(o.attribute("value").value());
    }
    md.parameters.push_back(std::move(spec));
  }

  pugi::xml_node actions = root.child("actions");
  if (!actions) problems->push_back("resource-agent: missing <actions>");
  for (pugi::xml_node a : actions.children("action")) {
    ActionSpec spec;
    spec.name = a.attribute("name").value();
    if (spec.name.empty()) {
      problems->push_back("actions: an <action> has no name");
      continue;
    }
    const std::string where = "action " + spec.name;
    if (pugi::xml_attribute t = a.attribute("timeout")) {
      spec.timeout = ParseDurationMs(t.value());
      if (!spec.timeout) problems->push_back(where + ": timeout \"" + t.value() + "\" is not a time");
    } else {
      problems->push_back(where + ": missing attribute timeout");
    }
    if (pugi::xml_attribute i = a.attribute("interval")) {
      spec.interval = ParseDurationMs(i.value());
      if (!spec.interval) problems->push_back(where + ": interval \"" + i.value() + "\" is not a time");
    }
    if (pugi::xml_attribute d = a.attribute("depth")) spec.depth = d.as_int();
    spec.role = a.attribute("role").value();
    md.actions.push_back(std::move(spec));
  }
  if (actions && md.actions.empty()) problems->push_back("actions: no <action>");
  return md;
}

void AddFencerParameters(AgentMetadata& md) {
  for (auto& p : md.parameters) {
    if (p.name == "action" || p.name == "port" || p.name == "plug" || p.name == "nodename" || p.name == "nodeid") {
      p.required = false;
    }
  }
  auto add = [&](const std::string& name, const char* type, const char* fallback, const std::string& text) {
    if (md.FindParameter(name) != nullptr) return;
    ParameterSpec p;
    p.name = name;
    p.type = type;
    if (fallback != nullptr) p.default_value = fallback;
    p.shortdesc = text;
    md.parameters.push_back(std::move(p));
  };
  add("pcmk_host_list", "string", nullptr, "The nodes this device can fence, separated by spaces or commas");
  add("pcmk_host_map", "string", nullptr,
      "Node to plug names for a device that does not know node names: node1:1;node2:2,3");
  add("pcmk_host_check", "string", "dynamic-list",
      "How to learn which nodes the device can fence: static-list (pcmk_host_list), dynamic-list "
      "(the agent's list action), status (the agent's status action) or none (every node)");
  add("pcmk_host_argument", "string", "port",
      "The agent option that names the node to fence (none: no such option is passed)");
  add("pcmk_delay_base", "time", "0s", "A fixed wait before each fence by this device (or node:delay pairs)");
  add("pcmk_delay_max", "time", "0s", "A random wait up to this much (with pcmk_delay_base) before each fence");
  add("pcmk_action_limit", "integer", "1", "How many actions the device may run at once (-1: no limit)");
  for (const char* action : {"reboot", "off", "on", "list", "monitor", "status"}) {
    const std::string a = action;
    add("pcmk_" + a + "_action", "string", action, "The agent's action to run for " + a);
    add("pcmk_" + a + "_timeout", "time", "60s", "How long " + a + " may take on this device");
    add("pcmk_" + a + "_retries", "integer", "2", "How many times " + a + " is tried again within its timeout");
  }
}

}  // namespace vigil
