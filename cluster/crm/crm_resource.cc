#include "cluster/crm/crm_resource.h"

#include <algorithm>
#include <ctime>
#include <functional>
#include <map>
#include <optional>
#include <ostream>
#include <set>
#include <sstream>

#include <pugixml.hpp>

#include "cluster/cib/cib.h"
#include "cluster/cib/cib_ops.h"
#include "cluster/cib/rule.h"
#include "cluster/cib/score.h"
#include "cluster/control/cluster_status.h"
#include "cluster/crm/agents.h"
#include "cluster/crm/pcmk_tools.h"
#include "cluster/crm/tool_options.h"
#include "common/clock.h"
#include "common/node_order.h"

namespace vigil::crm {
namespace {

// Pacemaker's words for an exit code, after "Error performing operation: ".
std::string ExitText(int code) {
  switch (code) {
    case kError: return "Error occurred";
    case kInvalidParam: return "Invalid parameter";
    case kNoSuch: return "No such object";
    case kExists: return "Requested item already exists";
    case kMultiple: return "Multiple items match request";
    default: return "Error occurred";
  }
}

// An error as crm_resource ends with one: its message (if any), then the exit code in words
// (usage errors give the message alone).
int Fail(std::ostream& err, int code, const std::string& message) {
  if (code == kUsage) {
    err << "crm_resource: " << message << "\n";
    return code;
  }
  if (message.empty()) {
    err << "crm_resource: Error performing operation: " << ExitText(code) << "\n";
  } else {
    err << "crm_resource: " << message << "\nError performing operation: " << ExitText(code) << "\n";
  }
  return code;
}

// What crm_resource reads: vigild's CIB (its status section included) as XML and as a model,
// and vigild's status (where each resource runs, as the scheduler sees it).
struct View {
  std::string text;
  pugi::xml_document doc;
  cib::Cib cib;
  control::ClusterStatus status;
  const cib::Model& model() const { return cib.model(); }
  pugi::xml_node resources() const { return doc.child("cib").child("configuration").child("resources"); }
};

// The resource ids crm_resource takes: a primitive, a group, a clone, an instance of a cloned
// primitive ("p:0"), or a resource that is no longer configured but has a history (an orphan).
enum class Kind { kNone, kPrimitive, kGroup, kClone, kInstance, kOrphan };

Kind KindOf(const View& v, const std::string& id) {
  const cib::Model& m = v.model();
  if (m.FindPrimitive(id) != nullptr) return Kind::kPrimitive;
  if (m.FindGroup(id) != nullptr) return Kind::kGroup;
  if (m.FindClone(id) != nullptr) return Kind::kClone;
  if (id.find(':') != std::string::npos) {
    const cib::Primitive* p = m.FindPrimitive(cib::StripInstance(id));
    if (p != nullptr && !p->clone.empty()) return Kind::kInstance;
  }
  for (const auto& s : m.node_states) {
    for (const auto& h : s.resources) {
      if (h.id == id) return Kind::kOrphan;
    }
  }
  return Kind::kNone;
}

// The primitive of a primitive's or instance's id.
std::string Base(const std::string& id) { return cib::StripInstance(id); }

// The resource `id` belongs to directly (a member's group, a cloned primitive's or group's clone);
// empty at the top.
std::string ParentOf(const cib::Model& m, const std::string& id) {
  if (const cib::Primitive* p = m.FindPrimitive(Base(id))) return !p->group.empty() ? p->group : p->clone;
  if (const cib::Group* g = m.FindGroup(id)) return g->clone;
  return "";
}

// The top of `id`'s tree (Pacemaker's uber parent).
std::string Uber(const cib::Model& m, std::string id) {
  for (std::string up = ParentOf(m, id); !up.empty(); up = ParentOf(m, id)) id = up;
  return id;
}

bool Promotable(const cib::Model& m, const std::string& id) {
  const cib::Clone* c = m.FindClone(Uber(m, id));
  return c != nullptr && c->promotable;
}

// The primitives under `id`, in the configuration's order.
std::vector<std::string> Members(const cib::Model& m, const std::string& id) {
  if (const cib::Clone* c = m.FindClone(id)) return Members(m, c->child);
  if (const cib::Group* g = m.FindGroup(id)) return g->members;
  return {Base(id)};
}

// Whether status `r` is (an instance of) a part of resource `id`.
bool PartOf(const control::ResourceStatus& r, const std::string& id) {
  const std::string primitive = r.clone.empty() ? r.id : Base(r.id);
  return r.id == id || primitive == id || r.group == id || Base(r.group) == id || r.clone == id;
}

std::vector<const control::ResourceStatus*> StatusesOf(const View& v, const std::string& id) {
  std::vector<const control::ResourceStatus*> out;
  for (const auto& r : v.status.resources) {
    if (PartOf(r, id)) out.push_back(&r);
  }
  return out;
}

// The nodes `id` is active on, each once, in the order found.
std::vector<std::string> ActiveNodes(const View& v, const std::string& id) {
  std::vector<std::string> nodes;
  for (const auto* r : StatusesOf(v, id)) {
    for (const auto& n : r->nodes) {
      if (std::find(nodes.begin(), nodes.end(), n) == nodes.end()) nodes.push_back(n);
    }
  }
  return nodes;
}

// The nodes where an instance of promotable `id` is promoted.
std::vector<std::string> PromotedNodes(const View& v, const std::string& id) {
  std::vector<std::string> nodes;
  for (const auto* r : StatusesOf(v, id)) {
    if (r->role == "Promoted") nodes.insert(nodes.end(), r->nodes.begin(), r->nodes.end());
  }
  return nodes;
}

bool KnownNode(const View& v, const std::string& name) {
  for (const auto& n : v.model().nodes) {
    if (n.uname == name) return true;
  }
  for (const auto& n : v.status.nodes) {
    if (control::NodeName(n) == name) return true;
  }
  return false;
}

// The first element under `within` whose id is `id`.
pugi::xml_node ElementById(pugi::xml_node within, const std::string& id) {
  return within.find_node([&](const pugi::xml_node& n) { return n.type() == pugi::node_element && id == n.attribute("id").value(); });
}

// The nvpairs of resource `rsc` that match (Pacemaker's search of a resource's attributes): in
// its sets of type `set_type` (any set and any depth when empty), that set being `set_id` when
// given, with the nvpair id and name given.
std::vector<pugi::xml_node> FindNvpairs(pugi::xml_node resources, const std::string& rsc, const std::string& set_type,
                                        const std::optional<std::string>& set_id, const std::optional<std::string>& nv_id,
                                        const std::optional<std::string>& name) {
  std::vector<pugi::xml_node> out;
  const pugi::xml_node element = ElementById(resources, rsc);
  if (!element) return out;
  auto take = [&](pugi::xml_node under) {
    for (const pugi::xpath_node& found : under.select_nodes(".//nvpair")) {
      const pugi::xml_node n = found.node();
      if (nv_id && *nv_id != n.attribute("id").value()) continue;
      if (name && *name != n.attribute("name").value()) continue;
      out.push_back(n);
    }
  };
  if (set_type.empty()) {
    take(element);
    return out;
  }
  for (pugi::xml_node set : element.children(set_type.c_str())) {
    if (!set_id || *set_id == set.attribute("id").value()) take(set);
  }
  return out;
}

// What Pacemaker says when several nvpairs match a name.
std::string MultipleText(const std::string& name, const std::vector<pugi::xml_node>& found) {
  std::string text = "Multiple attributes match name=" + name + "\n";
  for (const auto& n : found) {
    text += std::string("  Value: ") + n.attribute("value").value() + " \t(id=" + n.attribute("id").value() + ")\n";
  }
  return text + "\n";
}

// A location constraint as crm_resource --move, --ban make one: for `node`, with `score`, for
// the role given; with a lifetime, as a rule on #uname that ends then (`names`: the ids of the
// rule, its expression and its date expression).
void FillLocation(pugi::xml_node location, const std::string& id, const std::string& rsc, const std::string& role,
                  const std::string& node, const char* score, const std::optional<std::string>& until,
                  const std::vector<std::string>& names) {
  location.append_attribute("id") = id.c_str();
  location.append_attribute("rsc") = rsc.c_str();
  location.append_attribute("role") = role.c_str();
  if (!until) {
    location.append_attribute("node") = node.c_str();
    location.append_attribute("score") = score;
    return;
  }
  pugi::xml_node rule = location.append_child("rule");
  rule.append_attribute("id") = names[0].c_str();
  rule.append_attribute("score") = score;
  rule.append_attribute("boolean-op") = "and";
  pugi::xml_node e = rule.append_child("expression");
  e.append_attribute("id") = names[1].c_str();
  e.append_attribute("attribute") = "#uname";
  e.append_attribute("operation") = "eq";
  e.append_attribute("value") = node.c_str();
  e.append_attribute("type") = "string";
  pugi::xml_node d = rule.append_child("date_expression");
  d.append_attribute("id") = names[2].c_str();
  d.append_attribute("operation") = "lt";
  d.append_attribute("end") = until->c_str();
}

// Puts `location` (made by `fill`) in the constraints, in place of one with its id.
void PutLocation(pugi::xml_node constraints, const std::string& id, const std::function<void(pugi::xml_node)>& fill) {
  pugi::xml_node old = constraints.find_child_by_attribute("rsc_location", "id", id.c_str());
  pugi::xml_node fresh = old ? constraints.insert_child_before("rsc_location", old) : constraints.append_child("rsc_location");
  if (old) constraints.remove_child(old);
  fill(fresh);
}

// Removes the rsc_location `id` (only if it is for `node`, when given).
void RemoveLocation(pugi::xml_node constraints, const std::string& id, const std::optional<std::string>& node) {
  pugi::xml_node l = constraints.find_child_by_attribute("rsc_location", "id", id.c_str());
  if (l && (!node || *node == l.attribute("node").value())) constraints.remove_child(l);
}

// What --clear removes of `rsc` for `node` (Pacemaker's order): a move's lifetime rule for the
// node, then the ban from the node (when `bans`), then the move to the node (to any node with
// `force`).
void ClearFor(pugi::xml_node constraints, const std::string& rsc, const std::string& node, bool bans, bool force) {
  const std::string prefer = "cli-prefer-" + rsc;
  for (pugi::xml_node l : constraints.children("rsc_location")) {
    if (prefer != l.attribute("id").value()) continue;
    const pugi::xml_node rule = l.find_child_by_attribute("rule", "id", ("cli-prefer-rule-" + rsc).c_str());
    for (pugi::xml_node e : rule.children("expression")) {
      if (std::string_view(e.attribute("attribute").value()) == "#uname" && node == e.attribute("value").value()) {
        constraints.remove_child(l);
        break;
      }
    }
    break;
  }
  if (bans) RemoveLocation(constraints, "cli-ban-" + rsc + "-on-" + node, std::nullopt);
  RemoveLocation(constraints, prefer, force ? std::nullopt : std::optional<std::string>(node));
}

// The options crm_resource was given.
struct Request {
  std::string command;  // the long name of the one command given; "list" when none
  std::optional<std::string> rsc, node, value, set_id, nv_id, element_type, lifetime, operation, interval, argument;
  std::string set_type = "instance_attributes";
  bool force = false, quiet = false, promoted = false, expired = false, recursive = false;
};

class Tool {
 public:
  Tool(Request r, Connection& vigild, Agents* agents, std::ostream& out, std::ostream& err)
      : r_(std::move(r)), vigild_(vigild), agents_(agents), out_(out), err_(err) {}

  int Run();

 private:
  // Reads vigild's CIB and status into v_; an exit code on failure (said on err_).
  std::optional<int> Read();
  int ListAgents();
  int List(bool raw);
  int Locate();
  int QueryXml(bool expanded);
  int GetParameter();
  int Constraints();
  int Why();
  int Operations(bool active_only);
  int ChangeAttribute(bool set);
  int MoveOrBan(bool move);
  int Clear();
  int Delete();
  int Cleanup(bool refresh);
  // The configuration's checks of `rsc` that can keep it stopped (crm_resource --why).
  std::string Checks(const std::string& rsc) const;
  // Pacemaker's nested text lists: a list's title at `depth`, its items one deeper.
  void LocationsText(const std::string& rsc, int depth, std::string& out) const;
  void ColocationsText(const std::string& rsc, bool dependents, bool recursive, int depth, std::set<std::string>& visited,
                       std::string& out) const;
  // A change to the CIB through EditCib: `edit` works on the document read (and on each one read
  // again after a conflict), saying what it did in `said`; its exit code when it fails.
  int Change(const std::function<int(View& v, std::string& said)>& edit);
  std::optional<std::string> Until(std::string& said);

  Request r_;
  Connection& vigild_;
  Agents* agents_;
  std::ostream& out_;
  std::ostream& err_;
  View v_;
};

std::optional<int> Tool::Read() {
  auto text = vigild_.Ask("cib-query", {});
  if (!text.ok()) return Unreachable(err_, "crm_resource", text.status());
  auto status = Status(vigild_);
  if (!status.ok()) return Unreachable(err_, "crm_resource", status.status());
  auto parsed = cib::Cib::Parse(*text, "vigild's CIB");
  if (!parsed.ok() || !v_.doc.load_buffer(text->data(), text->size())) {
    err_ << "crm_resource: vigild's CIB does not read: " << (parsed.ok() ? "not XML" : parsed.status().message()) << "\n";
    return kError;
  }
  v_.text = std::move(*text);
  v_.cib = std::move(*parsed);
  v_.status = std::move(*status);
  return std::nullopt;
}

int Tool::Change(const std::function<int(View& v, std::string& said)>& edit) {
  std::string said;
  int code = 0;
  const vigil::Status s = EditCib(vigild_, [&](const std::string& text) -> Result<std::optional<std::string>> {
    said.clear();
    View v;
    auto parsed = cib::Cib::Parse(text, "vigild's CIB");
    if (!parsed.ok()) return parsed.status();
    if (!v.doc.load_buffer(text.data(), text.size())) return vigil::Status(StatusCode::kParseError, "vigild's CIB is not XML");
    v.cib = std::move(*parsed);
    v.status = v_.status;
    const std::string before = CompactXml(v.doc);
    code = edit(v, said);
    if (code != 0) return vigil::Status(StatusCode::kInternal, "");
    const std::string after = CompactXml(v.doc);
    if (after == before) return std::optional<std::string>();
    // What would not read (a resource that constraints still name, removed) is not sent.
    if (auto checked = cib::Cib::Parse(after, "the changed CIB"); !checked.ok()) {
      code = kConfig;
      said.clear();
      err_ << "crm_resource: " << checked.status().message() << "; nothing changed\n";
      return vigil::Status(StatusCode::kInternal, "");
    }
    return std::optional<std::string>(after);
  });
  // What the change did is said once it is done; a refusal says only why.
  if (code != 0) {
    out_ << said;
    return code;
  }
  if (!s.ok()) return Unreachable(err_, "crm_resource", s);
  if (!r_.quiet) out_ << said;
  return 0;
}

// The end of a --lifetime from now, as Pacemaker writes it ("2026-12-08 00:13:33Z"); said in
// `said` as Pacemaker says it. nullopt without a lifetime.
std::optional<std::string> Tool::Until(std::string& said) {
  if (!r_.lifetime) return std::nullopt;
  const auto d = cib::ParseIsoDuration(*r_.lifetime);
  const std::string end = control::FenceTime(cib::AddDuration(static_cast<int64_t>(std::time(nullptr)), *d));
  said += "Migration will take effect until: " + end + "\n";
  return end;
}

int Tool::ListAgents() {
  if (agents_ == nullptr) {
    err_ << "crm_resource: the agents cannot be read here\n";
    return kError;
  }
  const std::string& c = r_.command;
  if (c == "show-metadata") {
    auto described = agents_->Describe(*r_.argument);
    if (!described.ok()) return Fail(err_, kNoSuch, described.status().message());
    out_ << described->xml << (described->xml.empty() || described->xml.back() != '\n' ? "\n" : "");
    return 0;
  }
  std::set<std::string> items;
  const std::vector<AgentInfo> all = agents_->List();
  for (const AgentInfo& a : all) {
    if (c == "list-standards") {
      items.insert(a.standard);
    } else if (c == "list-ocf-providers") {
      if (a.standard == "ocf") items.insert(a.provider);
    } else if (c == "list-ocf-alternatives") {
      if (a.standard == "ocf" && a.type == *r_.argument) items.insert(a.provider);
    } else {
      // --list-agents STANDARD or ocf:PROVIDER.
      const size_t colon = r_.argument->find(':');
      const std::string standard = r_.argument->substr(0, colon);
      const std::string provider = colon == std::string::npos ? "" : r_.argument->substr(colon + 1);
      if (a.standard == standard && (provider.empty() || a.provider == provider)) items.insert(a.type);
    }
  }
  if (items.empty()) {
    err_ << "crm_resource: no agents found for " << (r_.argument ? "'" + *r_.argument + "'" : std::string("any standard")) << "\n";
    return kNoSuch;
  }
  for (const auto& i : items) out_ << i << "\n";
  return 0;
}

int Tool::List(bool raw) {
  if (!raw) {
    if (v_.status.resources.empty()) {
      out_ << "NO resources configured\n";
      return kNoSuch;
    }
    out_ << "Full List of Resources:\n" << control::ResourceListText(v_.status, true);
    return 0;
  }
  // Every primitive's instance, then the orphans.
  std::set<std::string> listed;
  for (const auto& r : v_.status.resources) {
    if (listed.insert(r.id).second) out_ << r.id << "\n";
  }
  for (const auto& s : v_.model().node_states) {
    for (const auto& h : s.resources) {
      if (KindOf(v_, h.id) == Kind::kOrphan && listed.insert(h.id).second) out_ << h.id << "\n";
    }
  }
  return 0;
}

int Tool::Locate() {
  const std::string& id = *r_.rsc;
  // Each node running it (a clone: each instance's), the last found first, as Pacemaker lists.
  std::vector<std::pair<std::string, bool>> found;
  for (const auto* r : StatusesOf(v_, id)) {
    for (const auto& n : r->nodes) found.emplace_back(n, r->role == "Promoted");
  }
  std::vector<std::pair<std::string, bool>> nodes;
  for (const auto& f : found) {
    if (std::find(nodes.begin(), nodes.end(), f) == nodes.end()) nodes.push_back(f);
  }
  if (nodes.empty()) {
    if (!r_.quiet) err_ << "resource " << id << " is NOT running\n";
    return 0;
  }
  for (auto it = nodes.rbegin(); it != nodes.rend(); ++it) {
    if (r_.quiet) {
      out_ << it->first << "\n";
    } else {
      out_ << "resource " << id << " is running on: " << it->first << (it->second ? " Promoted" : "") << "\n";
    }
  }
  return 0;
}

int Tool::QueryXml(bool expanded) {
  const std::string& id = *r_.rsc;
  const pugi::xml_node element = ElementById(v_.resources(), Base(id));
  if (!element) return Fail(err_, kNoSuch, "Resource '" + id + "' is not configured");
  if (expanded && element.attribute("template")) {
    return Fail(err_, kError, "Vigil shows " + id + " as written (crm_resource --query-xml-raw), not expanded from its template");
  }
  // Its state first: a primitive's line, a group's active members, a clone's active nodes.
  const Kind kind = KindOf(v_, id);
  if (kind == Kind::kClone) {
    std::vector<std::string> promoted, started;
    for (const auto* r : StatusesOf(v_, id)) {
      for (const auto& n : r->nodes) (r->role == "Promoted" ? promoted : started).push_back(n);
    }
    auto print = [&](const char* title, std::vector<std::string> nodes) {
      if (nodes.empty()) return;
      std::sort(nodes.begin(), nodes.end(), [](const std::string& a, const std::string& b) { return NodeNameLess(a, b); });
      out_ << title << ": [";
      for (const auto& n : nodes) out_ << " " << n;
      out_ << " ]\n";
    };
    print("Promoted", promoted);
    print(Promotable(v_.model(), id) ? "Unpromoted" : "Started", started);
  } else {
    for (const auto* r : StatusesOf(v_, id)) {
      if (!r->nodes.empty()) out_ << control::ResourceText(*r, true, false) << "\n";
    }
  }
  std::ostringstream xml;
  element.print(xml, "  ", pugi::format_indent);
  out_ << "Resource XML:\n" << cib::PacemakerSpacing(xml.str());
  return 0;
}

int Tool::GetParameter() {
  const cib::Model& m = v_.model();
  const std::string& id = *r_.rsc;
  const std::string& name = *r_.argument;
  const Kind kind = KindOf(v_, id);
  const std::vector<std::string> active = ActiveNodes(v_, id);
  std::optional<std::string> on;
  if (active.size() > 1) {
    err_ << id << " is active on more than one node, returning the default value for " << name << "\n";
  } else if (active.size() == 1) {
    on = active.front();
  }
  const cib::Primitive* p = (kind == Kind::kPrimitive || kind == Kind::kInstance) ? m.FindPrimitive(Base(id)) : nullptr;
  const cib::Group* g = m.FindGroup(id);
  const cib::Clone* c = m.FindClone(id);
  cib::Attributes values;
  if (r_.set_type == "instance_attributes") {
    if (p != nullptr) values = on ? m.ParamsOn(*p, m.NodeAttributes(*on)) : p->params;
    if (g != nullptr) values = g->params;
    if (c != nullptr) values = c->params;
  } else if (r_.set_type == "meta_attributes") {
    values = m.MetaWithDefaults(p != nullptr ? p->meta : g != nullptr ? g->meta : c != nullptr ? c->meta : cib::Attributes{}, p);
    // The element's own attributes count as meta attributes too (class, type, ...).
    for (const auto a : ElementById(v_.resources(), Base(id)).attributes()) values.emplace(a.name(), a.value());
  } else {
    for (const auto set : ElementById(v_.resources(), Base(id)).children("utilization")) {
      for (const auto nv : set.children("nvpair")) values.emplace(nv.attribute("name").value(), nv.attribute("value").value());
    }
  }
  const auto it = values.find(name);
  if (it == values.end()) {
    err_ << "Attribute '" << name << "' not found for '" << id << "'\n";
    return 0;
  }
  out_ << it->second << "\n";
  return 0;
}

// How a line of a text list at `depth` begins: nothing at the top, "  * " for its items, "    * "
// for theirs.
std::string Prefix(int depth) { return depth == 0 ? "" : std::string(2 * static_cast<size_t>(depth), ' ') + "* "; }

void Tool::LocationsText(const std::string& rsc, int depth, std::string& out) const {
  const cib::Model& m = v_.model();
  std::string items;
  for (const cib::Location& l : m.locations) {
    if (l.rsc != rsc) continue;
    if (!l.node.empty()) {
      items += Prefix(depth + 1) + "Node " + l.node + " (score=" + cib::ScoreText(l.score) + ", id=" + l.id + ", rsc=" + rsc + ")\n";
      continue;
    }
    const int64_t now = static_cast<int64_t>(std::time(nullptr));
    for (const cib::Node& n : m.nodes) {
      const cib::Attributes attributes = m.NodeAttributes(n.uname);
      cib::RuleContext context;
      context.node = &attributes;
      context.now = now;
      context.location = true;
      for (const cib::Rule& rule : l.rules) {
        if (!rule.score || !cib::RuleMatches(rule, context)) continue;
        items += Prefix(depth + 1) + "Node " + n.uname + " (score=" + cib::ScoreText(*rule.score) + ", id=" + l.id + ", rsc=" + rsc + ")\n";
        break;
      }
    }
  }
  if (!items.empty()) out += Prefix(depth) + "Locations:\n" + items;
}

void Tool::ColocationsText(const std::string& rsc, bool dependents, bool recursive, int depth,
                           std::set<std::string>& visited, std::string& out) const {
  if (!visited.insert(rsc).second) return;
  std::string items;
  for (const cib::Colocation& c : v_.model().colocations) {
    if ((dependents ? c.with_rsc : c.rsc) != rsc) continue;
    const std::string& other = dependents ? c.rsc : c.with_rsc;
    if (visited.count(other)) {
      items += Prefix(depth + 1) + other + " (id=" + c.id + " - loop)\n";
      continue;
    }
    const std::string& role = c.with_rsc_role;
    const bool shown_role = role == "Promoted" || role == "Unpromoted" || role == "Master" || role == "Slave";
    items += Prefix(depth + 1) + other + " (score=" + cib::ScoreText(c.score) +
             (shown_role ? std::string(", ") + (dependents ? "needs" : "with") + " role=" + std::string(cib::CurrentRoleName(role)) : "") +
             ", id=" + c.id + ")\n";
    LocationsText(other, depth + 2, items);
    if (recursive) ColocationsText(other, dependents, true, depth + 2, visited, items);
  }
  if (items.empty()) return;
  out += Prefix(depth) + (dependents ? "Resources colocated with " + rsc : "Resources " + rsc + " is colocated with") + ":\n" + items;
}

int Tool::Constraints() {
  const std::string rsc = r_.force ? Base(*r_.rsc) : Uber(v_.model(), *r_.rsc);
  std::string text;
  LocationsText(rsc, 0, text);
  std::set<std::string> visited;
  ColocationsText(rsc, true, r_.recursive, 0, visited, text);
  visited.clear();
  ColocationsText(rsc, false, r_.recursive, 0, visited, text);
  out_ << text;
  return 0;
}

std::string Tool::Checks(const std::string& rsc) const {
  const cib::Model& m = v_.model();
  cib::Attributes meta;
  if (const cib::Primitive* p = m.FindPrimitive(Base(rsc))) meta = m.MetaWithDefaults(p->meta, p);
  if (const cib::Group* g = m.FindGroup(rsc)) meta = m.MetaWithDefaults(g->meta);
  if (const cib::Clone* c = m.FindClone(rsc)) meta = m.MetaWithDefaults(c->meta);
  const std::string top = Uber(m, rsc);
  std::string out;
  if (const auto role = meta.find("target-role"); role != meta.end()) {
    const std::string r(cib::CurrentRoleName(role->second));
    if (r == "Stopped") out += "Configuration specifies '" + top + "' should remain stopped\n";
    if (r == "Unpromoted" && Promotable(m, rsc)) out += "Configuration specifies '" + top + "' should not be promoted\n";
  }
  if (const auto managed = meta.find("is-managed"); managed != meta.end() && !cib::PacemakerIsTrue(managed->second)) {
    out += "Configuration prevents cluster from stopping or starting unmanaged '" + top + "'\n";
  }
  return out;
}

int Tool::Why() {
  const cib::Model& m = v_.model();
  if (r_.rsc && r_.node) {
    const std::vector<std::string> nodes = ActiveNodes(v_, *r_.rsc);
    const bool on = std::find(nodes.begin(), nodes.end(), *r_.node) != nodes.end();
    out_ << "Resource " << *r_.rsc << " is " << (on ? "" : "not ") << "running on host " << *r_.node << "\n" << Checks(*r_.rsc);
    return 0;
  }
  if (r_.rsc) {
    out_ << "Resource " << *r_.rsc << " is " << (ActiveNodes(v_, *r_.rsc).empty() ? "not " : "") << "running\n" << Checks(*r_.rsc);
    return 0;
  }
  if (r_.node) {
    // What runs there, in the order of the node's history.
    std::set<std::string> said;
    for (const cib::NodeState& s : m.node_states) {
      if (s.uname != *r_.node) continue;
      for (const cib::ResourceHistory& h : s.resources) {
        for (const auto& r : v_.status.resources) {
          const bool same = r.id == h.id || (!r.clone.empty() && !r.unique && Base(r.id) == h.id);
          if (!same || std::find(r.nodes.begin(), r.nodes.end(), *r_.node) == r.nodes.end() || !said.insert(r.id).second) continue;
          out_ << "Resource " << r.id << " is running on host " << *r_.node << "\n" << Checks(r.id);
        }
      }
    }
    return 0;
  }
  // Every resource at the top, then the orphans.
  std::vector<std::string> tops;
  for (const auto& r : v_.status.resources) {
    const std::string top = r.orphan ? r.id : Uber(m, r.clone.empty() ? r.id : Base(r.id));
    if (std::find(tops.begin(), tops.end(), top) == tops.end()) tops.push_back(top);
  }
  for (const auto& s : m.node_states) {
    for (const auto& h : s.resources) {
      if (KindOf(v_, h.id) == Kind::kOrphan && std::find(tops.begin(), tops.end(), h.id) == tops.end()) tops.push_back(h.id);
    }
  }
  for (const auto& top : tops) {
    out_ << "Resource " << top << " is " << (ActiveNodes(v_, top).empty() ? "not " : "") << "running\n" << Checks(top);
  }
  return 0;
}

int Tool::Operations(bool active_only) {
  const pugi::xml_node status = v_.doc.child("cib").child("status");
  bool fencing = true;
  if (const auto it = v_.model().properties.find("stonith-enabled"); it != v_.model().properties.end()) {
    fencing = cib::PacemakerIsTrue(it->second);
  }
  for (const pugi::xml_node state : status.children("node_state")) {
    const std::string uname = state.attribute("uname").value();
    if (r_.node && *r_.node != uname) continue;
    bool online = false;
    for (const auto& n : v_.status.nodes) online = online || (control::NodeName(n) == uname && n.online);
    if (!online && !fencing) continue;
    for (const pugi::xml_node h : state.child("lrm").child("lrm_resources").children("lrm_resource")) {
      const std::string id = h.attribute("id").value();
      if (r_.rsc && *r_.rsc != id) continue;
      std::vector<pugi::xml_node> ops;
      for (const pugi::xml_node op : h.children("lrm_rsc_op")) ops.push_back(op);
      // By call id, one still in flight (-1) last.
      std::stable_sort(ops.begin(), ops.end(), [](const pugi::xml_node& a, const pugi::xml_node& b) {
        const int ca = a.attribute("call-id").as_int(-1), cb = b.attribute("call-id").as_int(-1);
        if ((ca < 0) != (cb < 0)) return cb < 0;
        return ca < cb;
      });
      size_t first = 0;
      if (active_only) {
        // From the last start (or what stands for one) on, unless a stop came after it.
        int start = -1, stop = -1, implied_monitor = -1, implied_role = -1;
        for (size_t i = 0; i < ops.size(); ++i) {
          const std::string task = ops[i].attribute("operation").value();
          const std::string op_status = ops[i].attribute("op-status").value();
          const std::string rc = ops[i].attribute("rc-code").value();
          const int n = static_cast<int>(i);
          if (task == "stop" && op_status == "0") {
            stop = n;
          } else if (task == "start" || task == "migrate_from") {
            start = n;
          } else if (implied_monitor <= stop && task == "monitor") {
            if (rc == "0" || rc == "8") implied_monitor = n;
          } else if (task == "promote" || task == "demote") {
            implied_role = n;
          }
        }
        if (start == -1) start = implied_role != -1 ? implied_role : implied_monitor;
        if (start < stop) continue;
        first = static_cast<size_t>(std::max(start, 0));
      }
      // The resource as it stands (an orphan's from its history's agent).
      control::ResourceStatus shown;
      bool found = false;
      for (const auto& r : v_.status.resources) {
        if (!found && (r.id == id || (!r.clone.empty() && !r.unique && Base(r.id) == id))) {
          shown = r;
          found = true;
        }
      }
      std::string name;
      if (found) {
        name = control::ResourceText(shown, true, true);
      } else if (KindOf(v_, id) == Kind::kOrphan) {
        shown.id = id;
        shown.orphan = true;
        const std::string provider = h.attribute("provider").value();
        shown.agent = std::string(h.attribute("class").value()) + (provider.empty() ? "" : ":" + provider) + ":" + h.attribute("type").value();
        name = control::ResourceText(shown, true, true);
      } else {
        name = "Unknown resource " + id;
      }
      for (size_t i = first; i < ops.size(); ++i) {
        const pugi::xml_node op = ops[i];
        const std::string key = op.attribute("operation_key") ? op.attribute("operation_key").value() : op.attribute("id").value();
        out_ << name << ": " << key << " (node=" << uname << ", call=" << op.attribute("call-id").value()
             << ", rc=" << op.attribute("rc-code").value();
        if (op.attribute("last-rc-change")) {
          out_ << ", last-rc-change='" << LocalTimeText(op.attribute("last-rc-change").value()).value_or(op.attribute("last-rc-change").value()) << "', exec="
               << (op.attribute("exec-time") ? op.attribute("exec-time").value() : "(null)") << "ms";
        }
        const int op_status = op.attribute("op-status").as_int(0);
        out_ << "): " << (op_status == -1 ? "pending" : control::OpStatusText(op_status)) << "\n";
      }
    }
  }
  return 0;
}

int Tool::ChangeAttribute(bool set) {
  const std::string requested = *r_.rsc;
  const std::string& name = *r_.argument;
  const std::string& type = r_.set_type;
  return Change([&](View& v, std::string& said) -> int {
    const cib::Model& m = v.model();
    const pugi::xml_node resources = v.resources();
    auto find = [&](const std::string& rsc, const std::string& set_type) {
      return FindNvpairs(resources, rsc, set_type, r_.set_id, r_.nv_id, name);
    };
    const std::string top = Uber(m, requested);
    if (!r_.nv_id && !r_.force) {
      const auto all = FindNvpairs(resources, top, "", std::nullopt, std::nullopt, name);
      if (all.size() > 1) said += MultipleText(name, all);
    }
    // Which resources take the change (Pacemaker's choice): with --force the one named; a
    // clone's child where it sets the attribute itself, else the clone; a clone whose primitive
    // sets it, that primitive; otherwise the one named and, for a group, each member setting it.
    const char* verb = set ? "update" : "delete";
    std::vector<std::string> targets;
    const std::string parent = ParentOf(m, requested);
    if (set && type == "instance_attributes") {
      if (!r_.force) {
        const auto meta = find(top, "meta_attributes");
        if (meta.size() == 1) {
          said.clear();
          if (!r_.quiet) {
            err_ << "WARNING: " << top << " has a meta attribute called '" << name << "' (id=" << meta.front().attribute("id").value()
                 << "); delete it first, or use --force to set the instance attribute all the same\n";
          }
          return kMultiple;
        }
      }
      targets = {requested};
    } else if (!set && type != "meta_attributes") {
      targets = {requested};
    } else if (r_.force) {
      targets = {requested};
    } else if (!parent.empty() && m.FindClone(parent) != nullptr) {
      if (find(requested, type).size() == 1) {
        targets = {requested};
      } else {
        said += std::string("Performing ") + verb + " of '" + name + "' on '" + parent + "', the parent of '" + requested + "'\n";
        targets = {parent};
      }
    } else if (const cib::Clone* c = m.FindClone(requested); c != nullptr && !c->child_is_group) {
      if (find(c->child, type).size() == 1) {
        said += "A value for '" + name + "' already exists in child '" + c->child + "', performing " + verb + " on that instead of '" +
                requested + "'\n";
        targets = {c->child};
      } else {
        targets = {requested};
      }
    } else {
      if (const cib::Group* g = m.FindGroup(requested)) {
        for (const auto& member : g->members) {
          if (find(member, type).size() == 1) targets.push_back(member);
        }
      }
      targets.push_back(requested);
    }
    if (set && (r_.set_id || r_.nv_id)) targets = {targets.back()};
    for (const std::string& target : targets) {
      const std::string lookup = Base(target);
      const auto found = find(lookup, type);
      if (found.size() > 1) {
        said = MultipleText(name, found);
        return kMultiple;
      }
      if (!set) {
        if (found.empty()) continue;
        const std::string id = found.front().attribute("id").value();
        found.front().parent().remove_child(found.front());
        said += "Deleted '" + lookup + "' option: id=" + id + (r_.set_id ? " set=" + *r_.set_id : "") + " name=" + name + "\n";
        continue;
      }
      if (found.size() == 1) {
        pugi::xml_node nv = found.front();
        if (!nv.attribute("value")) nv.append_attribute("value");
        nv.attribute("value") = r_.value->c_str();
        said += "Set '" + lookup + "' option: id=" + nv.attribute("id").value() + (r_.set_id ? " set=" + *r_.set_id : "") +
                " name=" + name + " value=" + *r_.value + "\n";
        continue;
      }
      // A new nvpair, in the set of that id (made at the end of the resource when missing).
      const std::string set_id = r_.set_id.value_or(lookup + "-" + type);
      const std::string nv_id = r_.nv_id.value_or(set_id + "-" + name);
      pugi::xml_node element = ElementById(resources, lookup);
      pugi::xml_node attribute_set = element.find_child_by_attribute(type.c_str(), "id", set_id.c_str());
      if (!attribute_set) {
        attribute_set = element.append_child(type.c_str());
        attribute_set.append_attribute("id") = set_id.c_str();
      }
      pugi::xml_node nv = attribute_set.append_child("nvpair");
      nv.append_attribute("id") = nv_id.c_str();
      nv.append_attribute("name") = name.c_str();
      nv.append_attribute("value") = r_.value->c_str();
      said += "Set '" + lookup + "' option: id=" + nv_id + " set=" + set_id + " name=" + name + " value=" + *r_.value + "\n";
    }
    return 0;
  });
}

int Tool::MoveOrBan(bool move) {
  const cib::Model& m = v_.model();
  std::string rsc = *r_.rsc;
  bool promoted = r_.promoted;
  std::string early;  // what is said before the change
  if (move && r_.node && promoted && !(m.FindClone(rsc) && m.FindClone(rsc)->promotable)) {
    if (Promotable(m, rsc)) {
      if (!r_.quiet) early += "Using parent '" + Uber(m, rsc) + "' for move instead of '" + rsc + "'.\n";
      rsc = Uber(m, rsc);
    } else {
      if (!r_.quiet) early += "Ignoring --promoted option: " + rsc + " is not promotable\n";
      promoted = false;
    }
  }
  const std::string role = promoted ? "Promoted" : "Started";
  std::vector<std::string> active = ActiveNodes(v_, rsc);
  const bool is_clone = m.FindClone(rsc) != nullptr;
  const bool promotable = is_clone && m.FindClone(rsc)->promotable;
  auto ban = [&](pugi::xml_node constraints, const std::string& node, std::string& said) {
    const std::string id = "cli-ban-" + rsc + "-on-" + node;
    const auto until = Until(said);
    said += "WARNING: Creating rsc_location constraint '" + id + "' with a score of -INFINITY for resource " + rsc + " on " + node +
            ".\n\tUntil it is removed (crm_resource --clear, or an edit of the CIB), " + rsc + " will not " +
            (promoted ? "be promoted" : "run") + " on " + node + ",\n\teven when " + node + " is the only node left\n";
    PutLocation(constraints, id, [&](pugi::xml_node l) {
      FillLocation(l, id, rsc, role, node, "-INFINITY", until, {id + "-rule", id + "-expr", id + "-lifetime"});
    });
  };
  if (!r_.node) {
    // Away from where it runs: a ban from its one node (a promotable clone's one promoted node).
    std::string where;
    const std::vector<std::string> promoted_on = PromotedNodes(v_, rsc);
    if (active.size() == 1) {
      where = active.front();
    } else if (promotable && promoted_on.size() == 1) {
      where = promoted_on.front();
    } else {
      std::string why = "Resource '" + rsc + "' not moved: active in " + std::to_string(active.size()) + " locations" +
                        (promotable ? " (promoted in " + std::to_string(promoted_on.size()) + ")" : "") +
                        ".\nTo keep '" + rsc + "' from running on one of them, name it with --node" +
                        (promotable ? " (and --promoted to keep it from being promoted there)" : "") + ".";
      return Fail(err_, kUsage, why);
    }
    out_ << early;
    return Change([&](View& v, std::string& said) {
      ban(v.doc.child("cib").child("configuration").child("constraints"), where, said);
      return 0;
    });
  }
  const std::string dest = *r_.node;
  if (!move) {
    out_ << early;
    return Change([&](View& v, std::string& said) {
      ban(v.doc.child("cib").child("configuration").child("constraints"), dest, said);
      return 0;
    });
  }
  std::optional<std::string> current;
  size_t count = active.size();
  bool one_instance = false;  // a promotable clone stands for its promoted instance(s)
  if (active.size() == 1) current = active.front();
  if (promotable) {
    const std::vector<std::string> promoted_on = PromotedNodes(v_, rsc);
    one_instance = !promoted_on.empty();
    if (promoted || !promoted_on.empty()) {
      count = promoted_on.size();
      current = promoted_on.size() == 1 ? std::optional<std::string>(promoted_on.front()) : std::nullopt;
    }
  }
  // Active in several places where one is meant (Pacemaker's exit 109), unless it is a clone,
  // whose instances may move one by one.
  if (count > 1) {
    if (!is_clone || one_instance) return Fail(err_, kMultiple, "");
    current.reset();
  }
  const bool here = current && *current == dest;
  if (here && !r_.force) return Fail(err_, kExists, "");
  out_ << early;
  return Change([&](View& v, std::string& said) {
    pugi::xml_node constraints = v.doc.child("cib").child("configuration").child("constraints");
    // Earlier moves go, and any ban from the destination; then the preference for it.
    for (const auto& n : v.model().nodes) ClearFor(constraints, rsc, n.uname, false, r_.force);
    ClearFor(constraints, rsc, dest, true, r_.force);
    const std::string id = "cli-prefer-" + rsc;
    const auto until = Until(said);
    PutLocation(constraints, id, [&](pugi::xml_node l) {
      FillLocation(l, id, rsc, role, dest, "INFINITY", until,
                   {"cli-prefer-rule-" + rsc, "cli-prefer-expr-" + rsc, "cli-prefer-lifetime-end-" + rsc});
    });
    // With --force, a ban from where it runs now as well.
    if (r_.force && !here) {
      if (current) {
        ban(constraints, *current, said);
      } else if (count > 1) {
        said += "Resource '" + rsc + "' is " + (promoted ? "promoted" : "active") + " in " + std::to_string(count) +
                " locations; one may now move to " + dest + ".\nName a node to keep '" + rsc + "' from being " +
                (promoted ? "promoted" : "active") + " there.\n";
      }
    }
    return 0;
  });
}

int Tool::Clear() {
  const std::string rsc = *r_.rsc;
  const int code = Change([&](View& v, std::string& said) {
    pugi::xml_node constraints = v.doc.child("cib").child("configuration").child("constraints");
    std::set<std::string> before;
    for (pugi::xml_node l : constraints.children("rsc_location")) before.insert(l.attribute("id").value());
    if (r_.expired) {
      // The moves and bans of `rsc` (for the node given) whose lifetime has ended.
      const int64_t now = static_cast<int64_t>(std::time(nullptr));
      std::vector<pugi::xml_node> gone;
      for (pugi::xml_node l : constraints.children("rsc_location")) {
        const std::string id = l.attribute("id").value();
        const bool ban = id.starts_with("cli-ban-"), prefer = id.starts_with("cli-prefer-");
        if ((!ban && !prefer) || rsc != l.attribute("rsc").value()) continue;
        if (r_.promoted && std::string_view(l.attribute("role").value()) != "Promoted") continue;
        const pugi::xml_node rule = l.child("rule");
        bool for_node = !r_.node || *r_.node == l.attribute("node").value();
        for (pugi::xml_node e : rule.children("expression")) {
          for_node = for_node || (std::string_view(e.attribute("attribute").value()) == "#uname" && *r_.node == e.attribute("value").value());
        }
        const std::string date_id = ban ? id + "-lifetime" : "cli-prefer-lifetime-end-" + rsc;
        const pugi::xml_node date = rule.find_child_by_attribute("date_expression", "id", date_id.c_str());
        const auto end = date ? cib::ParseIsoDateTime(date.attribute("end").value()) : std::nullopt;
        if (for_node && end && now > *end) gone.push_back(l);
      }
      for (auto& l : gone) constraints.remove_child(l);
    } else if (r_.node) {
      ClearFor(constraints, rsc, *r_.node, true, r_.force);
    } else {
      for (const auto& n : v.model().nodes) ClearFor(constraints, rsc, n.uname, true, r_.force);
    }
    std::set<std::string> after;
    for (pugi::xml_node l : constraints.children("rsc_location")) after.insert(l.attribute("id").value());
    for (const auto& id : before) {
      if (!after.count(id)) said += "Removing constraint: " + id + "\n";
    }
    return 0;
  });
  return code;
}

int Tool::Delete() {
  const std::string rsc = *r_.rsc;
  const std::string type = *r_.element_type;
  return Change([&](View& v, std::string&) {
    pugi::xml_node element = ElementById(v.resources(), rsc);
    if (!element || type != element.name()) return 0;
    element.parent().remove_child(element);
    return 0;
  });
}

int Tool::Cleanup(bool refresh) {
  const cib::Model& m = v_.model();
  std::vector<std::string> primitives;
  if (r_.rsc) {
    const std::string top = r_.force ? *r_.rsc : Uber(m, *r_.rsc);
    primitives = KindOf(v_, top) == Kind::kOrphan ? std::vector<std::string>{top} : Members(m, top);
  } else if (refresh) {
    for (const auto& p : m.primitives) primitives.push_back(p.id);
    for (const auto& s : m.node_states) {
      for (const auto& h : s.resources) {
        if (KindOf(v_, h.id) == Kind::kOrphan && std::find(primitives.begin(), primitives.end(), h.id) == primitives.end()) {
          primitives.push_back(h.id);
        }
      }
    }
  } else {
    // What failed (on the node given).
    for (const auto& f : v_.status.failed_actions) {
      if (r_.node && f.node != *r_.node) continue;
      const std::string id = m.FindPrimitive(f.rsc) != nullptr ? f.rsc : Base(f.rsc);
      if (std::find(primitives.begin(), primitives.end(), id) == primitives.end()) primitives.push_back(id);
    }
  }
  for (const auto& p : primitives) {
    std::vector<std::string> request = {p};
    if (r_.node) request.push_back(*r_.node);
    auto answer = vigild_.Ask("resource-cleanup", request);
    if (!answer.ok()) return Unreachable(err_, "crm_resource", answer.status());
    if (r_.rsc && !r_.quiet) out_ << *answer;
  }
  if (!r_.rsc) {
    if (!refresh && !r_.quiet) out_ << "Cleaned up all resources on " << r_.node.value_or("all nodes") << "\n";
    return 0;
  }
  if (!r_.quiet) out_ << Checks(r_.force ? *r_.rsc : Uber(m, *r_.rsc));
  return 0;
}

int Tool::Run() {
  const std::string& c = r_.command;
  if (c == "list-standards" || c == "list-ocf-providers" || c == "list-ocf-alternatives" || c == "list-agents" ||
      c == "show-metadata") {
    return ListAgents();
  }
  // What needs a resource, and what cannot take a clone's instance.
  static const std::set<std::string> kNeedsResource = {"locate", "query-xml", "query-xml-raw", "get-parameter", "constraints",
                                                      "set-parameter", "delete-parameter", "move", "ban", "clear", "delete"};
  if (kNeedsResource.count(c) && !r_.rsc) return Fail(err_, kUsage, "Must supply a resource id with -r");
  if (c == "set-parameter" && (!r_.value || r_.value->empty())) return Fail(err_, kUsage, "You need to supply a value with the -v option");
  if (c == "delete" && !r_.element_type) return Fail(err_, kNoSuch, "You need to specify a resource type with -t");
  if (r_.expired && c != "clear") return Fail(err_, kUsage, "--expired requires --clear or -U");
  if (r_.lifetime && !cib::ParseIsoDuration(*r_.lifetime)) {
    err_ << "crm_resource: --lifetime " << *r_.lifetime << " is not an ISO 8601 duration (such as PT1H, P1D, P1W)\n";
    return kUsage;
  }
  if (auto failed = Read()) return *failed;
  if (r_.rsc) {
    const Kind kind = KindOf(v_, *r_.rsc);
    if (kind == Kind::kNone) return Fail(err_, kNoSuch, "Resource '" + *r_.rsc + "' not found");
    if (kind == Kind::kInstance && (c == "move" || c == "ban" || c == "clear")) {
      return Fail(err_, kInvalidParam, "Cannot operate on clone resource instance '" + *r_.rsc + "'");
    }
    const bool configured = kind != Kind::kOrphan;
    if (!configured && c != "cleanup" && c != "refresh" && c != "why" && c != "list-operations" && c != "list-all-operations" &&
        c != "locate") {
      return Fail(err_, kNoSuch, "Resource '" + *r_.rsc + "' is not configured (only its history is left)");
    }
  }
  if (r_.node && !KnownNode(v_, *r_.node)) return Fail(err_, kNoSuch, "Node '" + *r_.node + "' not found");
  if (c == "list") return List(false);
  if (c == "list-raw") return List(true);
  if (c == "locate") return Locate();
  if (c == "query-xml") return QueryXml(true);
  if (c == "query-xml-raw") return QueryXml(false);
  if (c == "get-parameter") return GetParameter();
  if (c == "constraints") return Constraints();
  if (c == "why") return Why();
  if (c == "list-operations") return Operations(true);
  if (c == "list-all-operations") return Operations(false);
  if (c == "set-parameter") return ChangeAttribute(true);
  if (c == "delete-parameter") return ChangeAttribute(false);
  if (c == "move") return MoveOrBan(true);
  if (c == "ban") return MoveOrBan(false);
  if (c == "clear") return Clear();
  if (c == "delete") return Delete();
  if (c == "cleanup") return Cleanup(false);
  return Cleanup(true);
}

}  // namespace

int CrmResource(const std::vector<std::string>& args, Connection& vigild, Agents* agents, std::ostream& out,
                std::ostream& err) {
  Options o{SplitShortFlags(args, "LlOoqwWaAYCRMBUmzeQVf")};
  Request r;
  std::vector<std::string> commands;
  auto command = [&](const char* name) { commands.push_back(name); };
  std::optional<std::string> value;
  while (!o.done()) {
    if (o.Take("L", "list", nullptr)) {
      command("list");
    } else if (o.Take("l", "list-raw", nullptr)) {
      command("list-raw");
    } else if (o.Take("O", "list-operations", nullptr)) {
      command("list-operations");
    } else if (o.Take("o", "list-all-operations", nullptr)) {
      command("list-all-operations");
    } else if (o.Take("", "list-standards", nullptr)) {
      command("list-standards");
    } else if (o.Take("", "list-ocf-providers", nullptr)) {
      command("list-ocf-providers");
    } else if (o.Take("", "list-agents", &r.argument)) {
      command("list-agents");
    } else if (o.Take("", "list-ocf-alternatives", &r.argument)) {
      command("list-ocf-alternatives");
    } else if (o.Take("", "show-metadata", &r.argument)) {
      command("show-metadata");
    } else if (o.Take("q", "query-xml", nullptr)) {
      command("query-xml");
    } else if (o.Take("w", "query-xml-raw", nullptr)) {
      command("query-xml-raw");
    } else if (o.Take("g", "get-parameter", &r.argument)) {
      command("get-parameter");
    } else if (o.Take("W", "locate", nullptr)) {
      command("locate");
    } else if (o.Take("a", "constraints", nullptr)) {
      command("constraints");
    } else if (o.Take("A", "stack", nullptr)) {
      command("constraints");
      r.recursive = true;
    } else if (o.Take("Y", "why", nullptr)) {
      command("why");
    } else if (o.Take("C", "cleanup", nullptr)) {
      command("cleanup");
    } else if (o.Take("R", "refresh", nullptr)) {
      command("refresh");
    } else if (o.Take("p", "set-parameter", &r.argument)) {
      command("set-parameter");
    } else if (o.Take("d", "delete-parameter", &r.argument)) {
      command("delete-parameter");
    } else if (o.Take("M", "move", nullptr)) {
      command("move");
    } else if (o.Take("B", "ban", nullptr)) {
      command("ban");
    } else if (o.Take("U", "clear", nullptr)) {
      command("clear");
    } else if (o.Take("D", "delete", nullptr)) {
      command("delete");
    } else if (o.Take("r", "resource", &r.rsc) || o.Take("N", "node", &r.node) || o.Take("v", "parameter-value", &r.value) ||
               o.Take("s", "set-name", &r.set_id) || o.Take("i", "nvpair", &r.nv_id) || o.Take("t", "resource-type", &r.element_type) ||
               o.Take("u", "lifetime", &r.lifetime)) {
    } else if (o.Take("m", "meta", nullptr)) {
      r.set_type = "meta_attributes";
    } else if (o.Take("z", "utilization", nullptr)) {
      r.set_type = "utilization";
    } else if (o.Take("", "recursive", nullptr)) {
      r.recursive = true;
    } else if (o.Take("e", "expired", nullptr)) {
      r.expired = true;
    } else if (o.Take("", "promoted", nullptr) || o.Take("", "master", nullptr)) {
      r.promoted = true;
    } else if (o.Take("f", "force", nullptr)) {
      r.force = true;
    } else if (o.Take("Q", "quiet", nullptr)) {
      r.quiet = true;
    } else if (o.Take("V", "verbose", nullptr)) {
    } else if (o.Take("", "output-as", &value)) {
      if (*value != "text") {
        err << "crm_resource: --output-as=" << *value << ": Vigil's crm_resource writes text only\n";
        return kUsage;
      }
    } else {
      return Unknown("crm_resource", o, out, err);
    }
    if (!o.error.empty()) {
      err << "crm_resource: " << o.error << "\n";
      return kUsage;
    }
  }
  std::sort(commands.begin(), commands.end());
  commands.erase(std::unique(commands.begin(), commands.end()), commands.end());
  if (commands.size() > 1) {
    err << "crm_resource: give one command (" << commands[0] << " and " << commands[1] << " were given)\n";
    return kUsage;
  }
  r.command = commands.empty() ? "list" : commands.front();
  if (r.recursive && r.command != "constraints") {
    err << "crm_resource: --recursive is taken with --constraints only in Vigil (not with --set-parameter)\n";
    return kUsage;
  }
  return Tool(std::move(r), vigild, agents, out, err).Run();
}

}  // namespace vigil::crm
