// vigild runs resources: real vigild in network namespaces with resource-agents' own Dummy
// script. The DC probes, places and starts it, its monitor runs on the owner; when the owner's
// vigild is killed its executor child stops it and a survivor starts it; a Dummy stopped behind
// the cluster's back is found by the monitor and recovered; the executor child killed with -9 is
// restarted, re-probes, and neither membership nor the resource notices. Needs root; run by CI.
#include <gtest/gtest.h>

#include "tests/support/resource_cluster.h"

namespace vigil::testing {
namespace {

// Three nodes and one Dummy, d1, monitored every second.
class ResourcesNetnsTest : public ResourceCluster {
 protected:
  void SetUp() override { Form(ClusterOptions{}, kDummyCib); }

  // Once d1 runs: d1 made allow-migrate (with its 1 s monitor, or none), as cibadmin --replace
  // --scope resources sends it, on every node. Returns the node it runs on.
  int MakeD1Migratable(bool monitored) {
    EXPECT_TRUE(WaitFor([&] { return Owners().size() == 1; })) << Logs();
    const std::string version = "0:" + Versions(Cib(1)) + ":0";
    Ask(2, "cib-replace-section",
        {version, std::string("<resources><primitive id=\"d1\" class=\"ocf\" provider=\"heartbeat\" type=\"Dummy\">"
                              "<meta_attributes id=\"d1-meta\"><nvpair id=\"d1-am\" name=\"allow-migrate\" value=\"true\"/>"
                              "</meta_attributes>") +
                      (monitored ? "<operations><op id=\"d1-monitor-1s\" name=\"monitor\" interval=\"1s\" timeout=\"20s\"/>"
                                   "</operations>"
                                 : "") +
                      "</primitive></resources>"});
    EXPECT_TRUE(WaitFor([&] { return Cib(3).find("allow-migrate") != std::string::npos; })) << Logs();
    return std::stoi(Owners());
  }
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
  // Cut off, the owner's quorum lease lapses before it loses quorum, and it stops the Dummy
  // itself (no-quorum-policy=stop); the other two start it.
  ASSERT_TRUE(WaitFor([&] { return !Runs(owner) && Owners(others).size() == 1; })) << Logs();
  EXPECT_NE(node(owner).log().find("quorum lease lapsed (too few members heard for 625 ms): stopping 1 resource(s) "
                                   "(no-quorum-policy=stop)"),
            std::string::npos)
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

TEST_F(ResourcesNetnsTest, EveryNodesStatusAndCibShowWhereTheDummyRuns) {
  ASSERT_TRUE(WaitFor([&] { return Owners().size() == 1; })) << Logs();
  const std::string owner = "n" + Owners();
  for (int i : {1, 2, 3}) {
    // Once the monitor's first result has reached the DC and its next plan the member.
    ASSERT_TRUE(WaitFor([&] { return Where(i) == owner && Cib(i).find("id=\"d1_monitor_1000\"") != std::string::npos; }))
        << "n" << i << "\n" << Logs();
    const auto s = StatusOf(i);
    ASSERT_EQ(s.resources.size(), 1U);
    EXPECT_EQ(s.resources[0].agent, "ocf:heartbeat:Dummy");
    EXPECT_TRUE(s.failed_actions.empty());
    // The live status section: every node's history, as Pacemaker's CIB holds it.
    const std::string cib = Cib(i);
    EXPECT_NE(cib.find("<node_state id=\"1\" uname=\"n1\" in_ccm=\"true\" crmd=\"online\""), std::string::npos) << cib;
    EXPECT_NE(cib.find("id=\"d1_last_0\" operation=\"start\""), std::string::npos) << cib;
    EXPECT_NE(cib.find("id=\"d1_monitor_1000\""), std::string::npos) << cib;
  }
}

TEST_F(ResourcesNetnsTest, StandbyMovesTheDummyAwayAndOnlineLetsTheNodeRunItAgain) {
  ASSERT_TRUE(WaitFor([&] { return Owners().size() == 1; })) << Logs();
  const int owner = std::stoi(Owners());
  const int asker = owner == 3 ? 2 : 3;  // asked on another node: the change goes through the DC
  Ask(asker, "node-standby", {"n" + std::to_string(owner)});
  ASSERT_TRUE(WaitFor([&] { return !Runs(owner) && Owners().size() == 1; })) << Logs();
  for (int i : {1, 2, 3}) {
    ASSERT_TRUE(WaitFor([&] {
      const auto s = StatusOf(i);
      return s.nodes.size() == 3 && s.nodes[owner - 1].standby && Where(i) == "n" + Owners();
    })) << Logs();
  }
  EXPECT_NE(Cib(owner).find("name=\"standby\" value=\"on\""), std::string::npos);
  // Without an argument: the node asked.
  const int next = std::stoi(Owners());
  Ask(next, "node-standby");
  const int last = 6 - owner - next;
  ASSERT_TRUE(WaitFor([&] { return Owners() == std::to_string(last); })) << Logs();
  Ask(1, "node-online", {"n" + std::to_string(owner)});
  Ask(1, "node-online", {"n" + std::to_string(next)});
  ASSERT_TRUE(WaitFor([&] {
    const auto s = StatusOf(1);
    return !s.nodes[owner - 1].standby && !s.nodes[next - 1].standby;
  })) << Logs();
  EXPECT_NE(Cib(1).find("name=\"standby\" value=\"off\""), std::string::npos);
  // Online again, each may run it; it still runs exactly once.
  ASSERT_TRUE(WaitFor([&] { return Owners().size() == 1 && Where(1) == "n" + Owners(); })) << Logs();
}

TEST_F(ResourcesNetnsTest, StopStartMoveAndUnmoveChangeTheConfigurationAsCrmDoes) {
  ASSERT_TRUE(WaitFor([&] { return Owners().size() == 1; })) << Logs();
  Ask(2, "resource-stop", {"d1"});
  ASSERT_TRUE(WaitFor([&] { return Owners().empty(); })) << Logs();
  ASSERT_TRUE(WaitFor([&] {
    const auto s = StatusOf(3);
    return s.resources.size() == 1 && s.resources[0].disabled && s.resources[0].nodes.empty();
  })) << Logs();
  EXPECT_NE(Cib(1).find("<nvpair id=\"d1-meta_attributes-target-role\" name=\"target-role\" value=\"Stopped\""),
            std::string::npos);
  Ask(3, "resource-start", {"d1"});
  ASSERT_TRUE(WaitFor([&] { return Owners().size() == 1; })) << Logs();

  const int before = std::stoi(Owners());
  const int target = before == 1 ? 2 : 1;
  Ask(1, "resource-move", {"d1", "n" + std::to_string(target)});
  ASSERT_TRUE(WaitFor([&] { return Owners() == std::to_string(target); })) << Logs();
  EXPECT_NE(Cib(2).find("<rsc_location id=\"cli-prefer-d1\" rsc=\"d1\" role=\"Started\" node=\"n" +
                        std::to_string(target) + "\" score=\"INFINITY\""),
            std::string::npos)
      << Cib(2);
  // Without a node: banned from where it runs.
  Ask(2, "resource-unmove", {"d1"});
  ASSERT_TRUE(WaitFor([&] { return Where(2) == "n" + std::to_string(target); })) << Logs();
  Ask(2, "resource-move", {"d1"});
  ASSERT_TRUE(WaitFor([&] { return Owners().size() == 1 && Owners() != std::to_string(target); })) << Logs();
  EXPECT_NE(Cib(3).find("cli-ban-d1-on-n" + std::to_string(target)), std::string::npos);
  Ask(3, "resource-unmove", {"d1"});
  ASSERT_TRUE(WaitFor([&] { return Cib(1).find("cli-") == std::string::npos; })) << Logs();
}

// allow-migrate: moved, the Dummy goes by the agent's migrate_to where it runs and migrate_from
// where it goes (each told both nodes), then a stop where it ran; it is never started there, and
// the CIB keeps both steps as Pacemaker records them.
TEST_F(ResourcesNetnsTest, AMoveOfAMigratableDummyIsALiveMigration) {
  const int source = MakeD1Migratable(true);
  ASSERT_FALSE(HasFailure());
  const int target = source == 1 ? 2 : 1;
  const std::string from = "n" + std::to_string(source);
  const std::string to = "n" + std::to_string(target);
  Ask(3, "resource-move", {"d1", to});
  ASSERT_TRUE(WaitFor([&] { return Owners() == std::to_string(target); })) << Logs();
  ASSERT_TRUE(WaitFor([&] { return Count(node(source).log(), "stop of d1: OCF_SUCCESS") == 1; })) << Logs();
  EXPECT_EQ(Count(node(source).log(), "migrate_to of d1: OCF_SUCCESS"), 1) << Logs();
  EXPECT_EQ(Count(node(target).log(), "migrate_from of d1: OCF_SUCCESS"), 1) << Logs();
  EXPECT_EQ(Count(node(target).log(), "start of d1"), 0) << Logs();
  ASSERT_TRUE(WaitFor([&] { return Count(node(target).log(), "monitor (every 1000 ms) of d1: OCF_SUCCESS") == 1; }))
      << Logs();
  const std::string cib = Cib(1);
  EXPECT_NE(cib.find("id=\"d1_migrate_to_0\" operation=\"migrate_to\""), std::string::npos) << cib;
  EXPECT_NE(cib.find("migrate_source=\"" + from + "\" migrate_target=\"" + to + "\""), std::string::npos) << cib;
  // Settled: it runs once, where it was moved, and stays.
  EXPECT_TRUE(Runs(target));
  EXPECT_FALSE(Runs(source));
}

// Migrated in and not monitored (nothing but the migrate_from says it runs there): when the
// target's vigild is killed, its executor child still stops the Dummy, and a survivor starts it;
// it never runs on two nodes.
TEST_F(ResourcesNetnsTest, WhatMigratedInIsStoppedWhenItsNodesVigildIsKilled) {
  const int source = MakeD1Migratable(false);
  ASSERT_FALSE(HasFailure());
  const int target = source == 1 ? 2 : 1;
  Ask(3, "resource-move", {"d1", "n" + std::to_string(target)});
  ASSERT_TRUE(WaitFor([&] { return Owners() == std::to_string(target) && Count(node(source).log(), "stop of d1: OCF_SUCCESS") == 1; }))
      << Logs();
  ASSERT_EQ(Count(node(target).log(), "migrate_from of d1: OCF_SUCCESS"), 1) << Logs();
  node(target).Kill(SIGKILL);
  std::vector<int> survivors;
  for (int i : {1, 2, 3}) {
    if (i != target) survivors.push_back(i);
  }
  ASSERT_TRUE(WaitFor([&] { return !Runs(target) && Owners(survivors).size() == 1; })) << Logs();
}

TEST_F(ResourcesNetnsTest, MigrationThresholdMovesItAndCleanupForgetsTheFailure) {
  ASSERT_TRUE(WaitFor([&] { return Owners().size() == 1; })) << Logs();
  // Only the resources section, as `cibadmin --replace --scope resources` sends it.
  const std::string version = "0:" + Versions(Cib(1)) + ":0";
  Ask(2, "cib-replace-section",
      {version,
       "<resources><primitive id=\"d1\" class=\"ocf\" provider=\"heartbeat\" type=\"Dummy\">"
       "<meta_attributes id=\"d1-meta\"><nvpair id=\"d1-mt\" name=\"migration-threshold\" value=\"1\"/>"
       "</meta_attributes><operations><op id=\"d1-monitor-1s\" name=\"monitor\" interval=\"1s\" timeout=\"20s\"/>"
       "</operations></primitive></resources>"});
  ASSERT_TRUE(WaitFor([&] { return Cib(3).find("migration-threshold") != std::string::npos; })) << Logs();
  const int owner = std::stoi(Owners());
  ASSERT_TRUE(WaitFor([&] { return Count(node(owner).log(), "monitor (every 1000 ms) of d1: OCF_SUCCESS") >= 1; }))
      << Logs();
  std::filesystem::remove(node(owner).run_dir() / "rsctmp" / "Dummy-d1.state");
  // One failure reaches the threshold: the DC moves it away instead of restarting it in place.
  ASSERT_TRUE(WaitFor([&] { return Owners().size() == 1 && !Runs(owner); })) << Logs();
  const std::string where = "n" + std::to_string(owner);
  for (int i : {1, 2, 3}) {
    ASSERT_TRUE(WaitFor([&] {
      const auto s = StatusOf(i);
      return s.failed_actions.size() == 1 && s.failed_actions[0].node == where &&
             s.failed_actions[0].operation == "monitor" && s.failed_actions[0].rc == 7;
    })) << "n" << i << "\n" << control::FormatStatus(StatusOf(i), false) << Logs();
  }
  auto r = node(3).Call("resource-cleanup", {"d1"});
  ASSERT_TRUE(r.ok() && r->ok) << (r.ok() ? r->body : r.status().message());
  EXPECT_EQ(r->body, "Cleaned up d1 on n1\nCleaned up d1 on n2\nCleaned up d1 on n3\n");
  ASSERT_TRUE(WaitFor([&] {
    return StatusOf(1).failed_actions.empty() && StatusOf(3).failed_actions.empty();
  })) << Logs();
  EXPECT_NE(node(owner).log().find("cleanup of d1: history and fail counts forgotten"), std::string::npos) << Logs();
  EXPECT_EQ(Cib(1).find("fail-count-d1"), std::string::npos);
  // Probed again everywhere; still one owner.
  ASSERT_TRUE(WaitFor([&] { return Count(node(owner).log(), "probe of d1: OCF_NOT_RUNNING") == 2; })) << Logs();
  EXPECT_EQ(Owners().size(), 1U);
}

TEST_F(ResourcesNetnsTest, EveryMalformedRequestGetsAnErrorAndChangesNothing) {
  ASSERT_TRUE(WaitFor([&] { return Owners().size() == 1; })) << Logs();
  const std::string owner = Owners();
  const std::string before = Cib(1);
  const std::string version = "0:" + Versions(before) + ":0";
  auto with = [&](const std::string& from, const std::string& to) {
    std::string cib = std::regex_replace(before, std::regex("<status>[^]*</status>"), "<status/>");
    const size_t at = cib.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    return at == std::string::npos ? cib : cib.replace(at, from.size(), to);
  };
  const std::string params = "<instance_attributes id=\"d1-params\">";
  struct Case {
    std::string command;
    std::vector<std::string> args;
    std::string error;
  } cases[] = {
      {"frobnicate", {}, "unknown command 'frobnicate'"},
      {"status", {"x"}, "status takes no arguments"},
      {"node-standby", {"n1", "n2"}, "takes one node name"},
      {"node-standby", {"n9"}, "no node 'n9' in this cluster (it has: n1, n2, n3)"},
      {"node-online", {""}, "no node ''"},
      {"resource-stop", {}, "takes a resource id"},
      {"resource-stop", {"nope"}, "no resource 'nope' in the configuration (it has: d1)"},
      {"resource-start", {"d1", "n1"}, "takes a resource id"},
      {"resource-move", {"d1", "n9"}, "no node 'n9'"},
      {"resource-move", {"d1", "n1", "n2"}, "takes a resource id"},
      {"resource-unmove", {"d1"}, "d1 has no move or ban constraint"},
      {"resource-cleanup", {"nope"}, "no resource 'nope'"},
      {"resource-cleanup", {"d1", "n9"}, "no node 'n9'"},
      {"cib-replace", {version}, "cib-replace takes the version"},
      {"cib-replace", {"1.2", before}, "'1.2' is not a version"},
      {"cib-replace", {version, "<cib><configuration>"}, "the new CIB"},
      {"cib-replace", {version, with("type=\"Dummy\"", "type=\"NoSuchAgent\"")}, "resource d1: "},
      {"cib-replace", {version, with("<operations>", params + "<nvpair id=\"d1-b\" name=\"bogus\" value=\"1\"/>"
                                                      "</instance_attributes><operations>")},
       "bogus"},
      {"cib-replace", {version, with("</resources>",
                                     "<primitive id=\"ip\" class=\"ocf\" provider=\"heartbeat\" type=\"IPaddr\"/>"
                                     "</resources>")},
       "resource ip: "},
      {"cib-replace", {"0:0:0", with("<operations>", "<operations>")}, "conflict"},
      {"cib-replace-section", {version, "<status/>"}, "<status> is not a configuration section"},
      {"cib-replace-section", {version, "<resources>"}, "cib-replace-section: the section: offset"},
      {"cib-replace-section", {version, "<crm_config/><resources/>"}, "the section must be one element, not 2"},
      {"cib-replace-section", {version, "<resources><primitive id=\"x\" class=\"ocf\" provider=\"heartbeat\" "
                                        "type=\"Dummy\"><instance_attributes id=\"x-p\"><nvpair id=\"x-b\" "
                                        "name=\"bogus\" value=\"1\"/></instance_attributes></primitive></resources>"},
       "resource x: "},
  };
  for (const auto& c : cases) {
    for (int i : {1, 2}) {  // on the DC and on a member
      auto r = node(i).Call(c.command, c.args);
      ASSERT_TRUE(r.ok()) << r.status().message();
      EXPECT_FALSE(r->ok) << c.command << " on n" << i;
      EXPECT_NE(r->body.find(c.error), std::string::npos) << c.command << " on n" << i << ": " << r->body;
      EXPECT_EQ(r->body.find('\n'), std::string::npos) << "one line: " << r->body;
    }
  }
  for (int i : {1, 2, 3}) EXPECT_EQ(Versions(Cib(i)), Versions(before)) << "n" << i;
  EXPECT_EQ(Owners(), owner);
}

TEST_F(ResourceCluster, TwoNodesMoveTheDummyWhenItsOwnersVigildIsKilledAndRunItOnceWhenItReturns) {
  ClusterOptions two;
  two.nodes = 2;
  two.two_node = true;
  Form(two, kDummyCib);
  ASSERT_TRUE(WaitFor([&] { return Owners().size() == 1; })) << Logs();
  const int owner = std::stoi(Owners());
  const int other = 3 - owner;
  ASSERT_TRUE(WaitFor([&] { return Count(node(owner).log(), "monitor (every 1000 ms) of d1: OCF_SUCCESS") == 1; }))
      << Logs();
  node(owner).Kill(SIGKILL);
  ASSERT_TRUE(WaitFor([&] { return Owners() == std::to_string(other); })) << Logs();
  ASSERT_TRUE(WaitFor([&] { return Where(other) == "n" + std::to_string(other); })) << Logs();
  // The node comes back: it probes d1 (not running there) and the survivor keeps it.
  ASSERT_TRUE(node(owner).Start());
  ASSERT_TRUE(WaitFor([&] { return cluster_->Agreed({1, 2}, "n1 n2", StatusOf(other).dc); })) << Logs();
  ASSERT_TRUE(WaitFor([&] { return Count(node(owner).log(), "probe of d1: OCF_NOT_RUNNING") == 2; })) << Logs();
  for (int sample = 0; sample < 200; ++sample) {
    ASSERT_LE(Owners().size(), 1u) << "runs twice\n" << Logs();
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  EXPECT_EQ(Owners().size(), 1u);
}

TEST_F(ResourceCluster, TheNativeIpaddrIsPlacedMonitoredAndMovesOnKillNineAndLinkDown) {
  const std::string vip = "inet 10.77.0.100/24";
  runs_ = [&](int i) {
    for (const auto& a : cluster_->lan().Addresses(i - 1)) {
      if (a.starts_with(vip)) return true;
    }
    return false;
  };
  Form(ClusterOptions{}, CibWith("ip", "class=\"ocf\" provider=\"heartbeat\" type=\"IPaddr\"",
                                 "<instance_attributes id=\"ip-params\">"
                                 "<nvpair id=\"ip-ip\" name=\"ip\" value=\"10.77.0.100\"/>"
                                 "<nvpair id=\"ip-mask\" name=\"cidr_netmask\" value=\"24\"/>"
                                 "</instance_attributes>"));
  ASSERT_TRUE(WaitFor([&] { return Owners().size() == 1; })) << Logs();
  const int owner = std::stoi(Owners());
  ASSERT_TRUE(WaitFor([&] { return Count(node(owner).log(), "monitor (every 1000 ms) of ip: OCF_SUCCESS") == 1; }))
      << Logs();
  // kill -9 of the owner's vigild: its executor child removes the address, a survivor adds it.
  node(owner).Kill(SIGKILL);
  std::vector<int> survivors;
  for (int i : {1, 2, 3}) {
    if (i != owner) survivors.push_back(i);
  }
  ASSERT_TRUE(WaitFor([&] { return !Runs(owner) && Owners(survivors).size() == 1; })) << Logs();
  // The node returns; then the new owner's link goes down: it stops the address for lack of
  // quorum, and one of the other two adds it.
  ASSERT_TRUE(node(owner).Start());
  ASSERT_TRUE(WaitFor([&] { return cluster_->Agreed({1, 2, 3}, "n1 n2 n3", StatusOf(survivors[0]).dc); })) << Logs();
  ASSERT_TRUE(WaitFor([&] { return Owners().size() == 1; })) << Logs();
  const int second = std::stoi(Owners());
  ASSERT_EQ(Sh("ip -n " + cluster_->lan().host(second - 1).ns + " link set eth0 down").code, 0);
  std::vector<int> others;
  for (int i : {1, 2, 3}) {
    if (i != second) others.push_back(i);
  }
  ASSERT_TRUE(WaitFor([&] { return !Runs(second) && Owners(others).size() == 1; })) << Logs();
  ASSERT_EQ(Sh("ip -n " + cluster_->lan().host(second - 1).ns + " link set eth0 up").code, 0);
  ASSERT_TRUE(WaitFor([&] { return StatusOf(second).quorate; })) << Logs();
  for (int sample = 0; sample < 200; ++sample) {
    ASSERT_LE(Owners().size(), 1u) << "the address is up twice\n" << Logs();
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

TEST_F(ResourceCluster, APluginThatCrashesInMonitorTakesOnlyTheExecutorChildDown) {
  const auto plugins = root_ / "plugins";
  std::filesystem::create_directories(plugins);
  std::filesystem::create_symlink(std::filesystem::path(VIGIL_REAL_PLUGIN_DIR) / "shell-ocf.so", plugins / "shell-ocf.so");
  std::filesystem::create_symlink(VIGIL_CRASHING_PLUGIN, plugins / "crashing.so");
  ClusterOptions options;
  options.plugin_dir = plugins;
  runs_ = [&](int i) { return std::filesystem::exists(node(i).run_dir() / "rsctmp" / "Crash-c1.state"); };
  Form(options, CibWith("c1", "class=\"ocf\" provider=\"vigiltest\" type=\"Crash\"", ""));
  ASSERT_TRUE(WaitFor([&] { return Owners().size() == 1; })) << Logs();
  const int owner = std::stoi(Owners());
  ASSERT_TRUE(WaitFor([&] { return Count(node(owner).log(), "monitor (every 1000 ms) of c1: OCF_SUCCESS") == 1; }))
      << Logs();
  const pid_t child = ExecutorChild(node(owner).log());
  WriteFile(node(owner).run_dir() / "rsctmp" / "Crash-c1.state.crash", "");
  // The monitor aborts the child; vigild reports the monitor failed, starts another child, probes
  // c1 (still running: its state file is there) and monitors it again.
  ASSERT_TRUE(WaitFor([&] {
    const std::string log = node(owner).log();
    return log.find("executor child (pid " + std::to_string(child) + ") died: signal 6") != std::string::npos &&
           ExecutorChild(log) != child && Count(log, "probe of c1: OCF_SUCCESS") == 1 &&
           Count(log, "monitor (every 1000 ms) of c1: OCF_SUCCESS") >= 2;
  })) << Logs();
  EXPECT_EQ(Owners(), std::to_string(owner));
  EXPECT_TRUE(cluster_->Agreed({1, 2, 3}, "n1 n2 n3", "n1")) << "membership noticed\n" << Logs();
  for (int i : {1, 2, 3}) EXPECT_EQ(node(i).log().find(" lost ("), std::string::npos) << Logs();
  // The monitor was lost, not failed: c1 ran all along, so it is neither restarted nor listed.
  EXPECT_NE(node(owner).log().find("monitor (every 1000 ms) of c1: ended with the executor child "
                                   "(the executor child died (signal 6"),
            std::string::npos)
      << Logs();
  EXPECT_EQ(Count(node(owner).log(), "start of c1: OCF_SUCCESS"), 1) << Logs();
  EXPECT_TRUE(StatusOf(1).failed_actions.empty());
}

}  // namespace
}  // namespace vigil::testing
