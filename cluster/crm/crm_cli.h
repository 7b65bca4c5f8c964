// `crm [--run-dir DIR] [COMMAND...]`: crmsh's command line over the local vigild. With a command,
// runs it and leaves (committing configure changes); without one, reads commands from standard
// input: with a prompt when it is a terminal, as a script otherwise.
#pragma once

#include <string>
#include <vector>

namespace vigil {

int CrmCommand(const std::vector<std::string>& args);

}  // namespace vigil
