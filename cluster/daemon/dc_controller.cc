#include "cluster/daemon/dc_controller.h"

#include <algorithm>
#include <chrono>

#include "common/clock.h"

namespace vigil::daemon {
namespace {

constexpr int64_t kDefaultTimeoutMs = 20000;  // Pacemaker's default operation timeout

// The timeout the configuration gives `action` (at `interval_ms`; a probe takes the monitor's),
// else op_defaults', else 20 s.
int64_t TimeoutMs(const cib::Model& m, const cib::Primitive& p, const std::string& action, int64_t interval_ms) {
  const bool probe = action == "monitor" && interval_ms == 0;
  for (const auto& op : p.operations) {
    if (op.name == action && (probe || op.interval_ms == interval_ms) && op.timeout_ms) return *op.timeout_ms;
  }
  const cib::Attributes defaults = m.OpDefaults(p, action, interval_ms);
  if (const auto it = defaults.find("timeout"); it != defaults.end()) {
    if (const auto ms = cib::ParseDurationMs(it->second)) return *ms;
  }
  return kDefaultTimeoutMs;
}

// What the agent of clone instance `number` of `p` is told of its clone, as Pacemaker tells it
// (OCF_RESKEY_CRM_meta_clone, _clone_max, _clone_node_max, _globally_unique, _notify).
void AddCloneMeta(const cib::Model& m, const cib::Primitive& p, int number, cib::Attributes& meta) {
  const cib::Clone* c = m.FindClone(p.clone);
  if (c == nullptr || number < 0) return;
  const cib::Model::CloneSettings s = m.SettingsOf(*c);
  meta["clone"] = std::to_string(number);
  meta["clone-max"] = std::to_string(s.max);
  meta["clone-node-max"] = std::to_string(s.node_max);
  meta["globally-unique"] = s.unique ? "true" : "false";
  meta["notify"] = s.notify ? "true" : "false";
}

// An operation of `p` on node `on`, recorded as `record_id` (a clone instance's: see
// Model::FindInstance), with its parameters on that node.
peer::Execute MakeExecute(const cib::Model& m, const cib::NodeState& on, const cib::Primitive& p,
                          const std::string& record_id, int number, const std::string& action, int64_t interval_ms) {
  peer::Execute e;
  e.rsc = record_id;
  e.standard = p.standard;
  e.provider = p.provider;
  e.type = p.type;
  e.action = action;
  e.interval_ms = interval_ms;
  e.timeout_ms = TimeoutMs(m, p, action, interval_ms);
  e.params = cib::OperationParams(p, p.param_sets.empty() ? p.params : m.ParamsOn(p, m.NodeAttributes(on.uname)), action, interval_ms);
  // A fence device's start and recurring monitor check the device, within its
  // pcmk_monitor_timeout on that node when that is set (as Pacemaker's fencer times the check).
  if (p.standard == "stonith" && (action == "start" || (action == "monitor" && interval_ms > 0))) {
    if (const auto it = e.params.find("pcmk_monitor_timeout"); it != e.params.end()) {
      if (const auto ms = cib::ParseDurationMs(it->second); ms && *ms > 0) e.timeout_ms = *ms;
    }
  }
  e.meta = m.MetaWithDefaults(p.meta, &p);
  AddCloneMeta(m, p, number, e.meta);
  return e;
}

peer::Execute MakeExecute(const cib::Model& m, const cib::NodeState& on, const cib::Model::Instance& i,
                          const std::string& action, int64_t interval_ms) {
  return MakeExecute(m, on, *i.primitive, i.record_id, i.number, action, interval_ms);
}

// The ids `p`'s history goes by on a node, with the instance number each stands for: its own
// id; an anonymous clone's one id for whichever instance runs there; a unique clone's every
// instance's.
std::vector<cib::Model::Instance> RecordIds(const cib::Model& m, const cib::Primitive& p) {
  const cib::Clone* c = p.clone.empty() ? nullptr : m.FindClone(p.clone);
  if (c == nullptr) return {{&p, p.id, -1}};
  const cib::Model::CloneSettings s = m.SettingsOf(*c);
  if (!s.unique) return {{&p, p.id, 0}};
  std::vector<cib::Model::Instance> out;
  for (int n = 0; n < s.max; ++n) out.push_back({&p, p.id + ":" + std::to_string(n), n});
  return out;
}

const cib::ResourceHistory* FindHistory(const cib::NodeState& s, const std::string& rsc) {
  for (const auto& h : s.resources) {
    if (h.id == rsc) return &h;
  }
  return nullptr;
}

// Whether `rsc` has a recurring monitor recorded on the node.
bool Monitored(const cib::NodeState& s, const std::string& rsc) {
  const cib::ResourceHistory* h = FindHistory(s, rsc);
  return h != nullptr && std::any_of(h->ops.begin(), h->ops.end(), [&](const cib::OpRecord& o) {
           return o.interval_ms > 0 && o.id == rsc + "_monitor_" + std::to_string(o.interval_ms);
         });
}

bool HasRecord(const cib::NodeState& s, const std::string& rsc, const std::string& record) {
  const cib::ResourceHistory* h = FindHistory(s, rsc);
  return h != nullptr && std::any_of(h->ops.begin(), h->ops.end(), [&](const cib::OpRecord& o) { return o.id == record; });
}

bool Online(const cib::NodeState& s) { return s.in_ccm && s.crmd == "online" && s.join == "member"; }

}  // namespace

cib::Model WithNodeStates(const cib::Model& config, std::vector<cib::NodeState> states) {
  cib::Model m = config;
  for (const auto& s : states) {
    const bool known = std::any_of(m.nodes.begin(), m.nodes.end(), [&](const cib::Node& n) { return n.uname == s.uname; });
    if (!known) m.nodes.push_back({s.id, s.uname, {}});
  }
  m.node_states = std::move(states);
  return m;
}

std::vector<LogEvent> DcController::TakeEvents() { return events_.Take(); }

void DcController::OnNodeUpdate(uint32_t node, const peer::NodeUpdate& update) {
  reports_[node] = update;
  incarnation_of_[node] = update.incarnation;
  watchdog_s_[node] = update.watchdog_s;
  if (update.leaving) {
    leaving_.insert(node);
  } else {
    leaving_.erase(node);
  }
  OnOwnResult(update.completed);
}

void DcController::RequestFence(const std::string& target, const std::string& action, const std::string& client) {
  if (!acting_) return;
  if (action == "confirm") {
    fencer_.Confirm(target, client, self_name_, WallSeconds());
  } else {
    asked_.push_back({{target, action, "requested by " + client}, client});
  }
  dirty_ = true;
}

bool DcController::StartupFencing(const cib::Model& config) const {
  const auto it = config.properties.find("startup-fencing");
  return FencingEnabled(config) && (it == config.properties.end() || cib::PacemakerIsTrue(it->second));
}

bool DcController::FencingEnabled(const cib::Model& config) const {
  const auto it = config.properties.find("stonith-enabled");
  return it == config.properties.end() || cib::PacemakerIsTrue(it->second);
}

void DcController::TakeOver(const DcInputs& in) {
  up_.clear();
  seen_.clear();
  office_since_ = in.now;
  deadtime_wake_.reset();
  // What members reported to this term stands; the rest is the previous DC's word.
  std::erase_if(watchdog_s_, [&](const auto& w) { return !reports_.count(w.first); });
  shared_watchdogs_.clear();
  took_shared_ = in.shared != nullptr;
  if (in.shared == nullptr) return;
  shared_watchdogs_ = in.shared->watchdogs;
  for (const auto& s : in.shared->states) {
    for (const auto& [id, name] : *in.names) {
      if (name != s.uname) continue;
      seen_.insert(id);
      if (s.expected == "member" && id != self_) up_[id] = s;
    }
  }
  fencer_.SeedHistory(in.shared->fencing);
}

std::map<std::string, uint32_t> DcController::Watchdogs(const DcInputs& in) const {
  std::map<std::string, uint32_t> out = shared_watchdogs_;
  for (const auto& [id, seconds] : watchdog_s_) {
    const auto name = in.names->find(id);
    if (name == in.names->end()) continue;
    if (seconds > 0) {
      out[name->second] = seconds;
    } else {
      out.erase(name->second);
    }
  }
  return out;
}

void DcController::MergeShared(const peer::StatusCopy& copy) {
  if (!acting_) return;
  fencer_.MergeHistory(copy.fencing);
  // A member's word on the watchdogs only stands in for a predecessor's status this DC never got.
  if (!took_shared_) {
    for (const auto& [name, seconds] : copy.watchdogs) shared_watchdogs_.emplace(name, seconds);
  }
  dirty_ = true;
}

void DcController::TrackUp(const DcInputs& in) {
  const std::vector<uint32_t>& members = *in.members;
  const bool fencing = FencingEnabled(*in.config);
  // Fenced: down, whatever the membership says yet (Pacemaker records it so); should it still
  // be a member, its plan waits for a fresh report from it.
  for (const std::string& fenced : fencer_.TakeFenced()) {
    const auto planned = fence_incarnation_.find(fenced);
    for (const auto& [id, name] : *in.names) {
      if (name != fenced) continue;
      // Back already, rebooted by this very fence before its answer came: what it reports now
      // is its new life's.
      const auto report = reports_.find(id);
      if (report != reports_.end() && planned != fence_incarnation_.end() && report->second.incarnation != planned->second) {
        continue;
      }
      up_.erase(id);
      leaving_.erase(id);
      reports_.erase(id);
    }
    if (planned != fence_incarnation_.end()) fence_incarnation_.erase(planned);
  }
  for (const auto& [id, name] : *in.names) {
    if (!std::binary_search(members.begin(), members.end(), id)) fencer_.ForgetUnfenced(name);
  }
  for (const uint32_t m : members) {
    if (m == self_) {
      up_[m] = *in.self_state;
    } else if (const auto r = reports_.find(m); r != reports_.end()) {
      up_[m] = r->second.state;
    } else {
      continue;
    }
    seen_.insert(m);
  }
  std::erase_if(up_, [&](const auto& u) {
    const bool gone = !std::binary_search(members.begin(), members.end(), u.first);
    // Gone cleanly: it announced its shutdown, or without fencing any loss counts as clean.
    return gone && (!fencing || leaving_.count(u.first) > 0);
  });
  std::erase_if(leaving_, [&](uint32_t id) { return !up_.count(id); });
}

void DcController::OnOwnResult(uint64_t completed) {
  if (completed != 0) in_flight_.erase(completed);
  dirty_ = true;
}

cib::Model DcController::BuildModel(const DcInputs& in, std::map<std::string, uint32_t>* node_of) const {
  cib::Model m = *in.config;
  m.node_states.clear();
  m.have_quorum = in.quorate;
  m.dc_uuid = std::to_string(self_);
  // As Pacemaker's controller records have-watchdog where sbd runs on the DC: the scheduler may
  // plan fences with no fence device configured (the fencer carries them out by watchdog).
  if (cib::WatchdogTimeoutMs(m) > 0 && in.self_watchdog_s > 0) m.properties["have-watchdog"] = "true";
  if (node_of != nullptr) node_of->clear();
  const std::vector<uint32_t>& members = *in.members;
  for (const auto& [id, name] : *in.names) {
    // The node as the configuration names it, if it does (crm adds <node> entries by name too).
    auto it = std::find_if(m.nodes.begin(), m.nodes.end(), [&](const cib::Node& n) { return n.uname == name; });
    if (it == m.nodes.end()) {
      m.nodes.push_back({std::to_string(id), name, {}});
      it = std::prev(m.nodes.end());
    }
    if (node_of != nullptr) (*node_of)[it->id] = id;
    cib::NodeState s;
    s.id = it->id;
    s.uname = name;
    const bool member = std::binary_search(members.begin(), members.end(), id);
    const cib::NodeState* report = nullptr;
    if (id == self_) {
      report = in.self_state;
    } else if (const auto r = reports_.find(id); member && r != reports_.end()) {
      report = &r->second.state;
    }
    const auto up = up_.find(id);
    // Never seen, with fencing and startup-fencing: no node_state, as in a CIB whose node never
    // joined, so that the scheduler takes it as unclean.
    if (!member && up == up_.end() && !seen_.count(id) && StartupFencing(m)) continue;
    if (member && report != nullptr) {
      s.in_ccm = true;
      s.crmd = "online";
      s.join = "member";
      s.expected = "member";
      s.transient = report->transient;
      s.resources = report->resources;
      if (const auto u = fencer_.unfenced().find(name); u != fencer_.unfenced().end()) {
        s.transient["#node-unfenced"] = std::to_string(u->second);
      }
    } else if (!member && up != up_.end()) {
      // Lost without a word while up (TrackUp keeps only such nodes, with fencing enabled): as
      // Pacemaker records it, expected up but out of the membership, so unclean; what it ran
      // may still run there.
      s.in_ccm = false;
      s.crmd = "offline";
      s.join = "down";
      s.expected = "member";
      s.transient = up->second.transient;
      s.resources = up->second.resources;
    } else {
      // Gone, or not joined yet: down, and (its executor child stopped everything) cleanly.
      s.in_ccm = member;
      s.crmd = "offline";
      s.join = "down";
      s.expected = "down";
    }
    m.node_states.push_back(std::move(s));
  }
  return m;
}

void DcController::Dispatch(uint32_t node, peer::Execute e) {
  e.token = next_token_++;
  // In flight before it is sent: this node's own steps may be done within send_ (a cancel is),
  // and their result must find them.
  in_flight_[e.token] = node;
  if (!send_(node, e)) {
    // No link to it now: its report may be stale (a result lost with the link), and whatever was
    // to follow this step must wait. The node reports afresh when it links again.
    in_flight_.erase(e.token);
    Forget(node);
  }
}

void DcController::Forget(uint32_t node) {
  reports_.erase(node);
  std::erase_if(in_flight_, [&](const auto& f) { return f.second == node; });
  dirty_ = true;
}

void DcController::OnUnlinked(uint32_t node) {
  if (node == self_) return;
  Forget(node);
  fencer_.OnLost(node);
}

bool DcController::Probe(const cib::Model& model) {
  bool needed = false;  // sent, or not sendable: either way no plan before the answers
  const auto not_probed = scheduler::NotProbed(model);  // resource-discovery
  for (const auto& s : model.node_states) {
    if (!Online(s)) continue;
    for (const auto& p : model.primitives) {
      if (not_probed.count({p.id, s.uname})) continue;
      for (const auto& i : RecordIds(model, p)) {
        if (HasRecord(s, i.record_id, i.record_id + "_last_0")) continue;  // probed (a failure record alone is not)
        Dispatch(node_of_.at(s.id), MakeExecute(model, s, i, "monitor", 0));
        needed = true;
      }
    }
  }
  return needed;
}

void DcController::StartMonitors(const cib::Model& model, const std::vector<scheduler::Placement>& placements) {
  for (const auto& s : model.node_states) {
    if (!Online(s)) continue;
    for (const auto& h : s.resources) {
      const cib::Primitive* p = model.FindPrimitive(h.id);
      if (p == nullptr) p = model.FindInstance(h.id).primitive;
      if (p == nullptr || !model.InMaintenance(*p)) continue;
      if (Monitored(s, h.id)) {
        peer::Execute cancel = MakeExecute(model, s, *p, h.id, -1, "cancel", 0);
        cancel.meta["reason"] = "maintenance";
        Dispatch(node_of_.at(s.id), std::move(cancel));
      }
    }
  }
  for (const auto& placement : placements) {
    if (placement.nodes.size() != 1) continue;
    const cib::Model::Instance instance = model.FindInstance(placement.rsc);
    const cib::Primitive* p = instance.primitive;
    if (p == nullptr || model.InMaintenance(*p)) continue;
    const auto state = std::find_if(model.node_states.begin(), model.node_states.end(),
                                    [&](const cib::NodeState& s) { return s.uname == placement.nodes.front(); });
    if (state == model.node_states.end() || !Online(*state)) continue;
    // The monitors for its role: those for any role, and those for the role it has (an
    // instance of a promotable clone: Promoted or Unpromoted).
    std::vector<const cib::Operation*> monitors;
    for (const auto& op : p->operations) {
      const std::string_view role = cib::CurrentRoleName(op.role);
      if (op.name != "monitor" || op.interval_ms <= 0) continue;
      if (!(role.empty() || role == "Started" || role == placement.role)) continue;
      if (const auto it = op.meta.find("enabled"); it != op.meta.end() && !cib::PacemakerIsTrue(it->second)) continue;
      monitors.push_back(&op);
    }
    const std::string& id = instance.record_id;
    // A monitor of the role it no longer has would fail on the code of the new one: all of its
    // monitors are cancelled, and the right ones started once that is done.
    if (const cib::ResourceHistory* h = FindHistory(*state, id)) {
      const bool stale = std::any_of(h->ops.begin(), h->ops.end(), [&](const cib::OpRecord& o) {
        if (o.interval_ms <= 0 || o.id != id + "_monitor_" + std::to_string(o.interval_ms)) return false;
        return std::none_of(monitors.begin(), monitors.end(), [&](const cib::Operation* op) { return op->interval_ms == o.interval_ms; });
      });
      if (stale) {
        peer::Execute cancel = MakeExecute(model, *state, instance, "cancel", 0);
        cancel.meta["reason"] = "now " + placement.role;
        Dispatch(node_of_.at(state->id), cancel);
        continue;
      }
    }
    for (const cib::Operation* op : monitors) {
      if (HasRecord(*state, id, id + "_monitor_" + std::to_string(op->interval_ms))) continue;
      peer::Execute e = MakeExecute(model, *state, instance, "monitor", op->interval_ms);
      // What the monitor should find: running, or running promoted (Pacemaker's op_target_rc).
      e.meta["op_target_rc"] = placement.role == "Promoted" ? "8" : "0";
      Dispatch(node_of_.at(state->id), std::move(e));
    }
  }
}

bool DcController::Notify(const cib::Model& model, const scheduler::Transition& plan) {
  const scheduler::Action* next = plan.actions.empty() ? nullptr : &plan.actions.front();
  const std::string clone = next != nullptr ? NotifyingClone(model, next->rsc) : "";
  const std::string task = next != nullptr ? scheduler::ActionName(next->kind) : "";
  const bool in_round = round_ && !clone.empty() && clone == round_->clone && task == round_->task;
  if (round_ && !round_->pre.empty() && SendNotification(model, round_->pre, "pre")) return true;
  if (in_round) return false;  // its actions, as the plans give them
  if (round_ && SendNotification(model, round_->post, "post")) return true;
  round_.reset();
  if (clone.empty()) return false;
  round_ = MakeRound(model, plan, clone, task);
  return SendNotification(model, round_->pre, "pre");
}

bool DcController::SendNotification(const cib::Model& model, std::vector<Notification>& pending, const std::string& type) {
  while (!pending.empty()) {
    const Notification n = pending.front();
    pending.erase(pending.begin());
    const cib::Model::Instance instance = model.FindInstance(n.rsc);
    const auto state = std::find_if(model.node_states.begin(), model.node_states.end(),
                                    [&](const cib::NodeState& s) { return s.uname == n.node; });
    // An instance on a node that is gone since the round began has nothing to be told.
    if (instance.primitive == nullptr || state == model.node_states.end() || !Online(*state)) continue;
    peer::Execute e = MakeExecute(model, *state, instance, "notify", 0);
    for (const auto& [name, value] : NotificationMeta(*round_, type)) e.meta[name] = value;
    Dispatch(node_of_.at(state->id), std::move(e));
    return true;
  }
  return false;
}

void DcController::Waiting(std::string why) {
  if (why != waiting_logged_) events_.Info(why);
  waiting_logged_ = std::move(why);
}

DcController::FenceStep DcController::CarryFences(const DcInputs& in, const cib::Model& model,
                                                  const scheduler::Transition& transition,
                                                  const std::string& last_waiting) {
  Fencer::Inputs fencing;
  fencing.model = &model;
  fencing.self = self_;
  fencing.self_name = self_name_;
  fencing.now = in.now;
  fencing.wall = WallSeconds();
  fencing.watchdog_ms = cib::WatchdogTimeoutMs(model);
  fencing.watchdogs = Watchdogs(in);
  for (const auto& s : model.node_states) {
    if (Online(s)) fencing.members.push_back({node_of_.at(s.id), s.uname});
  }
  // With what was asked by hand (a node the plan fences anyway is fenced once).
  std::vector<scheduler::Fence> fences = transition.fences;
  for (auto& a : asked_) {
    if (a.fence.action.empty()) a.fence.action = scheduler::StonithAction(model);
    if (std::none_of(fences.begin(), fences.end(), [&](const scheduler::Fence& f) { return f.node == a.fence.node; })) {
      if (!fencer_.Busy(a.fence.node)) fencer_.SetClient(a.fence.node, a.client);
      fences.push_back(a.fence);
    }
  }
  // A node never seen is fenced only once dc-deadtime has passed since this DC took office: it
  // may be starting now. Meanwhile the plan waits, as for any fence.
  int64_t deadtime_ms = 20000;
  if (const auto it = model.properties.find("dc-deadtime"); it != model.properties.end()) {
    deadtime_ms = cib::ParseDurationMs(it->second).value_or(deadtime_ms);
  }
  const SteadyTime deadline = office_since_ + std::chrono::milliseconds(deadtime_ms);
  std::string unseen;
  deadtime_wake_.reset();
  std::erase_if(fences, [&](const scheduler::Fence& f) {
    if (in.now >= deadline) return false;
    for (const auto& [id, name] : *in.names) {
      if (name == f.node && !seen_.count(id) && !up_.count(id)) {
        unseen += (unseen.empty() ? "" : ", ") + f.node;
        return true;
      }
    }
    return false;
  });
  if (!unseen.empty()) deadtime_wake_ = deadline;
  for (const auto& f : fences) {
    if (f.action == "on" || fence_incarnation_.count(f.node)) continue;
    for (const auto& [id, name] : *in.names) {
      const auto known = incarnation_of_.find(id);
      if (name == f.node) fence_incarnation_[f.node] = known != incarnation_of_.end() ? known->second : 0;
    }
  }
  const bool fencing_busy = fencer_.Carry(fencing, fences) || !unseen.empty();
  // Done with: fenced, given up, or failed without another try to come. (A record of a fence
  // that ended now goes when TrackUp takes the fenced node.)
  const std::set<std::string> ended = fencer_.TakeEnded();
  std::erase_if(fence_incarnation_, [&](const auto& r) {
    return !ended.count(r.first) && !fencer_.Busy(r.first) &&
           std::none_of(fences.begin(), fences.end(), [&](const auto& f) { return f.node == r.first; });
  });
  std::erase_if(asked_, [&](const Asked& a) {
    const std::string& node = a.fence.node;
    return (ended.count(node) && !fencer_.Busy(node)) || fencer_.given_up().count(node) > 0;
  });
  for (auto& e : fencer_.TakeEvents()) events_.Add(std::move(e));
  if (fencer_.HasFenced()) return FenceStep::kPlanAgain;  // its resources are stopped now
  if (fencing_busy) {
    std::string targets;
    for (const auto& f : fences) {
      if (!fencer_.given_up().count(f.node)) targets += (targets.empty() ? "" : ", ") + f.node;
    }
    waiting_logged_ = last_waiting;
    if (!unseen.empty()) {
      Waiting("waiting for " + unseen + " to join (never seen: fenced once dc-deadtime has passed, startup-fencing)");
    } else {
      Waiting("waiting for the fencing of " + targets);
    }
    return FenceStep::kWait;
  }
  return FenceStep::kGoOn;
}

void DcController::Update(const DcInputs& in) {
  if (!in.acting) {
    if (acting_) {
      reports_.clear();
      in_flight_.clear();
      members_seen_.clear();
      round_.reset();
      up_.clear();
      leaving_.clear();
      asked_.clear();
      fence_incarnation_.clear();
      incarnation_of_.clear();
      // Who has a watchdog is known again from the reports and status of the next DC term.
      watchdog_s_.clear();
      shared_watchdogs_.clear();
      fencer_.Reset();
    }
    acting_ = false;
    return;
  }
  if (!acting_) {
    acting_ = true;
    dirty_ = true;
    TakeOver(in);
  }
  self_name_ = in.names->count(self_) ? in.names->at(self_) : std::to_string(self_);
  watchdog_s_[self_] = in.self_watchdog_s;
  // A report made for another term (sent before this node became DC again, or to the DC of a
  // partition that has since merged) may miss what another DC started meanwhile: planning on it
  // could start a resource twice. Members report again when their term changes.
  if (std::erase_if(reports_, [&](const auto& r) { return r.second.term != in.term; }) > 0) dirty_ = true;
  const std::vector<uint32_t>& members = *in.members;
  if (!(in.config->versions == versions_seen_) || members != members_seen_ || in.quorate != quorate_seen_) {
    versions_seen_ = in.config->versions;
    members_seen_ = members;
    quorate_seen_ = in.quorate;
    dirty_ = true;
    // A node that left takes its report and its step in flight with it (and its fence
    // requests: they failed).
    auto gone = [&](uint32_t node) { return !std::binary_search(members.begin(), members.end(), node); };
    std::erase_if(reports_, [&](const auto& r) { return gone(r.first); });
    std::erase_if(in_flight_, [&](const auto& f) { return gone(f.second); });
    for (const auto& [id, name] : *in.names) {
      if (gone(id)) fencer_.OnLost(id);
    }
    // A device fixed, or a node back: what was given up on is tried again.
    fencer_.Forgive();
  }
  if (const auto wake = NextWake(); wake && in.now >= *wake) dirty_ = true;
  if (!in_flight_.empty() || !dirty_) return;
  if (!in.views_agree) {
    // A member still hears a node this one has lost: that node may be alive and running its
    // resources, so nothing moves until every member has lost it too (or it is back).
    Waiting("waiting for the members to agree on who is up");
    return;
  }
  std::string missing;
  for (const uint32_t m : members) {
    if (m == self_ || reports_.count(m)) continue;
    const auto name = in.names->find(m);
    missing += (missing.empty() ? "" : ", ") + (name != in.names->end() ? name->second : std::to_string(m));
  }
  if (!missing.empty()) {
    Waiting("waiting for the resource state of " + missing);
    return;
  }
  const std::string last_waiting = std::exchange(waiting_logged_, "");
  dirty_ = false;
  TrackUp(in);
  const cib::Model model = BuildModel(in, &node_of_);
  planned_states_ = model.node_states;
  if (Probe(model)) return;
  scheduler::Options options;
  options.now = WallSeconds();
  options.fencing = true;
  options.cannot_fence = fencer_.given_up();
  auto transition = scheduler::Schedule(model, options);
  if (!transition.ok()) {
    events_.Error("cannot schedule: " + transition.status().message());
    return;
  }
  // The fences first: nothing else of the plan goes before they are done.
  switch (CarryFences(in, model, *transition, last_waiting)) {
    case FenceStep::kPlanAgain:
      dirty_ = true;
      Update(in);
      return;
    case FenceStep::kWait:
      return;
    case FenceStep::kGoOn:
      break;
  }
  std::string summary;
  for (const auto& line : transition->summary) summary += (summary.empty() ? "" : "; ") + scheduler::SummaryText(line);
  if (!summary.empty() && summary != summary_logged_) events_.Info("transition: " + summary);
  summary_logged_ = summary;
  if (Notify(model, *transition)) return;
  for (const auto& action : transition->actions) {
    const cib::Model::Instance instance = model.FindInstance(action.rsc);
    const auto node = std::find_if(model.node_states.begin(), model.node_states.end(),
                                   [&](const cib::NodeState& s) { return s.uname == action.node; });
    if (node == model.node_states.end()) continue;
    peer::Execute e;
    const bool role_change = action.kind == scheduler::ActionKind::kPromote || action.kind == scheduler::ActionKind::kDemote;
    if (instance.primitive != nullptr && role_change && Monitored(*node, instance.record_id)) {
      // Its monitors expect the role it has now: cancelled first, started again for the new one.
      e = MakeExecute(model, *node, instance, "cancel", 0);
      e.meta["reason"] = std::string("before the ") + scheduler::ActionName(action.kind);
    } else if (instance.primitive != nullptr) {
      e = MakeExecute(model, *node, instance, scheduler::ActionName(action.kind), 0);
      // A migration step tells the agent where from and where to (OCF_RESKEY_CRM_meta_migrate_*).
      if (!action.source.empty()) {
        e.meta["migrate_source"] = action.source;
        e.meta["migrate_target"] = action.target;
      }
      // A stop is done by the agent that started it, should the configuration name another now.
      if (action.kind == scheduler::ActionKind::kStop) {
        if (const cib::ResourceHistory* h = FindHistory(*node, instance.record_id)) {
          std::tie(e.standard, e.provider, e.type) = std::tie(h->standard, h->provider, h->type);
        }
      }
      // The actions of a round carry what its notifications say, as in Pacemaker.
      if (round_ && NotifyingClone(model, action.rsc) == round_->clone) e.meta.insert(round_->keys.begin(), round_->keys.end());
    } else {
      // An orphan (deleted from the configuration while it ran): stopped with what its history says.
      e.rsc = action.rsc;
      e.action = "stop";
      e.timeout_ms = kDefaultTimeoutMs;
      for (const auto& h : node->resources) {
        if (h.id == action.rsc) std::tie(e.standard, e.provider, e.type) = std::tie(h.standard, h.provider, h.type);
      }
    }
    // One step at a time, in the transition's order: when it cannot be sent, nothing after it
    // may go either (a start must not overtake the stop it depends on).
    Dispatch(node_of_.at(node->id), e);
    return;
  }
  StartMonitors(model, transition->placements);
}

}  // namespace vigil::daemon
