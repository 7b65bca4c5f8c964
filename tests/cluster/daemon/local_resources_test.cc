// This node's resources without an executor child: a fake queue holds each call until the test
// ends it, so that what LocalResources does while a call is in flight can be seen.
#include "cluster/daemon/local_resources.h"

#include <gtest/gtest.h>

#include <map>

#include <algorithm>

namespace vigil::daemon {
namespace {

// Calls stay in flight until Finish; nothing is answered inside Submit or Cancel, as with the
// real executor child.
class FakeQueue : public lrm::OperationQueue {
 public:
  struct Call {
    uint64_t id = 0;
    Operation op;
    Callback done;
    bool over = false;
  };
  uint64_t Submit(Operation op, Callback done) override {
    calls.push_back({next, std::move(op), std::move(done)});
    return next++;
  }
  void Cancel(uint64_t call) override { cancelled.push_back(call); }

  // Ends call `id` (a recurring one only with kCancelled) or, with `last` false, reports one run
  // of a recurring call.
  void Finish(uint64_t id, int rc, ExecStatus status = ExecStatus::kDone, bool last = true) {
    Call& c = At(id);
    ASSERT_FALSE(c.over) << "call " << id << " is over";
    OperationResult r;
    r.call_id = id;
    r.status = status;
    r.rc = rc;
    r.reason = status == ExecStatus::kCancelled ? "cancelled" : "";
    c.over = last;
    c.done(r);
  }
  Call& At(uint64_t id) { return calls.at(id - 1); }
  // The calls not yet over, as "action rsc" (a recurring monitor with its interval).
  std::vector<std::string> Open() const {
    std::vector<std::string> out;
    for (const auto& c : calls) {
      if (c.over) continue;
      out.push_back(c.op.action + (c.op.interval.count() > 0 ? "/" + std::to_string(c.op.interval.count()) : "") + " " +
                    c.op.resource);
    }
    return out;
  }

  std::vector<Call> calls;
  std::vector<uint64_t> cancelled;
  uint64_t next = 1;
};

peer::Execute Step(const std::string& rsc, const std::string& action, int64_t interval_ms = 0) {
  peer::Execute e;
  e.rsc = rsc;
  e.standard = "ocf";
  e.provider = "heartbeat";
  e.type = "Delay";
  e.action = action;
  e.interval_ms = interval_ms;
  e.params = {{"startdelay", "4"}};
  return e;
}

class LocalResourcesTest : public ::testing::Test {
 protected:
  // Runs `e`; the number of `done` calls so far is in answered_.
  void Run(const peer::Execute& e) {
    local_.Execute(e, [this] { ++answered_; });
  }
  const cib::OpRecord* Record(const std::string& rsc, const std::string& id) const {
    for (const auto& h : local_.state().resources) {
      if (h.id != rsc) continue;
      for (const auto& o : h.ops) {
        if (o.id == id) return &o;
      }
    }
    return nullptr;
  }
  bool Failed(const std::string& rsc) const {
    const auto& t = local_.state().transient;
    return Record(rsc, rsc + "_last_failure_0") != nullptr ||
           std::any_of(t.begin(), t.end(), [&](const auto& a) { return a.first.starts_with("fail-count-" + rsc); });
  }
  // A probe that found it stopped, then a start: its call id.
  uint64_t StartInFlight(const std::string& rsc) {
    Run(Step(rsc, "monitor"));
    queue_.Finish(queue_.next - 1, 7);
    Run(Step(rsc, "start"));
    return queue_.next - 1;
  }
  // Probed, started and monitored every 10 s (the first run said running): the monitor's call.
  uint64_t Running(const std::string& rsc) {
    queue_.Finish(StartInFlight(rsc), 0);
    Run(Step(rsc, "monitor", 10000));
    const uint64_t monitor = queue_.next - 1;
    queue_.Finish(monitor, 0, ExecStatus::kDone, false);
    return monitor;
  }

  FakeQueue queue_;
  LocalResources local_{queue_, "1", "n1"};
  int answered_ = 0;
};

TEST_F(LocalResourcesTest, StopAllWithdrawsAStartInFlightAndStopsRightAfterIt) {
  const uint64_t start = StartInFlight("slow");
  EXPECT_EQ(local_.StopAll(), 1U);
  EXPECT_EQ(queue_.cancelled, std::vector<uint64_t>{start});
  EXPECT_EQ(queue_.Open(), (std::vector<std::string>{"start slow", "stop slow"}));
  // The start ends withdrawn: no failure, no fail count; the stop then records it stopped.
  queue_.Finish(start, 1, ExecStatus::kCancelled);
  EXPECT_FALSE(Failed("slow"));
  queue_.Finish(start + 1, 0);
  ASSERT_NE(Record("slow", "slow_last_0"), nullptr);
  EXPECT_EQ(Record("slow", "slow_last_0")->operation, "stop");
  EXPECT_FALSE(Failed("slow"));
  EXPECT_EQ(answered_, 2);  // the probe and the start
}

TEST_F(LocalResourcesTest, StopAllStopsWhatRunsAndWhatItKnowsNothingOfButNotWhatIsStopped) {
  Running("up");
  Running("forgotten");
  local_.Forget();  // the executor child restarted: what runs is unknown until probed
  Run(Step("up", "monitor"));
  queue_.Finish(queue_.next - 1, 0);
  Run(Step("down", "monitor"));
  queue_.Finish(queue_.next - 1, 7);
  const uint64_t first_stop = queue_.next;
  EXPECT_EQ(local_.StopAll(), 2U);
  std::vector<std::string> stopped;
  for (uint64_t id = first_stop; id < queue_.next; ++id) stopped.push_back(queue_.At(id).op.resource);
  std::sort(stopped.begin(), stopped.end());
  EXPECT_EQ(stopped, (std::vector<std::string>{"forgotten", "up"}));
  // Asked again while the stops are in flight: nothing more.
  EXPECT_EQ(local_.StopAll(), 0U);
}

TEST_F(LocalResourcesTest, WhileHeldNothingStartsAndTheDcHearsBackWhenTheHoldEnds) {
  Run(Step("a", "monitor"));
  queue_.Finish(1, 7);
  local_.Hold("no quorum");
  Run(Step("a", "start"));
  Run(Step("a", "monitor", 10000));
  EXPECT_TRUE(queue_.Open().empty());
  EXPECT_EQ(answered_, 1);  // the probe only
  // A stop and a probe still run.
  Run(Step("a", "stop"));
  Run(Step("b", "monitor"));
  EXPECT_EQ(queue_.Open(), (std::vector<std::string>{"stop a", "monitor b"}));
  const auto events = TextsOf(local_.TakeEvents());
  EXPECT_NE(std::find(events.begin(), events.end(), "start of a not run: no quorum"), events.end());
  local_.Hold(std::nullopt);
  EXPECT_EQ(answered_, 3);  // the held start and monitor, answered without running
  EXPECT_EQ(queue_.Open().size(), 2U);
  EXPECT_FALSE(Failed("a"));
}

TEST_F(LocalResourcesTest, AMonitorForAResourceStoppedHereIsNotStarted) {
  Run(Step("a", "monitor"));
  queue_.Finish(1, 7);
  Run(Step("a", "monitor", 10000));
  EXPECT_TRUE(queue_.Open().empty());
  EXPECT_EQ(answered_, 2);
  EXPECT_EQ(TextsOf(local_.TakeEvents()).back(), "monitor (every 10000 ms) of a not started: a is not running here");
  // Nor for one never seen here.
  Run(Step("z", "monitor", 10000));
  EXPECT_TRUE(queue_.Open().empty());
  EXPECT_EQ(answered_, 3);
}

TEST_F(LocalResourcesTest, AMonitorAskedForWhileAStopRunsIsAnsweredWhenTheStopEnds) {
  queue_.Finish(StartInFlight("a"), 0);
  Run(Step("a", "stop"));
  const uint64_t stop = queue_.next - 1;
  Run(Step("a", "monitor", 10000));
  EXPECT_EQ(queue_.Open(), std::vector<std::string>{"stop a"});
  EXPECT_EQ(answered_, 2);
  queue_.Finish(stop, 0);
  EXPECT_EQ(answered_, 4);  // the stop, then the monitor that waited for it
  EXPECT_TRUE(queue_.Open().empty());
}

TEST_F(LocalResourcesTest, AMonitorResultThatArrivesAfterAStopIsNotRecorded) {
  const uint64_t monitor = Running("a");
  Run(Step("a", "stop"));
  // The monitor had run as the stop was asked for: it says "not running", which is stale.
  queue_.Finish(monitor, 7, ExecStatus::kDone, false);
  EXPECT_FALSE(Failed("a"));
  queue_.Finish(monitor, 1, ExecStatus::kCancelled);
  queue_.Finish(monitor + 1, 0);
  EXPECT_FALSE(Failed("a"));
  EXPECT_EQ(Record("a", "a_last_0")->operation, "stop");
  EXPECT_EQ(Record("a", "a_monitor_10000"), nullptr);
}

TEST_F(LocalResourcesTest, AMonitorResultThatArrivesAfterACleanupIsNotRecorded) {
  const uint64_t monitor = Running("a");
  local_.Cleanup("a");
  EXPECT_EQ(queue_.cancelled, std::vector<uint64_t>{monitor});
  queue_.Finish(monitor, 7, ExecStatus::kDone, false);
  EXPECT_FALSE(Failed("a"));
  EXPECT_EQ(Record("a", "a_monitor_10000"), nullptr);
}

TEST_F(LocalResourcesTest, AStartThatFailsStillCountsAsAFailure) {
  queue_.Finish(StartInFlight("a"), 1);
  EXPECT_TRUE(Failed("a"));
  EXPECT_EQ(local_.state().transient.at("fail-count-a#start_0"), "INFINITY");
}

// A failed operation is logged as an error, a successful one as information.
TEST_F(LocalResourcesTest, AFailedOperationIsLoggedAsAnError) {
  queue_.Finish(StartInFlight("a"), 1);
  queue_.Finish(StartInFlight("b"), 0);
  std::map<std::string, LogEvent> starts;  // by resource
  for (const auto& e : local_.TakeEvents()) {
    if (e.text.rfind("start of ", 0) == 0) starts[e.text.substr(9, 1)] = e;
  }
  ASSERT_EQ(starts.size(), 2U);
  EXPECT_EQ(starts["a"].level, LogLevel::kError);
  EXPECT_NE(starts["a"].text.find("start of a: OCF_ERR_GENERIC"), std::string::npos) << starts["a"].text;
  EXPECT_NE(starts["a"].text.find(": failed"), std::string::npos) << starts["a"].text;
  EXPECT_EQ(starts["b"].level, LogLevel::kInfo);
}

TEST_F(LocalResourcesTest, AStartInFlightIsRecordedAsPendingUntilItEnds) {
  const uint64_t start = StartInFlight("a");
  local_.ClearChanged();
  const uint64_t stop_call = queue_.next;
  Run(Step("a", "stop"));  // queued behind the start
  EXPECT_TRUE(local_.changed());  // reported: a DC that takes over sees it
  ASSERT_NE(Record("a", "a_last_0"), nullptr);
  EXPECT_EQ(Record("a", "a_last_0")->operation, "stop");
  EXPECT_EQ(Record("a", "a_last_0")->op_status, -1);
  queue_.Finish(start, 0);
  queue_.Finish(stop_call, 0);
  EXPECT_EQ(Record("a", "a_last_0")->operation, "stop");
  EXPECT_EQ(Record("a", "a_last_0")->op_status, 0);
  EXPECT_GT(Record("a", "a_last_0")->call_id, 0);
}

TEST_F(LocalResourcesTest, AWithdrawnStartLeavesThePendingRecordOfTheStopAfterIt) {
  const uint64_t start = StartInFlight("a");
  EXPECT_EQ(local_.StopAll(), 1U);
  queue_.Finish(start, 1, ExecStatus::kCancelled);
  // The stop still runs: a DC reading this node's report must see it stopping.
  ASSERT_NE(Record("a", "a_last_0"), nullptr);
  EXPECT_EQ(Record("a", "a_last_0")->operation, "stop");
  EXPECT_EQ(Record("a", "a_last_0")->op_status, -1);
}

TEST_F(LocalResourcesTest, ACancelEndsTheMonitorsAndForgetsTheirRecords) {
  const uint64_t monitor = Running("a");
  ASSERT_NE(Record("a", "a_monitor_10000"), nullptr);
  local_.ClearChanged();
  const int answered = answered_;
  Run(Step("a", "cancel"));
  EXPECT_EQ(answered_, answered + 1);  // at once: no agent runs
  EXPECT_EQ(queue_.cancelled, std::vector<uint64_t>{monitor});
  EXPECT_EQ(Record("a", "a_monitor_10000"), nullptr);
  EXPECT_NE(Record("a", "a_last_0"), nullptr);  // what it is stays known
  EXPECT_TRUE(local_.changed());
  // A run that was under way as the cancel came says nothing more.
  queue_.Finish(monitor, 7, ExecStatus::kDone, false);
  EXPECT_EQ(Record("a", "a_monitor_10000"), nullptr);
  EXPECT_FALSE(Failed("a"));
}

// A promotable clone's instance: its monitor in the Promoted role expects 8 (the DC says so
// with op_target_rc), and finding it merely running (0) is then the failure.
TEST_F(LocalResourcesTest, AMonitorInThePromotedRoleExpectsRunningPromoted) {
  queue_.Finish(StartInFlight("a"), 0);
  Run(Step("a", "promote"));
  queue_.Finish(queue_.next - 1, 0);
  peer::Execute monitor = Step("a", "monitor", 10000);
  monitor.meta["op_target_rc"] = "8";
  Run(monitor);
  const uint64_t call = queue_.next - 1;
  queue_.Finish(call, 8, ExecStatus::kDone, false);
  EXPECT_FALSE(Failed("a"));
  ASSERT_NE(Record("a", "a_monitor_10000"), nullptr);
  EXPECT_EQ(Record("a", "a_monitor_10000")->target_rc, 8);
  queue_.Finish(call, 0, ExecStatus::kDone, false);
  EXPECT_TRUE(Failed("a"));
  EXPECT_EQ(local_.state().transient.at("fail-count-a#monitor_10000"), "1");
}

// A probe that finds it promoted (8) is no failure: it says what runs.
TEST_F(LocalResourcesTest, AProbeThatFindsItPromotedIsNoFailure) {
  Run(Step("a", "monitor"));
  queue_.Finish(queue_.next - 1, 8);
  EXPECT_FALSE(Failed("a"));
  EXPECT_EQ(Record("a", "a_last_0")->rc, 8);
  EXPECT_EQ(Record("a", "a_last_0")->target_rc, 7);
}

TEST_F(LocalResourcesTest, AWithdrawnStartLeavesNoPendingRecord) {
  const uint64_t start = StartInFlight("a");
  EXPECT_EQ(Record("a", "a_last_0")->op_status, -1);
  queue_.Finish(start, 1, ExecStatus::kCancelled);
  EXPECT_EQ(Record("a", "a_last_0"), nullptr);
  EXPECT_FALSE(Failed("a"));
}

// Started by one agent, stopped by it, then started by the one the configuration names now: the
// old history and its fail counts are forgotten, and the new agent's is recorded under it.
TEST_F(LocalResourcesTest, AnotherAgentStartsAFreshHistoryWithoutTheOldFailCounts) {
  queue_.Finish(StartInFlight("a"), 1);  // failed: a fail count
  ASSERT_TRUE(Failed("a"));
  Run(Step("a", "stop"));
  queue_.Finish(queue_.next - 1, 0);
  peer::Execute start = Step("a", "start");
  start.provider = "pacemaker";
  start.type = "Dummy";
  Run(start);
  queue_.Finish(queue_.next - 1, 0);
  EXPECT_FALSE(Failed("a"));
  ASSERT_EQ(local_.state().resources.size(), 1U);
  const cib::ResourceHistory& h = local_.state().resources[0];
  EXPECT_EQ(cib::AgentName(h.standard, h.provider, h.type), "ocf:pacemaker:Dummy");
  ASSERT_EQ(h.ops.size(), 1U);
  EXPECT_EQ(h.ops[0].operation, "start");
  // A stop by the old agent (as the DC sends it) leaves the history as it is.
  Run(Step("a", "stop"));
  queue_.Finish(queue_.next - 1, 0);
  EXPECT_EQ(local_.state().resources[0].type, "Dummy");
}

}  // namespace
}  // namespace vigil::daemon
