// crm_mon over vigild: the cluster's state as Pacemaker 2.1.5's crm_mon shows it, for the
// monitoring that runs it (Prometheus' ha_cluster_exporter reads `crm_mon --output-as=xml`,
// Nagios checks `crm_mon -s`) and for people. The daemon's status gives the membership, the DC,
// where resources run, the failures and the fencing history; the CIB it holds (with the live
// status section) gives what Pacemaker's crm_mon reads from its CIB besides: the cluster
// options, each online node's attributes, and each online node's resource history (fail counts,
// migration thresholds, the operations on record). The XML validates against Pacemaker's API
// schema (/usr/share/pacemaker/api/api-result.rng).
#pragma once

#include <functional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "cluster/control/cluster_status.h"
#include "cluster/crm/shell.h"

namespace vigil::crm {

// crm_mon's XML for `status` and `cib` (the CIB with its status section, as vigild's cib-query
// answers), `request` in its request attribute. Errors: the CIB does not parse.
Result<std::string> CrmMonXml(const control::ClusterStatus& status, std::string_view cib, const std::string& request);

// The "Node Attributes:" and "Migration Summary:" sections of crm_mon's text (-A, -f), each
// empty when it has nothing to show. Errors as CrmMonXml's.
Result<std::string> CrmMonTextSections(const control::ClusterStatus& status, std::string_view cib, bool attributes,
                                       bool failcounts);

// `crm_mon ARGS`: -1 (one shot; also what happens when `out` is no terminal), -r, -f, -A, -s
// (Nagios: "CLUSTER OK: ..." exit 0, "CLUSTER WARN: ..." 1, "CLUSTER CRIT: ..." 2),
// --output-as=text|xml, -i SECONDS (the refresh of the live view). Without -1 at a terminal it
// shows the state again every interval until interrupted (`interrupted` says so). Exit codes as
// Pacemaker's.
int CrmMon(const std::vector<std::string>& args, Connection& vigild, std::ostream& out, std::ostream& err,
           bool terminal, const std::function<bool()>& interrupted);

}  // namespace vigil::crm
