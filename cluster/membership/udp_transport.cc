#include "cluster/membership/udp_transport.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>


namespace vigil::membership {
namespace {

sockaddr_in Endpoint(uint32_t address, uint16_t port) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(address);
  a.sin_port = htons(port);
  return a;
}

std::string Dotted(uint32_t address) {
  char text[INET_ADDRSTRLEN] = "";
  const in_addr a{htonl(address)};
  inet_ntop(AF_INET, &a, text, sizeof text);
  return text;
}

}  // namespace

Result<std::unique_ptr<UdpTransport>> UdpTransport::Open(TransportOptions options) {
  std::unique_ptr<UdpTransport> t(new UdpTransport(std::move(options)));
  if (t->options_.protection == Protection::kAes256Gcm) {
    auto key = AesKey(t->options_.key);
    if (!key.ok()) return key.status();
    t->options_.key = std::move(*key);
  }
  t->fd_ = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (t->fd_ < 0) return Status::FromErrno("cannot create a UDP socket", errno);
  const TransportOptions& o = t->options_;
  const bool multicast = o.multicast_group != 0;
  if (multicast) {
    // Several nodes of one machine's tests, or a restart racing the old socket, share the port.
    const int on = 1;
    if (setsockopt(t->fd_, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on) != 0) {
      return Status::FromErrno("cannot set SO_REUSEADDR", errno);
    }
  }
  const sockaddr_in local = Endpoint(multicast ? o.multicast_group : o.bind_address, o.port);
  if (bind(t->fd_, reinterpret_cast<const sockaddr*>(&local), sizeof local) != 0) {
    return Status::FromErrno("cannot bind UDP " + Dotted(multicast ? o.multicast_group : o.bind_address) + ":" +
                                 std::to_string(o.port),
                             errno);
  }
  if (multicast) {
    ip_mreqn join{};
    join.imr_multiaddr.s_addr = htonl(o.multicast_group);
    join.imr_address.s_addr = htonl(o.bind_address);
    join.imr_ifindex = o.multicast_interface;
    if (setsockopt(t->fd_, IPPROTO_IP, IP_ADD_MEMBERSHIP, &join, sizeof join) != 0) {
      return Status::FromErrno("cannot join multicast group " + Dotted(o.multicast_group), errno);
    }
    const ip_mreqn from = join;  // send from the cluster's interface and address
    const int ttl = o.multicast_ttl;
    const unsigned char loop = 0;  // a node does not need its own heartbeats
    if (setsockopt(t->fd_, IPPROTO_IP, IP_MULTICAST_IF, &from, sizeof from) != 0 ||
        setsockopt(t->fd_, IPPROTO_IP, IP_MULTICAST_TTL, &ttl, sizeof ttl) != 0 ||
        setsockopt(t->fd_, IPPROTO_IP, IP_MULTICAST_LOOP, &loop, sizeof loop) != 0) {
      return Status::FromErrno("cannot set the multicast options", errno);
    }
  }
  return t;
}

UdpTransport::~UdpTransport() {
  if (fd_ >= 0) close(fd_);
}

Status UdpTransport::Send(PacketType type, const std::string& payload) {
  Packet p;
  p.type = type;
  p.sender = options_.self;
  p.incarnation = options_.incarnation;
  p.sequence = ++sequence_;
  p.cluster = options_.cluster;
  p.payload = payload;
  auto wire = EncodePacket(p, options_.key, options_.protection);
  if (!wire.ok()) return wire.status();
  // A lost datagram is what heartbeats are for: errors (unreachable, no buffer) are not
  // reported, the next round tries again.
  auto send_to = [&](uint32_t address) {
    const sockaddr_in to = Endpoint(address, options_.port);
    (void)sendto(fd_, wire->data(), wire->size(), MSG_DONTWAIT, reinterpret_cast<const sockaddr*>(&to), sizeof to);
  };
  if (options_.multicast_group != 0) {
    send_to(options_.multicast_group);
  } else {
    for (const auto& peer : options_.peers) send_to(peer.address);
  }
  return Status::Ok();
}

bool UdpTransport::KnownSender(uint32_t sender, uint32_t source) const {
  if (options_.multicast_group != 0 && options_.peers.empty()) {
    return sender == (source & 0x7fffffff) && source != options_.bind_address;
  }
  for (const auto& peer : options_.peers) {
    if (peer.node == sender && peer.address == source) return true;
  }
  return false;
}

std::vector<Packet> UdpTransport::Receive() {
  std::vector<Packet> accepted;
  char buffer[kMaxPacket + 1];  // one byte more, to tell an oversized datagram
  // A bounded batch: a flood must not keep the loop from sending its own heartbeats.
  for (size_t i = 0; i < kReceiveBatch; ++i) {
    sockaddr_in from{};
    socklen_t from_length = sizeof from;
    const ssize_t n = recvfrom(fd_, buffer, sizeof buffer, MSG_DONTWAIT | MSG_TRUNC,
                               reinterpret_cast<sockaddr*>(&from), &from_length);
    if (n < 0) {
      if (errno == EINTR) continue;
      break;  // EAGAIN: nothing more waiting (other errors: the next poll tries again)
    }
    auto drop = [&](DropReason reason) { ++drops_[reason]; };
    if (static_cast<size_t>(n) > kMaxPacket) {
      drop(DropReason::kTooLong);
      continue;
    }
    // The node id must match the address it was configured with: a node that has the key
    // still cannot speak for another. Checked on the claimed id before any cryptography, so a
    // stranger's datagrams cost no more than this; the MAC then proves the id.
    const std::string_view datagram(buffer, static_cast<size_t>(n));
    const uint32_t source = ntohl(from.sin_addr.s_addr);
    if (const auto claimed = ClaimedSender(datagram); claimed && !KnownSender(*claimed, source)) {
      drop(DropReason::kUnknownSender);
      continue;
    }
    Decoded d = DecodePacket(datagram, options_.key, options_.protection);
    if (d.drop != DropReason::kNone) {
      drop(d.drop);
      continue;
    }
    if (d.packet.cluster != options_.cluster) {
      drop(DropReason::kOtherCluster);
      continue;
    }
    const DropReason replay = windows_[d.packet.sender].Check(d.packet.incarnation, d.packet.sequence);
    if (replay != DropReason::kNone) {
      drop(replay);
      continue;
    }
    sources_[d.packet.sender] = source;
    accepted.push_back(std::move(d.packet));
  }
  return accepted;
}

std::optional<uint32_t> UdpTransport::AddressOf(uint32_t node) const {
  for (const auto& peer : options_.peers) {
    if (peer.node == node) return peer.address;
  }
  if (const auto it = sources_.find(node); it != sources_.end()) return it->second;
  return std::nullopt;
}

uint64_t UdpTransport::dropped(DropReason reason) const {
  const auto it = drops_.find(reason);
  return it == drops_.end() ? 0 : it->second;
}

}  // namespace vigil::membership
