// Clone notifications (a clone with notify=true), as Pacemaker 2.1 sends them: before the
// instances of a clone start, stop, promote or demote, every instance concerned is told what is
// about to happen ("pre"), and after, what happened ("post"), through its agent's notify action
// with the OCF_RESKEY_CRM_meta_notify_* variables.
//
// The DC plans one step at a time; a round is the notifications around one kind of action of
// one clone: the pre-notifications, then that clone's actions of that kind as the plans give
// them, then the post-notifications. The round is made from the plan that first has such an
// action.
#pragma once

#include <string>
#include <vector>

#include "cluster/cib/cib.h"
#include "cluster/scheduler/scheduler.h"

namespace vigil::daemon {

// One notification to send: to instance `rsc` ("d:1") on node `node` (by name).
struct Notification {
  std::string rsc;
  std::string node;
};

struct NotifyRound {
  std::string clone;  // the clone's id
  std::string task;   // "start", "stop", "promote" or "demote"
  // The notify_* variables every notification of the round carries, and the actions too:
  // notify_<task>_resource/_uname for each task, notify_active_*, notify_promoted_*,
  // notify_unpromoted_* (and the legacy master/slave names), notify_inactive_resource,
  // notify_available_uname, notify_all_uname. Lists are sorted, space-separated; an empty one
  // is a single space, as Pacemaker's.
  cib::Attributes keys;
  std::vector<Notification> pre;   // still to send, in order
  std::vector<Notification> post;  // to send once the round's actions are done
};

// The clone with notify=true that the primitive instance `rsc` ("d:1") belongs to; empty if
// none.
std::string NotifyingClone(const cib::Model& model, const std::string& rsc);

// The round around the `task` actions of `clone` in `plan`, planned from `model`: pre goes to
// the instances active now (for stop and demote) or placed by the plan that are not starting
// (for start and promote); post to the instances active after the actions (all of them, for a
// demote).
NotifyRound MakeRound(const cib::Model& model, const scheduler::Transition& plan, const std::string& clone,
                      const std::string& task);

// The meta attributes of one notification of `round` ("pre" or "post"), to add to an Execute's.
cib::Attributes NotificationMeta(const NotifyRound& round, const std::string& type);

}  // namespace vigil::daemon
