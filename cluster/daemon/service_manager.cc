#include "cluster/daemon/service_manager.h"

#include <systemd/sd-daemon.h>

#include <cstdlib>

namespace vigil::daemon {

ServiceManager::ServiceManager() {
  if (const char* socket = std::getenv("NOTIFY_SOCKET"); socket != nullptr) socket_ = socket;
  // Enabled only for this process (WATCHDOG_PID, when set, names it).
  uint64_t usec = 0;
  if (sd_watchdog_enabled(0, &usec) > 0 && usec > 0) watchdog_ = std::chrono::microseconds(usec);
}

void ServiceManager::Send(const std::string& state) {
  if (notifying()) (void)sd_notify(0, state.c_str());
}

void ServiceManager::Ready() { Send("READY=1"); }

void ServiceManager::Status(const std::string& status) {
  if (status == status_) return;
  status_ = status;
  Send("STATUS=" + status);
}

void ServiceManager::Stopping() { Send("STOPPING=1"); }

void ServiceManager::Ping(SteadyTime now) {
  if (!watchdog_ || now < next_ping_) return;
  // Half the interval, as systemd advises: one late turn costs nothing.
  next_ping_ = now + std::chrono::duration_cast<std::chrono::milliseconds>(*watchdog_ / 2);
  Send("WATCHDOG=1");
}

std::optional<SteadyTime> ServiceManager::next_ping() const {
  if (!watchdog_) return std::nullopt;
  return next_ping_;
}

void ForgetServiceManager() {
  for (const char* name : {"NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID"}) unsetenv(name);
}

}  // namespace vigil::daemon
