// Debian's own crmsh (/usr/sbin/crm, unmodified) drives two real vigild nodes in network
// namespaces through the tutorial (shared/seed/corosync-pacemaker-slackware.md), with Vigil's
// Pacemaker tools first on its PATH (crmsh calls cibadmin, crm_mon, crm_attribute, crm_node; it
// makes its patches with the installed crm_diff): the properties, the floating IP (the native
// IPaddr on a real veth) and MySQL (a real MariaDB under mysqld_safe), the colocation,
// `configure show`, `status`, standby and online typed on the owner, and a group; then `crm
// resource` (status, param, move, clear, stop, start, cleanup) and `crm ra info`, which crmsh runs
// through crm_resource. Each crm runs under its node's host name, as on the node itself. Needs
// root; run by CI.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>

#include "tests/support/mariadb_dir.h"
#include "tests/support/shell.h"
#include "tests/support/vigild_cluster.h"

namespace vigil::testing {
namespace {

class CrmshNetnsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(::geteuid(), 0u) << "needs root: network namespaces and MariaDB (CI runs as root)";
    ASSERT_TRUE(std::filesystem::exists("/usr/sbin/crm")) << "needs Debian's crmsh (scripts/deps.sh installs it)";
  }
  void TearDown() override { cluster_.reset(); }

  // crmsh's `crm ARGS` on node i: its host name, Vigil's tools first on the PATH, the node's vigild.
  CommandResult Crmsh(int i, const std::string& args) {
    const std::string tools =
        (std::filesystem::path(VIGILD_BINARY).parent_path() / ".." / "lib" / "vigil" / "sbin").lexically_normal().string();
    const std::string node_name = "node" + std::to_string(i);
    return Sh("VIGIL_RUN_DIR=" + node(i).run_dir().string() + " PATH=" + tools +
              ":/usr/sbin:/usr/bin:/sbin:/bin unshare --uts sh -c 'hostname " + node_name + " && exec /usr/sbin/crm " +
              args + "' </dev/null 2>&1");
  }
  VigildProcess& node(int i) { return cluster_->node(i); }
  std::string Logs() { return cluster_->Logs(); }
  bool HasIp(int i) { return cluster_->HoldsAddress(i, "10.77.0.100/24"); }
  // The node crmsh's `crm status` shows RSC started on ("" when none), from its status line.
  std::string Where(const std::string& status, const std::string& rsc) {
    const size_t at = status.find("* " + rsc + "\t");
    if (at == std::string::npos) return "";
    const std::string started = "Started ";
    const size_t s = status.find(started, at);
    const size_t end = status.find('\n', at);
    if (s == std::string::npos || s > end) return "";
    return status.substr(s + started.size(), end - s - started.size());
  }

  TempDir tmp_;
  std::unique_ptr<VigildCluster> cluster_;
};

TEST_F(CrmshNetnsTest, TheTutorialThroughTheRealCrmsh) {
  MariadbDir db;
  ASSERT_TRUE(db.error().empty()) << db.error();
  cluster_ = std::make_unique<VigildCluster>(std::filesystem::path(tmp_.path()) / "cluster",
                                             ClusterOptions{.nodes = 2, .multicast = true});
  ASSERT_TRUE(cluster_->lan_ok()) << cluster_->lan_error();
  cluster_->StartAll();
  ASSERT_TRUE(WaitFor([&] { return !node(1).Dc().empty() && cluster_->Agreed({1, 2}, "node1 node2", node(1).Dc()); }))
      << Logs();
  CommandResult r = Crmsh(1, "status");
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("  * Online: [ node1 node2 ]"), std::string::npos) << r.out;

  // The properties, then the floating IP and MySQL, one-shot.
  ASSERT_EQ((r = Crmsh(1, "configure property stonith-enabled=false")).code, 0) << r.out;
  ASSERT_EQ((r = Crmsh(2, "configure property no-quorum-policy=ignore")).code, 0) << r.out;
  ASSERT_EQ((r = Crmsh(1, "configure primitive ip ocf:heartbeat:IPaddr params ip=10.77.0.100 cidr_netmask=24 "
                          "op monitor interval=10s")).code,
            0)
      << r.out;
  ASSERT_TRUE(WaitFor([&] { return HasIp(1) != HasIp(2); })) << Logs();
  std::string params;
  for (const auto& p : db.Params()) params += " " + p;
  ASSERT_EQ((r = Crmsh(2, "configure primitive mysql ocf:heartbeat:mysql params binary=/usr/bin/mysqld_safe user=mysql" +
                          params + " op monitor interval=30s timeout=30s op start interval=0 timeout=120 "
                                   "op stop interval=0 timeout=120")).code,
            0)
      << r.out;
  ASSERT_EQ((r = Crmsh(1, "configure colocation ip-mysql inf: ip mysql")).code, 0) << r.out;
  std::string owner;
  ASSERT_TRUE(WaitFor([&] {
    const std::string status = Crmsh(1, "status").out;
    owner = Where(status, "mysql");
    return !owner.empty() && Where(status, "ip") == owner;
  }, std::chrono::seconds(90))) << Crmsh(1, "status").out << Logs();
  int at = owner == "node1" ? 1 : 2;
  EXPECT_TRUE(HasIp(at));
  EXPECT_FALSE(HasIp(3 - at));

  // What crmsh shows is what it made, on either node.
  const std::string shown = Crmsh(3 - at, "configure show").out;
  for (const std::string line : {"primitive ip IPaddr \\\n\tparams ip=10.77.0.100 cidr_netmask=24 \\\n\top monitor interval=10s",
                                 "colocation ip-mysql inf: ip mysql",
                                 "property cib-bootstrap-options: \\\n\tstonith-enabled=false \\\n\tno-quorum-policy=ignore"}) {
    EXPECT_NE(shown.find(line), std::string::npos) << line << "\n---\n" << shown;
  }

  // Standby typed on the owner moves both away; online lets it back.
  ASSERT_EQ((r = Crmsh(at, "node standby")).code, 0) << r.out;
  const std::string other = at == 1 ? "node2" : "node1";
  ASSERT_TRUE(WaitFor([&] {
    const std::string status = Crmsh(1, "status").out;
    return Where(status, "mysql") == other && Where(status, "ip") == other;
  }, std::chrono::seconds(90))) << Crmsh(1, "status").out << Logs();
  EXPECT_TRUE(HasIp(3 - at));
  EXPECT_NE(Crmsh(1, "status").out.find("standby"), std::string::npos);
  ASSERT_EQ((r = Crmsh(at, "node online")).code, 0) << r.out;
  ASSERT_TRUE(WaitFor([&] { return Crmsh(1, "status").out.find("  * Online: [ node1 node2 ]") != std::string::npos; }))
      << Crmsh(1, "status").out;

  // A group of the two (crmsh moves the colocation onto it), shown as one in status.
  ASSERT_EQ((r = Crmsh(1, "configure group db-group ip mysql")).code, 0) << r.out;
  ASSERT_TRUE(WaitFor([&] {
    const std::string status = Crmsh(2, "status").out;
    return status.find("  * Resource Group: db-group:\n    * ip\t") != std::string::npos &&
           !Where(status, "ip").empty() && Where(status, "mysql") == Where(status, "ip");
  }, std::chrono::seconds(90))) << Crmsh(2, "status").out << Logs();
  EXPECT_NE(Crmsh(2, "configure show").out.find("group db-group ip mysql"), std::string::npos);

  // crm resource, through Vigil's crm_resource: where it runs, a parameter, a move and its clear,
  // stop and start, a cleanup; and an agent's meta-data (crmsh asks crm_resource for it once
  // crm_resource lists the OCF providers).
  const std::string was = Where(Crmsh(1, "status").out, "ip");
  const std::string away = was == "node1" ? "node2" : "node1";
  EXPECT_NE((r = Crmsh(1, "resource status ip")).out.find("resource ip is running on: " + was), std::string::npos) << r.out;
  EXPECT_NE((r = Crmsh(2, "resource param ip show ip")).out.find("10.77.0.100"), std::string::npos) << r.out;
  ASSERT_EQ((r = Crmsh(1, "resource move db-group " + away)).code, 0) << r.out;
  ASSERT_TRUE(WaitFor([&] {
    const std::string status = Crmsh(1, "status").out;
    return Where(status, "ip") == away && Where(status, "mysql") == away;
  }, std::chrono::seconds(90))) << Crmsh(1, "status").out << Logs();
  EXPECT_NE(Crmsh(2, "configure show").out.find("location cli-prefer-db-group db-group role=Started inf: " + away),
            std::string::npos);
  ASSERT_EQ((r = Crmsh(2, "resource clear db-group")).code, 0) << r.out;
  EXPECT_EQ(Crmsh(2, "configure show").out.find("cli-prefer"), std::string::npos);
  ASSERT_EQ((r = Crmsh(1, "resource stop db-group")).code, 0) << r.out;
  ASSERT_TRUE(WaitFor([&] { return !HasIp(1) && !HasIp(2) && Where(Crmsh(2, "status").out, "mysql").empty(); },
                      std::chrono::seconds(60))) << Crmsh(1, "status").out << Logs();
  ASSERT_EQ((r = Crmsh(2, "resource start db-group")).code, 0) << r.out;
  ASSERT_TRUE(WaitFor([&] { return HasIp(1) != HasIp(2) && !Where(Crmsh(1, "status").out, "mysql").empty(); },
                      std::chrono::seconds(90))) << Crmsh(1, "status").out << Logs();
  EXPECT_NE((r = Crmsh(1, "resource cleanup mysql")).out.find("Cleaned up mysql on node"), std::string::npos) << r.out;
  r = Crmsh(1, "ra info ocf:heartbeat:IPaddr");
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("Parameters (*: required, []: default):"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace vigil::testing
