#include "cluster/daemon/notifications.h"

#include <algorithm>
#include <map>

namespace vigil::daemon {
namespace {

// An instance and a node, as the notify_* lists pair them.
struct Entry {
  std::string rsc;
  std::string node;
  bool operator<(const Entry& o) const { return rsc != o.rsc ? rsc < o.rsc : node < o.node; }
};

// Sets notify_<name>_resource (and _uname, unless `nodes` is false): sorted by instance, one
// entry per instance, space-separated; " " when empty.
void AddList(cib::Attributes& keys, const std::string& name, std::vector<Entry> entries, bool nodes = true) {
  std::sort(entries.begin(), entries.end());
  std::string resources;
  std::string unames;
  const std::string* last = nullptr;
  for (const Entry& e : entries) {
    if (last != nullptr && *last == e.rsc) continue;
    last = &e.rsc;
    resources += (resources.empty() ? "" : " ") + e.rsc;
    unames += (unames.empty() ? "" : " ") + e.node;
  }
  keys["notify_" + name + "_resource"] = resources.empty() ? " " : resources;
  if (nodes) keys["notify_" + name + "_uname"] = unames.empty() ? " " : unames;
}

std::string Words(std::vector<std::string> words) {
  std::sort(words.begin(), words.end());
  std::string out;
  for (const auto& w : words) out += (out.empty() ? "" : " ") + w;
  return out.empty() ? " " : out;
}

}  // namespace

std::string NotifyingClone(const cib::Model& model, const std::string& rsc) {
  const cib::Model::Instance instance = model.FindInstance(rsc);
  if (instance.primitive == nullptr || instance.number < 0) return "";
  const cib::Clone* clone = model.FindClone(instance.primitive->clone);
  if (clone == nullptr || !model.SettingsOf(*clone).notify) return "";
  return clone->id;
}

NotifyRound MakeRound(const cib::Model& model, const scheduler::Transition& plan, const std::string& clone,
                      const std::string& task) {
  NotifyRound round;
  round.clone = clone;
  round.task = task;
  auto of_clone = [&](const std::string& rsc) {
    const cib::Model::Instance instance = model.FindInstance(rsc);
    return instance.primitive != nullptr && instance.number >= 0 && instance.primitive->clone == clone;
  };
  // What the plan does to the clone's instances, by action.
  std::map<std::string, std::vector<Entry>> acts;
  for (const auto& a : plan.actions) {
    if (of_clone(a.rsc)) acts[scheduler::ActionName(a.kind)].push_back({a.rsc, a.node});
  }
  auto acted = [&](const std::string& action, const std::string& rsc, const std::string& node) {
    const auto& list = acts[action];
    return std::any_of(list.begin(), list.end(), [&](const Entry& e) { return e.rsc == rsc && (node.empty() || e.node == node); });
  };
  // What runs now.
  std::vector<Entry> active, promoted, unpromoted, inactive;
  for (const auto& s : scheduler::CurrentState(model)) {
    if (s.clone != clone) continue;
    if (s.nodes.empty()) {
      inactive.push_back({s.id, ""});
      continue;
    }
    active.push_back({s.id, s.nodes.front()});
    if (s.role == "Promoted") promoted.push_back({s.id, s.nodes.front()});
    if (s.role == "Unpromoted") unpromoted.push_back({s.id, s.nodes.front()});
    if (task == "stop" || task == "demote") {
      for (const auto& node : s.nodes) {
        round.pre.push_back({s.id, node});
        if (task == "demote" || !acted("stop", s.id, node)) round.post.push_back({s.id, node});
      }
    }
  }
  if (task == "start" || task == "promote") {
    for (const auto& p : plan.placements) {
      if (p.nodes.empty() || !of_clone(p.rsc)) continue;
      if (task != "start" || !acted("start", p.rsc, p.nodes.front())) round.pre.push_back({p.rsc, p.nodes.front()});
      round.post.push_back({p.rsc, p.nodes.front()});
    }
  }
  for (const char* action : {"stop", "start", "demote", "promote"}) AddList(round.keys, action, acts[action]);
  AddList(round.keys, "active", active);
  AddList(round.keys, "unpromoted", unpromoted);
  AddList(round.keys, "slave", unpromoted);  // the names older agents read
  AddList(round.keys, "promoted", promoted);
  AddList(round.keys, "master", promoted);
  AddList(round.keys, "inactive", inactive, false);
  std::vector<std::string> names;
  for (const auto& n : model.nodes) names.push_back(n.uname);
  round.keys["notify_all_uname"] = Words(names);
  // Every node may run a clone's instance unless a constraint says otherwise; Vigil offers all.
  round.keys["notify_available_uname"] = Words(names);
  return round;
}

cib::Attributes NotificationMeta(const NotifyRound& round, const std::string& type) {
  cib::Attributes meta = round.keys;
  meta["notify_type"] = type;
  meta["notify_operation"] = round.task;
  meta["notify_key_type"] = type;
  meta["notify_key_operation"] = round.task;
  return meta;
}

}  // namespace vigil::daemon
