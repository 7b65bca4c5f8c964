// The DC's controller without a cluster: what it plans from the reports it holds.
#include "cluster/daemon/controller.h"

#include <gtest/gtest.h>

namespace vigil::daemon {
namespace {

constexpr const char* kCib =
    "<cib admin_epoch=\"0\" epoch=\"1\" num_updates=\"0\"><configuration><crm_config>"
    "<cluster_property_set id=\"o\"><nvpair id=\"o-s\" name=\"stonith-enabled\" value=\"false\"/>"
    "</cluster_property_set></crm_config><nodes/><resources>"
    "<primitive id=\"d1\" class=\"ocf\" provider=\"heartbeat\" type=\"Dummy\"/>"
    "</resources><constraints/></configuration><status/></cib>";

TEST(ControllerTest, AReportFromAnotherDcTermIsNotPlannedOn) {
  auto cib = cib::Cib::Parse(kCib, "test");
  ASSERT_TRUE(cib.ok()) << cib.status().message();
  std::vector<std::pair<uint32_t, std::string>> sent;
  Controller controller(1, [&](uint32_t node, const peer::Execute& e) {
    sent.emplace_back(node, e.action);
    return true;
  });
  const std::vector<uint32_t> members = {1, 3};
  const std::map<uint32_t, std::string> names = {{1, "n1"}, {2, "n2"}, {3, "n3"}};
  cib::NodeState self;
  self.id = "1";
  self.uname = "n1";
  ControllerInputs in;
  in.config = &cib->model();
  in.members = &members;
  in.names = &names;
  in.quorate = true;
  in.acting = true;
  in.term = 3;
  in.self_state = &self;
  // n3 reported to this node in term 1, before n2 (which may run d1 now) and n3 formed another
  // partition: that report must not count.
  peer::NodeUpdate stale;
  stale.term = 1;
  stale.state.id = "3";
  stale.state.uname = "n3";
  controller.OnNodeUpdate(3, stale);
  controller.Update(in);
  EXPECT_TRUE(sent.empty());
  const auto events = controller.TakeEvents();
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events.back(), "waiting for the resource state of n3");
  // Its report for this term: now the DC plans (probes d1 on both members first).
  peer::NodeUpdate current = stale;
  current.term = 3;
  controller.OnNodeUpdate(3, current);
  controller.Update(in);
  ASSERT_EQ(sent.size(), 2U);
  EXPECT_EQ(sent[0].second, "monitor");
}

}  // namespace
}  // namespace vigil::daemon
