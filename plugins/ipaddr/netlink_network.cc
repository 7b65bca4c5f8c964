// Network over rtnetlink, through libnl-route.
#include <arpa/inet.h>
#include <linux/if_arp.h>
#include <linux/if.h>
#include <linux/ip.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/link/inet.h>
#include <netlink/route/route.h>

#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>

#include "plugins/ipaddr/network.h"

namespace vigil::ipaddr {
namespace {

// libnl reports its own codes; the agents reason in errno.
int ToErrno(int nl_error) {
  switch (nl_error < 0 ? -nl_error : nl_error) {
    case NLE_EXIST: return EEXIST;
    case NLE_NOADDR: return EADDRNOTAVAIL;
    case NLE_OBJ_NOTFOUND: return ENOENT;
    case NLE_PERM: return EPERM;
    case NLE_NODEV: return ENODEV;
    case NLE_INVAL: return EINVAL;
    case NLE_BUSY: return EBUSY;
    default: return EIO;
  }
}

NetError Fail(int nl_error, const std::string& doing) {
  return {ToErrno(nl_error), doing + ": " + nl_geterror(nl_error)};
}

// Owns one libnl object and puts it back on every path.
template <typename T, void (*Free)(T*)>
struct Owned {
  T* p = nullptr;
  Owned() = default;
  explicit Owned(T* q) : p(q) {}
  ~Owned() {
    if (p) Free(p);
  }
  Owned(const Owned&) = delete;
  Owned& operator=(const Owned&) = delete;
};
using Cache = Owned<nl_cache, nl_cache_free>;
using Link = Owned<rtnl_link, rtnl_link_put>;
using Addr = Owned<rtnl_addr, rtnl_addr_put>;
using NlAddr = Owned<nl_addr, nl_addr_put>;

Ipv4 ToIpv4(const nl_addr* a) {
  uint32_t be = 0;
  std::memcpy(&be, nl_addr_get_binary_addr(a), sizeof be);
  return ntohl(be);
}

NetError BuildIpv4(Ipv4 ip, int prefix, NlAddr* out) {
  const uint32_t be = htonl(ip);
  out->p = nl_addr_build(AF_INET, &be, sizeof be);
  if (!out->p) return {ENOMEM, "building an address: out of memory"};
  nl_addr_set_prefixlen(out->p, prefix);
  return {};
}

class NetlinkNetwork final : public Network {
 public:
  explicit NetlinkNetwork(nl_sock* sock) : sock_(sock) {}
  ~NetlinkNetwork() override { nl_socket_free(sock_); }

  NetError Links(std::vector<LinkInfo>* out) override {
    Cache cache;
    if (int err = rtnl_link_alloc_cache(sock_, AF_UNSPEC, &cache.p); err < 0) {
      return Fail(err, "listing links");
    }
    out->clear();
    for (nl_object* o = nl_cache_get_first(cache.p); o; o = nl_cache_get_next(o)) {
      auto* link = reinterpret_cast<rtnl_link*>(o);
      LinkInfo info;
      info.index = rtnl_link_get_ifindex(link);
      if (const char* name = rtnl_link_get_name(link)) info.name = name;
      const unsigned flags = rtnl_link_get_flags(link);
      info.up = flags & IFF_UP;
      info.running = flags & IFF_RUNNING;
      info.loopback = flags & IFF_LOOPBACK;
      const nl_addr* mac = rtnl_link_get_addr(link);
      if (mac && nl_addr_get_len(mac) == 6 && rtnl_link_get_arptype(link) == ARPHRD_ETHER) {
        std::memcpy(info.mac.data(), nl_addr_get_binary_addr(mac), 6);
        info.has_mac = true;
      }
      out->push_back(std::move(info));
    }
    return {};
  }

  NetError Addresses(std::vector<AddressInfo>* out) override {
    Cache cache;
    if (int err = rtnl_addr_alloc_cache(sock_, &cache.p); err < 0) {
      return Fail(err, "listing addresses");
    }
    out->clear();
    for (nl_object* o = nl_cache_get_first(cache.p); o; o = nl_cache_get_next(o)) {
      auto* addr = reinterpret_cast<rtnl_addr*>(o);
      if (rtnl_addr_get_family(addr) != AF_INET) continue;
      const nl_addr* local = rtnl_addr_get_local(addr);
      if (!local || nl_addr_get_len(local) != 4) continue;
      AddressInfo info;
      info.ifindex = rtnl_addr_get_ifindex(addr);
      info.local = ToIpv4(local);
      info.prefix = rtnl_addr_get_prefixlen(addr);
      if (const nl_addr* brd = rtnl_addr_get_broadcast(addr); brd && nl_addr_get_len(brd) == 4) {
        info.broadcast = ToIpv4(brd);
      }
      if (const char* label = rtnl_addr_get_label(addr)) info.label = label;
      info.secondary = rtnl_addr_get_flags(addr) & IFA_F_SECONDARY;
      out->push_back(std::move(info));
    }
    return {};
  }

  NetError LinkRoutes(std::vector<RouteInfo>* out) override {
    Cache cache;
    if (int err = rtnl_route_alloc_cache(sock_, AF_INET, 0, &cache.p); err < 0) {
      return Fail(err, "listing routes");
    }
    out->clear();
    for (nl_object* o = nl_cache_get_first(cache.p); o; o = nl_cache_get_next(o)) {
      auto* route = reinterpret_cast<rtnl_route*>(o);
      if (rtnl_route_get_table(route) != RT_TABLE_MAIN) continue;
      if (rtnl_route_get_scope(route) != RT_SCOPE_LINK) continue;
      if (rtnl_route_get_type(route) != RTN_UNICAST) continue;
      const nl_addr* dst = rtnl_route_get_dst(route);
      if (!dst || rtnl_route_get_nnexthops(route) < 1) continue;
      RouteInfo info;
      info.prefix = nl_addr_get_prefixlen(dst);
      info.dst = nl_addr_get_len(dst) == 4 ? ToIpv4(dst) : 0;
      info.ifindex = rtnl_route_nh_get_ifindex(rtnl_route_nexthop_n(route, 0));
      out->push_back(info);
    }
    return {};
  }

  NetError AddAddress(const AddressSpec& spec) override {
    Addr addr(rtnl_addr_alloc());
    NlAddr local;
    if (!addr.p) return {ENOMEM, "adding an address: out of memory"};
    if (NetError e = BuildIpv4(spec.local, spec.prefix, &local)) return e;
    rtnl_addr_set_ifindex(addr.p, spec.ifindex);
    rtnl_addr_set_family(addr.p, AF_INET);
    // Sets IFA_LOCAL, and IFA_ADDRESS too when there is no peer: the kernel needs both for a
    // broadcast link, or the address gets no prefix route.
    if (int err = rtnl_addr_set_local(addr.p, local.p); err < 0) return Fail(err, "adding");
    rtnl_addr_set_prefixlen(addr.p, spec.prefix);
    NlAddr brd;
    if (spec.broadcast) {
      if (NetError e = BuildIpv4(*spec.broadcast, 32, &brd)) return e;
      if (int err = rtnl_addr_set_broadcast(addr.p, brd.p); err < 0) return Fail(err, "adding");
    }
    if (!spec.label.empty()) {
      if (int err = rtnl_addr_set_label(addr.p, spec.label.c_str()); err < 0) {
        return Fail(err, "setting label " + spec.label);
      }
    }
    if (spec.noprefixroute) rtnl_addr_set_flags(addr.p, IFA_F_NOPREFIXROUTE);
    // NLM_F_EXCL: an address that is already there is reported, not silently replaced.
    if (int err = rtnl_addr_add(sock_, addr.p, NLM_F_EXCL); err < 0) {
      return Fail(err, "adding " + FormatIpv4(spec.local) + "/" + std::to_string(spec.prefix));
    }
    return {};
  }

  NetError DeleteAddress(int ifindex, Ipv4 ip, int prefix) override {
    Addr addr(rtnl_addr_alloc());
    NlAddr local;
    if (!addr.p) return {ENOMEM, "deleting an address: out of memory"};
    if (NetError e = BuildIpv4(ip, prefix, &local)) return e;
    rtnl_addr_set_ifindex(addr.p, ifindex);
    rtnl_addr_set_family(addr.p, AF_INET);
    if (int err = rtnl_addr_set_local(addr.p, local.p); err < 0) return Fail(err, "deleting");
    rtnl_addr_set_prefixlen(addr.p, prefix);
    if (int err = rtnl_addr_delete(sock_, addr.p, 0); err < 0) {
      return Fail(err, "deleting " + FormatIpv4(ip) + "/" + std::to_string(prefix));
    }
    return {};
  }

  NetError SetLinkUp(int ifindex) override {
    Link orig;
    if (int err = rtnl_link_get_kernel(sock_, ifindex, nullptr, &orig.p); err < 0) {
      return Fail(err, "reading link " + std::to_string(ifindex));
    }
    Link change(rtnl_link_alloc());
    if (!change.p) return {ENOMEM, "bringing a link up: out of memory"};
    rtnl_link_set_flags(change.p, IFF_UP);
    if (int err = rtnl_link_change(sock_, orig.p, change.p, 0); err < 0) {
      return Fail(err, "bringing link " + std::to_string(ifindex) + " up");
    }
    return {};
  }

  NetError PromoteSecondaries(int ifindex, bool* on) override {
    Link link;
    if (int err = rtnl_link_get_kernel(sock_, ifindex, nullptr, &link.p); err < 0) {
      return Fail(err, "reading link " + std::to_string(ifindex));
    }
    uint32_t value = 0;
    if (int err = rtnl_link_inet_get_conf(link.p, IPV4_DEVCONF_PROMOTE_SECONDARIES, &value);
        err < 0) {
      return Fail(err, "reading promote_secondaries");
    }
    *on = value != 0;
    return {};
  }

  NetError EnablePromoteSecondaries(int ifindex) override {
    Link orig;
    if (int err = rtnl_link_get_kernel(sock_, ifindex, nullptr, &orig.p); err < 0) {
      return Fail(err, "reading link " + std::to_string(ifindex));
    }
    Link change(rtnl_link_alloc());
    if (!change.p) return {ENOMEM, "setting promote_secondaries: out of memory"};
    if (int err = rtnl_link_inet_set_conf(change.p, IPV4_DEVCONF_PROMOTE_SECONDARIES, 1);
        err < 0) {
      return Fail(err, "setting promote_secondaries");
    }
    if (int err = rtnl_link_change(sock_, orig.p, change.p, 0); err < 0) {
      return Fail(err, "setting promote_secondaries");
    }
    return {};
  }

 private:
  nl_sock* sock_;
};

}  // namespace

NetError OpenNetlinkNetwork(std::unique_ptr<Network>* out) {
  nl_sock* sock = nl_socket_alloc();
  if (!sock) return {ENOMEM, "opening netlink: out of memory"};
  if (int err = nl_connect(sock, NETLINK_ROUTE); err < 0) {
    nl_socket_free(sock);
    return Fail(err, "opening netlink");
  }
  *out = std::make_unique<NetlinkNetwork>(sock);
  return {};
}

std::optional<Ipv4> ParseIpv4(const std::string& text) {
  Ipv4 ip = 0;
  const char* p = text.data();
  const char* end = p + text.size();
  for (int part = 0; part < 4; ++part) {
    if (part > 0) {
      if (p == end || *p != '.') return std::nullopt;
      ++p;
    }
    unsigned value = 0;
    const char* start = p;
    auto [next, ec] = std::from_chars(p, end, value);
    if (ec != std::errc() || next == start || next - start > 3 || value > 255) return std::nullopt;
    ip = (ip << 8) | value;
    p = next;
  }
  if (p != end) return std::nullopt;
  return ip;
}

std::string FormatIpv4(Ipv4 ip) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%u.%u.%u.%u", ip >> 24, (ip >> 16) & 255, (ip >> 8) & 255,
                ip & 255);
  return buf;
}

std::string FormatMac(const Mac& mac) {
  char buf[18];
  std::snprintf(buf, sizeof buf, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3],
                mac[4], mac[5]);
  return buf;
}

}  // namespace vigil::ipaddr
