// The tutorial (shared/seed/corosync-pacemaker-slackware.md) end to end with crm, on two real
// vigild nodes in network namespaces running the tutorial's own cluster file (corosync 1.x,
// multicast, names from host names): both nodes online and in the configuration, the properties,
// the floating IP (the native IPaddr, on a real veth) and MySQL (a real MariaDB under
// mysqld_safe), colocation, standby and online, and failover when the owner's vigild is killed
// with -9 (no quorum left: no-quorum-policy=ignore lets the survivor go on, as in the tutorial).
// Bad commands, replayed against the live cluster, each give one error line and leave the CIB's
// version where it was; the configuration shown as XML is accepted by Pacemaker's crm_verify.
// Needs root (namespaces, MariaDB); run by CI.
#include <gtest/gtest.h>

#include <unistd.h>

#include "tests/support/mariadb_dir.h"
#include "tests/support/shell.h"
#include "tests/support/vigild_cluster.h"

namespace vigil::testing {
namespace {

class CrmTutorialNetnsTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_EQ(::geteuid(), 0u) << "needs root: network namespaces and MariaDB (CI runs as root)"; }
  void TearDown() override { cluster_.reset(); }

  // `crm ARGS` on node i (or crm reading `input`), as a user there runs it.
  CommandResult Crm(int i, const std::string& args, const std::string& input = "") {
    std::string command = std::string(CRM_BINARY) + " --run-dir " + node(i).run_dir().string() + " " + args;
    const std::string file = tmp_.path() + "/input";
    WriteFile(file, input);
    return Sh(command + " < " + file);
  }
  VigildProcess& node(int i) { return cluster_->node(i); }
  std::string Logs() { return cluster_->Logs(); }

  // Node i holds the floating address.
  bool HasIp(int i) { return cluster_->HoldsAddress(i, "10.77.0.100/24"); }
  // "node2" when `crm resource status RSC` (asked on node i) says it runs there alone.
  std::string Where(int i, const std::string& rsc) {
    const std::string out = Crm(i, "resource status " + rsc).out;
    const std::string running = "resource " + rsc + " is running on: ";
    if (out.rfind(running, 0) != 0) return "";
    return out.substr(running.size(), out.find('\n') - running.size());
  }
  std::string Epoch(int i) {
    const auto m = node(i).Cib();
    return m ? std::to_string(m->versions.epoch) : "?";
  }

  TempDir tmp_;
  std::unique_ptr<VigildCluster> cluster_;
};

TEST_F(CrmTutorialNetnsTest, TheTutorialsCommandsOnTwoNodes) {
  MariadbDir db;
  ASSERT_TRUE(db.error().empty()) << db.error();
  cluster_ = std::make_unique<VigildCluster>(std::filesystem::path(tmp_.path()) / "cluster", ClusterOptions{.nodes = 2, .multicast = true});
  ASSERT_TRUE(cluster_->lan_ok()) << cluster_->lan_error();
  cluster_->StartAll();
  // Step 12: both nodes online, and both in the configuration.
  ASSERT_TRUE(WaitFor([&] { return !node(1).Dc().empty() && cluster_->Agreed({1, 2}, "node1 node2", node(1).Dc()); }))
      << Logs();
  const auto status = Crm(1, "status");
  EXPECT_NE(status.out.find("  * Online: [ node1 node2 ]"), std::string::npos) << status.out;
  std::string shown = Crm(1, "configure show").out;
  EXPECT_NE(shown.find(": node1\n"), std::string::npos) << shown;
  EXPECT_NE(shown.find(": node2\n"), std::string::npos) << shown;

  // Step 13, interactive-style.
  auto r = Crm(1, "", "configure\nproperty stonith-enabled=false\nproperty no-quorum-policy=ignore\ncommit\nquit\n");
  ASSERT_EQ(r.code, 0) << r.out;
  shown = Crm(2, "configure show").out;  // the other node holds it too
  EXPECT_NE(shown.find("property cib-bootstrap-options: \\\n\tstonith-enabled=false \\\n\tno-quorum-policy=ignore"),
            std::string::npos)
      << shown;

  // Step 14: the floating IP, one-shot.
  r = Crm(1, "configure primitive ip ocf:heartbeat:IPaddr params ip=\"10.77.0.100\" cidr_netmask=24 op monitor "
             "interval=10s");
  ASSERT_EQ(r.code, 0) << r.out;
  ASSERT_TRUE(WaitFor([&] { return HasIp(1) != HasIp(2); })) << Logs();

  // Step 17: MySQL under mysqld_safe, over continued lines.
  std::string params;
  for (const auto& p : db.Params()) params += " " + p.substr(0, p.find('=') + 1) + "\"" + p.substr(p.find('=') + 1) + "\"";
  r = Crm(2, "", "configure\nprimitive mysql ocf:heartbeat:mysql \\\n  params binary=\"/usr/bin/mysqld_safe\" "
                 "user=\"mysql\"" + params + " \\\n  op monitor interval=\"30s\" timeout=\"30s\" \\\n"
                 "  op start interval=\"0\" timeout=\"120\" \\\n  op stop interval=\"0\" timeout=\"120\"\ncommit\nquit\n");
  ASSERT_EQ(r.code, 0) << r.out;
  ASSERT_TRUE(WaitFor([&] { return !Where(1, "mysql").empty(); }, std::chrono::seconds(60))) << Logs();

  // Step 19: together.
  r = Crm(1, "", "configure\ncolocation ip-mysql inf: ip mysql\ncommit\nquit\n");
  ASSERT_EQ(r.code, 0) << r.out;
  std::string owner;
  ASSERT_TRUE(WaitFor([&] {
    owner = Where(1, "mysql");
    return !owner.empty() && Where(1, "ip") == owner;
  }, std::chrono::seconds(60))) << Logs();
  int at = owner == "node1" ? 1 : 2;
  EXPECT_TRUE(HasIp(at));
  EXPECT_FALSE(HasIp(3 - at));
  // Placed there while its start may still run (crm_resource says so too): it answers once started.
  EXPECT_TRUE(WaitFor([&] { return Sh("mariadb-admin --socket=" + db / "m.sock" + " ping").code == 0; },
                      std::chrono::seconds(60)));

  // Pacemaker's checker accepts the configuration crm would commit.
  r = Crm(1, "configure show xml");
  ASSERT_EQ(r.code, 0) << r.out;
  WriteFile(tmp_.path() + "/shown.xml", r.out);
  const auto verified = Sh("crm_verify --xml-file " + tmp_.path() + "/shown.xml");
  EXPECT_EQ(verified.code, 0) << verified.out;

  // Bad commands against the live cluster: one error line each, exit 1, the CIB unchanged.
  const std::string epoch = Epoch(1);
  const std::vector<std::string> bad = {
      "configure primitve x Dummy",
      "configure primitive",
      "configure primitive 1x Dummy",
      "configure primitive ip Dummy",
      "configure primitive x ocf:heartbeat:NoSuchAgent",
      "configure primitive x ocf:heartbeat:IPaddr",
      "configure primitive x ocf:heartbeat:IPaddr params ip=10.77.0.101 nosuch=1",
      "configure primitive x ocf:heartbeat:IPaddr params ip=10.77.0.101 cidr_netmask",
      "configure primitive x Dummy op monitor interval=often",
      "configure primitive x Dummy op monitor intervl=10s",
      "configure primitive x Dummy op monitor on-fail=sometimes",
      "configure primitive x Dummy params state=\"unbalanced",
      "configure primitive x Dummy parms a=1",
      "configure primitive x ocf:Dummy",
      "configure primitive x Dummy meta",
      "configure property stonith-enabled=maybe",
      "configure property no-quorum-policy=sometimes",
      "configure property",
      "configure property stonith-enabled",
      "configure location",
      "configure location l ip 100 node1",
      "configure location l nosuch 100: node1",
      "configure location l ip abc: node1",
      "configure location l ip 100:",
      "configure colocation c inf: ip",
      "configure colocation c inf: ip nosuch",
      "configure colocation c inf: ip ip",
      "configure colocation ip-mysql inf: ip mysql",
      "configure order o Mandatory: ip",
      "configure order o Sometimes: ip mysql",
      "configure order o Mandatory: ip:begin mysql",
      "configure delete nosuch",
      "configure delete ip",
      "configure erase",
      "configure group g ip nosuch",
      "configure clone c nosuch",
      "configure ms m nosuch",
      "configure show nosuch",
      "configure rsc_defaults",
      "configure op_defaults timeout",
      "configure commit now",
      "node standby node9",
      "node stndby",
      "resource stop nosuch",
      "resource move ip node9",
      "resource move",
      "resource cleanup nosuch",
      "ra info NoSuchAgent",
      "status bogus",
  };
  ASSERT_GE(bad.size(), 40u);
  for (const auto& command : bad) {
    r = Crm(1, "", command + "\n");  // read by crm itself, quotes and all
    EXPECT_EQ(r.code, 1) << command << "\n" << r.out;
    EXPECT_EQ(r.out.rfind("ERROR: ", 0), 0u) << command << "\n" << r.out;
    EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 1) << command << ": one line\n" << r.out;
    EXPECT_EQ(Epoch(1), epoch) << command;
  }

  // Standby (step 21, typed on the owner: this node) moves both away; online lets it back.
  r = Crm(at, "", "node\nstandby\nquit\n");
  ASSERT_EQ(r.code, 0) << r.out;
  const std::string other = at == 1 ? "node2" : "node1";
  ASSERT_TRUE(WaitFor([&] { return Where(1, "mysql") == other && Where(1, "ip") == other; }, std::chrono::seconds(60)))
      << Logs();
  EXPECT_TRUE(HasIp(3 - at));
  EXPECT_FALSE(HasIp(at));
  EXPECT_NE(Crm(1, "status").out.find("standby"), std::string::npos);
  ASSERT_EQ(Crm(at, "", "node\nonline\nquit\n").code, 0);
  ASSERT_TRUE(WaitFor([&] { return Crm(1, "status").out.find("  * Online: [ node1 node2 ]") != std::string::npos; }))
      << Crm(1, "status").out;

  // A node dies (kill -9 of the owner's vigild): its executor child stops both, the survivor
  // (without quorum, but no-quorum-policy=ignore) starts both.
  owner = Where(1, "mysql");
  at = owner == "node1" ? 1 : 2;
  const int survivor = 3 - at;
  node(at).Kill(SIGKILL);
  ASSERT_TRUE(WaitFor([&] {
    return Where(survivor, "mysql") == (survivor == 1 ? "node1" : "node2") &&
           Where(survivor, "ip") == (survivor == 1 ? "node1" : "node2");
  }, std::chrono::seconds(60))) << Logs();
  EXPECT_TRUE(HasIp(survivor));
  EXPECT_FALSE(HasIp(at));
  // Placed there while its start may still run (crm_resource says so too): it answers once started.
  EXPECT_TRUE(WaitFor([&] { return Sh("mariadb-admin --socket=" + db / "m.sock" + " ping").code == 0; },
                      std::chrono::seconds(60)));
  // The survivor stops MySQL before the directory goes.
  const CommandResult stopped = Crm(survivor, "resource stop mysql");
  ASSERT_EQ(stopped.code, 0) << stopped.out << Logs();
  ASSERT_TRUE(WaitFor([&] { return Where(survivor, "mysql").empty(); }, std::chrono::seconds(60))) << Logs();
}

}  // namespace
}  // namespace vigil::testing
