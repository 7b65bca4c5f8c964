#include "common/signal_source.h"

#include <signal.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <cerrno>

namespace vigil {

Result<std::unique_ptr<SignalSource>> SignalSource::Block(std::initializer_list<int> signals, Handler handler) {
  sigset_t set;
  sigemptyset(&set);
  for (const int s : signals) sigaddset(&set, s);
  if (sigprocmask(SIG_BLOCK, &set, nullptr) != 0) return Status::FromErrno("sigprocmask", errno);
  const int fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
  if (fd < 0) return Status::FromErrno("signalfd", errno);
  return std::unique_ptr<SignalSource>(new SignalSource(fd, std::move(handler)));
}

SignalSource::~SignalSource() { close(fd_); }

void SignalSource::Arm(PollSet& set) { set.Watch(fd_, POLLIN); }

void SignalSource::Dispatch(const PollSet& set, SteadyTime) {
  if (set.revents(fd_) == 0) return;
  signalfd_siginfo info{};
  while (read(fd_, &info, sizeof info) == sizeof info) handler_(static_cast<int>(info.ssi_signo));
}

}  // namespace vigil
