// What `vigil status` (and later `crm status`) shows: the daemon's view of the cluster, carried
// over the control socket as a small XML document and printed in crm_mon 2.x's layout.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace vigil::control {

struct NodeStatus {
  uint32_t id = 0;
  std::string name;  // empty while unknown (a node never heard, without a configured name)
  bool online = false;
  bool standby = false;
  bool unclean = false;  // lost while up and not fenced yet (crm_mon's "UNCLEAN (offline)")
  bool operator==(const NodeStatus&) const = default;
};

// A primitive as crm_mon lists it (scheduler::ResourceState, carried over the socket).
struct ResourceStatus {
  std::string id;
  std::string agent;
  std::vector<std::string> nodes;  // where it is active
  bool failed = false;
  bool blocked = false;
  bool managed = true;
  bool disabled = false;
  bool orphan = false;
  std::string pending;  // "Starting" or "Stopping" while that is in flight (crm_mon's role)
  std::string group;    // the group (or cloned group's instance, "g:1") it is a member of
  std::string clone;    // the clone it is an instance of, or in
  std::string cloned;   // that clone's primitive or group, as crm_mon names it in brackets
  bool unique = false;  // that clone is globally unique (its instances named d:N)
  bool promotable = false;  // that clone is promotable
  std::string role;         // an active instance of a promotable clone: "Promoted" or "Unpromoted"
  bool operator==(const ResourceStatus&) const = default;
};

// A failed operation on record (a node's <rsc>_last_failure_0), until a cleanup clears it.
struct FailedActionStatus {
  std::string rsc;
  std::string operation;
  int64_t interval_ms = 0;
  std::string node;
  int rc = 0;
  int op_status = 0;  // Pacemaker's execution status: 0 complete, 1 cancelled, 2 timed out, 4 error
  std::string reason;
  int64_t last_rc_change = 0;  // seconds since the epoch
  int call_id = 0;
  bool operator==(const FailedActionStatus&) const = default;
};

// A fencing operation of the DC's history (what crm_mon shows of stonith_admin --history).
struct FenceStatus {
  std::string target;
  std::string action;    // reboot, off, on
  std::string state;     // "pending", "successful" or "failed"
  std::string delegate;  // the node that ran the device ("" while pending)
  std::string client;
  std::string origin;
  std::string devices;
  std::string reason;    // why it failed
  int64_t when = 0;      // seconds since the epoch: completed, failed, or asked (pending)
  bool operator==(const FenceStatus&) const = default;
};

// Who changed the CIB last (its <cib> stamp, as written): crm_mon's "Last change".
struct LastChange {
  std::string time;  // as ctime writes it; empty: the CIB has no stamp
  std::string user;
  std::string client;
  std::string origin;
  bool operator==(const LastChange&) const = default;
};

struct ClusterStatus {
  std::string cluster_name;
  std::string version;
  std::string self;          // this node's name
  std::string dc;            // the DC's name; empty: none
  uint32_t dc_id = 0;
  uint64_t term = 0;
  bool acting = false;       // this node is the DC and every member agrees
  bool quorate = false;
  bool waiting_for_all = false;
  int votes = 0;
  int expected_votes = 0;
  int quorum = 0;
  std::vector<NodeStatus> nodes;             // sorted by id
  bool symmetric = true;                     // symmetric-cluster: a clone may run on any node
  // Where resources run is known on the DC, and on a member that has heard it from the DC.
  bool resources_known = false;
  std::vector<ResourceStatus> resources;     // in the CIB's order (all of them, even unknown)
  std::vector<FailedActionStatus> failed_actions;
  std::vector<FenceStatus> fencing;          // oldest first
  std::map<std::string, uint64_t> counters;  // packets sent, received, dropped by reason
  std::chrono::system_clock::time_point now;
  LastChange last_change;
  bool operator==(const ClusterStatus&) const = default;
};

// The resources as crm_mon nests them: a primitive alone, a group of primitives, or a clone of
// instances (each a primitive, or a group for a cloned group). In the CIB's order.
struct ResourceBlock {
  enum class Kind { kPrimitive, kGroup, kClone };
  Kind kind = Kind::kPrimitive;
  std::string id;                               // the primitive's, group's (instance's) or clone's
  std::vector<const ResourceStatus*> members;   // a primitive: itself; a group: its members
  std::vector<ResourceBlock> instances;         // a clone: one block per instance, by number
};
std::vector<ResourceBlock> Layout(const ClusterStatus& status);

// The name crm_mon gives a clone's instance: an anonymous one goes by its primitive's id ("d"),
// a unique one by its own ("d:2").
std::string InstanceName(const ResourceStatus& r);

// A primitive's line as crm_mon words it, without indent or bullet: "d\t(ocf:heartbeat:Dummy):\t
// Started node1", "ORPHANED Started node2", "FAILED node1 (unmanaged)", "Started (blocked) [ n1
// n2 ]"; `rsc_only` (crm_resource --list's) leaves the nodes out. `known`: where it runs is known.
std::string ResourceText(const ResourceStatus& r, bool known, bool rsc_only);

// crm_mon's words for an OCF exit code ("not running") and an execution status ("Timed Out").
std::string RcText(int rc);
std::string OpStatusText(int status);

// An interval as Pacemaker 2.1.5 words it ("10s", "1m30s", "1.500s", "500ms"; quirks kept: a
// whole minute reads "60s", a whole second "1000ms").
std::string ReadableInterval(int64_t ms);
// A failed action as crm_mon 2.1.5 words it: "d 10s-interval monitor on node1 returned 'not
// running' (reason) at TIME", or "... could not be executed (Timed Out) at TIME".
std::string FailedActionText(const FailedActionStatus& f);
// The same in crm_mon --show-detail's words: "d_monitor_10000 on node1 'not running' (7):
// call=9, status='complete', exitreason='...', last-rc-change='TIME'".
std::string FailedActionDetail(const FailedActionStatus& f);

// crm_mon's words for the last change: "Mon Dec  7 20:55:23 2026 by root via crm on node1" (the
// parts the stamp has).
std::string LastChangeText(const LastChange& c);

// The node's name, or its id while the name is unknown.
std::string NodeName(const NodeStatus& n);

// A time as crm_mon prints it, in local time ("Wed Nov 25 01:10:00 2026").
std::string Ctime(std::chrono::system_clock::time_point t);
// A fencing event's time as crm_mon prints it, in local time with its offset
// ("2026-12-07 11:11:25Z" in UTC, "2026-12-07 12:11:25 +01:00" elsewhere).
std::string FenceTime(int64_t seconds);
// One line of crm_mon's fencing lists, as it words it by default: "reboot of node1 by node2 for
// vigild@node2 last successful at 2026-12-07 11:11:25Z"; `full` (the whole history) without
// "last".
std::string FenceText(const FenceStatus& f, bool full);
// The same in its technical wording (stonith_admin --history): "reboot of node1 successful:
// delegate=node2, client=vigild, origin=node2, completed='2026-12-07 11:11:25Z'" (`full`), else
// last-successful= or last-failed=.
std::string FenceDetail(const FenceStatus& f, bool full);

std::string ToXml(const ClusterStatus& status);
// Errors: not XML, or a required element or attribute missing or malformed (named).
Result<ClusterStatus> FromXml(std::string_view xml);

// The items of crm_mon's "Node List:": "Node n2: UNCLEAN (offline)", "Node n3: standby", then
// "Online: [ n1 n4 ]" and "OFFLINE: [ n5 ]".
std::vector<std::string> NodeListItems(const ClusterStatus& status);

// The items of crm_mon's "Full List of Resources:" ("  * d\t(...):\t Started node1", groups and
// clones nested); `rsc_only` as ResourceText's.
std::string ResourceListText(const ClusterStatus& status, bool rsc_only);

// crm_mon 2.x's layout: "Cluster Summary:", "Node List:", "Full List of Resources:", "Failed
// Resource Actions:", "Failed Fencing Actions:" and "Pending Fencing Actions:" (crm_mon's default
// fence-history=1); with `verbose`, the whole "Fencing History:", then Vigil's membership details
// and packet counters.
std::string FormatStatus(const ClusterStatus& status, bool verbose);

}  // namespace vigil::control
