#include "cluster/control/status_cli.h"

#include <cstdio>

#include "cluster/control/cluster_status.h"
#include "cluster/control/control.h"
#include "cluster/control/crm_mon_output.h"
#include "common/command_line.h"

namespace vigil {

int StatusCommand(const std::vector<std::string>& args) {
  CLI::App app{
      "Membership, quorum and DC of the local vigild, in crm_mon's layout. The daemon is found\n"
      "through its run directory: --run-dir, else $VIGIL_RUN_DIR, else /run/vigil.",
      "vigil status"};
  ShapeCommandLine(app);
  std::string run_dir;
  bool verbose = false;
  bool xml = false;
  std::string output = "text";
  app.add_option("--run-dir", run_dir, "where vigild's socket is")->option_text("DIR");
  app.add_flag("-v,--verbose", verbose, "also the votes and the packet counters (sent, received, dropped by reason)");
  app.add_option("--output-as", output,
                            "text (the default); xml: crm_mon's XML, for tools that read it; json: the same as JSON")
                 ->option_text("FORMAT")
                 ->check(CLI::IsMember({"text", "xml", "json"}));
  app.add_flag("--xml", xml, "the daemon's answer as it came");
  if (const int code = ParseCommandLine(app, args); code >= 0) return code;
  if (xml && app.count("--output-as") > 0) {
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
