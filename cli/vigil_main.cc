// vigil: the command-line tool. Only wiring lives here: one table of subcommands, each handled by
// the library that owns the concern.
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "cluster/config/keygen_cli.h"
#include "cluster/control/status_cli.h"
#include "cluster/scheduler/simulate_cli.h"
#include "host/agent_cli.h"
#include "lab/bmc.h"
#include "lab/demo.h"

namespace {

struct Subcommand {
  const char* name;
  const char* help;
  int (*handler)(const std::vector<std::string>& args);
};

constexpr Subcommand kSubcommands[] = {
    {"agent", "list, inspect, run and test resource agents without a cluster", vigil::AgentCommand},
    {"simulate", "run the scheduler on a CIB file: placement, actions, scores", vigil::SimulateCommand},
    {"keygen", "write the cluster's authkey (like corosync-keygen)", vigil::KeygenCommand},
    {"status", "membership, quorum and DC of the running vigild (like crm_mon)", vigil::StatusCommand},
    {"demo", "the tutorial end to end on this machine, in network namespaces (root)", vigil::DemoCommand},
    {"lab-power", "the power control of a lab node's simulated BMC (what its ipmi_sim runs)", vigil::lab::LabPowerCommand},
};

void Usage(FILE* out) {
  std::fprintf(out, "usage: vigil COMMAND [ARGS]...\n       vigil --version\n\ncommands:\n");
  for (const auto& s : kSubcommands) std::fprintf(out, "  %-10s %s\n", s.name, s.help);
  std::fprintf(out, "\n'vigil COMMAND --help' tells more.\n");
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    Usage(stderr);
    return 2;
  }
  const std::string command = argv[1];
  if (command == "-h" || command == "--help" || command == "help") {
    Usage(stdout);
    return 0;
  }
  if (command == "--version" || command == "-V") {
    std::printf("vigil %s\n", VIGIL_VERSION);
    return 0;
  }
  for (const auto& s : kSubcommands) {
    if (command == s.name) return s.handler(std::vector<std::string>(argv + 2, argv + argc));
  }
  std::fprintf(stderr, "vigil: unknown command '%s' (try 'vigil --help')\n", command.c_str());
  return 2;
}
