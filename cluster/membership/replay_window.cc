#include "cluster/membership/replay_window.h"

namespace vigil::membership {

DropReason ReplayWindow::Check(uint64_t incarnation, uint64_t sequence) {
  if (!started_ || incarnation > incarnation_) {
    started_ = true;
    incarnation_ = incarnation;
    highest_ = sequence;
    seen_ = 1;
    return DropReason::kNone;
  }
  if (incarnation < incarnation_) return DropReason::kStale;
  if (sequence > highest_) {
    const uint64_t shift = sequence - highest_;
    seen_ = shift >= kWidth ? 0 : seen_ << shift;
    seen_ |= 1;
    highest_ = sequence;
    return DropReason::kNone;
  }
  const uint64_t age = highest_ - sequence;
  if (age >= kWidth) return DropReason::kReplayed;
  const uint64_t bit = uint64_t{1} << age;
  if (seen_ & bit) return DropReason::kReplayed;
  seen_ |= bit;
  return DropReason::kNone;
}

}  // namespace vigil::membership
