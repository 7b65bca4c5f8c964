// vigild's loop is one poll(2) over its event sources: the membership's socket, the peer links,
// the executor child, the control socket and the signals. Each is an EventSource: before the
// poll it tells a PollSet which descriptors to watch and by when it must run anyway; after it,
// it reads what became ready and does what fell due. A new kind of input (another membership
// stack) is one more source, not another branch of the loop. The owner decides the order in
// which the sources act after a poll (vigild's order matters, and daemon.cc says why).
// Single-threaded.
#pragma once

#include <poll.h>

#include <optional>
#include <vector>

#include "common/clock.h"
#include "common/status.h"

namespace vigil {

class PollSet {
 public:
  // The longest a Wait lasts when no source asked to wake sooner.
  static constexpr auto kMaxWait = std::chrono::seconds(60);

  // `now`: the time from which Wait measures its deadline.
  explicit PollSet(SteadyTime now) : now_(now), wake_(now + kMaxWait) {}

  // Watches `fd` for `events`. A negative descriptor is left out, as poll(2) leaves it.
  void Watch(int fd, short events);
  // Wakes no later than `when` (a time already past: at once); nullopt asks nothing.
  void WakeBy(std::optional<SteadyTime> when);
  // Waits until a watched descriptor is ready or the earliest wake-up (rounded up to the next
  // millisecond) has come. A wait that a signal interrupted is no error. Errors: poll's.
  Status Wait();
  SteadyTime now() const { return now_; }
  // What poll reported for `fd` in the last Wait: 0 when it was not ready or not watched.
  short revents(int fd) const;

 private:
  SteadyTime now_;
  SteadyTime wake_;
  std::vector<pollfd> fds_;
};

class EventSource {
 public:
  virtual ~EventSource() = default;
  // Before each poll: the descriptors to watch, and when to run without any.
  virtual void Arm(PollSet& set) = 0;
  // After each poll, ready or not: what came in on the descriptors Arm watched, and what is due
  // by `now`.
  virtual void Dispatch(const PollSet& set, SteadyTime now) = 0;
};

}  // namespace vigil
