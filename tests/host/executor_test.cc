// The executor's bookkeeping on a fake clock, with a runner that finishes operations only when
// the test says so.
#include "host/executor.h"
#include "host/worker_pool.h"

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

// A migrate_to takes the resource away as a stop does: its monitor is cancelled first, so none
// finds it gone and calls that a failure; a migrate_from cancels nothing.
TEST_F(ExecutorTest, MigrateToCancelsRecurringMonitorsBeforeItRuns) {
  Submit(Op("a", "monitor", seconds(10)));
  runner.Finish(0, VIGIL_OCF_SUCCESS);
  executor.Dispatch();
  Submit(Op("a", "migrate_from"));
  executor.Dispatch();
  EXPECT_EQ(seen.size(), 1u);  // the monitor goes on
  runner.Finish(1, VIGIL_OCF_SUCCESS);
  executor.Dispatch();
  Submit(Op("a", "migrate_to"));
  executor.Dispatch();
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_EQ(seen[2].action, "monitor");
  EXPECT_EQ(seen[2].status, ExecStatus::kCancelled);
  ASSERT_EQ(runner.started.size(), 3u);
  EXPECT_EQ(runner.started[2].op.action, "migrate_to");
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

// With an idle wake of an hour, the executor's thread wakes only when told: every case below
// that it is not told of would hang for an hour, and the test fails at its own 20 s wait
// instead (nothing here measures time).
constexpr std::chrono::hours kNeverByItself{1};

// A deadline before the loop's next wake must wake it.
TEST(StartedExecutorTest, AnEarlierDeadlineWakesTheSleepingLoop) {
  ThreadRunner runner;
  Executor executor(SystemClock::Instance(), runner, kNeverByItself);
  executor.Start();
  std::this_thread::sleep_for(milliseconds(100));  // the loop is asleep now
  std::promise<ExecStatus> status;
  executor.Submit(StartedOp("a", milliseconds(50)),
                  [&](const Operation&, const OperationResult& r) { status.set_value(r.status); });
  auto f = status.get_future();
  ASSERT_EQ(f.wait_for(seconds(20)), std::future_status::ready);
  EXPECT_EQ(f.get(), ExecStatus::kTimedOut);
  runner.PollCancels();
}

// A deadline after the loop's next wake does not wake it at submission; it fires all the same.
TEST(StartedExecutorTest, ALaterDeadlineStillFires) {
  ThreadRunner runner;
  Executor executor(SystemClock::Instance(), runner, milliseconds(100));
  executor.Start();
  std::promise<ExecStatus> status;
  executor.Submit(StartedOp("a", milliseconds(1500)),
                  [&](const Operation&, const OperationResult& r) { status.set_value(r.status); });
  auto f = status.get_future();
  ASSERT_EQ(f.wait_for(seconds(20)), std::future_status::ready);
  EXPECT_EQ(f.get(), ExecStatus::kTimedOut);
  runner.PollCancels();
}

// A recurring operation re-armed by a worker (not the loop) must wake the loop for its next run.
TEST(StartedExecutorTest, ARecurringOperationKeepsRunning) {
  ThreadRunner runner;
  runner.ReleaseAll();  // every run returns at once
  Executor executor(SystemClock::Instance(), runner, kNeverByItself);
  executor.Start();
  std::mutex mu;
  std::condition_variable cv;
  int runs = 0;
  Operation op = StartedOp("a", seconds(20));
  op.action = "monitor";
  op.interval = milliseconds(10);
  const uint64_t id = executor.Submit(op, [&](const Operation&, const OperationResult& r) {
    if (r.status != ExecStatus::kDone) return;
    std::lock_guard<std::mutex> lock(mu);
    ++runs;
    cv.notify_all();
  });
  {
    std::unique_lock<std::mutex> lock(mu);
    EXPECT_TRUE(cv.wait_for(lock, seconds(20), [&] { return runs >= 5; })) << runs << " runs";
  }
  executor.Cancel(id);
}

// Runs that return on several pool threads at once: whichever thread is dispatching delivers
// the ones that came in meanwhile before it lets go.
TEST(StartedExecutorTest, ConcurrentReturnsAreAllDelivered) {
  WorkerPool pool(8);
  class PoolRunner final : public OperationRunner {
   public:
    explicit PoolRunner(WorkerPool& p) : pool_(p) {}
    void Start(const Operation&, std::shared_ptr<const CancelToken>,
               std::function<void(RunOutcome)> done) override {
      pool_.Post([done = std::move(done)] {
        RunOutcome out;
        out.rc = VIGIL_OCF_SUCCESS;
        done(std::move(out));
      });
    }

   private:
    WorkerPool& pool_;
  } runner(pool);
  Executor executor(SystemClock::Instance(), runner, kNeverByItself);
  executor.Start();
  for (int batch = 0; batch < 50; ++batch) {
    std::mutex mu;
    std::condition_variable cv;
    int delivered = 0;
    for (int i = 0; i < 16; ++i) {
      executor.Submit(StartedOp("r" + std::to_string(i), seconds(20)),
                      [&](const Operation&, const OperationResult&) {
                        std::lock_guard<std::mutex> lock(mu);
                        ++delivered;
                        cv.notify_all();
                      });
    }
    std::unique_lock<std::mutex> lock(mu);
    ASSERT_TRUE(cv.wait_for(lock, seconds(20), [&] { return delivered == 16; }))
        << "batch " << batch << ": " << delivered << " of 16 delivered";
  }
}

// A runner may return a run inside Start: the result must not be delivered on the submitting
// thread before Submit has returned its id.
TEST(StartedExecutorTest, ARunReturnedInsideStartIsNotDeliveredInsideSubmit) {
  class AtOnceRunner final : public OperationRunner {
   public:
    void Start(const Operation&, std::shared_ptr<const CancelToken>,
               std::function<void(RunOutcome)> done) override {
      RunOutcome out;
      out.rc = VIGIL_OCF_SUCCESS;
      done(std::move(out));
    }
  } runner;
  Executor executor(SystemClock::Instance(), runner);
  executor.Start();
  // Delivered inside Submit, the callback would run on this thread (the runner returns inside
  // Start, inside Submit); delivered by the loop, on another. (Comparing with a flag set after
  // Submit returns raced with a loop that delivers at once.)
  const auto submitting_thread = std::this_thread::get_id();
  std::promise<bool> on_another_thread;
  executor.Submit(StartedOp("a", seconds(20)), [&](const Operation&, const OperationResult&) {
    on_another_thread.set_value(std::this_thread::get_id() != submitting_thread);
  });
  auto f = on_another_thread.get_future();
  ASSERT_EQ(f.wait_for(seconds(20)), std::future_status::ready);
  EXPECT_TRUE(f.get());
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
