// Meta-data parsing, the schema check, duration syntax and parameter validation.
#include "host/metadata.h"

#include <gtest/gtest.h>

#include "host/agent_test.h"
#include "host/params.h"

namespace vigil {
namespace {

using std::chrono::milliseconds;

const char kGood[] = R"(<?xml version="1.0"?>
<resource-agent name="T" version="1.0">
<version>1.0</version>
<longdesc lang="en">Long.</longdesc>
<shortdesc lang="en">Short</shortdesc>
<parameters>
<parameter name="ip" unique="1" required="1">
<longdesc lang="en">The address.</longdesc><shortdesc lang="en">IP</shortdesc>
<content type="string"/>
</parameter>
<parameter name="count" required="0">
<longdesc lang="en">A count.</longdesc><shortdesc lang="en">Count</shortdesc>
<content type="integer" default="5"/>
</parameter>
<parameter name="on">
<longdesc lang="en">A flag.</longdesc><shortdesc lang="en">Flag</shortdesc>
<content type="boolean" default="false"/>
</parameter>
<parameter name="wait">
<longdesc lang="en">A time.</longdesc><shortdesc lang="en">Wait</shortdesc>
<content type="second" default="10s"/>
</parameter>
<parameter name="mode">
<longdesc lang="en">A choice.</longdesc><shortdesc lang="en">Mode</shortdesc>
<content type="select" default="a"><option value="a"/><option value="b"/></content>
</parameter>
</parameters>
<actions>
<action name="start" timeout="20s"/>
<action name="monitor" timeout="30s" interval="10s" depth="0"/>
<action name="monitor" timeout="40s" interval="60s" depth="10"/>
</actions>
</resource-agent>)";

TEST(MetadataTest, ParsesParametersAndActions) {
  std::vector<std::string> problems;
  auto md = ParseMetadata(kGood, &problems);
  ASSERT_TRUE(md.ok()) << md.status().message();
  EXPECT_TRUE(problems.empty()) << problems[0];
  EXPECT_EQ(md->name, "T");
  EXPECT_EQ(md->shortdesc, "Short");
  ASSERT_EQ(md->parameters.size(), 5u);
  EXPECT_TRUE(md->parameters[0].required);
  EXPECT_TRUE(md->parameters[0].unique);
  EXPECT_EQ(md->parameters[1].type, "integer");
  EXPECT_EQ(md->parameters[1].default_value, "5");
  EXPECT_EQ(md->parameters[4].options, (std::vector<std::string>{"a", "b"}));
  ASSERT_NE(md->FindAction("start"), nullptr);
  EXPECT_EQ(md->FindAction("start")->timeout, milliseconds(20000));
  EXPECT_EQ(md->FindAction("monitor", milliseconds(60000))->depth, 10);
  EXPECT_EQ(md->FindAction("monitor", milliseconds(10000))->timeout, milliseconds(30000));
}

TEST(MetadataTest, NotXmlIsAParseErrorWithPosition) {
  auto md = ParseMetadata("<resource-agent><parameters>");
  ASSERT_FALSE(md.ok());
  EXPECT_EQ(md.status().code(), StatusCode::kParseError);
  EXPECT_NE(md.status().message().find("at byte"), std::string::npos);
}

TEST(MetadataTest, WrongRootIsAParseErrorNamingIt) {
  auto md = ParseMetadata("<agent/>");
  ASSERT_FALSE(md.ok());
  EXPECT_NE(md.status().message().find("<agent>"), std::string::npos);
}

TEST(MetadataTest, SchemaProblemsNameTheElement) {
  std::vector<std::string> problems;
  auto md = ParseMetadata(R"(<resource-agent name="x"><parameters>
    <parameter name="p" required="yes"><content type="float"/></parameter></parameters>
    <actions><action name="start"/></actions></resource-agent>)", &problems);
  ASSERT_TRUE(md.ok());
  auto has = [&](const std::string& s) {
    for (const auto& p : problems) if (p.find(s) != std::string::npos) return true;
    return false;
  };
  EXPECT_TRUE(has("resource-agent: missing <version>"));
  EXPECT_TRUE(has("parameter p: attribute required=\"yes\" is not 0 or 1"));
  EXPECT_TRUE(has("parameter p/content: unknown type \"float\""));
  EXPECT_TRUE(has("action start: missing attribute timeout"));
}

TEST(MetadataTest, SchemaCheckAcceptsGoodAndRejectsBroken) {
  std::string method;
  EXPECT_TRUE(CheckMetadataSchema(kGood, &method).empty()) << method;
  EXPECT_FALSE(CheckMetadataSchema("<resource-agent name=\"x\"/>", &method).empty()) << method;
  EXPECT_FALSE(CheckMetadataSchema("not xml", &method).empty()) << method;
}

TEST(DurationTest, ParsesPacemakerTimeSyntax) {
  EXPECT_EQ(ParseDurationMs("20"), milliseconds(20000));
  EXPECT_EQ(ParseDurationMs("20s"), milliseconds(20000));
  EXPECT_EQ(ParseDurationMs("500ms"), milliseconds(500));
  EXPECT_EQ(ParseDurationMs("2min"), milliseconds(120000));
  EXPECT_EQ(ParseDurationMs("1h"), milliseconds(3600000));
  EXPECT_EQ(ParseDurationMs(" 15 s "), milliseconds(15000));
  EXPECT_FALSE(ParseDurationMs(""));
  EXPECT_FALSE(ParseDurationMs("s"));
  EXPECT_FALSE(ParseDurationMs("-1"));
  EXPECT_FALSE(ParseDurationMs("10 parsecs"));
  EXPECT_FALSE(ParseDurationMs("99999999999999999999"));
}

class ParamsTest : public ::testing::Test {
 protected:
  Status Check(Params p) { return ValidateParams(*md_, "ocf:t:T", p); }
  Result<AgentMetadata> md_ = ParseMetadata(kGood);
};

TEST_F(ParamsTest, AcceptsValidParameters) {
  EXPECT_TRUE(Check({{"ip", "10.0.0.1"}, {"count", "-3"}, {"on", "yes"}, {"wait", "5s"},
                     {"mode", "b"}}).ok());
}

TEST_F(ParamsTest, RefusesUnknownName) {
  Status s = Check({{"ip", "1"}, {"colour", "red"}});
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("unknown parameter 'colour'"), std::string::npos) << s.message();
}

TEST_F(ParamsTest, RefusesMissingOrEmptyRequired) {
  EXPECT_NE(Check({}).message().find("required parameter 'ip' is missing"), std::string::npos);
  EXPECT_FALSE(Check({{"ip", ""}}).ok());
}

// ping declares dampen an integer with the default 5s: such a parameter takes times too, and a
// plain integer parameter still does not.
TEST_F(ParamsTest, AnIntegerWhoseOwnDefaultIsATimeTakesTimes) {
  AgentMetadata md = *md_;
  ParameterSpec dampen;
  dampen.name = "dampen";
  dampen.type = "integer";
  dampen.default_value = "5s";
  md.parameters.push_back(dampen);
  EXPECT_TRUE(ValidateParams(md, "ocf:t:T", {{"ip", "1"}, {"dampen", "10s"}}).ok());
  EXPECT_TRUE(ValidateParams(md, "ocf:t:T", {{"ip", "1"}, {"dampen", "3"}}).ok());
  EXPECT_NE(ValidateParams(md, "ocf:t:T", {{"ip", "1"}, {"dampen", "soon"}}).message().find("must be an integer"),
            std::string::npos);
  EXPECT_NE(Check({{"ip", "1"}, {"count", "5s"}}).message().find("must be an integer"), std::string::npos);
}

TEST_F(ParamsTest, RefusesValuesOfTheWrongType) {
  EXPECT_NE(Check({{"ip", "1"}, {"count", "five"}}).message().find("must be an integer"), std::string::npos);
  EXPECT_NE(Check({{"ip", "1"}, {"on", "maybe"}}).message().find("must be a boolean"), std::string::npos);
  EXPECT_NE(Check({{"ip", "1"}, {"wait", "soon"}}).message().find("must be a time"), std::string::npos);
  EXPECT_NE(Check({{"ip", "1"}, {"mode", "c"}}).message().find("must be one of a, b"), std::string::npos);
  EXPECT_FALSE(Check({{"ip", "1"}, {"count", "-"}}).ok());
}

TEST_F(ParamsTest, RefusesDuplicateName) {
  EXPECT_NE(Check({{"ip", "1"}, {"ip", "2"}}).message().find("given twice"), std::string::npos);
}

TEST_F(ParamsTest, NamesEveryProblemAndTheAgent) {
  Status s = Check({{"bogus", "1"}, {"count", "x"}});
  EXPECT_NE(s.message().find("ocf:t:T"), std::string::npos);
  EXPECT_NE(s.message().find("bogus"), std::string::npos);
  EXPECT_NE(s.message().find("count"), std::string::npos);
  EXPECT_NE(s.message().find("'ip' is missing"), std::string::npos);
}

}  // namespace
}  // namespace vigil
