#include "cluster/daemon/local_resources.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>

#include "cluster/cib/digest.h"
#include "cluster/cib/score.h"
#include "common/clock.h"
#include "common/ocf.h"

namespace vigil::daemon {
namespace {

// An operation in flight, as Pacemaker records it: execution status -1, rc 193 (unknown).
constexpr int kPendingStatus = -1;
constexpr int kPendingRc = 193;

// Pacemaker's execution status numbers, as the status section records them.
int OpStatus(ExecStatus s) {
  switch (s) {
    case ExecStatus::kDone: return 0;
    case ExecStatus::kCancelled: return 1;
    case ExecStatus::kTimedOut: return 2;
    case ExecStatus::kError: return 4;
  }
  return 4;
}

std::string Describe(const peer::Execute& e) {
  if (e.action == "monitor" && e.interval_ms == 0) return "probe of " + e.rsc;
  if (e.action == "notify" && e.meta.count("notify_type") && e.meta.count("notify_operation")) {
    return e.meta.at("notify_type") + "-" + e.meta.at("notify_operation") + " notification of " + e.rsc;
  }
  if (e.interval_ms > 0) return e.action + " (every " + std::to_string(e.interval_ms) + " ms) of " + e.rsc;
  return e.action + " of " + e.rsc;
}

// A one-shot operation's record: <rsc>_last_0, but a migration step keeps a record of its own
// (<rsc>_migrate_to_0, <rsc>_migrate_from_0), as Pacemaker keeps them: the scheduler reads a
// migration from both nodes' steps, whatever was done after.
std::string RecordId(const peer::Execute& e) {
  if (e.action == "migrate_to" || e.action == "migrate_from") return e.rsc + "_" + e.action + "_0";
  return e.rsc + "_last_0";
}

// A migration step records the nodes it is between.
void SetMigration(const peer::Execute& e, cib::OpRecord& record) {
  if (const auto it = e.meta.find("migrate_source"); it != e.meta.end()) record.migrate_source = it->second;
  if (const auto it = e.meta.find("migrate_target"); it != e.meta.end()) record.migrate_target = it->second;
}

void Put(std::vector<cib::OpRecord>& ops, cib::OpRecord record) {
  const auto it = std::find_if(ops.begin(), ops.end(), [&](const cib::OpRecord& o) { return o.id == record.id; });
  if (it != ops.end()) {
    *it = std::move(record);
  } else {
    ops.push_back(std::move(record));
  }
}

}  // namespace

LocalResources::LocalResources(lrm::OperationQueue& queue, std::string node_id, std::string uname)
    : queue_(queue) {
  state_.id = std::move(node_id);
  state_.uname = std::move(uname);
}

bool LocalResources::SetTransient(const std::string& name, const std::optional<std::string>& value) {
  const auto it = state_.transient.find(name);
  if (value ? (it != state_.transient.end() && it->second == *value) : it == state_.transient.end()) return false;
  if (value) {
    state_.transient[name] = *value;
  } else {
    state_.transient.erase(it);
  }
  changed_ = true;
  return true;
}

std::vector<LogEvent> LocalResources::TakeEvents() { return events_.Take(); }

void LocalResources::Forget() {
  // What ran is unknown until probed; what failed stays on record (until a cleanup).
  for (auto& h : state_.resources) {
    std::erase_if(h.ops, [&](const cib::OpRecord& o) { return o.id != h.id + "_last_failure_0"; });
  }
  std::erase_if(state_.resources, [](const cib::ResourceHistory& h) { return h.ops.empty(); });
  changed_ = true;
}

void LocalResources::Cleanup(const std::string& rsc) {
  bool forgot = std::erase_if(state_.resources, [&](const cib::ResourceHistory& h) { return h.id == rsc; }) > 0;
  // Transient attributes are named "<kind>-<rsc>#<op>_<interval>".
  forgot |= std::erase_if(state_.transient, [&](const auto& a) {
              return a.first.starts_with("fail-count-" + rsc + "#") || a.first.starts_with("last-failure-" + rsc + "#");
            }) > 0;
  forgot |= CancelRecurring(rsc);
  if (forgot) {
    events_.Info("cleanup of " + rsc + ": history and fail counts forgotten; it is probed again");
    changed_ = true;
  }
}

bool LocalResources::CancelRecurring(const std::string& rsc) {
  const auto [first, last] = recurring_.equal_range(rsc);
  for (auto it = first; it != last; ++it) queue_.Cancel(it->second);
  const bool any = first != last;
  recurring_.erase(first, last);
  ++epoch_[rsc];
  return any;
}

cib::ResourceHistory& LocalResources::History(const peer::Execute& e) {
  auto it = std::find_if(state_.resources.begin(), state_.resources.end(),
                         [&](const cib::ResourceHistory& h) { return h.id == e.rsc; });
  if (it == state_.resources.end()) {
    state_.resources.push_back({e.rsc, e.standard, e.provider, e.type, {}});
    return state_.resources.back();
  }
  // Run by another agent than the one its history was made by (the configuration changed it;
  // the old one was stopped with the old agent): that history, and the fail counts that went
  // with it, are forgotten, as Pacemaker deletes them.
  if (e.action != "stop" && (it->standard != e.standard || it->provider != e.provider || it->type != e.type)) {
    events_.Info(e.rsc + ": now " + cib::AgentName(e.standard, e.provider, e.type) + ", was " +
                      cib::AgentName(it->standard, it->provider, it->type) + ": its history and fail counts are forgotten");
    *it = {e.rsc, e.standard, e.provider, e.type, {}};
    std::erase_if(state_.transient, [&](const auto& a) {
      return a.first.starts_with("fail-count-" + e.rsc + "#") || a.first.starts_with("last-failure-" + e.rsc + "#");
    });
    changed_ = true;
  }
  return *it;
}

bool LocalResources::StopInFlight(const std::string& rsc) const {
  const auto [first, last] = one_shot_.equal_range(rsc);
  return std::any_of(first, last, [](const auto& f) { return f.second.action == "stop"; });
}

const cib::OpRecord* LocalResources::LastRecord(const std::string& rsc) const {
  for (const auto& h : state_.resources) {
    if (h.id != rsc) continue;
    // The newest of <rsc>_last_0 and the migration steps' records (one in flight is newest).
    const cib::OpRecord* latest = nullptr;
    for (const auto& o : h.ops) {
      if (o.id != rsc + "_last_0" && o.id != rsc + "_migrate_to_0" && o.id != rsc + "_migrate_from_0") continue;
      const bool newer = latest == nullptr || (latest->call_id >= 0 && (o.call_id < 0 || o.call_id > latest->call_id));
      if (newer) latest = &o;
    }
    return latest;
  }
  return nullptr;
}

bool LocalResources::StoppedHere(const std::string& rsc) const {
  // Calls of one resource run in the order given, so the latest one decides.
  const InFlight* latest = nullptr;
  const auto [first, last] = one_shot_.equal_range(rsc);
  for (auto it = first; it != last; ++it) {
    const bool says_nothing = it->second.action == "monitor" || it->second.action == "notify";
    if (!says_nothing && (latest == nullptr || it->second.call > latest->call)) latest = &it->second;
  }
  if (latest != nullptr) return latest->action == "stop";
  const cib::OpRecord* record = LastRecord(rsc);
  // Never probed or started here (or forgotten since): nothing runs that this node knows of.
  if (record == nullptr) return true;
  // (Migrated away, it no longer runs here.)
  return record->op_status == 0 && ((record->operation == "stop" && record->rc == 0) ||
                                    (record->operation == "migrate_to" && record->rc == 0) ||
                                    (record->operation == "monitor" && record->rc == 7));
}

size_t LocalResources::StopAll() {
  size_t stops = 0;
  for (const auto& [rsc, given] : last_given_) {
    bool busy = false;  // an operation other than a stop is in flight
    const auto [first, last] = one_shot_.equal_range(rsc);
    for (auto it = first; it != last; ++it) {
      if (it->second.action == "stop") continue;
      busy = true;
      queue_.Cancel(it->second.call);  // its result comes back cancelled: withdrawn
    }
    // Stopping already, or recorded as not running. With no record at all the state is unknown
    // (forgotten when the executor child restarted): stopped to be sure.
    if (!busy && (StopInFlight(rsc) || (LastRecord(rsc) != nullptr && StoppedHere(rsc)))) continue;
    peer::Execute stop = given;
    stop.action = "stop";
    stop.interval_ms = 0;
    Submit(stop, [] {});
    ++stops;
  }
  return stops;
}

void LocalResources::Hold(std::optional<std::string> why) {
  hold_ = std::move(why);
  if (hold_) return;
  for (auto& done : std::exchange(held_, {})) done();
}

void LocalResources::Execute(const peer::Execute& e, std::function<void()> done) {
  if (e.action == "cancel") {
    bool forgot = CancelRecurring(e.rsc);
    for (auto& h : state_.resources) {
      if (h.id != e.rsc) continue;
      forgot |= std::erase_if(h.ops, [&](const cib::OpRecord& o) {
                  return o.interval_ms > 0 && o.id == e.rsc + "_monitor_" + std::to_string(o.interval_ms);
                }) > 0;
    }
    if (forgot) {
      events_.Info("recurring monitors of " + e.rsc + " cancelled" + (e.meta.count("reason") ? " (" + e.meta.at("reason") + ")" : ""));
      changed_ = true;
    }
    done();
    return;
  }
  const bool probe = e.action == "monitor" && e.interval_ms == 0;
  if (hold_ && e.action != "stop" && !probe) {
    events_.Info(Describe(e) + " not run: " + *hold_);
    held_.push_back(std::move(done));
    return;
  }
  if (e.interval_ms > 0 && StoppedHere(e.rsc)) {
    // Planned on a report from before this node stopped it: the report the answer carries shows
    // it stopped, and the DC plans from that.
    const bool stopping = StopInFlight(e.rsc);
    events_.Info(Describe(e) + " not started: " + e.rsc + (stopping ? " is stopping here" : " is not running here"));
    if (stopping) {
      after_stop_.emplace(e.rsc, std::move(done));
    } else {
      done();
    }
    return;
  }
  Submit(e, std::move(done));
}

void LocalResources::Submit(const peer::Execute& e, std::function<void()> done) {
  if (e.interval_ms == 0) last_given_[e.rsc] = e;
  if (e.action == "stop" || e.action == "migrate_to") ++epoch_[e.rsc];  // (its monitors go with it)
  Operation op;
  op.resource = e.rsc;
  op.agent = cib::AgentName(e.standard, e.provider, e.type);
  op.action = e.action;
  for (const auto& [name, value] : e.params) op.params.emplace_back(name, value);
  for (const auto& [name, value] : e.meta) op.meta.emplace_back(name, value);
  op.timeout = std::chrono::milliseconds(e.timeout_ms);
  op.interval = std::chrono::milliseconds(e.interval_ms);
  if (e.interval_ms == 0 && e.action != "monitor" && e.action != "notify") {
    // Recorded as pending until it ends (Pacemaker's record-pending): a DC that takes over
    // meanwhile sees the resource starting or stopping here, and plans around it instead of
    // starting it elsewhere.
    cib::OpRecord pending;
    pending.id = RecordId(e);
    pending.operation = e.action;
    SetMigration(e, pending);
    pending.call_id = -1;
    pending.rc = kPendingRc;
    pending.op_status = kPendingStatus;
    pending.last_rc_change = WallSeconds();
    if (e.action != "stop") {
      if (auto digest = cib::ParametersDigest(e.params)) pending.op_digest = *digest;
    }
    Put(History(e).ops, std::move(pending));
    changed_ = true;
  }
  auto first = std::make_shared<bool>(true);
  auto call = std::make_shared<uint64_t>(0);
  const uint64_t epoch = epoch_[e.rsc];
  *call = queue_.Submit(std::move(op), [this, e, first, call, epoch, done = std::move(done)](const OperationResult& r) {
    const bool is_first = std::exchange(*first, false);
    if (e.interval_ms == 0) {
      std::erase_if(one_shot_, [&](const auto& f) { return f.second.call == *call; });
    } else if (epoch != epoch_[e.rsc]) {
      // Started before a stop or a cleanup of its resource: whatever it says now is stale.
      if (r.status == ExecStatus::kCancelled) std::erase_if(recurring_, [&](const auto& c) { return c.second == *call; });
      if (is_first) done();
      return;
    }
    Record(e, r, is_first);
    if (is_first) done();
    if (e.action == "stop") {
      const auto [begin, end] = after_stop_.equal_range(e.rsc);
      std::vector<std::function<void()>> waiting;
      for (auto it = begin; it != end; ++it) waiting.push_back(std::move(it->second));
      after_stop_.erase(begin, end);
      for (auto& w : waiting) w();
    }
  });
  if (e.interval_ms > 0) {
    recurring_.emplace(e.rsc, *call);
  } else {
    one_shot_.emplace(e.rsc, InFlight{*call, e.action});
  }
}

void LocalResources::Record(const peer::Execute& e, const OperationResult& r, bool first) {
  const bool probe = e.action == "monitor" && e.interval_ms == 0;
  const bool recurring = e.interval_ms > 0;
  const std::string monitor_id = e.rsc + "_" + e.action + "_" + std::to_string(e.interval_ms);
  if (recurring && r.status == ExecStatus::kCancelled) {
    // The call is over: cancelled before a stop, by a cleanup, or by the executor child's death
    // (the monitor then says nothing about the resource: not a failure; the probe after the
    // restart tells).
    std::erase_if(recurring_, [&](const auto& c) { return c.second == r.call_id; });
    if (r.reason.starts_with(lrm::kChildDied)) {
      events_.Warning(Describe(e) + ": ended with the executor child (" + r.reason + "); probed again");
    }
    // No longer monitored here. Looked up, not made: after a cleanup the history is gone, and an
    // empty one would read as "probed, not running".
    for (auto& h : state_.resources) {
      if (h.id == e.rsc) std::erase_if(h.ops, [&](const cib::OpRecord& o) { return o.id == monitor_id; });
    }
    changed_ = true;
    return;
  }
  if (!recurring && r.status == ExecStatus::kCancelled) {
    // Withdrawn (before a stop of everything, or by the executor child when its lease lapsed):
    // not the agent's failure, and whatever it did is undone by the stop that follows.
    events_.Info(Describe(e) + ": withdrawn" + (r.reason.empty() ? "" : " (" + r.reason + ")"));
    // What it did is unknown now: no record says otherwise (a stop follows, or a probe).
    for (auto& h : state_.resources) {
      if (h.id == e.rsc) {
        // Its own pending record only: the stop that followed it has recorded its own.
        std::erase_if(h.ops, [&](const cib::OpRecord& o) {
          return o.id == RecordId(e) && o.op_status == kPendingStatus && o.operation == e.action;
        });
      }
    }
    changed_ = true;
    return;
  }
  if (e.action == "notify") {
    // A clone notification tells the instance what its peers do; it changes nothing of its own
    // state, so it is not history (Pacemaker does not record it either). A failed one is noted.
    const bool notified = r.status == ExecStatus::kDone && r.rc == 0;
    events_.Add({notified ? LogLevel::kInfo : LogLevel::kWarning,
                 Describe(e) + ": " + (r.status == ExecStatus::kDone ? OcfCodeName(r.rc) : std::string(ExecStatusName(r.status))) +
                      (notified ? "" : " (a failed notification is not a failure of the resource)")});
    return;
  }
  cib::ResourceHistory& h = History(e);
  const int op_status = OpStatus(r.status);
  // The code this operation should return: 0, a probe's 7 (not running; 8, promoted, is news
  // too), or what the DC says (a monitor in the Promoted role expects 8).
  int expected = probe ? 7 : 0;
  if (const auto it = e.meta.find("op_target_rc"); it != e.meta.end()) expected = std::atoi(it->second.c_str());
  const bool ok = op_status == 0 && (r.rc == expected || (probe && (r.rc == 0 || r.rc == 8)));
  cib::OpRecord record;
  record.id = recurring ? monitor_id : RecordId(e);
  record.operation = e.action;
  SetMigration(e, record);
  record.interval_ms = e.interval_ms;
  record.call_id = ++call_id_;
  record.rc = r.rc;
  record.op_status = op_status;
  record.exit_reason = r.reason;
  record.target_rc = expected;
  record.last_rc_change = WallSeconds();
  if (!recurring && e.action != "stop") {
    if (auto digest = cib::ParametersDigest(e.params)) record.op_digest = *digest;
  }
  if (recurring && !first) {
    const auto it = std::find_if(h.ops.begin(), h.ops.end(), [&](const cib::OpRecord& o) { return o.id == monitor_id; });
    // Only a change is news: a monitor that keeps saying the same says nothing new.
    if (it != h.ops.end() && it->rc == record.rc && it->op_status == record.op_status) return;
  }
  const std::string outcome = op_status == 0 ? OcfCodeName(r.rc) : std::string(ExecStatusName(r.status));
  // A failed operation is an error; a monitor that finds its resource failed too.
  events_.Add({ok ? LogLevel::kInfo : LogLevel::kError,
               Describe(e) + ": " + outcome + (r.reason.empty() ? "" : " (" + r.reason + ")") + " in " +
                    std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(r.elapsed).count()) + " ms" +
                    (ok ? "" : ": failed")});
  if ((e.action == "stop" || e.action == "migrate_to") && ok) {
    // The executor cancelled the recurring monitors before the stop (or migrate_to) ran.
    // (The failure record keeps the failed monitor's interval: it stays until a cleanup.)
    std::erase_if(h.ops, [&](const cib::OpRecord& o) { return o.interval_ms > 0 && o.id != e.rsc + "_last_failure_0"; });
  }
  if (!ok) {
    cib::OpRecord failure = record;
    failure.id = e.rsc + "_last_failure_0";
    Put(h.ops, std::move(failure));
    const std::string key = e.rsc + "#" + e.action + "_" + std::to_string(e.interval_ms);
    std::string& count = state_.transient["fail-count-" + key];
    count = e.action == "start" ? "INFINITY"
                                : cib::ScoreText(cib::AddScores(cib::ParseScore(count).value_or(0), 1));
    state_.transient["last-failure-" + key] = std::to_string(record.last_rc_change);
  }
  Put(h.ops, std::move(record));
  changed_ = true;
}

}  // namespace vigil::daemon
