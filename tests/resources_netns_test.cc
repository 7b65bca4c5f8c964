// vigild runs resources: real vigild in network namespaces with resource-agents' own Dummy
// script. The DC probes, places and starts it, its monitor runs on the owner; when the owner's
// vigild is killed its executor child stops it and a survivor starts it; a Dummy stopped behind
// the cluster's back is found by the monitor and recovered; the executor child killed with -9 is
// restarted, re-probes, and neither membership nor the resource notices. Needs root; run by CI.
#include <gtest/gtest.h>

#include <regex>

#include "tests/vigild_cluster.h"

namespace vigil::testing {
namespace {

const char* kDummyCib =
    "<cib crm_feature_set=\"3.16.1\" validate-with=\"pacemaker-3.9\" admin_epoch=\"0\" epoch=\"0\" num_updates=\"0\">"
    "<configuration><crm_config><cluster_property_set id=\"cib-bootstrap-options\">"
    "<nvpair id=\"opt-stonith\" name=\"stonith-enabled\" value=\"false\"/>"
    "</cluster_property_set></crm_config><nodes/><resources>"
    "<primitive id=\"d1\" class=\"ocf\" provider=\"heartbeat\" type=\"Dummy\"><operations>"
    "<op id=\"d1-monitor-1s\" name=\"monitor\" interval=\"1s\" timeout=\"20s\"/>"
    "</operations></primitive></resources><constraints/></configuration><status/></cib>";

class ResourcesNetnsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(::geteuid(), 0u) << "needs root: network namespaces (CI runs as root)";
    cluster_ = std::make_unique<VigildCluster>(root_, ClusterOptions{});
    ASSERT_TRUE(cluster_->lan_ok()) << cluster_->lan_error();
    cluster_->StartAll();
    ASSERT_TRUE(WaitFor([&] { return cluster_->Agreed({1, 2, 3}, "n1 n2 n3", "n1"); })) << Logs();
    ASSERT_TRUE(WaitFor([&] {
      auto r = node(1).Call("cib-replace", {"0:0:0", kDummyCib});
      return r.ok() && r->ok;
    })) << Logs();
  }
  void TearDown() override { cluster_.reset(); }

  VigildProcess& node(int i) { return cluster_->node(i); }
  std::string Logs() { return cluster_->Logs(); }
  bool Runs(int i) { return std::filesystem::exists(node(i).run_dir() / "rsctmp" / "Dummy-d1.state"); }
  // The nodes where d1 runs (its state file exists), as "2" or "1 3".
  std::string Owners(const std::vector<int>& nodes = {1, 2, 3}) {
    std::string out;
    for (int i : nodes) {
      if (Runs(i)) out += (out.empty() ? "" : " ") + std::to_string(i);
    }
    return out;
  }
  static int Count(const std::string& log, const std::string& what) {
    int n = 0;
    for (size_t at = log.find(what); at != std::string::npos; at = log.find(what, at + 1)) ++n;
    return n;
  }
  static pid_t ExecutorChild(const std::string& log) {
    const std::regex started("executor child started \\(pid ([0-9]+)\\)");
    pid_t pid = -1;
    for (auto it = std::sregex_iterator(log.begin(), log.end(), started); it != std::sregex_iterator(); ++it) {
      pid = std::stoi((*it)[1]);
    }
    return pid;
  }

  TempDir tmp_;
  std::filesystem::path root_ = tmp_.path();
  std::unique_ptr<VigildCluster> cluster_;
};

TEST_F(ResourcesNetnsTest, DummyIsProbedStartedMonitoredAndMovesWhenItsOwnersVigildIsKilled) {
  ASSERT_TRUE(WaitFor([&] { return Owners().size() == 1; })) << Logs();
  const int owner = std::stoi(Owners());
  // Probed on every node first, started on one, then monitored there.
  for (int i : {1, 2, 3}) {
    ASSERT_TRUE(WaitFor([&] { return node(i).log().find("probe of d1: OCF_NOT_RUNNING") != std::string::npos; }))
        << Logs();
  }
  ASSERT_TRUE(WaitFor([&] { return Count(node(owner).log(), "monitor (every 1000 ms) of d1: OCF_SUCCESS") == 1; }))
      << Logs();
  EXPECT_NE(node(owner).log().find("start of d1: OCF_SUCCESS"), std::string::npos) << Logs();
  EXPECT_NE(node(1).log().find("transition: Start d1 (n" + std::to_string(owner) + ")"), std::string::npos) << Logs();

  node(owner).Kill(SIGKILL);
  std::vector<int> survivors;
  for (int i : {1, 2, 3}) {
    if (i != owner) survivors.push_back(i);
  }
  // Its executor child saw vigild die and stopped d1; a survivor started it.
  ASSERT_TRUE(WaitFor([&] { return !Runs(owner) && Owners(survivors).size() == 1; }))
      << "owner n" << owner << " still runs it: " << Runs(owner) << "\n" << Logs();
  EXPECT_EQ(Owners(), Owners(survivors));
  const int next = std::stoi(Owners(survivors));
  ASSERT_TRUE(WaitFor([&] { return Count(node(next).log(), "monitor (every 1000 ms) of d1: OCF_SUCCESS") == 1; }))
      << Logs();
}

TEST_F(ResourcesNetnsTest, LinkDownMovesTheDummyAndTheReturningNodeRunsNothingTwice) {
  ASSERT_TRUE(WaitFor([&] { return Owners().size() == 1; })) << Logs();
  const int owner = std::stoi(Owners());
  std::vector<int> others;
  for (int i : {1, 2, 3}) {
    if (i != owner) others.push_back(i);
  }
  const std::string ns = cluster_->lan().host(owner - 1).ns;
  ASSERT_EQ(Sh("ip -n " + ns + " link set eth0 down").code, 0);
  // Cut off, the owner has no quorum and stops the Dummy itself (no-quorum-policy=stop); the
  // other two start it.
  ASSERT_TRUE(WaitFor([&] { return !Runs(owner) && Owners(others).size() == 1; })) << Logs();
  EXPECT_NE(node(owner).log().find("no quorum: stopping 1 resource(s) (no-quorum-policy=stop)"), std::string::npos)
      << Logs();
  ASSERT_EQ(Sh("ip -n " + ns + " link set eth0 up").code, 0);
  ASSERT_TRUE(WaitFor([&] { return cluster_->Agreed({1, 2, 3}, "n1 n2 n3", "n1"); })) << Logs();
  // Back in: probed again, and whatever the DC decides, the Dummy never runs on two nodes.
  for (int sample = 0; sample < 400; ++sample) {
    ASSERT_LE(Owners().size(), 1u) << "runs twice: " << Owners() << "\n" << Logs();
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ASSERT_TRUE(WaitFor([&] { return Owners().size() == 1; })) << Logs();
}

TEST_F(ResourcesNetnsTest, ADummyStoppedBehindTheClustersBackIsRecoveredInPlace) {
  ASSERT_TRUE(WaitFor([&] { return Owners().size() == 1; })) << Logs();
  const int owner = std::stoi(Owners());
  ASSERT_TRUE(WaitFor([&] { return Count(node(owner).log(), "monitor (every 1000 ms) of d1: OCF_SUCCESS") == 1; }))
      << Logs();
  std::filesystem::remove(node(owner).run_dir() / "rsctmp" / "Dummy-d1.state");
  // The monitor notices; the DC recovers it where it was (migration-threshold is INFINITY).
  ASSERT_TRUE(WaitFor([&] {
    return Count(node(owner).log(), "monitor (every 1000 ms) of d1: OCF_NOT_RUNNING") == 1 &&
           Count(node(owner).log(), "start of d1: OCF_SUCCESS") == 2 && Runs(owner);
  })) << Logs();
  EXPECT_NE(node(1).log().find("transition: Recover d1 (n" + std::to_string(owner) + ")"), std::string::npos) << Logs();
  EXPECT_EQ(Owners(), std::to_string(owner));
}

TEST_F(ResourcesNetnsTest, KillNineOfTheExecutorChildIsSurvivedWithoutARestart) {
  ASSERT_TRUE(WaitFor([&] { return Owners().size() == 1; })) << Logs();
  const int owner = std::stoi(Owners());
  ASSERT_TRUE(WaitFor([&] { return Count(node(owner).log(), "monitor (every 1000 ms) of d1: OCF_SUCCESS") == 1; }))
      << Logs();
  const pid_t child = ExecutorChild(node(owner).log());
  ASSERT_GT(child, 0) << Logs();
  ASSERT_EQ(::kill(child, SIGKILL), 0);
  // vigild starts another child, which finds d1 running (probe) and monitors it again.
  ASSERT_TRUE(WaitFor([&] {
    return ExecutorChild(node(owner).log()) != child && Count(node(owner).log(), "probe of d1: OCF_SUCCESS") == 1 &&
           Count(node(owner).log(), "monitor (every 1000 ms) of d1: OCF_SUCCESS") == 2;
  })) << Logs();
  EXPECT_NE(node(owner).log().find("executor child (pid " + std::to_string(child) + ") died: signal 9"), std::string::npos)
      << Logs();
  EXPECT_EQ(Count(node(owner).log(), "start of d1: OCF_SUCCESS"), 1) << Logs();
  EXPECT_EQ(Owners(), std::to_string(owner));
  EXPECT_TRUE(cluster_->Agreed({1, 2, 3}, "n1 n2 n3", "n1")) << "membership noticed\n" << Logs();
  for (int i : {1, 2, 3}) EXPECT_EQ(node(i).log().find(" lost ("), std::string::npos) << Logs();
}

}  // namespace
}  // namespace vigil::testing
