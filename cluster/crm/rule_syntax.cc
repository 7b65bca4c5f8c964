#include "cluster/crm/rule_syntax.h"

#include <strings.h>

#include <algorithm>
#include <array>
#include <optional>

#include "cluster/crm/editor.h"
#include "cluster/crm/values.h"
#include "cluster/crm/words.h"

namespace vigil::crm {
namespace {

using pugi::xml_node;

Status Invalid(std::string message) { return Status(StatusCode::kInvalidArgument, std::move(message)); }

bool Is(std::string_view a, std::string_view b) {
  return a.size() == b.size() && strncasecmp(a.data(), b.data(), a.size()) == 0;
}

// The names `date in` and `date spec` take (crmsh 4.4's list: no days, minutes or seconds, and
// yeardays spelled as its schema spells it, yearsdays).
constexpr std::array<std::string_view, 9> kDateFields = {"hours", "monthdays", "weekdays", "yearsdays", "months",
                                                         "weeks", "years",     "weekyears", "moon"};
constexpr std::array<std::string_view, 6> kBinaryOps = {"lt", "gt", "lte", "gte", "eq", "ne"};
constexpr std::array<std::string_view, 4> kTypes = {"string", "integer", "number", "version"};

template <size_t N>
bool Among(std::string_view word, const std::array<std::string_view, N>& list) {
  return std::any_of(list.begin(), list.end(), [&](std::string_view w) { return Is(word, w); });
}

// Reads the words of one location's rules.
class RuleReader {
 public:
  RuleReader(const std::vector<std::string>& words, xml_node location, xml_node root)
      : words_(words), location_(location), root_(root) {}

  Status Run() {
    while (!done()) {
      if (!Is(Peek(), "rule")) return Expected("'rule'");
      Next();
      if (Status s = Rule(); !s.ok()) return s;
    }
    return Status::Ok();
  }

 private:
  bool done() const { return at_ >= words_.size(); }
  const std::string& Peek() const { return words_[at_]; }
  const std::string& Next() { return words_[at_++]; }
  Status Expected(const std::string& what) const {
    if (done()) return Invalid("expected " + what + " after '" + words_[at_ - 1] + "'");
    return Invalid("expected " + what + ", not '" + Peek() + "'");
  }

  // A new child with an id made from `base` (crmsh's: base, base-0, base-1...).
  xml_node Child(xml_node parent, const char* element, const std::string& base) {
    xml_node x = parent.append_child(element);
    x.append_attribute("id").set_value(FreeId(root_, base).c_str());
    return x;
  }

  Status Rule() {
    xml_node rule = location_.append_child("rule");
    // $id=ID names the rule; $id-ref=ID refers to one defined elsewhere, and is all there is.
    if (!done() && (Peek().rfind("$id=", 0) == 0 || Peek().rfind("$id-ref=", 0) == 0)) {
      const std::string word = Next();
      const bool ref = word.rfind("$id-ref=", 0) == 0;
      const std::string id = word.substr(ref ? 8 : 4);
      if (ref) {
        const xml_node target = FindId(root_, id);
        if (!target || std::string_view(target.name()) != "rule") {
          return Status(StatusCode::kNotFound, "$id-ref=" + id + ": no rule has that id");
        }
        rule.append_attribute("id-ref").set_value(id.c_str());
      } else {
        if (FindId(root_, id)) return Invalid("the id '" + id + "' is already in use");
        rule.append_attribute("id").set_value(id.c_str());
      }
      if (ref) {
        if (Status s = Role(rule); !s.ok()) return s;
        return Status::Ok();
      }
    } else {
      rule.append_attribute("id").set_value(FreeId(root_, std::string(location_.attribute("id").value()) + "-rule").c_str());
    }
    if (Status s = Role(rule); !s.ok()) return s;
    // SCORE: or ATTRIBUTE: (the attribute whose value is the score); none is INFINITY.
    if (!done() && Peek().size() > 1 && Peek().back() == ':') {
      const std::string word = Next();
      std::string lower = word.substr(0, word.size() - 1);
      for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (lower == "advisory") {
        rule.append_attribute("score").set_value("0");
      } else if (lower == "mandatory") {
        rule.append_attribute("score").set_value("INFINITY");
      } else if (const auto score = ScoreWord(word)) {
        rule.append_attribute("score").set_value(score->c_str());
      } else {
        rule.append_attribute("score-attribute").set_value(word.substr(0, word.size() - 1).c_str());
      }
    } else {
      rule.append_attribute("score").set_value("INFINITY");
    }
    // SIMPLE [and|or SIMPLE]...: one boolean operator throughout.
    std::string op;
    for (;;) {
      if (Status s = Simple(rule); !s.ok()) return s;
      if (done() || !(Is(Peek(), "and") || Is(Peek(), "or"))) break;
      const std::string next = Next();
      if (!op.empty() && !Is(op, next)) return Invalid("'" + op + "' and '" + next + "' are mixed in one rule (one rule takes one of them)");
      op = next;
    }
    if (Is(op, "or")) {
      // crmsh writes the operator before the id.
      rule.insert_attribute_after("boolean-op", rule.attribute("score") ? rule.attribute("score") : rule.attribute("score-attribute"))
          .set_value("or");
    }
    return Status::Ok();
  }

  Status Role(xml_node rule) {
    if (done()) return Status::Ok();
    const std::string& word = Peek();
    const size_t eq = word.find('=');
    if (eq == std::string::npos || !(Is(word.substr(0, eq), "$role") || Is(word.substr(0, eq), "role"))) {
      return Status::Ok();
    }
    const std::string role = word.substr(eq + 1);
    if (!IsRole(role)) return Invalid("'" + role + "' is not a role (Started, Stopped, Promoted, Unpromoted)");
    Next();
    rule.append_attribute("role").set_value(RoleForSchema(root_, role).c_str());
    return Status::Ok();
  }

  std::string RuleId(xml_node rule) const {
    return rule.attribute("id") ? rule.attribute("id").value() : rule.attribute("id-ref").value();
  }

  Status Simple(xml_node rule) {
    if (done()) return Expected("an expression (ATTRIBUTE OP VALUE, defined ATTRIBUTE, date ...)");
    const std::string base = RuleId(rule) + "-expression";
    if (Is(Peek(), "date")) {
      Next();
      return Date(rule, base);
    }
    if (Is(Peek(), "defined") || Is(Peek(), "not_defined")) {
      const std::string op = Next();
      if (done()) return Expected("an attribute");
      const std::string attribute = Next();
      xml_node e = rule.append_child("expression");
      e.append_attribute("operation").set_value(op.c_str());
      e.append_attribute("attribute").set_value(attribute.c_str());
      e.append_attribute("id").set_value(FreeId(root_, base).c_str());
      return Status::Ok();
    }
    const std::string attribute = Next();
    if (attribute.find('=') != std::string::npos) return Invalid("expected an attribute, not '" + attribute + "'");
    if (done()) return Expected("an operator (eq, ne, lt, gt, lte, gte, optionally TYPE: before it)");
    const std::string word = Next();
    const size_t colon = word.find(':');
    const std::string type = colon == std::string::npos ? "" : word.substr(0, colon);
    const std::string op = colon == std::string::npos ? word : word.substr(colon + 1);
    if (!Among(op, kBinaryOps) || (!type.empty() && !Among(type, kTypes))) {
      return Invalid("expected an operator (eq, ne, lt, gt, lte, gte, optionally string:, integer:, number: or "
                     "version: before it), not '" + word + "'");
    }
    if (done()) return Expected("a value");
    const std::string value = Next();
    xml_node e = rule.append_child("expression");
    e.append_attribute("operation").set_value(op.c_str());
    e.append_attribute("attribute").set_value(attribute.c_str());
    if (!type.empty()) e.append_attribute("type").set_value(type.c_str());
    // SOURCE{NAME}: the value of the resource's parameter (param) or meta attribute (meta) NAME.
    const size_t brace = value.find('{');
    if (brace != std::string::npos && brace > 0 && value.back() == '}' && value.size() > brace + 2) {
      const std::string source = value.substr(0, brace);
      if (source != "param" && source != "meta" && source != "literal") {
        return Invalid("'" + value + "': the value's source is param, meta or literal");
      }
      e.append_attribute("value").set_value(value.substr(brace + 1, value.size() - brace - 2).c_str());
      e.append_attribute("value-source").set_value(source.c_str());
    } else {
      e.append_attribute("value").set_value(value.c_str());
    }
    e.append_attribute("id").set_value(FreeId(root_, base).c_str());
    return Status::Ok();
  }

  Status Date(xml_node rule, const std::string& base) {
    if (done()) return Expected("lt, gt, in_range or date_spec after 'date'");
    const std::string word = Next();
    xml_node e = rule.append_child("date_expression");
    if (Is(word, "lt") || Is(word, "gt")) {
      if (done()) return Expected(Is(word, "lt") ? "an end date" : "a start date");
      e.append_attribute("operation").set_value(word.c_str());
      e.append_attribute(Is(word, "lt") ? "end" : "start").set_value(Next().c_str());
      e.append_attribute("id").set_value(FreeId(root_, base).c_str());
      return Status::Ok();
    }
    const bool range = Is(word, "in") || Is(word, "in_range");
    if (!range && !Is(word, "spec") && !Is(word, "date_spec")) {
      return Invalid("expected lt, gt, in_range (in) or date_spec (spec) after 'date', not '" + word + "'");
    }
    e.append_attribute("operation").set_value(range ? "in_range" : "date_spec");
    // NAME=VALUE pairs: start and end on the expression, the rest a duration or a date_spec.
    std::vector<std::pair<std::string, std::string>> bounds, fields;
    while (!done()) {
      const size_t eq = Peek().find('=');
      const std::string name = Peek().substr(0, eq);
      const bool bound = range && (name == "start" || name == "end");
      if (!bound && !Among(name, kDateFields)) break;
      const std::string value = eq == std::string::npos ? "" : Peek().substr(eq + 1);
      (bound ? bounds : fields).emplace_back(name, value);
      Next();
    }
    const size_t wanted = range ? 2 : 1;
    if (bounds.size() + fields.size() < wanted) {
      return Expected(range ? "start=DATE and end=DATE or a duration (years=, months=, weeks=...)"
                            : "a field (hours=9-16, weekdays=1-5, monthdays=, months=...)");
    }
    for (const auto& [name, value] : bounds) e.append_attribute(name.c_str()).set_value(value.c_str());
    const std::string id = FreeId(root_, base);
    e.append_attribute("id").set_value(id.c_str());
    if (!fields.empty()) {
      xml_node sub = e.append_child(range ? "duration" : "date_spec");
      for (const auto& [name, value] : fields) sub.append_attribute(name.c_str()).set_value(value.c_str());
      sub.append_attribute("id").set_value(FreeId(root_, id + (range ? "-duration" : "-date_spec")).c_str());
    }
    return Status::Ok();
  }

  const std::vector<std::string>& words_;
  size_t at_ = 0;
  xml_node location_;
  xml_node root_;
};

// The name=value pairs of an element, but its id, in the element's order.
std::string Fields(xml_node x) {
  std::string out;
  for (const auto a : x.attributes()) {
    if (std::string_view(a.name()) == "id") continue;
    out += " " + std::string(a.name()) + "=" + Quoted(a.value());
  }
  return out;
}

std::string ShowExpression(xml_node e) {
  const std::string_view kind = e.name();
  if (kind == "date_expression") {
    const std::string op = e.attribute("operation").value();
    if (op == "lt") return "date lt " + Quoted(e.attribute("end").value());
    if (op == "gt") return "date gt " + Quoted(e.attribute("start").value());
    std::string out = std::string("date ") + (op == "in_range" ? "in" : op == "date_spec" ? "spec" : op);
    if (op == "in_range") {
      for (const char* bound : {"start", "end"}) {
        if (e.attribute(bound)) out += std::string(" ") + bound + "=" + Quoted(e.attribute(bound).value());
      }
    }
    for (xml_node child : e.children()) {
      const std::string_view name = child.name();
      if (name == "duration" || name == "date_spec") out += Fields(child);
    }
    return out;
  }
  std::string op = e.attribute("operation").value();
  if (const char* type = e.attribute("type").value(); *type != '\0') op = std::string(type) + ":" + op;
  const std::string attribute = e.attribute("attribute").value();
  const std::string value = e.attribute("value").value();
  if (value.empty()) return op + " " + attribute;
  const std::string source = e.attribute("value-source").value();
  if (source.empty() || source == "literal") return attribute + " " + op + " " + value;
  return attribute + " " + op + " " + source + "{" + value + "}";
}

}  // namespace

Status AppendRules(const std::vector<std::string>& words, xml_node location, xml_node root) {
  return RuleReader(words, location, root).Run();
}

std::string ShowRule(xml_node rule) {
  if (const char* ref = rule.attribute("id-ref").value(); *ref != '\0') return std::string("$id-ref=") + ref;
  std::string out;
  if (const char* role = rule.attribute("role").value(); *role != '\0') out += std::string("$role=") + role + " ";
  const std::string score = rule.attribute("score").value();
  if (!score.empty() && score != "INFINITY") {
    std::string shown = score;
    if (const size_t inf = shown.find("INFINITY"); inf != std::string::npos) shown.replace(inf, 8, "inf");
    out += shown + ": ";
  } else if (score.empty() && rule.attribute("score-attribute")) {
    out += std::string(rule.attribute("score-attribute").value()) + ": ";
  }
  const std::string op = Is(rule.attribute("boolean-op").value(), "or") ? " or " : " and ";
  std::string expressions;
  for (xml_node e : rule.children()) {
    const std::string_view kind = e.name();
    if (kind != "expression" && kind != "date_expression") continue;
    expressions += (expressions.empty() ? "" : op) + ShowExpression(e);
  }
  return out + expressions;
}

}  // namespace vigil::crm
