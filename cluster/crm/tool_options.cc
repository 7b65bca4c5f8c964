#include "cluster/crm/tool_options.h"

namespace vigil::crm {

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

int Unreachable(std::ostream& err, const std::string& tool, const vigil::Status& s) {
  err << tool << ": " << s.message() << "\n";
  return s.code() == StatusCode::kInvalidArgument ? kError : kUnavailable;
}

}  // namespace vigil::crm
