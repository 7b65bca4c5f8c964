// Network is the seam between the IPaddr agents and the kernel: the few rtnetlink requests they
// need (links, IPv4 addresses, connected routes; add and delete one address; bring a link up;
// the per-link promote_secondaries switch). NetlinkNetwork speaks to the kernel through libnl;
// the unit tests use a fake that keeps the same state in memory.
//
// Every call acts in the network namespace of the thread that created the object (a netlink
// socket belongs to the namespace it was opened in). Not thread-safe: one object per thread.
// A monitor is on the hot path (it runs every few seconds per address, on every node), so the
// reads are plain dumps with nothing listed that is not needed, and NetlinkNetwork keeps what it
// read until the kernel announces a change of links, IPv4 addresses or routes.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace vigil::ipaddr {

// IPv4 addresses travel in host byte order.
using Ipv4 = uint32_t;
using Mac = std::array<uint8_t, 6>;

// What failed, with the kernel's words. Empty = success.
struct NetError {
  int code = 0;  // errno, when the kernel gave one
  std::string what;
  explicit operator bool() const { return !what.empty(); }
};

struct LinkInfo {
  int index = 0;
  std::string name;
  Mac mac{};
  bool has_mac = false;  // an Ethernet-like link with a 6-byte address
  bool up = false;       // IFF_UP
  bool running = false;  // IFF_RUNNING: carrier
  bool loopback = false;
};

struct AddressInfo {
  int ifindex = 0;
  Ipv4 local = 0;
  int prefix = 0;
  std::optional<Ipv4> broadcast;
  std::string label;
  bool secondary = false;  // IFA_F_SECONDARY
};

// A route of the main table with scope link (a connected subnet), in dump order.
struct RouteInfo {
  Ipv4 dst = 0;
  int prefix = 0;
  int ifindex = 0;
};

struct AddressSpec {
  int ifindex = 0;
  Ipv4 local = 0;
  int prefix = 32;
  std::optional<Ipv4> broadcast;
  std::string label;  // empty = the kernel's default (the link's name)
  bool noprefixroute = false;
};

class Network {
 public:
  virtual ~Network() = default;
  // The link with that name or index; *out stays empty when there is none.
  [[nodiscard]] virtual NetError LinkByName(const std::string& name, std::optional<LinkInfo>* out) = 0;
  [[nodiscard]] virtual NetError LinkByIndex(int index, std::optional<LinkInfo>* out) = 0;
  [[nodiscard]] virtual NetError Addresses(std::vector<AddressInfo>* out) = 0;  // IPv4 only
  [[nodiscard]] virtual NetError LinkRoutes(std::vector<RouteInfo>* out) = 0;
  // Fails with EEXIST when the same address and prefix are already on the link.
  [[nodiscard]] virtual NetError AddAddress(const AddressSpec& spec) = 0;
  // Removes exactly local/prefix from the link; ENOENT/EADDRNOTAVAIL when it is not there.
  [[nodiscard]] virtual NetError DeleteAddress(int ifindex, Ipv4 local, int prefix) = 0;
  [[nodiscard]] virtual NetError SetLinkUp(int ifindex) = 0;
  [[nodiscard]] virtual NetError PromoteSecondaries(int ifindex, bool* on) = 0;
  [[nodiscard]] virtual NetError EnablePromoteSecondaries(int ifindex) = 0;
};

// Opens a route netlink socket in the calling thread's namespace.
[[nodiscard]] NetError OpenNetlinkNetwork(std::unique_ptr<Network>* out);

// Dotted quad, strictly: four decimal parts 0-255. std::nullopt otherwise.
std::optional<Ipv4> ParseIpv4(const std::string& text);
std::string FormatIpv4(Ipv4 ip);
std::string FormatMac(const Mac& mac);
inline Ipv4 PrefixMask(int prefix) {
  return prefix <= 0 ? 0 : prefix >= 32 ? 0xffffffffu : ~((1u << (32 - prefix)) - 1);
}

}  // namespace vigil::ipaddr
