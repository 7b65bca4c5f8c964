#include "lab/arp_probe.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <thread>

namespace vigil::lab {
namespace {

constexpr size_t kArpOffset = 14;  // after the Ethernet header
constexpr size_t kFrameSize = 60;  // the Ethernet minimum, without the FCS

std::string MacText(const uint8_t* mac) {
  char text[18];
  std::snprintf(text, sizeof text, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
  return text;
}

}  // namespace

Result<std::unique_ptr<ArpProbe>> ArpProbe::Open(const std::string& netns, const std::string& ifname,
                                                 const std::string& source) {
  in_addr src{};
  if (::inet_pton(AF_INET, source.c_str(), &src) != 1) {
    return Status(StatusCode::kInvalidArgument, "not an IPv4 address: " + source);
  }
  // The socket belongs to the namespace of the thread that opens it, and stays there: a thread
  // of its own joins the namespace, so this process's other threads stay where they are.
  Status status;
  int fd = -1;
  int ifindex = 0;
  std::array<uint8_t, 6> mac{};
  std::thread opener([&] {
    const int ns = ::open(("/run/netns/" + netns).c_str(), O_RDONLY | O_CLOEXEC);
    if (ns < 0) {
      status = Status::FromErrno("network namespace " + netns, errno);
      return;
    }
    const bool joined = ::setns(ns, CLONE_NEWNET) == 0;
    const int err = errno;
    ::close(ns);
    if (!joined) {
      status = Status::FromErrno("setns " + netns, err);
      return;
    }
    ifindex = static_cast<int>(::if_nametoindex(ifname.c_str()));
    if (ifindex == 0) {
      status = Status::FromErrno(ifname + " in " + netns, errno);
      return;
    }
    // ETH_P_ARP: the kernel hands this socket only ARP frames.
    fd = ::socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, htons(ETH_P_ARP));
    if (fd < 0) {
      status = Status::FromErrno("AF_PACKET socket", errno);
      return;
    }
    ifreq req{};
    std::snprintf(req.ifr_name, sizeof req.ifr_name, "%s", ifname.c_str());
    if (::ioctl(fd, SIOCGIFHWADDR, &req) != 0) {
      status = Status::FromErrno("MAC of " + ifname, errno);
      return;
    }
    std::memcpy(mac.data(), req.ifr_hwaddr.sa_data, 6);
    sockaddr_ll at{};
    at.sll_family = AF_PACKET;
    at.sll_protocol = htons(ETH_P_ARP);
    at.sll_ifindex = ifindex;
    if (::bind(fd, reinterpret_cast<sockaddr*>(&at), sizeof at) != 0) {
      status = Status::FromErrno("bind to " + ifname, errno);
    }
  });
  opener.join();
  if (!status.ok()) {
    if (fd >= 0) ::close(fd);
    return status;
  }
  return std::unique_ptr<ArpProbe>(new ArpProbe(fd, ifindex, mac, src.s_addr));
}

ArpProbe::~ArpProbe() { ::close(fd_); }

std::vector<std::string> ArpProbe::Ask(const std::string& ip, std::chrono::milliseconds wait) {
  std::vector<std::string> macs;
  in_addr target{};
  if (::inet_pton(AF_INET, ip.c_str(), &target) != 1) return macs;
  uint8_t frame[kFrameSize] = {};
  // Drop what came before this question: an old reply says nothing about now.
  while (::recv(fd_, frame, sizeof frame, 0) > 0) {
  }
  std::memset(frame, 0xff, 6);                  // to everyone on the link
  std::memcpy(frame + 6, mac_.data(), 6);
  frame[12] = 0x08, frame[13] = 0x06;           // ARP
  uint8_t* arp = frame + kArpOffset;
  arp[1] = 1;                                   // hardware: Ethernet
  arp[2] = 0x08, arp[3] = 0x00;                 // protocol: IPv4
  arp[4] = 6, arp[5] = 4;
  arp[7] = 1;                                   // a request
  std::memcpy(arp + 8, mac_.data(), 6);
  std::memcpy(arp + 14, &source_, 4);
  std::memcpy(arp + 24, &target.s_addr, 4);     // the target MAC stays zero: unknown
  sockaddr_ll to{};
  to.sll_family = AF_PACKET;
  to.sll_ifindex = ifindex_;
  to.sll_halen = 6;
  std::memset(to.sll_addr, 0xff, 6);
  if (::sendto(fd_, frame, sizeof frame, 0, reinterpret_cast<sockaddr*>(&to), sizeof to) < 0) return macs;
  const auto end = std::chrono::steady_clock::now() + wait;
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(end - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
    uint8_t in[1500];
    ssize_t n;
    while ((n = ::recv(fd_, in, sizeof in, 0)) >= static_cast<ssize_t>(kArpOffset + 28)) {
      const uint8_t* a = in + kArpOffset;
      // A reply (2) from the asked address to us; gratuitous announcements are not answers.
      if (a[6] != 0 || a[7] != 2 || std::memcmp(a + 14, &target.s_addr, 4) != 0 ||
          std::memcmp(a + 24, &source_, 4) != 0) {
        continue;
      }
      const std::string mac = MacText(a + 8);
      if (std::find(macs.begin(), macs.end(), mac) == macs.end()) macs.push_back(mac);
    }
  }
  return macs;
}

}  // namespace vigil::lab
