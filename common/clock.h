// Clock: the one seam through which Vigil reads time, so that every timeout can be driven by a
// FakeClock in unit tests. Both implementations are thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

namespace vigil {

using SteadyTime = std::chrono::steady_clock::time_point;
using Duration = std::chrono::steady_clock::duration;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual SteadyTime Now() const = 0;
};

class SystemClock final : public Clock {
 public:
  SteadyTime Now() const override { return std::chrono::steady_clock::now(); }
  static SystemClock& Instance() {
    static SystemClock clock;
    return clock;
  }
};

// Time moves only when the test says so.
class FakeClock final : public Clock {
 public:
  SteadyTime Now() const override { return SteadyTime(Duration(now_.load())); }
  void Advance(Duration d) { now_ += d.count(); }

 private:
  std::atomic<Duration::rep> now_{std::chrono::hours(1) / Duration(1)};
};

// The wall clock in seconds since the epoch, as the CIB records times (last-rc-change) and the
// scheduler reads them (failure-timeout).
inline int64_t WallSeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace vigil
