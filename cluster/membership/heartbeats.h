// The built-in membership stack as one of vigild's event sources (common/event_source.h):
// heartbeats over the UDP transport (udp_transport.h) feed the membership core (membership.h).
//
// A heartbeat carries this node's view. One goes out every token/4, and one at once when the
// view changed, so that agreement takes a round trip rather than a heartbeat interval. The core
// is ticked on every turn, and the loop is woken exactly when the next silent node is due and
// just after the quorum lease would lapse. Packets the transport drops are counted by reason
// (udp_transport.h) and logged at most once a minute.
//
// Single-threaded; the owner keeps the core alive while this lives.
#pragma once

#include <map>
#include <memory>

#include "cluster/membership/membership.h"
#include "cluster/membership/udp_transport.h"
#include "common/event_source.h"

namespace vigil::membership {

class Heartbeats : public EventSource {
 public:
  Heartbeats(std::unique_ptr<UdpTransport> transport, Membership& membership)
      : transport_(std::move(transport)), membership_(membership) {}

  // The first heartbeat.
  void Start(SteadyTime now);
  // The socket; woken for the next heartbeat, the next silent node and a lease lapse.
  void Arm(PollSet& set) override;
  // The packets received, the tick, a heartbeat when due or when the view changed, and a line
  // in the log for new drops.
  void Dispatch(const PollSet& set, SteadyTime now) override;
  // Tells the peers this node leaves: they act on it at once.
  void Leave();

  const UdpTransport& transport() const { return *transport_; }
  uint64_t received() const { return received_; }
  uint64_t bad_views() const { return bad_views_; }  // authenticated, yet malformed

 private:
  void Send(View view, SteadyTime now);
  void Receive(SteadyTime now);
  void LogDrops(SteadyTime now);

  std::unique_ptr<UdpTransport> transport_;
  Membership& membership_;
  View last_sent_;
  SteadyTime next_heartbeat_{};
  uint64_t received_ = 0;
  uint64_t bad_views_ = 0;
  std::map<DropReason, uint64_t> logged_drops_;
  SteadyTime last_drop_log_{};
};

}  // namespace vigil::membership
