// The order Pacemaker and crm_mon list nodes in: without regard to case, a run of digits compared
// as the number it is ("node9" before "node10", "node2" equal to "node02").
#pragma once

#include <string_view>

namespace vigil {

bool NodeNameLess(std::string_view a, std::string_view b);

}  // namespace vigil
