// Membership on a fake network that loses, duplicates, delays and cuts packets: nodes agree on
// who is up, a lost node is noticed within the token timeout, and there is never more than one
// acting DC, one-way links and partitions included.
#include "cluster/membership/membership.h"

#include <gtest/gtest.h>

#include <deque>
#include <memory>
#include <random>
#include <set>

namespace vigil::membership {
namespace {

using std::chrono::milliseconds;

class FakeNetwork {
 public:
  explicit FakeNetwork(int n, QuorumConfig quorum = {}) {
    if (quorum.expected_votes == 2 && n != 2) quorum.expected_votes = n;
    for (int i = 1; i <= n; ++i) ids_.push_back(static_cast<uint32_t>(i));
    for (uint32_t id : ids_) Boot(id, quorum);
  }

  void Boot(uint32_t id, QuorumConfig quorum = {}) {
    if (quorum.expected_votes == 2 && ids_.size() != 2) quorum.expected_votes = static_cast<int>(ids_.size());
    MembershipOptions o;
    o.self = id;
    o.incarnation = ++incarnations_;
    o.nodes = ids_;
    o.token = milliseconds(1000);
    o.quorum = quorum;
    nodes_[id] = std::make_unique<Membership>(o);
    dead_.erase(id);
  }

  // One heartbeat interval: everyone alive sends; the network does its worst; everyone ticks.
  void Step() {
    now_ += milliseconds(250);
    std::vector<std::tuple<uint32_t, uint32_t, uint64_t, View>> sent;
    for (auto& [id, m] : nodes_) {
      if (dead_.count(id)) continue;
      const View v = m->Outgoing();
      for (auto& [to, other] : nodes_) {
        if (to == id || dead_.count(to) || cut_.count({id, to})) continue;
        if (loss_ > 0 && std::uniform_real_distribution<double>(0, 1)(rng_) < loss_) continue;
        sent.emplace_back(id, to, Incarnation(id), v);
        if (duplicate_) sent.emplace_back(id, to, Incarnation(id), v);
      }
    }
    if (delay_) {
      // Half the packets arrive a step late, after newer ones.
      std::shuffle(sent.begin(), sent.end(), rng_);
      const size_t half = sent.size() / 2;
      std::vector<std::tuple<uint32_t, uint32_t, uint64_t, View>> now(sent.begin(), sent.begin() + static_cast<long>(half));
      for (size_t i = half; i < sent.size(); ++i) late_.push_back(sent[i]);
      sent.swap(now);
      if (late_.size() > 4 * half + 16) {
        for (size_t i = 0; i < half && !late_.empty(); ++i) {
          sent.push_back(late_.front());
          late_.pop_front();
        }
      }
    }
    for (const auto& [from, to, inc, v] : sent) nodes_[to]->OnHeartbeat(from, inc, v, now_);
    for (auto& [id, m] : nodes_) {
      if (!dead_.count(id)) m->Tick(now_);
    }
    int acting = 0;
    for (auto& [id, m] : nodes_) acting += !dead_.count(id) && m->is_dc();
    max_acting_dcs_ = std::max(max_acting_dcs_, acting);
  }

  void Steps(int n) {
    for (int i = 0; i < n; ++i) Step();
  }

  uint64_t Incarnation(uint32_t id) const { return nodes_.at(id)->Outgoing().heard.empty() ? 0 : Find(id); }
  uint64_t Find(uint32_t id) const {
    for (const auto& h : nodes_.at(id)->Outgoing().heard) {
      if (h.node == id) return h.incarnation;
    }
    return 0;
  }

  Membership& operator[](uint32_t id) { return *nodes_.at(id); }
  void Kill(uint32_t id) { dead_.insert(id); }
  void Cut(uint32_t from, uint32_t to) { cut_.insert({from, to}); }
  void Heal() { cut_.clear(); }
  void Isolate(uint32_t id) {
    for (uint32_t other : ids_) {
      if (other == id) continue;
      Cut(id, other);
      Cut(other, id);
    }
  }
  std::vector<uint32_t> ActingDcs() {
    std::vector<uint32_t> out;
    for (auto& [id, m] : nodes_) {
      if (!dead_.count(id) && m->is_dc()) out.push_back(id);
    }
    return out;
  }
  int max_acting_dcs() const { return max_acting_dcs_; }
  SteadyTime now() const { return now_; }

  double loss_ = 0;
  bool duplicate_ = false;
  bool delay_ = false;

 private:
  std::vector<uint32_t> ids_;
  std::map<uint32_t, std::unique_ptr<Membership>> nodes_;
  std::set<uint32_t> dead_;
  std::set<std::pair<uint32_t, uint32_t>> cut_;
  std::deque<std::tuple<uint32_t, uint32_t, uint64_t, View>> late_;
  SteadyTime now_{std::chrono::hours(1)};
  uint64_t incarnations_ = 100;
  std::mt19937 rng_{3};
  int max_acting_dcs_ = 0;
};

using Ids = std::vector<uint32_t>;

TEST(MembershipTest, ThreeNodesAgreeAndElectOneDc) {
  FakeNetwork net(3);
  net.Steps(4);
  for (uint32_t id : {1u, 2u, 3u}) {
    EXPECT_EQ(net[id].members(), (Ids{1, 2, 3})) << id;
    EXPECT_TRUE(net[id].quorate());
    EXPECT_EQ(net[id].dc(), 1u);
  }
  EXPECT_EQ(net.ActingDcs(), Ids{1});
  EXPECT_EQ(net.max_acting_dcs(), 1);
}

TEST(MembershipTest, ALostNodeIsNoticedWithinTheTokenTimeoutAndTheDcMoves) {
  FakeNetwork net(3);
  net.Steps(4);
  const uint64_t old_term = net[1].term();
  net.Kill(1);
  int steps = 0;
  while (net[2].members() != Ids{2, 3} && steps < 20) {
    net.Step();
    ++steps;
  }
  // Lost after the token (1000 ms = 4 steps) has passed: on the 5th step.
  EXPECT_EQ(steps, 5);
  net.Steps(2);
  EXPECT_EQ(net.ActingDcs(), Ids{2});
  EXPECT_TRUE(net[2].views_agree());
  EXPECT_GT(net[2].term(), old_term);
  EXPECT_LE(net.max_acting_dcs(), 1);
}

TEST(MembershipTest, ACleanLeaveIsSeenAtOnce) {
  FakeNetwork net(3);
  net.Steps(4);
  const uint64_t incarnation = net.Find(3);
  net.Kill(3);
  net[1].OnLeave(3, incarnation, net.now());
  EXPECT_EQ(net[1].members(), (Ids{1, 2}));
  bool left = false;
  for (const auto& e : net[1].TakeEvents()) left |= e.text == "node 3 left";
  EXPECT_TRUE(left);
}

TEST(MembershipTest, AOneWayLinkJoinsNobodyAndNeverMakesTwoDcs) {
  FakeNetwork net(3);
  net.Steps(4);
  net.Cut(1, 3);  // 3 no longer hears 1, 1 still hears 3
  net.Steps(12);
  EXPECT_EQ(net[1].members(), (Ids{1, 2}));
  EXPECT_EQ(net[3].members(), (Ids{2, 3}));
  EXPECT_LE(net.max_acting_dcs(), 1);
  EXPECT_LE(net.ActingDcs().size(), 1u);
  // 1 hears 3, which it has lost as a member: 3 is alive, so nobody's plans may treat it as gone.
  for (uint32_t id : {1u, 2u, 3u}) EXPECT_FALSE(net[id].views_agree()) << id;
  net.Heal();
  net.Steps(6);
  EXPECT_EQ(net[3].members(), (Ids{1, 2, 3}));
  EXPECT_EQ(net.ActingDcs(), Ids{1});
  for (uint32_t id : {1u, 2u, 3u}) EXPECT_TRUE(net[id].views_agree()) << id;
}

TEST(MembershipTest, NoNodeTakesOfficeWhileAMemberHearsANodeItHasLost) {
  // 1 and 2 cannot hear each other; 3 hears both. 1 sees members {1, 3} and 3 names 1 as DC, but 3
  // also hears 2, which may be running resources 1 would take for stopped.
  FakeNetwork net(3);
  net.Cut(1, 2);
  net.Cut(2, 1);
  net.Steps(12);
  EXPECT_EQ(net[1].members(), (Ids{1, 3}));
  EXPECT_EQ(net[3].members(), (Ids{1, 2, 3}));
  EXPECT_EQ(net[3].dc(), 1u);
  EXPECT_FALSE(net[1].views_agree());
  EXPECT_EQ(net.ActingDcs(), Ids{});
  net.Heal();
  net.Steps(6);
  EXPECT_EQ(net.ActingDcs(), Ids{1});

  // The same cut under a DC in office: it stays, and its views disagree (so it plans nothing)
  // until the cut heals.
  net.Cut(1, 2);
  net.Cut(2, 1);
  net.Steps(8);
  EXPECT_EQ(net[1].members(), (Ids{1, 3}));
  EXPECT_EQ(net.ActingDcs(), Ids{1});
  EXPECT_FALSE(net[1].views_agree());
  net.Heal();
  net.Steps(6);
  EXPECT_TRUE(net[1].views_agree());
}

TEST(MembershipTest, OnlyTheQuoratePartitionHasADc) {
  FakeNetwork net(3);
  net.Steps(4);
  net.Isolate(1);
  net.Steps(8);
  EXPECT_FALSE(net[1].quorate());
  EXPECT_EQ(net[1].dc(), 0u);
  EXPECT_TRUE(net[2].quorate());
  EXPECT_EQ(net.ActingDcs(), Ids{2});
  net.Heal();
  net.Steps(6);
  EXPECT_EQ(net.ActingDcs(), Ids{1});
  EXPECT_LE(net.max_acting_dcs(), 1);
}

TEST(MembershipTest, TwoNodesWaitForEachOtherThenSurviveALoss) {
  QuorumConfig q;
  q.expected_votes = 2;
  q.two_node = true;
  FakeNetwork net(2, q);
  net.Kill(2);
  net.Steps(8);
  EXPECT_FALSE(net[1].quorate()) << "wait_for_all: a lone node that never saw its peer waits";
  net.Boot(2, q);
  net.Steps(6);
  EXPECT_TRUE(net[1].quorate());
  EXPECT_EQ(net.ActingDcs(), Ids{1});
  net.Kill(1);
  net.Steps(8);
  EXPECT_TRUE(net[2].quorate());
  EXPECT_EQ(net.ActingDcs(), Ids{2});
}

TEST(MembershipTest, ARestartedNodeRejoinsWithItsNewIncarnation) {
  FakeNetwork net(3);
  net.Steps(4);
  net.Kill(3);
  net.Steps(2);
  net.Boot(3);
  net.Steps(6);
  for (uint32_t id : {1u, 2u, 3u}) EXPECT_EQ(net[id].members(), (Ids{1, 2, 3})) << id;
  EXPECT_EQ(net.ActingDcs(), Ids{1});
}

TEST(MembershipTest, LossDuplicatesAndDelaysNeverMakeTwoDcs) {
  FakeNetwork net(5);
  net.loss_ = 0.2;
  net.duplicate_ = true;
  net.delay_ = true;
  net.Steps(400);
  EXPECT_LE(net.max_acting_dcs(), 1);
  net.loss_ = 0;
  net.delay_ = false;
  net.duplicate_ = false;
  net.Steps(8);
  for (uint32_t id : {1u, 2u, 3u, 4u, 5u}) EXPECT_EQ(net[id].members(), (Ids{1, 2, 3, 4, 5})) << id;
  EXPECT_EQ(net.ActingDcs(), Ids{1});
}

TEST(ViewCodecTest, RoundTripsAndRefusesMalformedPayloads) {
  View v;
  v.dc = 2;
  v.term = 9;
  v.heard = {{1, 100}, {2, 200}};
  v.name = "node1";
  const auto back = DecodeView(EncodeView(v));
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(*back, v);
  const std::string wire = EncodeView(v);
  for (size_t cut = 0; cut < wire.size(); ++cut) EXPECT_FALSE(DecodeView(wire.substr(0, cut)).has_value()) << cut;
  EXPECT_FALSE(DecodeView(wire + "x").has_value());
}

// Two nodes wired by hand: what one sends, the other receives at once.
struct Pair {
  Pair(MembershipOptions a, MembershipOptions b) : one(std::move(a)), two(std::move(b)) {}
  void Exchange(SteadyTime now, int rounds = 3) {
    for (int i = 0; i < rounds; ++i) {
      two.OnHeartbeat(1, 11, one.Outgoing(), now);
      one.OnHeartbeat(2, 22, two.Outgoing(), now);
    }
  }
  Membership one;
  Membership two;
};

MembershipOptions Options(uint32_t self, uint64_t incarnation, std::string name, std::vector<uint32_t> nodes) {
  MembershipOptions o;
  o.self = self;
  o.incarnation = incarnation;
  o.name = std::move(name);
  o.nodes = std::move(nodes);
  o.quorum.expected_votes = 2;
  return o;
}

TEST(MembershipTest, NamesTravelInHeartbeatsAndAConfiguredNameWins) {
  MembershipOptions a = Options(1, 11, "alpha", {1, 2});
  a.names[2] = "configured-two";
  Pair p(a, Options(2, 22, "beta", {1, 2}));
  p.Exchange(SteadyTime(std::chrono::hours(1)));
  EXPECT_EQ(p.two.known_nodes().at(1), "alpha");
  EXPECT_EQ(p.one.known_nodes().at(2), "configured-two");
  EXPECT_EQ(p.two.Label(1), "alpha (1)");
  // A name with a control character (here a NUL byte) is not taken: the node stays known by id.
  Pair q(Options(1, 11, std::string("al\0pha", 6), {1, 2}), Options(2, 22, "beta", {1, 2}));
  q.Exchange(SteadyTime(std::chrono::hours(1)));
  EXPECT_EQ(q.two.known_nodes().at(1), "");
  EXPECT_EQ(q.one.known_nodes().at(2), "beta");
}

TEST(MembershipTest, WithoutANodelistHeardNodesJoinAndStayKnownWhenLost) {
  Pair p(Options(1, 11, "node1", {}), Options(2, 22, "node2", {}));
  const SteadyTime t0(std::chrono::hours(1));
  p.Exchange(t0);
  EXPECT_EQ(p.one.members(), (Ids{1, 2}));
  EXPECT_TRUE(p.one.quorate());
  p.one.Tick(t0 + milliseconds(1001));
  EXPECT_EQ(p.one.members(), Ids{1});
  ASSERT_EQ(p.one.known_nodes().size(), 2u);
  EXPECT_EQ(p.one.known_nodes().at(2), "node2");
  bool lost = false;
  for (const auto& e : p.one.TakeEvents()) lost |= e.text == "node2 (2) lost (silent for 1001 ms, token 1000 ms)";
  EXPECT_TRUE(lost);
}

TEST(MembershipTest, AHeartbeatOfALifeThatLeftDoesNotBringItBack) {
  Pair p(Options(1, 11, "a", {1, 2}), Options(2, 22, "b", {1, 2}));
  const SteadyTime t0(std::chrono::hours(1));
  p.Exchange(t0);
  const View late = p.two.Outgoing();
  p.one.OnLeave(2, 22, t0);
  p.one.OnHeartbeat(2, 22, late, t0 + milliseconds(1));  // still in flight when it left
  EXPECT_EQ(p.one.members(), Ids{1});
  p.one.OnHeartbeat(2, 23, late, t0 + milliseconds(2));  // restarted: a new life joins
  EXPECT_EQ(p.one.known_nodes().count(2), 1u);
  EXPECT_EQ(p.one.Outgoing().heard.size(), 2u);
}

TEST(MembershipTest, ANodeThatJoinsDoesNotUnseatTheDcAndLearnsItsTerm) {
  FakeNetwork net(3);
  net.Kill(3);
  net.Steps(4);
  ASSERT_EQ(net.ActingDcs(), Ids{1});
  const uint64_t term = net[1].term();
  net.Boot(3);
  for (int i = 0; i < 8; ++i) {
    net.Step();
    EXPECT_TRUE(net[1].is_dc()) << "step " << i;
  }
  EXPECT_EQ(net[3].members(), (Ids{1, 2, 3}));
  EXPECT_EQ(net[1].term(), term);
  EXPECT_EQ(net[3].dc_term(), term);
  EXPECT_EQ(net[2].dc_term(), term);
}

TEST(MembershipTest, ANewNodeWaitsATokenOrForEveryNodeBeforeItActsAsDc) {
  const SteadyTime t0(std::chrono::hours(1));
  MembershipOptions o = Options(2, 22, "b", {1, 2, 3});
  o.started = t0;
  Membership m(o);
  View from3;
  from3.heard = {{2, 22}, {3, 33}};
  from3.dc = 2;
  m.OnHeartbeat(3, 33, from3, t0 + milliseconds(100));
  EXPECT_TRUE(m.quorate());
  EXPECT_EQ(m.dc(), 2u);
  EXPECT_FALSE(m.is_dc());  // node 1 may still be starting: it would take over at once
  m.OnHeartbeat(3, 33, from3, t0 + milliseconds(900));
  m.Tick(t0 + milliseconds(1000));
  EXPECT_TRUE(m.is_dc());

  // Every configured node in: no need to wait.
  Membership all(o);
  View from1;
  from1.heard = {{1, 11}, {2, 22}, {3, 33}};
  from1.dc = 1;
  all.OnHeartbeat(3, 33, from3, t0 + milliseconds(10));
  all.OnHeartbeat(1, 11, from1, t0 + milliseconds(10));
  EXPECT_EQ(all.members(), (Ids{1, 2, 3}));
  EXPECT_EQ(all.dc(), 1u);
  MembershipOptions solo = Options(1, 11, "a", {1});
  solo.started = t0;
  solo.quorum.expected_votes = 1;
  Membership alone(solo);
  alone.Tick(t0);
  EXPECT_TRUE(alone.is_dc());
}

TEST(MembershipTest, NextDeadlineIsWhenTheQuietestPeerIsDue) {
  Pair p(Options(1, 11, "a", {1, 2}), Options(2, 22, "b", {1, 2}));
  EXPECT_FALSE(p.one.NextDeadline().has_value());
  const SteadyTime t0(std::chrono::hours(1));
  p.Exchange(t0);
  ASSERT_TRUE(p.one.NextDeadline().has_value());
  EXPECT_GT(*p.one.NextDeadline(), t0 + milliseconds(1000));
  EXPECT_LE(*p.one.NextDeadline(), t0 + milliseconds(1001));
}

}  // namespace
}  // namespace vigil::membership

namespace vigil::membership {
namespace {

TEST(MembershipTest, AnIsolatedNodesQuorumLeaseLapsesBeforeTheOthersLoseIt) {
  FakeNetwork net(3);
  net.Steps(4);
  for (uint32_t id : {1u, 2u, 3u}) EXPECT_TRUE(net[id].HoldsQuorumLease(net.now())) << id;
  // Node 3 is cut off; the last heartbeats crossed at this step.
  net.Isolate(3);
  const SteadyTime cut = net.now();
  EXPECT_EQ(net[3].LeaseDeadline(), cut + milliseconds(625));
  net.Steps(2);  // 500 ms of silence: two heartbeats lost, the lease (625 ms) still holds
  EXPECT_TRUE(net[3].HoldsQuorumLease(net.now()));
  net.Step();    // 750 ms: lapsed, while node 3 still counts the others as members
  EXPECT_FALSE(net[3].HoldsQuorumLease(net.now()));
  EXPECT_TRUE(net[3].quorate());
  EXPECT_EQ(net[3].members(), (Ids{1, 2, 3}));
  EXPECT_EQ(net[3].LeaseDeadline(), cut + milliseconds(625));
  // The majority keeps its lease on each other's heartbeats, and loses node 3 only later.
  for (uint32_t id : {1u, 2u}) {
    EXPECT_TRUE(net[id].HoldsQuorumLease(net.now())) << id;
    EXPECT_EQ(net[id].members(), (Ids{1, 2, 3})) << id;
  }
  net.Steps(2);
  for (uint32_t id : {1u, 2u}) EXPECT_EQ(net[id].members(), (Ids{1, 2})) << id;
  EXPECT_FALSE(net[3].quorate());
  EXPECT_FALSE(net[3].LeaseDeadline().has_value());
}

TEST(MembershipTest, OneLostHeartbeatKeepsTheLeaseAndTwoNodesOfTwoNodeNeedNone) {
  FakeNetwork net(3);
  net.Steps(4);
  const SteadyTime last = net.now();
  net.Isolate(3);
  net.Step();  // one heartbeat each way lost
  net.Heal();
  // Up to the instant the next one arrives (two intervals after the last), the lease holds.
  EXPECT_TRUE(net[3].HoldsQuorumLease(last + milliseconds(500)));
  net.Step();
  EXPECT_TRUE(net[3].HoldsQuorumLease(net.now()));
  // two_node: one vote is quorum, so there is nothing to lease.
  FakeNetwork pair(2, QuorumConfig{.expected_votes = 2, .two_node = true});
  pair.Steps(4);
  pair.Isolate(2);
  pair.Steps(3);
  EXPECT_TRUE(pair[2].HoldsQuorumLease(pair.now()));
  EXPECT_FALSE(pair[2].LeaseDeadline().has_value());
}

}  // namespace
}  // namespace vigil::membership
