#include "plugins/mysql/mysql_agent.h"

#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/un.h>
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

#include "plugins/mysql/proc.h"
#include "plugins/mysql/spawn.h"
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
  std::optional<std::vector<std::string>> additional_words;  // nullopt: a quote left open
  bool enable_creation = false;
};

using plugin::OcfIsTrue;

// The parameter's value, or its default from the meta-data table; unset takes the default,
// set to empty stays empty, as in the script.
std::string Param(const std::map<std::string, std::string>& p, const std::string& name) {
  return plugin::ParamOrDefault(MysqlParams(), p, name);
}

Settings ReadSettings(const std::map<std::string, std::string>& p) {
  Settings s;
  s.binary = Param(p, "binary");
  s.client_binary = Param(p, "client_binary");
  s.config = Param(p, "config");
  s.datadir = Param(p, "datadir");
  s.user = Param(p, "user");
  s.group = Param(p, "group");
  s.log = Param(p, "log");
  s.pid = Param(p, "pid");
  s.socket = Param(p, "socket");
  s.test_user = Param(p, "test_user");
  s.test_passwd = Param(p, "test_passwd");
  s.test_table = Param(p, "test_table");
  s.additional_parameters = Param(p, "additional_parameters");
  s.additional_words = SplitArguments(s.additional_parameters);
  s.enable_creation = OcfIsTrue(Param(p, "enable_creation"));
  return s;
}

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
      if (::access(s_.config.c_str(), R_OK) != 0) {
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
      if (OcfIsTrue(promotable) || (master_max != "0" && !master_max.empty())) {
        return Fail(VIGIL_OCF_ERR_CONFIGURED,
                    "replication (a promotable clone) is not implemented natively; use "
                    "ocf:heartbeat-script:mysql");
      }
      for (const plugin::ParamDoc& param : MysqlParams()) {
        if (IsReplicationParameter(param) && Lookup(op_.params, param.name, param.Default()) != param.Default()) {
          return Fail(VIGIL_OCF_ERR_CONFIGURED,
                      std::string(param.name) +
                          " is for replication, which is not implemented natively; use "
                          "ocf:heartbeat-script:mysql");
        }
      }
      if (!s_.additional_words) {
        return Fail(VIGIL_OCF_ERR_CONFIGURED,
                    "additional_parameters [" + s_.additional_parameters + "] leaves a quote open");
      }
      if (s_.socket.empty() || s_.socket.size() >= sizeof(sockaddr_un::sun_path)) {
        return Fail(VIGIL_OCF_ERR_CONFIGURED,
                    "socket [" + s_.socket + "] is empty or longer than a Unix socket path may be (" +
                        std::to_string(sizeof(sockaddr_un::sun_path) - 1) + " bytes)");
      }
    }
    return {};
  }

  struct Seen {
    Step step;                    // 0 running, 7 not
    std::optional<ProcInfo> proc; // the mysqld of the pid file, when running
  };

  // The pid file's mysqld: alive, and this instance's (its command line names our pid file) or
  // mysqld by name. A pid file whose process is gone is removed, as the script does; one being
  // written (no number yet) or naming someone else's live process is left alone.
  Seen Status() {
    const auto pid = ReadPidFile(s_.pid);
    if (!pid) return {Fail(VIGIL_OCF_NOT_RUNNING, "MySQL is not running"), {}};
    auto proc = ReadProc(*pid);
    if (!proc || proc->state == 'Z') {
      ::unlink(s_.pid.c_str());
      return {Fail(VIGIL_OCF_NOT_RUNNING, "MySQL not running: removed old PID file"), {}};
    }
    if (IsServer(*proc) || HasArgument(*pid, "--pid-file=" + s_.pid)) return {{}, proc};
    return {Fail(VIGIL_OCF_NOT_RUNNING,
                 "MySQL is not running: pid " + std::to_string(*pid) + " of " + s_.pid + " is " +
                     proc->comm),
            {}};
  }

  // This instance's processes, found by the pid file argument they carry.
  struct Instance {
    std::vector<pid_t> supervisors, servers;
    bool empty() const { return supervisors.empty() && servers.empty(); }
  };
  Instance FindInstance() const {
    Instance found;
    for (const ProcInfo& p : FindByArgument("--pid-file=" + s_.pid)) {
      (IsSupervisor(p) ? found.supervisors : found.servers).push_back(p.pid);
    }
    return found;
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
      if (std::string why = Query(); !why.empty()) {
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
    // Validated before a start: a quote left open never gets this far.
    if (s_.additional_words) argv.insert(argv.end(), s_.additional_words->begin(), s_.additional_words->end());
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
    // Someone else's start (already running, or a mysqld_safe of ours still about): waited for,
    // never killed. Only what this start launched is stopped when it cannot finish.
    const bool ours = seen.step.failed() && FindInstance().empty();
    pid_t supervisor = 0;
    if (ours) {
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
      } else if (ours && !Alive(supervisor) && FindInstance().empty()) {
        return Fail(VIGIL_OCF_ERR_GENERIC,
                    "MySQL server failed to start: mysqld_safe exited; " + LogTail());
      }
      if (Cancelled() || SteadyClock::now() >= give_up) {
        if (!ours) {
          if (Cancelled()) return Fail(VIGIL_EXEC_CANCELLED, "start cancelled");
          return Fail(VIGIL_OCF_ERR_GENERIC,
                      "MySQL was already being started or running, and did not answer (" +
                          last_why + "); left as it is");
        }
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
      if (std::string why = Query(); !why.empty()) {
        return Fail(VIGIL_OCF_ERR_GENERIC, "Failed initial monitor action: " + why);
      }
    }
    return {};
  }

  // The query, given what is left of the operation's time (split between the client library's
  // connect, read and write timeouts, which add up).
  std::string Query() {
    return QueryTable(s_.socket, s_.test_user, s_.test_passwd, s_.test_table,
                      std::max(Left() / 3, milliseconds(1)));
  }

  std::string LogTail() const {
    const std::string tail = Tail(s_.log, 3);
    return tail.empty() ? "nothing in " + s_.log : "last lines of " + s_.log + ": " + tail;
  }

  // Every process of this instance, mysqld_safe first so that it cannot start mysqld again:
  // the supervisors are frozen, their children (a mysqld not yet in the pid file) collected,
  // then all are killed. Waits until they are gone, at most two seconds (SIGKILL waits for
  // nobody; a process in the kernel's uninterruptible sleep may take longer).
  void KillEverything(pid_t spawned) {
    Instance all = FindInstance();
    if (spawned && Alive(spawned)) all.supervisors.push_back(spawned);
    if (Seen seen = Status(); !seen.step.failed()) all.servers.push_back(seen.proc->pid);
    for (pid_t p : all.supervisors) ::kill(p, SIGSTOP);
    for (pid_t p : all.supervisors) {
      std::ifstream in("/proc/" + std::to_string(p) + "/task/" + std::to_string(p) + "/children");
      pid_t child = 0;
      while (in >> child) {
        if (auto c = ReadProc(child); c && IsServer(*c)) all.servers.push_back(child);
      }
    }
    for (pid_t p : all.supervisors) ::kill(p, SIGKILL);
    for (pid_t p : all.servers) ::kill(p, SIGKILL);
    auto any_alive = [&] {
      for (pid_t p : all.supervisors) {
        if (Alive(p)) return true;
      }
      for (pid_t p : all.servers) {
        if (Alive(p)) return true;
      }
      return false;
    };
    const auto until = SteadyClock::now() + milliseconds(2000);
    while (SteadyClock::now() < until && any_alive()) std::this_thread::sleep_for(milliseconds(10));
    if (!any_alive()) {
      ::unlink(s_.pid.c_str());
      ::unlink(s_.socket.c_str());
    }
  }

  Step Stop() {
    Seen seen = Status();
    Instance instance = FindInstance();
    if (seen.step.failed() && instance.empty()) {
      SaveVouched(op_, std::nullopt);
      return {};  // MySQL is not running
    }
    // An orderly shutdown of the mysqld of the pid file (or, while mysqld_safe is between two
    // of them, of whichever carries our pid file); mysqld removes its pid file, so mysqld_safe
    // ends too.
    std::vector<pid_t> servers = instance.servers;
    if (!seen.step.failed()) servers.push_back(seen.proc->pid);
    for (pid_t p : servers) {
      if (::kill(p, SIGTERM) != 0 && errno != ESRCH) {
        return Fail(VIGIL_OCF_ERR_GENERIC, std::string("MySQL couldn't be stopped: ") + std::strerror(errno));
      }
    }
    const auto give_up = deadline_ - KillMargin();
    auto running = [&] { return !Status().step.failed() || !FindInstance().empty(); };
    while (running() && !Cancelled() && SteadyClock::now() < give_up) {
      std::this_thread::sleep_for(kPoll);
    }
    if (running()) {
      warning_ = "MySQL did not stop on SIGTERM in time: killed mysqld_safe, then mysqld";
      KillEverything(0);
      if (running()) {
        return Fail(VIGIL_OCF_ERR_GENERIC, "MySQL survived SIGKILL (a process in uninterruptible sleep?)");
      }
      if (Cancelled()) return Fail(VIGIL_EXEC_CANCELLED, "stop cancelled; killed MySQL");
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
