// Membership: who is up, agreed rather than guessed, and who is the DC.
//
// Every node sends, every token/4, a heartbeat carrying what it hears: the nodes (with their
// incarnations) it had a heartbeat from within the token timeout, and whom it takes for DC.
// A node's members are itself and the nodes that hear it and that it hears: a link that works
// one way only joins nobody, so it cannot make two DCs. The DC is the lowest node id among the
// members of a quorate membership (or any membership when quorum is ignored); it acts only
// once every member names it too, and each new DC takes a term higher than any it has seen, so
// that what a stale DC sends can be told apart.
//
// With a nodelist only its nodes count; without one (corosync 1.x style, multicast), any node
// the transport authenticated joins, and is remembered afterwards so that it shows as offline
// once lost. Each heartbeat also carries the sender's name, so every node can name every other.
//
// Pure logic: time is passed in, packets are passed in and out by the caller (the UDP
// transport in vigild, a fake lossy network in tests). Not thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cluster/membership/quorum.h"
#include "common/clock.h"
#include "common/log.h"

namespace vigil::membership {

struct Heard {
  uint32_t node = 0;
  uint64_t incarnation = 0;
  bool operator==(const Heard&) const = default;
};

// A heartbeat's payload.
struct View {
  std::vector<Heard> heard;  // sorted by node id; the sender included
  uint32_t dc = 0;           // 0: none
  uint64_t term = 0;
  std::string name;          // the sender's node name (at most kMaxNameBytes)
  bool operator==(const View&) const = default;
};
constexpr size_t kMaxNameBytes = 255;
// Nodes in one cluster: every heartbeat lists them all, and must fit a datagram
// (14 + 12 * 64 + 1 + 255 bytes is well under kMaxPayload).
constexpr size_t kMaxNodes = 64;
std::string EncodeView(const View& view);
std::optional<View> DecodeView(std::string_view payload);  // nullopt if malformed

struct MembershipOptions {
  uint32_t self = 0;
  uint64_t incarnation = 0;
  std::string name;             // this node's name
  std::vector<uint32_t> nodes;  // the configured node ids, self included; empty: no nodelist
  std::map<uint32_t, std::string> names;  // configured names (a node's own name wins over these)
  Duration token = std::chrono::milliseconds(1000);
  QuorumConfig quorum;
  bool ignore_quorum = false;   // no-quorum-policy=ignore: a DC even without quorum
  // When this node started: it takes office as DC only once every configured node has been a
  // member or `token` has passed since (as Pacemaker's dc-deadtime), so nodes started a moment apart
  // do not elect one DC and then another.
  SteadyTime started{};
};

class Membership {
 public:
  explicit Membership(MembershipOptions options);

  // A heartbeat from `from` (already authenticated and checked against replays).
  void OnHeartbeat(uint32_t from, uint64_t incarnation, const View& view, SteadyTime now);
  // A clean leave: `from` is gone now, not after the token timeout.
  void OnLeave(uint32_t from, uint64_t incarnation, SteadyTime now);
  // Forgets nodes silent for longer than the token timeout and recomputes everything.
  void Tick(SteadyTime now);

  // When the next silent node would be lost (Tick is due then); nullopt with no peer heard.
  std::optional<SteadyTime> NextDeadline() const;

  // What to send now.
  View Outgoing() const;
  Duration heartbeat_interval() const { return options_.token / 4; }

  // The quorum lease: this node is quorate and has heard, within the last 5/8 of the token,
  // from enough members to make quorum with its own vote. When a partition splits the cluster,
  // the minority's lease lapses before the majority can lose it: the majority drops a node only
  // after a whole token of silence, and the minority's last heartbeat from the majority is at
  // most one heartbeat interval (token/4) older than the majority's last one from it. So what the
  // minority stops when its lease lapses is stopped an eighth of a token (less the stop's own
  // time) before the majority may start it. One lost heartbeat does not lapse it; two in a row
  // do. With quorum ignored the lease is not used; with two_node it always holds.
  bool HoldsQuorumLease(SteadyTime now) const;
  // When the lease lapses (or lapsed: a past time) if nothing more is heard; nullopt without
  // quorum, when quorum needs no other vote, or when too few members are left to hold it.
  std::optional<SteadyTime> LeaseDeadline() const;
  Duration lease() const { return options_.token * 5 / 8; }

  const std::vector<uint32_t>& members() const { return members_; }  // sorted, self included
  bool quorate() const { return quorum_.quorate(); }
  const Quorum& quorum() const { return quorum_; }
  // no-quorum-policy=ignore (read from the CIB): a DC even without quorum, from the next Tick.
  void set_ignore_quorum(bool ignore) { options_.ignore_quorum = ignore; }
  uint32_t dc() const { return dc_; }       // whom this node takes for DC; 0: none
  bool is_dc() const { return acting_; }    // this node is the DC and every member agrees
  // Every member hears exactly the members, as this node does: no member still hears a node this
  // node has lost (it may be alive, running what it ran) and nobody is half joined. A node takes
  // office as DC only then; the DC plans only then.
  bool views_agree() const { return views_agree_; }
  uint64_t term() const { return term_; }
  // The term of the DC this node names: its own when acting, else the one the DC announces
  // (0 while that DC has not taken office).
  uint64_t dc_term() const;
  // Every node configured or ever heard, with its name ("" until known).
  const std::map<uint32_t, std::string>& known_nodes() const { return known_; }
  // "node2 (2)", or "node 2" while its name is unknown: how events name a node.
  std::string Label(uint32_t node) const;

  // One readable line for every change since the last call (membership, quorum, DC), for the
  // log; empty when nothing changed.
  std::vector<LogEvent> TakeEvents();

 private:
  struct Peer {
    uint64_t incarnation = 0;
    SteadyTime last_heard;
    View view;
  };
  void Recompute();
  bool HearsMe(const Peer& peer) const;

  MembershipOptions options_;
  std::map<uint32_t, Peer> peers_;  // nodes heard within the token timeout
  std::map<uint32_t, std::string> known_;
  std::map<uint32_t, uint64_t> left_;  // the incarnation each node left with
  std::vector<uint32_t> members_;
  Quorum quorum_;
  uint32_t dc_ = 0;
  bool acting_ = false;
  bool views_agree_ = false;
  SteadyTime now_{};  // the latest time passed in
  bool settled_ = false;  // past the start-up wait (see MembershipOptions::started)
  uint64_t term_ = 0;
  uint64_t highest_term_seen_ = 0;
  EventLog events_;
};

}  // namespace vigil::membership
