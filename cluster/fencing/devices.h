// Which fence devices can fence a node, and in which order they are tried: Pacemaker 2.1.5's
// fencer rules, as pure functions of the CIB, for vigild's fencer.
//
// A device (a stonith primitive) says which nodes it can fence by pcmk_host_check: static-list
// (the nodes of pcmk_host_list, or of pcmk_host_map), dynamic-list (the agent's list action names
// the node or its plug), status (the agent's status action for the node answers on or off), or
// none (every node). Unset, it is static-list when pcmk_host_list or pcmk_host_map is given, else
// dynamic-list when the agent has a list action, else status when it has a status action, else
// none. A fencing topology, when one applies to the node, orders the devices in levels (all of a
// level's devices must succeed); without one, each device that can fence the node is a level of
// its own, by priority (highest first), then in the configuration's order.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cluster/cib/cib.h"
#include "common/fence_hosts.h"

namespace vigil::fencing {

enum class HostCheck { kStaticList, kDynamicList, kStatus, kNone };

struct Device {
  std::string id;     // the stonith primitive
  std::string agent;  // stonith:fence_...
  HostCheck check = HostCheck::kNone;
  std::vector<std::string> targets;  // pcmk_host_list's nodes
  std::vector<std::pair<std::string, std::string>> aliases;  // pcmk_host_map: node → plug
  int priority = 0;   // meta priority
};

// The device `p` as its parameters and meta attributes describe it; `has_list` and `has_status`:
// the agent's meta-data names those actions (for the default pcmk_host_check). An unknown
// pcmk_host_check is refused (kInvalidArgument), naming the value.
Result<Device> Describe(const cib::Model& m, const cib::Primitive& p, bool has_list, bool has_status);

// (pcmk_host_list and pcmk_host_map are read by common/fence_hosts.h.)

// What the agent is told to act on for `node`: its plug from pcmk_host_map, else its name.
std::string Plug(const Device& d, const std::string& node);

// Whether `d` can fence `node` as far as the configuration tells: yes or no for static-list and
// none; kAskList and kAskStatus when the agent's list or status action must be asked.
enum class Eligible { kYes, kNo, kAskList, kAskStatus };
Eligible CanFence(const Device& d, const std::string& node);
// The answer of a list action: whether it names the node (or its plug), without regard to case.
bool Listed(const Device& d, const std::string& node, std::string_view list_output);

// The fence devices in the order they are tried where no topology applies: the highest priority
// (meta priority) first, then in the configuration's order.
std::vector<const cib::Primitive*> DevicesInOrder(const cib::Model& m);

// The topology's levels for `node` (with its node attributes), in index order: the levels that
// name it, else those of the first pattern (in the configuration's order) that matches it
// whole, else those of the first attribute it has; empty when no level applies.
std::vector<std::vector<std::string>> TopologyLevels(const cib::Model& m, const std::string& node,
                                                     const cib::Attributes& node_attributes);

}  // namespace vigil::fencing
