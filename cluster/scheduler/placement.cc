#include "cluster/scheduler/placement.h"

#include <algorithm>
#include <optional>
#include <strings.h>

#include "cluster/cib/score.h"

namespace vigil::scheduler {
namespace {

using cib::AddScores;
using cib::kInfinity;

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
    }
    for (const auto& l : ws_.cib->locations) {
      const int node = ws_.FindNode(l.node);
      if (node < 0) continue;  // a node not (yet) in the cluster
      if (!l.role.empty() && l.role != "Started") continue;
      // A colocated group's first member takes the score; the others only the node, since the
      // first one's scores already take theirs in.
      const int group = ws_.FindGroup(l.rsc);
      const bool colocated = group >= 0 && ws_.groups[group].colocated;
      bool first = true;
      for (int member : ws_.Members(l.rsc)) {
        AddLocation(ws_.resources[member].allowed, node, first || !colocated ? l.score : 0);
        first = false;
      }
    }
    for (auto& r : ws_.resources) {
      // An unmanaged resource stays where it runs, whatever else says.
      if (!r.managed) {
        for (int node : r.running_on) AddLocation(r.allowed, node, kInfinity);
      }
      // Stickiness: a preference for the one node the resource runs on now (a negative one is
      // ignored).
      if (r.managed && r.stickiness > 0 && r.running_on.size() == 1) {
        const int node = r.running_on.front();
        if (r.allowed.present[node] || ws_.symmetric) AddLocation(r.allowed, node, r.stickiness);
      }
      // A node where a stop failed, or an operation failed for good, is banned until a cleanup;
      // a configuration error bans every node.
      for (int node : r.stop_failed_on) AddLocation(r.allowed, node, -kInfinity);
      for (int node : r.hard_failed_on) AddLocation(r.allowed, node, -kInfinity);
      if (r.fatal) {
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

  // Adds `factor` times r's scores to the table, node by node (matched on `attribute`).
  void AddScoresMatching(Scores& table, const Resource& r, const std::string& attribute,
                         float factor) const {
    // Matching on the node itself (the usual case) needs no search: node names are unique.
    const bool by_node = attribute == "#uname" || attribute == "#id";
    std::vector<const std::string*> values;  // each node's value, looked up once
    if (!by_node) {
      for (const auto& node : ws_.nodes) values.push_back(&node.Attribute(attribute));
    }
    for (size_t n = 0; n < table.score.size(); ++n) {
      if (!table.present[n]) continue;
      const int score =
          by_node ? (r.allowed.present[n] && ws_.nodes[n].Available() ? r.allowed.score[n] : -kInfinity)
                  : BestScoreMatching(r, values, *values[n]);
      if (factor < 0 && score < 0) continue;  // avoiding a node r avoids is no preference
      // Pacemaker computes in float and rounds half away from zero.
      const float weighted = factor * static_cast<float>(score);
      int weight = static_cast<int>(weighted < 0 ? weighted - 0.5f : weighted + 0.5f);
      // A small factor must not erase a small score entirely.
      if (weight == 0 && score != 0) weight = factor > 0 ? 1 : (factor < 0 ? -1 : 0);
      table.score[n] = AddScores(weight, table.score[n]);
    }
  }

  // The scores of `rsc` and, through their colocations, of the resources placed with it,
  // added to `nodes` with `factor` (Pacemaker's merge_weights). With `rollback`, a merge that
  // would leave no usable node is undone.
  Scores Merge(int rsc, const Scores& nodes, const std::string& attribute, float factor, bool rollback) {
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
    AddScoresMatching(work, r, attribute, factor);
    if (CanRunAny(work)) {
      const float sign = factor < 0 ? -1.0f : 1.0f;
      for (int c : r.with_this) {
        const ColocationRule& col = ws_.colocations[c];
        if (!HasInfluence(col)) continue;
        work = Merge(col.dependent, work, col.node_attribute,
                     sign * static_cast<float>(col.score) / static_cast<float>(kInfinity), true);
      }
    } else if (rollback) {
      r.merging = false;
      return nodes;
    }
    r.merging = false;
    return work;
  }

  bool HasInfluence(const ColocationRule& c) const {
    return c.influence || ws_.resources[c.primary].running_on.empty();
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
    if (!Affects(dependent, primary, c)) return;
    std::string value;
    if (primary.assigned >= 0) {
      value = ws_.nodes[primary.assigned].Attribute(c.node_attribute);
    } else if (c.score < 0) {
      return;  // staying away from a resource that runs nowhere
    }
    const bool by_node = c.node_attribute == "#uname" || c.node_attribute == "#id";
    Scores work = dependent.allowed;
    for (size_t n = 0; n < work.score.size(); ++n) {
      if (!work.present[n]) continue;
      if (primary.assigned < 0) {
        work.score[n] = AddScores(-c.score, work.score[n]);
      } else if (by_node ? static_cast<int>(n) == primary.assigned
                         : SameValue(ws_.nodes[n].Attribute(c.node_attribute), value)) {
        if (c.score < kInfinity) work.score[n] = AddScores(c.score, work.score[n]);
      } else if (c.score >= kInfinity) {
        work.score[n] = -kInfinity;
      }
    }
    if (c.score <= -kInfinity || c.score >= kInfinity || CanRunAny(work)) {
      dependent.allowed = std::move(work);
    }
  }

  void Allocate(int rsc) {
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
    for (int c : r.this_with) {
      const ColocationRule& col = ws_.colocations[c];
      std::optional<Scores> archive;
      if (col.score < 0 && col.score > -kInfinity) archive = r.allowed;
      Allocate(col.primary);
      ApplyColocation(r, ws_.resources[col.follows >= 0 ? col.follows : col.primary], col);
      if (archive && !CanRunAny(r.allowed)) r.allowed = std::move(*archive);
    }
    for (int c : r.with_this) {
      const ColocationRule& col = ws_.colocations[c];
      if (!HasInfluence(col)) continue;
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
    if (ws_.stonith_enabled && !ws_.have_stonith_resource) r.managed = false;
    if (!r.managed) {
      Assign(r, r.current(), true);
    } else if (ws_.stop_all) {
      Assign(r, -1, true);
    } else {
      Choose(r);
    }
    r.allocating = false;
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

  void Choose(Resource& r) {
    const int current = r.current();
    int best = -1;
    for (size_t n = 0; n < ws_.nodes.size(); ++n) {
      if (!r.allowed.present[n]) continue;
      if (best < 0 || Before(r, static_cast<int>(n), best, current)) best = static_cast<int>(n);
    }
    int chosen = best;
    // Among the nodes sharing a positive best score, the current one wins, even against nodes
    // with fewer resources. (A best score of zero gives no such preference, so resources
    // without stickiness spread out.)
    if (chosen >= 0 && r.allowed.score[chosen] > 0 && ws_.nodes[chosen].Available() &&
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
