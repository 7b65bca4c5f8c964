// crm_node, attrd_updater, crm_attribute, crm_master and crm_ticket (one binary, by the name it is run
// under; see cluster/crm/pcmk_tools.h). They ask the vigild of $VIGIL_RUN_DIR (which vigild sets
// for the agents it runs), else of /run/vigil.
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "cluster/crm/agents.h"
#include "cluster/crm/pcmk_tools.h"
#include "cluster/crm/shell.h"
#include "host/registry.h"

int main(int argc, char** argv) {
  const std::string tool = std::filesystem::path(argv[0]).filename().string();
  const std::vector<std::string> args(argv + 1, argv + argc);
  const char* resource = std::getenv("OCF_RESOURCE_INSTANCE");
  const auto vigild = vigil::crm::SocketConnection("");
  // This host's agents, as vigild loads them.
  const auto agents = vigil::crm::HostAgents(vigil::DefaultPluginDir(), vigil::DefaultOcfRoot());
  return vigil::crm::RunPacemakerTool(tool, args, resource ? resource : "", *vigild, agents.get(), std::cout, std::cerr);
}
