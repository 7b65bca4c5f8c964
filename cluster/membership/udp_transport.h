// The built-in transport: membership packets over UDP, unicast to every node of the nodelist, or
// multicast to totem's mcastaddr:mcastport.
//
// Every datagram is authenticated (packet.h), must come from the address configured for the node
// it names, must belong to this cluster, and must be new for its sender (replay_window.h).
// Without a nodelist (multicast, corosync 1.x style) a node's id is its IPv4 address, as
// corosync 1.x derives it, so the source address must equal the id it claims.
// Anything else is dropped and counted by reason, for `vigil status --verbose`.
//
// Multicast: one socket bound to the group and port, joined on the interface of the bind
// address, sending from that interface with the configured TTL and without looping back.
//
// Non-blocking: the daemon polls fd() and calls Receive() when it is readable. Not thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cluster/membership/packet.h"
#include "cluster/membership/replay_window.h"
#include "common/status.h"

namespace vigil::membership {

struct PeerAddress {
  uint32_t node = 0;
  uint32_t address = 0;  // IPv4, host byte order
};

struct TransportOptions {
  uint32_t self = 0;
  uint32_t bind_address = 0;  // host byte order
  uint16_t port = 5405;
  std::vector<PeerAddress> peers;  // every other node (unicast; with multicast, an empty list
                                   // means any node whose id is its address)
  uint32_t multicast_group = 0;    // host byte order; 0: unicast to `peers`
  int multicast_interface = 0;     // the ifindex to join the group on and to send from
  int multicast_ttl = 1;
  std::string key;                 // the authkey
  Protection protection = Protection::kHmacSha256;  // kAes256Gcm: crypto_cipher aes256
  uint32_t cluster = 0;            // ClusterId(cluster_name)
  uint64_t incarnation = 0;        // grows across restarts of this node
};

class UdpTransport {
 public:
  // Errors: the socket cannot be created or bound (the address is not local, the port is taken).
  static Result<std::unique_ptr<UdpTransport>> Open(TransportOptions options);
  ~UdpTransport();
  UdpTransport(const UdpTransport&) = delete;
  UdpTransport& operator=(const UdpTransport&) = delete;

  int fd() const { return fd_; }
  uint16_t port() const { return options_.port; }

  // Sends one packet to every peer. A peer that cannot be reached is not an error (it may be
  // down); only a packet that cannot be built is.
  Status Send(PacketType type, const std::string& payload);

  // The datagrams waiting (at most kReceiveBatch: call again while fd() is readable), checked;
  // the accepted ones in arrival order.
  std::vector<Packet> Receive();
  static constexpr size_t kReceiveBatch = 64;

  // Where `node` speaks from: its configured address, else the source of its latest accepted
  // packet (multicast without a nodelist); nullopt for a node never heard.
  std::optional<uint32_t> AddressOf(uint32_t node) const;

  uint64_t dropped(DropReason reason) const;
  const std::map<DropReason, uint64_t>& drops() const { return drops_; }
  uint64_t sent() const { return sequence_; }

 private:
  explicit UdpTransport(TransportOptions options) : options_(std::move(options)) {}
  // `sender` may speak from `source`: its configured address, or (multicast without a nodelist)
  // the address its id is derived from.
  bool KnownSender(uint32_t sender, uint32_t source) const;

  TransportOptions options_;
  int fd_ = -1;
  uint64_t sequence_ = 0;
  std::map<uint32_t, ReplayWindow> windows_;
  std::map<DropReason, uint64_t> drops_;
  std::map<uint32_t, uint32_t> sources_;  // node → the address of its latest accepted packet
};

}  // namespace vigil::membership
