#include "plugins/common/script_runner.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <boost/process/args.hpp>
#include <boost/process/child.hpp>
#include <boost/process/exe.hpp>
#include <boost/process/extend.hpp>
#include <boost/process/posix.hpp>
#include <cerrno>
#include <cstring>
#include <system_error>

namespace bp = boost::process;

namespace vigil::plugin {

namespace {

using Clock = std::chrono::steady_clock;

// Closes a descriptor when it goes out of scope.
class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() { Reset(); }
  int get() const { return fd_; }
  void Reset(int fd = -1) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = fd;
  }

 private:
  int fd_ = -1;
};

// Appends what can be read from fd to *into without blocking, keeping at most `limit` bytes.
// Returns false at end of file or on an error other than EAGAIN.
bool Drain(int fd, std::string* into, std::size_t limit, bool* truncated) {
  std::array<char, 65536> buf;
  for (;;) {
    ssize_t n = ::read(fd, buf.data(), buf.size());
    if (n > 0) {
      std::size_t room = into->size() < limit ? limit - into->size() : 0;
      std::size_t keep = std::min<std::size_t>(room, static_cast<std::size_t>(n));
      into->append(buf.data(), keep);
      if (keep < static_cast<std::size_t>(n) && truncated) *truncated = true;
      continue;
    }
    if (n == 0) return false;
    if (errno == EINTR) continue;
    return errno == EAGAIN;
  }
}

int PidFdOpen(pid_t pid) { return static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)); }

}  // namespace

ScriptOutcome RunScript(const ScriptRun& run) {
  ScriptOutcome outcome;
  const auto deadline = Clock::now() + run.timeout;

  // O_CLOEXEC: these stay out of every other child; dup2 onto 0/1/2 clears the flag for ours.
  // O_NONBLOCK on the read ends: after the script exits we take only what is already there.
  int out_fds[2], err_fds[2];
  if (::pipe2(out_fds, O_CLOEXEC) != 0) {
    outcome.error = "pipe failed";
    outcome.error_errno = errno;
    return outcome;
  }
  Fd out_r(out_fds[0]), out_w(out_fds[1]);
  if (::pipe2(err_fds, O_CLOEXEC) != 0) {
    outcome.error = "pipe failed";
    outcome.error_errno = errno;
    return outcome;
  }
  Fd err_r(err_fds[0]), err_w(err_fds[1]);
  Fd null_fd(::open("/dev/null", O_RDONLY | O_CLOEXEC));
  // The input, whole in a pipe before the script starts (it fits: bounded by the pipe's buffer),
  // so the script reads it and then end of file.
  Fd in_r;
  if (!run.input.empty()) {
    int in_fds[2];
    if (run.input.size() > ScriptRun::kMaxInput) {
      outcome.error = "the input for " + run.path + " is over " + std::to_string(ScriptRun::kMaxInput) + " bytes";
      return outcome;
    }
    if (::pipe2(in_fds, O_CLOEXEC) != 0) {
      outcome.error = "pipe failed";
      outcome.error_errno = errno;
      return outcome;
    }
    in_r.Reset(in_fds[0]);
    Fd in_w(in_fds[1]);
    size_t written = 0;
    while (written < run.input.size()) {
      const ssize_t n = ::write(in_w.get(), run.input.data() + written, run.input.size() - written);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        outcome.error = "cannot write the input for " + run.path;
        outcome.error_errno = errno;
        return outcome;
      }
      written += static_cast<size_t>(n);
    }
  }
  ::fcntl(out_r.get(), F_SETFL, O_NONBLOCK);
  ::fcntl(err_r.get(), F_SETFL, O_NONBLOCK);

  // The environment goes to execve as it is: bp::environment rebuilds its pointer array on every
  // assignment, which cost a few percent of a Dummy monitor.
  std::vector<char*> envp;
  envp.reserve(run.environment.size() + 1);
  for (const auto& entry : run.environment) envp.push_back(const_cast<char*>(entry.c_str()));
  envp.push_back(nullptr);
  char** const envp_data = envp.data();

  const int in_fd = in_r.get() >= 0 ? in_r.get() : null_fd.get(), o_fd = out_w.get(), e_fd = err_w.get();
  std::vector<std::string> args;
  if (!run.action.empty()) args.push_back(run.action);
  std::error_code ec;
  pid_t failed_pid = -1;
  bp::child child;
  {
    try {
      // vfork: no copy of the host's page tables per operation (the wrapper's cost is measured
      // against a bare spawn), and no exec-error pipe, whose write end Boost's fork path leaves
      // inheritable for a moment, during which a spawn on another thread could take it along.
      child = bp::child(
          bp::exe = run.path, bp::args = args, bp::posix::use_vfork,
          bp::extend::on_setup = [envp_data](auto& exec) { exec.env = envp_data; },
          // Runs in the forked child before exec: only async-signal-safe calls here.
          bp::extend::on_exec_setup =
              [in_fd, o_fd, e_fd](auto&) {  // shares memory with the parent: touch none
                ::setpgid(0, 0);  // its own group, so a timeout kills its children too
                // Dies with the process that runs it (vigild's executor child, killed): a start
                // left running would finish behind the back of the probe that follows.
                ::prctl(PR_SET_PDEATHSIG, SIGKILL);
                ::dup2(in_fd, 0);
                ::dup2(o_fd, 1);
                ::dup2(e_fd, 2);
                ::signal(SIGPIPE, SIG_DFL);
              },
          // Boost leaves a child whose exec failed unreaped: remember it to reap it below.
          bp::extend::on_error = [&failed_pid](auto& exec, const std::error_code&) {
            failed_pid = exec.pid;
          },
          ec);
    } catch (const std::exception& e) {
      outcome.error = e.what();
      return outcome;
    }
  }
  if (ec) {
    if (failed_pid > 0) ::waitpid(failed_pid, nullptr, 0);
    outcome.error = "cannot execute " + run.path;
    outcome.error_errno = ec.value();
    return outcome;
  }
  out_w.Reset();
  err_w.Reset();
  in_r.Reset();
  const pid_t pid = child.id();
  // Also set from this side, so the group exists before any kill(-pid) below.
  ::setpgid(pid, pid);
  Fd pid_fd(PidFdOpen(pid));

  bool out_open = true, err_open = true, exited = false;
  ScriptOutcome::How stop_how = ScriptOutcome::How::kExited;
  while (!exited) {
    const auto now = Clock::now();
    if (now >= deadline || (run.is_cancelled && run.is_cancelled())) {
      stop_how = now >= deadline ? ScriptOutcome::How::kTimedOut : ScriptOutcome::How::kCancelled;
      ::kill(-pid, SIGKILL);  // the whole group, as Pacemaker does at a timeout
      ::kill(pid, SIGKILL);
      break;
    }
    // Wake at least every 100 ms to look at the cancellation flag.
    auto wait_ms = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now).count() + 1;
    if (wait_ms > 100) wait_ms = 100;
    std::array<pollfd, 3> fds{};
    nfds_t n = 0;
    int out_i = -1, err_i = -1, pid_i = -1;
    if (out_open) { out_i = static_cast<int>(n); fds[n++] = {out_r.get(), POLLIN, 0}; }
    if (err_open) { err_i = static_cast<int>(n); fds[n++] = {err_r.get(), POLLIN, 0}; }
    if (pid_fd.get() >= 0) { pid_i = static_cast<int>(n); fds[n++] = {pid_fd.get(), POLLIN, 0}; }
    int ready = ::poll(fds.data(), n, static_cast<int>(wait_ms));
    if (ready < 0 && errno != EINTR) break;
    if (out_i >= 0 && fds[out_i].revents)
      out_open = Drain(out_r.get(), &outcome.out, run.max_stdout, &outcome.out_truncated);
    if (err_i >= 0 && fds[err_i].revents)
      err_open = Drain(err_r.get(), &outcome.err, run.max_stderr, nullptr);
    if (pid_i >= 0 && fds[pid_i].revents) exited = true;
    if (pid_fd.get() < 0 && !out_open && !err_open) exited = true;  // no pidfd: wait for EOF
  }

  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  child.detach();  // reaped above; the child object must not wait or kill again
  // What the script wrote before it exited is in the pipes; a background child that still holds
  // them open may write more, which is not waited for.
  if (out_open) Drain(out_r.get(), &outcome.out, run.max_stdout, &outcome.out_truncated);
  if (err_open) Drain(err_r.get(), &outcome.err, run.max_stderr, nullptr);

  if (stop_how != ScriptOutcome::How::kExited) {
    outcome.how = stop_how;
  } else if (WIFEXITED(status)) {
    outcome.how = ScriptOutcome::How::kExited;
    outcome.exit_code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    outcome.how = ScriptOutcome::How::kSignalled;
    outcome.exit_code = WTERMSIG(status);
  }
  return outcome;
}

namespace {

size_t CountAgents(void* ctx) { return static_cast<ScriptPlugin*>(ctx)->agents.size(); }

int DescribeAgent(void* ctx, size_t index, vigil_agent_info* out) {
  const auto* p = static_cast<ScriptPlugin*>(ctx);
  if (index >= p->agents.size()) return -1;
  out->name = p->agents[index].name.c_str();
  out->kind = VIGIL_AGENT_SCRIPT;
  out->implementation = p->agents[index].path.c_str();
  return 0;
}

}  // namespace

const vigil_plugin* ScriptPlugin::Fill(const char* name, int (*execute)(void*, size_t, const vigil_op*),
                                       void (*unload)(void*)) {
  table.abi_major = VIGIL_ABI_MAJOR;
  table.abi_minor = VIGIL_ABI_MINOR;
  table.size = sizeof(vigil_plugin);
  table.name = name;
  table.ctx = this;
  table.agent_count = CountAgents;
  table.agent_info = DescribeAgent;
  table.execute = execute;
  table.unload = unload;
  return &table;
}

}  // namespace vigil::plugin
