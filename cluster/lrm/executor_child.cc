#include "cluster/lrm/executor_child.h"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <map>
#include <mutex>

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

class Child {
 public:
  Child(int fd, RegistryOptions options) : fd_(fd), host_(std::move(options)) {}

  int Run() {
    std::string in;
    char buffer[65536];
    for (;;) {
      const ssize_t n = read(fd_, buffer, sizeof buffer);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;  // vigild is gone
      in.append(buffer, static_cast<size_t>(n));
      auto messages = TakeFrames(in);
      if (!messages.ok()) {
        LogError("executor child: " + messages.status().message() + "; stopping");
        break;
      }
      for (auto& m : *messages) Handle(std::move(m));
    }
    StopEverything();
    return 0;
  }

 private:
  void Handle(ExecutorMessage m) {
    if (auto* run = std::get_if<RunRequest>(&m)) {
      const uint64_t call = run->call;
      // Held across Submit, so that a quick result (on another thread) finds the call recorded.
      std::unique_lock<std::mutex> lock(mu_);
      auto id = host_.Submit(run->op, [this, call](const Operation& op, const OperationResult& r) { OnResult(call, op, r); });
      if (!id.ok()) {
        lock.unlock();
        OperationResult r;
        r.status = ExecStatus::kError;
        r.rc = OcfCodeForRefusal(id.status());
        r.reason = id.status().message();
        Send(RunResult{call, r});
        if (run->op.interval.count() > 0) {
          // A recurring call that never started ends here, or vigild would wait for its runs.
          r.status = ExecStatus::kCancelled;
          Send(RunResult{call, r});
        }
        return;
      }
      calls_[call] = *id;
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
        id = it->second;
      }
      host_.executor().Cancel(id);
    }
  }

  void OnResult(uint64_t call, const Operation& op, const OperationResult& r) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      // What runs here, as far as this child can tell: what it must stop if vigild dies.
      const bool ok = r.status == ExecStatus::kDone;
      if (ok && r.rc == 0 && (op.action == "start" || op.action == "monitor")) {
        running_.emplace(op.resource, op);
      } else if (ok && ((op.action == "stop" && r.rc == 0) || (op.action == "monitor" && r.rc == 7))) {
        running_.erase(op.resource);
      }
      if (op.interval.count() == 0 || r.status == ExecStatus::kCancelled) calls_.erase(call);
    }
    Send(RunResult{call, r});
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

  void StopEverything() {
    std::map<std::string, Operation> running;
    {
      std::lock_guard<std::mutex> lock(mu_);
      running = running_;
    }
    if (running.empty()) return;
    LogWarning("executor child: vigild is gone; stopping " + std::to_string(running.size()) +
               " resource(s) so that the survivors can start them");
    for (auto& [rsc, op] : running) {
      op.action = "stop";
      op.interval = std::chrono::milliseconds(0);
      auto r = host_.RunAndWait(op);  // cancels the resource's recurring monitors first
      if (!r.ok()) {
        LogError("executor child: cannot stop " + rsc + ": " + r.status().message());
      } else if (r->status != ExecStatus::kDone || r->rc != 0) {
        LogError("executor child: stop of " + rsc + " failed: " + OcfCodeName(r->rc) + " " + r->reason);
      } else {
        LogInfo("executor child: stopped " + rsc);
      }
    }
  }

  int fd_;
  AgentHost host_;
  std::mutex mu_;
  std::map<uint64_t, uint64_t> calls_;  // vigild's call id → the executor's
  std::map<std::string, Operation> running_;
  std::mutex write_mu_;
};

}  // namespace

int RunExecutorChild(int fd, RegistryOptions options) {
  Child child(fd, std::move(options));
  return child.Run();
}

}  // namespace vigil::lrm
