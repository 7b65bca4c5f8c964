// crm_resource over vigild, held to Pacemaker 2.1.5's own: for the same CIB, each query prints
// what the installed crm_resource prints (CIB_file) and exits as it does, and each change leaves
// the configuration as the installed one leaves its file.
#include <gtest/gtest.h>

#include <sys/wait.h>

#include <cstdlib>
#include <regex>
#include <sstream>

#include <pugixml.hpp>

#include "cluster/cib/cib.h"
#include "cluster/cib/edit.h"
#include "cluster/control/cluster_status.h"
#include "cluster/crm/crm_resource.h"
#include "cluster/crm/pcmk_tools.h"
#include "cluster/daemon/daemon.h"
#include "tests/support/files.h"

namespace vigil::crm {
namespace {

// Three nodes (node3 down); a Dummy with a threshold and a failed monitor, a group of an address
// and a Dummy told to stay stopped, an unmanaged Dummy, one whose start failed, a cloned ping;
// a location, a move's preference, two colocations and an order; the history of a resource no
// longer configured.
const char* kCib = R"(<cib crm_feature_set="3.16.1" validate-with="pacemaker-3.9" epoch="7" num_updates="0" admin_epoch="0" have-quorum="1" dc-uuid="1">
  <configuration>
    <crm_config>
      <cluster_property_set id="o">
        <nvpair id="o-se" name="stonith-enabled" value="false"/>
        <nvpair id="o-nq" name="no-quorum-policy" value="ignore"/>
      </cluster_property_set>
    </crm_config>
    <nodes>
      <node id="1" uname="node1"/>
      <node id="2" uname="node2"/>
      <node id="3" uname="node3"/>
    </nodes>
    <resources>
      <primitive id="d" class="ocf" provider="heartbeat" type="Dummy">
        <meta_attributes id="d-m"><nvpair id="d-m-mt" name="migration-threshold" value="3"/></meta_attributes>
        <operations><op id="d-mon" name="monitor" interval="10s"/></operations>
      </primitive>
      <group id="g">
        <primitive id="ip" class="ocf" provider="heartbeat" type="IPaddr2">
          <instance_attributes id="ip-i"><nvpair id="ip-i-ip" name="ip" value="10.0.0.9"/></instance_attributes>
        </primitive>
        <primitive id="db" class="ocf" provider="heartbeat" type="Dummy">
          <meta_attributes id="db-m"><nvpair id="db-m-tr" name="target-role" value="Stopped"/></meta_attributes>
        </primitive>
      </group>
      <primitive id="u" class="ocf" provider="heartbeat" type="Dummy">
        <meta_attributes id="u-m"><nvpair id="u-m-im" name="is-managed" value="false"/></meta_attributes>
      </primitive>
      <primitive id="f" class="ocf" provider="heartbeat" type="Dummy"/>
      <clone id="pc">
        <primitive id="p" class="ocf" provider="pacemaker" type="ping">
          <instance_attributes id="p-i"><nvpair id="p-i-n" name="name" value="connected"/><nvpair id="p-i-h" name="host_list" value="10.0.0.1 10.0.0.2"/><nvpair id="p-i-m" name="multiplier" value="100"/></instance_attributes>
        </primitive>
      </clone>
    </resources>
    <constraints>
      <rsc_location id="loc-d" rsc="d" node="node1" score="100"/>
      <rsc_location id="cli-prefer-g" rsc="g" role="Started" node="node2" score="INFINITY"/>
      <rsc_colocation id="col-g-d" rsc="g" with-rsc="d" score="INFINITY"/>
      <rsc_colocation id="col-f-pc" rsc="f" with-rsc="pc" score="50"/>
      <rsc_order id="ord" first="d" then="g"/>
    </constraints>
  </configuration>
  <status>
    <node_state id="1" uname="node1" in_ccm="true" crmd="online" join="member" expected="member">
      <transient_attributes id="1"><instance_attributes id="status-1">
        <nvpair id="status-1-fc-d" name="fail-count-d#monitor_10000" value="2"/>
        <nvpair id="status-1-lf-d" name="last-failure-d#monitor_10000" value="1765000000"/>
        <nvpair id="status-1-fc-f" name="fail-count-f#start_0" value="1"/>
        <nvpair id="status-1-fc-f2" name="fail-count-f#monitor_20000" value="3"/>
      </instance_attributes></transient_attributes>
      <lrm id="1"><lrm_resources>
        <lrm_resource id="d" class="ocf" provider="heartbeat" type="Dummy">
          <lrm_rsc_op id="d_last_0" operation_key="d_start_0" operation="start" transition-key="1:1:0:x" call-id="12" rc-code="0" op-status="0" interval="0" last-rc-change="1765000100" on_node="node1"/>
          <lrm_rsc_op id="d_monitor_10000" operation_key="d_monitor_10000" operation="monitor" transition-key="2:1:0:x" call-id="13" rc-code="0" op-status="0" interval="10000" last-rc-change="1765000101" exec-time="12" on_node="node1"/>
          <lrm_rsc_op id="d_last_failure_0" operation_key="d_monitor_10000" operation="monitor" transition-key="2:1:0:x" call-id="9" rc-code="7" op-status="0" interval="10000" last-rc-change="1765000000" on_node="node1"/>
        </lrm_resource>
        <lrm_resource id="p" class="ocf" provider="pacemaker" type="ping">
          <lrm_rsc_op id="p_last_0" operation_key="p_start_0" operation="start" transition-key="3:1:0:x" call-id="5" rc-code="0" op-status="0" interval="0" last-rc-change="1765000050" on_node="node1"/>
        </lrm_resource>
        <lrm_resource id="ip" class="ocf" provider="heartbeat" type="IPaddr2">
          <lrm_rsc_op id="ip_last_0" operation_key="ip_start_0" operation="start" transition-key="7:1:0:x" call-id="20" rc-code="0" op-status="0" interval="0" last-rc-change="1765000200" on_node="node1"/>
        </lrm_resource>
        <lrm_resource id="u" class="ocf" provider="heartbeat" type="Dummy">
          <lrm_rsc_op id="u_last_0" operation_key="u_start_0" operation="start" transition-key="8:1:0:x" call-id="21" rc-code="0" op-status="0" interval="0" last-rc-change="1765000200" on_node="node1"/>
        </lrm_resource>
        <lrm_resource id="f" class="ocf" provider="heartbeat" type="Dummy">
          <lrm_rsc_op id="f_last_0" operation_key="f_start_0" operation="start" transition-key="9:1:0:x" call-id="22" rc-code="1" op-status="0" interval="0" last-rc-change="1765000300" on_node="node1"/>
          <lrm_rsc_op id="f_last_failure_0" operation_key="f_start_0" operation="start" transition-key="9:1:0:x" call-id="22" rc-code="1" op-status="0" interval="0" last-rc-change="1765000300" on_node="node1"/>
        </lrm_resource>
        <lrm_resource id="gone" class="ocf" provider="heartbeat" type="Dummy">
          <lrm_rsc_op id="gone_last_0" operation_key="gone_stop_0" operation="stop" transition-key="4:1:0:x" call-id="3" rc-code="0" op-status="0" interval="0" last-rc-change="1765000010" on_node="node1"/>
        </lrm_resource>
      </lrm_resources></lrm>
    </node_state>
    <node_state id="2" uname="node2" in_ccm="true" crmd="online" join="member" expected="member">
      <lrm id="2"><lrm_resources>
        <lrm_resource id="d" class="ocf" provider="heartbeat" type="Dummy">
          <lrm_rsc_op id="d_last_0" operation_key="d_monitor_0" operation="monitor" transition-key="5:1:7:x" call-id="2" rc-code="7" op-status="0" interval="0" last-rc-change="1765000001" on_node="node2"/>
        </lrm_resource>
        <lrm_resource id="p" class="ocf" provider="pacemaker" type="ping">
          <lrm_rsc_op id="p_last_0" operation_key="p_start_0" operation="start" transition-key="6:1:0:x" call-id="4" rc-code="0" op-status="0" interval="0" last-rc-change="1765000040" on_node="node2"/>
        </lrm_resource>
      </lrm_resources></lrm>
    </node_state>
    <node_state id="3" uname="node3" in_ccm="false" crmd="offline" join="down" expected="down"/>
  </status>
</cib>
)";

// vigild as crm_resource meets it, over the CIB it holds: its status (what the scheduler makes
// of the CIB, as vigild's own), the CIB, changes to it, and the cleanups asked for.
class FakeVigild : public Connection {
 public:
  explicit FakeVigild(std::string cib) : cib_(std::move(cib)) {}
  Result<std::string> Ask(const std::string& command, const std::vector<std::string>& args) override {
    if (command == "cib-query") return cib_;
    if (command == "status") {
      auto parsed = cib::Cib::Parse(cib_, "the CIB");
      if (!parsed.ok()) return parsed.status();
      control::ClusterStatus s;
      s.self = "node1";
      s.resources_known = true;
      for (const auto& n : parsed->model().node_states) {
        s.nodes.push_back({static_cast<uint32_t>(std::stoul(n.id)), n.uname, n.in_ccm, false, false});
      }
      daemon::AddResourceStatus(parsed->model(), s);
      return control::ToXml(s);
    }
    if (command == "cib-replace") {
      cib_ = args.at(1);
      ++changes;
      return std::string();
    }
    if (command == "node-attribute") {
      // What vigild does with it: the node attribute set (or removed) in <nodes>.
      auto parsed = cib::Cib::Parse(cib_, "the CIB");
      if (!parsed.ok()) return parsed.status();
      for (const auto& n : parsed->model().nodes) {
        if (n.uname != args.at(0)) continue;
        auto next = cib::SetNodeAttribute(cib_, n.id, n.uname, args.at(1),
                                          args.size() == 3 ? std::optional<std::string>(args[2]) : std::nullopt);
        if (!next.ok()) return next.status();
        cib_ = *next;
        ++changes;
        return std::string();
      }
      return vigil::Status(StatusCode::kInvalidArgument, "no node " + args.at(0));
    }
    if (command == "resource-cleanup") {
      cleanups.push_back(args);
      return "Cleaned up " + args[0] + " on node1\n";
    }
    return vigil::Status(StatusCode::kInvalidArgument, "unknown command " + command);
  }
  const std::string& cib() const { return cib_; }
  int changes = 0;
  std::vector<std::vector<std::string>> cleanups;

 private:
  std::string cib_;
};

struct Ran {
  int code = -1;
  std::string out;
};

// The installed `tool` (crm_resource unless named) on `cib_file` (stdout only).
Ran Pacemakers(const std::string& cib_file, const std::string& args, const std::string& tool = "crm_resource") {
  testing::TempDir tmp;
  const int status = std::system(("TZ=UTC CIB_file=" + cib_file + " PATH=/usr/sbin:/usr/bin:/sbin:/bin " + tool + " " + args +
                                  " >" + (tmp / "out") + " 2>/dev/null").c_str());
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, testing::ReadFile(tmp / "out")};
}

std::vector<std::string> Words(const std::string& args) {
  std::istringstream in(args);
  std::vector<std::string> out;
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

Ran Ours(FakeVigild& vigild, const std::string& args, const std::string& tool = "crm_resource") {
  std::ostringstream out, err;
  const int code = tool == "crm_resource" ? CrmResource(Words(args), vigild, nullptr, out, err)
                                          : RunPacemakerTool(tool, Words(args), "", vigild, nullptr, out, err);
  return {code, out.str()};
}

// The configuration section, laid out the same whoever wrote it; lifetimes' ends (which depend
// on the second each tool ran) left out.
std::string Configuration(const std::string& cib) {
  pugi::xml_document doc;
  if (!doc.load_string(cib.c_str())) return "not XML: " + cib;
  for (pugi::xpath_node d : doc.select_nodes("//date_expression")) d.node().remove_attribute("end");
  std::ostringstream out;
  doc.child("cib").child("configuration").print(out, "  ", pugi::format_indent);
  return out.str();
}

// What the tools say of a change, where it must be alike: the end of a lifetime left out; a
// ban's warning by its first line (the lines after it are worded by each tool); the id given
// with -i for a new nvpair (Pacemaker prints "(null)" there).
std::string Said(const std::string& text) {
  std::string out = std::regex_replace(text, std::regex("effect until: .*"), "effect until: ...");
  out = std::regex_replace(out, std::regex("\n\t[^\n]*"), "");
  return std::regex_replace(out, std::regex("id=\\(null\\) set=myset"), "id=myid set=myset");
}

class CrmResourceOracleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ::setenv("TZ", "UTC", 1);
    testing::WriteFile(cib_, kCib);
  }
  testing::TempDir tmp_;
  std::string cib_ = tmp_ / "cib.xml";
};

TEST_F(CrmResourceOracleTest, QueriesPrintWhatPacemakersPrints) {
  for (const char* args : {"", "--list", "-l", "--locate -r d", "-W -r pc", "-W -r p", "-W -r g", "-W -r ip", "-W -r db",
                           "-W -Q -r pc", "-q -r d", "-w -r g", "-q -r pc", "-g migration-threshold --meta -r d",
                           "-r d --meta -g nope", "-r p -g host_list", "-r pc -g host_list", "-g ip -r ip",
                           "-g target-role -m -r db", "-g class -m -r d", "-r d -g foo", "-a -r d", "-A -r d", "-a -r g",
                           "-a -r ip", "-a -r f", "-A -r pc", "-a -r ip --force", "-O", "-O -r d", "-o", "-o -r p",
                           "-O -N node2", "-Y", "-Y -r d", "-Y -r db", "-Y -r u", "-Y -r g", "-Y -N node1",
                           "-Y -r d -N node2", "-W -r nope", "-W -r d -N nodeX"}) {
    FakeVigild vigild(kCib);
    const Ran theirs = Pacemakers(cib_, args);
    const Ran ours = Ours(vigild, args);
    EXPECT_EQ(ours.code, theirs.code) << "crm_resource " << args;
    EXPECT_EQ(ours.out, theirs.out) << "crm_resource " << args;
    EXPECT_EQ(vigild.changes, 0) << "crm_resource " << args;
  }
}

TEST_F(CrmResourceOracleTest, ChangesLeaveTheConfigurationAsPacemakersLeavesIt) {
  for (const char* args : {"-r d -p fake -v 1", "-r d --meta -p target-role -v Stopped", "-r d --meta -p migration-threshold -v 5",
                           "-r d -z -p cpu -v 2", "-r d --meta -d migration-threshold", "-r d -d nope", "-r p -p multiplier -v 50",
                           "-r pc -p multiplier -v 50", "-r pc --meta -p target-role -v Stopped",
                           "-r p --meta -p target-role -v Stopped", "-r g --meta -p target-role -v Stopped",
                           "-r db --meta -d target-role", "-r g --meta -d target-role", "-r d -p x -v 1 -s myset -i myid",
                           "-r d -p migration-threshold -v 1", "-r d -p migration-threshold -v 1 --force",
                           "-M -r d -N node1", "-M -r d -N node2", "-M -r d", "-M -r pc", "-M -r p:0 -N node2",
                           "-M -r d -N node2 -u PT1H", "-M -r d -N node2 --force", "-B -r d -N node2", "-B -r d -N node2 -u P1D -Q",
                           "-B -r g", "-U -r g", "-U -r d", "-U -r g -N node1", "-U -r g -N node2", "-U -r g -N node1 --force",
                           "-M -r d -N nodeX", "-B -r d -N node2 -u xyz", "-r d -p x", "-p x -v 1", "-U -r ip",
                           "-D -r f -t primitive", "-D -r f -t group", "-D -r f"}) {
    SCOPED_TRACE(std::string("crm_resource ") + args);
    const std::string theirs_file = tmp_ / "theirs.xml";
    testing::WriteFile(theirs_file, kCib);
    const Ran theirs = Pacemakers(theirs_file, args);
    FakeVigild vigild(kCib);
    const Ran ours = Ours(vigild, args);
    EXPECT_EQ(ours.code, theirs.code);
    EXPECT_EQ(Said(ours.out), Said(theirs.out));
    EXPECT_EQ(Configuration(vigild.cib()), Configuration(testing::ReadFile(theirs_file)));
    // Each change is one change to vigild's CIB (none when nothing changes).
    EXPECT_LE(vigild.changes, 1);
  }
}

// crm_attribute on the cluster options, and crm_standby and crm_failcount (Pacemaker's scripts
// over crm_attribute, cibadmin and crm_resource), on the same CIB.
TEST_F(CrmResourceOracleTest, AttributesStandbyAndFailCountsAreWhatPacemakersToolsMake) {
  const std::vector<std::pair<const char*, const char*>> cases = {
      {"crm_attribute", "-t crm_config -n maintenance-mode -v true"},
      {"crm_attribute", "-n maintenance-mode -v true"},
      {"crm_attribute", "-t crm_config -n no-quorum-policy -v stop"},
      {"crm_attribute", "-t crm_config -n stonith-enabled -G"},
      {"crm_attribute", "-n stonith-enabled -G -q"},
      {"crm_attribute", "--type crm_config --name nope --query"},
      {"crm_attribute", "-t crm_config -n nope -G -d xx"},
      {"crm_attribute", "-t crm_config -n no-quorum-policy -D"},
      {"crm_attribute", "-t crm_config -n nope -D"},
      {"crm_standby", "-N node2 -G"},
      {"crm_standby", "-N node2 -v on"},
      {"crm_standby", "-N node2 -v on -l forever -Q"},
      {"crm_standby", "-N node3 -D -l forever"},
      {"crm_failcount", "-G -r d -N node1"},
      {"crm_failcount", "-G -r f -N node1 -q"},
      {"crm_failcount", "--query -r f -N node1 -n monitor -I 20s"},
      {"crm_failcount", "-G -r f -N node1 -n start"},
      {"crm_failcount", "-G -r d -N node2"},
  };
  for (const auto& [tool, args] : cases) {
    SCOPED_TRACE(std::string(tool) + " " + args);
    const std::string theirs_file = tmp_ / "theirs.xml";
    testing::WriteFile(theirs_file, kCib);
    const Ran theirs = Pacemakers(theirs_file, args, tool);
    FakeVigild vigild(kCib);
    const Ran ours = Ours(vigild, args, tool);
    EXPECT_EQ(ours.code, theirs.code);
    EXPECT_EQ(ours.out, theirs.out);
    EXPECT_EQ(Configuration(vigild.cib()), Configuration(testing::ReadFile(theirs_file)));
  }
  // Clearing a fail count is vigild's cleanup of the resource on the node.
  FakeVigild vigild(kCib);
  EXPECT_EQ(Ours(vigild, "-D -r d -N node2", "crm_failcount").code, 0);
  EXPECT_EQ(vigild.cleanups, (std::vector<std::vector<std::string>>{{"d", "node2"}}));
  EXPECT_EQ(Ours(vigild, "-D -r d -N node2 -n monitor -I 10s", "crm_failcount").code, 64);
}

// crm_verify finds a CIB valid or not as Pacemaker's does: fencing enabled without a device, a
// constraint naming what does not exist; vigild's own CIB with -L, a file, text or a pipe.
TEST_F(CrmResourceOracleTest, VerifyAgreesWithPacemakersCrmVerify) {
  const std::string fencing = std::regex_replace(kCib, std::regex("stonith-enabled\" value=\"false"), "stonith-enabled\" value=\"true");
  const std::string unknown = std::regex_replace(kCib, std::regex("with-rsc=\"d\""), "with-rsc=\"zz\"");
  for (const std::string& cib : {std::string(kCib), fencing, unknown}) {
    testing::WriteFile(tmp_ / "v.xml", cib);
    const Ran theirs = Pacemakers(tmp_ / "v.xml", "-x " + (tmp_ / "v.xml"), "crm_verify");
    FakeVigild vigild(cib);
    std::istringstream in(cib);
    std::ostringstream out, err;
    for (const std::vector<std::string>& args : {std::vector<std::string>{"-L"}, std::vector<std::string>{"-VV", "-p"},
                                                 std::vector<std::string>{"-x", tmp_ / "v.xml"}}) {
      in.clear();
      in.seekg(0);
      EXPECT_EQ(CrmVerify(args, vigild, in, out, err), theirs.code) << args.front() << "\n" << err.str();
    }
    EXPECT_EQ(out.str(), "");
    EXPECT_EQ(err.str().empty(), theirs.code == 0) << err.str();
  }
  std::istringstream none;
  std::ostringstream out, err;
  FakeVigild vigild(kCib);
  EXPECT_EQ(CrmVerify({"-X", "<cib"}, vigild, none, out, err), 78);
  EXPECT_EQ(CrmVerify({"-x", tmp_ / "missing.xml"}, vigild, none, out, err), 66);
  EXPECT_EQ(CrmVerify({"-L", "-p"}, vigild, none, out, err), 64);
}

// crm_node -R (crmsh's `node delete`): an offline node's entry removed, with --force only; a
// member refused.
TEST(CrmResourceTest, CrmNodeRemovesAnOfflineNodeWithForce) {
  FakeVigild vigild(kCib);
  EXPECT_EQ(Ours(vigild, "-R node3", "crm_node").code, 64);
  EXPECT_EQ(Ours(vigild, "-R node1 --force", "crm_node").code, 1);
  EXPECT_EQ(Ours(vigild, "-R 1 --force", "crm_node").code, 1);  // a member named by its id
  EXPECT_EQ(vigild.changes, 0);
  EXPECT_EQ(Ours(vigild, "--force -R node3", "crm_node").code, 0);
  EXPECT_EQ(vigild.changes, 1);
  EXPECT_EQ(vigild.cib().find("uname=\"node3\"/>"), std::string::npos);
  EXPECT_NE(vigild.cib().find("<node id=\"2\" uname=\"node2\""), std::string::npos);
  // Gone already: nothing to do.
  EXPECT_EQ(Ours(vigild, "-R node3 -f", "crm_node").code, 0);
  EXPECT_EQ(vigild.changes, 1);
}

TEST(CrmResourceTest, CleanupAsksVigildForEachPrimitiveOfWhatIsNamed) {
  FakeVigild vigild(kCib);
  // A group's member stands for its group.
  const Ran group = Ours(vigild, "--cleanup -r ip");
  EXPECT_EQ(group.code, 0);
  EXPECT_EQ(group.out, "Cleaned up ip on node1\nCleaned up db on node1\n");
  EXPECT_EQ(vigild.cleanups, (std::vector<std::vector<std::string>>{{"ip"}, {"db"}}));
  // With --force, the member alone; what keeps it stopped is said after.
  vigild.cleanups.clear();
  const Ran member = Ours(vigild, "-C -r db --force -N node2");
  EXPECT_EQ(member.code, 0);
  EXPECT_EQ(member.out, "Cleaned up db on node1\nConfiguration specifies 'g' should remain stopped\n");
  EXPECT_EQ(vigild.cleanups, (std::vector<std::vector<std::string>>{{"db", "node2"}}));
  // Everything that failed: d's monitor and f's start.
  vigild.cleanups.clear();
  const Ran all = Ours(vigild, "-C");
  EXPECT_EQ(all.out, "Cleaned up all resources on all nodes\n");
  EXPECT_EQ(vigild.cleanups, (std::vector<std::vector<std::string>>{{"d"}, {"f"}}));
  // A refresh of all: every primitive, and the orphan's history.
  vigild.cleanups.clear();
  EXPECT_EQ(Ours(vigild, "-R").code, 0);
  EXPECT_EQ(vigild.cleanups.size(), 7U);
  EXPECT_EQ(vigild.changes, 0);
}

// A change that is refused says why, and nothing of what it would have done, and changes nothing:
// a delete of a meta attribute that a group's member sets once and the group twice stops at the
// group (Pacemaker's has deleted the member's by then).
TEST(CrmResourceTest, ARefusedChangeSaysNothingOfWhatItWouldHaveDone) {
  std::string cib = kCib;
  cib.insert(cib.find("</primitive>", cib.find("<primitive id=\"ip\"")),
             R"(<meta_attributes id="ip-m"><nvpair id="ip-m-1" name="x" value="1"/></meta_attributes>)");
  const std::string group = "<group id=\"g\">";
  cib.insert(cib.find(group) + group.size(),
             R"(<meta_attributes id="g-m"><nvpair id="g-m-1" name="x" value="1"/><nvpair id="g-m-2" name="x" value="2"/></meta_attributes>)");
  FakeVigild vigild(cib);
  const Ran refused = Ours(vigild, "-r g --meta -d x");
  EXPECT_EQ(refused.code, 109);
  EXPECT_EQ(refused.out.find("Deleted"), std::string::npos) << refused.out;
  EXPECT_NE(refused.out.find("Multiple attributes match name=x"), std::string::npos) << refused.out;
  EXPECT_EQ(vigild.changes, 0);
}

TEST(CrmResourceTest, WhatIsNotImplementedIsRefusedByName) {
  FakeVigild vigild(kCib);
  for (const char* args : {"--restart -r d", "--wait", "--force-start -r d", "--digests -r d -N node1", "-C -r d -n monitor",
                           "--output-as=xml", "-L -W -r d", "-p x -v 1 -r d --recursive"}) {
    std::ostringstream out, err;
    EXPECT_EQ(CrmResource(Words(args), vigild, nullptr, out, err), 64) << args;
    EXPECT_FALSE(err.str().empty()) << args;
  }
  EXPECT_EQ(vigild.changes, 0);
}

}  // namespace
}  // namespace vigil::crm
