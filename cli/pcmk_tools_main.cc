// crm_node, attrd_updater, crm_attribute, crm_master, crm_ticket, stonith_admin, crm_mon,
// cibadmin, crm_resource, crm_standby, crm_failcount and crm_verify: one binary, by the name it is
// run under (see cluster/crm/pcmk_tools.h, crm_mon_tool.h, cibadmin.h and crm_resource.h;
// crm_simulate is crm_simulate_main.cc). They ask the vigild of $VIGIL_RUN_DIR (which vigild sets
// for the agents it runs), else of /run/vigil.
#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "cluster/crm/agents.h"
#include "cluster/crm/cibadmin.h"
#include "cluster/crm/crm_mon_tool.h"
#include "cluster/crm/crm_resource.h"
#include "cluster/crm/pcmk_tools.h"
#include "cluster/crm/shell.h"
#include "host/registry.h"

namespace {

volatile std::sig_atomic_t g_interrupted = 0;

void OnInterrupt(int) { g_interrupted = 1; }

}  // namespace

int main(int argc, char** argv) {
  const std::string tool = std::filesystem::path(argv[0]).filename().string();
  const std::vector<std::string> args(argv + 1, argv + argc);
  const char* resource = std::getenv("OCF_RESOURCE_INSTANCE");
  const auto vigild = vigil::crm::SocketConnection("");
  if (tool == "crm_verify") return vigil::crm::CrmVerify(args, *vigild, std::cin, std::cout, std::cerr);
  if (tool == "cibadmin") return vigil::crm::Cibadmin(args, *vigild, std::cin, std::cout, std::cerr);
  if (tool == "crm_mon") {
    // The live view ends on Ctrl-C (or a TERM) after the screen it is drawing.
    std::signal(SIGINT, OnInterrupt);
    std::signal(SIGTERM, OnInterrupt);
    return vigil::crm::CrmMon(args, *vigild, std::cout, std::cerr, isatty(STDOUT_FILENO) == 1,
                              [] { return g_interrupted != 0; });
  }
  // This host's agents, as vigild loads them.
  const auto agents = vigil::crm::HostAgents(vigil::DefaultPluginDir(), vigil::DefaultOcfRoot());
  if (tool == "crm_resource") return vigil::crm::CrmResource(args, *vigild, agents.get(), std::cout, std::cerr);
  return vigil::crm::RunPacemakerTool(tool, args, resource ? resource : "", *vigild, agents.get(), std::cout, std::cerr);
}
