#include "cluster/scheduler/scheduler.h"

#include <algorithm>
#include <deque>
#include <map>
#include <set>
#include <string_view>
#include <unordered_set>

#include "cluster/cib/score.h"
#include "cluster/scheduler/placement.h"
#include "cluster/scheduler/working_set.h"
#include "common/node_order.h"

namespace vigil::scheduler {
namespace {

// One action of the transition graph with Pacemaker's two flags. An optional action need not
// run (the resource is already where it should be); an unrunnable one cannot.
struct GraphAction {
  int rsc;
  ActionKind kind;
  int node;  // -1: nowhere (a start that an ordering refers to but placement did not create)
  bool optional = true;
  bool runnable = true;
  std::string reason;
  // A clone's "running" (kStart) or "stopped" (kStop): nothing to execute, it stands for its
  // instances' starts or stops (`members`), as what is ordered after the clone waits for it.
  bool pseudo = false;
  std::vector<int> members;
  // A pseudo-action that is runnable while at least `needed` members are (an order after a
  // clone with clone-min), named `name` in reasons; 0: the clone's own pseudo-action.
  int needed = 0;
  std::string name;
  // A start that is never executed, only ordered like any start: the resource already runs
  // there (multiple-active=stop_unexpected), or gets there by migration.
  bool in_place = false;
  // Pacemaker's migrate_runnable: the migration this action is part of may happen. A stop, start
  // or migration action of a migrating resource, and a clone's stop while no instance of it
  // restarts; lost when an ordering calls for a real stop and start.
  bool migrate_runnable = false;
};

// What an ordering edge implies, as Pacemaker's order flags do.
enum EdgeFlag : unsigned {
  kImpliesThen = 1,    // a required first makes then required
  kImpliesFirst = 2,   // a required then makes first required (a resource's own actions only)
  kRunnableLeft = 4,   // an unrunnable first makes then unrunnable
  kRestart = 8,        // a resource's own stop → start: a required or blocked start needs the stop
  kAsymmetrical = 16,  // a one-way mandatory order
  kOrdering = 32,      // an order constraint's forward edge (not a resource's own stop → start)
  // Then is an instance of a clone the order named: a clone first counts as required for it
  // whatever node the required instance is on (see FirstRequired).
  kThenInstance = 64,
  // A migration's own orderings (Pacemaker's implies_first_migratable, pseudo_left): then not
  // migrating makes first unrunnable, then required makes first required; first unrunnable
  // makes then (the start) a real start, not migrating.
  kImpliesFirstMigratable = 128,
  kPseudoLeft = 256,
  // For the sequence only, and only while first is not migrating.
  kFirstNonMigratable = 512,
};

// An order between two interleaved clones, kept to pair their instances again.
struct InterleavedOrder {
  int first;
  std::string first_task;
  int then;
  std::string then_task;
  unsigned flags;
};

struct Edge {
  int first;
  int then;
  unsigned flags;
  int first_group = -1;  // the order named this group as its first: reasons name the group
  int then_group = -1;   // ... as its then
};

// How Pacemaker names an action in reasons: a primitive's by its task, a collective's (a group's,
// a clone's) by the pseudo-action that says it is done.
std::string TaskWord(ActionKind kind, bool collective) {
  if (!collective) return ActionName(kind);
  switch (kind) {
    case ActionKind::kStart: return "running";
    case ActionKind::kStop: return "stopped";
    case ActionKind::kPromote: return "promoted";
    case ActionKind::kDemote: return "demoted";
    case ActionKind::kMigrateTo:
    case ActionKind::kMigrateFrom: return ActionName(kind);
  }
  return "";
}

// Whether an action takes a resource down (stop, demote): done where it runs now.
bool Down(ActionKind kind) { return kind == ActionKind::kStop || kind == ActionKind::kDemote; }

class Transitioner {
 public:
  Transitioner(WorkingSet& ws, bool scores) : ws_(ws), scores_(scores) {}

  Transition Run() {
    CreateActions();
    CreateOrderings();
    Propagate();
    Transition t;
    Fences(t);
    Summarize(t);
    Placements(t);
    Sequence(t);
    return t;
  }

 private:
  // The nodes fenced in this transition and those unfenced, the last decided first (crm_simulate's
  // order).
  void Fences(Transition& t) {
    struct Decided {
      int order;
      Fence fence;
    };
    std::vector<Decided> all;
    for (const NodeInfo& n : ws_.nodes) {
      if (!n.fenced) continue;
      Fence fence{n.uname, ws_.stonith_action, n.fence_reason};
      if (ws_.priority_fencing_delay > 0 && n.fence_reason == kLostReason) fence.priority_delay = PriorityDelay(n);
      all.push_back({n.fence_order, std::move(fence)});
    }
    for (const auto& [node, order, reason] : Unfencing()) all.push_back({order, {ws_.nodes[node].uname, "on", reason}});
    std::sort(all.begin(), all.end(), [](const Decided& a, const Decided& b) { return a.order > b.order; });
    for (auto& d : all) t.fences.push_back(std::move(d.fence));
  }

  // priority-fencing-delay for a node lost from the membership (Pacemaker's
  // node_priority_fencing_delay): the option's value when this partition holds no more than half
  // of the nodes and no node's resources weigh more than the lost node's, unless all weigh the
  // same; else 0. A node's weight is the sum of the priority of every primitive active there
  // without a failure calling for recovery, a Promoted instance's plus one.
  int PriorityDelay(const NodeInfo& target) const {
    std::vector<int> weight(ws_.nodes.size(), 0);
    for (const Resource& r : ws_.resources) {
      if (r.is_clone() || r.priority == 0) continue;
      for (int node : r.running_on) {
        if (std::find(r.failed_on.begin(), r.failed_on.end(), node) != r.failed_on.end()) continue;
        weight[node] += r.priority + (r.role == Role::kPromoted ? 1 : 0);
      }
    }
    // (Pacemaker's online, with fencing on: in the membership, joined or not.)
    size_t online = 0;
    for (const NodeInfo& n : ws_.nodes) online += n.member ? 1 : 0;
    if (online > ws_.nodes.size() / 2) return 0;
    const auto [lowest, highest] = std::minmax_element(weight.begin(), weight.end());
    const int own = weight[static_cast<size_t>(&target - ws_.nodes.data())];
    return *lowest == *highest || own < *highest ? 0 : ws_.priority_fencing_delay;
  }

  // Unfencing (Pacemaker's "Fence (on)"), once a fence device provides it: a node that has not
  // been unfenced (no #node-unfenced) is, before a fence device or a resource that requires
  // unfencing is probed there (it has no history there) or started there. The reason names the
  // first such probe or start (probes first, node by node in name order, then starts); a node is
  // counted in the order its first probe or start is met, unfenced or not, as Pacemaker creates
  // the action.
  struct Unfence {
    int node;
    int order;
    std::string reason;
  };
  std::vector<Unfence> Unfencing() {
    std::vector<Unfence> out;
    if (!ws_.plan_fencing || !ws_.enable_unfencing) return out;
    std::vector<int> created;
    std::vector<std::string> reason(ws_.nodes.size());
    auto concerned = [&](const Resource& r) {
      return r.primitive != nullptr && (r.needs_unfencing || r.primitive->standard == "stonith");
    };
    auto eligible = [&](int n) {
      const NodeInfo& node = ws_.nodes[n];
      return node.member && !node.unclean && !node.shutdown;
    };
    auto unfenced = [&](int n) {
      const auto it = ws_.nodes[n].attributes.find("#node-unfenced");
      return it != ws_.nodes[n].attributes.end() && !it->second.empty() && it->second != "0";
    };
    auto meet = [&](int n, const Resource& r, const char* task) {
      if (!eligible(n)) return;
      if (std::find(created.begin(), created.end(), n) == created.end()) created.push_back(n);
      if (!unfenced(n) && reason[n].empty()) reason[n] = "required by " + r.id + " " + task;
    };
    std::vector<int> by_name(ws_.nodes.size());
    for (size_t n = 0; n < by_name.size(); ++n) by_name[n] = static_cast<int>(n);
    std::sort(by_name.begin(), by_name.end(), [&](int a, int b) { return NodeNameLess(ws_.nodes[a].uname, ws_.nodes[b].uname); });
    for (int n : by_name) {
      for (const Resource& r : ws_.resources) {
        const bool probed = std::find(r.known_on.begin(), r.known_on.end(), n) != r.known_on.end();
        if (concerned(r) && !probed && r.Discoverable(n)) meet(n, r, "monitor");
      }
    }
    for (size_t i = 0; i < ws_.resources.size(); ++i) {
      if (start_[i] < 0 || actions_[start_[i]].node < 0 || !concerned(ws_.resources[i])) continue;
      meet(actions_[start_[i]].node, ws_.resources[i], "start");
    }
    for (size_t k = 0; k < created.size(); ++k) {
      if (UnfencedAgain(created[k])) continue;  // decided before, with its own reason
      if (!reason[created[k]].empty()) out.push_back({created[k], WorkingSet::kTransitionFences + static_cast<int>(k), reason[created[k]]});
    }
    for (size_t n = 0; n < ws_.nodes.size(); ++n) {
      if (UnfencedAgain(static_cast<int>(n))) {
        out.push_back({static_cast<int>(n), ws_.nodes[n].unfence_again_order, ws_.nodes[n].unfence_again});
      }
    }
    return out;
  }

  // A node unfenced again in this transition (NodeInfo::unfence_again), where it can be.
  bool UnfencedAgain(int node) const {
    return ws_.plan_fencing && ws_.unfence_again && !ws_.nodes[node].unfence_again.empty() && ws_.CanFence(node);
  }
  // Active on a node unfenced again while it requires unfencing: it restarts there, after the
  // unfencing ("required stonith", as Pacemaker says).
  bool RestartsForUnfencing(const Resource& r) const {
    return r.needs_unfencing && std::any_of(r.running_on.begin(), r.running_on.end(), [&](int n) { return UnfencedAgain(n); });
  }

  int AddAction(int rsc, ActionKind kind, int node, bool optional) {
    GraphAction a{rsc, kind, node};
    a.optional = optional;
    // A stop on an unclean node cannot be done: fencing the node stands for it (it is implied,
    // never executed), or, where the node is not fenced, what waits for it waits.
    // A migrate_to is done where the resource runs, on a node it may be leaving (standby).
    if (node < 0) {
      a.runnable = false;
    } else if (Down(kind)) {
      a.runnable = !ws_.nodes[node].unclean || ws_.nodes[node].fenced;
    } else if (kind == ActionKind::kMigrateTo) {
      a.runnable = ws_.nodes[node].online && !ws_.nodes[node].unclean;
    } else {
      a.runnable = ws_.nodes[node].Available();
    }
    actions_.push_back(a);
    summarized_by_.emplace_back();
    return static_cast<int>(actions_.size() - 1);
  }

  void CreateActions() {
    const size_t n = ws_.resources.size();
    start_.assign(n, -1);
    stops_.assign(n, {});
    promote_.assign(n, -1);
    demotes_.assign(n, {});
    migrate_to_.assign(n, -1);
    migrate_from_.assign(n, -1);
    for (size_t i = 0; i < n; ++i) {
      Resource& r = ws_.resources[i];
      const int rsc = static_cast<int>(i);
      if (r.is_clone()) continue;  // its instances act; its pseudo-actions come after
      if (!r.managed) {
        // Nothing is done to it; but where it runs, what is ordered after it may start.
        if (r.current() >= 0) {
          start_[i] = AddAction(rsc, ActionKind::kStart, r.current(), true);
          // Standby does not matter to what is left alone; a node that is down or an unknown
          // state (a failed stop) does.
          const NodeInfo& node = ws_.nodes[r.current()];
          actions_[start_[i]].runnable = node.online && !node.unclean && !r.blocked;
        }
        // A stop that failed cannot be done again: what must stop before it cannot either.
        if (r.blocked) {
          for (int node : r.running_on) {
            stops_[i].push_back(AddAction(rsc, ActionKind::kStop, node, true));
            actions_[stops_[i].back()].runnable = false;
          }
        }
        continue;
      }
      if (r.parent >= 0 && ws_.clones[r.parent].promotable) {
        // no-quorum-policy=demote: an active instance is not promoted (Pacemaker caps its next
        // role), and may go on running Unpromoted.
        if (DemotedWithoutQuorum(r) && r.needs_quorum && !ws_.have_quorum && r.next_role == Role::kPromoted) {
          r.next_role = Role::kUnpromoted;
        }
        CreateRoleActions(rsc);
        continue;
      }
      if (r.next_role == Role::kUnknown) {
        r.next_role = r.assigned >= 0 ? Role::kStarted : Role::kStopped;
      }
      const bool running = r.role == Role::kStarted;
      const bool moving = running && r.assigned >= 0 && r.assigned != r.current() && r.next_role == Role::kStarted;
      bool migrate = moving && CanMigrate(r);
      // A migration begun (partial) goes on where it was going; anywhere else it is stopped on
      // both nodes and started again.
      bool partial = false;
      bool abandoned = false;
      if (r.partial_source >= 0) {
        partial = migrate && r.running_on.size() == 2 && r.current() == r.partial_source && r.assigned == r.partial_target;
        if (!partial) {
          abandoned = true;
          migrate = false;
          // Where it is now, as the summary tells it, is where the migration was going (the
          // node Pacemaker found it active on first).
          const auto it = std::find(r.running_on.begin(), r.running_on.end(), r.partial_target);
          if (it != r.running_on.end()) std::rotate(r.running_on.begin(), it, it + 1);
          r.partial_source = r.partial_target = -1;
        }
      }
      // Active on several nodes: on several clean ones, for what does not need fencing (its
      // copy on an unclean node is not waited for).
      const size_t active = r.needs_fencing ? r.running_on.size()
                                            : static_cast<size_t>(std::count_if(r.running_on.begin(), r.running_on.end(), [&](int where) {
                                                return ws_.nodes[where].online && !ws_.nodes[where].unclean;
                                              }));
      const bool need_stop = r.failed || moving || abandoned || (active > 1 && !partial) || r.definition_changed ||
                             r.agent_changed || RestartsForUnfencing(r) || (running && r.next_role == Role::kStopped);
      // multiple-active=stop_unexpected: where it is placed it keeps running (its start there
      // only stands in the orderings), everywhere else it stops for being active there.
      const bool keep = r.stop_unexpected && r.next_role == Role::kStarted && r.assigned >= 0;
      for (int node : r.running_on) {
        if (keep && node == r.assigned) continue;
        if (partial && node == r.partial_target) continue;  // where the migration goes on
        stops_[i].push_back(AddAction(rsc, ActionKind::kStop, node, !need_stop));
        if (keep) actions_[stops_[i].back()].reason = "being multiply active";
      }
      if (r.next_role == Role::kStarted && r.assigned >= 0) {
        start_[i] = AddAction(rsc, ActionKind::kStart, r.assigned, running && !need_stop);
        actions_[start_[i]].in_place = keep;
        if (r.definition_changed && !moving) actions_[start_[i]].reason = DefinitionChange(r);
        if (!r.definition_changed && !moving && RestartsForUnfencing(r)) actions_[start_[i]].reason = "required stonith";
        ApplyQuorum(r, actions_[start_[i]]);
      }
      for (int stop : stops_[i]) {
        if (start_[i] >= 0) edges_.push_back({stop, start_[i], kImpliesThen | kRestart});
      }
      // A migration that finished without its stop on the source: that stop, which requires
      // nothing of the resource where it runs now.
      for (int node : r.dangling_on) {
        stops_[i].push_back(AddAction(rsc, ActionKind::kStop, node, false));
        if (start_[i] >= 0) edges_.push_back({stops_[i].back(), start_[i], kRestart});
      }
      if (migrate) CreateMigration(rsc, partial);
    }
    // A resource placed nowhere stops for want of a node, and says so before any ordering can
    // give its stops another reason (Pacemaker names it when it creates the stop).
    for (size_t i = 0; i < n; ++i) {
      if (ws_.resources[i].managed && ws_.resources[i].assigned < 0) {
        for (int stop : stops_[i]) actions_[stop].reason = "node availability";
      }
    }
    for (const CloneInfo& c : ws_.clones) {
      const int running = AddPseudo(c.rsc, ActionKind::kStart);
      const int stopped = AddPseudo(c.rsc, ActionKind::kStop);
      bool active = false;
      bool starting = false;
      for (int instance : c.instances) {
        for (int i : ws_.InstanceMembers(instance)) {
          active = active || !ws_.resources[i].running_on.empty();
          if (start_[i] >= 0) {
            AddMember(running, start_[i]);
            starting = starting || (!actions_[start_[i]].optional && actions_[start_[i]].runnable);
          }
          for (int stop : stops_[i]) AddMember(stopped, stop);
        }
      }
      // Pacemaker decides once, before any ordering, whether the clone will be running at all.
      actions_[running].runnable = active || starting;
      // What is ordered after the clone may migrate unless an instance restarts.
      actions_[stopped].migrate_runnable = !std::any_of(c.instances.begin(), c.instances.end(), [&](int instance) {
        bool stopping = false;
        bool starting_here = false;
        for (int i : ws_.InstanceMembers(instance)) {
          for (int stop : stops_[i]) stopping = stopping || !actions_[stop].optional;
          if (start_[i] >= 0) starting_here = starting_here || (!actions_[start_[i]].optional && actions_[start_[i]].runnable);
        }
        return stopping && starting_here;
      });
      running_.push_back(running);
      stopped_.push_back(stopped);
      promoted_.push_back(-1);
      demoted_.push_back(-1);
      if (c.promotable) AddRolePseudoActions(c);
    }
  }

  // Under no-quorum-policy=demote without quorum: an active instance of a promotable clone, which
  // runs on (demoted) where everything else stops.
  bool DemotedWithoutQuorum(const Resource& r) const {
    return ws_.no_quorum_policy == NoQuorumPolicy::kDemote && (r.role == Role::kPromoted || r.role == Role::kUnpromoted);
  }

  // The reason a changed definition gives its restart: none for a resource that requires nothing
  // (Pacemaker clears the reasons of such a resource's actions when it decides they may run).
  static std::string DefinitionChange(const Resource& r) {
    return r.needs_quorum ? "resource definition change" : "";
  }

  // Pacemaker's pcmk__rsc_can_migrate: allowed, managed, not failed, not starting, and both
  // nodes clean.
  bool CanMigrate(const Resource& r) const {
    // (A changed agent counts as a start in flight, as in Pacemaker.)
    if (!r.allow_migrate || !r.managed || r.failed || r.pending == "start" || r.agent_changed) return false;
    if (r.current() < 0 || ws_.nodes[r.current()].unclean) return false;
    return r.assigned >= 0 && !ws_.nodes[r.assigned].unclean;
  }

  // The migration of `rsc` from where it runs to where it is placed: migrate_to there (unless a
  // partial migration already did it), then migrate_from here, then the stop there; the start
  // here stands for them and is not executed. Anything that keeps one of them from happening
  // turns the migration back into a stop and a start (Propagate).
  void CreateMigration(int rsc, bool partial) {
    const Resource& r = ws_.resources[rsc];
    const int start = start_[rsc];
    int stop = -1;
    for (int s : stops_[rsc]) {
      if (actions_[s].node == r.current()) stop = s;
    }
    if (start < 0 || stop < 0) return;
    if (!partial) migrate_to_[rsc] = AddAction(rsc, ActionKind::kMigrateTo, r.current(), true);
    const int from = migrate_from_[rsc] = AddAction(rsc, ActionKind::kMigrateFrom, r.assigned, true);
    for (int a : {start, stop, from, migrate_to_[rsc]}) {
      if (a >= 0) actions_[a].migrate_runnable = true;
    }
    actions_[start].in_place = true;
    ApplyQuorum(ws_.resources[rsc], actions_[from]);
    if (migrate_to_[rsc] >= 0) edges_.push_back({migrate_to_[rsc], from, kImpliesFirstMigratable});
    // Before every stop of it: a dangling migration's stop elsewhere, which never migrates,
    // makes this one a stop and a start too (Pacemaker orders by the stop's key, on any node).
    for (int s : stops_[rsc]) edges_.push_back({from, s, kImpliesFirstMigratable});
    edges_.push_back({from, start, kImpliesFirstMigratable | kPseudoLeft});
  }

  // A promotable clone's "promoted" and "demoted": they stand for its instances' promotes and
  // demotes. Every instance is promoted only once all have started, and stops only once all
  // have demoted.
  void AddRolePseudoActions(const CloneInfo& c) {
    const int clone = ws_.resources[c.rsc].clone;
    const int promoted = AddPseudo(c.rsc, ActionKind::kPromote);
    const int demoted = AddPseudo(c.rsc, ActionKind::kDemote);
    bool promoting = false;
    for (int i : c.instances) {
      if (promote_[i] >= 0) {
        AddMember(promoted, promote_[i]);
        promoting = promoting || IsActive(ws_.resources[i].role) || actions_[promote_[i]].runnable;
        edges_.push_back({running_[clone], promote_[i], 0});
      }
      for (int d : demotes_[i]) AddMember(demoted, d);
      for (int stop : stops_[i]) edges_.push_back({demoted, stop, 0});
    }
    actions_[promoted].runnable = promoting;
    promoted_[clone] = promoted;
    demoted_[clone] = demoted;
  }

  // An instance of a promotable clone (Pacemaker's role matrix): from its role down to stopped
  // where it runs (required when it must stop: moving, failed, active twice, changed), back up
  // to that role where it is placed, then on from its role to the next one (required).
  void CreateRoleActions(int rsc) {
    Resource& r = ws_.resources[rsc];
    if (r.next_role == Role::kUnknown) r.next_role = r.assigned >= 0 ? Role::kUnpromoted : Role::kStopped;
    const Role role = r.role;  // Unpromoted, not Started, once unpacked
    const bool moving = IsActive(role) && r.assigned >= 0 && r.assigned != r.current();
    // on-fail=demote: recovered by a demotion where it runs (and a promotion again if it is to
    // stay promoted: Re-promote), not by a stop.
    const bool demote_only = r.failed && r.demote_only;
    const bool need_stop = moving || (r.failed && !demote_only) || r.running_on.size() > 1 || r.definition_changed ||
                           r.agent_changed || RestartsForUnfencing(r);
    const bool need_demote = need_stop || (demote_only && role == Role::kPromoted);
    if (role == Role::kPromoted) Demote(rsc, !need_demote);
    if (IsActive(role)) Stop(rsc, !need_stop);
    if (IsActive(role) && role <= r.next_role && r.assigned >= 0) {
      Start(rsc, !need_stop);
      if (role == Role::kPromoted) Promote(rsc, !need_demote);
    }
    for (Role at = role; at != r.next_role;) {
      const Role target = r.next_role;
      if (at == Role::kStopped) {
        Start(rsc, false);
        at = Role::kUnpromoted;
      } else if (at == Role::kUnpromoted && target == Role::kPromoted) {
        Promote(rsc, false);
        at = Role::kPromoted;
      } else if (at == Role::kPromoted) {
        Demote(rsc, false);
        at = Role::kUnpromoted;
      } else {
        Stop(rsc, false);
        at = Role::kStopped;
      }
    }
    if (start_[rsc] >= 0) {
      for (int stop : stops_[rsc]) edges_.push_back({stop, start_[rsc], kImpliesThen | kRestart});
      if (promote_[rsc] >= 0) edges_.push_back({start_[rsc], promote_[rsc], kRunnableLeft});
    }
    for (int demote : demotes_[rsc]) {
      for (int stop : stops_[rsc]) {
        if (actions_[stop].node == actions_[demote].node) edges_.push_back({demote, stop, kImpliesFirst});
      }
      if (promote_[rsc] >= 0) edges_.push_back({demote, promote_[rsc], 0});
    }
  }

  // Each one finds the action it asks for or makes it, and makes it required unless optional.
  void Stop(int rsc, bool optional) {
    for (int node : ws_.resources[rsc].running_on) Require(Find(stops_[rsc], node, rsc, ActionKind::kStop), optional);
  }
  void Demote(int rsc, bool optional) {
    for (int node : ws_.resources[rsc].running_on) Require(Find(demotes_[rsc], node, rsc, ActionKind::kDemote), optional);
  }
  void Start(int rsc, bool optional) {
    Resource& r = ws_.resources[rsc];
    if (start_[rsc] < 0) {
      start_[rsc] = AddAction(rsc, ActionKind::kStart, r.assigned, true);
      if (r.definition_changed && r.assigned == r.current()) actions_[start_[rsc]].reason = DefinitionChange(r);
      if (!r.definition_changed && r.assigned == r.current() && RestartsForUnfencing(r)) {
        actions_[start_[rsc]].reason = "required stonith";
      }
      ApplyQuorum(r, actions_[start_[rsc]]);
    }
    // A start that cannot happen stays optional (Pacemaker's start_resource).
    if (actions_[start_[rsc]].runnable) Require(start_[rsc], optional);
  }
  void Promote(int rsc, bool optional) {
    Resource& r = ws_.resources[rsc];
    if (start_[rsc] >= 0 && !actions_[start_[rsc]].runnable) {
      if (promote_[rsc] >= 0) actions_[promote_[rsc]].runnable = false;
      return;  // not promoted where it cannot start
    }
    if (promote_[rsc] < 0) {
      promote_[rsc] = AddAction(rsc, ActionKind::kPromote, r.assigned, true);
      ApplyQuorum(r, actions_[promote_[rsc]]);
    }
    Require(promote_[rsc], optional);
  }
  int Find(std::vector<int>& list, int node, int rsc, ActionKind kind) {
    for (int a : list) {
      if (actions_[a].node == node) return a;
    }
    list.push_back(AddAction(rsc, kind, node, true));
    return list.back();
  }
  void Require(int action, bool optional) {
    if (!optional) actions_[action].optional = false;
  }

  int AddPseudo(int rsc, ActionKind kind) {
    GraphAction a{rsc, kind, -1};
    a.pseudo = true;
    actions_.push_back(a);
    summarized_by_.emplace_back();
    return static_cast<int>(actions_.size() - 1);
  }

  void AddMember(int pseudo, int action) {
    actions_[pseudo].members.push_back(action);
    summarized_by_[action].push_back(pseudo);
    edges_.push_back({action, pseudo, 0});  // only for the sequence
  }

  // A clone pseudo-action's flags from its instances' actions: required when any is, runnable
  // only while any is. Flags only ever go one way (required, unrunnable); whether it changed.
  bool Recount(int pseudo) {
    GraphAction& p = actions_[pseudo];
    bool required = false;
    int runnable_members = 0;
    for (int m : p.members) {
      required = required || !actions_[m].optional;
      runnable_members += actions_[m].runnable;
    }
    const bool runnable = runnable_members >= std::max(1, p.needed);
    if (p.needed > 0) required = false;  // it stands for enough instances, never for all
    bool changed = false;
    if (required && p.optional) {
      p.optional = false;
      changed = true;
    }
    if (!runnable && p.runnable) {
      p.runnable = false;
      changed = true;
    }
    return changed;
  }

  // Starting needs quorum unless no-quorum-policy says otherwise.
  void ApplyQuorum(Resource& r, GraphAction& start) {
    // A resource active nowhere, which a node still joining (in the membership, pending) has not
    // probed yet, waits for that probe, which cannot run before the node has joined: Pacemaker
    // blocks its start. Done for a primitive of its own only (Pacemaker blocks a clone's start
    // on its instances' probes, which Vigil does not yet), and not without startup probes.
    if (r.running_on.empty() && r.parent < 0 && r.primitive != nullptr && ws_.stonith_enabled && ws_.startup_probes) {
      for (size_t n = 0; n < ws_.nodes.size(); ++n) {
        const NodeInfo& node = ws_.nodes[n];
        const bool pending = node.member && !node.online && !node.unclean && !node.shutdown;
        const int at = static_cast<int>(n);
        if (pending && r.Discoverable(at) && std::find(r.known_on.begin(), r.known_on.end(), at) == r.known_on.end()) {
          start.runnable = false;
        }
      }
    }
    if (ws_.have_quorum || !r.needs_quorum) return;
    if (ws_.no_quorum_policy == NoQuorumPolicy::kStop || ws_.no_quorum_policy == NoQuorumPolicy::kSuicide ||
        (ws_.no_quorum_policy == NoQuorumPolicy::kDemote && !DemotedWithoutQuorum(r))) {
      start.runnable = false;
      start.reason = "no quorum";
    } else if (ws_.no_quorum_policy == NoQuorumPolicy::kFreeze) {
      if (!IsActive(r.role)) {
        start.runnable = false;
        start.reason = "quorum freeze";
      }
    }
  }

  // The actions of `rsc` for `task` an ordering applies to; a start or a promote that placement
  // did not create is created unrunnable, so that what depends on it is blocked (a promote of
  // what is never promoted, as in Pacemaker).
  std::vector<int> ActionsFor(int rsc, const std::string& task, bool create) {
    if (const Resource& r = ws_.resources[rsc]; r.is_clone()) {
      if (task == "promote" && promoted_[r.clone] < 0 && create) {
        // A clone that is not promotable is never promoted: what waits for that cannot run.
        promoted_[r.clone] = AddPseudo(rsc, ActionKind::kPromote);
        actions_[promoted_[r.clone]].runnable = false;
        actions_[promoted_[r.clone]].name = r.id + " promote";
      }
      if (task == "promote" || task == "demote") {
        const int pseudo = task == "promote" ? promoted_[r.clone] : demoted_[r.clone];
        if (pseudo < 0) return {};
        return {pseudo};
      }
      return {task == "start" ? running_[r.clone] : stopped_[r.clone]};
    }
    if (task == "promote") {
      // (An instance of a promotable clone that is not promoted has none: nothing to wait for.)
      const bool promotable = ws_.resources[rsc].parent >= 0 && ws_.clones[ws_.resources[rsc].parent].promotable;
      if (promote_[rsc] < 0 && (!create || promotable)) return {};
      if (promote_[rsc] < 0) {
        promote_[rsc] = AddAction(rsc, ActionKind::kPromote, -1, true);
        actions_[promote_[rsc]].runnable = false;
      }
      return {promote_[rsc]};
    }
    if (task == "demote") return demotes_[rsc];
    if (task == "start") {
      if (start_[rsc] >= 0) return {start_[rsc]};
      if (!create) return {};
      start_[rsc] = AddAction(rsc, ActionKind::kStart, -1, true);
      actions_[start_[rsc]].runnable = false;
      // Pacemaker looks at this newest action first: a required stop of the resource makes it
      // required before any order reads it, so what follows it is "required", not "unrunnable".
      for (int stop : stops_[rsc]) {
        if (!actions_[stop].optional) actions_[start_[rsc]].optional = false;
      }
      return {start_[rsc]};
    }
    if (task == "stop") return stops_[rsc];
    return {};
  }

  void CreateOrderings() {
    for (const auto& o : ws_.cib->orders) {
      unsigned forward = 0;
      unsigned inverse = 0;
      if (o.kind == cib::OrderKind::kMandatory) {
        if (o.symmetrical) {
          const bool up = o.first_action == "start" || o.first_action == "promote";
          forward = kImpliesThen | (up ? unsigned{kRunnableLeft} : 0u);
          inverse = kImpliesFirst;
        } else {
          forward = kAsymmetrical;
        }
      } else if (o.kind == cib::OrderKind::kOptional && !o.from_set && RestartsWithFirst(o.then)) {
        forward = kImpliesThen;
        inverse = kImpliesFirst;
      }
      // A group first is done when all its members are (Pacemaker orders after its "running"
      // or "stopped"); a group then is each of its members.
      const int first_group = ws_.FindGroup(o.first);
      const int then_group = ws_.FindGroup(o.then);
      if (!o.any_of.empty()) {
        OrderAfterAny(o, forward | kOrdering, inverse);
        continue;
      }
      if (const int min = MinimumInstances(o); min > 0) {
        OrderAfterSome(o, min, forward | kOrdering);
        if (o.symmetrical && o.kind != cib::OrderKind::kSerialize) {
          Connect(ws_.FindResource(o.then), Invert(o.then_action), ws_.FindResource(o.first),
                  Invert(o.first_action), inverse, then_group);
        }
        continue;
      }
      for (int first : ws_.Members(o.first)) {
        for (int then : ws_.Members(o.then)) {
          Connect(first, o.first_action, then, o.then_action, forward | kOrdering, first_group, then_group);
          if (o.symmetrical && o.kind != cib::OrderKind::kSerialize) {
            Connect(then, Invert(o.then_action), first, Invert(o.first_action), inverse, then_group, first_group);
          }
        }
      }
    }
    // An instance an interleaved order stopped may leave the instances ordered after it with
    // nothing to pair with in turn: pair again until nothing changes.
    for (bool again = !interleaved_.empty(); again;) {
      again = false;
      for (const InterleavedOrder& o : interleaved_) again = ConnectInterleaved(o) || again;
    }
    for (const GroupInfo& g : ws_.groups) {
      if (g.ordered) OrderMembers(g);
    }
    // An ordered clone starts its instances one after the other, by number, and stops them in
    // reverse (a sequence only: one instance's start requires nothing of the next).
    for (const CloneInfo& c : ws_.clones) {
      if (!c.ordered) continue;
      for (size_t i = 1; i < c.instances.size(); ++i) {
        const std::vector<int> before = ws_.InstanceMembers(c.instances[i - 1]);
        const std::vector<int> after = ws_.InstanceMembers(c.instances[i]);
        Connect(before.back(), "start", after.front(), "start", 0);
        Connect(after.front(), "stop", before.back(), "stop", 0);
      }
    }
  }

  // An ordered group's members start one after the other (a member that must start again takes
  // the ones after it along; one that cannot start blocks them) and stop in reverse (one that
  // stops makes the ones after it stop first). A partially active group stops in sequence too.
  void OrderMembers(const GroupInfo& g) {
    int last_active = -1;
    for (size_t i = 0; i < g.members.size(); ++i) {
      const int member = g.members[i];
      if (i > 0) {
        const int previous = g.members[i - 1];
        Connect(previous, "start", member, "start", kImpliesThen | kRunnableLeft);
        Connect(member, "stop", previous, "stop", kRestart);
        // An instance of a promotable cloned group: promoted in order, demoted in reverse.
        if (const int parent = ws_.resources[member].parent; parent >= 0 && ws_.clones[parent].promotable) {
          Connect(previous, "promote", member, "promote", kImpliesThen | kRunnableLeft);
          Connect(member, "demote", previous, "demote", 0);
        }
        if (!ws_.resources[member].running_on.empty() && ws_.resources[previous].running_on.empty() &&
            last_active >= 0) {
          Connect(member, "stop", last_active, "stop", 0);
        }
      }
      if (!ws_.resources[member].running_on.empty()) last_active = member;
    }
  }

  // The deprecated meta attribute restart-type=restart (its own, else rsc_defaults'): an
  // optional order still restarts this resource when its first restarts.
  bool RestartsWithFirst(const std::string& id) const {
    cib::Attributes own;
    const cib::Primitive* p = ws_.cib->FindPrimitive(id);
    if (p != nullptr) own = p->meta;
    if (const auto* g = ws_.cib->FindGroup(id)) own = g->meta;
    if (const auto* c = ws_.cib->FindClone(id)) own = c->meta;
    const cib::Attributes meta = ws_.cib->MetaWithDefaults(own, p);
    const auto it = meta.find("restart-type");
    return it != meta.end() && it->second == "restart";
  }

  // How many instances of an order's first clone its then side waits for: the clone's
  // clone-min, else 1 with require-all=false; 0 when it waits for the clone as a whole.
  int MinimumInstances(const cib::Order& o) const {
    const int first = ws_.FindResource(o.first);
    if (o.from_set || first < 0 || !ws_.resources[first].is_clone()) return 0;
    if (const int min = ws_.clones[ws_.resources[first].clone].min; min > 0) return min;
    return o.require_all ? 0 : 1;
  }

  // The then side of `o` waits for `min` instances of its first clone: a pseudo-action counts
  // them, and blocks the then side while too few can act (it never makes the then side required).
  void OrderAfterSome(const cib::Order& o, int min, unsigned flags) {
    const CloneInfo& clone = ws_.clones[ws_.resources[ws_.FindResource(o.first)].clone];
    const int met = AddPseudo(clone.rsc, ActionKind::kStart);
    actions_[met].needed = min;
    actions_[met].name = "clone-one-or-more:" + o.id;
    for (int i : clone.instances) {
      for (int a : ActionsFor(i, o.first_action, false)) AddMember(met, a);
    }
    OrderThenAfter(met, o, flags);
  }

  // `o`'s then side (each member, each instance of a clone) after pseudo-action `met`.
  void OrderThenAfter(int met, const cib::Order& o, unsigned flags) {
    for (int then : ws_.Members(o.then)) {
      const Resource& r = ws_.resources[then];
      std::vector<int> thens = {then};
      if (r.is_clone()) {
        thens.clear();
        for (int i : ws_.clones[r.clone].instances) {
          for (int m : ws_.InstanceMembers(i)) thens.push_back(m);
        }
      }
      for (int t : thens) {
        for (int a : ActionsFor(t, o.then_action, false)) {
          if (ordered_.insert({met, a}).second) edges_.push_back({met, a, flags | kRunnableLeft});
        }
      }
    }
  }

  // The then side of `o` waits for one of o.any_of (a resource set with require-all="false"): the
  // pseudo-action one-or-more:<set> counts them. The one pseudo-action of a set serves every
  // member of the set after it. Stopping goes the other way, member by member.
  void OrderAfterAny(const cib::Order& o, unsigned flags, unsigned inverse) {
    auto [it, added] = one_or_more_.emplace(o.one_or_more, -1);
    if (added) {
      // Held by the set's first resource (a group's first member: a group is no resource here).
      it->second = AddPseudo(ws_.Members(o.any_of.front()).front(), ActionKind::kStart);
      actions_[it->second].needed = 1;
      actions_[it->second].name = o.one_or_more;
      for (const auto& id : o.any_of) {
        for (int member : ws_.Members(id)) {
          for (int a : ActionsFor(member, o.first_action, false)) AddMember(it->second, a);
        }
      }
    }
    OrderThenAfter(it->second, o, flags);
    if (!o.symmetrical || o.kind == cib::OrderKind::kSerialize) return;
    const int then_group = ws_.FindGroup(o.then);
    for (int then : ws_.Members(o.then)) {
      for (const auto& id : o.any_of) {
        for (int first : ws_.Members(id)) Connect(then, Invert(o.then_action), first, Invert(o.first_action), inverse, then_group);
      }
    }
  }

  static std::string Invert(const std::string& task) {
    if (task == "start") return "stop";
    if (task == "stop") return "start";
    if (task == "promote") return "demote";
    if (task == "demote") return "promote";
    return task;
  }

  // `first_group`, `then_group`: the order named this group rather than the member (Pacemaker
  // orders the group's own pseudo-action, which is named in reasons and never migrates).
  void Connect(int first, const std::string& first_task, int then, const std::string& then_task,
               unsigned flags, int first_group = -1, int then_group = -1) {
    if (Interleaved(first, then, then_task)) {
      interleaved_.push_back({first, first_task, then, then_task, flags});
      ConnectInterleaved(interleaved_.back());
      return;
    }
    // Ordered after a clone: each of its instances is.
    if (const Resource& r = ws_.resources[then]; r.is_clone()) {
      for (int instance : ws_.clones[r.clone].instances) {
        for (int i : ws_.InstanceMembers(instance)) Connect(first, first_task, i, then_task, flags | kThenInstance, first_group);
      }
      return;
    }
    const bool first_stopped = !IsActive(ws_.resources[first].role);
    const bool create = !(first_stopped && first_task == "stop");
    const std::vector<int> thens = ActionsFor(then, then_task, false);
    if (thens.empty()) return;
    for (int f : ActionsFor(first, first_task, create)) {
      for (int t : thens) {
        // A second order between the same two actions adds nothing: the first one defined
        // stands alone, as in Pacemaker (an Optional one first keeps a Mandatory one from
        // having any effect).
        if (!ordered_.insert({f, t}).second) continue;
        edges_.push_back({f, t, flags, first_group, then_group});
      }
    }
    MigrationEquivalents(first, first_task, then, then_task);
  }

  // An ordering holds for a migration as for the stop and start it replaces (Pacemaker's
  // pcmk__order_migration_equivalents): what must start (or be promoted) first comes before the
  // migrate_to of what then starts, what must stop first before it, and a migration before the
  // migration that starts after it. For the sequence only: these orderings imply nothing.
  void MigrationEquivalents(int first, const std::string& first_task, int then, const std::string& then_task) {
    if (first == then) return;
    const bool first_migrates = ws_.resources[first].allow_migrate;
    const Resource& t = ws_.resources[then];
    if (!first_migrates && !t.allow_migrate) return;
    // (An ordering with a migrating first applies to its start only if that start is real.)
    const unsigned unless_migrating = first_migrates ? unsigned{kFirstNonMigratable} : 0u;
    auto order = [&](const std::vector<int>& firsts, int then_action, unsigned flags) {
      if (then_action < 0) return;
      for (int a : firsts) {
        if (a >= 0) edges_.push_back({a, then_action, flags});
      }
    };
    const bool partial = t.partial_source >= 0;
    if (first_task == "start" && then_task == "start") {
      if (first_migrates && t.allow_migrate) order({migrate_from_[first]}, migrate_to_[then], 0);
      if (t.allow_migrate) order(ActionsFor(first, "start", false), migrate_to_[then], unless_migrating);
    } else if (t.allow_migrate && first_task == "stop" && then_task == "stop") {
      order(ActionsFor(first, "stop", false), migrate_to_[then], unless_migrating);
      if (partial) order(ActionsFor(first, "stop", false), migrate_from_[then], unless_migrating);
    } else if (t.allow_migrate && first_task == "promote" && then_task == "start") {
      order(ActionsFor(first, "promote", false), migrate_to_[then], 0);
    } else if (t.allow_migrate && first_task == "demote" && then_task == "stop") {
      order(ActionsFor(first, "demote", false), migrate_to_[then], 0);
      if (partial) order(ActionsFor(first, "demote", false), migrate_from_[then], 0);
    }
  }

  // Whether an order between two clones pairs their instances node by node: when the clone that
  // waits (the then side, or the first side for a stop) says interleave=true.
  bool Interleaved(int first, int then, const std::string& then_task) const {
    const Resource& f = ws_.resources[first];
    const Resource& t = ws_.resources[then];
    if (!f.is_clone() || !t.is_clone()) return false;
    return ws_.clones[then_task == "stop" || then_task == "demote" ? f.clone : t.clone].interleave;
  }

  // Each instance of the then clone waits for the first clone's instance on its node (where it
  // runs now, for a stop; where it is placed, otherwise). An instance with none to wait for,
  // under an order that would block it, cannot run at all (Pacemaker stops it).
  // Whether an instance was stopped for want of one to pair with.
  bool ConnectInterleaved(const InterleavedOrder& o) {
    const auto& [first, first_task, then, then_task, flags] = o;
    bool inhibited = false;
    const CloneInfo& firsts = ws_.clones[ws_.resources[first].clone];
    const bool current = first_task == "stop" || first_task == "demote";
    auto location = [&](const Resource& r) { return current ? r.current() : r.assigned; };
    auto instance_on = [&](int node) {
      for (int i : firsts.instances) {
        const Resource& r = ws_.resources[i];
        if (!r.blocked && location(r) == node) return i;
      }
      return -1;
    };
    for (int t : ws_.clones[ws_.resources[then].clone].instances) {
      Resource& r = ws_.resources[t];
      int pair = -1;
      if (location(r) >= 0) {
        pair = instance_on(location(r));
      } else {
        std::vector<int> nodes;
        for (size_t n = 0; n < ws_.nodes.size(); ++n) {
          if (r.allowed.present[n]) nodes.push_back(static_cast<int>(n));
        }
        std::stable_sort(nodes.begin(), nodes.end(), [&](int a, int b) { return NodeBefore(r, a, b); });
        for (int node : nodes) {
          if ((pair = instance_on(node)) >= 0) break;
        }
      }
      if (pair >= 0) {
        for (int f : ws_.InstanceMembers(pair)) {
          for (int m : ws_.InstanceMembers(t)) Connect(f, first_task, m, then_task, flags);
        }
      } else if (!current && (flags & (kRunnableLeft | kImpliesThen)) && r.assigned >= 0) {
        for (int m : ws_.InstanceMembers(t)) Inhibit(m);
        inhibited = true;
      }
    }
    return inhibited;
  }

  // The order Pacemaker sorts a resource's nodes in: score (-INFINITY where unavailable), fewer
  // resources, name.
  bool NodeBefore(const Resource& r, int a, int b) const {
    const int sa = ws_.nodes[a].Available() ? r.allowed.score[a] : -cib::kInfinity;
    const int sb = ws_.nodes[b].Available() ? r.allowed.score[b] : -cib::kInfinity;
    if (sa != sb) return sa > sb;
    if (ws_.nodes[a].assigned != ws_.nodes[b].assigned) return ws_.nodes[a].assigned < ws_.nodes[b].assigned;
    return ws_.nodes[a].uname < ws_.nodes[b].uname;
  }

  // An instance that may not run after all: its start cannot happen, its stops must.
  void Inhibit(int rsc) {
    Resource& r = ws_.resources[rsc];
    r.next_role = Role::kStopped;
    if (r.assigned >= 0) inhibited_.insert(rsc);  // one placed nowhere already keeps its reason
    if (r.assigned >= 0) ws_.nodes[r.assigned].assigned--;
    r.assigned = -1;
    if (start_[rsc] >= 0) actions_[start_[rsc]].runnable = false;
    for (int stop : stops_[rsc]) actions_[stop].optional = false;
  }

  // Spreads the edges' implications until nothing changes: a worklist of the edges that touch
  // an action whose flags just changed, so a long order chain costs its length, not its square.
  void Propagate() {
    std::vector<std::vector<int>> touching(actions_.size());
    for (size_t e = 0; e < edges_.size(); ++e) {
      touching[edges_[e].first].push_back(static_cast<int>(e));
      touching[edges_[e].then].push_back(static_cast<int>(e));
    }
    std::deque<int> work;
    std::vector<char> queued(edges_.size(), 1);
    // Last-made edges first: Pacemaker walks an action's orderings newest first, and the first
    // reason given to an action is the one it keeps ("required r8 start", r8's order being the
    // later one).
    for (size_t e = edges_.size(); e-- > 0;) work.push_back(static_cast<int>(e));
    std::stable_sort(work.begin(), work.end(), [&](int a, int b) { return edges_[a].then > edges_[b].then; });
    auto touched = [&](int action) {
      for (int e : touching[action]) {
        if (!queued[e]) {
          queued[e] = 1;
          work.push_back(e);
        }
      }
    };
    auto changed = [&](int action) {
      touched(action);
      for (int pseudo : summarized_by_[action]) {
        if (Recount(pseudo)) touched(pseudo);
      }
    };
    auto require = [&](int a, const std::string& reason) {
      if (!actions_[a].optional) return;
      actions_[a].optional = false;
      if (actions_[a].reason.empty()) actions_[a].reason = reason;
      changed(a);
    };
    // Not migrating after all: Pacemaker gives this reason over any other ("unrunnable B stop").
    auto unmigrate = [&](int a, const std::string& because) {
      if (!actions_[a].migrate_runnable) return;
      actions_[a].migrate_runnable = false;
      if (!because.empty()) actions_[a].reason = "unrunnable " + because;
      changed(a);
    };
    // A start that becomes unrunnable takes the starts of what is colocated with it at
    // INFINITY along ("due to colocation with db"), depth first. An explicit stack, not
    // recursion: a chain of colocations can be as long as the CIB.
    using Pending = std::vector<std::pair<int, std::string>>;
    auto block_all = [&](Pending pending) {
      while (!pending.empty()) {
        auto [a, reason] = std::move(pending.back());
        pending.pop_back();
        if (!actions_[a].runnable) continue;
        actions_[a].runnable = false;
        actions_[a].migrate_runnable = false;
        if (actions_[a].reason.empty()) actions_[a].reason = std::move(reason);
        if (actions_[a].kind == ActionKind::kStart && !actions_[a].pseudo) {
          // Pacemaker settles the resource's own stop and start before it looks at what is
          // ordered after the start: the stop that must now happen makes the start required,
          // so what follows it is "required" by it rather than blocked ("required fs start").
          const int rsc = actions_[a].rsc;
          if (ws_.resources[rsc].managed) {
            for (int stop : stops_[rsc]) {
              if (!actions_[stop].runnable) continue;
              require(stop, actions_[a].reason);
              actions_[a].optional = false;
            }
          }
        }
        changed(a);
        if (actions_[a].kind == ActionKind::kStart && !actions_[a].pseudo) {
          PushColocatedStarts(actions_[a].rsc, pending);
        }
      }
    };
    auto block = [&](int a, std::string reason) { block_all(Pending{{a, std::move(reason)}}); };
    auto block_colocated = [&](int rsc) {
      Pending pending;
      PushColocatedStarts(rsc, pending);
      block_all(std::move(pending));
    };
    for (size_t p = 0; p < actions_.size(); ++p) {
      if (actions_[p].pseudo) Recount(static_cast<int>(p));
    }
    // A needed start that cannot happen from the outset (no quorum) blocks its dependents too.
    for (size_t a = 0; a < actions_.size(); ++a) {
      if (actions_[a].kind == ActionKind::kStart && !actions_[a].pseudo && !actions_[a].optional &&
          !actions_[a].runnable) {
        block_colocated(actions_[a].rsc);
      }
    }
    while (!work.empty()) {
      const Edge e = edges_[work.front()];
      queued[work.front()] = 0;
      work.pop_front();
      const GraphAction& first = actions_[e.first];
      const GraphAction& then = actions_[e.then];
      // Pacemaker orders after a group's or clone's own "running" (or "stopped") and names that.
      const bool collective = e.first_group >= 0 || first.pseudo;
      const std::string& first_id =
          e.first_group >= 0 ? ws_.groups[e.first_group].id : ws_.resources[first.rsc].id;
      const std::string first_action = !first.name.empty() ? first.name : first_id + " " + TaskWord(first.kind, collective);
      // The checks run in Pacemaker's order, which decides the reason an action keeps when
      // two apply: implies-then, restart, implies-first, then runnable-left. Pacemaker names no
      // reason when a resource's own action is made required by another of its own.
      const bool left_alone = !first.pseudo && !ws_.resources[first.rsc].managed;
      // A migrating start does not restart what is ordered after it (but a group's "running"
      // is never migrating).
      const bool first_migrating = first.migrate_runnable && e.first_group < 0;
      if ((e.flags & kImpliesThen) && FirstRequired(first, then, e.flags) && !first_migrating) {
        require(e.then, first.rsc == then.rsc && !first.pseudo ? std::string() : "required " + first_action);
      }
      if (e.flags & kRestart) {
        // Between two members of a group (a stop before the previous member's stop) only a
        // required then counts, and each action names the other as its reason; a resource's
        // own stop and start name nothing (its blocked start's reason is shown instead).
        const bool own = first.rsc == then.rsc;
        const bool reason = !then.optional || (own && !then.runnable);
        if (reason && first.optional && (first.runnable || !then.optional)) {
          require(e.first, own ? (then.runnable ? std::string() : then.reason)
                               : "required " + ws_.resources[then.rsc].id + " " + ActionName(then.kind));
        }
        if (reason && !actions_[e.first].optional && !actions_[e.first].runnable) {
          block(e.then, own ? std::string() : "unrunnable " + first_id + " " + ActionName(first.kind));
        }
        // A then that will not migrate keeps first from migrating.
        if (reason && !then.migrate_runnable) unmigrate(e.first, own ? std::string() : ActionText(then));
      }
      // A required then makes first required only between a resource's own actions (its
      // demote before its stop). Between two resources (a symmetrical order's reverse: then
      // stops before first stops) Pacemaker 2.1.5 asks it only of first's flags as ordering
      // sees them, which for anything but a clone are its own: it never changes them, and
      // then's stop is reached through then's own start instead.
      if ((e.flags & kImpliesFirst) && first.rsc == then.rsc && !then.optional) require(e.first, std::string());
      // ... but a required then that will not migrate keeps first from migrating, whatever the
      // resources (a clone's instance stands for the clone's stop, which migrates unless an
      // instance restarts).
      // (A group's pseudo-action is never migrating: a group then stops what is ordered before
      // it migrating once any member's action is required; a group first loses nothing.)
      if ((e.flags & kImpliesFirst) && e.first_group < 0) {
        const int parent = ws_.resources[then.rsc].parent;
        const bool clone_stop = (e.flags & kThenInstance) && parent >= 0 && then.kind == ActionKind::kStop;
        const GraphAction& t = clone_stop ? actions_[stopped_[parent]] : then;
        if (e.then_group >= 0 && GroupRequired(e.then_group, then.kind)) {
          unmigrate(e.first, ws_.groups[e.then_group].id + " " + ActionName(then.kind));
        } else if (e.then_group < 0 && !t.optional && !t.migrate_runnable) {
          unmigrate(e.first, first.rsc == then.rsc ? std::string() : clone_stop ? ws_.resources[ws_.clones[parent].rsc].id + " stop" : ActionText(then));
        }
      }
      // A start that an order waits for and that cannot happen also blocks the starts of what
      // must run with it (INFINITY colocations), as Pacemaker does.
      if ((e.flags & kOrdering) && first.kind == ActionKind::kStart && !first.pseudo && !first.runnable) {
        block_colocated(first.rsc);
      }
      if ((e.flags & (kRunnableLeft | kAsymmetrical)) && !first.runnable) {
        // A one-way order blocks only a start that is needed (a start, a move, a recovery),
        // not the one of a resource that stays as it is.
        if (!(e.flags & kAsymmetrical) || !then.optional) {
          block(e.then, "unrunnable " + first_action);
        }
      }
      // A migration's own orderings: a step that cannot migrate makes the steps before it
      // unrunnable (a required one makes them required); a migrate_from that cannot run makes
      // the start a real one.
      if (e.flags & kImpliesFirstMigratable) {
        if (!(then.migrate_runnable && then.runnable) && first.runnable) {
          actions_[e.first].runnable = false;
          changed(e.first);
        }
        if (!then.optional) require(e.first, std::string());
      }
      if ((e.flags & kPseudoLeft) && !first.runnable && (then.migrate_runnable || then.in_place)) {
        actions_[e.then].migrate_runnable = false;
        actions_[e.then].in_place = false;
        changed(e.then);
      }
      // Ordered against a stop that cannot happen (a failed stop, left alone): blocked too.
      if ((e.flags & (kImpliesThen | kImpliesFirst | kRestart)) && first.kind == ActionKind::kStop && left_alone &&
          !first.runnable && ws_.resources[first.rsc].blocked) {
        block(e.then, "");
      }
    }
  }

  // Whether any member of group `g` has a required action of `kind` (the group's own
  // pseudo-action is then required).
  bool GroupRequired(int g, ActionKind kind) const {
    for (int m : ws_.groups[g].members) {
      const std::vector<int>* down = kind == ActionKind::kStop ? &stops_[m] : kind == ActionKind::kDemote ? &demotes_[m] : nullptr;
      if (down != nullptr && std::any_of(down->begin(), down->end(), [&](int a) { return !actions_[a].optional; })) return true;
      const int up = kind == ActionKind::kStart ? start_[m] : kind == ActionKind::kPromote ? promote_[m] : -1;
      if (up >= 0 && !actions_[up].optional) return true;
    }
    return false;
  }

  // "B stop": an action of a primitive as Pacemaker names it in reasons.
  std::string ActionText(const GraphAction& a) const { return ws_.resources[a.rsc].id + " " + ActionName(a.kind); }

  // Whether `first` is required as far as `then` goes: a clone's pseudo-action, for a then that
  // is not itself a clone's instance, only when one of its instances' actions on then's node is
  // (Pacemaker sums a clone's flags over that node).
  bool FirstRequired(const GraphAction& first, const GraphAction& then, unsigned flags) const {
    if (first.optional) return false;
    if (!first.pseudo || first.needed > 0 || then.node < 0 || (flags & kThenInstance)) return true;
    for (int m : first.members) {
      if (actions_[m].node == then.node && !actions_[m].optional) return true;
    }
    return false;
  }

  // Pushes the starts of what is colocated with `rsc` at INFINITY onto `stack`, each with its
  // reason, the first colocation on top (so they are handled in the colocations' order).
  // An instance's start blocks what is colocated with its clone only when every instance's start
  // exists and cannot happen; the reason names the instance.
  void PushColocatedStarts(int rsc, std::vector<std::pair<int, std::string>>& stack) const {
    const std::string reason = "colocation with " + ws_.resources[rsc].id;
    if (const int parent = ws_.resources[rsc].parent; parent >= 0) {
      for (int i : ws_.clones[parent].instances) {
        if (start_[i] < 0 || actions_[start_[i]].runnable) return;
      }
      rsc = ws_.clones[parent].rsc;
    }
    const auto& with = ws_.resources[rsc].with_this;
    for (auto it = with.rbegin(); it != with.rend(); ++it) {
      const ColocationRule& col = ws_.colocations[*it];
      if (col.score < cib::kInfinity) continue;
      const Resource& dependent = ws_.resources[col.dependent];
      if (dependent.is_clone()) {
        // Colocated in the Promoted role only: its promotions cannot happen, its starts can.
        const bool promoted = col.dependent_role == Role::kPromoted;
        const auto& instances = ws_.clones[dependent.clone].instances;
        for (auto i = instances.rbegin(); i != instances.rend(); ++i) {
          const std::vector<int> members = ws_.InstanceMembers(*i);
          for (auto m = members.rbegin(); m != members.rend(); ++m) {
            const int action = promoted ? promote_[*m] : start_[*m];
            if (action >= 0) stack.emplace_back(action, reason);
          }
        }
      } else if (start_[col.dependent] >= 0) {
        stack.emplace_back(start_[col.dependent], reason);
      }
    }
  }

  void Summarize(Transition& t) {
    // A clone's instances are summed up in its place, by number (surplus ones, found in the
    // history after the configuration was read, included).
    std::vector<int> order;
    for (int i : ws_.allocation_order) {
      const Resource& r = ws_.resources[i];
      if (r.is_clone()) {
        for (int instance : ws_.clones[r.clone].instances) {
          for (int m : ws_.InstanceMembers(instance)) order.push_back(m);
        }
      } else if (r.parent < 0) {
        order.push_back(i);
      }
    }
    for (int i : order) {
      const Resource& r = ws_.resources[i];
      const int current = r.current();
      const int next = r.assigned;
      if (!r.managed || (current < 0 && next < 0)) continue;
      const GraphAction* start = start_[i] >= 0 ? &actions_[start_[i]] : nullptr;
      if (start != nullptr && start->node != next) start = nullptr;
      const GraphAction* stop = stops_[i].empty() ? nullptr : &actions_[stops_[i].front()];
      const bool moving = current >= 0 && next >= 0 && current != next;
      // crm_simulate shows the roles of an instance that is or will be Unpromoted or Promoted.
      const bool show_roles = r.role > Role::kStarted || r.next_role > Role::kUnpromoted;
      auto line = [&](const char* verb, int from, int to, const GraphAction* action,
                      const GraphAction* source = nullptr) {
        SummaryLine l;
        l.verb = verb;
        l.rsc = r.id;
        if (from >= 0) l.from = ws_.nodes[from].uname;
        if (to >= 0) l.to = ws_.nodes[to].uname;
        if (show_roles) {
          l.role = RoleText(r.role);
          l.next_role = RoleText(r.next_role);
        }
        if (source == nullptr) source = action;
        if (action != nullptr) {
          l.reason = source->reason;
          l.blocked = !action->runnable;
        }
        t.summary.push_back(std::move(l));
      };
      const GraphAction* promote = promote_[i] >= 0 ? &actions_[promote_[i]] : nullptr;
      const GraphAction* demote = demotes_[i].empty() ? nullptr : &actions_[demotes_[i].front()];
      if (r.role == r.next_role) {
        if (next < 0 && current < 0) continue;
        // A migration that can happen is shown as one, whatever else is required of it.
        if (const int from = migrate_from_[i]; from >= 0 && actions_[from].runnable && current >= 0 && start != nullptr) {
          line("Migrate", current, next, start);
          continue;
        }
        if (start == nullptr || start->optional) {
          // Demoted and promoted again where it is (what it is colocated with restarts).
          if (demote != nullptr && promote != nullptr && !demote->optional && !promote->optional) {
            line("Re-promote", current, next, promote, demote);
          }
          continue;
        }
        if (!start->runnable && current >= 0 && ws_.nodes[current].unclean && !ws_.plan_fencing) {
          // A caller that plans no fences (Options::fencing false): Pacemaker would fence the node
          // and move the resource; here the move waits for the node to come back. (Where fences
          // are planned, an unclean node that cannot be fenced blocks the stop, which the lines
          // below tell as Pacemaker does.)
          line(moving ? "Move" : "Recover", current, moving ? next : -1, nullptr);
          t.summary.back().reason = "unclean " + ws_.nodes[current].uname + ", not fenced by this plan";
          t.summary.back().blocked = true;
        } else if (!start->runnable) {
          // Blocked or not is the stop's to say; the reason is the stop's, else the start's.
          if (current >= 0) {
            line("Stop", current, -1, stop != nullptr ? stop : start,
                 stop != nullptr && !stop->reason.empty() ? stop : start);
          }
        } else if (moving) {
          line(r.failed ? "Recover" : "Move", current, next, stop);
        } else if (r.failed) {
          line("Recover", current, -1, stop);
        } else {
          line("Restart", current, show_roles ? next : -1, start);
        }
        continue;
      }
      if (stop != nullptr && (r.next_role == Role::kStopped || (start != nullptr && !start->runnable))) {
        for (int s : stops_[i]) {
          // (A dangling migration's stop, where it no longer runs, has no line.)
          if (std::find(r.running_on.begin(), r.running_on.end(), actions_[s].node) == r.running_on.end()) continue;
          // Pacemaker's words for a resource that has nowhere to run (not for an instance an
          // interleaved order stopped: Pacemaker gives that stop no reason).
          if (actions_[s].reason.empty() && r.next_role == Role::kStopped && !inhibited_.count(i)) {
            actions_[s].reason = "node availability";
          }
          line("Stop", actions_[s].node, -1, &actions_[s]);
        }
      } else if (stop != nullptr && r.failed && !stop->optional) {
        line("Recover", current, next, stop, start);
      } else if (moving) {
        line(r.failed ? "Recover" : "Move", current, next, stop);
      } else if (stop != nullptr && !stop->optional) {
        line("Restart", current, show_roles ? next : -1, start);
      } else if (r.role == Role::kPromoted && demote != nullptr) {
        line("Demote", current, next, demote);
      } else if (r.next_role == Role::kPromoted && promote != nullptr) {
        line("Promote", current, next, promote);
      } else if (r.next_role == Role::kPromoted && start != nullptr) {
        line("Promote", current, next, start);  // it cannot start, so it cannot be promoted
      } else if (start != nullptr && current < 0) {
        line("Start", -1, next, start);
      }
    }
  }

  void Placements(Transition& t) {
    std::vector<int> by_name(ws_.nodes.size());
    for (size_t n = 0; n < by_name.size(); ++n) by_name[n] = static_cast<int>(n);
    std::sort(by_name.begin(), by_name.end(),
              [&](int a, int b) { return ws_.nodes[a].uname < ws_.nodes[b].uname; });
    std::vector<int> by_id(ws_.resources.size());
    for (size_t i = 0; i < by_id.size(); ++i) by_id[i] = static_cast<int>(i);
    std::sort(by_id.begin(), by_id.end(),
              [&](int a, int b) { return ws_.resources[a].id < ws_.resources[b].id; });
    t.placements.reserve(by_id.size());
    for (int i : by_id) {
      const Resource& r = ws_.resources[i];
      // Not a configured primitive (an orphan, a clone's own entry, a surplus instance): only its
      // stop is reported.
      if (r.orphan() || r.is_clone() || r.surplus) continue;
      Placement p;
      p.rsc = r.id;
      if (!r.managed) {
        // (Fencing a node stops whatever it ran, managed or not.)
        for (int n : r.running_on) {
          if (!ws_.nodes[n].fenced) p.nodes.push_back(ws_.nodes[n].uname);
        }
      } else {
        // A stop that cannot happen, on a node that is up (an order holds it back) or unclean
        // and not fenced, leaves the resource where it is.
        for (int stop : stops_[i]) {
          const GraphAction& a = actions_[stop];
          const NodeInfo& node = ws_.nodes[a.node];
          if (!a.optional && !a.runnable && (node.online || node.unclean) && !node.fenced) {
            p.nodes.push_back(ws_.nodes[a.node].uname);
          }
        }
        auto add = [&](int node) {
          const std::string& name = ws_.nodes[node].uname;
          if (std::find(p.nodes.begin(), p.nodes.end(), name) == p.nodes.end()) p.nodes.push_back(name);
        };
        // Where it runs and is not stopped (a demoted instance has no start).
        for (int stop : stops_[i]) {
          if (actions_[stop].optional && !ws_.nodes[actions_[stop].node].fenced) add(actions_[stop].node);
        }
        if (start_[i] >= 0 && actions_[start_[i]].runnable && actions_[start_[i]].node >= 0) add(actions_[start_[i]].node);
      }
      // The scores as they were when its node was chosen: nothing changes them afterwards.
      // An instance shows its scores each time a node was chosen for it (none if never).
      if (scores_) {
        const std::vector<Scores> tables = r.parent >= 0 || !r.shown.empty() ? r.shown : std::vector<Scores>{r.allowed};
        for (const Scores& table : tables) {
          for (int n : by_name) {
            if (table.present[n]) p.scores.push_back({ws_.nodes[n].uname, table.score[n]});
          }
        }
      }
      if (r.parent >= 0 && ws_.clones[r.parent].promotable && !p.nodes.empty()) {
        // Promoted it becomes, or stays when its demotion cannot happen (its node unclean and
        // not fenced, an order holding it back).
        const bool demotion_blocked = r.role == Role::kPromoted &&
                                      std::any_of(demotes_[i].begin(), demotes_[i].end(), [&](int d) {
                                        return !actions_[d].optional && !actions_[d].runnable;
                                      });
        const bool promoted = (r.next_role == Role::kPromoted && (promote_[i] < 0 || actions_[promote_[i]].runnable)) ||
                              demotion_blocked;
        p.role = promoted ? "Promoted" : "Unpromoted";
      }
      t.placements.push_back(std::move(p));
    }
  }

  // The actions to execute, in an order that keeps every edge: Kahn's algorithm, stops first
  // among the ready ones.
  void Sequence(Transition& t) {
    std::vector<char> live(actions_.size(), 0);
    // A pseudo-action is never executed but always passes its instances' orderings on.
    for (size_t i = 0; i < actions_.size(); ++i) {
      live[i] = actions_[i].pseudo || (!actions_[i].optional && actions_[i].runnable && actions_[i].node >= 0);
    }
    std::vector<std::vector<int>> after(actions_.size());
    std::vector<int> waiting(actions_.size(), 0);
    for (const Edge& e : edges_) {
      if (!live[e.first] || !live[e.then]) continue;
      if ((e.flags & kFirstNonMigratable) && actions_[e.first].migrate_runnable) continue;
      after[e.first].push_back(e.then);
      waiting[e.then]++;
    }
    std::deque<int> ready_stops;
    std::deque<int> ready_starts;
    auto push = [&](int a) {
      (Down(actions_[a].kind) ? ready_stops : ready_starts).push_back(a);
    };
    for (size_t i = 0; i < actions_.size(); ++i) {
      if (live[i] && waiting[i] == 0) push(static_cast<int>(i));
    }
    size_t left = 0;
    for (size_t i = 0; i < actions_.size(); ++i) left += live[i];
    while (left > 0) {
      if (ready_stops.empty() && ready_starts.empty()) {
        // Orders that form a loop: release the first action still waiting, as Pacemaker
        // breaks such loops rather than doing nothing.
        for (size_t i = 0; i < actions_.size(); ++i) {
          if (live[i] && waiting[i] > 0) {
            waiting[i] = 0;
            push(static_cast<int>(i));
            break;
          }
        }
      }
      --left;
      auto& queue = ready_stops.empty() ? ready_starts : ready_stops;
      const int a = queue.front();
      queue.pop_front();
      const GraphAction& g = actions_[a];
      // (A stop or demote on a node being fenced is done by the fence.)
      if (!g.pseudo && !g.in_place && !ws_.nodes[g.node].fenced) {
        Action action{g.kind, ws_.resources[g.rsc].id, ws_.nodes[g.node].uname};
        if (g.kind == ActionKind::kMigrateTo || g.kind == ActionKind::kMigrateFrom) {
          const Resource& r = ws_.resources[g.rsc];
          action.source = ws_.nodes[r.current()].uname;
          action.target = ws_.nodes[r.assigned].uname;
        }
        t.actions.push_back(std::move(action));
      }
      live[a] = 0;
      for (int next : after[a]) {
        if (waiting[next] > 0 && --waiting[next] == 0) push(next);
      }
    }
  }

  WorkingSet& ws_;
  const bool scores_;
  std::vector<GraphAction> actions_;
  std::vector<Edge> edges_;
  std::set<std::pair<int, int>> ordered_;  // (first, then) pairs that order constraints made
  std::map<std::string, int> one_or_more_;  // a require-all="false" set's pseudo-action, by name
  std::vector<int> start_;
  std::vector<std::vector<int>> stops_;
  std::vector<int> migrate_to_;    // per resource: its migrate_to, -1 if none
  std::vector<int> migrate_from_;  // per resource: its migrate_from, -1 if none
  std::vector<int> promote_;               // per resource: its promote, -1 if none
  std::vector<std::vector<int>> demotes_;  // per resource: its demotes, one per node it runs on
  std::vector<int> promoted_;  // per clone: its "promoted" pseudo-action (-1: not promotable)
  std::vector<int> demoted_;   // per clone: its "demoted" pseudo-action
  std::vector<int> running_;  // per clone: its "running" pseudo-action
  std::vector<int> stopped_;  // per clone: its "stopped" pseudo-action
  std::vector<std::vector<int>> summarized_by_;  // per action: the pseudo-actions it counts for
  std::set<int> inhibited_;  // instances an interleaved order left nothing to run with
  std::vector<InterleavedOrder> interleaved_;
};

}  // namespace

Result<Transition> Schedule(const cib::Model& cib, const Options& options) {
  // The model may have been built or edited by hand: every reference must hold.
  std::unordered_set<std::string_view> ids;
  for (const auto& p : cib.primitives) ids.insert(p.id);
  for (const auto& g : cib.groups) ids.insert(g.id);
  for (const auto& c : cib.clones) ids.insert(c.id);
  // What a clone clones is not for constraints to name (Cib::Parse refuses it too).
  std::unordered_set<std::string_view> cloned;
  for (const auto& p : cib.primitives) {
    if (!p.clone.empty()) cloned.insert(p.id);
  }
  for (const auto& g : cib.groups) {
    if (!g.clone.empty()) cloned.insert(g.id);
  }
  auto check = [&](const std::string& id, const std::string& constraint) {
    return ids.count(id) && !cloned.count(id)
               ? Status::Ok()
               : Status(StatusCode::kInvalidArgument,
                        "constraint " + constraint + " names no resource it may name: '" + id + "'");
  };
  for (const auto& l : cib.locations) {
    if (!l.rsc_pattern.empty()) continue;
    if (Status s = check(l.rsc, l.id); !s.ok()) return s;
  }
  for (const auto& c : cib.colocations) {
    if (Status s = check(c.rsc, c.id); !s.ok()) return s;
    if (Status s = check(c.with_rsc, c.id); !s.ok()) return s;
  }
  for (const auto& o : cib.orders) {
    for (const auto& any : o.any_of) {
      if (Status s = check(any, o.id); !s.ok()) return s;
    }
    if (Status s = o.any_of.empty() ? check(o.first, o.id) : Status::Ok(); !s.ok()) return s;
    if (Status s = check(o.then, o.id); !s.ok()) return s;
  }
  for (const auto& p : cib.primitives) {
    if (!p.group.empty() && cib.FindGroup(p.group) == nullptr) {
      return Status(StatusCode::kInvalidArgument, p.id + " is a member of '" + p.group + "', which is no group");
    }
    const cib::Clone* c = p.clone.empty() ? nullptr : cib.FindClone(p.clone);
    if (!p.clone.empty() && (c == nullptr || (c->child != p.id && c->child != p.group))) {
      return Status(StatusCode::kInvalidArgument, p.id + " is cloned by '" + p.clone + "', which does not clone it");
    }
  }
  for (const auto& g : cib.groups) {
    for (const auto& m : g.members) {
      const cib::Primitive* p = cib.FindPrimitive(m);
      if (p == nullptr || p->group != g.id) {
        return Status(StatusCode::kInvalidArgument, "group " + g.id + " names '" + m + "', which is not its member");
      }
    }
  }
  for (const auto& c : cib.clones) {
    const cib::Primitive* p = c.child_is_group ? nullptr : cib.FindPrimitive(c.child);
    if ((c.child_is_group && cib.FindGroup(c.child) == nullptr) || (!c.child_is_group && (p == nullptr || p->clone != c.id))) {
      return Status(StatusCode::kInvalidArgument, "clone " + c.id + " clones '" + c.child + "', which is not defined");
    }
  }
  if (ids.size() != cib.primitives.size() + cib.groups.size() + cib.clones.size()) {
    return Status(StatusCode::kInvalidArgument, "two resources share an id");
  }
  // A saved CIB is scheduled at the moment it was saved, as crm_simulate does.
  WorkingSet ws = Unpack(cib, cib.execution_date ? *cib.execution_date : options.now, options.fencing, &options.cannot_fence);
  ws.unfence_again = options.unfence_again;
  if (Status s = Place(ws); !s.ok()) return s;
  return Transitioner(ws, options.scores).Run();
}

std::vector<ResourceState> CurrentState(const cib::Model& cib, int64_t now) {
  const WorkingSet ws = Unpack(cib, now);
  std::vector<ResourceState> out;
  for (const auto& r : ws.resources) {
    if (r.is_clone()) continue;
    ResourceState s;
    s.id = r.id;
    s.orphan = r.orphan();
    if (r.primitive != nullptr) {
      s.agent = r.primitive->AgentName();
    } else {
      for (const auto& state : cib.node_states) {
        for (const auto& h : state.resources) {
          if (h.id == r.id && s.agent.empty()) s.agent = cib::AgentName(h.standard, h.provider, h.type);
        }
      }
    }
    for (const int n : r.running_on) s.nodes.push_back(ws.nodes[n].uname);
    s.failed = r.failed;
    s.blocked = r.blocked;
    s.managed = r.managed;
    s.disabled = r.next_role == Role::kStopped;
    if (r.pending == "start") s.pending = "Starting";
    if (r.pending == "stop") s.pending = "Stopping";
    if (r.group >= 0) s.group = ws.groups[r.group].id;
    if (r.parent >= 0) {
      const CloneInfo& c = ws.clones[r.parent];
      s.clone = c.clone->id;
      s.cloned = c.clone->child;
      s.unique = c.unique;
      s.promotable = c.promotable;
      s.instance = r.instance;
      if (c.promotable && !s.nodes.empty()) s.role = r.role == Role::kPromoted ? "Promoted" : "Unpromoted";
      // A surplus instance that runs nowhere is nothing to show.
      if (r.surplus && s.nodes.empty()) continue;
    }
    // An orphan that runs nowhere is history only: not shown.
    if (s.orphan && s.nodes.empty()) continue;
    out.push_back(std::move(s));
  }
  return out;
}

std::set<std::pair<std::string, std::string>> NotProbed(const cib::Model& cib) {
  std::set<std::pair<std::string, std::string>> out;
  // (The DC asks before every plan: unpacking is for CIBs that use resource-discovery.)
  if (std::all_of(cib.locations.begin(), cib.locations.end(), [](const cib::Location& l) { return l.discovery == "always"; })) {
    return out;
  }
  const WorkingSet ws = Unpack(cib, 0);
  for (const Resource& r : ws.resources) {
    if (r.primitive == nullptr || r.discovery.empty()) continue;
    for (size_t n = 0; n < ws.nodes.size(); ++n) {
      if (!r.Discoverable(static_cast<int>(n))) out.emplace(r.primitive->id, ws.nodes[n].uname);
    }
  }
  return out;
}

std::vector<std::string> StandbyNodes(const cib::Model& cib) {
  std::vector<std::string> out;
  for (const auto& n : Unpack(cib, 0).nodes) {
    if (n.standby) out.push_back(n.uname);
  }
  return out;
}

std::vector<FailedAction> FailedActions(const cib::Model& cib) {
  std::vector<FailedAction> out;
  for (const auto& state : cib.node_states) {
    for (const auto& h : state.resources) {
      for (const auto& op : h.ops) {
        if (op.id == h.id + "_last_failure_0") out.push_back({h.id, state.uname, op});
      }
    }
  }
  return out;
}

const char* ActionName(ActionKind kind) {
  switch (kind) {
    case ActionKind::kStart: return "start";
    case ActionKind::kStop: return "stop";
    case ActionKind::kPromote: return "promote";
    case ActionKind::kDemote: return "demote";
    case ActionKind::kMigrateTo: return "migrate_to";
    case ActionKind::kMigrateFrom: return "migrate_from";
  }
  return "";
}

Options SimulationOptions(int64_t now, bool scores) {
  Options options;
  options.now = now;
  options.scores = scores;
  options.fencing = true;
  options.unfence_again = true;
  return options;
}

std::string SummaryDetails(const SummaryLine& line) {
  // The nodes, and an instance's roles where they matter.
  const bool roles = !line.role.empty();
  const std::string& from = line.from;
  const std::string& to = line.to;
  std::string details;
  if (from.empty()) {
    details = roles ? line.role + " -> " + line.next_role + " " + to : to;
  } else if (to.empty()) {
    details = roles ? line.role + " " + from : from;
  } else if (line.role == line.next_role) {
    details = from == to ? from : from + " -> " + to;
    if (roles) details = from == to ? line.role + " " + from : details + " " + line.role;
  } else if (from == to) {
    details = line.role + " -> " + line.next_role + " " + from;
  } else {
    details = line.role + " " + from + " -> " + line.next_role + " " + to;
  }
  return details;
}

std::string SummaryText(const SummaryLine& line) {
  std::string text = line.verb + " " + line.rsc + " (" + SummaryDetails(line) + ")";
  if (!line.reason.empty()) text += " due to " + line.reason;
  if (line.blocked) text += line.reason.empty() ? " blocked" : " (blocked)";
  return text;
}

std::string SummaryText(const Fence& fence) {
  return "Fence (" + fence.action + ") " + fence.node + " '" + fence.reason + "'";
}

std::string StonithAction(const cib::Model& cib) {
  const auto it = cib.properties.find("stonith-action");
  return it != cib.properties.end() && (it->second == "off" || it->second == "poweroff") ? "off" : "reboot";
}

std::string SummaryTextWithDelay(const Fence& fence) {
  if (fence.priority_delay < 0) return SummaryText(fence);
  return SummaryText(fence) + " priority-fencing-delay=" + std::to_string(fence.priority_delay) + "s";
}

}  // namespace vigil::scheduler
