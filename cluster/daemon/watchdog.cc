#include "cluster/daemon/watchdog.h"

#include <fcntl.h>
#include <linux/watchdog.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <string>

namespace vigil::daemon {
namespace {

std::chrono::milliseconds FeedInterval(int timeout_s) {
  return std::min(std::chrono::milliseconds(1000), std::chrono::milliseconds(timeout_s * 1000 / 4));
}

bool WriteAll(int fd, const std::string& bytes) {
  return write(fd, bytes.data(), bytes.size()) == static_cast<ssize_t>(bytes.size());
}

}  // namespace

Watchdog::~Watchdog() {
  // Closed without the magic 'V': a kernel watchdog stays armed.
  if (fd_ >= 0) close(fd_);
}

Status Watchdog::Arm(int timeout_s, SteadyTime now) {
  if (armed()) Disarm();
  struct stat st{};
  if (stat(device_.c_str(), &st) != 0) return Status::FromErrno("watchdog device " + device_.string(), errno);
  const bool fifo = S_ISFIFO(st.st_mode);
  // A FIFO without its reader (the lab's device not running) is refused at once (ENXIO) rather
  // than blocking the loop.
  const int fd = open(device_.c_str(), O_WRONLY | O_CLOEXEC | (fifo ? O_NONBLOCK : 0));
  if (fd < 0) return Status::FromErrno("cannot open the watchdog device " + device_.string(), errno);
  // From here the device runs: any failure disarms it before returning.
  fd_ = fd;
  if (fifo) {
    if (!WriteAll(fd, "timeout " + std::to_string(timeout_s) + "\n")) {
      const int e = errno;
      Disarm();
      return Status::FromErrno("cannot set the timeout of the watchdog " + device_.string(), e);
    }
  } else {
    int set = timeout_s;
    if (ioctl(fd, WDIOC_SETTIMEOUT, &set) != 0) {
      const int e = errno;
      Disarm();
      return Status::FromErrno("the watchdog device " + device_.string() + " refused a timeout of " +
                                   std::to_string(timeout_s) + " s",
                               e);
    }
    // A driver rounds to what its hardware counts: a longer timeout would reset the node after the
    // DC counted it as fenced.
    if (set > timeout_s) {
      Disarm();
      return Status(StatusCode::kUnsupported, "the watchdog device " + device_.string() + " takes " + std::to_string(set) +
                                                  " s for a timeout of " + std::to_string(timeout_s) +
                                                  " s (lower stonith-watchdog-timeout's margin is needed)");
    }
  }
  timeout_s_ = timeout_s;
  next_feed_ = now;
  return Feed(now);
}

Status Watchdog::Feed(SteadyTime now) {
  if (!armed() || now < next_feed_) return Status::Ok();
  next_feed_ = now + FeedInterval(timeout_s_);
  // Any byte but 'V' feeds it without preparing the magic close.
  if (!WriteAll(fd_, "k")) return Status::FromErrno("cannot feed the watchdog " + device_.string(), errno);
  return Status::Ok();
}

void Watchdog::Disarm() {
  if (fd_ < 0) return;
  (void)WriteAll(fd_, "V");
  close(fd_);
  fd_ = -1;
  timeout_s_ = 0;
}

Status CheckWatchdogFencing(const cib::Model& before, const cib::Model& after, const std::filesystem::path& device,
                            bool two_node) {
  const int64_t ms = cib::WatchdogTimeoutMs(after);
  if (ms == 0 || ms == cib::WatchdogTimeoutMs(before)) return Status::Ok();
  const std::string option = "stonith-watchdog-timeout=" + after.properties.at("stonith-watchdog-timeout");
  if (two_node) {
    return Status(StatusCode::kUnsupported, option + " is refused in a two-node cluster (two_node: 1): each half of a "
                                                     "split keeps quorum, so neither would reset itself");
  }
  std::error_code ec;
  if (!std::filesystem::exists(device, ec)) {
    return Status(StatusCode::kUnsupported, option + " needs a watchdog device, and this node has none (" + device.string() +
                                                " is missing; the kernel's softdog module provides one)");
  }
  return Status::Ok();
}

}  // namespace vigil::daemon
