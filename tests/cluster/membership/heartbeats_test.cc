// The built-in membership as vigild's loop drives it: two Heartbeats sources on 127.0.0.1 and
// 127.0.0.2 (real UDP on loopback), each over a membership core of its own, polled through one
// PollSet. They agree on the members and one DC, a leave is acted on at once rather than after the
// token, and an authenticated packet that is no view is counted, not heard.
#include "cluster/membership/heartbeats.h"

#include <gtest/gtest.h>

#include <functional>

#include "tests/support/free_port.h"
#include "tests/support/loopback_transport.h"

namespace vigil::membership {
namespace {

using std::chrono::milliseconds;

const std::string kKey(256, 'k');
// Long: whatever happens within a test's few hundred milliseconds was not a token timeout.
constexpr auto kToken = std::chrono::seconds(20);

struct Node {
  std::unique_ptr<Membership> core;
  std::unique_ptr<Heartbeats> source;
};

class HeartbeatsTest : public ::testing::Test {
 protected:
  void SetUp() override { port_ = testing::FreeUdpPort(testing::kLoopbackNet + 1); }

  std::unique_ptr<UdpTransport> Transport(uint32_t id) { return testing::LoopbackTransport(id, port_, kKey, 7, 100 + id); }

  Node Start(uint32_t id) {
    MembershipOptions m;
    m.self = id;
    m.incarnation = 100 + id;
    m.name = "n" + std::to_string(id);
    m.nodes = {1, 2};
    m.token = kToken;
    m.quorum.expected_votes = 2;
    m.quorum.two_node = true;
    m.quorum.wait_for_all = false;
    m.started = std::chrono::steady_clock::now();
    Node n;
    n.core = std::make_unique<Membership>(std::move(m));
    auto transport = Transport(id);
    if (!transport) return n;
    n.source = std::make_unique<Heartbeats>(std::move(transport), *n.core);
    n.source->Start(std::chrono::steady_clock::now());
    return n;
  }

  // Turns both loops until `done` holds or two seconds have passed.
  bool Pump(std::vector<Node*> nodes, const std::function<bool()>& done) {
    const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(2);
    while (std::chrono::steady_clock::now() < end) {
      const SteadyTime now = std::chrono::steady_clock::now();
      PollSet set(now);
      for (Node* n : nodes) n->source->Arm(set);
      set.WakeBy(now + milliseconds(10));
      if (!set.Wait().ok()) return false;
      for (Node* n : nodes) n->source->Dispatch(set, std::chrono::steady_clock::now());
      if (done()) return true;
    }
    return done();
  }

  uint16_t port_ = 0;
};

TEST_F(HeartbeatsTest, TwoNodesAgreeOnTheMembersAndOneDc) {
  Node a = Start(1), b = Start(2);
  ASSERT_TRUE(a.source && b.source);
  const std::vector<uint32_t> both = {1, 2};
  ASSERT_TRUE(Pump({&a, &b}, [&] {
    return a.core->members() == both && b.core->members() == both && a.core->dc() != 0 && a.core->dc() == b.core->dc();
  }));
  EXPECT_GT(a.source->received(), 0u);
  EXPECT_EQ(a.core->known_nodes().at(2), "n2");  // the name travels in the view
}

TEST_F(HeartbeatsTest, ALeaveIsActedOnAtOnceNotAfterTheToken) {
  Node a = Start(1), b = Start(2);
  ASSERT_TRUE(a.source && b.source);
  const std::vector<uint32_t> both = {1, 2};
  ASSERT_TRUE(Pump({&a, &b}, [&] { return a.core->members() == both && b.core->members() == both; }));
  b.source->Leave();
  b.source.reset();
  const std::vector<uint32_t> alone = {1};
  EXPECT_TRUE(Pump({&a}, [&] { return a.core->members() == alone; }));
}

TEST_F(HeartbeatsTest, AnAuthenticatedPacketThatIsNoViewIsCountedNotHeard) {
  Node a = Start(1);
  ASSERT_TRUE(a.source);
  auto b = Transport(2);  // node 2's transport with the key, sending no view
  ASSERT_TRUE(b);
  ASSERT_TRUE(b->Send(PacketType::kHeartbeat, "not a view").ok());
  ASSERT_TRUE(Pump({&a}, [&] { return a.source->bad_views() == 1; }));
  EXPECT_EQ(a.core->members(), std::vector<uint32_t>{1});
}

}  // namespace
}  // namespace vigil::membership
