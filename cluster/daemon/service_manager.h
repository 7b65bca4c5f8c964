// What vigild tells the service manager that started it, in systemd's notify protocol (through
// libsystemd's sd_notify; nothing when NOTIFY_SOCKET is not set, as outside a Type=notify unit):
//   READY=1 once it serves (its executor child started, the membership running),
//   STATUS=... whenever the membership, quorum or DC it would show changes,
//   STOPPING=1 when it begins to stop,
//   WATCHDOG=1 every half of the unit's WatchdogSec (WATCHDOG_USEC), sent from the main loop
//   only, so that a loop that stops turning stops the pings and systemd restarts vigild.
// The variables stay in vigild's environment (sd_notify reads them there); the executor child
// removes them from its own at start (ForgetServiceManager), so that the agents it runs do not
// speak for vigild.
//
// Not thread-safe: vigild's loop owns it.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "common/clock.h"

namespace vigil::daemon {

class ServiceManager {
 public:
  ServiceManager();

  bool notifying() const { return !socket_.empty(); }
  void Ready();
  // Sent only when it differs from the last one.
  void Status(const std::string& status);
  void Stopping();
  // WATCHDOG=1 when one is due; call every loop turn.
  void Ping(SteadyTime now);
  // When the next ping is due (nullopt: the unit has no watchdog).
  std::optional<SteadyTime> next_ping() const;
  std::optional<std::chrono::microseconds> watchdog() const { return watchdog_; }

 private:
  void Send(const std::string& state);

  std::string socket_;  // NOTIFY_SOCKET as found at construction
  std::optional<std::chrono::microseconds> watchdog_;
  SteadyTime next_ping_{};
  std::string status_;
};

// Removes the service manager's variables (NOTIFY_SOCKET, WATCHDOG_USEC, WATCHDOG_PID) from
// this process's environment.
void ForgetServiceManager();

}  // namespace vigil::daemon
