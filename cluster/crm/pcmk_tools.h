// Pacemaker's command-line tools that resource agents call, answered by the local vigild:
// crm_node (this node's name and id, the members, quorum), attrd_updater (transient node
// attributes: ocf:pacemaker:ping's pingd), crm_attribute (node attributes, transient or
// permanent, and --promotion: the master-<rsc> score a promotable agent sets), crm_master
// (crm_attribute --promotion), crm_ticket (tickets: list, grant, revoke, standby, activate,
// their attributes, cleanup) and stonith_admin (fence, confirm, history, devices, agents). One binary
// answers to all six names (its argv[0]); vigild puts
// their directory first on every agent's PATH and in HA_SBIN_DIR, so an installed Pacemaker's
// are not used. The options are Pacemaker 2.1's that agents and its documentation use; any other
// is refused by name (exit 64).
//
// Exit codes are Pacemaker's: 0, 1 (error), 64 (usage), 69 (vigild cannot be reached),
// 105 (no such attribute or ticket; attrd_updater -Q says 78, as Pacemaker's does), 4 (crm_ticket:
// a grant or revoke without --force).
#pragma once

#include <functional>
#include <iosfwd>
#include <istream>
#include <optional>
#include <string>
#include <vector>

#include "cluster/cib/cib.h"
#include "cluster/crm/shell.h"

namespace vigil::crm {

// A moment given in seconds since the epoch, as ctime shows it in local time ("Mon Dec  7
// 02:29:12 2026"): crm_ticket's last-granted, crm site ticket time. nullopt: not a number.
std::optional<std::string> LocalTimeText(const std::string& seconds);

class Agents;

// The fail count of `rsc` on `node` from the status section of `m`: the sum of its fail-count-RSC
// attributes there (of operation `op_key`, "monitor_10000", alone when given); INFINITY at most.
int FailCountOn(const cib::Model& m, const std::string& node, const std::string& rsc, const std::string& op_key);

// stonith_admin with `pause` between its looks at the outcome of a fence (200 ms in the tool);
// `agents` (this host's, for --list, --list-installed and --metadata) may be null.
int StonithAdmin(const std::vector<std::string>& args, Connection& vigild, Agents* agents, std::ostream& out,
                 std::ostream& err, const std::function<void()>& pause);

// crm_verify: checks a CIB as vigild reads it (what it refuses, named) and for what Pacemaker's
// crm_verify counts as an error of a CIB that reads (fencing enabled with no device): vigild's
// (-L), a file (-x), text (-X) or standard input `in` (-p). Exit 0, or 78 with the findings said
// on `err`.
int CrmVerify(const std::vector<std::string>& args, Connection& vigild, std::istream& in, std::ostream& out,
              std::ostream& err);

// Runs `tool` ("crm_node", "attrd_updater", "crm_attribute", "crm_master", "crm_ticket" or
// "stonith_admin") with `args`;
// `resource` is $OCF_RESOURCE_INSTANCE (for --promotion without a resource); `agents` as for
// StonithAdmin.
int RunPacemakerTool(const std::string& tool, const std::vector<std::string>& args, const std::string& resource,
                     Connection& vigild, Agents* agents, std::ostream& out, std::ostream& err);

}  // namespace vigil::crm
