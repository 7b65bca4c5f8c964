// The real `crm` against a real one-node vigild on loopback (no root): the tutorial's commands as
// typed, one-shot and as an interactive-style script, with their outcomes (the properties in
// `configure show`, the resources started, standby stopping them, online bringing them back),
// and a bad command that leaves the CIB's version where it was.
#include <gtest/gtest.h>
#include <sstream>
#include <filesystem>

#include <pugixml.hpp>

#include "cluster/config/authkey.h"
#include "tests/support/free_port.h"
#include "tests/support/shell.h"
#include "tests/support/vigild_process.h"

namespace vigil::testing {
namespace {

class CrmVigildTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string key = dir_ / "authkey";
    ASSERT_TRUE(config::WriteAuthkey(key, 256, false).ok());
    WriteFile(dir_ / "conf", "totem {\n  cluster_name: solo\n  keyfile: " + key +
                                 "\n  interface {\n    ringnumber: 0\n    bindnetaddr: 127.0.0.0\n    mcastport: " +
                                 std::to_string(FreeUdpPort()) +
                                 "\n  }\n}\nnodelist {\n  node {\n    ring0_addr: 127.0.0.1\n    nodeid: 1\n"
                                 "    name: node1\n  }\n}\n");
    ASSERT_TRUE(vigild_.Start());
    ASSERT_TRUE(WaitFor([&] { return vigild_.Dc() == "node1" && vigild_.Recorded({"node1"}); })) << vigild_.log();
  }

  // `crm ARGS` (or `crm` reading `input`), as a user runs it.
  CommandResult Crm(const std::string& args, const std::string& input = "") {
    std::string command = std::string(CRM_BINARY) + " --run-dir " + vigild_.run_dir().string() + " " + args;
    if (!input.empty()) {
      WriteFile(dir_ / "input", input);
      command += " < " + (dir_ / "input");
    } else {
      command += " < /dev/null";
    }
    return Sh(command);
  }

  // "Started node1", "Stopped", ... as `crm status` lists RSC.
  std::string Where(const std::string& rsc) {
    const std::string status = Crm("status").out;
    const size_t at = status.find("* " + rsc + "\t");
    if (at == std::string::npos) return "";
    const size_t tab = status.find(":\t ", at);
    return status.substr(tab + 3, status.find('\n', tab) - tab - 3);
  }

  std::string Version() {
    auto status = vigild_.Call("cib-query");
    if (!status.ok() || !status->ok) return "";
    const size_t at = status->body.find(" epoch=\"");  // not admin_epoch
    return at == std::string::npos ? "" : status->body.substr(at, status->body.find('"', at + 8) - at);
  }

  TempDir tmp_;
  VigildProcess vigild_{tmp_.path()};
  const TempDir& dir_ = tmp_;
};

TEST_F(CrmVigildTest, TheTutorialsCommandsAsTyped) {
  // Step 12: the node is in the configuration once it has joined.
  EXPECT_EQ(Crm("configure show").out, "node 1: node1\n");
  // Step 13, as an interactive session would type it (standard input is not a terminal: no prompt).
  auto r = Crm("", "configure\nproperty stonith-enabled=false\nproperty no-quorum-policy=ignore\ncommit\nquit\n");
  ASSERT_EQ(r.code, 0) << r.out;
  const std::string shown = Crm("configure show").out;
  EXPECT_NE(shown.find("property cib-bootstrap-options: \\\n\tstonith-enabled=false \\\n\tno-quorum-policy=ignore"),
            std::string::npos)
      << shown;
  // Step 14 (a Dummy stands in for the address: no root here), one-shot.
  r = Crm("configure primitive ip ocf:heartbeat:Dummy op monitor interval=10s");
  ASSERT_EQ(r.code, 0) << r.out;
  ASSERT_TRUE(WaitFor([&] { return Where("ip") == "Started node1"; })) << Crm("status").out;
  // Step 17: a primitive over continued lines.
  r = Crm("", "configure\nprimitive mysql ocf:heartbeat:Dummy \\\n  params state=\"" + (dir_ / "mysql.state") +
                  "\" \\\n  op monitor interval=\"30s\" timeout=\"30s\" \\\n  op start interval=\"0\" timeout=\"120\" "
                  "\\\n  op stop interval=\"0\" timeout=\"120\"\ncommit\nquit\n");
  ASSERT_EQ(r.code, 0) << r.out;
  ASSERT_TRUE(WaitFor([&] { return Where("mysql") == "Started node1"; })) << Crm("status").out;
  // Standby stops both, online brings them back.
  r = Crm("", "node\nstandby\nquit\n");
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("INFO: standby node node1"), std::string::npos) << r.out;
  ASSERT_TRUE(WaitFor([&] { return Where("ip") == "Stopped" && Where("mysql") == "Stopped"; })) << Crm("status").out;
  EXPECT_NE(Crm("status").out.find("* Node node1: standby"), std::string::npos);
  ASSERT_EQ(Crm("", "node\nonline\nquit\n").code, 0);
  ASSERT_TRUE(WaitFor([&] { return Where("ip") == "Started node1" && Where("mysql") == "Started node1"; }));
  // Step 19.
  r = Crm("", "configure\ncolocation ip-mysql inf: ip mysql\ncommit\nquit\n");
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_NE(Crm("configure show ip-mysql").out.find("colocation ip-mysql inf: ip mysql"), std::string::npos);
  EXPECT_EQ(Crm("resource status ip").out, "resource ip is running on: node1\n");
  // crm_mon's XML, as tools read it; and vigil status's.
  for (const std::string& command : {std::string(CRM_BINARY) + " --run-dir " + vigild_.run_dir().string() + " status xml",
                                     std::string(VIGIL_BINARY) + " status --run-dir " + vigild_.run_dir().string() +
                                         " --output-as=xml"}) {
    const auto xml = Sh(command);
    ASSERT_EQ(xml.code, 0) << xml.out;
    pugi::xml_document doc;
    ASSERT_TRUE(doc.load_string(xml.out.c_str())) << xml.out;
    const pugi::xml_node result = doc.child("pacemaker-result");
    EXPECT_STREQ(result.child("summary").child("current_dc").attribute("name").value(), "node1") << xml.out;
    EXPECT_STREQ(result.child("summary").child("current_dc").attribute("with_quorum").value(), "true");
    EXPECT_STREQ(result.select_node("nodes/node[@name='node1']").node().attribute("resources_running").value(), "2");
    const pugi::xml_node ip = result.select_node("resources/resource[@id='ip']").node();
    EXPECT_STREQ(ip.attribute("role").value(), "Started") << xml.out;
    EXPECT_STREQ(ip.child("node").attribute("name").value(), "node1");
  }
  const auto json = Crm("status json");
  EXPECT_EQ(json.code, 0);
  EXPECT_NE(json.out.find("\"resource_agent\": \"ocf:heartbeat:Dummy\""), std::string::npos) << json.out;
}

TEST_F(CrmVigildTest, ABadCommandChangesNothingAndExitsNonZero) {
  // The DC recorded node1 (epoch 1); then the property.
  ASSERT_EQ(Crm("configure property stonith-enabled=false").code, 0);
  const std::string before = Version();
  ASSERT_EQ(before, " epoch=\"2");
  for (const char* bad : {"configure primitive x ocf:heartbeat:Dummy params nosuch=1",
                          "configure primitive x ocf:heartbeat:NoSuchAgent", "configure colocation c inf: x y",
                          "configure property no-quorum-policy=sometimes", "node standby node9",
                          "resource stop nosuch", "configure primitve x Dummy"}) {
    const auto r = Crm(bad);
    EXPECT_EQ(r.code, 1) << bad << "\n" << r.out;
    EXPECT_EQ(r.out.rfind("ERROR: ", 0), 0u) << bad << "\n" << r.out;
    EXPECT_EQ(r.out.find('\n'), r.out.size() - 1) << bad << ": one line\n" << r.out;
    EXPECT_EQ(Version(), before) << bad;
  }
  // A script stops at its first mistake: nothing after it runs and what it staged is not
  // committed, so the cluster never sees half of it.
  const auto r = Crm("", "configure\nprimitive a ocf:heartbeat:Dummy\nlocation l a 100 node1\ncommit\nquit\n");
  EXPECT_EQ(r.code, 1) << r.out;
  EXPECT_NE(r.out.find("ERROR: not run, after the error above: commit"), std::string::npos) << r.out;
  EXPECT_EQ(Version(), before);
  EXPECT_NE(Crm("configure show a").out.find("no element with id 'a'"), std::string::npos) << Crm("configure show a").out;
}

// A group and a clone made with crm run, and crm status lays them out as crm_mon does.
TEST_F(CrmVigildTest, AGroupAndACloneMadeWithCrmRunAndShowInStatus) {
  ASSERT_EQ(Crm("configure property stonith-enabled=false").code, 0);
  const auto made = Crm("", "configure\nprimitive a ocf:heartbeat:Dummy\nprimitive b ocf:heartbeat:Dummy\ngroup g a b\n"
                            "primitive c ocf:heartbeat:Dummy\nclone c-clone c\ncommit\nquit\n");
  ASSERT_EQ(made.code, 0) << made.out;
  const std::string group = "  * Resource Group: g:\n    * a\t(ocf:heartbeat:Dummy):\t Started node1\n"
                            "    * b\t(ocf:heartbeat:Dummy):\t Started node1\n";
  const std::string clone = "  * Clone Set: c-clone [c]:\n    * Started: [ node1 ]\n";
  ASSERT_TRUE(WaitFor([&] {
    const std::string status = Crm("status").out;
    return status.find(group) != std::string::npos && status.find(clone) != std::string::npos;
  })) << Crm("status").out << vigild_.log();
  EXPECT_NE(Crm("configure show").out.find("group g a b\nclone c-clone c\n"), std::string::npos) << Crm("configure show").out;
}

// Pacemaker's cibadmin and crm_mon, as scripts and monitoring run them against the live vigild:
// cibadmin changes the CIB, crm_mon's XML validates against Pacemaker's API schema, and its
// sections read from the CIB are what Pacemaker's own crm_mon prints for the CIB cibadmin -Q
// gives (CIB_file=).
TEST_F(CrmVigildTest, CibadminAndCrmMonAnswerForTheLiveClusterAsPacemakersToolsWouldForItsCib) {
  const std::string tools = (std::filesystem::path(VIGILD_BINARY).parent_path() / ".." / "lib" / "vigil" / "sbin").string();
  const std::string env = "VIGIL_RUN_DIR=" + vigild_.run_dir().string() + " TZ=UTC ";
  const auto tool = [&](const std::string& line) { return Sh(env + tools + "/" + line); };
  ASSERT_EQ(Crm("configure property stonith-enabled=false").code, 0);
  const std::string dummy = "'<primitive id=\"d\" class=\"ocf\" provider=\"heartbeat\" type=\"Dummy\">"
                            "<operations><op id=\"d-mon\" name=\"monitor\" interval=\"5s\"/></operations></primitive>'";
  CommandResult r = tool("cibadmin -C -o resources -X " + dummy);
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_EQ(tool("cibadmin -C -o resources -X " + dummy).code, 108);
  EXPECT_EQ(tool("cibadmin -E").code, 107);
  EXPECT_EQ(tool("cibadmin -E --force=no").code, 64);  // a flag takes no value
  // vigild keeps the status itself: a change to it is refused, not dropped; a section stays.
  EXPECT_EQ(tool("cibadmin -D -o status -X '<node_state id=\"1\"/>'").code, 78);
  EXPECT_EQ(tool("cibadmin -D -X '<resources/>'").code, 78);
  r = tool("cibadmin -M -X '<primitive id=\"d\"><meta_attributes id=\"d-m\"><nvpair id=\"d-m-mt\" "
           "name=\"migration-threshold\" value=\"4\"/></meta_attributes></primitive>'");
  ASSERT_EQ(r.code, 0) << r.out;
  ASSERT_TRUE(WaitFor([&] { return Where("d") == "Started node1"; })) << Crm("status").out;
  ASSERT_EQ(tool("crm_attribute -t status -N node1 -n myattr -v 5").code, 0);
  ASSERT_EQ(tool("crm_attribute -t nodes -N node1 -n rack -v r1").code, 0);
  // Once the monitor's result is on record.
  ASSERT_TRUE(WaitFor([&] { return tool("cibadmin -Q -o status").out.find("d_monitor_5000") != std::string::npos; }));
  r = tool("cibadmin -Q > " + (dir_ / "live.xml"));
  ASSERT_EQ(r.code, 0) << r.out;
  const CommandResult theirs = Sh("TZ=UTC CIB_file=" + (dir_ / "live.xml") + " /usr/sbin/crm_mon -1 --output-as=xml");
  ASSERT_EQ(theirs.code, 0) << theirs.out;
  r = tool("crm_mon -1 --output-as=xml > " + (dir_ / "mon.xml"));
  ASSERT_EQ(r.code, 0) << r.out;
  const CommandResult valid =
      Sh("xmllint --noout --relaxng /usr/share/pacemaker/api/api-result.rng " + (dir_ / "mon.xml") + " 2>&1");
  EXPECT_EQ(valid.code, 0) << valid.out << ReadFile(dir_ / "mon.xml");
  pugi::xml_document mine, pacemaker;
  ASSERT_TRUE(mine.load_string(ReadFile(dir_ / "mon.xml").c_str()));
  ASSERT_TRUE(pacemaker.load_string(theirs.out.c_str())) << theirs.out;
  const auto text = [](pugi::xml_node n) {
    std::ostringstream out;
    n.print(out, "  ", pugi::format_indent);
    return out.str();
  };
  const pugi::xml_node a = mine.child("pacemaker-result"), b = pacemaker.child("pacemaker-result");
  // (Pacemaker's sections hold what was made: the comparison is not of two empty ones.)
  EXPECT_NE(text(b.child("node_history")).find("<resource_history id=\"d\" orphan=\"false\" migration-threshold=\"4\">"),
            std::string::npos)
      << theirs.out;
  EXPECT_NE(text(b.child("node_attributes")).find("name=\"myattr\" value=\"5\""), std::string::npos) << theirs.out;
  for (const char* section : {"node_attributes", "node_history", "resources"}) {
    EXPECT_EQ(text(a.child(section)), text(b.child(section))) << section;
  }
  for (const char* element : {"cluster_options", "last_change", "resources_configured"}) {
    EXPECT_EQ(text(a.child("summary").child(element)), text(b.child("summary").child(element))) << element;
  }
  EXPECT_NE(text(a.child("summary").child("last_change")).find("client=\"crm_attribute\""), std::string::npos);
  r = tool("crm_mon -s");
  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(r.out, "CLUSTER OK: 1 node online, 1 resource instance configured\n");
  // crm_resource, crm_verify and crm_simulate on the live CIB print what Pacemaker's print for
  // the CIB saved from it.
  for (const char* line : {"crm_resource -L", "crm_resource -W -r d", "crm_resource -O", "crm_resource -g migration-threshold -m -r d",
                           "crm_resource -a -r d", "crm_verify -L", "crm_simulate -L", "crm_simulate -L -S"}) {
    std::string args = line;
    const std::string name = args.substr(0, args.find(' '));
    args = args.substr(name.size());
    std::string saved = args;
    if (name != "crm_resource") saved.replace(saved.find(" -L"), 3, " -x " + (dir_ / "live.xml"));
    // (Pacemaker's crm_resource reads the saved CIB as CIB_file; its crm_verify and crm_simulate take it with -x.)
    const std::string file_env = name == "crm_resource" ? "CIB_file=" + (dir_ / "live.xml") + " " : "";
    const CommandResult pacemakers = Sh("TZ=UTC " + file_env + "/usr/sbin/" + name + saved + " 2>&1");
    const CommandResult ours = tool(std::string(line) + " 2>&1");
    EXPECT_EQ(ours.code, pacemakers.code) << line;
    if (std::string(line) == "crm_simulate -L -S") {
      // The actions executed are Vigil's own (docs/pacemaker-tools.md): compared up to them.
      EXPECT_EQ(ours.out.substr(0, ours.out.find("Executing")), pacemakers.out.substr(0, pacemakers.out.find("Executing"))) << line;
    } else {
      EXPECT_EQ(ours.out, pacemakers.out) << line;
    }
  }
  // Pacemaker's own crm_failcount script runs on Vigil's crm_node and cibadmin --xpath.
  r = Sh(env + "PATH=" + tools + ":/usr/sbin:/usr/bin:/bin /usr/sbin/crm_failcount -G -r d 2>&1");
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_EQ(r.out, "scope=status  name=fail-count-d value=0\n");
  EXPECT_EQ(tool("crm_failcount -G -r d").out, r.out);
  // A move through crm_resource is a change vigild makes: d goes, and comes back once cleared.
  ASSERT_EQ(tool("crm_resource --ban -r d -N node1 -Q").code, 0);
  ASSERT_TRUE(WaitFor([&] { return Where("d") == "Stopped"; })) << Crm("status").out;
  r = tool("crm_resource -U -r d");
  EXPECT_EQ(r.out, "Removing constraint: cli-ban-d-on-node1\n");
  ASSERT_TRUE(WaitFor([&] { return Where("d") == "Started node1"; })) << Crm("status").out;
}

// A promotable clone of Pacemaker's Stateful, asking for notifications, made with crm on one
// node: started, promoted (the agent sets its score with Vigil's crm_attribute), shown by role.
TEST_F(CrmVigildTest, APromotableCloneWithNotificationsMadeWithCrmIsPromoted) {
  ASSERT_EQ(Crm("configure property stonith-enabled=false").code, 0);
  const auto made = Crm("", "configure\nprimitive st ocf:pacemaker:Stateful op monitor interval=5s role=Promoted "
                            "op monitor interval=6s role=Unpromoted\n"
                            "clone ms st meta promotable=true notify=true\ncommit\nquit\n");
  ASSERT_EQ(made.code, 0) << made.out;
  const std::string promoted = "  * Clone Set: ms [st] (promotable):\n    * Promoted: [ node1 ]\n";
  ASSERT_TRUE(WaitFor([&] { return Crm("status").out.find(promoted) != std::string::npos; })) << Crm("status").out << vigild_.log();
  EXPECT_TRUE(WaitFor([&] { return vigild_.log().find("post-promote notification of st: OCF_SUCCESS") != std::string::npos; }))
      << vigild_.log();
  EXPECT_NE(Crm("resource locate ms").out.find("resource ms is running on: node1 Promoted"), std::string::npos)
      << Crm("resource locate ms").out;
}

// A fence device configured with crm runs where it is placed: the real fence_dummy (its power in
// a status file of the test's), checked at start and by its monitor, with fencing left enabled as
// Pacemaker defaults it, so the resources start once a device exists. A parameter the agent does
// not know is refused and changes nothing. (No node is lost here: the device only runs.)
TEST_F(CrmVigildTest, AFenceDeviceRunsWhereItIsPlacedAndLetsResourcesStart) {
  ASSERT_TRUE(std::filesystem::exists("/usr/sbin/fence_dummy")) << "fence-agents is not installed (scripts/deps.sh)";
  // Fencing enabled, no device: nothing starts, and crm says why.
  const auto first = Crm("configure primitive a ocf:heartbeat:Dummy");
  ASSERT_EQ(first.code, 0) << first.out;
  EXPECT_NE(first.out.find("no fencing device"), std::string::npos) << first.out;
  EXPECT_EQ(Where("a"), "Stopped");
  const std::string before = Version();
  const auto unknown = Crm("configure primitive f0 stonith:fence_dummy params bogus=1");
  EXPECT_NE(unknown.code, 0);
  EXPECT_NE(unknown.out.find("bogus"), std::string::npos) << unknown.out;
  EXPECT_EQ(Version(), before);
  const auto made = Crm("configure primitive fence1 stonith:fence_dummy params status_file=\"" + (dir_ / "power") +
                        "\" pcmk_host_list=node1 op monitor interval=2s");
  ASSERT_EQ(made.code, 0) << made.out;
  ASSERT_TRUE(WaitFor([&] { return Where("fence1") == "Started node1"; })) << Crm("status").out << vigild_.log();
  ASSERT_TRUE(WaitFor([&] { return Where("a") == "Started node1"; })) << Crm("status").out << vigild_.log();
  ASSERT_EQ(Crm("resource stop fence1").code, 0);
  ASSERT_TRUE(WaitFor([&] { return Where("fence1") == "Stopped (disabled)" || Where("fence1") == "Stopped"; }))
      << Crm("status").out;
}

// A ticket constraint made with crm: the resource stays stopped until the ticket is granted (crm
// site ticket grant, forced with -F as crmsh wants), stops when it is revoked, and the ticket's
// state outlives a restart of vigild (it is kept with the stored CIB).
TEST_F(CrmVigildTest, AResourceRunsOnlyWhileItsTicketIsGranted) {
  ASSERT_EQ(Crm("configure property stonith-enabled=false").code, 0);
  const auto made = Crm("", "configure\nprimitive a ocf:heartbeat:Dummy\nrsc_ticket a-T T: a loss-policy=stop\ncommit\nquit\n");
  ASSERT_EQ(made.code, 0) << made.out;
  EXPECT_NE(Crm("configure show a-T").out.find("rsc_ticket a-T T: a loss-policy=stop"), std::string::npos);
  ASSERT_TRUE(WaitFor([&] { return Where("a") == "Stopped"; })) << Crm("status").out << vigild_.log();
  const auto never = Crm("site ticket show T");
  EXPECT_NE(never.code, 0);
  EXPECT_EQ(never.out, "ERROR: site ticket show: nothing to show for ticket T\n");
  // Without -F the grant is refused and changes nothing.
  const auto unforced = Crm("site ticket grant T");
  EXPECT_NE(unforced.code, 0);
  EXPECT_NE(unforced.out.find("--force"), std::string::npos) << unforced.out;
  EXPECT_EQ(Where("a"), "Stopped");
  ASSERT_EQ(Crm("-F site ticket grant T").code, 0);
  ASSERT_TRUE(WaitFor([&] { return Where("a") == "Started node1"; })) << Crm("status").out << vigild_.log();
  EXPECT_EQ(Crm("site ticket show T").out, "ticket T is granted\n");
  EXPECT_NE(Crm("site ticket time T").out.find("ticket T last time granted on "), std::string::npos);
  // A configuration change (crm sends the CIB without its status) leaves the ticket granted.
  ASSERT_EQ(Crm("configure primitive other ocf:heartbeat:Dummy").code, 0);
  EXPECT_EQ(Crm("site ticket show T").out, "ticket T is granted\n");
  EXPECT_TRUE(WaitFor([&] { return Where("other") == "Started node1"; })) << Crm("status").out;
  EXPECT_EQ(Where("a"), "Started node1");
  // Standby stops it though the ticket stays granted; activate brings it back.
  ASSERT_EQ(Crm("site ticket standby T").code, 0);
  ASSERT_TRUE(WaitFor([&] { return Where("a") == "Stopped"; })) << Crm("status").out << vigild_.log();
  ASSERT_EQ(Crm("site ticket activate T").code, 0);
  ASSERT_TRUE(WaitFor([&] { return Where("a") == "Started node1"; })) << Crm("status").out << vigild_.log();
  // A restart of vigild keeps the grant.
  vigild_.Kill(SIGTERM);
  ASSERT_TRUE(vigild_.Start());
  ASSERT_TRUE(WaitFor([&] { return vigild_.Dc() == "node1" && Where("a") == "Started node1"; }))
      << Crm("status").out << vigild_.log();
  ASSERT_EQ(Crm("-F site ticket revoke T").code, 0);
  ASSERT_TRUE(WaitFor([&] { return Where("a") == "Stopped"; })) << Crm("status").out << vigild_.log();
  EXPECT_EQ(Crm("site ticket show T").out, "ticket T is revoked\n");
}

// A primitive made from a template runs the template's agent with its parameters; a tag named in
// a constraint stands for its resources (here a -INFINITY location keeps them stopped on the one
// node there is).
TEST_F(CrmVigildTest, APrimitiveMadeFromATemplateRunsAndATagConstrainsItsResources) {
  ASSERT_EQ(Crm("configure property stonith-enabled=false").code, 0);
  const auto made = Crm("", "configure\nrsc_template dummy ocf:heartbeat:Dummy op monitor interval=5s\n"
                            "primitive d1 @dummy\nprimitive d2 @dummy\nprimitive d3 @dummy\ntag off: d2 d3\n"
                            "location off-node1 off -inf: node1\ncommit\nquit\n");
  ASSERT_EQ(made.code, 0) << made.out;
  ASSERT_TRUE(WaitFor([&] { return Where("d1") == "Started node1"; })) << Crm("status").out << vigild_.log();
  EXPECT_EQ(Where("d2"), "Stopped");
  EXPECT_EQ(Where("d3"), "Stopped");
  EXPECT_NE(Crm("configure show").out.find("rsc_template dummy Dummy \\\n\top monitor interval=5s\nprimitive d1 @dummy\n"),
            std::string::npos) << Crm("configure show").out;
  // The template's monitor runs for d1.
  EXPECT_TRUE(WaitFor([&] { return vigild_.log().find("monitor (every 5000 ms) of d1: OCF_SUCCESS") != std::string::npos; }))
      << vigild_.log();
}

// A shadow CIB: configure changes it, not the cluster, until cib commit replaces the live CIB
// with it; meanwhile what would act on the live cluster is refused. A script whose cib new fails
// stops there, so nothing after it reaches the live cluster.
TEST_F(CrmVigildTest, AShadowCibStagesAWholeChangeUntilItIsCommitted) {
  ASSERT_EQ(Crm("configure property stonith-enabled=false").code, 0);
  const std::string shadows = dir_ / "shadows";
  auto crm = [&](const std::string& input) {
    WriteFile(dir_ / "input", input);
    return Sh("CIB_shadow_dir=" + shadows + " " + std::string(CRM_BINARY) + " --run-dir " + vigild_.run_dir().string() +
              " < " + (dir_ / "input"));
  };
  const auto staged = crm("cib new stage\nconfigure\nprimitive s1 ocf:heartbeat:Dummy\nprimitive s2 ocf:heartbeat:Dummy\n"
                          "commit\nshow s1\nup\ncib list\n");
  ASSERT_EQ(staged.code, 0) << staged.out;
  EXPECT_NE(staged.out.find("primitive s1 Dummy"), std::string::npos) << staged.out;
  EXPECT_NE(staged.out.find("stage (in use)"), std::string::npos) << staged.out;
  // The cluster has seen nothing of it.
  EXPECT_NE(Crm("configure show s1").out.find("no element with id 's1'"), std::string::npos);
  // With the shadow in use, what acts on the live cluster is refused, and the script stops.
  const auto refused = crm("cib use stage\nnode standby node1\nconfigure primitive s3 ocf:heartbeat:Dummy\n");
  EXPECT_NE(refused.code, 0);
  EXPECT_NE(refused.out.find("shadow CIB stage is in use"), std::string::npos) << refused.out;
  EXPECT_EQ(Crm("status").out.find(": standby"), std::string::npos) << Crm("status").out;
  // A script whose cib new is refused goes no further: s4 never reaches the cluster.
  const auto bad = crm("cib new bad/name\nconfigure primitive s4 ocf:heartbeat:Dummy\n");
  EXPECT_NE(bad.code, 0);
  EXPECT_NE(Crm("configure show s4").out.find("no element with id 's4'"), std::string::npos);
  // Committed, the shadow becomes the cluster's configuration, and its resources start.
  const auto committed = crm("cib commit stage\n");
  ASSERT_EQ(committed.code, 0) << committed.out;
  ASSERT_TRUE(WaitFor([&] { return Where("s1") == "Started node1" && Where("s2") == "Started node1"; }))
      << Crm("status").out << vigild_.log();
  // Made against the CIB it copied: once the cluster's has moved on, a second commit is refused.
  ASSERT_EQ(Crm("configure property maintenance-mode=false").code, 0);
  const auto stale = crm("cib commit stage\n");
  EXPECT_NE(stale.code, 0);
  EXPECT_NE(stale.out.find("cib reset stage"), std::string::npos) << stale.out;
  EXPECT_EQ(crm("cib use live\ncib delete stage\ncib list\n").out, "");
}

// configure edit runs $EDITOR on the configuration in crm syntax; what it saves is checked and
// committed like typed commands.
TEST_F(CrmVigildTest, EditRunsTheEditorAndCommitsWhatItSaved) {
  ASSERT_EQ(Crm("configure primitive d ocf:heartbeat:Dummy op monitor interval=10s").code, 0);
  const std::string before = Version();
  // An editor that fails: nothing changes.
  auto r = Sh("EDITOR=false " + std::string(CRM_BINARY) + " --run-dir " + vigild_.run_dir().string() +
              " configure edit < /dev/null");
  EXPECT_EQ(r.code, 1) << r.out;
  EXPECT_NE(r.out.find("ERROR: edit: the editor (false \"$1\") failed with exit code 1"), std::string::npos) << r.out;
  EXPECT_EQ(Version(), before);
  // An editor that writes a bad parameter: refused with its line, nothing changes.
  r = Sh("EDITOR=\"sed -i 's/interval=10s/interval=10s timeout=bad x=1/'\" " + std::string(CRM_BINARY) +
         " --run-dir " + vigild_.run_dir().string() + " configure edit < /dev/null");
  EXPECT_EQ(r.code, 1) << r.out;
  EXPECT_NE(r.out.find("ERROR: edit: line "), std::string::npos) << r.out;
  EXPECT_EQ(Version(), before);
  // A good edit: the monitor's interval changes and the location is added.
  r = Sh("EDITOR=\"sed -i -e 's/interval=10s/interval=20s/' -e '$ a location prefer-d d 50: node1'\" " +
         std::string(CRM_BINARY) + " --run-dir " + vigild_.run_dir().string() + " configure edit < /dev/null");
  EXPECT_EQ(r.code, 0) << r.out;
  const std::string shown = Crm("configure show").out;
  EXPECT_NE(shown.find("op monitor interval=20s"), std::string::npos) << shown;
  EXPECT_NE(shown.find("location prefer-d d 50: node1"), std::string::npos) << shown;
  EXPECT_NE(Version(), before);
}

// At a terminal (a pseudo-terminal from util-linux's `script`): tab completes commands, agents
// and parameter names, and the lines typed are kept in the history file for the next session.
TEST_F(CrmVigildTest, AtATerminalTabCompletesAndTheHistoryIsKept) {
  const std::string home = dir_ / "home";
  const std::string state = dir_ / "d.state";
  // "prim<TAB>" -> primitive, "ocf:heartbeat:Dumm<TAB>" -> ocf:heartbeat:Dummy, "sta<TAB>" -> state=
  WriteFile(dir_ / "typed", "configure\nprim\t d ocf:heartbeat:Dumm\t para\t sta\t" + state +
                                "\ncommit\nquit\n");
  const auto r = Sh("HOME=" + home + " script -qfec '" + CRM_BINARY + " --run-dir " + vigild_.run_dir().string() +
                    "' /dev/null < " + (dir_ / "typed"));
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("crm(live/node1)configure# "), std::string::npos) << r.out;
  EXPECT_NE(Crm("configure show d").out.find("primitive d Dummy \\\n\tparams state=\"" + state + "\""),
            std::string::npos)
      << r.out << Crm("configure show").out;
  const std::string history = ReadFile(home + "/.config/vigil/crm_history");
  EXPECT_NE(history.find("primitive"), std::string::npos) << history;
  EXPECT_NE(history.find("commit"), std::string::npos) << history;
}

}  // namespace
}  // namespace vigil::testing
