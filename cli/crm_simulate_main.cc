// crm_simulate (cluster/daemon/crm_simulate.h): a binary of its own, so that the other tools'
// binary does not carry the scheduler (each tool starts as a process; what it maps, it pays for).
// -L asks the vigild of $VIGIL_RUN_DIR, else of /run/vigil.
#include <iostream>
#include <string>
#include <vector>

#include "cluster/crm/shell.h"
#include "cluster/daemon/crm_simulate.h"

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  const auto vigild = vigil::crm::SocketConnection("");
  return vigil::daemon::CrmSimulate(args, [&] { return vigild->Ask("cib-query", {}); }, std::cin, std::cout, std::cerr);
}
