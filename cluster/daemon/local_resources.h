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
// Single-threaded: results arrive through ExecutorClient::Process on vigild's loop.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "cluster/cib/cib.h"
#include "cluster/lrm/executor_client.h"
#include "cluster/peer/messages.h"

namespace vigil::daemon {

class LocalResources {
 public:
  LocalResources(lrm::ExecutorClient& executor, std::string node_id, std::string uname);

  // Runs `e`; `done` runs once its first result is recorded (for a recurring monitor, the first
  // run's).
  void Execute(const peer::Execute& e, std::function<void()> done);
  // The executor child died and came back: what it ran is unknown until probed again (the
  // failure records stay).
  void Forget();
  // crm resource cleanup: forgets `rsc`'s history and fail counts here and cancels its recurring
  // monitors, so that the DC probes it again and plans from what the probe finds.
  void Cleanup(const std::string& rsc);
  // no-quorum-policy=stop on a node that lost quorum: stops every resource that may run here
  // (with the parameters the DC last gave it). Returns how many stops were asked for.
  size_t StopAll();

  const cib::NodeState& state() const { return state_; }
  // Whether the state changed since it was last reported (ClearChanged).
  bool changed() const { return changed_; }
  void ClearChanged() { changed_ = false; }
  std::vector<std::string> TakeEvents();

 private:
  void Record(const peer::Execute& e, const OperationResult& r, bool first);
  cib::ResourceHistory& History(const peer::Execute& e);

  lrm::ExecutorClient& executor_;
  std::map<std::string, peer::Execute> last_given_;  // the latest one-shot operation per resource
  std::multimap<std::string, uint64_t> recurring_;   // the executor's calls of recurring monitors
  cib::NodeState state_;
  int call_id_ = 0;
  bool changed_ = false;
  std::vector<std::string> events_;
};

}  // namespace vigil::daemon
