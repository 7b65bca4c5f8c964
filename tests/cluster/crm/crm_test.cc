// crm's logic without a cluster: words as crmsh splits them, every bad configure command refused
// with one line and nothing changed, and the shell's levels, commits and questions (vigild is a
// fake that keeps a CIB and records what it was asked).
#include <gtest/gtest.h>

#include <pugixml.hpp>

#include <sstream>

#include "cluster/control/cluster_status.h"
#include "cluster/crm/configuration.h"
#include "cluster/crm/shell.h"
#include "cluster/crm/words.h"
#include "tests/support/files.h"

namespace vigil::crm {
namespace {

using Words = std::vector<std::string>;

TEST(WordsTest, QuotesGroupAndAreRemovedAsTheShellDoes) {
  auto w = SplitWords(R"(primitive ip IPaddr params ip="192.168.1.100" nic='eth 0' x=a\ b  # not a comment)");
  ASSERT_TRUE(w.ok());
  EXPECT_EQ(*w, (Words{"primitive", "ip", "IPaddr", "params", "ip=192.168.1.100", "nic=eth 0", "x=a b", "#", "not",
                       "a", "comment"}));
  EXPECT_EQ(*SplitWords("  # a comment line"), Words{});
  EXPECT_EQ(*SplitWords(R"(a "b \"c\" d")"), (Words{"a", "b \"c\" d"}));
  EXPECT_EQ(*SplitWords(R"(x="")"), (Words{"x="}));
  // In double quotes a backslash escapes only " and \ (as crmsh splits, the POSIX shell's way).
  EXPECT_EQ(*SplitWords(R"(re="a\.b\\c")"), (Words{R"(re=a\.b\c)"}));
}

TEST(WordsTest, AnUnbalancedQuoteSaysWhere) {
  auto w = SplitWords(R"(primitive ip IPaddr params ip="192.168.1.100)");
  ASSERT_FALSE(w.ok());
  EXPECT_EQ(w.status().message(), "unbalanced quotes: the \" at column 31 is never closed");
  EXPECT_FALSE(SplitWords("a 'b").ok());
}

TEST(WordsTest, ATrailingBackslashContinuesTheLine) {
  LineJoiner j;
  EXPECT_FALSE(j.Add("primitive mysql ocf:heartbeat:mysql \\"));
  EXPECT_TRUE(j.pending());
  EXPECT_TRUE(j.Add("  op monitor interval=30s"));
  EXPECT_EQ(*SplitWords(j.Take()), (Words{"primitive", "mysql", "ocf:heartbeat:mysql", "op", "monitor", "interval=30s"}));
  EXPECT_FALSE(j.pending());
  EXPECT_TRUE(j.Add("a \\\\"));  // an escaped backslash does not continue
}

TEST(WordsTest, ValuesAreQuotedAsCrmshShowsThem) {
  EXPECT_EQ(Quoted("192.168.1.100"), "192.168.1.100");
  EXPECT_EQ(Quoted("a_b-1.0"), "a_b-1.0");
  EXPECT_EQ(Quoted("/usr/bin/mysqld_safe"), "\"/usr/bin/mysqld_safe\"");
  EXPECT_EQ(Quoted("a b"), "\"a b\"");
  EXPECT_EQ(Quoted(""), "\"\"");
  EXPECT_EQ(Quoted("q\"u"), "\"q\\\"u\"");
}

constexpr const char* kCib =
    "<cib validate-with=\"pacemaker-3.0\" epoch=\"3\" num_updates=\"0\" admin_epoch=\"0\"><configuration>"
    "<crm_config><cluster_property_set id=\"cib-bootstrap-options\">"
    "<nvpair name=\"stonith-enabled\" value=\"false\" id=\"cib-bootstrap-options-stonith-enabled\"/>"
    "</cluster_property_set></crm_config>"
    "<nodes><node id=\"1\" uname=\"node1\"/><node id=\"2\" uname=\"node2\"/></nodes>"
    "<resources><primitive id=\"ip\" class=\"ocf\" provider=\"heartbeat\" type=\"IPaddr\">"
    "<instance_attributes id=\"ip-instance_attributes\">"
    "<nvpair name=\"ip\" value=\"10.0.0.1\" id=\"ip-instance_attributes-ip\"/></instance_attributes></primitive>"
    "<primitive id=\"db\" class=\"ocf\" provider=\"heartbeat\" type=\"Dummy\"/></resources>"
    "<constraints><rsc_colocation id=\"ip-db\" score=\"INFINITY\" rsc=\"ip\" with-rsc=\"db\"/></constraints>"
    "</configuration><status/></cib>";

// Each is refused with one line naming what is wrong; the CIB stays as it was.
TEST(ConfigurationTest, EveryBadCommandIsRefusedWithOneLineAndChangesNothing) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"primitive", "primitive: expected an id for the primitive after 'primitive'"},
      {"primitive 1ip Dummy", "primitive: '1ip' is not a valid id"},
      {"primitive ip Dummy", "primitive ip: the id 'ip' is taken (by a primitive)"},
      {"primitive ip-db Dummy", "the id 'ip-db' is taken (by a rsc_colocation)"},
      {"primitive x", "primitive x: expected an agent"},
      {"primitive x params a=1", "primitive x: expected an agent"},
      {"primitive x ocf:Dummy", "'ocf:Dummy' is not an agent"},
      {"primitive x lsb:a:b", "'lsb:a:b' is not an agent"},
      {"primitive x ocf:heartbeat:", "'ocf:heartbeat:' is not an agent"},
      {"primitive x a:b:c:d", "'a:b:c:d' is not an agent"},
      {"primitive x @tmpl", "no template 'tmpl'"},
      {"primitive x Dummy parms a=1", "expected params, meta, utilization or op, not 'parms'"},
      {"primitive x Dummy params", "expected NAME=VALUE after 'params'"},
      {"primitive x Dummy params fake", "expected NAME=VALUE after 'params', not 'fake'"},
      {"primitive x Dummy params =1", "not '=1'"},
      {"primitive x Dummy params a=1 a=2", "params 'a' is given twice"},
      {"primitive x Dummy op", "expected an operation name (monitor, start, stop...) after 'op'"},
      {"primitive x Dummy op interval=10s", "expected an operation name"},
      {"primitive x Dummy op monitor intervl=10s", "'intervl' is not an operation attribute"},
      {"primitive x Dummy op monitor interval=10s interval=20s", "'interval' is given twice"},
      {"primitive x Dummy op monitor interval=often", "often"},
      {"primitive x \"\"", "primitive x: the agent is empty"},
      {"primitive x Dummy params a:b=1", "'a:b' is not a name"},
      {"primitive x Dummy op \"mon itor\"", "'mon itor' is not an operation name"},
      {"primitive x Dummy op monitor interval=\"10 s\"", "'10 s' is not an interval"},
      {"primitive x Dummy op monitor on-fail=sometimes", "on-fail is ignore, block, stop, restart"},
      {"primitive x Dummy op monitor role=Boss", "'Boss' is not a role"},
      {"primitive x Dummy op monitor enabled=maybe", "enabled is true or false, not 'maybe'"},
      {"primitive x Dummy op_params a=1", "'op_params' belongs after an op"},
      {"primitive x Dummy op monitor timeout=20s op", "expected an operation name (monitor, start, stop...) after 'op'"},
      {"property", "expected NAME=VALUE after 'property'"},
      {"property stonith-enabled", "expected NAME=VALUE, not 'stonith-enabled'"},
      {"property 9x: a=b", "'9x' is not a valid id"},
      {"property ip: a=b", "the id 'ip' is taken (by a primitive)"},
      {"property no-quorum-policy=whenever", "no-quorum-policy"},
      {"rsc_defaults", "expected NAME=VALUE"},
      {"location", "expected an id for the location"},
      {"location l", "expected a resource after 'l'"},
      {"location l nosuch 100: node1", "location l: no resource 'nosuch'"},
      {"location l ip", "expected a score followed by ':' (100:, inf:, -inf:) or 'rule' after 'ip'"},
      {"location l ip 100 node1", "expected a score followed by ':' (100:, inf:, -inf:) or 'rule', not '100'"},
      {"location l ip lots: node1", "not 'lots:'"},
      {"location l ip 100:", "expected a node after '100:'"},
      {"location l ip 100: node1 node2", "unexpected 'node2' after the node"},
      {"location l ip role=Boss 100: node1", "'Boss' is not a role"},
      {"location l ip rule", "location l: expected an expression (ATTRIBUTE OP VALUE, defined ATTRIBUTE, date ...) after 'rule'"},
      {"location l ip rule 10: #uname eq", "expected a value after 'eq'"},
      {"location l ip rule 10: #uname like node1", "expected an operator (eq, ne, lt, gt, lte, gte"},
      {"location l ip rule 10: a eq 1 and b eq 2 or c eq 3", "'and' and 'or' are mixed in one rule"},
      {"location l ip rule 10: date soon", "expected lt, gt, in_range (in) or date_spec (spec) after 'date'"},
      {"location l ip rule 10: date in start=2025-01-01", "expected start=DATE and end=DATE or a duration"},
      {"location l ip rule 10: date spec", "expected a field (hours=9-16"},
      {"location l ip rule 10: a eq file{x}", "the value's source is param, meta or literal"},
      {"location l ip rule $id-ref=nowhere", "$id-ref=nowhere: no rule has that id"},
      {"location l ip rule $role=Boss 10: a eq 1", "'Boss' is not a role"},
      {"location l ip rule 10: a eq 1 extra", "expected 'rule', not 'extra'"},
      {"colocation c", "expected a score followed by ':'"},
      {"colocation c inf: ip", "expected the resource it is placed with after 'ip'"},
      {"colocation c inf: ip nosuch", "colocation c: no resource 'nosuch'"},
      {"colocation c inf: ip ip", "a resource cannot be placed with itself"},
      {"colocation c inf: ip db ip", "ip is named twice in the sets"},
      {"colocation c inf: ( ip db", "a set is never closed with ')'"},
      {"colocation c inf: ip ] db", "']' closes no set"},
      {"colocation c inf: ( ip ( db ) )", "a resource set cannot hold another ('(')"},
      {"colocation c inf: ( ip:Started db:Promoted )", "the members of one set take one role"},
      {"colocation c inf: [ ip db sequential=maybe ]", "'sequential=maybe' takes true or false"},
      {"order o Mandatory: ip:launch db ip2", "'launch' is not an action"},
      {"colocation c inf: ip:Leader db", "'Leader' is not a role"},
      {"colocation ip-db inf: ip db", "the id 'ip-db' is taken"},
      {"order o", "expected the resource that goes first after 'o'"},
      {"order o Sometimes: ip db", "expected Mandatory:, Optional:, Serialize: or a score"},
      {"order o Mandatory: ip", "expected the resource that follows after 'ip'"},
      {"order o Mandatory: ip:launch db", "'launch' is not an action"},
      {"order o Mandatory: ip ip", "a resource cannot be ordered after itself"},
      {"order o Mandatory: ip db symmetrical=maybe", "symmetrical is true or false, not 'maybe'"},
      {"rsc_ticket t ip", "expected the ticket, as TICKET:, not 'ip'"},
      {"rsc_ticket t T:", "expected a resource"},
      {"rsc_ticket t T: nosuch", "no resource 'nosuch'"},
      {"rsc_ticket t T: ip:Leader", "'Leader' is not a role"},
      {"rsc_ticket t T: ip loss-policy=panic", "loss-policy is stop, demote, freeze or fence, not 'panic'"},
      {"rsc_ticket t T: ip loss-policy=stop extra", "unexpected 'extra'"},
      {"rsc_ticket t T!: ip", "'T!' is not a valid ticket name"},
      {"rename ip", "expected an id for the renamed object after 'ip'"},
      {"rename nosuch x", "rename: no object with id 'nosuch'"},
      {"rename ip db", "the id 'db' is taken"},
      {"rename db db2", "resource db is running: stop it first"},
      {"tag t", "expected a resource after 't'"},
      {"tag t: ip nosuch", "no resource 'nosuch'"},
      {"tag ip: db", "the id 'ip' is taken"},
      {"primitive p @nosuch", "no template 'nosuch'"},
      {"rsc_template t @x", "a template is not made from another ('@x')"},
      {"bundle b", "bundle: not supported by Vigil"},
      {"order o Mandatory: ip db extra", "no resource 'extra'"},
      {"delete", "expected an id after 'delete'"},
      {"delete nosuch", "delete: no element with id 'nosuch'"},
      {"delete db", "resource db is running: stop it first ('crm resource stop db')"},
      {"delete ip-instance_attributes-ip", "which delete does not remove"},
      {"erase now", "unexpected 'now'"},
      {"erase", "resources are running (db): stop them first"},
      {"group", "expected an id for the group"},
      {"group g", "expected the primitives of the group"},
      {"group g nosuch", "group g: no primitive 'nosuch'"},
      {"group g ip ip", "ip is named twice"},
      {"group g ip meta", "expected NAME=VALUE after 'meta'"},
      {"group g ip with x=1", "group g: no primitive 'with'"},
      {"group ip-db ip", "the id 'ip-db' is taken"},
      {"clone c", "expected the primitive or group to clone"},
      {"clone c ip", "constraint ip-db names ip: a cloned resource is named by its clone, so change it to name c first"},
      {"modgroup nosuch add ip", "modgroup: no group 'nosuch'"},
      {"modgroup", "expected a group after 'modgroup'"},
      {"ms m nosuch", "ms m: no primitive or group 'nosuch'"},
      {"ms m", "expected the primitive or group to clone"},
      {"ms m ip", "constraint ip-db names ip: a cloned resource is named by its clone"},
      {"ms 1m ip", "'1m' is not a valid id"},
      {"frobnicate x", "configure: unknown command 'frobnicate'"},
  };
  auto conf = Configuration::Parse(kCib);
  ASSERT_TRUE(conf.ok()) << conf.status().message();
  conf->set_running(std::set<std::string>{"db"});
  const std::string before = conf->Document();
  for (const auto& [command, expected] : cases) {
    std::vector<std::string> warnings;
    const Status s = conf->Apply(*SplitWords(command), &warnings);
    EXPECT_FALSE(s.ok()) << command;
    EXPECT_NE(s.message().find(expected), std::string::npos) << command << "\n  said: " << s.message();
    EXPECT_EQ(s.message().find('\n'), std::string::npos) << command;
    EXPECT_TRUE(conf->Document() == before) << command << ": the CIB changed";
  }
  EXPECT_FALSE(conf->changed());
}

// Constraints may name a group (the CIB holds one); deleting a group's last member, which would
// leave an empty group, is refused and changes nothing.
TEST(ConfigurationTest, ConstraintsNameAGroupAndItsLastMemberStays) {
  auto conf = Configuration::Parse(R"(<cib admin_epoch="0" epoch="1" num_updates="0"><configuration><crm_config/>
    <nodes><node id="1" uname="node1"/></nodes><resources>
    <group id="web"><primitive id="fs" class="ocf" provider="heartbeat" type="Dummy"/></group>
    <primitive id="mail" class="ocf" provider="heartbeat" type="Dummy"/>
    </resources><constraints/></configuration><status/></cib>)");
  ASSERT_TRUE(conf.ok()) << conf.status().message();
  conf->set_running(std::set<std::string>{});
  std::vector<std::string> warnings;
  Status s = conf->Apply(*SplitWords("location l web 100: node1"), &warnings);
  EXPECT_TRUE(s.ok()) << s.message();
  s = conf->Apply(*SplitWords("colocation c inf: mail web"), &warnings);
  EXPECT_TRUE(s.ok()) << s.message();
  const std::string before = conf->Document();
  s = conf->Apply(*SplitWords("delete fs"), &warnings);
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("a group needs at least one primitive"), std::string::npos) << s.message();
  EXPECT_EQ(conf->Document(), before);
  EXPECT_NE(conf->Show({})->find("location l web 100: node1"), std::string::npos) << *conf->Show({});
}

// ms makes the legacy <master> element, as crmsh 4.4 does, with a warning that names the
// command of today; what it clones is then named by the ms only. A promotable clone of a group
// is refused (the CIB reader does not take one yet) and changes nothing.
TEST(ConfigurationTest, MsWritesALegacyMasterAndWarnsThatItIsDeprecated) {
  auto conf = Configuration::Parse(R"(<cib admin_epoch="0" epoch="1" num_updates="0"><configuration><crm_config/>
    <nodes><node id="1" uname="node1"/></nodes><resources>
    <group id="web"><primitive id="fs" class="ocf" provider="heartbeat" type="Dummy"/></group>
    <primitive id="d" class="ocf" provider="pacemaker" type="Stateful"/>
    <primitive id="e" class="ocf" provider="pacemaker" type="Stateful"/>
    </resources><constraints/></configuration><status/></cib>)");
  ASSERT_TRUE(conf.ok()) << conf.status().message();
  std::vector<std::string> warnings;
  Status s = conf->Apply(*SplitWords("ms d-ms d meta promoted-max=1"), &warnings);
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_EQ(warnings, Words{"ms d-ms: ms is deprecated; 'clone d-ms d meta promotable=true' makes a promotable "
                            "clone of the current kind"});
  s = conf->Apply(*SplitWords("clone e-clone e meta promotable=true"), &warnings);
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_EQ(*conf->Show({"d-ms", "e-clone"}), "ms d-ms d \\\n\tmeta promoted-max=1\nclone e-clone e \\\n\tmeta promotable=true\n");
  EXPECT_NE(conf->Document().find("<master id=\"d-ms\">"), std::string::npos) << conf->Document();
  const std::string before = conf->Document();
  s = conf->Apply(*SplitWords("location l d 100: node1"), &warnings);
  EXPECT_EQ(s.message(), "location l: no resource 'd'");
  EXPECT_EQ(conf->Document(), before);
  // A group may be made promotable too.
  s = conf->Apply(*SplitWords("ms web-ms web"), &warnings);
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_NE(conf->Document().find("<master id=\"web-ms\">\n        <group id=\"web\">"), std::string::npos) << conf->Document();
  EXPECT_TRUE(conf->Apply(*SplitWords("location l d-ms role=Master 100: node1"), &warnings).ok());
}

TEST(ConfigurationTest, DeletingTwoResourcesThatShareAConstraintRemovesItOnce) {
  auto conf = Configuration::Parse(kCib);
  ASSERT_TRUE(conf.ok());
  conf->set_running(std::set<std::string>{});
  std::vector<std::string> warnings;
  ASSERT_TRUE(conf->Apply({"delete", "ip", "db", "ip"}, &warnings).ok());
  EXPECT_EQ(warnings, Words{"hanging colocation:ip-db deleted"});
  EXPECT_EQ(*conf->Show({}), "node 1: node1\nnode 2: node2\nproperty cib-bootstrap-options: \\\n\tstonith-enabled=false\n");
}

// A template in use is not deleted (its primitives would have no agent); once they are gone it
// is. A tag is deleted like a constraint.
TEST(ConfigurationTest, ATemplateInUseStaysAndATagGoes) {
  auto conf = Configuration::Parse(kCib);
  ASSERT_TRUE(conf.ok());
  conf->set_running(std::set<std::string>{});
  std::vector<std::string> warnings;
  for (const char* command : {"rsc_template web ocf:heartbeat:Dummy", "primitive w1 @web", "tag both: ip w1"}) {
    ASSERT_TRUE(conf->Apply(*SplitWords(command), &warnings).ok()) << command;
  }
  EXPECT_EQ(conf->Apply({"delete", "web"}, &warnings).message(), "delete: template web is used by w1: delete that first");
  ASSERT_TRUE(conf->Apply({"delete", "both"}, &warnings).ok());
  ASSERT_TRUE(conf->Apply({"delete", "w1"}, &warnings).ok());
  ASSERT_TRUE(conf->Apply({"delete", "web"}, &warnings).ok());
  EXPECT_EQ(conf->Document().find("web"), std::string::npos);
  EXPECT_EQ(conf->Document().find("both"), std::string::npos);
}

TEST(ConfigurationTest, BooleansAreReadAsPacemakerReadsThem) {
  auto conf = Configuration::Parse(kCib);
  ASSERT_TRUE(conf.ok());
  std::vector<std::string> warnings;
  for (const char* command : {"property stonith-enabled=TRUE", "property maintenance-mode=n",
                              "order o Mandatory: ip db symmetrical=no"}) {
    EXPECT_TRUE(conf->Apply(*SplitWords(command), &warnings).ok()) << command;
  }
}

TEST(ConfigurationTest, WhetherResourcesRunUnknownRefusesDeletingThem) {
  auto conf = Configuration::Parse(kCib);
  ASSERT_TRUE(conf.ok());
  std::vector<std::string> warnings;
  const Status s = conf->Apply({"delete", "ip"}, &warnings);
  EXPECT_EQ(s.message(), "delete: cannot tell whether ip runs (vigild knows no DC): try again once it has one");
  EXPECT_TRUE(conf->Apply({"delete", "ip-db"}, &warnings).ok());
}

TEST(ConfigurationTest, APrimitiveWhileStonithIsEnabledWithoutFencingIsWarnedOf) {
  std::string cib = kCib;
  cib.replace(cib.find("value=\"false\""), 13, "value=\"true\"");
  auto conf = Configuration::Parse(cib);
  ASSERT_TRUE(conf.ok());
  std::vector<std::string> warnings;
  ASSERT_TRUE(conf->Apply({"primitive", "x", "Dummy"}, &warnings).ok());
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("stonith-enabled is true and no fencing device is configured"), std::string::npos);
  EXPECT_EQ(conf->Verify(), warnings);
  warnings.clear();
  ASSERT_TRUE(conf->Apply({"property", "stonith-enabled=false"}, &warnings).ok());
  EXPECT_TRUE(warnings.empty());
  EXPECT_TRUE(conf->Verify().empty());
}

TEST(ConfigurationTest, UnknownPropertiesAndNodesAreWarnedOfNotRefused) {
  auto conf = Configuration::Parse(kCib);
  ASSERT_TRUE(conf.ok());
  std::vector<std::string> warnings;
  ASSERT_TRUE(conf->Apply(*SplitWords("property stonith-enabld=false"), &warnings).ok());
  ASSERT_TRUE(conf->Apply(*SplitWords("location l ip 100: node9"), &warnings).ok());
  EXPECT_EQ(warnings, (Words{"cib-bootstrap-options: 'stonith-enabld' is not a cluster property Pacemaker knows",
                             "l: no node 'node9' is configured (yet)"}));
}

TEST(ConfigurationTest, ShowNamesAnUnknownId) {
  auto conf = Configuration::Parse(kCib);
  ASSERT_TRUE(conf.ok());
  EXPECT_EQ(conf->Show({"ip", "nosuch"}).status().message(), "show: no element with id 'nosuch'");
  EXPECT_EQ(*conf->Show({"node2", "ip-db"}), "node 2: node2\ncolocation ip-db inf: ip db\n");
  auto xml = conf->ShowXml({"db"});
  ASSERT_TRUE(xml.ok());
  EXPECT_NE(xml->find("<primitive id=\"db\""), std::string::npos);
  EXPECT_EQ(xml->find("<primitive id=\"ip\""), std::string::npos);
  EXPECT_EQ(xml->find("<status"), std::string::npos);
}

// vigild as a map of answers: a CIB that cib-replace replaces (against its version), a status.
// Three agents with hand-written meta-data: what `ra` prints and what a primitive is checked against.
class FakeAgents : public Agents {
 public:
  std::vector<AgentInfo> List() override {
    return {{"ocf:heartbeat:Dummy", "heartbeat", "Dummy"},
            {"ocf:heartbeat:Fake", "heartbeat", "Fake"},
            {"ocf:pacemaker:Other", "pacemaker", "Other"}};
  }
  Result<Described> Describe(std::string_view name) override {
    if (name == "ocf:heartbeat:Dummy") return Read(List()[0], "<resource-agent name=\"Dummy\"/>");
    if (name == "ocf:heartbeat:Fake" || name == "Fake") return Read(List()[1], kFakeMetadata);
    return Status(StatusCode::kNotFound, "agent '" + std::string(name) + "' not found");
  }
  static Described Read(AgentInfo agent, const std::string& xml) {
    auto parsed = ParseMetadata(xml);
    EXPECT_TRUE(parsed.ok()) << parsed.status().message();
    return {std::move(agent), xml, std::make_shared<const AgentMetadata>(parsed.ok() ? *parsed : AgentMetadata{})};
  }
  static constexpr const char* kFakeMetadata = R"(<?xml version="1.0"?>
<resource-agent name="Fake" version="1.0">
<version>1.0</version>
<longdesc lang="en">
Pretends to run.
Over two lines.
</longdesc>
<shortdesc lang="en">A fake agent</shortdesc>
<parameters>
<parameter name="ip" unique="1" required="1">
<longdesc lang="en">The address.</longdesc>
<shortdesc lang="en">Address</shortdesc>
<content type="string"/>
</parameter>
<parameter name="count">
<longdesc lang="en">count</longdesc>
<shortdesc lang="en">count</shortdesc>
<content type="integer" default="3"/>
</parameter>
<parameter name="mode">
<shortdesc lang="en">Mode</shortdesc>
<content type="select" default="fast"><option value="fast"/><option value="slow"/></content>
</parameter>
</parameters>
<actions>
<action name="start" timeout="20s"/>
<action name="monitor" depth="0" timeout="20s" interval="10s"/>
<action name="meta-data" timeout="5s"/>
</actions>
</resource-agent>
)";
};

TEST(ConfigurationTest, APrimitivesAgentAndParametersAreCheckedAsTyped) {
  FakeAgents agents;
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"primitive x ocf:heartbeat:Nope", "primitive x: agent 'ocf:heartbeat:Nope' not found"},
      {"primitive x Fake", "primitive x: ocf:heartbeat:Fake: required parameter 'ip' is missing"},
      {"primitive x Fake params ip=10.0.0.2 nosuch=1", "primitive x: ocf:heartbeat:Fake: unknown parameter 'nosuch'"},
      {"primitive x Fake params ip=10.0.0.2 count=many", "parameter 'count' must be an integer, not 'many'"},
      {"primitive x Fake params ip=10.0.0.2 mode=medium", "parameter 'mode' must be one of fast, slow, not 'medium'"},
  };
  for (const auto& [command, expected] : cases) {
    auto c = Configuration::Parse(kCib);
    ASSERT_TRUE(c.ok());
    c->set_agents(&agents);
    const std::string before = c->Document();
    std::vector<std::string> warnings;
    const Status s = c->Apply(*SplitWords(command), &warnings);
    EXPECT_FALSE(s.ok()) << command;
    EXPECT_NE(s.message().find(expected), std::string::npos) << command << "\n" << s.message();
    EXPECT_EQ(s.message().find('\n'), std::string::npos) << s.message();
    EXPECT_EQ(c->Document(), before) << command;
  }
  auto c = Configuration::Parse(kCib);
  c->set_agents(&agents);
  std::vector<std::string> warnings;
  EXPECT_TRUE(c->Apply(*SplitWords("primitive x Fake params ip=10.0.0.2 count=4 mode=slow"), &warnings).ok());
  // Classes other than ocf are left to vigild.
  EXPECT_TRUE(c->Apply(*SplitWords("primitive y lsb:whatever"), &warnings).ok());
}

TEST(ConfigurationTest, AnEditIsAllOrNothingAndNamesTheLine) {
  auto c = Configuration::Parse(kCib);
  ASSERT_TRUE(c.ok());
  c->set_running(std::set<std::string>{"ip"});
  const std::string shown = *c->Show({});
  const std::string before = c->Document();
  std::vector<std::string> warnings;
  const std::vector<std::pair<std::string, std::string>> cases = {
      {shown + "location l db 100 node1\n", "line "},  // the line number of the bad command
      {shown + "primitive x Dummy \\\n  op monitor interval=often\n", "often"},
      {shown + "primitive x Dummy \\\n", "ends in a backslash"},
      {shown + "delete db\n", "delete has no place in an edit"},
      {shown + "primitive ip Dummy\n", "the id 'ip' is taken"},
      {shown + "node 1: node1\n", "the node node1 is there already"},
      {shown + "colocation c inf: db \"unbalanced\n", "quote"},
  };
  for (const auto& [text, expected] : cases) {
    const Status s = c->Replace({}, text, &warnings);
    EXPECT_FALSE(s.ok()) << text;
    EXPECT_NE(s.message().find(expected), std::string::npos) << s.message();
    EXPECT_EQ(c->Document(), before);
    EXPECT_FALSE(c->changed());
  }
  // The line is the one the command starts on.
  const size_t lines = static_cast<size_t>(std::count(shown.begin(), shown.end(), '\n'));
  EXPECT_EQ(c->Replace({}, shown + "\nlocation l db 100 node1\n", &warnings).message().rfind(
                "line " + std::to_string(lines + 2) + ": location l:", 0),
            0u);
  // ip runs: an edit that leaves it out is refused; db does not: it may go.
  std::string without_ip = shown;
  const size_t at = without_ip.find("primitive ip");
  without_ip.erase(at, without_ip.find("\nprimitive db") - at + 1);
  EXPECT_NE(c->Replace({}, without_ip, &warnings).message().find("resource ip is running"), std::string::npos)
      << without_ip;
  // Editing one element: only it is replaced.
  ASSERT_TRUE(c->Replace({"ip-db"}, "colocation ip-db 500: ip db\n", &warnings).ok());
  EXPECT_EQ(*c->Show({"ip-db"}), "colocation ip-db 500: ip db\n");
  EXPECT_NE(c->Show({"ip"})->find("primitive ip IPaddr"), std::string::npos);
  EXPECT_TRUE(c->changed());
}

// Whatever show prints, edit reads back: node attributes in either order, empty sets (which show
// leaves out), a node named by its name, an id given twice, and primitives whose agent this host
// lacks (unchanged, they are not checked again).
TEST(ConfigurationTest, WhatShowPrintsAnEditReadsBack) {
  std::string xml = kCib;
  xml.replace(xml.find("<primitive id=\"db\" class=\"ocf\" provider=\"heartbeat\" type=\"Dummy\"/>"), 65,
              "<primitive id=\"db\" class=\"ocf\" provider=\"heartbeat\" type=\"Dummy\">"
              "<meta_attributes id=\"db-meta\"/></primitive>");
  auto c = Configuration::Parse(xml);
  ASSERT_TRUE(c.ok()) << c.status().message();
  c->set_running(std::set<std::string>{"ip"});
  FakeAgents agents;  // knows Dummy, not IPaddr
  c->set_agents(&agents);
  std::vector<std::string> warnings;
  ASSERT_TRUE(c->Apply(*SplitWords("node 3: node3 utilization cpu=2 attributes standby=on"), &warnings).ok());
  const std::string shown = *c->Show({});
  EXPECT_EQ(shown.find("meta \n"), std::string::npos) << shown;
  EXPECT_NE(shown.find("node 3: node3 \\\n\tutilization cpu=2 \\\n\tattributes standby=on"), std::string::npos) << shown;
  const Status unchanged = c->Replace({}, shown, &warnings);
  EXPECT_TRUE(unchanged.ok()) << unchanged.message();
  EXPECT_EQ(*c->Show({}), shown);
  // Changed, ip's agent is checked, and this host does not have it.
  std::string moved = shown;
  moved.replace(moved.find("10.0.0.1"), 8, "10.0.0.2");
  EXPECT_NE(c->Replace({}, moved, &warnings).message().find("agent 'ocf:heartbeat:IPaddr' not found"), std::string::npos);
  // A node by its name; an id given twice.
  ASSERT_TRUE(c->Replace({"node1"}, "node 1: node1 attributes standby=on\n", &warnings).ok());
  EXPECT_EQ(*c->Show({"node1"}), "node 1: node1 \\\n\tattributes standby=on\n");
  const Status twice = c->Replace({"ip-db", "ip-db"}, "colocation ip-db 10: ip db\n", &warnings);
  EXPECT_TRUE(twice.ok()) << twice.message();
}

class FakeVigild : public Connection {
 public:
  FakeVigild() : cib_(kCib) {}
  Result<std::string> Ask(const std::string& command, const std::vector<std::string>& args) override {
    asked.push_back(command);
    last_args = args;
    if (command == "cib-query") return cib_;
    if (command == "status") {
      control::ClusterStatus s;
      s.self = "node1";
      s.dc = "node1";
      s.resources_known = true;
      s.nodes = {{1, "node1", true, false}, {2, "node2", true, false}};
      s.resources = {{"ip", "ocf:heartbeat:IPaddr", {"node1"}}, {"db", "ocf:heartbeat:Dummy", {}}};
      s.resources.insert(s.resources.end(), more_resources.begin(), more_resources.end());
      return control::ToXml(s);
    }
    if (command == "cib-replace") {
      if (args[0] != Version()) return Status(StatusCode::kInvalidArgument, "conflict: made against " + args[0]);
      pugi::xml_document doc;
      doc.load_string(args[1].c_str());
      doc.child("cib").attribute("epoch").set_value(std::stoi(Version().substr(2)) + 1);
      std::ostringstream text;
      doc.save(text);
      cib_ = text.str();
      return Version();
    }
    if (command == "node-standby" && !args.empty() && args[0] != "node1" && args[0] != "node2") {
      return Status(StatusCode::kInvalidArgument, "node-standby: no node '" + args[0] + "'");
    }
    return std::string();
  }
  std::string Version() const {
    pugi::xml_document doc;
    doc.load_string(cib_.c_str());
    return "0:" + std::string(doc.child("cib").attribute("epoch").value()) + ":0";
  }
  int Count(const std::string& command) const { return static_cast<int>(std::count(asked.begin(), asked.end(), command)); }
  // Another change, made behind crm's back: `object` added to the resources, at epoch 9.
  void ChangeBehindCrmsBack(const std::string& object) {
    cib_.replace(cib_.find("epoch=\"3\""), 9, "epoch=\"9\"");
    cib_.insert(cib_.find("</resources>"), object);
  }

  std::vector<std::string> asked;
  std::vector<std::string> last_args;  // of the latest request
  std::vector<control::ResourceStatus> more_resources;  // in status, after ip and db
  const std::string& cib() const { return cib_; }

 private:
  std::string cib_;
};

class ShellTest : public ::testing::Test {
 protected:
  Shell Make(bool interactive) {
    ShellOptions o;
    o.interactive = interactive;
    o.host = "here";
    o.ask = [this](const std::string& question) -> std::optional<std::string> {
      questions_.push_back(question);
      if (answers_.empty()) return std::nullopt;
      std::string a = answers_.front();
      answers_.erase(answers_.begin());
      return a;
    };
    o.agents = &agents_;
    o.edit_file = [this](const std::string& path) -> Status {
      edited_ = testing::ReadFile(path);
      if (!edits_.empty()) {
        testing::WriteFile(path, edits_.front());
        edits_.erase(edits_.begin());
      }
      return Status::Ok();
    };
    return Shell(vigild_, out_, err_, o);
  }
  FakeAgents agents_;
  std::string edited_;               // what the editor was given last
  std::vector<std::string> edits_;   // what it writes, one per run
  FakeVigild vigild_;
  std::ostringstream out_, err_;
  std::vector<std::string> questions_, answers_;
};

TEST_F(ShellTest, AOneShotConfigureCommandCommitsOnce) {
  Shell shell = Make(false);
  shell.Run({"configure", "property", "no-quorum-policy=ignore"});
  shell.End();
  EXPECT_EQ(shell.exit_code(), 0) << err_.str();
  EXPECT_EQ(vigild_.Count("cib-replace"), 1);
  EXPECT_EQ(vigild_.Version(), "0:4:0");
  EXPECT_TRUE(err_.str().empty()) << err_.str();
}

TEST_F(ShellTest, AFailedCommandSendsNothingAndTheExitCodeSaysSo) {
  Shell shell = Make(false);
  shell.Run({"configure", "colocation", "c", "inf:", "ip", "nosuch"});
  shell.End();
  EXPECT_EQ(shell.exit_code(), 1);
  EXPECT_EQ(vigild_.Count("cib-replace"), 0);
  EXPECT_EQ(err_.str(), "ERROR: colocation c: no resource 'nosuch'\n");
}

// An operation name that could not go into the op's id is refused, and nothing is committed.
TEST_F(ShellTest, TraceRefusesAnOperationNameThatCannotMakeAnId) {
  Shell shell = Make(false);
  shell.Run({"resource", "trace", "ip", "mon&itor"});
  shell.End();
  EXPECT_EQ(shell.exit_code(), 1);
  EXPECT_EQ(vigild_.Count("cib-replace"), 0);
  EXPECT_EQ(err_.str(), "ERROR: resource trace: 'mon&itor' is not an operation name\n");
}

TEST_F(ShellTest, AScriptStagesUntilCommitAndCommitsWhatIsLeftAtTheEnd) {
  Shell shell = Make(false);
  for (const char* line : {"configure", "primitive a Dummy", "primitive b Dummy", "show a", "commit",
                           "primitive c Dummy"}) {
    shell.RunLine(line);
  }
  EXPECT_EQ(vigild_.Count("cib-replace"), 1);
  EXPECT_EQ(out_.str(), "primitive a Dummy\n");
  EXPECT_EQ(shell.Prompt(), "crm(live/node1)configure# ");
  shell.End();
  EXPECT_EQ(vigild_.Count("cib-replace"), 2);
  EXPECT_EQ(vigild_.Version(), "0:5:0");
  EXPECT_EQ(shell.exit_code(), 0) << err_.str();
}

TEST_F(ShellTest, LeavingConfigureWithChangesAsksAPerson) {
  Shell shell = Make(true);
  shell.RunLine("configure");
  shell.RunLine("primitive a Dummy");
  answers_ = {"maybe", "n"};
  shell.RunLine("up");
  EXPECT_EQ(questions_.size(), 2u);
  EXPECT_EQ(questions_[0], "There are changes pending. Do you want to commit them (y/n)? ");
  EXPECT_EQ(vigild_.Count("cib-replace"), 0);
  EXPECT_EQ(shell.Prompt(), "crm(live/node1)# ");
  shell.RunLine("configure");
  shell.RunLine("primitive a Dummy");
  answers_ = {"y"};
  EXPECT_FALSE(shell.RunLine("quit"));
  EXPECT_EQ(vigild_.Count("cib-replace"), 1);
}

TEST_F(ShellTest, ACommitAgainstAChangedCibIsRefusedAndAPersonKeepsTheChanges) {
  Shell shell = Make(true);
  shell.RunLine("configure");
  shell.RunLine("primitive a Dummy");
  // Somebody else added an `a` of their own meanwhile: a conflict crm cannot resolve.
  vigild_.ChangeBehindCrmsBack("<primitive id=\"a\" class=\"ocf\" provider=\"heartbeat\" type=\"Stateful\"/>");
  shell.RunLine("commit");
  EXPECT_EQ(err_.str(),
            "ERROR: commit: conflict: the CIB changed meanwhile in what this change changes too (resources/primitive a) "
            "('refresh' drops these changes and reads the CIB again)\n");
  EXPECT_EQ(vigild_.Count("cib-replace"), 1);
  EXPECT_EQ(*vigild_.asked.rbegin(), "cib-query");
  shell.RunLine("show a");
  EXPECT_EQ(out_.str(), "primitive a Dummy\n");
  shell.RunLine("refresh");
  shell.RunLine("show a");
  EXPECT_NE(out_.str().find("Stateful"), std::string::npos) << out_.str();
  EXPECT_EQ(shell.exit_code(), 1);
}

TEST_F(ShellTest, ACommitAgainstACibThatMovedOnElsewhereIsMadeAgainOnIt) {
  Shell shell = Make(false);
  shell.RunLine("configure");
  shell.RunLine("primitive a Dummy");
  // Another change (the DC recording a node, another user) that touches nothing of this one.
  vigild_.ChangeBehindCrmsBack("<primitive id=\"z\" class=\"ocf\" provider=\"heartbeat\" type=\"Dummy\"/>");
  shell.RunLine("commit");
  EXPECT_EQ(err_.str(), "INFO: the CIB changed since it was read (now version 0:9:0); the changes are made again on it\n");
  EXPECT_EQ(vigild_.Count("cib-replace"), 2);
  EXPECT_EQ(vigild_.Version(), "0:10:0");
  shell.RunLine("show a");
  shell.RunLine("show z");
  EXPECT_EQ(out_.str(), "primitive a Dummy\nprimitive z Dummy\n");
  shell.End();
  EXPECT_EQ(shell.exit_code(), 0) << err_.str();
}

TEST_F(ShellTest, HelpListsALevelsCommandsAndPrintsOnesUsage) {
  Shell shell = Make(false);
  shell.Run({"resource", "help"});
  shell.Run({"resource", "help", "migrate"});
  shell.Run({"ra", "help", "meta"});
  shell.Run({"configure", "help", "colocation"});
  shell.Run({"node", "help", "nosuch"});
  EXPECT_EQ(out_.str(),
            "commands: start, stop, restart, status, locate, promote, demote, move, migrate, clear, unmove, unmigrate, ban, "
            "param, meta, utilization, failcount, manage, unmanage, maintenance, trace, untrace, cleanup, refresh, up, help, quit\n"
            "usage: migrate RSC [NODE [LIFETIME]]\n  prefers NODE (until LIFETIME, as PT1H, has passed), or bans it from where it runs\n"
            "usage: meta [ocf:PROVIDER:]TYPE\n  an agent's parameters and operations\n"
            "usage: colocation ID SCORE: RSC WITH-RSC\n  a colocation constraint\n");
  EXPECT_EQ(err_.str(), "ERROR: node: unknown command 'nosuch'; 'help' lists the commands\n");
}

TEST_F(ShellTest, LevelsNodeAndResourceCommandsMapToVigildsRequests) {
  Shell shell = Make(false);
  shell.Run({"node", "standby"});
  shell.Run({"node", "online", "node2"});
  shell.Run({"resource", "move", "ip", "node2"});
  shell.Run({"resource", "clear", "ip"});
  shell.Run({"resource", "status", "ip"});
  shell.Run({"resource", "status", "db"});
  EXPECT_EQ(shell.exit_code(), 0) << err_.str();
  EXPECT_EQ(vigild_.Count("node-standby"), 1);
  EXPECT_EQ(vigild_.Count("node-online"), 1);
  EXPECT_EQ(vigild_.Count("resource-move"), 1);
  EXPECT_EQ(vigild_.Count("resource-unmove"), 1);
  EXPECT_EQ(out_.str(), "resource ip is running on: node1\nresource db is NOT running\n");
  EXPECT_EQ(err_.str(),
            "INFO: standby node node1\nINFO: online node node2\nINFO: Move constraint created for ip to node2\n"
            "INFO: Use `crm resource clear ip` to remove this constraint\nINFO: Removed migration constraints for ip\n");
  // node status: the nodes' elements of the CIB (crmsh 1.x's), all or one.
  out_.str("");
  shell.Run({"node", "status", "node2"});
  EXPECT_EQ(out_.str(), "<nodes>\n  <node id=\"2\" uname=\"node2\" />\n</nodes>\n");
  shell.Run({"node", "status"});
  EXPECT_NE(out_.str().find("<node id=\"1\" uname=\"node1\" />"), std::string::npos) << out_.str();
  EXPECT_EQ(shell.exit_code(), 0);
  shell.Run({"node", "status", "node9"});
  EXPECT_EQ(shell.exit_code(), 1);
}

// A promotable clone (a legacy <master>, d-ms of d, promoted on node2 and unpromoted on node1)
// and a plain clone (c-clone of c), as vigild's status and CIB hold them.
class PromotableShellTest : public ShellTest {
 protected:
  void SetUp() override {
    vigild_.ChangeBehindCrmsBack(
        R"(<master id="d-ms"><primitive id="d" class="ocf" provider="pacemaker" type="Stateful"/></master>)"
        R"(<clone id="c-clone"><primitive id="c" class="ocf" provider="heartbeat" type="Dummy"/></clone>)");
    auto instance = [](std::string id, std::string clone, std::string cloned, std::vector<std::string> nodes,
                       std::string role) {
      control::ResourceStatus r{std::move(id), "ocf:pacemaker:Stateful", std::move(nodes)};
      r.clone = std::move(clone);
      r.cloned = std::move(cloned);
      r.promotable = r.clone == "d-ms";
      r.role = std::move(role);
      return r;
    };
    vigild_.more_resources = {instance("d:0", "d-ms", "d", {"node1"}, "Unpromoted"),
                              instance("d:1", "d-ms", "d", {"node2"}, "Promoted"),
                              instance("c:0", "c-clone", "c", {"node1"}, ""), instance("c:1", "c-clone", "c", {}, "")};
  }
};

// promote and demote set the clone's target-role to what crmsh 4.4 writes (Master, Slave), in
// one commit each, saying what they set as crm_resource does.
TEST_F(PromotableShellTest, PromoteAndDemoteSetTheClonesTargetRole) {
  Shell shell = Make(false);
  shell.Run({"resource", "demote", "d-ms"});
  EXPECT_EQ(shell.exit_code(), 0) << err_.str();
  EXPECT_EQ(out_.str(), "Set 'd-ms' option: id=d-ms-meta_attributes-target-role set=d-ms-meta_attributes "
                        "name=target-role value=Slave\n");
  EXPECT_NE(vigild_.cib().find("name=\"target-role\" value=\"Slave\""), std::string::npos) << vigild_.cib();
  out_.str("");
  shell.Run({"resource", "promote", "d-ms"});
  EXPECT_EQ(out_.str(), "Set 'd-ms' option: id=d-ms-meta_attributes-target-role name=target-role value=Master\n");
  EXPECT_NE(vigild_.cib().find("name=\"target-role\" value=\"Master\""), std::string::npos) << vigild_.cib();
  EXPECT_EQ(vigild_.Count("cib-replace"), 2);
  EXPECT_EQ(shell.exit_code(), 0) << err_.str();
}

// What is not a promotable clone is refused by name, saying what would be, and nothing is sent.
TEST_F(PromotableShellTest, PromotingWhatIsNotPromotableIsRefusedByName) {
  Shell shell = Make(true);
  shell.Run({"resource", "promote", "d"});
  shell.Run({"resource", "demote", "c-clone"});
  shell.Run({"resource", "promote", "ip"});
  shell.Run({"resource", "promote", "nosuch"});
  shell.Run({"resource", "promote"});
  shell.Run({"resource", "promote", "d-ms", "node1"});
  EXPECT_EQ(err_.str(),
            "ERROR: resource promote: d is not a promotable resource: it is in promotable clone d-ms, which promote "
            "takes\n"
            "ERROR: resource demote: c-clone is not a promotable resource (a clone becomes one with meta "
            "promotable=true)\n"
            "ERROR: resource promote: ip is not a promotable resource\n"
            "ERROR: resource promote: no resource 'nosuch'\n"
            "ERROR: resource promote: missing arguments (usage: promote RSC)\n"
            "ERROR: resource promote: unexpected 'node1' (usage: promote RSC)\n");
  EXPECT_EQ(vigild_.Count("cib-replace"), 0);
  EXPECT_EQ(shell.exit_code(), 1);
}

// locate (and status RSC, which is the same in crmsh): a line per node, the last instance first
// and " Promoted" after a promoted one's, as crm_resource --locate prints them.
TEST_F(PromotableShellTest, LocateSaysWhereEachInstanceRunsAndWhichIsPromoted) {
  Shell shell = Make(true);
  for (const char* line : {"resource locate d-ms d c-clone db", "resource status ip"}) shell.RunLine(line);
  EXPECT_EQ(out_.str(),
            "resource d-ms is running on: node2 Promoted\n"
            "resource d-ms is running on: node1\n"
            "resource d is running on: node2 Promoted\n"
            "resource d is running on: node1\n"
            "resource c-clone is running on: node1\n"
            "resource db is NOT running\n"
            "resource ip is running on: node1\n");
  EXPECT_EQ(shell.exit_code(), 0) << err_.str();
  shell.Run({"resource", "locate", "nosuch"});
  shell.Run({"resource", "locate"});
  EXPECT_EQ(err_.str(), "ERROR: resource locate: no resource 'nosuch'\n"
                        "ERROR: resource locate: missing arguments (usage: locate RSC...)\n");
}

TEST_F(ShellTest, MistakesGetOneLineEach) {
  Shell shell = Make(true);
  shell.Run({"confgure"});
  shell.Run({"node", "standby", "node7"});
  shell.Run({"resource", "move"});
  shell.Run({"resource", "start", "a", "b"});
  shell.RunLine("configure primitive ip IPaddr params ip=\"10.0.0.1");
  EXPECT_EQ(err_.str(),
            "ERROR: the top level: unknown command 'confgure' (did you mean 'configure'?); 'help' lists the commands\n"
            "ERROR: node-standby: no node 'node7'\n"
            "ERROR: resource move: missing arguments (usage: move RSC [NODE [LIFETIME]])\n"
            "ERROR: resource start: unexpected 'b' (usage: start RSC)\n"
            "ERROR: unbalanced quotes: the \" at column 41 is never closed\n");
  EXPECT_EQ(vigild_.Count("resource-move") + vigild_.Count("resource-start") + vigild_.Count("cib-replace"), 0);
  EXPECT_EQ(shell.exit_code(), 1);
}

TEST_F(ShellTest, TheEndOfInputAsksAPersonAboutPendingChanges) {
  Shell shell = Make(true);
  shell.RunLine("configure");
  shell.RunLine("primitive a Dummy");
  answers_ = {"n"};
  shell.End();
  EXPECT_EQ(questions_.size(), 1u);
  EXPECT_EQ(vigild_.Count("cib-replace"), 0);
}

TEST_F(ShellTest, EditShowsTheConfigurationAndStagesTheEditedOne) {
  Shell shell = Make(true);
  shell.RunLine("configure");
  // A mistake, then (asked to edit again) the mended text.
  edits_ = {"this is not crm\n", "location l1 db 100: node2\n"};
  answers_ = {"y"};
  shell.RunLine("edit ip-db");
  EXPECT_EQ(edited_, "this is not crm\n");  // the second round starts from the first round's text
  EXPECT_EQ(questions_, Words{"Do you want to edit again (y/n)? "});
  EXPECT_NE(err_.str().find("ERROR: edit: line 1: configure: unknown command 'this'"), std::string::npos) << err_.str();
  shell.RunLine("commit");
  EXPECT_EQ(vigild_.Count("cib-replace"), 1);
  shell.RunLine("show");
  EXPECT_NE(out_.str().find("location l1 db 100: node2"), std::string::npos) << out_.str();
  EXPECT_EQ(out_.str().find("colocation ip-db"), std::string::npos) << out_.str();
  // Unchanged: nothing staged.
  shell.RunLine("edit");
  EXPECT_NE(err_.str().find("INFO: edit: nothing changed"), std::string::npos);
  EXPECT_NE(edited_.find("location l1 db 100: node2"), std::string::npos) << edited_;
}

// node fence asks first, as crmsh does; a script fences only with crm -F, and is told so.
TEST_F(ShellTest, NodeFenceAsksFirstAndAScriptNeedsForce) {
  {
    Shell shell = Make(false);
    shell.RunLine("node fence node2");
    EXPECT_EQ(err_.str(), "ERROR: node fence node2: not confirmed (not interactive: 'crm -F node fence node2' fences without "
                          "asking); nothing was done\n");
    EXPECT_EQ(shell.exit_code(), 1);
    EXPECT_EQ(vigild_.Count("node-fence"), 0);
  }
  {
    answers_ = {"n"};
    Shell shell = Make(true);
    shell.RunLine("node fence node2");
    ASSERT_EQ(questions_.size(), 1u);
    EXPECT_EQ(questions_[0], "Fencing node2 will shut down the node and migrate any resources that are running on it! Do you "
                             "want to fence node2 (y/n)? ");
    EXPECT_EQ(vigild_.Count("node-fence"), 0);
    answers_ = {"y"};
    shell.RunLine("node fence node2");
    EXPECT_EQ(vigild_.Count("node-fence"), 1);
  }
  ShellOptions forced;
  forced.force = true;
  Shell shell(vigild_, out_, err_, forced);
  shell.RunLine("node fence node2");
  EXPECT_EQ(vigild_.Count("node-fence"), 2);
  EXPECT_EQ(vigild_.last_args, (std::vector<std::string>{"node2", "default", "crm"}));
}

TEST_F(ShellTest, RaListsAndDescribesTheAgentsAsCrmshDoes) {
  Shell shell = Make(true);
  for (const char* line : {"ra classes", "ra providers Fake", "ra list ocf", "ra list ocf pacemaker", "ra info Fake"}) {
    shell.RunLine(line);
  }
  EXPECT_EQ(err_.str(), "");
  EXPECT_EQ(out_.str(),
            "ocf / heartbeat pacemaker\n"
            "heartbeat\n"
            "Dummy     Fake      Other     \n"
            "Other     \n"
            "A fake agent (ocf:heartbeat:Fake)\n\n"
            "Pretends to run.\nOver two lines.\n\n"
            "Parameters (*: required, []: default):\n\n"
            "ip* (string): Address\n    The address.\n\n"
            "count (integer, [3]): \n    count\n\n"
            "mode (select, [fast]): Mode\n\n"
            "Operations' defaults (advisory minimum):\n\n"
            "    start         timeout=20s\n"
            "    monitor       depth=0 timeout=20s interval=10s\n");
  EXPECT_EQ(shell.exit_code(), 0);
  for (const auto& [line, error] : std::vector<std::pair<std::string, std::string>>{
           {"ra list lsb", "ERROR: ra list: class lsb does not exist (Vigil runs ocf and stonith agents)\n"},
           {"ra list ocf nope", "ERROR: ra list: there is no provider nope for class ocf\n"},
           {"ra info Nope", "ERROR: ra info: agent 'Nope' not found\n"},
           {"ra info", "ERROR: ra info: missing arguments (usage: info [ocf:PROVIDER:]TYPE)\n"},
           {"ra classes x", "ERROR: ra classes: unexpected 'x' (usage: classes)\n"},
           {"ra lst ocf", "ERROR: ra: unknown command 'lst' (did you mean 'list'?); 'help' lists the commands\n"}}) {
    err_.str("");
    shell.RunLine(line);
    EXPECT_EQ(err_.str(), error) << line;
  }
  EXPECT_EQ(shell.exit_code(), 1);
}

// A script ends at its first error: nothing after it runs, and what it staged before is dropped,
// not committed; it says so and exits 1.
TEST_F(ShellTest, AScriptStopsAtItsFirstErrorAndCommitsNothing) {
  Shell shell = Make(false);
  EXPECT_TRUE(shell.RunLine("configure"));
  EXPECT_TRUE(shell.RunLine("primitive extra ocf:heartbeat:Dummy"));
  EXPECT_TRUE(shell.RunLine("location l extra 100 node1"));  // no colon after the score
  EXPECT_FALSE(shell.RunLine("commit"));  // not run: the session is over
  shell.End();
  EXPECT_EQ(vigild_.Count("cib-replace"), 0);
  EXPECT_EQ(shell.exit_code(), 1);
  const std::string err = err_.str();
  EXPECT_NE(err.find("ERROR: not run, after the error above: commit\n"), std::string::npos) << err;
  EXPECT_NE(err.find("ERROR: the changes staged before the error are dropped, not committed\n"), std::string::npos) << err;
  // A one-shot command that fails commits nothing either.
  err_.str("");
  Shell once = Make(false);
  once.Run({"node", "standby", "node7"});
  once.End();
  EXPECT_EQ(err_.str(), "ERROR: node-standby: no node 'node7'\n");
}

// resource failcount: show sums a resource's fail counts on a node (every operation's, as
// crm_failcount -G does), delete is a cleanup there, set is refused by name.
TEST(ResourceFailcountTest, ShowSumsDeleteCleansUpSetIsRefused) {
  class WithFailures : public Connection {
   public:
    Result<std::string> Ask(const std::string& command, const std::vector<std::string>& args) override {
      std::string line = command;
      for (const auto& a : args) line += " " + a;
      asked.push_back(line);
      if (command == "cib-query") {
        return std::string(
            "<cib epoch=\"3\" num_updates=\"0\" admin_epoch=\"0\"><configuration><crm_config/><nodes><node id=\"1\" "
            "uname=\"node1\"/></nodes><resources><primitive id=\"db\" class=\"ocf\" provider=\"heartbeat\" "
            "type=\"Dummy\"/></resources><constraints/></configuration><status><node_state id=\"1\" uname=\"node1\" "
            "in_ccm=\"true\" crmd=\"online\" join=\"member\" expected=\"member\"><transient_attributes id=\"1\">"
            "<instance_attributes id=\"s1\"><nvpair id=\"f1\" name=\"fail-count-db#monitor_10000\" value=\"2\"/>"
            "<nvpair id=\"f2\" name=\"fail-count-db#start_0\" value=\"1\"/><nvpair id=\"f3\" name=\"fail-count-dbx#start_0\" "
            "value=\"7\"/></instance_attributes></transient_attributes></node_state></status></cib>");
      }
      if (command == "resource-cleanup") return std::string("Cleaned up db on node1\n");
      return Status(StatusCode::kUnavailable, "not in this test");
    }
    std::vector<std::string> asked;
  } vigild;
  std::ostringstream out, err;
  ShellOptions options;
  options.interactive = true;
  Shell shell(vigild, out, err, options);
  shell.Run({"resource", "failcount", "db", "show", "node1"});
  shell.Run({"resource", "failcount", "db", "show", "node2"});
  shell.Run({"resource", "failcount", "db", "delete", "node1"});
  EXPECT_EQ(out.str(), "scope=status  name=fail-count-db value=3\nscope=status  name=fail-count-db value=0\n"
                       "Cleaned up db on node1\n");
  EXPECT_EQ(std::count(vigild.asked.begin(), vigild.asked.end(), "resource-cleanup db node1"), 1);
  shell.Run({"resource", "failcount", "db", "set", "node1", "5"});
  EXPECT_NE(err.str().find("set is not supported by Vigil"), std::string::npos) << err.str();
}

TEST_F(ShellTest, CompletionOffersCommandsAndIds) {
  Shell shell = Make(true);
  EXPECT_EQ(shell.Complete({}, "con"), Words{"configure"});
  shell.RunLine("resource");
  EXPECT_EQ(shell.Complete({}, "cl"), (Words{"clear", "cleanup"}));
  EXPECT_EQ(shell.Complete({"start"}, ""), (Words{"ip", "db"}));
  EXPECT_EQ(shell.Complete({"move", "ip"}, "node"), (Words{"node1", "node2"}));
  shell.RunLine("up");
  // In the level a line names first; agents; a primitive's parameters not given yet.
  EXPECT_EQ(shell.Complete({"configure"}, "pri"), Words{"primitive"});
  EXPECT_EQ(shell.Complete({"configure", "primitive", "x"}, "ocf:heartbeat:F"), Words{"ocf:heartbeat:Fake"});
  EXPECT_EQ(shell.Complete({"configure", "primitive", "x"}, "F"), Words{"Fake"});
  EXPECT_EQ(shell.Complete({"configure", "primitive", "x", "Fake", "params", "ip=1"}, ""),
            (Words{"count=", "mode=", "params", "meta", "utilization", "op"}));
  EXPECT_EQ(shell.Complete({"configure", "primitive", "x", "Fake"}, "p"), Words{"params"});
  EXPECT_EQ(shell.Complete({"configure", "delete"}, "i"), (Words{"ip", "ip-db"}));
  EXPECT_EQ(shell.Complete({"ra", "info"}, "ocf:p"), Words{"ocf:pacemaker:Other"});
  EXPECT_EQ(shell.Complete({"ra", "list", "ocf"}, ""), (Words{"heartbeat", "pacemaker"}));
  EXPECT_EQ(shell.Complete({"node", "standby"}, ""), (Words{"node1", "node2"}));
  EXPECT_EQ(shell.exit_code(), 0);
}

}  // namespace
}  // namespace vigil::crm
