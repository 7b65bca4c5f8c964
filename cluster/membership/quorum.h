// Quorum with votequorum's rules: every node has one vote; a partition is quorate when its votes
// reach expected_votes / 2 + 1. expected_votes defaults to the nodelist's size and never drops
// below the votes actually seen. two_node lets either of two nodes be quorate alone, and implies
// wait_for_all unless that is set to 0: after a start, quorum waits until every expected node has been seen at once.
//
// Pure logic, no I/O; not thread-safe (one owner: the membership loop).
#pragma once

#include <optional>

namespace vigil::membership {

struct QuorumConfig {
  int expected_votes = 2;
  bool two_node = false;
  std::optional<bool> wait_for_all;  // unset: as two_node (an explicit 0 wins, as in votequorum)
};

class Quorum {
 public:
  explicit Quorum(QuorumConfig config);

  // A new membership with `member_votes` votes (the members, this node included).
  void Update(int member_votes);

  bool quorate() const { return quorate_; }
  int quorum() const;             // votes needed
  int expected_votes() const { return expected_; }
  int total_votes() const { return votes_; }
  bool waiting_for_all() const { return wait_for_all_ && !seen_all_; }

 private:
  QuorumConfig config_;
  bool wait_for_all_;
  int expected_;
  int votes_ = 0;
  bool seen_all_ = false;
  bool quorate_ = false;
};

}  // namespace vigil::membership
