// Asks who has an IPv4 address, as a client on the link would (an ARP request, broadcast), and
// collects the MACs that answer. An ARP reply means the address is up on an interface of the
// host that sent it: it is how a client finds the owner of a floating IP, so it is what the
// demo shows, the end-to-end test checks and the failover benchmark times.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/status.h"

namespace vigil::lab {

class ArpProbe {
 public:
  // A raw socket on `ifname` inside the named network namespace (/run/netns/NAME), asking as
  // `source` (the address of that interface). Needs root.
  static Result<std::unique_ptr<ArpProbe>> Open(const std::string& netns, const std::string& ifname,
                                                const std::string& source);
  ~ArpProbe();
  ArpProbe(const ArpProbe&) = delete;
  ArpProbe& operator=(const ArpProbe&) = delete;

  // Sends one request for `ip` and returns the distinct MACs ("02:00:...", lower case) whose
  // replies arrived within `wait`, in order of arrival. Not thread-safe.
  std::vector<std::string> Ask(const std::string& ip, std::chrono::milliseconds wait);

 private:
  ArpProbe(int fd, int ifindex, std::array<uint8_t, 6> mac, uint32_t source)
      : fd_(fd), ifindex_(ifindex), mac_(mac), source_(source) {}

  int fd_;
  int ifindex_;
  std::array<uint8_t, 6> mac_;
  uint32_t source_;  // network order
};

}  // namespace vigil::lab
