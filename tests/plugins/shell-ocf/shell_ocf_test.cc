// The shell-ocf plugin against fixture scripts of our own (tests/fixtures/ocf): exit codes and
// reasons, Pacemaker's environment, deadlines that kill the whole process group, a background
// child that keeps stdout open, 100 MB of output, invalid meta-data, a script without the
// execute bit.
#include <sys/resource.h>

#include <gtest/gtest.h>

#include "common/ocf.h"
#include "host/agent_host.h"
#include "tests/support/test_util.h"

namespace vigil {
namespace {

using std::chrono::milliseconds;
using testing::ProcessAlive;
using testing::ReadPids;

class ShellOcfTest : public ::testing::Test {
 protected:
  static RegistryOptions Options(const std::string& rsc_tmp) {
    RegistryOptions o;
    o.plugin_dirs = {testing::RealPluginDir(), testing::TestPluginDir()};
    o.ocf_root = testing::FixtureOcfRoot();
    o.rsc_tmp = rsc_tmp;
    return o;
  }
  Result<OperationResult> Run(const std::string& type, const std::string& action, Params params = {},
                              milliseconds timeout = milliseconds(20000)) {
    Operation op;
    op.resource = "fixture-" + type;
    op.agent = "ocf:vigiltest:" + type;
    op.action = action;
    op.params = std::move(params);
    op.timeout = timeout;
    return host.RunAndWait(op);
  }

  testing::TempDir tmp;
  AgentHost host{Options(tmp.path())};
};

TEST_F(ShellOcfTest, ListsEveryFixtureButDotFiles) {
  for (const char* t : {"Hang", "IgnoreTerm", "Background", "BigOutput", "ExitCode", "Env",
                        "BadMeta", "NotExecutable"}) {
    auto a = host.registry().Find(std::string("ocf:vigiltest:") + t);
    ASSERT_TRUE(a.ok()) << t;
    EXPECT_EQ((*a)->kind, VIGIL_AGENT_SCRIPT);
    EXPECT_EQ((*a)->implementation, testing::FixtureOcfRoot() + "/resource.d/vigiltest/" + t);
  }
  EXPECT_FALSE(host.registry().Find("ocf:vigiltest:.common").ok());
}

TEST_F(ShellOcfTest, NativeAgentTakesTheNameAndTheScriptStaysReachable) {
  auto native = host.registry().Find("ocf:vigiltest:Noop");
  ASSERT_TRUE(native.ok());
  EXPECT_EQ((*native)->kind, VIGIL_AGENT_NATIVE);
  auto script = host.registry().Find("ocf:vigiltest-script:Noop");
  ASSERT_TRUE(script.ok());
  EXPECT_EQ((*script)->kind, VIGIL_AGENT_SCRIPT);
  EXPECT_EQ((*script)->shadowed_by, (*native)->implementation);
  Operation op;
  op.resource = "twin";
  op.agent = "ocf:vigiltest-script:Noop";
  op.action = "monitor";
  auto r = host.RunAndWait(op);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_NE(r->output.find("script Noop ran"), std::string::npos);
}

TEST_F(ShellOcfTest, ReturnsEachOcfExitCodeWithItsReason) {
  for (int code : {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 190, 191}) {
    auto r = Run("ExitCode", "monitor", {{"code", std::to_string(code)}});
    ASSERT_TRUE(r.ok()) << r.status().message();
    EXPECT_EQ(r->status, ExecStatus::kDone) << code;
    EXPECT_EQ(r->rc, code);
    EXPECT_EQ(r->reason, "asked to exit with " + std::to_string(code));
    EXPECT_NE(r->output.find("some output on stdout"), std::string::npos);
  }
}

TEST_F(ShellOcfTest, GivesTheEnvironmentPacemakerGives) {
  Operation op;
  op.resource = "my-rsc";
  op.agent = "ocf:vigiltest:Env";
  op.action = "monitor";
  op.params = {{"code", "0"}, {"pidfile", "a value with 'quotes', $dollars and ; semicolons"}};
  op.meta = {{"migration-threshold", "3"}, {"timeout", "999"}};
  op.timeout = milliseconds(7000);
  op.interval = milliseconds(10000);
  op.check_level = 10;
  auto r = host.RunAndWait(op);
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_EQ(r->rc, 0);
  // Only the first run of the recurring monitor was asked for.
  auto has = [&](const std::string& line) {
    return ("\n" + r->output).find("\n" + line + "\n") != std::string::npos;
  };
  EXPECT_TRUE(has("ARGC=1"));
  EXPECT_TRUE(has("ARGV1=monitor"));
  EXPECT_TRUE(has("OCF_ROOT=" + testing::FixtureOcfRoot()));
  EXPECT_TRUE(has("OCF_RA_VERSION_MAJOR=1"));
  EXPECT_TRUE(has("OCF_RA_VERSION_MINOR=1"));
  EXPECT_TRUE(has("OCF_RESOURCE_INSTANCE=my-rsc"));
  EXPECT_TRUE(has("OCF_RESOURCE_TYPE=Env"));
  EXPECT_TRUE(has("OCF_RESOURCE_PROVIDER=vigiltest"));
  EXPECT_TRUE(has("OCF_RESKEY_code=0"));
  EXPECT_TRUE(has("OCF_RESKEY_pidfile=a value with 'quotes', $dollars and ; semicolons"));
  EXPECT_TRUE(has("OCF_RESKEY_CRM_meta_migration_threshold=3"));
  EXPECT_TRUE(has("OCF_RESKEY_CRM_meta_timeout=7000"));
  EXPECT_TRUE(has("OCF_RESKEY_CRM_meta_interval=10000"));
  EXPECT_TRUE(has("OCF_CHECK_LEVEL=10"));
  EXPECT_TRUE(has("OCF_EXIT_REASON_PREFIX=ocf-exit-reason:"));
  EXPECT_TRUE(has("HA_RSCTMP=" + tmp.path()));
}

TEST_F(ShellOcfTest, DoesNotPassTheCallersOwnOcfVariables) {
  ::setenv("OCF_RESKEY_smuggled", "yes", 1);
  auto r = Run("Env", "monitor");
  ::unsetenv("OCF_RESKEY_smuggled");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->output.find("OCF_RESKEY_smuggled"), std::string::npos);
}

TEST_F(ShellOcfTest, KillsTheWholeProcessGroupAtTheDeadline) {
  const std::string pidfile = tmp / "hang.pids";
  auto r = Run("Hang", "start", {{"pidfile", pidfile}}, milliseconds(500));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, ExecStatus::kTimedOut);
  EXPECT_EQ(r->rc, VIGIL_OCF_ERR_GENERIC);
  auto pids = ReadPids(pidfile);
  ASSERT_EQ(pids.size(), 2u) << "the fixture did not record its pids";
  // The executor reports at the deadline; the plugin kills and reaps right after. A following
  // operation on the same resource runs only once the killed one has returned.
  auto next = Run("Hang", "monitor", {{"pidfile", tmp / "second.pids"}}, milliseconds(200));
  ASSERT_TRUE(next.ok());
  for (pid_t p : pids) EXPECT_FALSE(ProcessAlive(p)) << "pid " << p << " survived the timeout";
}

TEST_F(ShellOcfTest, KillsAScriptThatIgnoresSigterm) {
  const std::string pidfile = tmp / "term.pid";
  auto r = Run("IgnoreTerm", "stop", {{"pidfile", pidfile}}, milliseconds(500));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, ExecStatus::kTimedOut);
  auto pids = ReadPids(pidfile);
  ASSERT_EQ(pids.size(), 1u);
  // The same resource: this runs only once the killed stop has returned.
  auto next = Run("IgnoreTerm", "monitor", {{"pidfile", tmp / "x"}}, milliseconds(100));
  ASSERT_TRUE(next.ok());
  EXPECT_FALSE(ProcessAlive(pids[0]));
}

TEST_F(ShellOcfTest, BackgroundChildHoldingStdoutDoesNotHoldTheOperation) {
  const std::string pidfile = tmp / "bg.pid";
  // If the plugin waited for end of file on stdout, this would end in a timeout.
  auto r = Run("Background", "start", {{"pidfile", pidfile}}, milliseconds(10000));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, ExecStatus::kDone);
  EXPECT_EQ(r->rc, 0);
  EXPECT_NE(r->output.find("started a background child"), std::string::npos);
  auto pids = ReadPids(pidfile);
  ASSERT_EQ(pids.size(), 1u);
  EXPECT_TRUE(ProcessAlive(pids[0])) << "the background child should be left running";
  ::kill(pids[0], SIGKILL);
}

TEST_F(ShellOcfTest, HundredMegabytesOfOutputDoNotGrowMemory) {
  struct rusage before{}, after{};
  ::getrusage(RUSAGE_SELF, &before);
  auto r = Run("BigOutput", "monitor", {{"bytes", "104857600"}}, milliseconds(60000));
  ::getrusage(RUSAGE_SELF, &after);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, ExecStatus::kDone);
  EXPECT_EQ(r->rc, 0);
  EXPECT_LE(r->output.size(), 2u << 20);
  EXPECT_NE(r->output.find("[output truncated]"), std::string::npos);
  // ru_maxrss is in KiB; the output is 100 MiB.
  EXPECT_LT(after.ru_maxrss - before.ru_maxrss, 16 * 1024);
}

TEST_F(ShellOcfTest, InvalidMetadataIsAClearErrorAndTheAgentIsNotRun) {
  auto a = host.registry().Find("ocf:vigiltest:BadMeta");
  ASSERT_TRUE(a.ok());
  auto md = host.registry().Metadata(**a);
  ASSERT_FALSE(md.ok());
  EXPECT_NE(md.status().message().find("ocf:vigiltest:BadMeta"), std::string::npos);
  EXPECT_NE(md.status().message().find("not well-formed"), std::string::npos);
  auto r = Run("BadMeta", "start");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("cannot check the parameters"), std::string::npos);
}

TEST_F(ShellOcfTest, ScriptWithoutExecuteBitIsNotInstalled) {
  auto a = host.registry().Find("ocf:vigiltest:NotExecutable");
  ASSERT_TRUE(a.ok());
  Operation op;
  op.resource = "x";
  op.agent = (*a)->name;
  op.action = "meta-data";
  op.timeout = milliseconds(5000);
  // meta-data is the one action run without a parameter check.
  auto r = host.RunAndWait(op);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->rc, VIGIL_OCF_ERR_INSTALLED);
  EXPECT_NE(r->reason.find("Permission denied"), std::string::npos) << r->reason;
}

TEST_F(ShellOcfTest, RefusesBadParametersWithoutRunningTheAgent) {
  const std::string pidfile = tmp / "never";
  auto r = Run("Hang", "start", {{"pidfile", pidfile}, {"code", "not-a-number"}});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("'code' must be an integer"), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(pidfile)) << "the agent ran despite the bad parameter";
  r = Run("Hang", "start", {{"no_such_param", "1"}});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("unknown parameter 'no_such_param'"), std::string::npos);
  r = Run("ExitCode", "start", {{"flag", "perhaps"}});
  ASSERT_FALSE(r.ok());
  r = Run("ExitCode", "start", {{"mode", "medium"}});
  ASSERT_FALSE(r.ok());
}

TEST_F(ShellOcfTest, RunsDifferentResourcesInParallel) {
  // Two hanging starts with a 1 s deadline on different resources, and a quick monitor on a third:
  // the monitor's result must not wait for the hangs.
  std::vector<std::string> order;
  std::mutex mu;
  std::condition_variable cv;
  auto record = [&](const Operation& op, const OperationResult&) {
    std::lock_guard<std::mutex> lock(mu);
    order.push_back(op.resource);
    cv.notify_all();
  };
  for (const char* rsc : {"h1", "h2"}) {
    Operation op;
    op.resource = rsc;
    op.agent = "ocf:vigiltest:Hang";
    op.action = "start";
    op.timeout = milliseconds(1500);
    ASSERT_TRUE(host.Submit(op, record).ok());
  }
  Operation quick;
  quick.resource = "quick";
  quick.agent = "ocf:vigiltest:ExitCode";
  quick.action = "monitor";
  ASSERT_TRUE(host.Submit(quick, record).ok());
  std::unique_lock<std::mutex> lock(mu);
  cv.wait(lock, [&] { return order.size() == 3; });
  EXPECT_EQ(order[0], "quick");
}

}  // namespace
}  // namespace vigil
