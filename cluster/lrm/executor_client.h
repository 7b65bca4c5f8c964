// vigild's side of the executor child (executor_child.h): starts it, sends it operations, hands
// their results back, and restarts it when it dies.
//
// When the child dies (a plugin crashed it, somebody killed it), every operation in flight gets
// a final result (kChildDied below: one-shot calls fail, recurring ones end cancelled), and a new
// child is started (at once; after a second when it keeps dying). The owner then probes again:
// whatever ran before still runs, or was left half-done, and only a probe can tell.
//
// It also holds the child's lease (executor_child.h): with set_lease, Dispatch() renews it every
// `renew_every`; a lapse the child reports is handled as a death is, without the restart: every
// call in flight has already ended (withdrawn), and the owner hears it (set_on_unknown) and
// probes again.
//
// Non-blocking and single-threaded: one of vigild's event sources (common/event_source.h).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/event_source.h"
#include "common/status.h"
#include "host/operation.h"
#include "common/log.h"

namespace vigil::lrm {

// The reason of every call the child's death ends, followed by " (how it died)". A one-shot
// call ends failed (kError), unless the child was killed with SIGKILL from outside (no agent
// failed: it ends withdrawn, kCancelled). A recurring one ends cancelled (kCancelled): it runs no
// more, and whether the resource still runs is for the probe after the restart to find. A call made while
// no child runs ends the same way, with the reason "the executor child is not running".
inline constexpr std::string_view kChildDied = "the executor child died";

// What LocalResources asks of an executor: ExecutorClient, or a fake in unit tests.
class OperationQueue {
 public:
  using Callback = std::function<void(const OperationResult&)>;
  virtual ~OperationQueue() = default;
  // Queues `op`; `done` gets each result (one for a one-shot operation, one per run of a
  // recurring one, and a final kCancelled when a recurring one ends). Returns the call id.
  virtual uint64_t Submit(Operation op, Callback done) = 0;
  // Cancels a call: a one-shot one not yet finished (a running agent is killed) or a recurring
  // one; its final result comes back as kCancelled. Unknown or finished calls are ignored.
  virtual void Cancel(uint64_t call) = 0;
};

class ExecutorClient : public OperationQueue, public EventSource {
 public:
  // `argv`: how to start the child; the argument "{fd}" is replaced by the descriptor number of
  // its end of the socket pair. `program` is what is executed (default argv[0]); argv[0] stays
  // the child's name.
  explicit ExecutorClient(std::vector<std::string> argv, std::string program = "")
      : argv_(std::move(argv)), program_(program.empty() ? argv_.at(0) : std::move(program)) {}
  // Closes the socket: the child stops what runs and exits on its own (vigild does not wait).
  ~ExecutorClient() { BeginStop(); }
  ExecutorClient(const ExecutorClient&) = delete;
  ExecutorClient& operator=(const ExecutorClient&) = delete;

  // Starts the child. Errors: no socket pair, fork failed.
  Status Start();

  // Queues `op`; `done` gets each result (one for a one-shot operation, one per run of a
  // recurring one, and a final one when it is cancelled or the child dies). With the child down
  // the result is an error, delivered by the next Dispatch().
  uint64_t Submit(Operation op, Callback done) override;
  // Asks the child whether `op` could run (the agent is installed here, the parameters fit its
  // meta-data) without running it: `done` gets kDone and rc 0, or kError with the reason.
  uint64_t Check(Operation op, Callback done);
  // Cancels a call; its final result comes back as kCancelled.
  void Cancel(uint64_t call) override;
  // From now on the child keeps resources only while it hears a renewal within `lease`; one is
  // sent every `renew_every` (and at once with each child start).
  void set_lease(Duration lease, Duration renew_every) {
    lease_ = lease;
    renew_every_ = renew_every;
  }

  // Called from Dispatch when what the child runs is unknown: it died and was started again, or
  // its lease lapsed. The owner probes its resources again.
  void set_on_unknown(std::function<void()> on_unknown) { on_unknown_ = std::move(on_unknown); }

  // The socket to the child (none while it restarts); woken when a restart, a renewal or errors
  // to deliver are due.
  void Arm(PollSet& set) override;
  // Delivers results, renews the lease, restarts a dead child.
  void Dispatch(const PollSet& set, SteadyTime now) override;

  // Closes the socket, and no restart follows: the child stops every resource and exits.
  // Exited() tells when it is gone, and reaps it; Kill() ends one that takes too long.
  void BeginStop();
  bool Exited();
  // Sends `signal` to the child, when one runs (SIGHUP: it reopens its logfile).
  void Signal(int signal);
  // The exit code of the child Exited() reaped (nullopt: killed by a signal, or none reaped yet).
  std::optional<int> exit_code() const { return exit_code_; }
  void Kill();

  // One line per event worth logging (the child's deaths and restarts).
  std::vector<LogEvent> TakeEvents();

 private:
  struct Call {
    Operation op;
    Callback done;
  };
  uint64_t Send(Operation op, Callback done, bool check_only);
  // Dispatch's work (revents 0 when the socket was not ready). true: what the child runs is
  // unknown (on_unknown_).
  bool Process(short revents, SteadyTime now);
  // `ours`: vigild ends it (it sent garbage), rather than finding it dead.
  void OnDeath(const std::string& why, SteadyTime now, bool ours);
  // SIGKILL to the child, and its exit status within kReapWait; false: not reaped yet (it is
  // reaped on a later Dispatch).
  bool KillAndReap(int* status);
  void Flush();
  void Renew(SteadyTime now);

  std::vector<std::string> argv_;
  std::string program_;
  std::function<void()> on_unknown_;
  int fd_ = -1;
  pid_t pid_ = -1;
  std::optional<int> exit_code_;
  std::string in_, out_;
  uint64_t next_call_ = 1;
  std::map<uint64_t, Call> calls_;
  std::vector<std::pair<uint64_t, OperationResult>> refused_;  // to deliver on the next Dispatch
  std::optional<SteadyTime> restart_at_;
  std::vector<SteadyTime> deaths_;
  EventLog events_;
  std::vector<pid_t> unreaped_;  // killed children not yet reaped (stuck in the kernel)
  Duration lease_{0};           // 0: no lease
  Duration renew_every_{0};
  SteadyTime next_renew_{};
  uint64_t lapses_seen_ = 0;    // the running child's lapses, as it last reported
};

}  // namespace vigil::lrm
