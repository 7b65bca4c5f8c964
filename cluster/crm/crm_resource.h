// crm_resource over vigild, with Pacemaker 2.1.5's options, text and exit codes (crmsh's `crm
// resource` runs it for status, start/stop, move/ban/clear, parameters, meta attributes,
// utilization, cleanup and refresh, and for the agents' lists and meta-data):
// - queries: --list (-L), --list-raw (-l), --locate (-W), --query-xml (-q, -w), --get-parameter
//   (-g), --constraints (-a, -A), --why (-Y), --list-operations (-O, -o), --list-standards,
//   --list-ocf-providers, --list-ocf-alternatives, --list-agents, --show-metadata;
// - changes to the configuration, each one change made against the CIB read (made again when
//   another came first): --set-parameter (-p) and --delete-parameter (-d) of instance attributes,
//   --meta (-m) or --utilization (-z), choosing the resource as Pacemaker does (a clone's child or
//   the clone, a group's members that set it); --move (-M), --ban (-B), --clear (-U) with
//   --lifetime (-u), --promoted, --expired and --force; --delete (-D -t ELEMENT);
// - through vigild's controller: --cleanup (-C) and --refresh (-R), of one resource (a group's
//   or clone's members) or of all.
// Exit codes are Pacemaker's (CRM_EX_*): 0; 2 a clone's instance where the clone is meant; 64
// usage; 69 vigild unreachable; 105 no such resource or node; 108 already there (a move to
// where it runs); 109 several match (a move of what runs twice, an attribute set twice).
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

#include "cluster/crm/shell.h"

namespace vigil::crm {

class Agents;

// `agents` (this host's, for the agent lists and meta-data) may be null.
int CrmResource(const std::vector<std::string>& args, Connection& vigild, Agents* agents, std::ostream& out,
                std::ostream& err);

}  // namespace vigil::crm
