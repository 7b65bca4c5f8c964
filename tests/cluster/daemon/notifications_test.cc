// Clone notification rounds from a plan: who is told, before and after, and what.
#include "cluster/daemon/notifications.h"

#include <gtest/gtest.h>

namespace vigil::daemon {
namespace {

// A notify=true clone of three instances on three nodes: d runs on n1 (promoted, with the
// agent's score) and n2; nothing runs on n3 yet.
constexpr const char* kCib =
    "<cib admin_epoch=\"0\" epoch=\"1\" num_updates=\"0\" have-quorum=\"1\"><configuration><crm_config>"
    "<cluster_property_set id=\"o\"><nvpair id=\"o-s\" name=\"stonith-enabled\" value=\"false\"/></cluster_property_set>"
    "</crm_config><nodes><node id=\"1\" uname=\"n1\"/><node id=\"2\" uname=\"n2\"/><node id=\"3\" uname=\"n3\"/></nodes>"
    "<resources><clone id=\"ms\"><meta_attributes id=\"ms-m\"><nvpair id=\"ms-p\" name=\"promotable\" value=\"true\"/>"
    "<nvpair id=\"ms-n\" name=\"notify\" value=\"true\"/></meta_attributes>"
    "<primitive id=\"d\" class=\"ocf\" provider=\"pacemaker\" type=\"Stateful\"/></clone>"
    "<primitive id=\"plain\" class=\"ocf\" provider=\"heartbeat\" type=\"Dummy\"/></resources><constraints/></configuration>"
    "<status>"
    "<node_state id=\"1\" uname=\"n1\" in_ccm=\"true\" crmd=\"online\" join=\"member\" expected=\"member\">"
    "<transient_attributes id=\"t1\"><instance_attributes id=\"t1-a\"><nvpair id=\"t1-m\" name=\"master-d\" value=\"10\"/>"
    "</instance_attributes></transient_attributes><lrm id=\"1\"><lrm_resources><lrm_resource id=\"d\" class=\"ocf\" "
    "provider=\"pacemaker\" type=\"Stateful\"><lrm_rsc_op id=\"d_last_0\" operation=\"promote\" call-id=\"3\" rc-code=\"0\" "
    "op-status=\"0\" interval=\"0\" op-digest=\"f2317cad3d54cec5d7d7aa7d0bf35cf8\"/></lrm_resource></lrm_resources></lrm></node_state>"
    "<node_state id=\"2\" uname=\"n2\" in_ccm=\"true\" crmd=\"online\" join=\"member\" expected=\"member\">"
    "<lrm id=\"2\"><lrm_resources><lrm_resource id=\"d\" class=\"ocf\" provider=\"pacemaker\" type=\"Stateful\">"
    "<lrm_rsc_op id=\"d_last_0\" operation=\"start\" call-id=\"2\" rc-code=\"0\" op-status=\"0\" interval=\"0\" "
    "op-digest=\"f2317cad3d54cec5d7d7aa7d0bf35cf8\"/></lrm_resource></lrm_resources></lrm></node_state>"
    "<node_state id=\"3\" uname=\"n3\" in_ccm=\"true\" crmd=\"online\" join=\"member\" expected=\"member\"/>"
    "</status></cib>";

std::string Who(const std::vector<Notification>& list) {
  std::string out;
  for (const auto& n : list) out += (out.empty() ? "" : " ") + n.node;
  return out;
}

TEST(NotificationsTest, AStartIsAnnouncedToWhatRunsAndConfirmedToAllThatWillRun) {
  auto cib = cib::Cib::Parse(kCib, "test");
  ASSERT_TRUE(cib.ok()) << cib.status().message();
  const cib::Model& m = cib->model();
  auto plan = scheduler::Schedule(m);
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  ASSERT_FALSE(plan->actions.empty());
  const scheduler::Action& start = plan->actions.front();
  ASSERT_EQ(start.kind, scheduler::ActionKind::kStart);
  ASSERT_EQ(start.node, "n3");
  EXPECT_EQ(NotifyingClone(m, start.rsc), "ms");
  EXPECT_EQ(NotifyingClone(m, "plain"), "");  // not a clone's
  const NotifyRound round = MakeRound(m, *plan, "ms", "start");
  EXPECT_EQ(Who(round.pre), "n1 n2");        // the one starting is not running yet
  EXPECT_EQ(Who(round.post), "n1 n2 n3");
  EXPECT_EQ(round.keys.at("notify_start_resource"), start.rsc);
  EXPECT_EQ(round.keys.at("notify_start_uname"), "n3");
  EXPECT_EQ(round.keys.at("notify_stop_resource"), " ");  // empty lists are one space
  EXPECT_EQ(round.keys.at("notify_active_uname"), "n1 n2");
  EXPECT_EQ(round.keys.at("notify_promoted_uname"), "n1");
  EXPECT_EQ(round.keys.at("notify_master_uname"), "n1");
  EXPECT_EQ(round.keys.at("notify_unpromoted_uname"), "n2");
  EXPECT_EQ(round.keys.at("notify_slave_resource"), round.keys.at("notify_unpromoted_resource"));
  EXPECT_EQ(round.keys.at("notify_all_uname"), "n1 n2 n3");
  const cib::Attributes pre = NotificationMeta(round, "pre");
  EXPECT_EQ(pre.at("notify_type"), "pre");
  EXPECT_EQ(pre.at("notify_operation"), "start");
  EXPECT_EQ(pre.at("notify_start_uname"), "n3");
}

TEST(NotificationsTest, AStopIsAnnouncedToWhatRunsAndConfirmedToWhatKeepsRunning) {
  std::string xml = kCib;
  // n2 goes to standby: its instance stops.
  xml.replace(xml.find("<node id=\"2\" uname=\"n2\"/>"), std::string("<node id=\"2\" uname=\"n2\"/>").size(),
              "<node id=\"2\" uname=\"n2\"><instance_attributes id=\"n2-a\"><nvpair id=\"n2-s\" name=\"standby\" "
              "value=\"on\"/></instance_attributes></node>");
  auto cib = cib::Cib::Parse(xml, "test");
  ASSERT_TRUE(cib.ok()) << cib.status().message();
  auto plan = scheduler::Schedule(cib->model());
  ASSERT_TRUE(plan.ok());
  const NotifyRound round = MakeRound(cib->model(), *plan, "ms", "stop");
  EXPECT_EQ(Who(round.pre), "n1 n2");
  EXPECT_EQ(Who(round.post), "n1");
  EXPECT_EQ(round.keys.at("notify_stop_uname"), "n2");
}

}  // namespace
}  // namespace vigil::daemon
