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
  bool operator==(const NodeStatus&) const = default;
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
  std::map<std::string, uint64_t> counters;  // packets sent, received, dropped by reason
  std::chrono::system_clock::time_point now;
  bool operator==(const ClusterStatus&) const = default;
};

std::string ToXml(const ClusterStatus& status);
// Errors: not XML, or a required element or attribute missing or malformed (named).
Result<ClusterStatus> FromXml(std::string_view xml);

// crm_mon 2.x's layout: "Cluster Summary:", "Node List:", "Full List of Resources:"; with
// `verbose`, Vigil's membership details and packet counters after them.
std::string FormatStatus(const ClusterStatus& status, bool verbose);

}  // namespace vigil::control
