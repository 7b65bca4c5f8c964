// Simulated watchdog devices for the lab's nodes (tutorial_lab.h), whose machine has no kernel
// watchdog: a FIFO per node, which the node's vigild opens as its watchdog device (vigild
// --watchdog-device; cluster/daemon/watchdog.h says what it writes: "timeout N\n" to arm it,
// any other byte to feed it, 'V' to disarm it). One thread of the lab process reads them all. A
// device armed and not fed within its timeout resets its node, as the kernel's would: the node is
// switched off (`off`: every process of it killed, its links down), and on again (`on`) once it
// has "booted" (`boot`, as a machine takes its time to come back); the device is disarmed, as a
// reboot leaves it.
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "common/clock.h"
#include "common/status.h"

namespace vigil::lab {

class WatchdogBank {
 public:
  // Makes a FIFO at each of `devices` (node K's is devices[K - 1]) and starts reading them.
  // `off(K)` and `on(K)` run on the bank's thread.
  using Switch = std::function<void(int node)>;
  static Result<std::unique_ptr<WatchdogBank>> Start(std::vector<std::filesystem::path> devices, Switch off, Switch on,
                                                     std::chrono::milliseconds boot);
  ~WatchdogBank();  // stops reading; the FIFOs stay
  WatchdogBank(const WatchdogBank&) = delete;
  WatchdogBank& operator=(const WatchdogBank&) = delete;

  int resets(int node) const;   // how many times it reset the node
  int timeout_s(int node) const;  // of the node's device while armed, else 0

 private:
  struct Device {
    int fd = -1;
    std::string pending;  // bytes of an unfinished "timeout" line
    int timeout_s = 0;    // armed while > 0
    SteadyTime deadline{};
    int resets = 0;
    std::optional<SteadyTime> power_on;  // reset: switched on then
  };
  WatchdogBank(Switch off, Switch on, std::chrono::milliseconds boot)
      : off_(std::move(off)), on_(std::move(on)), boot_(boot) {}
  void Serve();
  // What the device was written, taken in order.
  void Take(Device& d, const std::string& bytes, SteadyTime now);

  Switch off_, on_;
  std::chrono::milliseconds boot_;
  mutable std::mutex mu_;
  std::vector<Device> devices_;
  int wake_[2] = {-1, -1};
  std::thread thread_;
};

}  // namespace vigil::lab
