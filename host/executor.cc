#include "host/executor.h"

#include "vigil/agent.h"

namespace vigil {

const char* ExecStatusName(ExecStatus status) {
  switch (status) {
    case ExecStatus::kDone: return "done";
    case ExecStatus::kTimedOut: return "timed out";
    case ExecStatus::kCancelled: return "cancelled";
    case ExecStatus::kError: return "error";
  }
  return "unknown";
}

struct Executor::Call {
  uint64_t id = 0;
  Operation op;
  Callback on_result;
  bool recurring = false;
  bool finished = false;  // its last result is out; anything later is dropped
};

struct Executor::Running {
  std::shared_ptr<Call> call;
  std::shared_ptr<CancelToken> cancel = std::make_shared<CancelToken>();
  SteadyTime started;
  std::multimap<SteadyTime, std::shared_ptr<Running>>::iterator deadline;  // in deadlines_
  bool deadline_armed = true;  // `deadline` is still in deadlines_
  bool reported = false;       // a timeout or cancellation was already delivered for this run
};

Executor::Executor(const Clock& clock, OperationRunner& runner, std::chrono::milliseconds idle_wake)
    : clock_(clock), runner_(runner), idle_wake_(idle_wake) {}

namespace {
// Set while Submit launches on the caller's thread: a runner that returns a run at once (inside
// Start) must not make the submitter dispatch everyone's results before Submit returns.
thread_local const Executor* tls_submitting = nullptr;
}  // namespace

Executor::~Executor() {
  std::unique_lock<std::mutex> lock(mu_);
  stopping_ = true;
  for (auto& [id, call] : calls_) call->finished = true;
  for (auto& [name, res] : resources_) {
    if (res.running) res.running->cancel->Cancel();
  }
  cv_.notify_all();
  lock.unlock();
  if (loop_.joinable()) loop_.join();
  lock.lock();
  // A run has returned once its completion is queued; a thread that returned one earlier may
  // still be dispatching it.
  cv_.wait(lock, [this] { return !dispatching_ && completions_.size() >= in_flight_; });
}

uint64_t Executor::Submit(Operation op, Callback on_result) {
  std::vector<Launch> launches;
  uint64_t id;
  {
    std::lock_guard<std::mutex> lock(mu_);
    id = next_call_id_++;
    auto call = std::make_shared<Call>();
    call->id = id;
    call->recurring = op.interval.count() > 0;
    call->op = std::move(op);
    call->on_result = std::move(on_result);
    // (A migrate_to takes the resource away from this node as a stop does.)
    if (call->op.action == "stop" || call->op.action == "migrate_to") CancelRecurringLocked(call->op.resource);
    calls_.emplace(id, call);
    Resource& res = resources_[call->op.resource];
    res.queue.push_back(call);
    StartNextLocked(res, &launches);
    if (!deliveries_.empty()) cv_.notify_all();
  }
  tls_submitting = this;
  LaunchAll(launches);
  tls_submitting = nullptr;
  return id;
}

bool Executor::Cancel(uint64_t call_id) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = calls_.find(call_id);
  if (it == calls_.end() || it->second->finished) return false;
  std::shared_ptr<Call> call = it->second;
  auto res = resources_.find(call->op.resource);
  if (res != resources_.end() && res->second.running && res->second.running->call == call) {
    Running& running = *res->second.running;
    running.cancel->Cancel();
    running.reported = true;
    if (running.deadline_armed) deadlines_.erase(running.deadline);
    running.deadline_armed = false;
  }
  OperationResult result;
  result.call_id = call->id;
  result.status = ExecStatus::kCancelled;
  result.reason = "cancelled";
  FinishLocked(call, std::move(result));
  cv_.notify_all();
  return true;
}

void Executor::CancelRecurringLocked(const std::string& resource) {
  std::vector<std::shared_ptr<Call>> victims;
  for (auto& [id, call] : calls_) {
    if (call->recurring && !call->finished && call->op.resource == resource) victims.push_back(call);
  }
  for (auto& call : victims) {
    OperationResult result;
    result.call_id = call->id;
    result.status = ExecStatus::kCancelled;
    result.reason = "cancelled before " + resource + " stops or migrates away";
    FinishLocked(call, std::move(result));
  }
}

// Delivers the call's last result and forgets it; queue and re-arm entries are skipped lazily.
void Executor::FinishLocked(const std::shared_ptr<Call>& call, OperationResult result) {
  call->finished = true;
  calls_.erase(call->id);
  deliveries_.push_back([call, result = std::move(result)] { call->on_result(call->op, result); });
}

void Executor::StartNextLocked(Resource& res, std::vector<Launch>* launches) {
  if (res.running || stopping_) return;
  while (!res.queue.empty() && res.queue.front()->finished) res.queue.pop_front();
  if (res.queue.empty()) return;
  auto running = std::make_shared<Running>();
  running->call = res.queue.front();
  res.queue.pop_front();
  running->started = clock_.Now();
  res.running = running;
  running->deadline = deadlines_.emplace(running->started + running->call->op.timeout, running);
  WakeLoopIfEarlierLocked(running->deadline->first);
  ++in_flight_;
  launches->push_back({running});
}

void Executor::WakeLoopIfEarlierLocked(SteadyTime due) {
  if (loop_sleeping_ && due < loop_sleeps_until_) cv_.notify_all();
}

void Executor::LaunchAll(std::vector<Launch>& launches) {
  for (auto& l : launches) {
    auto running = l.running;
    runner_.Start(running->call->op, running->cancel,
                  [this, running](RunOutcome outcome) { OnRunDone(running, std::move(outcome)); });
  }
  launches.clear();
}

void Executor::OnRunDone(const std::shared_ptr<Running>& running, RunOutcome outcome) {
  std::unique_lock<std::mutex> lock(mu_);
  completions_.emplace_back(running, std::move(outcome));
  if (stopping_) {
    cv_.notify_all();  // the destructor waits for the last completion
    return;
  }
  if (!started_ || dispatching_) return;  // the test's Dispatch(), or the dispatcher, takes it
  if (tls_submitting == this) {
    // Returned inside Submit: the loop delivers it (one wake per batch).
    if (loop_sleeping_ && completions_.size() == 1) cv_.notify_all();
    return;
  }
  // Deliver here, on the thread that ran the operation, until nothing is left to do.
  dispatching_ = true;
  do {
    lock.unlock();
    DispatchPass();
    lock.lock();
  } while (!stopping_ && HasWorkLocked(clock_.Now()));
  EndDispatchLocked();
}

void Executor::EndDispatchLocked() {
  dispatching_ = false;
  // A sleeping loop is told of work that came in during a single Dispatch() pass.
  if (loop_awaits_dispatcher_ || dispatch_waiters_ > 0 || stopping_ ||
      (started_ && loop_sleeping_ && HasWorkLocked(clock_.Now()))) {
    cv_.notify_all();
  }
}

void Executor::Dispatch() {
  {
    std::unique_lock<std::mutex> lock(mu_);
    ++dispatch_waiters_;
    cv_.wait(lock, [this] { return !dispatching_; });
    --dispatch_waiters_;
    dispatching_ = true;
  }
  DispatchPass();
  std::lock_guard<std::mutex> lock(mu_);
  EndDispatchLocked();
}

// One pass; the caller holds the dispatcher's turn (dispatching_).
void Executor::DispatchPass() {
  std::vector<Launch> launches;
  std::vector<Delivery> deliveries;
  {
    std::lock_guard<std::mutex> lock(mu_);
    const SteadyTime now = clock_.Now();

    // Finished runs: report, re-arm recurring calls, start the resource's next operation.
    auto completions = std::move(completions_);
    completions_.clear();
    for (auto& [running, outcome] : completions) {
      --in_flight_;
      const std::shared_ptr<Call>& call = running->call;
      Resource& res = resources_[call->op.resource];
      if (res.running == running) res.running.reset();
      if (running->deadline_armed) deadlines_.erase(running->deadline);
      running->deadline_armed = false;
      if (!running->reported && !call->finished) {
        OperationResult result;
        result.call_id = call->id;
        result.elapsed = now - running->started;
        result.reason = std::move(outcome.reason);
        result.output = std::move(outcome.output);
        if (outcome.rc == VIGIL_EXEC_TIMED_OUT) {
          result.status = ExecStatus::kTimedOut;
          result.rc = VIGIL_OCF_ERR_GENERIC;
        } else if (outcome.rc == VIGIL_EXEC_CANCELLED) {
          result.status = ExecStatus::kCancelled;
          result.rc = VIGIL_OCF_ERR_GENERIC;
        } else {
          result.status = outcome.not_run ? ExecStatus::kError : ExecStatus::kDone;
          result.rc = outcome.rc;
        }
        if (call->recurring) {
          deliveries_.push_back([call, result] { call->on_result(call->op, result); });
        } else {
          FinishLocked(call, std::move(result));
        }
      }
      if (call->recurring && !call->finished) {
        // Not necessarily on the loop's thread: tell it when this comes before its wake.
        WakeLoopIfEarlierLocked(rearm_.emplace(now + call->op.interval, call)->first);
      }
      StartNextLocked(res, &launches);
      // A run ending is the only way a resource goes idle: forget it here, so the map does not
      // grow without bound and no pass has to sweep it.
      if (!res.running && res.queue.empty()) resources_.erase(call->op.resource);
    }

    // Deadlines: the run is reported as timed out now; its resource stays busy until it returns.
    while (!deadlines_.empty() && deadlines_.begin()->first <= now) {
      auto running = deadlines_.begin()->second;
      deadlines_.erase(deadlines_.begin());
      running->deadline_armed = false;
      running->reported = true;
      running->cancel->Cancel();
      const std::shared_ptr<Call>& call = running->call;
      if (call->finished) continue;
      OperationResult result;
      result.call_id = call->id;
      result.status = ExecStatus::kTimedOut;
      result.rc = VIGIL_OCF_ERR_GENERIC;
      result.elapsed = call->op.timeout;
      result.reason = call->op.action + " of " + call->op.resource + " did not finish within " +
                      std::to_string(call->op.timeout.count()) + " ms";
      if (call->recurring) {
        deliveries_.push_back([call, result] { call->on_result(call->op, result); });
      } else {
        FinishLocked(call, std::move(result));
      }
    }

    // Recurring calls whose interval has passed join their resource's queue again.
    while (!rearm_.empty() && rearm_.begin()->first <= now) {
      auto call = rearm_.begin()->second;
      rearm_.erase(rearm_.begin());
      if (call->finished) continue;
      Resource& res = resources_[call->op.resource];
      res.queue.push_back(call);
      StartNextLocked(res, &launches);
    }

    deliveries.swap(deliveries_);
  }
  LaunchAll(launches);
  for (auto& d : deliveries) d();
}

std::optional<SteadyTime> Executor::NextDue() const {
  std::lock_guard<std::mutex> lock(mu_);
  return NextDueLocked();
}

std::optional<SteadyTime> Executor::NextDueLocked() const {
  std::optional<SteadyTime> due;
  if (!deadlines_.empty()) due = deadlines_.begin()->first;
  if (!rearm_.empty() && (!due || rearm_.begin()->first < *due)) due = rearm_.begin()->first;
  return due;
}

bool Executor::HasWorkLocked(SteadyTime now) const {
  if (!completions_.empty() || !deliveries_.empty()) return true;
  auto due = NextDueLocked();
  return due && *due <= now;
}

void Executor::Start() {
  std::lock_guard<std::mutex> lock(mu_);
  if (loop_.joinable()) return;
  started_ = true;
  loop_ = std::thread([this] { Loop(); });
}

void Executor::Loop() {
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    if (stopping_) return;
    if (dispatching_) {
      // Another thread dispatches, and it does not let go while anything is due.
      loop_awaits_dispatcher_ = true;
      cv_.wait(lock);
      loop_awaits_dispatcher_ = false;
      continue;
    }
    const SteadyTime now = clock_.Now();
    if (HasWorkLocked(now)) {
      dispatching_ = true;
      lock.unlock();
      DispatchPass();
      lock.lock();
      EndDispatchLocked();
      continue;
    }
    const SteadyTime idle_wake = now + idle_wake_;
    auto due = NextDueLocked();
    loop_sleeping_ = true;
    loop_sleeps_until_ = due && *due < idle_wake ? *due : idle_wake;
    cv_.wait_until(lock, loop_sleeps_until_);
    loop_sleeping_ = false;
  }
}

size_t Executor::running_count() const {
  std::lock_guard<std::mutex> lock(mu_);
  return in_flight_;
}

size_t Executor::queued_count() const {
  std::lock_guard<std::mutex> lock(mu_);
  size_t n = 0;
  for (const auto& [name, res] : resources_) {
    for (const auto& c : res.queue) n += c->finished ? 0 : 1;
  }
  return n;
}

}  // namespace vigil
