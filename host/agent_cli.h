// `vigil agent list|meta|run|test`: agents without a cluster, through the same executor vigild
// uses. Exit codes: 0 success; 2 for a usage error or a check that refused the operation (unknown
// agent, bad parameter); `run` exits with the agent's OCF code; `test` exits 1 when a step failed.
#pragma once

#include <string>
#include <vector>

namespace vigil {

// args: everything after "agent". Prints to stdout/stderr.
int AgentCommand(const std::vector<std::string>& args);

}  // namespace vigil
