// vigild as a user starts it, on the loopback address (no root, no namespace): it refuses a
// missing, mis-sized or readable authkey and a wrong configuration with one line and exit 1, and
// a second daemon on the same run directory; a one-node cluster elects itself, answers
// `vigil status` in crm_mon's layout, refuses malformed requests without harm, and its
// incarnation grows across restarts.
#include <gtest/gtest.h>

#include <random>

#include "cluster/cib/cib.h"
#include "cluster/config/authkey.h"
#include "cluster/daemon/incarnation.h"
#include "tests/support/free_port.h"
#include "tests/support/shell.h"
#include "tests/support/vigild_process.h"

namespace vigil::testing {
namespace {


class VigildTest : public ::testing::Test {
 protected:
  void SetUp() override {
    key_ = (dir_ / "authkey").string();
    ASSERT_TRUE(config::WriteAuthkey(key_, 256, false).ok());
    WriteConf(Conf());
  }

  std::string Conf() const {
    return "totem {\n  cluster_name: solo\n  keyfile: " + key_ +
           "\n  interface {\n    ringnumber: 0\n    bindnetaddr: 127.0.0.0\n    mcastport: " +
           std::to_string(port_) +
           "\n  }\n}\nnodelist {\n  node {\n    ring0_addr: 127.0.0.1\n    nodeid: 1\n    name: solo1\n  }\n}\n"
           "logging {\n  to_syslog: no\n  to_logfile: yes\n  logfile: " + (dir_ / "vigild.log").string() + "\n}\n";
  }
  void WriteConf(const std::string& text) { WriteFile(dir_ / "conf", text); }

  // Starts vigild and expects it to refuse with exit 1 and a message containing `expected`.
  void ExpectRefusal(const std::string& expected) {
    VigildProcess p(dir_);
    ASSERT_TRUE(p.Start());
    const auto code = p.Exited();
    ASSERT_TRUE(code.has_value()) << "vigild did not refuse to start:\n" << p.log();
    EXPECT_EQ(*code, 1);
    const std::string log = p.log();
    EXPECT_NE(log.find(expected), std::string::npos) << log;
    EXPECT_EQ(log.find("starting: node"), std::string::npos) << log;
  }

  TempDir tmp_;
  std::filesystem::path dir_ = tmp_.path();
  std::string key_;
  uint16_t port_ = FreeUdpPort();
};

TEST_F(VigildTest, RefusesAMissingKey) {
  std::filesystem::remove(key_);
  ExpectRefusal(key_);
}

TEST_F(VigildTest, RefusesAKeyOthersCanRead) {
  ::chmod(key_.c_str(), 0644);
  ExpectRefusal(key_);
}

TEST_F(VigildTest, RefusesAKeyOfTheWrongSize) {
  std::filesystem::remove(key_);
  WriteFile(key_, "short", 0400);
  ExpectRefusal(key_);
}

TEST_F(VigildTest, RefusesAWrongValueWithFileAndLine) {
  WriteConf("totem {\n  token: soon\n}\n");
  ExpectRefusal((dir_ / "conf").string() + ":2");
}

TEST_F(VigildTest, RefusesAnAddressThatIsNotLocal) {
  std::string conf = Conf();
  conf.replace(conf.find("ring0_addr: 127.0.0.1"), 21, "ring0_addr: 192.0.2.1");
  WriteConf(conf);
  ExpectRefusal("no nodelist entry has a local ring0_addr");
}

TEST_F(VigildTest, ElectsItselfAndAnswersStatusInCrmMonsLayout) {
  VigildProcess p(dir_);
  ASSERT_TRUE(p.Start());
  ASSERT_TRUE(WaitFor([&] { return p.Dc() == "solo1"; })) << p.log();
  const CommandResult status = Sh(std::string(VIGIL_BINARY) + " status --run-dir " + p.run_dir().string());
  EXPECT_EQ(status.code, 0) << status.out;
  EXPECT_NE(status.out.find("Cluster Summary:\n  * Stack: vigil\n  * Current DC: solo1 (version "), std::string::npos)
      << status.out;
  EXPECT_NE(status.out.find(") - partition with quorum\n"), std::string::npos) << status.out;
  EXPECT_NE(status.out.find("Node List:\n  * Online: [ solo1 ]\n"), std::string::npos) << status.out;
  // The environment variable finds the daemon too, and --verbose adds the counters.
  const CommandResult verbose =
      Sh("VIGIL_RUN_DIR=" + p.run_dir().string() + " " + std::string(VIGIL_BINARY) + " status --verbose");
  EXPECT_NE(verbose.out.find("  * dropped bad-mac: 0\n"), std::string::npos) << verbose.out;
  EXPECT_NE(verbose.out.find("  * Votes: 1 of 1 expected, 1 needed\n"), std::string::npos) << verbose.out;
  // The logfile of the configuration has every change in one line.
  const std::string log = ReadFile(dir_ / "vigild.log");
  EXPECT_NE(log.find("info: this node is the DC, term 1"), std::string::npos) << log;
  EXPECT_EQ(p.Kill(SIGTERM), 0);
}

TEST_F(VigildTest, BadRequestsGetAnErrorAndChangeNothing) {
  VigildProcess p(dir_);
  ASSERT_TRUE(p.Start());
  ASSERT_TRUE(WaitFor([&] { return p.Dc() == "solo1"; })) << p.log();
  const auto socket = control::SocketPath(p.run_dir());
  auto unknown = control::Call(socket, {"reboot", {}});
  ASSERT_TRUE(unknown.ok());
  EXPECT_FALSE(unknown->ok);
  EXPECT_EQ(unknown->body,
            "unknown command 'reboot' (this vigild answers: status, cib-query, cib-replace, cib-replace-section, "
            "node-standby, node-online, resource-start, resource-stop, resource-move, resource-unmove, "
            "resource-cleanup, attr-update, attr-query, node-attribute, ticket-update, ticket-delete, node-fence)");
  auto extra = control::Call(socket, {"status", {"--all"}});
  ASSERT_TRUE(extra.ok());
  EXPECT_FALSE(extra->ok);
  EXPECT_EQ(extra->body, "status takes no arguments");
  // The attribute requests: refused when malformed, a transient attribute set, read and removed.
  for (const auto& [request, error] : std::vector<std::pair<control::Request, std::string>>{
           {{"attr-update", {}}, "attr-update takes a name and, to set it, a value"},
           {{"attr-update", {"a=b", "1"}}, "attr-update: 'a=b' is not an attribute name"},
           {{"attr-query", {"pingd"}}, "attr-query: pingd is not set on solo1"},
           {{"node-attribute", {"solo9", "rack", "1"}}, "node-attribute: "},
           {{"node-attribute", {"solo1"}}, "node-attribute takes a node, a name and, to set it, a value"},
           {{"node-fence", {"solo1", "shoot", "me"}}, "node-fence takes a node name, reboot, off, on, confirm or default, and who asks"},
           {{"node-fence", {"solo9", "reboot", "me"}}, "node-fence: no node 'solo9' in this cluster"},
       }) {
    auto r = control::Call(socket, request);
    ASSERT_TRUE(r.ok());
    EXPECT_FALSE(r->ok) << request.command;
    EXPECT_EQ(r->body.rfind(error, 0), 0u) << r->body;
  }
  auto set = control::Call(socket, {"attr-update", {"pingd", "100"}});
  ASSERT_TRUE(set.ok() && set->ok);
  auto got = control::Call(socket, {"attr-query", {"pingd"}});
  ASSERT_TRUE(got.ok());
  EXPECT_TRUE(got->ok);
  EXPECT_EQ(got->body, "100");
  ASSERT_TRUE(control::Call(socket, {"attr-update", {"pingd"}}).ok());
  EXPECT_FALSE(control::Call(socket, {"attr-query", {"pingd"}})->ok);
  EXPECT_EQ(p.Dc(), "solo1");
}

TEST_F(VigildTest, ASecondDaemonOnTheSameRunDirectoryIsRefused) {
  VigildProcess first(dir_);
  ASSERT_TRUE(first.Start());
  ASSERT_TRUE(WaitFor([&] { return first.Dc() == "solo1"; })) << first.log();
  const CommandResult second =
      Sh(std::string(VIGILD_BINARY) + " -f -c " + (dir_ / "conf").string() + " --state-dir " +
         (dir_ / "state").string() + " --run-dir " + first.run_dir().string());
  EXPECT_EQ(second.code, 1);
  EXPECT_NE(second.out.find("another vigild (pid " + std::to_string(first.pid()) + ") runs with the run directory"),
            std::string::npos)
      << second.out;
  EXPECT_EQ(first.Dc(), "solo1");  // untouched: its socket still answers
  EXPECT_EQ(ReadFile(first.run_dir() / "vigild.pid"), std::to_string(first.pid()) + "\n");
}

TEST_F(VigildTest, DetachesWithoutDashFAndWritesItsPid) {
  const auto run = dir_ / "run";
  const CommandResult start = Sh(std::string(VIGILD_BINARY) + " -c " + (dir_ / "conf").string() + " --state-dir " +
                                 (dir_ / "state").string() + " --run-dir " + run.string());
  ASSERT_EQ(start.code, 0) << start.out;
  const pid_t pid = std::stoi(ReadFile(run / "vigild.pid"));
  ASSERT_GT(pid, 1);
  EXPECT_TRUE(WaitFor([&] {
    auto r = control::Call(control::SocketPath(run), {"status", {}});
    return r.ok() && r->ok;
  }));
  ::kill(pid, SIGTERM);
  // Emptied, not removed: the lock on it is what tells a live daemon.
  EXPECT_TRUE(WaitFor([&] { return !std::filesystem::exists(run / "vigild.sock") && ReadFile(run / "vigild.pid").empty(); }));
}

TEST_F(VigildTest, StatusWithoutADaemonSaysWhereItLooked) {
  const CommandResult r = Sh(std::string(VIGIL_BINARY) + " status --run-dir " + (dir_ / "nothing").string());
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.out.find("cannot reach vigild at " + (dir_ / "nothing" / "vigild.sock").string()), std::string::npos)
      << r.out;
}

// A whole CIB whose crm_config holds properties p1..pN (pI = I), with the node solo1 (which the DC
// would record again if a change left it out).
std::string CibWithProperties(int n) {
  std::string xml =
      "<cib crm_feature_set=\"3.16.1\" validate-with=\"pacemaker-3.9\" admin_epoch=\"0\" epoch=\"0\" "
      "num_updates=\"0\"><configuration><crm_config><cluster_property_set id=\"cib-bootstrap-options\">";
  for (int i = 1; i <= n; ++i) {
    xml += "<nvpair id=\"opt-p" + std::to_string(i) + "\" name=\"p" + std::to_string(i) + "\" value=\"" +
           std::to_string(i) + "\"/>";
  }
  return xml + "</cluster_property_set></crm_config><nodes><node id=\"1\" uname=\"solo1\"/></nodes><resources/>"
               "<constraints/></configuration><status/></cib>";
}

// How many of p1, p2, ... the CIB holds in a row; -1 if they are not a prefix.
int PrefixLength(const cib::Model& m) {
  int n = 0;
  while (m.properties.count("p" + std::to_string(n + 1))) ++n;
  return static_cast<int>(m.properties.size()) == n ? n : -1;
}

Result<control::Response> CallDaemon(const VigildProcess& p, const std::string& command, std::vector<std::string> args = {}) {
  return control::Call(control::SocketPath(p.run_dir()), {command, std::move(args)});
}

TEST_F(VigildTest, TheCibStartsEmptyAndAChangeTakesTheNextEpochAndSurvivesARestart) {
  auto p = std::make_unique<VigildProcess>(dir_);
  ASSERT_TRUE(p->Start());
  // Empty but for the node, which the DC records when it joins (epoch 1).
  ASSERT_TRUE(WaitFor([&] { return p->Dc() == "solo1" && p->Recorded({"solo1"}); })) << p->log();
  auto joined = p->Cib();
  ASSERT_TRUE(joined.has_value());
  EXPECT_EQ(cib::VersionText(joined->versions), "0:1:0");
  EXPECT_TRUE(joined->primitives.empty() && joined->properties.empty());
  ASSERT_EQ(joined->nodes.size(), 1u);
  EXPECT_EQ(joined->nodes[0].id, "1");
  auto changed = CallDaemon(*p, "cib-replace", {"0:1:0", CibWithProperties(2)});
  ASSERT_TRUE(changed.ok());
  ASSERT_TRUE(changed->ok) << changed->body;
  EXPECT_EQ(changed->body, "0:2:0");
  EXPECT_EQ(p->Kill(SIGTERM), 0);
  p = std::make_unique<VigildProcess>(dir_);
  ASSERT_TRUE(p->Start());
  ASSERT_TRUE(WaitFor([&] { return p->Dc() == "solo1"; })) << p->log();
  auto again = CallDaemon(*p, "cib-query");
  ASSERT_TRUE(again.ok() && again->ok);
  auto reloaded = cib::Cib::Parse(again->body, "query");
  ASSERT_TRUE(reloaded.ok());
  EXPECT_EQ(cib::VersionText(reloaded->model().versions), "0:2:0");
  EXPECT_EQ(PrefixLength(reloaded->model()), 2);
  EXPECT_NE(p->log().find("CIB 0:2:0"), std::string::npos) << p->log();
}

TEST_F(VigildTest, ACibQueryAnswerSentBackIsStoredWithoutItsStatus) {
  VigildProcess p(dir_);
  ASSERT_TRUE(p.Start());
  ASSERT_TRUE(WaitFor([&] { return p.Dc() == "solo1" && p.CibVersion() == "0:1:0"; })) << p.log();
  // The DC's answer carries the live status (solo1's node_state).
  auto query = CallDaemon(p, "cib-query");
  ASSERT_TRUE(query.ok() && query->ok);
  ASSERT_NE(query->body.find("<node_state"), std::string::npos) << query->body;
  ASSERT_TRUE(CallDaemon(p, "cib-replace", {"0:1:0", query->body})->ok);
  const std::string stored = ReadFile(dir_ / "state" / "cib.xml");
  EXPECT_EQ(stored.find("<node_state"), std::string::npos) << stored;
  EXPECT_NE(stored.find("epoch=\"2\""), std::string::npos) << stored;
}

TEST_F(VigildTest, AChangeMadeAgainstAnOlderVersionIsAConflictAndChangesNothing) {
  VigildProcess p(dir_);
  ASSERT_TRUE(p.Start());
  ASSERT_TRUE(WaitFor([&] { return p.Dc() == "solo1" && p.CibVersion() == "0:1:0"; })) << p.log();
  ASSERT_TRUE(CallDaemon(p, "cib-replace", {"0:1:0", CibWithProperties(1)})->ok);
  // A second writer that read version 0:1:0 too.
  auto late = CallDaemon(p, "cib-replace", {"0:1:0", CibWithProperties(3)});
  ASSERT_TRUE(late.ok());
  EXPECT_FALSE(late->ok);
  EXPECT_NE(late->body.find("conflict: the change was made against CIB version 0:1:0, the current one is 0:"),
            std::string::npos)
      << late->body;
  auto now = cib::Cib::Parse(CallDaemon(p, "cib-query")->body, "query");
  ASSERT_TRUE(now.ok());
  EXPECT_EQ(PrefixLength(now->model()), 1);
}

TEST_F(VigildTest, ABadCibChangeGetsAnErrorAndChangesNothing) {
  VigildProcess p(dir_);
  ASSERT_TRUE(p.Start());
  ASSERT_TRUE(WaitFor([&] { return p.Dc() == "solo1" && p.CibVersion() == "0:1:0"; })) << p.log();
  const std::vector<std::pair<std::vector<std::string>, std::string>> bad = {
      {{"0:1:0", "<cib"}, "not well-formed XML"},
      {{"0:1:0", "<cib><configuration><resources><group id=\"g\"/></resources></configuration></cib>"}, "group"},
      {{"zero", CibWithProperties(1)}, "is not a version"},
      {{"0:1:0"}, "cib-replace takes"},
  };
  for (const auto& [args, expected] : bad) {
    auto r = CallDaemon(p, "cib-replace", args);
    ASSERT_TRUE(r.ok());
    EXPECT_FALSE(r->ok);
    EXPECT_NE(r->body.find(expected), std::string::npos) << r->body;
  }
  EXPECT_EQ(p.CibVersion(), "0:1:0");
}

// kill -9 at a random instant of a stream of changes, 100 times: the CIB on disk always loads,
// holds a prefix of the changes, holds every change that was acknowledged, and none that was
// never asked for. (A change saved just before a kill is not acknowledged; the next round goes
// on from it, so more than one such change can lie beyond the last acknowledged one.)
TEST_F(VigildTest, KillNineDuringAStreamOfChangesLeavesAWholePrefix) {
  std::mt19937 rng(20261125);
  int acknowledged = 0;
  int asked = 0;
  for (int round = 0; round < 100; ++round) {
    VigildProcess p(dir_);
    ASSERT_TRUE(p.Start());
    // The node recorded (epoch 1) before the stream: every change after it carries the node.
    ASSERT_TRUE(WaitFor([&] { return p.Recorded({"solo1"}); })) << p.log();
    std::atomic<bool> stop{false};
    std::thread writer([&] {
      while (!stop) {
        auto current = CallDaemon(p, "cib-query");
        if (!current.ok() || !current->ok) return;
        auto parsed = cib::Cib::Parse(current->body, "q");
        if (!parsed.ok()) return;
        const int n = PrefixLength(parsed->model());
        asked = std::max(asked, n + 1);
        auto r = CallDaemon(p, "cib-replace", {cib::VersionText(parsed->model().versions), CibWithProperties(n + 1)});
        if (!r.ok() || !r->ok) return;
        acknowledged = n + 1;
      }
    });
    std::this_thread::sleep_for(std::chrono::microseconds(std::uniform_int_distribution<int>(0, 30000)(rng)));
    p.Kill(SIGKILL);
    stop = true;
    writer.join();
    auto on_disk = cib::Cib::Load(dir_ / "state" / "cib.xml");
    ASSERT_TRUE(on_disk.ok()) << "round " << round << ": " << on_disk.status().message();
    const int n = PrefixLength(on_disk->model());
    ASSERT_GE(n, acknowledged) << "round " << round << ": an acknowledged change was lost";
    ASSERT_LE(n, asked) << "round " << round << ": a change nobody asked for";
    EXPECT_EQ(on_disk->model().versions.epoch, n + 1) << "round " << round;
  }
  EXPECT_GT(acknowledged, 100);  // the stream went on across the kills
}

TEST(IncarnationTest, GrowsAcrossRestartsAndRefusesGarbage) {
  TempDir tmp;
  const std::filesystem::path dir = tmp.path();
  auto first = daemon::NextIncarnation(dir);
  auto second = daemon::NextIncarnation(dir);
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_GT(*second, *first);
  // Ahead of the clock (it went back): still one more.
  WriteFile(dir / "incarnation", "99999999999999999\n");
  auto ahead = daemon::NextIncarnation(dir);
  ASSERT_TRUE(ahead.ok());
  EXPECT_EQ(*ahead, 100000000000000000u);
  WriteFile(dir / "incarnation", "twelve\n");
  auto bad = daemon::NextIncarnation(dir);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("not an incarnation number"), std::string::npos);
}

}  // namespace
}  // namespace vigil::testing
