// The DC's controller without a cluster: what it plans from the reports it holds.
#include "cluster/daemon/dc_controller.h"

#include <gtest/gtest.h>

#include <set>

#include "cluster/cib/digest.h"
#include "cluster/lrm/executor_client.h"

namespace vigil::daemon {
namespace {

constexpr const char* kCib =
    "<cib admin_epoch=\"0\" epoch=\"1\" num_updates=\"0\"><configuration><crm_config>"
    "<cluster_property_set id=\"o\"><nvpair id=\"o-s\" name=\"stonith-enabled\" value=\"false\"/>"
    "</cluster_property_set></crm_config><nodes/><resources>"
    "<primitive id=\"d1\" class=\"ocf\" provider=\"heartbeat\" type=\"Dummy\"/>"
    "</resources><constraints/></configuration><status/></cib>";

// The DC n1 with members n1 and n3 (n2 is out of its view), in term 3.
class DcControllerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto parsed = cib::Cib::Parse(kCib, "test");
    ASSERT_TRUE(parsed.ok()) << parsed.status().message();
    cib_ = std::move(*parsed);
    self_.id = "1";
    self_.uname = "n1";
    in_.config = &cib_.model();
    in_.members = &members_;
    in_.names = &names_;
    in_.quorate = true;
    in_.acting = true;
    in_.views_agree = true;
    in_.term = 3;
    in_.self_state = &self_;
  }
  peer::NodeUpdate ReportOfN3(uint64_t term) const {
    peer::NodeUpdate update;
    update.term = term;
    update.state.id = "3";
    update.state.uname = "n3";
    return update;
  }

  cib::Cib cib_;
  const std::vector<uint32_t> members_ = {1, 3};
  const std::map<uint32_t, std::string> names_ = {{1, "n1"}, {2, "n2"}, {3, "n3"}};
  cib::NodeState self_;
  DcInputs in_;
  std::vector<std::pair<uint32_t, std::string>> sent_;
  std::vector<peer::Execute> steps_;  // what sent_ lists, whole
  std::set<uint32_t> unreachable_;  // no link to these
  DcController controller_{1, [this](uint32_t node, const peer::Execute& e) {
                           if (unreachable_.count(node)) return false;
                           sent_.emplace_back(node, e.action);
                           steps_.push_back(e);
                           return true;
                         }};
};

TEST_F(DcControllerTest, AReportFromAnotherDcTermIsNotPlannedOn) {
  // n3 reported to this node in term 1, before n2 (which may run d1 now) and n3 formed another
  // partition: that report must not count.
  controller_.OnNodeUpdate(3, ReportOfN3(1));
  controller_.Update(in_);
  EXPECT_TRUE(sent_.empty());
  const auto events = TextsOf(controller_.TakeEvents());
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events.back(), "waiting for the resource state of n3");
  // Its report for this term: now the DC plans (probes d1 on both members first).
  controller_.OnNodeUpdate(3, ReportOfN3(3));
  controller_.Update(in_);
  ASSERT_EQ(sent_.size(), 2U);
  EXPECT_EQ(sent_[0].second, "monitor");
}

TEST_F(DcControllerTest, NothingIsPlannedWhileAMemberStillHearsALostNode) {
  // n3 still hears n2, which this DC has lost: n2 may be running d1.
  in_.views_agree = false;
  controller_.OnNodeUpdate(3, ReportOfN3(3));
  controller_.Update(in_);
  controller_.Update(in_);
  EXPECT_TRUE(sent_.empty());
  EXPECT_EQ(TextsOf(controller_.TakeEvents()), std::vector<std::string>{"waiting for the members to agree on who is up"});
  // n3 has lost n2 too: the plan goes ahead.
  in_.views_agree = true;
  controller_.Update(in_);
  ASSERT_EQ(sent_.size(), 2U);
  EXPECT_EQ(sent_[0].second, "monitor");
}

TEST_F(DcControllerTest, AStepThatCannotBeSentHoldsThePlanUntilTheNodeReportsAgain) {
  unreachable_ = {3};
  controller_.OnNodeUpdate(3, ReportOfN3(3));
  controller_.Update(in_);
  ASSERT_EQ(sent_.size(), 1U);  // n1's probe went; n3's could not
  EXPECT_EQ(sent_[0].first, 1U);
  controller_.OnOwnResult(1);  // n1's probe (the first token) answered
  controller_.Update(in_);
  const auto events = TextsOf(controller_.TakeEvents());
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events.back(), "waiting for the resource state of n3");
  EXPECT_EQ(sent_.size(), 1U);
  // Linked again, it reports afresh: its probe goes out.
  unreachable_.clear();
  controller_.OnNodeUpdate(3, ReportOfN3(3));
  controller_.Update(in_);
  ASSERT_FALSE(sent_.empty());
  EXPECT_EQ(sent_.back(), (std::pair<uint32_t, std::string>{3, "monitor"}));
}

TEST_F(DcControllerTest, AStepLostWithItsLinkDoesNotStallTheDc) {
  controller_.OnNodeUpdate(3, ReportOfN3(3));
  controller_.Update(in_);
  ASSERT_EQ(sent_.size(), 2U);  // probes on n1 and n3, in flight
  TextsOf(controller_.TakeEvents());
  // The link to n3 closes before its answer: without forgetting the step the DC would wait for it
  // for ever; now it waits for n3's fresh report instead.
  controller_.OnUnlinked(3);
  controller_.OnOwnResult(1);  // n1's probe answered
  controller_.Update(in_);
  EXPECT_EQ(TextsOf(controller_.TakeEvents()), std::vector<std::string>{"waiting for the resource state of n3"});
}

// Put in maintenance, a running resource is left alone: its recurring monitor is cancelled (and
// no new one started), and nothing starts or stops it.
TEST_F(DcControllerTest, AResourceInMaintenanceHasItsMonitorCancelledAndIsLeftAlone) {
  auto parsed = cib::Cib::Parse(
      "<cib admin_epoch=\"0\" epoch=\"2\" num_updates=\"0\"><configuration><crm_config>"
      "<cluster_property_set id=\"o\"><nvpair id=\"o-s\" name=\"stonith-enabled\" value=\"false\"/>"
      "</cluster_property_set></crm_config><nodes/><resources>"
      "<primitive id=\"d1\" class=\"ocf\" provider=\"heartbeat\" type=\"Dummy\">"
      "<meta_attributes id=\"d1-m\"><nvpair id=\"d1-m-m\" name=\"maintenance\" value=\"true\"/></meta_attributes>"
      "<operations><op id=\"d1-mon\" name=\"monitor\" interval=\"10s\"/></operations></primitive>"
      "</resources><constraints/></configuration><status/></cib>",
      "test");
  ASSERT_TRUE(parsed.ok()) << parsed.status().message();
  cib_ = std::move(*parsed);
  in_.config = &cib_.model();
  auto record = [](const std::string& id, const std::string& operation, int64_t interval_ms, int rc) {
    cib::OpRecord r;
    r.id = id;
    r.operation = operation;
    r.interval_ms = interval_ms;
    r.rc = rc;
    r.call_id = 1;
    return r;
  };
  self_.resources = {{"d1", "ocf", "heartbeat", "Dummy",
                      {record("d1_last_0", "start", 0, 0), record("d1_monitor_10000", "monitor", 10000, 0)}}};
  peer::NodeUpdate n3 = ReportOfN3(3);
  n3.state.resources = {{"d1", "ocf", "heartbeat", "Dummy", {record("d1_last_0", "monitor", 0, 7)}}};
  controller_.OnNodeUpdate(3, n3);
  controller_.Update(in_);
  EXPECT_EQ(sent_, (std::vector<std::pair<uint32_t, std::string>>{{1, "cancel"}}));
  // Cancelled (the record gone): nothing more is asked of any node.
  self_.resources[0].ops.pop_back();
  controller_.OnOwnResult(1);
  controller_.Update(in_);
  EXPECT_EQ(sent_.size(), 1U);
}

// A call made while no executor child runs ends as the child's death ends one: a recurring
// monitor cancelled (so its owner stops counting it as running), a one-shot call failed.
TEST(ExecutorClientTest, ACallMadeWhileNoChildRunsEndsAsADeathWould) {
  lrm::ExecutorClient client({"/nonexistent"});  // never started
  std::vector<OperationResult> results;
  Operation monitor;
  monitor.resource = "d";
  monitor.action = "monitor";
  monitor.interval = std::chrono::milliseconds(10000);
  Operation start = monitor;
  start.action = "start";
  start.interval = std::chrono::milliseconds(0);
  client.Submit(monitor, [&](const OperationResult& r) { results.push_back(r); });
  client.Submit(start, [&](const OperationResult& r) { results.push_back(r); });
  PollSet set(std::chrono::steady_clock::now());
  client.Arm(set);
  (void)set.Wait();  // the refusals are due at once: no wait
  client.Dispatch(set, std::chrono::steady_clock::now());
  ASSERT_EQ(results.size(), 2u);
  EXPECT_EQ(results[0].status, ExecStatus::kCancelled);
  EXPECT_EQ(results[1].status, ExecStatus::kError);
  EXPECT_EQ(results[1].reason, "the executor child is not running");
}

cib::OpRecord Op(const std::string& id, const std::string& operation, int64_t interval_ms, int call, int rc) {
  cib::OpRecord o;
  o.id = id;
  o.operation = operation;
  o.interval_ms = interval_ms;
  o.call_id = call;
  o.rc = rc;
  // Started with the parameters configured (none): no definition change.
  if (interval_ms == 0) o.op_digest = cib::ParametersDigest({}).value_or("");
  return o;
}

// Promoting an instance whose monitor expects the Unpromoted role's 0: that monitor is cancelled
// first (it would fail on the 8 a promoted instance answers), and the Promoted role's monitor,
// expecting 8, is started once the promotion is done.
TEST_F(DcControllerTest, APromotionCancelsTheUnpromotedMonitorFirstAndStartsThePromotedOne) {
  auto parsed = cib::Cib::Parse(
      "<cib admin_epoch=\"0\" epoch=\"1\" num_updates=\"0\"><configuration><crm_config>"
      "<cluster_property_set id=\"o\"><nvpair id=\"o-s\" name=\"stonith-enabled\" value=\"false\"/>"
      "</cluster_property_set></crm_config><nodes/><resources><clone id=\"ms\"><meta_attributes id=\"ms-m\">"
      "<nvpair id=\"ms-p\" name=\"promotable\" value=\"true\"/></meta_attributes>"
      "<primitive id=\"st\" class=\"ocf\" provider=\"pacemaker\" type=\"Stateful\"><operations>"
      "<op id=\"st-p\" name=\"monitor\" interval=\"10s\" role=\"Promoted\"/>"
      "<op id=\"st-u\" name=\"monitor\" interval=\"11s\" role=\"Unpromoted\"/></operations></primitive></clone>"
      "</resources><constraints/></configuration><status/></cib>",
      "test");
  ASSERT_TRUE(parsed.ok()) << parsed.status().message();
  cib_ = std::move(*parsed);
  in_.config = &cib_.model();
  const cib::ResourceHistory unpromoted{"st", "ocf", "pacemaker", "Stateful",
                                        {Op("st_last_0", "start", 0, 2, 0), Op("st_monitor_11000", "monitor", 11000, 3, 0)}};
  self_.resources = {unpromoted};
  self_.transient["master-st"] = "10";
  peer::NodeUpdate n3 = ReportOfN3(3);
  n3.state.resources = {unpromoted};
  n3.state.transient["master-st"] = "5";
  controller_.OnNodeUpdate(3, n3);
  controller_.Update(in_);
  ASSERT_EQ(sent_.size(), 1U);
  EXPECT_EQ(sent_[0], std::make_pair(1U, std::string("cancel")));
  // The cancel is done: the monitor's record is gone, the promotion goes.
  self_.resources[0].ops.pop_back();
  controller_.OnOwnResult(steps_.back().token);
  controller_.Update(in_);
  ASSERT_EQ(sent_.size(), 2U);
  EXPECT_EQ(sent_[1], std::make_pair(1U, std::string("promote")));
  // Promoted: the Promoted role's monitor, told to expect 8; n3 keeps its Unpromoted one.
  self_.resources[0].ops.push_back(Op("st_last_0", "promote", 0, 4, 0));
  self_.resources[0].ops.erase(self_.resources[0].ops.begin());
  controller_.OnOwnResult(steps_.back().token);
  controller_.Update(in_);
  ASSERT_EQ(sent_.size(), 3U);
  EXPECT_EQ(sent_[2], std::make_pair(1U, std::string("monitor")));
  EXPECT_EQ(steps_.back().interval_ms, 10000);
  EXPECT_EQ(steps_.back().meta.at("op_target_rc"), "8");
}

// allow-migrate and a preference for n3: the DC migrates d1 from n1 one step at a time, each
// planned from what the nodes report: migrate_to on n1 (told where to), migrate_from on n3 (told
// where from), then the stop on n1. No start is ever sent.
TEST_F(DcControllerTest, AMigratingResourceGoesByMigrateToMigrateFromAndTheSourcesStop) {
  auto parsed = cib::Cib::Parse(
      "<cib admin_epoch=\"0\" epoch=\"2\" num_updates=\"0\"><configuration><crm_config>"
      "<cluster_property_set id=\"o\"><nvpair id=\"o-s\" name=\"stonith-enabled\" value=\"false\"/>"
      "</cluster_property_set></crm_config><nodes/><resources>"
      "<primitive id=\"d1\" class=\"ocf\" provider=\"heartbeat\" type=\"Dummy\">"
      "<meta_attributes id=\"d1-m\"><nvpair id=\"d1-m-a\" name=\"allow-migrate\" value=\"true\"/></meta_attributes>"
      "</primitive></resources><constraints>"
      "<rsc_location id=\"prefer\" rsc=\"d1\" node=\"n3\" score=\"INFINITY\"/></constraints></configuration><status/></cib>",
      "test");
  ASSERT_TRUE(parsed.ok()) << parsed.status().message();
  cib_ = std::move(*parsed);
  in_.config = &cib_.model();
  auto migration = [](const std::string& operation, int call) {
    cib::OpRecord o = Op("d1_" + operation + "_0", operation, 0, call, 0);
    o.migrate_source = "n1";
    o.migrate_target = "n3";
    return o;
  };
  self_.resources = {{"d1", "ocf", "heartbeat", "Dummy", {Op("d1_last_0", "start", 0, 2, 0)}}};
  peer::NodeUpdate n3 = ReportOfN3(3);
  n3.state.resources = {{"d1", "ocf", "heartbeat", "Dummy", {Op("d1_last_0", "monitor", 0, 2, 7)}}};
  controller_.OnNodeUpdate(3, n3);
  controller_.Update(in_);
  ASSERT_EQ(sent_.size(), 1U);
  EXPECT_EQ(sent_[0], std::make_pair(1U, std::string("migrate_to")));
  EXPECT_EQ(steps_[0].meta.at("migrate_source"), "n1");
  EXPECT_EQ(steps_[0].meta.at("migrate_target"), "n3");

  // Migrated away from n1 (a partial migration): it goes on where it was going.
  self_.resources[0].ops.push_back(migration("migrate_to", 3));
  controller_.OnOwnResult(steps_.back().token);
  controller_.Update(in_);
  ASSERT_EQ(sent_.size(), 2U);
  EXPECT_EQ(sent_[1], std::make_pair(3U, std::string("migrate_from")));
  EXPECT_EQ(steps_[1].meta.at("migrate_source"), "n1");
  EXPECT_EQ(steps_[1].meta.at("migrate_target"), "n3");

  // Arrived on n3: what is left is the stop on n1.
  n3.state.resources[0].ops.push_back(migration("migrate_from", 3));
  n3.completed = steps_.back().token;
  controller_.OnNodeUpdate(3, n3);
  controller_.Update(in_);
  ASSERT_EQ(sent_.size(), 3U);
  EXPECT_EQ(sent_[2], std::make_pair(1U, std::string("stop")));

  // Stopped there: done, nothing else is asked of either node.
  self_.resources[0].ops[0] = Op("d1_last_0", "stop", 0, 4, 0);
  controller_.OnOwnResult(steps_.back().token);
  controller_.Update(in_);
  EXPECT_EQ(sent_.size(), 3U);
  for (const auto& [node, action] : sent_) EXPECT_NE(action, "start");
}

}  // namespace
}  // namespace vigil::daemon

namespace vigil::daemon {
namespace {

// An operation's own instance_attributes (crm resource trace's trace_ra) go to the agent with
// that operation only: the start gets them, the probe does not.
TEST_F(DcControllerTest, AnOperationsOwnParametersGoWithThatOperationOnly) {
  auto parsed = cib::Cib::Parse(
      "<cib admin_epoch=\"0\" epoch=\"2\" num_updates=\"0\"><configuration><crm_config>"
      "<cluster_property_set id=\"o\"><nvpair id=\"o-s\" name=\"stonith-enabled\" value=\"false\"/>"
      "</cluster_property_set></crm_config><nodes/><resources>"
      "<primitive id=\"d1\" class=\"ocf\" provider=\"heartbeat\" type=\"Dummy\">"
      "<instance_attributes id=\"d1-i\"><nvpair id=\"d1-i-f\" name=\"fake\" value=\"x\"/></instance_attributes>"
      "<operations><op id=\"d1-start-0\" name=\"start\" interval=\"0\"><instance_attributes id=\"d1-start-0-ia\">"
      "<nvpair id=\"d1-start-0-tr\" name=\"trace_ra\" value=\"1\"/></instance_attributes></op></operations>"
      "</primitive></resources><constraints>"
      "<rsc_location id=\"prefer\" rsc=\"d1\" node=\"n1\" score=\"INFINITY\"/></constraints></configuration><status/></cib>",
      "test");
  ASSERT_TRUE(parsed.ok()) << parsed.status().message();
  cib_ = std::move(*parsed);
  in_.config = &cib_.model();
  controller_.OnNodeUpdate(3, ReportOfN3(3));
  controller_.Update(in_);
  ASSERT_EQ(sent_.size(), 2U);  // the probes
  EXPECT_EQ(steps_[0].action, "monitor");
  EXPECT_EQ(steps_[0].params.count("trace_ra"), 0U);
  EXPECT_EQ(steps_[0].params.at("fake"), "x");
  self_.resources = {{"d1", "ocf", "heartbeat", "Dummy", {Op("d1_last_0", "monitor", 0, 1, 7)}}};
  peer::NodeUpdate n3 = ReportOfN3(3);
  n3.state.resources = self_.resources;
  n3.completed = steps_[1].token;
  controller_.OnOwnResult(steps_[0].token);
  controller_.OnNodeUpdate(3, n3);
  controller_.Update(in_);
  ASSERT_EQ(sent_.size(), 3U);
  EXPECT_EQ(sent_[2], std::make_pair(1U, std::string("start")));
  EXPECT_EQ(steps_[2].params.at("trace_ra"), "1");
  EXPECT_EQ(steps_[2].params.at("fake"), "x");
}

// resource-discovery: a never location keeps the DC from probing the resource on that node, an
// exclusive one from probing it anywhere else.
TEST_F(DcControllerTest, ResourceDiscoveryDecidesWhereTheDcProbes) {
  const std::vector<std::pair<std::string, std::vector<uint32_t>>> cases = {
      {"<rsc_location id=\"l\" rsc=\"d1\" node=\"n3\" score=\"0\" resource-discovery=\"never\"/>", {1}},
      {"<rsc_location id=\"l\" rsc=\"d1\" node=\"n3\" score=\"0\" resource-discovery=\"exclusive\"/>", {3}},
      {"<rsc_location id=\"l\" rsc=\"d1\" node=\"n3\" score=\"0\" resource-discovery=\"always\"/>", {1, 3}},
  };
  for (const auto& [location, probed] : cases) {
    auto parsed = cib::Cib::Parse(
        "<cib admin_epoch=\"0\" epoch=\"1\" num_updates=\"0\"><configuration><crm_config>"
        "<cluster_property_set id=\"o\"><nvpair id=\"o-s\" name=\"stonith-enabled\" value=\"false\"/>"
        "</cluster_property_set></crm_config><nodes/><resources>"
        "<primitive id=\"d1\" class=\"ocf\" provider=\"heartbeat\" type=\"Dummy\"/></resources><constraints>" +
            location + "</constraints></configuration><status/></cib>",
        "test");
    ASSERT_TRUE(parsed.ok()) << parsed.status().message();
    cib_ = std::move(*parsed);
    in_.config = &cib_.model();
    sent_.clear();
    DcController controller(1, [this](uint32_t node, const peer::Execute& e) {
      sent_.emplace_back(node, e.action);
      return true;
    });
    controller.OnNodeUpdate(3, ReportOfN3(3));
    controller.Update(in_);
    std::vector<uint32_t> nodes;
    for (const auto& [node, action] : sent_) {
      EXPECT_EQ(action, "monitor");
      nodes.push_back(node);
    }
    EXPECT_EQ(nodes, probed) << location;
  }
}

// The configuration changed d1's agent while it runs on n1: the DC restarts it there, the stop by
// the agent that started it, the start by the configured one.
TEST_F(DcControllerTest, AChangedAgentIsStoppedByTheOldOneAndStartedByTheNew) {
  auto parsed = cib::Cib::Parse(
      "<cib admin_epoch=\"0\" epoch=\"2\" num_updates=\"0\"><configuration><crm_config>"
      "<cluster_property_set id=\"o\"><nvpair id=\"o-s\" name=\"stonith-enabled\" value=\"false\"/>"
      "</cluster_property_set></crm_config><nodes/><resources>"
      "<primitive id=\"d1\" class=\"ocf\" provider=\"pacemaker\" type=\"Dummy\"/></resources>"
      "<constraints><rsc_location id=\"l\" rsc=\"d1\" node=\"n1\" score=\"100\"/></constraints></configuration><status/></cib>",
      "test");
  ASSERT_TRUE(parsed.ok()) << parsed.status().message();
  cib_ = std::move(*parsed);
  in_.config = &cib_.model();
  self_.resources = {{"d1", "ocf", "heartbeat", "Dummy", {Op("d1_last_0", "start", 0, 2, 0)}}};
  peer::NodeUpdate n3 = ReportOfN3(3);
  n3.state.resources = {{"d1", "ocf", "pacemaker", "Dummy", {Op("d1_last_0", "monitor", 0, 2, 7)}}};
  controller_.OnNodeUpdate(3, n3);
  controller_.Update(in_);
  ASSERT_EQ(sent_.size(), 1U);
  EXPECT_EQ(sent_[0], std::make_pair(1U, std::string("stop")));
  EXPECT_EQ(cib::AgentName(steps_[0].standard, steps_[0].provider, steps_[0].type), "ocf:heartbeat:Dummy");
  self_.resources[0].ops[0] = Op("d1_last_0", "stop", 0, 3, 0);
  controller_.OnOwnResult(steps_.back().token);
  controller_.Update(in_);
  ASSERT_EQ(sent_.size(), 2U);
  EXPECT_EQ(sent_[1], std::make_pair(1U, std::string("start")));
  EXPECT_EQ(cib::AgentName(steps_[1].standard, steps_[1].provider, steps_[1].type), "ocf:pacemaker:Dummy");
}

// Fencing enabled (Pacemaker's default), one fence device for every node, and d1.
constexpr const char* kFencingCib =
    "<cib admin_epoch=\"0\" epoch=\"1\" num_updates=\"0\"><configuration><crm_config>"
    "<cluster_property_set id=\"o\">%s</cluster_property_set></crm_config><nodes/><resources>"
    "<primitive id=\"f1\" class=\"stonith\" type=\"fence_dummy\"><instance_attributes id=\"f1-i\">"
    "<nvpair id=\"f1-c\" name=\"pcmk_host_check\" value=\"none\"/>"
    "<nvpair id=\"f1-t\" name=\"pcmk_monitor_timeout\" value=\"33s\"/></instance_attributes></primitive>"
    "<primitive id=\"d1\" class=\"ocf\" provider=\"heartbeat\" type=\"Dummy\"/>"
    "</resources><constraints/></configuration><status/></cib>";

// The DC n1 with member n3; n2, which the previous DC had up running d1, is gone.
class DcFencingTest : public ::testing::Test {
 protected:
  void Load(const std::string& properties) {
    std::string xml = kFencingCib;
    xml.replace(xml.find("%s"), 2, properties);
    auto parsed = cib::Cib::Parse(xml, "test");
    ASSERT_TRUE(parsed.ok()) << parsed.status().message();
    cib_ = std::move(*parsed);
    in_.config = &cib_.model();
  }
  void SetUp() override {
    Load("");
    self_ = Probed("1", "n1");
    in_.members = &members_;
    in_.names = &names_;
    in_.quorate = true;
    in_.acting = true;
    in_.views_agree = true;
    in_.term = 3;
    in_.self_state = &self_;
    cib::NodeState n2;
    n2.id = "2";
    n2.uname = "n2";
    n2.in_ccm = true;
    n2.crmd = "online";
    n2.join = "member";
    n2.expected = "member";
    n2.resources.push_back({"d1", "ocf", "heartbeat", "Dummy", {Op("d1_last_0", "start", 0, 3, 0)}});
    shared_.states = {self_, n2};
    in_.shared = &shared_;
  }
  static cib::NodeState Probed(const std::string& id, const std::string& name) {
    cib::NodeState s;
    s.id = id;
    s.uname = name;
    s.resources.push_back({"f1", "stonith", "", "fence_dummy", {Op("f1_last_0", "monitor", 0, 1, 7)}});
    s.resources.push_back({"d1", "ocf", "heartbeat", "Dummy", {Op("d1_last_0", "monitor", 0, 2, 7)}});
    return s;
  }
  void ReportN3(bool leaving = false) { controller_.OnNodeUpdate(3, peer::NodeUpdate{0, 3, n3_, leaving}); }
  bool Started(const std::string& rsc) const {
    return std::any_of(steps_.begin(), steps_.end(), [&](const peer::Execute& e) { return e.rsc == rsc && e.action == "start"; });
  }

  cib::Cib cib_;
  std::vector<uint32_t> members_ = {1, 3};
  const std::map<uint32_t, std::string> names_ = {{1, "n1"}, {2, "n2"}, {3, "n3"}};
  cib::NodeState self_;
  cib::NodeState n3_ = Probed("3", "n3");
  peer::StatusCopy shared_;
  DcInputs in_;
  std::vector<peer::Execute> steps_;
  std::vector<std::pair<uint32_t, peer::FenceRequest>> fences_;
  DcController controller_{1,
                           [this](uint32_t, const peer::Execute& e) {
                             steps_.push_back(e);
                             return true;
                           },
                           [this](uint32_t node, const peer::FenceRequest& r) {
                             fences_.emplace_back(node, r);
                             return true;
                           }};
};

TEST_F(DcFencingTest, ANodeLostWhileUpIsFencedBeforeItsResourceStartsElsewhere) {
  ReportN3();
  controller_.Update(in_);
  ASSERT_EQ(fences_.size(), 1U);
  EXPECT_EQ(fences_[0].first, 1U);  // f1 runs nowhere yet: the DC runs it
  EXPECT_EQ(fences_[0].second.target, "n2");
  EXPECT_EQ(fences_[0].second.action, "reboot");
  EXPECT_TRUE(steps_.empty());
  // n2 shows as unclean, with d1 still counted there.
  const cib::Model snapshot = controller_.Snapshot(in_);
  const auto n2 = std::find_if(snapshot.node_states.begin(), snapshot.node_states.end(), [](const auto& s) { return s.uname == "n2"; });
  ASSERT_NE(n2, snapshot.node_states.end());
  EXPECT_EQ(n2->expected, "member");
  EXPECT_FALSE(n2->in_ccm);
  EXPECT_EQ(n2->resources.size(), 1U);
  // Nothing moves while the fence runs, whatever else changes.
  ReportN3();
  controller_.Update(in_);
  EXPECT_TRUE(steps_.empty());
  EXPECT_EQ(fences_.size(), 1U);
  EXPECT_EQ(TextsOf(controller_.TakeEvents()).back(), "waiting for the fencing of n2");
  // Fenced: d1 counts as stopped, and the plan goes on.
  controller_.OnFenceResult({fences_[0].second.token, 0, 0, "", ""});
  controller_.Update(in_);
  ASSERT_FALSE(steps_.empty());
  EXPECT_EQ(steps_[0].action, "start");
  const auto history = controller_.FenceHistory();
  ASSERT_EQ(history.size(), 1U);
  EXPECT_EQ(history[0].state, peer::FenceEvent::State::kDone);
  const cib::Model after = controller_.Snapshot(in_);
  for (const auto& s : after.node_states) {
    if (s.uname == "n2") {
      EXPECT_EQ(s.expected, "down");
    }
  }
}

TEST_F(DcFencingTest, AFailingFenceKeepsTheResourceBlockedAndIsGivenUpAfterStonithMaxAttempts) {
  Load("<nvpair id=\"o-m\" name=\"stonith-max-attempts\" value=\"1\"/>");
  ReportN3();
  controller_.Update(in_);
  for (size_t i = 0; i < 2; ++i) {  // pcmk_reboot_retries: two runs in all
    ASSERT_EQ(fences_.size(), i + 1);
    controller_.OnFenceResult({fences_[i].second.token, 0, 1, "BMC unreachable", ""});
    controller_.Update(in_);
  }
  // Given up: the rest is planned (f1 starts), d1 stays blocked on the unclean n2.
  EXPECT_FALSE(Started("d1"));
  EXPECT_TRUE(Started("f1"));
  // Its start checks the device within pcmk_monitor_timeout.
  for (const auto& e : steps_) {
    if (e.rsc == "f1" && e.action == "start") {
      EXPECT_EQ(e.timeout_ms, 33000);
    }
  }
  const auto history = controller_.FenceHistory();
  ASSERT_EQ(history.size(), 1U);
  EXPECT_EQ(history[0].state, peer::FenceEvent::State::kFailed);
  EXPECT_EQ(history[0].reason, "f1: BMC unreachable");
}

TEST_F(DcFencingTest, ANodeThatAnnouncedItsShutdownIsNotFencedOnceGone) {
  n3_.resources[1].ops[0] = Op("d1_last_0", "stop", 0, 4, 0);
  // n2 was down (cleanly) under the previous DC.
  cib::NodeState& n2 = shared_.states.back();
  n2.in_ccm = false;
  n2.crmd = "offline";
  n2.join = "down";
  n2.expected = "down";
  n2.resources.clear();
  ReportN3(/*leaving=*/true);
  controller_.Update(in_);
  for (const auto& e : steps_) controller_.OnOwnResult(e.token);
  const size_t before = steps_.size();
  members_ = {1};
  controller_.Update(in_);
  EXPECT_TRUE(fences_.empty());
  ASSERT_GT(steps_.size(), before);  // the plan goes on at once
  EXPECT_EQ(steps_.back().action, "start");
  for (const auto& s : controller_.Snapshot(in_).node_states) {
    if (s.uname == "n3") {
      EXPECT_EQ(s.expected, "down");
    }
  }
}

TEST_F(DcFencingTest, WithoutFencingALostNodeIsTakenAsCleanlyDown) {
  Load("<nvpair id=\"o-s\" name=\"stonith-enabled\" value=\"false\"/>");
  ReportN3();
  controller_.Update(in_);
  EXPECT_TRUE(fences_.empty());
  EXPECT_TRUE(Started("d1") || Started("f1"));
}

// startup-fencing: n2 was never seen (no report, no state in the shared status); it may be
// starting, so it gets dc-deadtime to join; then it is fenced before anything starts.
TEST_F(DcFencingTest, ANodeNeverSeenIsFencedOnlyOnceDcDeadtimeHasPassed) {
  shared_.states.pop_back();
  ReportN3();
  controller_.Update(in_);
  EXPECT_TRUE(fences_.empty());
  EXPECT_TRUE(steps_.empty());
  const auto events = TextsOf(controller_.TakeEvents());
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events.back(), "waiting for n2 to join (never seen: fenced once dc-deadtime has passed, startup-fencing)");
  ASSERT_TRUE(controller_.NextWake().has_value());
  EXPECT_EQ(*controller_.NextWake(), in_.now + std::chrono::seconds(20));
  in_.now += std::chrono::seconds(19);
  controller_.Update(in_);
  EXPECT_TRUE(fences_.empty());
  in_.now += std::chrono::seconds(1);
  controller_.Update(in_);
  ASSERT_EQ(fences_.size(), 1U);
  EXPECT_EQ(fences_[0].second.target, "n2");
  EXPECT_TRUE(steps_.empty());
}

// It joins in time: nothing is fenced, and the plan goes on.
TEST_F(DcFencingTest, ANodeNeverSeenThatJoinsInTimeIsNotFenced) {
  shared_.states.pop_back();
  ReportN3();
  controller_.Update(in_);
  EXPECT_TRUE(fences_.empty());
  members_ = {1, 2, 3};
  cib::NodeState n2 = Probed("2", "n2");
  controller_.OnNodeUpdate(2, peer::NodeUpdate{0, 3, n2, false});
  in_.now += std::chrono::seconds(5);
  controller_.Update(in_);
  EXPECT_TRUE(fences_.empty());
  ASSERT_FALSE(steps_.empty());
  EXPECT_EQ(steps_[0].action, "start");
}

// The fence rebooted n2, which came back and reported before the fence's answer arrived: that
// report is its new life's (another incarnation) and stays; the plan goes on with it.
TEST_F(DcFencingTest, AReportFromANodeRebootedByItsFenceOutlivesTheLateAnswer) {
  ReportN3();
  controller_.Update(in_);
  ASSERT_EQ(fences_.size(), 1U);
  members_ = {1, 2, 3};
  controller_.OnNodeUpdate(2, peer::NodeUpdate{0, 3, Probed("2", "n2"), false, 77});
  controller_.Update(in_);
  for (const auto& e : steps_) controller_.OnOwnResult(e.token);
  controller_.OnFenceResult({fences_[0].second.token, 0, 0, "", ""});
  controller_.Update(in_);
  for (const auto& e : TextsOf(controller_.TakeEvents())) EXPECT_NE(e, "waiting for the resource state of n2");
  for (const auto& s : controller_.Snapshot(in_).node_states) {
    if (s.uname == "n2") {
      EXPECT_TRUE(s.in_ccm);
      EXPECT_EQ(s.join, "member");
    }
  }
}

}  // namespace
}  // namespace vigil::daemon
