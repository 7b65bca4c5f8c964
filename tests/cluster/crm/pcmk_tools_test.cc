// crm_node, attrd_updater, crm_attribute, crm_master and crm_ticket against a fake vigild: the
// requests they make for the options agents and administrators use, what they print (crm_ticket's
// held to Pacemaker's own), and Pacemaker's exit codes for what is missing, refused or unreachable.
#include <gtest/gtest.h>

#include <sys/wait.h>

#include <algorithm>
#include <cstdio>
#include <optional>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <sstream>

#include "cluster/control/cluster_status.h"
#include "cluster/crm/agents.h"
#include "cluster/crm/pcmk_tools.h"
#include "tests/support/test_util.h"

namespace vigil::crm {
namespace {

// A CIB with two ticket constraints (tickets T and U) and T's state.
const std::string kTicketCib =
    "<cib epoch=\"1\" num_updates=\"0\" admin_epoch=\"0\"><configuration><crm_config/><nodes/><resources>"
    "<primitive id=\"a\" class=\"ocf\" provider=\"pacemaker\" type=\"Dummy\"/></resources><constraints>"
    "<rsc_ticket id=\"a-T\" rsc=\"a\" ticket=\"T\" loss-policy=\"stop\"/><rsc_ticket id=\"a-U\" rsc=\"a\" ticket=\"U\"/>"
    "</constraints></configuration><status><tickets><ticket_state id=\"T\" granted=\"true\" last-granted=\"1700000000\" "
    "standby=\"true\"/></tickets></status></cib>";

class FakeVigild : public Connection {
 public:
  Result<std::string> Ask(const std::string& command, const std::vector<std::string>& args) override {
    std::string line = command;
    for (const auto& a : args) line += " " + a;
    asked.push_back(line);
    if (!up) return Status(StatusCode::kUnavailable, "cannot connect to vigild");
    if (command == "status") {
      control::ClusterStatus s;
      s.self = "node1";
      s.quorate = quorate;
      s.nodes = {{1, "node1", true, false}, {2, "node2", false, false}, {3, "node3", true, false}};
      s.fencing = fencing;
      // A fence asked for ends at the second look after the request.
      if (looks_since_fence >= 0 && ++looks_since_fence == 2 && outcome) {
        fencing.push_back(*std::exchange(outcome, std::nullopt));
        s.fencing = fencing;
      }
      return control::ToXml(s);
    }
    if (command == "node-fence") looks_since_fence = 0;
    if (command == "attr-query") {
      const auto it = transient.find(args[1] + "/" + args[0]);
      if (it == transient.end()) return Status(StatusCode::kInvalidArgument, "attr-query: not set");
      return it->second;
    }
    if (command == "cib-query") return cib;
    return std::string();
  }
  std::vector<std::string> asked;
  std::string cib =
      "<cib epoch=\"1\" num_updates=\"0\" admin_epoch=\"0\"><configuration><crm_config/><nodes>"
      "<node id=\"2\" uname=\"node2\"><instance_attributes id=\"n2\"><nvpair id=\"n2-rack\" name=\"rack\" "
      "value=\"r7\"/></instance_attributes></node></nodes><resources/><constraints/></configuration><status/></cib>";
  std::map<std::string, std::string> transient = {{"node1/pingd", "100"}, {"node3/master-db", "5"}};
  bool up = true;
  bool quorate = true;
  std::vector<control::FenceStatus> fencing;       // the history status shows
  std::optional<control::FenceStatus> outcome;     // what a fence asked for ends in
  int looks_since_fence = -1;  // -1: no fence asked for
};

struct Ran {
  int code;
  std::string out, err;
};

Ran Tool(FakeVigild& v, const std::string& tool, const std::vector<std::string>& args, const std::string& rsc = "") {
  std::ostringstream out, err;
  const int code = RunPacemakerTool(tool, args, rsc, v, nullptr, out, err);
  return {code, out.str(), err.str()};
}

TEST(PacemakerToolsTest, CrmNodeNamesThisNodeTheMembersAndQuorum) {
  FakeVigild v;
  EXPECT_EQ(Tool(v, "crm_node", {"-n"}).out, "node1\n");
  EXPECT_EQ(Tool(v, "crm_node", {"--cluster-id"}).out, "1\n");
  EXPECT_EQ(Tool(v, "crm_node", {"-p"}).out, "node1 node3\n");
  EXPECT_EQ(Tool(v, "crm_node", {"-l"}).out, "1 node1 member\n2 node2 lost\n3 node3 member\n");
  EXPECT_EQ(Tool(v, "crm_node", {"-N", "3"}).out, "node3\n");
  EXPECT_EQ(Tool(v, "crm_node", {"-N", "9"}).code, 105);
  const Ran q = Tool(v, "crm_node", {"-q"});
  EXPECT_EQ(q.out, "1\n");
  EXPECT_EQ(q.code, 0);
  v.quorate = false;
  EXPECT_EQ(Tool(v, "crm_node", {"-q"}).out, "0\n");
  EXPECT_EQ(Tool(v, "crm_node", {"-R", "node2"}).code, 64);
  EXPECT_EQ(Tool(v, "crm_node", {}).code, 64);
}

TEST(PacemakerToolsTest, AttrdUpdaterSetsQueriesAndDeletesThisNodesTransientAttributes) {
  FakeVigild v;
  // ocf:pacemaker:ping's two forms.
  EXPECT_EQ(Tool(v, "attrd_updater", {"-n", "pingd", "-B", "200", "-d", "5s"}).code, 0);
  EXPECT_EQ(Tool(v, "attrd_updater", {"-n", "pingd", "-v", "300", "-d", "5s"}).code, 0);
  EXPECT_EQ(Tool(v, "attrd_updater", {"-D", "-n", "pingd", "-d", "5s"}).code, 0);
  EXPECT_EQ(Tool(v, "attrd_updater", {"--name=pingd", "--update=7"}).code, 0);
  EXPECT_EQ(v.asked, (std::vector<std::string>{"attr-update pingd 200", "attr-update pingd 300", "attr-update pingd",
                                               "attr-update pingd 7"}));
  const Ran q = Tool(v, "attrd_updater", {"-Q", "-n", "pingd"});
  EXPECT_EQ(q.out, "name=\"pingd\" host=\"node1\" value=\"100\"\n");
  EXPECT_EQ(Tool(v, "attrd_updater", {"-Q", "-n", "master-db", "-N", "node3"}).out,
            "name=\"master-db\" host=\"node3\" value=\"5\"\n");
  // Pacemaker's attrd_updater exits CRM_EX_CONFIG (78) for a query of nothing.
  EXPECT_EQ(Tool(v, "attrd_updater", {"-Q", "-n", "nosuch"}).code, 78);
  // What Vigil does not do is refused by name, not ignored: a set, private attributes, dampening alone.
  for (const char* option : {"-s", "-p", "-Y"}) {
    const auto refused = Tool(v, "attrd_updater", {"-n", "x", "-U", "1", option, "set1"});
    EXPECT_EQ(refused.code, 64) << option;
    EXPECT_NE(refused.err.find(std::string(option) + " is not supported by Vigil"), std::string::npos) << refused.err;
  }
  EXPECT_EQ(Tool(v, "attrd_updater", {"-U", "1"}).code, 64);                       // no name
  EXPECT_EQ(Tool(v, "attrd_updater", {"-n", "x", "-U", "1", "-N", "node2"}).code, 64);  // another node's
  EXPECT_EQ(Tool(v, "attrd_updater", {"-n", "x", "-R"}).code, 64);                  // refused by name
  EXPECT_NE(Tool(v, "attrd_updater", {"-n", "x", "-R"}).err.find("-R is not supported by Vigil"), std::string::npos);
  v.up = false;
  EXPECT_EQ(Tool(v, "attrd_updater", {"-n", "x", "-U", "1"}).code, 69);
}

// --help lists exactly the options each tool takes (those its parser asks about), --version says
// whose tool it is; both leave vigild alone (it is down here).
TEST(PacemakerToolsTest, EveryToolAnswersHelpAndVersion) {
  FakeVigild v;
  v.up = false;
  for (const char* tool : {"crm_node", "attrd_updater", "crm_attribute", "crm_master", "crm_ticket", "stonith_admin"}) {
    const auto help = Tool(v, tool, {"--help"});
    EXPECT_EQ(help.code, 0) << tool << help.err;
    EXPECT_EQ(help.out.rfind(std::string("usage: ") + tool + " [OPTION]...\n", 0), 0U) << help.out;
    const auto version = Tool(v, tool, {"--version"});
    EXPECT_EQ(version.code, 0) << tool;
    EXPECT_EQ(version.out, std::string(tool) + " (Vigil " VIGIL_VERSION ", after Pacemaker 2.1)\n");
  }
  const std::string node = Tool(v, "crm_node", {"-?"}).out;
  EXPECT_NE(node.find("\n  -n, --name\n"), std::string::npos) << node;
  EXPECT_NE(node.find("\n  -N, --name-for-id VALUE\n"), std::string::npos) << node;
  const std::string stonith = Tool(v, "stonith_admin", {"--help"}).out;
  EXPECT_NE(stonith.find("\n  -B, --reboot VALUE\n"), std::string::npos) << stonith;
  // Past other options too, and an unknown one still names the way to the list.
  EXPECT_EQ(Tool(v, "crm_node", {"-n", "--help"}).code, 0);
  EXPECT_NE(Tool(v, "crm_node", {"--bogus"}).err.find("--bogus is not supported by Vigil (--help lists those it takes)"),
            std::string::npos);
}

TEST(PacemakerToolsTest, CrmAttributeAndCrmMasterSetThePromotionScoreAndNodeAttributes) {
  FakeVigild v;
  // Stateful's and ocf-shellfuncs' calls, from instance db:1.
  EXPECT_EQ(Tool(v, "crm_attribute", {"--promotion", "-v", "10"}, "db:1").code, 0);
  EXPECT_EQ(Tool(v, "crm_attribute", {"-p", "-v", "5"}, "db:1").code, 0);
  EXPECT_EQ(Tool(v, "crm_master", {"-l", "reboot", "-v", "3"}, "db:1").code, 0);
  EXPECT_EQ(Tool(v, "crm_attribute", {"--promotion", "-D"}, "db:1").code, 0);
  EXPECT_EQ(Tool(v, "crm_attribute", {"--promotion=web", "-v", "1"}).code, 0);
  // Permanent: a node attribute in the configuration.
  EXPECT_EQ(Tool(v, "crm_attribute", {"-N", "node2", "-n", "rack", "-v", "r8", "-l", "forever"}).code, 0);
  EXPECT_EQ(Tool(v, "crm_attribute", {"-t", "nodes", "-N", "node2", "-n", "rack", "-D"}).code, 0);
  std::vector<std::string> sets;
  for (const auto& a : v.asked) {
    if (a.rfind("attr-update", 0) == 0 || a.rfind("node-attribute", 0) == 0) sets.push_back(a);
  }
  EXPECT_EQ(sets, (std::vector<std::string>{"attr-update master-db 10", "attr-update master-db 5",
                                            "attr-update master-db 3", "attr-update master-db",
                                            "attr-update master-web 1", "node-attribute node2 rack r8",
                                            "node-attribute node2 rack"}));
  // Queries.
  EXPECT_EQ(Tool(v, "crm_attribute", {"-N", "node2", "-n", "rack", "-G", "-q"}).out, "r7\n");
  EXPECT_EQ(Tool(v, "crm_attribute", {"-N", "node3", "-l", "reboot", "-n", "master-db", "-G"}).out,
            "scope=status  name=master-db value=5\n");
  const Ran missing = Tool(v, "crm_attribute", {"-N", "node2", "-n", "nosuch", "-G"});
  EXPECT_EQ(missing.code, 105);
  EXPECT_EQ(Tool(v, "crm_attribute", {"-N", "node2", "-n", "nosuch", "-G", "-q", "-d", "0"}).out, "0\n");
  // Refused, and why.
  EXPECT_EQ(Tool(v, "crm_attribute", {"--promotion", "-v", "1"}).code, 64);  // no resource at all
  EXPECT_EQ(Tool(v, "crm_attribute", {"-N", "node2", "-l", "reboot", "-n", "x", "-v", "1"}).code, 64);
  EXPECT_EQ(Tool(v, "crm_attribute", {"-z", "-N", "node2", "-n", "cpu", "-v", "2"}).code, 64);
  EXPECT_EQ(Tool(v, "crm_attribute", {"-N", "node2", "-n", "rack", "-v", "r8", "-l", "forever", "-s", "set1"}).code, 64);
  EXPECT_EQ(Tool(v, "crm_attribute", {"-N", "node2", "-n", "rack", "-v", "r8", "-l", "forever", "-i", "id1"}).code, 64);
  EXPECT_EQ(Tool(v, "cibadmin", {"-Q"}).code, 64);
}

}  // namespace
}  // namespace vigil::crm

namespace vigil::crm {
namespace {

// crm_ticket against the fake vigild: what it lists (every ticket with a state and every one a
// constraint names), how grant and revoke need --force, and the requests it makes.
TEST(PacemakerToolsTest, CrmTicketListsGrantsAndRevokes) {
  setenv("TZ", "UTC", 1);
  tzset();
  FakeVigild v;
  v.cib = kTicketCib;
  auto list = Tool(v, "crm_ticket", {"-l"});
  EXPECT_EQ(list.code, 0);
  EXPECT_EQ(list.out, "T\tgranted [standby] last-granted='Tue Nov 14 22:13:20 2023'\nU\trevoked          \n");
  EXPECT_EQ(Tool(v, "crm_ticket", {"-w"}).out, "T\nU\n");
  EXPECT_EQ(Tool(v, "crm_ticket", {"-t", "T", "-L"}).out,
            "T\tgranted [standby] (granted=true, last-granted='Tue Nov 14 22:13:20 2023', standby=true)\n");
  EXPECT_EQ(Tool(v, "crm_ticket", {"-t", "X", "-l"}).code, 105);
  EXPECT_EQ(Tool(v, "crm_ticket", {"-t", "T", "-G", "granted"}).out, "true\n");
  EXPECT_EQ(Tool(v, "crm_ticket", {"-t", "U", "-G", "granted"}).code, 105);
  EXPECT_EQ(Tool(v, "crm_ticket", {"-t", "U", "-G", "granted", "-d", "false"}).out, "false\n");
  EXPECT_EQ(Tool(v, "crm_ticket", {"-t", "T", "-q"}).out,
            "State XML:\n\n<ticket_state id=\"T\" granted=\"true\" last-granted=\"1700000000\" standby=\"true\"/>\n");
  EXPECT_EQ(Tool(v, "crm_ticket", {"-t", "U", "-q"}).code, 105);
  EXPECT_EQ(Tool(v, "crm_ticket", {"-t", "U", "-c"}).out,
            "Constraints XML:\n\n<rsc_ticket id=\"a-U\" rsc=\"a\" ticket=\"U\"/>\n");
  EXPECT_NE(Tool(v, "crm_ticket", {"-c"}).out.find("<xpath-query>\n  <rsc_ticket id=\"a-T\""), std::string::npos);

  // Without --force a grant or a revoke says what it risks and changes nothing.
  v.asked.clear();
  const auto refused = Tool(v, "crm_ticket", {"-t", "U", "-g"});
  EXPECT_EQ(refused.code, 4);
  EXPECT_NE(refused.out.find("--force"), std::string::npos);
  EXPECT_EQ(Tool(v, "crm_ticket", {"-t", "T", "-r"}).code, 4);
  EXPECT_EQ(Tool(v, "crm_ticket", {"-t", "T", "-D", "granted"}).code, 4);
  EXPECT_EQ(Tool(v, "crm_ticket", {"-t", "T", "-C"}).code, 4);  // granted: cleaning it up revokes it
  for (const auto& a : v.asked) EXPECT_EQ(a, "cib-query");
  v.asked.clear();
  EXPECT_EQ(Tool(v, "crm_ticket", {"-t", "U", "-g", "--force"}).code, 0);
  EXPECT_EQ(Tool(v, "crm_ticket", {"--ticket=T", "-r", "-f"}).code, 0);
  EXPECT_EQ(Tool(v, "crm_ticket", {"-t", "T", "-a"}).code, 0);
  EXPECT_EQ(Tool(v, "crm_ticket", {"-t", "T", "-S", "owner", "-v", "site-b"}).code, 0);
  EXPECT_EQ(Tool(v, "crm_ticket", {"-t", "T", "-D", "owner"}).code, 0);
  EXPECT_EQ(Tool(v, "crm_ticket", {"-t", "U", "-C"}).code, 0);  // not granted: no force needed
  const std::vector<std::string> want = {
      "cib-query", "ticket-update U granted=true",   "cib-query", "ticket-update T granted=false",
      "cib-query", "ticket-update T standby=false",  "cib-query", "ticket-update T owner=site-b",
      "cib-query", "ticket-update T -owner",         "cib-query", "ticket-delete U"};
  EXPECT_EQ(v.asked, want);

  // Usage errors: no command, no ticket, -S without a value, an option Vigil does not take.
  EXPECT_EQ(Tool(v, "crm_ticket", {}).code, 64);
  EXPECT_EQ(Tool(v, "crm_ticket", {"-g", "--force"}).code, 64);
  EXPECT_EQ(Tool(v, "crm_ticket", {"-t", "T", "-S", "owner"}).code, 64);
  EXPECT_EQ(Tool(v, "crm_ticket", {"-t", "T", "-l", "-n", "set"}).code, 64);
  EXPECT_EQ(Tool(v, "crm_ticket", {"-t", "T", "-l", "-g", "--force"}).code, 64);  // a query and a change
  EXPECT_EQ(Tool(v, "crm_ticket", {"-t", "T", "-G", "granted", "-C"}).code, 64);  // two commands
  v.up = false;
  EXPECT_EQ(Tool(v, "crm_ticket", {"-l"}).code, 69);
}

// What crm_ticket prints of a CIB is what Pacemaker's crm_ticket prints of the same file (run on
// it with CIB_file): the list, the raw list, an attribute, the state and the constraints.
TEST(PacemakerToolsTest, CrmTicketPrintsWhatPacemakersPrints) {
  ASSERT_EQ(std::system("command -v crm_ticket > /dev/null"), 0)
      << "this test needs Pacemaker's crm_ticket as its oracle (pacemaker-cli-utils; scripts/deps.sh installs it)";
  setenv("TZ", "UTC", 1);
  tzset();
  const std::string file = ::testing::TempDir() + "/tickets-cib.xml";
  {
    std::ofstream out(file);
    out << "<cib validate-with=\"pacemaker-3.9\" epoch=\"1\" num_updates=\"0\" admin_epoch=\"0\"><configuration>"
           "<crm_config/><nodes/><resources><primitive id=\"a\" class=\"ocf\" provider=\"pacemaker\" type=\"Dummy\"/>"
           "</resources><constraints><rsc_ticket id=\"a-T\" rsc=\"a\" ticket=\"T\" loss-policy=\"stop\"/>"
           "<rsc_ticket id=\"a-U\" rsc=\"a\" ticket=\"U\"/></constraints></configuration><status><tickets>"
           "<ticket_state id=\"T\" granted=\"true\" last-granted=\"1700000000\" standby=\"true\"/></tickets></status></cib>";
  }
  FakeVigild v;
  std::ifstream in(file);
  v.cib.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"-l"}, {"-w"}, {"-t", "T", "-l"}, {"-t", "T", "-G", "last-granted"}, {"-t", "T", "-q"},
        {"-t", "U", "-c"}, {"-c"}, {"-t", "U", "-G", "granted", "-d", "no"}}) {
    std::string command = "TZ=UTC CIB_file=" + file + " crm_ticket";
    for (const auto& a : args) command += " " + a;
    FILE* pipe = popen((command + " 2>/dev/null").c_str(), "r");
    ASSERT_NE(pipe, nullptr);
    std::string theirs;
    char buffer[4096];
    for (size_t n; (n = fread(buffer, 1, sizeof buffer, pipe)) > 0;) theirs.append(buffer, n);
    const int status = pclose(pipe);
    const auto ours = Tool(v, "crm_ticket", args);
    EXPECT_EQ(ours.out, theirs) << command;
    EXPECT_EQ(ours.code, WEXITSTATUS(status)) << command;
  }
}


// stonith_admin asks the DC to fence and waits for the outcome in the history; -H shows it as
// Pacemaker's stonith_admin does, -L the devices.
TEST(StonithAdminTest, FencesWaitsForTheOutcomeAndShowsTheHistory) {
  ::setenv("TZ", "UTC", 1);
  ::tzset();
  FakeVigild vigild;
  std::ostringstream out, err;
  int pauses = 0;
  auto pause = [&] { ++pauses; };
  vigild.outcome = control::FenceStatus{"node2", "reboot", "successful", "node3", "stonith_admin", "node1", "f2", "", 1700000000};
  EXPECT_EQ(StonithAdmin({"-B", "node2"}, vigild, nullptr, out, err, pause), 0) << err.str();
  EXPECT_NE(std::find(vigild.asked.begin(), vigild.asked.end(), "node-fence node2 reboot stonith_admin"), vigild.asked.end());
  EXPECT_GE(pauses, 1);
  // A failed one: its reason, exit 1.
  vigild.outcome = control::FenceStatus{"node2", "off", "failed", "node3", "stonith_admin", "node1", "", "f2: BMC unreachable", 1700000100};
  EXPECT_EQ(StonithAdmin({"--fence=node2"}, vigild, nullptr, out, err, pause), 1);
  EXPECT_EQ(err.str(), "stonith_admin: Couldn't fence node2: f2: BMC unreachable\n");
  // None within the timeout.
  err.str("");
  EXPECT_EQ(StonithAdmin({"-F", "node2", "-t", "1"}, vigild, nullptr, out, err, pause), 1);
  EXPECT_NE(err.str().find("no outcome within 1 s"), std::string::npos) << err.str();
  out.str("");
  EXPECT_EQ(StonithAdmin({"-H", "node2"}, vigild, nullptr, out, err, pause), 0);
  EXPECT_EQ(out.str(), "reboot of node2 successful: delegate=node3, client=stonith_admin, origin=node1, "
                       "last-successful='2023-11-14 22:13:20Z'\n1 event found\n");
  out.str("");
  EXPECT_EQ(StonithAdmin({"-H", "*", "-V"}, vigild, nullptr, out, err, pause), 0);
  EXPECT_EQ(out.str(), "reboot of node2 successful: delegate=node3, client=stonith_admin, origin=node1, "
                       "completed='2023-11-14 22:13:20Z'\n"
                       "off of node2 failed (f2: BMC unreachable): delegate=node3, client=stonith_admin, origin=node1, "
                       "completed='2023-11-14 22:15:00Z'\n2 events found\n");
  vigild.cib = kTicketCib;
  vigild.cib.insert(vigild.cib.find("</resources>"), "<primitive id=\"f1\" class=\"stonith\" type=\"fence_ipmilan\"/>");
  out.str("");
  EXPECT_EQ(StonithAdmin({"-L"}, vigild, nullptr, out, err, pause), 0);
  EXPECT_EQ(out.str(), "f1\n1 fence device found\n");
  err.str("");
  EXPECT_EQ(StonithAdmin({"--list-targets"}, vigild, nullptr, out, err, pause), 64);
  EXPECT_NE(err.str().find("the option --list-targets is not supported by Vigil"), std::string::npos);
  EXPECT_EQ(StonithAdmin({"-B", "node2", "-C", "node2"}, vigild, nullptr, out, err, pause), 64);
}

// --list NODE, --list-installed and --metadata with this host's agents: the real fence_dummy
// (fence-agents), which has no list action, so a device of it without host parameters is asked
// its status (off still means it reaches the node).
TEST(StonithAdminTest, ListsTheDevicesThatCanFenceANodeTheInstalledAgentsAndAnAgentsMetaData) {
  ASSERT_TRUE(std::filesystem::exists("/usr/sbin/fence_dummy")) << "fence-agents is not installed (scripts/deps.sh installs it)";
  const auto agents = HostAgents(vigil::testing::RealPluginDir(), vigil::testing::FixtureOcfRoot());
  FakeVigild vigild;
  vigild.cib = kTicketCib;
  vigild.cib.insert(vigild.cib.find("</resources>"),
                    "<primitive id=\"f1\" class=\"stonith\" type=\"fence_dummy\"><instance_attributes id=\"f1-i\">"
                    "<nvpair id=\"f1-t\" name=\"type\" value=\"file\"/><nvpair id=\"f1-l\" name=\"pcmk_host_list\" value=\"node2\"/>"
                    "</instance_attributes></primitive>"
                    "<primitive id=\"f2\" class=\"stonith\" type=\"fence_dummy\"><instance_attributes id=\"f2-i\">"
                    "<nvpair id=\"f2-t\" name=\"type\" value=\"file\"/></instance_attributes></primitive>"
                    "<primitive id=\"f3\" class=\"stonith\" type=\"fence_dummy\"><instance_attributes id=\"f3-i\">"
                    "<nvpair id=\"f3-t\" name=\"type\" value=\"file\"/></instance_attributes><meta_attributes id=\"f3-m\">"
                    "<nvpair id=\"f3-r\" name=\"target-role\" value=\"Stopped\"/></meta_attributes></primitive>");
  // A device whose agent is not installed is left out, and said so.
  vigild.cib.insert(vigild.cib.find("</resources>"), "<primitive id=\"f4\" class=\"stonith\" type=\"fence_nowhere\"/>");
  std::ostringstream out, err;
  auto pause = [] {};
  EXPECT_EQ(StonithAdmin({"-l", "node1"}, vigild, agents.get(), out, err, pause), 0) << err.str();
  EXPECT_EQ(out.str(), "f2\n1 fence device found\n");
  EXPECT_NE(err.str().find("stonith_admin: f4 is left out: "), std::string::npos) << err.str();
  out.str("");
  EXPECT_EQ(StonithAdmin({"--list=node2"}, vigild, agents.get(), out, err, pause), 0) << err.str();
  EXPECT_EQ(out.str(), "f1\nf2\n2 fence devices found\n");
  out.str("");
  EXPECT_EQ(StonithAdmin({"-I"}, vigild, agents.get(), out, err, pause), 0) << err.str();
  EXPECT_NE(out.str().find("\nfence_dummy\n"), std::string::npos) << out.str();
  EXPECT_NE(out.str().find(" fence devices found\n"), std::string::npos) << out.str();
  out.str("");
  EXPECT_EQ(StonithAdmin({"-M", "-a", "fence_dummy"}, vigild, agents.get(), out, err, pause), 0) << err.str();
  EXPECT_NE(out.str().find("<resource-agent name=\"fence_dummy\""), std::string::npos) << out.str();
  err.str("");
  EXPECT_EQ(StonithAdmin({"--metadata"}, vigild, agents.get(), out, err, pause), 64);
  EXPECT_EQ(err.str(), "stonith_admin: --metadata needs the agent: -a AGENT (such as fence_ipmilan)\n");
}

}  // namespace
}  // namespace vigil::crm
