// A change made against an older CIB, object by object: made again on the newer one when the two
// changed different objects (crm's commit after a conflict), refused when they changed the same
// one differently; and whether a CIB holds a change (a node whose answer was lost).
#include "cluster/cib/merge.h"

#include <gtest/gtest.h>

namespace vigil::cib {
namespace {

// A section as pugixml writes it back (an empty one closed at once).
std::string Section(const std::string& name, const std::string& content) {
  return content.empty() ? "<" + name + "/>" : "<" + name + ">" + content + "</" + name + ">";
}

// A CIB at epoch `epoch` with these sections' contents.
std::string Cib(int epoch, const std::string& properties, const std::string& nodes, const std::string& resources,
                const std::string& constraints = "") {
  return "<cib admin_epoch=\"0\" epoch=\"" + std::to_string(epoch) + "\" num_updates=\"0\"><configuration>" +
         Section("crm_config", properties) + Section("nodes", nodes) + Section("resources", resources) +
         Section("constraints", constraints) + "</configuration><status/></cib>";
}
const std::string kStonithOff =
    "<cluster_property_set id=\"o\"><nvpair id=\"o-s\" name=\"stonith-enabled\" value=\"false\"/></cluster_property_set>";
const std::string kQuorumIgnored =
    "<cluster_property_set id=\"o\"><nvpair id=\"o-s\" name=\"stonith-enabled\" value=\"false\"/>"
    "<nvpair id=\"o-q\" name=\"no-quorum-policy\" value=\"ignore\"/></cluster_property_set>";
const std::string kNode1 = "<node id=\"1\" uname=\"n1\"/>";
const std::string kIp = "<primitive id=\"ip\" class=\"ocf\" provider=\"heartbeat\" type=\"IPaddr\"/>";
const std::string kDb = "<primitive id=\"db\" class=\"ocf\" provider=\"heartbeat\" type=\"mysql\"/>";
const std::string kWeb = "<primitive id=\"web\" class=\"ocf\" provider=\"heartbeat\" type=\"apache\"/>";
const std::string kWith = "<rsc_colocation id=\"with\" rsc=\"ip\" with-rsc=\"db\" score=\"INFINITY\"/>";

TEST(CibMergeTest, AChangeIsMadeAgainOnACibWhereTheDcAddedANode) {
  const std::string base = Cib(1, kStonithOff, "", kIp);
  const std::string change = Cib(1, kStonithOff, "", kIp + kDb);
  const std::string current = Cib(2, kStonithOff, kNode1, kIp);  // the DC recorded the joined node
  auto rebased = Rebase(base, change, current);
  ASSERT_TRUE(rebased.ok()) << rebased.status().message();
  EXPECT_EQ(*rebased, Cib(2, kStonithOff, kNode1, kIp + kDb));
  auto holds = HoldsChange(base, change, *rebased);
  ASSERT_TRUE(holds.ok());
  EXPECT_TRUE(*holds);
}

TEST(CibMergeTest, TwoChangesToOneObjectConflictAndNameIt) {
  const std::string base = Cib(1, kStonithOff, "", kIp);
  const std::string mine = Cib(1, kQuorumIgnored, "", kIp);
  const std::string theirs = Cib(2, "<cluster_property_set id=\"o\"><nvpair id=\"o-s\" name=\"stonith-enabled\" value=\"true\"/>"
                                    "</cluster_property_set>", "", kIp);
  auto rebased = Rebase(base, mine, theirs);
  ASSERT_FALSE(rebased.ok());
  EXPECT_EQ(rebased.status().code(), StatusCode::kConflict);
  EXPECT_NE(rebased.status().message().find("crm_config/cluster_property_set o"), std::string::npos)
      << rebased.status().message();
}

TEST(CibMergeTest, TheSameChangeMadeTwiceIsNoConflict) {
  const std::string base = Cib(1, kStonithOff, "", kIp);
  const std::string both = Cib(1, kStonithOff, "", kIp + kDb);
  auto rebased = Rebase(base, both, Cib(2, kStonithOff, "", kIp + kDb));
  ASSERT_TRUE(rebased.ok()) << rebased.status().message();
  EXPECT_EQ(*rebased, Cib(2, kStonithOff, "", kIp + kDb));
}

TEST(CibMergeTest, ARemovalIsMadeAgainAndANewObjectFollowsTheOneBeforeIt) {
  const std::string base = Cib(1, kStonithOff, "", kIp + kWeb, kWith);
  const std::string change = Cib(1, kStonithOff, "", kIp + kDb + kWeb, "");  // db after ip; the colocation gone
  const std::string current = Cib(3, kStonithOff, kNode1, kIp + kWeb, kWith);
  auto rebased = Rebase(base, change, current);
  ASSERT_TRUE(rebased.ok()) << rebased.status().message();
  EXPECT_EQ(*rebased, Cib(3, kStonithOff, kNode1, kIp + kDb + kWeb, ""));
}

TEST(CibMergeTest, AChangeToAnObjectTheOtherSideRemovedConflicts) {
  const std::string base = Cib(1, kStonithOff, "", kIp + kDb);
  const std::string change = Cib(1, kStonithOff, "", kIp + "<primitive id=\"db\" class=\"ocf\" provider=\"heartbeat\" type=\"Dummy\"/>");
  auto rebased = Rebase(base, change, Cib(2, kStonithOff, "", kIp));
  ASSERT_FALSE(rebased.ok());
  EXPECT_NE(rebased.status().message().find("resources/primitive db"), std::string::npos) << rebased.status().message();
}

TEST(CibMergeTest, ACibHoldsAChangeOnlyWhenEveryObjectItChangedIsThere) {
  const std::string base = Cib(1, kStonithOff, "", kIp, kWith);
  const std::string change = Cib(1, kStonithOff, "", kIp + kDb, "");
  auto holds = HoldsChange(base, change, Cib(1, kStonithOff, "", kIp, kWith));
  ASSERT_TRUE(holds.ok());
  EXPECT_FALSE(*holds);  // not made
  holds = HoldsChange(base, change, Cib(2, kStonithOff, "", kIp + kDb, kWith));
  EXPECT_FALSE(*holds);  // half of it: the colocation is still there
  holds = HoldsChange(base, change, Cib(4, kStonithOff, kNode1, kIp + kDb, ""));
  EXPECT_TRUE(*holds);  // made, and other changes after it
}

TEST(CibMergeTest, WhatIsNotACibIsAParseError) {
  auto rebased = Rebase("<cib/>", "not xml", "<cib/>");
  ASSERT_FALSE(rebased.ok());
  EXPECT_EQ(rebased.status().code(), StatusCode::kParseError);
  auto changed = ChangedObjects("<cib/>", "<other/>");
  ASSERT_FALSE(changed.ok());
  EXPECT_EQ(changed.status().code(), StatusCode::kParseError);
}

}  // namespace
}  // namespace vigil::cib
