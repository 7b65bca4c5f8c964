// What the status (vigild's answer to `status`, crm_mon's view) says of a CIB's resources, from
// the CIB alone: for vigild (the CIB with the DC's status section) and for tools that read a CIB
// file (crm_simulate -x).
#pragma once

#include "cluster/cib/cib.h"
#include "cluster/control/cluster_status.h"

namespace vigil::daemon {

// Each primitive's state, the failed actions, the last change's stamp, whether the cluster is
// symmetric, added to `s`.
void AddResourceStatus(const cib::Model& model, control::ClusterStatus& s);

// The status of a saved CIB: its nodes (online as its status section says: in the membership with
// a running controller; standby as their attributes say), quorum as it says, and its resources.
control::ClusterStatus StatusOfCib(const cib::Model& model);

}  // namespace vigil::daemon
