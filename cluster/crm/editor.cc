#include "cluster/crm/editor.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <functional>
#include <map>
#include <sstream>

#include "cluster/cib/cib.h"
#include "cluster/crm/configuration.h"
#include "cluster/crm/rule_syntax.h"
#include "cluster/crm/show.h"
#include "cluster/crm/values.h"
#include "cluster/crm/words.h"
#include "host/params.h"

namespace vigil::crm {

pugi::xml_node FindId(pugi::xml_node root, std::string_view id) {
  return root.find_node([&](pugi::xml_node n) { return n.type() == pugi::node_element && id == n.attribute("id").value(); });
}

std::string RoleForSchema(pugi::xml_node cib, const std::string& role) {
  if (role != "Promoted" && role != "Unpromoted") return role;
  // "pacemaker-MAJOR.MINOR"; anything else (none, "pacemaker-next") counts as new enough.
  const std::string_view schema = cib.attribute("validate-with").value();
  int major = 0, minor = 0;
  if (std::sscanf(std::string(schema).c_str(), "pacemaker-%d.%d", &major, &minor) != 2) return role;
  if (major > 3 || (major == 3 && minor >= 7)) return role;
  return role == "Promoted" ? "Master" : "Slave";
}

std::string FreeId(pugi::xml_node root, const std::string& base) {
  if (!FindId(root, base)) return base;
  for (int i = 0;; ++i) {
    std::string id = base + "-" + std::to_string(i);
    if (!FindId(root, id)) return id;
  }
}

namespace {

using pugi::xml_node;

Status Invalid(std::string message) { return Status(StatusCode::kInvalidArgument, std::move(message)); }

// An XML ID (NCName), as crmsh requires of every id.
bool IsId(std::string_view s) {
  if (s.empty() || !(std::isalpha(static_cast<unsigned char>(s[0])) || s[0] == '_')) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-';
  });
}

// The words of one command, read left to right; errors name the command ("primitive ip").
class Cursor {
 public:
  Cursor(const std::vector<std::string>& words, std::string context)
      : words_(words), context_(std::move(context)) {}
  bool done() const { return at_ >= words_.size(); }
  const std::string& Peek() const { return words_[at_]; }
  const std::string& Next() { return words_[at_++]; }
  // The words not read yet.
  std::vector<std::string> Rest() const { return std::vector<std::string>(words_.begin() + static_cast<long>(at_), words_.end()); }
  // The word before the current one, to say where something was expected.
  std::string After() const { return at_ == 0 ? words_[0] : words_[at_ - 1]; }
  void Name(const std::string& id) { context_ += " " + id; }
  const std::string& context() const { return context_; }
  Status Error(const std::string& what) const { return Invalid(context_ + ": " + what); }
  Status Expected(const std::string& what) const {
    if (done()) return Error("expected " + what + " after '" + After() + "'");
    return Error("expected " + what + ", not '" + Peek() + "'");
  }

 private:
  const std::vector<std::string>& words_;
  size_t at_ = 1;
  std::string context_;
};

struct Pair {
  std::string name;
  std::string value;
};

std::optional<Pair> SplitPair(const std::string& word) {
  const size_t eq = word.find('=');
  if (eq == std::string::npos || eq == 0) return std::nullopt;
  return Pair{word.substr(0, eq), word.substr(eq + 1)};
}

xml_node Section(xml_node configuration, const char* name) {
  xml_node s = configuration.child(name);
  return s ? s : configuration.append_child(name);
}

// An nvpair set's entry: replaced when the name is there, else added (name, value, id: crmsh's order).
void SetPair(xml_node root, xml_node set, const Pair& p) {
  for (xml_node nv : set.children("nvpair")) {
    if (p.name == nv.attribute("name").value()) {
      nv.attribute("value") ? nv.attribute("value").set_value(p.value.c_str())
                            : nv.append_attribute("value").set_value(p.value.c_str());
      return;
    }
  }
  xml_node nv = set.append_child("nvpair");
  nv.append_attribute("name").set_value(p.name.c_str());
  nv.append_attribute("value").set_value(p.value.c_str());
  nv.append_attribute("id").set_value(FreeId(root, std::string(set.attribute("id").value()) + "-" + p.name).c_str());
}

// A name that goes into an id (a parameter's, an op's, an interval): the id must stay an XML id.
bool Fits(std::string_view part) {
  return !part.empty() && std::all_of(part.begin(), part.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-';
  });
}

const std::set<std::string> kOpAttributes = {"interval", "timeout", "on-fail", "role", "enabled", "requires",
                                             "start-delay", "interval-origin", "record-pending", "description"};
const std::set<std::string> kPrimitiveKeywords = {"params", "meta", "utilization", "op", "op_params", "op_meta"};
const std::set<std::string> kNodeKeywords = {"attributes", "utilization"};

}  // namespace

namespace {

// What one command does to a copy of the document.
class Editor {
 public:
  Editor(pugi::xml_document& doc, const EditContext& context, std::vector<std::string>* warnings)
      : root_(doc.child("cib")),
        conf_(root_.child("configuration")),
        running_(context.running),
        known_nodes_(context.known_nodes),
        agents_(context.agents),
        before_(context.staged),
        warnings_(warnings) {}

  Status Run(const std::vector<std::string>& words) {
    const std::string& command = words[0];
    Cursor c(words, command);
    if (command == "node") return Node(c);
    if (command == "primitive") return Primitive(c, "primitive");
    if (command == "rsc_template") return Primitive(c, "template");
    if (command == "tag") return Tag(c);
    if (command == "group") return Group(c);
    if (command == "clone") return Clone(c, "clone");
    if (command == "ms") return Clone(c, "master");
    if (command == "modgroup") return ModGroup(c);
    if (command == "property") return Set(c, "crm_config", "cluster_property_set", "cib-bootstrap-options");
    if (command == "rsc_defaults") return Set(c, "rsc_defaults", "meta_attributes", "rsc-options");
    if (command == "op_defaults") return Set(c, "op_defaults", "meta_attributes", "op-options");
    if (command == "location") return Location(c);
    if (command == "colocation" || command == "collocation") return Colocation(c);
    if (command == "order") return Order(c);
    if (command == "rsc_ticket") return RscTicket(c);
    if (command == "fencing_topology") return FencingTopology(c);
    if (command == "delete") return Delete(c);
    if (command == "rename") return Rename(c);
    if (command == "erase") return Erase(c);
    const auto& unsupported = Configuration::UnsupportedCommands();
    if (std::find(unsupported.begin(), unsupported.end(), command) != unsupported.end()) {
      return Status(StatusCode::kUnsupported, command + ": not supported by Vigil (primitives, groups, clones and "
                                                        "location, colocation, order and ticket constraints are)");
    }
    return Invalid("configure: unknown command '" + command + "'");
  }

 private:
  Status NewId(Cursor& c, const std::string& what, std::string* id) {
    if (c.done()) return c.Expected("an id for the " + what);
    *id = c.Next();
    if (!IsId(*id)) {
      return c.Error("'" + *id + "' is not a valid id (a letter or _ first, then letters, digits, _ . -)");
    }
    c.Name(*id);
    if (xml_node taken = FindId(root_, *id)) {
      return c.Error("the id '" + *id + "' is taken (by a " + std::string(taken.name()) + ")");
    }
    return Status::Ok();
  }

  // A clone: <clone>, or the legacy <master> that ms writes.
  static bool IsClone(xml_node x) {
    const std::string_view kind = x.name();
    return kind == "clone" || kind == "master";
  }

  // What a constraint may name: a primitive (in a group or not), a group or a clone; never what
  // a clone clones.
  static bool IsResource(xml_node x) {
    const std::string_view kind = x.name();
    if (!x || (kind != "primitive" && kind != "group" && !IsClone(x))) return false;
    for (xml_node up = x.parent(); up; up = up.parent()) {
      if (IsClone(up)) return false;
    }
    return true;
  }

  // A primitive (or, with `group_too`, a group) at the top of the resources, as group, clone and
  // modgroup take one.
  Status TopResource(Cursor& c, const std::string& rsc, bool group_too, xml_node* found) {
    *found = FindId(conf_.child("resources"), rsc);
    const std::string_view kind = found->name();
    if (!*found || (kind != "primitive" && (!group_too || kind != "group"))) {
      return Status(StatusCode::kNotFound, c.context() + ": no " + (group_too ? "primitive or group" : "primitive") +
                                               " '" + rsc + "'");
    }
    if (found->parent() != conf_.child("resources")) {
      return c.Error(rsc + " is in " + std::string(found->parent().name()) + " " + found->parent().attribute("id").value() +
                     " already");
    }
    return Status::Ok();
  }

  // [params N=V...] [meta N=V...] of a group or clone, its sets in the order given (crmsh's ids).
  Status ContainerSets(Cursor& c, xml_node container, const std::string& id) {
    static const std::set<std::string> kKeywords = {"params", "meta"};
    while (!c.done()) {
      const std::string keyword = c.Next();
      if (!kKeywords.count(keyword)) return c.Error("expected params or meta, not '" + keyword + "'");
      const char* element = keyword == "params" ? "instance_attributes" : "meta_attributes";
      if (Status s = Pairs(c, keyword, SetOf(container, element, id + "-" + element), kKeywords); !s.ok()) return s;
    }
    return Status::Ok();
  }

  // group ID RSC... [params N=V...] [meta N=V...]: the primitives, moved into a new group in
  // the order given.
  Status Group(Cursor& c) {
    std::string id;
    if (Status s = NewId(c, "group", &id); !s.ok()) return s;
    std::vector<xml_node> members;
    while (!c.done() && c.Peek() != "params" && c.Peek() != "meta") {
      const std::string rsc = c.Next();
      xml_node found;
      if (Status s = TopResource(c, rsc, false, &found); !s.ok()) return s;
      if (std::find(members.begin(), members.end(), found) != members.end()) return c.Error(rsc + " is named twice");
      members.push_back(found);
    }
    if (members.empty()) return c.Expected("the primitives of the group");
    xml_node g = Section(conf_, "resources").append_child("group");
    g.append_attribute("id").set_value(id.c_str());
    if (Status s = ContainerSets(c, g, id); !s.ok()) return s;
    for (xml_node m : members) g.append_move(m);
    return Status::Ok();
  }

  // clone ID RSC [params N=V...] [meta N=V...]: the primitive or group, moved into a new clone;
  // `element` "master" for ms, which crmsh 4.4 still writes as the legacy <master> (a promotable
  // clone), warning that it is deprecated.
  Status Clone(Cursor& c, const char* element) {
    const bool ms = std::string_view(element) == "master";
    std::string id;
    if (Status s = NewId(c, ms ? "promotable clone" : "clone", &id); !s.ok()) return s;
    if (c.done()) return c.Expected("the primitive or group to clone");
    xml_node child;
    if (Status s = TopResource(c, c.Next(), true, &child); !s.ok()) return s;
    const std::string child_id = child.attribute("id").value();
    for (xml_node constraint : conf_.child("constraints").children()) {
      for (const char* a : {"rsc", "with-rsc", "first", "then"}) {
        if (child_id == constraint.attribute(a).value()) {
          return c.Error("constraint " + std::string(constraint.attribute("id").value()) + " names " + child_id +
                         ": a cloned resource is named by its clone, so change it to name " + id + " first");
        }
      }
    }
    xml_node clone = Section(conf_, "resources").append_child(element);
    clone.append_attribute("id").set_value(id.c_str());
    if (Status s = ContainerSets(c, clone, id); !s.ok()) return s;
    clone.append_move(child);
    if (ms) {
      warnings_->push_back("ms " + id + ": ms is deprecated; 'clone " + id + " " + child_id +
                           " meta promotable=true' makes a promotable clone of the current kind");
    }
    return Status::Ok();
  }

  // modgroup GROUP add RSC [after|before MEMBER] | modgroup GROUP remove MEMBER
  Status ModGroup(Cursor& c) {
    if (c.done()) return c.Expected("a group");
    const std::string id = c.Next();
    xml_node g = FindId(conf_.child("resources"), id);
    if (!g || std::string_view(g.name()) != "group") return Status(StatusCode::kNotFound, c.context() + ": no group '" + id + "'");
    if (c.done()) return c.Expected("add or remove");
    const std::string verb = c.Next();
    if (verb != "add" && verb != "remove") return c.Error("expected add or remove, not '" + verb + "'");
    if (c.done()) return c.Expected("a primitive");
    const std::string rsc = c.Next();
    if (verb == "remove") {
      xml_node m = g.find_child_by_attribute("primitive", "id", rsc.c_str());
      if (!m) return Status(StatusCode::kNotFound, c.context() + ": " + rsc + " is not a member of " + id);
      if (std::distance(g.children("primitive").begin(), g.children("primitive").end()) == 1) {
        return c.Error(rsc + " is the last member of " + id + ": delete the group instead");
      }
      if (!c.done()) return c.Error("unexpected '" + c.Peek() + "'");
      g.parent().insert_move_after(m, g);
      return Status::Ok();
    }
    xml_node p;
    if (Status s = TopResource(c, rsc, false, &p); !s.ok()) return s;
    if (c.done()) {
      g.append_move(p);
      return Status::Ok();
    }
    const std::string where = c.Next();
    if (where != "after" && where != "before") return c.Error("expected after or before, not '" + where + "'");
    if (c.done()) return c.Expected("a member of " + id);
    const std::string anchor_id = c.Next();
    xml_node anchor = g.find_child_by_attribute("primitive", "id", anchor_id.c_str());
    if (!anchor) return Status(StatusCode::kNotFound, c.context() + ": " + anchor_id + " is not a member of " + id);
    if (!c.done()) return c.Error("unexpected '" + c.Peek() + "'");
    if (where == "after") {
      g.insert_move_after(p, anchor);
    } else {
      g.insert_move_before(p, anchor);
    }
    return Status::Ok();
  }

  // What a constraint may name: a resource (IsResource), a template or a tag, which stand for the
  // resources made from it or tagged.
  bool Constrainable(const std::string& id) const {
    return IsResource(FindId(conf_.child("resources"), id)) ||
           conf_.child("resources").find_child_by_attribute("template", "id", id.c_str()) ||
           conf_.child("tags").find_child_by_attribute("tag", "id", id.c_str());
  }

  Status Resource(Cursor& c, const std::string& role_of, std::string* rsc) {
    if (c.done()) return c.Expected("a resource" + role_of);
    *rsc = c.Next();
    if (!Constrainable(*rsc)) return Status(StatusCode::kNotFound, c.context() + ": no resource '" + *rsc + "'");
    return Status::Ok();
  }

  // NAME=VALUE words up to the next keyword (or the end) into `set`.
  Status Pairs(Cursor& c, const std::string& keyword, xml_node set,
               const std::set<std::string>& keywords = kPrimitiveKeywords) {
    int n = 0;
    std::set<std::string> seen;
    while (!c.done() && !keywords.count(c.Peek())) {
      const auto p = SplitPair(c.Peek());
      if (!p) return c.Expected("NAME=VALUE after '" + keyword + "'");
      if (!seen.insert(p->name).second) return c.Error(keyword + " '" + p->name + "' is given twice");
      if (!Fits(p->name)) return c.Error("'" + p->name + "' is not a name (letters, digits, _ . -)");
      c.Next();
      SetPair(root_, set, *p);
      ++n;
    }
    if (n == 0) return c.Expected("NAME=VALUE");
    return Status::Ok();
  }

  xml_node SetOf(xml_node parent, const char* element, const std::string& base) {
    xml_node set = parent.child(element);
    if (set) return set;
    set = parent.append_child(element);
    set.append_attribute("id").set_value(FreeId(root_, base).c_str());
    return set;
  }

  // node [ID:] NAME [attributes N=V...] [utilization N=V...], as show prints a node.
  Status Node(Cursor& c) {
    if (c.done()) return c.Expected("a node name (or ID: NAME)");
    std::string id = c.Next();
    std::string name = id;
    if (id.size() > 1 && id.back() == ':') {
      id.pop_back();
      if (c.done()) return c.Expected("the node's name after '" + id + ":'");
      name = c.Next();
    }
    if (!IsId(id) && !std::all_of(id.begin(), id.end(), [](char ch) { return std::isdigit(static_cast<unsigned char>(ch)); })) {
      return c.Error("'" + id + "' is not a node id");
    }
    if (!Fits(name)) return c.Error("'" + name + "' is not a node name (letters, digits, _ . -)");
    c.Name(name);
    xml_node nodes = Section(conf_, "nodes");
    if (nodes.find_child_by_attribute("node", "uname", name.c_str())) return c.Error("the node " + name + " is there already");
    if (xml_node taken = FindId(root_, id)) {
      return c.Error("the id '" + id + "' is taken (by a " + std::string(taken.name()) + ")");
    }
    xml_node n = nodes.append_child("node");
    n.append_attribute("id").set_value(id.c_str());
    n.append_attribute("uname").set_value(name.c_str());
    while (!c.done()) {
      const std::string keyword = c.Next();
      if (keyword != "attributes" && keyword != "utilization") {
        return c.Error("expected attributes or utilization, not '" + keyword + "'");
      }
      const bool attributes = keyword == "attributes";
      const std::string base = "nodes-" + id + (attributes ? "" : "-utilization");
      if (Status s = Pairs(c, keyword, SetOf(n, attributes ? "instance_attributes" : "utilization", base), kNodeKeywords);
          !s.ok()) {
        return s;
      }
    }
    return Status::Ok();
  }

  // primitive ID AGENT|@TEMPLATE ..., rsc_template ID AGENT ... (`element`: primitive or template).
  Status Primitive(Cursor& c, const char* element) {
    std::string id;
    const bool is_template = std::string_view(element) == "template";
    if (Status s = NewId(c, is_template ? "template" : "primitive", &id); !s.ok()) return s;
    if (c.done() || kPrimitiveKeywords.count(c.Peek())) {
      return c.Expected("an agent (class:provider:type as ocf:heartbeat:IPaddr, class:type as lsb:mysql, or a "
                        "heartbeat agent's type)");
    }
    const std::string agent = c.Next();
    if (agent.empty()) return c.Error("the agent is empty");
    std::vector<std::string> parts;
    std::stringstream split(agent);
    for (std::string part; std::getline(split, part, ':');) parts.push_back(part);
    if (!agent.empty() && agent.back() == ':') parts.push_back("");
    const bool empty_part = std::any_of(parts.begin(), parts.end(), [](const std::string& p) { return p.empty(); });
    xml_node p;
    if (agent[0] == '@') {
      // Made from a template: its agent is the template's.
      const std::string name = agent.substr(1);
      if (is_template) return c.Error("a template is not made from another ('" + agent + "')");
      if (!conf_.child("resources").find_child_by_attribute("template", "id", name.c_str())) {
        return Status(StatusCode::kNotFound, c.context() + ": no template '" + name + "'");
      }
      p = Section(conf_, "resources").append_child(element);
      p.append_attribute("id").set_value(id.c_str());
      p.append_attribute("template").set_value(name.c_str());
    } else if (empty_part || parts.size() > 3 || (parts.size() == 3 && parts[0] != "ocf") ||
               (parts.size() == 2 && parts[0] == "ocf")) {
      return c.Error("'" + agent + "' is not an agent (ocf:PROVIDER:TYPE, lsb:TYPE, systemd:TYPE, service:TYPE, "
                     "stonith:TYPE, or TYPE for ocf:heartbeat:TYPE)");
    } else {
      p = Section(conf_, "resources").append_child(element);
      p.append_attribute("id").set_value(id.c_str());
      p.append_attribute("class").set_value(parts.size() == 1 ? "ocf" : parts[0].c_str());
      if (parts.size() != 2) p.append_attribute("provider").set_value(parts.size() == 1 ? "heartbeat" : parts[1].c_str());
      p.append_attribute("type").set_value(parts.back().c_str());
    }
    xml_node operations;
    xml_node last_op;
    while (!c.done()) {
      const std::string keyword = c.Next();
      if (keyword == "params" || keyword == "meta" || keyword == "utilization") {
        const char* set = keyword == "params" ? "instance_attributes"
                          : keyword == "meta" ? "meta_attributes"
                                              : "utilization";
        if (Status s = Pairs(c, keyword, SetOf(p, set, id + "-" + set)); !s.ok()) return s;
      } else if (keyword == "op") {
        if (!operations) operations = p.append_child("operations");
        if (Status s = Op(c, id, operations, &last_op); !s.ok()) return s;
      } else if (keyword == "op_params" || keyword == "op_meta") {
        if (!last_op) return c.Error("'" + keyword + "' belongs after an op");
        const char* set = keyword == "op_params" ? "instance_attributes" : "meta_attributes";
        const std::string base = std::string(last_op.attribute("id").value()) + "-" + set;
        if (Status s = Pairs(c, keyword, SetOf(last_op, set, base)); !s.ok()) return s;
      } else {
        return Invalid(c.context() + ": expected params, meta, utilization or op, not '" + keyword + "'");
      }
    }
    // (One made from a template is checked by vigild at commit, with the template's agent.)
    if (Status s = CheckAgent(c, p); !s.ok()) return s;
    if (const auto w = FencingWarning(conf_)) warnings_->push_back(*w);
    return Status::Ok();
  }

  // tag ID[:] RSC...: <tags><tag><obj_ref/>...</tag></tags>.
  Status Tag(Cursor& c) {
    if (c.done()) return c.Expected("an id for the tag");
    std::string id = c.Peek();
    if (id.size() > 1 && id.back() == ':') id.pop_back();
    c.Next();
    if (!IsId(id)) return c.Error("'" + id + "' is not a valid id (a letter or _ first, then letters, digits, _ . -)");
    c.Name(id);
    if (xml_node taken = FindId(root_, id)) return c.Error("the id '" + id + "' is taken (by a " + std::string(taken.name()) + ")");
    if (c.done()) return c.Expected("a resource");
    xml_node tag = Section(conf_, "tags").append_child("tag");
    tag.append_attribute("id").set_value(id.c_str());
    while (!c.done()) {
      const std::string rsc = c.Next();
      if (!IsResource(FindId(conf_.child("resources"), rsc))) return Status(StatusCode::kNotFound, c.context() + ": no resource '" + rsc + "'");
      tag.append_child("obj_ref").append_attribute("id").set_value(rsc.c_str());
    }
    return Status::Ok();
  }

  bool Unchanged(xml_node p) const {
    const xml_node old = before_.child("resources").find_child_by_attribute(p.name(), "id", p.attribute("id").value());
    if (!old) return false;
    for (const char* a : {"class", "provider", "type"}) {
      if (std::string_view(old.attribute(a).value()) != p.attribute(a).value()) return false;
    }
    return Params(old) == Params(p);
  }

  static std::vector<std::pair<std::string, std::string>> Params(xml_node p) {
    std::vector<std::pair<std::string, std::string>> out;
    for (xml_node set : p.children("instance_attributes")) {
      for (xml_node nv : set.children("nvpair")) out.emplace_back(nv.attribute("name").value(), nv.attribute("value").value());
    }
    return out;
  }

  // The agent exists and takes these parameters (its meta-data says), as vigild checks at commit.
  Status CheckAgent(Cursor& c, xml_node p) {
    if (agents_ == nullptr || std::string_view(p.attribute("class").value()) != "ocf") return Status::Ok();
    // One the staged CIB holds already, agent and parameters alike (an edit writes every
    // primitive again): checked when it went in; its agent may live on other nodes only.
    if (Unchanged(p)) return Status::Ok();
    const std::string name = cib::AgentName("ocf", p.attribute("provider").value(), p.attribute("type").value());
    auto described = agents_->Describe(name);
    if (!described.ok()) return Status(described.status().code(), c.context() + ": " + described.status().message());
    if (Status s = ValidateParams(*described->metadata, name, Params(p)); !s.ok()) return c.Error(s.message());
    return Status::Ok();
  }

  Status Op(Cursor& c, const std::string& rsc, xml_node operations, xml_node* made) {
    if (c.done() || c.Peek().find('=') != std::string::npos || kPrimitiveKeywords.count(c.Peek())) {
      return c.Expected("an operation name (monitor, start, stop...)");
    }
    const std::string name = c.Next();
    if (!Fits(name)) return c.Error("'" + name + "' is not an operation name (letters, digits, _ . -)");
    xml_node op = operations.append_child("op");
    op.append_attribute("name").set_value(name.c_str());
    std::vector<Pair> check_level;
    std::set<std::string> seen;
    while (!c.done() && !kPrimitiveKeywords.count(c.Peek())) {
      const auto pair = SplitPair(c.Peek());
      if (!pair) return c.Expected("NAME=VALUE after 'op " + name + "'");
      if (!seen.insert(pair->name).second) return c.Error("op " + name + ": '" + pair->name + "' is given twice");
      c.Next();
      if (pair->name == "OCF_CHECK_LEVEL") {
        check_level.push_back(*pair);
      } else if (kOpAttributes.count(pair->name)) {
        if (const std::string error = OpValueError(pair->name, pair->value); !error.empty()) {
          return c.Error("op " + name + ": " + error);
        }
        op.append_attribute(pair->name.c_str()).set_value(pair->value.c_str());
      } else {
        return c.Error("op " + name + ": '" + pair->name +
                       "' is not an operation attribute (interval, timeout, on-fail, role, enabled, requires, "
                       "start-delay, interval-origin, record-pending, description, OCF_CHECK_LEVEL)");
      }
    }
    if (!op.attribute("interval")) op.append_attribute("interval").set_value("0");
    if (!Fits(op.attribute("interval").value())) {
      return c.Error("op " + name + ": '" + op.attribute("interval").value() + "' is not an interval (10s, 1min, 0)");
    }
    const std::string id = FreeId(root_, rsc + "-" + name + "-" + op.attribute("interval").value());
    op.append_attribute("id").set_value(id.c_str());
    if (!check_level.empty()) {
      xml_node set = SetOf(op, "instance_attributes", id + "-instance_attributes");
      for (const Pair& p : check_level) SetPair(root_, set, p);
    }
    *made = op;
    return Status::Ok();
  }

  // property / rsc_defaults / op_defaults [SET_ID:] NAME=VALUE...; also crmsh 1.x's $id="SET_ID".
  Status Set(Cursor& c, const char* section, const char* element, const std::string& default_id) {
    std::string set_id = default_id;
    if (!c.done() && c.Peek().size() > 1 && c.Peek().back() == ':' && c.Peek().find('=') == std::string::npos) {
      set_id = c.Next();
      set_id.pop_back();
    } else if (!c.done() && c.Peek().rfind("$id=", 0) == 0) {
      set_id = c.Next().substr(4);
    }
    if (!IsId(set_id)) return c.Error("'" + set_id + "' is not a valid id");
    if (c.done()) return c.Expected("NAME=VALUE");
    xml_node parent = Section(conf_, section);
    xml_node set;
    for (xml_node s : parent.children(element)) {
      if (set_id == s.attribute("id").value()) set = s;
    }
    if (!set) {
      if (xml_node taken = FindId(root_, set_id)) {
        return c.Error("the id '" + set_id + "' is taken (by a " + std::string(taken.name()) + ")");
      }
      set = parent.append_child(element);
      set.append_attribute("id").set_value(set_id.c_str());
    }
    std::set<std::string> seen;
    while (!c.done()) {
      const auto p = SplitPair(c.Peek());
      if (!p) return c.Expected("NAME=VALUE");
      if (!seen.insert(p->name).second) return c.Error("'" + p->name + "' is given twice");
      c.Next();
      if (std::string_view(section) == "crm_config") {
        if (const std::string error = PropertyValueError(p->name, p->value); !error.empty()) return c.Error(error);
        if (!ClusterOptions().count(p->name)) {
          warnings_->push_back(set_id + ": '" + p->name + "' is not a cluster property Pacemaker knows");
        }
      }
      SetPair(root_, set, *p);
    }
    return Status::Ok();
  }

  // location ID RSC [role=ROLE] [resource-discovery=always|never|exclusive] SCORE: NODE, or the
  // same with rule ... (rule_syntax.h) instead of SCORE: NODE;
  // RSC may be /PATTERN/, a regular expression the ids of top-level resources are matched against.
  Status Location(Cursor& c) {
    std::string id, rsc, pattern;
    if (Status s = NewId(c, "location", &id); !s.ok()) return s;
    if (!c.done() && c.Peek().size() > 2 && c.Peek().front() == '/' && c.Peek().back() == '/') {
      pattern = c.Next();
      pattern = pattern.substr(1, pattern.size() - 2);
      const std::string plain = pattern.starts_with("!") ? pattern.substr(1) : pattern;
      if (const cib::ResourcePattern compiled(plain); !compiled.error().empty()) {
        return c.Error("/" + pattern + "/ is not a regular expression: " + compiled.error());
      }
    } else if (Status s = Resource(c, "", &rsc); !s.ok()) {
      return s;
    }
    // role= and resource-discovery=, in either order.
    std::string role, discovery;
    while (!c.done()) {
      if (role.empty() && c.Peek().rfind("role=", 0) == 0) {
        role = c.Next().substr(5);
        if (!IsRole(role)) return c.Error("'" + role + "' is not a role (Started, Stopped, Promoted, Unpromoted)");
        role = RoleForSchema(root_, role);
      } else if (discovery.empty() && c.Peek().rfind("resource-discovery=", 0) == 0) {
        discovery = c.Next().substr(19);
        if (discovery != "always" && discovery != "never" && discovery != "exclusive") {
          return c.Error("resource-discovery=" + discovery + " is not always, never or exclusive");
        }
      } else {
        break;
      }
    }
    if (!c.done() && c.Peek() == "rule") {
      AddConstraint("rsc_location", {{"id", id}, {"rsc", rsc}, {"rsc-pattern", pattern}, {"role", role}, {"resource-discovery", discovery}});
      std::vector<std::string> words;
      while (!c.done()) words.push_back(c.Next());
      const xml_node location = conf_.child("constraints").last_child();
      if (Status s = AppendRules(words, location, root_); !s.ok()) return Status(s.code(), c.context() + ": " + s.message());
      return Status::Ok();
    }
    if (c.done()) return c.Expected(std::string(kScoreHelp) + " or 'rule'");
    const auto score = ScoreWord(c.Peek());
    if (!score) return c.Expected(std::string(kScoreHelp) + " or 'rule'");
    c.Next();
    if (c.done()) return c.Expected("a node");
    const std::string node = c.Next();
    if (!c.done()) return c.Error("unexpected '" + c.Peek() + "' after the node");
    if (!KnownNode(node)) warnings_->push_back(id + ": no node '" + node + "' is configured (yet)");
    AddConstraint("rsc_location", {{"id", id}, {"rsc", rsc}, {"rsc-pattern", pattern}, {"role", role}, {"resource-discovery", discovery},
                                   {"score", *score}, {"node", node}});
    return Status::Ok();
  }

  // A resource with an optional :ROLE (colocation) or :ACTION (order).
  Status Member(Cursor& c, const std::string& which, std::string* rsc, std::string* suffix) {
    if (c.done()) return c.Expected(which);
    const std::string word = c.Next();
    const size_t colon = word.find(':');
    *rsc = word.substr(0, colon);
    *suffix = colon == std::string::npos ? "" : word.substr(colon + 1);
    if (!Constrainable(*rsc)) return Status(StatusCode::kNotFound, c.context() + ": no resource '" + *rsc + "'");
    return Status::Ok();
  }

  Status NoMore(Cursor& c, const char* what) {
    if (c.done()) return Status::Ok();
    return c.Error("unexpected '" + c.Peek() + "' (" + what + ")");
  }

  // Whether what follows is written as resource sets, as crmsh reads it: _rsc_set_ first, a
  // bracket, or more than two resources before the options (words with '=').
  static bool SetSyntax(const Cursor& c) {
    size_t members = 0;
    for (const std::string& w : c.Rest()) {
      if (w == "_rsc_set_" || w == "(" || w == ")" || w == "[" || w == "]") return true;
      if (w.find('=') != std::string::npos) break;
      ++members;
    }
    return members > 2;
  }

  // A constraint's resource sets in crmsh's syntax: RSC[:SUFFIX]... one set while the suffix (a
  // role for a colocation, an action for an order) stays the same; "( ... )" a set with
  // sequential="false", "[ ... ]" one with require-all="false" too (sequential=true inside keeps
  // it sequential). Written into `constraint` as crmsh writes them (ids <constraint>-0, -1...).
  Status ResourceSets(Cursor& c, bool order, xml_node constraint) {
    struct SetSpec {
      std::vector<std::string> members;
      std::string suffix;
      bool sequential = true;
      bool require_all = true;
      bool bracket = false;
    };
    std::vector<SetSpec> sets;
    if (!c.done() && c.Peek() == "_rsc_set_") c.Next();
    const char* open = nullptr;  // the bracket being read: ")" or "]"
    while (!c.done()) {
      const std::string word = c.Peek();
      if (open == nullptr && word.find('=') != std::string::npos) break;
      c.Next();
      if (word == "(" || word == "[") {
        if (open != nullptr) return c.Error("a resource set cannot hold another ('" + word + "')");
        open = word == "(" ? ")" : "]";
        SetSpec set;
        set.bracket = true;
        set.sequential = false;
        set.require_all = word != "[";
        sets.push_back(set);
        continue;
      }
      if (word == ")" || word == "]") {
        if (open == nullptr || word != open) return c.Error("'" + word + "' closes no set");
        if (sets.back().members.empty()) return c.Error("an empty resource set");
        open = nullptr;
        continue;
      }
      if (open != nullptr && (word.rfind("sequential=", 0) == 0 || word.rfind("require-all=", 0) == 0)) {
        const bool sequential = word.rfind("sequential=", 0) == 0;
        const auto value = ParseBoolean(word.substr(word.find('=') + 1));
        if (!value) return c.Error("'" + word + "' takes true or false");
        (sequential ? sets.back().sequential : sets.back().require_all) = *value;
        continue;
      }
      const size_t colon = word.find(':');
      const std::string rsc = word.substr(0, colon);
      std::string suffix = colon == std::string::npos ? "" : word.substr(colon + 1);
      if (!Constrainable(rsc)) return Status(StatusCode::kNotFound, c.context() + ": no resource '" + rsc + "'");
      for (const SetSpec& other : sets) {
        if (std::find(other.members.begin(), other.members.end(), rsc) != other.members.end()) {
          return c.Error(rsc + " is named twice in the sets");
        }
      }
      static const std::set<std::string> kActions = {"start", "stop", "promote", "demote"};
      if (!suffix.empty() && order && !kActions.count(suffix)) {
        return c.Error("'" + suffix + "' is not an action (start, stop, promote, demote)");
      }
      if (!suffix.empty() && !order) {
        if (!IsRole(suffix)) return c.Error("'" + suffix + "' is not a role (Started, Promoted, Unpromoted...)");
        suffix = RoleForSchema(root_, suffix);
      }
      if (open != nullptr) {
        SetSpec& set = sets.back();
        if (!set.members.empty() && set.suffix != suffix) return c.Error("the members of one set take one " + std::string(order ? "action" : "role"));
        set.suffix = suffix;
        set.members.push_back(rsc);
      } else if (!sets.empty() && !sets.back().bracket && sets.back().suffix == suffix) {
        sets.back().members.push_back(rsc);
      } else {
        SetSpec set;
        set.suffix = suffix;
        set.members.push_back(rsc);
        sets.push_back(set);
      }
    }
    if (open != nullptr) return c.Error(std::string("a set is never closed with '") + open + "'");
    if (sets.empty()) return c.Expected("a resource");
    const std::string id = constraint.attribute("id").value();
    for (size_t i = 0; i < sets.size(); ++i) {
      xml_node set = constraint.append_child("resource_set");
      if (!sets[i].require_all) set.append_attribute("require-all").set_value("false");
      if (!sets[i].sequential) set.append_attribute("sequential").set_value("false");
      if (!sets[i].suffix.empty()) set.append_attribute(order ? "action" : "role").set_value(sets[i].suffix.c_str());
      set.append_attribute("id").set_value((id + "-" + std::to_string(i)).c_str());
      for (const auto& m : sets[i].members) set.append_child("resource_ref").append_attribute("id").set_value(m.c_str());
    }
    return Status::Ok();
  }

  // colocation ID SCORE: RSC[:ROLE] WITH-RSC[:ROLE], or resource sets (ResourceSets)
  Status Colocation(Cursor& c) {
    std::string id, rsc, role, with, with_role;
    if (Status s = NewId(c, "colocation", &id); !s.ok()) return s;
    const auto score = c.done() ? std::nullopt : ScoreWord(c.Peek());
    if (!score) return c.Expected(kScoreHelp);
    c.Next();
    if (SetSyntax(c)) {
      AddConstraint("rsc_colocation", {{"id", id}, {"score", *score}});
      if (Status s = ResourceSets(c, false, conf_.child("constraints").last_child()); !s.ok()) return s;
      return NoMore(c, "expected nothing after the sets");
    }
    if (Status s = Member(c, "a resource", &rsc, &role); !s.ok()) return s;
    if (Status s = Member(c, "the resource it is placed with", &with, &with_role); !s.ok()) return s;
    for (std::string* r : {&role, &with_role}) {
      if (!r->empty() && !IsRole(*r)) return c.Error("'" + *r + "' is not a role (Started, Promoted, Unpromoted...)");
      *r = RoleForSchema(root_, *r);
    }
    if (rsc == with) return c.Error("a resource cannot be placed with itself");
    std::string node_attribute;
    if (!c.done() && c.Peek().rfind("node-attribute=", 0) == 0) node_attribute = c.Next().substr(15);
    if (Status s = NoMore(c, "expected nothing, or node-attribute=NAME"); !s.ok()) return s;
    AddConstraint("rsc_colocation", {{"id", id}, {"score", *score}, {"rsc", rsc}, {"rsc-role", role},
                                     {"with-rsc", with}, {"with-rsc-role", with_role},
                                     {"node-attribute", node_attribute}});
    return Status::Ok();
  }

  // order ID [KIND: | SCORE:] FIRST[:ACTION] THEN[:ACTION] [symmetrical=BOOL]
  Status Order(Cursor& c) {
    std::string id, first, first_action, then, then_action;
    if (Status s = NewId(c, "order", &id); !s.ok()) return s;
    std::string kind;
    if (!c.done() && c.Peek().size() > 1 && c.Peek().back() == ':') {
      const std::string word = c.Peek().substr(0, c.Peek().size() - 1);
      if (word == "Mandatory" || word == "Optional" || word == "Serialize") {
        kind = word;
      } else if (const auto score = ScoreWord(c.Peek())) {
        kind = *score == "0" ? "Optional" : "Mandatory";  // crmsh 4.3 on: a score becomes a kind
      } else {
        return c.Expected("Mandatory:, Optional:, Serialize: or " + std::string(kScoreHelp));
      }
      c.Next();
    }
    if (SetSyntax(c)) {
      AddConstraint("rsc_order", {{"id", id}, {"kind", kind}});
      xml_node constraint = conf_.child("constraints").last_child();
      if (Status s = ResourceSets(c, true, constraint); !s.ok()) return s;
      if (!c.done() && c.Peek().rfind("symmetrical=", 0) == 0) {
        const std::string symmetrical = c.Next().substr(12);
        if (!ParseBoolean(symmetrical)) return c.Error("symmetrical is true or false, not '" + symmetrical + "'");
        constraint.append_attribute("symmetrical").set_value(symmetrical.c_str());
      }
      return NoMore(c, "expected nothing, or symmetrical=true|false");
    }
    if (Status s = Member(c, "the resource that goes first", &first, &first_action); !s.ok()) return s;
    if (Status s = Member(c, "the resource that follows", &then, &then_action); !s.ok()) return s;
    static const std::set<std::string> kActions = {"start", "stop", "promote", "demote"};
    for (const std::string* a : {&first_action, &then_action}) {
      if (!a->empty() && !kActions.count(*a)) return c.Error("'" + *a + "' is not an action (start, stop, promote, demote)");
    }
    if (first == then) return c.Error("a resource cannot be ordered after itself");
    std::string symmetrical;
    if (!c.done() && c.Peek().rfind("symmetrical=", 0) == 0) {
      symmetrical = c.Next().substr(12);
      if (!ParseBoolean(symmetrical)) return c.Error("symmetrical is true or false, not '" + symmetrical + "'");
    }
    if (Status s = NoMore(c, "expected nothing, or symmetrical=true|false"); !s.ok()) return s;
    AddConstraint("rsc_order", {{"id", id}, {"kind", kind}, {"first", first}, {"first-action", first_action},
                                {"then", then}, {"then-action", then_action}, {"symmetrical", symmetrical}});
    return Status::Ok();
  }

  // rsc_ticket ID TICKET: RSC[:ROLE]... [loss-policy=POLICY]: one resource is rsc (and rsc-role);
  // several are resource sets, as crmsh writes them: a new set where the role changes, ids
  // <ID>-0, <ID>-1...
  Status RscTicket(Cursor& c) {
    std::string id;
    if (Status s = NewId(c, "ticket constraint", &id); !s.ok()) return s;
    if (c.done() || c.Peek().size() < 2 || c.Peek().back() != ':') return c.Expected("the ticket, as TICKET:");
    const std::string word = c.Next();
    const std::string ticket = word.substr(0, word.size() - 1);
    if (!IsId(ticket)) return c.Error("'" + ticket + "' is not a valid ticket name");
    std::vector<std::pair<std::string, std::string>> members;  // resource, role
    while (!c.done() && c.Peek().find('=') == std::string::npos) {
      std::string rsc, role;
      if (Status s = Member(c, "a resource", &rsc, &role); !s.ok()) return s;
      if (!role.empty() && !IsRole(role)) return c.Error("'" + role + "' is not a role (Started, Promoted, Unpromoted...)");
      members.emplace_back(rsc, RoleForSchema(root_, role));
    }
    if (members.empty()) return c.Expected("a resource");
    std::string loss_policy;
    if (!c.done() && c.Peek().rfind("loss-policy=", 0) == 0) {
      loss_policy = c.Next().substr(12);
      static const std::set<std::string> kPolicies = {"stop", "demote", "freeze", "fence"};
      if (!kPolicies.count(loss_policy)) return c.Error("loss-policy is stop, demote, freeze or fence, not '" + loss_policy + "'");
    }
    if (!c.done()) return c.Error("unexpected '" + c.Peek() + "' (expected nothing, or loss-policy=POLICY)");
    if (members.size() == 1) {
      AddConstraint("rsc_ticket", {{"id", id}, {"ticket", ticket}, {"loss-policy", loss_policy},
                                   {"rsc", members[0].first}, {"rsc-role", members[0].second}});
      return Status::Ok();
    }
    AddConstraint("rsc_ticket", {{"id", id}, {"ticket", ticket}, {"loss-policy", loss_policy}});
    xml_node constraint = conf_.child("constraints").last_child();
    xml_node set;
    std::string set_role;
    int sets = 0;
    for (const auto& [rsc, role] : members) {
      if (!set || role != set_role) {
        set = constraint.append_child("resource_set");
        if (!role.empty()) set.append_attribute("role") = role.c_str();
        set.append_attribute("id") = (id + "-" + std::to_string(sets++)).c_str();
        set_role = role;
      }
      set.append_child("resource_ref").append_attribute("id") = rsc.c_str();
    }
    return Status::Ok();
  }

  // delete ID...: a resource takes the constraints that name it along (crmsh's "hanging" ones).
  // fencing_topology [TARGET] DEVICES... [TARGET DEVICES...]: a target is NODE: (its colon),
  // attr:NAME=VALUE or pattern:REGEX; DEVICES is one level, fence devices joined by commas; levels
  // are numbered from 1 per target in their order. Devices before any target make the levels of
  // every node. One topology: a second is refused until the first is deleted.
  Status FencingTopology(Cursor& c) {
    if (c.done()) return c.Expected("the fence devices of a level");
    if (xml_node existing = conf_.child("fencing-topology"); existing && existing.child("fencing-level")) {
      return c.Error("there is a fencing_topology already: 'delete fencing_topology' first");
    }
    struct Target {
      std::string kind;  // "target", "target-attribute", "target-pattern"; empty: every node
      std::string name;
      std::string value;
      std::vector<std::string> levels;
    };
    std::vector<Target> targets;
    while (!c.done()) {
      const std::string w = c.Next();
      if (w.size() > 1 && w.back() == ':') {
        targets.push_back({"target", w.substr(0, w.size() - 1), "", {}});
      } else if (w.rfind("attr:", 0) == 0) {
        const size_t eq = w.find('=');
        if (eq == std::string::npos || eq == 5) return c.Error("'" + w + "' is not attr:NAME=VALUE");
        targets.push_back({"target-attribute", w.substr(5, eq - 5), w.substr(eq + 1), {}});
      } else if (w.rfind("pattern:", 0) == 0) {
        if (w.size() == 8) return c.Error("'" + w + "' names no pattern");
        targets.push_back({"target-pattern", w.substr(8), "", {}});
      } else {
        for (size_t at = 0; at <= w.size();) {
          const size_t comma = std::min(w.find(',', at), w.size());
          if (!IsId(w.substr(at, comma - at))) return c.Error("'" + w + "' is not a list of fence devices (DEVICE[,DEVICE...])");
          at = comma + 1;
        }
        if (targets.empty()) targets.push_back({"", "", "", {}});
        targets.back().levels.push_back(w);
      }
      if (targets.size() > 1 && targets.front().kind.empty()) {
        return c.Error("devices given for every node: no target may follow ('" + w + "')");
      }
      if (!targets.back().kind.empty() && targets.size() > 1 && targets[targets.size() - 2].levels.empty()) {
        return c.Error("target " + targets[targets.size() - 2].name + " has no devices");
      }
    }
    if (targets.back().levels.empty()) return c.Error("target " + targets.back().name + " has no devices");
    if (targets.front().kind.empty()) {
      // Every node, as crmsh writes it: the same levels for each node of the configuration.
      const std::vector<std::string> levels = targets.front().levels;
      targets.clear();
      for (xml_node n : conf_.child("nodes").children("node")) {
        const std::string uname = n.attribute("uname").value();
        targets.push_back({"target", uname.empty() ? n.attribute("id").value() : uname, "", levels});
      }
      if (targets.empty()) return c.Error("there are no nodes to give these levels to");
    }
    xml_node topology = Section(conf_, "fencing-topology");
    for (const Target& t : targets) {
      for (size_t i = 0; i < t.levels.size(); ++i) {
        xml_node level = topology.append_child("fencing-level");
        // crmsh's attribute order.
        if (t.kind == "target") level.append_attribute("target").set_value(t.name.c_str());
        level.append_attribute("index").set_value(std::to_string(i + 1).c_str());
        level.append_attribute("devices").set_value(t.levels[i].c_str());
        if (t.kind == "target-attribute") {
          level.append_attribute("target-attribute").set_value(t.name.c_str());
          level.append_attribute("target-value").set_value(t.value.c_str());
        }
        if (t.kind == "target-pattern") level.append_attribute("target-pattern").set_value(t.name.c_str());
        level.append_attribute("id").set_value(FreeId(root_, "fencing").c_str());
      }
    }
    return Status::Ok();
  }

  Status Delete(Cursor& c) {
    if (c.done()) return c.Expected("an id");
    std::vector<xml_node> doomed;
    std::vector<std::string> deleted;  // the primitives
    auto doom = [&](xml_node x) {
      if (std::find(doomed.begin(), doomed.end(), x) != doomed.end()) return false;
      doomed.push_back(x);
      return true;
    };
    while (!c.done()) {
      const std::string id = c.Next();
      // The topology goes whole, by crmsh's name for it.
      if (id == "fencing_topology" && conf_.child("fencing-topology")) {
        doom(conf_.child("fencing-topology"));
        continue;
      }
      const xml_node x = FindId(conf_, id);
      const std::string_view kind = x ? x.name() : "";
      const std::string_view parent = x ? x.parent().name() : "";
      const bool deletable = kind == "primitive" || kind == "template" || parent == "constraints" || parent == "tags" ||
                             parent == "crm_config" || parent == "rsc_defaults" || parent == "op_defaults";
      if (!x) return Status(StatusCode::kNotFound, "delete: no element with id '" + id + "'");
      if (!deletable) return c.Error("'" + id + "' is a " + std::string(kind) + ", which delete does not remove");
      if (kind == "template") {
        const xml_node user = conf_.child("resources").find_node(
            [&](xml_node n) { return std::string_view(n.name()) == "primitive" && id == n.attribute("template").value(); });
        if (user) return c.Error("template " + id + " is used by " + user.attribute("id").value() + ": delete that first");
      }
      if (kind == "primitive" && !running_) {
        return c.Error("cannot tell whether " + id + " runs (vigild knows no DC): try again once it has one");
      }
      if (kind == "primitive" && running_->count(id)) {
        return c.Error("resource " + id + " is running: stop it first ('crm resource stop " + id + "')");
      }
      if (!doom(x) || kind != "primitive") continue;
      deleted.push_back(id);
      for (xml_node constraint : conf_.child("constraints").children()) {
        for (const char* a : {"rsc", "with-rsc", "first", "then"}) {
          if (id != constraint.attribute(a).value()) continue;
          if (doom(constraint)) {
            warnings_->push_back("hanging " + std::string(ShowKind(constraint.name())) + ":" +
                                 constraint.attribute("id").value() + " deleted");
          }
          break;
        }
      }
    }
    for (xml_node x : doomed) x.parent().remove_child(x);
    // Resource sets lose the deleted primitives, as crmsh takes them out.
    std::vector<xml_node> emptied;
    for (xml_node constraint : conf_.child("constraints").children()) {
      if (!constraint.child("resource_set")) continue;
      bool changed = false;
      for (xml_node set = constraint.child("resource_set"); set;) {
        const xml_node next_set = set.next_sibling("resource_set");
        for (xml_node ref = set.child("resource_ref"); ref;) {
          const xml_node next = ref.next_sibling("resource_ref");
          if (std::find(deleted.begin(), deleted.end(), std::string(ref.attribute("id").value())) != deleted.end()) {
            set.remove_child(ref);
            changed = true;
          }
          ref = next;
        }
        if (!set.child("resource_ref")) constraint.remove_child(set);
        set = next_set;
      }
      if (!changed) continue;
      const std::string what = std::string(ShowKind(constraint.name())) + ":" + constraint.attribute("id").value();
      if (!constraint.child("resource_set")) {
        emptied.push_back(constraint);
        warnings_->push_back("hanging " + what + " deleted");
        continue;
      }
      warnings_->push_back("constraint " + what + " updated");
      ToTwoResources(constraint);
    }
    for (xml_node x : emptied) x.parent().remove_child(x);
    return Status::Ok();
  }

  // A colocation or order whose plain sets are down to two resources becomes a constraint of
  // two, as crmsh makes it: the two in their order (a colocation's in one set the other way
  // round, the later placed with the earlier), with their sets' roles or actions.
  void ToTwoResources(xml_node constraint) {
    const std::string_view kind = constraint.name();
    if (kind != "rsc_colocation" && kind != "rsc_order") return;
    const bool order = kind == "rsc_order";
    std::vector<std::pair<std::string, std::string>> refs;  // id, role or action
    int sets = 0;
    for (xml_node set : constraint.children("resource_set")) {
      ++sets;
      // ( ) and [ ] stay sets, as crmsh leaves them.
      if (set.attribute("require-all") || set.attribute("sequential")) return;
      for (xml_node ref : set.children("resource_ref")) {
        refs.emplace_back(ref.attribute("id").value(), set.attribute(order ? "action" : "role").value());
      }
    }
    if (refs.size() != 2) return;
    while (constraint.child("resource_set")) constraint.remove_child(constraint.child("resource_set"));
    if (order) {
      const std::pair<const char*, const char*> ends[] = {{"first", "first-action"}, {"then", "then-action"}};
      for (size_t i = 0; i < 2; ++i) {
        constraint.append_attribute(ends[i].first).set_value(refs[i].first.c_str());
        if (!refs[i].second.empty()) constraint.append_attribute(ends[i].second).set_value(refs[i].second.c_str());
      }
      return;
    }
    if (sets == 1) std::swap(refs[0].first, refs[1].first);
    constraint.append_attribute("rsc").set_value(refs[0].first.c_str());
    if (!refs[0].second.empty()) constraint.append_attribute("rsc-role").set_value(refs[0].second.c_str());
    constraint.append_attribute("with-rsc").set_value(refs[1].first.c_str());
    if (!refs[1].second.empty()) constraint.append_attribute("with-rsc-role").set_value(refs[1].second.c_str());
  }

  // rename OLD NEW: the object's id, and every constraint's reference to it (rsc, with-rsc, first,
  // then, a set's resource_ref), as crmsh renames; a tag's obj_ref and the primitives made from
  // a renamed template follow too. A running resource is refused, as crmsh refuses it.
  Status Rename(Cursor& c) {
    if (c.done()) return c.Expected("the id to rename");
    const std::string old_id = c.Next();
    xml_node x = FindId(conf_, old_id);
    if (!x || std::string_view(x.name()) == "nvpair" || std::string_view(x.name()) == "op") {
      return Status(StatusCode::kNotFound, "rename: no object with id '" + old_id + "'");
    }
    std::string new_id;
    if (Status s = NewId(c, "renamed object", &new_id); !s.ok()) return s;
    if (!c.done()) return c.Error("unexpected '" + c.Peek() + "' (rename takes the old id and the new one)");
    const std::string_view kind = x.name();
    if (kind == "primitive" || kind == "group" || kind == "clone" || kind == "master") {
      if (!running_) return c.Error("cannot tell whether " + old_id + " runs (vigild knows no DC): try again once it has one");
      bool runs = running_->count(old_id) > 0;
      for (const pugi::xpath_node& p : x.select_nodes(".//primitive")) runs = runs || running_->count(p.node().attribute("id").value()) > 0;
      if (runs) return c.Error("resource " + old_id + " is running: stop it first ('crm resource stop " + old_id + "')");
    }
    x.attribute("id").set_value(new_id.c_str());
    for (xml_node constraint : conf_.child("constraints").children()) {
      for (const char* a : {"rsc", "with-rsc", "first", "then"}) {
        if (old_id == constraint.attribute(a).value()) constraint.attribute(a).set_value(new_id.c_str());
      }
      for (xml_node set : constraint.children("resource_set")) {
        for (xml_node ref : set.children("resource_ref")) {
          if (old_id == ref.attribute("id").value()) ref.attribute("id").set_value(new_id.c_str());
        }
      }
    }
    for (xml_node tag : conf_.child("tags").children("tag")) {
      for (xml_node ref : tag.children("obj_ref")) {
        if (old_id == ref.attribute("id").value()) ref.attribute("id").set_value(new_id.c_str());
      }
    }
    if (kind == "template") {
      for (const pugi::xpath_node& p : conf_.child("resources").select_nodes(".//primitive[@template]")) {
        if (old_id == p.node().attribute("template").value()) p.node().attribute("template").set_value(new_id.c_str());
      }
    }
    return Status::Ok();
  }

  // erase: everything but the nodes, as crmsh does; refused while a resource runs.
  Status Erase(Cursor& c) {
    if (!c.done()) return c.Error("unexpected '" + c.Peek() + "' (erase takes nothing)");
    if (!running_ && conf_.child("resources").first_child()) {
      return c.Error("cannot tell whether resources run (vigild knows no DC): try again once it has one");
    }
    if (running_ && !running_->empty()) {
      return c.Error("resources are running (" + *running_->begin() + (running_->size() > 1 ? ", ..." : "") +
                     "): stop them first");
    }
    for (const char* section : {"crm_config", "resources", "constraints", "rsc_defaults", "op_defaults"}) {
      if (xml_node s = conf_.child(section)) s.remove_children();
    }
    return Status::Ok();
  }

  // A constraint with these attributes in this order (crmsh's), the empty ones left out.
  void AddConstraint(const char* element, std::initializer_list<std::pair<const char*, std::string>> attributes) {
    xml_node x = Section(conf_, "constraints").append_child(element);
    for (const auto& [name, value] : attributes) {
      if (!value.empty()) x.append_attribute(name).set_value(value.c_str());
    }
  }

  bool KnownNode(const std::string& name) const {
    if (known_nodes_.count(name)) return true;
    for (xml_node n : conf_.child("nodes").children("node")) {
      if (name == n.attribute("uname").value()) return true;
    }
    return false;
  }

  xml_node root_;
  xml_node conf_;
  const std::optional<std::set<std::string>>& running_;
  const std::set<std::string>& known_nodes_;
  Agents* agents_;
  xml_node before_;  // the staged configuration this command (or edit) starts from
  std::vector<std::string>* warnings_;
};

}  // namespace

Status RunEditCommand(pugi::xml_document& doc, const EditContext& context, const std::vector<std::string>& words,
                      std::vector<std::string>* warnings) {
  return Editor(doc, context, warnings).Run(words);
}

Status SetResourceAttribute(pugi::xml_document& doc, const std::string& rsc, const char* set_kind,
                            const std::string& name, const std::optional<std::string>& value, std::string* said) {
  const xml_node root = doc.child("cib");
  xml_node found = FindId(root.child("configuration").child("resources"), rsc);
  const std::string_view kind = found.name();
  if (!found || (kind != "primitive" && kind != "group" && kind != "clone" && kind != "master")) {
    return Status(StatusCode::kNotFound, "no resource '" + rsc + "'");
  }
  said->clear();
  xml_node set = found.child(set_kind);
  if (!value) {
    // Every nvpair of that name in the resource's sets of that kind goes; the sets stay.
    for (xml_node s = set; s; s = s.next_sibling(set_kind)) {
      for (xml_node nv = s.child("nvpair"); nv;) {
        const xml_node next = nv.next_sibling("nvpair");
        if (name == nv.attribute("name").value()) {
          *said += std::string(said->empty() ? "" : "\n") + "Deleted '" + rsc + "' option: id=" + nv.attribute("id").value() +
                   " name=" + name;
          s.remove_child(nv);
        }
        nv = next;
      }
    }
    return Status::Ok();
  }
  const bool new_set = !set;
  if (new_set) {
    set = found.append_child(set_kind);  // last, in a group or clone too, as crm_resource adds it
    set.append_attribute("id").set_value(FreeId(root, rsc + "-" + set_kind).c_str());
  }
  SetPair(root, set, {name, *value});
  const xml_node nv = set.find_child_by_attribute("nvpair", "name", name.c_str());
  *said = "Set '" + rsc + "' option: id=" + nv.attribute("id").value() +
          (new_set ? " set=" + std::string(set.attribute("id").value()) : "") + " name=" + name + " value=" + *value;
  return Status::Ok();
}

Status SetDeepMeta(pugi::xml_document& doc, const std::string& rsc, const std::string& name, const std::string& value) {
  const xml_node root = doc.child("cib");
  xml_node found = FindId(root.child("configuration").child("resources"), rsc);
  const std::string_view kind = found.name();
  if (!found || (kind != "primitive" && kind != "group" && kind != "clone" && kind != "master")) {
    return Status(StatusCode::kNotFound, "no resource '" + rsc + "'");
  }
  // What a clone clones is set on the clone, and the clone's child gives up its own value.
  for (xml_node up = found.parent(); up; up = up.parent()) {
    const std::string_view k = up.name();
    if (k == "clone" || k == "master") found = up;
  }
  std::string ignored;
  for (xml_node child : found.children()) {
    const std::string_view k = child.name();
    if (k != "primitive" && k != "group") continue;
    if (Status s = SetResourceAttribute(doc, child.attribute("id").value(), "meta_attributes", name, std::nullopt, &ignored);
        !s.ok()) {
      return s;
    }
  }
  // Sets left empty go (crmsh tidies them away here).
  std::function<void(xml_node)> tidy = [&](xml_node x) {
    for (xml_node child = x.first_child(); child;) {
      const xml_node next = child.next_sibling();
      const std::string_view k = child.name();
      if ((k == "meta_attributes" || k == "instance_attributes" || k == "utilization") && !child.first_child()) {
        x.remove_child(child);
      } else if (k == "primitive" || k == "group") {
        tidy(child);
      }
      child = next;
    }
  };
  tidy(found);
  return SetResourceAttribute(doc, found.attribute("id").value(), "meta_attributes", name, value, &ignored);
}

Status SetNodeUtilization(pugi::xml_document& doc, const std::string& node, const std::string& name,
                          const std::optional<std::string>& value, std::string* said) {
  const xml_node root = doc.child("cib");
  xml_node n = root.child("configuration").child("nodes").find_child_by_attribute("node", "uname", node.c_str());
  if (!n) return Status(StatusCode::kNotFound, "no node '" + node + "' in the configuration");
  said->clear();
  const std::string base = "nodes-" + std::string(n.attribute("id").value()) + "-utilization";
  xml_node set = n.child("utilization");
  if (!value) {
    for (xml_node s = set; s; s = s.next_sibling("utilization")) {
      for (xml_node nv = s.child("nvpair"); nv;) {
        const xml_node next = nv.next_sibling("nvpair");
        if (name == nv.attribute("name").value()) {
          *said = "Deleted nodes utilization: id=" + std::string(nv.attribute("id").value()) + " name=" + name;
          s.remove_child(nv);
        }
        nv = next;
      }
    }
    return Status::Ok();
  }
  if (!set) {
    set = n.append_child("utilization");
    set.append_attribute("id").set_value(FreeId(root, base).c_str());
  }
  SetPair(root, set, {name, *value});
  return Status::Ok();
}

namespace {

// The primitive `rsc` that trace and untrace change, or an error naming it as crmsh does; "probe"
// becomes the interval-0 monitor. An operation name that cannot go into an id is refused.
Result<xml_node> TracedPrimitive(pugi::xml_document& doc, const std::string& rsc, std::string& op, std::string& interval) {
  const xml_node found = FindId(doc.child("cib").child("configuration").child("resources"), rsc);
  const std::string_view kind = found.name();
  if (!found || (kind != "primitive" && kind != "group" && kind != "clone" && kind != "master")) {
    return Status(StatusCode::kNotFound, "resource " + rsc + " does not exist");
  }
  if (kind != "primitive") return Status(StatusCode::kInvalidArgument, "element " + rsc + " is not a primitive resource");
  if (!op.empty() && !Fits(op)) return Status(StatusCode::kInvalidArgument, "'" + op + "' is not an operation name");
  if (op == "probe") {
    op = "monitor";
    if (interval.empty()) interval = "0";
  }
  return found;
}

// Whether two intervals are the same length ("10", "10s" and "10000ms" are).
bool SameInterval(const std::string& a, const std::string& b) {
  const auto ma = cib::ParseDurationMs(a.empty() ? "0" : a);
  const auto mb = cib::ParseDurationMs(b.empty() ? "0" : b);
  return ma && mb ? *ma == *mb : a == b;
}

// Sets (or, without a value, removes) `name` in the op's instance_attributes
// (<op id>-instance_attributes), and moves the op to the end of its <operations>.
void SetOpParam(xml_node root, xml_node op, const std::string& name, const std::optional<std::string>& value) {
  xml_node set = op.child("instance_attributes");
  if (value) {
    if (!set) {
      set = op.append_child("instance_attributes");
      set.append_attribute("id").set_value(FreeId(root, std::string(op.attribute("id").value()) + "-instance_attributes").c_str());
    }
    SetPair(root, set, {name, *value});
  } else if (set) {
    if (const xml_node nv = set.find_child_by_attribute("nvpair", "name", name.c_str())) set.remove_child(nv);
    if (!set.first_child()) op.remove_child(set);
  }
  xml_node ops = op.parent();
  ops.append_move(op);
}

// trace_ra=1 (and trace_dir) on an op, which goes last.
void Trace(xml_node root, xml_node op, const std::string& dir) {
  SetOpParam(root, op, "trace_ra", "1");
  if (!dir.empty()) SetOpParam(root, op, "trace_dir", dir);
}

// A new traced <op name interval id>, last in <operations>.
void AddTracedOp(xml_node root, xml_node primitive, const std::string& rsc, const std::string& name,
                 const std::string& interval, const std::string& dir) {
  xml_node ops = primitive.child("operations");
  if (!ops) ops = primitive.append_child("operations");
  xml_node op = ops.append_child("op");
  op.append_attribute("name").set_value(name.c_str());
  op.append_attribute("interval").set_value(interval.c_str());
  op.append_attribute("id").set_value(FreeId(root, rsc + "-" + name + "-" + interval).c_str());
  Trace(root, op, dir);
}

std::vector<xml_node> OpsNamed(xml_node primitive, const std::string& name) {
  std::vector<xml_node> out;
  for (xml_node op : primitive.child("operations").children("op")) {
    if (name.empty() || name == op.attribute("name").value()) out.push_back(op);
  }
  return out;
}

xml_node OpAt(xml_node primitive, const std::string& name, const std::string& interval) {
  for (xml_node op : OpsNamed(primitive, name)) {
    if (SameInterval(op.attribute("interval").value(), interval)) return op;
  }
  return xml_node();
}

}  // namespace

Status TraceOperations(pugi::xml_document& doc, const std::string& rsc, std::string op, std::string interval,
                       const std::string& dir) {
  const auto primitive = TracedPrimitive(doc, rsc, op, interval);
  if (!primitive.ok()) return primitive.status();
  const xml_node root = doc.child("cib");
  const xml_node p = *primitive;
  auto trace = [&](xml_node o) { Trace(root, o, dir); };
  if (op.empty()) {
    const std::vector<xml_node> configured = OpsNamed(p, "");
    for (const char* name : {"start", "stop"}) {
      if (OpsNamed(p, name).empty()) AddTracedOp(root, p, rsc, name, "0", dir);
    }
    for (xml_node o : configured) trace(o);
  } else if (interval.empty()) {
    const std::vector<xml_node> named = OpsNamed(p, op);
    if (named.empty() && op == "monitor") return Status(StatusCode::kNotFound, "No monitor operation configured for " + rsc);
    if (named.empty()) AddTracedOp(root, p, rsc, op, "0", dir);
    for (xml_node o : named) trace(o);
  } else if (const xml_node o = OpAt(p, op, interval)) {
    trace(o);
  } else if (SameInterval(interval, "0")) {
    AddTracedOp(root, p, rsc, op, interval, dir);
  } else {
    return Status(StatusCode::kNotFound, "Operation " + op + " with interval " + interval + " not found in " + rsc);
  }
  return Status::Ok();
}

Status UntraceOperations(pugi::xml_document& doc, const std::string& rsc, std::string op, std::string interval) {
  const auto primitive = TracedPrimitive(doc, rsc, op, interval);
  if (!primitive.ok()) return primitive.status();
  const xml_node root = doc.child("cib");
  const xml_node p = *primitive;
  std::vector<xml_node> ops;
  if (op.empty()) {
    for (xml_node o : OpsNamed(p, "")) {
      if (o.child("instance_attributes").find_child_by_attribute("nvpair", "name", "trace_ra")) ops.push_back(o);
    }
  } else if (interval.empty()) {
    ops = OpsNamed(p, op);
    if (ops.empty()) return Status(StatusCode::kNotFound, "Operation " + op + " not found in " + rsc);
  } else {
    const xml_node o = OpAt(p, op, interval);
    if (!o) return Status(StatusCode::kNotFound, "Operation " + op + " with interval " + interval + " not found in " + rsc);
    ops.push_back(o);
  }
  for (xml_node o : ops) {
    SetOpParam(root, o, "trace_ra", std::nullopt);
    SetOpParam(root, o, "trace_dir", std::nullopt);
    // Nothing left of it but its name and interval 0: it goes.
    size_t attributes = 0;
    for (const auto a : o.attributes()) {
      const std::string_view n = a.name();
      attributes += n == "id" || n == "name" || n == "interval" ? 1 : 100;
    }
    if (!o.first_child() && attributes == 3 && SameInterval(o.attribute("interval").value(), "0")) {
      xml_node parent = o.parent();
      parent.remove_child(o);
      if (!parent.first_child()) parent.parent().remove_child(parent);
    }
  }
  return Status::Ok();
}

}  // namespace vigil::crm
