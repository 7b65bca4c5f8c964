// Which devices can fence a node, and in which order: Pacemaker's fencer rules on CIB documents.
#include "cluster/fencing/devices.h"

#include <gtest/gtest.h>

namespace vigil::fencing {
namespace {

using Levels = std::vector<std::vector<std::string>>;
using Pairs = std::vector<std::pair<std::string, std::string>>;

cib::Cib Parse(const std::string& resources, const std::string& topology = "") {
  const std::string xml = "<cib epoch=\"1\"><configuration><crm_config/><nodes><node id=\"1\" uname=\"node1\"/>"
                          "<node id=\"2\" uname=\"node2\"/><node id=\"10\" uname=\"web10\"/></nodes><resources>" +
                          resources + "</resources><constraints/>" +
                          (topology.empty() ? "" : "<fencing-topology>" + topology + "</fencing-topology>") +
                          "</configuration></cib>";
  auto cib = cib::Cib::Parse(xml, "t.xml");
  EXPECT_TRUE(cib.ok()) << cib.status().message();
  return cib.ok() ? std::move(cib).value() : cib::Cib::Empty();
}

std::string Primitive(const std::string& id, const std::string& params, const std::string& meta = "") {
  return "<primitive id=\"" + id + "\" class=\"stonith\" type=\"fence_ipmilan\"><instance_attributes id=\"" + id +
         "-p\">" + params + "</instance_attributes>" +
         (meta.empty() ? "" : "<meta_attributes id=\"" + id + "-m\">" + meta + "</meta_attributes>") + "</primitive>";
}

std::string Nv(const std::string& name, const std::string& value) {
  static int ids = 0;
  return "<nvpair id=\"nv" + std::to_string(++ids) + "\" name=\"" + name + "\" value=\"" + value + "\"/>";
}

fencing::Device Described(const cib::Cib& cib, const std::string& id, bool has_list = true, bool has_status = true) {
  auto d = Describe(cib.model(), *cib.model().FindPrimitive(id), has_list, has_status);
  EXPECT_TRUE(d.ok()) << d.status().message();
  return d.ok() ? *d : fencing::Device{};
}

TEST(FencingDevicesTest, HostListsAndMapsReadAsTheFencerReadsThem) {
  EXPECT_EQ(ParseTargets("node1 node2,node3;node4\nnode5  ,, off ON"),
            (std::vector<std::string>{"node1", "node2", "node3", "node4", "node5"}));
  EXPECT_EQ(ParseHostMap("node1:plug1;node2=plug2 node3:3,4\tnode\\:4:x\\;y"),
            (Pairs{{"node1", "plug1"}, {"node2", "plug2"}, {"node3", "3,4"}, {"node:4", "x;y"}}));
  EXPECT_TRUE(ParseHostMap("justaword;").empty());
}

// pcmk_host_check, given or by default, decides what the device is asked.
TEST(FencingDevicesTest, EachHostCheckDecidesWhoCanBeFenced) {
  const auto cib = Parse(Primitive("listed", Nv("pcmk_host_list", "node1 Node2")) +
                         Primitive("mapped", Nv("pcmk_host_map", "node1:10;web10:11")) +
                         Primitive("dynamic", Nv("ip", "10.0.0.1")) +
                         Primitive("everyone", Nv("pcmk_host_check", "none")) +
                         Primitive("asks", Nv("pcmk_host_check", "status") + Nv("pcmk_host_list", "node1")));
  const auto listed = Described(cib, "listed");
  EXPECT_EQ(listed.check, HostCheck::kStaticList);
  EXPECT_EQ(CanFence(listed, "node2"), Eligible::kYes);  // names compare without case
  EXPECT_EQ(CanFence(listed, "web10"), Eligible::kNo);
  const auto mapped = Described(cib, "mapped");
  EXPECT_EQ(CanFence(mapped, "web10"), Eligible::kYes);
  EXPECT_EQ(CanFence(mapped, "node2"), Eligible::kNo);
  EXPECT_EQ(Plug(mapped, "web10"), "11");
  EXPECT_EQ(Plug(mapped, "node2"), "node2");
  // No list given: the agent's list action, else its status action, else every node.
  EXPECT_EQ(CanFence(Described(cib, "dynamic"), "node1"), Eligible::kAskList);
  EXPECT_EQ(CanFence(Described(cib, "dynamic", false, true), "node1"), Eligible::kAskStatus);
  EXPECT_EQ(CanFence(Described(cib, "dynamic", false, false), "node1"), Eligible::kYes);
  EXPECT_EQ(CanFence(Described(cib, "everyone"), "anything"), Eligible::kYes);
  EXPECT_EQ(CanFence(Described(cib, "asks"), "web10"), Eligible::kAskStatus);
  // A list action's answer names the node, or its plug.
  EXPECT_TRUE(Listed(Described(cib, "dynamic"), "node2", "node1,node2\n"));
  EXPECT_FALSE(Listed(Described(cib, "dynamic"), "node2", "node1\nnode22\n"));
  EXPECT_TRUE(Listed(mapped, "web10", "10 11 12"));
  EXPECT_FALSE(Listed(mapped, "web10", "web10 off"));
  const auto bad = Parse(Primitive("odd", Nv("pcmk_host_check", "psychic")));
  const auto refused = Describe(bad.model(), *bad.model().FindPrimitive("odd"), true, true);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("pcmk_host_check=psychic"), std::string::npos);
}

// Without a topology, devices are tried by priority, then in the configuration's order.
TEST(FencingDevicesTest, DevicesAreTriedByPriorityThenInOrder) {
  const auto cib = Parse(Primitive("low", Nv("ip", "1")) + Primitive("high", Nv("ip", "2"), Nv("priority", "10")) +
                         Primitive("plain", Nv("ip", "3")) + "<primitive id=\"d\" class=\"ocf\" provider=\"heartbeat\" type=\"Dummy\"/>");
  std::vector<std::string> ids;
  for (const auto* p : DevicesInOrder(cib.model())) ids.push_back(p->id);
  EXPECT_EQ(ids, (std::vector<std::string>{"high", "low", "plain"}));
}

// A node's levels: those naming it, else the first matching pattern's, else an attribute's.
TEST(FencingDevicesTest, TheTopologyThatAppliesToANodeGivesItsLevelsInOrder) {
  const std::string devices = Primitive("a", Nv("ip", "1")) + Primitive("b", Nv("ip", "2")) + Primitive("c", Nv("ip", "3"));
  const auto cib = Parse(devices,
                         "<fencing-level id=\"l1\" target=\"node1\" index=\"2\" devices=\"b\"/>"
                         "<fencing-level id=\"l2\" target=\"node1\" index=\"1\" devices=\"a,c\"/>"
                         "<fencing-level id=\"l3\" target-pattern=\"web[0-9]+\" index=\"1\" devices=\"c\"/>"
                         "<fencing-level id=\"l4\" target-pattern=\"node.*\" index=\"1\" devices=\"b\"/>"
                         "<fencing-level id=\"l5\" target-attribute=\"rack\" target-value=\"r1\" index=\"1\" devices=\"a\"/>");
  EXPECT_EQ(TopologyLevels(cib.model(), "node1", {}), (Levels{{"a", "c"}, {"b"}}));
  EXPECT_EQ(TopologyLevels(cib.model(), "web10", {}), (Levels{{"c"}}));
  EXPECT_EQ(TopologyLevels(cib.model(), "node2", {{"rack", "r1"}}), (Levels{{"b"}}));  // the pattern comes first
  EXPECT_EQ(TopologyLevels(cib.model(), "db1", {{"rack", "r1"}}), (Levels{{"a"}}));
  EXPECT_TRUE(TopologyLevels(cib.model(), "db1", {{"rack", "r2"}}).empty());
  EXPECT_TRUE(TopologyLevels(cib.model(), "xweb10", {}).empty());  // a pattern matches the whole name
}

}  // namespace
}  // namespace vigil::fencing
