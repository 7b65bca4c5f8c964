// Several real vigild, each in a network namespace of its own on a bridge that lives in a
// namespace of its own (tests/support/netns_lan.h): they form one membership and elect one DC; a node
// killed with -9 or cut off by a link going down is seen lost, by the daemon's own clock within
// the token timeout and 10%; a node whose link comes back rejoins; a node with another authkey
// never joins and its packets are counted; multicast (the tutorial's corosync 1.x file, node
// names from host names) and unicast (a 3.x nodelist) both work; a clean stop is seen at once.
// Needs root; run by CI.
#include <gtest/gtest.h>

#include <regex>

#include "tests/support/vigild_cluster.h"

namespace vigil::testing {
namespace {

using std::chrono::milliseconds;

class VigildNetnsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(::geteuid(), 0u) << "needs root: network namespaces (CI runs as root)";
  }
  void TearDown() override { cluster_.reset(); }  // the daemons go before their directories

  void StartCluster(const ClusterOptions& o, bool start_all = true) {
    cluster_ = std::make_unique<VigildCluster>(root_, o);
    ASSERT_TRUE(cluster_->lan_ok()) << cluster_->lan_error();
    if (start_all) cluster_->StartAll();
  }
  VigildProcess& node(int i) { return cluster_->node(i); }
  bool Agreed(const std::vector<int>& running, const std::string& online, const std::string& dc) {
    return cluster_->Agreed(running, online, dc);
  }
  std::string Logs() { return cluster_->Logs(); }
  const NetnsLan::Host& host(int i) { return cluster_->lan().host(i - 1); }

  // The silence after which `node_label` was declared lost, from `observer`'s log; -1 if never.
  static int LostAfterMs(const std::string& log, const std::string& node_label) {
    const std::regex lost(node_label + " lost \\(silent for ([0-9]+) ms");
    std::smatch m;
    return std::regex_search(log, m, lost) ? std::stoi(m[1]) : -1;
  }

  TempDir tmp_;
  std::filesystem::path root_ = tmp_.path();
  std::unique_ptr<VigildCluster> cluster_;
};

TEST_F(VigildNetnsTest, ThreeNodesFormOneMembershipAndOneDc) {
  StartCluster({});
  ASSERT_TRUE(WaitFor([&] { return Agreed({1, 2, 3}, "n1 n2 n3", "n1"); })) << Logs();
  // One DC acting, one term, announced by the DC and known to every member. (Nodes that start
  // apart may elect another DC first; the lowest id takes over once everyone is in.)
  ASSERT_TRUE(WaitFor([&] {
    int acting = 0;
    for (int i : {1, 2, 3}) acting += node(i).Status().ok() && node(i).Status()->acting;
    return acting == 1 && node(1).Status()->acting;
  })) << Logs();
  const uint64_t term = node(1).Status()->term;
  for (int i : {2, 3}) EXPECT_EQ(node(i).Status()->term, term);
}

TEST_F(VigildNetnsTest, TwoNodesWithTwoNodeQuorum) {
  StartCluster({.nodes = 2, .two_node = true});
  ASSERT_TRUE(WaitFor([&] { return Agreed({1, 2}, "n1 n2", "n1"); })) << Logs();
  // two_node: the survivor keeps quorum and becomes DC.
  node(1).Kill(SIGKILL);
  ASSERT_TRUE(WaitFor([&] { return Agreed({2}, "n2", "n2"); })) << Logs();
}

TEST_F(VigildNetnsTest, KillNineIsSeenLostWithinTheTokenTimeout) {
  StartCluster({.token_ms = 500});
  ASSERT_TRUE(WaitFor([&] { return Agreed({1, 2, 3}, "n1 n2 n3", "n1"); })) << Logs();
  node(1).Kill(SIGKILL);
  ASSERT_TRUE(WaitFor([&] { return Agreed({2, 3}, "n2 n3", "n2"); })) << Logs();
  for (int i : {2, 3}) {
    const int silent = LostAfterMs(node(i).log(), "n1 \\(1\\)");
    EXPECT_GE(silent, 500) << Logs();
    EXPECT_LE(silent, 550) << "lost later than token + 10%\n" << Logs();
  }
  auto s = node(2).Status();
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->nodes.at(0).name, "n1");
  EXPECT_FALSE(s->nodes.at(0).online);
}

TEST_F(VigildNetnsTest, LinkDownIsLostAndLinkUpRejoins) {
  StartCluster({});
  ASSERT_TRUE(WaitFor([&] { return Agreed({1, 2, 3}, "n1 n2 n3", "n1"); })) << Logs();
  ASSERT_EQ(Sh("ip -n " + host(3).ns + " link set eth0 down").code, 0);
  ASSERT_TRUE(WaitFor([&] { return Agreed({1, 2}, "n1 n2", "n1"); })) << Logs();
  // The cut-off node is alone: one vote of three, no quorum, no DC.
  ASSERT_TRUE(WaitFor([&] {
    auto s = node(3).Status();
    return s.ok() && !s->quorate && s->dc.empty() && node(3).Online() == "n3";
  })) << Logs();
  const int silent = LostAfterMs(node(1).log(), "n3 \\(3\\)");
  EXPECT_GE(silent, 1000);
  EXPECT_LE(silent, 1100) << Logs();
  ASSERT_EQ(Sh("ip -n " + host(3).ns + " link set eth0 up").code, 0);
  ASSERT_TRUE(WaitFor([&] { return Agreed({1, 2, 3}, "n1 n2 n3", "n1"); })) << Logs();
}

TEST_F(VigildNetnsTest, ANodeWithAnotherKeyNeverJoinsAndIsCounted) {
  StartCluster({}, false);
  cluster_->AddNode(1);
  cluster_->AddNode(2);
  cluster_->AddNode(3, (root_ / "other-authkey").string());
  ASSERT_TRUE(WaitFor([&] { return Agreed({1, 2}, "n1 n2", "n1"); })) << Logs();
  ASSERT_TRUE(WaitFor([&] {
    auto s = node(1).Status();
    return s.ok() && s->counters["dropped bad-mac"] >= 4;
  })) << Logs();
  // Long enough for many heartbeats each way: still apart.
  std::this_thread::sleep_for(milliseconds(1500));
  EXPECT_TRUE(Agreed({1, 2}, "n1 n2", "n1")) << Logs();
  auto s3 = node(3).Status();
  ASSERT_TRUE(s3.ok());
  EXPECT_EQ(node(3).Online(), "n3");
  EXPECT_FALSE(s3->quorate);
  EXPECT_GT(s3->counters["dropped bad-mac"], 0u);
  EXPECT_NE(node(1).log().find("bad-mac (a different authkey?)"), std::string::npos) << Logs();
}

TEST_F(VigildNetnsTest, MulticastWithTheTutorialsCorosync1File) {
  StartCluster({.nodes = 2, .multicast = true});
  // No nodelist: ids from the addresses, names from the host names, two expected votes.
  ASSERT_TRUE(WaitFor([&] { return Agreed({1, 2}, "node1 node2", "node1"); })) << Logs();
  auto s = node(2).Status();
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->dc_id, 0x0a4d0001u);  // 10.77.0.1
  EXPECT_EQ(s->expected_votes, 2);
  EXPECT_NE(node(1).log().find("multicast 226.94.1.1 port 5405"), std::string::npos) << Logs();
  // A node once seen and then gone stays listed, offline.
  node(2).Kill(SIGKILL);
  ASSERT_TRUE(WaitFor([&] {
    auto s1 = node(1).Status();
    return s1.ok() && s1->nodes.size() == 2 && node(1).Online() == "node1";
  })) << Logs();
}

TEST_F(VigildNetnsTest, EncryptedHeartbeatsFormTheClusterAndPlainOnesAreDropped) {
  StartCluster({.encrypt = true}, false);
  cluster_->AddNode(1);
  cluster_->AddNode(2);
  ASSERT_TRUE(WaitFor([&] { return Agreed({1, 2}, "n1 n2", "n1"); })) << Logs();
  EXPECT_NE(node(1).log().find("AES-256-GCM"), std::string::npos) << Logs();
  // n3 speaks HMAC only: its packets are not understood, and it never joins.
  cluster_->AddNode(3, "", ClusterOptions{});
  ASSERT_TRUE(WaitFor([&] {
    auto s = node(1).Status();
    return s.ok() && s->counters["dropped bad-magic"] >= 4;
  })) << Logs();
  EXPECT_TRUE(Agreed({1, 2}, "n1 n2", "n1")) << Logs();
  EXPECT_NE(node(1).log().find("another crypto_cipher"), std::string::npos) << Logs();
}

TEST_F(VigildNetnsTest, ACleanStopIsSeenAtOnce) {
  StartCluster({.token_ms = 10000});
  ASSERT_TRUE(WaitFor([&] { return Agreed({1, 2, 3}, "n1 n2 n3", "n1"); })) << Logs();
  const int status = node(1).Kill(SIGTERM);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << Logs();
  // Far sooner than the token timeout of 10 s: WaitFor gives up after 5.
  ASSERT_TRUE(WaitFor([&] { return Agreed({2, 3}, "n2 n3", "n2"); }, milliseconds(5000))) << Logs();
  for (int i : {2, 3}) {
    EXPECT_NE(node(i).log().find("n1 (1) left"), std::string::npos) << Logs();
    EXPECT_EQ(LostAfterMs(node(i).log(), "n1 \\(1\\)"), -1) << Logs();
  }
  EXPECT_NE(node(1).log().find("leaving the cluster"), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(node(1).run_dir() / "vigild.sock"));
}

}  // namespace
}  // namespace vigil::testing
