// The cluster's state as `crm_mon --output-as=xml` (Pacemaker 2.1) prints it, so that tools which
// read crm_mon's XML read Vigil's: <pacemaker-result> with the summary (stack, current DC and
// quorum, counts), the nodes, the resources and the failed actions. `--output-as=json` carries
// the same document as JSON (Pacemaker 2.1 has no JSON output): each element an object of its
// attributes (as strings), its repeated children in an array named after them.
//
// Not given (Vigil does not keep or know them): node_history (the operation history), the
// cluster_options element, last_change, and exec/queue times (0).
#pragma once

#include <string>

#include "cluster/control/cluster_status.h"

namespace vigil::control {

// `request` is the command line the document answers (crm_mon's request attribute).
std::string CrmMonXml(const ClusterStatus& status, const std::string& request);
std::string CrmMonJson(const ClusterStatus& status, const std::string& request);

}  // namespace vigil::control
