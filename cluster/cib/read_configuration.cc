#include <algorithm>
#include <cctype>
#include <regex>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "cluster/cib/reader.h"

namespace vigil::cib {

void ReadNodes(Reader& r, const pugi::xml_node& nodes, Model& m) {
  for (const auto n : nodes.children("node")) {
    Node node;
    node.id = r.Required(n, "id");
    node.uname = r.Required(n, "uname");
    if (n.attribute("score")) node.score = r.Score(n, "score");
    // Rules in a node's own sets see no node attributes (Pacemaker evaluates them without a
    // node): only their date expressions can hold.
    r.NvSets(n, "instance_attributes", node.attributes);
    r.NvSets(n, "utilization", node.utilization);
    if (r.failed()) return;
    for (const auto& other : m.nodes) {
      if (other.id == node.id || other.uname == node.uname) {
        r.Fail(n, "a node with this id or name is already defined");
        return;
      }
    }
    m.nodes.push_back(std::move(node));
  }
}

void CheckRole(Reader& r, const pugi::xml_node& x, const char* attribute) {
  const auto a = x.attribute(attribute);
  if (a && !IsRoleName(a.value())) {
    r.Fail(x, std::string(attribute) + "=\"" + a.value() +
                  "\" is not a role (Stopped, Started, Unpromoted, Promoted, Slave, Master)");
  }
}

namespace {

// Rules in a resource's meta attributes see the resource (rsc_expression) and no node.
RuleContext ResourceContext(const Reader& r, const Primitive& p) {
  RuleContext c;
  c.now = r.now();
  c.resource = true;
  c.standard = &p.standard;
  c.provider = &p.provider;
  c.agent_type = &p.type;
  return c;
}

RuleContext ResourceContext(const Reader& r) {
  RuleContext c;
  c.now = r.now();
  c.resource = true;
  return c;
}

void ReadOperations(Reader& r, const pugi::xml_node& ops, Primitive& p) {
  for (const auto o : ops.children("op")) {
    Operation op;
    op.id = r.Required(o, "id");
    op.name = r.Required(o, "name");
    if (r.failed()) return;
    op.interval_ms = r.Duration(o, "interval", 0);
    if (o.attribute("timeout")) op.timeout_ms = r.Duration(o, "timeout", 0);
    op.role = o.attribute("role").value();
    CheckRole(r, o, "role");
    for (const auto a : o.attributes()) {
      const std::string_view name = a.name();
      if (name != "id" && name != "name" && name != "interval" && name != "timeout" &&
          name != "role") {
        op.meta.emplace(a.name(), a.value());
      }
    }
    // An operation's sets overwrite one another in Pacemaker's order (highest score first, the
    // last in the document first among equals), so the one taken last wins: first-wins over the
    // reverse of that order.
    std::vector<AttributeSet> sets = r.ReadSets(o, "meta_attributes");
    std::reverse(sets.begin(), sets.end());
    RuleContext context = ResourceContext(r, p);
    context.op_name = &op.name;
    context.op_interval_ms = op.interval_ms;
    ResolveSets(sets, context, op.meta);
    std::vector<AttributeSet> param_sets = r.ReadSets(o, "instance_attributes");
    std::reverse(param_sets.begin(), param_sets.end());
    ResolveSets(param_sets, context, op.params);
    if (r.failed()) return;
    p.operations.push_back(std::move(op));
  }
}

// What a primitive or group takes from the group or clone it is in.
struct Parent {
  const Attributes& params;
  const Attributes& meta;
  // Its instance_attributes sets and its parent's, in order (a primitive whose sets or inherited
  // ones have a rule has its parameters resolved for each node from them).
  const std::vector<AttributeSet>& param_sets;
  // Its meta_attributes sets and its parent's, in order: a rule in them (rsc_expression) is
  // evaluated for each member with the member's own agent, as Pacemaker does.
  const std::vector<AttributeSet>& meta_sets;
  std::string group;  // the group it is a member of; empty: none
  std::string clone;  // the clone it is cloned by; empty: none
};

// A value of its own wins; what it does not set, it takes from its parent (Pacemaker's
// inheritance, which reaches a cloned group's members through the group).
// `context`: the inheriting resource's, for the parent's meta rules.
void Inherit(const Parent* parent, const RuleContext& context, Attributes& params, Attributes& meta) {
  if (parent == nullptr) return;
  params.insert(parent->params.begin(), parent->params.end());
  if (HasRules(parent->meta_sets)) {
    ResolveSets(parent->meta_sets, context, meta);
  } else {
    meta.insert(parent->meta.begin(), parent->meta.end());
  }
}

// A group's or clone's meta_attributes sets, then its parent's.
std::vector<AttributeSet> MetaSets(Reader& r, const pugi::xml_node& x, const Parent* parent) {
  std::vector<AttributeSet> sets = r.ReadSets(x, "meta_attributes");
  if (parent != nullptr) sets.insert(sets.end(), parent->meta_sets.begin(), parent->meta_sets.end());
  return sets;
}

// A resource's instance_attributes as they apply with no node, and all the sets that may apply,
// its own first, then its parent's.
void ReadParams(Reader& r, const pugi::xml_node& x, const Parent* parent, Attributes& params,
                std::vector<AttributeSet>& sets) {
  sets = r.ReadSets(x, "instance_attributes");
  ResolveSets(sets, r.Bare(), params);
  if (parent != nullptr) sets.insert(sets.end(), parent->param_sets.begin(), parent->param_sets.end());
}

// An operation's name and role as a template's operations are matched with a primitive's:
// no role, Started and Unpromoted are one.
std::string OperationKey(const pugi::xml_node& op) {
  std::string_view role = CurrentRoleName(op.attribute("role").value());
  if (role == "Started" || role == "Unpromoted") role = "";
  return std::string(op.attribute("name").value()) + "-" + std::string(role);
}

// Primitive `x` made from its template as Pacemaker 2.1.5 makes it: a copy of the <template>
// (its agent and sets first) named after `x`, `x`'s own children added after the template's,
// and the template's operations added to `x`'s own where `x` has none of that name and role
// (whatever the interval). Into `scratch`; a null node after a Fail.
pugi::xml_node ExpandTemplate(Reader& r, const pugi::xml_node& x, pugi::xml_document& scratch) {
  const std::string id = x.attribute("id").value();
  const std::string name = x.attribute("template").value();
  if (name == id) {
    r.Fail(x, "a resource cannot be its own template");
    return {};
  }
  const pugi::xml_node resources = x.root().child("cib").child("configuration").child("resources");
  const pugi::xml_node t = resources.find_child_by_attribute("template", "id", name.c_str());
  if (!t) {
    r.Fail(x, "template=\"" + name + "\" names no <template>");
    return {};
  }
  pugi::xml_node out = scratch.append_copy(t);
  out.set_name("primitive");
  out.attribute("id").set_value(id.c_str());
  pugi::xml_node template_ops = out.child("operations");
  pugi::xml_node own_ops;
  for (const auto child : x.children()) {
    pugi::xml_node copy = out.append_copy(child);
    if (std::string_view(copy.name()) == "operations") own_ops = copy;
  }
  if (template_ops && own_ops) {
    std::unordered_set<std::string> own;
    for (const auto op : own_ops.children("op")) own.insert(OperationKey(op));
    for (const auto op : template_ops.children("op")) {
      if (!own.count(OperationKey(op))) own_ops.append_copy(op);
    }
    out.remove_child(template_ops);
  }
  return out;
}

// One <primitive>, at the top level or in a group or clone (`parent`; null: none).
void ReadPrimitive(Reader& r, const pugi::xml_node& element, const Parent* parent, Model& m) {
  Primitive p;
  p.id = r.Required(element, "id");
  if (r.failed()) return;
  pugi::xml_document scratch;
  pugi::xml_node x = element;
  if (element.attribute("template")) {
    x = ExpandTemplate(r, element, scratch);
    if (r.failed()) return;
    p.template_id = element.attribute("template").value();
  }
  p.standard = r.Required(x, "class");
  p.type = r.Required(x, "type");
  p.provider = x.attribute("provider").value();
  if (r.failed()) return;
  if (p.standard == "ocf" && p.provider.empty()) {
    r.Fail(x, "an ocf resource needs a provider");
    return;
  }
  ReadParams(r, x, parent, p.params, p.param_sets);
  // Kept only when a rule makes them depend on the node: else `params` is what applies.
  if (!HasRules(p.param_sets)) p.param_sets.clear();
  const RuleContext context = ResourceContext(r, p);
  r.NvSets(x, "meta_attributes", p.meta, &context);
  r.NvSets(x, "utilization", p.utilization, &context);
  Inherit(parent, context, p.params, p.meta);
  if (parent != nullptr) {
    p.group = parent->group;
    p.clone = parent->clone;
  }
  // A remote node (ocf:pacemaker:remote) or a guest node (meta remote-node) makes the resource
  // a node that others run on: a placement Vigil does not do, so refused rather than run as a
  // plain resource.
  if (p.standard == "ocf" && p.provider == "pacemaker" && p.type == "remote") {
    r.Fail(x, "Pacemaker Remote nodes (ocf:pacemaker:remote) are not supported", StatusCode::kUnsupported);
    return;
  }
  if (p.meta.count("remote-node")) {
    r.Fail(x, "guest nodes (meta remote-node) are not supported", StatusCode::kUnsupported);
    return;
  }
  if (p.meta.count("container")) {
    r.Fail(x, "resources in containers (meta container) are not supported", StatusCode::kUnsupported);
    return;
  }
  // A device's actions on a node run one at a time, as the executor runs a resource's operations:
  // Pacemaker's default limit (0 means 1 there too); another is refused rather than ignored.
  if (p.standard == "stonith" && !r.planning_only()) {
    std::vector<const Attributes*> all{&p.params};
    for (const auto& set : p.param_sets) all.push_back(&set.values);
    for (const Attributes* params : all) {
      const auto it = params->find("pcmk_action_limit");
      if (it != params->end() && it->second != "1" && it->second != "0") {
        r.Fail(x, "pcmk_action_limit=" + it->second + " is not supported (Vigil runs a device's actions on a node one at a time)",
               StatusCode::kUnsupported);
        return;
      }
    }
  }
  ReadOperations(r, x.child("operations"), p);
  if (r.failed()) return;
  m.primitives.push_back(std::move(p));
}

// The attribute sets a group or clone may hold besides its resources.
bool IsAttributeSet(std::string_view kind) {
  return kind == "instance_attributes" || kind == "meta_attributes" || kind == "utilization";
}

// One <group>, at the top level or in a clone (`parent`; null: none).
void ReadGroup(Reader& r, const pugi::xml_node& x, const Parent* parent, Model& m) {
  Group g;
  g.id = r.Required(x, "id");
  std::vector<AttributeSet> param_sets;
  ReadParams(r, x, parent, g.params, param_sets);
  const RuleContext context = ResourceContext(r);
  r.NvSets(x, "meta_attributes", g.meta, &context);
  if (r.failed()) return;
  Inherit(parent, context, g.params, g.meta);
  if (parent != nullptr) g.clone = parent->clone;
  const std::vector<AttributeSet> meta_sets = MetaSets(r, x, parent);
  const Parent members{g.params, g.meta, param_sets, meta_sets, g.id, g.clone};
  for (const auto child : x.children()) {
    if (child.type() != pugi::node_element || IsAttributeSet(child.name())) continue;
    if (std::string_view(child.name()) != "primitive") {
      r.Fail(child, "a group holds only primitives", StatusCode::kParseError);
      return;
    }
    ReadPrimitive(r, child, &members, m);
    if (r.failed()) return;
    g.members.push_back(m.primitives.back().id);
  }
  if (g.members.empty()) {
    r.Fail(x, "a group needs at least one primitive");
    return;
  }
  m.groups.push_back(std::move(g));
}

// One <clone> (or the legacy <master>): one primitive or group, copied.
void ReadClone(Reader& r, const pugi::xml_node& x, Model& m) {
  Clone c;
  c.id = r.Required(x, "id");
  std::vector<AttributeSet> param_sets;
  ReadParams(r, x, nullptr, c.params, param_sets);
  const RuleContext context = ResourceContext(r);
  r.NvSets(x, "meta_attributes", c.meta, &context);
  if (r.failed()) return;
  const auto promotable = c.meta.find("promotable");
  c.promotable = std::string_view(x.name()) == "master" ||
                 (promotable != c.meta.end() && PacemakerIsTrue(promotable->second));
  const std::vector<AttributeSet> meta_sets = MetaSets(r, x, nullptr);
  const Parent parent{c.params, c.meta, param_sets, meta_sets, "", c.id};
  for (const auto child : x.children()) {
    if (child.type() != pugi::node_element || IsAttributeSet(child.name())) continue;
    const std::string_view kind = child.name();
    if ((kind != "primitive" && kind != "group") || !c.child.empty()) {
      r.Fail(child, "a clone holds one primitive or one group", StatusCode::kParseError);
      return;
    }
    if (kind == "primitive") {
      ReadPrimitive(r, child, &parent, m);
      if (r.failed()) return;
      c.child = m.primitives.back().id;
    } else {
      ReadGroup(r, child, &parent, m);
      if (r.failed()) return;
      c.child = m.groups.back().id;
      c.child_is_group = true;
    }
  }
  if (c.child.empty()) {
    r.Fail(x, "a clone needs a primitive or a group to clone");
    return;
  }
  m.clones.push_back(std::move(c));
}

}  // namespace

void ReadResources(Reader& r, const pugi::xml_node& resources, Model& m) {
  for (const auto x : resources.children()) {
    if (x.type() != pugi::node_element) continue;
    const std::string_view kind = x.name();
    if (kind == "primitive") {
      ReadPrimitive(r, x, nullptr, m);
    } else if (kind == "group") {
      ReadGroup(r, x, nullptr, m);
    } else if (kind == "clone" || kind == "master") {
      ReadClone(r, x, m);
    } else if (kind == "bundle") {
      r.Fail(x, "bundles are not supported", StatusCode::kUnsupported);
    } else if (kind == "template") {
      // Not a resource: what primitives made from it start from (ExpandTemplate).
      r.Required(x, "id");
      r.Required(x, "class");
      r.Required(x, "type");
      if (!r.failed() && std::string_view(x.attribute("class").value()) == "ocf" && !x.attribute("provider")) {
        r.Fail(x, "an ocf template needs a provider");
      }
    } else {
      r.Fail(x, "an unknown kind of resource", StatusCode::kUnsupported);
    }
    if (r.failed()) return;
  }
}

void CheckResource(Reader& r, const pugi::xml_node& constraint, const ResourceIds& ids,
                   const std::string& id, const char* attribute) {
  if (r.failed() || ids.named.count(id)) return;
  if (const auto it = ids.cloned.find(id); it != ids.cloned.end()) {
    // Pacemaker ignores such a constraint with an error; refusing it says so before it matters.
    r.Fail(constraint, std::string(attribute) + "=\"" + id + "\" is cloned by " + std::string(it->second) +
                           ": a constraint names the clone");
    return;
  }
  r.Fail(constraint, std::string(attribute) + "=\"" + id + "\" names no defined resource");
}

bool ReadLocationRules(Reader& r, const pugi::xml_node& c, Location& l) {
  if (!c.child("rule")) return false;
  // Pacemaker takes node and score over rules when both are there; refusing says so.
  if (c.attribute("node")) {
    r.Fail(c, "a location constraint gives a node and a score, or rules: not both");
    return true;
  }
  for (const auto x : c.children("rule")) {
    auto rule = r.ReadRule(x, true);
    if (!rule) return true;
    l.rules.push_back(std::move(*rule));
  }
  return true;
}

std::optional<OrderKind> ReadOrderKind(Reader& r, const pugi::xml_node& x) {
  if (const auto a = x.attribute("kind")) {
    const std::string_view k = a.value();
    if (k == "Mandatory") return OrderKind::kMandatory;
    if (k == "Optional") return OrderKind::kOptional;
    if (k == "Serialize") return OrderKind::kSerialize;
    r.Fail(x, "kind=\"" + std::string(k) + "\" is not Mandatory, Optional or Serialize");
    return std::nullopt;
  }
  // The deprecated form: a score of 0 is optional, any other mandatory.
  if (x.attribute("score")) return r.Score(x, "score") == 0 ? OrderKind::kOptional : OrderKind::kMandatory;
  return std::nullopt;
}

std::optional<TicketConstraint> ReadTicket(Reader& r, const pugi::xml_node& c, const Model& m, const std::string& rsc,
                                           const std::string& role) {
  TicketConstraint t;
  t.id = r.Required(c, "id");
  t.ticket = r.Required(c, "ticket");
  t.rsc = rsc;
  // Started is any role, as for colocations.
  if (const std::string_view name = CurrentRoleName(role); name != "Started") t.role = name;
  t.loss_policy = c.attribute("loss-policy").value();
  if (r.failed()) return std::nullopt;
  if (t.loss_policy.empty()) {
    t.loss_policy = t.role == "Promoted" ? "demote" : "stop";
  } else if (t.loss_policy == "fence") {
    const auto stonith = m.properties.find("stonith-enabled");
    if (stonith != m.properties.end() && !PacemakerIsTrue(stonith->second)) {
      t.loss_policy = "stop";  // without fencing, Pacemaker stops it
    }
  } else if (t.loss_policy != "stop" && t.loss_policy != "demote" && t.loss_policy != "freeze") {
    r.Fail(c, "loss-policy=\"" + t.loss_policy + "\" is not stop, demote, freeze or fence");
    return std::nullopt;
  }
  return t;
}

void ReadFencingTopology(Reader& r, const pugi::xml_node& topology, Model& m) {
  std::set<std::string> used;  // "kind target index"
  for (const auto x : topology.children()) {
    if (x.type() != pugi::node_element) continue;
    if (std::string_view(x.name()) != "fencing-level") {
      r.Fail(x, "<fencing-topology> holds fencing-level elements only");
      return;
    }
    FencingLevel l;
    l.id = r.Required(x, "id");
    const int64_t index = r.Integer(x, "index", 0);
    l.target = x.attribute("target").value();
    l.target_pattern = x.attribute("target-pattern").value();
    l.target_attribute = x.attribute("target-attribute").value();
    l.target_value = x.attribute("target-value").value();
    const std::string devices = r.Required(x, "devices");
    if (r.failed()) return;
    if (index < 1 || index > 9) {
      r.Fail(x, "index=\"" + std::string(x.attribute("index").value()) + "\" is not a level from 1 to 9");
      return;
    }
    l.index = static_cast<int>(index);
    const int kinds = !l.target.empty() + !l.target_pattern.empty() + !l.target_attribute.empty();
    if (kinds != 1 || (!l.target_attribute.empty() && !x.attribute("target-value"))) {
      r.Fail(x, "a fencing level targets a node (target), a pattern (target-pattern) or an attribute "
                "(target-attribute with target-value): one of them");
      return;
    }
    if (!l.target_pattern.empty()) {
      try {
        std::regex check(l.target_pattern, std::regex::extended);
      } catch (const std::regex_error&) {
        r.Fail(x, "target-pattern=\"" + l.target_pattern + "\" is not a regular expression");
        return;
      }
    }
    for (size_t at = 0; at <= devices.size();) {
      const size_t comma = std::min(devices.find(',', at), devices.size());
      const std::string device = devices.substr(at, comma - at);
      const Primitive* p = m.FindPrimitive(device);
      if (device.empty() || p == nullptr || p->standard != "stonith") {
        r.Fail(x, "devices=\"" + devices + "\": '" + device + "' is not a fence device (a stonith primitive)");
        return;
      }
      l.devices.push_back(device);
      at = comma + 1;
    }
    const std::string key = (!l.target.empty() ? "node " + l.target
                             : !l.target_pattern.empty() ? "pattern " + l.target_pattern
                                                         : "attribute " + l.target_attribute + "=" + l.target_value) +
                            " level " + std::to_string(l.index);
    if (!used.insert(key).second) {
      r.Fail(x, "a second fencing level for " + key);
      return;
    }
    m.fencing_levels.push_back(std::move(l));
  }
}

void ReadConstraints(Reader& r, const pugi::xml_node& constraints, Model& m) {
  ResourceIds ids;
  for (const auto& p : m.primitives) {
    if (p.clone.empty()) ids.named.insert(p.id);
    else ids.cloned.emplace(p.id, p.clone);
  }
  for (const auto& g : m.groups) {
    if (g.clone.empty()) ids.named.insert(g.id);
    else ids.cloned.emplace(g.id, g.clone);
  }
  for (const auto& c : m.clones) ids.named.insert(c.id);
  for (const auto& p : m.primitives) {
    if (!p.template_id.empty()) ids.tags[p.template_id].push_back(p.id);
  }
  for (const auto tag : constraints.parent().child("tags").children()) {
    if (tag.type() != pugi::node_element) continue;
    if (std::string_view(tag.name()) != "tag") {
      r.Fail(tag, "the tags section holds tag elements only");
      return;
    }
    std::vector<std::string>& refs = ids.tags[r.Required(tag, "id")];
    for (const auto ref : tag.children("obj_ref")) refs.push_back(r.Required(ref, "id"));
    if (!r.failed() && refs.empty()) r.Fail(tag, "a tag needs at least one obj_ref");
    if (r.failed()) return;
  }
  for (const auto element : constraints.children()) {
    if (element.type() != pugi::node_element) continue;
    pugi::xml_document scratch;
    const pugi::xml_node c = ExpandTags(r, element, ids, scratch);
    if (r.failed()) return;
    const std::string_view kind = c.name();
    if (c.child("resource_set")) {
      ReadSetConstraint(r, c, ids, m);
      if (r.failed()) return;
      continue;
    }
    if (kind == "rsc_location") {
      Location l;
      l.id = r.Required(c, "id");
      if (c.attribute("rsc-pattern")) {
        l.rsc_pattern = c.attribute("rsc-pattern").value();
        if (c.attribute("rsc")) {
          r.Fail(c, "a location constraint names a resource (rsc) or a pattern (rsc-pattern): not both");
          return;
        }
        const std::string pattern = l.rsc_pattern.starts_with("!") ? l.rsc_pattern.substr(1) : l.rsc_pattern;
        if (const ResourcePattern compiled(pattern); !compiled.error().empty()) {
          r.Fail(c, "rsc-pattern=\"" + l.rsc_pattern + "\" is not a regular expression: " + compiled.error());
          return;
        }
      } else {
        l.rsc = r.Required(c, "rsc");
      }
      l.role = c.attribute("role").value();
      CheckRole(r, c, "role");
      if (const auto d = c.attribute("resource-discovery")) {
        l.discovery = d.value();
        std::transform(l.discovery.begin(), l.discovery.end(), l.discovery.begin(),
                       [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
        if (l.discovery != "always" && l.discovery != "never" && l.discovery != "exclusive") {
          r.Fail(c, "resource-discovery=\"" + std::string(d.value()) + "\" is not always, never or exclusive");
          return;
        }
      }
      if (!ReadLocationRules(r, c, l)) {
        l.node = r.Required(c, "node");
        l.score = r.Score(c, "score");
      }
      if (l.rsc_pattern.empty()) CheckResource(r, c, ids, l.rsc, "rsc");
      if (r.failed()) return;
      m.locations.push_back(std::move(l));
    } else if (kind == "rsc_colocation") {
      Colocation col;
      col.id = r.Required(c, "id");
      col.rsc = r.Required(c, "rsc");
      col.with_rsc = r.Required(c, "with-rsc");
      col.score = r.Score(c, "score");
      col.rsc_role = c.attribute("rsc-role").value();
      col.with_rsc_role = c.attribute("with-rsc-role").value();
      CheckRole(r, c, "rsc-role");
      CheckRole(r, c, "with-rsc-role");
      col.node_attribute = c.attribute("node-attribute").value();
      if (const auto a = c.attribute("influence")) col.influence = PacemakerIsTrue(a.value());
      CheckResource(r, c, ids, col.rsc, "rsc");
      CheckResource(r, c, ids, col.with_rsc, "with-rsc");
      if (r.failed()) return;
      if (col.rsc == col.with_rsc) {
        r.Fail(c, "a resource cannot be colocated with itself");
        return;
      }
      m.colocations.push_back(std::move(col));
    } else if (kind == "rsc_order") {
      Order o;
      o.id = r.Required(c, "id");
      o.first = r.Required(c, "first");
      o.then = r.Required(c, "then");
      if (const auto a = c.attribute("first-action")) o.first_action = a.value();
      o.then_action = c.attribute("then-action") ? c.attribute("then-action").value()
                                                  : o.first_action;
      o.kind = ReadOrderKind(r, c).value_or(OrderKind::kMandatory);
      if (r.failed()) return;
      // Serialize orders are asymmetric by definition.
      o.symmetrical = o.kind != OrderKind::kSerialize;
      if (const auto a = c.attribute("symmetrical")) o.symmetrical = PacemakerIsTrue(a.value());
      if (const auto a = c.attribute("require-all")) o.require_all = PacemakerIsTrue(a.value());
      CheckResource(r, c, ids, o.first, "first");
      CheckResource(r, c, ids, o.then, "then");
      if (r.failed()) return;
      if (o.first == o.then) {
        r.Fail(c, "a resource cannot be ordered after itself");
        return;
      }
      for (const std::string* action : {&o.first_action, &o.then_action}) {
        if (*action != "start" && *action != "stop" && *action != "promote" && *action != "demote") {
          r.Fail(c, "the action '" + *action + "' is not start, stop, promote or demote");
          return;
        }
      }
      m.orders.push_back(std::move(o));
    } else if (kind == "rsc_ticket") {
      if (c.attribute("rsc-instance")) {
        r.Fail(c, "rsc-instance is not supported (Pacemaker deprecates it)", StatusCode::kUnsupported);
        return;
      }
      const std::string rsc = r.Required(c, "rsc");
      CheckRole(r, c, "rsc-role");
      CheckResource(r, c, ids, rsc, "rsc");
      if (r.failed()) return;
      auto t = ReadTicket(r, c, m, rsc, c.attribute("rsc-role").value());
      if (!t) return;
      m.ticket_constraints.push_back(std::move(*t));
    } else {
      r.Fail(c, "this kind of constraint is not supported", StatusCode::kUnsupported);
      return;
    }
  }
}

}  // namespace vigil::cib
