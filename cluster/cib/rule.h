// Rules: Pacemaker's conditions on a node's attributes, the date, a resource's agent or an
// operation. A location constraint's rules say on which nodes it applies and with what score; an
// attribute set's rule says whether its values apply (of several sets, the highest scored one that
// applies wins each name).
//
// The CIB reader turns <rule> elements into the plain values below (errors name the element);
// this module only evaluates them. Evaluation is a pure function of the rule and a RuleContext:
// no clock, no I/O; thread-safe. Semantics are Pacemaker 2.1.5's, held to crm_simulate by the
// scheduler's cases; see docs/scheduler.md ("Rules").
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vigil::cib {

// name → value (sorted by name). When sets or nvpairs repeat a name, the first one in document
// order wins, as in Pacemaker.
using Attributes = std::map<std::string, std::string>;

// A calendar length (<duration>, or the end of an in_range date expression given as one):
// months and years are calendar months and years.
struct DateDuration {
  int64_t years = 0, months = 0, weeks = 0, days = 0, hours = 0, minutes = 0, seconds = 0;
};

// <date_spec>: each field, when set, is an inclusive range the present moment's field must fall
// in ("9-16" for hours is 9:00:00 to 16:59:59).
struct DateSpec {
  enum Field { kYears, kMonths, kMonthdays, kHours, kMinutes, kSeconds, kYeardays, kWeekyears, kWeeks, kWeekdays, kMoon, kFields };
  struct Range {
    int64_t low = 0;
    int64_t high = 0;
  };
  std::optional<Range> fields[kFields];
};

struct Rule;

// One condition of a rule.
struct RuleExpression {
  enum class Kind {
    kAttribute,  // <expression>: a node attribute compared with a value
    kDate,       // <date_expression>
    kResource,   // <rsc_expression>: the resource's agent
    kOperation,  // <op_expression>: the operation's name and interval
    kRule,       // a nested <rule>
  };
  Kind kind = Kind::kAttribute;
  std::string id;

  // kAttribute. operation: eq ne lt gt lte gte defined not_defined; type: string, integer,
  // number or version, empty for Pacemaker's choice; value_source: empty (the value itself),
  // "param" or "meta" (the resource's parameter or meta attribute of that name).
  std::string attribute;
  std::string operation;  // kDate too: in_range, gt, lt, date_spec
  std::optional<std::string> value;
  std::string type;
  std::string value_source;

  // kDate: the bounds in seconds since the epoch; an in_range end may be given as a duration.
  std::optional<int64_t> start, end;
  std::optional<DateDuration> duration;
  DateSpec spec;

  // kResource: empty matches any.
  std::string standard, provider, agent_type;

  // kOperation: the operation's name, and its interval when given.
  std::string op_name;
  std::optional<int64_t> interval_ms;

  // kRule: exactly one.
  std::vector<Rule> nested;
};

struct Rule {
  std::string id;
  // A location rule's score, or the node attribute whose value is the score (score-attribute);
  // an attribute set's rule's score orders nothing (the set's own score does).
  std::optional<int> score;
  std::string score_attribute;
  bool any = false;  // boolean-op="or": one expression is enough; else all are needed
  std::string role;  // a location rule for this role only; empty: any
  std::vector<RuleExpression> expressions;

  // Whether its outcome depends on the date (a date expression anywhere in it).
  bool UsesDate() const;
  // Whether an expression in it compares with the resource's own values (value-source).
  bool UsesValueSource() const;
};

// What a rule is evaluated against. A null pointer is something the context does not have: a
// rule of a resource's meta attributes has no node, so an expression on a node attribute finds it
// undefined, as in Pacemaker.
struct RuleContext {
  // The node's attributes, Pacemaker's built-in ones (#uname, #id, #kind, #is_dc, #cluster-name,
  // #site-name) included.
  const Attributes* node = nullptr;
  int64_t now = 0;  // seconds since the epoch
  // Whether the rule is a location constraint's: value-source applies, an empty value is none.
  bool location = false;
  // The resource (rsc_expression; value-source): its agent (null for a group or a clone),
  // parameters and meta attributes.
  bool resource = false;
  const std::string* standard = nullptr;
  const std::string* provider = nullptr;
  const std::string* agent_type = nullptr;
  const Attributes* params = nullptr;
  const Attributes* meta = nullptr;
  // The operation (op_expression).
  const std::string* op_name = nullptr;
  std::optional<int64_t> op_interval_ms;
  // What a location's rsc-pattern found, for %N in attribute names; null: no pattern.
  const std::vector<std::string>* groups = nullptr;
};

// A location's rsc-pattern: a POSIX extended regular expression, as Pacemaker compiles it.
class ResourcePattern {
 public:
  // `pattern` without its leading '!' (the caller inverts the match).
  explicit ResourcePattern(const std::string& pattern);
  ~ResourcePattern();
  ResourcePattern(const ResourcePattern&) = delete;
  ResourcePattern& operator=(const ResourcePattern&) = delete;

  // "" when the pattern compiled, else what is wrong with it.
  const std::string& error() const { return error_; }
  // Whether `id` matches, with what the match and its groups found (%0 the whole match, %1...).
  bool Match(const std::string& id, std::vector<std::string>* groups) const;

 private:
  struct Compiled;
  std::unique_ptr<Compiled> compiled_;
  std::string error_;
};

// `name` with %0 to %9 replaced by what a pattern's groups found (pe_expand_re_matches).
std::string ExpandGroups(const std::string& name, const std::vector<std::string>& groups);

// Whether `rule` holds in `context`.
bool RuleMatches(const Rule& rule, const RuleContext& context);

// One set of nvpairs (instance_attributes, meta_attributes, utilization, cluster_property_set)
// with its rules: it applies when it has none or when one of them holds.
struct AttributeSet {
  int score = 0;
  std::vector<Rule> rules;
  Attributes values;
};

// Whether any of `sets` has a rule.
bool HasRules(const std::vector<AttributeSet>& sets);

// The values of the sets that apply in `context`, added to `into` where it has no value of that
// name yet: `sets` are taken in their order (the reader sorts them highest score first, then in
// document order), so the first value of a name wins.
void ResolveSets(const std::vector<AttributeSet>& sets, const RuleContext& context, Attributes& into);

// An ISO 8601 date and time as Pacemaker reads one: a calendar (2019-09-23), ordinal (2005-001)
// or week (2005-W01-1) date, optionally followed by a time (" 18:00:00" or "T18:00") and an offset
// (Z, +02:00, -05:00, +0200, -05); without an offset, local time. Seconds since the epoch, or
// nullopt.
std::optional<int64_t> ParseIsoDateTime(std::string_view text);

// An ISO 8601 duration in its designator form, as crm_resource --lifetime takes one: P, then
// whole numbers with Y, M (months), W, D, and after T with H, M (minutes), S ("PT1H", "P1D",
// "P1Y2M3DT4H5M6S"). nullopt: not one.
std::optional<DateDuration> ParseIsoDuration(std::string_view text);

// `at` plus `d`, calendar months and years included (the day clamped to the month's last).
int64_t AddDuration(int64_t at, const DateDuration& d);

}  // namespace vigil::cib
