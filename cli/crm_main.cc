// crm: crmsh's commands over the local vigild. Only wiring lives here.
#include <string>
#include <vector>

#include "cluster/crm/crm_cli.h"

int main(int argc, char** argv) { return vigil::CrmCommand(std::vector<std::string>(argv + 1, argv + argc)); }
