// A port free on a loopback address for UDP and for TCP (vigild takes the same number for its ring
// and its peer links), then released for the test to bind. Picked below the kernel's ephemeral
// range (32768-60999): the local ports of other tests' outgoing TCP connections come from there,
// and one of them taking the number between the pick and vigild's bind made vigild refuse to start
// ("cannot bind the peer port").
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdint>
#include <random>

namespace vigil::testing {

// Whether a socket of `type` can bind `port` on `address` now.
inline bool CanBind(int type, uint32_t address, uint16_t port) {
  const int fd = socket(AF_INET, type, 0);
  if (fd < 0) return false;
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(address);
  a.sin_port = htons(port);
  const bool ok = bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  close(fd);
  return ok;
}

inline uint16_t FreeUdpPort(uint32_t address = INADDR_LOOPBACK) {
  static std::mt19937 random{std::random_device{}()};
  std::uniform_int_distribution<int> below_ephemeral(20000, 32767);
  for (int attempt = 0; attempt < 200; ++attempt) {
    const auto port = static_cast<uint16_t>(below_ephemeral(random));
    if (CanBind(SOCK_DGRAM, address, port) && CanBind(SOCK_STREAM, INADDR_ANY, port)) return port;
  }
  // (Not expected: 200 taken numbers in a row.) The kernel's pick.
  const int fd = socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(address);
  bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t length = sizeof a;
  getsockname(fd, reinterpret_cast<sockaddr*>(&a), &length);
  close(fd);
  return ntohs(a.sin_port);
}

}  // namespace vigil::testing
