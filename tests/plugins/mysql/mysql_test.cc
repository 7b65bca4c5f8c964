// The native mysql agent against a real MariaDB (Debian's mariadb-server), in a temporary
// datadir with its own socket, pid file and log, and no TCP port; run as a user runs it
// (`vigil agent run`), with resource-agents' mysql script run the same way as the reference for
// the OCF codes. Needs root (mysqld_safe runs as the mysql user; files are chowned to it).
#include <fcntl.h>
#include <pwd.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

#include "plugins/mysql/proc.h"
#include "plugins/mysql/spawn.h"
#include "plugins/mysql/server_probe.h"
#include "tests/support/mariadb_dir.h"
#include "tests/support/test_util.h"

namespace vigil::testing {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr const char* kNative = "ocf:heartbeat:mysql";
constexpr const char* kScript = "ocf:heartbeat-script:mysql";

// Each test (ctest runs each in a process of its own) gets a database of its own, and leaves
// nothing of it running.
class MysqlTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (::geteuid() != 0 || !::getpwnam("mysql")) return;
    dir_ = new MariadbDir;
    setup_error_ = dir_->error();
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }

  void SetUp() override {
    ASSERT_EQ(::geteuid(), 0u) << "these tests need root (mysqld_safe runs as mysql); CI runs as root";
    ASSERT_TRUE(::getpwnam("mysql")) << "no mysql user: install mariadb-server (scripts/deps.sh)";
    ASSERT_TRUE(dir_ && setup_error_.empty()) << setup_error_;
    ASSERT_EQ(Leftovers(), "") << "a server is still running from an earlier test";
  }

  void TearDown() override {
    if (!dir_) return;
    // Whatever a test left running is stopped here, and its leftover is a failure of its own.
    if (!Leftovers().empty()) {
      ADD_FAILURE() << "the test left MariaDB running: " << Leftovers();
      Sh("pkill -STOP -x mysqld_safe -f -- '--pid-file=" + *dir_ / "m.pid" + "'");
      Sh("pkill -KILL -f -- '--pid-file=" + *dir_ / "m.pid" + "'");
    }
    Sh("rm -rf " + *dir_ / "rsc");
  }

  // Every process that carries this test's pid file as an argument (mysqld_safe, mysqld), by
  // pgrep rather than through the pid file, which mysqld_safe removes while it restarts mysqld.
  std::string Leftovers() const {
    return Sh("pgrep -a -f -- '--pid-file=" + *dir_ / "m.pid" + "( |$)' | grep -v -e pgrep -e runuser").out;
  }

  std::vector<std::string> Params() const { return dir_->Params(); }

  // Params() with one parameter set to `value` (replaced, or added).
  std::vector<std::string> With(const std::string& name, const std::string& value) const {
    auto p = Params();
    for (auto& kv : p) {
      if (kv.rfind(name + "=", 0) == 0) {
        kv = name + "=" + value;
        return p;
      }
    }
    p.push_back(name + "=" + value);
    return p;
  }

  CommandResult Run(const std::string& agent, const std::string& action,
                    std::vector<std::string> params = {}, const std::string& extra = "") {
    if (params.empty()) params = Params();
    std::string cmd = VigilBinary() + " agent run " + agent + " " + action +
                      " --resource db --run-dir " + (*dir_ / "rsc") + " " + extra;
    for (const auto& p : params) cmd += " -p '" + p + "'";
    return Sh(cmd);
  }

  pid_t Server() const { return mysql::ReadPidFile(*dir_ / "m.pid").value_or(0); }
  bool ServerAlive() const {
    const pid_t p = Server();
    return p && ProcessAlive(p);
  }
  // mysqld_safe (a shell running the script) started with our pid file; not the runuser that
  // the script leaves in front of it.
  pid_t Supervisor() const {
    const CommandResult r =
        Sh("pgrep -f -- '^/bin/sh [^ ]*mysqld_safe .*--pid-file=" + *dir_ / "m.pid" + "( |$)'");
    return r.code == 0 ? static_cast<pid_t>(std::stol(r.out)) : 0;
  }
  bool SupervisorAlive() const {
    const pid_t p = Supervisor();
    return p && ProcessAlive(p);
  }
  bool Answers() const { return mysql::ReadGreeting(*dir_ / "m.sock", milliseconds(500)).empty(); }

  template <typename Pred>
  static bool WaitFor(Pred pred, milliseconds limit = milliseconds(30000)) {
    const auto until = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < until) {
      if (pred()) return true;
      std::this_thread::sleep_for(milliseconds(50));
    }
    return pred();
  }

  static MariadbDir* dir_;
  static std::string setup_error_;
};

MariadbDir* MysqlTest::dir_ = nullptr;
std::string MysqlTest::setup_error_;

TEST_F(MysqlTest, StartMonitorStopRoundTrip) {
  EXPECT_EQ(Run(kNative, "monitor").code, 7);
  CommandResult r = Run(kNative, "start");
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_TRUE(Answers()) << "start returned before the server answered";
  EXPECT_EQ(Run(kNative, "start").code, 0) << "start while running";
  EXPECT_EQ(Run(kNative, "monitor").code, 0);
  r = Run(kNative, "monitor", {}, "--check-level 10");
  EXPECT_EQ(r.code, 0) << r.out;
  r = Run(kNative, "monitor", With("test_table", "mysql.no_such_table"), "--check-level 10");
  EXPECT_EQ(r.code, 1) << r.out;
  EXPECT_NE(r.out.find("Failed to select from mysql.no_such_table"), std::string::npos) << r.out;
  const pid_t supervisor = Supervisor();
  r = Run(kNative, "stop");
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_FALSE(ServerAlive());
  EXPECT_TRUE(WaitFor([&] { return !ProcessAlive(supervisor); }, milliseconds(5000)));
  EXPECT_EQ(Run(kNative, "stop").code, 0) << "stop while stopped";
  EXPECT_EQ(Run(kNative, "monitor").code, 7);
}

TEST_F(MysqlTest, MysqldRestartedByMysqldSafeIsReportedOnce) {
  ASSERT_EQ(Run(kNative, "start").code, 0);
  EXPECT_EQ(Run(kNative, "monitor", {}, "--interval 10").code, 0);
  const pid_t first = Server();
  ASSERT_EQ(::kill(first, SIGKILL), 0);
  // mysqld_safe starts a new mysqld; no monitor runs meanwhile.
  ASSERT_TRUE(WaitFor([&] { return Server() != first && ServerAlive() && Answers(); }))
      << "mysqld_safe did not restart mysqld";
  CommandResult r = Run(kNative, "monitor", {}, "--interval 10");
  EXPECT_EQ(r.code, 1) << r.out;
  EXPECT_NE(r.out.find("restarted outside the cluster"), std::string::npos) << r.out;
  EXPECT_EQ(Run(kNative, "monitor", {}, "--interval 10").code, 0) << "reported more than once";
  EXPECT_EQ(Run(kNative, "stop").code, 0);
}

TEST_F(MysqlTest, KilledMysqldSafeLeavesAServerThatStillMonitorsAndStops) {
  ASSERT_EQ(Run(kNative, "start").code, 0);
  const pid_t supervisor = Supervisor();
  ASSERT_NE(supervisor, 0);
  ASSERT_EQ(::kill(supervisor, SIGKILL), 0);
  ASSERT_TRUE(WaitFor([&] { return !ProcessAlive(supervisor); }));
  EXPECT_EQ(Run(kNative, "monitor").code, 0);
  EXPECT_EQ(Run(kNative, "stop").code, 0);
  EXPECT_FALSE(ServerAlive());
}

TEST_F(MysqlTest, ConfigurationErrorsStartNothing) {
  CommandResult r = Run(kNative, "start", With("config", *dir_ / "missing.cnf"));
  EXPECT_EQ(r.code, 5) << r.out;
  EXPECT_NE(r.out.find("doesn't exist"), std::string::npos) << r.out;
  r = Run(kNative, "start", With("datadir", *dir_ / "no-data"));
  EXPECT_EQ(r.code, 5) << r.out;
  r = Run(kNative, "start", With("user", "vigil-no-such-user"));
  EXPECT_EQ(r.code, 5) << r.out;
  r = Run(kNative, "validate-all", With("replication_user", "repl"));
  EXPECT_EQ(r.code, 6) << r.out;
  r = Run(kNative, "start", With("additional_parameters", "--log-bin=\"unclosed"));
  EXPECT_EQ(r.code, 6) << r.out;
  EXPECT_NE(r.out.find("leaves a quote open"), std::string::npos) << r.out;
  r = Run(kNative, "start", With("socket", "/tmp/" + std::string(120, 's')));
  EXPECT_EQ(r.code, 6) << r.out;
  EXPECT_NE(r.out.find("longer than a Unix socket path"), std::string::npos) << r.out;
  EXPECT_EQ(Leftovers(), "");
}

// An init file that sleeps keeps the server from answering: the start gives up before its
// deadline and leaves nothing running.
TEST_F(MysqlTest, AStartThatCannotFinishLeavesNothingRunning) {
  std::ofstream(*dir_ / "slow.sql") << "SELECT SLEEP(60);\n";
  ::chmod((*dir_ / "slow.sql").c_str(), 0644);
  auto p = Params();
  p.push_back("additional_parameters=--init-file=" + *dir_ / "slow.sql");
  const CommandResult r = Run(kNative, "start", p, "--timeout 6s");
  EXPECT_EQ(r.code, 1) << r.out;
  EXPECT_NE(r.out.find("did not become ready"), std::string::npos) << r.out;
  EXPECT_EQ(Leftovers(), "");
  EXPECT_EQ(Run(kNative, "monitor").code, 7);
}

// A mysqld that ignores SIGTERM (stopped): the stop kills mysqld_safe first, then mysqld, before
// its deadline, and nothing starts mysqld again.
TEST_F(MysqlTest, AStopThatMustKillLeavesNothingToRespawn) {
  ASSERT_EQ(Run(kNative, "start").code, 0);
  ASSERT_EQ(::kill(Server(), SIGSTOP), 0);
  const CommandResult r = Run(kNative, "stop", {}, "--timeout 6s");
  EXPECT_EQ(r.code, 0) << r.out;
  std::this_thread::sleep_for(milliseconds(1500));  // time for a respawn, were one possible
  EXPECT_EQ(Leftovers(), "");
  EXPECT_EQ(Run(kNative, "monitor").code, 7);
}

// The cluster's own stop and start are no restart behind its back.
TEST_F(MysqlTest, AStopAndStartByTheClusterIsNotReportedAsARestart) {
  ASSERT_EQ(Run(kNative, "start").code, 0);
  EXPECT_EQ(Run(kNative, "monitor", {}, "--interval 10").code, 0);
  ASSERT_EQ(Run(kNative, "stop").code, 0);
  ASSERT_EQ(Run(kNative, "start").code, 0);
  CommandResult r = Run(kNative, "monitor", {}, "--interval 10");
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_EQ(Run(kNative, "stop").code, 0);
}

// enable_creation: a missing datadir is created and filled by mysql_install_db, owned by mysql.
TEST_F(MysqlTest, EnableCreationMakesTheDatabase) {
  auto p = With("datadir", *dir_ / "fresh");
  p.push_back("enable_creation=true");
  CommandResult r = Run(kNative, "start", p);
  ASSERT_EQ(r.code, 0) << r.out;
  r = Run(kNative, "monitor", p, "--check-level 10");
  EXPECT_EQ(r.code, 0) << r.out;
  struct stat st {};
  ASSERT_EQ(::stat((*dir_ / "fresh/mysql").c_str(), &st), 0);
  EXPECT_EQ(st.st_uid, ::getpwnam("mysql")->pw_uid);
  EXPECT_EQ(Run(kNative, "stop", p).code, 0);
}

// A pid file whose process is gone: not running, and the stale file is removed.
TEST_F(MysqlTest, AStalePidFileIsNotRunning) {
  std::ofstream(*dir_ / "m.pid") << "999999\n";
  EXPECT_EQ(Run(kNative, "monitor").code, 7);
  EXPECT_FALSE(std::ifstream(*dir_ / "m.pid").good());
  std::ofstream(*dir_ / "m.pid") << "999999\n";
  EXPECT_EQ(Run(kNative, "stop").code, 0);
  ASSERT_EQ(Run(kNative, "start").code, 0);
  EXPECT_EQ(Run(kNative, "stop").code, 0);
}

// The same cases through resource-agents' script and the native agent: the same OCF codes.
// Left out on purpose: a mysqld that mysqld_safe restarted (the script does not notice it) and
// the start that cannot finish (the script waits for the host's deadline).
// Starts argv in a process group of its own, its output on /dev/null; the caller kills the group.
pid_t Spawn(const std::vector<std::string>& argv) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::setpgid(0, 0);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    const int null = ::open("/dev/null", O_WRONLY);
    ::dup2(null, STDOUT_FILENO);
    ::dup2(null, STDERR_FILENO);
    ::execvp(args[0], args.data());
    ::_exit(127);
  }
  return pid;
}

// The parent of `pid` (/proc/PID/stat's fourth field, after the name in parentheses); -1 if gone.
pid_t ParentOf(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat;
  std::getline(in, stat);
  const size_t close = stat.rfind(')');
  if (close == std::string::npos) return -1;
  std::istringstream rest(stat.substr(close + 2));
  char state = 0;
  pid_t parent = -1;
  rest >> state >> parent;
  return parent;
}

std::string Comm(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/comm");
  std::string comm;
  std::getline(in, comm);
  return comm;
}

TEST(MysqlProcessTest, AnInstanceInAnotherMountNamespaceIsAnotherNodes) {
  ASSERT_EQ(::geteuid(), 0u) << "needs root (unshare --mount); CI runs as root";
  // Two processes carrying one pid file on their command line, one of them in a mount namespace
  // of its own, where the path names another file (another node's mysqld in `vigil demo`).
  const std::string arg = "--pid-file=/run/mysqld/vigil-test-" + std::to_string(::getpid()) + ".pid";
  const pid_t here = Spawn({"sh", "-c", "sleep 30; :", arg});
  const pid_t there = Spawn({"unshare", "--mount", "--", "sh", "-c", "sleep 30; :", arg});
  ASSERT_GT(here, 0);
  ASSERT_GT(there, 0);
  std::vector<pid_t> found;
  // Both run sh by now (unshare itself carries `arg` too, still in this namespace, until it has
  // made the new one and exec'd sh in place).
  for (int i = 0; i < 500 && !(Comm(here) == "sh" && Comm(there) == "sh"); ++i) {
    std::this_thread::sleep_for(milliseconds(10));
  }
  ASSERT_TRUE(Comm(here) == "sh" && Comm(there) == "sh");
  ASSERT_TRUE(mysql::HasArgument(here, arg) && mysql::HasArgument(there, arg));
  // (A child sh forks to run sleep carries its parent's arguments until it has exec'd: not one
  // of the two.)
  for (const auto& p : mysql::FindByArgument(arg)) {
    if (ParentOf(p.pid) != here && ParentOf(p.pid) != there) found.push_back(p.pid);
  }
  EXPECT_EQ(found, std::vector<pid_t>{here});
  for (pid_t p : {here, there}) {
    ::kill(-p, SIGKILL);  // sh and its sleep
    ::waitpid(p, nullptr, 0);
  }
}

TEST_F(MysqlTest, SameCodesAsTheScript) {
  struct Step {
    const char* action;
    const char* extra;
  };
  const std::vector<Step> life = {{"monitor", ""}, {"start", ""},   {"start", ""},
                                  {"monitor", ""}, {"monitor", "--check-level 10"},
                                  {"stop", ""},    {"stop", ""},    {"monitor", ""}};
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"", ""},
      {"config", *dir_ / "missing.cnf"},
      {"datadir", *dir_ / "no-data"},
      {"user", "vigil-no-such-user"},
      {"group", "vigil-no-such-group"},
  };
  for (const auto& [name, value] : cases) {
    const auto p = name.empty() ? Params() : With(name, value);
    std::vector<std::string> seen[2];
    for (int a = 0; a < 2; ++a) {
      for (const auto& step : life) {
        const CommandResult r = Run(a == 0 ? kScript : kNative, step.action, p, step.extra);
        seen[a].push_back(std::string(step.action) + step.extra + " -> " + std::to_string(r.code));
      }
      ASSERT_EQ(Leftovers(), "") << "case " << name << ": left running by " << (a ? kNative : kScript);
    }
    EXPECT_EQ(seen[1], seen[0]) << "case: " << name << "=" << value;
    if (name.empty()) {
      // The agents really ran: the plain case starts and answers the query on both sides.
      EXPECT_EQ(seen[0][1], "start -> 0");
      EXPECT_EQ(seen[0][4], "monitor--check-level 10 -> 0");
    } else {
      EXPECT_EQ(seen[0][1], "start -> 5") << name;
    }
  }
  // And the supervisor killed under a running server.
  std::vector<std::string> seen[2];
  for (int a = 0; a < 2; ++a) {
    const char* agent = a == 0 ? kScript : kNative;
    seen[a].push_back("start -> " + std::to_string(Run(agent, "start").code));
    const pid_t supervisor = Supervisor();
    if (supervisor) ::kill(supervisor, SIGKILL);
    WaitFor([&] { return !ProcessAlive(supervisor); });
    seen[a].push_back("monitor -> " + std::to_string(Run(agent, "monitor").code));
    seen[a].push_back("stop -> " + std::to_string(Run(agent, "stop").code));
    seen[a].push_back("left running: " + Leftovers());
  }
  EXPECT_EQ(seen[1], seen[0]);
  EXPECT_EQ(seen[0][0], "start -> 0") << "the script really ran";
}

}  // namespace
}  // namespace vigil::testing
