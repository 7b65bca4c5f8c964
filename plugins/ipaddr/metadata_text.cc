// The meta-data of the native IPaddr and IPaddr2: the scripts' parameter names, types and
// defaults (so a configuration written for the scripts validates unchanged), described in this
// project's own words, with what the native agent does or refuses.
#include <string>
#include <vector>

#include "plugins/common/agent_metadata.h"
#include "plugins/ipaddr/ipaddr_agent.h"

namespace vigil::ipaddr {
namespace {

using plugin::ParamDoc;

const std::vector<ParamDoc> kCommon = {
    {"ip", "string", "", true, true, "IPv4 address",
     "The floating IPv4 address, dotted quad (for example 192.168.1.100)."},
    {"nic", "string", nullptr, false, false, "Network interface",
     "The interface to put the address on. Empty: the interface whose connected subnet holds "
     "the address (longest prefix first). \"eth0:label\" also sets the label."},
    {"cidr_netmask", "string", "", false, false, "Netmask",
     "Prefix length (24) or dotted netmask (255.255.255.0). Empty: the prefix of the connected "
     "subnet that holds the address."},
    {"broadcast", "string", "", false, false, "Broadcast address",
     "Broadcast address of the new address; \"+\" sets every host bit, \"-\" clears them. "
     "Empty: none."},
    {"iflabel", "string", "", false, false, "Interface label",
     "Label of the address, shown as <nic>:<iflabel> (15 characters at most)."},
    {"lvs_support", "boolean", "false", false, false, "LVS direct routing",
     "Not implemented natively: true is refused by validate-all and start."},
};

const std::vector<ParamDoc> kIpaddr2 = {
    {"lvs_ipv6_addrlabel", "boolean", "false", false, false, "IPv6 address label for LVS",
     "IPv6 only; the native agent manages IPv4, so true is refused."},
    {"lvs_ipv6_addrlabel_value", "integer", "99", false, false, "IPv6 address label value",
     "IPv6 only, with lvs_ipv6_addrlabel."},
    {"mac", "string", "", false, false, "CLUSTERIP MAC",
     "For CLUSTERIP clones, which are not implemented natively: a value is refused."},
    {"clusterip_hash", "string", "sourceip-sourceport", false, false, "CLUSTERIP hash",
     "For CLUSTERIP clones, which are not implemented natively: another value is refused."},
    {"unique_clone_address", "boolean", "false", false, false, "One address per clone",
     "In a globally unique clone, instance N serves ip + N in the last part of the address."},
    {"arp_interval", "integer", "200", false, false, "ARP interval (ms)",
     "Milliseconds between rounds of gratuitous ARP."},
    {"arp_count", "integer", "5", false, false, "ARP rounds",
     "Rounds of gratuitous ARP (one request and one reply each) after start."},
    {"arp_count_refresh", "integer", "0", false, false, "ARP rounds per monitor",
     "Rounds of gratuitous ARP sent by each successful monitor; 0: none."},
    {"arp_bg", "string", "", false, false, "ARP in the background",
     "Send the rounds after the first without holding the start open (the default); false: "
     "start returns after the last round."},
    {"arp_sender", "string", "", false, false, "ARP sender",
     "send_arp, iputils_arping and libnet_arping all mean the native sender; ipoibarping "
     "(InfiniBand) is refused."},
    {"send_arp_opts", "string", "", false, false, "Options of an external ARP sender",
     "Not used natively: a value is refused."},
    {"flush_routes", "boolean", "false", false, false, "Flush the route cache after stop",
     "Accepted; Linux has had no IPv4 route cache to flush since 3.6."},
    {"run_arping", "string", "false", false, false, "Duplicate address detection",
     "Not implemented natively: true is refused."},
    {"nodad", "string", "false", false, false, "No IPv6 DAD", "IPv6 only; no effect on IPv4."},
    {"noprefixroute", "string", "false", false, false, "No prefix route",
     "Add the address without the route to its subnet."},
    {"preferred_lft", "string", "forever", false, false, "Preferred lifetime",
     "IPv6 only; must not be empty."},
    {"network_namespace", "string", "", false, false, "Network namespace",
     "Run the action in this named network namespace (/run/netns/<name>)."},
};

const std::vector<ParamDoc> kIpaddr = {
    {"local_stop_script", "string", "", false, false, "Script after stop",
     "Not run natively: a value is refused."},
    {"local_start_script", "string", "", false, false, "Script before start",
     "Not run natively: a value is refused."},
    {"ARP_INTERVAL_MS", "integer", "500", false, false, "ARP interval (ms)",
     "Milliseconds between rounds of gratuitous ARP."},
    {"ARP_REPEAT", "integer", "10", false, false, "ARP rounds",
     "Rounds of gratuitous ARP (one request and one reply each) after start."},
    {"ARP_BACKGROUND", "boolean", "yes", false, false, "ARP in the background",
     "Send the rounds after the first without holding the start open."},
    {"ARP_NETMASK", "string", "ffffffffffff", false, false, "ARP netmask",
     "Only the default is implemented natively."},
};

std::vector<ParamDoc> Params(const std::vector<ParamDoc>& own) {
  std::vector<ParamDoc> all = kCommon;
  all.insert(all.end(), own.begin(), own.end());
  return all;
}

plugin::AgentDoc Doc(const char* name, const char* monitor_interval,
                     const std::vector<ParamDoc>& own, const char* what) {
  plugin::AgentDoc doc;
  doc.name = name;
  doc.shortdesc = "Manages a floating IPv4 address (native)";
  doc.longdesc = std::string(what) +
                 " Native implementation: the address is added and removed over netlink, and "
                 "gratuitous ARP is sent from a packet socket, with no process started.";
  doc.params = Params(own);
  doc.actions = {{"start", "20s", nullptr, nullptr},
                 {"stop", "20s", nullptr, nullptr},
                 {"status", "20s", monitor_interval, "0"},
                 {"monitor", "20s", monitor_interval, "0"},
                 {"meta-data", "5s", nullptr, nullptr},
                 {"validate-all", "20s", nullptr, nullptr}};
  return doc;
}

}  // namespace

const std::vector<ParamDoc>& IpaddrParams(Flavour flavour) {
  static const std::vector<ParamDoc> ipaddr2 = Params(kIpaddr2);
  static const std::vector<ParamDoc> ipaddr = Params(kIpaddr);
  return flavour == Flavour::kIPaddr2 ? ipaddr2 : ipaddr;
}

const char* IpaddrMetadata(Flavour flavour) {
  static const std::string ipaddr2 = plugin::BuildMetadata(Doc("IPaddr2", "10s", kIpaddr2,
            "Keeps a floating IPv4 address on this node, as resource-agents' IPaddr2 does, with "
            "the same parameters."));
  static const std::string ipaddr = plugin::BuildMetadata(Doc("IPaddr", "5s", kIpaddr,
            "Keeps a floating IPv4 address on this node, as resource-agents' IPaddr does, with "
            "the same parameters."));
  return flavour == Flavour::kIPaddr2 ? ipaddr2.c_str() : ipaddr.c_str();
}

}  // namespace vigil::ipaddr
