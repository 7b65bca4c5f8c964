#include "cluster/lrm/executor_client.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <thread>

#include "cluster/lrm/executor_wire.h"
#include "common/ocf.h"

namespace vigil::lrm {
namespace {

constexpr auto kRestartDelay = std::chrono::seconds(1);
constexpr auto kDeathWindow = std::chrono::seconds(10);
constexpr size_t kDeathsBeforeDelay = 3;
// How long the loop waits to reap a dead child (to say how it died): a child stuck in the kernel
// (a hung NFS write) cannot exit, and must not stop the heartbeats; it is reaped later.
constexpr auto kReapWait = std::chrono::milliseconds(100);

std::string Describe(int status) {
  if (WIFEXITED(status)) return "exit code " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return std::string("signal ") + std::to_string(WTERMSIG(status)) + " (" + strsignal(WTERMSIG(status)) + ")";
  return "status " + std::to_string(status);
}

}  // namespace

Status ExecutorClient::Start() {
  int sv[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) {
    return Status::FromErrno("cannot create the executor child's socket pair", errno);
  }
  std::vector<std::string> argv = argv_;
  for (auto& a : argv) {
    if (a == "{fd}") a = std::to_string(sv[1]);
  }
  std::vector<char*> args;
  for (auto& a : argv) args.push_back(a.data());
  args.push_back(nullptr);
  const pid_t pid = fork();
  if (pid < 0) {
    const int e = errno;
    close(sv[0]);
    close(sv[1]);
    return Status::FromErrno("cannot fork the executor child", e);
  }
  if (pid == 0) {
    // Only async-signal-safe calls until exec. The child's end survives exec; vigild's end and
    // every other descriptor of vigild are close-on-exec.
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);  // vigild blocks signals for its signalfd
    const int flags = fcntl(sv[1], F_GETFD);
    fcntl(sv[1], F_SETFD, flags & ~FD_CLOEXEC);
    execv(program_.c_str(), args.data());
    _exit(127);
  }
  close(sv[1]);
  fcntl(sv[0], F_SETFL, fcntl(sv[0], F_GETFL) | O_NONBLOCK);
  fd_ = sv[0];
  pid_ = pid;
  restart_at_.reset();
  lapses_seen_ = 0;
  events_.Info("executor child started (pid " + std::to_string(pid) + ")");
  Renew(std::chrono::steady_clock::now());
  return Status::Ok();
}

void ExecutorClient::Arm(PollSet& set) {
  set.Watch(fd_, out_.empty() ? POLLIN : POLLIN | POLLOUT);
  if (!refused_.empty()) {
    set.WakeBy(SteadyTime{});
  } else if (lease_.count() > 0 && fd_ >= 0) {
    set.WakeBy(next_renew_);
  } else {
    set.WakeBy(restart_at_);
  }
}

void ExecutorClient::Dispatch(const PollSet& set, SteadyTime now) {
  if (Process(set.revents(fd_), now) && on_unknown_) on_unknown_();
}

uint64_t ExecutorClient::Submit(Operation op, Callback done) { return Send(std::move(op), std::move(done), false); }

uint64_t ExecutorClient::Check(Operation op, Callback done) {
  op.interval = std::chrono::milliseconds(0);  // one answer
  return Send(std::move(op), std::move(done), true);
}

uint64_t ExecutorClient::Send(Operation op, Callback done, bool check_only) {
  const uint64_t call = next_call_++;
  if (fd_ < 0) {
    // Ended as the child's death ends a call: a recurring one cancelled (it will not run), a
    // one-shot one failed.
    OperationResult r;
    r.call_id = call;
    r.status = op.interval.count() > 0 ? ExecStatus::kCancelled : ExecStatus::kError;
    r.rc = static_cast<int>(OcfCode::kErrGeneric);
    r.reason = "the executor child is not running";
    calls_[call] = {std::move(op), std::move(done)};
    refused_.emplace_back(call, std::move(r));
    return call;
  }
  out_ += check_only ? EncodeFrame(CheckRequest{call, op}) : EncodeFrame(RunRequest{call, op});
  calls_[call] = {std::move(op), std::move(done)};
  Flush();
  return call;
}

void ExecutorClient::Cancel(uint64_t call) {
  if (fd_ < 0 || !calls_.count(call)) return;
  out_ += EncodeFrame(CancelRequest{call});
  Flush();
}

void ExecutorClient::Flush() {
  while (!out_.empty() && fd_ >= 0) {
    const ssize_t n = send(fd_, out_.data(), out_.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n < 0) {
      if (errno == EINTR) continue;
      return;  // EAGAIN: at the next POLLOUT; an error: the read side sees the death
    }
    out_.erase(0, static_cast<size_t>(n));
  }
}

void ExecutorClient::Renew(SteadyTime now) {
  if (lease_.count() <= 0 || fd_ < 0) return;
  const auto lease_ms = std::chrono::duration_cast<std::chrono::milliseconds>(lease_).count();
  out_ += EncodeFrame(RenewRequest{static_cast<uint64_t>(lease_ms), lapses_seen_});
  Flush();
  next_renew_ = now + renew_every_;
}

std::vector<LogEvent> ExecutorClient::TakeEvents() { return events_.Take(); }

void ExecutorClient::OnDeath(const std::string& why, SteadyTime now, bool ours) {
  close(fd_);
  fd_ = -1;
  int status = 0;
  std::string how = why;
  bool reaped = false;
  if (pid_ > 0) {
    // It closed its end: it is exiting, or something is badly wrong with it. Either way it goes.
    reaped = KillAndReap(&status);
    if (reaped) how = Describe(status);
  }
  // Killed from outside (kill -9 by a person or a script): no agent failed. A crash (a plugin's
  // abort or segfault) or an exit is the agent's doing and fails what was in flight.
  const bool killed = !ours && reaped && WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
  events_.Error("executor child (pid " + std::to_string(pid_) + ") died: " + how + "; " +
                    std::to_string(calls_.size()) + " operation(s) in flight ended" + (killed ? " (withdrawn)" : ""));
  pid_ = -1;
  in_.clear();
  out_.clear();
  auto calls = std::move(calls_);
  calls_.clear();
  for (auto& [call, c] : calls) {
    OperationResult r;
    r.call_id = call;
    r.status = c.op.interval.count() > 0 || killed ? ExecStatus::kCancelled : ExecStatus::kError;
    r.rc = static_cast<int>(OcfCode::kErrGeneric);
    r.reason = std::string(kChildDied) + " (" + how + ")";
    c.done(r);
  }
  deaths_.push_back(now);
  std::erase_if(deaths_, [&](SteadyTime t) { return now - t > kDeathWindow; });
  restart_at_ = deaths_.size() > kDeathsBeforeDelay ? now + kRestartDelay : now;
}

bool ExecutorClient::Process(short revents, SteadyTime now) {
  std::erase_if(unreaped_, [](pid_t pid) {
    int status = 0;
    return waitpid(pid, &status, WNOHANG) != 0;
  });
  for (auto& [call, r] : std::exchange(refused_, {})) {
    const auto it = calls_.find(call);
    if (it == calls_.end()) continue;
    Callback done = std::move(it->second.done);
    calls_.erase(it);
    done(r);
  }
  if (fd_ < 0) {
    if (restart_at_ && now >= *restart_at_) {
      if (Status s = Start(); !s.ok()) {
        events_.Error("cannot restart the executor child: " + s.message());
        restart_at_ = now + kRestartDelay;
        return false;
      }
      return true;
    }
    return false;
  }
  if (now >= next_renew_) Renew(now);
  if (revents & POLLOUT) Flush();
  if ((revents & (POLLIN | POLLHUP | POLLERR)) == 0) return false;
  char buffer[65536];
  for (;;) {
    const ssize_t n = recv(fd_, buffer, sizeof buffer, MSG_DONTWAIT);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) break;
    if (n <= 0) {
      OnDeath(n == 0 ? "closed its socket" : std::string("receive: ") + std::strerror(errno), now, false);
      return Process(0, now);  // a restart at once, unless it keeps dying
    }
    in_.append(buffer, static_cast<size_t>(n));
  }
  auto messages = TakeFrames(in_);
  if (!messages.ok()) {
    OnDeath("it sent garbage: " + messages.status().message(), now, true);
    return Process(0, now);
  }
  bool lapsed = false;
  for (auto& m : *messages) {
    if (const auto* lapse = std::get_if<LapsedNotice>(&m)) {
      // Heard: the renewal that says so lets the child take work again. Everything sent before
      // it is refused there (withdrawn), since it was planned on what the lapse undid.
      lapses_seen_ = lapse->lapse;
      events_.Error("executor child (pid " + std::to_string(pid_) + ") stopped every resource: vigild did not "
                        "renew its lease in time; its resources are probed again");
      Renew(now);
      lapsed = true;
      continue;
    }
    auto* result = std::get_if<RunResult>(&m);
    if (result == nullptr) continue;
    const auto it = calls_.find(result->call);
    if (it == calls_.end()) continue;
    const bool last = it->second.op.interval.count() == 0 || result->result.status == ExecStatus::kCancelled;
    Callback done = last ? std::move(it->second.done) : it->second.done;
    if (last) calls_.erase(it);
    done(result->result);
  }
  return lapsed;
}

void ExecutorClient::BeginStop() {
  if (fd_ >= 0) close(fd_);
  fd_ = -1;
  restart_at_.reset();
}

void ExecutorClient::Signal(int signal) {
  if (pid_ > 0) kill(pid_, signal);
}

bool ExecutorClient::Exited() {
  int status = 0;
  if (pid_ > 0 && waitpid(pid_, &status, WNOHANG) == pid_) {
    pid_ = -1;
    exit_code_ = WIFEXITED(status) ? std::optional<int>(WEXITSTATUS(status)) : std::nullopt;
  }
  return pid_ <= 0;
}

void ExecutorClient::Kill() {
  BeginStop();
  if (pid_ <= 0) return;
  int status = 0;
  KillAndReap(&status);
  pid_ = -1;
}

bool ExecutorClient::KillAndReap(int* status) {
  kill(pid_, SIGKILL);
  const auto until = std::chrono::steady_clock::now() + kReapWait;
  pid_t reaped = 0;
  while ((reaped = waitpid(pid_, status, WNOHANG)) == 0 && std::chrono::steady_clock::now() < until) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  if (reaped == pid_) return true;
  unreaped_.push_back(pid_);
  return false;
}

}  // namespace vigil::lrm
