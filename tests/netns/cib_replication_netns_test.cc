// The replicated CIB on real vigild in network namespaces: a change made on any node goes through
// the DC and reaches every node; of two concurrent changes against one version one wins and the
// other is told it conflicts; a node cut off keeps its CIB, cannot change it without quorum, and
// catches up when it returns; a node that comes back holding a higher version brings it to
// everyone. Needs root; run by CI.
#include <gtest/gtest.h>

#include <thread>

#include "cluster/cib/cib.h"
#include "cluster/cib/edit.h"
#include "tests/support/vigild_cluster.h"

namespace vigil::testing {
namespace {

std::string Properties(const std::string& name, const std::string& value) {
  return "<cluster_property_set id=\"cib-bootstrap-options\"><nvpair id=\"opt-" + name + "\" name=\"" + name +
         "\" value=\"" + value + "\"/></cluster_property_set>";
}

// A CIB whose crm_config holds `name`=`value` (the change a test makes).
std::string CibWith(const std::string& name, const std::string& value) {
  return "<cib crm_feature_set=\"3.16.1\" validate-with=\"pacemaker-3.9\" admin_epoch=\"0\" epoch=\"0\" "
         "num_updates=\"0\"><configuration><crm_config>" + Properties(name, value) +
         "</crm_config><nodes/><resources/><constraints/></configuration><status/></cib>";
}

class CibReplicationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(::geteuid(), 0u) << "needs root: network namespaces (CI runs as root)";
  }
  void TearDown() override { cluster_.reset(); }

  void StartCluster(const ClusterOptions& o, bool start_all = true) {
    cluster_ = std::make_unique<VigildCluster>(root_, o);
    ASSERT_TRUE(cluster_->lan_ok()) << cluster_->lan_error();
    if (start_all) cluster_->StartAll();
  }
  VigildProcess& node(int i) { return cluster_->node(i); }
  std::string Logs() { return cluster_->Logs(); }

  // The CIB node i holds: "version name=value ..." of its crm_config, or the error.
  std::string Held(int i) {
    auto r = node(i).Call("cib-query");
    if (!r.ok()) return r.status().message();
    auto cib = cib::Cib::Parse(r->body, "query");
    if (!cib.ok()) return cib.status().message();
    std::string out = cib::VersionText(cib->model().versions);
    for (const auto& [name, value] : cib->model().properties) out += " " + name + "=" + value;
    return out;
  }
  // Node i's CIB with its crm_config holding only `name`=`value`, and the version it is at: a
  // change made as a client makes it (the rest, the recorded nodes included, stays).
  std::pair<std::string, std::string> With(int i, const std::string& name, const std::string& value) {
    auto r = node(i).Call("cib-query");
    if (!r.ok() || !r->ok) return {"", ""};
    auto parsed = cib::Cib::Parse(r->body, "query");
    if (!parsed.ok()) return {"", ""};
    auto changed = cib::ReplaceSection(r->body, "<crm_config>" + Properties(name, value) + "</crm_config>");
    return {cib::VersionText(parsed->model().versions), changed.ok() ? *changed : ""};
  }
  // Node i's CIB epoch (-1 when it does not answer).
  int64_t Epoch(int i) {
    const auto m = node(i).Cib();
    return m ? m->versions.epoch : -1;
  }
  static std::string V(int64_t epoch) { return "0:" + std::to_string(epoch) + ":0"; }
  bool AllHold(const std::vector<int>& nodes, const std::string& held) {
    for (int i : nodes) {
      if (Held(i) != held) return false;
    }
    return true;
  }
  std::string Everyone(const std::vector<int>& nodes) {
    std::string out;
    for (int i : nodes) out += "n" + std::to_string(i) + ": " + Held(i) + "\n";
    return out + Logs();
  }

  TempDir tmp_;
  std::filesystem::path root_ = tmp_.path();
  std::unique_ptr<VigildCluster> cluster_;
};

TEST_F(CibReplicationTest, AChangeMadeOnAMemberReachesEveryNode) {
  StartCluster({});
  ASSERT_TRUE(WaitFor([&] { return cluster_->Agreed({1, 2, 3}, "n1 n2 n3", "n1"); })) << Logs();
  // The DC recorded the three nodes when they joined.
  const int64_t base = Epoch(3);
  ASSERT_GT(base, 0) << Everyone({1, 2, 3});
  EXPECT_NE(node(1).log().find("CIB changed by the DC (joined: "), std::string::npos) << Logs();
  // Until n3 has linked to the DC, it says so and changes nothing.
  ASSERT_TRUE(WaitFor([&] {
    auto [version, cib] = With(3, "stonith-enabled", "false");
    auto r = node(3).Call("cib-replace", {version, cib});
    if (r.ok() && !r->ok) {
      EXPECT_NE(r->body.find("nothing changed"), std::string::npos) << r->body;
    }
    return r.ok() && r->ok;
  })) << Logs();
  // The asking node holds the new CIB by the time it answered.
  const std::string held = V(base + 1) + " stonith-enabled=false";
  EXPECT_EQ(Held(3), held);
  ASSERT_TRUE(WaitFor([&] { return AllHold({1, 2, 3}, held); })) << Everyone({1, 2, 3});
  EXPECT_NE(node(1).log().find("CIB changed by n3: version " + V(base) + " -> " + V(base + 1)), std::string::npos)
      << Logs();
  // And it is on every node's disk: a node restarted alone (no quorum, no DC) still holds it.
  node(2).Kill(SIGKILL);
  ASSERT_TRUE(node(2).Start());
  ASSERT_TRUE(WaitFor([&] { return Held(2) == held; })) << Everyone({2});
}

TEST_F(CibReplicationTest, OfTwoConcurrentChangesOneWinsAndTheOtherConflicts) {
  StartCluster({});
  ASSERT_TRUE(WaitFor([&] { return cluster_->Agreed({1, 2, 3}, "n1 n2 n3", "n1"); })) << Logs();
  // Both members linked: a harmless change from each goes through.
  const int64_t start = Epoch(1);
  for (int i : {2, 3}) {
    ASSERT_TRUE(WaitFor([&] {
      auto [version, cib] = With(i, "warm", std::to_string(i));
      auto r = node(i).Call("cib-replace", {version, cib});
      return r.ok() && r->ok;
    })) << Logs();
  }
  ASSERT_TRUE(WaitFor([&] { return AllHold({1, 2, 3}, V(start + 2) + " warm=3"); })) << Everyone({1, 2, 3});
  for (int round = 0; round < 5; ++round) {
    const std::string base = V(start + 2 + round);
    Result<control::Response> from2 = Status(StatusCode::kInternal, "not run");
    Result<control::Response> from3 = Status(StatusCode::kInternal, "not run");
    const std::string by2 = With(2, "winner", "n2").second;
    const std::string by3 = With(3, "winner", "n3").second;
    std::thread t2([&] { from2 = node(2).Call("cib-replace", {base, by2}); });
    std::thread t3([&] { from3 = node(3).Call("cib-replace", {base, by3}); });
    t2.join();
    t3.join();
    ASSERT_TRUE(from2.ok() && from3.ok()) << Logs();
    ASSERT_NE(from2->ok, from3->ok) << "exactly one wins: " << from2->body << " / " << from3->body;
    const auto& loser = from2->ok ? *from3 : *from2;
    EXPECT_EQ(loser.body.rfind("conflict: the change was made against CIB version " + base, 0), 0u) << loser.body;
    const std::string next = V(start + 3 + round);
    EXPECT_EQ((from2->ok ? *from2 : *from3).body, next);
    const std::string winner = from2->ok ? "n2" : "n3";
    ASSERT_TRUE(WaitFor([&] { return AllHold({1, 2, 3}, next + " winner=" + winner); })) << Everyone({1, 2, 3});
  }
}

TEST_F(CibReplicationTest, ANodeCutOffCatchesUpWhenItReturns) {
  StartCluster({});
  ASSERT_TRUE(WaitFor([&] { return cluster_->Agreed({1, 2, 3}, "n1 n2 n3", "n1"); })) << Logs();
  ASSERT_EQ(Sh("ip -n " + cluster_->lan().host(2).ns + " link set eth0 down").code, 0);
  ASSERT_TRUE(WaitFor([&] { return cluster_->Agreed({1, 2}, "n1 n2", "n1") && node(3).Dc().empty(); })) << Logs();
  // n3 alone has no quorum, so no DC: its change is refused and changes nothing.
  const int64_t base = Epoch(3);
  auto [version3, cib3] = With(3, "alone", "yes");
  auto refused = node(3).Call("cib-replace", {version3, cib3});
  ASSERT_TRUE(refused.ok());
  EXPECT_FALSE(refused->ok);
  EXPECT_EQ(refused->body, "the cluster has no DC (no quorum, or still forming): nothing changed");
  ASSERT_TRUE(WaitFor([&] {
    auto [version, cib] = With(2, "while-away", "1");
    auto r = node(2).Call("cib-replace", {version, cib});
    return r.ok() && r->ok;
  })) << Logs();
  EXPECT_EQ(Held(3), V(base));
  const int64_t changed = Epoch(2);
  ASSERT_EQ(Sh("ip -n " + cluster_->lan().host(2).ns + " link set eth0 up").code, 0);
  ASSERT_TRUE(WaitFor([&] { return AllHold({1, 2, 3}, V(changed) + " while-away=1"); })) << Everyone({1, 2, 3});
  // From whichever node it took for DC first: n2 when it heard n2 before n1 on its return.
  const std::string log = node(3).log();
  const std::string adopted = " sent: version " + V(base) + " -> " + V(changed);
  EXPECT_TRUE(log.find("adopted the CIB n1" + adopted) != std::string::npos ||
              log.find("adopted the CIB n2" + adopted) != std::string::npos)
      << Logs();
}

TEST_F(CibReplicationTest, ANodeReturningWithAHigherVersionBringsItToEveryone) {
  StartCluster({}, false);
  // n3's disk holds epoch 7 (it was the last to change the CIB before a full stop, say).
  const auto state3 = root_ / "n3" / "state";
  std::filesystem::create_directories(state3);
  auto seeded = cib::Cib::Parse(CibWith("from-n3", "7"), "seed");
  ASSERT_TRUE(seeded.ok());
  seeded->SetVersions({0, 7, 0});
  ASSERT_TRUE(seeded->Save(state3 / "cib.xml").ok());
  cluster_->AddNode(1);
  cluster_->AddNode(2);
  ASSERT_TRUE(WaitFor([&] { return cluster_->Agreed({1, 2}, "n1 n2", "n1"); })) << Logs();
  ASSERT_TRUE(WaitFor([&] {
    auto [version, cib] = With(2, "from-n2", "1");
    auto r = node(2).Call("cib-replace", {version, cib});
    return r.ok() && r->ok;
  })) << Logs();
  const int64_t before = Epoch(1);
  ASSERT_LT(before, 7) << Everyone({1, 2});
  cluster_->AddNode(3);
  // n3's CIB wins; then the DC records n3 (seeded without it) as a member: one more epoch.
  ASSERT_TRUE(WaitFor([&] { return AllHold({1, 2, 3}, "0:8:0 from-n3=7") && node(1).Recorded({"n1", "n2", "n3"}); }))
      << Everyone({1, 2, 3});
  EXPECT_NE(node(1).log().find("adopted the CIB n3 joined with: version " + V(before) + " -> 0:7:0"),
            std::string::npos)
      << Logs();
}

TEST_F(CibReplicationTest, ReplicationWorksEncryptedAndOverMulticast) {
  for (const ClusterOptions& o : {ClusterOptions{.nodes = 2, .two_node = true, .encrypt = true},
                                 ClusterOptions{.nodes = 2, .multicast = true, .two_node = true}}) {
    cluster_.reset();
    for (const char* n : {"n1", "n2"}) std::filesystem::remove_all(root_ / n / "state");  // a new cluster
    StartCluster(o);
    const std::string online = o.multicast ? "node1 node2" : "n1 n2";
    ASSERT_TRUE(WaitFor([&] { return cluster_->Agreed({1, 2}, online, node(1).Dc()) && !node(1).Dc().empty(); })) << Logs();
    const int64_t base = Epoch(1);
    ASSERT_TRUE(WaitFor([&] {
      auto [version, cib] = With(2, "ok", "1");
      auto r = node(2).Call("cib-replace", {version, cib});
      return r.ok() && r->ok;
    })) << Logs();
    ASSERT_TRUE(WaitFor([&] { return AllHold({1, 2}, V(base + 1) + " ok=1"); })) << Everyone({1, 2});
  }
}

}  // namespace
}  // namespace vigil::testing
