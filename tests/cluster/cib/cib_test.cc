// The CIB reader and writer: scores, durations, the model read from XML, clear errors that name
// the element, a round trip that keeps what Vigil does not use, and atomic saves.
#include "cluster/cib/cib.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "cluster/cib/digest.h"
#include "cluster/cib/score.h"
#include "tests/support/files.h"

namespace vigil::cib {
namespace {

TEST(ScoreTest, MinusInfinityBeatsEverything) {
  EXPECT_EQ(AddScores(kInfinity, -kInfinity), -kInfinity);
  EXPECT_EQ(AddScores(-kInfinity, kInfinity), -kInfinity);
  EXPECT_EQ(AddScores(-kInfinity, 5), -kInfinity);
}

TEST(ScoreTest, InfinityAbsorbsFiniteScores) {
  EXPECT_EQ(AddScores(kInfinity, -999999), kInfinity);
  EXPECT_EQ(AddScores(7, kInfinity), kInfinity);
}

TEST(ScoreTest, FiniteSumsAreClampedToInfinity) {
  EXPECT_EQ(AddScores(600000, 600000), kInfinity);
  EXPECT_EQ(AddScores(-600000, -600000), -kInfinity);
  EXPECT_EQ(AddScores(100, -30), 70);
}

TEST(ScoreTest, ParsesPacemakerSpellings) {
  EXPECT_EQ(ParseScore("INFINITY"), kInfinity);
  EXPECT_EQ(ParseScore("+INFINITY"), kInfinity);
  EXPECT_EQ(ParseScore("-INFINITY"), -kInfinity);
  EXPECT_EQ(ParseScore("+50"), 50);
  EXPECT_EQ(ParseScore("-7"), -7);
  EXPECT_EQ(ParseScore("3000000"), kInfinity);
  EXPECT_EQ(ParseScore("-99999999999999999999"), -kInfinity);
  EXPECT_EQ(ParseScore(""), std::nullopt);
  EXPECT_EQ(ParseScore("inf"), std::nullopt);
  EXPECT_EQ(ParseScore("10x"), std::nullopt);
  EXPECT_EQ(ScoreText(kInfinity), "INFINITY");
  EXPECT_EQ(ScoreText(-kInfinity), "-INFINITY");
  EXPECT_EQ(ScoreText(-3), "-3");
}

TEST(DurationTest, ParsesUnitsAndIso8601) {
  EXPECT_EQ(ParseDurationMs("10s"), 10000);
  EXPECT_EQ(ParseDurationMs("10"), 10000);
  EXPECT_EQ(ParseDurationMs("500ms"), 500);
  EXPECT_EQ(ParseDurationMs("2min"), 120000);
  EXPECT_EQ(ParseDurationMs("1h"), 3600000);
  EXPECT_EQ(ParseDurationMs("PT1M30S"), 90000);
  EXPECT_EQ(ParseDurationMs("ten"), std::nullopt);
  EXPECT_EQ(ParseDurationMs("10 parsecs"), std::nullopt);
  EXPECT_EQ(ParseDurationMs("PT"), std::nullopt);
  EXPECT_EQ(ParseDurationMs("99999999999999999h"), std::nullopt);  // no overflow
  EXPECT_EQ(ParseDurationMs("9223372036854775807s"), std::nullopt);
  EXPECT_EQ(ParseDurationMs("PT9999999999H"), std::nullopt);
  // ISO 8601 as Pacemaker's iso8601 -D reads it: units before or after the T.
  EXPECT_EQ(ParseDurationMs("P10S"), 10000);
  EXPECT_EQ(ParseDurationMs("PT1M"), 60000);
  EXPECT_EQ(ParseDurationMs("P2H30S"), 7230000);
  EXPECT_EQ(ParseDurationMs("P1DT2H"), 93600000);
  EXPECT_EQ(ParseDurationMs("PT1D"), 86400000);
  EXPECT_EQ(ParseDurationMs("P1W"), 604800000);
  EXPECT_EQ(ParseDurationMs("P1M"), std::nullopt);  // a month: no fixed length
  EXPECT_EQ(ParseDurationMs("P1Y"), std::nullopt);
  EXPECT_EQ(ParseDurationMs("P"), std::nullopt);
  EXPECT_EQ(ParseDurationMs("PT1.5S"), std::nullopt);
  EXPECT_EQ(ParseDurationMs("P10S5"), std::nullopt);
}

TEST(DigestTest, MatchesWhatPacemakerRecords) {
  // Values Pacemaker 2.1.5's crm_simulate wrote for a Dummy without parameters and for an
  // IPaddr2 with ip and cidr_netmask (checked again by the corpus, which records them).
  EXPECT_EQ(ParametersDigest({}).value_or(""), "f2317cad3d54cec5d7d7aa7d0bf35cf8");
  EXPECT_EQ(ParametersDigest({{"CRM_meta_timeout", "20000"}}).value_or(""), "4811cef7f7f94e3a35a70be7916cb2fd");
}

constexpr const char* kCib = R"(<cib crm_feature_set="3.16.1" validate-with="pacemaker-3.9" epoch="7" num_updates="3" admin_epoch="1" have-quorum="1" dc-uuid="1">
  <configuration>
    <crm_config>
      <cluster_property_set id="cib-bootstrap-options">
        <nvpair id="o1" name="stonith-enabled" value="false"/>
        <nvpair id="o2" name="no-quorum-policy" value="ignore"/>
      </cluster_property_set>
      <cluster_property_set id="later">
        <nvpair id="o3" name="stonith-enabled" value="true"/>
      </cluster_property_set>
    </crm_config>
    <nodes>
      <node id="1" uname="node1"><instance_attributes id="n1"><nvpair id="n1s" name="standby" value="on"/></instance_attributes></node>
      <node id="2" uname="node2"/>
    </nodes>
    <resources>
      <primitive id="ip" class="ocf" provider="heartbeat" type="IPaddr2">
        <instance_attributes id="ip-ia"><nvpair id="ip-ip" name="ip" value="10.0.0.9"/></instance_attributes>
        <meta_attributes id="ip-ma"><nvpair id="ip-ts" name="target-role" value="Stopped"/></meta_attributes>
        <operations><op id="ip-mon" name="monitor" interval="10s" timeout="20s" on-fail="restart"/></operations>
      </primitive>
      <primitive id="db" class="ocf" provider="heartbeat" type="mysql"/>
    </resources>
    <constraints>
      <rsc_location id="l1" rsc="ip" node="node2" score="-INFINITY"/>
      <rsc_colocation id="c1" rsc="ip" with-rsc="db" score="INFINITY"/>
      <rsc_order id="ord1" first="db" then="ip" kind="Optional"/>
    </constraints>
    <rsc_defaults><meta_attributes id="rd"><nvpair id="rd1" name="resource-stickiness" value="100"/></meta_attributes></rsc_defaults>
    <acls><acl_role id="viewer"/></acls>
  </configuration>
  <status>
    <node_state id="2" uname="node2" in_ccm="true" crmd="online" join="member" expected="member" crm-debug-origin="x">
      <transient_attributes id="2"><instance_attributes id="s2"><nvpair id="s2f" name="fail-count-db#monitor_10000" value="2"/></instance_attributes></transient_attributes>
      <lrm id="2"><lrm_resources><lrm_resource id="db" class="ocf" provider="heartbeat" type="mysql">
        <lrm_rsc_op id="db_last_0" operation="start" call-id="4" rc-code="0" op-status="0" interval="0" op-digest="abc"/>
      </lrm_resource></lrm_resources></lrm>
    </node_state>
  </status>
</cib>
)";

TEST(CibTest, ReadsTheModel) {
  auto cib = Cib::Parse(kCib, "test.xml");
  ASSERT_TRUE(cib.ok()) << cib.status().message();
  const Model& m = cib->model();
  EXPECT_EQ(m.versions.admin_epoch, 1);
  EXPECT_EQ(m.versions.epoch, 7);
  EXPECT_EQ(m.versions.num_updates, 3);
  EXPECT_TRUE(m.have_quorum);
  EXPECT_EQ(m.properties.at("stonith-enabled"), "false");  // the first set wins
  EXPECT_EQ(m.properties.at("no-quorum-policy"), "ignore");
  ASSERT_EQ(m.nodes.size(), 2u);
  EXPECT_EQ(m.nodes[0].attributes.at("standby"), "on");
  ASSERT_EQ(m.primitives.size(), 2u);
  const Primitive& ip = m.primitives[0];
  EXPECT_EQ(ip.AgentName(), "ocf:heartbeat:IPaddr2");
  EXPECT_EQ(ip.params.at("ip"), "10.0.0.9");
  EXPECT_EQ(ip.meta.at("target-role"), "Stopped");
  ASSERT_EQ(ip.operations.size(), 1u);
  EXPECT_EQ(ip.operations[0].interval_ms, 10000);
  EXPECT_EQ(ip.operations[0].timeout_ms, 20000);
  EXPECT_EQ(ip.operations[0].meta.at("on-fail"), "restart");
  ASSERT_EQ(m.locations.size(), 1u);
  EXPECT_EQ(m.locations[0].score, -kInfinity);
  ASSERT_EQ(m.colocations.size(), 1u);
  EXPECT_EQ(m.colocations[0].with_rsc, "db");
  ASSERT_EQ(m.orders.size(), 1u);
  EXPECT_EQ(m.orders[0].kind, OrderKind::kOptional);
  EXPECT_TRUE(m.orders[0].symmetrical);
  EXPECT_EQ(m.rsc_defaults.at("resource-stickiness"), "100");
  ASSERT_EQ(m.node_states.size(), 1u);
  const NodeState& s = m.node_states[0];
  EXPECT_TRUE(s.in_ccm);
  EXPECT_EQ(s.transient.at("fail-count-db#monitor_10000"), "2");
  ASSERT_EQ(s.resources.size(), 1u);
  EXPECT_EQ(s.resources[0].ops[0].call_id, 4);
  EXPECT_EQ(s.resources[0].ops[0].op_digest, "abc");
}

TEST(CibTest, RoundTripKeepsWhatVigilDoesNotUse) {
  auto cib = Cib::Parse(kCib, "test.xml");
  ASSERT_TRUE(cib.ok()) << cib.status().message();
  const std::string text = cib->Serialize();
  EXPECT_NE(text.find("<acl_role id=\"viewer\""), std::string::npos);
  EXPECT_NE(text.find("crm-debug-origin=\"x\""), std::string::npos);
  EXPECT_NE(text.find("id=\"later\""), std::string::npos);
  auto again = Cib::Parse(text, "again.xml");
  ASSERT_TRUE(again.ok()) << again.status().message();
  EXPECT_EQ(again->Serialize(), text);
}

// Each broken document, and the words its error must contain.
struct BadCase {
  const char* name;
  std::string xml;
  const char* expected;
};

std::string With(const std::string& resources, const std::string& constraints = "") {
  return "<cib epoch=\"1\">\n<configuration><crm_config/><nodes><node id=\"1\" uname=\"node1\"/></nodes>\n<resources>" +
         resources + "</resources>\n<constraints>" + constraints + "</constraints></configuration></cib>";
}

const std::string kDummy = R"(<primitive id="a" class="ocf" provider="heartbeat" type="Dummy"/>)";
const std::string kFence = R"(<primitive id="f1" class="stonith" type="fence_ipmilan"/><primitive id="f2" class="stonith" type="fence_dummy"/>)";

TEST(CibTest, BadDocumentsGetAClearErrorNamingTheElement) {
  const BadCase cases[] = {
      {"not xml", "<cib><configuration>", "test.xml:1: not well-formed XML"},
      {"wrong root", "<foo/>", "root element is not <cib>"},
      {"no configuration", "<cib/>", "there is no <configuration>"},
      {"epoch", "<cib epoch=\"x\"><configuration/></cib>", "epoch=\"x\" is not an integer"},
      {"no class", With(R"(<primitive id="a" type="Dummy"/>)"),
       "test.xml:3:12: <primitive id=\"a\">: the attribute 'class' is missing"},
      {"no provider", With(R"(<primitive id="a" class="ocf" type="Dummy"/>)"), "needs a provider"},
      {"duplicate", With(kDummy + kDummy), "the id \"a\" is already used by another element"},
      {"duplicate id", With(kDummy, R"(<rsc_location id="a" rsc="a" node="node1" score="5"/>)"),
       "<rsc_location id=\"a\">: the id \"a\" is already used"},
      {"empty group", With(R"(<group id="g"/>)"), "<group id=\"g\">: a group needs at least one primitive"},
      {"group in group", With(R"(<group id="g"><group id="h"/></group>)"), "<group id=\"h\">: a group holds only primitives"},
      {"empty clone", With(R"(<clone id="c"/>)"), "<clone id=\"c\">: a clone needs a primitive or a group to clone"},
      {"role", With(R"(<primitive id="a" class="ocf" provider="heartbeat" type="Dummy"/>)",
                    R"(<rsc_location id="l" rsc="a" node="node1" score="5" role="Leader"/>)"),
       "role=\"Leader\" is not a role"},
      {"bundle", With(R"(<bundle id="b"/>)"), "<bundle id=\"b\">: bundles are not supported"},
      {"score", With(kDummy, R"(<rsc_location id="l" rsc="a" node="node1" score="lots"/>)"),
       "<rsc_location id=\"l\">: score=\"lots\" is not a score"},
      {"unknown rsc", With(kDummy, R"(<rsc_colocation id="c" rsc="a" with-rsc="b" score="5"/>)"),
       "with-rsc=\"b\" names no defined resource"},
      {"self", With(kDummy, R"(<rsc_colocation id="c" rsc="a" with-rsc="a" score="5"/>)"),
       "cannot be colocated with itself"},
      {"kind", With(kDummy, R"(<rsc_order id="o" first="a" then="a" kind="Sometimes"/>)"),
       "kind=\"Sometimes\" is not Mandatory, Optional or Serialize"},
      {"self order", With(kDummy, R"(<rsc_order id="o" first="a" then="a"/>)"),
       "<rsc_order id=\"o\">: a resource cannot be ordered after itself"},
      {"order action", With(kDummy + R"(<primitive id="b" class="ocf" provider="heartbeat" type="Dummy"/>)",
                            R"(<rsc_order id="o" first="a" then="b" first-action="wiggle"/>)"),
       "the action 'wiggle' is not start, stop, promote or demote"},
      {"rule operation", With(kDummy, R"(<rsc_location id="l" rsc="a"><rule id="r" score="5"><expression id="e" attribute="x" operation="like" value="1"/></rule></rsc_location>)"),
       "<expression id=\"e\">: operation=\"like\" is not one of eq, ne, lt, gt, lte, gte, defined, not_defined"},
      {"rule attribute", With(kDummy, R"(<rsc_location id="l" rsc="a"><rule id="r" score="5"><expression id="e" operation="eq" value="1"/></rule></rsc_location>)"),
       "<expression id=\"e\">: the attribute 'attribute' is missing"},
      {"rule type", With(kDummy, R"(<rsc_location id="l" rsc="a"><rule id="r" score="5"><expression id="e" attribute="x" operation="gt" value="1" type="float"/></rule></rsc_location>)"),
       "type=\"float\" is not one of string, integer, number, version"},
      {"rule date", With(kDummy, R"(<rsc_location id="l" rsc="a"><rule id="r" score="5"><date_expression id="d" operation="gt" start="yesterday"/></rule></rsc_location>)"),
       "start=\"yesterday\" is not an ISO 8601 date"},
      {"rule date_spec", With(kDummy, R"(<rsc_location id="l" rsc="a"><rule id="r" score="5"><date_expression id="d" operation="date_spec"><date_spec id="s" hours="9,17"/></date_expression></rule></rsc_location>)"),
       "hours=\"9,17\" is not a number or a range"},
      {"rule duration", With(kDummy, R"(<rsc_location id="l" rsc="a"><rule id="r" score="5"><date_expression id="d" operation="in_range" start="2020-01-01"><duration id="du" years="999999999999"/></date_expression></rule></rsc_location>)"),
       "<duration id=\"du\">: years=\"999999999999\" is beyond a million"},
      {"rule child", With(kDummy, R"(<rsc_location id="l" rsc="a"><rule id="r" score="5"><regex id="x"/></rule></rsc_location>)"),
       "<regex id=\"x\">: <regex> is not a rule expression"},
      {"rule and node", With(kDummy, R"(<rsc_location id="l" rsc="a" node="n1" score="5"><rule id="r" score="5"/></rsc_location>)"),
       "a location constraint gives a node and a score, or rules: not both"},
      {"rule boolean-op", With(kDummy, R"(<rsc_location id="l" rsc="a"><rule id="r" score="5" boolean-op="xor"/></rsc_location>)"),
       "boolean-op=\"xor\" is not and or or"},
      {"rule id-ref", With(kDummy, R"(<rsc_location id="l" rsc="a"><rule id-ref="nowhere"/></rsc_location>)"),
       "id-ref=\"nowhere\" names no <rule>"},
      {"set and first", With(kDummy, R"(<rsc_order id="o" first="a" then="a"><resource_set id="s"><resource_ref id="a"/></resource_set></rsc_order>)"),
       "a constraint names two resources or holds resource sets: not both"},
      // A set's resource_ref carries the id of what it names: no clash with the resource itself.
      {"set naming a resource", With(kDummy, R"(<rsc_order id="o"><resource_set id="s" action="restart"><resource_ref id="a"/></resource_set></rsc_order>)"),
       "<resource_set id=\"s\">: action=\"restart\" is not start, stop, promote or demote"},
      {"set naming nothing", With(kDummy, R"(<rsc_colocation id="c" score="INFINITY"><resource_set id="s"><resource_ref id="nope"/></resource_set></rsc_colocation>)"),
       "a resource set's resource_ref=\"nope\" names no defined resource"},
      {"empty set", With(kDummy, R"(<rsc_colocation id="c" score="INFINITY"><resource_set id="s"/></rsc_colocation>)"),
       "a resource set needs at least one resource_ref"},
      {"set with node-attribute", With(kDummy, R"(<rsc_colocation id="c" score="INFINITY" node-attribute="rack"><resource_set id="s"><resource_ref id="a"/></resource_set></rsc_colocation>)"),
       "node-attribute is for a colocation of two resources"},
      {"remote node", With(R"(<primitive id="r1" class="ocf" provider="pacemaker" type="remote"/>)"),
       "Pacemaker Remote nodes (ocf:pacemaker:remote) are not supported"},
      {"guest node", With(R"(<primitive id="vm" class="ocf" provider="heartbeat" type="Dummy"><meta_attributes id="vm-m"><nvpair id="vm-rn" name="remote-node" value="guest1"/></meta_attributes></primitive>)"),
       "guest nodes (meta remote-node) are not supported"},
      {"interval", With(R"(<primitive id="a" class="ocf" provider="heartbeat" type="Dummy"><operations><op id="m" name="monitor" interval="often"/></operations></primitive>)"),
       "interval=\"often\" is not a duration"},
      {"on-fail=demote on a start", With(R"(<primitive id="a" class="ocf" provider="heartbeat" type="Dummy"><operations><op id="s" name="start" interval="0" on-fail="demote"/></operations></primitive>)"),
       "on-fail=demote is only for a promote or a recurring monitor with role=Promoted"},
      {"no-quorum-policy", R"(<cib epoch="1"><configuration><crm_config><cluster_property_set id="o"><nvpair id="o-n" name="no-quorum-policy" value="sometimes"/></cluster_property_set></crm_config><nodes/><resources/><constraints/></configuration></cib>)",
       "no-quorum-policy=sometimes is not one of stop, freeze, ignore, demote, suicide"},
      {"no-quorum-policy suicide", R"(<cib epoch="1"><configuration><crm_config><cluster_property_set id="o"><nvpair id="o-n" name="no-quorum-policy" value="suicide"/></cluster_property_set></crm_config><nodes/><resources/><constraints/></configuration></cib>)",
       "no-quorum-policy=suicide is not supported (a partition without quorum has no DC in Vigil to fence its own nodes)"},
      {"resource-discovery", With(kDummy, R"(<rsc_location id="l" rsc="a" node="n1" score="0" resource-discovery="sometimes"/>)"),
       "resource-discovery=\"sometimes\" is not always, never or exclusive"},
      {"ticket without ticket", With(kDummy, R"(<rsc_ticket id="t" rsc="a"/>)"),
       "<rsc_ticket id=\"t\">: the attribute 'ticket' is missing"},
      {"ticket loss-policy", With(kDummy, R"(<rsc_ticket id="t" rsc="a" ticket="T" loss-policy="panic"/>)"),
       "loss-policy=\"panic\" is not stop, demote, freeze or fence"},
      {"ticket rsc", With(kDummy, R"(<rsc_ticket id="t" rsc="b" ticket="T"/>)"), "rsc=\"b\" names no defined resource"},
      {"ticket role", With(kDummy, R"(<rsc_ticket id="t" rsc="a" rsc-role="Boss" ticket="T"/>)"), "rsc-role=\"Boss\" is not a role"},
      {"ticket instance", With(kDummy, R"(<rsc_ticket id="t" rsc="a" rsc-instance="1" ticket="T"/>)"),
       "rsc-instance is not supported (Pacemaker deprecates it)"},
      {"ticket set and rsc", With(kDummy, R"(<rsc_ticket id="t" rsc="a" ticket="T"><resource_set id="s"><resource_ref id="a"/></resource_set></rsc_ticket>)"),
       "a constraint names two resources or holds resource sets: not both"},
      {"ticket set and role", With(kDummy, R"(<rsc_ticket id="t" rsc-role="Started" ticket="T"><resource_set id="s"><resource_ref id="a"/></resource_set></rsc_ticket>)"),
       "rsc-role is for a ticket constraint of one resource"},
      {"no template", With(R"(<primitive id="p" template="nope"/>)"), "<primitive id=\"p\">: template=\"nope\" names no <template>"},
      {"own template", With(R"(<primitive id="p" template="p"/>)"), "a resource cannot be its own template"},
      {"template class", With(R"(<template id="t" type="Dummy"/>)"), "<template id=\"t\">: the attribute 'class' is missing"},
      {"two tags", With(kDummy + R"(<primitive id="b" class="ocf" provider="heartbeat" type="Dummy"/>)",
                        R"(<rsc_colocation id="c" rsc="t1" with-rsc="t2" score="5"/></constraints><tags><tag id="t1"><obj_ref id="a"/></tag><tag id="t2"><obj_ref id="b"/></tag></tags><constraints>)"),
       "a colocation of two tags or templates (t1 and t2)"},
      {"empty tag", With(kDummy, R"(<rsc_location id="l" rsc="t1" node="node1" score="5"/></constraints><tags><tag id="t1"/></tags><constraints>)"),
       "<tag id=\"t1\">: a tag needs at least one obj_ref"},
      {"tag of nothing", With(kDummy, R"(<rsc_location id="l" rsc="t1" node="node1" score="5"/></constraints><tags><tag id="t1"><obj_ref id="zz"/></tag></tags><constraints>)"),
       "names no defined resource"},
      {"placement-strategy", "<cib><configuration><crm_config><cluster_property_set id=\"o\"><nvpair id=\"o1\" "
                             "name=\"placement-strategy\" value=\"greedy\"/></cluster_property_set></crm_config></configuration></cib>",
       "placement-strategy=greedy is not one of default, utilization, minimal, balanced"},
      {"priority-fencing-delay", "<cib><configuration><crm_config><cluster_property_set id=\"o\"><nvpair id=\"o1\" "
                                 "name=\"priority-fencing-delay\" value=\"soon\"/></cluster_property_set></crm_config></configuration></cib>",
       "priority-fencing-delay=soon is not a duration (such as 15s)"},
      {"pcmk_action_limit", With(R"(<primitive id="f" class="stonith" type="fence_ipmilan"><instance_attributes id="f-i"><nvpair id="f-l" name="pcmk_action_limit" value="2"/></instance_attributes></primitive>)"),
       "pcmk_action_limit=2 is not supported (Vigil runs a device's actions on a node one at a time)"},
      {"stonith-watchdog-timeout", "<cib><configuration><crm_config><cluster_property_set id=\"o\"><nvpair id=\"o1\" "
                                   "name=\"stonith-watchdog-timeout\" value=\"1s\"/></cluster_property_set></crm_config></configuration></cib>",
       "stonith-watchdog-timeout=1s is not 0, a negative number (twice the watchdog device's default timeout) or a "
       "duration of at least 2s"},
      {"stonith-action", "<cib><configuration><crm_config><cluster_property_set id=\"o\"><nvpair id=\"o1\" "
                         "name=\"stonith-action\" value=\"shoot\"/></cluster_property_set></crm_config></configuration></cib>",
       "stonith-action=shoot is not one of reboot, off, poweroff"},
      {"node-health-strategy", "<cib><configuration><crm_config><cluster_property_set id=\"o\"><nvpair id=\"o1\" "
                               "name=\"node-health-strategy\" value=\"psychic\"/></cluster_property_set></crm_config></configuration></cib>",
       "node-health-strategy=psychic is not one of none, migrate-on-red, only-green, progressive, custom"},
      {"fencing level device", With(kDummy, R"(</constraints><fencing-topology><fencing-level id="f" target="node1" index="1" devices="a"/></fencing-topology><constraints>)"),
       "devices=\"a\": 'a' is not a fence device (a stonith primitive)"},
      {"fencing level target", With(kFence, R"(</constraints><fencing-topology><fencing-level id="f" index="1" devices="f1"/></fencing-topology><constraints>)"),
       "a fencing level targets a node (target), a pattern (target-pattern) or an attribute"},
      {"fencing level index", With(kFence, R"(</constraints><fencing-topology><fencing-level id="f" target="node1" index="0" devices="f1"/></fencing-topology><constraints>)"),
       "index=\"0\" is not a level from 1 to 9"},
      {"fencing level twice", With(kFence, R"(</constraints><fencing-topology><fencing-level id="f" target="node1" index="1" devices="f1"/><fencing-level id="g" target="node1" index="1" devices="f1"/></fencing-topology><constraints>)"),
       "a second fencing level for node node1 level 1"},
      {"fencing level pattern", With(kFence, R"(</constraints><fencing-topology><fencing-level id="f" target-pattern="node[" index="1" devices="f1"/></fencing-topology><constraints>)"),
       "target-pattern=\"node[\" is not a regular expression"},
      {"ticket_state twice",
       "<cib><configuration/><status><tickets><ticket_state id=\"T\"/><ticket_state id=\"T\" granted=\"true\"/></tickets></status></cib>",
       "a second ticket_state for ticket T"},
      {"ticket_state last-granted",
       "<cib><configuration/><status><tickets><ticket_state id=\"T\" last-granted=\"soon\"/></tickets></status></cib>",
       "last-granted=\"soon\" is not an integer"},
      {"node_state twice",
       "<cib><configuration/><status><node_state id=\"1\" uname=\"node1\"/><node_state id=\"1\" uname=\"node1\"/></status></cib>",
       "a second node_state for node 1"},
  };
  for (const auto& c : cases) {
    auto cib = Cib::Parse(c.xml, "test.xml");
    ASSERT_FALSE(cib.ok()) << c.name;
    EXPECT_NE(cib.status().message().find(c.expected), std::string::npos)
        << c.name << ": " << cib.status().message();
  }
}

// stonith-watchdog-timeout: 0 is off, a negative number twice the device default (as Pacemaker's
// is twice sbd's), a duration itself; the device a node arms gets half of it in whole seconds.
// Whether a node can fence by watchdog at all is vigild's to say (WatchdogCheck).
TEST(CibTest, WatchdogTimeoutIsReadAsPacemakerReadsIt) {
  auto timeout = [](const std::string& value) {
    const auto cib = Cib::Parse(
        "<cib><configuration><crm_config><cluster_property_set id=\"o\"><nvpair id=\"o1\" name=\"stonith-watchdog-timeout\" "
        "value=\"" + value + "\"/></cluster_property_set></crm_config></configuration></cib>", "t.xml");
    EXPECT_TRUE(cib.ok()) << value << ": " << cib.status().message();
    return cib.ok() ? vigil::cib::WatchdogTimeoutMs(cib->model()) : -1;
  };
  EXPECT_EQ(timeout("0"), 0);
  EXPECT_EQ(timeout("10"), 10000);
  EXPECT_EQ(timeout("15s"), 15000);
  EXPECT_EQ(timeout("-1"), 10000);
  EXPECT_EQ(vigil::cib::WatchdogDeviceSeconds(10000), 5);
  EXPECT_EQ(vigil::cib::WatchdogDeviceSeconds(3000), 1);
  EXPECT_EQ(vigil::cib::WatchdogDeviceSeconds(2000), 1);
  // Longer than any watchdog device counts: refused with the reason, not cut short.
  const auto huge = Cib::Parse(
      "<cib><configuration><crm_config><cluster_property_set id=\"o\"><nvpair id=\"o1\" name=\"stonith-watchdog-timeout\" "
      "value=\"200000s\"/></cluster_property_set></crm_config></configuration></cib>", "t.xml");
  ASSERT_FALSE(huge.ok());
  EXPECT_NE(huge.status().message().find("stonith-watchdog-timeout=200000s is more than 131070s"), std::string::npos)
      << huge.status().message();
  EXPECT_EQ(timeout("131070s"), 131070000);
  const auto unset = Cib::Parse("<cib><configuration/></cib>", "t.xml");
  ASSERT_TRUE(unset.ok());
  EXPECT_EQ(vigil::cib::WatchdogTimeoutMs(unset->model()), 0);
}

// on-fail=fence and loss-policy=fence are read (vigild fences); no-quorum-policy=suicide only by a
// reader that plans a partition's own fences without a DC (vigil simulate); with fencing disabled
// each is what Pacemaker makes of it.
TEST(CibTest, WhatOnlyFencingDoesIsReadAndSuicideOnlyWhereItIsPlanned) {
  const std::string suicide = R"(<cib epoch="1" no-quorum-panic="1"><configuration><crm_config><cluster_property_set id="o"><nvpair id="o-n" name="no-quorum-policy" value="suicide"/></cluster_property_set></crm_config><nodes/><resources/><constraints/></configuration></cib>)";
  const std::string on_fail = With(R"(<primitive id="a" class="ocf" provider="heartbeat" type="Dummy"><operations><op id="m" name="monitor" interval="10s" on-fail="fence"/></operations></primitive>)");
  const std::string ticket = With(kDummy, R"(<rsc_ticket id="t" rsc="a" ticket="T" loss-policy="fence"/>)");
  for (const std::string& doc : {on_fail, ticket}) {
    const auto read = cib::Cib::Parse(doc, "t.xml");
    ASSERT_TRUE(read.ok()) << read.status().message();
  }
  const auto refused = cib::Cib::Parse(suicide, "t.xml");
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), StatusCode::kUnsupported);
  ASSERT_TRUE(cib::Cib::Parse(suicide, "t.xml", 0, {.planning_only = true}).ok());
  const auto read = cib::Cib::Parse(ticket, "t.xml");
  ASSERT_EQ(read->model().ticket_constraints.size(), 1u);
  EXPECT_EQ(read->model().ticket_constraints[0].loss_policy, "fence");
  // Fencing disabled: a lost ticket stops the resource instead, for either reader.
  std::string off = ticket;
  const std::string empty_options = "<crm_config/>";
  ASSERT_NE(off.find(empty_options), std::string::npos);
  off.replace(off.find(empty_options), empty_options.size(),
              R"(<crm_config><cluster_property_set id="o"><nvpair id="o-s" name="stonith-enabled" value="false"/></cluster_property_set></crm_config>)");
  const auto stopped = cib::Cib::Parse(off, "t.xml");
  ASSERT_TRUE(stopped.ok()) << stopped.status().message() << "\n" << off;
  EXPECT_EQ(stopped->model().ticket_constraints[0].loss_policy, "stop");
}

// <fencing-topology>, as crmsh writes it: each level's target and devices, in order.
TEST(CibTest, FencingLevelsAreRead) {
  const auto cib = cib::Cib::Parse(
      With(kFence, R"(</constraints><fencing-topology>
        <fencing-level target="node1" index="1" devices="f1" id="fencing"/>
        <fencing-level target="node1" index="2" devices="f2,f1" id="fencing-0"/>
        <fencing-level target-pattern="node[0-9]+" index="1" devices="f2" id="fencing-1"/>
        <fencing-level target-attribute="rack" target-value="r1" index="1" devices="f1" id="fencing-2"/>
      </fencing-topology><constraints>)"),
      "t.xml");
  ASSERT_TRUE(cib.ok()) << cib.status().message();
  const auto& levels = cib->model().fencing_levels;
  ASSERT_EQ(levels.size(), 4u);
  EXPECT_EQ(levels[1].target, "node1");
  EXPECT_EQ(levels[1].index, 2);
  EXPECT_EQ(levels[1].devices, (std::vector<std::string>{"f2", "f1"}));
  EXPECT_EQ(levels[2].target_pattern, "node[0-9]+");
  EXPECT_EQ(levels[3].target_attribute, "rack");
  EXPECT_EQ(levels[3].target_value, "r1");
}

TEST(CibTest, ADocumentNestedFarTooDeepIsRefusedQuickly) {
  // 200,000 levels of an element Vigil does not read: written back indented, it would need tens
  // of gigabytes; in the configuration or in the status alike.
  std::string nested;
  for (int i = 0; i < 200000; ++i) nested += "<x>";
  for (int i = 0; i < 200000; ++i) nested += "</x>";
  for (const std::string& xml : {"<cib><configuration>" + nested + "</configuration></cib>",
                                 "<cib><configuration/><status>" + nested + "</status></cib>"}) {
    auto cib = Cib::Parse(xml, "deep.xml");
    ASSERT_FALSE(cib.ok());
    EXPECT_NE(cib.status().message().find("elements nested more than 64 deep"), std::string::npos)
        << cib.status().message();
  }
}

TEST(CibTest, AGroupIsReadWithItsMembersWhichInheritWhatTheyDoNotSet) {
  auto cib = Cib::Parse(With(R"(<group id="web"><instance_attributes id="wi"><nvpair id="wi1" name="dir" value="/srv"/></instance_attributes><meta_attributes id="wm"><nvpair id="wm1" name="resource-stickiness" value="100"/><nvpair id="wm2" name="target-role" value="Started"/></meta_attributes><primitive id="fs" class="ocf" provider="heartbeat" type="Dummy"><meta_attributes id="fsm"><nvpair id="fsm1" name="target-role" value="Stopped"/></meta_attributes></primitive><primitive id="ip" class="ocf" provider="heartbeat" type="Dummy"/></group>)",
                             R"(<rsc_location id="l" rsc="web" node="node1" score="5"/>)"),
                        "t.xml");
  ASSERT_TRUE(cib.ok()) << cib.status().message();
  const Model& m = cib->model();
  ASSERT_EQ(m.groups.size(), 1u);
  EXPECT_EQ(m.groups[0].members, (std::vector<std::string>{"fs", "ip"}));
  ASSERT_EQ(m.primitives.size(), 2u);
  const Primitive* fs = m.FindPrimitive("fs");
  const Primitive* ip = m.FindPrimitive("ip");
  ASSERT_TRUE(fs && ip);
  EXPECT_EQ(fs->group, "web");
  EXPECT_EQ(fs->meta.at("target-role"), "Stopped");  // its own value wins
  EXPECT_EQ(fs->meta.at("resource-stickiness"), "100");
  EXPECT_EQ(ip->meta.at("target-role"), "Started");
  EXPECT_EQ(ip->params.at("dir"), "/srv");
  EXPECT_EQ(m.locations.at(0).rsc, "web");  // a constraint may name the group
  EXPECT_NE(m.FindGroup("web"), nullptr);
  EXPECT_EQ(m.FindGroup("fs"), nullptr);
}

TEST(CibTest, UnsupportedElementsSayUnsupported) {
  for (const char* resources : {
           R"(<bundle id="b"/>)",
       }) {
    auto cib = Cib::Parse(With(resources), "t.xml");
    ASSERT_FALSE(cib.ok()) << resources;
    EXPECT_EQ(cib.status().code(), StatusCode::kUnsupported) << cib.status().message();
  }
}

// A primitive made from a template: the template's agent, its sets before the primitive's (whose
// values win where both set one), its operations where the primitive has none of that name and
// role, whatever the interval.
TEST(CibTest, APrimitiveMadeFromATemplateTakesWhatItDoesNotSetItself) {
  auto cib = Cib::Parse(With(R"(<template id="t" class="ocf" provider="heartbeat" type="IPaddr2">)"
                             R"(<instance_attributes id="t-i"><nvpair id="t-ip" name="ip" value="10.0.0.1"/>)"
                             R"(<nvpair id="t-nic" name="nic" value="eth0"/></instance_attributes>)"
                             R"(<operations><op id="t-mon" name="monitor" interval="10s"/><op id="t-start" name="start" interval="0" timeout="20s"/>)"
                             R"(<op id="t-mon-p" name="monitor" interval="5s" role="Promoted"/></operations></template>)"
                             R"(<primitive id="p" template="t"><instance_attributes id="p-i"><nvpair id="p-ip" name="ip" value="10.0.0.2"/>)"
                             R"(</instance_attributes><operations><op id="p-mon" name="monitor" interval="30s" role="Started"/></operations></primitive>)"
                             R"(<group id="g"><primitive id="q" template="t"/></group>)"),
                        "t.xml");
  ASSERT_TRUE(cib.ok()) << cib.status().message();
  const Model& m = cib->model();
  const Primitive* p = m.FindPrimitive("p");
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->AgentName(), "ocf:heartbeat:IPaddr2");
  EXPECT_EQ(p->template_id, "t");
  EXPECT_EQ(p->params.at("ip"), "10.0.0.2");
  EXPECT_EQ(p->params.at("nic"), "eth0");
  std::vector<std::string> ops;
  for (const auto& op : p->operations) ops.push_back(op.id + "/" + std::to_string(op.interval_ms));
  // Its own monitor (Started is no role) replaces the template's 10s one; start and the
  // Promoted monitor come from the template, after its own.
  EXPECT_EQ(ops, (std::vector<std::string>{"p-mon/30000", "t-start/0", "t-mon-p/5000"}));
  const Primitive* q = m.FindPrimitive("q");
  ASSERT_NE(q, nullptr);
  EXPECT_EQ(q->group, "g");
  EXPECT_EQ(q->params.at("ip"), "10.0.0.1");
  EXPECT_EQ(q->operations.size(), 3U);
}

TEST(CibTest, TicketConstraintsAndTicketStatesAreRead) {
  const std::string xml =
      "<cib epoch=\"1\"><configuration><crm_config><cluster_property_set id=\"o\"><nvpair id=\"o1\" "
      "name=\"stonith-enabled\" value=\"false\"/></cluster_property_set></crm_config><nodes/><resources>" +
      kDummy +
      R"(<primitive id="b" class="ocf" provider="heartbeat" type="Dummy"/><clone id="ms"><meta_attributes id="msm">)"
      R"(<nvpair id="msp" name="promotable" value="true"/></meta_attributes><primitive id="s" class="ocf" provider="pacemaker" type="Stateful"/></clone>)"
      "</resources><constraints>"
      R"(<rsc_ticket id="t1" rsc="a" ticket="T" rsc-role="Started"/>)"
      R"(<rsc_ticket id="t2" rsc="ms" ticket="T" rsc-role="Master"/>)"
      R"(<rsc_ticket id="t3" rsc="b" ticket="U" loss-policy="fence"/>)"
      R"(<rsc_ticket id="t4" ticket="U" loss-policy="freeze"><resource_set id="t4-0" role="Slave"><resource_ref id="ms"/>)"
      R"(<resource_ref id="b"/></resource_set></rsc_ticket>)"
      "</constraints></configuration><status><tickets>"
      R"(<ticket_state id="T" granted="true" last-granted="1700000000" owner="site-a"/><ticket_state id="U" standby="yes"/>)"
      "</tickets></status></cib>";
  auto cib = Cib::Parse(xml, "t.xml");
  ASSERT_TRUE(cib.ok()) << cib.status().message();
  const Model& m = cib->model();
  ASSERT_EQ(m.ticket_constraints.size(), 5u);
  // Started is any role; no loss-policy is stop, or demote for the Promoted role; fence without
  // fencing is stop; a set's members each, in the set's role.
  EXPECT_EQ(m.ticket_constraints[0].role, "");
  EXPECT_EQ(m.ticket_constraints[0].loss_policy, "stop");
  EXPECT_EQ(m.ticket_constraints[1].role, "Promoted");
  EXPECT_EQ(m.ticket_constraints[1].loss_policy, "demote");
  EXPECT_EQ(m.ticket_constraints[2].loss_policy, "stop");
  EXPECT_EQ(m.ticket_constraints[3].rsc, "ms");
  EXPECT_EQ(m.ticket_constraints[3].role, "Unpromoted");
  EXPECT_EQ(m.ticket_constraints[3].loss_policy, "freeze");
  EXPECT_EQ(m.ticket_constraints[4].rsc, "b");
  EXPECT_EQ(m.ticket_constraints[4].id, "t4");
  ASSERT_NE(m.FindTicket("T"), nullptr);
  EXPECT_TRUE(m.FindTicket("T")->granted);
  EXPECT_FALSE(m.FindTicket("T")->standby);
  EXPECT_EQ(m.FindTicket("T")->last_granted, 1700000000);
  EXPECT_EQ(m.FindTicket("T")->attributes.at("owner"), "site-a");
  EXPECT_FALSE(m.FindTicket("U")->granted);
  EXPECT_TRUE(m.FindTicket("U")->standby);
  EXPECT_EQ(m.FindTicket("V"), nullptr);
}

TEST(CibTest, PromotableClonesReadTheirCountsUnderEitherName) {
  auto cib = Cib::Parse(With(R"(<master id="m"><meta_attributes id="mm"><nvpair id="m1" name="master-max" value="2"/>)"
                             R"(</meta_attributes><primitive id="d" class="ocf" provider="pacemaker" type="Stateful"/></master>)"
                             R"(<clone id="c"><meta_attributes id="cm"><nvpair id="c1" name="promotable" value="yes"/>)"
                             R"(<nvpair id="c2" name="promoted-max" value="3"/><nvpair id="c3" name="promoted-node-max" value="2"/>)"
                             R"(</meta_attributes><primitive id="e" class="ocf" provider="pacemaker" type="Stateful"/></clone>)",
                             R"(<rsc_location id="l" rsc="m" node="node1" score="5" role="master"/>)"
                             R"(<rsc_colocation id="co" rsc="c" rsc-role="Slave" with-rsc="m" with-rsc-role="Promoted" score="10"/>)"
                             R"(<rsc_order id="o" first="m" first-action="promote" then="c" then-action="start"/>)"),
                        "t.xml");
  ASSERT_TRUE(cib.ok()) << cib.status().message();
  const Model& m = cib->model();
  ASSERT_TRUE(m.FindClone("m")->promotable);
  ASSERT_TRUE(m.FindClone("c")->promotable);
  EXPECT_EQ(m.SettingsOf(*m.FindClone("m")).promoted_max, 2);
  EXPECT_EQ(m.SettingsOf(*m.FindClone("m")).promoted_node_max, 1);
  EXPECT_EQ(m.SettingsOf(*m.FindClone("c")).promoted_max, 3);
  EXPECT_EQ(m.SettingsOf(*m.FindClone("c")).promoted_node_max, 2);
  EXPECT_EQ(CurrentRoleName(m.locations.at(0).role), "Promoted");
  EXPECT_EQ(CurrentRoleName(m.colocations.at(0).rsc_role), "Unpromoted");
  EXPECT_EQ(m.orders.at(0).first_action, "promote");
  EXPECT_EQ(CurrentRoleName("Leader"), "");
}

TEST(CibTest, AClonesPrimitiveInheritsAndIsNamedByItsClone) {
  auto cib = Cib::Parse(With(R"(<clone id="d-clone"><meta_attributes id="cm">)"
                             R"(<nvpair id="cm1" name="clone-max" value="2"/><nvpair id="cm2" name="target-role" value="Stopped"/>)"
                             R"(</meta_attributes><primitive id="d" class="ocf" provider="heartbeat" type="Dummy">)"
                             R"(<meta_attributes id="dm"><nvpair id="dm1" name="target-role" value="Started"/></meta_attributes>)"
                             R"(</primitive></clone>)",
                             R"(<rsc_location id="l" rsc="d-clone" node="node1" score="5"/>)"),
                        "t.xml");
  ASSERT_TRUE(cib.ok()) << cib.status().message();
  const Model& m = cib->model();
  ASSERT_EQ(m.clones.size(), 1u);
  EXPECT_EQ(m.clones[0].child, "d");
  EXPECT_FALSE(m.clones[0].child_is_group);
  const Primitive* d = m.FindPrimitive("d");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->clone, "d-clone");
  EXPECT_EQ(d->meta.at("clone-max"), "2");
  EXPECT_EQ(d->meta.at("target-role"), "Started");  // its own value wins

  // A constraint names the clone, never what it clones (Pacemaker ignores such a constraint).
  auto named = Cib::Parse(With(R"(<clone id="d-clone"><primitive id="d" class="ocf" provider="heartbeat" type="Dummy"/></clone>)",
                               R"(<rsc_location id="l" rsc="d" node="node1" score="5"/>)"),
                          "t.xml");
  ASSERT_FALSE(named.ok());
  EXPECT_EQ(named.status().code(), StatusCode::kParseError);
  EXPECT_NE(named.status().message().find("rsc=\"d\" is cloned by d-clone"), std::string::npos) << named.status().message();

  // A clone-max no cluster has is refused, not turned into billions of instances.
  auto huge = Cib::Parse(With(R"(<clone id="c"><meta_attributes id="cm"><nvpair id="cm1" name="clone-max" value="2000000000"/>)"
                              R"(</meta_attributes><primitive id="d" class="ocf" provider="heartbeat" type="Dummy"/></clone>)"),
                         "t.xml");
  ASSERT_FALSE(huge.ok());
  EXPECT_NE(huge.status().message().find("<clone id=\"c\">: clone-max=2000000000 is more than 10000 instances"),
            std::string::npos)
      << huge.status().message();

  // A clone holds one primitive (or group), never nothing or two.
  for (const char* resources : {
           R"(<clone id="c"/>)",
           R"(<clone id="c"><primitive id="a" class="ocf" provider="heartbeat" type="Dummy"/>)"
           R"(<primitive id="b" class="ocf" provider="heartbeat" type="Dummy"/></clone>)",
       }) {
    auto bad = Cib::Parse(With(resources), "t.xml");
    ASSERT_FALSE(bad.ok()) << resources;
    EXPECT_EQ(bad.status().code(), StatusCode::kParseError) << bad.status().message();
  }
}

TEST(CibTest, SaveReplacesTheFileWhole) {
  const auto dir = std::filesystem::temp_directory_path() / ("cib_test_" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  const auto path = dir / "cib.xml";
  {
    std::ofstream(path) << "old";
  }
  auto cib = Cib::Parse(kCib, "test.xml");
  ASSERT_TRUE(cib.ok());
  ASSERT_TRUE(cib->Save(path).ok());
  auto loaded = Cib::Load(path);
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  EXPECT_EQ(loaded->Serialize(), cib->Serialize());
  // The old file is kept as the first backup; no temporary file is left behind.
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir), {}), 2);
  {
    std::ifstream old(dir / "cib.xml.1");
    EXPECT_EQ(std::string((std::istreambuf_iterator<char>(old)), std::istreambuf_iterator<char>()), "old");
  }
  for (int i = 0; i < Cib::kBackups + 2; ++i) ASSERT_TRUE(cib->Save(path).ok());
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir), {}), 1 + Cib::kBackups);
  EXPECT_TRUE(std::filesystem::exists(dir / ("cib.xml." + std::to_string(Cib::kBackups))));
  std::filesystem::remove_all(dir);
}

TEST(CibTest, LoadOfAMissingFileSaysWhich) {
  auto cib = Cib::Load("/nonexistent/cib.xml");
  ASSERT_FALSE(cib.ok());
  EXPECT_NE(cib.status().message().find("/nonexistent/cib.xml"), std::string::npos);
}

TEST(CibTest, EmptyCibHasNoResources) {
  const Cib cib = Cib::Empty();
  EXPECT_TRUE(cib.model().primitives.empty());
  EXPECT_EQ(cib.model().versions.epoch, 0);
}

}  // namespace
}  // namespace vigil::cib
