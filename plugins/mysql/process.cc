#include "plugins/mysql/process.h"

#include <dirent.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>
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

std::optional<ProcInfo> ReadProc(pid_t pid) {
  if (pid <= 0) return std::nullopt;
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!in || !std::getline(in, line)) return std::nullopt;
  // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so cut at the last ')'.
  const size_t open = line.find('(');
  const size_t close = line.rfind(')');
  if (open == std::string::npos || close == std::string::npos || close < open) return std::nullopt;
  ProcInfo info;
  info.pid = pid;
  info.comm = line.substr(open + 1, close - open - 1);
  std::istringstream rest(line.substr(close + 1));
  std::string field;
  rest >> info.state >> info.ppid;
  // Fields 5 to 21, then starttime (field 22).
  for (int i = 5; i <= 21 && rest >> field; ++i) {
  }
  rest >> info.start;
  return info;
}

namespace {

std::vector<std::string> Arguments(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/cmdline", std::ios::binary);
  std::vector<std::string> args;
  std::string arg;
  while (std::getline(in, arg, '\0')) args.push_back(arg);
  return args;
}

}  // namespace

bool HasArgument(pid_t pid, const std::string& arg) {
  for (const auto& a : Arguments(pid)) {
    if (a == arg) return true;
  }
  return false;
}

namespace {

// The mount namespace a process lives in ("mnt:[4026531841]"), or "" when it cannot be read.
std::string MountNamespace(const std::string& pid) {
  std::error_code ec;
  return std::filesystem::read_symlink("/proc/" + pid + "/ns/mnt", ec).string();
}

}  // namespace

std::vector<ProcInfo> FindByArgument(const std::string& arg) {
  std::vector<ProcInfo> found;
  const std::string ours = MountNamespace("self");
  DIR* proc = ::opendir("/proc");
  if (!proc) return found;
  while (dirent* e = ::readdir(proc)) {
    char* end = nullptr;
    const long pid = std::strtol(e->d_name, &end, 10);
    if (pid <= 0 || *end != '\0' || pid == ::getpid()) continue;
    if (!HasArgument(static_cast<pid_t>(pid), arg)) continue;
    // In another mount namespace (another node's disk, when nodes share a machine's processes,
    // as in containers or `vigil demo`), the same path names another file: another instance.
    if (MountNamespace(e->d_name) != ours) continue;
    auto info = ReadProc(static_cast<pid_t>(pid));
    if (info && info->state != 'Z' && info->state != 'X') found.push_back(*info);
  }
  ::closedir(proc);
  return found;
}

bool Alive(pid_t pid) {
  auto p = ReadProc(pid);
  return p && p->state != 'Z' && p->state != 'X';
}

std::optional<pid_t> ReadPidFile(const std::string& path) {
  std::ifstream in(path);
  long value = 0;
  if (!in || !(in >> value) || value <= 0 || value > 0x7fffffff) return std::nullopt;
  return static_cast<pid_t>(value);
}

std::string Tail(const std::string& path, int lines) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return "";
  in.seekg(0, std::ios::end);
  const std::streamoff size = in.tellg();
  const std::streamoff from = size > 8192 ? size - 8192 : 0;
  in.seekg(from);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  size_t cut = text.size();
  for (int i = 0; i < lines && cut != std::string::npos && cut > 0; ++i) cut = text.rfind('\n', cut - 1);
  std::string tail = cut == std::string::npos ? text : text.substr(cut + 1);
  for (char& c : tail) {
    if (c == '\n') c = '|';
  }
  return tail;
}

namespace {

// What the kept answers were read against: the account files as they were, and when.
struct AccountsSeen {
  struct timespec passwd_mtime {}, group_mtime {};
  off_t passwd_size = -1, group_size = -1;
  std::chrono::steady_clock::time_point at;
};

AccountsSeen ReadAccountsSeen() {
  AccountsSeen seen;
  struct stat st {};
  if (::stat("/etc/passwd", &st) == 0) {
    seen.passwd_mtime = st.st_mtim;
    seen.passwd_size = st.st_size;
  }
  if (::stat("/etc/group", &st) == 0) {
    seen.group_mtime = st.st_mtim;
    seen.group_size = st.st_size;
  }
  seen.at = std::chrono::steady_clock::now();
  return seen;
}

bool SameAccounts(const AccountsSeen& a, const AccountsSeen& b) {
  return a.passwd_size == b.passwd_size && a.group_size == b.group_size &&
         a.passwd_mtime.tv_sec == b.passwd_mtime.tv_sec &&
         a.passwd_mtime.tv_nsec == b.passwd_mtime.tv_nsec &&
         a.group_mtime.tv_sec == b.group_mtime.tv_sec && a.group_mtime.tv_nsec == b.group_mtime.tv_nsec &&
         b.at - a.at < std::chrono::minutes(1);
}

struct AccountCache {
  std::mutex mu;
  AccountsSeen seen;
  std::map<std::string, Identity> users;
  std::map<std::string, gid_t> groups;
};

AccountCache& Accounts() {
  static auto* cache = new AccountCache;
  return *cache;
}

// Drops what was kept when the account files changed or a minute has passed.
void RefreshAccounts(AccountCache& c) {
  const AccountsSeen now = ReadAccountsSeen();
  if (!SameAccounts(c.seen, now)) {
    c.users.clear();
    c.groups.clear();
    c.seen = now;
  }
}

std::string LookUpIdentityUncached(const std::string& user, Identity* out) {
  passwd pw{};
  passwd* found = nullptr;
  std::vector<char> buf(16384);
  if (::getpwnam_r(user.c_str(), &pw, buf.data(), buf.size(), &found) != 0 || !found) {
    return "no user " + user;
  }
  out->uid = pw.pw_uid;
  out->gid = pw.pw_gid;
  out->name = pw.pw_name;
  out->home = pw.pw_dir ? pw.pw_dir : "/";
  int n = 64;
  out->groups.assign(n, 0);
  while (::getgrouplist(user.c_str(), pw.pw_gid, out->groups.data(), &n) < 0) out->groups.assign(n, 0);
  out->groups.resize(n);
  return "";
}

}  // namespace

std::string LookUpIdentity(const std::string& user, Identity* out) {
  AccountCache& c = Accounts();
  std::lock_guard<std::mutex> lock(c.mu);
  RefreshAccounts(c);
  if (auto it = c.users.find(user); it != c.users.end()) {
    *out = it->second;
    return "";
  }
  std::string error = LookUpIdentityUncached(user, out);
  if (error.empty()) c.users[user] = *out;
  return error;
}

std::string LookUpGroup(const std::string& name, gid_t* gid) {
  AccountCache& c = Accounts();
  std::lock_guard<std::mutex> lock(c.mu);
  RefreshAccounts(c);
  if (auto it = c.groups.find(name); it != c.groups.end()) {
    *gid = it->second;
    return "";
  }
  group g{};
  group* found = nullptr;
  std::vector<char> buf(16384);
  if (::getgrnam_r(name.c_str(), &g, buf.data(), buf.size(), &found) != 0 || !found) {
    return "no group " + name;
  }
  *gid = g.gr_gid;
  c.groups[name] = g.gr_gid;
  return "";
}

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

std::optional<std::vector<std::string>> SplitWords(const std::string& text) {
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
