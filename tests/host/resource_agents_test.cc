// resource-agents' own scripts (Debian's resource-agents package) through shell-ocf, and the
// native test plugin through the same host.
#include <gtest/gtest.h>

#include "host/agent_host.h"
#include "host/agent_test.h"
#include "tests/support/test_util.h"

namespace vigil {
namespace {

using std::chrono::milliseconds;

RegistryOptions Options(const std::string& rsc_tmp) {
  RegistryOptions o;
  o.plugin_dirs = {testing::RealPluginDir(), testing::TestPluginDir()};
  o.ocf_root = "/usr/lib/ocf";
  o.rsc_tmp = rsc_tmp;
  return o;
}

class ResourceAgentsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(std::filesystem::exists("/usr/lib/ocf/resource.d/heartbeat/Dummy"))
        << "resource-agents is not installed (scripts/deps.sh installs it)";
  }
  OperationResult Run(const std::string& agent, const std::string& action, const std::string& rsc) {
    Operation op;
    op.resource = rsc;
    op.agent = agent;
    op.action = action;
    op.timeout = milliseconds(20000);
    auto r = host.RunAndWait(op);
    EXPECT_TRUE(r.ok()) << r.status().message();
    return r.ok() ? *r : OperationResult{};
  }
  testing::TempDir tmp;
  AgentHost host{Options(tmp.path())};
};

TEST_F(ResourceAgentsTest, DummyStartMonitorStopEndToEnd) {
  const std::string agent = "ocf:heartbeat:Dummy";
  EXPECT_EQ(Run(agent, "monitor", "d1").rc, VIGIL_OCF_NOT_RUNNING);
  EXPECT_EQ(Run(agent, "start", "d1").rc, VIGIL_OCF_SUCCESS);
  // The state file lands in our HA_RSCTMP, named after the instance.
  EXPECT_TRUE(std::filesystem::exists(tmp / "Dummy-d1.state"));
  EXPECT_EQ(Run(agent, "monitor", "d1").rc, VIGIL_OCF_SUCCESS);
  EXPECT_EQ(Run(agent, "monitor", "d2").rc, VIGIL_OCF_NOT_RUNNING);
  EXPECT_EQ(Run(agent, "stop", "d1").rc, VIGIL_OCF_SUCCESS);
  EXPECT_EQ(Run(agent, "monitor", "d1").rc, VIGIL_OCF_NOT_RUNNING);
}

TEST_F(ResourceAgentsTest, DummyPassesTheOcfTesterSequence) {
  auto agent = host.registry().Find("ocf:heartbeat:Dummy");
  ASSERT_TRUE(agent.ok());
  auto steps = RunAgentTest(host, **agent, "tester", {}, nullptr);
  ASSERT_EQ(steps.size(), 9u);
  for (const auto& s : steps) EXPECT_TRUE(s.passed) << s.name << ": " << s.detail;
}

TEST_F(ResourceAgentsTest, RecurringMonitorOfDummyReportsEachRunUntilStopped) {
  Run("ocf:heartbeat:Dummy", "start", "rec");
  std::mutex mu;
  std::condition_variable cv;
  std::vector<OperationResult> results;
  Operation op;
  op.resource = "rec";
  op.agent = "ocf:heartbeat:Dummy";
  op.action = "monitor";
  op.interval = milliseconds(50);
  auto id = host.Submit(op, [&](const Operation&, const OperationResult& r) {
    std::lock_guard<std::mutex> lock(mu);
    results.push_back(r);
    cv.notify_all();
  });
  ASSERT_TRUE(id.ok());
  {
    std::unique_lock<std::mutex> lock(mu);
    cv.wait(lock, [&] { return results.size() >= 3; });
  }
  EXPECT_EQ(Run("ocf:heartbeat:Dummy", "stop", "rec").rc, VIGIL_OCF_SUCCESS);
  std::lock_guard<std::mutex> lock(mu);
  for (size_t i = 0; i + 1 < results.size(); ++i) EXPECT_EQ(results[i].rc, VIGIL_OCF_SUCCESS);
  EXPECT_EQ(results.back().status, ExecStatus::kCancelled);
}

TEST_F(ResourceAgentsTest, ParsesIPaddr2Metadata) {
  auto agent = host.registry().Find("ocf:heartbeat-script:IPaddr2");
  ASSERT_TRUE(agent.ok());
  auto md = host.registry().Metadata(**agent);
  ASSERT_TRUE(md.ok()) << md.status().message();
  EXPECT_EQ(md->name, "IPaddr2");
  const ParameterSpec* ip = md->FindParameter("ip");
  ASSERT_NE(ip, nullptr);
  EXPECT_TRUE(ip->required);
  EXPECT_TRUE(ip->unique);
  for (const char* p : {"nic", "cidr_netmask", "broadcast", "iflabel", "arp_count", "arp_interval"}) {
    EXPECT_NE(md->FindParameter(p), nullptr) << p;
  }
  EXPECT_EQ(md->FindParameter("arp_count")->type, "integer");
  ASSERT_NE(md->FindAction("start"), nullptr);
  EXPECT_TRUE(md->FindAction("start")->timeout.has_value());
  std::string method;
  EXPECT_TRUE(CheckMetadataSchema(*host.registry().MetadataXml(**agent), &method).empty()) << method;
}

// The native agents take a configuration written for the scripts unchanged: every parameter of
// the script exists natively with the same type and default, and nothing else is added.
// Every native agent that replaces a script: same parameters (names, types, required flags,
// defaults), same action timeouts and intervals, and meta-data valid against the OCF schema.
TEST_F(ResourceAgentsTest, NativeMetadataHasTheScriptsParameters) {
  for (const char* type : {"IPaddr", "IPaddr2", "mysql"}) {
    auto native = host.registry().Find(std::string("ocf:heartbeat:") + type);
    auto script = host.registry().Find(std::string("ocf:heartbeat-script:") + type);
    ASSERT_TRUE(native.ok() && script.ok()) << type;
    EXPECT_EQ((*native)->kind, VIGIL_AGENT_NATIVE) << type;
    auto nmd = host.registry().Metadata(**native);
    auto smd = host.registry().Metadata(**script);
    ASSERT_TRUE(nmd.ok() && smd.ok()) << type;
    ASSERT_EQ(nmd->parameters.size(), smd->parameters.size()) << type;
    for (const auto& sp : smd->parameters) {
      const ParameterSpec* np = nmd->FindParameter(sp.name);
      ASSERT_NE(np, nullptr) << type << " " << sp.name;
      EXPECT_EQ(np->type, sp.type) << type << " " << sp.name;
      EXPECT_EQ(np->required, sp.required) << type << " " << sp.name;
      // IPaddr's script defaults nic to eth0; natively an absent nic is found from the routes,
      // as IPaddr2 does (and as IPaddr did when the tutorial was written).
      if (std::string(type) == "IPaddr" && sp.name == "nic") continue;
      EXPECT_EQ(np->default_value.value_or(""), sp.default_value.value_or(""))
          << type << " " << sp.name;
    }
    for (const char* action : {"start", "stop", "monitor", "meta-data", "validate-all"}) {
      ASSERT_NE(nmd->FindAction(action), nullptr) << type << " " << action;
      EXPECT_EQ(nmd->FindAction(action)->timeout, smd->FindAction(action)->timeout) << action;
      EXPECT_EQ(nmd->FindAction(action)->interval, smd->FindAction(action)->interval) << action;
    }
    std::string method;
    EXPECT_TRUE(CheckMetadataSchema(*host.registry().MetadataXml(**native), &method).empty())
        << type << " " << method;
  }
}

TEST_F(ResourceAgentsTest, ParsesMysqlMetadata) {
  auto agent = host.registry().Find("ocf:heartbeat-script:mysql");
  ASSERT_TRUE(agent.ok());
  auto md = host.registry().Metadata(**agent);
  ASSERT_TRUE(md.ok()) << md.status().message();
  for (const char* p : {"binary", "client_binary", "config", "datadir", "user", "group", "log",
                        "pid", "socket", "test_user", "test_passwd", "test_table",
                        "enable_creation", "additional_parameters"}) {
    EXPECT_NE(md->FindParameter(p), nullptr) << p;
  }
  EXPECT_TRUE(md->FindParameter("binary")->default_value.has_value());
  EXPECT_NE(md->FindAction("promote"), nullptr);
}

TEST_F(ResourceAgentsTest, NativeNoopPassesTheOcfTesterSequence) {
  auto agent = host.registry().Find("ocf:vigiltest:Noop");
  ASSERT_TRUE(agent.ok());
  EXPECT_EQ((*agent)->kind, VIGIL_AGENT_NATIVE);
  auto steps = RunAgentTest(host, **agent, "native", {}, nullptr);
  for (const auto& s : steps) EXPECT_TRUE(s.passed) << s.name << ": " << s.detail;
}

// Promote, demote and notify reach a native plugin as they reach an OCF script: the same role
// sequence on the native Noop and on Pacemaker's own Stateful script.
TEST_F(ResourceAgentsTest, RolesAndNotificationsReachNativePluginsAndScriptsAlike) {
  for (const std::string agent : {"ocf:vigiltest:Noop", "ocf:pacemaker:Stateful"}) {
    auto run = [&](const std::string& action) {
      Operation op;
      op.resource = "r";
      op.agent = agent;
      op.action = action;
      op.timeout = milliseconds(20000);
      if (agent.ends_with("Stateful")) op.params = {{"state", tmp / "r.state"}};
      if (action == "notify") op.meta = {{"notify_type", "pre"}, {"notify_operation", "promote"}};
      auto r = host.RunAndWait(op);
      EXPECT_TRUE(r.ok()) << r.status().message();
      return r.ok() ? r->rc : -1;
    };
    EXPECT_EQ(run("start"), VIGIL_OCF_SUCCESS) << agent;
    EXPECT_EQ(run("monitor"), VIGIL_OCF_SUCCESS) << agent;
    EXPECT_EQ(run("notify"), VIGIL_OCF_SUCCESS) << agent;
    EXPECT_EQ(run("promote"), VIGIL_OCF_SUCCESS) << agent;
    EXPECT_EQ(run("monitor"), VIGIL_OCF_RUNNING_PROMOTED) << agent;
    EXPECT_EQ(run("demote"), VIGIL_OCF_SUCCESS) << agent;
    EXPECT_EQ(run("monitor"), VIGIL_OCF_SUCCESS) << agent;
    EXPECT_EQ(run("stop"), VIGIL_OCF_SUCCESS) << agent;
    EXPECT_EQ(run("monitor"), VIGIL_OCF_NOT_RUNNING) << agent;
  }
}

TEST_F(ResourceAgentsTest, NativeAgentIsCancelledAtItsDeadline) {
  Operation op;
  op.resource = "sleepy";
  op.agent = "ocf:vigiltest:Sleep";
  op.action = "start";
  op.params = {{"ms", "600000"}};
  op.timeout = milliseconds(200);
  auto r = host.RunAndWait(op);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, ExecStatus::kTimedOut);
  // The plugin saw the cancellation and returned, so the resource is free again.
  op.params = {{"ms", "1"}};
  op.action = "monitor";
  op.timeout = milliseconds(20000);
  auto next = host.RunAndWait(op);
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(next->status, ExecStatus::kDone);
  EXPECT_EQ(next->rc, VIGIL_OCF_NOT_RUNNING);
}

TEST_F(ResourceAgentsTest, BareTypeNameFindsHeartbeatAgent) {
  auto a = host.registry().Find("Dummy");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ((*a)->name, "ocf:heartbeat:Dummy");
  auto missing = host.registry().Find("ocf:heartbeat:Dumy");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("'ocf:heartbeat:Dumy' not found"), std::string::npos);
}

}  // namespace
}  // namespace vigil
