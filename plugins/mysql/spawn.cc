#include "plugins/mysql/spawn.h"

#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <thread>

namespace vigil::mysql {

namespace {

std::string Errno(const std::string& doing, int err) { return doing + ": " + std::strerror(err); }

// argv/envp as execve wants them, built before fork.
struct CArgs {
  explicit CArgs(const std::vector<std::string>& v) {
    for (const auto& s : v) p.push_back(const_cast<char*>(s.c_str()));
    p.push_back(nullptr);
  }
  std::vector<char*> p;
};

// In a forked child only (async-signal-safe calls from here on): becomes `who`; false with
// errno set when it could not.
bool Become(const Identity& who) {
  return ::setgroups(who.groups.size(), who.groups.data()) == 0 && ::setgid(who.gid) == 0 &&
         ::setuid(who.uid) == 0;
}

// A child starts clean: no signal blocked or ignored (the host ignores SIGPIPE), and no
// descriptor of the host's but stdio and `keep` (the host's other threads open files and
// sockets without O_CLOEXEC, which a daemon would otherwise hold for its lifetime).
void CleanChild(int keep) {
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  for (int sig = 1; sig < NSIG; ++sig) ::signal(sig, SIG_DFL);
  if (keep > 3) ::close_range(3, static_cast<unsigned>(keep) - 1, 0);
  ::close_range(static_cast<unsigned>(keep < 3 ? 3 : keep + 1), ~0U, 0);
}

// In a forked child only: stdin, stdout and stderr on /dev/null; false with errno set.
bool StdioToNull() {
  const int null = ::open("/dev/null", O_RDWR);
  if (null < 0 || ::dup2(null, 0) < 0 || ::dup2(null, 1) < 0 || ::dup2(null, 2) < 0) return false;
  if (null > 2) ::close(null);
  return true;
}

bool ReadAll(int fd, void* buf, size_t n) {
  auto* p = static_cast<char*>(buf);
  while (n > 0) {
    const ssize_t r = ::read(fd, p, n);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return false;
    p += r;
    n -= static_cast<size_t>(r);
  }
  return true;
}

int WaitExit(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return -1;
  }
  return status;
}

}  // namespace

// Two forks: the middle child starts a new session and forks the daemon, then exits at once,
// so the daemon is reparented to init and never becomes the host's zombie. A pipe carries the
// daemon's pid, then (only if exec failed) its errno; a successful exec closes it (O_CLOEXEC).
std::string SpawnDaemon(const std::vector<std::string>& argv, const std::vector<std::string>& env,
                        const Identity& who, pid_t* pid) {
  CArgs args(argv), envp(env);
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return Errno("pipe", errno);
  const pid_t middle = ::fork();
  if (middle < 0) {
    const int err = errno;
    ::close(fds[0]);
    ::close(fds[1]);
    return Errno("fork", err);
  }
  if (middle == 0) {
    ::close(fds[0]);
    pid_t daemon = ::setsid() < 0 ? -1 : ::fork();
    if (daemon != 0) {
      // The daemon's pid, or -1 and why: the parent reads a pid, then (only on failure) an errno.
      const int err = errno;
      (void)!::write(fds[1], &daemon, sizeof daemon);
      if (daemon < 0) (void)!::write(fds[1], &err, sizeof err);
      _exit(daemon < 0 ? 126 : 0);
    }
    CleanChild(fds[1]);
    auto fail = [&] {
      const int err = errno;
      (void)!::write(fds[1], &err, sizeof err);
      _exit(127);
    };
    if (!StdioToNull() || !Become(who) || ::chdir("/") != 0) fail();
    ::execve(args.p[0], args.p.data(), envp.p.data());
    fail();
  }
  ::close(fds[1]);
  pid_t daemon = 0;
  const bool got_pid = ReadAll(fds[0], &daemon, sizeof daemon);
  int exec_errno = 0;
  const bool exec_failed = got_pid && ReadAll(fds[0], &exec_errno, sizeof exec_errno);
  ::close(fds[0]);
  const int status = WaitExit(middle);
  if (!got_pid) {
    return "could not start " + argv[0] + " (the child failed, status " + std::to_string(status) + ")";
  }
  if (daemon < 0) return Errno("starting a session for " + argv[0], exec_failed ? exec_errno : 0);
  if (exec_failed) return Errno("starting " + argv[0] + " as " + who.name, exec_errno);
  *pid = daemon;
  return "";
}

int RunToEnd(const std::vector<std::string>& argv, std::chrono::milliseconds timeout,
             std::string* error) {
  CArgs args(argv);
  const pid_t pid = ::fork();
  if (pid < 0) {
    *error = Errno("fork", errno);
    return -1;
  }
  if (pid == 0) {
    ::setpgid(0, 0);
    CleanChild(-1);
    if (!StdioToNull()) _exit(126);
    ::execv(args.p[0], args.p.data());
    _exit(127);
  }
  ::setpgid(pid, pid);  // also here: whichever runs first, the group exists before a kill
  const auto until = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    int status = 0;
    const pid_t r = ::waitpid(pid, &status, WNOHANG);
    if (r == pid) {
      if (WIFEXITED(status)) return WEXITSTATUS(status);
      *error = argv[0] + " was killed by signal " + std::to_string(WTERMSIG(status));
      return -1;
    }
    if (r < 0 && errno != EINTR) {
      *error = Errno("waiting for " + argv[0], errno);
      return -1;
    }
    if (std::chrono::steady_clock::now() >= until) {
      ::kill(-pid, SIGKILL);
      WaitExit(pid);
      *error = argv[0] + " did not finish in time";
      return -1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

std::string FirstUnwritable(const std::vector<std::string>& dirs, const Identity& who) {
  std::vector<const char*> paths;  // built before fork: the child must not allocate
  for (const auto& d : dirs) paths.push_back(d.c_str());
  const pid_t pid = ::fork();
  if (pid < 0) return dirs.empty() ? "" : dirs.front();
  if (pid == 0) {
    CleanChild(-1);
    if (!Become(who)) _exit(126);
    for (size_t i = 0; i < paths.size(); ++i) {
      if (::access(paths[i], W_OK | X_OK) != 0) _exit(static_cast<int>(i) + 1);
    }
    _exit(0);
  }
  const int status = WaitExit(pid);
  if (status < 0 || !WIFEXITED(status)) return dirs.empty() ? "" : dirs.front();
  const int code = WEXITSTATUS(status);
  if (code == 0) return "";
  if (code >= 1 && static_cast<size_t>(code) <= dirs.size()) return dirs[code - 1];
  return dirs.empty() ? "" : dirs.front();  // 126: could not become the user
}

std::string FindExecutable(const std::string& command) {
  auto ok = [](const std::string& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(path.c_str(), X_OK) == 0;
  };
  if (command.empty()) return "";
  if (command.find('/') != std::string::npos) return ok(command) ? command : "";
  const char* env = std::getenv("PATH");
  std::string path = env && *env ? env : "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
  path += ":/sbin:/bin:/usr/sbin:/usr/bin";  // as the OCF helpers extend it
  std::istringstream dirs(path);
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    if (!dir.empty() && ok(dir + "/" + command)) return dir + "/" + command;
  }
  return "";
}

std::optional<std::vector<std::string>> SplitArguments(const std::string& text) {
  std::vector<std::string> words;
  std::string word;
  bool in_word = false;
  char quote = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quote) {
      if (c == quote) {
        quote = 0;
      } else if (c == '\\' && quote == '"' && i + 1 < text.size()) {
        word += text[++i];
      } else {
        word += c;
      }
    } else if (c == '\'' || c == '"') {
      quote = c;
      in_word = true;
    } else if (c == '\\' && i + 1 < text.size()) {
      word += text[++i];
      in_word = true;
    } else if (c == ' ' || c == '\t' || c == '\n') {
      if (in_word) words.push_back(word);
      word.clear();
      in_word = false;
    } else {
      word += c;
      in_word = true;
    }
  }
  if (quote) return std::nullopt;
  if (in_word) words.push_back(word);
  return words;
}

}  // namespace vigil::mysql
