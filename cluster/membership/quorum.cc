#include "cluster/membership/quorum.h"

#include <algorithm>

namespace vigil::membership {

Quorum::Quorum(QuorumConfig config)
    : config_(config),
      wait_for_all_(config.wait_for_all.value_or(config.two_node)),
      expected_(std::max(1, config.expected_votes)) {}

int Quorum::quorum() const {
  // two_node: one vote of two is enough (the peer is fenced or trusted gone).
  if (config_.two_node && expected_ == 2) return 1;
  return expected_ / 2 + 1;
}

void Quorum::Update(int member_votes) {
  votes_ = std::max(0, member_votes);
  expected_ = std::max(expected_, votes_);  // more votes than expected raise the bar
  if (votes_ >= expected_) seen_all_ = true;
  quorate_ = votes_ >= quorum() && !waiting_for_all();
}

}  // namespace vigil::membership
