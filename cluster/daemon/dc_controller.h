// The DC's controller: on every change it runs the scheduler and carries the transition out on
// the nodes, one step at a time.
//
// Inputs: the configuration (the replicated CIB), the membership and quorum, and each member's
// resource state (LocalResources, reported in NodeUpdate messages). It plans only once every
// member has reported, so a new DC never starts what an old one left running. A plan is:
//   1. probes: every resource not yet probed on an online node is probed there (all at once),
//      so a resource already running somewhere is found and never started twice;
//   2. otherwise the scheduler's first action (a stop or a start; its actions are in an order
//      that keeps every ordering, so the first one may always go);
//   3. otherwise the recurring monitors the configuration asks for where resources run.
// When the step's result comes back the plan is made again from the new state: a failure, a
// membership change or a configuration change is taken into account at once.
//
// A node that has left the membership: with stonith-enabled=false, cleanly down (its executor
// child stops its resources when its vigild dies or its lease lapses). With fencing enabled
// (Pacemaker's default), a node this DC knew as up (a member, or up in the status its
// predecessor shared) that left without announcing its shutdown is UNCLEAN, as in Pacemaker: a
// frozen node's child cannot stop anything. Its last reported resources count as running there
// until the fencer (fencer.h) has fenced it; the scheduler then counts them as stopped, and
// nothing of the plan goes before the fences it asks for. A node never seen (no member report,
// no state in the shared status) gets no node_state, so that with startup-fencing (Pacemaker's
// default) it is unclean too: its fence waits dc-deadtime (20 s) from this DC's taking office,
// for it to join, and nothing of the plan goes meanwhile.
//
// Single-threaded: vigild's loop calls Update after every tick.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "cluster/cib/cib.h"
#include "cluster/daemon/fencer.h"
#include "cluster/daemon/notifications.h"
#include "cluster/peer/messages.h"
#include "cluster/scheduler/scheduler.h"
#include "common/clock.h"
#include "common/log.h"

namespace vigil::daemon {

// Read, not copied: the caller's own state, valid for the call.
struct DcInputs {
  const cib::Model* config = nullptr;
  const std::vector<uint32_t>* members = nullptr;          // sorted, self included
  const std::map<uint32_t, std::string>* names = nullptr;  // every node known, by id
  bool quorate = false;
  bool acting = false;                     // this node is the DC
  bool views_agree = false;                // every member hears the same nodes: plans wait for it
  uint64_t term = 0;                       // the DC term: reports from another are stale
  const cib::NodeState* self_state = nullptr;
  uint32_t self_watchdog_s = 0;            // this node's armed watchdog's timeout (watchdog.h); 0: none
  // The status the previous DC shared (StatusCopy), if any: which nodes were up and what they ran,
  // and the fencing history, for a DC that has just taken office.
  const peer::StatusCopy* shared = nullptr;
  SteadyTime now{};
};

// The configuration with `states` as its status section, and a <node> for each state whose node
// the configuration lacks (by name, as the controller adds them): what status and moves read.
cib::Model WithNodeStates(const cib::Model& config, std::vector<cib::NodeState> states);

class DcController {
 public:
  // `send` runs an Execute on a node (this one included); false: no link to it now.
  using Send = std::function<bool(uint32_t node, const peer::Execute&)>;
  DcController(uint32_t self, Send send, Fencer::Send fence = nullptr)
      : self_(self), send_(std::move(send)), fencer_(std::move(fence)) {}

  // After every loop turn. Plans when something changed and no step is in flight.
  void Update(const DcInputs& in);
  // A member's report.
  void OnNodeUpdate(uint32_t node, const peer::NodeUpdate& update);
  // A node's answer to a fence request.
  void OnFenceResult(const peer::FenceResult& result) {
    if (fencer_.OnResult(result)) dirty_ = true;
  }
  // A fence asked for by hand (crm node fence, stonith_admin) of `target`: `action` reboot, off
  // or on ("" for stonith-action), carried out as the scheduler's are (before anything else of
  // the plan); "confirm" records the node as fenced without running a device (the user vouches
  // that it is down). Ignored unless this node acts as DC.
  void RequestFence(const std::string& target, const std::string& action, const std::string& client);
  // When the fencer has something to do without news (a delay or a retry pause ends).
  std::optional<SteadyTime> NextWake() const {
    auto wake = fencer_.NextWake();
    if (deadtime_wake_ && (!wake || *deadtime_wake_ < *wake)) wake = deadtime_wake_;
    return wake;
  }
  // The fencing history, oldest first (what the members get with the status).
  std::vector<peer::FenceEvent> FenceHistory() const { return fencer_.History(); }
  // The nodes known to have armed their watchdog, by name, with its timeout (seconds): what
  // the members get with the status, for a next DC.
  std::map<std::string, uint32_t> Watchdogs(const DcInputs& in) const;
  // What a member held of a former DC's status (its fencing history and watchdogs), sent to this
  // DC when it linked: the history merged with this DC's own; the watchdogs only when this DC
  // took office without its predecessor's status (what members report stands over either).
  void MergeShared(const peer::StatusCopy& copy);
  // This node's state changed (it is read from DcInputs::self_state); `completed`: the
  // step whose result that was, or 0.
  void OnOwnResult(uint64_t completed);
  // Time passed enough to change the plan (a date in a rule, a failure-timeout, the cluster's
  // recheck interval): plan again, as after any change.
  void Recheck() { dirty_ = true; }
  // The link to `node` closed: its report and its steps in flight are forgotten (their results
  // may be lost with the link); it reports afresh when it links again.
  void OnUnlinked(uint32_t node);

  // The configuration and every known node's state as this DC sees it now (what `vigil status`
  // and `cib-query` show).
  cib::Model Snapshot(const DcInputs& in) const { return BuildModel(in, nullptr); }
  // The node states the latest plan was made from, once per plan (the DC sends them to the
  // members: StatusCopy); nullopt when no plan was made since the last call.
  std::optional<std::vector<cib::NodeState>> TakePlannedStates() { return std::exchange(planned_states_, std::nullopt); }
  std::vector<LogEvent> TakeEvents();

 private:
  // The CIB the scheduler reads: the configuration, every known node (added to <nodes> when the
  // configuration lacks it) and a node_state for each from the membership and the reports.
  // `node_of` gets each node_state id's node id.
  cib::Model BuildModel(const DcInputs& in, std::map<std::string, uint32_t>* node_of) const;
  // Probes every resource not yet probed on an online node; true when any was needed.
  bool Probe(const cib::Model& model);
  // Recurring monitors: started where a placed resource runs, cancelled (with their records) for
  // a resource in maintenance.
  void StartMonitors(const cib::Model& model, const std::vector<scheduler::Placement>& placements);
  // Clone notifications around the plan's next action (notifications.h): sends the next one
  // due and says so, or says the plan's own next action may go.
  bool Notify(const cib::Model& model, const scheduler::Transition& plan);
  // Sends the first of `pending` whose node is still up (removing it and those skipped); false
  // when none was left.
  bool SendNotification(const cib::Model& model, std::vector<Notification>& pending, const std::string& type);
  // Sends a step; with no link to the node, forgets the node instead.
  void Dispatch(uint32_t node, peer::Execute e);
  void Forget(uint32_t node);
  void Waiting(std::string why);  // logged once while it lasts
  // Takes office: the nodes the previous DC had up (and what they ran), and its fencing history.
  void TakeOver(const DcInputs& in);
  // Keeps up_ current: members' latest states; nodes fenced, or known down, leave it.
  void TrackUp(const DcInputs& in);
  bool FencingEnabled(const cib::Model& config) const;
  bool StartupFencing(const cib::Model& config) const;  // fencing enabled and startup-fencing
  // The plan's fences, with those asked by hand, carried on (Fencer::Carry): the plan goes on
  // once none is under way (kGoOn); kWait while one is, or a node never seen may still join
  // (dc-deadtime); kPlanAgain once a node was fenced (its resources are stopped now).
  // `last_waiting`: what the plan was last logged as waiting for.
  enum class FenceStep { kGoOn, kWait, kPlanAgain };
  FenceStep CarryFences(const DcInputs& in, const cib::Model& model, const scheduler::Transition& transition,
                        const std::string& last_waiting);

  uint32_t self_;
  Send send_;
  bool acting_ = false;
  std::map<uint32_t, peer::NodeUpdate> reports_;  // members' states, this DC term's only
  // Nodes known to be up and not cleanly gone, with their latest state: a member, or a node lost
  // without announcing its shutdown and not fenced yet (unclean, with fencing enabled).
  std::map<uint32_t, cib::NodeState> up_;
  std::set<uint32_t> leaving_;  // members that announced their shutdown (NodeUpdate::leaving)
  std::set<uint32_t> seen_;     // nodes seen up (reported), or with a state in the shared status
  // The incarnation each node fenced now was reported in when its fence was planned: a report
  // from another one came after a reboot, and stays when the fence's answer arrives late.
  std::map<std::string, uint64_t> fence_incarnation_;
  std::map<uint32_t, uint64_t> incarnation_of_;  // the latest each node reported in (kept once it leaves)
  std::map<uint32_t, uint32_t> watchdog_s_;      // each node's armed watchdog as last reported (kept once it leaves)
  std::map<std::string, uint32_t> shared_watchdogs_;  // a former DC's word on them, by name
  bool took_shared_ = false;  // this term began with its predecessor's status
  SteadyTime office_since_{};   // when this node took office as DC (dc-deadtime counts from it)
  std::optional<SteadyTime> deadtime_wake_;  // when a fence held for dc-deadtime is due
  Fencer fencer_;
  struct Asked {
    scheduler::Fence fence;
    std::string client;
  };
  std::vector<Asked> asked_;  // RequestFence's, until the fencer is done with them
  std::string self_name_;
  std::map<uint64_t, uint32_t> in_flight_;      // token → node
  std::map<std::string, uint32_t> node_of_;     // node_state id → node id, from BuildModel
  uint64_t next_token_ = 1;
  bool dirty_ = true;
  // What the last plan was made from, to tell a change.
  cib::Versions versions_seen_;
  std::vector<uint32_t> members_seen_;
  bool quorate_seen_ = false;
  std::string waiting_logged_;  // the last "waiting for ..." logged
  std::string summary_logged_;
  std::optional<std::vector<cib::NodeState>> planned_states_;
  EventLog events_;
  std::optional<NotifyRound> round_;  // the clone notifications under way, if any
};

}  // namespace vigil::daemon
