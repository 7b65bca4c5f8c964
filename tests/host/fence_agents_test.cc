// Fence agents (Debian's fence-agents package) through the fence-agents plugin: the real
// fence_dummy, and for the interface's own logic (what reaches the agent's standard input) a
// script that records its input.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "host/agent_host.h"
#include "tests/support/test_util.h"

namespace vigil {
namespace {

using std::chrono::milliseconds;

class FenceAgentsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(std::filesystem::exists("/usr/sbin/fence_dummy"))
        << "fence-agents is not installed (scripts/deps.sh installs it)";
  }
  static RegistryOptions Options(const std::string& fence_dir) {
    RegistryOptions o;
    o.plugin_dirs = {testing::RealPluginDir()};
    o.fence_agents_dir = fence_dir;
    return o;
  }
  static OperationResult Run(AgentHost& host, const std::string& agent, const std::string& action, Params params,
                             Params meta = {}, milliseconds interval = milliseconds(0)) {
    Operation op;
    op.resource = "fence1";
    op.agent = agent;
    op.action = action;
    op.params = std::move(params);
    op.meta = std::move(meta);
    op.interval = interval;
    op.timeout = milliseconds(20000);
    auto r = host.RunAndWait(op);
    EXPECT_TRUE(r.ok()) << r.status().message();
    return r.ok() ? *r : OperationResult{};
  }
  // A fence agent of the test's own in its directory: `script`, with @DIR@ standing for that
  // directory.
  void WriteAgent(const std::string& name, std::string script) {
    for (size_t at; (at = script.find("@DIR@")) != std::string::npos;) script.replace(at, 5, tmp.path());
    std::ofstream(tmp / name) << script;
    std::filesystem::permissions(tmp / name, std::filesystem::perms::owner_all);
  }
  // A file the agent wrote in the test's directory ("" if none).
  std::string Written(const std::string& file) const {
    std::ifstream in(tmp / file);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }
  testing::TempDir tmp;
};

TEST_F(FenceAgentsTest, EveryInstalledAgentIsListedInTheStonithClass) {
  AgentHost host{Options("/usr/sbin")};
  auto dummy = host.registry().Find("stonith:fence_dummy");
  ASSERT_TRUE(dummy.ok()) << dummy.status().message();
  EXPECT_EQ((*dummy)->standard, "stonith");
  EXPECT_EQ((*dummy)->type, "fence_dummy");
  EXPECT_TRUE(host.registry().Find("stonith:fence_ipmilan").ok());
  // A bare name finds it too, as crm's `ra info fence_ipmilan` does.
  auto bare = host.registry().Find("fence_ipmilan");
  ASSERT_TRUE(bare.ok());
  EXPECT_EQ((*bare)->name, "stonith:fence_ipmilan");
  // Its meta-data is the agent's, with the fencer's own parameters and without requiring the
  // options the fencer supplies.
  auto md = host.registry().Metadata(**dummy);
  ASSERT_TRUE(md.ok()) << md.status().message();
  ASSERT_NE(md->FindParameter("status_file"), nullptr);
  ASSERT_NE(md->FindParameter("action"), nullptr);
  EXPECT_FALSE(md->FindParameter("action")->required);
  ASSERT_NE(md->FindParameter("pcmk_host_list"), nullptr);
  ASSERT_NE(md->FindParameter("pcmk_reboot_timeout"), nullptr);
}

// fence_dummy keeps its "power" in a status file: off, on and status act on it for real.
TEST_F(FenceAgentsTest, FenceDummyTurnsTheTargetOffAndOnAgain) {
  AgentHost host{Options("/usr/sbin")};
  const std::string status_file = tmp / "power";
  const Params params = {{"status_file", status_file}, {"pcmk_host_list", "node1"}};
  const Params target = {{"fence-target", "node1"}};
  EXPECT_EQ(Run(host, "stonith:fence_dummy", "on", params, target).rc, 0);
  EXPECT_EQ(Run(host, "stonith:fence_dummy", "status", params, target).rc, 0);  // on
  EXPECT_EQ(Run(host, "stonith:fence_dummy", "off", params, target).rc, 0);
  EXPECT_EQ(Run(host, "stonith:fence_dummy", "status", params, target).rc, 2);  // off
  std::ifstream in(status_file);
  std::string state;
  in >> state;
  EXPECT_EQ(state, "off");
  EXPECT_EQ(Run(host, "stonith:fence_dummy", "reboot", params, target).rc, 0);
  EXPECT_EQ(Run(host, "stonith:fence_dummy", "status", params, target).rc, 0);
}

// A device of the stonith class starts by checking the device, and only what started here is
// running here: a probe never runs the agent.
TEST_F(FenceAgentsTest, ADeviceRunsWhereItStartedAndItsMonitorChecksTheDevice) {
  AgentHost host{Options("/usr/sbin")};
  const Params params = {{"status_file", tmp / "power"}};
  EXPECT_EQ(Run(host, "stonith:fence_dummy", "monitor", params).rc, VIGIL_OCF_NOT_RUNNING);
  EXPECT_EQ(Run(host, "stonith:fence_dummy", "start", params).rc, VIGIL_OCF_SUCCESS);
  EXPECT_EQ(Run(host, "stonith:fence_dummy", "monitor", params).rc, VIGIL_OCF_SUCCESS);
  EXPECT_EQ(Run(host, "stonith:fence_dummy", "monitor", params, {}, milliseconds(60000)).rc, VIGIL_OCF_SUCCESS);
  EXPECT_EQ(Run(host, "stonith:fence_dummy", "stop", params).rc, VIGIL_OCF_SUCCESS);
  EXPECT_EQ(Run(host, "stonith:fence_dummy", "monitor", params).rc, VIGIL_OCF_NOT_RUNNING);
  EXPECT_EQ(Run(host, "stonith:fence_dummy", "promote", params).rc, VIGIL_OCF_ERR_UNIMPLEMENTED);
}

// An agent that records what it reads and answers with the exit code in a file (0 unless told):
// for the interface's logic, where no real device can be made to fail on demand.
class RecordingAgentTest : public FenceAgentsTest {
 protected:
  void SetUp() override {
    FenceAgentsTest::SetUp();
    WriteAgent("fence_record", R"(#!/bin/sh
input=$(cat)
case "$input" in action=metadata*)
  echo '<resource-agent name="fence_record"><parameters>'
  for p in action ip port plug; do echo "<parameter name=\"$p\"><content type=\"string\"/></parameter>"; done
  echo '</parameters><actions><action name="status"/><action name="off"/></actions></resource-agent>'
  exit 0;;
esac
printf '%s\n' "$input" > @DIR@/input
exit $(cat @DIR@/rc 2>/dev/null || echo 0)
)");
  }
  std::string Input() const { return Written("input"); }
  void FailWith(int rc) { std::ofstream(tmp / "rc") << rc; }
};

// A device that cannot be reached does not start, and so does not run here; its check is the
// agent's status when it has no monitor.
TEST_F(RecordingAgentTest, ADeviceWhoseCheckFailsDoesNotStart) {
  AgentHost host{Options(tmp.path())};
  FailWith(1);
  const auto failed = Run(host, "stonith:fence_record", "start", {{"ip", "10.0.0.9"}});
  EXPECT_EQ(failed.rc, VIGIL_OCF_ERR_GENERIC) << failed.reason;
  EXPECT_EQ(Input(), "action=status\nip=10.0.0.9\n");
  EXPECT_EQ(Run(host, "stonith:fence_record", "monitor", {{"ip", "10.0.0.9"}}).rc, VIGIL_OCF_NOT_RUNNING);
  // A status that finds the device's plug off still reached the device.
  FailWith(2);
  EXPECT_EQ(Run(host, "stonith:fence_record", "start", {{"ip", "10.0.0.9"}}).rc, VIGIL_OCF_SUCCESS);
  FailWith(1);
  EXPECT_EQ(Run(host, "stonith:fence_record", "monitor", {{"ip", "10.0.0.9"}}, {}, milliseconds(60000)).rc,
            VIGIL_OCF_ERR_GENERIC);
}

// What reaches the agent: the action (or its pcmk_<action>_action alias) first, the target as
// nodename and as the host argument (mapped through pcmk_host_map), the device's own options, and
// none of Pacemaker's.
TEST_F(RecordingAgentTest, TheAgentReadsTheFencerInterfaceOnStandardInput) {
  AgentHost host{Options(tmp.path())};
  const Params device = {{"ip", "10.0.0.9"},          {"pcmk_host_map", "node1:plug-a;node2:plug-b"},
                         {"pcmk_off_action", "cut"}, {"pcmk_host_list", "node1 node2"},
                         {"action", "off"},          {"pcmk_reboot_retries", "3"}};
  EXPECT_EQ(Run(host, "stonith:fence_record", "off", device, {{"fence-target", "node2"}, {"fence-target-nodeid", "2"}}).rc, 0);
  EXPECT_EQ(Input(), "action=cut\nnodename=node2\nnodeid=2\nport=plug-b\nip=10.0.0.9\n");
  EXPECT_EQ(Run(host, "stonith:fence_record", "reboot", {{"ip", "10.0.0.9"}, {"pcmk_host_argument", "plug"}},
                {{"fence-target", "node3"}})
                .rc,
            0);
  EXPECT_EQ(Input(), "action=reboot\nnodename=node3\nplug=node3\nip=10.0.0.9\n");
  EXPECT_EQ(Run(host, "stonith:fence_record", "reboot", {{"pcmk_host_argument", "none"}}, {{"fence-target", "node3"}}).rc, 0);
  EXPECT_EQ(Input(), "action=reboot\nnodename=node3\n");
  // A port configured on the device is the device's own: passed as it is.
  EXPECT_EQ(Run(host, "stonith:fence_record", "off", {{"port", "7"}}, {{"fence-target", "node3"}}).rc, 0);
  EXPECT_EQ(Input(), "action=off\nnodename=node3\nport=7\n");
  // A plug of several ports (a comma) stays whole; map names compare without case.
  EXPECT_EQ(Run(host, "stonith:fence_record", "off", {{"pcmk_host_map", "node1:1;Node3:3,4"}}, {{"fence-target", "node3"}}).rc, 0);
  EXPECT_EQ(Input(), "action=off\nnodename=node3\nport=3,4\n");
  // A value over two lines cannot be given: refused, the agent not run; a stop, which runs no
  // agent, still stops it.
  std::filesystem::remove(tmp / "input");
  const Params broken = {{"ip", "10.0.0.9\naction=on"}};
  const auto refused = Run(host, "stonith:fence_record", "off", broken, {{"fence-target", "node3"}});
  EXPECT_EQ(refused.rc, VIGIL_OCF_ERR_CONFIGURED);
  EXPECT_NE(refused.reason.find("line break"), std::string::npos) << refused.reason;
  EXPECT_EQ(Run(host, "stonith:fence_record", "start", broken).rc, VIGIL_OCF_ERR_CONFIGURED);
  EXPECT_EQ(Run(host, "stonith:fence_record", "stop", broken).rc, VIGIL_OCF_SUCCESS);
  EXPECT_FALSE(std::filesystem::exists(tmp / "input"));
}

// An agent that logs each run, and answers each run with the next exit code
// of a list (0 once the list is spent): for retries.
class CountingAgentTest : public FenceAgentsTest {
 protected:
  void SetUp() override {
    FenceAgentsTest::SetUp();
    WriteAgent("fence_count", R"(#!/bin/sh
input=$(cat)
case "$input" in action=metadata*)
  echo '<resource-agent name="fence_count"><parameters><parameter name="ip"><content type="string"/></parameter>'
  echo '</parameters><actions><action name="status"/><action name="monitor"/><action name="off"/></actions></resource-agent>'
  exit 0;;
esac
echo run >> @DIR@/log
runs=$(grep -c run @DIR@/log)
rc=$(sed -n "${runs}p" @DIR@/rcs 2>/dev/null)
exit ${rc:-0}
)");
  }
  // The exit codes of the next runs, from now on.
  void Answers(const std::string& codes) {
    std::filesystem::remove(tmp / "log");
    std::ofstream(tmp / "rcs") << codes;
  }
  std::string Log() const { return Written("log"); }
};

// A check (start, monitor) or a status that fails is run again, up to pcmk_<action>_retries runs
// in all (2 unless set), as Pacemaker's fencer runs it; a fence action is not (the DC retries it).
TEST_F(CountingAgentTest, AFailedCheckOrStatusIsRunAgainUpToItsRetries) {
  AgentHost host{Options(tmp.path())};
  Answers("1\n0\n");
  EXPECT_EQ(Run(host, "stonith:fence_count", "start", {{"ip", "10.0.0.9"}}).rc, VIGIL_OCF_SUCCESS);
  EXPECT_EQ(Log(), "run\nrun\n");
  Answers("1\n1\n1\n0\n");
  EXPECT_EQ(Run(host, "stonith:fence_count", "monitor", {{"ip", "10.0.0.9"}, {"pcmk_monitor_retries", "3"}}, {},
                milliseconds(60000)).rc,
            VIGIL_OCF_ERR_GENERIC);
  EXPECT_EQ(Log(), "run\nrun\nrun\n");
  Answers("1\n0\n");
  EXPECT_EQ(Run(host, "stonith:fence_count", "status", {{"ip", "10.0.0.9"}, {"pcmk_status_retries", "1"}},
                {{"fence-target", "node2"}}).rc,
            1);
  EXPECT_EQ(Log(), "run\n");
  Answers("1\n0\n");
  EXPECT_EQ(Run(host, "stonith:fence_count", "off", {{"ip", "10.0.0.9"}}, {{"fence-target", "node2"}}).rc, 1);
  EXPECT_EQ(Log(), "run\n");
}

}  // namespace
}  // namespace vigil
