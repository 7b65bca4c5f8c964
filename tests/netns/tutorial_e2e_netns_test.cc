// The tutorial end to end, as its client sees it (lab/tutorial_lab.h): two nodes with their own
// disks in network and mount namespaces, the tutorial's corosync.conf, crm typed on the nodes,
// the native IPaddr on a real veth and MariaDB under mysqld_safe; the client asks ARP who has the
// floating IP and talks to MySQL through it. Then three nodes whose membership link is cut for
// one of them: the minority stops its resources (no-quorum-policy=stop) while the majority runs
// them, and a client that looks every 50 ms never finds them in two places.
// Needs root (namespaces, MariaDB); run by CI.
#include <gtest/gtest.h>

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <thread>

#include "lab/tutorial_lab.h"
#include "tests/support/vigild_process.h"

namespace vigil::lab {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using testing::WaitFor;

class TutorialEndToEndTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(::geteuid(), 0u) << "needs root: network and mount namespaces, MariaDB (CI runs as root)";
    char dir[] = "/tmp/vigil-e2e.XXXXXX";
    ASSERT_NE(::mkdtemp(dir), nullptr);
    work_ = dir;
  }
  void TearDown() override {
    lab_.reset();
    std::filesystem::remove_all(work_);
  }

  void Make(TutorialOptions o) {
    o.prefix = "vge2e" + std::to_string(::getpid()) + "-";
    o.work = work_;
    o.programs = std::filesystem::path(VIGILD_BINARY).parent_path();
    auto lab = TutorialLab::Create(o);
    ASSERT_TRUE(lab.ok()) << lab.status().message();
    lab_ = std::move(*lab);
    ASSERT_TRUE(lab_->Install().ok());
    for (int k = 1; k <= o.nodes; ++k) ASSERT_TRUE(lab_->Start(k).ok());
  }

  void Typed(int node, const std::string& input) {
    const RunResult r = lab_->Crm(node, {}, input);
    ASSERT_EQ(r.code, 0) << input << r.out;
  }
  std::string Logs() {
    std::string all;
    for (int k = 1; k <= lab_->options().nodes; ++k) all += "--- node" + std::to_string(k) + "\n" + lab_->Log(k);
    return all;
  }
  // The floating IP is configured on the node's eth0.
  bool HasVip(int node) {
    const RunResult r = lab::Run({"ip", "-n", lab_->lan().netns(TutorialLab::Name(node)), "-o", "-4", "addr", "show", "dev", "eth0"});
    return r.out.find(std::string("inet ") + TutorialLab::kVip + "/") != std::string::npos;
  }
  // A mysqld runs on the node: the pid file in its private /run names a live process.
  bool MysqldRuns(int node) {
    std::ifstream in(lab_->lan().Inside(TutorialLab::Name(node), "/run/mysqld/mysqld.pid"));
    pid_t pid = 0;
    return (in >> pid) && pid > 0 && ::kill(pid, 0) == 0;
  }
  // Both resources on `node` as crm on `at` tells, the client reaching its database through the
  // floating IP whose only ARP answer comes from its MAC.
  bool ServedBy(int at, int node) {
    const std::string name = TutorialLab::Name(node);
    if (lab_->Where(at, "ip") != name || lab_->Where(at, "mysql") != name) return false;
    if (lab_->VipOwners() != std::vector<int>{node}) return false;
    return lab_->ClientQuery().out == name;
  }

  std::filesystem::path work_;
  std::unique_ptr<TutorialLab> lab_;
};

// The tutorial's service as one group (a Dummy, the floating IP through IPaddr2, MySQL): started
// in order on one node, it moves there as a unit when its owner's vigild is killed and its link
// goes down, and the client reaches MySQL through the floating IP on the survivor.
TEST_F(TutorialEndToEndTest, AGroupOfDummyIpaddr2AndMysqlMovesAsAUnit) {
  Make(TutorialOptions{});
  ASSERT_TRUE(WaitFor([&] { return lab_->Formed(1); })) << Logs();
  Typed(1, "configure\nproperty stonith-enabled=false\nproperty no-quorum-policy=ignore\n"
           "primitive lock ocf:heartbeat:Dummy op monitor interval=10s\n"
           "primitive ip ocf:heartbeat:IPaddr2 params ip=\"192.168.1.100\" op monitor interval=10s\n" +
           TutorialLab::MysqlPrimitive() + "\ngroup service lock ip mysql\ncommit\nquit\n");
  int owner = 0;
  ASSERT_TRUE(WaitFor([&] {
    for (int k : {1, 2}) {
      if (ServedBy(1, k) && lab_->Where(1, "lock") == TutorialLab::Name(k)) owner = k;
    }
    return owner != 0;
  }, seconds(120))) << Logs();
  const int survivor = 3 - owner;
  EXPECT_FALSE(HasVip(survivor));
  EXPECT_FALSE(MysqldRuns(survivor));
  // Started in the group's order on the owner.
  const std::string log = lab_->Log(owner);
  ASSERT_NE(log.find("start of mysql: OCF_SUCCESS"), std::string::npos) << Logs();
  EXPECT_LT(log.find("start of lock: OCF_SUCCESS"), log.find("start of ip: OCF_SUCCESS")) << Logs();
  EXPECT_LT(log.find("start of ip: OCF_SUCCESS"), log.find("start of mysql: OCF_SUCCESS")) << Logs();

  lab_->Kill(owner);
  ASSERT_TRUE(lab_->SetClusterLink(owner, false).ok());
  ASSERT_TRUE(WaitFor([&] { return ServedBy(survivor, survivor) && lab_->Where(survivor, "lock") == TutorialLab::Name(survivor); },
                      seconds(120)))
      << Logs();
  EXPECT_FALSE(HasVip(owner));
  EXPECT_FALSE(MysqldRuns(owner));
}

TEST_F(TutorialEndToEndTest, TheClientFollowsTheTutorialFromStartToFailover) {
  Make(TutorialOptions{});
  ASSERT_TRUE(WaitFor([&] { return lab_->Formed(1); })) << Logs();
  Typed(1, "configure\nproperty stonith-enabled=false\nproperty no-quorum-policy=ignore\ncommit\nquit\n");

  // The floating IP answers ARP from its owner's MAC, and from nobody else.
  Typed(1, "configure\nprimitive ip ocf:heartbeat:IPaddr params ip=\"192.168.1.100\" op monitor interval=10s\ncommit\nquit\n");
  std::string ip_at;
  ASSERT_TRUE(WaitFor([&] { return !(ip_at = lab_->Where(1, "ip")).empty(); })) << Logs();
  const int ip_node = ip_at == "node1" ? 1 : 2;
  ASSERT_TRUE(WaitFor([&] { return lab_->VipOwners() == std::vector<int>{ip_node}; })) << Logs();
  EXPECT_TRUE(HasVip(ip_node));
  EXPECT_FALSE(HasVip(3 - ip_node));

  // MySQL; the client reaches it through the floating IP once both run on one node.
  Typed(2, "configure\n" + TutorialLab::MysqlPrimitive() + "\ncommit\nquit\n");
  std::string mysql_at;
  ASSERT_TRUE(WaitFor([&] { return !(mysql_at = lab_->Where(1, "mysql")).empty(); }, seconds(120))) << Logs();
  const int busy = mysql_at == "node1" ? 1 : 2;
  EXPECT_TRUE(MysqldRuns(busy));
  EXPECT_FALSE(MysqldRuns(3 - busy));
  if (busy == ip_node) {
    EXPECT_TRUE(WaitFor([&] { return lab_->ClientQuery().out == mysql_at; })) << lab_->ClientQuery().out;
  } else {
    EXPECT_NE(lab_->ClientQuery().code, 0);  // the floating IP's node runs no MySQL
  }

  // Standby (typed on the node that runs MySQL) moves both to the other node.
  const int other = 3 - busy;
  Typed(busy, "node\nstandby\nquit\n");
  ASSERT_TRUE(WaitFor([&] { return ServedBy(1, other); }, seconds(120))) << Logs();
  EXPECT_FALSE(HasVip(busy));
  EXPECT_FALSE(MysqldRuns(busy));
  EXPECT_NE(lab_->Crm(1, {"status"}).out.find("Node " + TutorialLab::Name(busy) + ": standby"), std::string::npos);

  // Online brings it back into service: with the other node in standby, both come to it.
  Typed(busy, "node\nonline\nquit\n");
  ASSERT_TRUE(WaitFor([&] { return lab_->Formed(1); })) << Logs();
  Typed(other, "node\nstandby\nquit\n");
  ASSERT_TRUE(WaitFor([&] { return ServedBy(1, busy); }, seconds(120))) << Logs();
  Typed(other, "node\nonline\nquit\n");
  ASSERT_TRUE(WaitFor([&] { return lab_->Formed(1); })) << Logs();

  // Colocation keeps them together.
  Typed(1, "configure\ncolocation ip-mysql inf: ip mysql\ncommit\nquit\n");
  int owner = 0;
  ASSERT_TRUE(WaitFor([&] {
    for (int k : {1, 2}) {
      if (ServedBy(1, k)) owner = k;
    }
    return owner != 0;
  }, seconds(120))) << Logs();
  EXPECT_TRUE(HasVip(owner));
  EXPECT_FALSE(HasVip(3 - owner));
  EXPECT_FALSE(MysqldRuns(3 - owner));

  // The owner switched off (kill -9 of its vigild, its link down): both move to the survivor,
  // and the switched-off node's executor child has stopped them there.
  const int survivor = 3 - owner;
  lab_->Kill(owner);
  ASSERT_TRUE(lab_->SetClusterLink(owner, false).ok());
  ASSERT_TRUE(WaitFor([&] { return ServedBy(survivor, survivor); }, seconds(120))) << Logs();
  EXPECT_FALSE(HasVip(owner));
  EXPECT_FALSE(MysqldRuns(owner));
  EXPECT_NE(lab_->Crm(survivor, {"status"}).out.find("OFFLINE: [ " + TutorialLab::Name(owner) + " ]"), std::string::npos);
}

TEST_F(TutorialEndToEndTest, APartitionedMinorityStopsAndNothingRunsInTwoPlaces) {
  Make(TutorialOptions{.nodes = 3, .nodelist = true, .ring_apart = true});
  ASSERT_TRUE(WaitFor([&] { return lab_->Formed(1); })) << Logs();
  Typed(1, "configure\nproperty stonith-enabled=false\nproperty no-quorum-policy=stop\n"
           "primitive ip ocf:heartbeat:IPaddr params ip=\"192.168.1.100\" op monitor interval=10s\n" +
           TutorialLab::MysqlPrimitive() + "\ncolocation ip-mysql inf: ip mysql\ncommit\nquit\n");
  int owner = 0;
  ASSERT_TRUE(WaitFor([&] {
    for (int k : {1, 2, 3}) {
      if (ServedBy(1, k)) owner = k;
    }
    return owner != 0;
  }, seconds(120))) << Logs();

  // The client looks every 50 ms: who answers ARP for the floating IP, and on how many nodes a
  // mysqld runs. Never two.
  std::atomic<bool> watching{true};
  std::atomic<int> looks{0};
  std::vector<std::string> doubles;
  std::thread watcher([&] {
    while (watching) {
      const auto owners = lab_->VipOwners(milliseconds(40));
      int mysqlds = 0;
      for (int k : {1, 2, 3}) mysqlds += MysqldRuns(k) ? 1 : 0;
      if (owners.size() > 1) doubles.push_back(std::to_string(owners.size()) + " nodes answer ARP for the floating IP");
      if (mysqlds > 1) doubles.push_back(std::to_string(mysqlds) + " mysqld run");
      ++looks;
      std::this_thread::sleep_for(milliseconds(10));
    }
  });

  // The owner's membership link is cut: it stops both; the two others elect and take them over.
  ASSERT_TRUE(lab_->SetClusterLink(owner, false).ok());
  int taker = 0;
  const bool moved = WaitFor([&] {
    for (int k : {1, 2, 3}) {
      if (k != owner && ServedBy(k, k)) taker = k;
    }
    return taker != 0 && !HasVip(owner) && !MysqldRuns(owner);
  }, seconds(120));
  const std::string minority = lab_->Crm(owner, {"status"}).out;
  // The link back: the cluster whole again, and still one of each.
  ASSERT_TRUE(lab_->SetClusterLink(owner, true).ok());
  const bool healed = WaitFor([&] { return lab_->Formed(owner); }, seconds(60));
  std::this_thread::sleep_for(seconds(2));
  watching = false;
  watcher.join();

  ASSERT_TRUE(moved) << Logs();
  EXPECT_NE(minority.find("Current DC: NONE"), std::string::npos) << minority;
  EXPECT_TRUE(healed) << Logs();
  // It stopped on its quorum lease, before it lost the others (and they it).
  EXPECT_NE(lab_->Log(owner).find("quorum lease lapsed"), std::string::npos) << Logs();
  EXPECT_GT(looks.load(), 20);
  EXPECT_TRUE(doubles.empty()) << doubles.size() << " looks found two at once, first: " << doubles.front() << "\n" << Logs();
  int serving = 0;
  for (int k : {1, 2, 3}) serving += HasVip(k) ? 1 : 0;
  EXPECT_EQ(serving, 1);
}

}  // namespace
}  // namespace vigil::lab
