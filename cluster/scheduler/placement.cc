#include "cluster/scheduler/placement.h"

#include <algorithm>
#include <functional>
#include <map>
#include <optional>
#include <set>
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
    if (ws_.strategy != PlacementStrategy::kDefault) SortByCapacityNeeds();
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
      // resource-discovery=exclusive: the nodes no exclusive location applies to are banned.
      if (r.exclusive_discovery) {
        for (size_t n = 0; n < m; ++n) {
          if (r.allowed.present[n] && r.discovery[n] != 2) AddLocation(r.allowed, static_cast<int>(n), -kInfinity);
        }
      }
      // migration-threshold: as many failures as allowed bans the node until a cleanup (unless
      // failures are ignored).
      if (r.migration_threshold != 0 && !r.failure_ignored) {
        for (size_t n = 0; n < m; ++n) {
          if (r.fail_count[n] > 0 && r.migration_threshold - r.fail_count[n] <= 0) {
            AddLocation(r.allowed, static_cast<int>(n), -kInfinity);
            // An anonymous clone's failures are the clone's: the clone itself is banned there.
            if (r.parent >= 0 && !ws_.clones[r.parent].unique) {
              AddLocation(ws_.resources[ws_.clones[r.parent].rsc].allowed, static_cast<int>(n), -kInfinity);
            }
          }
        }
      }
    }
  }

  bool Usable(int node, int score) const { return ws_.nodes[node].Available() && score >= 0; }

  // --- Capacities (placement-strategy utilization, minimal, balanced), as Pacemaker 2.1.5 ---

  // Whether `node` has what `need` asks for left (an amount it has no capacity for is 0).
  bool EnoughCapacity(int node, const Utilization& need) const {
    const Utilization& left = ws_.nodes[node].capacity;
    for (const auto& [name, amount] : need) {
      const auto it = left.find(name);
      if (amount > (it == left.end() ? 0 : it->second)) return false;
    }
    return true;
  }

  // Negative when node `a` has more capacity left than `b`: the count of capacities `a` has more
  // of, less the count it has less of.
  int CompareCapacities(int a, int b) const {
    const Utilization& ua = ws_.nodes[a].capacity;
    const Utilization& ub = ws_.nodes[b].capacity;
    int result = 0;
    auto compare = [&](int x, int y) { result += x > y ? -1 : (x < y ? 1 : 0); };
    for (const auto& [name, amount] : ua) {
      const auto it = ub.find(name);
      compare(amount, it == ub.end() ? 0 : it->second);
    }
    for (const auto& [name, amount] : ub) {
      if (!ua.count(name)) compare(0, amount);
    }
    return result;
  }

  // An assignment takes what `r` needs from the node's capacities (one the node lacks is left at
  // 0); an unassignment gives it back.
  void TakeCapacity(int node, const Resource& r) {
    Utilization& left = ws_.nodes[node].capacity;
    for (const auto& [name, amount] : r.utilization) {
      const auto it = left.find(name);
      left[name] = it == left.end() ? 0 : it->second - amount;
    }
  }
  void GiveCapacity(int node, const Resource& r) {
    for (const auto& [name, amount] : r.utilization) ws_.nodes[node].capacity[name] += amount;
  }

  // A colocation that places a resource, not only its role.
  static bool PlacesWholly(const ColocationRule& c) {
    return c.score >= kInfinity && c.dependent_role < Role::kUnpromoted && c.primary_role < Role::kUnpromoted;
  }

  // What `rsc` and the resources that must go where it goes (INFINITY colocations either way,
  // followed as Pacemaker follows them: a group's own colocations from the group only, a clone's
  // dependents only when they are clones) take of a node, counting those not placed yet (for a
  // clone, one instance).
  Utilization ColocatedNeeds(int rsc) {
    std::set<int> leaves;
    std::set<int> groups;
    std::function<void(int)> visit_group;
    std::function<void(int)> visit = [&](int i) {
      if (!leaves.insert(i).second) return;
      const Resource& r = ws_.resources[i];
      std::vector<int> this_with = r.this_with;
      std::vector<int> with_this = r.with_this;
      // The instance being placed has its clone's colocations too, as Pacemaker hands them down
      // (every one when the clone has fewer instances than nodes; else those that ban, and
      // INFINITY ones where the clone is the dependent).
      if (i == rsc && IsInstance(rsc)) {
        const CloneInfo& clone = ws_.clones[r.parent];
        for (int c : ws_.resources[clone.rsc].this_with) {
          const int score = ws_.colocations[c].score;
          if (clone.all_colocations || score < 0 || score >= kInfinity) this_with.push_back(c);
        }
        for (int c : ws_.resources[clone.rsc].with_this) {
          if (clone.all_colocations || ws_.colocations[c].score < 0) with_this.push_back(c);
        }
      }
      for (int c : this_with) {
        const ColocationRule& col = ws_.colocations[c];
        if (col.dependent_group >= 0 || !PlacesWholly(col) || col.primary == rsc) continue;
        if (col.primary_group >= 0) visit_group(col.primary_group);
        else visit(col.primary);
      }
      for (int c : with_this) {
        const ColocationRule& col = ws_.colocations[c];
        if (col.primary_group >= 0 || !PlacesWholly(col) || col.dependent == rsc) continue;
        if (r.is_clone() && !ws_.resources[col.dependent].is_clone()) continue;
        if (col.dependent_group >= 0) visit_group(col.dependent_group);
        else visit(col.dependent);
      }
    };
    visit_group = [&](int g) {
      if (!groups.insert(g).second) return;
      const GroupInfo& info = ws_.groups[g];
      if (info.colocated) {
        for (int m : info.members) visit(m);
      } else if (!info.members.empty()) {
        visit(info.members.front());
      }
      for (const ColocationRule& col : ws_.colocations) {
        if (!PlacesWholly(col)) continue;
        if (col.dependent_group == g) {
          if (col.primary_group >= 0) visit_group(col.primary_group);
          else visit(col.primary);
        } else if (col.primary_group == g) {
          if (col.dependent_group >= 0) visit_group(col.dependent_group);
          else visit(col.dependent);
        }
      }
    };
    visit(rsc);
    Utilization need;
    auto add = [&](const Resource& r) {
      if (!r.provisional) return;
      for (const auto& [name, amount] : r.utilization) need[name] += amount;
    };
    for (int i : leaves) {
      const Resource& r = ws_.resources[i];
      if (!r.is_clone()) {
        add(r);
        continue;
      }
      // A clone counts one instance: those found already, else its first.
      const CloneInfo& clone = ws_.clones[r.clone];
      if (!r.provisional || clone.instances.empty()) continue;
      bool found = false;
      for (int instance : clone.instances) {
        for (int m : ws_.InstanceMembers(instance)) found = found || leaves.count(m) > 0;
      }
      if (!found) {
        for (int m : ws_.InstanceMembers(clone.instances.front())) add(ws_.resources[m]);
      }
    }
    return need;
  }

  // Pacemaker's pcmk__ban_insufficient_capacity: bans from resource `rsc` the nodes without the capacity
  // for it and what goes with it (or, when no node has that, for it alone) and returns the node
  // with the most capacity left in the second case (-1 otherwise), which `r` then prefers.
  int BanInsufficientCapacity(int rsc) {
    Resource& r = ws_.resources[rsc];
    const Utilization all = ColocatedNeeds(rsc);
    auto available = [&](int n) { return r.allowed.present[n] && Usable(n, r.allowed.score[n]); };
    bool any_capable = false;
    int most = -1;
    for (size_t i = 0; i < ws_.nodes.size(); ++i) {
      const int n = static_cast<int>(i);
      if (!available(n)) continue;
      if (EnoughCapacity(n, all)) any_capable = true;
      if (most < 0 || CompareCapacities(n, most) < 0) most = n;
    }
    const Utilization& need = any_capable ? all : r.utilization;
    for (size_t i = 0; i < ws_.nodes.size(); ++i) {
      const int n = static_cast<int>(i);
      if (available(n) && !EnoughCapacity(n, need)) AddLocation(r.allowed, n, -kInfinity);
    }
    return any_capable ? -1 : most;
  }

  // The allocation order under a placement strategy (Pacemaker's pcmk__sort_resources): each
  // top-level resource by priority, then by its score (with what it is colocated with) on the
  // node it runs on, then by its scores on the nodes in their order; a resource's members and
  // instances stay together, orphans last.
  void SortByCapacityNeeds() {
    struct Unit {
      int rep = -1;            // the resource standing for it: itself, a group's first member, a clone's entry
      int priority = 0;
      int current = -1;
      std::vector<int> order;  // its entries in the allocation order
      Scores table;
    };
    std::vector<Unit> units;
    std::map<std::pair<int, int>, size_t> index;  // (kind, id) → unit
    std::vector<int> orphans;
    for (int i : ws_.allocation_order) {
      const Resource& r = ws_.resources[i];
      if (r.orphan()) {
        orphans.push_back(i);
        continue;
      }
      std::pair<int, int> key{0, i};
      if (r.parent >= 0) key = {1, r.parent};
      else if (r.is_clone()) key = {1, r.clone};
      else if (r.group >= 0) key = {2, r.group};
      auto [it, fresh] = index.emplace(key, units.size());
      if (fresh) units.emplace_back();
      Unit& u = units[it->second];
      u.order.push_back(i);
      if (key.first == 1) u.rep = ws_.clones[key.second].rsc;
      else if (u.rep < 0) u.rep = i;
    }
    for (Unit& u : units) {
      const Resource& rep = ws_.resources[u.rep];
      u.priority = rep.priority;
      if (rep.group >= 0 && rep.parent < 0) u.priority = ws_.groups[rep.group].priority;
      for (int i : u.order) {
        if (u.current < 0 && ws_.resources[i].current() >= 0) u.current = ws_.resources[i].current();
      }
      std::set<std::pair<int, int>> merging;
      const int group = rep.group >= 0 && rep.parent < 0 ? rep.group : -1;
      u.table = ColocatedTable(u.rep, group, nullptr, "#uname", 1.0f, false, merging);
    }
    // The nodes in Pacemaker's order for no resource in particular: by their own weight (an
    // unavailable one last), then as the strategy tells alike nodes apart, then by name.
    std::vector<int> nodes(ws_.nodes.size());
    for (size_t n = 0; n < nodes.size(); ++n) nodes[n] = static_cast<int>(n);
    std::stable_sort(nodes.begin(), nodes.end(), [&](int a, int b) {
      const int wa = ws_.nodes[a].Available() ? ws_.nodes[a].weight : -kInfinity;
      const int wb = ws_.nodes[b].Available() ? ws_.nodes[b].weight : -kInfinity;
      if (wa != wb) return wa > wb;
      if (ws_.strategy == PlacementStrategy::kBalanced) {
        if (const int c = CompareCapacities(a, b); c != 0) return c < 0;
      }
      return ws_.nodes[a].uname < ws_.nodes[b].uname;
    });
    auto weight = [](const Unit& u, int node) {
      return node >= 0 && u.table.present[node] ? u.table.score[node] : -kInfinity;
    };
    std::vector<int> order(units.size());
    for (size_t k = 0; k < order.size(); ++k) order[k] = static_cast<int>(k);
    MergeSort(order, 0, order.size(), [&](int x, int y) {
      const Unit& a = units[x];
      const Unit& b = units[y];
      if (a.priority != b.priority) return a.priority > b.priority ? -1 : 1;
      const int ca = weight(a, a.current), cb = weight(b, b.current);
      if (ca != cb) return ca > cb ? -1 : 1;
      for (int n : nodes) {
        const int sa = weight(a, n), sb = weight(b, n);
        if (sa != sb) return sa > sb ? -1 : 1;
      }
      return 0;
    });
    ws_.allocation_order.clear();
    for (int k : order) {
      ws_.allocation_order.insert(ws_.allocation_order.end(), units[k].order.begin(), units[k].order.end());
    }
    ws_.allocation_order.insert(ws_.allocation_order.end(), orphans.begin(), orphans.end());
  }

  // What cmp_resources weighs a resource by (Pacemaker 2.1.5's pcmk__add_colocated_node_scores
  // for "this with" colocations): `group` >= 0 stands for that group, else resource `rsc`. Without
  // `nodes`, its own scores (a group's: its last member's) to start from; with them, those plus
  // its scores times `factor` (a group's: its first member's). Then, while some node can run it,
  // what each colocation it is the dependent of adds, at that colocation's weight; one that would
  // leave no node is rolled back (`active`).
  Scores ColocatedTable(int rsc, int group, const Scores* nodes, const std::string& attribute, float factor,
                        bool active, std::set<std::pair<int, int>>& merging) {
    const std::pair<int, int> key{group, group >= 0 ? -1 : rsc};
    if (!merging.insert(key).second) return nodes != nullptr ? *nodes : ws_.resources[rsc].allowed;
    Scores work;
    std::vector<int> rules;
    if (group >= 0) {
      const GroupInfo& g = ws_.groups[group];
      if (nodes == nullptr) {
        work = ColocatedTable(g.members.back(), -1, nullptr, attribute, factor, false, merging);
      } else {
        work = ColocatedTable(g.members.front(), -1, nodes, attribute, factor, false, merging);
      }
      for (int c : ws_.resources[g.members.front()].this_with) {
        if (ws_.colocations[c].dependent_group == group) rules.push_back(c);
      }
    } else {
      if (nodes == nullptr) {
        work = ws_.resources[rsc].allowed;
      } else {
        work = *nodes;
        AddScoresMatching(work, ws_.resources[rsc], attribute, factor, false);
      }
      for (int c : ws_.resources[rsc].this_with) {
        if (ws_.colocations[c].dependent_group < 0) rules.push_back(c);
      }
    }
    if (CanRunAny(work)) {
      const float sign = factor < 0 ? -1.0f : 1.0f;
      for (int c : rules) {
        const ColocationRule& col = ws_.colocations[c];
        const float weight = sign * static_cast<float>(col.score) / static_cast<float>(kInfinity);
        const int primary = col.primary_group >= 0 ? ws_.groups[col.primary_group].members.front() : col.primary;
        work = ColocatedTable(primary, col.primary_group, &work, col.node_attribute, weight, true, merging);
      }
    } else if (active) {
      merging.erase(key);
      return *nodes;
    }
    merging.erase(key);
    return work;
  }

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
      Choose(rsc, prefer);
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
        if (member.assigned >= 0) {
          ws_.nodes[member.assigned].assigned--;
          GiveCapacity(member.assigned, member);
        }
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
  // resources assigned so far, the resource's current node, then the name in byte order. Under
  // placement-strategy minimal the name follows the score; under balanced the node with the
  // most capacity left comes before the rest.
  bool Before(const Resource& r, int a, int b, int current) const {
    const int sa = ws_.nodes[a].Available() ? r.allowed.score[a] : -kInfinity;
    const int sb = ws_.nodes[b].Available() ? r.allowed.score[b] : -kInfinity;
    if (sa != sb) return sa > sb;
    if (ws_.strategy == PlacementStrategy::kMinimal) return ws_.nodes[a].uname < ws_.nodes[b].uname;
    if (ws_.strategy == PlacementStrategy::kBalanced) {
      if (const int c = CompareCapacities(a, b); c != 0) return c < 0;
    }
    if (ws_.nodes[a].assigned != ws_.nodes[b].assigned) {
      return ws_.nodes[a].assigned < ws_.nodes[b].assigned;
    }
    if (current >= 0 && (a == current) != (b == current)) return a == current;
    return ws_.nodes[a].uname < ws_.nodes[b].uname;
  }

  // The node for `r`: `prefer` when it scores as well as the best node (an instance tried where
  // it runs), else the best.
  void Choose(int rsc, int prefer) {
    Resource& r = ws_.resources[rsc];
    if (ws_.strategy != PlacementStrategy::kDefault) {
      // The scores shown are those before capacities count, as crm_simulate shows them.
      if (r.shown.empty()) r.shown.push_back(r.allowed);
      const int most_free = BanInsufficientCapacity(rsc);
      if (prefer < 0) prefer = most_free;
    }
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
    TakeCapacity(node, r);
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
