#include "plugins/mysql/mysql_agent.h"

#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "plugins/mysql/process.h"
#include "plugins/mysql/server_probe.h"
#include "vigil/agent.h"

namespace vigil::mysql {
namespace {

using plugin::Lookup;
using std::chrono::milliseconds;
using SteadyClock = std::chrono::steady_clock;

constexpr milliseconds kPoll{50};
constexpr milliseconds kProbeTimeout{2000};  // for the greeting of a running server

struct Settings {
  std::string binary, client_binary, config, datadir, user, group, log, pid, socket;
  std::string test_user, test_passwd, test_table, additional_parameters;
  bool enable_creation = false;
};

bool IsTrue(const std::string& v) {
  return v == "yes" || v == "true" || v == "1" || v == "YES" || v == "TRUE" || v == "True" ||
         v == "ja" || v == "on" || v == "ON";
}

Settings ReadSettings(const std::map<std::string, std::string>& p) {
  Settings s;
  // Unset takes the default; set to empty stays empty, as in the script.
  s.binary = Lookup(p, "binary", "/usr/bin/mysqld_safe");
  s.client_binary = Lookup(p, "client_binary", "mysql");
  s.config = Lookup(p, "config", "/etc/mysql/my.cnf");
  s.datadir = Lookup(p, "datadir", "/var/lib/mysql");
  s.user = Lookup(p, "user", "mysql");
  s.group = Lookup(p, "group", "mysql");
  s.log = Lookup(p, "log", "/var/log/mysql/error.log");
  s.pid = Lookup(p, "pid", "/var/run/mysqld/mysqld.pid");
  s.socket = Lookup(p, "socket", "/var/run/mysqld/mysqld.sock");
  s.test_user = Lookup(p, "test_user", "root");
  s.test_passwd = Lookup(p, "test_passwd", "");
  s.test_table = Lookup(p, "test_table", "mysql.user");
  s.additional_parameters = Lookup(p, "additional_parameters", "");
  s.enable_creation = IsTrue(Lookup(p, "enable_creation", "0"));
  return s;
}

// Replication parameters and their defaults: any other value is refused natively.
const std::map<std::string, std::string> kReplication = {
    {"replication_user", "root"},        {"replication_passwd", ""},
    {"replication_port", "3306"},        {"replication_require_ssl", "false"},
    {"replication_master_ssl_ca", ""},   {"replication_master_ssl_cert", ""},
    {"replication_master_ssl_key", ""},  {"max_slave_lag", "3600"},
    {"evict_outdated_slaves", "false"},  {"reader_attribute", "readable"},
};

std::string Dirname(const std::string& path) {
  const size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

bool IsDir(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

// mysqld under any of its names.
bool IsServer(const ProcInfo& p) { return p.comm == "mysqld" || p.comm == "mariadbd"; }
bool IsSupervisor(const ProcInfo& p) {
  return p.comm == "mysqld_safe" || p.comm == "mariadbd-safe" || p.comm == "safe_mysqld";
}

// What a recurring monitor remembers: the mysqld it last vouched for. In state_dir when there
// is one (`vigil agent run` is a new process each time), else in memory.
struct Vouched {
  pid_t pid = 0;
  unsigned long long start = 0;
  bool operator==(const Vouched& o) const { return pid == o.pid && start == o.start; }
};

std::mutex memory_mu;
std::map<std::string, Vouched>& Memory() {
  static auto* m = new std::map<std::string, Vouched>;
  return *m;
}

std::string StatePath(const MysqlOp& op) {
  return op.state_dir.empty() ? "" : op.state_dir + "/vigil-mysql-" + op.resource + ".vouched";
}

std::optional<Vouched> LoadVouched(const MysqlOp& op) {
  const std::string path = StatePath(op);
  if (path.empty()) {
    std::lock_guard<std::mutex> lock(memory_mu);
    auto it = Memory().find(op.resource);
    if (it == Memory().end()) return std::nullopt;
    return it->second;
  }
  std::ifstream in(path);
  Vouched v;
  if (!(in >> v.pid >> v.start)) return std::nullopt;
  return v;
}

// Written whole or not at all: a temporary file renamed over the old one.
void SaveVouched(const MysqlOp& op, const std::optional<Vouched>& v) {
  const std::string path = StatePath(op);
  if (path.empty()) {
    std::lock_guard<std::mutex> lock(memory_mu);
    if (v) {
      Memory()[op.resource] = *v;
    } else {
      Memory().erase(op.resource);
    }
    return;
  }
  if (!v) {
    ::unlink(path.c_str());
    return;
  }
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << v->pid << ' ' << v->start << '\n';
    if (!out) return;
  }
  ::rename(tmp.c_str(), path.c_str());
}

struct Step {
  int code = VIGIL_OCF_SUCCESS;
  std::string reason;
  bool failed() const { return code != VIGIL_OCF_SUCCESS; }
};

Step Fail(int code, std::string reason) { return {code, std::move(reason)}; }

class Agent {
 public:
  explicit Agent(const MysqlOp& op) : op_(op), s_(ReadSettings(op.params)) {
    const milliseconds budget(op.timeout_ms ? op.timeout_ms : 120000);
    deadline_ = SteadyClock::now() + budget;
    budget_ = budget;
  }

  MysqlResult Run() {
    const std::string& action = op_.action;
    if (action == "meta-data") return {VIGIL_OCF_SUCCESS, "", MysqlMetadata(), ""};
    Step valid = Validate();
    if (valid.failed()) {
      if (action == "monitor") {
        const auto pid = ReadPidFile(s_.pid);
        if (pid && Alive(*pid)) {
          return Done(Fail(VIGIL_OCF_ERR_GENERIC,
                           "environment validation failed, active pid is in unknown state."));
        }
        return Done(Fail(VIGIL_OCF_NOT_RUNNING, valid.reason));
      }
      if (action == "status") return Done(Fail(VIGIL_OCF_ERR_UNIMPLEMENTED, valid.reason));
      if (action != "stop") return Done(valid);
    }
    if (action == "validate-all" || action == "notify") return Done({});
    if (action == "start") return Done(Start());
    if (action == "stop") return Done(Stop());
    if (action == "monitor") return Done(Monitor());
    if (action == "status") return Done(Status().step);
    return Done(Fail(VIGIL_OCF_ERR_UNIMPLEMENTED, "action " + action + " is not implemented"));
  }

 private:
  MysqlResult Done(const Step& step) { return {step.code, step.reason, "", warning_}; }

  bool Cancelled() const { return op_.cancelled && op_.cancelled(); }
  milliseconds Left() const {
    return std::chrono::duration_cast<milliseconds>(deadline_ - SteadyClock::now());
  }

  // The script's checks, in its order, with its codes and words; then what is not native.
  Step Validate() {
    std::string command = s_.binary.substr(0, s_.binary.find(" -"));
    binary_path_ = FindExecutable(command);
    if (binary_path_.empty()) {
      return Fail(VIGIL_OCF_ERR_INSTALLED, "Setup problem: couldn't find command: " + s_.binary);
    }
    if (!s_.config.empty()) {
      struct stat st {};
      if (::stat(s_.config.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) {
        return Fail(VIGIL_OCF_ERR_INSTALLED, "Config " + s_.config + " doesn't exist");
      }
      if (std::ifstream probe(s_.config); !probe) {
        return Fail(VIGIL_OCF_ERR_INSTALLED, "Config " + s_.config + " is not readable");
      }
    }
    if (!IsDir(s_.datadir) && !s_.enable_creation) {
      return Fail(VIGIL_OCF_ERR_INSTALLED, "Datadir " + s_.datadir + " doesn't exist");
    }
    if (!LookUpIdentity(s_.user, &who_).empty()) {
      return Fail(VIGIL_OCF_ERR_INSTALLED, "User " + s_.user + " doesn't exist");
    }
    if (!LookUpGroup(s_.group, &group_gid_).empty()) {
      return Fail(VIGIL_OCF_ERR_INSTALLED, "Group " + s_.group + " doesn't exist");
    }
    if (op_.action == "validate-all" || op_.action == "start") {
      const std::string promotable = Lookup(op_.meta, "promotable", "false");
      const std::string master_max = Lookup(op_.meta, "master-max", Lookup(op_.meta, "master_max", "0"));
      if (IsTrue(promotable) || (master_max != "0" && !master_max.empty())) {
        return Fail(VIGIL_OCF_ERR_CONFIGURED,
                    "replication (a promotable clone) is not implemented natively; use "
                    "ocf:heartbeat-script:mysql");
      }
      for (const auto& [name, fallback] : kReplication) {
        if (Lookup(op_.params, name, fallback) != fallback) {
          return Fail(VIGIL_OCF_ERR_CONFIGURED,
                      name + " is for replication, which is not implemented natively; use "
                             "ocf:heartbeat-script:mysql");
        }
      }
    }
    return {};
  }

  struct Seen {
    Step step;                    // 0 running, 7 not
    std::optional<ProcInfo> proc; // the mysqld of the pid file, when running
  };

  // The pid file's mysqld: alive, and mysqld by name (a reused pid is not). A stale pid file
  // is removed, as the script does.
  Seen Status() {
    const auto pid = ReadPidFile(s_.pid);
    if (!pid) {
      struct stat st {};
      if (::stat(s_.pid.c_str(), &st) != 0) return {Fail(VIGIL_OCF_NOT_RUNNING, "MySQL is not running"), {}};
    }
    auto proc = pid ? ReadProc(*pid) : std::nullopt;
    if (proc && proc->state != 'Z' && IsServer(*proc)) return {{}, proc};
    ::unlink(s_.pid.c_str());
    return {Fail(VIGIL_OCF_NOT_RUNNING, "MySQL not running: removed old PID file"), {}};
  }

  // Waits for the greeting no longer than kProbeTimeout, nor past `until`.
  std::string Greeting(SteadyClock::time_point until) {
    const auto left = std::chrono::duration_cast<milliseconds>(until - SteadyClock::now());
    return ReadGreeting(s_.socket, std::clamp(left, milliseconds(1), kProbeTimeout));
  }

  Step Monitor() {
    Seen seen = Status();
    const bool recurring = op_.interval_ms > 0;
    if (seen.step.failed()) {
      if (recurring) SaveVouched(op_, std::nullopt);  // this failure is the one reported
      return seen.step;
    }
    if (std::string why = Greeting(deadline_); !why.empty()) {
      return Fail(VIGIL_OCF_ERR_GENERIC, "mysqld (pid " + std::to_string(seen.proc->pid) +
                                             ") is running but does not answer: " + why);
    }
    const Vouched now{seen.proc->pid, seen.proc->start};
    const auto before = LoadVouched(op_);
    if (!before || !(*before == now)) SaveVouched(op_, now);
    if (recurring && before && !(*before == now)) {
      return Fail(VIGIL_OCF_ERR_GENERIC,
                  "mysqld was restarted outside the cluster (pid " + std::to_string(before->pid) +
                      ", now " + std::to_string(now.pid) + "): counted as a failure once");
    }
    if (WantsQuery(op_.check_level > 0 && !s_.test_table.empty())) {
      if (std::string why = QueryTable(s_.socket, s_.test_user, s_.test_passwd, s_.test_table,
                                       std::max(Left(), milliseconds(1)));
          !why.empty()) {
        return Fail(VIGIL_OCF_ERR_GENERIC, "Failed to select from " + s_.test_table + ": " + why);
      }
    }
    return {};
  }

  // The query runs at check levels above 0 (as the script's monitor does) and whenever test
  // credentials are all given (as the script's start does).
  bool WantsQuery(bool by_level) const {
    return by_level || (!s_.test_table.empty() && !s_.test_user.empty() && !s_.test_passwd.empty());
  }

  Step PrepareDirectories() {
    if (!s_.log.empty()) {
      const int fd = ::open(s_.log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
      if (fd >= 0) {
        (void)!::fchown(fd, who_.uid, group_gid_);
        (void)!::fchmod(fd, 0640);
        ::close(fd);
      }
    }
    if (s_.enable_creation && !IsDir(s_.datadir + "/mysql")) {
      if (Step s = CreateDatabase(); s.failed()) return s;
    }
    for (const std::string& dir : {Dirname(s_.pid), Dirname(s_.socket)}) {
      if (IsDir(dir)) continue;
      std::string error;
      if (!MakeDirs(dir, &error)) return Fail(VIGIL_OCF_ERR_GENERIC, error);
      (void)!::chown(dir.c_str(), who_.uid, group_gid_);
    }
    const std::string bad = FirstUnwritable({Dirname(s_.pid), Dirname(s_.socket), s_.datadir}, who_);
    if (!bad.empty()) {
      return Fail(VIGIL_OCF_ERR_PERM, "Directory " + bad + " is not writable by " + s_.user);
    }
    return {};
  }

  static bool MakeDirs(const std::string& dir, std::string* error) {
    std::string path;
    for (size_t i = 1; i <= dir.size(); ++i) {
      if (i == dir.size() || dir[i] == '/') {
        path = dir.substr(0, i);
        if (::mkdir(path.c_str(), 0755) != 0 && errno != EEXIST) {
          *error = "creating " + path + ": " + std::strerror(errno);
          return false;
        }
      }
    }
    return true;
  }

  Step CreateDatabase() {
    std::string error;
    if (!IsDir(s_.datadir) && !MakeDirs(s_.datadir, &error)) return Fail(VIGIL_OCF_ERR_GENERIC, error);
    const std::string tool = Dirname(binary_path_) + "/mysql_install_db";
    const int rc = RunToEnd({tool, "--datadir=" + s_.datadir, "--user=" + s_.user}, Left(), &error);
    if (rc != 0) {
      return Fail(VIGIL_OCF_ERR_GENERIC,
                  "Initialization failed: " + (rc < 0 ? error : std::to_string(rc)));
    }
    const std::string chown = "/bin/chown";
    RunToEnd({chown, "-R", s_.user + ":" + s_.group, s_.datadir}, Left(), &error);
    return {};
  }

  std::vector<std::string> ServerCommand() const {
    std::vector<std::string> argv = {binary_path_};
    argv.push_back("--defaults-file=" + s_.config);
    argv.push_back("--pid-file=" + s_.pid);
    argv.push_back("--socket=" + s_.socket);
    argv.push_back("--datadir=" + s_.datadir);
    argv.push_back("--log-error=" + s_.log);
    for (auto& w : SplitWords(s_.additional_parameters)) argv.push_back(std::move(w));
    return argv;
  }

  // A login environment for the user, as `runuser -` gives the script's mysqld_safe.
  std::vector<std::string> ServerEnvironment() const {
    return {"HOME=" + who_.home, "USER=" + who_.name, "LOGNAME=" + who_.name, "SHELL=/bin/sh",
            "PATH=/usr/local/bin:/usr/bin:/bin", "LC_ALL=C"};
  }

  // How long before the deadline a start or stop gives up waiting and kills, so that its own
  // answer (and the kill) land before the host's deadline.
  milliseconds KillMargin() const {
    if (budget_ >= milliseconds(10000)) return milliseconds(5000);
    return budget_ / 2;
  }

  Step Start() {
    Seen seen = Status();
    pid_t supervisor = 0;
    if (seen.step.failed()) {
      if (Step s = PrepareDirectories(); s.failed()) return s;
      if (std::string error = SpawnDaemon(ServerCommand(), ServerEnvironment(), who_, &supervisor);
          !error.empty()) {
        return Fail(VIGIL_OCF_ERR_GENERIC, "MySQL server failed to start: " + error);
      }
    }
    // Ready: the pid file names a live mysqld and the socket answers with the greeting.
    const auto give_up = deadline_ - KillMargin();
    std::string last_why = "no pid file yet";
    for (;;) {
      seen = Status();
      if (!seen.step.failed()) {
        last_why = Greeting(give_up);
        if (last_why.empty()) break;
      } else if (supervisor && !Alive(supervisor)) {
        return Fail(VIGIL_OCF_ERR_GENERIC,
                    "MySQL server failed to start: mysqld_safe exited; " + LogTail());
      }
      if (Cancelled() || SteadyClock::now() >= give_up) {
        KillEverything(supervisor);
        if (Cancelled()) return Fail(VIGIL_EXEC_CANCELLED, "start cancelled; stopped what it started");
        return Fail(VIGIL_OCF_ERR_GENERIC,
                    "MySQL did not become ready within " +
                        std::to_string((budget_ - KillMargin()).count() / 1000) + " s (" + last_why +
                        "); stopped what it started; " + LogTail());
      }
      std::this_thread::sleep_for(kPoll);
    }
    SaveVouched(op_, Vouched{seen.proc->pid, seen.proc->start});
    if (!s_.test_table.empty() && !s_.test_user.empty() && !s_.test_passwd.empty()) {
      if (std::string why = QueryTable(s_.socket, s_.test_user, s_.test_passwd, s_.test_table,
                                       std::max(Left(), milliseconds(1)));
          !why.empty()) {
        return Fail(VIGIL_OCF_ERR_GENERIC, "Failed initial monitor action: " + why);
      }
    }
    return {};
  }

  std::string LogTail() const {
    const std::string tail = Tail(s_.log, 3);
    return tail.empty() ? "nothing in " + s_.log : "last lines of " + s_.log + ": " + tail;
  }

  // mysqld_safe first, so that it cannot start mysqld again, then mysqld; waits until both
  // are gone (at most two seconds: SIGKILL does not wait for anyone).
  void KillEverything(pid_t supervisor) {
    const auto pid = ReadPidFile(s_.pid);
    auto server = pid ? ReadProc(*pid) : std::nullopt;
    if (server && !IsServer(*server)) server.reset();
    if (!supervisor && server) {
      auto parent = ReadProc(server->ppid);
      if (parent && IsSupervisor(*parent)) supervisor = parent->pid;
    }
    if (supervisor) ::kill(supervisor, SIGKILL);
    // A server started but not yet in the pid file is mysqld_safe's child: find it there.
    pid_t server_pid = server ? server->pid : ChildServerOf(supervisor);
    if (server_pid) ::kill(server_pid, SIGKILL);
    const auto until = SteadyClock::now() + milliseconds(2000);
    while (SteadyClock::now() < until && ((supervisor && Alive(supervisor)) || (server_pid && Alive(server_pid)))) {
      std::this_thread::sleep_for(milliseconds(10));
    }
    if (server_pid && !Alive(server_pid)) {
      ::unlink(s_.pid.c_str());
      ::unlink(s_.socket.c_str());
    }
  }

  static pid_t ChildServerOf(pid_t supervisor) {
    if (!supervisor) return 0;
    std::ifstream in("/proc/" + std::to_string(supervisor) + "/task/" + std::to_string(supervisor) + "/children");
    pid_t child = 0;
    while (in >> child) {
      auto p = ReadProc(child);
      if (p && IsServer(*p)) return child;
    }
    return 0;
  }

  Step Stop() {
    const auto pid = ReadPidFile(s_.pid);
    struct stat st {};
    if (!pid && ::stat(s_.pid.c_str(), &st) != 0) {
      SaveVouched(op_, std::nullopt);
      return {};  // MySQL is not running
    }
    auto server = pid ? ReadProc(*pid) : std::nullopt;
    if (!server || server->state == 'Z' || !IsServer(*server)) {
      ::unlink(s_.pid.c_str());
      SaveVouched(op_, std::nullopt);
      return {};  // MySQL is already stopped
    }
    pid_t supervisor = 0;
    if (auto parent = ReadProc(server->ppid); parent && IsSupervisor(*parent)) supervisor = parent->pid;
    // An orderly shutdown; mysqld removes its pid file, so mysqld_safe ends too.
    if (::kill(server->pid, SIGTERM) != 0 && errno != ESRCH) {
      return Fail(VIGIL_OCF_ERR_GENERIC, std::string("MySQL couldn't be stopped: ") + std::strerror(errno));
    }
    const auto give_up = deadline_ - KillMargin();
    while ((Alive(server->pid) || (supervisor && Alive(supervisor))) && !Cancelled() &&
           SteadyClock::now() < give_up) {
      std::this_thread::sleep_for(kPoll);
    }
    if (Alive(server->pid) || (supervisor && Alive(supervisor))) {
      warning_ = "MySQL did not stop on SIGTERM in time: killed mysqld_safe, then mysqld";
      KillEverything(supervisor);
      if (Alive(server->pid)) {
        return Fail(VIGIL_OCF_ERR_GENERIC,
                    "mysqld (pid " + std::to_string(server->pid) + ") survived SIGKILL");
      }
      if (Cancelled()) return Fail(VIGIL_EXEC_CANCELLED, "stop cancelled; killed mysqld");
    }
    ::unlink(s_.socket.c_str());
    SaveVouched(op_, std::nullopt);
    return {};
  }

  const MysqlOp& op_;
  Settings s_;
  std::string binary_path_;
  Identity who_;
  gid_t group_gid_ = 0;
  SteadyClock::time_point deadline_;
  milliseconds budget_{0};
  std::string warning_;
};

}  // namespace

MysqlResult RunMysql(const MysqlOp& op) { return Agent(op).Run(); }

}  // namespace vigil::mysql
