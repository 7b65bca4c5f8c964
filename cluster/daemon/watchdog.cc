#include "cluster/daemon/watchdog.h"

#include <fcntl.h>
#include <linux/watchdog.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <fstream>
#include <string>
#include <vector>

namespace vigil::daemon {
namespace {

std::chrono::milliseconds FeedInterval(int timeout_s) {
  return std::min(std::chrono::milliseconds(1000), std::chrono::milliseconds(timeout_s * 1000 / 4));
}

bool WriteAll(int fd, const std::string& bytes) {
  return write(fd, bytes.data(), bytes.size()) == static_cast<ssize_t>(bytes.size());
}

// Whether the kernel's watchdog device `st` cannot be stopped once opened (nowayout, as
// CONFIG_WATCHDOG_NOWAYOUT or softdog's nowayout=1 make it): its sysfs attribute, found from the
// device's numbers (the legacy /dev/watchdog, misc 10:130, is watchdog0's).
bool NoWayOut(const struct stat& st) {
  std::vector<std::string> places = {"/sys/dev/char/" + std::to_string(major(st.st_rdev)) + ":" +
                                     std::to_string(minor(st.st_rdev)) + "/nowayout"};
  if (major(st.st_rdev) == 10 && minor(st.st_rdev) == 130) places.push_back("/sys/class/watchdog/watchdog0/nowayout");
  for (const auto& place : places) {
    std::ifstream in(place);
    int value = 0;
    if (in >> value) return value != 0;
  }
  return false;
}

}  // namespace

Watchdog::~Watchdog() {
  // Closed without the magic 'V': a kernel watchdog stays armed.
  if (fd_ >= 0) close(fd_);
}

Status Watchdog::Arm(int timeout_s, SteadyTime now) {
  if (armed()) Disarm();
  const int requested = timeout_s;
  struct stat st{};
  if (stat(device_.c_str(), &st) != 0) return Status::FromErrno("watchdog device " + device_.string(), errno);
  const bool fifo = S_ISFIFO(st.st_mode);
  // Opening one starts it; a device that cannot be stopped again would reset this node after a
  // clean stop, or after an arming that went wrong half-way.
  if (S_ISCHR(st.st_mode) && NoWayOut(st)) {
    return Status(StatusCode::kUnsupported, "the watchdog device " + device_.string() +
                                                " cannot be stopped once opened (nowayout): vigild does not arm it");
  }
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
    // A driver may round it down: fed for what it counts.
    if (set > 0) timeout_s = set;
  }
  timeout_s_ = timeout_s;
  requested_s_ = requested;
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
  requested_s_ = 0;
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
