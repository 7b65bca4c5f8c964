// The CIB reader's tools, internal to the CIB library: where an element is (file:line:column),
// the first error found, and the readers of the configuration's sections (read_configuration.cc)
// that cib.cc calls in order. Not the library's interface: cib.h is.
#pragma once

#include <algorithm>
#include <charconv>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include <pugixml.hpp>

#include "cluster/cib/cib.h"
#include "cluster/cib/rule.h"
#include "cluster/cib/score.h"
#include "common/duration.h"

namespace vigil::cib {

// What a parse error needs to name its place: the source's name and its text, for line:column.
struct Source {
  std::string_view name;
  std::string_view text;

  std::string Where(const pugi::xml_node& node) const {
    ptrdiff_t offset = node.offset_debug();  // at the element's name: point at its '<'
    if (offset > 0 && static_cast<size_t>(offset) <= text.size() && text[offset - 1] == '<') --offset;
    std::string where(name);
    if (offset >= 0 && static_cast<size_t>(offset) <= text.size()) {
      const std::string_view before = text.substr(0, static_cast<size_t>(offset));
      const size_t line = 1 + static_cast<size_t>(std::count(before.begin(), before.end(), '\n'));
      const size_t line_start = before.rfind('\n');
      const size_t column = offset - (line_start == std::string_view::npos ? 0 : line_start + 1) + 1;
      where += ":" + std::to_string(line) + ":" + std::to_string(column);
    }
    return where;
  }

  // "cib.xml:12:3: <rsc_colocation id="c1">: what".
  Status Error(const pugi::xml_node& node, const std::string& what,
               StatusCode code = StatusCode::kParseError) const {
    std::string element = std::string("<") + node.name();
    if (const auto id = node.attribute("id")) element += std::string(" id=\"") + id.value() + "\"";
    element += ">";
    return Status(code, Where(node) + ": " + element + ": " + what);
  }
};

// Errors collected while walking the document: the first one is reported.
class Reader {
 public:
  explicit Reader(const Source& source, bool planning_only = false) : source_(source), planning_only_(planning_only) {}

  // Whether what vigild cannot carry out is read (ReadOptions::planning_only) or refused.
  bool planning_only() const { return planning_only_; }

  bool failed() const { return !status_.ok(); }
  Status TakeStatus() { return std::move(status_); }

  void Fail(const pugi::xml_node& node, const std::string& what,
            StatusCode code = StatusCode::kParseError) {
    if (status_.ok()) status_ = source_.Error(node, what, code);
  }

  std::string Required(const pugi::xml_node& node, const char* attribute) {
    const auto a = node.attribute(attribute);
    if (!a || a.value()[0] == '\0') {
      Fail(node, std::string("the attribute '") + attribute + "' is missing");
      return {};
    }
    return a.value();
  }

  int Score(const pugi::xml_node& node, const char* attribute) {
    const std::string text = Required(node, attribute);
    if (failed()) return 0;
    const auto score = ParseScore(text);
    if (!score) {
      Fail(node, std::string(attribute) + "=\"" + text +
                     "\" is not a score (an integer, INFINITY or -INFINITY)");
      return 0;
    }
    return *score;
  }

  int64_t Integer(const pugi::xml_node& node, const char* attribute, int64_t fallback) {
    return Integer(node, node.attribute(attribute), fallback);
  }

  int64_t Integer(const pugi::xml_node& node, const pugi::xml_attribute& a, int64_t fallback) {
    if (!a) return fallback;
    const std::string_view text = a.value();
    int64_t value = 0;
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || ec != std::errc() || ptr != text.data() + text.size()) {
      Fail(node, std::string(a.name()) + "=\"" + a.value() + "\" is not an integer");
      return fallback;
    }
    return value;
  }

  int64_t Duration(const pugi::xml_node& node, const char* attribute, int64_t fallback) {
    const auto a = node.attribute(attribute);
    if (!a) return fallback;
    const auto ms = ParseDurationMs(a.value());
    if (!ms) {
      Fail(node, std::string(attribute) + "=\"" + a.value() +
                     "\" is not a duration (such as 10s, 500ms, 2min or PT10S)");
      return fallback;
    }
    return *ms;
  }

  // The nvpairs of `parent`'s child sets named `set_name` that apply: a set without a rule always
  // does, one with a rule when it holds in `context` (read at the Reader's `now` when null, with
  // no node and no resource). Sets are taken highest score first, then in document order; the
  // first value of a name wins. A set or nvpair may be an id-ref to one defined elsewhere.
  void NvSets(const pugi::xml_node& parent, const char* set_name, Attributes& into,
              const RuleContext* context = nullptr);
  // The same sets, read and sorted but not resolved: for rules that need a node, a resource or an
  // operation the reader does not have (ResolveSets, rule.h).
  // A set whose id is `first_id` comes before all others (the cluster options' own set).
  std::vector<AttributeSet> ReadSets(const pugi::xml_node& parent, const char* set_name,
                                     const char* first_id = nullptr);
  // One <rule>, or the rule its id-ref names; `location` allows a score or score-attribute.
  std::optional<Rule> ReadRule(const pugi::xml_node& x, bool location);

  // The moment rules with date expressions are evaluated at (seconds since the epoch).
  int64_t now() const { return now_; }
  void set_now(int64_t now) { now_ = now; }
  // The element an id-ref names, of the same kind as `x`; a Fail and a null node if none.
  pugi::xml_node Referenced(const pugi::xml_node& x);

  // A context of the moment alone: no node, no resource.
  RuleContext Bare() const {
    RuleContext c;
    c.now = now_;
    return c;
  }
  // Whether a rule read so far depends on the date.
  bool time_dependent() const { return time_dependent_; }
  // The moments a date expression read so far may change its outcome at (unsorted).
  std::vector<int64_t> TakeDateChanges() { return std::move(date_changes_); }

 private:
  bool ReadExpression(const pugi::xml_node& x, RuleExpression& e, int depth);
  bool ReadRuleInto(const pugi::xml_node& x, bool location, Rule& rule, int depth);
  void NvSet(const pugi::xml_node& set, Attributes& into);

  const Source& source_;
  bool planning_only_ = false;
  Status status_;
  int64_t now_ = 0;
  bool time_dependent_ = false;
  std::vector<int64_t> date_changes_;
};

// The configuration's sections, each into the model; the first error stays in the Reader.
void ReadNodes(Reader& r, const pugi::xml_node& nodes, Model& m);
void ReadResources(Reader& r, const pugi::xml_node& resources, Model& m);
// After the resources: a constraint must name one.
void ReadConstraints(Reader& r, const pugi::xml_node& constraints, Model& m);
// After the resources: each level's devices must be fence primitives, its target one of target,
// target-pattern (a valid regular expression) or target-attribute with target-value, its index a
// positive number not used twice for one target.
void ReadFencingTopology(Reader& r, const pugi::xml_node& topology, Model& m);

// A role attribute, if present, names one of Pacemaker's roles (the legacy Master and Slave
// included).
void CheckRole(Reader& r, const pugi::xml_node& x, const char* attribute);

// Resource ids a constraint may name, and those it may not: what a clone clones, by its clone.
struct ResourceIds {
  std::unordered_set<std::string_view> named;
  std::unordered_map<std::string_view, std::string_view> cloned;
  // What a template's or a tag's id stands for in a constraint: the primitives made from the
  // template, the objects the tag refers to (obj_ref), in document order.
  std::unordered_map<std::string, std::vector<std::string>> tags;
};
// Fails unless `id` (the value of `attribute` of `constraint`) is one a constraint may name.
void CheckResource(Reader& r, const pugi::xml_node& constraint, const ResourceIds& ids, const std::string& id,
                   const char* attribute);
// A location constraint's rules into `l`; false when it has none (it gives a node and a score).
// A node and rules both is an error.
bool ReadLocationRules(Reader& r, const pugi::xml_node& c, Location& l);
// An order's (or an order set's) kind, or its deprecated score; nullopt when it gives neither.
std::optional<OrderKind> ReadOrderKind(Reader& r, const pugi::xml_node& x);
// A ticket constraint's ticket and loss-policy (rsc_ticket `c`) for resource `rsc` in `role`.
// "fence" is "stop" without fencing enabled, as in Pacemaker.
std::optional<TicketConstraint> ReadTicket(Reader& r, const pugi::xml_node& c, const Model& m, const std::string& rsc,
                                           const std::string& role);
// Constraint `c` with the templates and tags it names replaced by the resources they stand for,
// as Pacemaker 2.1.5 expands them: in a resource set, a tag's resource_ref gives way to one per
// resource, in place; a tag named by rsc, with-rsc, first or then becomes a resource set of its
// own (sequential="false", the role or action moved into it), and so, in a colocation or order,
// does the plain resource on the other side. Two tags colocated is an error. `c` itself when it
// names none, else a copy in `scratch`; a null node after a Fail.
pugi::xml_node ExpandTags(Reader& r, const pugi::xml_node& c, const ResourceIds& ids, pugi::xml_document& scratch);
// A constraint made of resource sets (rsc_location, rsc_colocation, rsc_order, rsc_ticket), expanded into the
// two-resource constraints Pacemaker makes of it (read_sets.cc).
void ReadSetConstraint(Reader& r, const pugi::xml_node& constraint, const ResourceIds& ids, Model& m);

}  // namespace vigil::cib
