// Node names in Pacemaker's and crm_mon's order.
#include "common/node_order.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

namespace vigil {
namespace {

TEST(NodeOrderTest, DigitsCompareAsNumbersAndCaseDoesNotMatter) {
  std::vector<std::string> names = {"node10", "Node9", "node1", "alpha", "node2b", "node2a", "node02c", "Beta"};
  std::sort(names.begin(), names.end(), [](const std::string& a, const std::string& b) { return NodeNameLess(a, b); });
  EXPECT_EQ(names, (std::vector<std::string>{"alpha", "Beta", "node1", "node2a", "node2b", "node02c", "Node9", "node10"}));
  EXPECT_FALSE(NodeNameLess("node2", "node02"));
  EXPECT_FALSE(NodeNameLess("node02", "node2"));
  EXPECT_TRUE(NodeNameLess("node", "node1"));
  EXPECT_FALSE(NodeNameLess("node1", "node"));
  EXPECT_TRUE(NodeNameLess("n0", "n1"));
}

}  // namespace
}  // namespace vigil
