// Executor runs agent operations. At most one operation per resource runs at a time; the rest
// wait in arrival order. Operations of different resources run in parallel (as far as the
// runner allows). A recurring operation (interval > 0) runs at once, then again `interval` after
// each run finishes, until it is cancelled; submitting a stop (or a migrate_to) cancels the
// resource's recurring operations first, so no monitor runs after the stop has been asked for. Every run has a
// deadline: when it passes, the run's CancelToken is raised and the result is reported as timed
// out at once; the resource's next operation still waits until the runner has returned, so two
// operations never overlap on one resource.
//
// Results are delivered by Dispatch(), on the thread that calls it. Tests leave the executor
// stopped and call Dispatch() themselves with a FakeClock. After Start(), nobody calls Dispatch():
// the thread that returns a run delivers its result at once (so an operation costs no extra
// thread switch on its way back), and the executor's own thread fires deadlines and recurring
// runs. Every method is thread-safe; callbacks run without any executor lock held, one at a time,
// on whichever thread is dispatching.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>
#include <vector>

#include "common/clock.h"
#include "host/operation.h"
#include "host/runner.h"

namespace vigil {

class Executor {
 public:
  using Callback = std::function<void(const Operation&, const OperationResult&)>;

  // Neither argument is owned; both must outlive the executor. `idle_wake`: with nothing timed to
  // do, the started executor's thread still wakes this often, so that submitting an operation
  // whose deadline lies further out need not wake it (a thread switch per operation).
  Executor(const Clock& clock, OperationRunner& runner,
           std::chrono::milliseconds idle_wake = std::chrono::seconds(1));
  // Cancels everything (no more callbacks), raises every running operation's CancelToken and
  // waits until the runner has returned them all.
  ~Executor();
  Executor(const Executor&) = delete;
  Executor& operator=(const Executor&) = delete;

  // Queues `op`; `on_result` gets every result of it (one for a one-shot operation, one per run
  // of a recurring one, and a final kCancelled when a recurring one is cancelled). Returns the
  // call id.
  uint64_t Submit(Operation op, Callback on_result);

  // Cancels a queued, running or recurring call: its callback gets kCancelled now and nothing
  // after. A running call's CancelToken is raised. False when the call is unknown or over.
  bool Cancel(uint64_t call_id);

  // Delivers finished runs, fires due deadlines and recurring runs, starts what may start. Waits
  // while another thread dispatches; must not be called from a callback.
  void Dispatch();
  // When Dispatch next has timed work to do, if any.
  std::optional<SteadyTime> NextDue() const;

  // Runs Dispatch on a thread of the executor's own (with a real clock). Idempotent.
  void Start();

  // Counters, for tests and status.
  size_t running_count() const;
  size_t queued_count() const;

 private:
  struct Call;
  struct Running;
  struct Resource {
    std::deque<std::shared_ptr<Call>> queue;
    std::shared_ptr<Running> running;
  };
  struct Launch {
    std::shared_ptr<Running> running;
  };
  using Delivery = std::function<void()>;

  void StartNextLocked(Resource& res, std::vector<Launch>* launches);
  void WakeLoopIfEarlierLocked(SteadyTime due);
  void CancelRecurringLocked(const std::string& resource);
  void FinishLocked(const std::shared_ptr<Call>& call, OperationResult result);
  void LaunchAll(std::vector<Launch>& launches);
  void OnRunDone(const std::shared_ptr<Running>& running, RunOutcome outcome);
  bool HasWorkLocked(SteadyTime now) const;
  void DispatchPass();
  void EndDispatchLocked();
  std::optional<SteadyTime> NextDueLocked() const;
  void Loop();

  const Clock& clock_;
  OperationRunner& runner_;
  const std::chrono::milliseconds idle_wake_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  uint64_t next_call_id_ = 1;
  std::map<std::string, Resource> resources_;
  std::unordered_map<uint64_t, std::shared_ptr<Call>> calls_;
  std::multimap<SteadyTime, std::shared_ptr<Call>> rearm_;
  std::multimap<SteadyTime, std::shared_ptr<Running>> deadlines_;
  std::vector<std::pair<std::shared_ptr<Running>, RunOutcome>> completions_;
  std::vector<Delivery> deliveries_;
  size_t in_flight_ = 0;
  // What the loop thread sleeps until, so that a new earlier deadline wakes it, and only then.
  bool loop_sleeping_ = false;
  SteadyTime loop_sleeps_until_{};
  bool loop_awaits_dispatcher_ = false;  // the loop has work but another thread is dispatching
  size_t dispatch_waiters_ = 0;          // Dispatch() callers waiting for their turn
  bool dispatching_ = false;             // one dispatcher at a time, so callbacks never overlap
  bool started_ = false;
  bool stopping_ = false;
  std::thread loop_;
};

}  // namespace vigil
