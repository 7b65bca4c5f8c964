// `vigil status [--run-dir DIR] [--verbose] [--xml]`: the local vigild's view of the cluster.
#pragma once

#include <string>
#include <vector>

namespace vigil {

int StatusCommand(const std::vector<std::string>& args);

}  // namespace vigil
