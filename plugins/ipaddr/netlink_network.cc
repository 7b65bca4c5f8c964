// Network over rtnetlink, through libnl-route.
// <net/if.h> first: the kernel headers that libnl pulls in then leave ifreq and IFF_* to it.
#include <net/if.h>

#include <arpa/inet.h>
#include <linux/if_arp.h>
#include <linux/ip.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/link/inet.h>
#include <netlink/route/route.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <map>

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
    case NLE_DUMP_INTR: return EINTR;
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

NetError BuildIpv4(Ipv4 ip, int prefix, NlAddr* out) {
  const uint32_t be = htonl(ip);
  out->p = nl_addr_build(AF_INET, &be, sizeof be);
  if (!out->p) return {ENOMEM, "building an address: out of memory"};
  nl_addr_set_prefixlen(out->p, prefix);
  return {};
}

// Runs one dump request and hands every message of the answer to `parse`. libnl's caches
// would build an object per entry; a monitor needs a few fields, so the messages are read as
// they come.
template <typename Header, typename Parse>
NetError DumpOnce(nl_sock* sock, int type, const Header& header, const char* what, Parse& parse) {
  if (int err = nl_send_simple(sock, type, NLM_F_DUMP, const_cast<Header*>(&header), sizeof header);
      err < 0) {
    return Fail(err, what);
  }
  nl_cb* cb = nl_cb_alloc(NL_CB_DEFAULT);
  if (!cb) return {ENOMEM, std::string(what) + ": out of memory"};
  auto trampoline = [](nl_msg* msg, void* arg) -> int {
    (*static_cast<Parse*>(arg))(nlmsg_hdr(msg));
    return NL_OK;
  };
  nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, trampoline, &parse);
  const int err = nl_recvmsgs(sock, cb);
  nl_cb_put(cb);
  if (err < 0) return Fail(err, what);
  return {};
}

// A dump that raced a change (another address added meanwhile) is marked interrupted by the
// kernel; it is read again from the start rather than failing the operation.
template <typename Header, typename Parse, typename Reset>
NetError Dump(nl_sock* sock, int type, const Header& header, const char* what, Parse parse,
              Reset reset) {
  for (int attempt = 0;; ++attempt) {
    reset();
    NetError e = DumpOnce(sock, type, header, what, parse);
    if (!e || e.code != EINTR || attempt == 4) return e;
  }
}

Ipv4 AttrIpv4(const nlattr* a) {
  uint32_t be = 0;
  std::memcpy(&be, nla_data(a), sizeof be);
  return ntohl(be);
}

// The reads are kept between calls and answered again for as long as nothing has changed. What
// tells: a second netlink socket that has joined the kernel's link, IPv4 address and IPv4 route
// notification groups. The kernel queues a notification on it before the change that caused it
// returns to whoever made it (`ip addr del`, another agent, this one), so a read that first
// finds that socket empty answers exactly what a fresh dump would. Anything on it, an overflow
// (ENOBUFS: notifications were lost) included, drops everything kept.
class NetlinkNetwork final : public Network {
 public:
  NetlinkNetwork(nl_sock* sock, int ioctl_fd, int events_fd)
      : sock_(sock), ioctl_fd_(ioctl_fd), events_fd_(events_fd) {}
  ~NetlinkNetwork() override {
    nl_socket_free(sock_);
    ::close(ioctl_fd_);
    ::close(events_fd_);
  }

  NetError LinkByName(const std::string& name, std::optional<LinkInfo>* out) override {
    ifreq ifr{};
    if (name.empty() || name.size() >= sizeof ifr.ifr_name) return {};  // no such link
    std::memcpy(ifr.ifr_name, name.data(), name.size());
    return Kept(out, [&]() -> KeptLink& { return links_by_name_[name]; },
                [&](std::optional<LinkInfo>* o) {
                  return LookUp(SIOCGIFINDEX, ifr, "looking up link " + name, o);
                });
  }

  NetError LinkByIndex(int index, std::optional<LinkInfo>* out) override {
    ifreq ifr{};
    ifr.ifr_ifindex = index;
    return Kept(out, [&]() -> KeptLink& { return links_by_index_[index]; },
                [&](std::optional<LinkInfo>* o) {
                  return LookUp(SIOCGIFNAME, ifr, "looking up link " + std::to_string(index), o);
                });
  }

  NetError Addresses(std::vector<AddressInfo>* out) override {
    return Kept(out, [this]() -> auto& { return addresses_; },
                [this](std::vector<AddressInfo>* o) { return DumpAddresses(o); });
  }

  NetError LinkRoutes(std::vector<RouteInfo>* out) override {
    return Kept(out, [this]() -> auto& { return routes_; },
                [this](std::vector<RouteInfo>* o) { return DumpLinkRoutes(o); });
  }

 private:
  // The answer kept in slot() while nothing has changed; otherwise read() afresh, then kept.
  template <typename T, typename Slot, typename Read>
  NetError Kept(T* out, Slot slot, Read read) {
    const bool unchanged = Unchanged();  // first: it may drop what slot() refers to
    std::optional<T>& kept = slot();
    if (unchanged && kept) {
      *out = *kept;
      return {};
    }
    if (NetError e = read(out)) return e;
    kept = *out;
    return {};
  }

  // The link that ifr names, found by `request` (SIOCGIFINDEX by name, SIOCGIFNAME by index).
  NetError LookUp(unsigned long request, ifreq ifr, const std::string& doing,
                  std::optional<LinkInfo>* out) {
    out->reset();
    if (::ioctl(ioctl_fd_, request, &ifr) != 0) return Missing(doing);
    return Describe(ifr, out);
  }

  // Drains the notification socket; false (and everything kept dropped) when anything was on it.
  bool Unchanged() {
    bool unchanged = true;
    for (;;) {
      char buf[256];
      // MSG_TRUNC: what changed does not matter, only that something did.
      const ssize_t n = ::recv(events_fd_, buf, sizeof buf, MSG_DONTWAIT | MSG_TRUNC);
      if (n >= 0 || errno == ENOBUFS || errno == EINTR) {
        unchanged = false;
        continue;
      }
      if (errno != EAGAIN && errno != EWOULDBLOCK) unchanged = false;  // cannot tell: read afresh
      break;
    }
    if (!unchanged) {
      links_by_name_.clear();
      links_by_index_.clear();
      addresses_.reset();
      routes_.reset();
    }
    return unchanged;
  }

  NetError DumpAddresses(std::vector<AddressInfo>* out) {
    out->clear();
    ifaddrmsg req{};
    req.ifa_family = AF_INET;
    return Dump(sock_, RTM_GETADDR, req, "listing addresses", [out](nlmsghdr* h) {
      nlattr* tb[IFA_MAX + 1];
      if (h->nlmsg_type != RTM_NEWADDR || nlmsg_parse(h, sizeof(ifaddrmsg), tb, IFA_MAX, nullptr) < 0) {
        return;
      }
      const auto* ifa = static_cast<const ifaddrmsg*>(nlmsg_data(h));
      const nlattr* local = tb[IFA_LOCAL] ? tb[IFA_LOCAL] : tb[IFA_ADDRESS];
      if (ifa->ifa_family != AF_INET || !local || nla_len(local) != 4) return;
      AddressInfo info;
      info.ifindex = static_cast<int>(ifa->ifa_index);
      info.local = AttrIpv4(local);
      info.prefix = ifa->ifa_prefixlen;
      if (tb[IFA_BROADCAST] && nla_len(tb[IFA_BROADCAST]) == 4) info.broadcast = AttrIpv4(tb[IFA_BROADCAST]);
      if (tb[IFA_LABEL]) info.label = nla_get_string(tb[IFA_LABEL]);
      // IFA_FLAGS carries all 32 bits; ifa_flags only the low 8.
      const uint32_t flags = tb[IFA_FLAGS] ? nla_get_u32(tb[IFA_FLAGS]) : ifa->ifa_flags;
      info.secondary = flags & IFA_F_SECONDARY;
      out->push_back(std::move(info));
    }, [out] { out->clear(); });
  }

  NetError DumpLinkRoutes(std::vector<RouteInfo>* out) {
    out->clear();
    rtmsg req{};
    req.rtm_family = AF_INET;
    return Dump(sock_, RTM_GETROUTE, req, "listing routes", [out](nlmsghdr* h) {
      nlattr* tb[RTA_MAX + 1];
      if (h->nlmsg_type != RTM_NEWROUTE || nlmsg_parse(h, sizeof(rtmsg), tb, RTA_MAX, nullptr) < 0) {
        return;
      }
      const auto* rt = static_cast<const rtmsg*>(nlmsg_data(h));
      const uint32_t table = tb[RTA_TABLE] ? nla_get_u32(tb[RTA_TABLE]) : rt->rtm_table;
      if (rt->rtm_family != AF_INET || table != RT_TABLE_MAIN || rt->rtm_scope != RT_SCOPE_LINK ||
          rt->rtm_type != RTN_UNICAST || !tb[RTA_OIF]) {
        return;
      }
      RouteInfo info;
      info.prefix = rt->rtm_dst_len;
      info.dst = tb[RTA_DST] && nla_len(tb[RTA_DST]) == 4 ? AttrIpv4(tb[RTA_DST]) : 0;
      info.ifindex = static_cast<int>(nla_get_u32(tb[RTA_OIF]));
      out->push_back(info);
    }, [out] { out->clear(); });
  }

 public:
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
  // Flags and hardware address of the link that ifr names (by name and index both).
  NetError Describe(ifreq& ifr, std::optional<LinkInfo>* out) {
    LinkInfo info;
    info.index = ifr.ifr_ifindex;
    info.name = ifr.ifr_name;
    if (::ioctl(ioctl_fd_, SIOCGIFFLAGS, &ifr) != 0) return Missing("reading link " + info.name);
    info.up = ifr.ifr_flags & IFF_UP;
    info.running = ifr.ifr_flags & IFF_RUNNING;
    info.loopback = ifr.ifr_flags & IFF_LOOPBACK;
    if (::ioctl(ioctl_fd_, SIOCGIFHWADDR, &ifr) != 0) return Missing("reading link " + info.name);
    if (ifr.ifr_hwaddr.sa_family == ARPHRD_ETHER) {
      std::memcpy(info.mac.data(), ifr.ifr_hwaddr.sa_data, 6);
      info.has_mac = true;
    }
    *out = std::move(info);
    return {};
  }

  // ENODEV means there is no such link, which is an answer, not an error.
  static NetError Missing(const std::string& doing) {
    const int err = errno;
    if (err == ENODEV || err == ENXIO) return {};
    return {err, doing + ": " + std::strerror(err)};
  }

  nl_sock* sock_;
  int ioctl_fd_;   // a datagram socket of the same namespace, for the interface ioctls
  int events_fd_;  // the notification socket (see the class comment)
  // Outer: read or not yet; inner: the link, or none by that name or index.
  using KeptLink = std::optional<std::optional<LinkInfo>>;
  std::map<std::string, KeptLink> links_by_name_;
  std::map<int, KeptLink> links_by_index_;
  std::optional<std::vector<AddressInfo>> addresses_;
  std::optional<std::vector<RouteInfo>> routes_;
};

// A netlink socket that receives the kernel's notifications of link, IPv4 address and IPv4
// route changes in the calling thread's namespace; it is only ever drained, never written.
NetError OpenEvents(int* out) {
  const int fd = ::socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, NETLINK_ROUTE);
  if (fd < 0) {
    const int err = errno;
    return {err, std::string("opening netlink notifications: ") + std::strerror(err)};
  }
  sockaddr_nl at{};
  at.nl_family = AF_NETLINK;
  at.nl_groups = RTMGRP_LINK | RTMGRP_IPV4_IFADDR | RTMGRP_IPV4_ROUTE;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&at), sizeof at) != 0) {
    const int err = errno;
    ::close(fd);
    return {err, std::string("joining netlink notifications: ") + std::strerror(err)};
  }
  *out = fd;
  return {};
}

}  // namespace

NetError OpenNetlinkNetwork(std::unique_ptr<Network>* out) {
  nl_sock* sock = nl_socket_alloc();
  if (!sock) return {ENOMEM, "opening netlink: out of memory"};
  // Without MSG_PEEK libnl reads each answer with one recvmsg instead of two; the buffer is
  // sized for a dump's pages (the kernel fills up to 32 KiB per read).
  nl_socket_disable_msg_peek(sock);
  nl_socket_set_msg_buf_size(sock, 64 * 1024);
  if (int err = nl_connect(sock, NETLINK_ROUTE); err < 0) {
    nl_socket_free(sock);
    return Fail(err, "opening netlink");
  }
  const int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    const int err = errno;
    nl_socket_free(sock);
    return {err, std::string("opening a socket: ") + std::strerror(err)};
  }
  int events = -1;
  if (NetError e = OpenEvents(&events)) {
    nl_socket_free(sock);
    ::close(fd);
    return e;
  }
  *out = std::make_unique<NetlinkNetwork>(sock, fd, events);
  return {};
}

std::optional<Ipv4> ParseIpv4(const std::string& text) {
  // The libc's reading, as vigil.conf's (cluster/config): four decimal parts, no leading zeros.
  in_addr a{};
  if (inet_pton(AF_INET, text.c_str(), &a) != 1) return std::nullopt;
  return ntohl(a.s_addr);
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
