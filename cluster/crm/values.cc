#include "cluster/crm/values.h"

#include <algorithm>
#include <cctype>

#include "cluster/cib/cib.h"
#include "host/params.h"

namespace vigil::crm {

using pugi::xml_node;

// "inf:" "-inf:" "100:" → the score as the CIB writes it; nullopt when it is not one.
std::optional<std::string> ScoreWord(std::string word) {
  if (word.size() < 2 || word.back() != ':') return std::nullopt;
  word.pop_back();
  std::string lower;
  for (const char c : word) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (lower == "inf" || lower == "+inf" || lower == "infinity" || lower == "+infinity") return "INFINITY";
  if (lower == "-inf" || lower == "-infinity") return "-INFINITY";
  size_t i = (word[0] == '-' || word[0] == '+') ? 1 : 0;
  if (i == word.size()) return std::nullopt;
  for (; i < word.size(); ++i) {
    if (!std::isdigit(static_cast<unsigned char>(word[i]))) return std::nullopt;
  }
  return word[0] == '+' ? word.substr(1) : word;
}

namespace {
const std::vector<std::string> kRoles = {"Started", "Stopped", "Master", "Slave", "Promoted", "Unpromoted"};
}  // namespace

bool IsRole(const std::string& s) { return std::find(kRoles.begin(), kRoles.end(), s) != kRoles.end(); }

// Pacemaker's cluster options (crm_config), to warn of a name it does not know, as crmsh does.
const std::set<std::string>& ClusterOptions() {
  static const std::set<std::string> kNames = {
      "batch-limit", "cluster-delay", "cluster-infrastructure", "cluster-ipc-limit", "cluster-name",
      "cluster-recheck-interval", "concurrent-fencing", "dc-deadtime", "dc-version", "election-timeout",
      "enable-acl", "enable-startup-probes", "fence-reaction", "have-watchdog", "join-finalization-timeout",
      "join-integration-timeout", "last-lrm-refresh", "load-threshold", "maintenance-mode", "migration-limit",
      "no-quorum-policy", "node-action-limit", "node-health-base", "node-health-green", "node-health-red",
      "node-health-strategy", "node-health-yellow", "pe-error-series-max", "pe-input-series-max",
      "pe-warn-series-max", "placement-strategy", "priority-fencing-delay", "remove-after-stop",
      "shutdown-escalation", "shutdown-lock", "shutdown-lock-limit", "start-failure-is-fatal",
      "startup-fencing", "stonith-action", "stonith-enabled", "stonith-max-attempts", "stonith-timeout",
      "stonith-watchdog-timeout", "stop-all-resources", "stop-orphan-actions", "stop-orphan-resources",
      "symmetric-cluster", "transition-delay", "expected-quorum-votes", "default-resource-stickiness",
      "is-managed-default"};
  return kNames;
}

std::optional<std::string> FencingWarning(xml_node conf) {
  for (xml_node set : conf.child("crm_config").children("cluster_property_set")) {
    for (xml_node nv : set.children("nvpair")) {
      if (std::string_view(nv.attribute("name").value()) == "stonith-enabled" && !cib::PacemakerIsTrue(nv.attribute("value").value())) {
        return std::nullopt;
      }
    }
  }
  for (xml_node p : conf.child("resources").children("primitive")) {
    if (std::string_view(p.attribute("class").value()) == "stonith") return std::nullopt;
  }
  if (!conf.child("resources").child("primitive")) return std::nullopt;
  return "stonith-enabled is true and no fencing device is configured, so no resource will start (Pacemaker "
         "refuses the same): add a stonith primitive, or run 'property stonith-enabled=false' as the tutorial does";
}

// The values a cluster option takes, for those with a fixed set: Pacemaker would log an error
// and use its default, so crm refuses them instead. Empty: any value.
std::string PropertyValueError(const std::string& name, const std::string& value) {

  static const std::set<std::string> kBooleanOptions = {
      "stonith-enabled", "symmetric-cluster", "maintenance-mode", "stop-all-resources", "start-failure-is-fatal",
      "enable-startup-probes", "stop-orphan-resources", "stop-orphan-actions", "startup-fencing",
      "concurrent-fencing", "shutdown-lock", "enable-acl"};
  static const std::set<std::string> kNoQuorum = {"stop", "freeze", "ignore", "demote", "suicide"};
  if (kBooleanOptions.count(name) && !ParseBoolean(value)) return name + " is true or false, not '" + value + "'";
  if (name == "no-quorum-policy" && !kNoQuorum.count(value)) {
    return "no-quorum-policy is stop, freeze, ignore, demote or suicide, not '" + value + "'";
  }
  return "";
}

// An op attribute with a fixed set of values, checked: Pacemaker's schema refuses the rest.
std::string OpValueError(const std::string& name, const std::string& value) {
  static const std::set<std::string> kOnFail = {"ignore", "block", "stop", "restart", "standby", "fence", "demote"};
  if (name == "on-fail" && !kOnFail.count(value)) {
    return "on-fail is ignore, block, stop, restart, standby, fence or demote, not '" + value + "'";
  }
  if (name == "role" && !IsRole(value)) return "'" + value + "' is not a role (Started, Stopped, Promoted, Unpromoted)";
  if ((name == "enabled" || name == "record-pending") && !ParseBoolean(value)) {
    return name + " is true or false, not '" + value + "'";
  }
  return "";
}

}  // namespace vigil::crm
