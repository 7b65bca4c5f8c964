// Generates CIBs for the scheduler's benchmark and its scale test: N Dummy primitives on M online
// nodes of a quorate cluster, random location preferences and bans, colocation chains and
// (optionally) orders along them, and optionally a status section where every resource already
// runs on a random node. With `collectives`, of every ten resources the chain's four form a group
// instead, one is cloned (an instance on every node, up to 32) and two form a cloned group (up to
// 8 instances), the group ordered after the clone. With `rules`, every node has a rack attribute
// and a transient pingd (0 on one node in eight), each primitive a connectivity rule (-INFINITY
// where pingd is not defined or is 0) and half of them a rule preferring a rack while a date
// range holds instead of a plain preference. Deterministic for a given seed, so Vigil and crm_simulate read the
// very same problem.
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "cluster/cib/digest.h"

namespace vigil::bench {

struct CibShape {
  int resources = 10;
  int nodes = 2;
  uint32_t seed = 42;
  bool running = false;  // every resource already started somewhere (its history recorded)
  bool orders = false;   // mandatory orders along the colocation chains
  bool collectives = false;  // groups, clones and cloned groups (see above)
  bool rules = false;        // location rules on node attributes and dates (see above)
};

// Where resource i stands when `collectives`: its block of ten, and its place there.
enum class Role { kPrimitive, kGroupFirst, kGroupMember, kCloned, kClonedGroupFirst, kClonedGroupMember };
inline Role RoleOf(const CibShape& shape, int i) {
  if (!shape.collectives) return Role::kPrimitive;
  switch (i % 10) {
    case 0: return Role::kGroupFirst;
    case 1: case 2: case 3: return Role::kGroupMember;
    case 5: return Role::kCloned;
    case 6: return Role::kClonedGroupFirst;
    case 7: return Role::kClonedGroupMember;
    default: return Role::kPrimitive;
  }
}

inline std::string GenerateCib(const CibShape& shape) {
  std::mt19937 rng(shape.seed);
  auto uniform = [&rng](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  auto chance = [&rng](double p) { return std::uniform_real_distribution<double>(0, 1)(rng) < p; };
  auto node = [](int i) { return "node" + std::to_string(i + 1); };
  auto rsc = [](int i) { return "r" + std::to_string(i + 1); };

  std::string constraints;
  // A preference of `id` (resource i's, or its group's or clone's) for a random node.
  auto prefer = [&](int i, const std::string& id) {
    constraints += "<rsc_location id=\"pref-" + rsc(i) + "\" rsc=\"" + id + "\" node=\"" +
                   node(uniform(0, shape.nodes - 1)) + "\" score=\"" + std::to_string(uniform(1, 100)) + "\"/>\n";
  };
  auto group_of = [](int i) { return "g" + std::to_string(i / 10 + 1); };
  auto clone_of = [](int i) { return "c" + std::to_string(i / 10 + 1); };
  auto cloned_group_of = [](int i) { return "cg" + std::to_string(i / 10 + 1); };
  for (int i = 0; i < shape.resources; ++i) {
    const Role role = RoleOf(shape, i);
    if (role == Role::kCloned || role == Role::kClonedGroupFirst || role == Role::kClonedGroupMember) {
      // A clone's placement comes from its instances; a preference for the whole clone.
      if (role != Role::kClonedGroupMember && chance(0.5)) {
        prefer(i, role == Role::kCloned ? clone_of(i) : cloned_group_of(i) + "-clone");
      }
      if (role == Role::kClonedGroupFirst) {
        constraints += "<rsc_order id=\"after-" + clone_of(i) + "\" first=\"" + clone_of(i) + "\" then=\"" +
                       cloned_group_of(i) + "-clone\" kind=\"Mandatory\"/>\n";
      }
      continue;
    }
    if (role == Role::kGroupFirst || role == Role::kGroupMember) {
      if (role == Role::kGroupFirst && chance(0.5)) prefer(i, group_of(i));
      continue;
    }
    if (shape.rules) {
      constraints += "<rsc_location id=\"connected-" + rsc(i) + "\" rsc=\"" + rsc(i) + "\"><rule id=\"connected-" + rsc(i) +
                     "-r\" score=\"-INFINITY\" boolean-op=\"or\"><expression id=\"connected-" + rsc(i) +
                     "-u\" attribute=\"pingd\" operation=\"not_defined\"/><expression id=\"connected-" + rsc(i) +
                     "-z\" attribute=\"pingd\" operation=\"lte\" value=\"0\"/></rule></rsc_location>\n";
    }
    if (shape.rules && chance(0.5)) {
      constraints += "<rsc_location id=\"rack-" + rsc(i) + "\" rsc=\"" + rsc(i) + "\"><rule id=\"rack-" + rsc(i) +
                     "-r\" score=\"" + std::to_string(uniform(1, 100)) + "\"><expression id=\"rack-" + rsc(i) +
                     "-e\" attribute=\"rack\" operation=\"eq\" value=\"rack" + std::to_string(uniform(0, 3)) +
                     "\"/><date_expression id=\"rack-" + rsc(i) + "-d\" operation=\"in_range\" "
                     "start=\"2020-01-01\" end=\"2099-12-31 23:59:59Z\"/></rule></rsc_location>\n";
    } else if (chance(0.5)) {
      prefer(i, rsc(i));
    }
    if (chance(0.05)) {
      constraints += "<rsc_location id=\"ban-" + rsc(i) + "\" rsc=\"" + rsc(i) + "\" node=\"" +
                     node(uniform(0, shape.nodes - 1)) + "\" score=\"-INFINITY\"/>\n";
    }
    // Chains of four in every ten resources: r2 with r1, r3 with r2, r4 with r3, ...
    if (i % 10 >= 1 && i % 10 <= 3) {
      constraints += "<rsc_colocation id=\"with-" + rsc(i) + "\" rsc=\"" + rsc(i) +
                     "\" with-rsc=\"" + rsc(i - 1) + "\" score=\"INFINITY\"/>\n";
      if (shape.orders) {
        constraints += "<rsc_order id=\"after-" + rsc(i) + "\" first=\"" + rsc(i - 1) +
                       "\" then=\"" + rsc(i) + "\" kind=\"Mandatory\"/>\n";
      }
    }
  }

  std::string xml =
      "<cib crm_feature_set=\"3.16.1\" validate-with=\"pacemaker-3.9\" epoch=\"1\" "
      "num_updates=\"0\" admin_epoch=\"0\" have-quorum=\"1\" dc-uuid=\"1\">\n<configuration>\n"
      "<crm_config><cluster_property_set id=\"cib-bootstrap-options\">"
      "<nvpair id=\"opt-stonith\" name=\"stonith-enabled\" value=\"false\"/>"
      "<nvpair id=\"opt-quorum\" name=\"no-quorum-policy\" value=\"ignore\"/>"
      "<nvpair id=\"opt-probes\" name=\"enable-startup-probes\" value=\"false\"/>"
      "</cluster_property_set></crm_config>\n<nodes>\n";
  for (int n = 0; n < shape.nodes; ++n) {
    if (shape.rules) {
      xml += "<node id=\"" + std::to_string(n + 1) + "\" uname=\"" + node(n) + "\"><instance_attributes id=\"" +
             node(n) + "-a\"><nvpair id=\"" + node(n) + "-rack\" name=\"rack\" value=\"rack" + std::to_string(n % 4) +
             "\"/></instance_attributes></node>\n";
    } else {
      xml += "<node id=\"" + std::to_string(n + 1) + "\" uname=\"" + node(n) + "\"/>\n";
    }
  }
  xml += "</nodes>\n<resources>\n";
  auto primitive = [&](int i) {
    return "<primitive id=\"" + rsc(i) + "\" class=\"ocf\" provider=\"heartbeat\" type=\"Dummy\">"
           "<operations><op id=\"" + rsc(i) + "-monitor\" name=\"monitor\" interval=\"10s\" "
           "timeout=\"20s\"/></operations></primitive>";
  };
  auto clone_meta = [&](const std::string& id, int max) {
    return "<meta_attributes id=\"" + id + "-meta\"><nvpair id=\"" + id + "-max\" name=\"clone-max\" value=\"" +
           std::to_string(std::min(shape.nodes, max)) + "\"/></meta_attributes>";
  };
  for (int i = 0; i < shape.resources; ++i) {
    switch (RoleOf(shape, i)) {
      case Role::kPrimitive:
        xml += primitive(i) + "\n";
        break;
      case Role::kGroupFirst:
        xml += "<group id=\"" + group_of(i) + "\">" + primitive(i);
        if (i + 1 >= shape.resources || RoleOf(shape, i + 1) != Role::kGroupMember) xml += "</group>\n";
        break;
      case Role::kGroupMember:
        xml += primitive(i);
        if (i + 1 >= shape.resources || RoleOf(shape, i + 1) != Role::kGroupMember) xml += "</group>\n";
        break;
      case Role::kCloned:
        xml += "<clone id=\"" + clone_of(i) + "\">" + clone_meta(clone_of(i), 32) + primitive(i) + "</clone>\n";
        break;
      case Role::kClonedGroupFirst:
        xml += "<clone id=\"" + cloned_group_of(i) + "-clone\">" + clone_meta(cloned_group_of(i), 8) + "<group id=\"" +
               cloned_group_of(i) + "\">" + primitive(i);
        if (i + 1 >= shape.resources) xml += "</group></clone>\n";
        break;
      case Role::kClonedGroupMember:
        xml += primitive(i) + "</group></clone>\n";
        break;
    }
  }
  xml += "</resources>\n<constraints>\n" + constraints + "</constraints>\n";
  xml += "<rsc_defaults><meta_attributes id=\"rsc-options\"><nvpair id=\"rsc-stickiness\" "
         "name=\"resource-stickiness\" value=\"100\"/></meta_attributes></rsc_defaults>\n"
         "</configuration>\n<status>\n";

  std::vector<std::vector<int>> on_node(shape.nodes);
  if (shape.running) {
    int group_node = 0;
    for (int i = 0; i < shape.resources; ++i) {
      switch (RoleOf(shape, i)) {
        case Role::kPrimitive:
          on_node[uniform(0, shape.nodes - 1)].push_back(i);
          break;
        case Role::kGroupFirst:
          group_node = uniform(0, shape.nodes - 1);
          on_node[group_node].push_back(i);
          break;
        case Role::kGroupMember:
          on_node[group_node].push_back(i);
          break;
        case Role::kCloned:  // an anonymous instance on each of its nodes, recorded as rN
          for (int n = 0; n < std::min(shape.nodes, 32); ++n) on_node[n].push_back(i);
          break;
        case Role::kClonedGroupFirst:
        case Role::kClonedGroupMember:
          for (int n = 0; n < std::min(shape.nodes, 8); ++n) on_node[n].push_back(i);
          break;
      }
    }
  }
  const std::string start_digest = cib::ParametersDigest({}).value_or("");
  const std::string monitor_digest = cib::ParametersDigest({{"CRM_meta_timeout", "20000"}}).value_or("");
  for (int n = 0; n < shape.nodes; ++n) {
    const std::string id = std::to_string(n + 1);
    xml += "<node_state id=\"" + id + "\" uname=\"" + node(n) +
           "\" in_ccm=\"true\" crmd=\"online\" join=\"member\" expected=\"member\">";
    if (shape.rules) {
      xml += "<transient_attributes id=\"" + id + "\"><instance_attributes id=\"status-" + id + "\"><nvpair id=\"status-" +
             id + "-pingd\" name=\"pingd\" value=\"" + (n % 8 == 7 ? "0" : "100") +
             "\"/></instance_attributes></transient_attributes>";
    }
    if (!on_node[n].empty()) {
      xml += "<lrm id=\"" + id + "\"><lrm_resources>\n";
      for (int i : on_node[n]) {
        const std::string r = rsc(i);
        xml += "<lrm_resource id=\"" + r + "\" class=\"ocf\" provider=\"heartbeat\" type=\"Dummy\">"
               "<lrm_rsc_op id=\"" + r + "_last_0\" operation_key=\"" + r + "_start_0\" "
               "operation=\"start\" crm-debug-origin=\"bench\" crm_feature_set=\"3.16.1\" "
               "transition-key=\"1:1:0:00000000-0000-0000-0000-000000000000\" "
               "transition-magic=\"0:0;1:1:0:00000000-0000-0000-0000-000000000000\" "
               "exit-reason=\"\" call-id=\"1\" rc-code=\"0\" op-status=\"0\" interval=\"0\" "
               "last-rc-change=\"1700000000\" exec-time=\"1\" queue-time=\"0\" op-digest=\"" +
               start_digest + "\"/>"
               "<lrm_rsc_op id=\"" + r + "_monitor_10000\" operation_key=\"" + r +
               "_monitor_10000\" operation=\"monitor\" crm-debug-origin=\"bench\" "
               "crm_feature_set=\"3.16.1\" "
               "transition-key=\"2:1:0:00000000-0000-0000-0000-000000000000\" "
               "transition-magic=\"0:0;2:1:0:00000000-0000-0000-0000-000000000000\" "
               "exit-reason=\"\" call-id=\"2\" rc-code=\"0\" op-status=\"0\" interval=\"10000\" "
               "last-rc-change=\"1700000000\" exec-time=\"1\" queue-time=\"0\" op-digest=\"" +
               monitor_digest + "\"/></lrm_resource>\n";
      }
      xml += "</lrm_resources></lrm>";
    }
    xml += "</node_state>\n";
  }
  xml += "</status>\n</cib>\n";
  return xml;
}

}  // namespace vigil::bench
