// The CIB edits behind vigild's control requests, and the status section it writes: each edit is
// read back through Cib::Parse, leaves the rest of the document alone, and refuses what it
// cannot do without changing anything.
#include "cluster/cib/edit.h"

#include <gtest/gtest.h>

#include "cluster/cib/score.h"

namespace vigil::cib {
namespace {

constexpr const char* kCib = R"(<cib admin_epoch="0" epoch="4" num_updates="0">
  <configuration>
    <crm_config/>
    <nodes>
      <node id="1" uname="n1"/>
    </nodes>
    <resources>
      <primitive id="ip" class="ocf" provider="heartbeat" type="IPaddr">
        <instance_attributes id="ip-params"><nvpair id="ip-ip" name="ip" value="10.0.0.9"/></instance_attributes>
        <meta_attributes id="ip-meta"><nvpair id="ip-meta-prio" name="priority" value="3"/></meta_attributes>
      </primitive>
      <primitive id="db" class="ocf" provider="heartbeat" type="Dummy"/>
    </resources>
    <acls><acl_role id="keep-me"/></acls>
    <constraints>
      <rsc_colocation id="db-with-ip" rsc="db" with-rsc="ip" score="INFINITY"/>
    </constraints>
  </configuration>
  <status/>
</cib>)";

Model Read(const Result<std::string>& text) {
  EXPECT_TRUE(text.ok()) << text.status().message();
  auto cib = Cib::Parse(text.ok() ? *text : "", "edited");
  EXPECT_TRUE(cib.ok()) << cib.status().message();
  return cib.ok() ? cib->model() : Model{};
}

const Node* FindNode(const Model& m, const std::string& uname) {
  for (const auto& n : m.nodes) {
    if (n.uname == uname) return &n;
  }
  return nullptr;
}

const Primitive& FindPrimitive(const Model& m, const std::string& id) {
  for (const auto& p : m.primitives) {
    if (p.id == id) return p;
  }
  ADD_FAILURE() << "no primitive " << id;
  static const Primitive none;
  return none;
}

TEST(CibEditTest, StandbyOnAConfiguredNodeAndBackOnline) {
  const auto on = SetNodeAttribute(kCib, "1", "n1", "standby", "on");
  const Model m = Read(on);
  ASSERT_NE(FindNode(m, "n1"), nullptr);
  EXPECT_EQ(FindNode(m, "n1")->attributes.at("standby"), "on");
  EXPECT_NE(on->find("id=\"nodes-1-standby\""), std::string::npos) << *on;
  EXPECT_NE(on->find("keep-me"), std::string::npos) << "an element Vigil does not know was lost";

  const Model off = Read(SetNodeAttribute(*on, "1", "n1", "standby", std::nullopt));
  EXPECT_EQ(FindNode(off, "n1")->attributes.count("standby"), 0U);
}

TEST(CibEditTest, StandbyAddsANodeTheConfigurationLacks) {
  const Model m = Read(SetNodeAttribute(kCib, "2", "n2", "standby", "on"));
  const Node* n2 = FindNode(m, "n2");
  ASSERT_NE(n2, nullptr);
  EXPECT_EQ(n2->id, "2");
  EXPECT_EQ(n2->attributes.at("standby"), "on");
  // The id is taken by n1, but the name is another's (a node renamed): n1 stays as it was.
  const Model renamed = Read(SetNodeAttribute(kCib, "1", "renamed", "standby", "on"));
  EXPECT_EQ(FindNode(renamed, "renamed")->id, "1-1");
  EXPECT_EQ(FindNode(renamed, "n1")->attributes.count("standby"), 0U);
  // Removing an attribute of a node that is not there adds nothing.
  const Model unchanged = Read(SetNodeAttribute(kCib, "3", "n3", "standby", std::nullopt));
  EXPECT_EQ(FindNode(unchanged, "n3"), nullptr);
}

TEST(CibEditTest, JoinedNodesAreAddedOnceEach) {
  // n1 is there already; n2 is new; n3's id "1" is taken by n1.
  size_t count = 0;
  const auto added = AddNodes(kCib, {{"1", "n1"}, {"2", "n2"}, {"1", "n3"}}, &count);
  EXPECT_EQ(count, 2U);
  const Model m = Read(added);
  ASSERT_EQ(m.nodes.size(), 3U) << *added;
  EXPECT_EQ(FindNode(m, "n2")->id, "2");
  EXPECT_EQ(FindNode(m, "n3")->id, "1-1");
  EXPECT_NE(added->find("keep-me"), std::string::npos) << "an element Vigil does not know was lost";
  // Adding them again changes nothing.
  EXPECT_EQ(Read(AddNodes(*added, {{"2", "n2"}}, &count)).nodes.size(), 3U);
  EXPECT_EQ(count, 0U);
}

TEST(CibEditTest, TargetRoleIsSetInTheResourcesOwnMetaAttributes) {
  const auto stopped = SetResourceMeta(kCib, "ip", "target-role", "Stopped");
  Model m = Read(stopped);
  EXPECT_EQ(FindPrimitive(m, "ip").meta.at("target-role"), "Stopped");
  EXPECT_EQ(FindPrimitive(m, "ip").meta.at("priority"), "3");
  m = Read(SetResourceMeta(*stopped, "ip", "target-role", "Started"));
  EXPECT_EQ(FindPrimitive(m, "ip").meta.at("target-role"), "Started");
  // A primitive without meta_attributes gets a set of its own.
  const auto db = SetResourceMeta(kCib, "db", "target-role", "Stopped");
  EXPECT_NE(db->find("id=\"db-meta_attributes-target-role\""), std::string::npos) << *db;
  EXPECT_EQ(FindPrimitive(Read(db), "db").meta.at("target-role"), "Stopped");
}

// crm resource stop on a group, or on one of its members: the target-role goes where it was named.
TEST(CibEditTest, TargetRoleOnAGroupOrOneOfItsMembers) {
  const std::string cib = R"(<cib admin_epoch="0" epoch="4" num_updates="0"><configuration><crm_config/><nodes/><resources>
    <group id="web"><primitive id="fs" class="ocf" provider="heartbeat" type="Dummy"/><primitive id="www" class="ocf" provider="heartbeat" type="Dummy"/></group>
    </resources><constraints/></configuration><status/></cib>)";
  Model m = Read(SetResourceMeta(cib, "web", "target-role", "Stopped"));
  ASSERT_EQ(m.groups.size(), 1U);
  EXPECT_EQ(m.groups[0].meta.at("target-role"), "Stopped");
  EXPECT_EQ(m.FindPrimitive("www")->meta.at("target-role"), "Stopped");  // inherited
  m = Read(SetResourceMeta(cib, "www", "target-role", "Stopped"));
  EXPECT_EQ(m.FindPrimitive("www")->meta.at("target-role"), "Stopped");
  EXPECT_EQ(m.FindPrimitive("fs")->meta.count("target-role"), 0U);
  EXPECT_EQ(m.FindPrimitive("www")->group, "web");  // still in its group
}

TEST(CibEditTest, AnUnknownResourceIsAnError) {
  const auto r = SetResourceMeta(kCib, "nope", "target-role", "Stopped");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kNotFound);
  EXPECT_NE(r.status().message().find("nope"), std::string::npos);
}

TEST(CibEditTest, MoveConstraintIsAddedReplacedAndRemoved) {
  Location prefer{"cli-prefer-ip", "ip", "n1", kInfinity, "Started"};
  const auto first = PutLocation(kCib, prefer);
  Model m = Read(first);
  ASSERT_EQ(m.locations.size(), 1U);
  EXPECT_EQ(m.locations[0].node, "n1");
  EXPECT_EQ(m.locations[0].score, kInfinity);
  prefer.node = "n2";
  m = Read(PutLocation(*first, prefer));
  ASSERT_EQ(m.locations.size(), 1U) << "a second move must replace the first";
  EXPECT_EQ(m.locations[0].node, "n2");
  const auto cleared = RemoveConstraints(*PutLocation(*first, prefer), {"cli-prefer-ip", "not-there"});
  m = Read(cleared);
  EXPECT_TRUE(m.locations.empty());
  EXPECT_EQ(m.colocations.size(), 1U) << "another constraint went with it";
}

TEST(CibEditTest, AMoveConstraintWhoseIdIsTakenIsRefused) {
  const auto r = PutLocation(kCib, Location{"db-with-ip", "ip", "n1", kInfinity, ""});
  EXPECT_FALSE(r.ok());
}

TEST(CibEditTest, NewIdsDoNotCollideWithExistingOnes) {
  // "nodes-2" is taken by a resource: the node's attribute set must get another id.
  std::string xml = kCib;
  xml.replace(xml.find("id=\"keep-me\""), 12, "id=\"nodes-2\"");
  const auto r = SetNodeAttribute(xml, "2", "n2", "standby", "on");
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_NE(r->find("id=\"nodes-2-1\""), std::string::npos) << *r;
  EXPECT_EQ(FindNode(Read(r), "n2")->attributes.at("standby"), "on");
}

TEST(CibEditTest, ASectionIsReplacedWhole) {
  const auto r = ReplaceSection(kCib, R"(<resources>
      <primitive id="web" class="ocf" provider="heartbeat" type="Dummy"/>
    </resources>)");
  // The colocation names ip and db, which are gone: the whole document no longer parses.
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_FALSE(Cib::Parse(*r, "edited").ok());
  const Model m = Read(ReplaceSection(*r, "<constraints/>"));
  ASSERT_EQ(m.primitives.size(), 1U);
  EXPECT_EQ(m.primitives[0].id, "web");
  EXPECT_TRUE(m.colocations.empty());
  EXPECT_EQ(FindNode(m, "n1")->id, "1") << "another section changed";
  const Model added = Read(ReplaceSection(kCib, R"(<rsc_defaults><meta_attributes id="rd">
      <nvpair id="rd-s" name="resource-stickiness" value="100"/></meta_attributes></rsc_defaults>)"));
  EXPECT_EQ(added.rsc_defaults.at("resource-stickiness"), "100");
  EXPECT_EQ(ReplaceSection(kCib, "<status/>").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ReplaceSection(kCib, "<resources>").status().code(), StatusCode::kParseError);
  // A second section after the first would be dropped: refused whole.
  const auto two = ReplaceSection(kCib, "<resources/><constraints/>");
  EXPECT_EQ(two.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(two.status().message(), "the section must be one element, not 2");
  EXPECT_FALSE(ReplaceSection(kCib, "<!-- nothing -->").ok());
}

TEST(CibEditTest, NotACibIsAnError) {
  EXPECT_EQ(SetNodeAttribute("<cib", "1", "n1", "standby", "on").status().code(), StatusCode::kParseError);
  EXPECT_EQ(PutLocation("<other/>", Location{}).status().code(), StatusCode::kParseError);
}

TEST(CibEditTest, TheStatusSectionReadsBackAsWritten) {
  NodeState s;
  s.id = "1";
  s.uname = "n1";
  s.in_ccm = true;
  s.crmd = "online";
  s.join = "member";
  s.expected = "member";
  s.transient["fail-count-ip#monitor_10000"] = "2";
  ResourceHistory h{"ip", "ocf", "heartbeat", "IPaddr", {}};
  OpRecord last{"ip_last_0", "start", 0, 4, 0, 0, "", 1700000000, "abc"};
  OpRecord failure{"ip_last_failure_0", "monitor", 10000, 7, 7, 0, "gone <away> & \"quoted\"", 1700000100, ""};
  h.ops = {last, failure};
  s.resources.push_back(h);
  NodeState down;
  down.id = "2";
  down.uname = "n2";
  down.crmd = "offline";
  down.join = "down";
  down.expected = "down";

  const Model m = Read(WithStatus(kCib, {s, down}));
  ASSERT_EQ(m.node_states.size(), 2U);
  const NodeState& r = m.node_states[0];
  EXPECT_EQ(r.uname, "n1");
  EXPECT_TRUE(r.in_ccm);
  EXPECT_EQ(r.crmd, "online");
  EXPECT_EQ(r.join, "member");
  EXPECT_EQ(r.transient, s.transient);
  ASSERT_EQ(r.resources.size(), 1U);
  EXPECT_EQ(r.resources[0].type, "IPaddr");
  ASSERT_EQ(r.resources[0].ops.size(), 2U);
  const OpRecord& f = r.resources[0].ops[1];
  EXPECT_EQ(f.id, "ip_last_failure_0");
  EXPECT_EQ(f.interval_ms, 10000);
  EXPECT_EQ(f.call_id, 7);
  EXPECT_EQ(f.rc, 7);
  EXPECT_EQ(f.exit_reason, failure.exit_reason);
  EXPECT_EQ(f.last_rc_change, 1700000100);
  EXPECT_EQ(r.resources[0].ops[0].op_digest, "abc");
  EXPECT_FALSE(m.node_states[1].in_ccm);
  EXPECT_EQ(m.node_states[1].join, "down");
  // Written twice, it replaces the section rather than adding a second.
  const auto twice = WithStatus(*WithStatus(kCib, {s}), {s});
  EXPECT_EQ(Read(twice).node_states.size(), 1U);
}

// crm_ticket's edits: a grant records last-granted once, attributes are set and removed, a cleanup
// removes the state; the status written for cib-query and the status a stored CIB keeps both
// hold the tickets, and nothing else of the status is stored.
TEST(CibEditTest, TicketStatesAreSetRemovedAndKeptWithTheStoredCib) {
  const auto granted = SetTicketState(kCib, "T", {{"granted", "true"}}, {}, 1700000000);
  Model m = Read(granted);
  ASSERT_NE(m.FindTicket("T"), nullptr);
  EXPECT_TRUE(m.FindTicket("T")->granted);
  EXPECT_EQ(m.FindTicket("T")->last_granted, 1700000000);
  // Granted again later: last-granted stays (it was granted already); standby and an attribute.
  const auto again = SetTicketState(*granted, "T", {{"granted", "yes"}, {"standby", "true"}, {"owner", "a"}}, {}, 1800000000);
  m = Read(again);
  EXPECT_EQ(m.FindTicket("T")->last_granted, 1700000000);
  EXPECT_TRUE(m.FindTicket("T")->standby);
  EXPECT_EQ(m.FindTicket("T")->attributes.at("owner"), "a");
  const auto erased = SetTicketState(*again, "T", {}, {"owner", "granted", "id"}, 1800000000);
  m = Read(erased);
  EXPECT_FALSE(m.FindTicket("T")->granted);
  EXPECT_EQ(m.FindTicket("T")->attributes.count("owner"), 0U);
  EXPECT_EQ(m.FindTicket("T")->attributes.at("id"), "T");
  // Nothing to set on a ticket without a state: none is made.
  EXPECT_EQ(Read(SetTicketState(kCib, "U", {}, {"granted"}, 1)).FindTicket("U"), nullptr);

  // cib-query's status keeps the tickets beside the node states.
  NodeState s;
  s.id = "1";
  s.uname = "n1";
  const Model live = Read(WithStatus(*again, {s}));
  EXPECT_EQ(live.node_states.size(), 1U);
  ASSERT_NE(live.FindTicket("T"), nullptr);
  EXPECT_TRUE(live.FindTicket("T")->standby);
  // A stored CIB keeps them and drops the node states.
  auto stored = Cib::Parse(*WithStatus(*again, {s}), "stored");
  ASSERT_TRUE(stored.ok());
  stored->ClearStatus();
  const Model kept = Read(stored->Serialize());
  EXPECT_TRUE(kept.node_states.empty());
  ASSERT_NE(kept.FindTicket("T"), nullptr);
  EXPECT_TRUE(kept.FindTicket("T")->granted);

  // A document without a tickets section (a configuration sent back without its status) keeps
  // the tickets it replaces; one with a tickets section, even empty, sets them.
  auto configuration_only = Cib::Parse(kCib, "sent");
  ASSERT_TRUE(configuration_only.ok());
  configuration_only->KeepTicketsOf(*stored);
  ASSERT_NE(configuration_only->model().FindTicket("T"), nullptr);
  EXPECT_NE(Read(configuration_only->Serialize()).FindTicket("T"), nullptr);
  auto emptied = Cib::Parse(*DeleteTicketState(*again, "T"), "sent");
  ASSERT_TRUE(emptied.ok());
  emptied->KeepTicketsOf(*stored);
  EXPECT_EQ(emptied->model().FindTicket("T"), nullptr);

  bool removed = false;
  const auto cleaned = DeleteTicketState(*again, "T", &removed);
  EXPECT_TRUE(removed);
  EXPECT_EQ(Read(cleaned).FindTicket("T"), nullptr);
  EXPECT_TRUE(DeleteTicketState(*cleaned, "T", &removed).ok());
  EXPECT_FALSE(removed);
}

}  // namespace
}  // namespace vigil::cib
