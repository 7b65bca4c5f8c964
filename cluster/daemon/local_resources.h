// This node's resources: runs what the DC asks through the executor child, and keeps what
// Pacemaker keeps in a node's part of the status section, so that the DC can place resources:
// the operation history (lrm_rsc_op records <rsc>_last_0, <rsc>_last_failure_0 and
// <rsc>_monitor_<interval>, with call ids, OCF exit codes, execution status and the parameters'
// digest) and the transient attributes fail-count-<rsc>#<op>_<interval> and last-failure-*.
//
// A failed start sets its fail count to INFINITY (Pacemaker's start-failure-is-fatal); any other
// failure adds one. A recurring monitor is recorded on its first result and whenever its result
// changes; state_changed() then tells the daemon to report to the DC.
//
// What never runs twice rests on three rules kept here:
//   - a stop of "everything" (StopAll) also covers a resource whose start, or any other
//     operation, is still in flight: that call is withdrawn (a running agent is killed with its
//     process group) and the stop follows it at once;
//   - while held (Hold: no quorum, or its lease lapsed) nothing new starts here: an Execute other
//     than a stop or a probe is not run, and its `done` waits for the hold to end, so the DC that
//     sent it neither records a failure nor sends it again at once;
//   - a recurring monitor never runs for, or reports on, a resource that is stopped or stopping
//     here: one asked for then is not started (a DC planned it on a report from before the stop),
//     and a result of a monitor that was running when a stop or a cleanup came is dropped.
// A one-shot call that ends cancelled was withdrawn, not failed: it leaves no record and no fail
// count. A start or stop in flight is recorded as pending (<rsc>_last_0 with execution status
// -1), so that a DC that takes over while it runs plans around it.
//
// Single-threaded: results arrive through ExecutorClient::Process on vigild's loop.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "cluster/cib/cib.h"
#include "cluster/lrm/executor_client.h"
#include "cluster/peer/messages.h"
#include "common/log.h"

namespace vigil::daemon {

class LocalResources {
 public:
  LocalResources(lrm::OperationQueue& queue, std::string node_id, std::string uname);

  // Runs `e`; `done` runs once its first result is recorded (for a recurring monitor, the first
  // run's), or once it is clear that it will not run (see the rules above). The action "cancel"
  // (Pacemaker's, for a resource put in maintenance) runs no agent: it ends the resource's
  // recurring monitors and forgets their records, and `done` runs at once.
  void Execute(const peer::Execute& e, std::function<void()> done);
  // The executor child died and came back: what it ran is unknown until probed again (the
  // failure records stay).
  void Forget();
  // crm resource cleanup: forgets `rsc`'s history and fail counts here and cancels its recurring
  // monitors, so that the DC probes it again and plans from what the probe finds.
  void Cleanup(const std::string& rsc);
  // no-quorum-policy=stop on a node that lost quorum: stops every resource that may run here
  // (with the parameters the DC last gave it): what runs, what has an operation in flight (which
  // is withdrawn first), and what the DC gave here but nothing tells the state of. Returns how
  // many stops were asked for.
  size_t StopAll();
  // With a reason: the hold begins (or goes on); nullopt: it ends, and every Execute it kept
  // back is answered (not run) so that the DC plans again.
  void Hold(std::optional<std::string> why);

  // attrd_updater and crm_attribute -l reboot: a transient node attribute of this node, set
  // (or, nullopt, removed) for the node's lifetime; reported to the DC like the rest. Whether it
  // changed.
  bool SetTransient(const std::string& name, const std::optional<std::string>& value);

  const cib::NodeState& state() const { return state_; }
  // Whether the state changed since it was last reported (ClearChanged).
  bool changed() const { return changed_; }
  void ClearChanged() { changed_ = false; }
  std::vector<LogEvent> TakeEvents();

 private:
  struct InFlight {
    uint64_t call = 0;
    std::string action;  // "monitor" for a probe
  };
  void Submit(const peer::Execute& e, std::function<void()> done);
  void Record(const peer::Execute& e, const OperationResult& r, bool first);
  cib::ResourceHistory& History(const peer::Execute& e);
  // Stopped or stopping here: the latest one-shot call in flight (a probe aside) is a stop, or
  // with none, the last record says not running (or there is none).
  bool StoppedHere(const std::string& rsc) const;
  const cib::OpRecord* LastRecord(const std::string& rsc) const;  // the newest one-shot record, if any
  bool StopInFlight(const std::string& rsc) const;
  // Ends the recurring monitors of `rsc`; what one was saying meanwhile is not news. true: there
  // were some.
  bool CancelRecurring(const std::string& rsc);

  lrm::OperationQueue& queue_;
  std::map<std::string, peer::Execute> last_given_;  // the latest one-shot operation per resource
  std::multimap<std::string, uint64_t> recurring_;   // the queue's calls of recurring monitors
  std::multimap<std::string, InFlight> one_shot_;    // one-shot calls in flight, by resource
  // Bumped by every stop and cleanup of a resource: a recurring call started under an older
  // epoch reports nothing more.
  std::map<std::string, uint64_t> epoch_;
  std::optional<std::string> hold_;
  std::vector<std::function<void()>> held_;                       // Executes kept back by the hold
  std::multimap<std::string, std::function<void()>> after_stop_;  // monitors refused while stopping
  cib::NodeState state_;
  int call_id_ = 0;
  bool changed_ = false;
  EventLog events_;
};

}  // namespace vigil::daemon
