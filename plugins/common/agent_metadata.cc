#include "plugins/common/agent_metadata.h"

namespace vigil::plugin {

std::string EscapeXml(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '&': out += "&amp;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

namespace {

std::string Attr(const char* name, const char* value) {
  return value ? " " + std::string(name) + "=\"" + EscapeXml(value) + "\"" : "";
}

std::string Param(const ParamDoc& p) {
  std::string s = "<parameter" + Attr("name", p.name) + Attr("unique", p.unique ? "1" : "0") +
                  Attr("required", p.required ? "1" : "0") + ">\n";
  s += "<longdesc lang=\"en\">" + EscapeXml(p.longdesc) + "</longdesc>\n";
  s += "<shortdesc lang=\"en\">" + EscapeXml(p.shortdesc) + "</shortdesc>\n";
  s += "<content" + Attr("type", p.type) + Attr("default", p.fallback) + "/>\n</parameter>\n";
  return s;
}

}  // namespace

const ParamDoc* FindParam(const std::vector<ParamDoc>& params, const std::string& name) {
  for (const auto& p : params) {
    if (name == p.name) return &p;
  }
  return nullptr;
}

std::string ParamOrDefault(const std::vector<ParamDoc>& table, const std::map<std::string, std::string>& given,
                           const std::string& name) {
  if (const auto it = given.find(name); it != given.end()) return it->second;
  const ParamDoc* doc = FindParam(table, name);
  return doc ? doc->Default() : "";
}

std::string BuildMetadata(const AgentDoc& doc) {
  std::string s = "<?xml version=\"1.0\"?>\n<resource-agent" + Attr("name", doc.name) +
                  " version=\"1.0\">\n<version>1.1</version>\n";
  s += "<longdesc lang=\"en\">" + EscapeXml(doc.longdesc) + "</longdesc>\n";
  s += "<shortdesc lang=\"en\">" + EscapeXml(doc.shortdesc) + "</shortdesc>\n<parameters>\n";
  for (const auto& p : doc.params) s += Param(p);
  s += "</parameters>\n<actions>\n";
  for (const auto& a : doc.actions) {
    s += "<action" + Attr("name", a.name) + Attr("depth", a.depth) + Attr("timeout", a.timeout) +
         Attr("interval", a.interval) + "/>\n";
  }
  s += "</actions>\n</resource-agent>\n";
  return s;
}

}  // namespace vigil::plugin
