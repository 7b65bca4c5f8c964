// The scheduler: a pure function from a CIB (configuration + status, which carries membership
// and quorum) to a transition: where every primitive should run, and the actions that get it
// there.
//
// It follows Pacemaker 2.1's placement rules for the supported subset (see docs/scheduler.md):
// node scores with INFINITY arithmetic, location constraints (and their rules), colocation (finite and infinite,
// with the dependent's preferences pulling on its primary), order constraints, standby and
// offline nodes, resource-stickiness, target-role, migration-threshold with fail counts, failed
// monitors, no-quorum-policy and symmetric-cluster, and Pacemaker's tie-breaking between equal
// scores. The corpus in tests/cluster/scheduler/ holds it to real crm_simulate.
//
// No I/O, no clock (the caller passes "now" for failure-timeout), deterministic. Thread-safe:
// it keeps no state between calls.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "cluster/cib/cib.h"
#include "common/status.h"

namespace vigil::scheduler {

enum class ActionKind { kStart, kStop, kPromote, kDemote, kMigrateTo, kMigrateFrom };
// The operation's name as agents know it: "start", "stop", "promote", "demote", "migrate_to",
// "migrate_from".
const char* ActionName(ActionKind kind);

// An action to execute. Transition::actions lists them in an order that keeps every ordering (a
// resource's stop before its start, order constraints; a loop of orders is broken at its first
// waiting action). Probes, recurring monitors and fences are not actions here: the controller
// owns probes and monitors; fences (Transition::fences, planned with Options::fencing) come
// before every action, and a stop or demote on a fenced node is done by its fence, so it is not
// listed.
// A live migration (allow-migrate) is a migrate_to where the resource runs, a migrate_from where
// it goes, then a stop where it ran; its start there is not executed.
struct Action {
  ActionKind kind;
  std::string rsc;
  std::string node;
  // A migrate_to or migrate_from: the node the resource leaves and the one it goes to.
  std::string source;
  std::string target;
};

// One line of the transition summary, in crm_simulate's words: Start, Stop, Move, Migrate,
// Recover, Restart, Promote, Demote, Re-promote.
struct SummaryLine {
  std::string verb;
  std::string rsc;
  std::string from;    // the current node (Stop, Move, Recover, Restart)
  std::string to;      // the next node (Start, Move, Recover to another node)
  // An instance of a promotable clone: its role now and after ("Stopped", "Unpromoted",
  // "Promoted"), shown as crm_simulate shows them; empty for any other resource.
  std::string role;
  std::string next_role;
  std::string reason;  // "due to ..." text, or empty
  bool blocked = false;  // a start that cannot happen: printed, not executed
};

// A node to be fenced, as crm_simulate's summary says it: "Fence (reboot) node1 'peer is no longer
// part of the cluster'".
struct Fence {
  std::string node;
  std::string action;  // "reboot" or "off" (stonith-action)
  std::string reason;
  // priority-fencing-delay, in seconds, when it applies to this fence (Pacemaker's
  // CRM_meta_priority_fencing_delay): a node lost from the membership, while priority-fencing-delay
  // is set. It is the option's value when the node's resources weigh the most of all nodes' and
  // this partition is no majority, else 0; the fencer waits it before the first device, on top
  // of that device's pcmk_delay_base/max. -1: it does not apply.
  int priority_delay = -1;
};

struct NodeScore {
  std::string node;
  int score;
};

struct Placement {
  std::string rsc;
  // Where it runs after the transition: none (stopped), one node, or more than one when it is
  // active on several and nothing can be done to it (unmanaged, blocked).
  std::vector<std::string> nodes;
  std::vector<NodeScore> scores;    // allocation scores by node name, if Options::scores
  // An instance of a promotable clone placed on a node: "Promoted" or "Unpromoted"; else empty.
  std::string role;
};

struct Transition {
  std::vector<Placement> placements;  // sorted by resource id
  // The nodes to fence, in the order they are fenced; each before anything that waits for it
  // (the resources it ran, which count as stopped once it is fenced).
  std::vector<Fence> fences;
  std::vector<SummaryLine> summary;   // in allocation order: priority, then the CIB's order
  std::vector<Action> actions;
};

struct Options {
  int64_t now = 0;      // seconds since the epoch, for failure-timeout; 0: failures never expire
  bool scores = false;  // fill Placement::scores
  // Plan fences as Pacemaker does (Transition::fences): an unclean node that can be fenced is,
  // and its resources count as stopped once it is. Otherwise an unclean node's resources stay
  // blocked there until it comes back.
  bool fencing = false;
  // Nodes whose fencing failed for good (the live fencer gave up, stonith-max-attempts): they
  // count as nodes that cannot be fenced, so their resources stay blocked and the rest is planned.
  std::set<std::string> cannot_fence;
  // Unfence a node again where a fence device's agent or parameters changed since it started
  // there, and restart what requires unfencing there (`vigil simulate`, as crm_simulate). vigild
  // does not yet: its DC plans again after every step, which would lose that restart once the
  // device's own restart has begun.
  bool unfence_again = false;
};

// The options a simulation plans with, as crm_simulate does: at `now` (seconds since the epoch),
// fences planned, a node unfenced again where its device changed; scores when asked.
Options SimulationOptions(int64_t now, bool scores);

// Errors (kInvalidArgument, nothing scheduled): a constraint naming no resource or two resources
// with one id (possible only in a hand-built Model: Cib::Parse refuses both), colocations chained
// too deep or too entangled (placement.h).
Result<Transition> Schedule(const cib::Model& cib, const Options& options = {});

// What runs where now, as crm_mon shows it: the status section read as the scheduler reads it
// (a node cleanly down runs nothing), before any transition.
struct ResourceState {
  std::string id;
  std::string agent;               // "ocf:heartbeat:IPaddr", "" for an orphan whose history lacks it
  std::vector<std::string> nodes;  // where it is active, by name
  bool failed = false;             // a failure on record calls for recovery
  bool blocked = false;            // a stop failed: nothing will be done to it until a cleanup
  bool managed = true;             // is-managed
  bool disabled = false;           // target-role=Stopped
  bool orphan = false;             // no longer configured, still active
  std::string pending;             // "Starting" or "Stopping": a start or stop in flight
  std::string group;               // the group (or cloned group's instance, "g:1") it is in
  std::string clone;               // the clone it is an instance of (or in, as a group member)
  std::string cloned;              // that clone's primitive or group ("d" or "g")
  bool unique = false;             // that clone is globally unique
  bool promotable = false;         // that clone is promotable
  int instance = -1;               // its instance number in that clone
  // An active instance of a promotable clone: "Promoted" or "Unpromoted"; else empty.
  std::string role;
};
// In the CIB's order, then orphans.
std::vector<ResourceState> CurrentState(const cib::Model& cib, int64_t now = 0);

// Where resource-discovery says a primitive is not probed, as (primitive id, node name): the
// nodes a `never` location applies to, and for one an `exclusive` location applies to, every
// node no exclusive one does. An instance of a clone goes by its primitive's id.
std::set<std::pair<std::string, std::string>> NotProbed(const cib::Model& cib);

// The nodes in standby, by name: the `standby` node attribute, a transient one overriding the
// configured one, as placement reads it.
std::vector<std::string> StandbyNodes(const cib::Model& cib);

// crm_mon's "Failed Resource Actions": each node's <rsc>_last_failure_0 record, by node then
// resource.
struct FailedAction {
  std::string rsc;
  std::string node;
  cib::OpRecord op;
};
std::vector<FailedAction> FailedActions(const cib::Model& cib);

// The part of a summary line in brackets, as crm_simulate words it: "node1 -> node2", "Unpromoted
// -> Promoted node1", "node1".
std::string SummaryDetails(const SummaryLine& line);
// "Start ip (node1)", "Move ip (node1 -> node2) due to ...", "Start web (node1) blocked".
std::string SummaryText(const SummaryLine& line);
// "Fence (reboot) node1 'peer is no longer part of the cluster'".
std::string SummaryText(const Fence& fence);
// What fencing a node means in `cib` (stonith-action): "reboot", or "off" (for off and poweroff).
std::string StonithAction(const cib::Model& cib);
// The same, followed by " priority-fencing-delay=Ns" when that applies (`vigil simulate`).
std::string SummaryTextWithDelay(const Fence& fence);

}  // namespace vigil::scheduler
