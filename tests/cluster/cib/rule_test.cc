// Rules: Pacemaker 2.1.5's conditions on node attributes, the date, a resource's agent and an
// operation (cluster/cib/rule.h), and what the CIB reader makes of <rule> elements and the
// attribute sets they choose between (cluster/cib/read_rules.cc, through cib::Cib::Parse).
//
// Expected values follow Pacemaker 2.1.5 as checked with its crm_simulate and iso8601, except
// where rule.cc says Vigil deliberately differs (an offset right after a 'T' time is honoured,
// invalid dates and date_spec values are refused, version comparison never hangs).
// Every moment is built with timegm, and TZ is UTC unless a test sets another zone.
#include "cluster/cib/rule.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <ctime>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "cluster/cib/cib.h"

namespace vigil::cib {
namespace {

// Seconds since the epoch of a UTC wall-clock time.
int64_t Utc(int year, int month, int day, int hour = 0, int minute = 0, int second = 0) {
  struct tm t {};
  t.tm_year = year - 1900;
  t.tm_mon = month - 1;
  t.tm_mday = day;
  t.tm_hour = hour;
  t.tm_min = minute;
  t.tm_sec = second;
  return static_cast<int64_t>(timegm(&t));
}

void SetTimeZone(const char* tz) {
  ::setenv("TZ", tz, 1);
  ::tzset();
}

// Every test runs in UTC, whatever the machine's zone; a test may pick another zone, and the
// one the process had is put back after it.
class RuleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (const char* tz = std::getenv("TZ")) saved_tz_ = tz;
    SetTimeZone("UTC");
  }
  void TearDown() override {
    if (saved_tz_) {
      SetTimeZone(saved_tz_->c_str());
    } else {
      ::unsetenv("TZ");
      ::tzset();
    }
  }

 private:
  std::optional<std::string> saved_tz_;
};

using IsoDateTimeTest = RuleTest;
using AddDurationTest = RuleTest;
using ResolveSetsTest = RuleTest;
using RuleCibTest = RuleTest;

// ---------------------------------------------------------------------------------------------
// Building rules by hand.

RuleExpression Attr(const std::string& attribute, const std::string& operation,
                    std::optional<std::string> value = std::nullopt, const std::string& type = "") {
  RuleExpression e;
  e.kind = RuleExpression::Kind::kAttribute;
  e.attribute = attribute;
  e.operation = operation;
  e.value = std::move(value);
  e.type = type;
  return e;
}

RuleExpression FromSource(const std::string& attribute, const std::string& operation, const std::string& value,
                          const std::string& source) {
  RuleExpression e = Attr(attribute, operation, value);
  e.value_source = source;
  return e;
}

RuleExpression Date(const std::string& operation, std::optional<int64_t> start, std::optional<int64_t> end) {
  RuleExpression e;
  e.kind = RuleExpression::Kind::kDate;
  e.operation = operation;
  e.start = start;
  e.end = end;
  return e;
}

RuleExpression Spec(DateSpec::Field field, int64_t low, int64_t high) {
  RuleExpression e;
  e.kind = RuleExpression::Kind::kDate;
  e.operation = "date_spec";
  e.spec.fields[field] = DateSpec::Range{low, high};
  return e;
}

RuleExpression Rsc(const std::string& standard, const std::string& provider, const std::string& type) {
  RuleExpression e;
  e.kind = RuleExpression::Kind::kResource;
  e.standard = standard;
  e.provider = provider;
  e.agent_type = type;
  return e;
}

RuleExpression Op(const std::string& name, std::optional<int64_t> interval_ms = std::nullopt) {
  RuleExpression e;
  e.kind = RuleExpression::Kind::kOperation;
  e.op_name = name;
  e.interval_ms = interval_ms;
  return e;
}

Rule All(std::vector<RuleExpression> expressions) {
  Rule r;
  r.expressions = std::move(expressions);
  return r;
}

Rule Any(std::vector<RuleExpression> expressions) {
  Rule r = All(std::move(expressions));
  r.any = true;
  return r;
}

RuleExpression Nested(Rule rule) {
  RuleExpression e;
  e.kind = RuleExpression::Kind::kRule;
  e.nested.push_back(std::move(rule));
  return e;
}

RuleContext OnNode(const Attributes& node) {
  RuleContext c;
  c.node = &node;
  return c;
}

RuleContext At(int64_t now) {
  RuleContext c;
  c.now = now;
  return c;
}

bool Holds(const RuleExpression& e, const RuleContext& c) { return RuleMatches(All({e}), c); }

constexpr int64_t kOpenLow = std::numeric_limits<int64_t>::min();
constexpr int64_t kOpenHigh = std::numeric_limits<int64_t>::max();

// ---------------------------------------------------------------------------------------------
// Attribute expressions.

TEST_F(RuleTest, EqAndNeCompareTextWithoutRegardToCase) {
  const Attributes node{{"colour", "Red"}};
  EXPECT_TRUE(Holds(Attr("colour", "eq", "RED"), OnNode(node)));
  EXPECT_TRUE(Holds(Attr("colour", "eq", "red"), OnNode(node)));
  EXPECT_FALSE(Holds(Attr("colour", "ne", "red"), OnNode(node)));
  EXPECT_FALSE(Holds(Attr("colour", "eq", "blue"), OnNode(node)));
  EXPECT_TRUE(Holds(Attr("colour", "ne", "blue"), OnNode(node)));
  // An explicit string type orders without regard to case too: "b" after "A", "a" before "B".
  EXPECT_TRUE(Holds(Attr("colour", "gt", "QUEEN", "string"), OnNode(node)));
  const Attributes lower{{"x", "a"}};
  EXPECT_TRUE(Holds(Attr("x", "lt", "B", "string"), OnNode(lower)));
}

TEST_F(RuleTest, EqWithoutTypeComparesTextNotNumbers) {
  const Attributes node{{"n", "10"}};
  EXPECT_FALSE(Holds(Attr("n", "eq", "10.0"), OnNode(node)));
  EXPECT_TRUE(Holds(Attr("n", "ne", "10.0"), OnNode(node)));
  EXPECT_TRUE(Holds(Attr("n", "eq", "10.0", "number"), OnNode(node)));
  EXPECT_TRUE(Holds(Attr("n", "eq", "10"), OnNode(node)));
}

TEST_F(RuleTest, OrderingWithoutTypeComparesIntegers) {
  // As text "10" sorts before "9"; as integers it is greater.
  const Attributes node{{"n", "10"}};
  EXPECT_TRUE(Holds(Attr("n", "gt", "9"), OnNode(node)));
  EXPECT_FALSE(Holds(Attr("n", "lt", "9"), OnNode(node)));
  EXPECT_TRUE(Holds(Attr("n", "gte", "10"), OnNode(node)));
  EXPECT_TRUE(Holds(Attr("n", "lte", "10"), OnNode(node)));
  EXPECT_FALSE(Holds(Attr("n", "lt", "10"), OnNode(node)));
  EXPECT_TRUE(Holds(Attr("n", "gt", "-3"), OnNode(node)));
}

TEST_F(RuleTest, OrderingWithADotOnEitherSideComparesNumbers) {
  // As integers 9.9 and 9 would both be 9.
  const Attributes left_dot{{"n", "9.9"}};
  EXPECT_TRUE(Holds(Attr("n", "gt", "9"), OnNode(left_dot)));
  const Attributes right_dot{{"n", "2"}};
  EXPECT_TRUE(Holds(Attr("n", "lt", "2.5"), OnNode(right_dot)));
  EXPECT_FALSE(Holds(Attr("n", "gte", "2.5"), OnNode(right_dot)));
}

TEST_F(RuleTest, IntegerReadsTheLeadingNumberAndIgnoresTheRest) {
  // "12abc" is 12: greater than 9 (as text "1" would sort before "9").
  const Attributes junk{{"n", "12abc"}};
  EXPECT_TRUE(Holds(Attr("n", "gt", "9"), OnNode(junk)));
  EXPECT_TRUE(Holds(Attr("n", "lt", "13"), OnNode(junk)));
  // "1e3" is 1, not 1000.
  const Attributes exponent{{"n", "1e3"}};
  EXPECT_FALSE(Holds(Attr("n", "gt", "9"), OnNode(exponent)));
  // An explicit integer type truncates a decimal.
  const Attributes decimal{{"n", "9.5"}};
  EXPECT_TRUE(Holds(Attr("n", "eq", "9", "integer"), OnNode(decimal)));
  // Leading blanks are fine.
  const Attributes blank{{"n", "  42"}};
  EXPECT_TRUE(Holds(Attr("n", "eq", "42", "integer"), OnNode(blank)));
}

TEST_F(RuleTest, NumberReadsTheLeadingNumberAndIgnoresTheRest) {
  const Attributes node{{"v", "1.10.0"}};
  EXPECT_TRUE(Holds(Attr("v", "eq", "1.1", "number"), OnNode(node)));
  EXPECT_TRUE(Holds(Attr("v", "lt", "1.2", "number"), OnNode(node)));
}

TEST_F(RuleTest, OrderingFallsBackToTextWhenNotANumber) {
  const Attributes words{{"w", "abc"}};
  EXPECT_TRUE(Holds(Attr("w", "gt", "ABB"), OnNode(words)));
  EXPECT_FALSE(Holds(Attr("w", "lt", "abb"), OnNode(words)));
  // An integer out of range is no integer either: as text "1..." sorts before "9".
  const Attributes huge{{"n", "10000000000000000000000"}};
  EXPECT_TRUE(Holds(Attr("n", "lt", "9"), OnNode(huge)));
  EXPECT_FALSE(Holds(Attr("n", "gt", "9"), OnNode(huge)));
}

TEST_F(RuleTest, VersionComparesDottedFieldsAsNumbers) {
  const Attributes node{{"v", "1.10"}};
  EXPECT_TRUE(Holds(Attr("v", "gt", "1.9", "version"), OnNode(node)));
  EXPECT_FALSE(Holds(Attr("v", "lt", "1.9", "version"), OnNode(node)));
  // A missing field counts as 0.
  EXPECT_TRUE(Holds(Attr("v", "eq", "1.10.0", "version"), OnNode(node)));
  EXPECT_FALSE(Holds(Attr("v", "eq", "1.10.1", "version"), OnNode(node)));
  EXPECT_TRUE(Holds(Attr("v", "lt", "1.10.1", "version"), OnNode(node)));
  EXPECT_TRUE(Holds(Attr("v", "lt", "2", "version"), OnNode(node)));
  // Without the type, a dot means a number: 1.10 is less than 1.9.
  EXPECT_TRUE(Holds(Attr("v", "lt", "1.9"), OnNode(node)));
}

TEST_F(RuleTest, VersionWithTextFieldsEndsInsteadOfHanging) {
  // Pacemaker 2.1.5 loops forever on these; Vigil counts a text field as 0.
  const Attributes rc{{"v", "1.0-rc1"}};
  EXPECT_TRUE(Holds(Attr("v", "eq", "1.0", "version"), OnNode(rc)));
  const Attributes letters{{"v", "1.a"}};
  EXPECT_TRUE(Holds(Attr("v", "eq", "1.b", "version"), OnNode(letters)));
  EXPECT_TRUE(Holds(Attr("v", "lt", "1.1", "version"), OnNode(letters)));
}

TEST_F(RuleTest, DefinedAndNotDefinedLookOnlyAtPresence) {
  const Attributes node{{"standby", ""}};
  EXPECT_TRUE(Holds(Attr("standby", "defined"), OnNode(node)));
  EXPECT_FALSE(Holds(Attr("standby", "not_defined"), OnNode(node)));
  EXPECT_FALSE(Holds(Attr("other", "defined"), OnNode(node)));
  EXPECT_TRUE(Holds(Attr("other", "not_defined"), OnNode(node)));
  // A value, if given, plays no part.
  EXPECT_TRUE(Holds(Attr("standby", "defined", "whatever"), OnNode(node)));
}

TEST_F(RuleTest, MissingAttributeIsNotEqualButIsNe) {
  const Attributes node{{"other", "1"}};
  EXPECT_FALSE(Holds(Attr("x", "eq", "1"), OnNode(node)));
  EXPECT_TRUE(Holds(Attr("x", "ne", "1"), OnNode(node)));
  for (const char* op : {"lt", "lte", "gt", "gte"}) {
    EXPECT_FALSE(Holds(Attr("x", op, "1"), OnNode(node))) << op;
  }
}

TEST_F(RuleTest, MissingAttributeEqualsMissingValue) {
  const Attributes node{{"present", "1"}};
  EXPECT_TRUE(Holds(Attr("absent", "eq"), OnNode(node)));
  EXPECT_FALSE(Holds(Attr("absent", "ne"), OnNode(node)));
  // Present against no value: greater, so not equal, and not ordered at all.
  EXPECT_FALSE(Holds(Attr("present", "eq"), OnNode(node)));
  EXPECT_TRUE(Holds(Attr("present", "ne"), OnNode(node)));
  EXPECT_FALSE(Holds(Attr("present", "gt"), OnNode(node)));
  EXPECT_FALSE(Holds(Attr("present", "gte"), OnNode(node)));
}

TEST_F(RuleTest, WithoutANodeNoAttributeExpressionHoldsNotEvenNotDefined) {
  RuleContext none;  // a resource's meta attributes, the cluster options
  EXPECT_FALSE(Holds(Attr("x", "not_defined"), none));
  EXPECT_FALSE(Holds(Attr("x", "ne", "1"), none));
  EXPECT_FALSE(Holds(Attr("#uname", "defined"), none));
  // With a node, the same expressions hold.
  const Attributes empty;
  EXPECT_TRUE(Holds(Attr("x", "not_defined"), OnNode(empty)));
  EXPECT_TRUE(Holds(Attr("x", "ne", "1"), OnNode(empty)));
}

TEST_F(RuleTest, RoleExpressionNeverHolds) {
  // Pacemaker 2.1.5 evaluates rules with the role unknown, so #role expressions are false, even
  // ne and not_defined, and even where a node attribute is named #role.
  const Attributes node{{"#uname", "node1"}, {"#role", "Started"}};
  EXPECT_FALSE(Holds(Attr("#role", "eq", "Started"), OnNode(node)));
  EXPECT_FALSE(Holds(Attr("#role", "ne", "Promoted"), OnNode(node)));
  EXPECT_FALSE(Holds(Attr("#role", "defined"), OnNode(node)));
  const Attributes plain{{"#uname", "node1"}};
  EXPECT_FALSE(Holds(Attr("#role", "not_defined"), OnNode(plain)));
  EXPECT_TRUE(RuleMatches(Any({Attr("#role", "eq", "Started"), Attr("#uname", "eq", "node1")}), OnNode(node)));
}

TEST_F(RuleTest, LocationRuleTakesAnEmptyValueAsNone) {
  const Attributes lacking;
  const Attributes blank{{"x", ""}};
  RuleContext location = OnNode(lacking);
  location.location = true;
  EXPECT_TRUE(Holds(Attr("x", "eq", ""), location));
  location.node = &blank;
  EXPECT_FALSE(Holds(Attr("x", "eq", ""), location));
  EXPECT_TRUE(Holds(Attr("x", "ne", ""), location));
  // Elsewhere "" is the empty text.
  EXPECT_FALSE(Holds(Attr("x", "eq", ""), OnNode(lacking)));
  EXPECT_TRUE(Holds(Attr("x", "eq", ""), OnNode(blank)));
}

TEST_F(RuleTest, LocationRuleValueSourceParamComparesWithTheResourceParameter) {
  const Attributes node{{"addr", "10.0.0.1"}};
  const Attributes params{{"ip", "10.0.0.1"}};
  const Attributes other_params{{"ip", "10.0.0.2"}};
  RuleContext c = OnNode(node);
  c.location = true;
  c.params = &params;
  EXPECT_TRUE(Holds(FromSource("addr", "eq", "ip", "param"), c));
  c.params = &other_params;
  EXPECT_FALSE(Holds(FromSource("addr", "eq", "ip", "param"), c));
  // Outside a location rule the value is taken as it is written.
  RuleContext elsewhere = OnNode(node);
  elsewhere.params = &params;
  EXPECT_FALSE(Holds(FromSource("addr", "eq", "ip", "param"), elsewhere));
  const Attributes literal{{"addr", "ip"}};
  elsewhere.node = &literal;
  EXPECT_TRUE(Holds(FromSource("addr", "eq", "ip", "param"), elsewhere));
}

TEST_F(RuleTest, LocationRuleValueSourceMetaComparesWithTheResourceMetaAttribute) {
  const Attributes node{{"tier", "gold"}};
  const Attributes meta{{"wanted-tier", "GOLD"}};
  RuleContext c = OnNode(node);
  c.location = true;
  c.meta = &meta;
  EXPECT_TRUE(Holds(FromSource("tier", "eq", "wanted-tier", "meta"), c));
  // The meta attribute named, not a parameter of that name.
  const Attributes params{{"wanted-tier", "silver"}};
  c.params = &params;
  EXPECT_TRUE(Holds(FromSource("tier", "eq", "wanted-tier", "meta"), c));
  EXPECT_FALSE(Holds(FromSource("tier", "eq", "wanted-tier", "param"), c));
}

TEST_F(RuleTest, LocationRuleValueSourceNamingNothingIsNoValue) {
  const Attributes params{{"ip", "10.0.0.1"}};
  const Attributes with_attr{{"addr", "10.0.0.1"}};
  const Attributes without;
  RuleContext c = OnNode(with_attr);
  c.location = true;
  c.params = &params;
  EXPECT_FALSE(Holds(FromSource("addr", "eq", "missing", "param"), c));
  EXPECT_TRUE(Holds(FromSource("addr", "ne", "missing", "param"), c));
  c.node = &without;
  EXPECT_TRUE(Holds(FromSource("addr", "eq", "missing", "param"), c));
}

// ---------------------------------------------------------------------------------------------
// Rules: and, or, empty, nested.

TEST_F(RuleTest, AndNeedsEveryExpressionOrNeedsOne) {
  const Attributes node{{"a", "1"}, {"b", "2"}};
  EXPECT_TRUE(RuleMatches(All({Attr("a", "eq", "1"), Attr("b", "eq", "2")}), OnNode(node)));
  EXPECT_FALSE(RuleMatches(All({Attr("a", "eq", "1"), Attr("b", "eq", "3")}), OnNode(node)));
  EXPECT_TRUE(RuleMatches(Any({Attr("a", "eq", "9"), Attr("b", "eq", "2")}), OnNode(node)));
  EXPECT_FALSE(RuleMatches(Any({Attr("a", "eq", "9"), Attr("b", "eq", "9")}), OnNode(node)));
}

TEST_F(RuleTest, EmptyAndRuleHoldsEmptyOrRuleDoesNot) {
  const Attributes node;
  EXPECT_TRUE(RuleMatches(All({}), OnNode(node)));
  EXPECT_FALSE(RuleMatches(Any({}), OnNode(node)));
  EXPECT_TRUE(RuleMatches(All({}), RuleContext()));
}

TEST_F(RuleTest, NestedRulesCountByTheirOwnOutcome) {
  const Attributes node{{"a", "1"}, {"b", "2"}};
  // a=1 and (b=9 or b=2)
  const Rule outer = All({Attr("a", "eq", "1"), Nested(Any({Attr("b", "eq", "9"), Attr("b", "eq", "2")}))});
  EXPECT_TRUE(RuleMatches(outer, OnNode(node)));
  // a=1 and (b=9 or b=8)
  const Rule failing = All({Attr("a", "eq", "1"), Nested(Any({Attr("b", "eq", "9"), Attr("b", "eq", "8")}))});
  EXPECT_FALSE(RuleMatches(failing, OnNode(node)));
  // An empty nested and-rule holds; an empty nested or-rule does not.
  EXPECT_TRUE(RuleMatches(All({Nested(All({}))}), OnNode(node)));
  EXPECT_FALSE(RuleMatches(All({Nested(Any({}))}), OnNode(node)));
  // Two levels down.
  EXPECT_TRUE(RuleMatches(Any({Nested(All({Nested(All({Attr("b", "gt", "1")}))}))}), OnNode(node)));
}

TEST_F(RuleTest, UsesDateSeesDateExpressionsInNestedRules) {
  EXPECT_FALSE(All({Attr("a", "eq", "1")}).UsesDate());
  EXPECT_TRUE(All({Date("gt", 0, std::nullopt)}).UsesDate());
  EXPECT_TRUE(All({Attr("a", "eq", "1"), Nested(Any({Date("lt", std::nullopt, 5)}))}).UsesDate());
  EXPECT_FALSE(All({Nested(Any({Attr("a", "eq", "1")}))}).UsesDate());
}

TEST_F(RuleTest, HasRulesWhenAnySetHasARule) {
  AttributeSet plain;
  plain.values = {{"a", "1"}};
  AttributeSet ruled;
  ruled.rules.push_back(All({}));
  EXPECT_FALSE(HasRules({}));
  EXPECT_FALSE(HasRules({plain, plain}));
  EXPECT_TRUE(HasRules({plain, ruled}));
}

// ---------------------------------------------------------------------------------------------
// Resource and operation expressions.

RuleContext ForAgent(const std::string* standard, const std::string* provider, const std::string* type) {
  RuleContext c;
  c.resource = true;
  c.standard = standard;
  c.provider = provider;
  c.agent_type = type;
  return c;
}

TEST_F(RuleTest, RscExpressionWithoutProviderMatchesOnlyAgentsWithoutOne) {
  const std::string ocf = "ocf", heartbeat = "heartbeat", dummy = "Dummy";
  const std::string stonith = "stonith", no_provider, fence = "fence_dummy";
  const RuleContext dummy_rsc = ForAgent(&ocf, &heartbeat, &dummy);
  const RuleContext fence_rsc = ForAgent(&stonith, &no_provider, &fence);
  EXPECT_FALSE(Holds(Rsc("ocf", "", "Dummy"), dummy_rsc));
  EXPECT_TRUE(Holds(Rsc("ocf", "heartbeat", "Dummy"), dummy_rsc));
  EXPECT_TRUE(Holds(Rsc("", "heartbeat", ""), dummy_rsc));
  EXPECT_FALSE(Holds(Rsc("ocf", "pacemaker", "Dummy"), dummy_rsc));
  EXPECT_FALSE(Holds(Rsc("", "", ""), dummy_rsc));
  EXPECT_TRUE(Holds(Rsc("stonith", "", ""), fence_rsc));
  EXPECT_TRUE(Holds(Rsc("", "", ""), fence_rsc));
  EXPECT_TRUE(Holds(Rsc("", "", "fence_dummy"), fence_rsc));
}

TEST_F(RuleTest, RscExpressionComparesClassAndTypeExactly) {
  const std::string ocf = "ocf", heartbeat = "heartbeat", dummy = "Dummy";
  const RuleContext c = ForAgent(&ocf, &heartbeat, &dummy);
  EXPECT_FALSE(Holds(Rsc("OCF", "heartbeat", "Dummy"), c));
  EXPECT_FALSE(Holds(Rsc("ocf", "heartbeat", "dummy"), c));
  EXPECT_FALSE(Holds(Rsc("ocf", "Heartbeat", "Dummy"), c));
  EXPECT_FALSE(Holds(Rsc("lsb", "heartbeat", ""), c));
}

TEST_F(RuleTest, RscExpressionMatchesAGroupOnlyWithoutClassProviderOrType) {
  // A group or a clone: a resource without an agent.
  const RuleContext group = ForAgent(nullptr, nullptr, nullptr);
  EXPECT_TRUE(Holds(Rsc("", "", ""), group));
  EXPECT_FALSE(Holds(Rsc("ocf", "", ""), group));
  EXPECT_FALSE(Holds(Rsc("", "heartbeat", ""), group));
  EXPECT_FALSE(Holds(Rsc("", "", "Dummy"), group));
}

TEST_F(RuleTest, RscExpressionWithoutAResourceDoesNotHold) {
  const Attributes node;
  EXPECT_FALSE(Holds(Rsc("", "", ""), RuleContext()));
  EXPECT_FALSE(Holds(Rsc("", "", ""), OnNode(node)));
}

TEST_F(RuleTest, OpExpressionMatchesTheNameAndAnyIntervalWhenNoneIsGiven) {
  const std::string monitor = "monitor";
  RuleContext c;
  c.op_name = &monitor;
  c.op_interval_ms = 0;  // the probe
  EXPECT_TRUE(Holds(Op("monitor"), c));
  EXPECT_TRUE(Holds(Op("monitor", 0), c));
  EXPECT_FALSE(Holds(Op("monitor", 10000), c));
  EXPECT_FALSE(Holds(Op("Monitor"), c));
  EXPECT_FALSE(Holds(Op("start"), c));
  c.op_interval_ms = 10000;
  EXPECT_TRUE(Holds(Op("monitor"), c));
  EXPECT_TRUE(Holds(Op("monitor", 10000), c));
  EXPECT_FALSE(Holds(Op("monitor", 0), c));
}

TEST_F(RuleTest, OpExpressionWithoutAnOperationDoesNotHold) {
  const std::string ocf = "ocf", heartbeat = "heartbeat", dummy = "Dummy";
  EXPECT_FALSE(Holds(Op("monitor"), RuleContext()));
  EXPECT_FALSE(Holds(Op("monitor"), ForAgent(&ocf, &heartbeat, &dummy)));
}

// ---------------------------------------------------------------------------------------------
// Date expressions.

TEST_F(RuleTest, DateInRangeIncludesBothBounds) {
  const int64_t start = Utc(2020, 1, 1), end = Utc(2020, 1, 31);
  const RuleExpression e = Date("in_range", start, end);
  EXPECT_FALSE(Holds(e, At(start - 1)));
  EXPECT_TRUE(Holds(e, At(start)));
  EXPECT_TRUE(Holds(e, At(Utc(2020, 1, 15, 12))));
  EXPECT_TRUE(Holds(e, At(end)));
  EXPECT_FALSE(Holds(e, At(end + 1)));
}

TEST_F(RuleTest, DateInRangeWithOneBoundIsOpenOnTheOtherSide) {
  const int64_t t = Utc(2020, 6, 1);
  EXPECT_TRUE(Holds(Date("in_range", std::nullopt, t), At(0)));
  EXPECT_TRUE(Holds(Date("in_range", std::nullopt, t), At(t)));
  EXPECT_FALSE(Holds(Date("in_range", std::nullopt, t), At(t + 1)));
  EXPECT_FALSE(Holds(Date("in_range", t, std::nullopt), At(t - 1)));
  EXPECT_TRUE(Holds(Date("in_range", t, std::nullopt), At(Utc(2099, 1, 1))));
  // Neither bound: never.
  EXPECT_FALSE(Holds(Date("in_range", std::nullopt, std::nullopt), At(t)));
}

TEST_F(RuleTest, DateGtAndLtAreStrict) {
  const int64_t t = Utc(2020, 1, 1, 12);
  EXPECT_FALSE(Holds(Date("gt", t, std::nullopt), At(t)));
  EXPECT_TRUE(Holds(Date("gt", t, std::nullopt), At(t + 1)));
  EXPECT_FALSE(Holds(Date("gt", t, std::nullopt), At(t - 1)));
  EXPECT_FALSE(Holds(Date("lt", std::nullopt, t), At(t)));
  EXPECT_TRUE(Holds(Date("lt", std::nullopt, t), At(t - 1)));
  EXPECT_FALSE(Holds(Date("lt", std::nullopt, t), At(t + 1)));
  // gt reads only the start, lt only the end.
  EXPECT_FALSE(Holds(Date("gt", std::nullopt, t), At(t + 100)));
  EXPECT_FALSE(Holds(Date("lt", t, std::nullopt), At(t - 100)));
}

TEST_F(RuleTest, DateInRangeEndsADurationAfterTheStartInclusive) {
  RuleExpression e = Date("in_range", Utc(2021, 1, 31), std::nullopt);
  e.duration = DateDuration{.months = 1};
  // January 31 plus a month is February 28 (2021 is no leap year).
  EXPECT_TRUE(Holds(e, At(Utc(2021, 2, 28))));
  EXPECT_FALSE(Holds(e, At(Utc(2021, 2, 28) + 1)));
  // And February 29 in a leap year.
  e.start = Utc(2020, 1, 31);
  EXPECT_TRUE(Holds(e, At(Utc(2020, 2, 29))));
  EXPECT_FALSE(Holds(e, At(Utc(2020, 2, 29) + 1)));
  // One day: matches at exactly +1d, not a second later.
  RuleExpression day = Date("in_range", Utc(2020, 5, 5, 10), std::nullopt);
  day.duration = DateDuration{.days = 1};
  EXPECT_TRUE(Holds(day, At(Utc(2020, 5, 6, 10))));
  EXPECT_FALSE(Holds(day, At(Utc(2020, 5, 6, 10, 0, 1))));
}

TEST_F(RuleTest, DateInRangeIgnoresTheDurationWhenAnEndIsGiven) {
  RuleExpression e = Date("in_range", Utc(2020, 1, 1), Utc(2020, 1, 2));
  e.duration = DateDuration{.years = 1};
  EXPECT_TRUE(Holds(e, At(Utc(2020, 1, 2))));
  EXPECT_FALSE(Holds(e, At(Utc(2020, 6, 1))));
}

TEST_F(RuleTest, DateSpecHourRangeRunsToTheEndOfTheLastHour) {
  const RuleExpression e = Spec(DateSpec::kHours, 9, 16);
  EXPECT_FALSE(Holds(e, At(Utc(2020, 3, 3, 8, 59, 59))));
  EXPECT_TRUE(Holds(e, At(Utc(2020, 3, 3, 9))));
  EXPECT_TRUE(Holds(e, At(Utc(2020, 3, 3, 16, 59, 59))));
  EXPECT_FALSE(Holds(e, At(Utc(2020, 3, 3, 17))));
}

TEST_F(RuleTest, DateSpecOpenRangesHaveOneBound) {
  const RuleExpression from_nine = Spec(DateSpec::kHours, 9, kOpenHigh);
  EXPECT_FALSE(Holds(from_nine, At(Utc(2020, 3, 3, 8, 59, 59))));
  EXPECT_TRUE(Holds(from_nine, At(Utc(2020, 3, 3, 23, 59, 59))));
  const RuleExpression to_sixteen = Spec(DateSpec::kHours, kOpenLow, 16);
  EXPECT_TRUE(Holds(to_sixteen, At(Utc(2020, 3, 3, 0))));
  EXPECT_FALSE(Holds(to_sixteen, At(Utc(2020, 3, 3, 17))));
  // A reversed range never matches.
  const RuleExpression reversed = Spec(DateSpec::kHours, 16, 9);
  for (int hour = 0; hour < 24; ++hour) EXPECT_FALSE(Holds(reversed, At(Utc(2020, 3, 3, hour)))) << hour;
}

TEST_F(RuleTest, DateSpecWeekdaysCountFromMonday) {
  // 2021-01-04 was a Monday, 2021-01-03 a Sunday.
  EXPECT_TRUE(Holds(Spec(DateSpec::kWeekdays, 1, 1), At(Utc(2021, 1, 4, 12))));
  EXPECT_FALSE(Holds(Spec(DateSpec::kWeekdays, 1, 1), At(Utc(2021, 1, 3, 12))));
  EXPECT_TRUE(Holds(Spec(DateSpec::kWeekdays, 7, 7), At(Utc(2021, 1, 3, 12))));
  // Monday to Friday.
  const RuleExpression workdays = Spec(DateSpec::kWeekdays, 1, 5);
  EXPECT_TRUE(Holds(workdays, At(Utc(2021, 1, 8))));   // Friday
  EXPECT_FALSE(Holds(workdays, At(Utc(2021, 1, 9))));  // Saturday
}

TEST_F(RuleTest, DateSpecWeeksAreIsoWeeksOfTheWeekYear) {
  // 2021-01-01, a Friday, is in week 53 of ISO year 2020; 2019-12-30 in week 1 of 2020.
  const int64_t new_year = Utc(2021, 1, 1, 10);
  EXPECT_TRUE(Holds(Spec(DateSpec::kWeekyears, 2020, 2020), At(new_year)));
  EXPECT_TRUE(Holds(Spec(DateSpec::kWeeks, 53, 53), At(new_year)));
  EXPECT_TRUE(Holds(Spec(DateSpec::kYears, 2021, 2021), At(new_year)));
  EXPECT_FALSE(Holds(Spec(DateSpec::kWeeks, 1, 1), At(new_year)));
  const int64_t before = Utc(2019, 12, 30, 10);
  EXPECT_TRUE(Holds(Spec(DateSpec::kWeekyears, 2020, 2020), At(before)));
  EXPECT_TRUE(Holds(Spec(DateSpec::kWeeks, 1, 1), At(before)));
  EXPECT_TRUE(Holds(Spec(DateSpec::kYears, 2019, 2019), At(before)));
  EXPECT_TRUE(Holds(Spec(DateSpec::kWeeks, 2, 2), At(Utc(2020, 1, 6))));
}

TEST_F(RuleTest, DateSpecCalendarFieldsAndDayOfYear) {
  const int64_t t = Utc(2020, 12, 31, 23, 45, 30);
  EXPECT_TRUE(Holds(Spec(DateSpec::kYeardays, 366, 366), At(t)));
  EXPECT_TRUE(Holds(Spec(DateSpec::kMonths, 12, 12), At(t)));
  EXPECT_TRUE(Holds(Spec(DateSpec::kMonthdays, 31, 31), At(t)));
  EXPECT_TRUE(Holds(Spec(DateSpec::kMinutes, 45, 45), At(t)));
  EXPECT_TRUE(Holds(Spec(DateSpec::kSeconds, 30, 30), At(t)));
  EXPECT_FALSE(Holds(Spec(DateSpec::kSeconds, 31, 59), At(t)));
  EXPECT_TRUE(Holds(Spec(DateSpec::kYeardays, 1, 1), At(Utc(2021, 1, 1))));
  EXPECT_TRUE(Holds(Spec(DateSpec::kYeardays, 60, 60), At(Utc(2020, 2, 29))));
  // Every field must hold.
  RuleExpression both = Spec(DateSpec::kMonths, 12, 12);
  both.spec.fields[DateSpec::kMonthdays] = DateSpec::Range{1, 30};
  EXPECT_FALSE(Holds(both, At(t)));
  // No field at all: always.
  RuleExpression none = Spec(DateSpec::kHours, 0, 0);
  none.spec.fields[DateSpec::kHours].reset();
  EXPECT_TRUE(Holds(none, At(t)));
}

TEST_F(RuleTest, DateSpecReadsTheLocalTime) {
  // 10:30 UTC is 15:30 at UTC+5 (POSIX writes the offset with the other sign).
  const int64_t t = Utc(2020, 1, 10, 10, 30);
  EXPECT_TRUE(Holds(Spec(DateSpec::kHours, 10, 10), At(t)));
  SetTimeZone("XXX-5");
  EXPECT_TRUE(Holds(Spec(DateSpec::kHours, 15, 15), At(t)));
  EXPECT_FALSE(Holds(Spec(DateSpec::kHours, 10, 10), At(t)));
  // The local date too: 22:00 UTC on Sunday 2021-01-03 is Monday at UTC+5.
  EXPECT_TRUE(Holds(Spec(DateSpec::kWeekdays, 1, 1), At(Utc(2021, 1, 3, 22))));
}

// ---------------------------------------------------------------------------------------------
// ISO 8601 dates and durations.

TEST_F(IsoDateTimeTest, CalendarDateAloneIsMidnightUtc) {
  EXPECT_EQ(ParseIsoDateTime("2019-09-23"), Utc(2019, 9, 23));
  // Not local midnight, in any zone.
  SetTimeZone("XXX-3");
  EXPECT_EQ(ParseIsoDateTime("2019-09-23"), Utc(2019, 9, 23));
  EXPECT_EQ(ParseIsoDateTime("1970-01-01"), 0);
}

TEST_F(IsoDateTimeTest, OrdinalDates) {
  EXPECT_EQ(ParseIsoDateTime("2005-001"), Utc(2005, 1, 1));
  EXPECT_EQ(ParseIsoDateTime("2005-032"), Utc(2005, 2, 1));
  EXPECT_EQ(ParseIsoDateTime("2004-366"), Utc(2004, 12, 31));
  EXPECT_EQ(ParseIsoDateTime("2005-365 12:00:00Z"), Utc(2005, 12, 31, 12));
  EXPECT_EQ(ParseIsoDateTime("2005-366"), std::nullopt);
  EXPECT_EQ(ParseIsoDateTime("2005-000"), std::nullopt);
}

TEST_F(IsoDateTimeTest, WeekDates) {
  // Week 1 is the week of 4 January, starting on Monday.
  EXPECT_EQ(ParseIsoDateTime("2005-W01-1"), Utc(2005, 1, 3));
  EXPECT_EQ(ParseIsoDateTime("2005-W01-7"), Utc(2005, 1, 9));
  EXPECT_EQ(ParseIsoDateTime("2020-W01-1"), Utc(2019, 12, 30));
  EXPECT_EQ(ParseIsoDateTime("2009-W53-7"), Utc(2010, 1, 3));
  EXPECT_EQ(ParseIsoDateTime("2005-W02-3 06:00:00Z"), Utc(2005, 1, 12, 6));
  // 2005 has 52 weeks.
  EXPECT_EQ(ParseIsoDateTime("2005-W53-1"), std::nullopt);
  EXPECT_EQ(ParseIsoDateTime("2005-W01-8"), std::nullopt);
}

TEST_F(IsoDateTimeTest, BasicDateWithoutDashes) {
  EXPECT_EQ(ParseIsoDateTime("20050101"), Utc(2005, 1, 1));
  EXPECT_EQ(ParseIsoDateTime("20200229 12:00:00Z"), Utc(2020, 2, 29, 12));
  EXPECT_EQ(ParseIsoDateTime("20190920 21:00:00 -05:00"), Utc(2019, 9, 21, 2));
  EXPECT_EQ(ParseIsoDateTime("20051301"), std::nullopt);
  EXPECT_EQ(ParseIsoDateTime("20050229"), std::nullopt);
}

TEST_F(IsoDateTimeTest, TimeAfterABlankOrAT) {
  EXPECT_EQ(ParseIsoDateTime("2005-01-01 12:34:56Z"), Utc(2005, 1, 1, 12, 34, 56));
  EXPECT_EQ(ParseIsoDateTime("2005-01-01T12:34:56Z"), Utc(2005, 1, 1, 12, 34, 56));
  EXPECT_EQ(ParseIsoDateTime("2005-01-01T12:34Z"), Utc(2005, 1, 1, 12, 34));
  EXPECT_EQ(ParseIsoDateTime("2005-01-01 12Z"), Utc(2005, 1, 1, 12));
  // 24:00:00 is the end of the day: midnight of the next.
  EXPECT_EQ(ParseIsoDateTime("2005-12-31 24:00:00Z"), Utc(2006, 1, 1));
}

TEST_F(IsoDateTimeTest, OffsetsZAndHoursAndMinutes) {
  EXPECT_EQ(ParseIsoDateTime("2005-01-01 12:00:00 Z"), Utc(2005, 1, 1, 12));
  EXPECT_EQ(ParseIsoDateTime("2005-01-01 12:00:00 +02:00"), Utc(2005, 1, 1, 10));
  EXPECT_EQ(ParseIsoDateTime("2005-01-01 12:00:00 -05:00"), Utc(2005, 1, 1, 17));
  EXPECT_EQ(ParseIsoDateTime("2005-01-01 12:00:00 -05"), Utc(2005, 1, 1, 17));
  EXPECT_EQ(ParseIsoDateTime("2005-01-01 12:00:00 +0530"), Utc(2005, 1, 1, 6, 30));
  EXPECT_EQ(ParseIsoDateTime("2019-09-20 21:00:00 -05:00"), Utc(2019, 9, 21, 2));
  // An offset crossing midnight backwards.
  EXPECT_EQ(ParseIsoDateTime("2005-01-01 01:00:00 +02:00"), Utc(2004, 12, 31, 23));
}

TEST_F(IsoDateTimeTest, OffsetRightAfterATTimeIsHonoured) {
  // Pacemaker 2.1.5 ignores it and reads local time; Vigil reads it as written (rule.cc says so).
  SetTimeZone("XXX-3");
  EXPECT_EQ(ParseIsoDateTime("2005-01-01T12:00:00+05:00"), Utc(2005, 1, 1, 7));
  EXPECT_EQ(ParseIsoDateTime("2005-01-01T12:00:00-05:00"), Utc(2005, 1, 1, 17));
}

TEST_F(IsoDateTimeTest, WithoutAnOffsetTheTimeIsLocal) {
  EXPECT_EQ(ParseIsoDateTime("2005-01-01 12:00:00"), Utc(2005, 1, 1, 12));
  SetTimeZone("XXX-3");  // UTC+3
  EXPECT_EQ(ParseIsoDateTime("2005-01-01 12:00:00"), Utc(2005, 1, 1, 9));
  EXPECT_EQ(ParseIsoDateTime("2005-01-01T01:30"), Utc(2004, 12, 31, 22, 30));
  // An explicit offset still wins.
  EXPECT_EQ(ParseIsoDateTime("2005-01-01 12:00:00Z"), Utc(2005, 1, 1, 12));
}

TEST_F(IsoDateTimeTest, InvalidDatesAndTimesAreRefused) {
  // All refused by Pacemaker 2.1.5's iso8601 too.
  for (const char* text : {"", "garbage", "yesterday", "2005-13-01", "2005-00-10", "2005-01-32", "2005-02-29",
                           "2005-04-31", "1900-02-29", "2005-01-01 25:00:00", "2005-01-01 12:60:00",
                           "2005-01-01 24:00:01"}) {
    EXPECT_EQ(ParseIsoDateTime(text), std::nullopt) << text;
  }
  EXPECT_EQ(ParseIsoDateTime("2004-02-29"), Utc(2004, 2, 29));
  EXPECT_EQ(ParseIsoDateTime("2000-02-29"), Utc(2000, 2, 29));
}

TEST_F(IsoDateTimeTest, EpochIsTheStartOfTheEpoch) {
  // Pacemaker 2.1.5 reads "epoch" as 1970-01-01 00:00:00Z (iso8601 -d epoch; a date_expression
  // start="epoch" validates against pacemaker-3.9 and holds).
  EXPECT_EQ(ParseIsoDateTime("epoch"), 0);
}

TEST_F(IsoDateTimeTest, CompactTimeWithoutColonsIsRead) {
  // Pacemaker 2.1.5 reads "HHMMSS" after the date (iso8601 -d "2005-01-01 120000Z").
  EXPECT_EQ(ParseIsoDateTime("2005-01-01 120000Z"), Utc(2005, 1, 1, 12));
  EXPECT_EQ(ParseIsoDateTime("2005-01-01T083015Z"), Utc(2005, 1, 1, 8, 30, 15));
}

TEST_F(AddDurationTest, IsoDurationsReadAsCrmResourceLifetimes) {
  const auto all = ParseIsoDuration("P1Y2M3W4DT5H6M7S");
  ASSERT_TRUE(all.has_value());
  EXPECT_EQ(all->years, 1);
  EXPECT_EQ(all->months, 2);
  EXPECT_EQ(all->weeks, 3);
  EXPECT_EQ(all->days, 4);
  EXPECT_EQ(all->hours, 5);
  EXPECT_EQ(all->minutes, 6);
  EXPECT_EQ(all->seconds, 7);
  // M is months before T, minutes after it.
  EXPECT_EQ(ParseIsoDuration("PT1M")->minutes, 1);
  EXPECT_EQ(ParseIsoDuration("P1M")->months, 1);
  EXPECT_EQ(AddDuration(Utc(2020, 1, 31), *ParseIsoDuration("P1MT1H")), Utc(2020, 2, 29, 1));
  for (const char* bad : {"", "P", "PT", "1H", "PT1", "P1H", "PT1D", "P-1D", "P1.5D", "PT1H1H2", "P1DTT1H", "10s", "PT99999999999S"}) {
    EXPECT_FALSE(ParseIsoDuration(bad).has_value()) << bad;
  }
}

TEST_F(AddDurationTest, MonthsClampTheDayToTheEndOfTheMonth) {
  EXPECT_EQ(AddDuration(Utc(2021, 1, 31), DateDuration{.months = 1}), Utc(2021, 2, 28));
  EXPECT_EQ(AddDuration(Utc(2020, 1, 31), DateDuration{.months = 1}), Utc(2020, 2, 29));
  EXPECT_EQ(AddDuration(Utc(2020, 3, 31, 6, 7, 8), DateDuration{.months = 1}), Utc(2020, 4, 30, 6, 7, 8));
  EXPECT_EQ(AddDuration(Utc(2020, 1, 15), DateDuration{.months = 1}), Utc(2020, 2, 15));
}

TEST_F(AddDurationTest, MonthsCarryIntoYearsBothWays) {
  EXPECT_EQ(AddDuration(Utc(2020, 12, 15), DateDuration{.months = 1}), Utc(2021, 1, 15));
  EXPECT_EQ(AddDuration(Utc(2020, 11, 30), DateDuration{.months = 15}), Utc(2022, 2, 28));
  EXPECT_EQ(AddDuration(Utc(2020, 1, 15), DateDuration{.months = -1}), Utc(2019, 12, 15));
  EXPECT_EQ(AddDuration(Utc(2020, 3, 31), DateDuration{.months = -1}), Utc(2020, 2, 29));
  EXPECT_EQ(AddDuration(Utc(2020, 1, 15), DateDuration{.months = -13}), Utc(2018, 12, 15));
}

TEST_F(AddDurationTest, YearsWeeksDaysAndClockTimeAddUp) {
  EXPECT_EQ(AddDuration(Utc(2019, 1, 15), DateDuration{.years = 1}), Utc(2020, 1, 15));
  EXPECT_EQ(AddDuration(Utc(2020, 2, 27), DateDuration{.days = 2}), Utc(2020, 2, 29));
  EXPECT_EQ(AddDuration(Utc(2020, 12, 25), DateDuration{.weeks = 1}), Utc(2021, 1, 1));
  EXPECT_EQ(AddDuration(Utc(2020, 1, 1), DateDuration{.hours = 25, .minutes = 61, .seconds = 61}),
            Utc(2020, 1, 2, 2, 2, 1));
  EXPECT_EQ(AddDuration(Utc(2020, 1, 1), DateDuration{.days = -1}), Utc(2019, 12, 31));
  // Months before days: January 31 plus a month and a day is March 1.
  EXPECT_EQ(AddDuration(Utc(2021, 1, 31), DateDuration{.months = 1, .days = 1}), Utc(2021, 3, 1));
  EXPECT_EQ(AddDuration(Utc(2021, 1, 31, 12), DateDuration{}), Utc(2021, 1, 31, 12));
}

// ---------------------------------------------------------------------------------------------
// ResolveSets.

AttributeSet Set(Attributes values, std::vector<Rule> rules = {}) {
  AttributeSet s;
  s.values = std::move(values);
  s.rules = std::move(rules);
  return s;
}

TEST_F(ResolveSetsTest, FirstSetToGiveANameWins) {
  Attributes out;
  ResolveSets({Set({{"a", "1"}}), Set({{"a", "2"}, {"b", "2"}})}, RuleContext(), out);
  EXPECT_EQ(out, (Attributes{{"a", "1"}, {"b", "2"}}));
}

TEST_F(ResolveSetsTest, ValuesAlreadyThereWin) {
  Attributes out{{"a", "own"}};
  ResolveSets({Set({{"a", "set"}, {"b", "set"}})}, RuleContext(), out);
  EXPECT_EQ(out, (Attributes{{"a", "own"}, {"b", "set"}}));
}

TEST_F(ResolveSetsTest, SetWhoseRulesFailIsSkipped) {
  const Attributes node{{"#uname", "node2"}};
  const Rule on_node1 = All({Attr("#uname", "eq", "node1")});
  const Rule on_node2 = All({Attr("#uname", "eq", "node2")});
  Attributes out;
  ResolveSets({Set({{"ip", "1"}}, {on_node1}), Set({{"ip", "2"}}, {on_node2}), Set({{"ip", "9"}})}, OnNode(node), out);
  EXPECT_EQ(out, (Attributes{{"ip", "2"}}));
  // One rule of several holding is enough.
  Attributes either;
  ResolveSets({Set({{"ip", "1"}}, {on_node1, on_node2})}, OnNode(node), either);
  EXPECT_EQ(either, (Attributes{{"ip", "1"}}));
}

TEST_F(ResolveSetsTest, DefaultTakesBackAnEarlierValue) {
  Attributes out;
  ResolveSets({Set({{"a", "1"}, {"b", "1"}}), Set({{"a", "#default"}})}, RuleContext(), out);
  EXPECT_EQ(out, (Attributes{{"b", "1"}}));
  // A later set may then give the name a value again; "#default" itself is never stored.
  Attributes again;
  ResolveSets({Set({{"a", "1"}}), Set({{"a", "#DEFAULT"}}), Set({{"a", "3"}})}, RuleContext(), again);
  EXPECT_EQ(again, (Attributes{{"a", "3"}}));
  Attributes alone;
  ResolveSets({Set({{"a", "#Default"}})}, RuleContext(), alone);
  EXPECT_TRUE(alone.empty());
}

TEST_F(ResolveSetsTest, DefaultInASetWhoseRuleFailsTakesNothingBack) {
  Attributes out{{"a", "own"}};
  ResolveSets({Set({{"a", "#default"}}, {Any({})})}, RuleContext(), out);
  EXPECT_EQ(out, (Attributes{{"a", "own"}}));
}

// ---------------------------------------------------------------------------------------------
// Rules read from a CIB.

struct CibParts {
  std::string cib_attributes;
  std::string crm_config;
  std::string nodes = R"(<node id="1" uname="node1"/><node id="2" uname="node2"/>)";
  std::string resources = R"(<primitive id="R" class="ocf" provider="heartbeat" type="Dummy"/>)";
  std::string constraints;
  std::string defaults;  // rsc_defaults and op_defaults
  std::string status;
};

std::string Xml(const CibParts& p) {
  return "<cib epoch=\"1\" num_updates=\"0\" admin_epoch=\"0\" " + p.cib_attributes + ">\n<configuration><crm_config>" +
         p.crm_config + "</crm_config>\n<nodes>" + p.nodes + "</nodes>\n<resources>" + p.resources +
         "</resources>\n<constraints>" + p.constraints + "</constraints>\n" + p.defaults + "</configuration>\n<status>" +
         p.status + "</status></cib>";
}

// The model of a CIB that must parse.
Model Read(const CibParts& parts, int64_t now = Utc(2020, 6, 1)) {
  auto cib = Cib::Parse(Xml(parts), "test.xml", now);
  EXPECT_TRUE(cib.ok()) << cib.status().message();
  return cib.ok() ? cib->model() : Model();
}

std::string Find(const Attributes& a, const std::string& name) {
  const auto it = a.find(name);
  return it == a.end() ? "(none)" : it->second;
}

TEST_F(RuleCibTest, LocationRulesAreReadWithTheirScoresAndExpressions) {
  CibParts parts;
  parts.constraints = R"(
    <rsc_location id="L" rsc="R">
      <rule id="r1" score="100" boolean-op="or" role="Promoted">
        <expression id="e1" attribute="#uname" operation="eq" value="node1"/>
        <expression id="e2" attribute="cpus" operation="gte" value="4" type="integer"/>
        <expression id="e3" attribute="addr" operation="eq" value="ip" value-source="param"/>
        <expression id="e4" attribute="x" operation="ne" value="y" value-source="literal"/>
      </rule>
      <rule id="r2" score-attribute="pref">
        <expression id="e5" attribute="pref" operation="defined"/>
        <rule id="r2a" score="-INFINITY" boolean-op="or">
          <date_expression id="d1" operation="lt" end="2030-01-01"/>
          <rsc_expression id="x1" class="ocf"/>
        </rule>
      </rule>
    </rsc_location>)";
  const Model m = Read(parts);
  ASSERT_EQ(m.locations.size(), 1u);
  const Location& l = m.locations[0];
  EXPECT_EQ(l.rsc, "R");
  EXPECT_EQ(l.node, "");
  ASSERT_EQ(l.rules.size(), 2u);

  const Rule& r1 = l.rules[0];
  EXPECT_EQ(r1.id, "r1");
  EXPECT_EQ(r1.score, 100);
  EXPECT_TRUE(r1.any);
  EXPECT_EQ(r1.role, "Promoted");
  ASSERT_EQ(r1.expressions.size(), 4u);
  EXPECT_EQ(r1.expressions[0].kind, RuleExpression::Kind::kAttribute);
  EXPECT_EQ(r1.expressions[0].attribute, "#uname");
  EXPECT_EQ(r1.expressions[0].operation, "eq");
  EXPECT_EQ(r1.expressions[0].value, "node1");
  EXPECT_EQ(r1.expressions[1].type, "integer");
  EXPECT_EQ(r1.expressions[1].operation, "gte");
  EXPECT_EQ(r1.expressions[2].value_source, "param");
  EXPECT_EQ(r1.expressions[2].value, "ip");
  EXPECT_EQ(r1.expressions[3].value_source, "");  // literal is the value itself

  const Rule& r2 = l.rules[1];
  EXPECT_EQ(r2.score, std::nullopt);
  EXPECT_EQ(r2.score_attribute, "pref");
  EXPECT_FALSE(r2.any);
  ASSERT_EQ(r2.expressions.size(), 2u);
  EXPECT_EQ(r2.expressions[0].operation, "defined");
  EXPECT_EQ(r2.expressions[0].value, std::nullopt);
  ASSERT_EQ(r2.expressions[1].kind, RuleExpression::Kind::kRule);
  ASSERT_EQ(r2.expressions[1].nested.size(), 1u);
  const Rule& inner = r2.expressions[1].nested[0];
  // A nested rule's score plays no part.
  EXPECT_EQ(inner.score, std::nullopt);
  EXPECT_TRUE(inner.any);
  ASSERT_EQ(inner.expressions.size(), 2u);
  EXPECT_EQ(inner.expressions[0].kind, RuleExpression::Kind::kDate);
  EXPECT_EQ(inner.expressions[0].end, Utc(2030, 1, 1));
  EXPECT_EQ(inner.expressions[1].kind, RuleExpression::Kind::kResource);
  EXPECT_EQ(inner.expressions[1].standard, "ocf");
  EXPECT_TRUE(r2.UsesDate());
  EXPECT_FALSE(r1.UsesDate());
  EXPECT_TRUE(m.time_dependent);
}

TEST_F(RuleCibTest, LocationRulesHoldOnTheNodesTheyName) {
  CibParts parts;
  parts.nodes = R"(<node id="1" uname="node1"><instance_attributes id="n1"><nvpair id="n1a" name="cpus" value="8"/></instance_attributes></node>
                   <node id="2" uname="node2"><instance_attributes id="n2"><nvpair id="n2a" name="cpus" value="10"/></instance_attributes></node>)";
  parts.resources = R"(<primitive id="R" class="ocf" provider="heartbeat" type="IPaddr2">
      <instance_attributes id="Ri"><nvpair id="Ri1" name="ip" value="10.0.0.2"/></instance_attributes></primitive>)";
  parts.constraints = R"(
    <rsc_location id="L" rsc="R">
      <rule id="big" score="10"><expression id="e1" attribute="cpus" operation="gt" value="9"/></rule>
      <rule id="none" score="5"><expression id="e2" attribute="zone" operation="eq" value=""/></rule>
    </rsc_location>)";
  const Model m = Read(parts);
  ASSERT_EQ(m.locations.size(), 1u);
  const Primitive* r = m.FindPrimitive("R");
  ASSERT_NE(r, nullptr);
  auto holds = [&](const Rule& rule, const std::string& uname) {
    const Attributes node = m.NodeAttributes(uname);
    const Attributes params = m.ParamsOn(*r, node);
    RuleContext c;
    c.node = &node;
    c.now = m.evaluated_at;
    c.location = true;
    c.params = &params;
    c.meta = &r->meta;
    return RuleMatches(rule, c);
  };
  // cpus 8 and 10 compared as integers, not as text.
  EXPECT_FALSE(holds(m.locations[0].rules[0], "node1"));
  EXPECT_TRUE(holds(m.locations[0].rules[0], "node2"));
  // value="" in a location rule is no value: equal to the missing attribute.
  EXPECT_TRUE(holds(m.locations[0].rules[1], "node1"));
}

TEST_F(RuleCibTest, ExpressionWithoutValueIsReadAsNoValue) {
  // Valid in the schema; Pacemaker compares with no value: eq holds where the attribute is
  // missing, ne where it is set.
  CibParts parts;
  parts.constraints = R"(
    <rsc_location id="L" rsc="R">
      <rule id="r1" score="10"><expression id="e1" attribute="standby" operation="eq"/></rule>
      <rule id="r2" score="20"><expression id="e2" attribute="standby" operation="ne"/></rule>
    </rsc_location>)";
  const Model m = Read(parts);
  ASSERT_EQ(m.locations.size(), 1u);
  ASSERT_EQ(m.locations[0].rules.size(), 2u);
  const Rule& eq = m.locations[0].rules[0];
  const Rule& ne = m.locations[0].rules[1];
  ASSERT_EQ(eq.expressions.size(), 1u);
  EXPECT_EQ(eq.expressions[0].value, std::nullopt);
  const Attributes without;
  const Attributes with{{"standby", "off"}};
  RuleContext c = OnNode(without);
  c.location = true;
  EXPECT_TRUE(RuleMatches(eq, c));
  EXPECT_FALSE(RuleMatches(ne, c));
  c.node = &with;
  EXPECT_FALSE(RuleMatches(eq, c));
  EXPECT_TRUE(RuleMatches(ne, c));
}

TEST_F(RuleCibTest, LocationRuleIdRefTakesTheReferencedRule) {
  CibParts parts;
  parts.resources += R"(<primitive id="S" class="ocf" provider="heartbeat" type="Dummy"/>)";
  parts.constraints = R"(
    <rsc_location id="L1" rsc="R">
      <rule id="shared" score="42" boolean-op="or"><expression id="e1" attribute="#uname" operation="eq" value="node2"/></rule>
    </rsc_location>
    <rsc_location id="L2" rsc="S"><rule id-ref="shared" score="7"/></rsc_location>)";
  const Model m = Read(parts);
  ASSERT_EQ(m.locations.size(), 2u);
  ASSERT_EQ(m.locations[1].rules.size(), 1u);
  const Rule& r = m.locations[1].rules[0];
  EXPECT_EQ(r.id, "shared");
  EXPECT_EQ(r.score, 42);
  EXPECT_TRUE(r.any);
  ASSERT_EQ(r.expressions.size(), 1u);
  EXPECT_EQ(r.expressions[0].value, "node2");
}

TEST_F(RuleCibTest, DateSpecRangesAreRead) {
  CibParts parts;
  parts.constraints = R"(
    <rsc_location id="L" rsc="R"><rule id="r" score="1">
      <date_expression id="d" operation="date_spec">
        <date_spec id="s" hours="9-" minutes="-29" weekdays="1-5" monthdays="09" yearsdays="1"/>
      </date_expression>
    </rule></rsc_location>)";
  const Model m = Read(parts);
  ASSERT_EQ(m.locations.size(), 1u);
  const Rule& rule = m.locations[0].rules[0];
  const RuleExpression& e = rule.expressions.at(0);
  ASSERT_EQ(e.kind, RuleExpression::Kind::kDate);
  EXPECT_EQ(e.operation, "date_spec");
  const auto& f = e.spec.fields;
  ASSERT_TRUE(f[DateSpec::kHours].has_value());
  EXPECT_EQ(f[DateSpec::kHours]->low, 9);
  ASSERT_TRUE(f[DateSpec::kMinutes].has_value());
  EXPECT_EQ(f[DateSpec::kMinutes]->high, 29);
  ASSERT_TRUE(f[DateSpec::kWeekdays].has_value());
  EXPECT_EQ(f[DateSpec::kWeekdays]->low, 1);
  EXPECT_EQ(f[DateSpec::kWeekdays]->high, 5);
  ASSERT_TRUE(f[DateSpec::kMonthdays].has_value());
  EXPECT_EQ(f[DateSpec::kMonthdays]->low, 9);
  EXPECT_EQ(f[DateSpec::kMonthdays]->high, 9);
  // The schema's "yearsdays" is not read (only "yeardays" is), as in Pacemaker.
  EXPECT_FALSE(f[DateSpec::kYeardays].has_value());
  EXPECT_FALSE(f[DateSpec::kYears].has_value());
  // Wednesday 2020-12-09 (day 344 of the year): from 9:00, in the first half of each hour.
  EXPECT_TRUE(RuleMatches(rule, At(Utc(2020, 12, 9, 10, 15))));
  EXPECT_TRUE(RuleMatches(rule, At(Utc(2020, 12, 9, 23, 29, 59))));
  EXPECT_FALSE(RuleMatches(rule, At(Utc(2020, 12, 9, 10, 30))));
  EXPECT_FALSE(RuleMatches(rule, At(Utc(2020, 12, 9, 8, 15))));
  EXPECT_FALSE(RuleMatches(rule, At(Utc(2020, 12, 10, 10, 15))));  // the 10th
  EXPECT_FALSE(RuleMatches(rule, At(Utc(2021, 1, 9, 10, 15))));    // a Saturday
}

TEST_F(RuleCibTest, DateExpressionDurationIsRead) {
  CibParts parts;
  parts.constraints = R"(
    <rsc_location id="L" rsc="R"><rule id="r" score="1">
      <date_expression id="d" start="2021-01-31"><duration id="du" months="1" hours="6"/></date_expression>
    </rule></rsc_location>)";
  const Model m = Read(parts);
  ASSERT_EQ(m.locations.size(), 1u);
  const RuleExpression& e = m.locations[0].rules[0].expressions.at(0);
  EXPECT_EQ(e.operation, "in_range");  // the default
  EXPECT_EQ(e.start, Utc(2021, 1, 31));
  EXPECT_EQ(e.end, std::nullopt);
  ASSERT_TRUE(e.duration.has_value());
  EXPECT_EQ(e.duration->months, 1);
  EXPECT_EQ(e.duration->hours, 6);
  EXPECT_EQ(e.duration->days, 0);
  EXPECT_TRUE(Holds(e, At(Utc(2021, 2, 28, 6))));
  EXPECT_FALSE(Holds(e, At(Utc(2021, 2, 28, 6, 0, 1))));
}

TEST_F(RuleCibTest, BootstrapOptionsComeFirstWhateverTheScores) {
  CibParts parts;
  parts.crm_config = R"(
    <cluster_property_set id="extra" score="100">
      <nvpair id="x1" name="symmetric-cluster" value="false"/>
      <nvpair id="x2" name="no-quorum-policy" value="freeze"/>
    </cluster_property_set>
    <cluster_property_set id="cib-bootstrap-options">
      <nvpair id="b1" name="symmetric-cluster" value="true"/>
    </cluster_property_set>
    <cluster_property_set id="low" score="5">
      <nvpair id="l1" name="no-quorum-policy" value="ignore"/>
      <nvpair id="l2" name="cluster-name" value="low"/>
    </cluster_property_set>)";
  const Model m = Read(parts);
  EXPECT_EQ(Find(m.properties, "symmetric-cluster"), "true");
  // Among the others the higher score wins.
  EXPECT_EQ(Find(m.properties, "no-quorum-policy"), "freeze");
  EXPECT_EQ(Find(m.properties, "cluster-name"), "low");
}

TEST_F(RuleCibTest, EqualScoreSetsLetTheLastInTheDocumentWin) {
  CibParts parts;
  parts.crm_config = R"(
    <cluster_property_set id="cib-bootstrap-options"><nvpair id="b1" name="stonith-enabled" value="false"/></cluster_property_set>
    <cluster_property_set id="one"><nvpair id="o1" name="cluster-name" value="one"/></cluster_property_set>
    <cluster_property_set id="two"><nvpair id="t1" name="cluster-name" value="two"/></cluster_property_set>)";
  EXPECT_EQ(Find(Read(parts).properties, "cluster-name"), "two");
  // The same for a resource's meta attributes.
  parts.resources = R"(<primitive id="R" class="ocf" provider="heartbeat" type="Dummy">
      <meta_attributes id="m1"><nvpair id="m1a" name="target-role" value="Stopped"/></meta_attributes>
      <meta_attributes id="m2"><nvpair id="m2a" name="target-role" value="Started"/></meta_attributes>
      <meta_attributes id="m3" score="1"><nvpair id="m3a" name="resource-stickiness" value="3"/></meta_attributes>
      <meta_attributes id="m4"><nvpair id="m4a" name="resource-stickiness" value="4"/></meta_attributes>
    </primitive>)";
  const Model m = Read(parts);
  const Primitive* r = m.FindPrimitive("R");
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(Find(r->meta, "target-role"), "Started");
  EXPECT_EQ(Find(r->meta, "resource-stickiness"), "3");
}

TEST_F(RuleCibTest, ClusterOptionRulesSeeTheDateButNoNode) {
  CibParts parts;
  parts.crm_config = R"(
    <cluster_property_set id="night" score="10">
      <rule id="nr"><date_expression id="nd" operation="date_spec"><date_spec id="ns" hours="0-5"/></date_expression></rule>
      <nvpair id="n1" name="stonith-timeout" value="night"/>
    </cluster_property_set>
    <cluster_property_set id="node1only" score="5">
      <rule id="ur"><expression id="ue" attribute="#uname" operation="ne" value="nobody"/></rule>
      <nvpair id="u1" name="stonith-timeout" value="node"/>
    </cluster_property_set>
    <cluster_property_set id="day"><nvpair id="d1" name="stonith-timeout" value="day"/></cluster_property_set>)";
  EXPECT_EQ(Find(Read(parts, Utc(2020, 6, 1, 3)).properties, "stonith-timeout"), "night");
  EXPECT_EQ(Find(Read(parts, Utc(2020, 6, 1, 12)).properties, "stonith-timeout"), "day");
}

TEST_F(RuleCibTest, MetaRuleIsEvaluatedAtTheExecutionDate) {
  // execution-date 1580515200 is 2020-02-01 00:00:00Z.
  CibParts parts;
  parts.cib_attributes = R"(execution-date="1580515200")";
  parts.resources = R"(<primitive id="R" class="ocf" provider="heartbeat" type="Dummy">
      <meta_attributes id="off" score="10">
        <rule id="r"><date_expression id="d" start="2020-01-15" end="2020-02-15"/></rule>
        <nvpair id="o1" name="target-role" value="Stopped"/>
      </meta_attributes>
      <meta_attributes id="on"><nvpair id="o2" name="target-role" value="Started"/></meta_attributes>
    </primitive>)";
  // `now` is far outside the range: the execution date is what counts.
  const Model m = Read(parts, Utc(2024, 1, 1));
  EXPECT_EQ(m.execution_date, 1580515200);
  EXPECT_EQ(m.evaluated_at, 1580515200);
  EXPECT_TRUE(m.time_dependent);
  const Primitive* r = m.FindPrimitive("R");
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(Find(r->meta, "target-role"), "Stopped");
  // Outside the range, the lower set applies.
  parts.cib_attributes = R"(execution-date="1583020800")";  // 2020-03-01
  const Model later = Read(parts, Utc(2020, 2, 1));
  ASSERT_NE(later.FindPrimitive("R"), nullptr);
  EXPECT_EQ(Find(later.FindPrimitive("R")->meta, "target-role"), "Started");
  // Without an execution date, `now`.
  parts.cib_attributes.clear();
  const Model now = Read(parts, Utc(2020, 2, 1));
  EXPECT_EQ(now.evaluated_at, Utc(2020, 2, 1));
  ASSERT_NE(now.FindPrimitive("R"), nullptr);
  EXPECT_EQ(Find(now.FindPrimitive("R")->meta, "target-role"), "Stopped");
}

TEST_F(RuleCibTest, ReadAtEvaluatesTheRulesAgainAtAnotherMoment) {
  CibParts parts;
  parts.cib_attributes = R"(execution-date="1580515200")";
  parts.resources = R"(<primitive id="R" class="ocf" provider="heartbeat" type="Dummy">
      <meta_attributes id="off"><rule id="r"><date_expression id="d" operation="lt" end="2020-02-15"/></rule>
        <nvpair id="o1" name="target-role" value="Stopped"/></meta_attributes>
    </primitive>)";
  auto cib = Cib::Parse(Xml(parts), "test.xml");
  ASSERT_TRUE(cib.ok()) << cib.status().message();
  ASSERT_NE(cib->model().FindPrimitive("R"), nullptr);
  EXPECT_EQ(Find(cib->model().FindPrimitive("R")->meta, "target-role"), "Stopped");
  auto later = cib->ReadAt(Utc(2020, 2, 15));  // lt is strict
  ASSERT_TRUE(later.ok()) << later.status().message();
  EXPECT_EQ(later->evaluated_at, Utc(2020, 2, 15));
  ASSERT_NE(later->FindPrimitive("R"), nullptr);
  EXPECT_EQ(Find(later->FindPrimitive("R")->meta, "target-role"), "(none)");
}

TEST_F(RuleCibTest, MetaRulesSeeTheResourceButNoNode) {
  CibParts parts;
  parts.resources = R"(<primitive id="R" class="ocf" provider="heartbeat" type="Dummy">
      <meta_attributes id="m1"><rule id="r1"><expression id="e1" attribute="#uname" operation="not_defined"/></rule>
        <nvpair id="m1a" name="from-node-rule" value="yes"/></meta_attributes>
      <meta_attributes id="m2"><rule id="r2"><rsc_expression id="x2" class="ocf" provider="heartbeat" type="Dummy"/></rule>
        <nvpair id="m2a" name="from-rsc-rule" value="yes"/></meta_attributes>
      <meta_attributes id="m3"><rule id="r3"><rsc_expression id="x3" class="ocf" type="Dummy"/></rule>
        <nvpair id="m3a" name="from-providerless-rule" value="yes"/></meta_attributes>
    </primitive>)";
  const Model m = Read(parts);
  const Primitive* r = m.FindPrimitive("R");
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(Find(r->meta, "from-node-rule"), "(none)");
  EXPECT_EQ(Find(r->meta, "from-rsc-rule"), "yes");
  EXPECT_EQ(Find(r->meta, "from-providerless-rule"), "(none)");
}

const char* const kAgents = R"(
    <primitive id="hb" class="ocf" provider="heartbeat" type="Dummy"/>
    <primitive id="pm" class="ocf" provider="pacemaker" type="Dummy"/>
    <primitive id="fence" class="stonith" type="fence_dummy"/>)";

TEST_F(RuleCibTest, RscDefaultsRscExpressionWithoutProviderMatchesOnlyAgentsWithoutOne) {
  CibParts parts;
  parts.resources = kAgents;
  parts.defaults = R"(<rsc_defaults>
      <meta_attributes id="no-provider" score="30">
        <rule id="r1"><rsc_expression id="x1" class="ocf" type="Dummy"/></rule>
        <nvpair id="a1" name="resource-stickiness" value="1"/>
      </meta_attributes>
      <meta_attributes id="heartbeat" score="20">
        <rule id="r2"><rsc_expression id="x2" class="ocf" provider="heartbeat" type="Dummy"/></rule>
        <nvpair id="a2" name="resource-stickiness" value="2"/>
      </meta_attributes>
      <meta_attributes id="agentless" score="10">
        <rule id="r3"><rsc_expression id="x3"/></rule>
        <nvpair id="a3" name="resource-stickiness" value="3"/>
      </meta_attributes>
      <meta_attributes id="all"><nvpair id="a4" name="resource-stickiness" value="4"/>
        <nvpair id="a5" name="migration-threshold" value="5"/></meta_attributes>
    </rsc_defaults>)";
  const Model m = Read(parts);
  // For no resource in particular, no rsc_expression holds.
  EXPECT_EQ(Find(m.rsc_defaults, "resource-stickiness"), "4");
  const Primitive* hb = m.FindPrimitive("hb");
  const Primitive* pm = m.FindPrimitive("pm");
  const Primitive* fence = m.FindPrimitive("fence");
  ASSERT_TRUE(hb != nullptr && pm != nullptr && fence != nullptr);
  EXPECT_EQ(Find(m.MetaWithDefaults(hb->meta, hb), "resource-stickiness"), "2");
  EXPECT_EQ(Find(m.MetaWithDefaults(pm->meta, pm), "resource-stickiness"), "4");
  EXPECT_EQ(Find(m.MetaWithDefaults(fence->meta, fence), "resource-stickiness"), "3");
  EXPECT_EQ(Find(m.MetaWithDefaults(fence->meta, fence), "migration-threshold"), "5");
  // A resource's own value wins over every default.
  EXPECT_EQ(Find(m.MetaWithDefaults({{"resource-stickiness", "0"}}, hb), "resource-stickiness"), "0");
}

TEST_F(RuleCibTest, GroupMemberTakesTheDefaultsThatMatchItsGroup) {
  // Pacemaker 2.1.5 (crm_resource --meta, crm_simulate): a member of a group takes what is in its
  // group's meta table, the rsc_defaults that matched the group included; here an empty
  // rsc_expression, which matches the group (no agent) but not the ocf:heartbeat member.
  CibParts parts;
  parts.resources = R"(<group id="g"><primitive id="m" class="ocf" provider="heartbeat" type="Dummy"/></group>
      <primitive id="solo" class="ocf" provider="heartbeat" type="Dummy"/>)";
  parts.defaults = R"(<rsc_defaults><meta_attributes id="rd">
      <rule id="rr"><rsc_expression id="re"/></rule>
      <nvpair id="rd1" name="target-role" value="Stopped"/>
    </meta_attributes></rsc_defaults>)";
  const Model m = Read(parts);
  const Primitive* member = m.FindPrimitive("m");
  const Primitive* solo = m.FindPrimitive("solo");
  ASSERT_TRUE(member != nullptr && solo != nullptr);
  EXPECT_EQ(Find(m.MetaWithDefaults(solo->meta, solo), "target-role"), "(none)");
  EXPECT_EQ(Find(m.MetaWithDefaults(member->meta, member), "target-role"), "Stopped");
}

TEST_F(RuleCibTest, OpDefaultsFollowOpExpressions) {
  CibParts parts;
  parts.resources = kAgents;
  parts.defaults = R"(<op_defaults>
      <meta_attributes id="monitor10" score="20">
        <rule id="r1"><op_expression id="o1" name="monitor" interval="10s"/></rule>
        <nvpair id="a1" name="timeout" value="30s"/>
      </meta_attributes>
      <meta_attributes id="monitors" score="10">
        <rule id="r2"><op_expression id="o2" name="monitor"/></rule>
        <nvpair id="a2" name="timeout" value="25s"/>
      </meta_attributes>
      <meta_attributes id="fences" score="5">
        <rule id="r3" boolean-op="and"><rsc_expression id="x3" class="stonith"/><op_expression id="o3" name="start"/></rule>
        <nvpair id="a3" name="timeout" value="120s"/>
      </meta_attributes>
      <meta_attributes id="all"><nvpair id="a4" name="timeout" value="20s"/></meta_attributes>
    </op_defaults>)";
  const Model m = Read(parts);
  EXPECT_EQ(Find(m.op_defaults, "timeout"), "20s");
  const Primitive* hb = m.FindPrimitive("hb");
  const Primitive* fence = m.FindPrimitive("fence");
  ASSERT_TRUE(hb != nullptr && fence != nullptr);
  EXPECT_EQ(Find(m.OpDefaults(*hb, "monitor", 10000), "timeout"), "30s");
  EXPECT_EQ(Find(m.OpDefaults(*hb, "monitor", 20000), "timeout"), "25s");
  EXPECT_EQ(Find(m.OpDefaults(*hb, "monitor", 0), "timeout"), "25s");  // the probe too
  EXPECT_EQ(Find(m.OpDefaults(*hb, "start", 0), "timeout"), "20s");
  EXPECT_EQ(Find(m.OpDefaults(*fence, "start", 0), "timeout"), "120s");
  EXPECT_EQ(Find(m.OpDefaults(*fence, "stop", 0), "timeout"), "20s");
}

TEST_F(RuleCibTest, OperationMetaSetsLetTheLowestScoreAndTheFirstWin) {
  // An <op>'s own sets overwrite one another (Pacemaker's overwrite mode): the lowest scored set,
  // the first in the document among equals, is the one that stays.
  CibParts parts;
  parts.resources = R"(<primitive id="R" class="ocf" provider="heartbeat" type="Dummy"><operations>
      <op id="mon" name="monitor" interval="10s">
        <meta_attributes id="a"><nvpair id="a1" name="x-first" value="a"/><nvpair id="a2" name="x-scored" value="a"/></meta_attributes>
        <meta_attributes id="b"><nvpair id="b1" name="x-first" value="b"/></meta_attributes>
        <meta_attributes id="c" score="5"><nvpair id="c1" name="x-scored" value="c"/></meta_attributes>
        <meta_attributes id="d" score="-5">
          <rule id="dr"><op_expression id="do" name="monitor" interval="10s"/></rule>
          <nvpair id="d1" name="x-rule" value="matched"/>
        </meta_attributes>
        <meta_attributes id="e" score="-9">
          <rule id="er"><op_expression id="eo" name="monitor" interval="20s"/></rule>
          <nvpair id="e1" name="x-rule" value="other-interval"/>
        </meta_attributes>
      </op></operations></primitive>)";
  const Model m = Read(parts);
  const Primitive* r = m.FindPrimitive("R");
  ASSERT_NE(r, nullptr);
  ASSERT_EQ(r->operations.size(), 1u);
  const Attributes& meta = r->operations[0].meta;
  EXPECT_EQ(Find(meta, "x-first"), "a");
  EXPECT_EQ(Find(meta, "x-scored"), "a");
  EXPECT_EQ(Find(meta, "x-rule"), "matched");
}

TEST_F(RuleCibTest, ParamsOnResolveUnameRulesPerNode) {
  CibParts parts;
  parts.resources = R"(<primitive id="R" class="ocf" provider="heartbeat" type="IPaddr2">
      <instance_attributes id="on1" score="10">
        <rule id="r1"><expression id="e1" attribute="#uname" operation="eq" value="node1"/></rule>
        <nvpair id="on1a" name="ip" value="10.0.0.1"/>
      </instance_attributes>
      <instance_attributes id="any"><nvpair id="anya" name="ip" value="10.0.0.9"/><nvpair id="anyb" name="cidr_netmask" value="24"/></instance_attributes>
    </primitive>
    <primitive id="plain" class="ocf" provider="heartbeat" type="Dummy">
      <instance_attributes id="pi"><nvpair id="pia" name="state" value="/run/x"/></instance_attributes></primitive>)";
  const Model m = Read(parts);
  const Primitive* r = m.FindPrimitive("R");
  const Primitive* plain = m.FindPrimitive("plain");
  ASSERT_TRUE(r != nullptr && plain != nullptr);
  EXPECT_FALSE(r->param_sets.empty());
  EXPECT_TRUE(plain->param_sets.empty());
  // With no node, the rule does not hold.
  EXPECT_EQ(r->params, (Attributes{{"cidr_netmask", "24"}, {"ip", "10.0.0.9"}}));
  EXPECT_EQ(m.ParamsOn(*r, m.NodeAttributes("node1")), (Attributes{{"cidr_netmask", "24"}, {"ip", "10.0.0.1"}}));
  EXPECT_EQ(m.ParamsOn(*r, m.NodeAttributes("node2")), (Attributes{{"cidr_netmask", "24"}, {"ip", "10.0.0.9"}}));
  EXPECT_EQ(m.ParamsOn(*plain, m.NodeAttributes("node1")), (Attributes{{"state", "/run/x"}}));
}

TEST_F(RuleCibTest, ParamsOnKeepTheGroupsParametersWhenOnlyTheMemberHasARule) {
  // A member inherits its group's instance_attributes (Pacemaker's get_rsc_attributes; cib.h:
  // Primitive::params and param_sets), on every node.
  CibParts parts;
  parts.resources = R"(<group id="g">
      <instance_attributes id="gi"><nvpair id="gia" name="shared" value="from-group"/></instance_attributes>
      <primitive id="m" class="ocf" provider="heartbeat" type="IPaddr2">
        <instance_attributes id="mi" score="10">
          <rule id="mr"><expression id="me" attribute="#uname" operation="eq" value="node1"/></rule>
          <nvpair id="mia" name="ip" value="10.0.0.1"/>
        </instance_attributes>
      </primitive></group>)";
  const Model m = Read(parts);
  const Primitive* member = m.FindPrimitive("m");
  ASSERT_NE(member, nullptr);
  EXPECT_EQ(Find(member->params, "shared"), "from-group");
  const Attributes on1 = m.ParamsOn(*member, m.NodeAttributes("node1"));
  EXPECT_EQ(Find(on1, "ip"), "10.0.0.1");
  EXPECT_EQ(Find(on1, "shared"), "from-group");
  EXPECT_EQ(Find(m.ParamsOn(*member, m.NodeAttributes("node2")), "shared"), "from-group");
}

TEST_F(RuleCibTest, NodeAttributeRulesSeeNoNode) {
  CibParts parts;
  parts.nodes = R"(<node id="1" uname="node1">
      <instance_attributes id="n1" score="10">
        <rule id="r1"><expression id="e1" attribute="#uname" operation="eq" value="node1"/></rule>
        <nvpair id="n1a" name="rack" value="by-name"/>
      </instance_attributes>
      <instance_attributes id="n2" score="5">
        <rule id="r2"><date_expression id="d2" operation="gt" start="2020-01-01"/></rule>
        <nvpair id="n2a" name="rack" value="by-date"/>
      </instance_attributes>
    </node>)";
  const Model m = Read(parts, Utc(2020, 6, 1));
  ASSERT_EQ(m.nodes.size(), 1u);
  EXPECT_EQ(Find(m.nodes[0].attributes, "rack"), "by-date");
}

TEST_F(RuleCibTest, NodeAttributesHoldBuiltInsTransientAndConfiguredValues) {
  CibParts parts;
  parts.cib_attributes = R"(dc-uuid="2")";
  parts.crm_config = R"(<cluster_property_set id="cib-bootstrap-options"><nvpair id="c1" name="cluster-name" value="alpha"/></cluster_property_set>)";
  parts.nodes = R"(<node id="1" uname="node1"><instance_attributes id="n1">
        <nvpair id="n1a" name="rack" value="configured"/><nvpair id="n1b" name="#uname" value="impostor"/>
        <nvpair id="n1c" name="zone" value="z1"/></instance_attributes></node>
      <node id="2" uname="node2"><instance_attributes id="n2"><nvpair id="n2a" name="site-name" value="beta"/></instance_attributes></node>)";
  parts.status = R"(<node_state id="1" uname="node1" in_ccm="true" crmd="online" join="member" expected="member">
      <transient_attributes id="1"><instance_attributes id="status-1"><nvpair id="s1" name="rack" value="transient"/></instance_attributes></transient_attributes>
    </node_state>)";
  const Model m = Read(parts);
  const Attributes n1 = m.NodeAttributes("node1");
  EXPECT_EQ(Find(n1, "#uname"), "node1");
  EXPECT_EQ(Find(n1, "#id"), "1");
  EXPECT_EQ(Find(n1, "#kind"), "cluster");
  EXPECT_EQ(Find(n1, "#is_dc"), "false");
  EXPECT_EQ(Find(n1, "#cluster-name"), "alpha");
  EXPECT_EQ(Find(n1, "#site-name"), "alpha");
  EXPECT_EQ(Find(n1, "rack"), "transient");
  EXPECT_EQ(Find(n1, "zone"), "z1");
  const Attributes n2 = m.NodeAttributes("node2");
  EXPECT_EQ(Find(n2, "#is_dc"), "true");
  EXPECT_EQ(Find(n2, "#site-name"), "beta");
  EXPECT_TRUE(m.NodeAttributes("node9").empty());
}

TEST_F(RuleCibTest, TransientAttributeSetsLetTheFirstInTheDocumentWin) {
  // Pacemaker 2.1.5 unpacks transient attributes with overwrite on: of two sets with one score the
  // first in the document wins (crm_simulate: a rule on x eq first scored node1 100).
  CibParts parts;
  parts.status = R"(<node_state id="1" uname="node1" in_ccm="true" crmd="online" join="member" expected="member">
      <transient_attributes id="1">
        <instance_attributes id="status-a"><nvpair id="a1" name="x" value="first"/></instance_attributes>
        <instance_attributes id="status-b"><nvpair id="b1" name="x" value="second"/></instance_attributes>
      </transient_attributes></node_state>)";
  const Model m = Read(parts);
  EXPECT_EQ(Find(m.NodeAttributes("node1"), "x"), "first");
}

TEST_F(RuleCibTest, SetAndNvpairIdRefsTakeTheReferencedContent) {
  CibParts parts;
  parts.resources = R"(<primitive id="A" class="ocf" provider="heartbeat" type="Dummy">
      <meta_attributes id="shared" score="3"><nvpair id="sh1" name="resource-stickiness" value="7"/></meta_attributes></primitive>
    <primitive id="B" class="ocf" provider="heartbeat" type="Dummy">
      <meta_attributes id-ref="shared"/>
      <instance_attributes id="bi"><nvpair id-ref="sh1"/></instance_attributes></primitive>)";
  const Model m = Read(parts);
  const Primitive* b = m.FindPrimitive("B");
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(Find(b->meta, "resource-stickiness"), "7");
  EXPECT_EQ(Find(b->params, "resource-stickiness"), "7");
}

struct BadRule {
  const char* name;
  CibParts parts;
  const char* error;
  StatusCode code = StatusCode::kParseError;
};

CibParts WithMetaRule(const std::string& rule_body) {
  CibParts p;
  p.resources = R"(<primitive id="R" class="ocf" provider="heartbeat" type="Dummy"><meta_attributes id="m"><rule id="r">)" +
                rule_body + R"(</rule><nvpair id="m1" name="target-role" value="Stopped"/></meta_attributes></primitive>)";
  return p;
}

CibParts WithLocationRule(const std::string& rule_body) {
  CibParts p;
  p.constraints = R"(<rsc_location id="L" rsc="R"><rule id="r" score="5">)" + rule_body + "</rule></rsc_location>";
  return p;
}

TEST_F(RuleCibTest, BadRulesGetAClearErrorNamingTheElement) {
  CibParts set_ref;
  set_ref.resources = R"(<primitive id="R" class="ocf" provider="heartbeat" type="Dummy"><meta_attributes id-ref="ghost"/></primitive>)";
  CibParts pair_ref;
  pair_ref.resources = R"(<primitive id="R" class="ocf" provider="heartbeat" type="Dummy"><instance_attributes id="i"><nvpair id-ref="ghost"/></instance_attributes></primitive>)";
  CibParts property_rule;
  property_rule.crm_config = R"(<cluster_property_set id="c"><rule id="r"><expression id="e" attribute="a" operation="like" value="1"/></rule></cluster_property_set>)";
  const BadRule cases[] = {
      {"unknown operation", WithMetaRule(R"(<expression id="e" attribute="a" operation="between" value="1"/>)"),
       "<expression id=\"e\">: operation=\"between\" is not one of eq, ne, lt, gt, lte, gte, defined, not_defined"},
      {"unknown operation in a property set", property_rule, "operation=\"like\" is not one of"},
      {"unknown type", WithLocationRule(R"(<expression id="e" attribute="a" operation="gt" value="1" type="float"/>)"),
       "type=\"float\" is not one of string, integer, number, version"},
      {"unknown value-source", WithLocationRule(R"(<expression id="e" attribute="a" operation="eq" value="ip" value-source="env"/>)"),
       "value-source=\"env\" is not literal, param or meta"},
      {"unknown date operation", WithMetaRule(R"(<date_expression id="d" operation="between" start="2020-01-01"/>)"),
       "<date_expression id=\"d\">: operation=\"between\" is not one of in_range, gt, lt, date_spec"},
      {"bad start", WithMetaRule(R"(<date_expression id="d" operation="gt" start="2019-02-29"/>)"),
       "start=\"2019-02-29\" is not an ISO 8601 date"},
      {"bad end", WithLocationRule(R"(<date_expression id="d" operation="lt" end="2020-01-01 25:00:00"/>)"),
       "end=\"2020-01-01 25:00:00\" is not an ISO 8601 date"},
      {"gt without start", WithMetaRule(R"(<date_expression id="d" operation="gt" end="2020-01-01"/>)"),
       "operation=\"gt\" needs a start"},
      {"in_range without bounds", WithMetaRule(R"(<date_expression id="d"/>)"), "needs a start or an end"},
      {"date_spec list", WithLocationRule(R"(<date_expression id="d" operation="date_spec"><date_spec id="s" hours="9,17"/></date_expression>)"),
       "<date_spec id=\"s\">: hours=\"9,17\" is not a number or a range"},
      {"date_spec name", WithMetaRule(R"(<date_expression id="d" operation="date_spec"><date_spec id="s" weekdays="Mon"/></date_expression>)"),
       "weekdays=\"Mon\" is not a number or a range"},
      {"date_spec blanks", WithMetaRule(R"(<date_expression id="d" operation="date_spec"><date_spec id="s" hours="9 - 16"/></date_expression>)"),
       "hours=\"9 - 16\" is not a number or a range"},
      {"date_spec moon", WithMetaRule(R"(<date_expression id="d" operation="date_spec"><date_spec id="s" moon="4"/></date_expression>)"),
       "moon is not supported", StatusCode::kUnsupported},
      {"rule id-ref", WithMetaRule(R"(<rule id-ref="nowhere"/>)"), "id-ref=\"nowhere\" names no <rule>"},
      {"location rule id-ref", WithLocationRule(R"(<rule id-ref="nowhere"/>)"), "id-ref=\"nowhere\" names no <rule>"},
      {"set id-ref", set_ref, "id-ref=\"ghost\" names no <meta_attributes>"},
      {"nvpair id-ref", pair_ref, "id-ref=\"ghost\" names no <nvpair>"},
      {"op_expression name", WithMetaRule(R"(<op_expression id="o" interval="10s"/>)"),
       "<op_expression id=\"o\">: the attribute 'name' is missing"},
      {"expression attribute", WithMetaRule(R"(<expression id="e" operation="defined"/>)"),
       "the attribute 'attribute' is missing"},
      {"unknown child", WithMetaRule(R"(<regex id="x"/>)"), "<regex id=\"x\">: <regex> is not a rule expression"},
  };
  for (const auto& c : cases) {
    auto cib = Cib::Parse(Xml(c.parts), "test.xml", Utc(2020, 6, 1));
    ASSERT_FALSE(cib.ok()) << c.name;
    EXPECT_EQ(cib.status().code(), c.code) << c.name << ": " << cib.status().message();
    EXPECT_NE(cib.status().message().find(c.error), std::string::npos) << c.name << ": " << cib.status().message();
    EXPECT_EQ(cib.status().message().rfind("test.xml:", 0), 0u) << c.name << ": " << cib.status().message();
  }
  // The same places with well-formed rules are read.
  for (const CibParts& good : {WithMetaRule(R"(<expression id="e" attribute="a" operation="defined"/>)"),
                               WithLocationRule(R"(<expression id="e" attribute="a" operation="eq" value="1"/>)")}) {
    auto cib = Cib::Parse(Xml(good), "test.xml", Utc(2020, 6, 1));
    EXPECT_TRUE(cib.ok()) << cib.status().message();
  }
}

TEST_F(RuleCibTest, BadBooleanOpAndRoleAreRefused) {
  CibParts xor_op;
  xor_op.resources = R"(<primitive id="R" class="ocf" provider="heartbeat" type="Dummy"><meta_attributes id="m"><rule id="r" boolean-op="xor"/></meta_attributes></primitive>)";
  auto bad_op = Cib::Parse(Xml(xor_op), "test.xml");
  ASSERT_FALSE(bad_op.ok());
  EXPECT_NE(bad_op.status().message().find("boolean-op=\"xor\" is not and or or"), std::string::npos)
      << bad_op.status().message();
  CibParts boss;
  boss.constraints = R"(<rsc_location id="L" rsc="R"><rule id="r" score="5" role="Boss"/></rsc_location>)";
  auto bad_role = Cib::Parse(Xml(boss), "test.xml");
  ASSERT_FALSE(bad_role.ok());
  EXPECT_NE(bad_role.status().message().find("role=\"Boss\" is not a role"), std::string::npos)
      << bad_role.status().message();
}

}  // namespace
}  // namespace vigil::cib
