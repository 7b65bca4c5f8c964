#include "cluster/crm/show.h"

#include <algorithm>
#include <functional>
#include <set>
#include <sstream>

#include "cluster/cib/cib.h"
#include "cluster/crm/rule_syntax.h"
#include "cluster/crm/words.h"

namespace vigil::crm {
namespace {

using pugi::xml_node;

constexpr const char* kBreak = " \\\n\t";

std::string Score(std::string_view score) {
  if (score == "INFINITY" || score == "+INFINITY") return "inf";
  if (score == "-INFINITY") return "-inf";
  return std::string(score);
}

// "name=value name2=value2" of a set's nvpairs.
std::string Pairs(xml_node set) {
  std::string out;
  for (xml_node nv : set.children("nvpair")) {
    out += (out.empty() ? "" : " ") + std::string(nv.attribute("name").value()) + "=" + Quoted(nv.attribute("value").value());
  }
  return out;
}

// " \\\n\tKEYWORD name=value..." for a set of nvpairs; "" for an empty set (pcs and others leave
// some), which has no meaning and which no command could write back.
std::string Clause(const char* keyword, xml_node set) {
  const std::string pairs = Pairs(set);
  return pairs.empty() ? "" : kBreak + (keyword + (" " + pairs));
}

std::string Agent(xml_node p) {
  const std::string_view cls = p.attribute("class").value();
  const std::string_view provider = p.attribute("provider").value();
  const std::string type = p.attribute("type").value();
  if (cls == "ocf" && provider == "heartbeat") return type;
  if (provider.empty()) return std::string(cls) + ":" + type;
  return std::string(cls) + ":" + std::string(provider) + ":" + type;
}

std::string Node(xml_node n) {
  const std::string id = n.attribute("id").value();
  const std::string uname = n.attribute("uname").value();
  std::string out = "node " + (uname.empty() || uname == id ? id : id + ": " + uname);
  for (xml_node child : n.children()) {
    const std::string_view name = child.name();
    if (name == "instance_attributes") out += Clause("attributes", child);
    if (name == "utilization") out += Clause("utilization", child);
  }
  return out;
}

// "primitive ID AGENT ...", "primitive ID @TEMPLATE ..." (one made from a template) or
// "rsc_template ID AGENT ...".
std::string Primitive(xml_node p) {
  const bool is_template = std::string_view(p.name()) == "template";
  const char* from = p.attribute("template").value();
  std::string out = (is_template ? "rsc_template " : "primitive ") + std::string(p.attribute("id").value()) + " " +
                    (*from != '\0' ? "@" + std::string(from) : Agent(p));
  for (xml_node child : p.children()) {
    const std::string_view name = child.name();
    if (name == "instance_attributes") out += Clause("params", child);
    if (name == "meta_attributes") out += Clause("meta", child);
    if (name == "utilization") out += Clause("utilization", child);
    if (name != "operations") continue;
    for (xml_node op : child.children("op")) {
      out += kBreak + ("op " + std::string(op.attribute("name").value()));
      for (pugi::xml_attribute a : op.attributes()) {
        const std::string_view key = a.name();
        if (key != "id" && key != "name") out += " " + std::string(key) + "=" + Quoted(a.value());
      }
      out += Clause("op_params", op.child("instance_attributes"));
      out += Clause("op_meta", op.child("meta_attributes"));
    }
  }
  return out;
}

// A group's or clone's own params and meta, in the document's order.
std::string OwnSets(xml_node x) {
  std::string out;
  for (xml_node child : x.children()) {
    const std::string_view name = child.name();
    if (name == "instance_attributes") out += Clause("params", child);
    if (name == "meta_attributes") out += Clause("meta", child);
  }
  return out;
}

// "group ID MEMBER...", with the group's own params and meta (its members are shown as
// primitives).
std::string Group(xml_node g) {
  std::string out = "group " + std::string(g.attribute("id").value());
  for (xml_node m : g.children("primitive")) out += " " + std::string(m.attribute("id").value());
  return out + OwnSets(g);
}

// "clone ID CHILD" ("ms ID CHILD" for a legacy <master>), with the clone's own params and meta
// (what it clones is shown on its own).
std::string Clone(xml_node c) {
  const bool master = std::string_view(c.name()) == "master";
  std::string out = (master ? "ms " : "clone ") + std::string(c.attribute("id").value());
  for (xml_node child : c.children()) {
    const std::string_view name = child.name();
    if (name == "primitive" || name == "group") out += " " + std::string(child.attribute("id").value());
  }
  return out + OwnSets(c);
}

// A resource with its :ROLE or :ACTION.
std::string With(xml_node x, const char* rsc, const char* suffix) {
  std::string out = x.attribute(rsc).value();
  if (const char* s = x.attribute(suffix).value(); *s != '\0') out += ":" + std::string(s);
  return out;
}

// A constraint's resource sets as crmsh shows them: a plain set's members as they are, a set with
// sequential="false" in ( ), one with require-all="false" in [ ] (" sequential=true" added unless
// it is not sequential), each member with its set's action (orders) or role; "_rsc_set_ " first
// when the last set is plain and there are two members or fewer (which would read back as a
// constraint of two resources; not in a location's { }).
std::string Sets(xml_node x, bool order, bool marked = true) {
  std::string out;
  size_t members = 0;
  bool last_plain = true;
  for (xml_node set : x.children("resource_set")) {
    const char* suffix = set.attribute(order ? "action" : "role").value();
    std::string names;
    for (xml_node ref : set.children("resource_ref")) {
      names += (names.empty() ? "" : " ") + std::string(ref.attribute("id").value()) + (*suffix != '\0' ? ":" + std::string(suffix) : "");
      ++members;
    }
    const bool sequential = !set.attribute("sequential") || cib::PacemakerIsTrue(set.attribute("sequential").value());
    const bool all = !set.attribute("require-all") || cib::PacemakerIsTrue(set.attribute("require-all").value());
    last_plain = all && sequential;
    if (!all) {
      names = "[ " + names + (sequential ? " sequential=true" : "") + " ]";
    } else if (!sequential) {
      names = "( " + names + " )";
    }
    out += (out.empty() ? "" : " ") + names;
  }
  return (marked && last_plain && members <= 2 ? "_rsc_set_ " : "") + out;
}

std::string Constraint(xml_node x) {
  const std::string_view kind = x.name();
  const std::string id = x.attribute("id").value();
  const bool sets = static_cast<bool>(x.child("resource_set"));
  if (kind == "rsc_location") {
    const char* pattern = x.attribute("rsc-pattern").value();
    std::string out = "location " + id + " " +
                      (sets ? "{ " + Sets(x, false, false) + " }"
                            : *pattern != '\0' ? "/" + std::string(pattern) + "/" : std::string(x.attribute("rsc").value()));
    if (const char* role = x.attribute("role").value(); *role != '\0') out += " role=" + std::string(role);
    if (const char* d = x.attribute("resource-discovery").value(); *d != '\0') out += " resource-discovery=" + std::string(d);
    if (x.child("rule")) {
      for (xml_node rule : x.children("rule")) out += kBreak + std::string("rule ") + ShowRule(rule);
      return out;
    }
    return out + " " + Score(x.attribute("score").value()) + ": " + x.attribute("node").value();
  }
  if (kind == "rsc_colocation") {
    std::string out = "colocation " + id + " " + Score(x.attribute("score").value()) + ": " +
                      (sets ? Sets(x, false) : With(x, "rsc", "rsc-role") + " " + With(x, "with-rsc", "with-rsc-role"));
    if (const char* a = x.attribute("node-attribute").value(); *a != '\0') out += " node-attribute=" + Quoted(a);
    return out;
  }
  if (kind == "tag") {
    std::string out = "tag " + id;
    for (xml_node ref : x.children("obj_ref")) out += " " + std::string(ref.attribute("id").value());
    return out;
  }
  if (kind == "rsc_ticket") {
    std::string out = "rsc_ticket " + id + " " + x.attribute("ticket").value() + ": " +
                      (sets ? Sets(x, false, false) : With(x, "rsc", "rsc-role"));
    if (const char* p = x.attribute("loss-policy").value(); *p != '\0') out += " loss-policy=" + std::string(p);
    return out;
  }
  std::string out = "order " + id;
  if (const char* k = x.attribute("kind").value(); *k != '\0') {
    out += " " + std::string(k) + ":";
  } else if (const char* s = x.attribute("score").value(); *s != '\0') {
    out += " " + Score(s) + ":";
  }
  out += " " + (sets ? Sets(x, true) : With(x, "first", "first-action") + " " + With(x, "then", "then-action"));
  if (const char* s = x.attribute("symmetrical").value(); *s != '\0') out += " symmetrical=" + std::string(s);
  return out;
}

// "" for an empty set (as Clause).
std::string Set(const char* keyword, xml_node set) {
  if (!set.child("nvpair")) return "";
  std::string out = std::string(keyword) + " " + set.attribute("id").value() + ":";
  for (xml_node nv : set.children("nvpair")) {
    out += kBreak + (std::string(nv.attribute("name").value()) + "=" + Quoted(nv.attribute("value").value()));
  }
  return out;
}

bool Wanted(const std::set<std::string>& ids, xml_node x, std::set<std::string>* found) {
  if (ids.empty()) return true;
  for (const char* key : {"id", "uname"}) {
    const std::string value = x.attribute(key).value();
    if (!value.empty() && ids.count(value)) {
      found->insert(value);
      return true;
    }
  }
  return false;
}

// `command`: the one whose error it is (show), or "".
Status AllFound(const char* command, const std::vector<std::string>& ids, const std::set<std::string>& found) {
  for (const std::string& id : ids) {
    if (!found.count(id)) {
      return Status(StatusCode::kNotFound, std::string(command) + (*command ? ": " : "") + "no element with id '" + id + "'");
    }
  }
  return Status::Ok();
}

// The sections show prints, in its order.
constexpr const char* kShownSections[] = {"nodes", "resources", "tags", "constraints", "fencing-topology", "crm_config",
                                          "rsc_defaults", "op_defaults"};

// fencing_topology as crmsh prints it: on one line when every node of the configuration has the
// same levels and nothing else is targeted, else one target and its levels per line.
std::string Topology(xml_node conf) {
  std::vector<std::pair<std::string, std::vector<std::string>>> targets;  // in order of appearance
  bool nodes_only = true;
  for (xml_node l : conf.child("fencing-topology").children("fencing-level")) {
    std::string target;
    if (*l.attribute("target").value()) {
      target = std::string(l.attribute("target").value()) + ":";
    } else if (*l.attribute("target-attribute").value()) {
      target = "attr:" + std::string(l.attribute("target-attribute").value()) + "=" + l.attribute("target-value").value();
      nodes_only = false;
    } else {
      target = "pattern:" + std::string(l.attribute("target-pattern").value());
      nodes_only = false;
    }
    auto it = std::find_if(targets.begin(), targets.end(), [&](const auto& t) { return t.first == target; });
    if (it == targets.end()) it = targets.insert(targets.end(), {target, {}});
    it->second.push_back(l.attribute("devices").value());
  }
  if (targets.empty()) return "";
  std::vector<std::string> nodes;
  for (xml_node n : conf.child("nodes").children("node")) {
    nodes.push_back(std::string(*n.attribute("uname").value() ? n.attribute("uname").value() : n.attribute("id").value()) + ":");
  }
  const bool every_node = nodes_only && targets.size() == nodes.size() &&
                          std::all_of(targets.begin(), targets.end(), [&](const auto& t) {
                            return t.second == targets.front().second &&
                                   std::find(nodes.begin(), nodes.end(), t.first) != nodes.end();
                          });
  std::string out = "fencing_topology";
  if (every_node) {
    for (const auto& devices : targets.front().second) out += " " + devices;
    return out;
  }
  for (const auto& [target, levels] : targets) {
    out += kBreak + target;
    for (const auto& devices : levels) out += " " + devices;
  }
  return out;
}

}  // namespace

Result<std::vector<pugi::xml_node>> ShownElements(xml_node conf, const std::vector<std::string>& ids) {
  const std::set<std::string> wanted(ids.begin(), ids.end());
  std::set<std::string> found;
  std::vector<xml_node> out;
  for (const char* section : kShownSections) {
    for (xml_node x : conf.child(section).children()) {
      if (x.type() == pugi::node_element && Wanted(wanted, x, &found)) out.push_back(x);
    }
  }
  if (Status s = AllFound("", ids, found); !s.ok()) return s;
  return out;
}

std::string_view ShowKind(std::string_view element) {
  if (element == "rsc_location") return "location";
  if (element == "rsc_colocation") return "colocation";
  if (element == "rsc_order") return "order";
  return element;
}

Result<std::string> ShowText(xml_node conf, const std::vector<std::string>& ids) {
  const std::set<std::string> wanted(ids.begin(), ids.end());
  std::set<std::string> found;
  std::vector<std::string> out;
  auto by_id = [](xml_node a, xml_node b) {
    return std::string_view(a.attribute("id").value()) < std::string_view(b.attribute("id").value());
  };
  auto sorted = [&](xml_node section) {
    std::vector<xml_node> v;
    for (xml_node x : section.children()) {
      if (x.type() == pugi::node_element && Wanted(wanted, x, &found)) v.push_back(x);
    }
    std::sort(v.begin(), v.end(), by_id);
    return v;
  };
  for (xml_node n : sorted(conf.child("nodes"))) out.push_back(Node(n));
  // As crmsh: the templates, every primitive (a group's or clone's too) by id, then the groups,
  // then the legacy <master> clones (ms), then the clones (promotable ones too); the tags before
  // the constraints.
  std::vector<xml_node> templates;
  std::vector<xml_node> primitives;
  std::vector<xml_node> groups;
  std::vector<xml_node> masters;
  std::vector<xml_node> clones;
  std::function<void(xml_node)> collect = [&](xml_node x) {
    const std::string_view kind = x.name();
    if (kind == "group" || kind == "clone" || kind == "master") {
      for (xml_node m : x.children()) {
        if (m.type() == pugi::node_element && (std::string_view(m.name()) == "primitive" || std::string_view(m.name()) == "group")) {
          collect(m);
        }
      }
      if (Wanted(wanted, x, &found)) (kind == "group" ? groups : kind == "master" ? masters : clones).push_back(x);
    } else if (kind == "template") {
      if (Wanted(wanted, x, &found)) templates.push_back(x);
    } else if (Wanted(wanted, x, &found)) {
      primitives.push_back(x);
    }
  };
  for (xml_node x : conf.child("resources").children()) {
    if (x.type() == pugi::node_element) collect(x);
  }
  std::sort(templates.begin(), templates.end(), by_id);
  std::sort(primitives.begin(), primitives.end(), by_id);
  std::sort(groups.begin(), groups.end(), by_id);
  std::sort(masters.begin(), masters.end(), by_id);
  std::sort(clones.begin(), clones.end(), by_id);
  for (xml_node t : templates) out.push_back(Primitive(t));
  for (xml_node p : primitives) out.push_back(Primitive(p));
  for (xml_node g : groups) out.push_back(Group(g));
  for (xml_node m : masters) out.push_back(Clone(m));
  for (xml_node c : clones) out.push_back(Clone(c));
  for (xml_node t : sorted(conf.child("tags"))) out.push_back(Constraint(t));
  for (xml_node c : sorted(conf.child("constraints"))) out.push_back(Constraint(c));
  if (wanted.empty() || wanted.count("fencing_topology")) {
    out.push_back(Topology(conf));
    if (conf.child("fencing-topology").child("fencing-level")) found.insert("fencing_topology");
  }
  for (xml_node s : sorted(conf.child("crm_config"))) out.push_back(Set("property", s));
  for (xml_node s : sorted(conf.child("rsc_defaults"))) out.push_back(Set("rsc_defaults", s));
  for (xml_node s : sorted(conf.child("op_defaults"))) out.push_back(Set("op_defaults", s));
  if (Status s = AllFound("show", ids, found); !s.ok()) return s;
  std::string text;
  for (const std::string& line : out) {
    if (!line.empty()) text += line + "\n";
  }
  return text;
}

Result<std::string> ShowDocument(const pugi::xml_document& doc, const std::vector<std::string>& ids) {
  pugi::xml_document copy;
  copy.reset(doc);
  if (!ids.empty()) {
    const std::set<std::string> wanted(ids.begin(), ids.end());
    std::set<std::string> found;
    for (xml_node section : copy.child("cib").child("configuration").children()) {
      std::vector<xml_node> drop;
      for (xml_node x : section.children()) {
        if (!Wanted(wanted, x, &found)) drop.push_back(x);
      }
      for (xml_node x : drop) section.remove_child(x);
    }
    if (Status s = AllFound("show", ids, found); !s.ok()) return s;
  }
  std::ostringstream text;
  copy.save(text, "  ");
  return text.str();
}

}  // namespace vigil::crm
