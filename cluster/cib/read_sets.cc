// Constraints made of resource sets, expanded as Pacemaker 2.1.5 expands them into constraints
// between two resources (its unpack_colocation_set, colocate_rsc_sets, unpack_order_set,
// order_rsc_sets; see docs/scheduler.md, "Resource sets"):
// - colocation: inside a set each member is placed with the one before it (the first is placed
//   first); between two sets the earlier one is placed with the later one (its first member with
//   the later set's last; every member for a set with sequential="false");
// - order: inside a set each member after the one before it (none with sequential="false"; every
//   pair with kind=Serialize); between two sets the later after the earlier, member by member
//   unless a set says sequential="true" explicitly (then its last, or first, member alone); after
//   a set with require-all="false", after one of its members (a counting pseudo-action);
// - location: every member;
// - ticket: every member, in its set's role.
#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "cluster/cib/reader.h"

namespace vigil::cib {
namespace {

struct Set {
  pugi::xml_node x;
  std::string id;
  std::vector<std::string> members;
  std::optional<bool> sequential;  // absent: each constraint kind reads it its own way
  std::optional<bool> require_all;
  std::string role;
  std::string action = "start";
  std::optional<int> score;
};

std::optional<Set> ReadSet(Reader& r, const pugi::xml_node& constraint, const pugi::xml_node& element,
                           const ResourceIds& ids) {
  pugi::xml_node x = element;
  if (x.attribute("id-ref")) x = r.Referenced(x);
  if (r.failed()) return std::nullopt;
  Set s;
  s.x = x;
  s.id = r.Required(x, "id");
  if (const auto a = x.attribute("sequential")) s.sequential = PacemakerIsTrue(a.value());
  if (const auto a = x.attribute("require-all")) s.require_all = PacemakerIsTrue(a.value());
  s.role = x.attribute("role").value();
  CheckRole(r, x, "role");
  if (const auto a = x.attribute("action")) s.action = a.value();
  if (s.action != "start" && s.action != "stop" && s.action != "promote" && s.action != "demote") {
    r.Fail(x, "action=\"" + s.action + "\" is not start, stop, promote or demote");
    return std::nullopt;
  }
  if (x.attribute("score")) s.score = r.Score(x, "score");
  if (const std::string_view o = x.attribute("ordering").value(); !o.empty() && o != "group" && o != "listed") {
    r.Fail(x, "ordering=\"" + std::string(o) + "\" is not group or listed");
    return std::nullopt;
  }
  for (const auto ref : x.children()) {
    if (ref.type() != pugi::node_element) continue;
    if (std::string_view(ref.name()) != "resource_ref") {
      r.Fail(ref, "a resource set holds resource_ref elements only");
      return std::nullopt;
    }
    const std::string id = r.Required(ref, "id");
    CheckResource(r, constraint, ids, id, "a resource set's resource_ref");
    if (r.failed()) return std::nullopt;
    s.members.push_back(id);
  }
  if (s.members.empty()) {
    r.Fail(x, "a resource set needs at least one resource_ref");
    return std::nullopt;
  }
  return s;
}

void AddColocation(Model& m, const std::string& id, const std::string& dependent, const std::string& primary, int score,
                   const std::string& dependent_role, const std::string& primary_role, std::optional<bool> influence) {
  if (dependent == primary || score == 0) return;
  Colocation col;
  col.id = id;
  col.rsc = dependent;
  col.with_rsc = primary;
  col.score = score;
  col.rsc_role = dependent_role;
  col.with_rsc_role = primary_role;
  col.influence = influence;
  m.colocations.push_back(std::move(col));
}

void ReadColocationSets(Reader& r, const pugi::xml_node& c, const std::vector<Set>& sets, Model& m) {
  if (c.attribute("node-attribute")) {
    r.Fail(c, "node-attribute is for a colocation of two resources, not of resource sets");
    return;
  }
  const std::string id = c.attribute("id").value();
  const int score = c.attribute("score") ? r.Score(c, "score") : 0;
  std::optional<bool> influence;
  if (const auto a = c.attribute("influence")) influence = PacemakerIsTrue(a.value());
  if (r.failed()) return;
  for (size_t i = 0; i < sets.size(); ++i) {
    const Set& s = sets[i];
    const int local = s.score.value_or(score);
    if (s.sequential.value_or(true) && local > 0) {
      // Each member with the one before it (ordering="listed": the one before with it).
      const bool listed = std::string_view(s.x.attribute("ordering").value()) == "listed";
      for (size_t k = 1; k < s.members.size(); ++k) {
        const std::string& earlier = s.members[k - 1];
        const std::string& later = s.members[k];
        AddColocation(m, s.id, listed ? earlier : later, listed ? later : earlier, local, s.role, s.role, influence);
      }
    } else if (s.sequential.value_or(true) && local < 0) {
      // Each member away from every member before it.
      for (size_t k = 1; k < s.members.size(); ++k) {
        for (size_t j = 0; j < k; ++j) AddColocation(m, s.id, s.members[k], s.members[j], local, s.role, s.role, influence);
      }
    }
    if (i == 0 || score == 0) continue;
    // The earlier set with the later one.
    const Set& earlier = sets[i - 1];
    std::vector<std::string> dependents = earlier.members, primaries = s.members;
    if (earlier.sequential.value_or(true)) dependents = {earlier.members.front()};
    if (s.sequential.value_or(true)) primaries = {s.members.back()};
    for (const auto& d : dependents) {
      for (const auto& p : primaries) AddColocation(m, id, d, p, score, earlier.role, s.role, influence);
    }
  }
}

// Adds the order (unless a resource would be ordered after itself); the order added, or null.
Order* AddOrder(Model& m, const std::string& id, const std::string& first, const std::string& then,
                const std::string& first_action, const std::string& then_action, OrderKind kind, bool symmetrical) {
  if (first == then) return nullptr;
  Order o;
  o.id = id;
  o.first = first;
  o.then = then;
  o.first_action = first_action;
  o.then_action = then_action;
  o.kind = kind;
  o.symmetrical = symmetrical;
  o.from_set = true;
  m.orders.push_back(std::move(o));
  return &m.orders.back();
}

void ReadOrderSets(Reader& r, const pugi::xml_node& c, const std::vector<Set>& sets, Model& m) {
  const std::string id = c.attribute("id").value();
  const OrderKind kind = ReadOrderKind(r, c).value_or(OrderKind::kMandatory);
  if (r.failed()) return;
  // Symmetrical as the constraint says, else unless Serialize (which never is).
  const bool asymmetric = c.attribute("symmetrical") && !PacemakerIsTrue(c.attribute("symmetrical").value());
  auto symmetry = [asymmetric](OrderKind k) { return k != OrderKind::kSerialize && !asymmetric; };
  if (c.attribute("require-all")) {
    r.Fail(c, "require-all on an order of resource sets is a set's, not the order's");
    return;
  }
  for (size_t i = 0; i < sets.size(); ++i) {
    const Set& s = sets[i];
    const OrderKind local = ReadOrderKind(r, s.x).value_or(kind);
    if (r.failed()) return;
    if (local == OrderKind::kSerialize) {
      for (size_t a = 0; a < s.members.size(); ++a) {
        for (size_t b = a + 1; b < s.members.size(); ++b) AddOrder(m, s.id, s.members[a], s.members[b], s.action, s.action, local, false);
      }
    } else if (s.sequential.value_or(true)) {
      for (size_t k = 1; k < s.members.size(); ++k) {
        AddOrder(m, s.id, s.members[k - 1], s.members[k], s.action, s.action, local, symmetry(local));
      }
    }
    if (i == 0) continue;
    const Set& earlier = sets[i - 1];
    if (!earlier.require_all.value_or(true) && earlier.action != "stop" && earlier.action != "demote") {
      // One member of the earlier set is enough for every member of this one (whatever either
      // says of sequential): a counting pseudo-action, one-or-more:<earlier set>, between them.
      for (const auto& t : s.members) {
        Order* o = AddOrder(m, id, "", t, earlier.action, s.action, kind, symmetry(kind));
        o->any_of = earlier.members;
        o->one_or_more = "one-or-more:" + earlier.id;
      }
      continue;
    }
    // Between sets a set counts as sequential only when it says so.
    std::vector<std::string> firsts = earlier.members, thens = s.members;
    if (earlier.sequential.value_or(false)) firsts = {earlier.members.back()};
    if (s.sequential.value_or(false)) thens = {s.members.front()};
    for (const auto& f : firsts) {
      for (const auto& t : thens) AddOrder(m, id, f, t, earlier.action, s.action, kind, symmetry(kind));
    }
  }
}

void ReadLocationSets(Reader& r, const pugi::xml_node& c, const std::vector<Set>& sets, Model& m) {
  Location base;
  base.id = r.Required(c, "id");
  base.role = c.attribute("role").value();
  CheckRole(r, c, "role");
  if (c.attribute("rsc") || c.attribute("rsc-pattern")) {
    r.Fail(c, "a location constraint names a resource, a pattern or resource sets: one of them");
    return;
  }
  if (!ReadLocationRules(r, c, base)) {
    base.node = r.Required(c, "node");
    // The constraint's score, or every set's own.
    if (c.attribute("score") || !std::all_of(sets.begin(), sets.end(), [](const Set& s) { return s.score.has_value(); })) {
      base.score = r.Score(c, "score");
    }
  }
  if (r.failed()) return;
  for (const Set& s : sets) {
    for (const auto& member : s.members) {
      Location l = base;
      l.rsc = member;
      // With a node, a set's own score and role stand for the constraint's.
      if (base.rules.empty()) {
        if (s.score) l.score = *s.score;
        if (!s.role.empty()) l.role = s.role;
      }
      m.locations.push_back(std::move(l));
    }
  }
}

// A resource set made of `attribute`'s resource (or tag) of `x`, with `suffix` (a role or an
// action) moved into it as `set_attribute`.
void MoveIntoSet(pugi::xml_node x, const char* attribute, const char* suffix, const char* set_attribute,
                 const ResourceIds& ids) {
  const std::string id = x.attribute(attribute).value();
  pugi::xml_node set = x.append_child("resource_set");
  set.append_attribute("id") = id.c_str();
  const auto tag = ids.tags.find(id);
  if (tag != ids.tags.end()) {
    set.append_attribute("sequential") = "false";
    for (const auto& member : tag->second) set.append_child("resource_ref").append_attribute("id") = member.c_str();
  } else {
    set.append_child("resource_ref").append_attribute("id") = id.c_str();
  }
  if (suffix != nullptr && x.attribute(suffix)) {
    set.append_attribute(set_attribute) = x.attribute(suffix).value();
    x.remove_attribute(suffix);
  }
  x.remove_attribute(attribute);
}

}  // namespace

pugi::xml_node ExpandTags(Reader& r, const pugi::xml_node& c, const ResourceIds& ids, pugi::xml_document& scratch) {
  if (ids.tags.empty()) return c;
  auto is_tag = [&](const char* id) { return !ids.named.count(id) && ids.tags.count(id); };
  if (c.child("resource_set")) {
    bool any = false;
    for (const auto set : c.children("resource_set")) {
      for (const auto ref : set.children("resource_ref")) any = any || is_tag(ref.attribute("id").value());
    }
    if (!any) return c;
    pugi::xml_node x = scratch.append_copy(c);
    for (auto set : x.children("resource_set")) {
      for (pugi::xml_node ref = set.child("resource_ref"); ref;) {
        const pugi::xml_node next = ref.next_sibling("resource_ref");
        if (const std::string id = ref.attribute("id").value(); is_tag(id.c_str())) {
          pugi::xml_node after = ref;
          for (const auto& member : ids.tags.at(id)) {
            after = set.insert_child_after("resource_ref", after);
            after.append_attribute("id") = member.c_str();
          }
          set.remove_child(ref);
        }
        ref = next;
      }
    }
    return x;
  }
  const std::string_view kind = c.name();
  if (kind == "rsc_colocation" || kind == "rsc_order") {
    const bool colocation = kind == "rsc_colocation";
    const char* one = colocation ? "rsc" : "first";
    const char* other = colocation ? "with-rsc" : "then";
    const bool one_tag = is_tag(c.attribute(one).value());
    const bool other_tag = is_tag(c.attribute(other).value());
    if (!one_tag && !other_tag) return c;
    if (colocation && one_tag && other_tag) {
      r.Fail(c, "a colocation of two tags or templates (" + std::string(c.attribute(one).value()) + " and " +
                    c.attribute(other).value() + ") is not one Pacemaker places");
      return {};
    }
    pugi::xml_node x = scratch.append_copy(c);
    MoveIntoSet(x, one, colocation ? "rsc-role" : "first-action", colocation ? "role" : "action", ids);
    MoveIntoSet(x, other, colocation ? "with-rsc-role" : "then-action", colocation ? "role" : "action", ids);
    return x;
  }
  if ((kind == "rsc_location" || kind == "rsc_ticket") && is_tag(c.attribute("rsc").value())) {
    pugi::xml_node x = scratch.append_copy(c);
    MoveIntoSet(x, "rsc", kind == "rsc_location" ? "role" : "rsc-role", "role", ids);
    return x;
  }
  return c;
}

void ReadSetConstraint(Reader& r, const pugi::xml_node& c, const ResourceIds& ids, Model& m) {
  const std::string_view kind = c.name();
  r.Required(c, "id");
  if (r.failed()) return;
  if (kind != "rsc_colocation" && kind != "rsc_order" && kind != "rsc_location" && kind != "rsc_ticket") {
    r.Fail(c, "this kind of constraint is not supported", StatusCode::kUnsupported);
    return;
  }
  // (A location's rsc is refused by ReadLocationSets, with its rsc-pattern.)
  if (c.attribute("with-rsc") || c.attribute("first") || c.attribute("then") ||
      ((kind == "rsc_colocation" || kind == "rsc_ticket") && c.attribute("rsc"))) {
    r.Fail(c, "a constraint names two resources or holds resource sets: not both");
    return;
  }
  std::vector<Set> sets;
  for (const auto x : c.children("resource_set")) {
    auto s = ReadSet(r, c, x, ids);
    if (!s) return;
    sets.push_back(std::move(*s));
  }
  if (kind == "rsc_colocation") {
    ReadColocationSets(r, c, sets, m);
  } else if (kind == "rsc_order") {
    ReadOrderSets(r, c, sets, m);
  } else if (kind == "rsc_ticket") {
    // Every member of every set needs the ticket, in its set's role.
    if (c.attribute("rsc-role")) {
      r.Fail(c, "rsc-role is for a ticket constraint of one resource; a set has its own role");
      return;
    }
    for (const Set& s : sets) {
      for (const auto& member : s.members) {
        auto t = ReadTicket(r, c, m, member, s.role);
        if (!t) return;
        m.ticket_constraints.push_back(std::move(*t));
      }
    }
  } else {
    ReadLocationSets(r, c, sets, m);
  }
}

}  // namespace vigil::cib
