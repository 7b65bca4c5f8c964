// `vigil simulate`: runs the scheduler on a CIB file and prints where everything ends up.
#pragma once

#include <string>
#include <vector>

namespace vigil {

int SimulateCommand(const std::vector<std::string>& args);

}  // namespace vigil
