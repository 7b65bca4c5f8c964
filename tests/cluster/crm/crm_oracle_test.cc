// crm's configure against the real crmsh (Debian's crmsh 4.4, run on a CIB file through
// CIB_file): the same commands must write the same configuration XML (elements, attributes and
// ids) and `configure show` must print the same text; and Pacemaker's crm_verify --xml-file
// accepts crm's document.
#include <gtest/gtest.h>

#include <functional>

#include <pugixml.hpp>

#include <algorithm>
#include <map>
#include <sstream>

#include "cluster/cib/cib.h"
#include "cluster/cib/edit.h"
#include "cluster/control/cluster_status.h"
#include "cluster/control/crm_mon_output.h"
#include "cluster/crm/configuration.h"
#include "cluster/crm/shell.h"
#include "cluster/crm/show.h"
#include "cluster/crm/words.h"
#include "cluster/scheduler/scheduler.h"
#include "tests/support/files.h"
#include "tests/support/shell.h"

namespace vigil::testing {
namespace {

constexpr const char* kCrmsh = "/usr/sbin/crm";

// A fresh cluster's CIB as Pacemaker writes it: two nodes, nothing else.
constexpr const char* kBase =
    "<cib validate-with=\"pacemaker-3.0\" epoch=\"1\" num_updates=\"0\" admin_epoch=\"0\">\n"
    "  <configuration>\n    <crm_config/>\n    <nodes>\n"
    "      <node id=\"1\" uname=\"node1\"/>\n      <node id=\"2\" uname=\"node2\"/>\n"
    "    </nodes>\n    <resources/>\n    <constraints/>\n  </configuration>\n  <status/>\n</cib>\n";

// An element, its attributes sorted, and its children in order: what the comparison sees
// (attribute order and whitespace aside).
// With `any_order`, the children are sorted too (what `edit` writes comes in `show`'s order).
std::string Canonical(pugi::xml_node x, bool any_order, int depth = 0) {
  std::vector<std::string> attributes;
  for (pugi::xml_attribute a : x.attributes()) attributes.push_back(std::string(a.name()) + "=\"" + a.value() + "\"");
  std::sort(attributes.begin(), attributes.end());
  std::string out = std::string(depth * 2, ' ') + "<" + x.name();
  for (const auto& a : attributes) out += " " + a;
  out += ">\n";
  std::vector<std::string> children;
  for (pugi::xml_node child : x.children()) {
    if (child.type() == pugi::node_element) children.push_back(Canonical(child, any_order, depth + 1));
  }
  if (any_order) std::sort(children.begin(), children.end());
  for (const auto& c : children) out += c;
  return out;
}

std::string CanonicalConfiguration(const std::string& xml, bool any_order = false) {
  pugi::xml_document doc;
  if (!doc.load_string(xml.c_str())) return "not XML:\n" + xml;
  pugi::xml_node conf = doc.child("cib").child("configuration");
  // crmsh leaves sections it emptied as empty elements, and so does crm; both may add them.
  return Canonical(conf, any_order);
}

struct Outcome {
  std::string xml;
  std::string show;
};

class CrmOracleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(std::filesystem::exists(kCrmsh))
        << "this test needs the real crmsh as its oracle (Debian's crmsh; scripts/deps.sh installs it)";
  }

  // crmsh: the commands in one configure session on a copy of kBase.
  Outcome Crmsh(const std::vector<std::string>& commands) {
    const std::string cib = tmp_ / "cib.xml";
    const std::string script = tmp_ / "script";
    WriteFile(cib, kBase);
    std::string text = "configure\n";
    for (const auto& c : commands) text += c + "\n";
    WriteFile(script, text + "commit\nquit\n");
    const std::string env = "TERM=dumb CIB_file=" + cib + " ";
    const auto ran = Sh(env + kCrmsh + " < " + script);
    // crmsh runs crm_verify on the file, which has no quorum to speak of: it reports that as
    // "ERROR: (cluster_status) warning: ...". Real errors have no "warning:".
    std::istringstream lines(ran.out);
    for (std::string line; std::getline(lines, line);) {
      EXPECT_TRUE(line.find("ERROR") == std::string::npos || line.find("warning:") != std::string::npos) << ran.out;
    }
    const auto show = Sh(env + kCrmsh + " configure show 2>/dev/null");
    return {ReadFile(cib), show.out};
  }

  Outcome Crm(const std::vector<std::string>& commands) {
    auto conf = crm::Configuration::Parse(kBase);
    EXPECT_TRUE(conf.ok()) << conf.status().message();
    if (!conf.ok()) return {};
    conf->set_running(std::set<std::string>{});
    for (const auto& c : commands) {
      auto words = crm::SplitWords(c);
      EXPECT_TRUE(words.ok()) << c;
      std::vector<std::string> warnings;
      const Status s = conf->Apply(*words, &warnings);
      EXPECT_TRUE(s.ok()) << c << ": " << s.message();
    }
    auto show = conf->Show({});
    EXPECT_TRUE(show.ok());
    return {conf->Document(), show.ok() ? *show : ""};
  }

  void ExpectSame(const std::vector<std::string>& commands) {
    const Outcome theirs = Crmsh(commands);
    const Outcome ours = Crm(commands);
    EXPECT_EQ(CanonicalConfiguration(ours.xml), CanonicalConfiguration(theirs.xml));
    EXPECT_EQ(ours.show, theirs.show);
    // `edit` with the text shown, unchanged, writes crmsh's XML again (every id as crmsh makes
    // it), in show's order.
    auto edited = crm::Configuration::Parse(ours.xml);
    ASSERT_TRUE(edited.ok());
    edited->set_running(std::set<std::string>{});
    std::vector<std::string> warnings;
    const Status replaced = edited->Replace({}, ours.show, &warnings);
    EXPECT_TRUE(replaced.ok()) << replaced.message() << "\n" << ours.show;
    EXPECT_EQ(CanonicalConfiguration(edited->Document(), true), CanonicalConfiguration(theirs.xml, true));
    // And Pacemaker's own checker accepts what crm would commit.
    WriteFile(tmp_ / "ours.xml", ours.xml);
    const auto verified = Sh("crm_verify --xml-file " + (tmp_ / "ours.xml"));
    EXPECT_EQ(verified.code, 0) << verified.out;
  }

  // `configure show` of the CIB file `cib`: what crm prints is what crmsh prints.
  void ExpectShownAsCrmshShowsIt(const std::string& cib) {
    const auto theirs = Sh("TERM=dumb CIB_file=" + cib + " " + kCrmsh + " configure show 2>/dev/null");
    pugi::xml_document doc;
    ASSERT_TRUE(doc.load_file(cib.c_str()));
    auto ours = crm::ShowText(doc.child("cib").child("configuration"), {});
    ASSERT_TRUE(ours.ok()) << ours.status().message();
    EXPECT_EQ(*ours, theirs.out);
  }

  TempDir tmp_;
};

TEST_F(CrmOracleTest, TheTutorialsConfigurationIsWrittenAndShownAsCrmshDoes) {
  ExpectSame({
      "property stonith-enabled=false",
      "property no-quorum-policy=ignore",
      "primitive ip ocf:heartbeat:IPaddr params ip=\"192.168.1.100\" op monitor interval=10s",
      "primitive mysql ocf:heartbeat:mysql params binary=\"/usr/bin/mysqld_safe\" config=\"/etc/my.cnf\" "
      "user=\"mysql\" pid=\"/var/run/mysql/mysql.pid\" datadir=\"/var/lib/mysql\" "
      "socket=\"/var/run/mysql/mysql.sock\" op monitor interval=\"30s\" timeout=\"30s\" "
      "op start interval=\"0\" timeout=\"120\" op stop interval=\"0\" timeout=\"120\"",
      "colocation ip-mysql inf: ip mysql",
  });
}

TEST_F(CrmOracleTest, ConstraintsOfEveryKindAndScore) {
  ExpectSame({
      "property stonith-enabled=false",
      "primitive a ocf:pacemaker:Dummy",
      "primitive b ocf:pacemaker:Dummy",
      "primitive c ocf:pacemaker:Dummy",
      "location l1 a 100: node1",
      "location l2 b -inf: node2",
      "location cli-prefer-c c role=Started inf: node1",
      "colocation c1 -100: a b",
      "colocation c2 inf: c:Started a",
      "order o1 Mandatory: a b",
      "order o2 Optional: b:start c:stop",
      "order o3 100: a c",
      "order o4 0: c b",
      "order o5 Mandatory: a:stop b:stop symmetrical=false",
  });
}

// Ticket constraints: one resource (rsc, rsc-role) or several (a resource set per run of one
// role), with and without a loss-policy; written, shown and edited back as crmsh does it.
TEST_F(CrmOracleTest, TicketConstraintsOfOneResourceAndOfSets) {
  ExpectSame({
      "property stonith-enabled=false",
      "primitive a ocf:pacemaker:Dummy",
      "primitive b ocf:pacemaker:Dummy",
      "primitive s ocf:pacemaker:Stateful",
      "clone ms s meta promotable=true",
      "rsc_ticket t1 T: a",
      "rsc_ticket t2 T: a b:Started loss-policy=freeze",
      "rsc_ticket t3 U: ms:Promoted loss-policy=demote",
      "rsc_ticket t4 U: a ms:Master b loss-policy=stop",
      "rsc_ticket t5 V: a b",
      // The oracle's CIB is pacemaker-3.0: Promoted and Unpromoted are written Master and Slave.
      "colocation c1 inf: a ms:Promoted",
      "location l1 ms role=Unpromoted 10: node1",
  });
}

// Templates (rsc_template, primitive @TEMPLATE) and tags, named in constraints.
TEST_F(CrmOracleTest, TemplatesAndTagsAreWrittenAndShownAsCrmshDoes) {
  ExpectSame({
      "property stonith-enabled=false",
      "rsc_template web ocf:heartbeat:Dummy params fake=2 meta priority=5 op monitor interval=10s",
      "primitive w1 @web params fake=1 op monitor interval=20s",
      "primitive w2 @web meta target-role=Stopped",
      "primitive a ocf:pacemaker:Dummy",
      "primitive b ocf:pacemaker:Dummy",
      "tag front: a b",
      "tag back w2",
      "location l1 front 100: node1",
      "colocation c1 inf: a web",
      "order o1 Mandatory: front back",
  });
}

// fencing_topology in each of crmsh's forms (levels per node, the same levels for every node,
// attribute and pattern targets), written with crmsh's ids and shown as it shows them; deleted
// whole by its name.
TEST_F(CrmOracleTest, FencingTopologyIsWrittenAndShownAsCrmshDoes) {
  const std::vector<std::string> devices = {"primitive f1 stonith:fence_dummy", "primitive f2 stonith:fence_dummy",
                                            "primitive f3 stonith:fence_dummy"};
  for (const char* topology : {"fencing_topology node1: f1 f3 node2: f2,f3", "fencing_topology f1 f3",
                               "fencing_topology attr:rack=r1 f1 pattern:node.* f3,f2"}) {
    std::vector<std::string> commands = devices;
    commands.push_back(topology);
    ExpectSame(commands);
  }
  std::vector<std::string> deleted = devices;
  deleted.push_back("fencing_topology node1: f1");
  deleted.push_back("delete fencing_topology");
  ExpectSame(deleted);
}

// Location rules in crmsh's syntax: scores and score attributes, and/or, types, value sources,
// every date form, roles and ids given by $id; written with crmsh's ids and shown as it shows them.
TEST_F(CrmOracleTest, LocationRulesOfEveryForm) {
  ExpectSame({
      "property stonith-enabled=false",
      "primitive ip ocf:pacemaker:Dummy",
      "primitive d ocf:pacemaker:Dummy params fake=x",
      "location l ip rule -inf: not_defined pingd or pingd lte 0",
      "location l2 ip rule 50: #uname eq node1",
      "location l3 d rule $id=myrule $role=Master 100: #uname eq node1 and pingd gt 3",
      "location l4 d rule pingd: defined pingd",
      "location l5 d rule -inf: date in_range start=2025-01-01 end=2026-01-01",
      "location l6 d rule 10: date spec hours=9-16 weekdays=1-5",
      "location l7 d rule 10: pingd number:gt 3.5 and foo version:lt 1.2",
      "location l8 d rule inf: date gt 2025-01-01 rule -inf: #uname ne node1",
      "location l9 d rule 20: date in start=2025-01-01 months=2 weeks=1",
      "location l10 d rule 20: defined pingd and date lt 2030-01-01",
      "location l11 d rule advisory: pingd eq param{fake}",
      "location l12 d rule #uname eq node2",
      "location l13 /^d.*/ rule 5: #uname eq node1",
      "location l14 /!^ip$/ -inf: node2",
      "location l15 ip resource-discovery=never 100: node1",
      "location l16 d role=Started resource-discovery=exclusive rule 50: #uname eq node2",
      "location l17 d resource-discovery=always role=Started -inf: node3",
  });
}

TEST_F(CrmOracleTest, OperationsMetaAndValuesThatNeedQuotes) {
  ExpectSame({
      "property stonith-enabled=false",
      "primitive d ocf:pacemaker:Dummy meta target-role=Stopped params fake=\"a b\" state=\"x,y\" "
      "op monitor interval=0 timeout=20s on-fail=restart",
      "primitive w ocf:pacemaker:Dummy params fake=a_b op start timeout=30 op monitor interval=10s role=Started "
      "op monitor interval=10s role=Stopped timeout=5 op monitor interval=20 OCF_CHECK_LEVEL=10",
      "primitive q Dummy params fake=\"a%b\" state=\"q\\\"u\"",
      "primitive p ocf:pacemaker:Dummy params op_sleep=-1 fake=\"{x}\"",
  });
}

TEST_F(CrmOracleTest, DefaultsAndPropertySets) {
  ExpectSame({
      "property stonith-enabled=false",
      "property cib-bootstrap-options: cluster-name=\"my cluster\" dc-deadtime=20s",
      "rsc_defaults resource-stickiness=100",
      "rsc_defaults migration-threshold=3",
      "op_defaults timeout=60s",
  });
}

TEST_F(CrmOracleTest, DeletingAResourceTakesItsConstraintsAlong) {
  ExpectSame({
      "property stonith-enabled=false",
      "primitive a ocf:pacemaker:Dummy",
      "primitive b ocf:pacemaker:Dummy",
      "primitive c ocf:pacemaker:Dummy",
      "colocation ab inf: a b",
      "order bc Mandatory: b c",
      "location la a 50: node2",
      "delete b",
  });
}

// Resource sets as typed in crmsh's syntax: three or more resources, a suffix that changes, ( )
// and [ ] with sequential=, _rsc_set_; written, shown and edited back as crmsh does.
TEST_F(CrmOracleTest, ResourceSetsAreWrittenAsCrmshWritesThem) {
  ExpectSame({
      "property stonith-enabled=false",
      "primitive a ocf:pacemaker:Dummy",
      "primitive b ocf:pacemaker:Dummy",
      "primitive c ocf:pacemaker:Dummy",
      "primitive d ocf:pacemaker:Dummy",
      "primitive s ocf:pacemaker:Stateful",
      "clone ms s meta promotable=true",
      "colocation c1 inf: a b c",
      "colocation c2 inf: a ( b c ) d",
      "colocation c3 inf: a:Started b ms:Promoted",
      "colocation c4 -inf: [ a b ] c",
      "colocation c5 inf: _rsc_set_ a b",
      "colocation c6 inf: ( a b ) ( c d )",
      "order o1 Mandatory: a b c",
      "order o2 Optional: a ( b c ) d symmetrical=false",
      "order o3 Mandatory: a [ b c ] d",
      "order o4 Mandatory: ms:promote a:start b",
      "order o5 Mandatory: _rsc_set_ a b",
      "order o6 Mandatory: [ a b sequential=true ] c",
  });
}

// Deleting a resource that sets name takes it out of them: a constraint left with two resources
// becomes one of two (a colocation in one set the other way round), one left with none goes.
TEST_F(CrmOracleTest, DeletingAResourceTakesItOutOfTheSets) {
  ExpectSame({
      "property stonith-enabled=false",
      "primitive a ocf:pacemaker:Dummy",
      "primitive b ocf:pacemaker:Dummy",
      "primitive c ocf:pacemaker:Dummy",
      "primitive d ocf:pacemaker:Dummy",
      "colocation c1 inf: a b c",
      "colocation c2 inf: a b c d",
      "colocation c3 inf: ( a b ) c",
      "order o1 Mandatory: a ( b c ) d",
      "order o2 Optional: a:start b:stop c",
      "delete c",
  });
}

// rename: the object's id and every constraint's reference to it.
TEST_F(CrmOracleTest, RenameFollowsTheReferences) {
  ExpectSame({
      "property stonith-enabled=false",
      "primitive a ocf:pacemaker:Dummy",
      "primitive b ocf:pacemaker:Dummy",
      "primitive c ocf:pacemaker:Dummy",
      "location l1 a 100: node1",
      "colocation c1 inf: b a",
      "order o1 Mandatory: a c",
      "rename a alpha",
      "rename l1 prefer-node1",
  });
}

TEST_F(CrmOracleTest, EraseLeavesOnlyTheNodes) {
  ExpectSame({
      "property stonith-enabled=false",
      "primitive a ocf:pacemaker:Dummy",
      "location la a 50: node2",
      "erase",
      "property stonith-enabled=false",  // erase took it along: crm_verify would refuse the rest
  });
}

TEST_F(CrmOracleTest, GroupsClonesAndModgroupAreWrittenAndShownAsCrmshDoes) {
  ExpectSame({
      "property stonith-enabled=false",
      "primitive a ocf:pacemaker:Dummy",
      "primitive b ocf:pacemaker:Dummy",
      "primitive x ocf:pacemaker:Dummy",
      "primitive y ocf:pacemaker:Dummy",
      "group g a b meta target-role=Started params fake=1",
      "modgroup g add x after a",
      "modgroup g add y",
      "modgroup g remove b",
      "primitive c ocf:pacemaker:Dummy",
      "clone c-clone c meta clone-max=2 interleave=true",
      "primitive e ocf:pacemaker:Dummy",
      "primitive f ocf:pacemaker:Dummy",
      "group g2 e f",
      "clone g2-clone g2",
      "location l c-clone 10: node1",
      "colocation cg inf: g c-clone",
      "order og Mandatory: c-clone g2-clone",
  });
}

// ms writes the legacy <master> (crmsh 4.4 does, warning that it is deprecated) and show prints
// it as "ms ID CHILD" after the groups and before the clones; a clone with meta promotable=true
// stays a clone. Constraints name them with roles and promote/demote actions. (A promotable
// clone of a group, which crmsh writes too, the CIB reader refuses as not supported yet.)
TEST_F(CrmOracleTest, MsAndPromotableClonesAreWrittenAndShownAsCrmshDoes) {
  ExpectSame({
      "property stonith-enabled=false",
      "primitive d ocf:pacemaker:Stateful op monitor interval=10s role=Master op monitor interval=11s role=Slave",
      "ms zz d meta promoted-max=1 notify=true params foo=bar",
      "primitive e ocf:pacemaker:Stateful",
      "clone aa e meta promotable=true promoted-node-max=1",
      "primitive h ocf:pacemaker:Dummy",
      "clone cc h",
      "location l1 zz role=Master 100: node1",
      "colocation co inf: cc:Started zz:Master",
      "order o1 Mandatory: zz:promote aa:start",
      "order o2 Optional: aa:demote cc:stop",
  });
}

// `ra`: the same lists and the same descriptions as crmsh, for the agents both run from
// resource-agents' scripts (a script that a native agent shadows is reached as
// ocf:heartbeat-script:TYPE in Vigil, so its title names that provider).
// Constraints of resource sets (written by pcs, cibadmin or crmsh) are shown as crmsh shows them:
// plain, ( ) and [ ] sets, members with their set's role or action, _rsc_set_ where two members
// would read back as a constraint of two resources, { } in a location.
TEST_F(CrmOracleTest, ResourceSetsAreShownAsCrmshShowsThem) {
  const std::string cib = tmp_ / "sets.xml";
  std::string resources;
  for (const char* id : {"a", "b", "c", "d"}) {
    resources += std::string("<primitive id=\"") + id + "\" class=\"ocf\" provider=\"pacemaker\" type=\"Dummy\"/>";
  }
  auto set = [](const std::string& attributes, std::vector<std::string> members) {
    std::string out = "<resource_set " + attributes + ">";
    for (const auto& m : members) out += "<resource_ref id=\"" + m + "\"/>";
    return out + "</resource_set>";
  };
  WriteFile(cib, std::string(R"(<cib crm_feature_set="3.16.1" validate-with="pacemaker-3.9" epoch="1" num_updates="0" admin_epoch="0">
  <configuration><crm_config/><nodes><node id="1" uname="node1"/></nodes><resources>)") + resources +
                     "</resources><constraints>"
                     "<rsc_colocation id=\"c1\" score=\"INFINITY\">" + set("id=\"c1-0\"", {"a", "b", "c"}) + "</rsc_colocation>"
                     "<rsc_colocation id=\"c2\" score=\"-INFINITY\">" + set("sequential=\"false\" id=\"c2-0\"", {"a", "b"}) +
                     set("id=\"c2-1\"", {"c"}) + "</rsc_colocation>"
                     "<rsc_colocation id=\"c3\" score=\"INFINITY\">" + set("id=\"c3-0\"", {"a", "b"}) + "</rsc_colocation>"
                     "<rsc_colocation id=\"c4\" score=\"INFINITY\">" + set("role=\"Promoted\" id=\"c4-0\"", {"a", "b"}) +
                     set("sequential=\"false\" id=\"c4-1\"", {"c", "d"}) + "</rsc_colocation>"
                     "<rsc_order id=\"o1\" kind=\"Optional\" symmetrical=\"false\">" + set("id=\"o1-0\"", {"a"}) +
                     set("sequential=\"false\" id=\"o1-1\"", {"b", "c"}) + set("id=\"o1-2\"", {"d"}) + "</rsc_order>"
                     "<rsc_order id=\"o2\">" + set("action=\"promote\" id=\"o2-0\"", {"a"}) +
                     set("require-all=\"false\" sequential=\"false\" id=\"o2-1\"", {"b", "c"}) +
                     set("require-all=\"false\" id=\"o2-2\"", {"d"}) + "</rsc_order>"
                     "<rsc_location id=\"l1\" node=\"node1\" score=\"100\">" + set("id=\"l1-0\"", {"a", "b"}) + "</rsc_location>"
                     "</constraints></configuration><status/></cib>");
  ExpectShownAsCrmshShowsIt(cib);
}

// A CIB with a group (members shown as primitives, then "group ID MEMBER...") is shown as crmsh
// shows it.
TEST_F(CrmOracleTest, AGroupIsShownAsCrmshShowsIt) {
  const std::string cib = tmp_ / "group.xml";
  WriteFile(cib, R"(<cib crm_feature_set="3.16.1" validate-with="pacemaker-3.9" epoch="1" num_updates="0" admin_epoch="0">
  <configuration>
    <crm_config/>
    <nodes><node id="1" uname="node1"/></nodes>
    <resources>
      <primitive id="mail" class="ocf" provider="heartbeat" type="Dummy"/>
      <group id="web">
        <instance_attributes id="web-i"><nvpair id="web-i-d" name="dir" value="/srv"/></instance_attributes>
        <meta_attributes id="web-m"><nvpair id="web-m-s" name="resource-stickiness" value="100"/></meta_attributes>
        <primitive id="fs" class="ocf" provider="heartbeat" type="Dummy"/>
        <primitive id="addr" class="ocf" provider="heartbeat" type="IPaddr2"><instance_attributes id="addr-i"><nvpair id="addr-i-ip" name="ip" value="10.0.0.1"/></instance_attributes></primitive>
      </group>
    </resources>
    <constraints><rsc_colocation id="c" rsc="mail" with-rsc="web" score="INFINITY"/></constraints>
  </configuration>
  <status/>
</cib>
)");
  ExpectShownAsCrmshShowsIt(cib);
}

// A CIB of the oracle's schema (pacemaker-3.0) with node1 and node2, stonith disabled, and these
// resources and constraints.
std::string TwoNodeCib(const std::string& resources, const std::string& constraints = "") {
  return R"(<cib crm_feature_set="3.16.1" validate-with="pacemaker-3.0" epoch="1" num_updates="0" admin_epoch="0">
  <configuration>
    <crm_config><cluster_property_set id="cib-bootstrap-options"><nvpair id="cib-bootstrap-options-stonith-enabled" name="stonith-enabled" value="false"/></cluster_property_set></crm_config>
    <nodes><node id="1" uname="node1"/><node id="2" uname="node2"/></nodes>
    <resources>)" + resources + "    </resources>\n    <constraints>" + constraints + "</constraints>\n  </configuration>\n  <status/>\n</cib>\n";
}

// A vigild for crm's shell over one CIB: cib-query answers it; cib-replace and node-attribute
// change it as vigild does (node-attribute with cib::SetNodeAttribute), so that what crm's
// resource and node commands commit can be held to what crmsh writes.
class OneCibVigild : public crm::Connection {
 public:
  explicit OneCibVigild(std::string cib) : cib_(std::move(cib)) {}
  Result<std::string> Ask(const std::string& command, const std::vector<std::string>& args) override {
    if (command == "cib-query") return cib_;
    if (command == "cib-replace") {
      cib_ = args[1];
      return std::string("0:1:0");
    }
    if (command == "node-attribute") {
      pugi::xml_document doc;
      doc.load_string(cib_.c_str());
      const pugi::xml_node node = doc.child("cib").child("configuration").child("nodes").find_child_by_attribute(
          "node", "uname", args[0].c_str());
      auto changed = cib::SetNodeAttribute(cib_, node.attribute("id").value(), args[0], args[1],
                                           args.size() == 3 ? std::optional<std::string>(args[2]) : std::nullopt);
      if (!changed.ok()) return changed.status();
      cib_ = *changed;
      return std::string();
    }
    if (command == "status") {
      // A DC that runs nothing: whatever is deleted is stopped.
      control::ClusterStatus status;
      status.self = "node1";
      status.dc = "node1";
      status.resources_known = true;
      status.nodes = {{1, "node1", true, false}, {2, "node2", true, false}};
      return control::ToXml(status);
    }
    return Status(StatusCode::kInvalidArgument, "not asked in this test: " + command);
  }
  const std::string& cib() const { return cib_; }

 private:
  std::string cib_;
};

// `command` through the real crmsh on CIB file `file` (its standard output and exit code), and
// through crm's shell on `vigild`.
struct BothRan {
  CommandResult theirs;
  std::string out, err;
  int exit_code = 0;
};
BothRan RunBoth(const std::string& command, const std::string& file, OneCibVigild& vigild) {
  BothRan r;
  r.theirs = Sh("TERM=dumb CIB_file=" + file + " " + kCrmsh + " " + command + " 2>/dev/null");
  std::ostringstream out, err;
  crm::ShellOptions options;
  options.host = "node1";
  crm::Shell shell(vigild, out, err, options);
  auto words = crm::SplitWords(command);
  EXPECT_TRUE(words.ok()) << command;
  if (words.ok()) shell.Run(*words);
  shell.End();
  r.out = out.str();
  r.err = err.str();
  r.exit_code = shell.exit_code();
  return r;
}

// crm resource param|meta|utilization, manage, unmanage, maintenance and ban, and crm node
// attribute|utilization, maintenance and ready: the same one-shot commands through crmsh (on a
// CIB file) and through crm leave the same configuration, and print crm_resource's and
// crm_attribute's lines as crmsh does.
TEST(CrmResourceNodeOracleTest, AttributesManagementAndBansAreWrittenAsCrmshWritesThem) {
  ASSERT_TRUE(std::filesystem::exists(kCrmsh))
      << "this test needs the real crmsh as its oracle (Debian's crmsh; scripts/deps.sh installs it)";
  const std::string base = TwoNodeCib(R"(
      <primitive id="a" class="ocf" provider="heartbeat" type="Dummy"/>
      <group id="g"><primitive id="b" class="ocf" provider="heartbeat" type="Dummy"/></group>
      <clone id="cl"><primitive id="c" class="ocf" provider="heartbeat" type="Dummy"><meta_attributes id="c-meta_attributes"><nvpair id="c-meta_attributes-is-managed" name="is-managed" value="true"/></meta_attributes></primitive></clone>
)");
  const std::vector<std::string> commands = {
      "resource param a set fake 3",   "resource param a set fake 4",       "resource meta a set target-role Stopped",
      "resource utilization a set cpu 2", "resource unmanage c",            "resource manage a",
      "resource maintenance a on",     "resource meta a delete target-role", "resource param a show fake",
      "resource ban a node2",          "resource ban a node2",              "resource ban b node1 P1D",          "resource move a node1 PT1H",
      "node attribute node1 set rack r1",  "node utilization node1 set cpu 8",
      "node utilization node1 show cpu", "node maintenance node2",          "node ready node2",
      "node attribute node1 delete rack", "node attribute node2 show maintenance"};
  TempDir tmp;
  const std::string file = tmp / "cib.xml";
  WriteFile(file, base);
  OneCibVigild vigild(base);
  for (const auto& command : commands) {
    const BothRan ran = RunBoth(command, file, vigild);
    EXPECT_EQ(ran.exit_code, 0) << command << ": " << ran.err;
    // (ban and move: crm_resource's warning and crmsh's notes are prose, said in crm's own words,
    // on standard error.)
    if (command.rfind("resource ban", 0) != 0 && command.rfind("resource move", 0) != 0) {
      EXPECT_EQ(ran.out, ran.theirs.out) << command;
    }
    // In any order: crmsh's own commits put a clone's sets before what it clones, crm_resource
    // after it, and crm adds them as crm_resource does.
    // A lifetime's end is the moment the command ran plus the lifetime: compared to the minute.
    // And crmsh's later commits write the lifetime's rule again without type="string" (the
    // default), where crm_resource wrote it.
    auto minute = [](std::string xml) {
      for (size_t at = xml.find(" type=\"string\""); at != std::string::npos; at = xml.find(" type=\"string\"")) {
        xml.erase(at, 14);
      }
      for (size_t at = xml.find("end=\""); at != std::string::npos; at = xml.find("end=\"", at + 1)) {
        xml.replace(at + 5 + 16, 3, "");  // "YYYY-MM-DD HH:MM" kept, ":SS" dropped
      }
      return xml;
    };
    EXPECT_EQ(CanonicalConfiguration(minute(vigild.cib()), true), CanonicalConfiguration(minute(ReadFile(file)), true))
        << command;
  }
}

// crm resource trace and untrace, every form, on a primitive with a monitor and on a promotable
// clone's: the configuration crmsh leaves (trace_ra and trace_dir in each op's
// instance_attributes, start and stop ops added, ops left with nothing of their own removed), and
// the forms crmsh refuses refused too.
TEST(CrmResourceNodeOracleTest, TraceAndUntraceAreWrittenAsCrmshWritesThem) {
  ASSERT_TRUE(std::filesystem::exists(kCrmsh))
      << "this test needs the real crmsh as its oracle (Debian's crmsh; scripts/deps.sh installs it)";
  const std::string base = TwoNodeCib(R"(
      <primitive id="d1" class="ocf" provider="heartbeat" type="Dummy"><operations><op id="d1-monitor-10s" name="monitor" interval="10s" timeout="20s"/></operations></primitive>
      <primitive id="d2" class="ocf" provider="heartbeat" type="Dummy"/>
      <clone id="ms"><meta_attributes id="ms-m"><nvpair id="ms-p" name="promotable" value="true"/></meta_attributes><primitive id="st" class="ocf" provider="pacemaker" type="Stateful"/></clone>
      <group id="g"><primitive id="b" class="ocf" provider="heartbeat" type="Dummy"/></group>
)");
  struct Step {
    std::string command;
    bool fails;
  };
  const std::vector<Step> steps = {
      {"resource trace d1", false},           {"resource untrace d1", false},
      {"resource trace d1 start /tmp/tr", false}, {"resource trace d1 monitor", false},
      {"resource trace d1 probe", false},     {"resource untrace d1 start", false},
      {"resource untrace d1 monitor 10", false}, {"resource trace d1 monitor 20", true},
      {"resource untrace d1 monitor 10000", true}, {"resource trace d2 monitor", true},
      {"resource trace d2 notify", false},    {"resource untrace d2 promote", true},
      {"resource trace st", false},           {"resource untrace st", false},
      {"resource trace d1 stop 0", false},    {"resource untrace d1", false},
      {"resource trace g", true},             {"resource trace nothing", true},
      {"resource untrace d2", false},        {"resource trace d2 force", false},
      {"resource untrace d2", false},
  };
  TempDir tmp;
  const std::string file = tmp / "cib.xml";
  WriteFile(file, base);
  OneCibVigild vigild(base);
  for (const auto& [command, fails] : steps) {
    const BothRan ran = RunBoth(command, file, vigild);
    EXPECT_EQ(ran.theirs.code != 0, fails) << "crmsh: " << command;
    EXPECT_EQ(ran.exit_code != 0, fails) << command << ": " << ran.err;
    EXPECT_EQ(CanonicalConfiguration(vigild.cib(), true), CanonicalConfiguration(ReadFile(file), true)) << command;
  }
}

// configure save FILE writes what crmsh's save writes; load update FILE (its objects replace those
// with their ids, the rest stays) and load replace FILE (it becomes the whole configuration)
// leave the configuration crmsh's loads leave.
TEST(CrmSaveLoadOracleTest, SaveAndLoadAsCrmshDoes) {
  ASSERT_TRUE(std::filesystem::exists(kCrmsh))
      << "this test needs the real crmsh as its oracle (Debian's crmsh; scripts/deps.sh installs it)";
  TempDir tmp;
  const std::string start = TwoNodeCib(R"(
      <primitive id="a" class="ocf" provider="heartbeat" type="Dummy"/>
      <primitive id="b" class="ocf" provider="heartbeat" type="Dummy"/>
)", R"(<rsc_location id="l-b" rsc="b" score="10" node="node1"/>)");
  WriteFile(tmp / "update.crm", "primitive a Dummy \\\n\tparams fake=9\nprimitive z Dummy\nlocation l-z z 50: node2\n");
  WriteFile(tmp / "replace.crm", "node 1: node1\nnode 2: node2\nprimitive y Dummy\nproperty cib-bootstrap-options: \\\n"
                                 "\tstonith-enabled=false\n");
  // And the same as CIBs, for load xml: what crmsh's own save xml writes.
  WriteFile(tmp / "update.xml", TwoNodeCib(R"(
      <primitive id="a" class="ocf" provider="heartbeat" type="Dummy"><instance_attributes id="a-instance_attributes"><nvpair id="a-instance_attributes-fake" name="fake" value="9"/></instance_attributes></primitive>
      <primitive id="z" class="ocf" provider="heartbeat" type="Dummy"/>
)", R"(<rsc_location id="l-z" rsc="z" score="50" node="node2"/>)"));
  WriteFile(tmp / "replace.xml", TwoNodeCib(R"(<group id="g"><primitive id="y" class="ocf" provider="heartbeat" type="Dummy"/></group>)"));
  for (const std::string& script : {std::string("load update ") + (tmp / "update.crm"),
                                    std::string("load replace ") + (tmp / "replace.crm"),
                                    std::string("load xml update ") + (tmp / "update.xml"),
                                    std::string("load xml replace ") + (tmp / "replace.xml")}) {
    const std::string file = tmp / "cib.xml";
    WriteFile(file, start);
    const auto theirs = Sh("TERM=dumb CIB_file=" + file + " " + kCrmsh + " configure " + script + " 2>&1");
    OneCibVigild vigild(start);
    std::ostringstream out, err;
    crm::ShellOptions options;
    options.host = "node1";
    crm::Shell shell(vigild, out, err, options);
    shell.Run(*crm::SplitWords("configure " + script));
    shell.End();
    EXPECT_EQ(shell.exit_code(), 0) << script << ": " << err.str();
    EXPECT_EQ(CanonicalConfiguration(vigild.cib(), true), CanonicalConfiguration(ReadFile(file), true))
        << script << "\ncrmsh said: " << theirs.out;
  }
  // save: the same text crmsh saves.
  const std::string file = tmp / "cib.xml";
  WriteFile(file, start);
  ASSERT_EQ(Sh("TERM=dumb CIB_file=" + file + " " + kCrmsh + " configure save " + (tmp / "theirs.crm")).code, 0);
  OneCibVigild vigild(start);
  std::ostringstream out, err;
  crm::Shell shell(vigild, out, err, crm::ShellOptions{});
  shell.Run({"configure", "save", tmp / "ours.crm"});
  EXPECT_EQ(shell.exit_code(), 0) << err.str();
  EXPECT_EQ(ReadFile(tmp / "ours.crm"), ReadFile(tmp / "theirs.crm"));
}

TEST(CrmRaOracleTest, ListsAndDescriptionsAreCrmshs) {
  ASSERT_TRUE(std::filesystem::exists(kCrmsh))
      << "this test needs the real crmsh as its oracle (Debian's crmsh; scripts/deps.sh installs it)";
  const std::string ours = std::string(CRM_BINARY) + " --plugin-dir " + VIGIL_REAL_PLUGIN_DIR + " ra ";
  const std::string theirs = std::string("TERM=dumb ") + kCrmsh + " ra ";
  for (const char* list : {"list ocf", "list ocf heartbeat", "list ocf pacemaker"}) {
    const auto a = Sh(ours + list);
    const auto b = Sh(theirs + list);
    ASSERT_EQ(a.code, 0) << list << "\n" << a.out;
    EXPECT_GE(std::count(a.out.begin(), a.out.end(), '\n'), 3) << list << "\n" << a.out;
    EXPECT_EQ(a.out, b.out) << list;
  }
  for (const std::string agent : {"ocf:heartbeat:Dummy", "ocf:heartbeat:Filesystem", "ocf:heartbeat:apache",
                                   "ocf:pacemaker:Stateful", "ocf:pacemaker:ping", "ocf:heartbeat:IPaddr",
                                   "ocf:heartbeat:IPaddr2"}) {
    auto b = Sh(theirs + "info " + agent);
    ASSERT_EQ(b.code, 0) << agent << "\n" << b.out;
    ASSERT_NE(b.out.find("Parameters (*: required, []: default):"), std::string::npos) << b.out;
    auto a = Sh(ours + "info " + agent);
    if (a.out.find("(native)") != std::string::npos) {
      a = Sh(ours + "info ocf:heartbeat-script:" + agent.substr(agent.rfind(':') + 1));
      const std::string renamed = "(ocf:heartbeat-script:";
      const size_t at = a.out.find(renamed);
      ASSERT_NE(at, std::string::npos) << a.out;
      a.out.replace(at, renamed.size(), "(ocf:heartbeat:");
    }
    ASSERT_EQ(a.code, 0) << agent << "\n" << a.out;
    EXPECT_EQ(a.out, b.out) << agent;
  }
}

// `crm status xml`: crm_mon's own XML for the same facts. crm_mon reads
// fixtures/crm_mon/two_nodes.xml (node1 the DC; node2 in standby; ip running on node1 with a
// failed monitor; web starting on node1, its start pending; db stopped by target-role); ours is
// made from a ClusterStatus holding those facts, the resources as the scheduler reads them from
// the same file. Every element crm_mon prints for nodes, resources and failures, and the summary's DC and
// counts, must carry the same attributes with the same values (but for what Vigil does not keep:
// the feature set and exec time).
TEST(CrmMonXmlOracleTest, NodesResourcesAndFailuresAreCrmMons) {
  const std::string fixture = std::string(VIGIL_TEST_FIXTURES) + "/crm_mon/two_nodes.xml";
  const auto theirs = Sh("CIB_file=" + fixture + " crm_mon --output-as=xml -1 2>/dev/null");
  ASSERT_EQ(theirs.code, 0) << theirs.out;
  control::ClusterStatus s;
  s.version = "0.1.0";
  s.dc = "node1";
  s.dc_id = 1;
  s.quorate = true;
  s.resources_known = true;
  s.nodes = {{1, "node1", true, false}, {2, "node2", true, true}};
  const std::string cib_text = ReadFile(fixture);
  auto parsed = cib::Cib::Parse(cib_text, fixture);
  ASSERT_TRUE(parsed.ok()) << parsed.status().message();
  for (const auto& r : scheduler::CurrentState(parsed->model(), 0)) {
    s.resources.push_back({r.id, r.agent, r.nodes, r.failed, r.blocked, r.managed, r.disabled, r.orphan, r.pending,
                           r.group, r.clone, r.cloned, r.unique, r.promotable, r.role});
  }
  s.failed_actions = {{"ip", "monitor", 10000, "node1", 7, 0, "gone", 1700000100, 4}};
  s.now = std::chrono::system_clock::now();
  const std::string ours = control::CrmMonXml(s, "crm status xml");

  pugi::xml_document a, b;
  ASSERT_TRUE(a.load_string(ours.c_str())) << ours;
  ASSERT_TRUE(b.load_string(theirs.out.c_str())) << theirs.out;
  auto attributes = [](pugi::xml_node n) {
    std::map<std::string, std::string> out;
    for (const pugi::xml_attribute x : n.attributes()) {
      const std::string name = x.name();
      if (name != "feature_set" && name != "exec" && name != "version") out[name] = x.value();
    }
    return out;
  };
  size_t compared = 0;
  for (const char* path : {"/pacemaker-result/summary/current_dc", "/pacemaker-result/summary/nodes_configured",
                           "/pacemaker-result/summary/resources_configured", "/pacemaker-result/nodes/node",
                           "/pacemaker-result/resources/resource", "/pacemaker-result/resources/resource/node",
                           "/pacemaker-result/failures/failure", "/pacemaker-result/status"}) {
    const auto ours_set = a.select_nodes(path);
    const auto theirs_set = b.select_nodes(path);
    ASSERT_EQ(ours_set.size(), theirs_set.size()) << path << "\n" << ours << theirs.out;
    for (size_t i = 0; i < ours_set.size(); ++i, ++compared) {
      EXPECT_EQ(attributes(ours_set[i].node()), attributes(theirs_set[i].node())) << path << " #" << i;
    }
  }
  EXPECT_EQ(compared, 12u);
  EXPECT_EQ(std::string(a.child("pacemaker-result").attribute("api-version").value()),
            b.child("pacemaker-result").attribute("api-version").value());
  // JSON: the same document.
  const std::string json = control::CrmMonJson(s, "crm status json");
  EXPECT_NE(json.find("\"nodes\": ["), std::string::npos) << json;
  EXPECT_NE(json.find("\"exitstatus\": \"not running\""), std::string::npos) << json;
}

// `fixture` (under fixtures/crm_mon, three nodes) through crm_mon's text (`crm_mon -1 -r`, the
// full list of resources) and XML, against ours from the same facts: the same lines, and every
// element under <resources> with the same attributes. Returns our text's resource list.
// The status vigild would give of a fixture's CIB (three nodes, node1 the DC).
control::ClusterStatus FixtureStatus(const std::string& fixture) {
  auto parsed = cib::Cib::Parse(ReadFile(fixture), fixture);
  EXPECT_TRUE(parsed.ok()) << parsed.status().message();
  control::ClusterStatus s;
  if (!parsed.ok()) return s;
  s.dc = "node1";
  s.dc_id = 1;
  s.quorate = true;
  s.resources_known = true;
  s.nodes = {{1, "node1", true, false}, {2, "node2", true, false}, {3, "node3", true, false}};
  for (const auto& r : scheduler::CurrentState(parsed->model(), 0)) {
    s.resources.push_back({r.id, r.agent, r.nodes, r.failed, r.blocked, r.managed, r.disabled, r.orphan, r.pending,
                           r.group, r.clone, r.cloned, r.unique, r.promotable, r.role});
  }
  s.now = std::chrono::system_clock::now();
  return s;
}

std::string ExpectLaidOutAsCrmMon(const std::string& name) {
  const std::string fixture = std::string(VIGIL_TEST_FIXTURES) + "/crm_mon/" + name;
  const auto text = Sh("CIB_file=" + fixture + " crm_mon -1 -r 2>/dev/null");
  const auto xml = Sh("CIB_file=" + fixture + " crm_mon --output-as=xml -1 2>/dev/null");
  EXPECT_EQ(text.code, 0) << text.out;
  EXPECT_EQ(xml.code, 0) << xml.out;
  const control::ClusterStatus s = FixtureStatus(fixture);
  // Up to the blank line before the failed actions, or the end.
  auto section = [](const std::string& out) {
    const size_t from = out.find("Full List of Resources:");
    std::string list = from == std::string::npos ? out : out.substr(from, out.find("\n\n", from) - from);
    while (!list.empty() && list.back() == '\n') list.pop_back();
    return list;
  };
  const std::string ours_text = section(control::FormatStatus(s, false));
  EXPECT_EQ(ours_text, section(text.out)) << name;

  pugi::xml_document a, b;
  const std::string ours_xml = control::CrmMonXml(s, "crm status xml");
  EXPECT_TRUE(a.load_string(ours_xml.c_str())) << ours_xml;
  EXPECT_TRUE(b.load_string(xml.out.c_str())) << xml.out;
  std::function<void(pugi::xml_node, std::string&)> flatten = [&](pugi::xml_node n, std::string& out) {
    out += n.name();
    for (const pugi::xml_attribute x : n.attributes()) out += std::string(" ") + x.name() + "=" + x.value();
    out += "\n";
    for (const pugi::xml_node c : n.children()) flatten(c, out);
  };
  std::string ours_resources, theirs_resources;
  flatten(a.child("pacemaker-result").child("resources"), ours_resources);
  flatten(b.child("pacemaker-result").child("resources"), theirs_resources);
  EXPECT_EQ(ours_resources, theirs_resources) << name;
  return ours_text;
}

// Groups and clones: fixtures/crm_mon/collectives.xml (a group, an anonymous clone, a unique
// clone, a cloned group with one instance partly active, a primitive).
TEST(CrmMonXmlOracleTest, GroupsAndClonesAreLaidOutAsCrmMonLaysThemOut) {
  const std::string ours = ExpectLaidOutAsCrmMon("collectives.xml");
  EXPECT_NE(ours.find("  * Clone Set: g-clone [g]:\n    * Resource Group: g:1:\n"), std::string::npos) << ours;
}

// Promotable clones: fixtures/crm_mon/promotable.xml (an anonymous one summed up by role, a
// legacy <master>, a unique one with a failed promoted instance, a disabled one).
TEST(CrmMonXmlOracleTest, PromotableClonesAreLaidOutAsCrmMonLaysThemOut) {
  const std::string ours = ExpectLaidOutAsCrmMon("promotable.xml");
  EXPECT_NE(ours.find("  * Clone Set: a-clone [a] (promotable):\n"), std::string::npos) << ours;
  EXPECT_NE(ours.find("    * Promoted: [ node1 ]\n"), std::string::npos) << ours;
  EXPECT_NE(ours.find("    * Unpromoted: [ node1 node2 ]\n"), std::string::npos) << ours;
}

// crm resource locate against crmsh's (crm_resource --locate) on the fixtures: a line per node,
// the instances of a clone last first, " Promoted" after a promoted one's.
TEST(CrmLocateOracleTest, LocateSaysWhatCrmResourceSays) {
  class FixtureVigild : public crm::Connection {
   public:
    explicit FixtureVigild(control::ClusterStatus s) : status_(std::move(s)) {}
    Result<std::string> Ask(const std::string& command, const std::vector<std::string>&) override {
      if (command == "status") return control::ToXml(status_);
      return Status(StatusCode::kInvalidArgument, "not here: " + command);
    }

   private:
    control::ClusterStatus status_;
  };
  const std::map<std::string, std::vector<std::string>> cases = {
      {"promotable.xml", {"a-clone", "a", "b-ms", "u-clone", "u:0", "c-clone", "solo"}},
      {"collectives.xml", {"d-clone", "d", "web", "fs", "g-clone", "m1", "u-clone"}},
  };
  for (const auto& [name, resources] : cases) {
    const std::string fixture = std::string(VIGIL_TEST_FIXTURES) + "/crm_mon/" + name;
    FixtureVigild vigild(FixtureStatus(fixture));
    for (const std::string& rsc : resources) {
      std::ostringstream out, err;
      crm::Shell shell(vigild, out, err, {});
      shell.Run({"resource", "locate", rsc});
      // crmsh passes crm_resource's words through; "NOT running" goes to its stderr.
      const auto theirs = Sh("TERM=dumb CIB_file=" + fixture + " " + kCrmsh + " resource locate " + rsc + " 2>&1");
      EXPECT_EQ(out.str(), theirs.out) << name << ": " << rsc << "\n" << err.str();
    }
  }
}

}  // namespace
}  // namespace vigil::testing
