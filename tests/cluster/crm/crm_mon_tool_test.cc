// crm_mon over vigild, held to Pacemaker 2.1.5's own: the sections it reads from the CIB
// (cluster options, node attributes, each node's resource history) equal what the installed
// crm_mon prints for the same CIB (CIB_file), its XML validates against Pacemaker's API schema,
// and -s speaks Nagios as Pacemaker's does.
#include <gtest/gtest.h>

#include <sys/wait.h>

#include <cstdlib>
#include <regex>
#include <sstream>

#include <pugixml.hpp>

#include "cluster/control/cluster_status.h"
#include "cluster/crm/crm_mon_tool.h"
#include "tests/support/test_util.h"

namespace vigil::crm {
namespace {

// Three nodes (node3 down), a Dummy with a threshold that failed twice on node1 and was probed
// not running on node2, a cloned ping whose attribute is short of its hosts on node2, the history
// of a resource no longer configured, and node attributes Pacemaker hides (standby, fail counts).
const char* kCib = R"(<cib crm_feature_set="3.16.1" validate-with="pacemaker-3.9" epoch="7" num_updates="0" admin_epoch="0" have-quorum="1" dc-uuid="1" cib-last-written="Mon Dec  7 10:00:00 2026" update-origin="node1" update-client="cibadmin" update-user="root">
  <configuration>
    <crm_config>
      <cluster_property_set id="o">
        <nvpair id="o-se" name="stonith-enabled" value="false"/>
        <nvpair id="o-nq" name="no-quorum-policy" value="ignore"/>
        <nvpair id="o-st" name="stonith-timeout" value="90s"/>
        <nvpair id="o-pd" name="priority-fencing-delay" value="5s"/>
      </cluster_property_set>
    </crm_config>
    <nodes>
      <node id="1" uname="node1"><instance_attributes id="n1"><nvpair id="n1-rack" name="rack" value="r1"/><nvpair id="n1-sb" name="standby" value="off"/></instance_attributes></node>
      <node id="2" uname="node2"/>
      <node id="3" uname="node3"><instance_attributes id="n3"><nvpair id="n3-rack" name="rack" value="r3"/></instance_attributes></node>
    </nodes>
    <resources>
      <primitive id="d" class="ocf" provider="heartbeat" type="Dummy">
        <meta_attributes id="d-m"><nvpair id="d-m-mt" name="migration-threshold" value="3"/></meta_attributes>
        <operations><op id="d-mon" name="monitor" interval="10s"/></operations>
      </primitive>
      <clone id="pc">
        <primitive id="p" class="ocf" provider="pacemaker" type="ping">
          <instance_attributes id="p-i"><nvpair id="p-i-n" name="name" value="connected"/><nvpair id="p-i-h" name="host_list" value="10.0.0.1 10.0.0.2"/><nvpair id="p-i-m" name="multiplier" value="100"/></instance_attributes>
        </primitive>
      </clone>
    </resources>
    <constraints/>
  </configuration>
  <status>
    <node_state id="1" uname="node1" in_ccm="true" crmd="online" join="member" expected="member">
      <transient_attributes id="1"><instance_attributes id="status-1">
        <nvpair id="status-1-c" name="connected" value="200"/>
        <nvpair id="status-1-fc" name="fail-count-d#monitor_10000" value="2"/>
        <nvpair id="status-1-lf" name="last-failure-d#monitor_10000" value="1765000000"/>
        <nvpair id="status-1-z" name="zeta" value="last"/>
      </instance_attributes></transient_attributes>
      <lrm id="1"><lrm_resources>
        <lrm_resource id="d" class="ocf" provider="heartbeat" type="Dummy">
          <lrm_rsc_op id="d_last_0" operation_key="d_start_0" operation="start" transition-key="1:1:0:x" call-id="12" rc-code="0" op-status="0" interval="0" last-rc-change="1765000100" on_node="node1"/>
          <lrm_rsc_op id="d_monitor_10000" operation_key="d_monitor_10000" operation="monitor" transition-key="2:1:0:x" call-id="13" rc-code="0" op-status="0" interval="10000" last-rc-change="1765000101" on_node="node1"/>
          <lrm_rsc_op id="d_last_failure_0" operation_key="d_monitor_10000" operation="monitor" transition-key="2:1:0:x" call-id="9" rc-code="7" op-status="0" interval="10000" last-rc-change="1765000000" on_node="node1"/>
        </lrm_resource>
        <lrm_resource id="p" class="ocf" provider="pacemaker" type="ping">
          <lrm_rsc_op id="p_last_0" operation_key="p_start_0" operation="start" transition-key="3:1:0:x" call-id="5" rc-code="0" op-status="0" interval="0" last-rc-change="1765000050" on_node="node1"/>
        </lrm_resource>
        <lrm_resource id="gone" class="ocf" provider="heartbeat" type="Dummy">
          <lrm_rsc_op id="gone_last_0" operation_key="gone_stop_0" operation="stop" transition-key="4:1:0:x" call-id="3" rc-code="0" op-status="0" interval="0" last-rc-change="1765000010" on_node="node1"/>
        </lrm_resource>
      </lrm_resources></lrm>
    </node_state>
    <node_state id="2" uname="node2" in_ccm="true" crmd="online" join="member" expected="member">
      <transient_attributes id="2"><instance_attributes id="status-2">
        <nvpair id="status-2-c" name="connected" value="100"/>
      </instance_attributes></transient_attributes>
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

// What vigild's status says of that cluster.
control::ClusterStatus StatusOfTheCib() {
  control::ClusterStatus s;
  s.self = "node1";
  s.dc = "node1";
  s.dc_id = 1;
  s.quorate = true;
  s.version = "0.1.0";
  s.resources_known = true;
  s.nodes = {{1, "node1", true, false, false}, {2, "node2", true, false, false}, {3, "node3", false, false, false}};
  control::ResourceStatus d;
  d.id = "d";
  d.agent = "ocf:heartbeat:Dummy";
  d.nodes = {"node1"};
  s.resources.push_back(d);
  for (const char* node : {"node1", "node2"}) {
    control::ResourceStatus p;
    p.id = std::string("p:") + (node == std::string("node1") ? "0" : "1");
    p.agent = "ocf:pacemaker:ping";
    p.clone = "pc";
    p.cloned = "p";
    p.nodes = {node};
    s.resources.push_back(p);
  }
  s.last_change = {"Mon Dec  7 10:00:00 2026", "root", "cibadmin", "node1"};
  s.failed_actions.push_back({"d", "monitor", 10000, "node1", 7, 0, "", 1765000000, 9});
  return s;
}

std::string Canonical(pugi::xml_node n) {
  std::ostringstream out;
  n.print(out, "  ", pugi::format_indent);
  return out.str();
}

struct Ran {
  int code = -1;
  std::string out;
};

Ran Shell(const std::string& command) {
  testing::TempDir tmp;
  const int status = std::system((command + " >" + tmp / "out" + " 2>&1").c_str());
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, testing::ReadFile(tmp / "out")};
}

class CrmMonOracleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ::setenv("TZ", "UTC", 1);
    testing::WriteFile(cib_, kCib);
  }
  testing::TempDir tmp_;
  std::string cib_ = tmp_ / "cib.xml";
};

TEST_F(CrmMonOracleTest, TheSectionsFromTheCibAreWhatPacemakersCrmMonPrints) {
  const Ran theirs = Shell("TZ=UTC CIB_file=" + cib_ + " crm_mon -1 --output-as=xml");
  ASSERT_EQ(theirs.code, 0) << theirs.out;
  const auto ours = CrmMonXml(StatusOfTheCib(), kCib, "crm_mon -1 --output-as=xml");
  ASSERT_TRUE(ours.ok()) << ours.status().message();
  pugi::xml_document a, b;
  ASSERT_TRUE(a.load_string(ours->c_str())) << *ours;
  ASSERT_TRUE(b.load_string(theirs.out.c_str())) << theirs.out;
  const pugi::xml_node mine = a.child("pacemaker-result"), pacemaker = b.child("pacemaker-result");
  for (const char* section : {"node_attributes", "node_history"}) {
    ASSERT_TRUE(pacemaker.child(section)) << section << "\n" << theirs.out;
    EXPECT_EQ(Canonical(mine.child(section)), Canonical(pacemaker.child(section))) << section;
  }
  for (const char* element : {"cluster_options", "last_change"}) {
    EXPECT_EQ(Canonical(mine.child("summary").child(element)), Canonical(pacemaker.child("summary").child(element)))
        << element;
  }
  // The sections come in crm_mon's order.
  std::string order;
  for (const pugi::xml_node c : mine.children()) order += std::string(c.name()) + " ";
  EXPECT_EQ(order, "summary nodes resources node_attributes node_history failures status ");
}

TEST_F(CrmMonOracleTest, TheTextSectionsAreWhatPacemakersCrmMonPrints) {
  const Ran theirs = Shell("TZ=UTC CIB_file=" + cib_ + " crm_mon -1 -A -f");
  ASSERT_EQ(theirs.code, 0) << theirs.out;
  const auto ours = CrmMonTextSections(StatusOfTheCib(), kCib, true, true);
  ASSERT_TRUE(ours.ok()) << ours.status().message();
  // Theirs from "Node Attributes:" up to the failed actions, which vigild's status words.
  const size_t from = theirs.out.find("\nNode Attributes:");
  const size_t to = theirs.out.find("\nFailed Resource Actions:");
  ASSERT_NE(from, std::string::npos) << theirs.out;
  EXPECT_EQ(*ours, theirs.out.substr(from, to - from));
}

TEST_F(CrmMonOracleTest, TheFailedActionsAreWordedAsPacemakersCrmMonWordsThem) {
  const Ran theirs = Shell("TZ=UTC CIB_file=" + cib_ + " crm_mon -1");
  ASSERT_EQ(theirs.code, 0) << theirs.out;
  const std::string ours = control::FormatStatus(StatusOfTheCib(), false);
  const size_t at = theirs.out.find("\nFailed Resource Actions:");
  ASSERT_NE(at, std::string::npos) << theirs.out;
  EXPECT_NE(ours.find(theirs.out.substr(at)), std::string::npos) << ours << "\n---\n" << theirs.out;
}

TEST_F(CrmMonOracleTest, TheXmlValidatesAgainstPacemakersApiSchema) {
  control::ClusterStatus s = StatusOfTheCib();
  s.fencing.push_back({"node3", "reboot", "successful", "node1", "stonith_admin", "node1", "fence1", "", 1765000200});
  const auto ours = CrmMonXml(s, kCib, "crm_mon --output-as=xml");
  ASSERT_TRUE(ours.ok()) << ours.status().message();
  testing::WriteFile(tmp_ / "mon.xml", *ours);
  const Ran check = Shell("xmllint --noout --relaxng /usr/share/pacemaker/api/api-result.rng " + tmp_ / "mon.xml");
  EXPECT_EQ(check.code, 0) << check.out << *ours;
}

// A vigild that answers status and cib-query with the cluster above, or nothing.
class FakeVigild : public Connection {
 public:
  Result<std::string> Ask(const std::string& command, const std::vector<std::string>&) override {
    if (!up) return vigil::Status(StatusCode::kUnavailable, "cannot connect to vigild");
    if (command == "status") return control::ToXml(status);
    if (command == "cib-query") return std::string(kCib);
    return vigil::Status(StatusCode::kInvalidArgument, "unknown command");
  }
  control::ClusterStatus status = StatusOfTheCib();
  bool up = true;
};

struct Mon {
  int code;
  std::string out, err;
};

Mon CrmMonOf(FakeVigild& v, const std::vector<std::string>& args) {
  std::ostringstream out, err;
  const int code = CrmMon(args, v, out, err, false, [] { return true; });
  return {code, out.str(), err.str()};
}

TEST(CrmMonTest, SimpleStatusSpeaksNagiosAsPacemakersDoes) {
  FakeVigild v;
  Mon m = CrmMonOf(v, {"-s"});
  EXPECT_EQ(m.code, 1);
  EXPECT_EQ(m.out, "CLUSTER WARN: offline node: node3\n");
  v.status.nodes[2].online = true;
  v.status.nodes[1].standby = true;
  m = CrmMonOf(v, {"-s"});
  EXPECT_EQ(m.code, 0);
  EXPECT_EQ(m.out, "CLUSTER OK: 2 nodes online, 1 standby node, 3 resource instances configured\n");
  v.status.dc_id = 0;
  EXPECT_EQ(CrmMonOf(v, {"--simple-status"}).out, "CLUSTER WARN: No DC\n");
  v.up = false;
  m = CrmMonOf(v, {"-s"});
  EXPECT_EQ(m.code, 2);
  EXPECT_EQ(m.out.rfind("CLUSTER CRIT: Connection to cluster failed: ", 0), 0U) << m.out;
}

TEST(CrmMonTest, OptionsAsPacemakersAndWhatVigilLacksRefusedByName) {
  FakeVigild v;
  // GLib's bundled short flags.
  Mon m = CrmMonOf(v, {"-1rfA"});
  EXPECT_EQ(m.code, 0) << m.err;
  EXPECT_NE(m.out.find("Node Attributes:\n  * Node: node1:\n"), std::string::npos) << m.out;
  EXPECT_NE(m.out.find("Migration Summary:\n  * Node: node1:\n    * d: migration-threshold=3 fail-count=2"),
            std::string::npos)
      << m.out;
  m = CrmMonOf(v, {"-1", "--output-as=xml"});
  EXPECT_EQ(m.code, 0) << m.err;
  EXPECT_NE(m.out.find("<pacemaker-result api-version=\"2.25\" request=\"crm_mon -1 --output-as=xml\">"),
            std::string::npos)
      << m.out;
  EXPECT_EQ(CrmMonOf(v, {"--output-as", "html"}).code, 64);
  m = CrmMonOf(v, {"-1", "--group-by-node"});
  EXPECT_EQ(m.code, 64);
  EXPECT_NE(m.err.find("--group-by-node is not supported by Vigil"), std::string::npos) << m.err;
  EXPECT_EQ(CrmMonOf(v, {"-i", "soon"}).code, 64);
  const Mon help = CrmMonOf(v, {"--help"});
  EXPECT_EQ(help.code, 0);
  EXPECT_NE(help.out.find("-s, --simple-status"), std::string::npos) << help.out;
  EXPECT_NE(help.out.find("--output-as VALUE"), std::string::npos) << help.out;
  v.up = false;
  EXPECT_EQ(CrmMonOf(v, {"-1"}).code, 69);
}

// The section titles of a crm_mon text, in order ("Cluster Summary:", "Node List:", ...), and the
// summary's lines by what they begin with.
std::string Titles(const std::string& text) {
  std::string titles;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    if (!line.empty() && line[0] != ' ') titles += line + " ";
    for (const char* part : {"  * Stack:", "  * Current DC:", "  * Last updated:", "  * Last change:"}) {
      if (line.starts_with(part)) titles += std::string(part).substr(4) + " ";
    }
  }
  return titles;
}

// --include and --exclude choose the sections as Pacemaker's crm_mon chooses them, in its order;
// the XML keeps to its schema with sections left out; what Vigil does not show is refused by name.
TEST_F(CrmMonOracleTest, IncludeAndExcludeChooseTheSectionsAsPacemakersDo) {
  FakeVigild v;
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"-r", "--exclude=summary"}, {"-r", "--include=none", "--include=resources"},
        {"-r", "--exclude=all", "--include=nodes,failures"}, {"-r", "-A", "-f"}, {"-r", "--include=attributes,failcounts"},
        {"-r", "--exclude=times,counts"}, {"-r", "-A", "--exclude=resources", "--include=dc"}, {"-r", "--exclude=none", "--exclude=operations"}}) {
    std::string line;
    for (const auto& a : args) line += " " + a;
    const Ran theirs = Shell("TZ=UTC CIB_file=" + cib_ + " crm_mon -1" + line);
    ASSERT_EQ(theirs.code, 0) << line << "\n" << theirs.out;
    std::vector<std::string> ours_args = {"-1"};
    ours_args.insert(ours_args.end(), args.begin(), args.end());
    const Mon ours = CrmMonOf(v, ours_args);
    ASSERT_EQ(ours.code, 0) << line << "\n" << ours.err;
    EXPECT_EQ(Titles(ours.out), Titles(theirs.out)) << line << "\n" << ours.out << "---\n" << theirs.out;
    // One blank line between sections, none before the first.
    EXPECT_EQ(std::regex_replace(ours.out, std::regex("\n[^ \n][^\n]*:\n"), "\nTITLE\n").find("\n\n\n"), std::string::npos);
    EXPECT_NE(ours.out[0], '\n') << line;
    for (size_t at = ours.out.find('\n'); at != std::string::npos && at + 1 < ours.out.size(); at = ours.out.find('\n', at + 1)) {
      const char next = ours.out[at + 1];
      if (next != ' ' && next != '\n') {
        EXPECT_EQ(ours.out[at - 1], '\n') << line << ": no blank line before a title\n" << ours.out;
      }
    }
  }
  const Mon xml = CrmMonOf(v, {"--output-as=xml", "--exclude=summary,attributes", "--exclude=failures"});
  ASSERT_EQ(xml.code, 0) << xml.err;
  EXPECT_EQ(xml.out.find("<summary>"), std::string::npos) << xml.out;
  EXPECT_EQ(xml.out.find("<failures>"), std::string::npos) << xml.out;
  EXPECT_NE(xml.out.find("<nodes>"), std::string::npos) << xml.out;
  testing::WriteFile(tmp_ / "mon.xml", xml.out);
  const Ran check = Shell("xmllint --noout --relaxng /usr/share/pacemaker/api/api-result.rng " + tmp_ / "mon.xml");
  EXPECT_EQ(check.code, 0) << check.out << xml.out;
  EXPECT_EQ(CrmMonOf(v, {"-1", "--include=tickets"}).code, 64);
  EXPECT_EQ(CrmMonOf(v, {"-1", "--include=bogus"}).code, 64);
  EXPECT_EQ(CrmMonOf(v, {"-1", "--exclude=tickets"}).code, 0);
  EXPECT_NE(CrmMonOf(v, {"--include=list"}).out.find("failcounts"), std::string::npos);
}

}  // namespace
}  // namespace vigil::crm
