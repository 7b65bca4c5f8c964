#include "cluster/cib/cib.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <fstream>
#include <unordered_set>
#include <sstream>

#include <pugixml.hpp>

#include "cluster/cib/score.h"
#include "common/durable_file.h"
#include "common/duration.h"

namespace vigil::cib {
namespace {

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
  explicit Reader(const Source& source) : source_(source) {}

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

  // The nvpairs of every child set named `set_name`, first occurrence winning.
  void NvSets(const pugi::xml_node& parent, const char* set_name, Attributes& into) {
    for (const auto set : parent.children(set_name)) NvSet(set, into);
  }

  void NvSet(const pugi::xml_node& set, Attributes& into) {
    if (set.attribute("id-ref")) {
      Fail(set, "references to other sets (id-ref) are not supported", StatusCode::kUnsupported);
      return;
    }
    for (const auto child : set.children()) {
      const std::string_view name = child.name();
      if (name == "rule") {
        Fail(child, "rules are not supported", StatusCode::kUnsupported);
        return;
      }
      if (name != "nvpair") continue;
      const std::string key = Required(child, "name");
      if (failed()) return;
      if (const auto value = child.attribute("value")) into.emplace(key, value.value());
    }
  }

 private:
  const Source& source_;
  Status status_;
};

void ReadNodes(Reader& r, const pugi::xml_node& nodes, Model& m) {
  for (const auto n : nodes.children("node")) {
    Node node;
    node.id = r.Required(n, "id");
    node.uname = r.Required(n, "uname");
    r.NvSets(n, "instance_attributes", node.attributes);
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

void ReadOperations(Reader& r, const pugi::xml_node& ops, Primitive& p) {
  for (const auto o : ops.children("op")) {
    Operation op;
    op.id = r.Required(o, "id");
    op.name = r.Required(o, "name");
    if (r.failed()) return;
    op.interval_ms = r.Duration(o, "interval", 0);
    if (o.attribute("timeout")) op.timeout_ms = r.Duration(o, "timeout", 0);
    op.role = o.attribute("role").value();
    for (const auto a : o.attributes()) {
      const std::string_view name = a.name();
      if (name != "id" && name != "name" && name != "interval" && name != "timeout" &&
          name != "role") {
        op.meta.emplace(a.name(), a.value());
      }
    }
    r.NvSets(o, "meta_attributes", op.meta);
    if (r.failed()) return;
    p.operations.push_back(std::move(op));
  }
}

void ReadResources(Reader& r, const pugi::xml_node& resources, Model& m) {
  for (const auto x : resources.children()) {
    if (x.type() != pugi::node_element) continue;
    const std::string_view kind = x.name();
    if (kind != "primitive") {
      r.Fail(x, "only primitives are supported (no groups, clones, bundles or templates)",
             StatusCode::kUnsupported);
      return;
    }
    Primitive p;
    p.id = r.Required(x, "id");
    if (x.attribute("template")) {
      r.Fail(x, "resource templates are not supported", StatusCode::kUnsupported);
      return;
    }
    p.standard = r.Required(x, "class");
    p.type = r.Required(x, "type");
    p.provider = x.attribute("provider").value();
    if (r.failed()) return;
    if (p.standard == "ocf" && p.provider.empty()) {
      r.Fail(x, "an ocf resource needs a provider");
      return;
    }
    r.NvSets(x, "instance_attributes", p.params);
    r.NvSets(x, "meta_attributes", p.meta);
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
    ReadOperations(r, x.child("operations"), p);
    if (r.failed()) return;
    m.primitives.push_back(std::move(p));
  }
}

void RefuseSets(Reader& r, const pugi::xml_node& constraint) {
  if (constraint.child("resource_set")) {
    r.Fail(constraint, "resource sets are not supported", StatusCode::kUnsupported);
  }
}

using ResourceIds = std::unordered_set<std::string_view>;

void CheckResource(Reader& r, const pugi::xml_node& constraint, const ResourceIds& ids,
                   const std::string& id, const char* attribute) {
  if (!r.failed() && ids.count(id) == 0) {
    r.Fail(constraint, std::string(attribute) + "=\"" + id + "\" names no defined resource");
  }
}

void ReadConstraints(Reader& r, const pugi::xml_node& constraints, Model& m) {
  ResourceIds ids;
  for (const auto& p : m.primitives) ids.insert(p.id);
  for (const auto c : constraints.children()) {
    if (c.type() != pugi::node_element) continue;
    const std::string_view kind = c.name();
    RefuseSets(r, c);
    if (r.failed()) return;
    if (kind == "rsc_location") {
      Location l;
      l.id = r.Required(c, "id");
      if (c.attribute("rsc-pattern")) {
        r.Fail(c, "rsc-pattern is not supported", StatusCode::kUnsupported);
        return;
      }
      if (c.child("rule")) {
        r.Fail(c, "rules are not supported", StatusCode::kUnsupported);
        return;
      }
      l.rsc = r.Required(c, "rsc");
      l.node = r.Required(c, "node");
      l.score = r.Score(c, "score");
      l.role = c.attribute("role").value();
      CheckResource(r, c, ids, l.rsc, "rsc");
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
      if (const auto a = c.attribute("kind")) {
        const std::string_view k = a.value();
        if (k == "Mandatory") {
          o.kind = OrderKind::kMandatory;
        } else if (k == "Optional") {
          o.kind = OrderKind::kOptional;
        } else if (k == "Serialize") {
          o.kind = OrderKind::kSerialize;
        } else {
          r.Fail(c, "kind=\"" + std::string(k) + "\" is not Mandatory, Optional or Serialize");
          return;
        }
      } else if (c.attribute("score")) {
        // The deprecated form: a score of 0 is optional, any other mandatory.
        o.kind = r.Score(c, "score") == 0 ? OrderKind::kOptional : OrderKind::kMandatory;
      }
      // Serialize orders are asymmetric by definition.
      o.symmetrical = o.kind != OrderKind::kSerialize;
      if (const auto a = c.attribute("symmetrical")) o.symmetrical = PacemakerIsTrue(a.value());
      CheckResource(r, c, ids, o.first, "first");
      CheckResource(r, c, ids, o.then, "then");
      if (r.failed()) return;
      if (o.first == o.then) {
        r.Fail(c, "a resource cannot be ordered after itself");
        return;
      }
      for (const std::string* action : {&o.first_action, &o.then_action}) {
        if (*action == "promote" || *action == "demote") {
          r.Fail(c, "the action '" + *action + "' is not supported (no promotable resources)",
                 StatusCode::kUnsupported);
          return;
        }
        if (*action != "start" && *action != "stop") {
          r.Fail(c, "the action '" + *action + "' is not start or stop");
          return;
        }
      }
      m.orders.push_back(std::move(o));
    } else {
      r.Fail(c, "this kind of constraint is not supported", StatusCode::kUnsupported);
      return;
    }
  }
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

void ReadStatus(Reader& r, const pugi::xml_node& status, Model& m) {
  std::unordered_set<std::string> seen;
  for (const auto s : status.children("node_state")) {
    NodeState ns;
    ns.id = r.Required(s, "id");
    if (r.failed()) return;
    // Twice, its history would be replayed twice: a resource running twice on one node.
    if (!seen.insert(ns.id).second) {
      r.Fail(s, "a second node_state for node " + ns.id);
      return;
    }
    ns.uname = s.attribute("uname").value();
    // in_ccm and crmd are "true"/"online" in Pacemaker 2.1, timestamps in later versions.
    const std::string_view in_ccm = s.attribute("in_ccm").value();
    ns.in_ccm = PacemakerIsTrue(in_ccm) || (!in_ccm.empty() && in_ccm != "0" && in_ccm != "false" &&
                                   std::all_of(in_ccm.begin(), in_ccm.end(), IsDigit));
    ns.crmd = s.attribute("crmd").value();
    if (!ns.crmd.empty() && std::all_of(ns.crmd.begin(), ns.crmd.end(), IsDigit)) {
      ns.crmd = ns.crmd == "0" ? "offline" : "online";
    }
    ns.join = s.attribute("join").value();
    ns.expected = s.attribute("expected").value();
    for (const auto t : s.children("transient_attributes")) {
      r.NvSets(t, "instance_attributes", ns.transient);
    }
    for (const auto rsc : s.child("lrm").child("lrm_resources").children("lrm_resource")) {
      ResourceHistory h;
      h.id = r.Required(rsc, "id");
      h.standard = rsc.attribute("class").value();
      h.provider = rsc.attribute("provider").value();
      h.type = rsc.attribute("type").value();
      for (const auto op : rsc.children("lrm_rsc_op")) {
        // One pass over the attributes: a status section holds thousands of these records.
        OpRecord rec;
        for (const auto a : op.attributes()) {
          const std::string_view name = a.name();
          if (name == "id") {
            rec.id = a.value();
          } else if (name == "operation") {
            rec.operation = a.value();
          } else if (name == "call-id") {
            rec.call_id = static_cast<int>(r.Integer(op, a, 0));
          } else if (name == "rc-code") {
            rec.rc = static_cast<int>(r.Integer(op, a, 0));
          } else if (name == "op-status") {
            rec.op_status = static_cast<int>(r.Integer(op, a, 0));
          } else if (name == "interval") {
            rec.interval_ms = r.Integer(op, a, 0);
          } else if (name == "last-rc-change") {
            rec.last_rc_change = r.Integer(op, a, 0);
          } else if (name == "exit-reason") {
            rec.exit_reason = a.value();
          } else if (name == "op-digest") {
            rec.op_digest = a.value();
          }
        }
        if (rec.id.empty()) r.Required(op, "id");
        if (rec.operation.empty()) r.Required(op, "operation");
        if (r.failed()) return;
        h.ops.push_back(std::move(rec));
      }
      if (r.failed()) return;
      ns.resources.push_back(std::move(h));
    }
    if (r.failed()) return;
    if (ns.uname.empty()) {
      for (const auto& n : m.nodes) {
        if (n.id == ns.id) ns.uname = n.uname;
      }
    }
    m.node_states.push_back(std::move(ns));
  }
}

// A CIB is about ten levels deep; one nested far deeper is not a CIB, and writing it back
// indented would take memory of the order of depth squared.
constexpr int kMaxDepth = 64;

// Every id in the configuration is an XML ID (a node's is plain text): two elements sharing one
// make Pacemaker refuse the whole document. And no element is nested deeper than kMaxDepth.
void CheckIdsAndDepth(Reader& r, const pugi::xml_node& cib) {
  // In document order, so that the second of two elements is the one named.
  struct Walker : pugi::xml_tree_walker {
    Reader& reader;
    std::unordered_set<std::string_view> seen;
    bool in_configuration = false;
    explicit Walker(Reader& rd) : reader(rd) {}
    bool for_each(pugi::xml_node& n) override {
      if (depth() > kMaxDepth) {
        reader.Fail(n, "elements nested more than " + std::to_string(kMaxDepth) + " deep");
        return false;
      }
      if (depth() == 0) in_configuration = std::string_view(n.name()) == "configuration";
      const auto id = n.attribute("id");
      if (!in_configuration || n.type() != pugi::node_element || !id || std::string_view(n.name()) == "node") {
        return true;
      }
      if (seen.insert(id.value()).second) return true;
      reader.Fail(n, std::string("the id \"") + id.value() + "\" is already used by another element");
      return false;
    }
  } walker(r);
  pugi::xml_node root = cib;
  root.traverse(walker);
}

Result<std::unique_ptr<Model>> ReadModel(const pugi::xml_document& doc, const Source& source) {
  auto m = std::make_unique<Model>();
  Reader r(source);
  const auto root = doc.document_element();
  if (std::string_view(root.name()) != "cib") {
    return source.Error(root, "the document's root element is not <cib>");
  }
  m->versions.admin_epoch = r.Integer(root, "admin_epoch", 0);
  m->versions.epoch = r.Integer(root, "epoch", 0);
  m->versions.num_updates = r.Integer(root, "num_updates", 0);
  m->have_quorum = PacemakerIsTrue(root.attribute("have-quorum").value());
  m->dc_uuid = root.attribute("dc-uuid").value();
  const auto config = root.child("configuration");
  if (!config) return source.Error(root, "there is no <configuration>");
  CheckIdsAndDepth(r, root);
  r.NvSets(config.child("crm_config"), "cluster_property_set", m->properties);
  if (const auto it = m->properties.find("placement-strategy");
      it != m->properties.end() && it->second != "default") {
    r.Fail(config.child("crm_config"), "placement-strategy=" + it->second +
                                           " is not supported (utilization is not)",
           StatusCode::kUnsupported);
  }
  ReadNodes(r, config.child("nodes"), *m);
  ReadResources(r, config.child("resources"), *m);
  ReadConstraints(r, config.child("constraints"), *m);
  r.NvSets(config.child("rsc_defaults"), "meta_attributes", m->rsc_defaults);
  r.NvSets(config.child("op_defaults"), "meta_attributes", m->op_defaults);
  ReadStatus(r, root.child("status"), *m);
  if (r.failed()) return r.TakeStatus();
  return m;
}

}  // namespace

std::string AgentName(std::string_view standard, std::string_view provider, std::string_view type) {
  std::string name(standard);
  if (!provider.empty()) (name += ":") += provider;
  return (name += ":") += type;
}

std::string Primitive::AgentName() const { return cib::AgentName(standard, provider, type); }

bool operator<(const Versions& a, const Versions& b) {
  if (a.admin_epoch != b.admin_epoch) return a.admin_epoch < b.admin_epoch;
  if (a.epoch != b.epoch) return a.epoch < b.epoch;
  return a.num_updates < b.num_updates;
}

Cib::Cib() : doc_(std::make_unique<pugi::xml_document>()), model_(std::make_unique<Model>()) {}
Cib::~Cib() = default;
Cib::Cib(Cib&&) noexcept = default;
Cib& Cib::operator=(Cib&&) noexcept = default;

bool operator==(const Versions& a, const Versions& b) { return !(a < b) && !(b < a); }

std::string VersionText(const Versions& v) {
  return std::to_string(v.admin_epoch) + ":" + std::to_string(v.epoch) + ":" + std::to_string(v.num_updates);
}

std::optional<Versions> ParseVersionText(std::string_view text) {
  Versions v;
  int64_t* parts[] = {&v.admin_epoch, &v.epoch, &v.num_updates};
  for (int i = 0; i < 3; ++i) {
    const size_t end = i < 2 ? text.find(':') : text.size();
    if (end == std::string_view::npos) return std::nullopt;
    const std::string_view digits = text.substr(0, end);
    const auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), *parts[i]);
    if (digits.empty() || ec != std::errc() || ptr != digits.data() + digits.size() || *parts[i] < 0) {
      return std::nullopt;
    }
    text.remove_prefix(i < 2 ? end + 1 : end);
  }
  return v;
}

void Cib::SetVersions(const Versions& v) {
  pugi::xml_node root = doc_->child("cib");
  auto set = [&](const char* name, int64_t value) {
    pugi::xml_attribute a = root.attribute(name);
    if (!a) a = root.append_attribute(name);
    a.set_value(std::to_string(value).c_str());
  };
  set("admin_epoch", v.admin_epoch);
  set("epoch", v.epoch);
  set("num_updates", v.num_updates);
  model_->versions = v;
}

void Cib::ClearStatus() {
  pugi::xml_node root = doc_->child("cib");
  root.remove_child("status");
  root.append_child("status");
  model_->node_states.clear();
}

const Primitive* Model::FindPrimitive(std::string_view id) const {
  const auto it = std::find_if(primitives.begin(), primitives.end(), [&](const Primitive& p) { return p.id == id; });
  return it == primitives.end() ? nullptr : &*it;
}

Cib Cib::Empty() {
  constexpr std::string_view kSkeleton =
      "<cib crm_feature_set=\"3.16.1\" validate-with=\"pacemaker-3.9\" admin_epoch=\"0\" "
      "epoch=\"0\" num_updates=\"0\"><configuration><crm_config/><nodes/><resources/>"
      "<constraints/></configuration><status/></cib>";
  auto cib = Parse(kSkeleton, "(empty)");
  return std::move(cib).value();
}

Result<Cib> Cib::Parse(std::string_view xml, std::string_view source_name) {
  Cib cib;
  const Source source{source_name, xml};
  const auto parsed = cib.doc_->load_buffer(xml.data(), xml.size(),
                                            pugi::parse_default | pugi::parse_comments |
                                                pugi::parse_declaration);
  if (!parsed) {
    std::string where(source_name);
    const std::string_view before = xml.substr(0, std::min<size_t>(parsed.offset, xml.size()));
    where += ":" + std::to_string(1 + std::count(before.begin(), before.end(), '\n'));
    return Status(StatusCode::kParseError,
                  where + ": not well-formed XML: " + parsed.description());
  }
  auto model = ReadModel(*cib.doc_, source);
  if (!model.ok()) return model.status();
  cib.model_ = std::move(model).value();
  return cib;
}

Result<Cib> Cib::Load(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::FromErrno("cannot open " + path.string(), errno);
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return Status::FromErrno("cannot read " + path.string(), errno);
  return Parse(text.str(), path.string());
}

std::string Cib::Serialize() const {
  std::ostringstream out;
  doc_->save(out, "  ", pugi::format_indent, pugi::encoding_utf8);
  return out.str();
}

Status Cib::Save(const std::filesystem::path& path) const {
  auto tmp = WriteTempBeside(path, Serialize(), 0600);
  if (!tmp.ok()) return tmp.status();
  auto fail = [&](const std::string& what, int e) {
    unlink(tmp->c_str());
    return Status::FromErrno(what, e);
  };
  // Numbered backups: path.1 is the previous version, up to path.<kBackups>. The current file is
  // linked, not moved, so `path` exists at every instant.
  const std::string base = path.string();
  for (int k = kBackups - 1; k >= 1; --k) {
    const std::string from = base + "." + std::to_string(k);
    if (rename(from.c_str(), (base + "." + std::to_string(k + 1)).c_str()) != 0 && errno != ENOENT) {
      return fail("cannot rotate the backup " + from, errno);
    }
  }
  if (link(base.c_str(), (base + ".1").c_str()) != 0 && errno != ENOENT) {
    return fail("cannot keep a backup of " + base, errno);
  }
  if (rename(tmp->c_str(), path.c_str()) != 0) return fail("cannot rename " + *tmp + " to " + base, errno);
  // The rename itself must reach the disk, or a crash could bring the old version back.
  if (Status s = SyncParentDirectory(path); !s.ok()) {
    return Status(s.code(), base + " is written but not yet durable: " + s.message());
  }
  return Status::Ok();
}

std::optional<int64_t> ParseDurationMs(std::string_view text) {
  const auto d = vigil::ParseDurationMs(text);
  return d ? std::optional<int64_t>(d->count()) : std::nullopt;
}

bool PacemakerIsTrue(std::string_view text) {
  std::string t(text);
  for (auto& ch : t) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return t == "yes" || t == "y" || t == "true" || t == "on" || t == "1";
}

}  // namespace vigil::cib
