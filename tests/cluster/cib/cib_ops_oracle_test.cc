// cibadmin's operations held to Pacemaker 2.1.5's cibadmin on the same CIB file (CIB_file=): for
// each command line, the outcome (done, nothing to act on, exists) and the configuration after it
// are Pacemaker's.
#include <gtest/gtest.h>

#include <sys/wait.h>

#include <cstdlib>
#include <sstream>

#include <pugixml.hpp>

#include "cluster/cib/cib_ops.h"
#include "tests/support/test_util.h"

namespace vigil::cib {
namespace {

const char* kCib = R"(<cib crm_feature_set="3.16.1" validate-with="pacemaker-3.9" epoch="7" num_updates="0" admin_epoch="0">
  <configuration>
    <crm_config>
      <cluster_property_set id="o">
        <nvpair id="o-se" name="stonith-enabled" value="false"/>
      </cluster_property_set>
    </crm_config>
    <nodes>
      <node id="1" uname="node1"><instance_attributes id="n1"><nvpair id="n1-rack" name="rack" value="r1"/></instance_attributes></node>
      <node id="2" uname="node2"/>
      <node id="3" uname="node3"><instance_attributes id="n3"><nvpair id="n3-rack" name="rack" value="r3"/></instance_attributes></node>
    </nodes>
    <resources>
      <primitive id="d" class="ocf" provider="heartbeat" type="Dummy">
        <meta_attributes id="d-m"><nvpair id="d-m-mt" name="migration-threshold" value="3"/></meta_attributes>
        <operations><op id="d-mon" name="monitor" interval="10s"/></operations>
      </primitive>
      <primitive id="e" class="ocf" provider="heartbeat" type="Dummy"/>
    </resources>
    <constraints>
      <rsc_location id="l1" rsc="e" node="node2" score="5"/>
    </constraints>
  </configuration>
  <status/>
</cib>
)";

enum class Outcome { kDone, kNothingToActOn, kExists };

struct Case {
  std::string command;  // cibadmin's options but the element
  std::string element;
};

Outcome Ours(const Case& c, std::string& result) {
  std::string scope;
  if (const size_t at = c.command.find("-o "); at != std::string::npos) scope = c.command.substr(at + 3, c.command.find(' ', at + 3) - at - 3);
  Result<std::string> r = std::string();
  if (c.command.starts_with("-C")) r = CreateInCib(kCib, scope, c.element);
  if (c.command.starts_with("-M")) r = ModifyCib(kCib, scope, c.element, c.command.find(" -c") != std::string::npos);
  if (c.command.starts_with("-D")) r = DeleteFromCib(kCib, scope, c.element, nullptr);
  if (c.command.starts_with("-R")) r = ReplaceInCib(kCib, scope, c.element);
  if (r.ok()) {
    result = *r;
    return Outcome::kDone;
  }
  return r.status().code() == StatusCode::kAlreadyExists ? Outcome::kExists : Outcome::kNothingToActOn;
}

Outcome Theirs(const Case& c, std::string& result) {
  testing::TempDir tmp;
  testing::WriteFile(tmp / "cib.xml", kCib);
  testing::WriteFile(tmp / "element.xml", c.element);
  const std::string line = "CIB_file=" + tmp / "cib.xml" + " cibadmin " + c.command + " -x " + tmp / "element.xml" +
                           " >/dev/null 2>&1";
  const int status = std::system(line.c_str());
  const int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  result = testing::ReadFile(tmp / "cib.xml");
  if (code == 0) return Outcome::kDone;
  EXPECT_TRUE(code == 105 || code == 108) << line << ": exit " << code;
  return code == 108 ? Outcome::kExists : Outcome::kNothingToActOn;
}

std::string Configuration(const std::string& cib) {
  pugi::xml_document doc;
  EXPECT_TRUE(doc.load_string(cib.c_str())) << cib;
  std::ostringstream out;
  doc.child("cib").child("configuration").print(out, "  ", pugi::format_indent);
  return out.str();
}

TEST(CibOpsOracleTest, EachCommandDoesWhatPacemakersCibadminDoes) {
  const std::vector<Case> cases = {
      {"-C -o resources", R"(<primitive id="f" class="ocf" provider="heartbeat" type="Dummy"/>)"},
      {"-C -o resources", R"(<primitive id="d" class="ocf" provider="heartbeat" type="Dummy"/>)"},
      {"-C -o constraints", R"(<rsc_location id="l2" rsc="d" node="node1" score="INFINITY"/>)"},
      {"-C", R"(<primitive id="g" class="ocf" provider="heartbeat" type="Dummy"/>)"},
      {"-M", R"(<primitive id="d"><meta_attributes id="d-m"><nvpair id="d-m-mt" name="migration-threshold" value="5"/></meta_attributes></primitive>)"},
      {"-M", R"(<primitive id="d"><instance_attributes id="d-i"><nvpair id="d-i-s" name="state" value="/tmp/x"/></instance_attributes></primitive>)"},
      {"-M -o crm_config", R"(<cluster_property_set id="o"><nvpair id="o-se" name="stonith-enabled" value="true"/></cluster_property_set>)"},
      {"-M", R"(<primitive id="zz" class="ocf" provider="heartbeat" type="Dummy"/>)"},
      {"-M -c -o resources", R"(<primitive id="zz" class="ocf" provider="heartbeat" type="Dummy"/>)"},
      {"-D", R"(<nvpair name="rack"/>)"},
      {"-D", R"(<primitive id="nope"/>)"},
      {"-D -o nodes", R"(<node uname="node3"/>)"},
      {"-D -o constraints", R"(<rsc_location id="l1"/>)"},
      {"-R -o constraints", R"(<constraints><rsc_location id="l9" rsc="d" node="node1" score="10"/></constraints>)"},
      {"-R -o resources", R"(<primitive id="e" class="ocf" provider="pacemaker" type="Dummy"/>)"},
      // An element named like the section stands for what it holds; no id matches no id.
      {"-D -o resources", R"(<resources><primitive id="d"/></resources>)"},
      {"-D -o resources", R"(<resources/>)"},
      {"-C -o resources", R"(<resources><primitive id="f" class="ocf" provider="heartbeat" type="Dummy"/></resources>)"},
      {"-C -o resources", R"(<primitive class="ocf" provider="heartbeat" type="Dummy"/>)"},
      {"-M", R"(<primitive class="ocf" provider="pacemaker" type="Stateful"/>)"},
      {"-M -o resources", R"(<resources><primitive id="d" description="x"/></resources>)"},
  };
  for (const Case& c : cases) {
    std::string ours, theirs;
    const Outcome mine = Ours(c, ours);
    const Outcome pacemaker = Theirs(c, theirs);
    EXPECT_EQ(mine, pacemaker) << "cibadmin " << c.command << " " << c.element;
    if (mine == Outcome::kDone && pacemaker == Outcome::kDone) {
      EXPECT_EQ(Configuration(ours), Configuration(theirs)) << "cibadmin " << c.command << " " << c.element;
    }
  }
}

TEST(CibOpsOracleTest, AQueryPrintsWhatPacemakersCibadminPrints) {
  testing::TempDir tmp;
  testing::WriteFile(tmp / "cib.xml", kCib);
  for (const std::string scope : {"nodes", "resources", "constraints", "crm_config", "configuration"}) {
    const std::string out = tmp / "out";
    ASSERT_EQ(std::system(("CIB_file=" + tmp / "cib.xml" + " cibadmin -Q -o " + scope + " >" + out).c_str()), 0);
    const auto ours = QueryCib(kCib, scope);
    ASSERT_TRUE(ours.ok()) << ours.status().message();
    EXPECT_EQ(*ours, testing::ReadFile(out)) << scope;
  }
  // Pacemaker answers an unknown scope with the whole CIB; Vigil says there is no such section.
  EXPECT_EQ(QueryCib(kCib, "bogus").status().code(), StatusCode::kNotFound);
}

// --xpath: what a query selects and prints (one element, several, an attribute's element, paths,
// elements without children), and what a delete, modify or replace at it leaves.
TEST(CibOpsOracleTest, XpathQueriesAndChangesAreWhatPacemakersCibadminMakes) {
  testing::TempDir tmp;
  testing::WriteFile(tmp / "cib.xml", kCib);
  struct Query {
    const char* xpath;
    const char* flags;
    bool node_path, no_children;
  };
  for (const Query& q : {Query{"//primitive[@id='d']", "", false, false}, Query{"//nvpair[@name='rack']", "", false, false},
                         Query{"//primitive[@id='d']/@type", "", false, false}, Query{"//nvpair", "--node-path", true, false},
                         Query{"//primitive", "--no-children", false, true}, Query{"//nope", "", false, false}}) {
    const std::string out = tmp / "out";
    const int status = std::system(("CIB_file=" + tmp / "cib.xml" + " cibadmin -Q --xpath \"" + q.xpath + "\" " + q.flags + " >" +
                                    out + " 2>/dev/null").c_str());
    const auto ours = QueryXpath(kCib, q.xpath, q.node_path, q.no_children);
    if (WEXITSTATUS(status) == 105) {
      EXPECT_EQ(ours.status().code(), StatusCode::kNotFound) << q.xpath;
      continue;
    }
    ASSERT_TRUE(ours.ok()) << q.xpath << ": " << ours.status().message();
    EXPECT_EQ(*ours, testing::ReadFile(out)) << q.xpath << " " << q.flags;
  }
  struct Change {
    const char* command;
    XpathChange change;
    const char* xpath;
    const char* element;
  };
  for (const Change& c : {Change{"-D", XpathChange::kDelete, "//nvpair[@name='rack']", ""},
                          Change{"-D", XpathChange::kDelete, "//nope", ""},
                          Change{"-M", XpathChange::kModify, "//nvpair[@id='d-m-mt']", R"(<nvpair id="d-m-mt" value="9"/>)"},
                          // The element given may be one within the one selected.
                          Change{"-M", XpathChange::kModify, "//primitive[@id='d']",
                                 R"(<meta_attributes id="d-m"><nvpair id="d-m-x" name="x" value="1"/></meta_attributes>)"},
                          Change{"-R", XpathChange::kReplace, "//primitive[@id='e']",
                                 R"(<primitive id="e" class="ocf" provider="pacemaker" type="Stateful"/>)"},
                          // A replaced element goes last among its siblings.
                          Change{"-R", XpathChange::kReplace, "//primitive[@id='d']",
                                 R"(<primitive id="d" class="ocf" provider="pacemaker" type="Stateful"/>)"}}) {
    testing::WriteFile(tmp / "theirs.xml", kCib);
    testing::WriteFile(tmp / "element.xml", c.element);
    const std::string element = *c.element ? " -x " + tmp / "element.xml" : std::string();
    ASSERT_EQ(std::system(("CIB_file=" + tmp / "theirs.xml" + " cibadmin " + c.command + " --xpath \"" + c.xpath + "\"" + element +
                           " >/dev/null 2>&1").c_str()),
              0)
        << c.command << " " << c.xpath;
    bool removed = false;
    const auto ours = ChangeAtXpath(kCib, c.xpath, c.change, c.element, &removed);
    ASSERT_TRUE(ours.ok()) << ours.status().message();
    EXPECT_EQ(Configuration(*ours), Configuration(testing::ReadFile(tmp / "theirs.xml"))) << c.command << " " << c.xpath;
  }
  // An element that is neither the one selected nor within it is not merged anywhere.
  EXPECT_EQ(ChangeAtXpath(kCib, "//primitive[@id='d']", XpathChange::kModify, R"(<primitive id="e" description="x"/>)", nullptr)
                .status()
                .code(),
            StatusCode::kNotFound);
  // A section, or the CIB itself, is not deleted; an expression that does not read is refused.
  EXPECT_EQ(ChangeAtXpath(kCib, "//resources", XpathChange::kDelete, "", nullptr).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ChangeAtXpath(kCib, "/cib", XpathChange::kDelete, "", nullptr).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(QueryXpath(kCib, "//[", false, false).status().code(), StatusCode::kParseError);
}

// crmsh commits a change as crm_diff's patch applied with cibadmin --patch: the patches crm_diff
// makes between the CIB and edited copies of it, applied by Vigil and by Pacemaker's cibadmin.
TEST(CibOpsOracleTest, APatchFromCrmDiffAppliesAsPacemakersCibadminAppliesIt) {
  const std::vector<std::pair<std::string, std::string>> edits = {
      {R"(name="stonith-enabled" value="false")", R"(name="stonith-enabled" value="true")"},
      {R"(<node id="2" uname="node2"/>)",
       R"(<node id="2" uname="node2"><instance_attributes id="n2"><nvpair id="n2-rack" name="rack" value="r2"/></instance_attributes></node>)"},
      {R"(<operations><op id="d-mon" name="monitor" interval="10s"/></operations>)", ""},
      {R"(<primitive id="e" class="ocf" provider="heartbeat" type="Dummy"/>)",
       R"(<primitive id="f" class="ocf" provider="heartbeat" type="Dummy"/><primitive id="e" class="ocf" provider="heartbeat" type="Dummy"><meta_attributes id="e-m"><nvpair id="e-m-t" name="target-role" value="Stopped"/></meta_attributes></primitive>)"},
      {R"(<rsc_location id="l1" rsc="e" node="node2" score="5"/>)",
       R"(<rsc_location id="l0" rsc="d" node="node1" score="7"/><rsc_location id="l1" rsc="e" node="node2" score="-INFINITY"/>)"},
  };
  testing::TempDir tmp;
  testing::WriteFile(tmp / "old.xml", kCib);
  for (size_t n = 1; n <= edits.size(); ++n) {
    std::string edited = kCib;
    for (size_t i = 0; i < n; ++i) {
      const size_t at = edited.find(edits[i].first);
      ASSERT_NE(at, std::string::npos) << edits[i].first;
      edited.replace(at, edits[i].first.size(), edits[i].second);
    }
    testing::WriteFile(tmp / "new.xml", edited);
    // crm_diff exits 1 when the two differ.
    ASSERT_EQ(WEXITSTATUS(std::system(("crm_diff --no-version -o " + tmp / "old.xml" + " -n " + tmp / "new.xml" + " >" +
                                       tmp / "patch.xml").c_str())),
              1);
    const std::string patch = testing::ReadFile(tmp / "patch.xml");
    testing::WriteFile(tmp / "cib.xml", kCib);
    ASSERT_EQ(std::system(("CIB_file=" + tmp / "cib.xml" + " cibadmin -P -x " + tmp / "patch.xml").c_str()), 0) << patch;
    const auto ours = PatchedCib(kCib, patch);
    ASSERT_TRUE(ours.ok()) << ours.status().message() << "\n" << patch;
    EXPECT_EQ(Configuration(*ours), Configuration(testing::ReadFile(tmp / "cib.xml"))) << patch;
    EXPECT_EQ(Configuration(*ours), Configuration(edited)) << patch;
  }
  // A patch with its version applies to that version only.
  ASSERT_EQ(WEXITSTATUS(std::system(("crm_diff -o " + tmp / "old.xml" + " -n " + tmp / "new.xml" + " >" + tmp / "v.xml").c_str())), 1);
  const std::string versioned = testing::ReadFile(tmp / "v.xml");
  EXPECT_TRUE(PatchedCib(kCib, versioned).ok());
  std::string later = kCib;
  later.replace(later.find("epoch=\"7\""), 9, "epoch=\"8\"");
  EXPECT_EQ(PatchedCib(later, versioned).status().code(), StatusCode::kConflict);
  EXPECT_EQ(PatchedCib(kCib, "<diff><diff-removed/></diff>").status().code(), StatusCode::kUnsupported);
}

// Pacemaker's cibadmin deletes a whole section when asked (and then refuses the CIB its schema
// rejects); Vigil refuses at once, and never takes a section away.
TEST(CibOpsTest, ASectionItselfIsNeverDeleted) {
  EXPECT_EQ(DeleteFromCib(kCib, "", "<resources/>", nullptr).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(DeleteFromCib(kCib, "configuration", "<constraints/>", nullptr).status().code(), StatusCode::kInvalidArgument);
  bool removed = true;
  const auto same = DeleteFromCib(kCib, "resources", "<resources/>", &removed);
  ASSERT_TRUE(same.ok());
  EXPECT_FALSE(removed);
  EXPECT_EQ(*same, kCib);
}

// The space before "/>" goes where a tag ends, not inside a value, a comment or text.
TEST(CibOpsTest, PacemakerSpacingTouchesOnlyTagEnds) {
  EXPECT_EQ(PacemakerSpacing("<a b=\"x />y\" />\n<!-- c /> --><t>u /></t>\n"),
            "<a b=\"x />y\"/>\n<!-- c /> --><t>u /></t>\n");
}

TEST(CibOpsTest, AWholeCibOlderThanTheOneHeldIsRefusedAndAnErasedOneIsEmptyAndNewer) {
  const auto older = ReplaceInCib(kCib, "", R"(<cib epoch="3" admin_epoch="0"><configuration/></cib>)");
  EXPECT_EQ(older.status().code(), StatusCode::kConflict);
  EXPECT_NE(older.status().message().find("older"), std::string::npos);
  EXPECT_TRUE(ReplaceInCib(kCib, "", R"(<cib epoch="9" admin_epoch="0"><configuration/></cib>)").ok());
  const auto erased = ErasedCib(kCib);
  ASSERT_TRUE(erased.ok());
  pugi::xml_document doc;
  ASSERT_TRUE(doc.load_string(erased->c_str()));
  EXPECT_EQ(std::string(doc.child("cib").attribute("admin_epoch").value()), "1");
  EXPECT_FALSE(doc.child("cib").child("configuration").child("resources").first_child());
  EXPECT_EQ(DeleteFromCib(kCib, "bogus", "<x/>", nullptr).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(CreateInCib(kCib, "resources", "<primitive").status().code(), StatusCode::kParseError);
}

}  // namespace
}  // namespace vigil::cib
