// `vigil demo`: the tutorial, end to end, on this machine (tutorial_lab.h): two nodes in network
// namespaces and a client, `vigil keygen`, a vigild per node, then the tutorial's crm commands as
// a user types them: properties, the floating IP, MySQL under mysqld_safe, standby and online,
// colocation, and a node switched off (kill -9 of its vigild, its link down). After each step:
// `crm status`, what the client sees through the floating IP, and how long the step took.
// Everything it made is removed at the end, also after a failed step or a Ctrl-C. Needs root.
#pragma once

#include <string>
#include <vector>

namespace vigil {

int DemoCommand(const std::vector<std::string>& args);

}  // namespace vigil
