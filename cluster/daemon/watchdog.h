// This node's watchdog, for self-fencing (stonith-watchdog-timeout, as sbd's watchdog-only mode):
// a device that resets the machine unless it is written to within its timeout. vigild arms it
// once its partition has quorum and feeds it from its loop while the partition keeps quorum
// (and its quorum lease), so that a node that freezes, loses its vigild or ends up in a minority
// resets itself; the DC counts such a node as fenced stonith-watchdog-timeout after it asked,
// twice the device's timeout (cib::WatchdogDeviceSeconds).
//
// The device: a character device speaks the kernel's watchdog API (/dev/watchdog, the softdog
// module's included): WDIOC_SETTIMEOUT sets its timeout, any write feeds it, and a 'V' written
// before it is closed disarms it (the "magic close"; closed without it, it stays armed and
// resets the machine). A FIFO stands for one in the lab (lab/watchdog.h), which has no kernel
// watchdog: the timeout goes to it as the line "timeout N\n" instead of the ioctl, the rest as
// with the kernel's.
//
// Not thread-safe: vigild's loop owns it.
#pragma once

#include <filesystem>
#include <string>

#include "cluster/cib/cib.h"
#include "common/clock.h"
#include "common/status.h"

namespace vigil::daemon {

class Watchdog {
 public:
  explicit Watchdog(std::filesystem::path device) : device_(std::move(device)) {}
  // Left armed: a vigild that ends without Disarm (it crashed, or left uncleanly) is reset.
  ~Watchdog();
  Watchdog(const Watchdog&) = delete;
  Watchdog& operator=(const Watchdog&) = delete;

  // Opens the device and sets its timeout (whole seconds), then feeds it. Errors name the
  // device and why (missing, busy with another program, refusing the timeout); nothing is armed
  // then.
  Status Arm(int timeout_s, SteadyTime now);
  // Feeds it when a feed is due (a quarter of its timeout, at most a second, after the last).
  // A write that fails is logged by the caller through the returned status.
  Status Feed(SteadyTime now);
  // The magic close: disarmed, for a clean stop or stonith-watchdog-timeout turned off.
  void Disarm();

  bool armed() const { return fd_ >= 0; }
  int timeout_s() const { return armed() ? timeout_s_ : 0; }  // as the device counts it
  int requested_s() const { return armed() ? requested_s_ : 0; }  // as Arm was asked
  SteadyTime next_feed() const { return next_feed_; }
  const std::filesystem::path& device() const { return device_; }

 private:
  std::filesystem::path device_;
  int fd_ = -1;
  int timeout_s_ = 0;
  int requested_s_ = 0;
  SteadyTime next_feed_{};
};

// A configuration change as the node that takes it checks it: stonith-watchdog-timeout turned on
// or changed is refused (kUnsupported, with the reason) where this node has no watchdog at
// `device`, and in a two-node cluster (`two_node`), where each half of a split keeps quorum and
// would go on feeding its watchdog while the other counts it as reset.
Status CheckWatchdogFencing(const cib::Model& before, const cib::Model& after, const std::filesystem::path& device,
                            bool two_node);

}  // namespace vigil::daemon
