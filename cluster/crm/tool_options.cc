#include "cluster/crm/tool_options.h"

#include <algorithm>
#include <sstream>

#include <pugixml.hpp>

namespace vigil::crm {

std::vector<std::string> SplitShortFlags(const std::vector<std::string>& args, std::string_view flags) {
  std::vector<std::string> out;
  for (const auto& a : args) {
    const bool bundle = a.size() > 2 && a[0] == '-' && a[1] != '-' &&
                        std::all_of(a.begin() + 1, a.end(), [&](char c) { return flags.find(c) != std::string_view::npos; });
    if (!bundle) {
      out.push_back(a);
      continue;
    }
    for (size_t i = 1; i < a.size(); ++i) out.push_back(std::string("-") + a[i]);
  }
  return out;
}

int Unknown(const std::string& tool, const Options& o, std::ostream& out, std::ostream& err) {
  const std::string& a = o.args[o.i];
  if (a == "--help" || a == "-?") {
    out << "usage: " << tool << " [OPTION]...\n" << tool
        << ": Pacemaker 2.1's tool, answered by the local vigild. The options Vigil takes:\n";
    for (const auto& line : o.known) out << "  " << line << "\n";
    return 0;
  }
  if (a == "--version" || a == "-$") {
    out << tool << " (Vigil " << VIGIL_VERSION << ", after Pacemaker 2.1)\n";
    return 0;
  }
  err << tool << ": the option " << a << " is not supported by Vigil (--help lists those it takes)\n";
  return kUsage;
}

Result<control::ClusterStatus> Status(Connection& vigild) {
  auto body = vigild.Ask("status", {});
  if (!body.ok()) return body.status();
  return control::FromXml(*body);
}

std::string CompactXml(const pugi::xml_document& doc) {
  std::ostringstream out;
  doc.save(out, "", pugi::format_raw | pugi::format_no_declaration);
  return out.str();
}

std::string VersionOf(const std::string& cib) {
  pugi::xml_document doc;
  if (!doc.load_buffer(cib.data(), cib.size())) return "";
  const pugi::xml_node root = doc.child("cib");
  return std::to_string(root.attribute("admin_epoch").as_llong(0)) + ":" +
         std::to_string(root.attribute("epoch").as_llong(0)) + ":" + std::to_string(root.attribute("num_updates").as_llong(0));
}

vigil::Status EditCib(Connection& vigild, const CibEdit& edit) {
  constexpr int kTries = 3;
  for (int attempt = 1;; ++attempt) {
    auto cib = vigild.Ask("cib-query", {});
    if (!cib.ok()) return cib.status();
    auto next = edit(*cib);
    if (!next.ok()) return next.status();
    if (!*next) return vigil::Status::Ok();
    auto answer = vigild.Ask("cib-replace", {VersionOf(*cib), **next});
    if (answer.ok()) return vigil::Status::Ok();
    if (answer.status().message().find("conflict") != std::string::npos && attempt < kTries) continue;
    return answer.status();
  }
}

int Unreachable(std::ostream& err, const std::string& tool, const vigil::Status& s) {
  err << tool << ": " << s.message() << "\n";
  return s.code() == StatusCode::kInvalidArgument ? kError : kUnavailable;
}

}  // namespace vigil::crm
