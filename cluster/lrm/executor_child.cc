#include "cluster/lrm/executor_child.h"

#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <condition_variable>
#include <map>
#include <set>
#include <mutex>
#include <optional>
#include <string_view>

#include "cluster/lrm/executor_wire.h"
#include "common/log.h"
#include "common/ocf.h"
#include "host/agent_host.h"

namespace vigil::lrm {
namespace {

// The OCF code an operation that could not even be checked gets: the one place that maps a
// refused check to what the scheduler reads.
int OcfCodeForRefusal(const Status& s) {
  switch (s.code()) {
    case StatusCode::kNotFound:
      return static_cast<int>(OcfCode::kErrInstalled);  // no such agent on this node
    case StatusCode::kInvalidArgument:
    case StatusCode::kParseError:
      return static_cast<int>(OcfCode::kErrConfigured);  // the parameters do not fit the agent
    default:
      return static_cast<int>(OcfCode::kErrGeneric);
  }
}

// What a Run refused after a lapse, and every call the lapse or vigild's end withdrew, ends with.
constexpr std::string_view kWithdrawn = "withdrawn by the executor child";

volatile sig_atomic_t hangup = 0;
void OnHangup(int) { hangup = 1; }

class Child {
 public:
  Child(int fd, RegistryOptions options, std::function<void()> on_hangup)
      : fd_(fd), host_(std::move(options)), on_hangup_(std::move(on_hangup)) {}

  int Run() {
    std::string in;
    char buffer[65536];
    // Not SA_RESTART: the poll below ends at once (the handler goes back to the default in the
    // agents, at exec).
    struct sigaction hup{};
    hup.sa_handler = OnHangup;
    sigemptyset(&hup.sa_mask);
    sigaction(SIGHUP, &hup, nullptr);
    for (;;) {
      if (hangup != 0) {
        hangup = 0;
        if (on_hangup_) on_hangup_();
      }
      pollfd p{fd_, POLLIN, 0};
      int wait_ms = -1;
      if (lease_end_) {
        const auto left = std::chrono::ceil<std::chrono::milliseconds>(*lease_end_ - std::chrono::steady_clock::now());
        wait_ms = static_cast<int>(std::clamp<int64_t>(left.count(), 0, 60000));
      }
      const int ready = poll(&p, 1, wait_ms);
      if (ready < 0 && errno != EINTR) break;
      if (ready > 0) {
        const ssize_t n = read(fd_, buffer, sizeof buffer);
        if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN)) break;  // vigild is gone
        if (n > 0) in.append(buffer, static_cast<size_t>(n));
        auto messages = TakeFrames(in);
        if (!messages.ok()) {
          LogError("executor child: " + messages.status().message() + "; stopping");
          break;
        }
        for (auto& m : *messages) Handle(std::move(m));
      }
      // After what was read: a renewal that came in time counts even if this thread was slow to
      // wake for it.
      if (lease_end_ && std::chrono::steady_clock::now() >= *lease_end_) Lapse();
    }
    // A stop that failed leaves something running here: the exit code says so (kStopFailed).
    return StopEverything("vigild is gone") ? 0 : kStopFailed;
  }

 private:
  struct Call {
    uint64_t id = 0;  // the executor's
    Operation op;
  };

  void Handle(ExecutorMessage m) {
    if (auto* run = std::get_if<RunRequest>(&m)) {
      const uint64_t call = run->call;
      if (lapsed_) {
        // vigild sent this before it heard of the lapse: it was planned on what no longer holds.
        Refuse(call, ExecStatus::kCancelled, static_cast<int>(OcfCode::kErrGeneric),
               std::string(kWithdrawn) + ": its lease lapsed, and vigild has not yet heard");
        return;
      }
      // Held across Submit, so that a quick result (on another thread) finds the call recorded.
      std::unique_lock<std::mutex> lock(mu_);
      auto id = host_.Submit(run->op, [this, call](const Operation& op, const OperationResult& r) { OnResult(call, op, r); });
      if (!id.ok()) {
        lock.unlock();
        Refuse(call, ExecStatus::kError, OcfCodeForRefusal(id.status()), id.status().message());
        if (run->op.interval.count() > 0) {
          // A recurring call that never started ends here, or vigild would wait for its runs.
          Refuse(call, ExecStatus::kCancelled, OcfCodeForRefusal(id.status()), id.status().message());
        }
        return;
      }
      calls_[call] = {*id, run->op};
    } else if (auto* check = std::get_if<CheckRequest>(&m)) {
      OperationResult r;
      r.call_id = check->call;
      r.rc = 0;
      if (Status s = host_.Check(check->op); !s.ok()) {
        r.status = ExecStatus::kError;
        r.rc = OcfCodeForRefusal(s);
        r.reason = s.message();
      }
      Send(RunResult{check->call, r});
    } else if (auto* cancel = std::get_if<CancelRequest>(&m)) {
      uint64_t id = 0;
      {
        std::lock_guard<std::mutex> lock(mu_);
        const auto it = calls_.find(cancel->call);
        if (it == calls_.end()) return;
        id = it->second.id;
      }
      host_.executor().Cancel(id);
    } else if (auto* renew = std::get_if<RenewRequest>(&m)) {
      // A renewal sent before vigild heard of the latest lapse does not count.
      if (renew->lapses_seen != lapses_) return;
      lapsed_ = false;
      lease_end_ = std::chrono::steady_clock::now() + std::chrono::milliseconds(renew->lease_ms);
    }
  }

  void Refuse(uint64_t call, ExecStatus status, int rc, std::string reason) {
    OperationResult r;
    r.call_id = call;
    r.status = status;
    r.rc = rc;
    r.reason = std::move(reason);
    Send(RunResult{call, r});
  }

  void Lapse() {
    lease_end_.reset();
    lapsed_ = true;
    ++lapses_;
    (void)StopEverything("vigild did not renew its lease in time (frozen or stuck)");
    Send(LapsedNotice{lapses_});
  }

  void OnResult(uint64_t call, const Operation& op, const OperationResult& r) {
    std::optional<std::string> withdrawn;  // the reason a withdrawn call ends with
    {
      std::lock_guard<std::mutex> lock(mu_);
      // What runs here, as far as this child can tell: what it must stop if vigild dies (with
      // the parameters it was started with; a monitor records only what a probe found running).
      const bool ok = r.status == ExecStatus::kDone;
      // (A migration arrives as a start does, and leaves as a stop does.)
      if (ok && r.rc == 0 && (op.action == "start" || op.action == "migrate_from")) {
        running_.insert_or_assign(op.resource, op);
        promoted_.erase(op.resource);
      } else if (ok && (r.rc == 0 || r.rc == 8) && op.action == "monitor") {  // running (8: promoted)
        running_.try_emplace(op.resource, op);
        if (r.rc == 8) promoted_.insert(op.resource);
      } else if (ok && (((op.action == "stop" || op.action == "migrate_to") && r.rc == 0) || (op.action == "monitor" && r.rc == 7))) {
        running_.erase(op.resource);
        promoted_.erase(op.resource);
      } else if (ok && r.rc == 0 && op.action == "promote") {
        promoted_.insert(op.resource);
      } else if (ok && r.rc == 0 && op.action == "demote") {
        promoted_.erase(op.resource);
      }
      if (op.interval.count() == 0 || r.status == ExecStatus::kCancelled) calls_.erase(call);
      if (r.status == ExecStatus::kCancelled && withdrawing_) withdrawn = std::string(kWithdrawn) + ": " + withdrawing_why_;
    }
    if (!withdrawn) {
      Send(RunResult{call, r});
      return;
    }
    OperationResult sent = r;
    sent.reason = std::move(*withdrawn);
    Send(RunResult{call, sent});
  }

  void Send(const ExecutorMessage& m) {
    const std::string frame = EncodeFrame(m);
    std::lock_guard<std::mutex> lock(write_mu_);
    size_t at = 0;
    while (at < frame.size()) {
      const ssize_t n = send(fd_, frame.data() + at, frame.size() - at, MSG_NOSIGNAL);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return;  // vigild is gone; Run() sees the end and stops everything
      at += static_cast<size_t>(n);
    }
  }

  // Withdraws every call in flight (a running one has its process group killed), then stops,
  // all at once, every resource that runs here or had an operation in flight (a start cut short
  // may have left half of it running; a stop of what is not running succeeds).
  // Whether every resource stopped.
  bool StopEverything(const std::string& why) {
    std::map<std::string, Operation> targets;
    std::set<std::string> promoted;
    std::vector<uint64_t> withdrawn;
    {
      std::lock_guard<std::mutex> lock(mu_);
      targets = running_;
      promoted = promoted_;
      for (const auto& [call, c] : calls_) {
        targets.try_emplace(c.op.resource, c.op);
        withdrawn.push_back(c.id);
      }
      withdrawing_ = true;
      withdrawing_why_ = why;
    }
    for (const uint64_t id : withdrawn) host_.executor().Cancel(id);
    if (!targets.empty()) {
      LogWarning("executor child: " + why + "; stopping " + std::to_string(targets.size()) +
                 " resource(s) so that the other nodes can start them");
    }
    std::mutex done_mu;
    std::condition_variable done_cv;
    size_t left = 0;
    bool failed = false;  // under done_mu
    for (auto& [rsc, op] : targets) {
      op.interval = std::chrono::milliseconds(0);
      if (promoted.count(rsc)) {
        // A promoted instance is demoted first: agents may refuse to stop one (Stateful does).
        op.action = "demote";
        auto demote = host_.Submit(op, [rsc](const Operation&, const OperationResult& r) {
          if (r.status != ExecStatus::kDone || r.rc != 0) LogError("executor child: demote of " + rsc + " failed: " + r.reason);
        });
        if (!demote.ok()) LogError("executor child: cannot demote " + rsc + ": " + demote.status().message());
      }
      op.action = "stop";
      {
        std::lock_guard<std::mutex> lock(done_mu);
        ++left;
      }
      // Queued behind a withdrawn run until its runner has returned; it cancels the resource's
      // recurring monitors first.
      auto id = host_.Submit(op, [&, rsc](const Operation&, const OperationResult& r) {
        if (r.status != ExecStatus::kDone || r.rc != 0) {
          LogError("executor child: stop of " + rsc + " failed: " +
                   (r.status == ExecStatus::kDone ? OcfCodeName(r.rc) : std::string(ExecStatusName(r.status))) + " " +
                   r.reason);
          std::lock_guard<std::mutex> lock(done_mu);
          failed = true;
        } else {
          LogInfo("executor child: stopped " + rsc);
          std::lock_guard<std::mutex> lock(mu_);
          running_.erase(rsc);
        }
        std::lock_guard<std::mutex> lock(done_mu);
        --left;
        done_cv.notify_all();
      });
      if (!id.ok()) {
        LogError("executor child: cannot stop " + rsc + ": " + id.status().message());
        std::lock_guard<std::mutex> lock(done_mu);
        --left;
        failed = true;
      }
    }
    std::unique_lock<std::mutex> lock(done_mu);
    done_cv.wait(lock, [&] { return left == 0; });
    const bool stopped = !failed;
    lock.unlock();
    std::lock_guard<std::mutex> state(mu_);
    withdrawing_ = false;
    return stopped;
  }

  int fd_;
  AgentHost host_;
  std::function<void()> on_hangup_;
  std::mutex mu_;
  std::map<uint64_t, Call> calls_;  // vigild's call id → the executor's, and what it runs
  std::map<std::string, Operation> running_;
  std::set<std::string> promoted_;  // of those, the ones last known promoted
  bool withdrawing_ = false;  // the cancellations StopEverything makes get its reason
  std::string withdrawing_why_;
  std::mutex write_mu_;
  // The lease (main thread only): when it ends, how many lapses so far, and whether vigild has
  // yet to hear of the latest.
  std::optional<SteadyTime> lease_end_;
  uint64_t lapses_ = 0;
  bool lapsed_ = false;
};

}  // namespace

int RunExecutorChild(int fd, RegistryOptions options, std::function<void()> on_hangup) {
  Child child(fd, std::move(options), std::move(on_hangup));
  return child.Run();
}

}  // namespace vigil::lrm
