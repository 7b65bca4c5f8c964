// Changes to a CIB document, as Pacemaker's tools make them: what vigild's control requests
// (standby, start/stop, move) write, and the live status section that `cib-query` shows.
//
// Each function takes a document's text and returns the changed document's text; every element
// it does not touch stays as it was (unknown ones included). The ids it creates follow
// crm_attribute's and crm_resource's ("nodes-<id>-standby", "<rsc>-meta_attributes-target-role",
// "cli-prefer-<rsc>"), with a numeric suffix when one is taken. Errors: kParseError (not XML, no
// <cib><configuration>), kNotFound (no such primitive).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cluster/cib/cib.h"
#include "common/status.h"

namespace vigil::cib {

// Sets (or with nullopt, removes) a node attribute in <nodes>: the node is found by uname, else
// added as <node id uname/> (the id suffixed when another node holds it). A name set more than
// once is set (removed) everywhere.
Result<std::string> SetNodeAttribute(std::string_view xml, const std::string& node_id, const std::string& uname,
                                     const std::string& name, const std::optional<std::string>& value);

// Adds <node id uname/> for each (id, uname) whose uname <nodes> lacks (the id gets a suffix when
// taken), as Pacemaker's DC records the nodes that join. *added: how many were added.
Result<std::string> AddNodes(std::string_view xml, const std::vector<std::pair<std::string, std::string>>& nodes,
                             size_t* added = nullptr);

// Sets (or removes) a meta attribute of resource `rsc`, a primitive (in a group or not) or a
// group (target-role, is-managed...).
Result<std::string> SetResourceMeta(std::string_view xml, const std::string& rsc, const std::string& name,
                                    const std::optional<std::string>& value);

// Adds rsc_location `location`, or replaces the one with its id.
Result<std::string> PutLocation(std::string_view xml, const Location& location);

// Replaces one section of <configuration> with `section` (cibadmin --replace --scope): its root
// element names the section, one of crm_config, nodes, resources, constraints, rsc_defaults,
// op_defaults. Errors: kParseError (not XML), kInvalidArgument (another element).
Result<std::string> ReplaceSection(std::string_view xml, std::string_view section);

// Removes the constraints with these ids (any kind; an id not there is skipped).
Result<std::string> RemoveConstraints(std::string_view xml, const std::vector<std::string>& ids);

// Changes ticket `ticket`'s state (<status><tickets><ticket_state>): sets each of `set`, then
// removes each of `erase` (crm_ticket --grant, --revoke, --standby, --activate, -S, -D). Granting
// a ticket that was not granted records last-granted = `now` (seconds since the epoch), as
// crm_ticket does. A ticket with no state and nothing to set is left without one.
Result<std::string> SetTicketState(std::string_view xml, const std::string& ticket,
                                   const std::vector<std::pair<std::string, std::string>>& set,
                                   const std::vector<std::string>& erase, int64_t now);
// Removes ticket `ticket`'s state altogether (crm_ticket --cleanup); *removed: whether it had one.
Result<std::string> DeleteTicketState(std::string_view xml, const std::string& ticket, bool* removed = nullptr);

// Who changed the CIB, as Pacemaker records it on <cib> with every change: cib-last-written (the
// moment, as ctime writes it in local time), update-user, update-client (the program) and
// update-origin (the node the change was made on). crm_mon shows them as "Last change".
struct ChangeStamp {
  int64_t when = 0;  // seconds since the epoch
  std::string user;
  std::string client;
  std::string origin;
};
// The document with `stamp` on its <cib>; an empty field removes its attribute. Errors:
// kParseError (not XML).
Result<std::string> Stamped(std::string_view xml, const ChangeStamp& stamp);

// The document with its <status> section made of `states` (vigild keeps the node states in
// memory, not on disk) and the tickets it holds. Cib::Parse reads it back to the same states.
// With `quorum`, <cib> says what the DC writes there in Pacemaker: have-quorum ("1" or "0") and
// dc-uuid (the DC's node id; none while there is no DC).
struct LiveQuorum {
  bool have_quorum = false;
  std::string dc_uuid;
};
Result<std::string> WithStatus(std::string_view xml, const std::vector<NodeState>& states,
                               const std::optional<LiveQuorum>& quorum = std::nullopt);
// The document with `quorum` on its <cib>, the rest as it is.
Result<std::string> WithQuorum(std::string_view xml, const LiveQuorum& quorum);

}  // namespace vigil::cib
