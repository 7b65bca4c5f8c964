// votequorum's arithmetic: majority of expected votes, two_node, wait_for_all, and expected votes
// that only grow.
#include "cluster/membership/quorum.h"

#include <gtest/gtest.h>

namespace vigil::membership {
namespace {

TEST(QuorumTest, AMajorityOfExpectedVotesIsQuorate) {
  Quorum q({3, false, false});
  EXPECT_EQ(q.quorum(), 2);
  q.Update(1);
  EXPECT_FALSE(q.quorate());
  q.Update(2);
  EXPECT_TRUE(q.quorate());
  q.Update(3);
  EXPECT_TRUE(q.quorate());
  q.Update(1);  // a partition of one out of three
  EXPECT_FALSE(q.quorate());
}

TEST(QuorumTest, HalfOfAnEvenClusterIsNotQuorate) {
  Quorum q({4, false, false});
  EXPECT_EQ(q.quorum(), 3);
  q.Update(2);
  EXPECT_FALSE(q.quorate());
}

TEST(QuorumTest, TwoNodeIsQuorateAloneOnceBothWereSeen) {
  Quorum q({2, true, std::nullopt});  // wait_for_all unset
  EXPECT_EQ(q.quorum(), 1);
  EXPECT_TRUE(q.waiting_for_all());  // two_node implies wait_for_all
  q.Update(1);
  EXPECT_FALSE(q.quorate()) << "a freshly started node must not run alone";
  q.Update(2);
  EXPECT_TRUE(q.quorate());
  EXPECT_FALSE(q.waiting_for_all());
  q.Update(1);  // the peer is lost
  EXPECT_TRUE(q.quorate());
}

TEST(QuorumTest, WaitForAllHoldsQuorumUntilEveryNodeWasSeen) {
  Quorum q({3, false, true});
  q.Update(2);
  EXPECT_FALSE(q.quorate());
  q.Update(3);
  EXPECT_TRUE(q.quorate());
  q.Update(2);
  EXPECT_TRUE(q.quorate());
}

TEST(QuorumTest, MoreVotesThanExpectedRaiseExpectedVotes) {
  Quorum q({2, false, false});
  q.Update(5);
  EXPECT_EQ(q.expected_votes(), 5);
  EXPECT_EQ(q.quorum(), 3);
  q.Update(2);
  EXPECT_FALSE(q.quorate());
}

}  // namespace
TEST(QuorumTest, AnExplicitWaitForAllOffWinsOverTwoNode) {
  Quorum q({2, true, false});  // two_node: 1 with wait_for_all: 0, as votequorum allows
  EXPECT_FALSE(q.waiting_for_all());
  q.Update(1);
  EXPECT_TRUE(q.quorate());
}

}  // namespace vigil::membership
