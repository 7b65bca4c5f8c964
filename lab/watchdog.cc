#include "lab/watchdog.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>

namespace vigil::lab {

Result<std::unique_ptr<WatchdogBank>> WatchdogBank::Start(std::vector<std::filesystem::path> devices, Switch off,
                                                          Switch on, std::chrono::milliseconds boot) {
  std::unique_ptr<WatchdogBank> bank(new WatchdogBank(std::move(off), std::move(on), boot));
  for (const auto& path : devices) {
    std::error_code ec;
    std::filesystem::remove(path, ec);
    if (::mkfifo(path.c_str(), 0600) != 0) return Status::FromErrno("cannot make the watchdog FIFO " + path.string(), errno);
    // Read and write: the bank is a writer too, so that the FIFO never reads as closed (no end of
    // file to spin on) while a node's vigild is gone, and vigild's open finds a reader at once.
    Device d;
    d.fd = ::open(path.c_str(), O_RDWR | O_NONBLOCK | O_CLOEXEC);
    if (d.fd < 0) return Status::FromErrno("cannot open the watchdog FIFO " + path.string(), errno);
    bank->devices_.push_back(std::move(d));
  }
  if (::pipe2(bank->wake_, O_CLOEXEC) != 0) return Status::FromErrno("pipe", errno);
  bank->thread_ = std::thread([b = bank.get()] { b->Serve(); });
  return bank;
}

WatchdogBank::~WatchdogBank() {
  if (thread_.joinable()) {
    (void)::write(wake_[1], "x", 1);
    thread_.join();
  }
  for (int fd : {wake_[0], wake_[1]}) {
    if (fd >= 0) ::close(fd);
  }
  for (const auto& d : devices_) ::close(d.fd);
}

int WatchdogBank::resets(int node) const {
  std::lock_guard<std::mutex> lock(mu_);
  return devices_.at(static_cast<size_t>(node - 1)).resets;
}

int WatchdogBank::timeout_s(int node) const {
  std::lock_guard<std::mutex> lock(mu_);
  return devices_.at(static_cast<size_t>(node - 1)).timeout_s;
}

void WatchdogBank::Take(Device& d, const std::string& bytes, SteadyTime now) {
  for (const char c : bytes) {
    if (!d.pending.empty() || c == 't') {
      // "timeout N\n": armed (again) with N seconds.
      if (c != '\n') {
        d.pending += c;
        continue;
      }
      const std::string line = std::exchange(d.pending, "");
      if (line.rfind("timeout ", 0) == 0) {
        d.timeout_s = std::max(1, std::atoi(line.c_str() + 8));
        d.deadline = now + std::chrono::seconds(d.timeout_s);
      }
    } else if (c == 'V') {
      d.timeout_s = 0;  // the magic close
    } else if (d.timeout_s > 0) {
      d.deadline = now + std::chrono::seconds(d.timeout_s);
    }
  }
}

void WatchdogBank::Serve() {
  auto until = [](SteadyTime now, SteadyTime at) {
    return static_cast<int>(std::max<int64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(at - now).count() + 1, 0));
  };
  for (;;) {
    std::vector<pollfd> fds;
    int wait_ms = -1;
    {
      std::lock_guard<std::mutex> lock(mu_);
      const SteadyTime now = std::chrono::steady_clock::now();
      for (const auto& d : devices_) {
        fds.push_back({d.fd, POLLIN, 0});
        std::optional<SteadyTime> next = d.power_on;
        if (d.timeout_s > 0) next = d.deadline;
        if (next) wait_ms = wait_ms < 0 ? until(now, *next) : std::min(wait_ms, until(now, *next));
      }
    }
    fds.push_back({wake_[0], POLLIN, 0});
    if (::poll(fds.data(), fds.size(), wait_ms) < 0 && errno != EINTR) return;
    if (fds.back().revents != 0) return;
    std::vector<int> expired, booted;
    {
      std::lock_guard<std::mutex> lock(mu_);
      const SteadyTime now = std::chrono::steady_clock::now();
      for (size_t i = 0; i < devices_.size(); ++i) {
        Device& d = devices_[i];
        std::string bytes;
        char buf[512];
        for (ssize_t n; (n = ::read(d.fd, buf, sizeof buf)) > 0;) bytes.append(buf, static_cast<size_t>(n));
        Take(d, bytes, now);
        if (d.timeout_s > 0 && now >= d.deadline) {
          // As after a reboot: disarmed, and what the old life wrote is gone.
          d.timeout_s = 0;
          d.pending.clear();
          ++d.resets;
          d.power_on = now + boot_;
          expired.push_back(static_cast<int>(i) + 1);
        } else if (d.power_on && now >= *d.power_on) {
          d.power_on.reset();
          booted.push_back(static_cast<int>(i) + 1);
        }
      }
    }
    for (const int node : expired) off_(node);
    for (const int node : booted) on_(node);
  }
}

}  // namespace vigil::lab
