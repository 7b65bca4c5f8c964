// The DC's fencer without a cluster: which requests it sends for a fence, and what it makes of
// the answers.
#include "cluster/daemon/fencer.h"

#include <gtest/gtest.h>

#include "host/operation.h"

namespace vigil::daemon {
namespace {

// n2 is lost; n1 (the DC) and n3 are the members.
class FencerTest : public ::testing::Test {
 protected:
  void Load(const std::string& resources, const std::string& properties = "", const std::string& topology = "") {
    const std::string xml =
        "<cib admin_epoch=\"0\" epoch=\"1\" num_updates=\"0\"><configuration><crm_config>"
        "<cluster_property_set id=\"o\">" + properties + "</cluster_property_set></crm_config>"
        "<nodes><node id=\"1\" uname=\"n1\"/><node id=\"2\" uname=\"n2\"/><node id=\"3\" uname=\"n3\"/></nodes>"
        "<resources>" + resources + "</resources><constraints/>" + topology + "</configuration><status/></cib>";
    auto parsed = cib::Cib::Parse(xml, "test");
    ASSERT_TRUE(parsed.ok()) << parsed.status().message();
    cib_ = std::move(*parsed);
    model_ = cib_.model();
    in_.model = &model_;
  }
  static std::string Device(const std::string& id, const std::string& params, const std::string& meta = "") {
    return "<primitive id=\"" + id + "\" class=\"stonith\" type=\"fence_dummy\"><instance_attributes id=\"" + id +
           "-i\">" + params + "</instance_attributes>" +
           (meta.empty() ? "" : "<meta_attributes id=\"" + id + "-m\">" + meta + "</meta_attributes>") + "</primitive>";
  }
  static std::string Nv(const std::string& name, const std::string& value) {
    static int next = 0;
    return "<nvpair id=\"nv" + std::to_string(++next) + "\" name=\"" + name + "\" value=\"" + value + "\"/>";
  }
  bool Carry(std::vector<scheduler::Fence> fences = {{"n2", "reboot", "peer is no longer part of the cluster"}}) {
    return fencer_.Carry(in_, fences);
  }
  // Answers the latest request.
  void Answer(int rc, const std::string& output = "", ExecStatus status = ExecStatus::kDone, const std::string& reason = "") {
    ASSERT_FALSE(sent_.empty());
    EXPECT_TRUE(fencer_.OnResult({sent_.back().second.token, static_cast<uint8_t>(status), rc, reason, output}));
  }
  std::string Last() const {
    if (sent_.empty()) return "";
    const auto& [node, r] = sent_.back();
    return std::to_string(node) + " " + r.device + " " + r.action + (r.target.empty() ? "" : " " + r.target);
  }

  cib::Cib cib_;
  cib::Model model_;
  Fencer::Inputs in_{nullptr, {{1, "n1"}, {3, "n3"}}, 1, "n1", SteadyTime{} + std::chrono::hours(1), 1765000000};
  std::vector<std::pair<uint32_t, peer::FenceRequest>> sent_;
  std::set<uint32_t> unreachable_;
  Fencer fencer_{[this](uint32_t node, const peer::FenceRequest& r) {
    if (unreachable_.count(node)) return false;
    sent_.emplace_back(node, r);
    return true;
  }};
};

TEST_F(FencerTest, AStaticListDeviceFencesTheNodeFromTheDcAndTheHistorySaysSo) {
  Load(Device("f1", Nv("pcmk_host_list", "n2 n3") + Nv("ip", "10.0.0.2")), Nv("stonith-timeout", "90s"));
  EXPECT_TRUE(Carry());
  ASSERT_EQ(sent_.size(), 1U);
  EXPECT_EQ(Last(), "1 f1 reboot n2");
  const peer::FenceRequest& r = sent_.back().second;
  EXPECT_EQ(r.type, "fence_dummy");
  EXPECT_EQ(r.target_nodeid, "2");
  EXPECT_EQ(r.timeout_ms, 90000);
  EXPECT_EQ(r.params.at("ip"), "10.0.0.2");
  ASSERT_EQ(fencer_.History().size(), 1U);
  EXPECT_EQ(fencer_.History()[0].state, peer::FenceEvent::State::kPending);
  // Nothing more is sent while it runs.
  EXPECT_TRUE(Carry());
  EXPECT_EQ(sent_.size(), 1U);
  EXPECT_TRUE(fencer_.TakeFenced().empty());
  Answer(0);
  EXPECT_FALSE(Carry());
  EXPECT_EQ(fencer_.TakeFenced(), std::vector<std::string>{"n2"});
  const auto history = fencer_.History();
  ASSERT_EQ(history.size(), 1U);
  EXPECT_EQ(history[0].state, peer::FenceEvent::State::kDone);
  EXPECT_EQ(history[0].delegate, "n1");
  EXPECT_EQ(history[0].origin, "n1");
  EXPECT_EQ(history[0].devices, "f1");
  EXPECT_EQ(history[0].when, 1765000000);
  // Done: the next plan no longer asks for it.
  EXPECT_FALSE(fencer_.Carry(in_, {}));
  EXPECT_EQ(sent_.size(), 1U);
}

// stonith-watchdog-timeout: a node lost with its watchdog armed, and no device for it, counts as
// fenced by its watchdog once the timeout has passed, as Pacemaker's fencer counts on sbd; a node
// without one is not, and stays unfenced.
TEST_F(FencerTest, ALostNodeWithItsWatchdogArmedCountsAsFencedAfterTheTimeout) {
  Load("", Nv("stonith-watchdog-timeout", "10"));
  in_.watchdog_ms = 10000;
  in_.watchdogs = {{"n2", 5}};
  EXPECT_TRUE(Carry());
  EXPECT_TRUE(sent_.empty());  // gone: nobody to ask
  ASSERT_EQ(fencer_.History().size(), 1U);
  EXPECT_EQ(fencer_.History()[0].state, peer::FenceEvent::State::kPending);
  ASSERT_TRUE(fencer_.NextWake().has_value());
  EXPECT_EQ(*fencer_.NextWake(), in_.now + std::chrono::seconds(10));
  in_.now += std::chrono::milliseconds(9999);
  EXPECT_TRUE(Carry());
  EXPECT_TRUE(fencer_.TakeFenced().empty());
  in_.now += std::chrono::milliseconds(1);
  EXPECT_FALSE(Carry());
  EXPECT_EQ(fencer_.TakeFenced(), std::vector<std::string>{"n2"});
  EXPECT_EQ(fencer_.History().back().state, peer::FenceEvent::State::kDone);
  EXPECT_EQ(fencer_.History().back().devices, "watchdog");
  // A node that armed a longer timeout than the configuration's now (it had an older one) is
  // waited for twice its own.
  in_.watchdogs = {{"n2", 30}};
  EXPECT_TRUE(Carry());
  in_.now += std::chrono::seconds(59);
  EXPECT_TRUE(Carry());
  in_.now += std::chrono::seconds(1);
  EXPECT_FALSE(Carry());
  EXPECT_EQ(fencer_.TakeFenced(), std::vector<std::string>{"n2"});
  in_.watchdogs = {{"n2", 5}};
  // A fence is a warning in the log, its success information.
  const auto events = fencer_.TakeEvents();
  ASSERT_GE(events.size(), 3U);
  EXPECT_EQ(events.front().level, LogLevel::kWarning);
  EXPECT_EQ(events.front().text, "fencing n2 (reboot): peer is no longer part of the cluster");
  EXPECT_EQ(events.back().level, LogLevel::kInfo);
  EXPECT_EQ(events.back().text, "fenced n2 (reboot) with watchdog");
  // n3 has no watchdog armed: its fence fails for want of a device, as without the option; the
  // failure is an error.
  EXPECT_TRUE(Carry({{"n3", "reboot", "stop failed"}}));
  EXPECT_EQ(fencer_.TakeEvents().back().level, LogLevel::kError);
  EXPECT_TRUE(fencer_.TakeFenced().empty());
  EXPECT_EQ(fencer_.History().back().state, peer::FenceEvent::State::kFailed);
  EXPECT_EQ(fencer_.History().back().reason, "no fence device is configured");
}

// A member to be fenced by watchdog is asked to stop feeding it; it counts as fenced the timeout
// after it answered that it stopped, or after it left; it refuses when it has none armed.
TEST_F(FencerTest, AMemberFencedByWatchdogIsToldToStopFeedingIt) {
  Load(Device("f1", Nv("pcmk_host_list", "n2")), Nv("stonith-watchdog-timeout", "4s"));
  in_.watchdog_ms = 4000;
  in_.watchdogs = {{"n3", 2}};
  // The device cannot fence n3: the watchdog does.
  EXPECT_TRUE(Carry({{"n3", "off", "stop failed"}}));
  ASSERT_EQ(sent_.size(), 1U);
  EXPECT_EQ(Last(), "3 watchdog off n3");
  Answer(0);
  EXPECT_TRUE(Carry({{"n3", "off", "stop failed"}}));
  in_.now += std::chrono::seconds(4);
  EXPECT_FALSE(Carry({{"n3", "off", "stop failed"}}));
  EXPECT_EQ(fencer_.TakeFenced(), std::vector<std::string>{"n3"});
  // A node that turns out to have none armed answers so: the fence failed.
  EXPECT_TRUE(Carry({{"n3", "off", "stop failed again"}}));
  Answer(1, "", ExecStatus::kDone, "no watchdog is armed here");
  EXPECT_TRUE(Carry({{"n3", "off", "stop failed again"}}));
  EXPECT_TRUE(fencer_.TakeFenced().empty());
  EXPECT_EQ(fencer_.History().back().state, peer::FenceEvent::State::kFailed);
  EXPECT_EQ(fencer_.History().back().reason, "n3 cannot fence itself by watchdog: no watchdog is armed here");
  // A member that does not answer (its link lost) is asked again, and is never counted as
  // fenced while it is a member: it may still feed its watchdog.
  in_.now += Fencer::kRetryPause;  // after the refusal's pause
  EXPECT_TRUE(Carry({{"n3", "off", "stop failed a third time"}}));
  const size_t asked = sent_.size();
  fencer_.OnLost(3);
  EXPECT_TRUE(Carry({{"n3", "off", "stop failed a third time"}}));
  EXPECT_EQ(sent_.size(), asked + 1);
  EXPECT_EQ(Last(), "3 watchdog off n3");
  unreachable_ = {3};
  fencer_.OnLost(3);
  in_.now += std::chrono::hours(1);
  EXPECT_TRUE(Carry({{"n3", "off", "stop failed a third time"}}));
  EXPECT_TRUE(fencer_.TakeFenced().empty());
  // Gone from the membership, it feeds it no more: the count starts then.
  in_.members = {{1, "n1"}};
  EXPECT_TRUE(Carry({{"n3", "off", "stop failed a third time"}}));
  in_.now += std::chrono::seconds(4);
  EXPECT_FALSE(Carry({{"n3", "off", "stop failed a third time"}}));
  EXPECT_EQ(fencer_.TakeFenced(), std::vector<std::string>{"n3"});
  in_.members = {{1, "n1"}, {3, "n3"}};
  unreachable_.clear();
  // Unfencing is never done by watchdog.
  in_.now += std::chrono::hours(1);
  sent_.clear();
  Carry({{"n3", "on", "unfencing"}});
  for (const auto& [node, r] : sent_) EXPECT_NE(r.device, "watchdog");
}

TEST_F(FencerTest, ADeviceRunsWhereItIsStartedAndNeverOnItsTarget) {
  Load(Device("f1", Nv("pcmk_host_check", "none")));
  cib::NodeState n3;
  n3.id = "3";
  n3.uname = "n3";
  n3.resources.push_back({"f1", "stonith", "", "fence_dummy", {{"f1_last_0", "start", 0, 4, 0, 0, "", 1, ""}}});
  model_.node_states.push_back(n3);
  Carry();
  EXPECT_EQ(Last(), "3 f1 reboot n2");
  // Fencing the DC's own partner n3 cannot run on n3: the DC runs it.
  Answer(0);
  Carry({{"n3", "off", "stop failed"}});
  EXPECT_EQ(Last(), "1 f1 off n3");
  Answer(0);
  Carry({{"n3", "off", "stop failed"}});
  EXPECT_EQ(fencer_.TakeFenced(), (std::vector<std::string>{"n2", "n3"}));
  // With the target the only member, no device can run.
  in_.members = {{3, "n3"}};
  Carry({{"n3", "off", "stop failed"}});
  ASSERT_FALSE(fencer_.History().empty());
  EXPECT_EQ(fencer_.History().back().reason, "no member but n3 itself can run f1");
  EXPECT_EQ(fencer_.History().back().state, peer::FenceEvent::State::kFailed);
}

// A failed run is run again while fewer than pcmk_<action>_retries runs were made (the first
// counts) and the last did not time out; then the next device.
TEST_F(FencerTest, AFailingDeviceIsRetriedThenTheNextOneByPriorityIsUsed) {
  Load(Device("low", Nv("pcmk_host_list", "n2") + Nv("pcmk_reboot_retries", "1")) +
       Device("high", Nv("pcmk_host_list", "n2") + Nv("pcmk_reboot_retries", "3"), Nv("priority", "10")));
  Carry();
  EXPECT_EQ(Last(), "1 high reboot n2");
  Answer(1, "", ExecStatus::kDone, "connection refused");
  in_.now += std::chrono::seconds(10);
  Carry();
  EXPECT_EQ(Last(), "1 high reboot n2");  // run again, within what is left of its 60 s
  EXPECT_EQ(sent_.size(), 2U);
  EXPECT_EQ(sent_.back().second.timeout_ms, 50000);
  Answer(1, "", ExecStatus::kTimedOut, "did not finish");
  Carry();
  EXPECT_EQ(Last(), "1 low reboot n2");  // a run that timed out is not run again
  Answer(1, "", ExecStatus::kDone, "connection refused");
  Carry();
  EXPECT_EQ(sent_.size(), 3U);  // retries=1: one run in all; the attempt failed
  const auto failed = fencer_.History();
  ASSERT_EQ(failed.size(), 1U);
  EXPECT_EQ(failed[0].state, peer::FenceEvent::State::kFailed);
  in_.now += Fencer::kRetryPause;
  Carry();
  EXPECT_EQ(Last(), "1 high reboot n2");  // the next attempt
  Answer(1, "", ExecStatus::kDone, "connection refused");
  in_.now += std::chrono::seconds(42);  // 70% of the 60 s timeout has passed since its first run
  Carry();
  EXPECT_EQ(Last(), "1 low reboot n2");
  Answer(0);
  Carry();
  const auto history = fencer_.History();
  ASSERT_EQ(history.size(), 2U);
  EXPECT_EQ(history[1].state, peer::FenceEvent::State::kDone);
  EXPECT_EQ(history[1].devices, "low");
}

TEST_F(FencerTest, ATopologyFallsThroughToItsSecondLevelWhenAnyDeviceOfTheFirstFails) {
  Load(Device("ipmi", Nv("pcmk_host_list", "n2") + Nv("pcmk_reboot_retries", "0")) + Device("psu1", Nv("pcmk_host_list", "n2")) +
           Device("psu2", Nv("pcmk_host_list", "n2")),
       "",
       "<fencing-topology><fencing-level id=\"l1\" target=\"n2\" index=\"1\" devices=\"ipmi\"/>"
       "<fencing-level id=\"l2\" target=\"n2\" index=\"2\" devices=\"psu1,psu2\"/></fencing-topology>");
  Carry();
  EXPECT_EQ(Last(), "1 ipmi reboot n2");
  Answer(1, "", ExecStatus::kDone, "BMC unreachable");
  Carry();
  EXPECT_EQ(Last(), "1 psu1 reboot n2");
  Answer(0);
  Carry();
  EXPECT_EQ(Last(), "1 psu2 reboot n2");  // every device of the level
  Answer(0);
  EXPECT_FALSE(Carry());
  EXPECT_EQ(fencer_.History().back().devices, "psu1,psu2");
  EXPECT_EQ(fencer_.TakeFenced(), std::vector<std::string>{"n2"});
}

TEST_F(FencerTest, WithoutHostParametersTheAgentIsAskedWhomItCanFence) {
  Load(Device("f1", Nv("ip", "10.0.0.9")));
  Carry();
  EXPECT_EQ(Last(), "1 f1 meta-data");
  Answer(0, "<resource-agent><actions><action name=\"reboot\"/><action name=\"list\"/><action name=\"status\"/></actions></resource-agent>");
  Carry();
  EXPECT_EQ(Last(), "1 f1 list");  // dynamic-list: it has a list action
  Answer(0, "n3,port3\nn4,port4\n");
  Carry();
  // The list does not name n2: no device can fence it.
  const auto history = fencer_.History();
  ASSERT_EQ(history.size(), 1U);
  EXPECT_EQ(history[0].state, peer::FenceEvent::State::kFailed);
  EXPECT_EQ(history[0].reason, "f1 cannot fence n2");
  EXPECT_EQ(sent_.size(), 2U);
}

// A meta-data that cannot be read fails the device (the next one is tried), and is asked for
// again the next time rather than taken as an agent without list or status.
TEST_F(FencerTest, MetaDataThatCannotBeReadFailsTheDeviceAndIsAskedAgain) {
  Load(Device("f1", Nv("ip", "10.0.0.9")) + Device("f2", Nv("pcmk_host_list", "n2")));
  Carry();
  EXPECT_EQ(Last(), "1 f1 meta-data");
  Answer(1, "", ExecStatus::kError, "no such agent");
  Carry();
  EXPECT_EQ(Last(), "1 f2 reboot n2");
  for (int run = 0; run < 2; ++run) {  // pcmk_reboot_retries: 2 runs in all
    Answer(1, "", ExecStatus::kDone, "refused");
    Carry();
  }
  ASSERT_FALSE(fencer_.History().empty());
  EXPECT_EQ(fencer_.History().back().state, peer::FenceEvent::State::kFailed);
  in_.now += Fencer::kRetryPause;
  Carry();
  EXPECT_EQ(Last(), "1 f1 meta-data");
}

TEST_F(FencerTest, AStatusCheckThatFindsTheNodeOffStillMeansTheDeviceCanFenceIt) {
  Load(Device("f1", Nv("pcmk_host_check", "status")));
  Carry();
  EXPECT_EQ(Last(), "1 f1 status n2");
  Answer(2);  // off
  Carry();
  EXPECT_EQ(Last(), "1 f1 reboot n2");
}

TEST_F(FencerTest, AFailedFenceIsTriedAgainAfterAPauseThenGivenUpAfterStonithMaxAttempts) {
  Load(Device("f1", Nv("pcmk_host_list", "n2") + Nv("pcmk_reboot_retries", "0")), Nv("stonith-max-attempts", "2"));
  Carry();
  Answer(1, "", ExecStatus::kDone, "no route to host");
  EXPECT_TRUE(Carry());  // failed, and waiting to try again
  EXPECT_EQ(sent_.size(), 1U);
  EXPECT_EQ(fencer_.History().back().state, peer::FenceEvent::State::kFailed);
  EXPECT_EQ(fencer_.History().back().reason, "f1: no route to host");
  ASSERT_TRUE(fencer_.NextWake().has_value());
  EXPECT_EQ(*fencer_.NextWake(), in_.now + Fencer::kRetryPause);
  in_.now += Fencer::kRetryPause;
  EXPECT_TRUE(Carry());
  EXPECT_EQ(sent_.size(), 2U);
  Answer(1, "", ExecStatus::kDone, "no route to host");
  // The second failure in a row: given up; the plan no longer waits for it.
  EXPECT_FALSE(Carry());
  EXPECT_EQ(fencer_.given_up(), std::set<std::string>{"n2"});
  in_.now += std::chrono::minutes(1);
  EXPECT_FALSE(Carry());
  EXPECT_EQ(sent_.size(), 2U);
  // Until something changes.
  fencer_.Forgive();
  EXPECT_TRUE(Carry());
  EXPECT_EQ(sent_.size(), 3U);
}

TEST_F(FencerTest, ARebootWaitsForTheDevicesDelay) {
  Load(Device("f1", Nv("pcmk_host_list", "n2") + Nv("pcmk_delay_base", "n1:1s;n2:5s")));
  EXPECT_TRUE(Carry());
  EXPECT_TRUE(sent_.empty());
  ASSERT_TRUE(fencer_.NextWake().has_value());
  EXPECT_EQ(*fencer_.NextWake(), in_.now + std::chrono::seconds(5));
  in_.now += std::chrono::seconds(4);
  Carry();
  EXPECT_TRUE(sent_.empty());
  in_.now += std::chrono::seconds(1);
  Carry();
  EXPECT_EQ(Last(), "1 f1 reboot n2");
}

// priority-fencing-delay (the scheduler's Fence::priority_delay) adds to the first device's own
// delay, and is not waited again before the next device.
TEST_F(FencerTest, ThePriorityDelayAddsToTheFirstDevicesDelayOnly) {
  Load(Device("f1", Nv("pcmk_host_list", "n2") + Nv("pcmk_delay_base", "2s"), Nv("priority", "10")) +
       Device("f2", Nv("pcmk_host_list", "n2") + Nv("pcmk_reboot_retries", "0")));
  scheduler::Fence fence{"n2", "reboot", "peer is no longer part of the cluster", 15};
  EXPECT_TRUE(Carry({fence}));
  ASSERT_TRUE(fencer_.NextWake().has_value());
  EXPECT_EQ(*fencer_.NextWake(), in_.now + std::chrono::seconds(17));
  in_.now += std::chrono::seconds(16);
  Carry({fence});
  EXPECT_TRUE(sent_.empty());
  in_.now += std::chrono::seconds(1);
  Carry({fence});
  EXPECT_EQ(Last(), "1 f1 reboot n2");
  Answer(1, "", ExecStatus::kDone, "BMC unreachable");
  Carry({fence});
  Answer(1, "", ExecStatus::kDone, "BMC unreachable");  // f1's second and last run
  Carry({fence});
  EXPECT_EQ(Last(), "1 f2 reboot n2");  // at once: f2 has no delay of its own
}

TEST_F(FencerTest, ARandomDelayStaysWithinItsBounds) {
  Load(Device("f1", Nv("pcmk_host_list", "n2") + Nv("pcmk_delay_base", "2") + Nv("pcmk_delay_max", "4s")));
  Carry();
  ASSERT_TRUE(fencer_.NextWake().has_value());
  const auto delay = *fencer_.NextWake() - in_.now;
  EXPECT_GE(delay, std::chrono::seconds(2));
  EXPECT_LT(delay, std::chrono::seconds(4));
}

TEST_F(FencerTest, ARequestWhoseNodeLeftFailedAndIsTriedElsewhere) {
  Load(Device("f1", Nv("pcmk_host_list", "n2")));
  Carry();
  EXPECT_EQ(Last(), "1 f1 reboot n2");
  // The DC's own link is never lost; take n3 as the runner instead.
  in_.self = 9;
  fencer_.OnLost(1);
  in_.members = {{3, "n3"}};
  Carry();
  EXPECT_EQ(Last(), "3 f1 reboot n2");
  // A late answer to the lost request is not taken for the new one.
  EXPECT_FALSE(fencer_.OnResult({sent_.front().second.token, 0, 0, "", ""}));
}

TEST_F(FencerTest, NoLinkToTheRunnerCountsAsAFailedRun) {
  Load(Device("f1", Nv("pcmk_host_list", "n2") + Nv("pcmk_reboot_retries", "0")));
  unreachable_ = {1};
  Carry();
  EXPECT_TRUE(sent_.empty());
  EXPECT_EQ(fencer_.History().back().state, peer::FenceEvent::State::kFailed);
  EXPECT_EQ(fencer_.History().back().reason, "f1: no link to n1");
}

TEST_F(FencerTest, OneFenceAtATimeUnlessConcurrentFencingIsOn) {
  Load(Device("f1", Nv("pcmk_host_check", "none")));
  in_.members = {{1, "n1"}};
  const std::vector<scheduler::Fence> two = {{"n2", "reboot", "lost"}, {"n3", "reboot", "lost"}};
  fencer_.Carry(in_, two);
  EXPECT_EQ(sent_.size(), 1U);
  EXPECT_EQ(Last(), "1 f1 reboot n2");
  Answer(0);
  fencer_.Carry(in_, two);
  EXPECT_EQ(Last(), "1 f1 reboot n3");

  FencerTest::Load(Device("f1", Nv("pcmk_host_check", "none")), Nv("concurrent-fencing", "true"));
  sent_.clear();
  Fencer concurrent([this](uint32_t node, const peer::FenceRequest& r) {
    sent_.emplace_back(node, r);
    return true;
  });
  concurrent.Carry(in_, two);
  EXPECT_EQ(sent_.size(), 2U);
}

TEST_F(FencerTest, UnfencingIsRecordedAsTheNodesUnfencedTimeNotAsAFencedNode) {
  Load(Device("f1", Nv("pcmk_host_check", "none"), Nv("provides", "unfencing")));
  Carry({{"n3", "on", "required by f1 monitor"}});
  EXPECT_EQ(Last(), "1 f1 on n3");
  Answer(0);
  EXPECT_FALSE(fencer_.Carry(in_, {}));
  EXPECT_TRUE(fencer_.TakeFenced().empty());
  EXPECT_EQ(fencer_.unfenced().at("n3"), 1765000000);
}

TEST_F(FencerTest, ANewDcTakesTheHistoryAndWhatWasPendingThereFailed) {
  fencer_.SeedHistory({{"n2", "reboot", peer::FenceEvent::State::kPending, "n3", "n3", "vigild", "", "", 5},
                       {"n3", "off", peer::FenceEvent::State::kDone, "n1", "n1", "vigild", "f1", "", 4}});
  const auto history = fencer_.History();
  ASSERT_EQ(history.size(), 2U);
  EXPECT_EQ(history[0].state, peer::FenceEvent::State::kFailed);
  EXPECT_EQ(history[0].reason, "the DC that asked for it (n3) is no longer DC");
  EXPECT_EQ(history[1].state, peer::FenceEvent::State::kDone);
}

// This DC steps down with a fence in flight and takes office again (a rebooted node rejoined
// and the membership changed) before the answer comes: the answer still tells the history how
// the fence ended, in place of the failure the shared history recorded for want of a DC, and
// the plan does not count on it.
// A DC that took office without its predecessor's status (a node that has just started) gets
// the history from the members: what it lacks is added, in the order of the events' times.
TEST_F(FencerTest, ADcMergesTheHistoryAMemberKeptFromAFormerDc) {
  const peer::FenceEvent mine{"n3", "off", peer::FenceEvent::State::kDone, "n1", "n1", "vigild", "f1", "", 7};
  fencer_.SeedHistory({mine});
  const peer::FenceEvent old{"n1", "reboot", peer::FenceEvent::State::kDone, "n2", "n2", "vigild", "watchdog", "", 5};
  fencer_.MergeHistory({old, mine, {"n2", "off", peer::FenceEvent::State::kPending, "n3", "n3", "vigild", "", "", 9}});
  const auto history = fencer_.History();
  ASSERT_EQ(history.size(), 3U);
  EXPECT_EQ(history[0], old);
  EXPECT_EQ(history[1], mine);
  EXPECT_EQ(history[2].state, peer::FenceEvent::State::kFailed);
  EXPECT_EQ(history[2].reason, "the DC that asked for it (n3) is no longer DC");
  // Told twice, kept once.
  fencer_.MergeHistory({old});
  EXPECT_EQ(fencer_.History().size(), 3U);
  // A fence this DC carries out now, which a member held as pending, is not a failure.
  Load(Device("f1", Nv("pcmk_host_list", "n2")));
  EXPECT_TRUE(Carry());
  fencer_.MergeHistory({{"n2", "reboot", peer::FenceEvent::State::kPending, "n1", "n1", "vigild", "", "", 11}});
  const auto now = fencer_.History();
  EXPECT_EQ(now.size(), 4U);  // the three, and the one under way
  EXPECT_EQ(now.back().state, peer::FenceEvent::State::kPending);
}

TEST_F(FencerTest, AnAnswerToARequestOfAFormerTermIsRecordedInTheHistory) {
  Load(Device("f1", Nv("pcmk_host_list", "n2")));
  fencer_.SetClient("n2", "stonith_admin");
  Carry();
  ASSERT_EQ(Last(), "1 f1 reboot n2");
  const auto shared = fencer_.History();  // what the members were told: pending
  fencer_.Reset();
  fencer_.SeedHistory(shared);  // taking office again
  ASSERT_EQ(fencer_.History().back().state, peer::FenceEvent::State::kFailed);
  Answer(0);
  EXPECT_FALSE(fencer_.Carry(in_, {}));
  const auto history = fencer_.History();
  ASSERT_EQ(history.size(), 1U);
  EXPECT_EQ(history[0].state, peer::FenceEvent::State::kDone);
  EXPECT_EQ(history[0].client, "stonith_admin");
  EXPECT_EQ(history[0].devices, "f1");
  EXPECT_TRUE(fencer_.TakeFenced().empty());
  // An unknown token is still not taken.
  EXPECT_FALSE(fencer_.OnResult({12345, 0, 0, "", ""}));
}

}  // namespace
}  // namespace vigil::daemon
