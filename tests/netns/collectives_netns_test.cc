// Groups and clones on real vigild in network namespaces, with resource-agents' own Dummy: a
// group starts in order on one node and moves there as a whole when that node's vigild is
// killed; an anonymous clone runs an instance on every node, recorded under the primitive's own
// id, and losing a node loses only that node's instance. Needs root; run by CI.
#include <gtest/gtest.h>

#include "tests/support/resource_cluster.h"

namespace vigil::testing {
namespace {

std::string CibOf(const std::string& resources) {
  std::string cib = kDummyCib;
  const size_t from = cib.find("<resources>") + std::string("<resources>").size();
  const size_t to = cib.find("</resources>");
  return cib.replace(from, to - from, resources);
}

std::string Dummy(const std::string& id) {
  return "<primitive id=\"" + id + "\" class=\"ocf\" provider=\"heartbeat\" type=\"Dummy\"><operations><op id=\"" + id +
         "-monitor-1s\" name=\"monitor\" interval=\"1s\" timeout=\"20s\"/></operations></primitive>";
}

class CollectivesNetnsTest : public ResourceCluster {
 protected:
  // Whether node i runs Dummy `id` (its state file, named after the id it is recorded under).
  bool RunsDummy(int i, const std::string& id) {
    return std::filesystem::exists(node(i).run_dir() / "rsctmp" / ("Dummy-" + id + ".state"));
  }
  std::string DummyOwners(const std::string& id, std::vector<int> among = {1, 2, 3}) {
    std::string out;
    for (int i : among) {
      if (RunsDummy(i, id)) out += (out.empty() ? "" : " ") + std::to_string(i);
    }
    return out;
  }
  // Pacemaker's Stateful `id` on node i: its state file (HA_VARRUN is per node here).
  std::filesystem::path StatefulState(int i, const std::string& id) {
    return node(i).dir() / "varrun" / ("Stateful-" + id + ".state");
  }
  // The role it says it runs in there ("Promoted", "Unpromoted"); empty if it does not run.
  std::string StatefulRole(int i, const std::string& id) {
    const std::string state = ReadFile(StatefulState(i, id));
    return state.substr(0, state.find('\n'));
  }
  // The nodes among `among` where every one of `ids` is promoted.
  std::string PromotedOn(std::vector<int> among, std::vector<std::string> ids = {"st"}) {
    std::string out;
    for (int i : among) {
      const bool all = std::all_of(ids.begin(), ids.end(), [&](const std::string& id) { return StatefulRole(i, id) == "Promoted"; });
      if (all) out += (out.empty() ? "" : " ") + std::to_string(i);
    }
    return out;
  }
  // A promotable clone `ms` of Stateful `st` (monitored every second when Promoted, every two
  // when Unpromoted) and a Dummy `vip`, with `constraints`.
  static std::string StatefulCib(const std::string& constraints) {
    std::string cib = CibOf(
        "<clone id=\"ms\"><meta_attributes id=\"ms-m\"><nvpair id=\"ms-p\" name=\"promotable\" value=\"true\"/>"
        "</meta_attributes><primitive id=\"st\" class=\"ocf\" provider=\"pacemaker\" type=\"Stateful\"><operations>"
        "<op id=\"st-mp\" name=\"monitor\" interval=\"1s\" role=\"Promoted\" timeout=\"20s\"/>"
        "<op id=\"st-mu\" name=\"monitor\" interval=\"2s\" role=\"Unpromoted\" timeout=\"20s\"/>"
        "</operations></primitive></clone>" + Dummy("vip"));
    return cib.replace(cib.find("<constraints/>"), std::string("<constraints/>").size(),
                       "<constraints>" + constraints + "</constraints>");
  }
};

TEST_F(CollectivesNetnsTest, AGroupStartsInOrderAndMovesAsAUnitWhenItsNodeIsKilled) {
  Form(ClusterOptions{}, CibOf("<group id=\"web\">" + Dummy("fs") + Dummy("app") + "</group>"));
  ASSERT_TRUE(WaitFor([&] { return DummyOwners("fs").size() == 1 && DummyOwners("app") == DummyOwners("fs"); }))
      << Logs();
  const int owner = std::stoi(DummyOwners("fs"));
  // app started after fs. (Its state file can be there before vigild has logged the result.)
  ASSERT_TRUE(WaitFor([&] { return node(owner).log().find("start of app: OCF_SUCCESS") != std::string::npos; })) << Logs();
  const std::string log = node(owner).log();
  EXPECT_LT(log.find("start of fs: OCF_SUCCESS"), log.find("start of app: OCF_SUCCESS")) << Logs();
  node(owner).Kill(SIGKILL);
  std::vector<int> survivors;
  for (int i : {1, 2, 3}) {
    if (i != owner) survivors.push_back(i);
  }
  // Both members leave the killed node and start together on one survivor; never split.
  ASSERT_TRUE(WaitFor([&] {
    return !RunsDummy(owner, "fs") && !RunsDummy(owner, "app") && DummyOwners("fs", survivors).size() == 1 &&
           DummyOwners("app", survivors) == DummyOwners("fs", survivors);
  })) << Logs();
  const int next = std::stoi(DummyOwners("fs", survivors));
  ASSERT_TRUE(WaitFor([&] { return node(next).log().find("start of app: OCF_SUCCESS") != std::string::npos; })) << Logs();
  const std::string next_log = node(next).log();
  EXPECT_LT(next_log.find("start of fs: OCF_SUCCESS"), next_log.find("start of app: OCF_SUCCESS")) << Logs();
}

TEST_F(CollectivesNetnsTest, AnAnonymousCloneRunsEverywhereAndLosesOnlyTheKilledNodesInstance) {
  Form(ClusterOptions{}, CibOf("<clone id=\"d-clone\">" + Dummy("d") + "</clone>"));
  // One instance per node, each recorded as "d" (the state file is Dummy-d.state) and monitored.
  ASSERT_TRUE(WaitFor([&] { return DummyOwners("d") == "1 2 3"; })) << Logs();
  for (int i : {1, 2, 3}) {
    ASSERT_TRUE(WaitFor([&] { return Count(node(i).log(), "monitor (every 1000 ms) of d: OCF_SUCCESS") >= 1; }))
        << "n" << i << "\n" << Logs();
    EXPECT_EQ(Count(node(i).log(), "start of d: OCF_SUCCESS"), 1) << Logs();
  }
  ASSERT_TRUE(WaitFor([&] { return Cib(1).find("id=\"d_monitor_1000\"") != std::string::npos; })) << Logs();
  node(3).Kill(SIGKILL);
  // Its executor child stops node 3's instance; the other two keep theirs, never restarted.
  ASSERT_TRUE(WaitFor([&] { return DummyOwners("d") == "1 2"; })) << Logs();
  for (int sample = 0; sample < 200; ++sample) {
    ASSERT_EQ(DummyOwners("d", {1, 2}), "1 2") << Logs();
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  for (int i : {1, 2}) EXPECT_EQ(Count(node(i).log(), "start of d: OCF_SUCCESS"), 1) << Logs();
  EXPECT_EQ(node(1).log().find("cannot schedule"), std::string::npos) << Logs();
}

// Pacemaker's own ping agent, cloned: each instance pings the three nodes and sets pingd with
// attrd_updater, which is Vigil's (first on the agent's PATH, asking its own vigild): the
// attribute reaches every node's status section, 100 per host that answers.
TEST_F(CollectivesNetnsTest, APingCloneSetsPingdOnEveryNodeThroughVigilsAttrdUpdater) {
  Form(ClusterOptions{}, CibOf("<clone id=\"ping-clone\"><primitive id=\"ping\" class=\"ocf\" provider=\"pacemaker\" "
                              "type=\"ping\"><instance_attributes id=\"ping-i\"><nvpair id=\"ping-hosts\" "
                              "name=\"host_list\" value=\"10.77.0.1 10.77.0.2 10.77.0.3\"/><nvpair id=\"ping-m\" "
                              "name=\"multiplier\" value=\"100\"/><nvpair id=\"ping-t\" name=\"timeout\" value=\"1\"/><nvpair id=\"ping-d\" name=\"dampen\" value=\"0\"/><nvpair id=\"ping-a\" name=\"attempts\" value=\"1\"/>"
                              "</instance_attributes><operations><op id=\"ping-monitor\" name=\"monitor\" interval=\"2s\" "
                              "timeout=\"20s\"/></operations></primitive></clone>"));
  ASSERT_TRUE(WaitFor([&] {
    const std::string cib = Cib(1);
    return Count(cib, "name=\"pingd\" value=\"300\"") == 3;
  }, std::chrono::seconds(30))) << Cib(1) << Logs();
  for (int i : {1, 2, 3}) {
    EXPECT_NE(node(i).log().find("transient attribute pingd = 300"), std::string::npos) << Logs();
    EXPECT_EQ(Count(node(i).log(), "start of ping: OCF_SUCCESS"), 1) << Logs();
  }
  // Cut node 3 off its peers: the others' next monitor counts 200.
  ASSERT_EQ(Sh("ip -n " + cluster_->lan().host(2).ns + " link set eth0 down").code, 0);
  ASSERT_TRUE(WaitFor([&] { return Count(Cib(1), "name=\"pingd\" value=\"200\"") == 2; }, std::chrono::seconds(30)))
      << Cib(1) << Logs();
}

// The classic connectivity setup: a ping clone counts the "gateway" every node pings (an extra
// address on node 3) into pingd, and the address (a Dummy) prefers n1 but may run nowhere that
// cannot reach it: `location connected vip rule -inf: not_defined pingd or pingd lte 0`. When n1
// alone loses its route to the gateway (a blackhole route in its namespace; the cluster's own
// traffic goes on), pingd there drops to 0 and the address moves away; when the route is back,
// it returns.
TEST_F(CollectivesNetnsTest, AnAddressLeavesANodeThatLostItsPingTargetAndComesBack) {
  std::string cib = CibOf(
      "<clone id=\"ping-clone\"><primitive id=\"ping\" class=\"ocf\" provider=\"pacemaker\" type=\"ping\">"
      "<instance_attributes id=\"ping-i\"><nvpair id=\"ping-hosts\" name=\"host_list\" value=\"10.77.0.99\"/>"
      "<nvpair id=\"ping-m\" name=\"multiplier\" value=\"100\"/><nvpair id=\"ping-t\" name=\"timeout\" value=\"1\"/>"
      "<nvpair id=\"ping-d\" name=\"dampen\" value=\"0\"/><nvpair id=\"ping-a\" name=\"attempts\" value=\"1\"/>"
      "</instance_attributes><operations><op id=\"ping-monitor\" name=\"monitor\" interval=\"1s\" timeout=\"20s\"/>"
      "</operations></primitive></clone>" + Dummy("vip"));
  cib.replace(cib.find("<constraints/>"), std::string("<constraints/>").size(),
              "<constraints><rsc_location id=\"prefer-n1\" rsc=\"vip\" node=\"n1\" score=\"100\"/>"
              "<rsc_location id=\"connected\" rsc=\"vip\"><rule id=\"connected-rule\" score=\"-INFINITY\" "
              "boolean-op=\"or\"><expression id=\"connected-undefined\" attribute=\"pingd\" operation=\"not_defined\"/>"
              "<expression id=\"connected-zero\" attribute=\"pingd\" operation=\"lte\" value=\"0\"/></rule>"
              "</rsc_location></constraints>");
  Form(ClusterOptions{}, cib);
  ASSERT_EQ(Sh("ip -n " + cluster_->lan().host(2).ns + " addr add 10.77.0.99/24 dev eth0").code, 0);
  ASSERT_TRUE(WaitFor([&] { return Count(Cib(1), "name=\"pingd\" value=\"100\"") == 3 && DummyOwners("vip") == "1"; },
                      std::chrono::seconds(30)))
      << Cib(1) << Logs();
  // n1 loses the gateway, and only the gateway.
  const std::string n1 = cluster_->lan().host(0).ns;
  ASSERT_EQ(Sh("ip -n " + n1 + " route add blackhole 10.77.0.99/32").code, 0);
  ASSERT_TRUE(WaitFor([&] {
    const std::string owners = DummyOwners("vip");
    return Count(Cib(1), "name=\"pingd\" value=\"0\"") == 1 && (owners == "2" || owners == "3");
  }, std::chrono::seconds(30))) << Cib(1) << Logs();
  EXPECT_EQ(Count(node(1).log(), "stop of vip: OCF_SUCCESS"), 1) << Logs();
  // The route is back: pingd is 100 again and the address returns to the node it prefers.
  ASSERT_EQ(Sh("ip -n " + n1 + " route del blackhole 10.77.0.99/32").code, 0);
  ASSERT_TRUE(WaitFor([&] { return Count(Cib(1), "name=\"pingd\" value=\"100\"") == 3 && DummyOwners("vip") == "1"; },
                      std::chrono::seconds(30)))
      << Cib(1) << Logs();
}

// Pacemaker's own Stateful agent as a promotable clone on three nodes, with an address (a Dummy)
// colocated with the Promoted role and ordered after promotion. The agent sets its promotion
// score with `crm_attribute --promotion`, which is Vigil's: one instance is promoted, its monitor
// expecting "running promoted" (8), the others' "running" (0). Killing the promoted node's
// vigild promotes an instance on another node, and the address follows it.
TEST_F(CollectivesNetnsTest, AStatefulPromotableCloneFailsOverItsPromotedRoleAndTheAddressFollows) {
  Form(ClusterOptions{}, StatefulCib("<rsc_colocation id=\"vip-with-promoted\" rsc=\"vip\" with-rsc=\"ms\" "
                                     "with-rsc-role=\"Promoted\" score=\"INFINITY\"/><rsc_order id=\"promote-then-vip\" "
                                     "first=\"ms\" first-action=\"promote\" then=\"vip\" then-action=\"start\"/>"));
  auto role = [&](int i) { return StatefulRole(i, "st"); };
  auto promoted = [&](std::vector<int> among) { return PromotedOn(among); };
  ASSERT_TRUE(WaitFor([&] {
    const std::string p = promoted({1, 2, 3});
    return p.size() == 1 && DummyOwners("vip") == p;
  }, std::chrono::seconds(30))) << Logs();
  const int first = std::stoi(promoted({1, 2, 3}));
  for (int i : {1, 2, 3}) {
    if (i == first) continue;
    EXPECT_EQ(role(i), "Unpromoted") << i << "\n" << Logs();
  }
  // Promoted: the Unpromoted monitor was cancelled before the promotion, the Promoted one runs.
  ASSERT_TRUE(WaitFor([&] { return Count(node(first).log(), "monitor (every 1000 ms) of st: OCF_RUNNING_PROMOTED") >= 1; }))
      << Logs();
  EXPECT_EQ(node(first).log().find("of st: OCF_RUNNING_PROMOTED in 0 ms: failed"), std::string::npos) << Logs();
  EXPECT_EQ(Count(Cib(1), "fail-count-st"), 0) << Cib(1);
  EXPECT_NE(Cib(1).find("name=\"master-st\" value=\"10\""), std::string::npos) << Cib(1);
  // vigil status (and so crm status) says which instance is promoted, and where.
  auto promoted_in_status = [&](int i) {
    std::string where;
    for (const auto& r : StatusOf(i).resources) {
      if (r.clone == "ms" && r.role == "Promoted" && r.nodes.size() == 1) where += (where.empty() ? "" : " ") + r.nodes.front();
    }
    return where;
  };
  ASSERT_TRUE(WaitFor([&] { return promoted_in_status(1) == "n" + std::to_string(first); })) << Logs();
  node(first).Kill(SIGKILL);
  std::vector<int> survivors;
  for (int i : {1, 2, 3}) {
    if (i != first) survivors.push_back(i);
  }
  // The killed node's executor child demotes and stops its instance; one survivor is promoted,
  // and the address runs there and nowhere else.
  ASSERT_TRUE(WaitFor([&] {
    const std::string p = promoted(survivors);
    return role(first).empty() && p.size() == 1 && DummyOwners("vip") == p;
  }, std::chrono::seconds(30))) << Logs();
  const int next = std::stoi(promoted(survivors));
  EXPECT_NE(node(next).log().find("promote of st: OCF_SUCCESS"), std::string::npos) << Logs();
  ASSERT_TRUE(WaitFor([&] { return promoted_in_status(next) == "n" + std::to_string(next); })) << Logs();
}

// A promoted instance whose monitor finds it failed (Stateful answers what its state's .rc file
// says: 9, failed promoted) is recovered: demoted, stopped, started and one instance promoted
// again, and the address colocated with the Promoted role follows wherever that is.
TEST_F(CollectivesNetnsTest, AFailedPromotedInstanceIsDemotedAndRecovered) {
  Form(ClusterOptions{}, StatefulCib("<rsc_colocation id=\"vip-with-promoted\" rsc=\"vip\" with-rsc=\"ms\" "
                                     "with-rsc-role=\"Promoted\" score=\"INFINITY\"/>"));
  auto promoted = [&] { return PromotedOn({1, 2, 3}); };
  ASSERT_TRUE(WaitFor([&] { return promoted().size() == 1 && DummyOwners("vip") == promoted(); }, std::chrono::seconds(30)))
      << Logs();
  const int first = std::stoi(promoted());
  const std::filesystem::path rc = StatefulState(first, "st").string() + ".rc";
  WriteFile(rc, "9\n");
  ASSERT_TRUE(WaitFor([&] { return node(first).log().find("of st: OCF_FAILED_PROMOTED") != std::string::npos; }))
      << Logs();
  std::filesystem::remove(rc);  // the agent works again: the recovery can succeed
  // Demoted before it was stopped, then one instance promoted again and the address with it.
  ASSERT_TRUE(WaitFor([&] {
    const std::string log = node(first).log();
    const size_t failed = log.find("of st: OCF_FAILED_PROMOTED");
    const size_t demote = log.find("demote of st: OCF_SUCCESS", failed);
    const size_t stop = log.find("stop of st: OCF_SUCCESS", failed);
    return demote != std::string::npos && stop != std::string::npos && demote < stop;
  }, std::chrono::seconds(30))) << Logs();
  ASSERT_TRUE(WaitFor([&] { return promoted().size() == 1 && DummyOwners("vip") == promoted(); }, std::chrono::seconds(30)))
      << Logs();
  EXPECT_NE(Cib(1).find("fail-count-st#monitor_1000"), std::string::npos) << Cib(1);
}

// A promotable clone of a group of two Stateful: one group instance is promoted, its members in
// order; killing that node promotes another instance, both its members.
TEST_F(CollectivesNetnsTest, APromotableGroupIsPromotedAsAWholeAndFailsOverAsOne) {
  Form(ClusterOptions{}, CibOf(
      "<clone id=\"ms\"><meta_attributes id=\"ms-m\"><nvpair id=\"ms-p\" name=\"promotable\" value=\"true\"/>"
      "</meta_attributes><group id=\"g\">"
      "<primitive id=\"a\" class=\"ocf\" provider=\"pacemaker\" type=\"Stateful\"><operations>"
      "<op id=\"a-mp\" name=\"monitor\" interval=\"3s\" role=\"Promoted\"/><op id=\"a-mu\" name=\"monitor\" interval=\"4s\" role=\"Unpromoted\"/>"
      "</operations></primitive><primitive id=\"b\" class=\"ocf\" provider=\"pacemaker\" type=\"Stateful\"><operations>"
      "<op id=\"b-mp\" name=\"monitor\" interval=\"3s\" role=\"Promoted\"/><op id=\"b-mu\" name=\"monitor\" interval=\"4s\" role=\"Unpromoted\"/>"
      "</operations></primitive></group></clone>"));
  auto role = [&](int i, const std::string& member) { return StatefulRole(i, member); };
  auto promoted = [&](std::vector<int> among) { return PromotedOn(among, {"a", "b"}); };
  ASSERT_TRUE(WaitFor([&] { return promoted({1, 2, 3}).size() == 1; }, std::chrono::seconds(30))) << Logs();
  const int first = std::stoi(promoted({1, 2, 3}));
  for (int i : {1, 2, 3}) {
    if (i == first) continue;
    EXPECT_EQ(role(i, "a"), "Unpromoted") << Logs();
    EXPECT_EQ(role(i, "b"), "Unpromoted") << Logs();
  }
  const std::string log = node(first).log();
  EXPECT_LT(log.find("promote of a: OCF_SUCCESS"), log.find("promote of b: OCF_SUCCESS")) << Logs();
  node(first).Kill(SIGKILL);
  std::vector<int> survivors;
  for (int i : {1, 2, 3}) {
    if (i != first) survivors.push_back(i);
  }
  ASSERT_TRUE(WaitFor([&] { return promoted(survivors).size() == 1; }, std::chrono::seconds(30))) << Logs();
}

// The same clone with notify=true: Stateful writes the environment of every action it runs to
// its envfile, so what its notify actions were told is there to read. Starting the clone is a
// round (pre-start to nobody, since no instance runs yet; post-start to all three), the first
// promotion another (pre and post to every instance, naming the one promoted and where).
TEST_F(CollectivesNetnsTest, AClonesNotificationsTellEveryInstanceWhatStartsAndWhatIsPromoted) {
  const std::filesystem::path envfile = root_ / "stateful-env";
  Form(ClusterOptions{}, CibOf(
      "<clone id=\"ms\"><meta_attributes id=\"ms-m\"><nvpair id=\"ms-p\" name=\"promotable\" value=\"true\"/>"
      "<nvpair id=\"ms-n\" name=\"notify\" value=\"true\"/></meta_attributes>"
      "<primitive id=\"st\" class=\"ocf\" provider=\"pacemaker\" type=\"Stateful\"><instance_attributes id=\"st-i\">"
      "<nvpair id=\"st-e\" name=\"envfile\" value=\"" + envfile.string() + "\"/></instance_attributes><operations>"
      "<op id=\"st-mp\" name=\"monitor\" interval=\"5s\" role=\"Promoted\" timeout=\"20s\"/>"
      "<op id=\"st-mu\" name=\"monitor\" interval=\"6s\" role=\"Unpromoted\" timeout=\"20s\"/>"
      "</operations></primitive></clone>"));
  // Each notify action's environment, one block per run.
  auto notifications = [&] {
    std::vector<std::string> out;
    const std::string text = ReadFile(envfile);
    for (size_t at = text.find("### notify @"); at != std::string::npos; at = text.find("### notify @", at + 1)) {
      out.push_back(text.substr(at, text.find("\n###\n", at) - at));
    }
    return out;
  };
  auto with = [&](const std::string& type, const std::string& operation) {
    int n = 0;
    for (const auto& block : notifications()) {
      n += block.find("OCF_RESKEY_CRM_meta_notify_type=" + type + "\n") != std::string::npos &&
           block.find("OCF_RESKEY_CRM_meta_notify_operation=" + operation + "\n") != std::string::npos;
    }
    return n;
  };
  ASSERT_TRUE(WaitFor([&] { return with("post", "promote") == 3; }, std::chrono::seconds(30))) << Logs();
  EXPECT_EQ(with("pre", "start"), 0);  // nothing ran yet to be told
  EXPECT_EQ(with("post", "start"), 3);
  EXPECT_EQ(with("pre", "promote"), 3);
  // A post-promote notification says which instance was promoted, where, and what runs.
  for (const auto& block : notifications()) {
    if (block.find("OCF_RESKEY_CRM_meta_notify_type=post\n") == std::string::npos ||
        block.find("OCF_RESKEY_CRM_meta_notify_operation=promote\n") == std::string::npos) {
      continue;
    }
    EXPECT_NE(block.find("OCF_RESKEY_CRM_meta_notify_promote_resource=st:"), std::string::npos) << block;
    EXPECT_NE(block.find("OCF_RESKEY_CRM_meta_notify_active_uname=n1 n2 n3\n"), std::string::npos) << block;
    EXPECT_NE(block.find("OCF_RESKEY_CRM_meta_notify_all_uname=n1 n2 n3\n"), std::string::npos) << block;
    EXPECT_NE(block.find("OCF_RESKEY_CRM_meta_notify_stop_resource= \n"), std::string::npos) << block;
  }
  for (int i : {1, 2, 3}) EXPECT_EQ(Count(node(i).log(), ": failed"), 0) << Logs();
}

}  // namespace
}  // namespace vigil::testing
