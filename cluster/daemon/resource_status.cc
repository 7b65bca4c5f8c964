#include "cluster/daemon/resource_status.h"

#include <algorithm>
#include <cstdlib>
#include <string>

#include "cluster/scheduler/scheduler.h"

namespace vigil::daemon {

void AddResourceStatus(const cib::Model& model, control::ClusterStatus& s) {
  s.last_change = {model.last_written, model.update_user, model.update_client, model.update_origin};
  for (const auto& r : scheduler::CurrentState(model, 0)) {
    s.resources.push_back({r.id, r.agent, r.nodes, r.failed, r.blocked, r.managed, r.disabled, r.orphan, r.pending,
                           r.group, r.clone, r.cloned, r.unique, r.promotable, r.role});
  }
  if (const auto it = model.properties.find("symmetric-cluster"); it != model.properties.end()) {
    s.symmetric = cib::PacemakerIsTrue(it->second);
  }
  for (const auto& f : scheduler::FailedActions(model)) {
    s.failed_actions.push_back({f.rsc, f.op.operation, f.op.interval_ms, f.node, f.op.rc, f.op.op_status,
                                f.op.exit_reason, f.op.last_rc_change, f.op.call_id});
  }
}

control::ClusterStatus StatusOfCib(const cib::Model& model) {
  control::ClusterStatus s;
  s.quorate = model.have_quorum;
  s.resources_known = true;
  const std::vector<std::string> standby = scheduler::StandbyNodes(model);
  for (const cib::Node& n : model.nodes) {
    control::NodeStatus node;
    node.name = n.uname;
    node.id = static_cast<uint32_t>(std::strtoul(n.id.c_str(), nullptr, 10));
    for (const cib::NodeState& state : model.node_states) {
      if (state.uname == n.uname) node.online = state.in_ccm && state.crmd == "online";
    }
    node.standby = std::find(standby.begin(), standby.end(), n.uname) != standby.end();
    s.nodes.push_back(node);
    if (n.id == model.dc_uuid) s.dc = n.uname;
  }
  AddResourceStatus(model, s);
  return s;
}

}  // namespace vigil::daemon
