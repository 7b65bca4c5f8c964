#include "cluster/control/status_cli.h"

#include <cstdio>

#include "cluster/control/cluster_status.h"
#include "cluster/control/control.h"
#include "cluster/control/crm_mon_output.h"

namespace vigil {
namespace {

constexpr const char* kUsage =
    "usage: vigil status [--run-dir DIR] [--verbose] [--output-as=text|xml|json] [--xml]\n"
    "\n"
    "Membership, quorum and DC of the local vigild, in crm_mon's layout. The daemon is found\n"
    "through its run directory: --run-dir, else $VIGIL_RUN_DIR, else /run/vigil.\n"
    "  --verbose, -v  also the votes and the packet counters (sent, received, dropped by reason)\n"
    "  --output-as=xml   crm_mon's XML (crm_mon --output-as=xml), for tools that read it\n"
    "  --output-as=json  the same document as JSON\n"
    "  --xml          the daemon's answer as it came\n";

}  // namespace

int StatusCommand(const std::vector<std::string>& args) {
  std::string run_dir;
  bool verbose = false;
  bool xml = false;
  std::string output = "text";
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "-h" || a == "--help") {
      std::fputs(kUsage, stdout);
      return 0;
    }
    if (a == "--verbose" || a == "-v") {
      verbose = true;
    } else if (a == "--xml") {
      xml = true;
    } else if (a.rfind("--output-as=", 0) == 0 || (a == "--output-as" && i + 1 < args.size())) {
      output = a == "--output-as" ? args[++i] : a.substr(12);
      if (output != "text" && output != "xml" && output != "json") {
        std::fprintf(stderr, "vigil status: --output-as takes text, xml or json, not '%s'\n", output.c_str());
        return 2;
      }
    } else if (a == "--run-dir" && i + 1 < args.size()) {
      run_dir = args[++i];
    } else {
      std::fprintf(stderr, "vigil status: unexpected '%s'\n%s", a.c_str(), kUsage);
      return 2;
    }
  }
  if (xml && output != "text") {
    std::fprintf(stderr, "vigil status: --xml (the daemon's own answer) and --output-as go one at a time\n");
    return 2;
  }
  const auto response = control::Call(control::SocketPath(RunDirectory(run_dir)), {"status", {}});
  if (!response.ok()) {
    std::fprintf(stderr, "vigil status: %s\n", response.status().message().c_str());
    return 1;
  }
  if (!response->ok) {
    std::fprintf(stderr, "vigil status: vigild refused: %s\n", response->body.c_str());
    return 1;
  }
  if (xml) {
    std::fputs(response->body.c_str(), stdout);
    return 0;
  }
  const auto status = control::FromXml(response->body);
  if (!status.ok()) {
    std::fprintf(stderr, "vigil status: %s\n", status.status().message().c_str());
    return 1;
  }
  std::string request = "vigil status";
  for (const auto& a : args) request += " " + a;
  const std::string text = output == "xml"    ? control::CrmMonXml(*status, request)
                           : output == "json" ? control::CrmMonJson(*status, request)
                                              : control::FormatStatus(*status, verbose);
  std::fputs(text.c_str(), stdout);
  return 0;
}

}  // namespace vigil
