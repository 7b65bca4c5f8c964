// The anti-replay window for one sender: accepts each (incarnation, sequence) once, within a
// window of the last 64 sequence numbers, and only from the newest incarnation seen. A newer
// incarnation (the sender restarted) starts a fresh window.
//
// Pure logic; not thread-safe.
#pragma once

#include <cstdint>

#include "cluster/membership/packet.h"

namespace vigil::membership {

class ReplayWindow {
 public:
  static constexpr uint64_t kWidth = 64;

  // kNone: accept (and remember); kReplayed: a copy or too old; kStale: an older incarnation.
  DropReason Check(uint64_t incarnation, uint64_t sequence);

 private:
  bool started_ = false;
  uint64_t incarnation_ = 0;
  uint64_t highest_ = 0;
  uint64_t seen_ = 0;  // bit i: highest_ - i was accepted
};

}  // namespace vigil::membership
