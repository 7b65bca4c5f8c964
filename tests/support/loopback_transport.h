// The UDP transport of node `id` (1 to 3) of a three-node test cluster on loopback: it binds
// 127.0.0.<id> and sends to the other two, with one key and cluster id for all, and no
// configuration needed.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "cluster/membership/udp_transport.h"

namespace vigil::testing {

inline constexpr uint32_t kLoopbackNet = 0x7f000000;  // 127.0.0.0

inline std::unique_ptr<membership::UdpTransport> LoopbackTransport(uint32_t id, uint16_t port, const std::string& key,
                                                                   uint32_t cluster, uint64_t incarnation) {
  membership::TransportOptions o;
  o.self = id;
  o.bind_address = kLoopbackNet + id;
  o.port = port;
  for (uint32_t other = 1; other <= 3; ++other) {
    if (other != id) o.peers.push_back({other, kLoopbackNet + other});
  }
  o.key = key;
  o.cluster = cluster;
  o.incarnation = incarnation;
  auto t = membership::UdpTransport::Open(std::move(o));
  EXPECT_TRUE(t.ok()) << t.status().message();
  return t.ok() ? std::move(*t) : nullptr;
}

}  // namespace vigil::testing
