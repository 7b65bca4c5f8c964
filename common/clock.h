// Clock: the one seam through which Vigil reads time, so that every timeout can be driven by a
// FakeClock in unit tests. Both implementations are thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <ctime>
#include <string>

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

// A moment (seconds since the epoch) as ctime writes it, in local time: "Mon Dec  7 20:55:23
// 2026", the way Pacemaker writes and shows times (cib-last-written, crm_mon, crm_ticket).
inline std::string CtimeText(int64_t seconds) {
  const std::time_t t = static_cast<std::time_t>(seconds);
  std::tm local{};
  char text[64];
  if (localtime_r(&t, &local) == nullptr || std::strftime(text, sizeof text, "%a %b %e %H:%M:%S %Y", &local) == 0) {
    return std::to_string(seconds);
  }
  return text;
}

}  // namespace vigil
