// `vigil keygen`: writes the cluster's authkey.
#pragma once

#include <string>
#include <vector>

namespace vigil {

int KeygenCommand(const std::vector<std::string>& args);

}  // namespace vigil
