#include "cluster/scheduler/working_set.h"

#include <strings.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <climits>
#include <map>
#include <set>

#include "cluster/cib/digest.h"
#include "cluster/cib/score.h"
#include "cluster/scheduler/scheduler.h"
#include "common/node_order.h"

namespace vigil::scheduler {
namespace {

using cib::Attributes;
using cib::PacemakerIsTrue;
using cib::kInfinity;

const std::string* Find(const Attributes& attributes, const std::string& name) {
  const auto it = attributes.find(name);
  return it == attributes.end() ? nullptr : &it->second;
}

int ScoreOr(const Attributes& attributes, const std::string& name, int fallback) {
  const std::string* text = Find(attributes, name);
  return text == nullptr ? fallback : cib::LenientScore(*text);
}

// Capacities as Pacemaker reads them: an integer each, anything else 0.
Utilization ReadUtilization(const Attributes& attributes) {
  Utilization out;
  for (const auto& [name, text] : attributes) {
    long long value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size()) value = 0;
    out[name] = static_cast<int>(std::clamp<long long>(value, INT_MIN, INT_MAX));
  }
  return out;
}

void UnpackOptions(const cib::Model& cib, WorkingSet& ws) {
  const Attributes& p = cib.properties;
  ws.have_quorum = cib.have_quorum;
  if (const auto* v = Find(p, "symmetric-cluster")) ws.symmetric = PacemakerIsTrue(*v);
  if (const auto* v = Find(p, "stonith-enabled")) ws.stonith_enabled = PacemakerIsTrue(*v);
  if (const auto* v = Find(p, "stop-all-resources")) ws.stop_all = PacemakerIsTrue(*v);
  ws.stonith_action = StonithAction(cib);
  if (const auto* v = Find(p, "startup-fencing")) ws.startup_fencing = PacemakerIsTrue(*v);
  if (const auto* v = Find(p, "enable-startup-probes")) ws.startup_probes = PacemakerIsTrue(*v);
  if (const auto* v = Find(p, "priority-fencing-delay")) {
    const auto ms = cib::ParseDurationMs(*v);
    ws.priority_fencing_delay = ms && *ms > 0 ? static_cast<int>(*ms / 1000) : 0;
  }
  if (ws.stonith_enabled) {
    for (const auto& prim : cib.primitives) {
      const Attributes meta = cib.MetaWithDefaults(prim.meta, &prim);
      const std::string* provides = Find(meta, "provides");
      const std::string* needs = Find(meta, "requires");
      if ((provides != nullptr && *provides == "unfencing") || (needs != nullptr && *needs == "unfencing")) {
        ws.enable_unfencing = true;
      }
    }
  }
  // A watchdog (SBD) fences as a device would: resources are not left unmanaged for want of one.
  if (const auto* v = Find(p, "have-watchdog"); v != nullptr && PacemakerIsTrue(*v)) ws.have_stonith_resource = true;
  if (const auto* v = Find(p, "placement-strategy")) {
    if (*v == "utilization") ws.strategy = PlacementStrategy::kUtilization;
    if (*v == "minimal") ws.strategy = PlacementStrategy::kMinimal;
    if (*v == "balanced") ws.strategy = PlacementStrategy::kBalanced;
  }
  if (const auto* v = Find(p, "no-quorum-policy")) {
    if (strcasecmp(v->c_str(), "ignore") == 0) {
      ws.no_quorum_policy = NoQuorumPolicy::kIgnore;
    } else if (strcasecmp(v->c_str(), "freeze") == 0) {
      ws.no_quorum_policy = NoQuorumPolicy::kFreeze;
    } else if (strcasecmp(v->c_str(), "demote") == 0) {
      ws.no_quorum_policy = NoQuorumPolicy::kDemote;
    } else if (strcasecmp(v->c_str(), "suicide") == 0 && ws.stonith_enabled && (cib.have_quorum || cib.no_quorum_panic)) {
      // Pacemaker keeps suicide only with fencing enabled, for a partition that had quorum (or
      // with no-quorum-panic); otherwise it is stop.
      ws.no_quorum_policy = NoQuorumPolicy::kSuicide;
    }
  }
}

// A node's state with fencing enabled, as Pacemaker 2.1.5 reads its node_state
// (determine_online_status_fencing): each way of being in doubt makes it unclean, with its reason.
// A node asked to terminate is one to fence; one that has not joined yet (pending) runs nothing.
void FencingStatus(WorkingSet& ws, int n, const cib::NodeState& s) {
  NodeInfo& node = ws.nodes[n];
  const std::string* terminate = Find(node.attributes, "terminate");
  const bool terminating = terminate != nullptr && (PacemakerIsTrue(*terminate) ||
                                                    (!terminate->empty() && std::isdigit(static_cast<unsigned char>((*terminate)[0])) &&
                                                     (*terminate)[0] != '0'));
  const std::string* shutdown = Find(node.attributes, "shutdown");
  const bool crmd_online = strcasecmp(s.crmd.c_str(), "online") == 0;
  auto join_is = [&](const char* state) { return strcasecmp(s.join.c_str(), state) == 0; };
  const bool expected_down = s.expected.empty() || strcasecmp(s.expected.c_str(), "down") == 0;
  if (shutdown != nullptr && !shutdown->empty() && *shutdown != "0") {
    node.member = crmd_online;  // leaving: a node whose controller is gone cannot be shut down
  } else if (!s.in_ccm_known) {
    ws.MarkUnclean(n, "peer has not been seen by the cluster");
  } else if (join_is("banned")) {
    ws.MarkUnclean(n, "peer failed Pacemaker membership criteria");
  } else if (!terminating && expected_down) {
    node.online = false;  // not ready to run resources (pending), or down
  } else if (terminating && join_is("down") && !s.in_ccm && !crmd_online) {
    // just fenced: cleanly down
  } else if (!s.in_ccm) {
    ws.MarkUnclean(n, kLostReason);
  } else if (!crmd_online) {
    ws.MarkUnclean(n, "peer process is no longer available");
  } else if (terminating) {
    ws.MarkUnclean(n, "termination was requested");
  } else if (join_is("member")) {
    // active
  } else if (join_is("pending") || join_is("down")) {
    node.online = false;  // not ready to run resources
  } else {
    ws.MarkUnclean(n, "peer was in an unknown state");
  }
}

void UnpackNodes(const cib::Model& cib, WorkingSet& ws) {
  for (const auto& n : cib.nodes) {
    NodeInfo node;
    node.id = n.id;
    node.uname = n.uname;
    node.attributes = n.attributes;
    node.weight = n.score;
    node.capacity = ReadUtilization(n.utilization);
    ws.nodes.push_back(std::move(node));
  }
  for (size_t n = 0; n < ws.nodes.size(); ++n) ws.node_index.emplace(ws.nodes[n].id, static_cast<int>(n));
  std::vector<char> seen(ws.nodes.size(), 0);
  for (const auto& s : cib.node_states) {
    const int n = ws.FindNodeById(s.id);
    if (n < 0) continue;  // a node_state for a node not configured
    seen[n] = 1;
    NodeInfo* it = &ws.nodes[n];
    for (const auto& [name, value] : s.transient) it->attributes[name] = value;
    // A node runs resources when its cluster layer and its controller are up and it has joined;
    // without fencing, any other node is taken as cleanly down.
    it->online = s.in_ccm && s.crmd == "online" && s.join == "member";
    it->member = s.in_ccm;
    if (ws.stonith_enabled) FencingStatus(ws, n, s);
    if (!ws.have_quorum && ws.no_quorum_policy == NoQuorumPolicy::kSuicide && it->member) {
      ws.MarkUnclean(n, "cluster does not have quorum");
    }
  }
  // Never seen: unclean while startup-fencing holds (it may run anything), with fencing enabled.
  for (size_t n = 0; n < ws.nodes.size(); ++n) {
    if (!seen[n] && ws.stonith_enabled && ws.startup_fencing) ws.nodes[n].unclean = true;
  }
  for (size_t n = 0; n < ws.nodes.size(); ++n) {
    for (auto& [name, value] : cib.BuiltinAttributes(cib.nodes[n])) ws.nodes[n].attributes[name] = std::move(value);
  }
  for (auto& node : ws.nodes) {
    const std::string* standby = Find(node.attributes, "standby");
    node.standby = standby != nullptr && PacemakerIsTrue(*standby);
    const std::string* maintenance = Find(node.attributes, "maintenance");
    node.maintenance = maintenance != nullptr && PacemakerIsTrue(*maintenance);
    const std::string* shutdown = Find(node.attributes, "shutdown");
    node.shutdown = shutdown != nullptr && !shutdown->empty() && *shutdown != "0";
  }
}

// target-role: Stopped; Unpromoted for an instance of a promotable clone; anything else (Started,
// Promoted, which is what placement does anyway) leaves the role to placement.
Role TargetRole(const Attributes& meta, bool promotable) {
  const std::string* v = Find(meta, "target-role");
  if (v == nullptr) return Role::kUnknown;
  const std::string_view role = cib::CurrentRoleName(*v);
  if (role == "Stopped") return Role::kStopped;
  if (role == "Unpromoted" && promotable) return Role::kUnpromoted;
  return Role::kUnknown;
}

OnFail OnFailFor(const Resource& r, const cib::OpRecord& op, const cib::Model& cib, const WorkingSet& ws) {
  // Fencing the node is planned only for a caller that plans fences (vigild, vigil simulate);
  // for one that does not, the resource whose stop failed is blocked instead.
  const OnFail fence_or_block = ws.stonith_enabled && ws.plan_fencing ? OnFail::kFence : OnFail::kBlock;
  if (r.primitive == nullptr) return op.operation == "stop" ? fence_or_block : OnFail::kRestart;
  const std::string* v = nullptr;
  for (const auto& configured : r.primitive->operations) {
    if (configured.name == op.operation && configured.interval_ms == op.interval_ms) v = Find(configured.meta, "on-fail");
  }
  // What the operation does not set, op_defaults may.
  const Attributes defaults = v == nullptr ? cib.OpDefaults(*r.primitive, op.operation, op.interval_ms) : Attributes();
  if (v == nullptr) v = Find(defaults, "on-fail");
  if (v != nullptr) {
    if (*v == "ignore") return OnFail::kIgnore;
    if (*v == "demote") return OnFail::kDemote;
    if (*v == "block") return OnFail::kBlock;
    if (*v == "standby") return OnFail::kStandby;
    // fence, with fencing disabled: stop, as Pacemaker resets it.
    if (*v == "fence") return ws.stonith_enabled && ws.plan_fencing ? OnFail::kFence : OnFail::kStop;
    if (*v == "stop") return OnFail::kStop;
    return OnFail::kRestart;
  }
  // A failed stop leaves the resource in an unknown state: with fencing enabled, the node is
  // fenced; without, the resource is blocked.
  if (op.operation == "stop") return fence_or_block;
  return OnFail::kRestart;
}

// The resource's failure-timeout in seconds (its meta attribute, else rsc_defaults); 0: none.
int64_t FailureTimeoutSeconds(const Resource& r, const cib::Model& cib) {
  const Attributes meta = r.primitive != nullptr ? cib.MetaWithDefaults(r.primitive->meta, r.primitive) : cib.rsc_defaults;
  const std::string* v = Find(meta, "failure-timeout");
  if (v == nullptr) return 0;
  return cib::ParseDurationMs(*v).value_or(0) / 1000;
}

// Whether something that happened at `at` is older than `timeout_s` at `now` (never for a time
// in the future, whatever the numbers).
bool Expired(int64_t at, int64_t timeout_s, int64_t now) {
  // `now - timeout_s` cannot overflow (both positive); `now - at` could, for a hostile `at`.
  return timeout_s > 0 && now > 0 && at <= now - timeout_s;
}

// OCF exit codes that say an operation will fail the same way on this node again (invalid
// arguments, insufficient privileges, not installed), and the one that says it will everywhere.
bool HardError(int rc) { return rc == 2 || rc == 4 || rc == 5; }
constexpr int kNotConfigured = 6;
constexpr int kExecError = 4;
constexpr int kExecNotInstalled = 7;  // the executor found no agent (or a tool it needs) there
constexpr int kNotInstalled = 5;
constexpr int kDegraded = 190;
constexpr int kDegradedPromoted = 191;
constexpr int kRunningPromoted = 8;
constexpr int kFailedPromoted = 9;
constexpr int kOpPending = -1;

// Whether the parameters differ from the recorded ones only in secrets the CIB hides (Pacemaker
// then compares the digest without them and, for a fence device, without its pcmk_* options).
bool SecretsHidden(const cib::OpRecord& op, const cib::Primitive& p, const Attributes& params) {
  if (op.secure_digest.empty()) return false;
  Attributes visible = params;
  for (const auto& name : op.secure_params) visible.erase(name);
  if (p.standard == "stonith") std::erase_if(visible, [](const auto& a) { return a.first.starts_with("pcmk_"); });
  const auto digest = cib::ParametersDigest(visible);
  return digest && *digest == op.secure_digest;
}

// Live migration in the history, read as Pacemaker 2.1.5 reads it: a migrate_to on the node the
// resource left, a migrate_from on the one it went to, each naming both (migrate_source,
// migrate_target). Each step is judged against what the other node's history says.

// Resource `id`'s history on the node named `uname`; null if none.
const cib::ResourceHistory* HistoryOn(const cib::Model& cib, const std::string& uname, const std::string& id) {
  for (const auto& s : cib.node_states) {
    if (s.uname != uname) continue;
    for (const auto& h : s.resources) {
      if (h.id == id) return &h;
    }
  }
  return nullptr;
}

// The first `operation` in `h` (a migrate_to towards `peer`, a migrate_from from `peer`, when
// `peer` is given), and when `rc` >= 0 only if it completed with that code; null if none.
const cib::OpRecord* FindOp(const cib::ResourceHistory* h, const std::string& operation, const std::string& peer, int rc) {
  if (h == nullptr) return nullptr;
  for (const auto& op : h->ops) {
    if (op.operation != operation) continue;
    if (!peer.empty() && (operation == "migrate_to" ? op.migrate_target : op.migrate_source) != peer) continue;
    if (rc >= 0 && (op.rc != rc || op.op_status != 0)) return nullptr;
    return &op;
  }
  return nullptr;
}

// Whether `a` happened after `b`: by call id on one node, by the time of the result across
// nodes (not at all when either has none recorded); an operation still in flight is the newer.
bool Newer(const cib::OpRecord& a, const cib::OpRecord& b, bool same_node) {
  if (a.call_id < 0 && b.call_id < 0) return false;
  if (a.call_id < 0 || b.call_id < 0) return a.call_id < 0;
  if (same_node && a.call_id != b.call_id) return a.call_id > b.call_id;
  return a.last_rc_change > 0 && b.last_rc_change > 0 && a.last_rc_change > b.last_rc_change;
}

// Whether `h` holds a start, stop or migration newer than `op`.
bool ChangedAfter(const cib::ResourceHistory* h, const cib::OpRecord& op, bool same_node) {
  if (h == nullptr) return false;
  static const std::set<std::string> kChanges = {"start", "stop", "migrate_to", "migrate_from"};
  for (const auto& o : h->ops) {
    if (&o != &op && kChanges.count(o.operation) && Newer(o, op, same_node)) return true;
  }
  return false;
}

// Whether the node named `uname` knows more of the resource than migration `to` → `from` told
// (either may be null): a later start, stop or migration, or a later monitor that found it
// stopped. Compared with the migration's own step on that node where there is one.
bool NewerThanMigration(const cib::Model& cib, const std::string& id, const std::string& uname,
                        const cib::OpRecord* to, const cib::OpRecord* from) {
  const cib::OpRecord* op = from != nullptr ? from : to;
  if (op == nullptr) return false;
  bool same_node = false;
  if (uname == op->migrate_target) {
    same_node = from != nullptr;
    op = from != nullptr ? from : to;
  } else if (uname == op->migrate_source) {
    same_node = to != nullptr;
    op = to != nullptr ? to : from;
  }
  const cib::ResourceHistory* h = HistoryOn(cib, uname, id);
  if (ChangedAfter(h, *op, same_node)) return true;
  const cib::OpRecord* stopped = FindOp(h, "monitor", "", 7);
  return stopped != nullptr && Newer(*stopped, *op, same_node);
}

// Whether the history of `id` on `uname` has no operation: its state there is unknown.
bool UnknownOn(const cib::Model& cib, const std::string& uname, const std::string& id) {
  const cib::ResourceHistory* h = HistoryOn(cib, uname, id);
  return h == nullptr || h->ops.empty();
}

// Marks `r` active on `node` too (once). Its role is left to the histories: Pacemaker may call
// a resource Stopped that it counts as active on the other node of a migration.
void AddRunning(Resource& r, int node) {
  if (std::find(r.running_on.begin(), r.running_on.end(), node) == r.running_on.end()) r.running_on.push_back(node);
}

// A migrate_to that succeeded on `node` (the source) in history `h`. Returns whether the resource
// is active on the source after it: a migrate_from that completed makes it a dangling migration
// (stopped on the source, which still needs its stop); one that failed or none yet leave it
// active on the target too (none yet: a partial migration, to be continued if it can be).
bool MigrateToSucceeded(const cib::Model& cib, const WorkingSet& ws, const cib::ResourceHistory& h,
                        const cib::OpRecord& op, int node, Resource& r, bool running) {
  const std::string& source = op.migrate_source;
  const std::string& target = op.migrate_target;
  if (source.empty() || target.empty() || source != ws.nodes[node].uname) return running;
  const bool source_newer = ChangedAfter(&h, op, true);
  const cib::OpRecord* from = FindOp(HistoryOn(cib, target, h.id), "migrate_from", source, -1);
  if (source_newer && from != nullptr) return running;
  const bool target_newer = NewerThanMigration(cib, h.id, target, &op, from);
  if (source_newer && target_newer) return running;
  const int target_node = ws.FindNode(target);
  const int source_node = ws.FindNode(source);
  const bool target_up = target_node >= 0 && ws.nodes[target_node].online;
  if (from != nullptr && from->rc == 0 && from->op_status == 0) {
    r.dangling_on.push_back(node);
    return false;
  }
  const bool from_pending = from != nullptr && (from->call_id < 0 || from->op_status == kOpPending);
  if (!target_newer && target_up) {
    AddRunning(r, target_node);
    if (from == nullptr || from_pending) {
      if (source_node >= 0 && ws.nodes[source_node].online) {
        r.partial_source = source_node;
        r.partial_target = target_node;
      }
    }
  } else if (from != nullptr && !from_pending) {
    r.failed = true;  // stopped and started again, not migrated
    r.allow_migrate = false;
  } else if (!source_newer) {
    r.failed = true;
    r.allow_migrate = false;
  }
  return true;
}

// A migrate_to that failed on the source, or a migrate_from that failed on the target: the
// resource may be active on the other node too, unless that node knows better since.
void MigrationFailed(const cib::Model& cib, const WorkingSet& ws, const cib::ResourceHistory& h,
                     const cib::OpRecord& op, int node, Resource& r) {
  const std::string& source = op.migrate_source;
  const std::string& target = op.migrate_target;
  if (source.empty() || target.empty()) return;
  const bool to = op.operation == "migrate_to";
  if (ws.nodes[node].uname != (to ? source : target)) return;
  const std::string& other = to ? target : source;
  const cib::OpRecord* counterpart =
      to ? FindOp(HistoryOn(cib, target, h.id), "migrate_from", source, 0) : FindOp(HistoryOn(cib, source, h.id), "migrate_to", target, 0);
  const bool newer = to ? NewerThanMigration(cib, h.id, other, &op, counterpart) : NewerThanMigration(cib, h.id, other, counterpart, &op);
  if (!UnknownOn(cib, other, h.id) && !newer) {
    if (const int n = ws.FindNode(other); n >= 0 && ws.nodes[n].online) AddRunning(r, n);
  } else if (to && !ChangedAfter(&h, op, true)) {
    r.dangling_on.push_back(node);
  }
}

// The effect of one node's operation history on a resource, replayed in call order. A failure
// older than the failure-timeout (at `now`) is forgotten as if it never happened.
// `node_attributes` are the node's, for parameters that depend on the node.
void UnpackHistory(const cib::Model& cib, WorkingSet& ws, const cib::ResourceHistory& h, int node, Resource& r,
                   int64_t now, int64_t failure_timeout_s) {
  const Attributes& node_attributes = ws.nodes[node].attributes;
  std::vector<const cib::OpRecord*> ops;
  for (const auto& op : h.ops) {
    if (op.op_status == 1) continue;  // cancelled
    ops.push_back(&op);
  }
  // Pending operations (call id -1) come last: they were asked for after the others.
  std::stable_sort(ops.begin(), ops.end(), [](const cib::OpRecord* a, const cib::OpRecord* b) {
    const bool pa = a->call_id < 0;
    const bool pb = b->call_id < 0;
    if (pa != pb) return pb;
    return a->call_id < b->call_id;
  });
  bool running = false;
  bool promoted = false;
  std::string pending;  // a start or stop still in flight, the last of the history
  OnFail on_fail = OnFail::kIgnore;  // the pending failure handling; ignore: none
  const cib::OpRecord* defining = nullptr;  // the last success that ran the current definition
  for (const cib::OpRecord* op : ops) {
    const bool probe = op->operation == "monitor" && op->interval_ms == 0;
    // Degraded (190) is running, degraded promoted (191) running promoted: Pacemaker takes them
    // as such.
    const int rc = op->rc == kDegraded ? 0 : op->rc == kDegradedPromoted ? kRunningPromoted : op->rc;
    if (op->call_id < 0 || op->op_status == kOpPending) {
      // In flight: a start or stop may have begun its work already.
      if (op->operation == "start" || op->operation == "stop") {
        running = true;
        pending = op->operation;
      }
      if (op->operation == "start") defining = op;
      continue;
    }
    // An unmanaged resource that a monitor finds stopped is simply stopped: nothing will be
    // done to it, so it is no failure.
    const bool unmanaged_stopped = !r.managed && op->operation == "monitor" && rc == 7;
    // A recurring monitor expected to find it stopped (role=Stopped) fails when it finds it
    // running.
    // ... and one expected to find it promoted fails when it finds it merely running.
    const bool unexpectedly_running = !probe && rc == 0 && (op->target_rc == 7 || op->target_rc == kRunningPromoted);
    // A monitor that finds it promoted (8) says it runs, in that role.
    // The executor's status "error" (4) is no verdict: the exit code says what happened, as for
    // a completed operation (Pacemaker remaps both by the code).
    const bool done = op->op_status == 0 || op->op_status == kExecError;
    const bool success = done && ((rc == 0 && !unexpectedly_running) ||
                                                 ((probe || unmanaged_stopped || op->target_rc == 7) && rc == 7) ||
                                                 (op->operation == "monitor" && rc == kRunningPromoted));
    // The parameters it runs with are the ones of its last start or promote (a probe's or a
    // notification's digest says nothing of them).
    if (success && rc == 0 && op->interval_ms == 0 &&
        (op->operation == "start" || op->operation == "migrate_from" || op->operation == "promote" || op->operation == "monitor")) {
      defining = op;
    }
    if (success) {
      if (op->operation == "stop" || rc == 7) {
        running = false;  // (where a migration began, it stays active on the target)
        promoted = false;
        if (on_fail < OnFail::kStop) on_fail = OnFail::kIgnore;  // stop and standby stay
      } else if (op->operation == "migrate_to") {
        running = MigrateToSucceeded(cib, ws, h, *op, node, r, running);
      } else if (op->operation == "start" || op->operation == "migrate_from") {
        running = true;
        promoted = false;
        if (on_fail < OnFail::kStop) on_fail = OnFail::kIgnore;  // stop and standby stay
      } else if (op->operation == "monitor") {
        running = true;
        if (rc == kRunningPromoted) promoted = true;
      } else if (op->operation == "promote") {
        running = true;
        promoted = true;
      } else if (op->operation == "demote") {
        running = true;
        promoted = false;
        if (on_fail == OnFail::kDemote) on_fail = OnFail::kIgnore;  // the demotion it called for
      }
      continue;
    }
    // Not installed on that node (the executor's status 7): a hard failure there that no
    // failure-timeout forgets and no on-fail=ignore ignores, as in Pacemaker.
    const bool not_installed = op->op_status == kExecNotInstalled;
    if (!not_installed && Expired(op->last_rc_change, failure_timeout_s, now)) continue;
    if (not_installed) {
      r.hard_failed_on.push_back(node);
      if (probe) {
        running = false;  // nothing can run where its agent is not
        continue;
      }
    } else if (done && rc == kNotConfigured) {
      r.fatal = true;  // no node can run it until the configuration changes
    } else if (done && HardError(rc) && (probe || OnFailFor(r, *op, cib, ws) != OnFail::kIgnore)) {
      // (An ignored hard error is ignored whole: no ban, as in Pacemaker.)
      r.hard_failed_on.push_back(node);
      if (probe && rc == kNotInstalled) {
        running = false;  // not even installed there: nothing runs there
        continue;
      }
      // A probe that failed otherwise (no permission, bad arguments) cannot tell: it may run.
    }
    OnFail handling = OnFailFor(r, *op, cib, ws);
    if (not_installed && handling == OnFail::kIgnore) handling = OnFail::kRestart;  // recovered elsewhere
    if (handling == OnFail::kIgnore) {
      r.failure_ignored = true;
      if (op->operation != "stop") running = true;
      continue;
    }
    // A stop that failed for good (rc 2, 4, 5...) where no fence can settle it: nothing more can
    // be tried, the resource is left alone (Pacemaker's check_recoverable).
    if (op->operation == "stop" && done && HardError(rc) && !(ws.plan_fencing && ws.CanFence(node))) {
      r.managed = false;
      r.blocked = true;
    }
    if (op->operation == "migrate_to" || op->operation == "migrate_from") MigrationFailed(cib, ws, h, *op, node, r);
    running = true;  // a failed operation may have left it running
    // A failed promote may have half promoted it; a failed demote is recovered by a stop, so
    // it counts as demoted (as in Pacemaker), unless on-fail=block leaves it as it is; a
    // monitor failing with 9 found it promoted.
    if (op->operation == "promote" || (op->operation == "monitor" && rc == kFailedPromoted)) promoted = true;
    if (op->operation == "demote" && handling != OnFail::kBlock) promoted = false;
    // A failed stop bans the node (until a cleanup), whatever is done about it; on-fail=block
    // also leaves the resource alone.
    if (op->operation == "stop") {
      r.stop_failed_on.push_back(node);
      if (handling == OnFail::kBlock) r.blocked = true;
    }
    on_fail = std::max(on_fail, handling);
  }
  // on-fail=standby puts the node in standby while the failure is on record, whatever became of
  // the resource (Pacemaker's standby_onfail).
  if (on_fail == OnFail::kStandby) r.standby_on_fail.push_back(node);
  // Stopped where a partial migration began, it is still started (on the target).
  if (!running && r.partial_source == node && r.partial_target >= 0 && !r.running_on.empty()) {
    r.role = std::max(r.role, Role::kStarted);
  }
  if (!running) return;
  if (!pending.empty()) r.pending = pending;
  // A definition changed since the start (or unknown: no digest recorded) means a restart.
  if (defining != nullptr && r.primitive != nullptr) {
    // Its parameters on this node (a rule may make them the node's own).
    // And those of the operation recorded (its own instance_attributes), as Pacemaker digests them.
    const Attributes params = cib::OperationParams(
        *r.primitive, r.primitive->param_sets.empty() ? r.primitive->params : cib.ParamsOn(*r.primitive, node_attributes),
        defining->operation, defining->interval_ms);
    const auto digest = cib::ParametersDigest(params);
    if (digest && (defining->op_digest.empty() || defining->op_digest != *digest) &&
        !SecretsHidden(*defining, *r.primitive, params)) {
      r.definition_changed = true;
      ws.UnfenceAgain(r, node, "Device parameters changed");
    }
  }
  AddRunning(r, node);
  // Active on several nodes, it is in the highest role any of them found it in.
  r.role = std::max(r.role, promoted ? Role::kPromoted : Role::kStarted);
  if (on_fail != OnFail::kIgnore) r.failed_on.push_back(node);
  // On a node to be fenced already, failures call for nothing more: fencing stops it there (and
  // it may start again elsewhere afterwards), as Pacemaker has it.
  if (ws.nodes[node].unclean) on_fail = OnFail::kIgnore;
  switch (on_fail) {
    case OnFail::kIgnore:
      break;
    case OnFail::kDemote:
      if (!r.failed) r.demote_only = true;  // (a failure elsewhere that needs a stop wins)
      r.failed = true;
      break;
    case OnFail::kBlock:
      r.managed = false;
      r.failed = true;
      break;
    case OnFail::kStop:
      r.failed = true;
      r.next_role = Role::kStopped;
      break;
    case OnFail::kRestart:
    case OnFail::kStandby:  // (it leaves with everything else on the node, now in standby)
      r.failed = true;
      break;
    case OnFail::kFence:  // still active there until the node is fenced
      r.failed = true;
      ws.MarkUnclean(node, r.id + " failed there");
      break;
  }
  if (on_fail > OnFail::kDemote) r.demote_only = false;
}

// fail-count-<rsc>#<op>_<interval> (and the older fail-count-<rsc>), summed, on each node.
void UnpackFailCounts(const cib::Model& cib, WorkingSet& ws, int64_t now) {
  for (auto& r : ws.resources) {
    r.fail_count.assign(ws.nodes.size(), 0);
    const int64_t timeout_s = FailureTimeoutSeconds(r, cib);
    const std::string prefix = "fail-count-" + r.history_id;
    const bool anonymous = r.parent >= 0 && !ws.clones[r.parent].unique;
    for (size_t n = 0; n < ws.nodes.size(); ++n) {
      int total = 0;
      // Attributes are sorted by name: only the run that starts with the prefix is read.
      const Attributes& attributes = ws.nodes[n].attributes;
      for (auto it = attributes.lower_bound(prefix); it != attributes.end(); ++it) {
        const auto& [name, value] = *it;
        if (name.compare(0, prefix.size(), prefix) != 0) break;
        // An anonymous instance's failures may be recorded under a numbered id too ("d:0").
        size_t end = prefix.size();
        if (anonymous && end < name.size() && name[end] == ':') {
          size_t digits = end + 1;
          while (digits < name.size() && name[digits] >= '0' && name[digits] <= '9') ++digits;
          if (digits > end + 1) end = digits;
        }
        if (name.size() != end && name[end] != '#') continue;
        if (timeout_s > 0 && now > 0) {
          const std::string last = "last-failure-" + name.substr(11);
          const std::string* when = Find(ws.nodes[n].attributes, last);
          int64_t at = 0;
          if (when != nullptr) std::from_chars(when->data(), when->data() + when->size(), at);
          if (when != nullptr && Expired(at, timeout_s, now)) continue;
        }
        total = cib::AddScores(total, cib::ParseScore(value).value_or(0));
      }
      r.fail_count[n] = total;
    }
  }
}

// What a primitive's meta attributes (its own, those it inherits, rsc_defaults) say.
void UnpackMeta(const cib::Model& cib, const WorkingSet& ws, const cib::Primitive& p, Resource& r) {
  Attributes meta = cib.MetaWithDefaults(p.meta, &p);
  // A clone is ever so slightly sticky unless told otherwise (Pacemaker's default), so its
  // instances are not shuffled between nodes for nothing.
  if (!p.clone.empty()) meta.emplace("resource-stickiness", "1");
  r.utilization = ReadUtilization(p.utilization);
  r.priority = ScoreOr(meta, "priority", 0);
  r.stickiness = ScoreOr(meta, "resource-stickiness", 0);
  r.migration_threshold = ScoreOr(meta, "migration-threshold", kInfinity);
  if (const auto* v = Find(meta, "is-managed")) r.managed = PacemakerIsTrue(*v);
  if (cib.InMaintenance(p)) r.managed = false;  // left alone as it is
  // requires=nothing: it may start without quorum. Every other value needs quorum here. Unset,
  // it is nothing for a resource that is no fence device in a cluster without fencing that
  // ignores quorum loss (Pacemaker's default).
  // requires=fencing (unset, the default with fencing enabled for all but fence devices): it
  // counts as active on an unclean node until that node is fenced.
  if (const auto* v = Find(meta, "requires")) {
    r.needs_quorum = *v != "nothing";
    r.needs_unfencing = ws.stonith_enabled && *v == "unfencing" && p.standard != "stonith";
    r.needs_fencing = ws.stonith_enabled && (*v == "fencing" || r.needs_unfencing);
  } else if (p.standard != "stonith" && !ws.stonith_enabled && ws.no_quorum_policy == NoQuorumPolicy::kIgnore) {
    r.needs_quorum = false;
  } else {
    r.needs_fencing = p.standard != "stonith" && ws.stonith_enabled;
    r.needs_unfencing = r.needs_fencing && ws.enable_unfencing;
  }
  if (const auto* v = Find(meta, "critical")) r.critical = PacemakerIsTrue(*v);
  if (const auto* v = Find(meta, "allow-migrate")) r.allow_migrate = PacemakerIsTrue(*v);
  const cib::Clone* clone = p.clone.empty() ? nullptr : cib.FindClone(p.clone);
  r.next_role = TargetRole(meta, clone != nullptr && clone->promotable);
}

// Adds resource `p` as part of instance `number` of `clone` and returns its index.
int AddInstanceResource(const cib::Model& cib, const cib::Primitive& p, int clone, int number, WorkingSet& ws) {
  const CloneInfo& info = ws.clones[clone];
  Resource r;
  r.primitive = &p;
  r.id = p.id + ":" + std::to_string(number);
  r.parent = clone;
  r.instance = number;
  r.history_id = info.unique ? r.id : p.id;
  UnpackMeta(cib, ws, p, r);
  if (number >= info.max) {
    r.surplus = true;
    r.next_role = Role::kStopped;
  }
  const int index = static_cast<int>(ws.resources.size());
  ws.resource_index.emplace(r.id, index);
  ws.resources.push_back(std::move(r));
  return index;
}

// A group's ordered, collocated and priority (its meta attributes, then rsc_defaults').
GroupInfo GroupMeta(const cib::Model& cib, const cib::Group& g) {
  GroupInfo info;
  info.group = &g;
  info.id = g.id;
  const Attributes meta = cib.MetaWithDefaults(g.meta);
  if (const auto* v = Find(meta, "ordered")) info.ordered = PacemakerIsTrue(*v);
  if (const auto* v = Find(meta, "collocated")) info.colocated = PacemakerIsTrue(*v);
  info.priority = ScoreOr(meta, "priority", 0);
  return info;
}

// Adds instance `number` of `clone` (a surplus one when beyond clone-max) and returns its entry
// in CloneInfo::instances: the instance, or the first member of a group instance.
int AddInstance(const cib::Model& cib, int clone, int number, WorkingSet& ws) {
  const cib::Clone& c = *ws.clones[clone].clone;
  if (!c.child_is_group) {
    const int index = AddInstanceResource(cib, *cib.FindPrimitive(c.child), clone, number, ws);
    ws.clones[clone].instances.push_back(index);
    return index;
  }
  const cib::Group& g = *cib.FindGroup(c.child);
  GroupInfo info = GroupMeta(cib, g);
  info.id = g.id + ":" + std::to_string(number);
  const int group = static_cast<int>(ws.groups.size());
  for (const auto& member : g.members) {
    const int index = AddInstanceResource(cib, *cib.FindPrimitive(member), clone, number, ws);
    ws.resources[index].group = group;
    info.members.push_back(index);
  }
  ws.group_index.emplace(info.id, group);
  ws.groups.push_back(std::move(info));
  ws.clones[clone].instances.push_back(ws.groups[group].members.front());
  return ws.groups[group].members.front();
}

// A clone of a primitive or a group: its own entry, then its instances.
void AddClone(const cib::Model& cib, const cib::Clone& c, WorkingSet& ws) {
  CloneInfo info;
  info.clone = &c;
  const Attributes meta = cib.MetaWithDefaults(c.meta);
  const cib::Model::CloneSettings settings = cib.SettingsOf(c);
  info.max = settings.max;
  info.node_max = settings.node_max;
  info.min = settings.min;
  info.unique = settings.unique;
  info.ordered = settings.ordered;
  info.interleave = settings.interleave;
  info.promotable = c.promotable;
  info.promoted_max = settings.promoted_max;
  info.promoted_node_max = settings.promoted_node_max;
  info.count.assign(ws.nodes.size(), 0);
  const int clone = static_cast<int>(ws.clones.size());
  Resource own;
  own.id = c.id;
  own.clone = clone;
  own.history_id = c.id;
  own.priority = ScoreOr(meta, "priority", 0);
  own.next_role = TargetRole(meta, c.promotable);
  if (const auto* v = Find(meta, "is-managed")) own.managed = PacemakerIsTrue(*v);
  info.rsc = static_cast<int>(ws.resources.size());
  ws.resource_index.emplace(c.id, info.rsc);
  ws.resources.push_back(std::move(own));
  ws.clones.push_back(std::move(info));
  std::vector<const cib::Primitive*> cloned;
  if (const cib::Group* g = c.child_is_group ? cib.FindGroup(c.child) : nullptr) {
    for (const auto& m : g->members) cloned.push_back(cib.FindPrimitive(m));
  } else {
    cloned.push_back(cib.FindPrimitive(c.child));
  }
  for (const cib::Primitive* p : cloned) {
    if (!ws.clones[clone].unique) ws.anonymous_index.emplace(p->id, clone);
    if (p->standard == "stonith") ws.have_stonith_resource = true;
  }
  // clone-max=0 still makes one instance, which runs nowhere: history found for the clone
  // has an instance to belong to.
  for (int n = 0; n < std::max(1, ws.clones[clone].max); ++n) AddInstance(cib, clone, n, ws);
}

// The resource of instance `instance` (an entry of CloneInfo::instances) that `base` (a cloned
// primitive's id) is.
int InstanceResource(const WorkingSet& ws, int instance, const std::string& base) {
  for (int m : ws.InstanceMembers(instance)) {
    if (ws.resources[m].primitive->id == base) return m;
  }
  return instance;
}

// The resource an anonymous clone's history of `base` on `node` belongs to: in the instance
// already active there (another member of a cloned group was found there), else in the first
// instance not yet found active anywhere, else in a surplus one (Pacemaker's
// find_anonymous_clone).
int AnonymousInstance(const cib::Model& cib, int clone, const std::string& base, int node, WorkingSet& ws) {
  // An instance that does not need fencing, found on a node that is down or unclean, takes no
  // instance number (it may start elsewhere before the node is fenced): an instance of its own,
  // to be stopped; unless the clone has an instance for every node (Pacemaker's
  // find_anonymous_clone).
  const bool number_kept = ws.nodes[node].member && !ws.nodes[node].unclean;
  const bool universal = ws.clones[clone].max == static_cast<int>(ws.nodes.size());
  auto usable = [&](int r) { return number_kept || universal || ws.resources[r].needs_fencing; };
  int inactive = -1;
  bool second = false;  // a second history of it here: it goes to an instance of its own
  // (Instances are in number order, surplus ones after.)
  for (size_t k = 0; k < ws.clones[clone].instances.size(); ++k) {
    const int i = ws.clones[clone].instances[k];
    bool active = false;
    bool here = false;
    for (int m : ws.InstanceMembers(i)) {
      const Resource& r = ws.resources[m];
      active = active || !r.running_on.empty();
      here = here || std::find(r.running_on.begin(), r.running_on.end(), node) != r.running_on.end();
    }
    if (here) {
      const int r = InstanceResource(ws, i, base);
      if (ws.resources[r].running_on.empty() && usable(r)) return r;
      second = true;  // (or unusable: an instance of its own all the same)
    } else if (!active && inactive < 0 && !ws.resources[i].blocked) {
      inactive = i;
    }
  }
  if (inactive >= 0 && !second && usable(InstanceResource(ws, inactive, base))) return InstanceResource(ws, inactive, base);
  const int added = AddInstance(cib, clone, static_cast<int>(ws.clones[clone].instances.size()), ws);
  return InstanceResource(ws, added, base);
}

void UnpackResources(const cib::Model& cib, WorkingSet& ws, int64_t now) {
  for (const auto& g : cib.groups) {
    if (!g.clone.empty()) continue;  // its instances are groups of their own
    ws.group_index.emplace(g.id, static_cast<int>(ws.groups.size()));
    ws.groups.push_back(GroupMeta(cib, g));
  }
  for (const auto& p : cib.primitives) {
    if (!p.clone.empty()) {
      // A clone comes in the place of its first primitive.
      const cib::Clone* c = cib.FindClone(p.clone);
      const cib::Group* g = c != nullptr && c->child_is_group ? cib.FindGroup(c->child) : nullptr;
      if (c != nullptr && (c->child == p.id || (g != nullptr && g->members.front() == p.id))) AddClone(cib, *c, ws);
      continue;
    }
    Resource r;
    r.primitive = &p;
    r.id = p.id;
    r.history_id = p.id;
    if (const int g = p.group.empty() ? -1 : ws.FindGroup(p.group); g >= 0) {
      ws.groups[g].members.push_back(static_cast<int>(ws.resources.size()));
      r.group = g;
    }
    UnpackMeta(cib, ws, p, r);
    if (p.standard == "stonith") ws.have_stonith_resource = true;
    ws.resource_index.emplace(p.id, static_cast<int>(ws.resources.size()));
    ws.resources.push_back(std::move(r));
  }
  const size_t configured = ws.resources.size();
  // The history of a node that is cleanly down is not trusted: nothing runs there. An unclean
  // node's is: its resources may still run until it is fenced.
  for (const auto& s : cib.node_states) {
    const int node = ws.FindNodeById(s.id);
    if (node < 0) continue;
    // Without fencing, nothing runs on a node that is down; with it, what the history says ran
    // there may still run, until the node is fenced.
    if (!ws.nodes[node].online && !ws.stonith_enabled) continue;
    for (const auto& h : s.resources) {
      int r = ws.FindResource(h.id);
      const std::string base = cib::StripInstance(h.id);
      if (const auto it = ws.anonymous_index.find(base); it != ws.anonymous_index.end()) {
        r = AnonymousInstance(cib, it->second, base, node, ws);
      }
      // History under a clone's own id is not a primitive's: Pacemaker ignores it.
      if (r >= 0 && ws.resources[r].is_clone()) continue;
      if (r < 0) {
        // Deleted from the configuration but maybe still running: an orphan, to be stopped.
        Resource orphan;
        orphan.id = h.id;
        orphan.history_id = h.id;
        orphan.next_role = Role::kStopped;
        if (const auto* v = Find(cib.properties, "stop-orphan-resources")) orphan.managed = PacemakerIsTrue(*v);
        r = static_cast<int>(ws.resources.size());
        ws.resource_index.emplace(h.id, r);
        ws.resources.push_back(std::move(orphan));
      }
      Resource& rsc = ws.resources[r];
      rsc.known_on.push_back(node);
      rsc.recorded_as = h.id;  // the last history found for it names it (Pacemaker's clone_name)
      UnpackHistory(cib, ws, h, node, rsc, now, FailureTimeoutSeconds(rsc, cib));
      if (const cib::Primitive* p = rsc.primitive;
          p != nullptr && (h.standard != p->standard || h.provider != p->provider || h.type != p->type) &&
          std::find(rsc.running_on.begin(), rsc.running_on.end(), node) != rsc.running_on.end()) {
        rsc.agent_changed = true;
        // Where it is active only: Pacemaker also unfences again a node where only an old probe
        // by the former agent is recorded, and has that history cleaned up; Vigil keeps such a
        // history, which would have the node unfenced again at every plan.
        ws.UnfenceAgain(rsc, node, "Device definition changed");
      }
      // What runs on a node in maintenance is left as it is.
      const bool runs_here = std::find(rsc.running_on.begin(), rsc.running_on.end(), node) != rsc.running_on.end();
      if (ws.nodes[node].maintenance && runs_here) rsc.managed = false;
      // Active, by its history, on a node that is down (cleanly, it says): only fencing can
      // make sure it is not.
      if (!ws.nodes[node].member && runs_here && rsc.managed && !ws.nodes[node].maintenance) {
        ws.MarkUnclean(node, rsc.id + " is thought to be active there");
      }
    }
  }
  // Where a resource that does not need fencing counts as active first: on a clean node (it may
  // start elsewhere before an unclean node is fenced, Pacemaker's pe__find_active_on).
  for (auto& r : ws.resources) {
    if (r.needs_fencing || r.partial_source >= 0 || r.running_on.size() < 2) continue;
    const auto clean = std::find_if(r.running_on.begin(), r.running_on.end(),
                                    [&](int n) { return ws.nodes[n].online && !ws.nodes[n].unclean; });
    if (clean != r.running_on.end()) std::rotate(r.running_on.begin(), clean, clean + 1);
  }
  // A partially migrated resource is where the migration began, as far as what it does next goes
  // (Pacemaker's current node for it is the migration's source).
  for (auto& r : ws.resources) {
    if (r.partial_source < 0) continue;
    const auto it = std::find(r.running_on.begin(), r.running_on.end(), r.partial_source);
    if (it != r.running_on.end()) std::rotate(r.running_on.begin(), it, it + 1);
  }
  // Active on more than one node: multiple-active says what then (stop_start, the default, stops
  // it everywhere and starts it once; block leaves it alone where it is; stop_only stops it;
  // stop_unexpected stops it only where it is not placed).
  for (auto& r : ws.resources) {
    if (r.running_on.size() < 2 || r.primitive == nullptr) continue;
    const Attributes meta = cib.MetaWithDefaults(r.primitive->meta, r.primitive);
    const std::string* policy = Find(meta, "multiple-active");
    if (policy == nullptr) continue;
    if (*policy == "block") {
      r.managed = false;
      r.blocked = true;
    } else if (*policy == "stop_only") {
      r.next_role = Role::kStopped;
    } else if (*policy == "stop_unexpected") {
      r.stop_unexpected = true;
    }
  }
  // An anonymous clone's instances are one resource to Pacemaker: a node where one failed for
  // good (not installed, no permission), or a configuration error, bars them all.
  for (const auto& c : ws.clones) {
    if (c.unique) continue;
    std::map<std::string, std::vector<int>> banned;  // by primitive (a cloned group has several)
    std::set<std::string> fatal;
    for (int i : c.instances) {
      for (int m : ws.InstanceMembers(i)) {
        const Resource& r = ws.resources[m];
        auto& nodes = banned[r.history_id];
        nodes.insert(nodes.end(), r.hard_failed_on.begin(), r.hard_failed_on.end());
        if (r.fatal) fatal.insert(r.history_id);
      }
    }
    for (int i : c.instances) {
      for (int m : ws.InstanceMembers(i)) {
        Resource& r = ws.resources[m];
        r.hard_failed_on = banned[r.history_id];
        r.fatal = r.fatal || fatal.count(r.history_id) > 0;
      }
    }
  }
  // A promotable clone's instance that runs and is not promoted is Unpromoted.
  for (auto& r : ws.resources) {
    if (r.parent >= 0 && ws.clones[r.parent].promotable && r.role == Role::kStarted) r.role = Role::kUnpromoted;
  }
  for (const auto& r : ws.resources) {
    for (int node : r.standby_on_fail) ws.nodes[node].standby = true;
  }
  UnpackFailCounts(cib, ws, now);
  ws.allocation_order.resize(ws.resources.size());
  for (size_t i = 0; i < ws.resources.size(); ++i) ws.allocation_order[i] = static_cast<int>(i);
  // Configured resources by priority (stable: the CIB's order breaks ties); orphans last. A group
  // goes as a whole, by its own priority, its members in order.
  std::vector<int> rank(ws.resources.size());
  for (size_t i = 0; i < ws.resources.size(); ++i) rank[i] = ws.resources[i].priority;
  for (const auto& g : ws.groups) {
    for (int m : g.members) rank[m] = g.priority;
  }
  // A clone's instances are placed by the clone, at its priority.
  for (const auto& c : ws.clones) {
    for (int i : c.instances) {
      for (int m : ws.InstanceMembers(i)) rank[m] = rank[c.rsc];
    }
  }
  std::stable_sort(ws.allocation_order.begin(), ws.allocation_order.begin() + static_cast<long>(configured),
                   [&](int a, int b) { return rank[a] > rank[b]; });
}

// A colocation's role: Started (or none) is any role, as in Pacemaker.
Role ParseRole(const std::string& text) {
  const std::string_view role = cib::CurrentRoleName(text);
  if (role == "Stopped") return Role::kStopped;
  if (role == "Unpromoted") return Role::kUnpromoted;
  if (role == "Promoted") return Role::kPromoted;
  return Role::kUnknown;
}

// The rules a colocation means once groups are seen as their members (ColocationRule): a
// non-colocated group's members each on their own, and not at all at INFINITY (Pacemaker refuses
// that as a configuration error and goes on without it).
void AddColocation(const cib::Colocation& c, WorkingSet& ws) {
  const std::string& rsc = c.rsc;
  const std::string& with_rsc = c.with_rsc;
  const int dependent_group = ws.FindGroup(rsc);
  const int primary_group = ws.FindGroup(with_rsc);
  std::vector<int> dependents = {ws.FindResource(rsc)};
  if (dependent_group >= 0) {
    const GroupInfo& g = ws.groups[dependent_group];
    if (g.members.empty() || (!g.colocated && c.score >= kInfinity)) return;
    dependents = g.colocated ? std::vector<int>{g.members.front()} : g.members;
  }
  std::vector<std::pair<int, int>> primaries = {{ws.FindResource(with_rsc), -1}};  // (primary, follows)
  if (primary_group >= 0) {
    const GroupInfo& g = ws.groups[primary_group];
    if (g.members.empty() || (!g.colocated && c.score >= kInfinity)) return;
    if (g.colocated) {
      primaries = {{g.members.back(), c.score >= kInfinity ? -1 : g.members.front()}};
    } else {
      primaries.clear();
      for (int m : g.members) primaries.emplace_back(m, -1);
    }
  }
  for (int dependent : dependents) {
    for (const auto& [primary, follows] : primaries) {
      ColocationRule col;
      col.dependent = dependent;
      col.primary = primary;
      col.follows = follows;
      col.dependent_group = dependent_group;
      col.primary_group = primary_group;
      col.score = c.score;
      col.node_attribute = c.node_attribute.empty() ? "#uname" : c.node_attribute;
      col.dependent_role = ParseRole(c.rsc_role);
      col.primary_role = ParseRole(c.with_rsc_role);
      col.influence = c.influence.value_or(ws.resources[dependent].critical);
      ws.colocations.push_back(std::move(col));
    }
  }
}

void UnpackColocations(const cib::Model& cib, WorkingSet& ws) {
  for (const auto& c : cib.colocations) {
    if (c.score == 0) continue;  // Pacemaker ignores them
    AddColocation(c, ws);
  }
  // Each member of a colocated group with the one before it, at INFINITY; made after the
  // configured ones, as Pacemaker makes them.
  for (const auto& g : ws.groups) {
    if (!g.colocated) continue;
    for (size_t i = 1; i < g.members.size(); ++i) {
      ColocationRule col;
      col.dependent = g.members[i];
      col.primary = g.members[i - 1];
      col.score = kInfinity;
      col.node_attribute = "#uname";
      col.influence = ws.resources[col.dependent].critical;
      ws.colocations.push_back(std::move(col));
    }
  }
  // The order in which a resource considers its colocations: by the other resource's priority,
  // then its id.
  // Pacemaker inserts each colocation before the equal ones already listed, so colocations
  // between the same two resources apply last-defined first: walk them backwards, then sort
  // stably.
  for (size_t i = ws.colocations.size(); i-- > 0;) {
    ws.resources[ws.colocations[i].dependent].this_with.push_back(static_cast<int>(i));
    ws.resources[ws.colocations[i].primary].with_this.push_back(static_cast<int>(i));
  }
  auto by = [&](bool primary) {
    return [&ws, primary](int a, int b) {
      const Resource& ra = ws.resources[primary ? ws.colocations[a].primary : ws.colocations[a].dependent];
      const Resource& rb = ws.resources[primary ? ws.colocations[b].primary : ws.colocations[b].dependent];
      if (ra.priority != rb.priority) return ra.priority > rb.priority;
      if (ra.is_clone() != rb.is_clone()) return ra.is_clone();  // clones before primitives
      return ra.id < rb.id;
    };
  };
  for (auto& r : ws.resources) {
    std::stable_sort(r.this_with.begin(), r.this_with.end(), by(true));
    std::stable_sort(r.with_this.begin(), r.with_this.end(), by(false));
  }
}

}  // namespace

const std::string& NodeInfo::Attribute(const std::string& name) const {
  static const std::string kNone;
  if (name == "#uname") return uname;
  if (name == "#id") return id;
  const auto it = attributes.find(name);
  return it == attributes.end() ? kNone : it->second;
}

const char* RoleText(Role r) {
  switch (r) {
    case Role::kStopped: return "Stopped";
    case Role::kStarted: return "Started";
    case Role::kUnpromoted: return "Unpromoted";
    case Role::kPromoted: return "Promoted";
    case Role::kUnknown: break;
  }
  return "Unknown";
}

void WorkingSet::MarkUnclean(int node, const std::string& reason) {
  NodeInfo& n = nodes[node];
  if (n.unclean) return;
  n.unclean = true;
  n.fence_reason = reason;
  n.fence_order = fence_sequence++;
}

void WorkingSet::UnfenceAgain(const Resource& r, int node, const std::string& reason) {
  NodeInfo& n = nodes[node];
  if (!enable_unfencing || r.primitive == nullptr || r.primitive->standard != "stonith") return;
  // (Pacemaker's online, with fencing on: in the membership.) The agent's change is checked
  // before the parameters' in Pacemaker, so its reason stands over theirs.
  if (!n.member || n.unclean || n.shutdown) return;
  if (!n.unfence_again.empty() && !(reason == "Device definition changed" && n.unfence_again == "Device parameters changed")) {
    return;
  }
  if (n.unfence_again.empty()) n.unfence_again_order = kUnfenceAgainFences + unfence_again_sequence++;
  n.unfence_again = reason;
}

bool WorkingSet::CanFence(int node) const {
  if (!stonith_enabled || !have_stonith_resource || cannot_fence.count(nodes[node].uname)) return false;
  return have_quorum || no_quorum_policy == NoQuorumPolicy::kIgnore || nodes[node].member;
}

int WorkingSet::FindNode(const std::string& name) const {
  for (size_t i = 0; i < nodes.size(); ++i) {
    if (nodes[i].uname == name) return static_cast<int>(i);
  }
  return -1;
}

int WorkingSet::FindNodeById(const std::string& id) const {
  const auto it = node_index.find(id);
  return it == node_index.end() ? -1 : it->second;
}

int WorkingSet::FindResource(const std::string& id) const {
  const auto it = resource_index.find(id);
  return it == resource_index.end() ? -1 : it->second;
}

int WorkingSet::FindGroup(const std::string& id) const {
  const auto it = group_index.find(id);
  return it == group_index.end() ? -1 : it->second;
}

std::vector<int> WorkingSet::Members(const std::string& id) const {
  if (const int g = FindGroup(id); g >= 0) return groups[g].members;
  return {FindResource(id)};
}

std::vector<int> WorkingSet::InstanceMembers(int instance) const {
  const int g = resources[instance].group;
  if (g >= 0 && groups[g].members.front() == instance) return groups[g].members;
  return {instance};
}

// The ids of the top-level resources (primitives in no group or clone, groups in no clone, clones).
std::vector<const std::string*> TopLevelIds(const cib::Model& cib) {
  std::vector<const std::string*> top;
  for (const auto& p : cib.primitives) {
    if (p.group.empty() && p.clone.empty()) top.push_back(&p.id);
  }
  for (const auto& g : cib.groups) {
    if (g.clone.empty()) top.push_back(&g.id);
  }
  for (const auto& c : cib.clones) top.push_back(&c.id);
  return top;
}

// Location constraint `l` for resource `rsc` as it applies on each node; its rules evaluated against
// the node's attributes (and `groups`, what an rsc-pattern found, for %N; null: none).
void UnpackLocation(const cib::Model& cib, const cib::Location& l, const std::string& rsc,
                    const std::vector<std::string>* groups, WorkingSet& ws) {
  if (l.rules.empty()) {
    const int node = ws.FindNode(l.node);
    if (node < 0) return;  // a node not (yet) in the cluster
    // One for Started or Unpromoted applies to every role, as in Pacemaker (an instance is
    // Unpromoted before it can be promoted); one for Stopped never applies.
    const std::string_view role = cib::CurrentRoleName(l.role);
    if (role == "Stopped") return;
    ws.locations.push_back({&l, &rsc, node, l.score, role == "Promoted"});
    return;
  }
  // What value-source=param and =meta read: the resource's parameters (on that node) and meta
  // attributes.
  const cib::Primitive* primitive = cib.FindPrimitive(rsc);
  cib::Attributes params, meta;
  const bool reads_resource = std::any_of(l.rules.begin(), l.rules.end(), [](const cib::Rule& r) { return r.UsesValueSource(); });
  // Pacemaker's meta table holds the resource element's own attributes too.
  if (!reads_resource) {
    // Nothing to read there.
  } else if (primitive != nullptr) {
    meta = cib.MetaWithDefaults(primitive->meta, primitive);
    meta["class"] = primitive->standard;
    if (!primitive->provider.empty()) meta["provider"] = primitive->provider;
    meta["type"] = primitive->type;
  } else if (const cib::Group* g = cib.FindGroup(rsc)) {
    params = g->params;
    meta = cib.MetaWithDefaults(g->meta);
  } else if (const cib::Clone* c = cib.FindClone(rsc)) {
    params = c->params;
    meta = cib.MetaWithDefaults(c->meta);
  }
  if (reads_resource) meta["id"] = rsc;
  for (const auto& rule : l.rules) {
    // With rules the constraint's own role is not read, the rule's is: Unpromoted is any role,
    // Promoted counts for promotion, and Started (or Stopped) makes the rule apply nowhere, as
    // in Pacemaker 2.1.5 (the rule is held to a role a resource is never "next" in).
    const std::string_view role = cib::CurrentRoleName(rule.role);
    if (role == "Started" || role == "Stopped") continue;
    for (size_t n = 0; n < ws.nodes.size(); ++n) {
      const NodeInfo& node = ws.nodes[n];
      cib::RuleContext context;
      context.node = &node.attributes;
      context.now = ws.now;
      context.location = true;
      // Its parameters on this node: its own, unless a rule makes them the node's.
      if (primitive != nullptr && !primitive->param_sets.empty()) params = cib.ParamsOn(*primitive, node.attributes);
      context.params = primitive != nullptr && primitive->param_sets.empty() ? &primitive->params : &params;
      context.meta = &meta;
      context.groups = groups;
      if (!cib::RuleMatches(rule, context)) continue;
      int score = 0;
      if (rule.score) {
        score = *rule.score;
      } else if (!rule.score_attribute.empty()) {
        // The node's value of that attribute, read as Pacemaker reads a score; a node without
        // it is banned.
        const std::string* value =
            Find(node.attributes, groups != nullptr ? cib::ExpandGroups(rule.score_attribute, *groups) : rule.score_attribute);
        score = value == nullptr ? -cib::kInfinity : cib::LenientScore(*value);
      }
      // An or-ed rule adds its score to the node's own weight (<node score>), which for a node
      // that is down or leaving is -INFINITY: in a symmetric cluster the weight counts twice
      // (Pacemaker 2.1.5).
      if (rule.any) score = !node.online || node.shutdown ? -cib::kInfinity : cib::AddScores(score, node.weight);
      ws.locations.push_back({&l, &rsc, static_cast<int>(n), score, role == "Promoted"});
    }
  }
}

// Location constraints as they apply on each node: one per resource it names, or per top-level
// resource its rsc-pattern matches.
void UnpackLocations(const cib::Model& cib, WorkingSet& ws) {
  for (const auto& l : cib.locations) {
    if (l.rsc_pattern.empty()) {
      UnpackLocation(cib, l, l.rsc, nullptr, ws);
      continue;
    }
    const bool inverted = l.rsc_pattern.starts_with("!");
    const cib::ResourcePattern pattern(inverted ? l.rsc_pattern.substr(1) : l.rsc_pattern);
    for (const std::string* id : TopLevelIds(cib)) {
      std::vector<std::string> groups;
      if (pattern.Match(*id, &groups) == inverted) continue;
      UnpackLocation(cib, l, *id, inverted ? nullptr : &groups, ws);
    }
  }
}

// What a ticket that is not granted, or in standby, does to each primitive (or instance) of the
// resources that need it, as Pacemaker 2.1.5 does it (its constraints_for_ticket): where one runs
// and the ticket is lost, loss-policy says (stop: it runs nowhere; demote: only its Promoted role
// goes; freeze: left as it is, in the constraint's role); otherwise it runs nowhere unless the
// ticket is for the Promoted role alone and the policy is not stop. A ticket for the Promoted role
// keeps a promotable clone's instances from being promoted.
void UnpackTickets(const cib::Model& cib, WorkingSet& ws) {
  for (const auto& t : cib.ticket_constraints) {
    const cib::TicketState* state = cib.FindTicket(t.ticket);
    const bool granted = state != nullptr && state->granted;
    if (granted && !state->standby) continue;
    const Role role = ParseRole(t.role);
    std::vector<int> leaves;
    for (int m : ws.Members(t.rsc)) {
      if (!ws.resources[m].is_clone()) {
        leaves.push_back(m);
        continue;
      }
      const CloneInfo& c = ws.clones[ws.resources[m].clone];
      for (int i : c.instances) {
        for (int member : ws.InstanceMembers(i)) leaves.push_back(member);
      }
    }
    if (const int m = ws.FindResource(t.rsc); m >= 0 && ws.resources[m].is_clone() && role == Role::kPromoted) {
      ws.clones[ws.resources[m].clone].promotion_without_ticket = true;
    }
    for (int leaf : leaves) {
      Resource& r = ws.resources[leaf];
      if (!granted && !r.running_on.empty()) {
        if (t.loss_policy == "stop" || (t.loss_policy == "demote" && role != Role::kPromoted)) {
          r.no_ticket = true;
        } else if (t.loss_policy == "fence" && (role == Role::kUnknown || role == r.role)) {
          // The nodes it runs on are fenced (a deadman ticket), and it runs nowhere.
          r.no_ticket = true;
          for (int node : r.running_on) ws.MarkUnclean(node, "deadman ticket was lost");
        } else if (t.loss_policy == "freeze" && (role == Role::kUnknown || role == r.role)) {
          r.managed = false;
          r.blocked = true;
          r.frozen = true;
        }
      } else if (role != Role::kPromoted || t.loss_policy == "stop") {
        r.no_ticket = true;
      }
    }
  }
}

// node-health-strategy (Pacemaker 2.1.5's pcmk__apply_node_health): each node's health, the sum of
// its #health* attributes (red, yellow and green standing for the strategy's scores: -INFINITY
// for red under migrate-on-red, and for yellow too under only-green; node-health-red, -yellow
// and -green under progressive and custom, progressive starting from node-health-base), is a
// location score on that node for every top-level resource; a negative one spares a resource
// with allow-unhealthy-nodes=true.
void UnpackNodeHealth(const cib::Model& cib, WorkingSet& ws) {
  const std::string* strategy = Find(cib.properties, "node-health-strategy");
  if (strategy == nullptr || strcasecmp(strategy->c_str(), "none") == 0) return;
  auto is = [&](const char* name) { return strcasecmp(strategy->c_str(), name) == 0; };
  auto option = [&](const char* name, int fallback) { return ScoreOr(cib.properties, name, fallback); };
  int red = -kInfinity, yellow = 0, green = 0, base = 0;
  if (is("only-green")) {
    yellow = -kInfinity;
  } else if (is("progressive") || is("custom")) {
    red = option("node-health-red", -kInfinity);
    yellow = option("node-health-yellow", 0);
    green = option("node-health-green", 0);
    if (is("progressive")) base = option("node-health-base", 0);
  }
  const std::vector<const std::string*> top = TopLevelIds(cib);
  // Whether each one is spared a negative health (allow-unhealthy-nodes=true).
  std::vector<char> spared;
  for (const std::string* id : top) {
    Attributes meta;
    if (const auto* p = cib.FindPrimitive(*id)) meta = cib.MetaWithDefaults(p->meta, p);
    else if (const auto* g = cib.FindGroup(*id)) meta = cib.MetaWithDefaults(g->meta);
    else if (const auto* c = cib.FindClone(*id)) meta = cib.MetaWithDefaults(c->meta);
    const std::string* allow = Find(meta, "allow-unhealthy-nodes");
    spared.push_back(allow != nullptr && PacemakerIsTrue(*allow));
  }
  for (size_t n = 0; n < ws.nodes.size(); ++n) {
    int health = base;
    for (const auto& [name, value] : ws.nodes[n].attributes) {
      if (!name.starts_with("#health")) continue;
      const int score = strcasecmp(value.c_str(), "red") == 0      ? red
                        : strcasecmp(value.c_str(), "yellow") == 0 ? yellow
                        : strcasecmp(value.c_str(), "green") == 0  ? green
                                                                   : cib::LenientScore(value);
      health = cib::AddScores(score, health);
    }
    if (health == 0) continue;
    for (size_t k = 0; k < top.size(); ++k) {
      if (health < 0 && spared[k]) continue;
      ws.locations.push_back({nullptr, top[k], static_cast<int>(n), health, false});
    }
  }
}

// Which unclean nodes are fenced in this transition (Pacemaker's schedule_fencing_and_shutdowns):
// each that the cluster can fence, when fences are planned and anything at all is managed. One
// unclean for no reason given yet (never seen) is fenced as "node is unclean", decided last and
// in Pacemaker's node name order (pe__cmp_node_name).
void DecideFencing(WorkingSet& ws) {
  if (!ws.plan_fencing) return;
  const bool any_managed = std::any_of(ws.resources.begin(), ws.resources.end(), [](const Resource& r) { return r.managed; });
  if (!any_managed) return;
  std::vector<int> by_name;
  for (size_t n = 0; n < ws.nodes.size(); ++n) by_name.push_back(static_cast<int>(n));
  std::sort(by_name.begin(), by_name.end(),
            [&](int a, int b) { return NodeNameLess(ws.nodes[a].uname, ws.nodes[b].uname); });
  for (int n : by_name) {
    NodeInfo& node = ws.nodes[n];
    if (!node.unclean || !ws.CanFence(n)) continue;
    if (node.fence_reason.empty()) {
      // Decided after everything else (the transition's unfencing too): listed first.
      node.fence_reason = "node is unclean";
      node.fence_order = WorkingSet::kLateFences + ws.fence_sequence++;
    }
    node.fenced = true;
  }
}

// resource-discovery: each location's mode on the nodes it applies to, for the resources it names
// (a group's members, a clone with its instances), the highest one winning.
void UnpackDiscovery(WorkingSet& ws) {
  for (const LocationScore& l : ws.locations) {
    if (l.constraint == nullptr || l.constraint->discovery == "always") continue;
    const char mode = l.constraint->discovery == "exclusive" ? 2 : 1;
    std::vector<int> targets;
    for (int member : ws.Members(*l.rsc)) {
      targets.push_back(member);
      if (const Resource& r = ws.resources[member]; r.is_clone()) {
        for (int i : ws.clones[r.clone].instances) {
          for (int m : ws.InstanceMembers(i)) targets.push_back(m);
        }
      }
    }
    for (int t : targets) {
      Resource& r = ws.resources[t];
      if (r.discovery.empty()) r.discovery.assign(ws.nodes.size(), 0);
      r.discovery[l.node] = std::max(r.discovery[l.node], mode);
      r.exclusive_discovery = r.exclusive_discovery || mode == 2;
    }
  }
}

WorkingSet Unpack(const cib::Model& cib, int64_t now, bool fencing, const std::set<std::string>* cannot_fence) {
  WorkingSet ws;
  ws.plan_fencing = fencing;
  if (cannot_fence != nullptr) ws.cannot_fence = *cannot_fence;
  ws.cib = &cib;
  ws.now = now != 0 ? now : cib.evaluated_at;
  UnpackOptions(cib, ws);
  UnpackNodes(cib, ws);
  UnpackLocations(cib, ws);
  UnpackNodeHealth(cib, ws);
  UnpackResources(cib, ws, now);
  UnpackDiscovery(ws);
  UnpackTickets(cib, ws);
  UnpackColocations(cib, ws);
  DecideFencing(ws);
  return ws;
}

}  // namespace vigil::scheduler
