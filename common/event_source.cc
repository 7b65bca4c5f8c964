#include "common/event_source.h"

#include <algorithm>
#include <cerrno>

namespace vigil {

void PollSet::Watch(int fd, short events) {
  if (fd >= 0) fds_.push_back({fd, events, 0});
}

void PollSet::WakeBy(std::optional<SteadyTime> when) {
  if (when && *when < wake_) wake_ = *when;
}

Status PollSet::Wait() {
  // Rounded up: a source woken a fraction of a millisecond early would find nothing due and ask
  // for a zero wait again, spinning until its deadline.
  const auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(wake_ - now_ + std::chrono::microseconds(999));
  const auto limit = std::chrono::duration_cast<std::chrono::milliseconds>(kMaxWait);
  const int timeout = static_cast<int>(std::clamp<int64_t>(wait.count(), 0, limit.count()));
  if (poll(fds_.data(), fds_.size(), timeout) < 0 && errno != EINTR) return Status::FromErrno("poll", errno);
  return Status::Ok();
}

short PollSet::revents(int fd) const {
  for (const pollfd& p : fds_) {
    if (p.fd == fd) return p.revents;
  }
  return 0;
}

}  // namespace vigil
