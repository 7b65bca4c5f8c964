// The IPaddr and IPaddr2 agents, natively: the same parameters, interface choice, OCF codes and
// exit reasons as resource-agents' scripts, with the address work done over netlink (Network)
// and the gratuitous ARP over a packet socket (Announcer).
//
// What the scripts do and this follows: the interface is the one whose connected subnet holds
// the ip, longest prefix first, among routes of the main table with scope link (a given nic
// restricts the search to that link; nic and cidr_netmask together need no route). The address
// is "served" when ip/prefix is on that interface. A failed interface lookup makes a probe
// report "not running" and a stop succeed. Start and stop need root.
//
// Where the native agents differ, they say so: IPv6 addresses, CLUSTERIP clones, LVS, DAD
// arping, external ARP senders and local start/stop scripts are refused with a reason naming
// the parameter (validate-all and start; stop and monitor still work), never ignored.
// Stateless apart from the announcements; RunIpaddr is thread-safe for different resources.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "plugins/common/agent_metadata.h"
#include "plugins/common/plugin_op.h"
#include "plugins/ipaddr/arp.h"
#include "plugins/ipaddr/network.h"

namespace vigil::ipaddr {

enum class Flavour { kIPaddr, kIPaddr2 };

struct IpaddrOp : plugin::OpRequest {
  Flavour flavour = Flavour::kIPaddr2;
  bool is_root = true;
};

struct IpaddrResult {
  int code = 0;  // an OCF exit code
  std::string reason;
  std::string output;   // meta-data XML; "running"/"stopped" for status
  std::string warning;  // worth a log line even on success (an announcement that failed)
};

// Runs one action. `network` and `announcer` act in the caller's network namespace.
IpaddrResult RunIpaddr(const IpaddrOp& op, Network& network, Announcer& announcer);

// The meta-data each agent prints (same parameter names and defaults as the scripts).
const char* IpaddrMetadata(Flavour flavour);

// Each agent's parameters as its meta-data lists them: the one place their defaults are written.
const std::vector<plugin::ParamDoc>& IpaddrParams(Flavour flavour);

}  // namespace vigil::ipaddr
