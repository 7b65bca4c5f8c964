#include "cluster/membership/heartbeats.h"

#include "common/log.h"

namespace vigil::membership {
namespace {

constexpr auto kDropLogInterval = std::chrono::seconds(60);

}  // namespace

void Heartbeats::Start(SteadyTime now) { Send(membership_.Outgoing(), now); }

void Heartbeats::Arm(PollSet& set) {
  set.Watch(transport_->fd(), POLLIN);
  set.WakeBy(next_heartbeat_);
  set.WakeBy(membership_.NextDeadline());
  // Just after the lapse, so that the loop finds it lapsed; a lapse already past wakes nobody.
  const auto lapse = membership_.LeaseDeadline();
  if (lapse && *lapse > set.now()) set.WakeBy(*lapse + Duration(1));
}

void Heartbeats::Dispatch(const PollSet& set, SteadyTime now) {
  if (set.revents(transport_->fd()) != 0) Receive(now);
  membership_.Tick(now);
  View view = membership_.Outgoing();
  if (now >= next_heartbeat_ || !(view == last_sent_)) Send(std::move(view), now);
  LogDrops(now);
}

void Heartbeats::Leave() {
  // Twice: a leave that is lost costs the peers a token timeout.
  for (int i = 0; i < 2; ++i) (void)transport_->Send(PacketType::kLeave, "");
}

void Heartbeats::Send(View view, SteadyTime now) {
  last_sent_ = std::move(view);
  if (Status s = transport_->Send(PacketType::kHeartbeat, EncodeView(last_sent_)); !s.ok()) {
    LogError("cannot send a heartbeat: " + s.message());
  }
  next_heartbeat_ = now + membership_.heartbeat_interval();
}

void Heartbeats::Receive(SteadyTime now) {
  for (const auto& p : transport_->Receive()) {
    ++received_;
    if (p.type == PacketType::kLeave) {
      membership_.OnLeave(p.sender, p.incarnation, now);
      continue;
    }
    const auto view = DecodeView(p.payload);
    if (!view) {
      ++bad_views_;  // a bug or another version
      continue;
    }
    membership_.OnHeartbeat(p.sender, p.incarnation, *view, now);
  }
}

void Heartbeats::LogDrops(SteadyTime now) {
  const auto& drops = transport_->drops();
  if (drops == logged_drops_ || (!logged_drops_.empty() && now - last_drop_log_ < kDropLogInterval)) return;
  std::string what;
  for (const auto& [reason, count] : drops) {
    const uint64_t before = logged_drops_.count(reason) ? logged_drops_[reason] : 0;
    if (count == before) continue;
    what += (what.empty() ? "" : ", ") + std::to_string(count - before) + " " + DropReasonName(reason);
    if (reason == DropReason::kBadMac) what += " (a different authkey?)";
    if (reason == DropReason::kBadMagic) what += " (another crypto_cipher, or not Vigil's)";
  }
  LogWarning("dropped packets: " + what + " (counted in vigil status --verbose)");
  logged_drops_ = drops;
  last_drop_log_ = now;
}

}  // namespace vigil::membership
