// The executor's bookkeeping on a fake clock, with a runner that finishes operations only when
// the test says so.
#include "host/executor.h"

#include <gtest/gtest.h>

#include <condition_variable>
#include <future>
#include <mutex>
#include <thread>

#include "vigil/agent.h"

namespace vigil {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

class FakeRunner final : public OperationRunner {
 public:
  struct Started {
    Operation op;
    std::shared_ptr<const CancelToken> cancel;
    std::function<void(RunOutcome)> done;
  };
  void Start(const Operation& op, std::shared_ptr<const CancelToken> cancel,
             std::function<void(RunOutcome)> done) override {
    started.push_back({op, std::move(cancel), std::move(done)});
  }
  // Returns every run still out, as a runner must before the executor can be destroyed.
  void FinishAll() {
    for (size_t i = 0; i < started.size(); ++i) {
      if (started[i].done) Finish(i, VIGIL_EXEC_CANCELLED);
    }
  }
  void Finish(size_t i, int rc, std::string reason = {}) {
    auto done = std::move(started.at(i).done);
    started.at(i).done = nullptr;
    RunOutcome out;
    out.rc = rc;
    out.reason = std::move(reason);
    done(std::move(out));
  }
  std::vector<Started> started;
};

struct Seen {
  std::string resource;
  std::string action;
  ExecStatus status;
  int rc;
};

class ExecutorTest : public ::testing::Test {
 protected:
  void TearDown() override { runner.FinishAll(); }
  Operation Op(const std::string& resource, const std::string& action,
               milliseconds interval = milliseconds(0), milliseconds timeout = seconds(20)) {
    Operation op;
    op.resource = resource;
    op.agent = "ocf:vigiltest:Noop";
    op.action = action;
    op.interval = interval;
    op.timeout = timeout;
    return op;
  }
  uint64_t Submit(Operation op) {
    return executor.Submit(std::move(op), [this](const Operation& o, const OperationResult& r) {
      seen.push_back({o.resource, o.action, r.status, r.rc});
    });
  }

  FakeClock clock;
  FakeRunner runner;
  Executor executor{clock, runner};
  std::vector<Seen> seen;
};

TEST_F(ExecutorTest, RunsOneOperationPerResourceInArrivalOrder) {
  Submit(Op("a", "start"));
  Submit(Op("a", "monitor"));
  Submit(Op("a", "stop"));
  ASSERT_EQ(runner.started.size(), 1u);
  EXPECT_EQ(runner.started[0].op.action, "start");
  EXPECT_EQ(executor.queued_count(), 2u);

  runner.Finish(0, VIGIL_OCF_SUCCESS);
  executor.Dispatch();
  ASSERT_EQ(runner.started.size(), 2u);
  EXPECT_EQ(runner.started[1].op.action, "monitor");
  runner.Finish(1, VIGIL_OCF_SUCCESS);
  executor.Dispatch();
  ASSERT_EQ(runner.started.size(), 3u);
  EXPECT_EQ(runner.started[2].op.action, "stop");
  runner.Finish(2, VIGIL_OCF_SUCCESS);
  executor.Dispatch();

  ASSERT_EQ(seen.size(), 3u);
  EXPECT_EQ(seen[0].action, "start");
  EXPECT_EQ(seen[1].action, "monitor");
  EXPECT_EQ(seen[2].action, "stop");
  EXPECT_EQ(executor.running_count(), 0u);
}

TEST_F(ExecutorTest, RunsDifferentResourcesInParallel) {
  Submit(Op("a", "start"));
  Submit(Op("b", "start"));
  Submit(Op("c", "start"));
  EXPECT_EQ(runner.started.size(), 3u);
  EXPECT_EQ(executor.running_count(), 3u);
}

TEST_F(ExecutorTest, DeliversResultsOnlyFromDispatch) {
  Submit(Op("a", "start"));
  runner.Finish(0, VIGIL_OCF_NOT_RUNNING);
  EXPECT_TRUE(seen.empty());
  executor.Dispatch();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].status, ExecStatus::kDone);
  EXPECT_EQ(seen[0].rc, VIGIL_OCF_NOT_RUNNING);
}

TEST_F(ExecutorTest, ReportsTimeoutAtDeadlineAndKeepsResourceBusyUntilRunReturns) {
  Submit(Op("a", "start", milliseconds(0), seconds(5)));
  Submit(Op("a", "monitor"));
  clock.Advance(milliseconds(4999));
  executor.Dispatch();
  EXPECT_TRUE(seen.empty());
  EXPECT_FALSE(runner.started[0].cancel->cancelled());

  clock.Advance(milliseconds(1));
  executor.Dispatch();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].status, ExecStatus::kTimedOut);
  EXPECT_EQ(seen[0].rc, VIGIL_OCF_ERR_GENERIC);
  EXPECT_TRUE(runner.started[0].cancel->cancelled());
  // The start has not returned yet: the monitor must not overlap it.
  EXPECT_EQ(runner.started.size(), 1u);

  runner.Finish(0, VIGIL_OCF_SUCCESS);  // too late: not reported again
  executor.Dispatch();
  EXPECT_EQ(seen.size(), 1u);
  ASSERT_EQ(runner.started.size(), 2u);
  EXPECT_EQ(runner.started[1].op.action, "monitor");
}

TEST_F(ExecutorTest, RunnerTimeoutIsReportedAsTimedOut) {
  Submit(Op("a", "stop"));
  runner.Finish(0, VIGIL_EXEC_TIMED_OUT, "killed");
  executor.Dispatch();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].status, ExecStatus::kTimedOut);
}

TEST_F(ExecutorTest, RecurringMonitorRunsAtOnceThenEveryIntervalAfterItFinishes) {
  Submit(Op("a", "monitor", seconds(10)));
  ASSERT_EQ(runner.started.size(), 1u);
  clock.Advance(seconds(3));  // the run takes 3 s
  runner.Finish(0, VIGIL_OCF_SUCCESS);
  executor.Dispatch();
  ASSERT_EQ(seen.size(), 1u);

  clock.Advance(seconds(9));
  executor.Dispatch();
  EXPECT_EQ(runner.started.size(), 1u);
  clock.Advance(seconds(1));
  executor.Dispatch();
  ASSERT_EQ(runner.started.size(), 2u);
  runner.Finish(1, VIGIL_OCF_NOT_RUNNING);
  executor.Dispatch();
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[1].rc, VIGIL_OCF_NOT_RUNNING);
  EXPECT_EQ(executor.NextDue(), clock.Now() + seconds(10));
}

TEST_F(ExecutorTest, StopCancelsRecurringMonitorsBeforeItRuns) {
  Submit(Op("a", "monitor", seconds(10)));
  runner.Finish(0, VIGIL_OCF_SUCCESS);
  executor.Dispatch();
  Submit(Op("a", "stop"));
  executor.Dispatch();
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[1].action, "monitor");
  EXPECT_EQ(seen[1].status, ExecStatus::kCancelled);
  ASSERT_EQ(runner.started.size(), 2u);
  EXPECT_EQ(runner.started[1].op.action, "stop");
  runner.Finish(1, VIGIL_OCF_SUCCESS);
  clock.Advance(seconds(60));
  executor.Dispatch();
  EXPECT_EQ(runner.started.size(), 2u);  // no monitor after the stop
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_EQ(seen[2].action, "stop");
}

TEST_F(ExecutorTest, StopWaitsForMonitorInFlightAndDropsItsResult) {
  Submit(Op("a", "monitor", seconds(10)));
  Submit(Op("a", "stop"));
  executor.Dispatch();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].status, ExecStatus::kCancelled);
  EXPECT_EQ(runner.started.size(), 1u);  // the monitor still runs; the stop waits
  EXPECT_FALSE(runner.started[0].cancel->cancelled());
  runner.Finish(0, VIGIL_OCF_SUCCESS);
  executor.Dispatch();
  EXPECT_EQ(seen.size(), 1u);
  ASSERT_EQ(runner.started.size(), 2u);
  EXPECT_EQ(runner.started[1].op.action, "stop");
}

TEST_F(ExecutorTest, CancelOfQueuedCallReportsCancelledAndSkipsIt) {
  Submit(Op("a", "start"));
  uint64_t monitor = Submit(Op("a", "monitor"));
  EXPECT_TRUE(executor.Cancel(monitor));
  EXPECT_FALSE(executor.Cancel(monitor));
  executor.Dispatch();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].status, ExecStatus::kCancelled);
  runner.Finish(0, VIGIL_OCF_SUCCESS);
  executor.Dispatch();
  EXPECT_EQ(runner.started.size(), 1u);
  EXPECT_EQ(seen.size(), 2u);
}

TEST_F(ExecutorTest, CancelOfRunningCallRaisesItsToken) {
  uint64_t start = Submit(Op("a", "start"));
  EXPECT_TRUE(executor.Cancel(start));
  EXPECT_TRUE(runner.started[0].cancel->cancelled());
  runner.Finish(0, VIGIL_EXEC_CANCELLED);
  executor.Dispatch();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].status, ExecStatus::kCancelled);
}

TEST_F(ExecutorTest, UnknownCallCannotBeCancelled) { EXPECT_FALSE(executor.Cancel(12345)); }

TEST_F(ExecutorTest, NextDueIsTheEarliestDeadline) {
  EXPECT_FALSE(executor.NextDue().has_value());
  Submit(Op("a", "start", milliseconds(0), seconds(30)));
  Submit(Op("b", "start", milliseconds(0), seconds(5)));
  EXPECT_EQ(executor.NextDue(), clock.Now() + seconds(5));
}

TEST_F(ExecutorTest, RecurringMonitorTimeoutIsReportedAndTheMonitorGoesOn) {
  Submit(Op("a", "monitor", seconds(10), seconds(2)));
  clock.Advance(seconds(2));
  executor.Dispatch();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].status, ExecStatus::kTimedOut);
  runner.Finish(0, VIGIL_EXEC_CANCELLED);
  executor.Dispatch();
  clock.Advance(seconds(10));
  executor.Dispatch();
  EXPECT_EQ(runner.started.size(), 2u);
}

// A runner that runs each operation on a thread of its own, as the worker pool does: the run
// ends when the test releases it or the executor cancels it.
class ThreadRunner final : public OperationRunner {
 public:
  ~ThreadRunner() override {
    ReleaseAll();
    for (auto& t : threads_) t.join();
  }
  void Start(const Operation&, std::shared_ptr<const CancelToken> cancel,
             std::function<void(RunOutcome)> done) override {
    std::lock_guard<std::mutex> lock(mu_);
    threads_.emplace_back([this, cancel = std::move(cancel), done = std::move(done)] {
      {
        std::unique_lock<std::mutex> wait(mu_);
        cv_.wait_for(wait, seconds(30), [&] { return released_ || cancel->cancelled(); });
      }
      RunOutcome out;
      out.rc = cancel->cancelled() ? VIGIL_EXEC_CANCELLED : VIGIL_OCF_SUCCESS;
      {
        std::lock_guard<std::mutex> hold(mu_);
        returned_by_.push_back(std::this_thread::get_id());
      }
      done(std::move(out));
    });
  }
  void ReleaseAll() {
    std::lock_guard<std::mutex> lock(mu_);
    released_ = true;
    cv_.notify_all();
  }
  // Cancel tokens are raised without telling anyone: poll them.
  void PollCancels() {
    std::lock_guard<std::mutex> lock(mu_);
    cv_.notify_all();
  }
  std::vector<std::thread::id> returned_by() {
    std::lock_guard<std::mutex> lock(mu_);
    return returned_by_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool released_ = false;
  std::vector<std::thread> threads_;
  std::vector<std::thread::id> returned_by_;
};

Operation StartedOp(const std::string& resource, milliseconds timeout) {
  Operation op;
  op.resource = resource;
  op.agent = "ocf:vigiltest:Noop";
  op.action = "start";
  op.timeout = timeout;
  return op;
}

TEST(StartedExecutorTest, TheThreadThatReturnsARunDeliversItsResult) {
  ThreadRunner runner;
  Executor executor(SystemClock::Instance(), runner);
  executor.Start();
  std::promise<std::thread::id> delivered_on;
  executor.Submit(StartedOp("a", seconds(20)), [&](const Operation&, const OperationResult& r) {
    EXPECT_EQ(r.status, ExecStatus::kDone);
    delivered_on.set_value(std::this_thread::get_id());
  });
  runner.ReleaseAll();
  auto f = delivered_on.get_future();
  ASSERT_EQ(f.wait_for(seconds(10)), std::future_status::ready);
  const std::thread::id on = f.get();
  ASSERT_EQ(runner.returned_by().size(), 1u);
  EXPECT_EQ(on, runner.returned_by()[0]);
}

// Submitting does not wake the executor's thread for a deadline later than its next wake; a
// deadline before it (50 ms) and one after it (1.5 s) must both still fire.
TEST(StartedExecutorTest, DeadlinesFireWhetherOrNotSubmitWokeTheLoop) {
  ThreadRunner runner;
  Executor executor(SystemClock::Instance(), runner);
  executor.Start();
  std::promise<ExecStatus> early, late;
  executor.Submit(StartedOp("a", milliseconds(50)),
                  [&](const Operation&, const OperationResult& r) { early.set_value(r.status); });
  executor.Submit(StartedOp("b", milliseconds(1500)),
                  [&](const Operation&, const OperationResult& r) { late.set_value(r.status); });
  auto e = early.get_future();
  auto l = late.get_future();
  ASSERT_EQ(e.wait_for(seconds(20)), std::future_status::ready);
  EXPECT_EQ(e.get(), ExecStatus::kTimedOut);
  ASSERT_EQ(l.wait_for(seconds(20)), std::future_status::ready);
  EXPECT_EQ(l.get(), ExecStatus::kTimedOut);
  runner.PollCancels();  // the runs return, cancelled, before the executor goes
}

TEST(StartedExecutorTest, DestroyingWaitsForACallbackRunningOnAnotherThread) {
  ThreadRunner runner;
  std::atomic<bool> callback_over{false};
  std::promise<void> in_callback;
  {
    Executor executor(SystemClock::Instance(), runner);
    executor.Start();
    executor.Submit(StartedOp("a", seconds(20)), [&](const Operation&, const OperationResult&) {
      in_callback.set_value();
      std::this_thread::sleep_for(milliseconds(200));
      callback_over = true;
    });
    runner.ReleaseAll();
    in_callback.get_future().wait();
  }
  EXPECT_TRUE(callback_over);
}

}  // namespace
}  // namespace vigil
