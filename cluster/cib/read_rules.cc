// Reading rules and attribute sets: <rule> and its expressions into cib::Rule (rule.h), and the
// sets of nvpairs that rules choose between.
#include <algorithm>
#include <array>
#include <cstdint>

#include <strings.h>

#include "cluster/cib/reader.h"

namespace vigil::cib {
namespace {

// A rule nested or referenced deeper than this is refused (CheckIdsAndDepth bounds nesting;
// this bounds a chain of id-refs, which may loop).
constexpr int kMaxRuleDepth = 16;

bool OneOf(std::string_view value, std::initializer_list<std::string_view> allowed) {
  return std::find(allowed.begin(), allowed.end(), value) != allowed.end();
}

std::string Listed(std::initializer_list<std::string_view> allowed) {
  std::string out;
  for (const auto a : allowed) out += (out.empty() ? "" : ", ") + std::string(a);
  return out;
}

constexpr std::array<const char*, DateSpec::kFields> kDateSpecFields = {
    "years", "months", "monthdays", "hours", "minutes", "seconds", "yeardays", "weekyears", "weeks", "weekdays", "moon"};

}  // namespace

pugi::xml_node Reader::Referenced(const pugi::xml_node& x) {
  const std::string ref = x.attribute("id-ref").value();
  const pugi::xml_node root = x.root();
  const pugi::xml_node target = root.find_node([&](const pugi::xml_node& n) {
    return n != x && std::string_view(n.name()) == x.name() && ref == n.attribute("id").value();
  });
  if (!target) Fail(x, "id-ref=\"" + ref + "\" names no <" + x.name() + ">");
  return target;
}

std::optional<Rule> Reader::ReadRule(const pugi::xml_node& x, bool location) {
  Rule rule;
  if (!ReadRuleInto(x, location, rule, 0)) return std::nullopt;
  return rule;
}

bool Reader::ReadRuleInto(const pugi::xml_node& element, bool location, Rule& rule, int depth) {
  if (depth > kMaxRuleDepth) {
    Fail(element, "rules nested or referenced more than " + std::to_string(kMaxRuleDepth) + " deep");
    return false;
  }
  pugi::xml_node x = element;
  if (x.attribute("id-ref")) {
    x = Referenced(x);
    if (!x) return false;
    // The referenced rule may itself be a reference.
    if (x.attribute("id-ref")) return ReadRuleInto(x, location, rule, depth + 1);
  }
  rule.id = x.attribute("id").value();
  if (location) {
    if (x.attribute("score")) {
      rule.score = Score(x, "score");
    } else if (const auto a = x.attribute("score-attribute")) {
      rule.score_attribute = a.value();
    }
  }
  if (const auto a = x.attribute("boolean-op")) {
    const std::string_view op = a.value();
    if (op != "and" && op != "or") {
      Fail(x, "boolean-op=\"" + std::string(op) + "\" is not and or or");
      return false;
    }
    rule.any = op == "or";
  }
  if (const auto a = x.attribute("role")) {
    if (!IsRoleName(a.value())) {
      Fail(x, std::string("role=\"") + a.value() + "\" is not a role (Stopped, Started, Unpromoted, Promoted, Slave, Master)");
      return false;
    }
    rule.role = a.value();
  }
  for (const auto child : x.children()) {
    if (child.type() != pugi::node_element) continue;
    RuleExpression e;
    if (!ReadExpression(child, e, depth)) return false;
    rule.expressions.push_back(std::move(e));
  }
  return !failed();
}

bool Reader::ReadExpression(const pugi::xml_node& x, RuleExpression& e, int depth) {
  const std::string_view kind = x.name();
  e.id = x.attribute("id").value();
  if (kind == "rule") {
    e.kind = RuleExpression::Kind::kRule;
    e.nested.emplace_back();
    return ReadRuleInto(x, false, e.nested.back(), depth + 1);
  }
  if (kind == "expression") {
    e.kind = RuleExpression::Kind::kAttribute;
    e.attribute = Required(x, "attribute");
    e.operation = Required(x, "operation");
    if (failed()) return false;
    static const std::initializer_list<std::string_view> kOps = {"eq", "ne", "lt", "gt", "lte", "gte", "defined", "not_defined"};
    if (!OneOf(e.operation, kOps)) {
      Fail(x, "operation=\"" + e.operation + "\" is not one of " + Listed(kOps));
      return false;
    }
    // Without a value, eq holds where the attribute is missing too, ne where it is set.
    if (const auto a = x.attribute("value")) e.value = a.value();
    e.type = x.attribute("type").value();
    static const std::initializer_list<std::string_view> kTypes = {"string", "integer", "number", "version"};
    if (!e.type.empty() && !OneOf(e.type, kTypes)) {
      Fail(x, "type=\"" + e.type + "\" is not one of " + Listed(kTypes));
      return false;
    }
    e.value_source = x.attribute("value-source").value();
    if (e.value_source == "literal") e.value_source.clear();
    if (!e.value_source.empty() && e.value_source != "param" && e.value_source != "meta") {
      Fail(x, "value-source=\"" + e.value_source + "\" is not literal, param or meta");
      return false;
    }
    return true;
  }
  if (kind == "date_expression") {
    e.kind = RuleExpression::Kind::kDate;
    time_dependent_ = true;
    e.operation = x.attribute("operation") ? x.attribute("operation").value() : "in_range";
    static const std::initializer_list<std::string_view> kOps = {"in_range", "gt", "lt", "date_spec"};
    if (!OneOf(e.operation, kOps)) {
      Fail(x, "operation=\"" + e.operation + "\" is not one of " + Listed(kOps));
      return false;
    }
    for (const char* bound : {"start", "end"}) {
      const auto a = x.attribute(bound);
      if (!a) continue;
      const auto at = ParseIsoDateTime(a.value());
      if (!at) {
        Fail(x, std::string(bound) + "=\"" + a.value() + "\" is not an ISO 8601 date (such as 2019-09-23 18:00:00 -05:00)");
        return false;
      }
      (std::string_view(bound) == "start" ? e.start : e.end) = *at;
    }
    if (const auto d = x.child("duration")) {
      DateDuration duration;
      int64_t* fields[] = {&duration.years, &duration.months, &duration.weeks, &duration.days,
                           &duration.hours, &duration.minutes, &duration.seconds};
      const char* names[] = {"years", "months", "weeks", "days", "hours", "minutes", "seconds"};
      // Bounded, so that adding one to a date cannot overflow.
      constexpr int64_t kMaxField = 1000000;
      for (size_t i = 0; i < std::size(fields); ++i) {
        *fields[i] = Integer(d, names[i], 0);
        if (!failed() && (*fields[i] > kMaxField || *fields[i] < -kMaxField)) {
          Fail(d, std::string(names[i]) + "=\"" + d.attribute(names[i]).value() + "\" is beyond a million");
          return false;
        }
      }
      e.duration = duration;
    }
    if (const auto spec = x.child("date_spec")) {
      for (int i = 0; i < DateSpec::kFields; ++i) {
        const auto a = spec.attribute(kDateSpecFields[i]);
        if (!a) continue;
        if (i == DateSpec::kMoon) {
          Fail(spec, "moon is not supported (Pacemaker deprecates it)", StatusCode::kUnsupported);
          return false;
        }
        // "N", "N-M", "N-" (N or more) or "-M" (M or less).
        const std::string_view text = a.value();
        const size_t dash = text.find('-');
        int64_t low = INT64_MIN, high = INT64_MAX;
        auto number = [](std::string_view t, int64_t& out) {
          const auto [ptr, ec] = std::from_chars(t.data(), t.data() + t.size(), out);
          return !t.empty() && ec == std::errc() && ptr == t.data() + t.size();
        };
        bool ok = false;
        if (dash == std::string_view::npos) {
          ok = number(text, low);
          high = low;
        } else {
          const std::string_view from = text.substr(0, dash), to = text.substr(dash + 1);
          ok = (from.empty() || number(from, low)) && (to.empty() || number(to, high)) && text.size() > 1;
        }
        if (!ok) {
          Fail(spec, std::string(kDateSpecFields[i]) + "=\"" + std::string(text) +
                         "\" is not a number or a range (such as 9-16, 9- or -16)");
          return false;
        }
        e.spec.fields[i] = DateSpec::Range{low, high};
      }
    }
    // When it may turn: at the start and just after the end of a range, just after a gt's start,
    // at an lt's end. (A date_spec turns every hour or day it names: the cluster's periodic
    // recheck covers it, as in Pacemaker.)
    if (e.operation == "gt" && e.start) date_changes_.push_back(*e.start + 1);
    if (e.operation == "lt" && e.end) date_changes_.push_back(*e.end);
    if (e.operation == "in_range") {
      if (e.start) date_changes_.push_back(*e.start);
      if (e.end) {
        date_changes_.push_back(*e.end + 1);
      } else if (e.start && e.duration) {
        date_changes_.push_back(AddDuration(*e.start, *e.duration) + 1);
      }
    }
    const bool bounded = e.operation == "gt"   ? e.start.has_value()
                         : e.operation == "lt" ? e.end.has_value()
                         : e.operation == "in_range"
                             ? e.start.has_value() || e.end.has_value()
                             : static_cast<bool>(x.child("date_spec"));
    if (!bounded) {
      const char* needs = e.operation == "gt"         ? "a start"
                          : e.operation == "lt"       ? "an end"
                          : e.operation == "in_range" ? "a start or an end"
                                                      : "a <date_spec>";
      Fail(x, "operation=\"" + e.operation + "\" needs " + needs);
      return false;
    }
    return !failed();
  }
  if (kind == "rsc_expression") {
    e.kind = RuleExpression::Kind::kResource;
    e.standard = x.attribute("class").value();
    e.provider = x.attribute("provider").value();
    e.agent_type = x.attribute("type").value();
    return true;
  }
  if (kind == "op_expression") {
    e.kind = RuleExpression::Kind::kOperation;
    e.op_name = Required(x, "name");
    if (x.attribute("interval")) e.interval_ms = Duration(x, "interval", 0);
    return !failed();
  }
  Fail(x, "<" + std::string(kind) + "> is not a rule expression (expression, date_expression, rsc_expression, "
                                     "op_expression or rule)");
  return false;
}

std::vector<AttributeSet> Reader::ReadSets(const pugi::xml_node& parent, const char* set_name, const char* first_id) {
  std::vector<AttributeSet> sets;
  std::vector<bool> first;
  for (const auto set : parent.children(set_name)) {
    AttributeSet s;
    pugi::xml_node content = set;  // the set itself, or the one its id-ref names
    if (set.attribute("id-ref")) content = Referenced(set);
    if (!failed() && content.attribute("score")) s.score = Score(content, "score");
    for (const auto x : content.children("rule")) {
      if (failed()) break;
      if (auto rule = ReadRule(x, false)) s.rules.push_back(std::move(*rule));
    }
    if (!failed()) NvSet(content, s.values);
    if (failed()) return {};
    first.push_back(first_id != nullptr && strcasecmp(first_id, content.attribute("id").value()) == 0);
    sets.push_back(std::move(s));
  }
  // Highest score first; of sets with one score, the last in the document first (Pacemaker 2.1.5
  // lists them so, though its documentation says the listed order); `first_id` before all.
  std::vector<size_t> order(sets.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = order.size() - 1 - i;
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    if (first[a] != first[b]) return static_cast<bool>(first[a]);
    return sets[a].score > sets[b].score;
  });
  std::vector<AttributeSet> sorted;
  sorted.reserve(sets.size());
  for (const size_t i : order) sorted.push_back(std::move(sets[i]));
  return sorted;
}

void Reader::NvSets(const pugi::xml_node& parent, const char* set_name, Attributes& into, const RuleContext* context) {
  const std::vector<AttributeSet> sets = ReadSets(parent, set_name);
  ResolveSets(sets, context != nullptr ? *context : Bare(), into);
}

void Reader::NvSet(const pugi::xml_node& set, Attributes& into) {
  for (const auto child : set.children("nvpair")) {
    pugi::xml_node pair = child;
    if (child.attribute("id-ref")) {
      pair = Referenced(child);
      if (failed()) return;
    }
    const std::string key = Required(pair, "name");
    if (failed()) return;
    if (const auto value = pair.attribute("value")) into.emplace(key, value.value());
  }
}

}  // namespace vigil::cib
