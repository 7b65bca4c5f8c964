// vigild as systemd runs it, without systemd: the test stands in for the service manager with a
// datagram socket at NOTIFY_SOCKET (and WATCHDOG_USEC), as a Type=notify unit with WatchdogSec
// gives them. vigild says READY=1 once it serves, STATUS= lines with its membership, quorum and
// DC, WATCHDOG=1 at half the interval from its loop (none while the loop is stopped), and
// STOPPING=1 on SIGTERM. SIGHUP after the logfile was moved away (logrotate) continues in a new
// file with no line lost. The unit file passes systemd-analyze verify.
#include <gtest/gtest.h>

#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>

#include "cluster/config/authkey.h"
#include "tests/support/free_port.h"
#include "tests/support/shell.h"
#include "tests/support/test_util.h"
#include "tests/support/vigild_process.h"

namespace vigil::testing {
namespace {

using std::chrono::milliseconds;
using std::chrono::steady_clock;

class VigildServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    key_ = (dir_ / "authkey").string();
    ASSERT_TRUE(config::WriteAuthkey(key_, 256, false).ok());
    WriteFile(dir_ / "conf", "totem {\n  cluster_name: solo\n  keyfile: " + key_ +
                                 "\n  interface {\n    ringnumber: 0\n    bindnetaddr: 127.0.0.0\n    mcastport: " +
                                 std::to_string(FreeUdpPort()) +
                                 "\n  }\n}\nnodelist {\n  node {\n    ring0_addr: 127.0.0.1\n    nodeid: 1\n    name: solo1\n"
                                 "  }\n}\nlogging {\n  to_syslog: no\n  to_logfile: yes\n  logfile: " +
                                 (dir_ / "vigild.log").string() + "\n}\n");
  }
  void TearDown() override {
    if (notify_fd_ >= 0) close(notify_fd_);
    unsetenv("NOTIFY_SOCKET");
    unsetenv("WATCHDOG_USEC");
  }
  // The service manager's end: NOTIFY_SOCKET for the vigild started next.
  void ListenForNotifications(const std::string& watchdog_usec = "") {
    notify_fd_ = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    ASSERT_GE(notify_fd_, 0);
    sockaddr_un a{};
    a.sun_family = AF_UNIX;
    const std::string path = (dir_ / "notify").string();
    std::strncpy(a.sun_path, path.c_str(), sizeof a.sun_path - 1);
    ASSERT_EQ(bind(notify_fd_, reinterpret_cast<sockaddr*>(&a), sizeof a), 0) << std::strerror(errno);
    setenv("NOTIFY_SOCKET", path.c_str(), 1);
    if (!watchdog_usec.empty()) setenv("WATCHDOG_USEC", watchdog_usec.c_str(), 1);
  }
  // Starts `p` with the test agents (ocf:vigiltest:*) as its OCF root.
  static bool StartWithFixtures(VigildProcess& p) {
    setenv("OCF_ROOT", FixtureOcfRoot().c_str(), 1);
    const bool started = p.Start();
    unsetenv("OCF_ROOT");
    return started;
  }
  // The crm command line for `p`, with the test agents.
  static std::string Crm(const VigildProcess& p) {
    return std::string(CRM_BINARY) + " --run-dir " + p.run_dir().string() + " --ocf-root " + FixtureOcfRoot();
  }
  // One notification, or "" when none came within `limit`.
  std::string Next(milliseconds limit = milliseconds(10000)) {
    pollfd p{notify_fd_, POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(limit.count())) != 1) return "";
    char buf[4096];
    const ssize_t n = recv(notify_fd_, buf, sizeof buf, 0);
    return n > 0 ? std::string(buf, static_cast<size_t>(n)) : "";
  }
  // Reads notifications until one starts with `prefix` (returned), or "" after `limit`.
  std::string Await(const std::string& prefix, milliseconds limit = milliseconds(10000)) {
    const auto end = steady_clock::now() + limit;
    while (steady_clock::now() < end) {
      const std::string n = Next(std::chrono::duration_cast<milliseconds>(end - steady_clock::now()));
      seen_ += n + "\n";
      if (n.rfind(prefix, 0) == 0) return n;
    }
    return "";
  }

  TempDir tmp_;
  std::filesystem::path dir_ = tmp_.path();
  std::string key_;
  int notify_fd_ = -1;
  std::string seen_;  // every notification read so far
};

TEST_F(VigildServiceTest, SaysReadyWithItsStatusAndStoppingAsATypeNotifyServiceExpects) {
  ListenForNotifications();
  VigildProcess p(dir_);
  ASSERT_TRUE(StartWithFixtures(p));
  EXPECT_EQ(Await("READY=1"), "READY=1") << seen_ << p.log();
  EXPECT_EQ(Await("STATUS=1 member(s) [solo1], quorate, DC solo1"), "STATUS=1 member(s) [solo1], quorate, DC solo1")
      << seen_;
  // The agents vigild runs do not get the notify socket (they must not speak for vigild).
  const std::string crm = Crm(p);
  ASSERT_EQ(Sh(crm + " configure property stonith-enabled=false && " + crm + " configure primitive env ocf:vigiltest:StopFails").code, 0);
  const std::filesystem::path started_with = p.run_dir() / "rsctmp" / "StopFails-env.state";
  ASSERT_TRUE(WaitFor([&] { return ReadFile(started_with).find("OCF_RESOURCE_INSTANCE=env") != std::string::npos; }))
      << p.log();
  EXPECT_EQ(ReadFile(started_with).find("NOTIFY_SOCKET="), std::string::npos) << ReadFile(started_with);
  // No watchdog asked for: no pings.
  EXPECT_EQ(seen_.find("WATCHDOG=1"), std::string::npos) << seen_;
  EXPECT_EQ(kill(p.pid(), SIGTERM), 0);
  EXPECT_EQ(Await("STOPPING=1"), "STOPPING=1") << seen_;
  EXPECT_EQ(p.Exited(), std::optional<int>(0));
}

TEST_F(VigildServiceTest, PingsTheWatchdogAtHalfItsIntervalOnlyWhileItsLoopTurns) {
  ListenForNotifications("400000");  // WatchdogSec=400ms
  VigildProcess p(dir_);
  ASSERT_TRUE(p.Start());
  ASSERT_EQ(Await("READY=1"), "READY=1") << seen_ << p.log();
  // Over two seconds, a ping every 200 ms: about ten (a loop turn may be late by a little).
  ASSERT_EQ(Await("WATCHDOG=1"), "WATCHDOG=1");
  int pings = 0;
  const auto end = steady_clock::now() + milliseconds(2000);
  while (steady_clock::now() < end) {
    if (Next(milliseconds(50)) == "WATCHDOG=1") ++pings;
  }
  EXPECT_GE(pings, 8);
  EXPECT_LE(pings, 12);
  // A stopped loop pings no more (systemd would restart vigild); going on, it pings again.
  ASSERT_EQ(kill(p.pid(), SIGSTOP), 0);
  while (!Next(milliseconds(100)).empty()) {
  }
  EXPECT_EQ(Next(milliseconds(1000)), "");
  ASSERT_EQ(kill(p.pid(), SIGCONT), 0);
  EXPECT_EQ(Await("WATCHDOG=1", milliseconds(2000)), "WATCHDOG=1");
  EXPECT_EQ(p.Kill(SIGTERM), 0);
}

TEST_F(VigildServiceTest, SighupAfterTheLogWasMovedAwayGoesOnInANewFileWithNoLineLost) {
  VigildProcess p(dir_);
  ASSERT_TRUE(StartWithFixtures(p));
  ASSERT_TRUE(WaitFor([&] { return p.Dc() == "solo1"; })) << p.log();
  const std::filesystem::path log = dir_ / "vigild.log";
  const std::filesystem::path rotated = dir_ / "vigild.log.1";
  std::filesystem::rename(log, rotated);
  // Lines before the signal still reach the moved file.
  const std::string crm = Crm(p);
  ASSERT_EQ(Sh(crm + " configure property cluster-name=before").code, 0);
  ASSERT_EQ(kill(p.pid(), SIGHUP), 0);
  ASSERT_TRUE(WaitFor([&] { return std::filesystem::exists(log); })) << ReadFile(rotated);
  ASSERT_EQ(Sh(crm + " configure property cluster-name=after").code, 0);
  ASSERT_TRUE(WaitFor([&] { return ReadFile(log).find("(cib-replace)") != std::string::npos; })) << ReadFile(log);
  const std::string old_file = ReadFile(rotated);
  const std::string new_file = ReadFile(log);
  EXPECT_NE(old_file.find("this node is the DC, term 1"), std::string::npos) << old_file;
  EXPECT_NE(new_file.find("info: SIGHUP: logfile reopened"), std::string::npos) << new_file;
  // Each change in one file, the second taking the version the first left.
  auto change = [](const std::string& text) {
    const size_t at = text.find("(cib-replace): version ");
    return at == std::string::npos || text.find("(cib-replace)", at + 1) != std::string::npos
               ? std::string()
               : text.substr(at + 23, text.find('\n', at) - at - 23);
  };
  const std::string first = change(old_file);
  const std::string second = change(new_file);
  ASSERT_FALSE(first.empty()) << old_file;
  ASSERT_FALSE(second.empty()) << new_file;
  EXPECT_EQ(first.substr(first.rfind(' ') + 1), second.substr(0, second.find(' '))) << first << " / " << second;
  // The executor child writes to the new file too: its word on a resource it stops at the end.
  ASSERT_EQ(Sh(crm + " configure property stonith-enabled=false && " + crm + " configure primitive stuck ocf:vigiltest:StopFails").code, 0);
  ASSERT_TRUE(WaitFor([&] { return ReadFile(log).find("start of stuck: OCF_SUCCESS") != std::string::npos; })) << ReadFile(log);
  EXPECT_EQ(p.Kill(SIGTERM), 0);
  EXPECT_NE(ReadFile(log).find("executor child: stop of stuck failed"), std::string::npos) << ReadFile(log);
  EXPECT_EQ(ReadFile(rotated).find("executor child:"), std::string::npos) << ReadFile(rotated);
}

// SIGTERM stops this node's resources before it leaves; when a stop fails something may still
// run here, so the leave is not clean: the DC is told so (and fences the node if it can), and a
// watchdog stays armed.
TEST_F(VigildServiceTest, AStopThatFailsAtShutdownMakesTheLeaveUnclean) {
  VigildProcess p(dir_);
  ASSERT_TRUE(StartWithFixtures(p));
  ASSERT_TRUE(WaitFor([&] { return p.Dc() == "solo1"; })) << p.log();
  const std::string crm = Crm(p);
  const CommandResult r = Sh(crm + " configure property stonith-enabled=false && " + crm +
                             " configure primitive stuck ocf:vigiltest:StopFails");
  ASSERT_EQ(r.code, 0) << r.out;
  const std::filesystem::path log = dir_ / "vigild.log";
  ASSERT_TRUE(WaitFor([&] { return ReadFile(log).find("start of stuck: OCF_SUCCESS") != std::string::npos; })) << ReadFile(log);
  EXPECT_EQ(p.Kill(SIGTERM), 0);
  const std::string text = ReadFile(log);
  EXPECT_NE(text.find("stop of stuck failed"), std::string::npos) << text;
  EXPECT_NE(text.find("error: a stop of this node's resources failed; leaving anyway, uncleanly"), std::string::npos) << text;
}

// The pid in the last "executor child started (pid N)" of `log`, 0 when none.
pid_t LastExecutorChild(const std::string& log) {
  const std::string mark = "executor child started (pid ";
  const size_t at = log.rfind(mark);
  return at == std::string::npos ? 0 : std::atoi(log.c_str() + at + mark.size());
}

// A package upgrade replaces the vigild file under the running daemon (which goes on until the
// administrator restarts it): an executor child that dies afterwards is started again from the
// running build, not from the path that is gone (nor from a newer file put there).
TEST_F(VigildServiceTest, TheExecutorChildRestartsFromTheRunningBuildAfterItsFileWasReplaced) {
  std::filesystem::create_directories(dir_ / "bin");
  const std::filesystem::path copy = dir_ / "bin" / "vigild";
  std::filesystem::copy_file(VIGILD_BINARY, copy);
  VigildProcess p(dir_);
  p.set_plugin_dir(std::filesystem::path(VIGILD_BINARY).parent_path() / ".." / "lib" / "vigil" / "plugins");
  // vigild's argv with the copy in place of the build's program (the wrapper drops that).
  p.set_wrapper({"sh", "-c", "program=$1; shift 2; exec \"$program\" \"$@\"", "sh", copy.string()});
  const std::filesystem::path log = dir_ / "vigild.log";
  ASSERT_TRUE(StartWithFixtures(p));
  ASSERT_TRUE(WaitFor([&] { return p.Dc() == "solo1" && LastExecutorChild(ReadFile(log)) > 0; })) << ReadFile(log) << p.log();
  const pid_t first = LastExecutorChild(ReadFile(log));
  // What dpkg does: the new file is renamed over the old one.
  WriteFile(dir_ / "bin" / "vigild.new", "#!/bin/sh\nexit 3\n");
  std::filesystem::permissions(dir_ / "bin" / "vigild.new", std::filesystem::perms::owner_all);
  std::filesystem::rename(dir_ / "bin" / "vigild.new", copy);
  ASSERT_EQ(kill(first, SIGKILL), 0);
  ASSERT_TRUE(WaitFor([&] {
    const pid_t now = LastExecutorChild(ReadFile(log));
    return now != 0 && now != first;
  })) << ReadFile(log);
  const std::string crm = Crm(p);
  const CommandResult r = Sh(crm + " configure property stonith-enabled=false && " + crm +
                             " configure primitive after ocf:vigiltest:ExitCode params code=0");
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_TRUE(WaitFor([&] { return ReadFile(log).find("probe of after: OCF_SUCCESS") != std::string::npos; })) << ReadFile(log);
  EXPECT_EQ(ReadFile(log).find("died: exit code 3"), std::string::npos) << ReadFile(log);
  p.Kill(SIGKILL);
}

// A datagram socket bound at `path`, as journald and a syslog daemon listen.
int ListeningSocket(const std::filesystem::path& path) {
  const int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  sockaddr_un a{};
  a.sun_family = AF_UNIX;
  std::strncpy(a.sun_path, path.c_str(), sizeof a.sun_path - 1);
  if (fd >= 0 && bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

// Every datagram waiting on `fd`, appended to `into` one per entry.
void Drain(int fd, std::vector<std::string>& into) {
  char buf[65536];
  for (ssize_t n; (n = recv(fd, buf, sizeof buf, MSG_DONTWAIT)) > 0;) into.emplace_back(buf, static_cast<size_t>(n));
}

bool AnyHas(const std::vector<std::string>& entries, const std::string& a, const std::string& b) {
  return std::any_of(entries.begin(), entries.end(),
                     [&](const std::string& e) { return e.find(a) != std::string::npos && e.find(b) != std::string::npos; });
}

// Under systemd (JOURNAL_STREAM naming its stderr) vigild's lines go to the journal with their
// priorities, not as plain text on stderr; with to_syslog they reach syslog too, with the same
// severities under the daemon facility. A private mount namespace puts the test's sockets where
// libsystemd and the C library send: /run/systemd/journal/socket and /dev/log.
TEST_F(VigildServiceTest, LinesReachTheJournalAndSyslogWithTheirPriorities) {
  std::string conf = ReadFile(dir_ / "conf");
  const size_t logging = conf.find("logging {");
  ASSERT_NE(logging, std::string::npos);
  conf.replace(logging, std::string::npos, "logging {\n  to_syslog: yes\n  to_logfile: no\n}\n");
  WriteFile(dir_ / "conf", conf);
  const std::string d = dir_.string();
  std::filesystem::create_directories(dir_ / "dev");
  const int journal = ListeningSocket(dir_ / "journal.sock");
  const int syslog = ListeningSocket(dir_ / "dev" / "log");
  ASSERT_GE(journal, 0) << std::strerror(errno);
  ASSERT_GE(syslog, 0) << std::strerror(errno);
  const std::string script =
      "set -e\n"
      "mount -t tmpfs vigil-test /run\n"
      "mkdir -p /run/systemd/journal\n"
      "touch /run/systemd/journal/socket\n"
      "mount --bind '" + d + "/journal.sock' /run/systemd/journal/socket\n"
      "for n in null zero full random urandom; do touch '" + d + "/dev/'$n; mount --bind /dev/$n '" + d + "/dev/'$n; done\n"
      "mount --rbind '" + d + "/dev' /dev\n"
      "export JOURNAL_STREAM=$(stat -L -c %d:%i /proc/self/fd/2)\n"
      "exec \"$@\"\n";
  VigildProcess p(dir_);
  p.set_wrapper({"unshare", "--mount", "--propagation", "private", "sh", "-c", script, "sh"});
  ASSERT_TRUE(StartWithFixtures(p));
  ASSERT_TRUE(WaitFor([&] { return p.Dc() == "solo1"; })) << p.log();
  const std::string crm = Crm(p);
  const CommandResult r = Sh(crm + " configure property stonith-enabled=false && " + crm +
                             " configure primitive bad ocf:vigiltest:ExitCode params code=1");
  ASSERT_EQ(r.code, 0) << r.out;
  std::vector<std::string> in_journal, in_syslog;
  const bool both = WaitFor([&] {
    Drain(journal, in_journal);
    Drain(syslog, in_syslog);
    return AnyHas(in_journal, "probe of bad", "\nPRIORITY=3\n") && AnyHas(in_syslog, "probe of bad", "<27>");
  });
  p.Kill(SIGKILL);
  close(journal);
  close(syslog);
  std::string seen;
  for (const auto& e : in_journal) seen += "journal: " + e + "\n";
  for (const auto& e : in_syslog) seen += "syslog: " + e + "\n";
  EXPECT_TRUE(both) << seen << p.log();
  // err is 3, info 6; the daemon facility (3) adds 24 in syslog's <PRI>.
  EXPECT_TRUE(AnyHas(in_journal, "MESSAGE=this node is the DC", "\nPRIORITY=6\n")) << seen;
  EXPECT_TRUE(AnyHas(in_journal, "SYSLOG_IDENTIFIER=vigild\n", "VIGIL_NODE=solo1")) << seen;
  EXPECT_TRUE(AnyHas(in_syslog, "<30>", "vigild[")) << seen;
  // The journal has the lines: stderr (the journal's stream) does not repeat them.
  EXPECT_EQ(p.log().find("probe of bad"), std::string::npos) << p.log();
}

// The unit vigild ships with, checked by systemd's own verifier (with ExecStart pointing at the
// vigild built here and the man pages built here: the verifier wants the program and the
// documentation to exist).
TEST(VigildUnitTest, TheUnitFilePassesSystemdAnalyzeVerify) {
  TempDir dir;
  std::string unit = ReadFile(std::filesystem::path(VIGIL_TEST_SOURCE_DIR) / ".." / "packaging" / "vigild.service");
  ASSERT_NE(unit.find("Type=notify\n"), std::string::npos) << unit;
  ASSERT_NE(unit.find("WatchdogSec="), std::string::npos) << unit;
  const std::string installed = "ExecStart=/usr/sbin/vigild";
  const size_t at = unit.find(installed);
  ASSERT_NE(at, std::string::npos) << unit;
  unit.replace(at, installed.size(), std::string("ExecStart=") + VIGILD_BINARY);
  WriteFile(std::filesystem::path(dir.path()) / "vigild.service", unit);
  const std::filesystem::path man = std::filesystem::path(dir.path()) / "man" / "man8";
  std::filesystem::create_directories(man);
  std::filesystem::copy_file(std::filesystem::path(VIGILD_BINARY).parent_path() / ".." / "man" / "vigild.8.gz", man / "vigild.8.gz");
  const CommandResult r =
      Sh("cd " + dir.path() + " && MANPATH=" + dir.path() + "/man systemd-analyze verify ./vigild.service 2>&1");
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_EQ(r.out, "") << r.out;
}

}  // namespace
}  // namespace vigil::testing
