#include "plugins/ipaddr/ipaddr_agent.h"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <optional>
#include <vector>

#include "vigil/agent.h"

namespace vigil::ipaddr {
namespace {

// What both flavours are configured with, read from their own parameter names.
struct Settings {
  std::string ip;
  std::string nic;
  std::string iflabel;
  std::string netmask;
  std::string broadcast;
  std::string arp_interval;
  std::string arp_count;
  std::string arp_refresh;  // IPaddr2 only
  bool arp_background = true;
  bool noprefixroute = false;
};

// The outcome of a step; code 0 = go on.
struct Step {
  int code = VIGIL_OCF_SUCCESS;
  std::string reason;
  bool io = false;  // the kernel could not be asked: never read as "no such subnet"
  bool failed() const { return code != VIGIL_OCF_SUCCESS; }
};

Step Fail(int code, std::string reason) { return {code, std::move(reason), false}; }
Step IoFail(const NetError& e) { return {VIGIL_OCF_ERR_GENERIC, e.what, true}; }

// Where the address lives, as findif works it out.
struct Placement {
  std::optional<LinkInfo> link;  // empty when the named nic does not exist (monitor, stop)
  std::string nic;
  std::optional<int> prefix;     // empty when the given netmask is not a valid one
  std::string label;             // "<nic>:<iflabel>", or empty
};

using plugin::Lookup;

// The parameter's value, or its default from the flavour's meta-data table (set to empty stays
// empty, as in the scripts).
std::string Param(const IpaddrOp& op, const std::string& name) {
  return plugin::ParamOrDefault(IpaddrParams(op.flavour), op.params, name);
}

// Pacemaker gives meta attribute names with dashes; some callers turn them into underscores.
std::string Meta(const IpaddrOp& op, const std::string& name) {
  std::string dashed = name;
  std::replace(dashed.begin(), dashed.end(), '_', '-');
  auto it = op.meta.find(dashed);
  if (it != op.meta.end()) return it->second;
  return Lookup(op.meta, name, "");
}

using plugin::OcfIsTrue;

bool IsDecimal(const std::string& v) {
  return !v.empty() && std::all_of(v.begin(), v.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// A positive decimal that fits an int (the scripts' "decimal and -gt 0").
std::optional<int> PositiveInt(const std::string& v) {
  int n = 0;
  if (!IsDecimal(v)) return std::nullopt;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (ec != std::errc() || p != v.data() + v.size() || n <= 0) return std::nullopt;
  return n;
}

// The scripts' IPv4 check: four parts, no leading zero in the first, the first not 0.
bool ScriptValidIpv4(const std::string& text) {
  auto ip = ParseIpv4(text);
  if (!ip || (*ip >> 24) == 0 || text[0] == '0') return false;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('.', start);
    if (end == std::string::npos) end = text.size();
    if (end - start == 3 && text[start] != '1' && text[start] != '2') return false;
    start = end + 1;
  }
  return true;
}

// A netmask as CIDR digits (1-32), or an old-style dotted quad that converts to one.
std::optional<int> ParsePrefix(const std::string& text) {
  if (auto mask = ParseIpv4(text)) {
    for (int p = 0; p <= 32; ++p) {
      if (PrefixMask(p) == *mask) return p == 0 ? std::nullopt : std::optional<int>(p);
    }
    return std::nullopt;
  }
  if (text.size() > 3 || !IsDecimal(text)) return std::nullopt;
  const int p = std::stoi(text);
  if (p < 1 || p > 32) return std::nullopt;
  return p;
}

// The same settings under each flavour's parameter names and defaults.
Settings ReadSettings(const IpaddrOp& op) {
  const bool ipaddr2 = op.flavour == Flavour::kIPaddr2;
  Settings s;
  s.ip = Param(op, "ip");
  s.nic = Param(op, "nic");
  s.iflabel = Param(op, "iflabel");
  s.netmask = Param(op, "cidr_netmask");
  s.broadcast = Param(op, "broadcast");
  if (ipaddr2) {
    s.arp_interval = Param(op, "arp_interval");
    s.arp_count = Param(op, "arp_count");
    s.arp_refresh = Param(op, "arp_count_refresh");
    const std::string bg = Param(op, "arp_bg");
    s.arp_background = bg.empty() || OcfIsTrue(bg);
    s.noprefixroute = OcfIsTrue(Param(op, "noprefixroute"));
  } else {
    s.arp_interval = Param(op, "ARP_INTERVAL_MS");
    s.arp_count = Param(op, "ARP_REPEAT");
    s.arp_refresh = "0";
    s.arp_background = OcfIsTrue(Param(op, "ARP_BACKGROUND"));
  }
  return s;
}

// The first setting the native agent does not implement, as a reason; empty when there is none.
// Asked on validate-all and start only.
std::string Refusal(const IpaddrOp& op, int clones) {
  const bool ipaddr2 = op.flavour == Flavour::kIPaddr2;
  std::string why;
  if (ipaddr2 && clones > 1 && !OcfIsTrue(Param(op, "unique_clone_address"))) {
    why = "clone_max=" + std::to_string(clones) +
          " without unique_clone_address makes a CLUSTERIP clone, which the native agent does "
          "not implement";
  } else if (OcfIsTrue(Param(op, "lvs_support"))) {
    why = "lvs_support=true (LVS direct routing) is not implemented by the native agent";
  } else if (ipaddr2 && OcfIsTrue(Param(op, "run_arping"))) {
    why = "run_arping=true (duplicate address detection) is not implemented by the native agent";
  } else if (ipaddr2 && !Param(op, "send_arp_opts").empty()) {
    why = "send_arp_opts is for an external ARP sender; the native agent sends its own frames";
  } else if (ipaddr2 && Param(op, "arp_sender") == "ipoibarping") {
    why = "arp_sender=ipoibarping (InfiniBand) is not implemented by the native agent";
  } else if (ipaddr2 && !Param(op, "mac").empty()) {
    why = "mac is for CLUSTERIP clones, which the native agent does not implement";
  } else if (ipaddr2 && Param(op, "clusterip_hash") != "sourceip-sourceport") {
    why = "clusterip_hash is for CLUSTERIP clones, which the native agent does not implement";
  } else if (!ipaddr2) {
    for (const char* script : {"local_start_script", "local_stop_script"}) {
      if (why.empty() && !Param(op, script).empty()) {
        why = std::string(script) + " runs a program; the native agent runs none";
      }
    }
    if (why.empty() && Param(op, "ARP_NETMASK") != "ffffffffffff") {
      why = "ARP_NETMASK other than ffffffffffff is not implemented by the native agent";
    }
  }
  if (why.empty()) return why;
  return why + (ipaddr2 ? "; ocf:heartbeat-script:IPaddr2 (the script) does"
                        : "; ocf:heartbeat-script:IPaddr (the script) does");
}

// findif: checks the parameters (on start and validate-all only, as the script does, so a
// monitor never reports a configuration error) and finds the interface and prefix.
Step FindInterface(const Settings& s, const std::string& action, Network& net, Placement* out) {
  std::optional<LinkInfo> nic;
  if (!s.nic.empty()) {
    if (NetError e = net.LinkByName(s.nic, &nic)) return IoFail(e);
  }
  const std::optional<int> given_prefix = ParsePrefix(s.netmask);
  if (action == "start" || action == "validate-all") {
    if (!s.nic.empty() && !nic) {
      return Fail(VIGIL_OCF_ERR_CONFIGURED, "Invalid interface name [" + s.nic + "]: no such link");
    }
    if (!ScriptValidIpv4(s.ip)) {
      return Fail(VIGIL_OCF_ERR_CONFIGURED, "IP address [" + s.ip + "] not valid.");
    }
    if (!s.netmask.empty() && !given_prefix) {
      return Fail(VIGIL_OCF_ERR_CONFIGURED, "Invalid netmask specification [" + s.netmask + "].");
    }
    if (!s.broadcast.empty() && s.broadcast != "+" && s.broadcast != "-" &&
        !ScriptValidIpv4(s.broadcast)) {
      return Fail(VIGIL_OCF_ERR_CONFIGURED, "Invalid broadcast address [" + s.broadcast + "].");
    }
  }

  // Connected subnets that hold the ip (and, with a netmask, all of ip/netmask), the longest
  // prefix first; among equals the last listed, as the script's selection does. Host routes
  // (/32) and default routes are not subnets.
  const std::optional<Ipv4> ip = ParseIpv4(s.ip);
  std::optional<RouteInfo> best;
  if (ip && (s.netmask.empty() || given_prefix)) {
    std::vector<RouteInfo> routes;
    if (NetError e = net.LinkRoutes(&routes)) return IoFail(e);
    for (const auto& r : routes) {
      if (r.prefix < 1 || r.prefix > 31) continue;
      if (!s.nic.empty() && (!nic || r.ifindex != nic->index)) continue;
      if (given_prefix && r.prefix > *given_prefix) continue;
      if ((*ip & PrefixMask(r.prefix)) != r.dst) continue;
      if (!best || r.prefix >= best->prefix) best = r;
    }
  }
  if ((s.nic.empty() || s.netmask.empty()) && !best) {
    return Fail(VIGIL_OCF_ERR_GENERIC, "Unable to find nic or netmask: no connected subnet" +
                                           std::string(s.nic.empty() ? "" : " on " + s.nic) +
                                           " holds " + s.ip);
  }
  out->nic = s.nic;
  out->link = nic;
  if (out->nic.empty()) {
    if (NetError e = net.LinkByIndex(best->ifindex, &out->link)) return IoFail(e);
    if (!out->link) return Fail(VIGIL_OCF_ERR_GENERIC, "the route to " + s.ip + " names no link");
    out->nic = out->link->name;
  }
  out->prefix = s.netmask.empty() ? std::optional<int>(best->prefix) : given_prefix;
  if (!s.iflabel.empty()) out->label = out->nic + ":" + s.iflabel;
  return {};
}

std::optional<Ipv4> Broadcast(const std::string& text, Ipv4 ip, int prefix) {
  if (text.empty()) return std::nullopt;
  // iproute2's "brd +" and "brd -": host bits all ones, or all zeros; only below /31.
  if (text == "+" || text == "-") {
    if (prefix > 30) return std::nullopt;
    return text == "+" ? (ip | ~PrefixMask(prefix)) : (ip & PrefixMask(prefix));
  }
  return ParseIpv4(text);
}

bool Served(const std::vector<AddressInfo>& addrs, const Placement& pl, Ipv4 ip) {
  if (!pl.link || !pl.prefix) return false;
  return std::any_of(addrs.begin(), addrs.end(), [&](const AddressInfo& a) {
    return a.ifindex == pl.link->index && a.local == ip && a.prefix == *pl.prefix;
  });
}

class Agent {
 public:
  Agent(const IpaddrOp& op, Network& net, Announcer& announcer)
      : op_(op), net_(net), announcer_(announcer) {}

  IpaddrResult Run() {
    const std::string& action = op_.action;
    if (action == "meta-data") {
      return {VIGIL_OCF_SUCCESS, "", IpaddrMetadata(op_.flavour), ""};
    }
    if (action != "start" && action != "stop" && action != "monitor" && action != "status" &&
        action != "validate-all") {
      return {VIGIL_OCF_ERR_UNIMPLEMENTED, "action " + action + " is not implemented", "", ""};
    }
    settings_ = ReadSettings(op_);
    Step step = op_.flavour == Flavour::kIPaddr2 ? CheckIpaddr2() : CheckIpaddr();
    if (step.failed()) return Done(step);
    step = Locate();
    if (step.failed() || located_early_exit_) return Done(step);
    if (op_.flavour == Flavour::kIPaddr2) {
      // The script checks these only once findif has succeeded: a probe of an address with no
      // subnet here is "not running" whatever they say.
      step = CheckIpaddr2Settings();
      if (step.failed()) return Done(step);
    }
    if (action == "start" || action == "validate-all") {
      if (std::string why = Refusal(op_, Clones()); !why.empty()) {
        return Done(Fail(VIGIL_OCF_ERR_CONFIGURED, why));
      }
    }
    if (action == "validate-all") return Done({});
    if (action == "start") return Done(Start());
    if (action == "stop") return Done(Stop());
    return Done(Monitor());
  }

 private:
  IpaddrResult Done(const Step& step) {
    IpaddrResult r;
    r.code = step.code;
    r.reason = step.reason;
    r.warning = warning_;
    if (op_.action == "status") r.output = step.code == VIGIL_OCF_SUCCESS ? "running" : "stopped";
    return r;
  }

  bool IsProbe() const { return op_.action == "monitor" && op_.interval_ms == 0; }

  // The IPaddr2 script's checks, in its order, with its codes and words.
  Step CheckIpaddr2() {
    const std::string& action = op_.action;
    if (settings_.ip.empty() && action != "stop") {
      return Fail(VIGIL_OCF_ERR_CONFIGURED, "IP address (the ip parameter) is mandatory");
    }
    if (Step s = CheckRoot(); s.failed()) return s;
    const std::string clone_max = CloneMax();
    const bool lvs = OcfIsTrue(Param(op_, "lvs_support"));
    const std::optional<int> clones = PositiveInt(clone_max);
    if (lvs && clones && *clones > 1) {
      return Fail(VIGIL_OCF_ERR_CONFIGURED, "LVS and load sharing do not go together well");
    }
    if (!clones) {
      return Fail(VIGIL_OCF_ERR_CONFIGURED,
                  "Invalid meta-attribute clone_max [" + clone_max + "], should be positive integer");
    }
    if (settings_.ip.find(':') != std::string::npos) {
      return Fail(VIGIL_OCF_ERR_CONFIGURED,
                  "IPv6 address [" + settings_.ip +
                      "]: the native agent manages IPv4 only; ocf:heartbeat-script:IPaddr2 does IPv6");
    }
    if (OcfIsTrue(Param(op_, "lvs_ipv6_addrlabel"))) {
      return Fail(VIGIL_OCF_ERR_CONFIGURED, "IPv4 does not support lvs_ipv6_addrlabel");
    }
    if (OcfIsTrue(Param(op_, "unique_clone_address"))) OffsetByCloneNumber();
    return {};
  }

  // The rest of the script's checks, after findif, in its order.
  Step CheckIpaddr2Settings() {
    const bool unique_address = OcfIsTrue(Param(op_, "unique_clone_address"));
    const std::string sender = Param(op_, "arp_sender");
    if (!sender.empty() && sender != "send_arp" && sender != "iputils_arping" &&
        sender != "libnet_arping" && sender != "ipoibarping") {
      return Fail(VIGIL_OCF_ERR_CONFIGURED, "unrecognized arp_sender value: " + sender);
    }
    if (unique_address && !OcfIsTrue(Meta(op_, "globally_unique"))) {
      return Fail(VIGIL_OCF_ERR_CONFIGURED,
                  "unique_clone_address makes sense only with meta globally_unique set");
    }
    if (!PositiveInt(settings_.arp_interval)) {
      return Fail(VIGIL_OCF_ERR_CONFIGURED,
                  "Invalid OCF_RESKEY_arp_interval [" + settings_.arp_interval + "]");
    }
    if (!PositiveInt(settings_.arp_count)) {
      return Fail(VIGIL_OCF_ERR_CONFIGURED,
                  "Invalid OCF_RESKEY_arp_count [" + settings_.arp_count + "]");
    }
    if (Param(op_, "preferred_lft").empty()) {
      return Fail(VIGIL_OCF_ERR_CONFIGURED, "Empty value is invalid for OCF_RESKEY_preferred_lft");
    }
    return {};
  }

  // The IPaddr script checks its ARP settings (as argument errors) on start and validate-all.
  Step CheckIpaddr() {
    const std::string& action = op_.action;
    if (action == "start" || action == "validate-all") {
      if (!PositiveInt(settings_.arp_interval)) {
        return Fail(VIGIL_OCF_ERR_ARGS,
                    "Invalid parameter value: ARP_INTERVAL_MS [" + settings_.arp_interval + "]");
      }
      if (!PositiveInt(settings_.arp_count)) {
        return Fail(VIGIL_OCF_ERR_ARGS,
                    "Invalid parameter value: ARP_REPEAT [" + settings_.arp_count + "]");
      }
      if (settings_.ip.empty()) {
        return Fail(VIGIL_OCF_ERR_CONFIGURED, "Required parameter OCF_RESKEY_ip is missing");
      }
      if (!ParseIpv4(settings_.ip)) {
        return Fail(VIGIL_OCF_ERR_CONFIGURED,
                    "Parameter OCF_RESKEY_ip [" + settings_.ip + "] not an IP address");
      }
    }
    return CheckRoot();
  }

  // The clone_max meta attribute as given, "1" when absent; CheckIpaddr2 refuses a bad one.
  std::string CloneMax() const {
    const std::string given = Meta(op_, "clone_max");
    return given.empty() ? "1" : given;
  }
  int Clones() const { return PositiveInt(CloneMax()).value_or(1); }

  Step CheckRoot() const {
    if ((op_.action == "start" || op_.action == "stop") && !op_.is_root) {
      return Fail(VIGIL_OCF_ERR_PERM, "You must be root for " + op_.action + " operation.");
    }
    return {};
  }

  // unique_clone_address: clone N serves ip + N in the last part.
  void OffsetByCloneNumber() {
    const std::optional<int> clone = PositiveInt(Meta(op_, "clone"));
    const size_t dot = settings_.ip.rfind('.');
    if (!clone || dot == std::string::npos) return;
    const std::string last = settings_.ip.substr(dot + 1);
    if (!IsDecimal(last) || last.size() > 3) return;
    settings_.ip = settings_.ip.substr(0, dot + 1) + std::to_string(std::stoi(last) + *clone);
  }

  // findif, then what the scripts do when it fails: a probe finds nothing running, a stop has
  // nothing to do, anything else fails with findif's code.
  Step Locate() {
    std::string nic = settings_.nic;
    // "nic:label" names the label in the nic parameter.
    if (const size_t colon = nic.find(':'); colon != std::string::npos) {
      settings_.iflabel = nic.substr(colon + 1);
      settings_.nic = nic.substr(0, colon);
    }
    Step found = FindInterface(settings_, op_.action, net_, &placement_);
    if (found.failed() && !found.io) {
      if (IsProbe()) {
        located_early_exit_ = true;
        return Fail(VIGIL_OCF_NOT_RUNNING, "");
      }
      if (op_.action == "stop") return LocateByAddress(found.reason);
      return found;
    }
    if (found.failed()) return found;
    if (placement_.label.size() > 15) {
      return Fail(VIGIL_OCF_ERR_CONFIGURED,
                  "Interface label [" + placement_.label + "] exceeds maximum character limit of 15");
    }
    ip_ = ParseIpv4(settings_.ip).value_or(0);
    return {};
  }

  // A stop whose subnet is gone (the link went down and took its connected route): the script
  // then leaves the address where it is and reports success. Vigil looks for the address itself
  // on every link and stops it there, so that a stopped address is gone.
  Step LocateByAddress(const std::string& why) {
    ip_ = ParseIpv4(settings_.ip).value_or(0);
    const std::optional<int> given_prefix = ParsePrefix(settings_.netmask);
    std::vector<AddressInfo> addrs;
    if (NetError e = net_.Addresses(&addrs)) return IoFail(e);
    for (const auto& a : addrs) {
      if (ip_ == 0 || a.local != ip_ || (given_prefix && a.prefix != *given_prefix)) continue;
      if (NetError e = net_.LinkByIndex(a.ifindex, &placement_.link)) return IoFail(e);
      if (!placement_.link || (!settings_.nic.empty() && placement_.link->name != settings_.nic)) continue;
      placement_.nic = placement_.link->name;
      placement_.prefix = a.prefix;
      return {};
    }
    located_early_exit_ = true;
    warning_ = why;
    return {};
  }

  Step Start() {
    std::vector<AddressInfo> addrs;
    if (NetError e = net_.Addresses(&addrs)) return Fail(VIGIL_OCF_ERR_GENERIC, e.what);
    if (!placement_.link) {
      return Fail(VIGIL_OCF_ERR_CONFIGURED, "No nic found or specified");
    }
    if (Served(addrs, placement_, ip_)) return {};  // already there: nothing to announce
    AddressSpec spec;
    spec.ifindex = placement_.link->index;
    spec.local = ip_;
    spec.prefix = *placement_.prefix;
    spec.broadcast = Broadcast(settings_.broadcast, ip_, spec.prefix);
    spec.label = placement_.label;
    spec.noprefixroute = settings_.noprefixroute;
    if (NetError e = net_.AddAddress(spec)) {
      return Fail(VIGIL_OCF_ERR_GENERIC, "Failed to add " + settings_.ip + ": " + e.what);
    }
    if (NetError e = net_.SetLinkUp(spec.ifindex)) {
      return Fail(VIGIL_OCF_ERR_GENERIC, "Failed to add " + settings_.ip + ": " + e.what);
    }
    Announce(*PositiveInt(settings_.arp_count), !settings_.arp_background);
    return {};
  }

  // Gratuitous ARP after the address is up. A failure here is logged, not fatal: the address
  // is serving, as the scripts' background send_arp also only logs.
  void Announce(int rounds, bool wait) {
    const LinkInfo& link = *placement_.link;
    if (link.loopback || placement_.nic.rfind("lo", 0) == 0) return;
    if (!link.has_mac) {
      warning_ = "no gratuitous ARP: " + link.name + " has no Ethernet address";
      return;
    }
    Announcement a;
    a.key = op_.resource;
    a.ifindex = link.index;
    a.mac = link.mac;
    a.ip = ip_;
    a.rounds = rounds;
    a.interval = std::chrono::milliseconds(*PositiveInt(settings_.arp_interval));
    a.wait = wait;
    a.cancelled = op_.cancelled;
    if (NetError e = announcer_.Announce(a)) warning_ = "gratuitous ARP not sent: " + e.what;
  }

  Step Stop() {
    announcer_.Cancel(op_.resource);
    std::vector<AddressInfo> addrs;
    if (NetError e = net_.Addresses(&addrs)) return Fail(VIGIL_OCF_ERR_GENERIC, e.what);
    if (!Served(addrs, placement_, ip_)) return {};
    const int ifindex = placement_.link->index;
    const int prefix = *placement_.prefix;
    std::vector<AddressInfo> others;
    bool primary = false;
    for (const auto& a : addrs) {
      if (a.ifindex != ifindex) continue;
      if (a.local == ip_ && a.prefix == prefix) {
        primary = !a.secondary;
      } else {
        others.push_back(a);
      }
    }
    // Deleting a primary address deletes its secondaries too, unless the link promotes one
    // of them in its place.
    const bool has_secondaries = std::any_of(others.begin(), others.end(), [&](const AddressInfo& a) {
      return a.secondary && a.prefix == prefix && (a.local & PrefixMask(prefix)) == (ip_ & PrefixMask(prefix));
    });
    bool promoted = true;
    if (primary && has_secondaries) {
      bool promote = false;
      if (NetError e = net_.PromoteSecondaries(ifindex, &promote); e) {
        promoted = false;
      } else if (!promote) {
        if (NetError set = net_.EnablePromoteSecondaries(ifindex)) {
          promoted = false;
          warning_ = "could not enable promote_secondaries: " + set.what;
        } else {
          warning_ = "enabled promote_secondaries on " + placement_.nic + " so that removing " +
                     settings_.ip + " keeps the addresses that depend on it";
        }
      }
    }
    if (NetError e = net_.DeleteAddress(ifindex, ip_, prefix);
        e && e.code != EADDRNOTAVAIL && e.code != ENOENT) {
      return Fail(VIGIL_OCF_ERR_GENERIC, "Unable to remove IP [" + settings_.ip +
                                             "] from interface [" + placement_.nic + "]: " + e.what);
    }
    if (promoted) return {};
    // Only the secondaries of the deleted primary can have gone with it; any other address
    // that is missing was removed by someone else (another resource's stop) and stays removed.
    std::vector<AddressInfo> dependents;
    for (const auto& o : others) {
      if (o.secondary && o.prefix == prefix &&
          (o.local & PrefixMask(prefix)) == (ip_ & PrefixMask(prefix))) {
        dependents.push_back(o);
      }
    }
    return Restore(dependents);
  }

  // Puts back the secondaries that the delete took with it.
  Step Restore(const std::vector<AddressInfo>& others) {
    if (others.empty()) return {};
    std::vector<AddressInfo> now;
    if (NetError e = net_.Addresses(&now)) return Fail(VIGIL_OCF_ERR_GENERIC, e.what);
    for (const auto& o : others) {
      const bool present = std::any_of(now.begin(), now.end(), [&](const AddressInfo& a) {
        return a.ifindex == o.ifindex && a.local == o.local && a.prefix == o.prefix;
      });
      if (present) continue;
      AddressSpec spec{o.ifindex, o.local, o.prefix, o.broadcast, o.label, false};
      if (NetError e = net_.AddAddress(spec)) {
        return Fail(VIGIL_OCF_ERR_GENERIC, "removing " + settings_.ip + " took " +
                                               FormatIpv4(o.local) + " with it: " + e.what);
      }
      warning_ = "removing " + settings_.ip + " took " + FormatIpv4(o.local) + " with it; restored";
    }
    return {};
  }

  Step Monitor() {
    std::vector<AddressInfo> addrs;
    if (NetError e = net_.Addresses(&addrs)) return Fail(VIGIL_OCF_ERR_GENERIC, e.what);
    if (!Served(addrs, placement_, ip_)) return Fail(VIGIL_OCF_NOT_RUNNING, "");
    // The IPaddr script's deeper check: the stack answers for the address. Natively: the link
    // is up and has carrier.
    if (op_.flavour == Flavour::kIPaddr && op_.check_level > 0 &&
        !(placement_.link->up && placement_.link->running)) {
      return Fail(VIGIL_OCF_ERR_GENERIC, placement_.nic + " is down or has no carrier");
    }
    const int refresh = PositiveInt(settings_.arp_refresh).value_or(0);  // unchecked, as in the script
    if (op_.action == "monitor" && refresh > 0) Announce(refresh, false);
    return {};
  }

  const IpaddrOp& op_;
  Network& net_;
  Announcer& announcer_;
  Settings settings_;
  Placement placement_;
  Ipv4 ip_ = 0;
  bool located_early_exit_ = false;
  std::string warning_;
};

}  // namespace

IpaddrResult RunIpaddr(const IpaddrOp& op, Network& network, Announcer& announcer) {
  return Agent(op, network, announcer).Run();
}

}  // namespace vigil::ipaddr
