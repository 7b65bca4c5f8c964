#include "cluster/daemon/fencer.h"

#include <strings.h>

#include <algorithm>

#include "cluster/cib/score.h"
#include "cluster/fencing/devices.h"
#include "common/fence_hosts.h"
#include "host/operation.h"

namespace vigil::daemon {
namespace {

constexpr int64_t kDefaultTimeoutMs = 60000;  // stonith-timeout's default
// How a pending event of a former DC's is recorded by the next ("... (node1) is no longer DC").
constexpr const char* kNoLongerDc = "the DC that asked for it";
constexpr int kDefaultRetries = 2;            // pcmk_<action>_retries' default: runs in all
constexpr int kDefaultMaxAttempts = 10;       // stonith-max-attempts' default

const std::string* Find(const cib::Attributes& a, const std::string& name) {
  const auto it = a.find(name);
  return it == a.end() ? nullptr : &it->second;
}

bool FenceAction(const std::string& action) { return action == "reboot" || action == "off"; }

// The actions an agent's meta-data names (<action name="..."/>).
std::set<std::string> ActionsOf(const std::string& metadata) {
  std::set<std::string> out;
  static constexpr std::string_view kTag = "<action name=\"";
  for (size_t at = metadata.find(kTag); at != std::string::npos; at = metadata.find(kTag, at)) {
    at += kTag.size();
    const size_t end = metadata.find('"', at);
    if (end == std::string::npos) break;
    out.insert(metadata.substr(at, end - at));
  }
  return out;
}

// `p`'s parameters as the node `on` sees them (rules in its instance attributes).
cib::Attributes ParamsOn(const cib::Model& m, const cib::Primitive& p, const std::string& on) {
  return p.param_sets.empty() ? p.params : m.ParamsOn(p, m.NodeAttributes(on));
}

int64_t TimeoutMs(const cib::Model& m, const cib::Attributes& params, const std::string& action) {
  if (const std::string* v = Find(params, "pcmk_" + action + "_timeout")) {
    if (const auto ms = cib::ParseDurationMs(*v); ms && *ms > 0) return *ms;
  }
  if (const auto it = m.properties.find("stonith-timeout"); it != m.properties.end()) {
    if (const auto ms = cib::ParseDurationMs(it->second); ms && *ms > 0) return *ms;
  }
  return kDefaultTimeoutMs;
}

int Retries(const cib::Attributes& params, const std::string& action) {
  if (const std::string* v = Find(params, "pcmk_" + action + "_retries")) {
    try {
      return std::clamp(std::stoi(*v), 0, 100);
    } catch (const std::exception&) {
    }
  }
  return kDefaultRetries;
}

// Whole seconds, as Pacemaker's fencer counts a delay.
int Seconds(const std::string& text) {
  const auto ms = cib::ParseDurationMs(text);
  return ms && *ms > 0 ? static_cast<int>(*ms / 1000) : 0;
}

// pcmk_delay_base for `target`: one delay, or "node:delay" pairs (separated by ';', ',' or
// spaces) of which the target's applies.
int DelayBase(const cib::Attributes& params, const std::string& target) {
  const std::string* v = Find(params, "pcmk_delay_base");
  if (v == nullptr) return 0;
  if (v->find(':') == std::string::npos) return Seconds(*v);
  for (const std::string& pair : ParseTargets(*v)) {
    const size_t colon = pair.find(':');
    if (colon != std::string::npos && SameNodeName(pair.substr(0, colon), target)) return Seconds(pair.substr(colon + 1));
  }
  return 0;
}

// The device was started on the node: its last operation there a successful start, or a probe
// that found it started.
bool StartedOn(const cib::NodeState& s, const std::string& device) {
  for (const auto& h : s.resources) {
    if (h.id != device) continue;
    for (const auto& op : h.ops) {
      if (op.id != device + "_last_0") continue;
      return op.op_status == 0 && op.rc == 0 && (op.operation == "start" || op.operation == "monitor");
    }
  }
  return false;
}

std::string Join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : ",") + i;
  return out;
}

}  // namespace

bool Fencer::Carry(const Inputs& in, const std::vector<scheduler::Fence>& fences) {
  const cib::Model& m = *in.model;
  // Answers to requests a former term of this DC left in flight: the history tells how they
  // ended (done only when that device completed its level); the plan does not count on them.
  for (auto& [run, result] : std::exchange(late_, {})) {
    peer::FenceEvent event = run.event;
    event.when = in.wall;
    const bool ran = result.status == static_cast<uint8_t>(ExecStatus::kDone) && result.rc == 0;
    const bool last = run.level < run.levels.size() && run.device + 1 == run.levels[run.level].size();
    if (run.step == Step::kAction && ran && last) {
      run.fenced_by.push_back(run.levels[run.level][run.device]);
      event.state = peer::FenceEvent::State::kDone;
      event.devices = Join(run.fenced_by);
    } else {
      event.state = peer::FenceEvent::State::kFailed;
      event.reason = "interrupted: the DC took office anew before it ended";
    }
    events_.Info("fencing " + event.target + " (" + event.action + ") from a former term ended: " +
                      (event.state == peer::FenceEvent::State::kDone ? "fenced with " + event.devices : event.reason));
    // The shared history this DC took back may hold it as failed for want of a DC: it ended so.
    const auto seeded = std::find_if(history_.begin(), history_.end(), [&](const peer::FenceEvent& e) {
      return e.target == event.target && e.action == event.action && e.origin == event.origin &&
             e.state == peer::FenceEvent::State::kFailed && e.reason.rfind(kNoLongerDc, 0) == 0;
    });
    if (seeded != history_.end()) history_.erase(seeded);
    Record(std::move(event));
  }
  auto asked = [&](const std::string& target) {
    return std::any_of(fences.begin(), fences.end(), [&](const scheduler::Fence& f) { return f.node == target; });
  };
  // A fence no longer asked for (its node is back, or was fenced otherwise) ends where it is:
  // what is in flight is waited for, and counts only if it fenced the node.
  for (auto it = runs_.begin(); it != runs_.end();) {
    Run& run = it->second;
    if (asked(it->first) || run.token != 0) {
      ++it;
      continue;
    }
    // (A member's answer that it stopped feeding its watchdog is no fence yet.)
    const bool fenced =
        !run.watchdog && run.step == Step::kAction && run.result && run.result->status == 0 && run.result->rc == 0;
    if (fenced) {
      run.fenced_by.push_back(run.levels[run.level][run.device]);
      Finish(in, run, true);
    } else {
      events_.Info("fencing " + it->first + " is no longer needed");
    }
    it = runs_.erase(it);
  }
  const auto concurrent = m.properties.find("concurrent-fencing");
  const bool one_at_a_time = concurrent == m.properties.end() || !cib::PacemakerIsTrue(concurrent->second);
  bool busy = false;
  for (const auto& fence : fences) {
    if (given_up_.count(fence.node)) continue;
    auto it = runs_.find(fence.node);
    if (it == runs_.end()) {
      const auto retry = retry_at_.find(fence.node);
      if ((one_at_a_time && !runs_.empty()) || (retry != retry_at_.end() && in.now < retry->second)) {
        busy = true;
        continue;
      }
      Run run;
      run.fence = fence;
      run.levels = fencing::TopologyLevels(m, fence.node, m.NodeAttributes(fence.node));
      run.topology = !run.levels.empty();
      if (!run.topology) {
        for (const cib::Primitive* p : fencing::DevicesInOrder(m)) run.levels.push_back({p->id});
      }
      run.event.target = fence.node;
      run.event.action = fence.action;
      run.event.origin = in.self_name;
      const auto client = clients_.find(fence.node);
      run.event.client = client != clients_.end() ? client->second : "vigild";
      if (client != clients_.end()) clients_.erase(client);
      run.event.when = in.wall;
      events_.Add({fence.action == "on" ? LogLevel::kInfo : LogLevel::kWarning,
                   "fencing " + fence.node + " (" + fence.action + "): " + fence.reason});
      it = runs_.emplace(fence.node, std::move(run)).first;
    }
    if (!Advance(in, it->second)) {
      busy = true;
      continue;
    }
    runs_.erase(it);
    // Ended: done, given up, or to be tried again (which the plan waits for).
    busy = busy || retry_at_.count(fence.node) > 0;
  }
  return busy;
}

bool Fencer::Advance(const Inputs& in, Run& run) {
  const cib::Model& m = *in.model;
  const std::string& target = run.fence.node;
  for (;;) {
    if (run.token != 0) return false;  // its answer is awaited
    if (run.level >= run.levels.size()) {
      if (run.failure.empty()) run.failure = run.levels.empty() ? "no fence device is configured" : "no fence device can fence " + target;
      if (bool ended = false; ByWatchdog(in, run, ended)) return ended;
      Finish(in, run, false);
      return true;
    }
    const std::vector<std::string>& level = run.levels[run.level];
    if (run.device >= level.size()) {
      Finish(in, run, true);
      return true;
    }
    const std::string& id = level[run.device];
    const cib::Primitive* p = m.FindPrimitive(id);
    if (p == nullptr || p->standard != "stonith") {
      DeviceFailed(run, id + " is not a fence device");
      continue;
    }
    const cib::Attributes meta = m.MetaWithDefaults(p->meta, p);
    if (const std::string* role = Find(meta, "target-role"); role != nullptr && cib::CurrentRoleName(*role) == "Stopped") {
      DeviceFailed(run, id + " is disabled (target-role=Stopped)");
      continue;
    }
    if (run.result) {
      const peer::FenceResult r = *run.result;
      const Step step = std::exchange(run.step, Step::kIdle);
      run.result.reset();
      const bool ran = r.status == static_cast<uint8_t>(ExecStatus::kDone);
      const std::string why = id + (r.reason.empty() ? " failed (exit code " + std::to_string(r.rc) + ")" : ": " + r.reason);
      if (step == Step::kMetadata) {
        // Learned once per agent; a failure is not (the device fails now, and asks again next time).
        if (ran && r.rc == 0) {
          agent_actions_[p->type] = ActionsOf(r.output);
        } else {
          DeviceFailed(run, id + ": its meta-data could not be read (" + (r.reason.empty() ? "exit code " + std::to_string(r.rc) : r.reason) + ")");
        }
      } else if (step == Step::kQuery) {
        const std::set<std::string> actions = KnownActions(p->type);
        auto d = fencing::Describe(m, *p, actions.count("list") > 0, actions.count("status") > 0);
        const bool by_list = d.ok() && d->check == fencing::HostCheck::kDynamicList;
        run.eligible = ran && d.ok() && (by_list ? r.rc == 0 && fencing::Listed(*d, target, r.output) : r.rc == 0 || r.rc == 2);
        if (!ran || (by_list ? r.rc != 0 : r.rc != 0 && r.rc != 2)) run.failure = why;
      } else if (step == Step::kAction) {
        if (ran && r.rc == 0) {
          run.fenced_by.push_back(id);
          ++run.device;
          run.eligible.reset();
          run.tries = 0;
          run.due.reset();
          continue;
        }
        run.failure = why;
        // Pacemaker's rule: run again while fewer than pcmk_<action>_retries runs were made, the
        // last did not time out, and less than 70% of the action's timeout has passed since the
        // first.
        const cib::Attributes params = ParamsOn(m, *p, in.self_name);
        const auto budget = std::chrono::milliseconds(TimeoutMs(m, params, run.fence.action) * 7 / 10);
        const bool timed_out = r.status == static_cast<uint8_t>(ExecStatus::kTimedOut);
        if (run.tries >= Retries(params, run.fence.action) || timed_out || in.now - run.first_try >= budget) {
          events_.Error("fencing " + target + " with " + id + " failed (" + why + "); the next device or level, if any");
          DeviceFailed(run, why);
        }
      }
      continue;
    }
    // Whether it can fence the target.
    const cib::Attributes params = ParamsOn(m, *p, in.self_name);
    const bool by_parameters = Find(params, "pcmk_host_check") || Find(params, "pcmk_host_list") || Find(params, "pcmk_host_map");
    if (!by_parameters && !agent_actions_.count(p->type)) {
      Request(in, run, Step::kMetadata, *p, "meta-data");
      continue;
    }
    if (!run.eligible) {
      const std::set<std::string> actions = KnownActions(p->type);
      auto d = fencing::Describe(m, *p, actions.count("list") > 0, actions.count("status") > 0);
      if (!d.ok()) {
        DeviceFailed(run, d.status().message());
        continue;
      }
      switch (fencing::CanFence(*d, target)) {
        case fencing::Eligible::kYes:
          run.eligible = true;
          break;
        case fencing::Eligible::kNo:
          run.eligible = false;
          break;
        case fencing::Eligible::kAskList:
          Request(in, run, Step::kQuery, *p, "list");
          continue;
        case fencing::Eligible::kAskStatus:
          Request(in, run, Step::kQuery, *p, "status");
          continue;
      }
    }
    if (!*run.eligible) {
      if (run.topology || run.failure.empty()) run.failure = id + " cannot fence " + target;
      DeviceFailed(run, run.failure);
      continue;
    }
    if (run.tries == 0 && !run.due) {
      int delay = 0;
      if (FenceAction(run.fence.action)) {
        int base = DelayBase(params, target);
        int max = Find(params, "pcmk_delay_max") ? Seconds(*Find(params, "pcmk_delay_max")) : 0;
        if (max == 0) max = base;
        base = std::min(base, max);
        std::uniform_int_distribution<int> spread(0, std::max(0, max - base - 1));
        delay = base + (max > base ? spread(random_) : 0);
      }
      // priority-fencing-delay comes on top, before the first device only (as Pacemaker's fencer).
      const int priority = run.priority_delay_spent ? 0 : std::max(0, run.fence.priority_delay);
      run.priority_delay_spent = true;
      if (delay + priority > 0) {
        events_.Info("fencing " + target + " with " + id + " after a delay of " + std::to_string(delay + priority) +
                          " s" + (priority > 0 ? " (priority-fencing-delay " + std::to_string(priority) + " s)" : ""));
      }
      run.due = in.now + std::chrono::seconds(delay + priority);
    }
    if (in.now < *run.due) return false;
    if (run.tries++ == 0) run.first_try = in.now;
    Request(in, run, Step::kAction, *p, run.fence.action);
  }
}

bool Fencer::ByWatchdog(const Inputs& in, Run& run, bool& ended) {
  const std::string& target = run.fence.node;
  const auto armed = in.watchdogs.find(target);
  if (!FenceAction(run.fence.action) || in.watchdog_ms <= 0 || armed == in.watchdogs.end()) return false;
  // Counted from the moment the node surely feeds it no more: twice the timeout it armed with,
  // and never less than stonith-watchdog-timeout (the node may have armed with an older value).
  const auto wait = std::chrono::milliseconds(std::max<int64_t>(in.watchdog_ms, int64_t{2000} * armed->second));
  if (!run.watchdog) {
    run.watchdog = true;
    run.due.reset();
    run.event.delegate.clear();
    events_.Warning("fencing " + target + " by its watchdog (" + run.failure + "): it counts as fenced " +
                    std::to_string(wait.count() / 1000) + " s after it stops feeding it (stonith-watchdog-timeout)");
  }
  ended = false;
  if (run.result) {
    const peer::FenceResult r = *std::exchange(run.result, std::nullopt);
    if (r.status == static_cast<uint8_t>(ExecStatus::kDone) && r.rc != 0) {
      // Refused by the node itself (no watchdog armed there after all).
      run.failure = target + " cannot fence itself by watchdog: " + r.reason;
      run.watchdog = false;
      Finish(in, run, false);
      ended = true;
      return true;
    }
    // It said it feeds it no more: the count starts. (No answer, a lost link: asked again below
    // while it is a member.)
    if (r.status == static_cast<uint8_t>(ExecStatus::kDone) && !run.due) run.due = in.now + wait;
  }
  const auto to = std::find_if(in.members.begin(), in.members.end(),
                               [&](const Member& m) { return SameNodeName(m.name, target); });
  if (!run.due && to == in.members.end()) {
    // Gone (frozen, without its vigild, or without quorum): it feeds it no more by itself.
    run.due = in.now + wait;
  }
  if (!run.due) {
    // A member runs on until it has heard that it must stop feeding it.
    peer::FenceRequest request;
    request.token = next_token_++;
    request.device = kWatchdogDevice;
    request.action = run.fence.action;
    request.target = target;
    run.step = Step::kAction;
    run.node = to->id;
    run.token = request.token;
    if (!send_ || !send_(to->id, request)) run.token = 0;  // asked again at the next plan
    return true;
  }
  if (in.now < *run.due) return true;
  run.fenced_by = {kWatchdogDevice};
  Finish(in, run, true);
  ended = true;
  return true;
}

std::set<std::string> Fencer::KnownActions(const std::string& type) const {
  const auto it = agent_actions_.find(type);
  return it != agent_actions_.end() ? it->second : std::set<std::string>();
}

void Fencer::DeviceFailed(Run& run, const std::string& why) {
  if (!why.empty()) run.failure = why;
  ++run.level;
  run.device = 0;
  run.fenced_by.clear();
  run.eligible.reset();
  run.tries = 0;
  run.due.reset();
  run.step = Step::kIdle;
  run.result.reset();
}

void Fencer::Request(const Inputs& in, Run& run, Step step, const cib::Primitive& device, const std::string& action) {
  const cib::Model& m = *in.model;
  const std::string& target = run.fence.node;
  const auto node = Executor(in, device, target);
  if (!node) {
    DeviceFailed(run, "no member but " + target + " itself can run " + device.id);
    return;
  }
  std::string executor_name;
  for (const auto& member : in.members) {
    if (member.id == *node) executor_name = member.name;
  }
  peer::FenceRequest request;
  request.token = next_token_++;
  request.device = device.id;
  request.type = device.type;
  request.action = action;
  if (action != "list" && action != "meta-data") {
    request.target = target;
    for (const auto& n : m.nodes) {
      if (n.uname == target) request.target_nodeid = n.id;
    }
  }
  request.params = ParamsOn(m, device, executor_name);
  request.timeout_ms = TimeoutMs(m, request.params, action == "meta-data" ? "metadata" : action);
  // A run again of a fence action gets what is left of its timeout (Pacemaker's fencer).
  if (step == Step::kAction && run.tries > 1) {
    const int64_t spent = std::chrono::duration_cast<std::chrono::milliseconds>(in.now - run.first_try).count();
    request.timeout_ms = std::max<int64_t>(request.timeout_ms - spent, 1000);
  }
  run.step = step;
  run.node = *node;
  run.token = request.token;
  run.event.delegate = executor_name;
  if (!send_ || !send_(*node, request)) {
    run.token = 0;
    run.result = peer::FenceResult{request.token, static_cast<uint8_t>(ExecStatus::kError), 1, "no link to " + executor_name, ""};
  }
}

std::optional<uint32_t> Fencer::Executor(const Inputs& in, const cib::Primitive& device, const std::string& target) const {
  std::optional<uint32_t> best;
  int best_rank = 3;
  for (const auto& member : in.members) {
    if (SameNodeName(member.name, target)) continue;
    int rank = 2;
    for (const auto& s : in.model->node_states) {
      if (s.uname == member.name && StartedOn(s, device.id)) rank = 0;
    }
    if (rank != 0 && member.id == in.self) rank = 1;
    if (rank < best_rank || (rank == best_rank && best && member.id < *best)) {
      best = member.id;
      best_rank = rank;
    }
  }
  return best;
}

void Fencer::Finish(const Inputs& in, Run& run, bool done) {
  const std::string& target = run.fence.node;
  peer::FenceEvent event = run.event;
  event.state = done ? peer::FenceEvent::State::kDone : peer::FenceEvent::State::kFailed;
  event.when = in.wall;
  event.devices = Join(run.fenced_by);
  if (!done) event.reason = run.failure;
  Record(std::move(event));
  ended_.insert(target);
  if (done) {
    failures_.erase(target);
    retry_at_.erase(target);
    if (run.fence.action == "on") {
      unfenced_[target] = in.wall;
    } else {
      fenced_.push_back(target);
      unfenced_.erase(target);
    }
    events_.Info("fenced " + target + " (" + run.fence.action + ") with " + Join(run.fenced_by) +
                      (run.event.delegate.empty() ? "" : " from " + run.event.delegate));
    return;
  }
  const int failures = ++failures_[target];
  int max = kDefaultMaxAttempts;
  if (const auto it = in.model->properties.find("stonith-max-attempts"); it != in.model->properties.end()) {
    const int given = cib::LenientScore(it->second);
    if (given >= 1) max = given;
  }
  if (failures >= max) {
    given_up_.insert(target);
    retry_at_.erase(target);
    events_.Error("fencing " + target + " failed " + std::to_string(failures) + " times in a row (stonith-max-attempts=" +
                      std::to_string(max) + "), giving up: its resources stay blocked until it is back or fenced otherwise; " +
                      run.failure);
    return;
  }
  retry_at_[target] = in.now + kRetryPause;
  events_.Error("fencing " + target + " failed (attempt " + std::to_string(failures) + " of " + std::to_string(max) +
                    "): " + run.failure);
}

void Fencer::Record(peer::FenceEvent event) {
  history_.push_back(std::move(event));
  if (history_.size() > kHistoryLimit) history_.erase(history_.begin(), history_.end() - kHistoryLimit);
}

bool Fencer::OnResult(const peer::FenceResult& result) {
  for (auto& [target, run] : runs_) {
    if (run.token == 0 || run.token != result.token) continue;
    run.result = result;
    run.token = 0;
    return true;
  }
  if (const auto it = abandoned_.find(result.token); it != abandoned_.end()) {
    late_.emplace_back(std::move(it->second), result);
    abandoned_.erase(it);
    return true;
  }
  return false;
}

void Fencer::OnLost(uint32_t node) {
  for (auto& [target, run] : runs_) {
    if (run.token == 0 || run.node != node) continue;
    run.result = peer::FenceResult{run.token, static_cast<uint8_t>(ExecStatus::kError), 1,
                                   run.event.delegate + " left before it answered", ""};
    run.token = 0;
  }
}

void Fencer::Confirm(const std::string& target, const std::string& client, const std::string& origin, int64_t wall) {
  Record({target, "off", peer::FenceEvent::State::kDone, "", origin, client, "", "", wall});
  runs_.erase(target);
  failures_.erase(target);
  retry_at_.erase(target);
  given_up_.erase(target);
  fenced_.push_back(target);
  unfenced_.erase(target);
  ended_.insert(target);
  events_.Warning("fencing " + target + " confirmed by hand (" + client + "): it counts as down");
}

void Fencer::Forgive() {
  given_up_.clear();
  failures_.clear();
  retry_at_.clear();
}

void Fencer::Reset() {
  // What was in flight may still answer, should this node take office again: kept to tell the
  // history how it ended (the newest few).
  for (auto& [target, run] : runs_) {
    if (run.token != 0) abandoned_.emplace(run.token, std::move(run));
  }
  while (abandoned_.size() > kAbandonedLimit) abandoned_.erase(abandoned_.begin());
  runs_.clear();
  ended_.clear();
  clients_.clear();
  Forgive();
  fenced_.clear();
  unfenced_.clear();
}

std::vector<std::string> Fencer::TakeFenced() { return std::exchange(fenced_, {}); }

std::optional<SteadyTime> Fencer::NextWake() const {
  std::optional<SteadyTime> next;
  auto consider = [&](SteadyTime t) {
    if (!next || t < *next) next = t;
  };
  for (const auto& [target, run] : runs_) {
    if (run.token == 0 && run.due) consider(*run.due);
  }
  for (const auto& [target, at] : retry_at_) consider(at);
  return next;
}

std::vector<peer::FenceEvent> Fencer::History() const {
  std::vector<peer::FenceEvent> out = history_;
  for (const auto& [target, run] : runs_) out.push_back(run.event);
  return out;
}

namespace {

// A former DC's event as the next DC keeps it: one pending there ended without an answer.
peer::FenceEvent Inherited(peer::FenceEvent e) {
  if (e.state == peer::FenceEvent::State::kPending) {
    e.state = peer::FenceEvent::State::kFailed;
    e.reason = kNoLongerDc + (" (" + e.origin + ") is no longer DC");
  }
  return e;
}

}  // namespace

void Fencer::SeedHistory(const std::vector<peer::FenceEvent>& events) {
  if (events.empty()) return;
  history_.clear();
  for (const auto& e : events) history_.push_back(Inherited(e));
}

void Fencer::MergeHistory(const std::vector<peer::FenceEvent>& events) {
  bool added = false;
  for (const auto& event : events) {
    // A fence this DC carries out now is its own (a member held it as pending), not a failure.
    if (event.state == peer::FenceEvent::State::kPending && runs_.count(event.target)) continue;
    peer::FenceEvent e = Inherited(event);
    if (std::find(history_.begin(), history_.end(), e) != history_.end()) continue;
    history_.push_back(std::move(e));
    added = true;
  }
  if (!added) return;
  std::stable_sort(history_.begin(), history_.end(), [](const auto& a, const auto& b) { return a.when < b.when; });
  if (history_.size() > kHistoryLimit) history_.erase(history_.begin(), history_.end() - kHistoryLimit);
}

std::vector<LogEvent> Fencer::TakeEvents() { return events_.Take(); }

}  // namespace vigil::daemon
