// `vigil agent` as a user runs it: outputs, exit codes, and one clear line for every bad argument.
#include <sys/wait.h>

#include <filesystem>
#include <sstream>

#include <gtest/gtest.h>

#include "tests/support/test_util.h"

namespace vigil {
namespace {

struct Ran {
  int exit_code = -1;
  std::string out;
  std::string err;
};

class CliTest : public ::testing::Test {
 protected:
  // Runs vigil with `args` (already shell-quoted where needed) against the fixtures and the
  // test plugins, with a private run directory.
  Ran Vigil(const std::string& args) {
    const std::string cmd = "VIGIL_RUN_DIR=" + tmp.path() + " OCF_ROOT=/usr/lib/ocf " +
                            testing::VigilBinary() + " " + args + " >" + (tmp / "out") + " 2>" +
                            (tmp / "err") + " </dev/null";
    Ran r;
    int status = std::system(cmd.c_str());
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.out = testing::ReadFile(tmp / "out");
    r.err = testing::ReadFile(tmp / "err");
    return r;
  }
  std::string Fixtures() { return "--ocf-root " + testing::FixtureOcfRoot(); }
  std::string TestPlugins() { return "--plugin-dir " + testing::TestPluginDir(); }
  testing::TempDir tmp;
};

int Lines(const std::string& s) {
  return static_cast<int>(std::count(s.begin(), s.end(), '\n'));
}

TEST_F(CliTest, ListShowsEachAgentWithItsImplementation) {
  Ran r = Vigil("agent list ocf:heartbeat");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("ocf:heartbeat:Dummy"), std::string::npos);
  EXPECT_NE(r.out.find("script  /usr/lib/ocf/resource.d/heartbeat/Dummy"), std::string::npos);
  EXPECT_EQ(r.out.find("ocf:vigiltest:"), std::string::npos);
  Ran native = Vigil("agent list ocf " + TestPlugins());
  EXPECT_NE(native.out.find("ocf:vigiltest:Noop"), std::string::npos);
  EXPECT_NE(native.out.find("native  " + testing::TestPluginDir() + "/noop.so"), std::string::npos);
}

TEST_F(CliTest, MetaPrintsXmlAndBriefSummary) {
  Ran xml = Vigil("agent meta ocf:heartbeat:Dummy");
  ASSERT_EQ(xml.exit_code, 0) << xml.err;
  EXPECT_NE(xml.out.find("<resource-agent name=\"Dummy\""), std::string::npos);
  Ran brief = Vigil("agent meta ocf:heartbeat:Dummy --brief");
  ASSERT_EQ(brief.exit_code, 0) << brief.err;
  EXPECT_NE(brief.out.find("(ocf:heartbeat:Dummy)"), std::string::npos);
  EXPECT_NE(brief.out.find("Parameters (*: required, []: default):"), std::string::npos);
  EXPECT_NE(brief.out.find("Operations' defaults (advisory minimum):"), std::string::npos);
}

TEST_F(CliTest, RunPrintsCodeByNameAndNumberAndExitsWithIt) {
  Ran r = Vigil("agent run ocf:heartbeat:Dummy monitor --resource cli1");
  EXPECT_EQ(r.exit_code, 7) << r.err;
  EXPECT_NE(r.out.find("ocf:heartbeat:Dummy monitor: OCF_NOT_RUNNING (7) in "), std::string::npos)
      << r.out;
  EXPECT_EQ(Vigil("agent run Dummy start --resource cli1").exit_code, 0);
  EXPECT_EQ(Vigil("agent run Dummy monitor --resource cli1").exit_code, 0);
  EXPECT_EQ(Vigil("agent run Dummy stop --resource cli1").exit_code, 0);
}

TEST_F(CliTest, RunShowsTheExitReason) {
  Ran r = Vigil("agent run ocf:vigiltest:ExitCode start -p code=6 " + Fixtures());
  EXPECT_EQ(r.exit_code, 6);
  EXPECT_NE(r.out.find("OCF_ERR_CONFIGURED (6)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("reason: asked to exit with 6"), std::string::npos) << r.out;
}

TEST_F(CliTest, RunReportsATimeoutAndLeavesNoScriptBehind) {
  Ran r = Vigil("agent run ocf:vigiltest:Hang start --timeout 300ms -p pidfile=" + (tmp / "pids") +
                " " + Fixtures());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("timed out"), std::string::npos) << r.out;
  const std::vector<pid_t> pids = testing::ReadPids(tmp / "pids");
  ASSERT_EQ(pids.size(), 2u) << "the script did not start";
  for (pid_t p : pids) EXPECT_FALSE(testing::ProcessAlive(p)) << "pid " << p << " outlived the command";
}

TEST_F(CliTest, RunDoesNotWaitForANativePluginThatIgnoresItsDeadline) {
  // The plugin sleeps 10 minutes and ignores cancellation; ctest's timeout would catch a wait.
  Ran r = Vigil("agent run ocf:vigiltest:Sleep start -p ms=600000 -p ignore_cancel=true "
                "--timeout 300ms " + TestPlugins());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("timed out"), std::string::npos) << r.out;
}

TEST_F(CliTest, TestGivesUpOnANativePluginThatIgnoresItsDeadline) {
  Ran r = Vigil("agent test ocf:vigiltest:Sleep -p ms=600000 -p ignore_cancel=true "
                "--timeout 300ms " + TestPlugins());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("not run: an earlier operation did not return"), std::string::npos) << r.out;
}

TEST_F(CliTest, TestRunsTheOcfTesterSequenceOnDummy) {
  Ran r = Vigil("agent test ocf:heartbeat:Dummy");
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("PASS  meta-data valid"), std::string::npos);
  EXPECT_NE(r.out.find("PASS  monitor after stop"), std::string::npos);
  EXPECT_NE(r.out.find("9 passed, 0 failed"), std::string::npos) << r.out;
}

TEST_F(CliTest, TestFailsWhenAStepFails) {
  // ExitCode returns 0 to every action, so "monitor while stopped" (expects 7) fails.
  Ran r = Vigil("agent test ocf:vigiltest:ExitCode " + Fixtures());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("FAIL  monitor while stopped"), std::string::npos) << r.out;
}

TEST_F(CliTest, EveryBadArgumentGetsOneClearLineAndExitCodeTwo) {
  struct Case {
    std::string args;
    std::string says;
  };
  const std::vector<Case> cases = {
      {"", "usage: vigil COMMAND"},
      {"frobnicate", "unknown command 'frobnicate'"},
      {"agent", "vigil agent: A subcommand is required"},
      {"agent frob", "unknown command 'frob'"},
      {"agent list xyz", "list takes 'ocf', 'ocf:PROVIDER' or 'stonith'"},
      {"agent list ocf extra", "unexpected 'extra'"},
      {"agent meta", "AGENT is required"},
      {"agent meta ocf:heartbeat:NoSuchAgent", "'ocf:heartbeat:NoSuchAgent' not found"},
      {"agent run", "AGENT is required"},
      {"agent run Dummy", "ACTION is required"},
      {"agent run Dummy start extra", "unexpected 'extra'"},
      {"agent run Dummy start -p", "--param: 1 required TEXT missing"},
      {"agent run Dummy start -p novalue", "-p takes NAME=VALUE"},
      {"agent run Dummy start -p =x", "-p takes NAME=VALUE"},
      {"agent run Dummy start -p bogus=1", "unknown parameter 'bogus'"},
      {"agent run Dummy start --timeout soon", "--timeout takes a time"},
      {"agent run Dummy start --timeout 0", "--timeout must be more than 0"},
      {"agent run Dummy start --interval -5", "--interval takes a time"},
      {"agent run Dummy start --check-level x", "--check-level: Value x not in range"},
      {"agent run Dummy start --resource ''", "--resource: needs a non-empty id"},
      {"agent run Dummy start --bogus", "unexpected '--bogus'"},
      {"agent run ocf:x:Nope start", "'ocf:x:Nope' not found"},
      {"agent test", "AGENT is required"},
      {"agent test Dummy -p nope=1", "unknown parameter 'nope'"},
      {"agent meta Dummy --timeout 5", "unexpected '--timeout 5'"},
      {"agent list --brief", "unexpected '--brief'"},
      {"simulate", "vigil simulate: CIB is required"},
      {"simulate a.xml b.xml", "unexpected 'b.xml'"},
      {"status --output-as=yaml", "--output-as: yaml not in {text,xml,json}"},
      {"status --xml --output-as=xml", "go one at a time"},
      {"keygen -l lots", "-l: Value lots not in range 128 to 4096"},
      {"keygen -l -3", "-l: Value -3 not in range 128 to 4096"},
      {"keygen -k a -c b", "-k excludes -c"},
      {"demo --token 5", "--token: Value 5 not in range 10 to 600000"},
  };
  for (const auto& c : cases) {
    Ran r = Vigil(c.args);
    EXPECT_EQ(r.exit_code, 2) << "vigil " << c.args;
    EXPECT_NE(r.err.find(c.says), std::string::npos) << "vigil " << c.args << " said: " << r.err;
    if (!c.args.empty()) {
      EXPECT_EQ(Lines(r.err), 1) << "vigil " << c.args << " said: " << r.err;
    }
    EXPECT_TRUE(r.out.empty()) << "vigil " << c.args;
  }
}

TEST_F(CliTest, SimulatePrintsPlacementThenActionsThenScores) {
  const std::string cib = tmp / "cib.xml";
  testing::WriteFile(cib, R"(<cib epoch="1" have-quorum="1"><configuration><crm_config>
<cluster_property_set id="o"><nvpair id="s" name="stonith-enabled" value="false"/></cluster_property_set>
</crm_config><nodes><node id="1" uname="node1"/><node id="2" uname="node2"/></nodes><resources>
<primitive id="web" class="ocf" provider="heartbeat" type="Dummy"/>
<primitive id="db" class="ocf" provider="heartbeat" type="Dummy"/></resources>
<constraints><rsc_location id="l" rsc="db" node="node1" score="-INFINITY"/>
<rsc_colocation id="c" rsc="web" with-rsc="db" score="INFINITY"/></constraints></configuration>
<status><node_state id="1" uname="node1" in_ccm="true" crmd="online" join="member" expected="member"/>
<node_state id="2" uname="node2" in_ccm="true" crmd="online" join="member" expected="member"/></status></cib>)");
  const Ran r = Vigil("simulate " + cib + " --scores");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out,
            "db\tnode2\nweb\tnode2\n\nStart web (node2)\nStart db (node2)\n\n"
            "db allocation score on node1: -INFINITY\ndb allocation score on node2: 0\n"
            "web allocation score on node1: -INFINITY\nweb allocation score on node2: 0\n");
}

TEST_F(CliTest, SimulateRefusesABadFileWithOneLine) {
  const std::string cib = tmp / "bad.xml";
  testing::WriteFile(cib, "<cib epoch=\"1\"><configuration><resources>\n<group id=\"g\"/></resources></configuration></cib>");
  const Ran r = Vigil("simulate " + cib);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(r.out.empty()) << r.out;
  EXPECT_EQ(Lines(r.err), 1) << r.err;
  EXPECT_NE(r.err.find("bad.xml:2:1: <group id=\"g\">"), std::string::npos) << r.err;
  EXPECT_EQ(Vigil("simulate " + tmp / "missing.xml").exit_code, 1);
  EXPECT_EQ(Vigil("simulate").exit_code, 2);
  EXPECT_EQ(Vigil("simulate a.xml b.xml").exit_code, 2);
  EXPECT_EQ(Vigil("simulate --bogus a.xml").exit_code, 2);
}

TEST_F(CliTest, KeygenWritesAKeyOnceAndReplacesItOnlyWhenForced) {
  const std::string key = tmp / "etc/authkey";
  Ran r = Vigil("keygen -k " + key);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("wrote 256 random bytes to " + key), std::string::npos) << r.out;
  EXPECT_EQ(testing::ReadFile(key).size(), 256u);
  r = Vigil("keygen -k " + key);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(Lines(r.err), 1) << r.err;
  EXPECT_NE(r.err.find("exists; --force replaces it"), std::string::npos);
  r = Vigil("keygen -k " + key + " -l 512 --force");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(testing::ReadFile(key).size(), 512u);
  EXPECT_EQ(Vigil("keygen -k " + key + " -l lots --force").exit_code, 2);
  EXPECT_EQ(Vigil("keygen -k " + key + " -l 8 --force").exit_code, 2);
  EXPECT_EQ(Vigil("keygen --bogus").exit_code, 2);
}

// Without -k the key goes where vigild reading the configuration looks for it: the file's
// keyfile, else beside it (the file need not exist yet); a configuration that does not load is
// said so, and nothing is written.
TEST_F(CliTest, KeygenWritesTheKeyWhereVigildReadingTheConfigurationLooks) {
  const std::string corosync = tmp / "corosync/corosync.conf";
  Ran r = Vigil("keygen -c " + corosync);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("to " + tmp / "corosync/authkey"), std::string::npos) << r.out;
  testing::WriteFile(tmp / "vigil.conf", "totem {\n  keyfile: " + tmp / "keys/cluster.key" + "\n}\n");
  r = Vigil("keygen -c " + tmp / "vigil.conf");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(testing::ReadFile(tmp / "keys/cluster.key").size(), 256u);
  testing::WriteFile(tmp / "bad.conf", "totem {\n");
  r = Vigil("keygen -c " + tmp / "bad.conf");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("cannot tell where vigild looks for the key: "), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(tmp / "authkey"));
  EXPECT_EQ(Vigil("keygen -k " + tmp / "a" + " -c " + tmp / "vigil.conf").exit_code, 2);
}

// Every command says its version, and every subcommand its usage, on stdout with exit 0.
TEST_F(CliTest, EveryCommandAnswersVersionAndEverySubcommandHelp) {
  const Ran version = Vigil("--version");
  EXPECT_EQ(version.exit_code, 0);
  EXPECT_EQ(version.out, "vigil " VIGIL_VERSION "\n");
  for (const std::string program : {VIGILD_BINARY, CRM_BINARY}) {
    const std::string out = (tmp / "v");
    ASSERT_EQ(std::system((program + " --version >" + out).c_str()), 0) << program;
    EXPECT_NE(testing::ReadFile(out).find(VIGIL_VERSION), std::string::npos) << program;
  }
  // vigild's options come from one table: --help lists them, an unknown one is refused in a line.
  const std::string help = tmp / "help";
  ASSERT_EQ(std::system((std::string(VIGILD_BINARY) + " --help >" + help).c_str()), 0);
  for (const char* option : {"-c CONF", "--state-dir DIR", "--run-dir DIR", "--plugin-dir DIR", "--name NAME",
                             "--watchdog-device DEV", "-f ", "-V,--version"}) {
    EXPECT_NE(testing::ReadFile(help).find(option), std::string::npos) << option << "\n" << testing::ReadFile(help);
  }
  const int bogus = std::system((std::string(VIGILD_BINARY) + " --bogus 2>" + help).c_str());
  EXPECT_EQ(WEXITSTATUS(bogus), 2);
  EXPECT_EQ(testing::ReadFile(help), "vigild: unexpected '--bogus' (vigild --help lists the options)\n");
  for (const std::string sub : {"agent", "agent list", "agent meta", "agent run", "agent test", "simulate", "keygen",
                                "status", "demo", "lab-power"}) {
    const Ran r = Vigil(sub + " --help");
    EXPECT_EQ(r.exit_code, 0) << sub << r.err;
    EXPECT_EQ(r.out.rfind("usage: vigil " + sub, 0), 0U) << sub << ": " << r.out;
  }
  // Every option a subcommand takes is in its usage, with its argument (here `agent run`'s).
  const Ran run = Vigil("agent run --help");
  for (const char* option : {"AGENT", "ACTION", "-p,--param NAME=VALUE", "-m,--meta NAME=VALUE", "--resource ID",
                             "--timeout TIME", "--interval TIME", "--check-level N", "--run-dir DIR",
                             "--plugin-dir DIR", "--ocf-root DIR", "-v,--verbose"}) {
    EXPECT_NE(run.out.find(option), std::string::npos) << option << "\n" << run.out;
  }
  // --help anywhere on the line is the subcommand's help, not a value or an agent.
  EXPECT_EQ(Vigil("agent run Dummy start --help").out.rfind("usage: vigil agent run", 0), 0U);
}

// The manual pages keep up with the commands: every option a command's --help lists is named in
// its page (the ronn source the build turns into vigil(8), vigild(8), vigil-crm(8)).
TEST_F(CliTest, EveryOptionInAHelpIsInTheManualPage) {
  const std::filesystem::path man = std::filesystem::path(VIGIL_TEST_SOURCE_DIR) / "../man";
  struct Command {
    std::string help_command;
    std::string page;
  };
  const std::vector<Command> commands = {
      {std::string(VIGILD_BINARY) + " --help", "vigild.8.ronn"}, {std::string(CRM_BINARY) + " --help", "vigil-crm.8.ronn"}};
  std::vector<Command> all = commands;
  for (const char* sub : {"agent list", "agent meta", "agent run", "agent test", "simulate", "keygen", "status", "demo"}) {
    all.push_back({testing::VigilBinary() + " " + sub + " --help", "vigil.8.ronn"});
  }
  for (const auto& c : all) {
    ASSERT_EQ(std::system((c.help_command + " >" + (tmp / "help")).c_str()), 0) << c.help_command;
    const std::string help = testing::ReadFile(tmp / "help");
    const std::string page = testing::ReadFile(man / c.page);
    ASSERT_FALSE(page.empty()) << c.page;
    std::istringstream lines(help.substr(help.find("\nOptions:\n")));
    int options = 0;
    for (std::string line; std::getline(lines, line);) {
      // "  -p,--param NAME=VALUE  text": each name before the first space.
      if (!line.starts_with("  -")) continue;
      std::istringstream names(line.substr(2, line.find(' ', 2) - 2));
      for (std::string name; std::getline(names, name, ',');) {
        ++options;
        if (name == "-h" || name == "--help") continue;
        EXPECT_NE(page.find("`" + name + "`"), std::string::npos) << c.page << " does not name " << name << " ("
                                                                     << c.help_command << ")";
      }
    }
    EXPECT_GT(options, 1) << c.help_command << ":\n" << help;
  }
}

}  // namespace
}  // namespace vigil
