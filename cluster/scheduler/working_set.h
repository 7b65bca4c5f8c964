// The scheduler's working set: the CIB model unpacked into indexed nodes and resources, with the
// status section interpreted (who is online, what runs where, what failed, fail counts).
// Internal to the scheduler; scheduler.h is the interface.
#pragma once

#include <map>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "cluster/cib/cib.h"

namespace vigil::scheduler {

// kDemote: a promotable clone's active instances stay, demoted; everything else stops.
// kSuicide: every node of the partition is fenced (what runs there stops with it).
enum class NoQuorumPolicy { kStop, kIgnore, kFreeze, kDemote, kSuicide };
// placement-strategy: whether nodes' capacities count (utilization, minimal, balanced) and how
// nodes that score alike are told apart (minimal: by name alone; balanced: the most capacity
// left first).
enum class PlacementStrategy { kDefault, kUtilization, kMinimal, kBalanced };
// Capacities, or what a resource takes of them: name → amount.
using Utilization = std::map<std::string, int>;
// Pacemaker's roles, in its order. Unknown: not decided yet (no target-role). An instance of a
// promotable clone runs Unpromoted or Promoted, never merely Started.
enum class Role { kUnknown, kStopped, kStarted, kUnpromoted, kPromoted };
inline bool IsActive(Role r) { return r >= Role::kStarted; }
// crm_simulate's word for a role: "Stopped", "Started", "Unpromoted", "Promoted".
const char* RoleText(Role r);
// What a failure calls for, in Pacemaker's order of severity: when several failures are on
// record, the most severe one decides.
// kDemote (a Promoted monitor's or a promote's on-fail=demote): recovered by a demotion where it
// failed, not a stop, and promoted again if chosen.
// kFence: the node where it failed is fenced (with fencing enabled; a failed stop's default).
enum class OnFail { kIgnore, kDemote, kRestart, kBlock, kStop, kStandby, kFence };

// The reason a node lost from the membership is fenced with (the one priority-fencing-delay is for).
inline constexpr const char* kLostReason = "peer is no longer part of the cluster";

struct NodeInfo {
  std::string id;
  std::string uname;
  bool online = false;
  bool standby = false;
  // In the cluster's membership (Pacemaker's "online" with fencing enabled: in_ccm), whether or
  // not it may run resources.
  bool member = false;
  // Its state unknown while fencing is enabled (gone without saying goodbye, its controller lost,
  // ...): what ran there may still run, until it is fenced.
  bool unclean = false;
  // Why it is to be fenced, in crm_simulate's words (the first reason given wins), and when that
  // was decided (WorkingSet::fence_sequence): fences are listed newest first, as crm_simulate
  // lists them. Empty: no reason yet (an unclean node never seen gets "node is unclean").
  std::string fence_reason;
  int fence_order = -1;
  int unfence_again_order = -1;  // WorkingSet::kUnfenceAgainFences + its place
  // To be fenced in this transition (unclean, and the cluster can fence it): its resources count
  // as stopped once it is.
  bool fenced = false;
  int assigned = 0;  // resources assigned in this run (ties go to the node with fewer)
  int weight = 0;    // <node score>: where every resource's score on it starts
  // Configured, overlaid with transient ones, and Pacemaker's built-in ones (#uname, #id...).
  cib::Attributes attributes;

  Utilization capacity;  // what is left of its capacities as resources are assigned to it
  // A fence device's agent or parameters changed since it was used here, while unfencing is on:
  // the node is unfenced again, for this reason ("Device definition changed", "Device
  // parameters changed"; the first stands), and what requires unfencing there restarts.
  std::string unfence_again;
  bool maintenance = false;  // node attribute maintenance: what runs there is left alone
  bool shutdown = false;     // transient attribute shutdown: the node is leaving

  // Pacemaker's pcmk__node_available(node, false, false): may run resources at all.
  bool Available() const { return online && !unclean && !standby && !maintenance && !shutdown; }
  // The value of a node attribute, "#uname" and "#id" included.
  const std::string& Attribute(const std::string& name) const;
};

// A score table: one score per node index, and whether the node is in the table at all (an
// asymmetric cluster's resource has only the nodes a location constraint names).
struct Scores {
  std::vector<int> score;
  std::vector<char> present;
};

// A colocation constraint as the scheduler uses it: resource indices instead of ids. One with a
// group is one with a member (Pacemaker's rules): a group placed with something is its first
// member; something placed with a group follows its last member at INFINITY and its first member
// otherwise, and pulls on the group's placement through the last member in either case.
struct ColocationRule {
  int dependent;
  int primary;       // allocated before the dependent; its with_this lists the rule
  int follows = -1;  // the resource whose node the dependent follows, when not the primary
  int score;
  std::string node_attribute;  // "#uname" unless set
  // The groups the constraint named, when it named groups (-1: a resource of its own): which
  // resources count as colocated with which when capacities are checked.
  int dependent_group = -1;
  int primary_group = -1;
  Role dependent_role = Role::kUnknown;
  Role primary_role = Role::kUnknown;
  bool influence = true;
};

// A group, its members resources of the working set.
struct GroupInfo {
  const cib::Group* group = nullptr;
  std::string id;            // the group's, or an instance's of a cloned group ("g:0")
  std::vector<int> members;  // in order
  bool ordered = true;       // started in order, stopped in reverse
  bool colocated = true;     // each member placed with the one before
  int priority = 0;          // its own: where it goes in the allocation order
};

// A clone: its own entry in WorkingSet::resources (placed as a whole, like Pacemaker's parent
// resource, with its own scores and colocations) and its instances, each a Resource of its own.
struct CloneInfo {
  const cib::Clone* clone = nullptr;
  int rsc = -1;                // its own entry in resources
  // One resource per instance, by instance number (surplus instances after): the instance
  // itself, or for a cloned group its first member (the group instance is `group` of it).
  std::vector<int> instances;
  int max = 1;                 // clone-max: instances that may run
  int node_max = 1;            // clone-node-max: instances one node may run
  int min = 0;                 // clone-min: instances an order after the clone waits for; 0: all
  bool unique = false;         // globally-unique: instance N recorded as id:N
  bool ordered = false;        // instances started one after the other
  bool interleave = false;     // orders and colocations with another clone per node
  bool promotable = false;     // instances run Unpromoted, up to promoted_max of them Promoted
  int promoted_max = 1;
  int promoted_node_max = 1;
  // Set while its instances are placed: fewer instances than available nodes, so every
  // colocation of the clone counts for each instance (else only negative and INFINITY ones).
  bool all_colocations = false;
  std::vector<int> count;      // per node: instances placed there
  // A ticket for its Promoted role is not granted, or in standby: no instance is promoted.
  bool promotion_without_ticket = false;
};

struct Resource {
  const cib::Primitive* primitive = nullptr;  // null for an orphan and for a clone's own entry
  // In the status section but no longer configured: to be stopped.
  bool orphan() const { return primitive == nullptr && clone < 0; }
  std::string id;
  int clone = -1;     // a clone's own entry: its index in WorkingSet::clones
  int parent = -1;    // an instance (or a member of one): its clone's index in WorkingSet::clones
  int group = -1;     // a group member (of a group or a cloned group's instance): its group
  int instance = -1;  // an instance: its number
  bool surplus = false;  // an instance beyond clone-max, found running: to be stopped
  // The id its history and fail counts are recorded under: an anonymous instance's is the
  // primitive's own id, shared by all instances.
  std::string history_id;
  bool is_clone() const { return clone >= 0; }
  int priority = 0;
  int stickiness = 0;
  Utilization utilization;  // what it takes of its node's capacities
  int migration_threshold = 1000000;
  bool managed = true;
  // Unmanaged by a lost ticket's loss-policy=freeze, after its status was read: it stays where it
  // runs without the INFINITY there that an unmanaged resource's status gives it (Pacemaker).
  bool frozen = false;
  bool critical = true;
  bool needs_quorum = true;  // false: requires=nothing
  bool needs_fencing = false;  // requires=fencing: active on an unclean node until it is fenced
  // requires=unfencing (the default for all but fence devices once anything provides unfencing):
  // it is probed or started on a node only once the node is unfenced.
  bool needs_unfencing = false;
  // allow-migrate: it moves by migrate_to where it runs and migrate_from where it goes, instead
  // of a stop and a start (cleared when its history makes that unsafe, as in Pacemaker).
  bool allow_migrate = false;

  // From the status section.
  std::vector<int> running_on;  // node indices
  std::string pending;          // "start" or "stop": in flight on a node (Starting, Stopping)
  bool failed = false;          // a failure calls for recovery
  // Nodes where it is active with a failure on record that calls for something (even where the
  // node's fence makes that moot): priority-fencing-delay does not count it there.
  std::vector<int> failed_on;
  bool demote_only = false;     // ... by a demotion, not a stop (on-fail=demote)
  // Active where its history was made by another agent (class, provider or type changed since):
  // restarted there with the configured one, as Pacemaker forces it.
  bool agent_changed = false;
  bool definition_changed = false;  // parameters differ from the ones it was started with
  bool blocked = false;          // a stop failed without fencing: nothing can be done to it
  // Active on several nodes with multiple-active=stop_unexpected: stopped only where it is not
  // placed, left running where it is.
  bool stop_unexpected = false;
  bool failure_ignored = false;  // a failure was ignored (on-fail=ignore): no threshold applies
  std::vector<int> stop_failed_on;  // nodes where a stop failed: banned until a cleanup
  std::vector<int> hard_failed_on;  // nodes where an operation failed for good (rc 2, 4, 5)
  std::vector<int> standby_on_fail; // nodes its failure put in standby (on-fail=standby)
  bool fatal = false;               // a configuration error (rc 6): it runs nowhere
  bool no_ticket = false;           // a ticket it needs is not granted, or in standby: it runs nowhere
  Role role = Role::kStopped;
  Role next_role = Role::kUnknown;
  // A migration begun and not finished (migrate_to done, no migrate_from yet): the node it left
  // and the one it was going to; it counts as active on both. -1: none.
  int partial_source = -1;
  int partial_target = -1;
  // Nodes a finished migration left without the stop that ends it: stopped there, whatever else.
  std::vector<int> dangling_on;
  // resource-discovery, per node (Pacemaker's rsc_discover_mode, the highest of the locations
  // that apply there): 0 always, 1 never (not probed there), 2 exclusive. Empty: always
  // everywhere. exclusive_discovery: an exclusive one applies to it (or to what it is part of),
  // so it is probed, and may run, only where one does.
  std::vector<char> discovery;
  bool exclusive_discovery = false;
  // Whether resource-discovery lets it be probed on node `n`.
  bool Discoverable(int n) const {
    return discovery.empty() || (discovery[n] != 1 && (!exclusive_discovery || discovery[n] == 2));
  }
  std::vector<int> known_on;  // nodes where its history is recorded (it was probed there)
  std::string recorded_as;    // the id its history was last found under ("d", "d:1"); empty: none
  // A promotable instance's standing when roles are chosen (Pacemaker's sort_index): the higher,
  // the sooner promoted; negative: never.
  int sort_index = 0;
  std::vector<int> fail_count;  // per node

  // Placement state.
  Scores allowed;
  bool provisional = true;
  bool allocating = false;
  bool merging = false;
  int assigned = -1;  // node index, -1: stopped (its scores stay as they were when chosen)
  // Its scores each time a node was chosen for it (an instance tried on its current node first
  // and placed again after shows both, as crm_simulate does); empty: allowed as it is.
  std::vector<Scores> shown;
  std::vector<int> this_with;  // colocations where this is the dependent
  std::vector<int> with_this;  // colocations where this is the primary

  int current() const { return running_on.empty() ? -1 : running_on.front(); }
};

// A location constraint as it applies on one node: its score there (a rule's, on each node where
// the rule holds).
struct LocationScore {
  const cib::Location* constraint = nullptr;
  const std::string* rsc = nullptr;  // the resource it applies to (its rsc, or one its rsc-pattern matches)
  int node = -1;
  int score = 0;
  // For the Promoted role: counts when roles are chosen, not when nodes are.
  bool promoted = false;
};

struct WorkingSet {
  const cib::Model* cib = nullptr;
  int64_t now = 0;  // what rules are evaluated at (seconds since the epoch)
  std::vector<NodeInfo> nodes;
  std::vector<Resource> resources;        // in the CIB's order, then orphans
  std::vector<int> allocation_order;      // by priority, then CIB order
  std::vector<ColocationRule> colocations;
  std::vector<LocationScore> locations;  // in the constraints' order
  std::vector<GroupInfo> groups;
  std::vector<CloneInfo> clones;
  std::unordered_map<std::string, int> resource_index;  // id → index
  std::unordered_map<std::string, int> anonymous_index;  // an anonymous clone's primitive id → clone
  std::unordered_map<std::string, int> group_index;     // id → index in groups
  std::unordered_map<std::string, int> node_index;      // node id → index
  bool have_quorum = false;
  bool symmetric = true;
  bool stonith_enabled = true;
  bool have_stonith_resource = false;  // a fence device, or have-watchdog=true (SBD)
  // The caller plans fences (Options::fencing): unclean nodes that can be fenced are.
  bool plan_fencing = false;
  std::set<std::string> cannot_fence;  // Options::cannot_fence
  std::string stonith_action = "reboot";  // "reboot" or "off"
  int priority_fencing_delay = 0;         // seconds (priority-fencing-delay)
  bool startup_fencing = true;            // a node never seen is unclean
  // A fence device provides unfencing (meta provides=unfencing) or a resource requires it: fence
  // devices, and what requires unfencing, are probed and started on a node only once it has been
  // unfenced (its #node-unfenced attribute).
  bool enable_unfencing = false;
  int fence_sequence = 0;                 // the next NodeInfo::fence_order
  // Fence orders of what is decided once the transition's actions are known (unfencing), and
  // after them (nodes unclean for no reason given): after every order decided while unpacking.
  static constexpr int kTransitionFences = 1 << 20;
  // Those of nodes to unfence again (NodeInfo::unfence_again), decided while the resources'
  // histories are read: after what unpacking decided, before the transition's.
  static constexpr int kUnfenceAgainFences = 1 << 19;
  int unfence_again_sequence = 0;
  bool unfence_again = false;  // Options::unfence_again
  bool startup_probes = true;  // enable-startup-probes
  static constexpr int kLateFences = 1 << 21;
  bool stop_all = false;
  NoQuorumPolicy no_quorum_policy = NoQuorumPolicy::kStop;
  PlacementStrategy strategy = PlacementStrategy::kDefault;

  // Pacemaker's pe_fence_node for a cluster node: makes it unclean with `reason`, unless it is
  // already (the first reason stands).
  void MarkUnclean(int node, const std::string& reason);
  // Pacemaker's trigger_unfencing for fence device `r` on `node`: with unfencing on, a node in
  // the membership, clean and not leaving, is unfenced again for `reason` (the first stands).
  void UnfenceAgain(const Resource& r, int node, const std::string& reason);
  // Pacemaker's pe_can_fence: fencing is enabled, there is a device (or a watchdog), and the
  // partition has quorum, ignores its loss, or the node is in its membership.
  bool CanFence(int node) const;

  int FindNode(const std::string& name) const;  // by uname; -1 if unknown
  int FindNodeById(const std::string& id) const;
  int FindResource(const std::string& id) const;
  int FindGroup(const std::string& id) const;  // -1 if none
  // The resources a constraint naming `id` means: the primitive or clone, or a group's members
  // in order.
  std::vector<int> Members(const std::string& id) const;
  // The resources one instance of a clone is made of, `instance` being its entry in
  // CloneInfo::instances: the members of a cloned group's instance, else the instance alone.
  std::vector<int> InstanceMembers(int instance) const;
};

// Reads nodes, cluster options, resources, history and fail counts. `now` (seconds since the
// epoch) expires failures older than a resource's failure-timeout; 0 never expires them.
// `fencing`: the caller plans fences (Options::fencing).
// `cannot_fence`: Options::cannot_fence.
WorkingSet Unpack(const cib::Model& cib, int64_t now, bool fencing = false, const std::set<std::string>* cannot_fence = nullptr);

}  // namespace vigil::scheduler
