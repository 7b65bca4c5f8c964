#include "cluster/scheduler/placement.h"

#include <algorithm>
#include <optional>
#include <strings.h>

#include "cluster/cib/score.h"

namespace vigil::scheduler {
namespace {

using cib::AddScores;
using cib::kInfinity;

// A node that a merge with only nonnegative results marked unusable (Pacemaker's INFINITY_HACK).
constexpr int kUnusable = -kInfinity * 100;

// Sets a node's score in a table, adding the node if the table lacks it (Pacemaker's
// resource_location: a location constraint opts a node in, even in an asymmetric cluster).
void AddLocation(Scores& table, int node, int score) {
  if (table.present[node]) {
    table.score[node] = AddScores(table.score[node], score);
  } else {
    table.present[node] = 1;
    table.score[node] = score;
  }
}

class Placer {
 public:
  explicit Placer(WorkingSet& ws) : ws_(ws) {}

  Status Run() {
    InitialScores();
    for (int r : ws_.allocation_order) {
      Allocate(r);
      if (!error_.ok()) return error_;
    }
    return Status::Ok();
  }

 private:
  void InitialScores() {
    const size_t m = ws_.nodes.size();
    for (auto& r : ws_.resources) {
      r.allowed.score.assign(m, 0);
      r.allowed.present.assign(m, ws_.symmetric ? 1 : 0);
      // In a symmetric cluster every node is there from the start, with its own weight.
      if (ws_.symmetric) {
        for (size_t n = 0; n < m; ++n) r.allowed.score[n] = ws_.nodes[n].weight;
      }
    }
    for (const LocationScore& location : ws_.locations) {
      // One for the Promoted role counts when roles are chosen (PromotionPriority).
      if (location.promoted) continue;
      const int node = location.node;
      // A colocated group's first member takes the score; the others only the node, since the
      // first one's scores already take theirs in.
      const int group = ws_.FindGroup(*location.rsc);
      const bool colocated = group >= 0 && ws_.groups[group].colocated;
      bool first = true;
      for (int member : ws_.Members(*location.rsc)) {
        AddLocation(ws_.resources[member].allowed, node, first || !colocated ? location.score : 0);
        first = false;
        // A clone's location is its instances' too (a group instance's as a group's).
        if (const Resource& r = ws_.resources[member]; r.is_clone()) {
          for (int i : ws_.clones[r.clone].instances) {
            const std::vector<int> members = ws_.InstanceMembers(i);
            const int g = ws_.resources[i].group;
            for (size_t k = 0; k < members.size(); ++k) {
              const bool takes_score = k == 0 || g < 0 || !ws_.groups[g].colocated;
              AddLocation(ws_.resources[members[k]].allowed, node, takes_score ? location.score : 0);
            }
          }
        }
      }
    }
    for (auto& r : ws_.resources) {
      // An unmanaged resource stays where it runs, whatever else says.
      if (!r.managed && !r.frozen) {
        for (int node : r.running_on) AddLocation(r.allowed, node, kInfinity);
      }
      // Stickiness: a preference for the one node the resource runs on now (a negative one is
      // ignored).
      if (r.managed && r.stickiness > 0 && r.running_on.size() == 1) {
        const int node = r.running_on.front();
        if (r.allowed.present[node] || ws_.symmetric) AddLocation(r.allowed, node, r.stickiness);
      }
      // A node where a stop failed, or an operation failed for good, is banned until a cleanup;
      // a configuration error, or a ticket that is not granted, bans every node.
      for (int node : r.stop_failed_on) AddLocation(r.allowed, node, -kInfinity);
      for (int node : r.hard_failed_on) AddLocation(r.allowed, node, -kInfinity);
      if (r.fatal || r.no_ticket) {
        for (size_t n = 0; n < m; ++n) AddLocation(r.allowed, static_cast<int>(n), -kInfinity);
      }
      // migration-threshold: as many failures as allowed bans the node until a cleanup (unless
      // failures are ignored).
      if (r.migration_threshold != 0 && !r.failure_ignored) {
        for (size_t n = 0; n < m; ++n) {
          if (r.fail_count[n] > 0 && r.migration_threshold - r.fail_count[n] <= 0) {
            AddLocation(r.allowed, static_cast<int>(n), -kInfinity);
          }
        }
      }
    }
  }

  bool Usable(int node, int score) const { return ws_.nodes[node].Available() && score >= 0; }

  bool CanRunAny(const Scores& t) const {
    for (size_t n = 0; n < t.score.size(); ++n) {
      if (t.present[n] && Usable(static_cast<int>(n), t.score[n])) return true;
    }
    return false;
  }

  static bool SameValue(const std::string& a, const std::string& b) {
    return strcasecmp(a.c_str(), b.c_str()) == 0;
  }

  // The best score `r` has on an available node whose attribute value (in `values`, one per
  // node) equals `value`.
  int BestScoreMatching(const Resource& r, const std::vector<const std::string*>& values,
                        const std::string& value) const {
    int best = -kInfinity;
    for (size_t n = 0; n < r.allowed.score.size(); ++n) {
      if (!r.allowed.present[n] || r.allowed.score[n] <= best) continue;
      if (!ws_.nodes[n].Available()) continue;
      if (!SameValue(*values[n], value)) continue;
      best = r.allowed.score[n];
    }
    return best;
  }

  // Adds `factor` times r's scores to the table, node by node (matched on `attribute`). With
  // `nonnegative`, a node whose score would turn negative keeps its score (a zero one) or is
  // marked kUnusable (a positive one), and a marked node takes nothing more.
  void AddScoresMatching(Scores& table, const Resource& r, const std::string& attribute,
                         float factor, bool nonnegative) const {
    // Matching on the node itself (the usual case) needs no search: node names are unique.
    const bool by_node = attribute == "#uname" || attribute == "#id";
    std::vector<const std::string*> values;  // each node's value, looked up once
    if (!by_node) {
      for (const auto& node : ws_.nodes) values.push_back(&node.Attribute(attribute));
    }
    for (size_t n = 0; n < table.score.size(); ++n) {
      if (!table.present[n] || table.score[n] == kUnusable) continue;
      const int score =
          by_node ? (r.allowed.present[n] && ws_.nodes[n].Available() ? r.allowed.score[n] : -kInfinity)
                  : BestScoreMatching(r, values, *values[n]);
      if (factor < 0 && score < 0) continue;  // avoiding a node r avoids is no preference
      // Pacemaker computes in float and rounds half away from zero.
      const float weighted = factor * static_cast<float>(score);
      int weight = static_cast<int>(weighted < 0 ? weighted - 0.5f : weighted + 0.5f);
      // A small factor must not erase a small score entirely.
      if (weight == 0 && score != 0) weight = factor > 0 ? 1 : (factor < 0 ? -1 : 0);
      const int sum = AddScores(weight, table.score[n]);
      if (nonnegative && sum < 0 && table.score[n] >= 0) {
        if (table.score[n] > 0) table.score[n] = kUnusable;
        continue;
      }
      table.score[n] = sum;
    }
  }

  // The scores of `rsc` and, through their colocations, of the resources placed with it,
  // added to `nodes` with `factor` (Pacemaker's merge_weights). With `rollback`, a merge that
  // would leave no usable node is undone; with `nonnegative`, see AddScoresMatching (a node
  // marked unusable ends with a score of 1).
  Scores Merge(int rsc, const Scores& nodes, const std::string& attribute, float factor, bool rollback,
               bool nonnegative = false) {
    Resource& r = ws_.resources[rsc];
    if (r.merging || !error_.ok()) return nodes;  // a colocation loop, or already failed
    const long size = static_cast<long>(ws_.nodes.size());
    merge_work_ += attribute == "#uname" || attribute == "#id" ? size + 1 : size * size + 1;
    if (merge_work_ > kMergeBudget) {
      Fail("the colocations with " + r.id + " are too entangled to merge their scores");
      return nodes;
    }
    Depth depth(*this, r);
    if (!error_.ok()) return nodes;
    r.merging = true;
    Scores work = nodes;
    AddScoresMatching(work, r, attribute, factor, nonnegative);
    if (CanRunAny(work)) {
      const float sign = factor < 0 ? -1.0f : 1.0f;
      for (int c : r.with_this) {
        const ColocationRule& col = ws_.colocations[c];
        if (!HasInfluence(col)) continue;
        work = Merge(col.dependent, work, col.node_attribute,
                     sign * static_cast<float>(col.score) / static_cast<float>(kInfinity), true, nonnegative);
      }
    } else if (rollback) {
      r.merging = false;
      return nodes;
    }
    if (nonnegative) {
      for (int& score : work.score) {
        if (score == kUnusable) score = 1;
      }
    }
    r.merging = false;
    return work;
  }

  // Whether a colocation's dependent pulls on where `rsc` (its primary, or an instance of it) is
  // placed: with influence, or while `rsc` is active nowhere.
  bool HasInfluence(const ColocationRule& c, int rsc = -1) const {
    return c.influence || !Active(ws_.resources[rsc >= 0 ? rsc : c.primary]);
  }

  // Whether a resource runs anywhere now; a clone, when any of its instances does.
  bool Active(const Resource& r) const {
    if (!r.is_clone()) return !r.running_on.empty();
    for (int i : ws_.clones[r.clone].instances) {
      if (!InstanceNodes(i).empty()) return true;
    }
    return false;
  }

  // Where an instance (an entry of CloneInfo::instances) is active: a group instance wherever
  // any member is, in the order found.
  std::vector<int> InstanceNodes(int instance) const {
    std::vector<int> nodes;
    for (int m : ws_.InstanceMembers(instance)) {
      for (int n : ws_.resources[m].running_on) {
        if (std::find(nodes.begin(), nodes.end(), n) == nodes.end()) nodes.push_back(n);
      }
    }
    return nodes;
  }

  bool InstanceFailed(int instance) const {
    for (int m : ws_.InstanceMembers(instance)) {
      if (ws_.resources[m].failed) return true;
    }
    return false;
  }

  int InstancePriority(int instance) const {
    const int g = ws_.resources[instance].group;
    return g >= 0 ? ws_.groups[g].priority : ws_.resources[instance].priority;
  }

  // Whether `rsc` stands for its clone instance: the instance itself, or a group instance's
  // first member (which takes the group's colocations).
  bool IsInstance(int rsc) const {
    const Resource& r = ws_.resources[rsc];
    return r.parent >= 0 && (r.group < 0 || ws_.groups[r.group].members.front() == rsc);
  }

  // Whether a colocation should move the dependent's scores now (Pacemaker's
  // pcmk__colocation_affects for primitives).
  bool Affects(const Resource& dependent, const Resource& primary, const ColocationRule& c) const {
    if (primary.provisional || !dependent.provisional) return false;
    if (c.score > 0 && c.dependent_role != Role::kUnknown && c.dependent_role != dependent.next_role) {
      return false;
    }
    if (c.score > 0 && c.primary_role != Role::kUnknown && c.primary_role != primary.next_role) {
      return false;
    }
    if (c.score < 0 && c.dependent_role != Role::kUnknown && c.dependent_role == dependent.next_role) {
      return false;
    }
    if (c.score < 0 && c.primary_role != Role::kUnknown && c.primary_role == primary.next_role) {
      return false;
    }
    return true;
  }

  // The dependent's scores once its primary has a node (or none).
  void ApplyColocation(Resource& dependent, const Resource& primary, const ColocationRule& c) {
    if (primary.is_clone()) {
      ApplyCloneColocation(dependent, primary, c);
      return;
    }
    if (!Affects(dependent, primary, c)) return;
    if (primary.assigned < 0 && c.score < 0) return;  // staying away from a resource that runs nowhere
    Scores work = dependent.allowed;
    for (size_t n = 0; n < work.score.size(); ++n) {
      if (!work.present[n]) continue;
      if (primary.assigned < 0) {
        work.score[n] = AddScores(-c.score, work.score[n]);
      } else if (SamePlace(static_cast<int>(n), primary.assigned, c.node_attribute)) {
        if (c.score < kInfinity) work.score[n] = AddScores(c.score, work.score[n]);
      } else if (c.score >= kInfinity) {
        work.score[n] = -kInfinity;
      }
    }
    if (c.score <= -kInfinity || c.score >= kInfinity || CanRunAny(work)) {
      dependent.allowed = std::move(work);
    }
  }

  // Whether two nodes are one place to a colocation: the same node, or with a node-attribute the
  // same value of it.
  bool SamePlace(int a, int b, const std::string& attribute) const {
    if (attribute == "#uname" || attribute == "#id") return a == b;
    return SameValue(ws_.nodes[a].Attribute(attribute), ws_.nodes[b].Attribute(attribute));
  }

  void Allocate(int rsc) {
    Resource& r = ws_.resources[rsc];
    if (r.is_clone()) {
      AllocateClone(r.clone);
      return;
    }
    // An instance is placed by its clone, never before it.
    if (r.parent >= 0 && !ws_.resources[ws_.clones[r.parent].rsc].allocating) {
      AllocateClone(r.parent);
      if (!r.provisional) return;
    }
    AllocatePrimitive(rsc, -1);
  }

  // The colocations where `r` is the dependent: its own, and an instance's clone's (each
  // negative or INFINITY one; every one when the clone has fewer instances than nodes).
  std::vector<int> ThisWith(int rsc) const {
    const Resource& r = ws_.resources[rsc];
    std::vector<int> out = r.this_with;
    if (!IsInstance(rsc)) return out;
    const CloneInfo& clone = ws_.clones[r.parent];
    for (int c : ws_.resources[clone.rsc].this_with) {
      const int score = ws_.colocations[c].score;
      if (clone.all_colocations || score < 0 || score >= kInfinity) out.push_back(c);
    }
    return out;
  }

  // The colocations where `r` is the primary whose dependents pull on it: its own, and an
  // instance's clone's negative ones (every one when fewer instances than nodes).
  std::vector<int> WithThis(int rsc) const {
    const Resource& r = ws_.resources[rsc];
    std::vector<int> out;
    for (int c : r.with_this) {
      if (HasInfluence(ws_.colocations[c])) out.push_back(c);
    }
    if (!IsInstance(rsc)) return out;
    const CloneInfo& clone = ws_.clones[r.parent];
    for (int c : ws_.resources[clone.rsc].with_this) {
      if (!HasInfluence(ws_.colocations[c], rsc)) continue;
      if (clone.all_colocations || ws_.colocations[c].score < 0) out.push_back(c);
    }
    return out;
  }

  void AllocatePrimitive(int rsc, int prefer) {
    Resource& r = ws_.resources[rsc];
    if (!r.provisional || r.allocating || !error_.ok()) return;
    Depth depth(*this, r);
    if (!error_.ok()) return;
    if (r.orphan()) {
      // Nothing to place: it stops (or, unmanaged, stays as it is). It shows no scores.
      r.provisional = false;
      r.assigned = r.managed ? -1 : r.current();
      return;
    }
    r.allocating = true;
    for (int c : ThisWith(rsc)) {
      const ColocationRule& col = ws_.colocations[c];
      std::optional<Scores> archive;
      // A finite anti-colocation, or one for the Promoted role (decided later), that would leave
      // no node at all is undone.
      if ((col.score < 0 && col.score > -kInfinity) || col.dependent_role == Role::kPromoted) archive = r.allowed;
      Allocate(col.primary);
      ApplyColocation(r, ws_.resources[col.follows >= 0 ? col.follows : col.primary], col);
      if (archive && !CanRunAny(r.allowed)) r.allowed = std::move(*archive);
      if (!r.provisional) {  // an interleaved instance with nothing to pair with
        r.allocating = false;
        return;
      }
    }
    for (int c : WithThis(rsc)) {
      const ColocationRule& col = ws_.colocations[c];
      r.allowed = Merge(col.dependent, r.allowed, col.node_attribute,
                        static_cast<float>(col.score) / static_cast<float>(kInfinity), true);
    }
    if (r.next_role == Role::kStopped) {
      for (size_t n = 0; n < ws_.nodes.size(); ++n) AddLocation(r.allowed, static_cast<int>(n), -kInfinity);
    } else if (r.next_role == Role::kStarted && r.role == Role::kStopped && !ws_.have_quorum &&
               ws_.no_quorum_policy == NoQuorumPolicy::kFreeze) {
      r.next_role = r.role;
    }
    // r.allowed now holds what Pacemaker prints as the allocation scores.
    if (r.parent >= 0) r.shown.push_back(r.allowed);
    if (ws_.stonith_enabled && !ws_.have_stonith_resource) r.managed = false;
    if (!r.managed) {
      if (IsActive(r.role)) r.next_role = r.role;  // left as it is, in its role
      Assign(r, r.current(), true);
    } else if (ws_.stop_all) {
      Assign(r, -1, true);
    } else {
      Choose(r, prefer);
    }
    r.allocating = false;
  }

  // A clone: what it is colocated with first, the pull of what is colocated with it, then its
  // instances one by one (Pacemaker's pcmk__clone_allocate).
  void AllocateClone(int clone) {
    CloneInfo& info = ws_.clones[clone];
    Resource& own = ws_.resources[info.rsc];
    if (!own.provisional || own.allocating || !error_.ok()) return;
    Depth depth(*this, own);
    if (!error_.ok()) return;
    const std::vector<int> priorities = InstancePriorities(info);
    if (info.promotable) AddPromotionScores(info);
    own.allocating = true;
    for (int c : own.this_with) Allocate(ws_.colocations[c].primary);
    for (int c : own.with_this) {
      const ColocationRule& col = ws_.colocations[c];
      if (!HasInfluence(col)) continue;
      own.allowed = Merge(col.dependent, own.allowed, col.node_attribute,
                          static_cast<float>(col.score) / static_cast<float>(kInfinity), true, true);
    }
    const std::vector<int> order = SortInstances(info);
    Distribute(info, order);
    if (info.promotable) {
      ChooseRoles(info, order);
      // Promotion borrowed the instances' priorities; they are their own again.
      for (size_t k = 0; k < info.instances.size(); ++k) {
        ws_.resources[info.instances[k]].priority = priorities[2 * k];
        PriorityOf(info.instances[k]) = priorities[2 * k + 1];
      }
    }
    own.provisional = false;
    own.allocating = false;
  }

  // Each instance's own priority and the one it is sorted by (its group's, for a group).
  std::vector<int> InstancePriorities(const CloneInfo& info) {
    std::vector<int> out;
    for (int i : info.instances) {
      out.push_back(ws_.resources[i].priority);
      out.push_back(PriorityOf(i));
    }
    return out;
  }

  // --- Promotable clones (Pacemaker's pcmk_sched_promotable.c) ---

  // Before its instances are placed, each one's promotion scores pull it toward the nodes that
  // could promote it, and its priority (the order instances are placed in) is its best score.
  void AddPromotionScores(const CloneInfo& info) {
    for (int i : info.instances) {
      Resource& r = ws_.resources[i];
      for (size_t n = 0; n < ws_.nodes.size(); ++n) {
        // A node that cannot run resources never promotes: its score would only shuffle.
        if (!r.allowed.present[n] || !ws_.nodes[n].Available()) continue;
        const int score = InstancePromotionScore(info, i, static_cast<int>(n)).value_or(0);
        // A cloned group's table is its own, which its members' placement does not read
        // (Pacemaker's too): there the score only raises the instance's priority.
        if (score > 0 && r.group < 0) r.allowed.score[n] = AddScores(r.allowed.score[n], score);
        PriorityOf(i) = std::max(PriorityOf(i), score);
      }
    }
  }

  // The priority instances are sorted by: a group instance's is its group's.
  int& PriorityOf(int instance) {
    const int g = ws_.resources[instance].group;
    return g >= 0 ? ws_.groups[g].priority : ws_.resources[instance].priority;
  }

  // An instance's promotion score on `node`: a cloned group's is the sum of its members' (none
  // when no member has one).
  std::optional<int> InstancePromotionScore(const CloneInfo& info, int instance, int node) const {
    std::optional<int> sum;
    for (int m : ws_.InstanceMembers(instance)) {
      if (const auto score = PromotionScore(info, m, node)) sum = AddScores(sum.value_or(0), *score);
    }
    return sum;
  }

  // The promotion score the agent set for instance `rsc` on `node` (the node attribute
  // master-<id>: the instance's own id for a unique clone; for an anonymous one the id its
  // history was found under, else the instance's, then the primitive's), when it counts there;
  // nullopt when none is set or it does not count.
  std::optional<int> PromotionScore(const CloneInfo& info, int rsc, int node) const {
    const Resource& r = ws_.resources[rsc];
    if (!PromotionScoreCounts(info, rsc, node)) return std::nullopt;
    const cib::Attributes& attributes = ws_.nodes[node].attributes;
    std::vector<std::string> names;
    if (info.unique) {
      names.push_back(r.id);
    } else {
      names.push_back(r.recorded_as.empty() ? r.id : r.recorded_as);
      names.push_back(r.primitive->id);
    }
    for (const auto& name : names) {
      const auto it = attributes.find("master-" + name);
      if (it != attributes.end()) return cib::LenientScore(it->second);
    }
    return std::nullopt;
  }

  // Whether an instance's promotion score on `node` counts (Pacemaker's promotion_score_applies):
  // where the instance is active; for an anonymous clone, where none is active but one was
  // probed; everywhere while it is active and known nowhere; else where it was probed or runs.
  // Never on a node the instance may not run on.
  bool PromotionScoreCounts(const CloneInfo& info, int rsc, int node) const {
    const Resource& r = ws_.resources[rsc];
    auto on = [](const std::vector<int>& nodes, int n) { return std::find(nodes.begin(), nodes.end(), n) != nodes.end(); };
    bool counts = false;
    if (!info.unique) {
      int active = -1;
      bool known = false;
      for (int i : info.instances) {
        const Resource& other = ws_.resources[Counterpart(i, *r.primitive)];
        if (active < 0 && on(other.running_on, node)) active = Counterpart(i, *r.primitive);
        known = known || on(other.known_on, node);
      }
      counts = active == rsc || (active < 0 && known);
    }
    counts = counts || (r.running_on.empty() && r.known_on.empty()) || on(r.known_on, node) || on(r.running_on, node);
    return counts && r.allowed.present[node] && r.allowed.score[node] >= 0;
  }

  // The member of instance `instance` that is `p` (the instance itself for a cloned primitive).
  int Counterpart(int instance, const cib::Primitive& p) const {
    for (int m : ws_.InstanceMembers(instance)) {
      if (ws_.resources[m].primitive == &p) return m;
    }
    return instance;
  }

  // Once its instances are placed: which of them are promoted (Pacemaker's
  // pcmk__set_instance_roles). Each placed instance's promotion priority, the clone's scores
  // with those priorities and the colocations for the Promoted role added, then the first
  // promoted-max instances by the result, promoted-node-max per node.
  void ChooseRoles(CloneInfo& info, std::vector<int> order) {
    for (int i : order) {
      PromotionPriority(info, i);
      PriorityOf(i) = ws_.resources[i].priority;  // a group instance's is its group's
    }
    Resource& own = ws_.resources[info.rsc];
    for (int i : order) {
      const Resource& r = ws_.resources[i];
      if (r.sort_index >= 0 && r.assigned >= 0 && own.allowed.present[r.assigned]) {
        own.allowed.score[r.assigned] = AddScores(r.sort_index, own.allowed.score[r.assigned]);
      }
    }
    const float kPerInfinity = 1.0f / static_cast<float>(kInfinity);
    for (int c : own.this_with) {
      const ColocationRule& col = ws_.colocations[c];
      if (col.dependent_role != Role::kPromoted) continue;
      own.allowed = Merge(col.primary, own.allowed, col.node_attribute, static_cast<float>(col.score) * kPerInfinity,
                          col.score < kInfinity);
    }
    for (int c : own.with_this) {
      const ColocationRule& col = ws_.colocations[c];
      if (col.primary_role != Role::kPromoted || !HasInfluence(col)) continue;
      own.allowed = Merge(col.dependent, own.allowed, col.node_attribute, static_cast<float>(col.score) * kPerInfinity,
                          true, true);
    }
    // Without a ticket its Promoted role needs, no node may promote.
    if (info.promotion_without_ticket) {
      for (size_t n = 0; n < ws_.nodes.size(); ++n) AddLocation(own.allowed, static_cast<int>(n), -kInfinity);
    }
    for (int i : order) {
      Resource& r = ws_.resources[i];
      if (!r.managed && r.next_role == Role::kPromoted) {
        r.sort_index = kInfinity;
      } else if (r.assigned >= 0 && r.sort_index >= 0 && own.allowed.present[r.assigned]) {
        r.sort_index = own.allowed.score[r.assigned];
      }
    }
    MergeSort(order, 0, order.size(), [&](int a, int b) {
      const Resource& ra = ws_.resources[a];
      const Resource& rb = ws_.resources[b];
      if (ra.sort_index != rb.sort_index) return ra.sort_index > rb.sort_index ? -1 : 1;
      if (ra.role != rb.role) return ra.role > rb.role ? -1 : 1;
      return CompareInstances(info, a, b);
    });
    std::vector<int> promoted_on(ws_.nodes.size(), 0);
    int promoted = 0;
    for (int i : order) {
      Resource& r = ws_.resources[i];
      int node = -1;
      if (r.sort_index >= 0 && (promoted < info.promoted_max || !own.managed)) node = PromotionNode(info, r, promoted_on);
      if (node >= 0 && r.role != Role::kPromoted && !ws_.have_quorum && ws_.no_quorum_policy == NoQuorumPolicy::kFreeze) {
        node = -1;  // promoting without quorum would change what runs
      }
      // A cloned group's members take their instance's role.
      const std::vector<int> members = ws_.InstanceMembers(i);
      if (node < 0) {
        for (int m : members) ws_.resources[m].next_role = ws_.resources[m].assigned >= 0 ? Role::kUnpromoted : Role::kStopped;
        continue;
      }
      promoted_on[node]++;
      for (int m : members) {
        if (ws_.resources[m].next_role == Role::kUnknown) ws_.resources[m].next_role = Role::kPromoted;
      }
      ++promoted;
    }
  }

  // An instance's promotion priority where it was placed: its promotion score there (-1 if
  // none), -INFINITY if it must stay Unpromoted; plus the clone's locations for the Promoted
  // role on that node and what its colocations by role say (Pacemaker's set_instance_priority).
  void PromotionPriority(const CloneInfo& info, int rsc) {
    Resource& r = ws_.resources[rsc];
    const int node = r.assigned;
    if (node < 0) return;
    if (r.next_role == Role::kUnknown || r.next_role == Role::kStarted) {
      r.priority = InstancePromotionScore(info, rsc, node).value_or(-1);
    } else if (r.next_role == Role::kUnpromoted || r.next_role == Role::kStopped) {
      r.priority = -kInfinity;
    }
    for (const LocationScore& l : ws_.locations) {
      if (l.promoted && l.node == node && *l.rsc == info.clone->id) r.priority = AddScores(r.priority, l.score);
    }
    for (int c : ThisWith(rsc)) ColocationToPriority(r, ws_.colocations[c]);
    r.sort_index = r.next_role == Role::kPromoted ? kInfinity : r.priority;
  }

  // A colocation of a placed promotable instance, by role, moves its promotion priority.
  void ColocationToPriority(Resource& dependent, const ColocationRule& c) {
    const Resource& primary = ws_.resources[c.follows >= 0 ? c.follows : c.primary];
    if (!primary.is_clone()) {
      PriorityWith(dependent, primary, c);
      return;
    }
    const CloneInfo& clone = ws_.clones[primary.clone];
    if (primary.provisional) return;
    if (clone.promotable && c.primary_role != Role::kUnknown && c.dependent_role == Role::kPromoted) {
      // With the primary's instance in that role on the dependent's node, or else not at all.
      if (CompatibleInstance(dependent, clone, c.primary_role) >= 0) {
        dependent.priority = AddScores(dependent.priority, c.score);
      } else if (c.score >= kInfinity) {
        dependent.priority = -kInfinity;
      }
      return;
    }
    const CloneInfo& own = ws_.clones[dependent.parent];
    if (own.interleave && own.node_max == clone.node_max) {
      if (const int pair = CompatibleInstance(dependent, clone); pair >= 0) PriorityWith(dependent, ws_.resources[pair], c);
      return;
    }
    if (c.score >= kInfinity) return;
    for (int i : clone.instances) PriorityWith(dependent, ws_.resources[i], c);
  }

  // Pacemaker's pcmk__apply_coloc_to_priority, for a colocation by the dependent's role.
  void PriorityWith(Resource& dependent, const Resource& primary, const ColocationRule& c) {
    if (primary.provisional || c.dependent_role < Role::kUnpromoted) return;
    if (primary.assigned < 0 || dependent.assigned < 0) return;
    if (!SamePlace(dependent.assigned, primary.assigned, c.node_attribute)) {
      if (c.score >= kInfinity && c.dependent_role == Role::kPromoted) dependent.priority = -kInfinity;
      return;
    }
    if (c.primary_role != Role::kUnknown && c.primary_role != primary.next_role) return;
    const int sign = c.dependent_role == Role::kUnpromoted ? -1 : 1;
    dependent.priority = AddScores(sign * c.score, dependent.priority);
  }

  // The node instance `r` may be promoted on, or -1 (Pacemaker's node_to_be_promoted_on).
  int PromotionNode(const CloneInfo& info, const Resource& r, const std::vector<int>& promoted_on) const {
    const int node = r.assigned;
    if (node < 0) return -1;
    if (!r.managed) {
      if (r.role != Role::kPromoted) return -1;  // an unmanaged promoted instance stays so
    } else if (r.priority < 0 || !ws_.nodes[node].Available()) {
      return -1;
    }
    const Scores& clone = ws_.resources[info.rsc].allowed;
    if (!clone.present[node]) return -1;
    if (promoted_on[node] >= info.promoted_node_max && r.managed) return -1;
    return node;
  }

  // The instances in the order they are placed: active ones first (on fewer nodes, on an
  // allowed node, on a node that can run resources, not failed, with more pull from the clone's
  // colocations where they are), by priority, then by number. A merge sort as GLib's, so that
  // instances the rules cannot tell apart stay in the same order as Pacemaker's.
  std::vector<int> SortInstances(const CloneInfo& info) {
    std::vector<int> order = info.instances;
    MergeSort(order, 0, order.size(), [&](int a, int b) { return CompareInstances(info, a, b); });
    return order;
  }

  template <typename Compare>
  static void MergeSort(std::vector<int>& v, size_t begin, size_t end, const Compare& compare) {
    const size_t n = end - begin;
    if (n < 2) return;
    const size_t middle = begin + n / 2;
    MergeSort(v, begin, middle, compare);
    MergeSort(v, middle, end, compare);
    std::vector<int> merged;
    merged.reserve(n);
    size_t a = begin;
    size_t b = middle;
    while (a < middle && b < end) merged.push_back(compare(v[a], v[b]) <= 0 ? v[a++] : v[b++]);
    while (a < middle) merged.push_back(v[a++]);
    while (b < end) merged.push_back(v[b++]);
    std::copy(merged.begin(), merged.end(), v.begin() + static_cast<long>(begin));
  }

  // Pacemaker's pcmk__cmp_instance: negative when `a` goes first.
  int CompareInstances(const CloneInfo& info, int a, int b) {
    const Resource& ra = ws_.resources[a];
    const Resource& rb = ws_.resources[b];
    const std::vector<int> on_a = InstanceNodes(a);
    const std::vector<int> on_b = InstanceNodes(b);
    const size_t na = on_a.size();
    const size_t nb = on_b.size();
    if (na > 0 && nb > 0 && na != nb) return na < nb ? -1 : 1;
    // Active on a node it may no longer run on counts as inactive, and goes after.
    auto allowed_here = [](const Resource& r, const std::vector<int>& on) {
      return on.empty() || (r.allowed.present[on.front()] && r.allowed.score[on.front()] >= 0);
    };
    const bool can_a = allowed_here(ra, on_a);
    const bool can_b = allowed_here(rb, on_b);
    if (can_a != can_b) return can_a ? -1 : 1;
    const int priority_a = InstancePriority(a);
    const int priority_b = InstancePriority(b);
    if (priority_a != priority_b) return priority_a > priority_b ? -1 : 1;
    const int node_a = can_a && na > 0 ? on_a.front() : -1;
    const int node_b = can_b && nb > 0 ? on_b.front() : -1;
    if (node_a < 0 && node_b < 0) return 0;
    if (node_a < 0 || node_b < 0) return node_a < 0 ? 1 : -1;
    const bool up_a = ws_.nodes[node_a].Available();
    const bool up_b = ws_.nodes[node_b].Available();
    if (up_a != up_b) return up_a ? -1 : 1;
    const Scores& clone = ws_.resources[info.rsc].allowed;
    if (!clone.present[node_a] && !clone.present[node_b]) return 0;
    if (clone.present[node_a] != clone.present[node_b]) return clone.present[node_a] ? -1 : 1;
    const bool failed_a = InstanceFailed(a);
    const bool failed_b = InstanceFailed(b);
    if (failed_a != failed_b) return failed_a ? 1 : -1;
    const int pull_a = ColocationPull(info, a, node_a);
    const int pull_b = ColocationPull(info, b, node_b);
    if (pull_a != pull_b) return pull_a > pull_b ? -1 : 1;
    return ra.instance - rb.instance;
  }

  // The score the clone's colocations give `node` for instance `rsc` (a table of that node alone).
  int ColocationPull(const CloneInfo& info, int rsc, int node) {
    Scores table;
    table.score.assign(ws_.nodes.size(), 0);
    table.present.assign(ws_.nodes.size(), 0);
    table.present[node] = 1;
    const Resource& own = ws_.resources[info.rsc];
    for (int c : own.this_with) {
      const ColocationRule& col = ws_.colocations[c];
      table = Merge(col.primary, table, col.node_attribute,
                    static_cast<float>(col.score) / static_cast<float>(kInfinity), false);
    }
    for (int c : own.with_this) {
      const ColocationRule& col = ws_.colocations[c];
      if (!HasInfluence(col, rsc)) continue;
      table = Merge(col.dependent, table, col.node_attribute,
                    static_cast<float>(col.score) / static_cast<float>(kInfinity), false, true);
    }
    return table.score[node];
  }

  // Places a clone's instances (Pacemaker's distribute_children): first each active one on its
  // current node while that node has fewer than its share, then the rest where they score best,
  // no node taking more than clone-node-max.
  void Distribute(CloneInfo& info, const std::vector<int>& order) {
    const Scores& clone = ws_.resources[info.rsc].allowed;
    std::fill(info.count.begin(), info.count.end(), 0);
    int available = 0;
    for (size_t n = 0; n < ws_.nodes.size(); ++n) {
      if (clone.present[n] && ws_.nodes[n].Available()) ++available;
    }
    info.all_colocations = info.max < available;
    const int share = std::max(1, available > 0 ? info.max / available : 0);
    int placed = 0;
    for (int i : order) {
      if (placed >= info.max) break;
      const Resource& r = ws_.resources[i];
      const std::vector<int> on = InstanceNodes(i);
      if (on.empty() || !r.provisional || InstanceFailed(i)) continue;
      const int node = on.front();
      if (!ws_.nodes[node].Available()) continue;
      if (clone.present[node] && info.count[node] >= share) continue;
      if (AllocateInstance(info, i, node)) ++placed;
    }
    for (int i : order) {
      Resource& r = ws_.resources[i];
      if (!r.provisional) continue;
      if (placed >= info.max) {
        // No instance left to give: it runs nowhere.
        for (int m : ws_.InstanceMembers(i)) {
          for (size_t n = 0; n < ws_.nodes.size(); ++n) AddLocation(ws_.resources[m].allowed, static_cast<int>(n), -kInfinity);
        }
        continue;
      }
      if (AllocateInstance(info, i, -1)) ++placed;
    }
  }

  // Places one instance, on `prefer` only (when given) or wherever it scores best; whether it
  // was placed.
  // (A group instance's members are placed in turn; the group is where its first member is.)
  bool AllocateInstance(CloneInfo& info, int rsc, int prefer) {
    Resource& r = ws_.resources[rsc];
    if (!r.provisional) return r.assigned >= 0;
    if (r.allocating) return false;
    if (prefer >= 0 && (!r.allowed.present[prefer] || r.allowed.score[prefer] < 0)) return false;
    const std::vector<int> members = ws_.InstanceMembers(rsc);
    std::vector<Scores> backup;
    for (int m : members) {
      LimitInstance(info, ws_.resources[m]);
      backup.push_back(ws_.resources[m].allowed);
    }
    for (int m : members) AllocatePrimitive(m, prefer);
    if (prefer >= 0 && r.assigned >= 0 && r.assigned != prefer) {
      // Not where it runs: left for the second round, as if never tried.
      for (size_t k = 0; k < members.size(); ++k) {
        Resource& member = ws_.resources[members[k]];
        member.allowed = backup[k];
        if (member.assigned >= 0) ws_.nodes[member.assigned].assigned--;
        member.assigned = -1;
        member.provisional = true;
      }
      return false;
    }
    if (r.assigned < 0) return false;
    info.count[r.assigned]++;
    return true;
  }

  // Bans an instance from the nodes its clone may not use or that are full (Pacemaker's
  // can_run_instance): a node that cannot run resources, one the clone does not allow, one where
  // the clone's own score is negative (added), one running clone-node-max instances already.
  void LimitInstance(const CloneInfo& info, Resource& r) {
    const Scores& clone = ws_.resources[info.rsc].allowed;
    for (size_t n = 0; n < ws_.nodes.size(); ++n) {
      if (!r.allowed.present[n]) continue;
      int& score = r.allowed.score[n];
      if (!ws_.nodes[n].Available() || r.surplus || !clone.present[n]) {
        score = -kInfinity;
      } else if (clone.score[n] < 0) {
        score = AddScores(score, clone.score[n]);
      } else if (info.count[n] >= info.node_max) {
        score = -kInfinity;
      }
    }
  }

  // A colocation with a clone: with an interleaved clone, with the instance on the same node;
  // at INFINITY, with any node an instance runs on; otherwise with each instance in turn.
  void ApplyCloneColocation(Resource& dependent, const Resource& primary, const ColocationRule& c) {
    if (primary.provisional) return;
    const CloneInfo& clone = ws_.clones[primary.clone];
    if (clone.promotable && c.primary_role != Role::kUnknown) {
      ApplyRoleColocation(dependent, clone, c);
      return;
    }
    const CloneInfo* own = dependent.parent >= 0 ? &ws_.clones[dependent.parent] : nullptr;
    if (own != nullptr && own->interleave && own->node_max == clone.node_max) {
      const int pair = CompatibleInstance(dependent, clone);
      if (pair >= 0) {
        ApplyColocation(dependent, ws_.resources[pair], c);
      } else if (c.score >= kInfinity) {
        Assign(dependent, -1, true);  // nothing to pair with: it cannot run
      }
      return;
    }
    if (c.score >= kInfinity) {
      std::vector<char> hosts(ws_.nodes.size(), 0);
      for (int i : clone.instances) {
        const Resource& instance = ws_.resources[i];
        if (instance.assigned >= 0 && !instance.blocked) hosts[instance.assigned] = 1;
      }
      for (size_t n = 0; n < ws_.nodes.size(); ++n) {
        if (dependent.allowed.present[n] && !hosts[n]) dependent.allowed.score[n] = -kInfinity;
      }
      return;
    }
    for (int i : clone.instances) ApplyColocation(dependent, ws_.resources[i], c);
  }

  // A colocation with a promotable clone's instances in one role (Pacemaker's
  // pcmk__update_dependent_with_promotable): a finite score added on the nodes (by attribute)
  // where an instance will have that role; at INFINITY, only those nodes are left, each with
  // the score its instance was placed with added (but not for Promoted with Promoted, which
  // would keep the dependent's other instances from starting Unpromoted).
  void ApplyRoleColocation(Resource& dependent, const CloneInfo& clone, const ColocationRule& c) {
    std::vector<int> hosts;
    for (int i : clone.instances) {
      const Resource& instance = ws_.resources[i];
      if (instance.assigned < 0 || instance.next_role != c.primary_role) continue;
      hosts.push_back(i);
      if (c.score >= kInfinity) continue;
      for (size_t n = 0; n < ws_.nodes.size(); ++n) {
        if (dependent.allowed.present[n] && SamePlace(static_cast<int>(n), instance.assigned, c.node_attribute)) {
          dependent.allowed.score[n] = AddScores(dependent.allowed.score[n], c.score);
        }
      }
    }
    if (c.score < kInfinity || (c.dependent_role == Role::kPromoted && c.primary_role == Role::kPromoted)) return;
    for (size_t n = 0; n < ws_.nodes.size(); ++n) {
      if (!dependent.allowed.present[n]) continue;
      const auto host = std::find_if(hosts.begin(), hosts.end(), [&](int i) { return ws_.resources[i].assigned == static_cast<int>(n); });
      int& score = dependent.allowed.score[n];
      score = host == hosts.end() ? -kInfinity : AddScores(score, ws_.resources[*host].allowed.score[n]);
    }
  }

  // The instance of `clone` (in `role`, unless kUnknown) on the node `dependent` is placed on,
  // or else on the best node `dependent` may use that one runs on; -1 if none.
  int CompatibleInstance(const Resource& dependent, const CloneInfo& clone, Role role = Role::kUnknown) const {
    auto on = [&](int node) {
      for (int i : clone.instances) {
        const Resource& instance = ws_.resources[i];
        if (role != Role::kUnknown && instance.next_role != role) continue;
        if (instance.assigned == node && !instance.blocked) return i;
      }
      return -1;
    };
    if (dependent.assigned >= 0) return on(dependent.assigned);
    std::vector<int> nodes;
    for (size_t n = 0; n < ws_.nodes.size(); ++n) {
      if (dependent.allowed.present[n]) nodes.push_back(static_cast<int>(n));
    }
    std::stable_sort(nodes.begin(), nodes.end(), [&](int a, int b) { return Before(dependent, a, b, -1); });
    for (int node : nodes) {
      if (const int i = on(node); i >= 0) return i;
    }
    return -1;
  }

  // Pacemaker's node order: higher score (an unavailable node counts as -INFINITY), fewer
  // resources assigned so far, the resource's current node, then the name in byte order.
  bool Before(const Resource& r, int a, int b, int current) const {
    const int sa = ws_.nodes[a].Available() ? r.allowed.score[a] : -kInfinity;
    const int sb = ws_.nodes[b].Available() ? r.allowed.score[b] : -kInfinity;
    if (sa != sb) return sa > sb;
    if (ws_.nodes[a].assigned != ws_.nodes[b].assigned) {
      return ws_.nodes[a].assigned < ws_.nodes[b].assigned;
    }
    if (current >= 0 && (a == current) != (b == current)) return a == current;
    return ws_.nodes[a].uname < ws_.nodes[b].uname;
  }

  // The node for `r`: `prefer` when it scores as well as the best node (an instance tried where
  // it runs), else the best.
  void Choose(Resource& r, int prefer) {
    const int current = r.current();
    int best = -1;
    for (size_t n = 0; n < ws_.nodes.size(); ++n) {
      if (!r.allowed.present[n]) continue;
      if (best < 0 || Before(r, static_cast<int>(n), best, current)) best = static_cast<int>(n);
    }
    auto effective = [&](int node) { return ws_.nodes[node].Available() ? r.allowed.score[node] : -kInfinity; };
    if (prefer >= 0 && best >= 0 && r.allowed.present[prefer] && effective(prefer) >= effective(best) &&
        Usable(prefer, r.allowed.score[prefer])) {
      Assign(r, prefer, false);
      return;
    }
    int chosen = best;
    // A unique clone's instances were tried on their nodes already: the rest go where best.
    const bool unique_instance = r.parent >= 0 && ws_.clones[r.parent].unique;
    // Among the nodes sharing a positive best score, the current one wins, even against nodes
    // with fewer resources. (A best score of zero gives no such preference, so resources
    // without stickiness spread out.)
    if (chosen >= 0 && !unique_instance && r.allowed.score[chosen] > 0 && ws_.nodes[chosen].Available() &&
        current >= 0 && current != chosen && r.allowed.present[current] &&
        Usable(current, r.allowed.score[current]) &&
        r.allowed.score[current] == r.allowed.score[chosen]) {
      chosen = current;
    }
    Assign(r, chosen, false);
  }

  void Assign(Resource& r, int node, bool force) {
    if (!force && node >= 0 && (r.allowed.score[node] < 0 || !ws_.nodes[node].Available())) {
      node = -1;
    }
    r.provisional = false;
    r.assigned = node;
    if (node < 0) {
      r.next_role = Role::kStopped;
      return;
    }
    ws_.nodes[node].assigned++;
  }

  void Fail(const std::string& what) {
    if (error_.ok()) error_ = Status(StatusCode::kInvalidArgument, what);
  }

  // Counts how deep Allocate and Merge recurse along colocations.
  class Depth {
   public:
    Depth(Placer& p, const Resource& r) : p_(p) {
      if (++p_.depth_ > kMaxColocationDepth) {
        p_.Fail("colocations chained deeper than " + std::to_string(kMaxColocationDepth) +
                " resources (at " + r.id + ")");
      }
    }
    ~Depth() { --p_.depth_; }

   private:
    Placer& p_;
  };

  WorkingSet& ws_;
  Status error_;
  int depth_ = 0;
  long merge_work_ = 0;  // against kMergeBudget
};

}  // namespace

Status Place(WorkingSet& ws) { return Placer(ws).Run(); }

}  // namespace vigil::scheduler
