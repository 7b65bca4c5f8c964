#include "cluster/cib/edit.h"

#include "cluster/cib/score.h"
#include "common/clock.h"

#include <pugixml.hpp>

#include <algorithm>
#include <optional>
#include <sstream>
#include <unordered_set>

namespace vigil::cib {
namespace {

// A document being edited, with every id it holds (new ids must not collide with any).
class Document {
 public:
  Status Load(std::string_view xml) {
    const auto parsed = doc_.load_buffer(xml.data(), xml.size(),
                                         pugi::parse_default | pugi::parse_comments | pugi::parse_declaration);
    if (!parsed) {
      return Status(StatusCode::kParseError, "the CIB: offset " + std::to_string(parsed.offset) + ": " +
                                                 parsed.description());
    }
    if (!configuration()) return Status(StatusCode::kParseError, "the CIB has no <cib><configuration>");
    return Status::Ok();
  }

  pugi::xml_node cib() { return doc_.child("cib"); }
  pugi::xml_node configuration() { return doc_.child("cib").child("configuration"); }
  // The child `name` of `parent`, added when missing.
  static pugi::xml_node Section(pugi::xml_node parent, const char* name) {
    pugi::xml_node n = parent.child(name);
    return n ? n : parent.append_child(name);
  }

  bool Taken(const std::string& id) { return Ids().count(id) > 0; }
  // `wanted`, or wanted-1, wanted-2... whichever is free; taken from then on.
  std::string NewId(const std::string& wanted) {
    std::string id = wanted;
    for (int k = 1; Ids().count(id); ++k) id = wanted + "-" + std::to_string(k);
    ids_->insert(id);
    return id;
  }

  // Sets `name` in every nvpair of `parent`'s `set_kind` sets; without one, adds it to the first
  // set (created as `set_id` when there is none). nullopt removes them all.
  void SetNvpair(pugi::xml_node parent, const char* set_kind, const std::string& set_id, const std::string& name,
                 const std::optional<std::string>& value) {
    bool found = false;
    for (pugi::xml_node set = parent.child(set_kind); set; set = set.next_sibling(set_kind)) {
      for (pugi::xml_node nv = set.child("nvpair"); nv;) {
        const pugi::xml_node next = nv.next_sibling("nvpair");
        if (name == nv.attribute("name").value()) {
          found = true;
          if (value) {
            Attribute(nv, "value").set_value(value->c_str());
          } else {
            set.remove_child(nv);
          }
        }
        nv = next;
      }
    }
    if (found || !value) return;
    pugi::xml_node set = parent.child(set_kind);
    if (!set) {
      set = parent.append_child(set_kind);
      set.append_attribute("id") = NewId(set_id).c_str();
    }
    pugi::xml_node nv = set.append_child("nvpair");
    nv.append_attribute("id") = NewId(std::string(set.attribute("id").value()) + "-" + name).c_str();
    nv.append_attribute("name") = name.c_str();
    nv.append_attribute("value") = value->c_str();
  }

  static pugi::xml_attribute Attribute(pugi::xml_node n, const char* name) {
    pugi::xml_attribute a = n.attribute(name);
    return a ? a : n.append_attribute(name);
  }

  std::string Text() const {
    std::ostringstream out;
    doc_.save(out, "  ", pugi::format_indent, pugi::encoding_utf8);
    return out.str();
  }

 private:
  // Every id in the document, read on first use (only edits that make ids need them).
  std::unordered_set<std::string>& Ids() {
    if (!ids_) {
      // pugixml's walk is iterative: a deeply nested document cannot run the stack out.
      struct Collect : pugi::xml_tree_walker {
        std::unordered_set<std::string>& ids;
        explicit Collect(std::unordered_set<std::string>& i) : ids(i) {}
        bool for_each(pugi::xml_node& n) override {
          if (const auto id = n.attribute("id")) ids.insert(id.value());
          return true;
        }
      };
      ids_.emplace();
      Collect collect(*ids_);
      doc_.traverse(collect);
    }
    return *ids_;
  }

  pugi::xml_document doc_;
  std::optional<std::unordered_set<std::string>> ids_;
};

// <node id uname/> in `nodes`; the id gets a suffix when taken.
pugi::xml_node AddNode(Document& d, pugi::xml_node nodes, const std::string& id, const std::string& uname) {
  pugi::xml_node node = nodes.append_child("node");
  node.append_attribute("id") = d.NewId(id).c_str();
  node.append_attribute("uname") = uname.c_str();
  return node;
}

// A primitive, group or clone with this id, at the top or inside a group or clone.
pugi::xml_node FindResource(pugi::xml_node resources, const std::string& id) {
  for (pugi::xml_node x : resources.children()) {
    const std::string_view kind = x.name();
    if (kind != "primitive" && kind != "group" && kind != "clone" && kind != "master") continue;
    if (x.attribute("id").value() == id) return x;
    if (pugi::xml_node inside = FindResource(x, id)) return inside;
  }
  return {};
}

}  // namespace

Result<std::string> SetNodeAttribute(std::string_view xml, const std::string& node_id, const std::string& uname,
                                     const std::string& name, const std::optional<std::string>& value) {
  Document d;
  if (Status s = d.Load(xml); !s.ok()) return s;
  pugi::xml_node nodes = Document::Section(d.configuration(), "nodes");
  // By name only: a <node> with this id but another name is another node (one renamed, say).
  pugi::xml_node node = nodes.find_child_by_attribute("node", "uname", uname.c_str());
  if (!node) {
    if (!value) return d.Text();  // nothing to remove
    node = AddNode(d, nodes, node_id, uname);
  }
  d.SetNvpair(node, "instance_attributes", "nodes-" + std::string(node.attribute("id").value()), name, value);
  return d.Text();
}

Result<std::string> AddNodes(std::string_view xml, const std::vector<std::pair<std::string, std::string>>& nodes,
                             size_t* added) {
  Document d;
  if (Status s = d.Load(xml); !s.ok()) return s;
  pugi::xml_node section = Document::Section(d.configuration(), "nodes");
  size_t count = 0;
  for (const auto& [id, uname] : nodes) {
    if (section.find_child_by_attribute("node", "uname", uname.c_str())) continue;
    AddNode(d, section, id, uname);
    ++count;
  }
  if (added != nullptr) *added = count;
  return d.Text();
}

Result<std::string> SetResourceMeta(std::string_view xml, const std::string& rsc, const std::string& name,
                                    const std::optional<std::string>& value) {
  Document d;
  if (Status s = d.Load(xml); !s.ok()) return s;
  pugi::xml_node resource = FindResource(d.configuration().child("resources"), rsc);
  if (!resource) return Status(StatusCode::kNotFound, "no resource '" + rsc + "' in the configuration");
  d.SetNvpair(resource, "meta_attributes", rsc + "-meta_attributes", name, value);
  return d.Text();
}

Result<std::string> PutLocation(std::string_view xml, const Location& location) {
  Document d;
  if (Status s = d.Load(xml); !s.ok()) return s;
  pugi::xml_node constraints = Document::Section(d.configuration(), "constraints");
  pugi::xml_node c = constraints.find_child_by_attribute("rsc_location", "id", location.id.c_str());
  if (c) {
    constraints.remove_child(c);
  } else if (d.Taken(location.id)) {
    return Status(StatusCode::kInvalidArgument, "the id '" + location.id + "' is taken by another element");
  }
  c = constraints.append_child("rsc_location");
  c.append_attribute("id") = location.id.c_str();
  c.append_attribute("rsc") = location.rsc.c_str();
  if (!location.role.empty()) c.append_attribute("role") = location.role.c_str();
  c.append_attribute("node") = location.node.c_str();
  c.append_attribute("score") = ScoreText(location.score).c_str();
  return d.Text();
}

Result<std::string> ReplaceSection(std::string_view xml, std::string_view section) {
  Document d;
  if (Status s = d.Load(xml); !s.ok()) return s;
  pugi::xml_document fragment;
  const auto parsed = fragment.load_buffer(section.data(), section.size(), pugi::parse_default | pugi::parse_comments);
  if (!parsed) {
    return Status(StatusCode::kParseError, "the section: offset " + std::to_string(parsed.offset) + ": " +
                                               parsed.description());
  }
  // One element: a second one after it would be dropped without a word.
  int elements = 0;
  for (const pugi::xml_node n : fragment.children()) elements += n.type() == pugi::node_element ? 1 : 0;
  if (elements != 1) {
    return Status(StatusCode::kInvalidArgument, "the section must be one element, not " + std::to_string(elements));
  }
  const pugi::xml_node root = fragment.document_element();
  static constexpr std::string_view kSections[] = {"crm_config", "nodes", "resources",
                                                   "constraints", "rsc_defaults", "op_defaults"};
  const std::string_view name = root.name();
  if (std::find(std::begin(kSections), std::end(kSections), name) == std::end(kSections)) {
    return Status(StatusCode::kInvalidArgument, "<" + std::string(name) +
                                                    "> is not a configuration section (crm_config, nodes, resources, "
                                                    "constraints, rsc_defaults, op_defaults)");
  }
  pugi::xml_node configuration = d.configuration();
  const pugi::xml_node old = configuration.child(root.name());
  if (old) {
    configuration.insert_copy_after(root, old);
    configuration.remove_child(old);
  } else {
    configuration.append_copy(root);
  }
  return d.Text();
}

Result<std::string> RemoveConstraints(std::string_view xml, const std::vector<std::string>& ids) {
  Document d;
  if (Status s = d.Load(xml); !s.ok()) return s;
  pugi::xml_node constraints = d.configuration().child("constraints");
  for (const auto& id : ids) {
    if (const pugi::xml_node c = constraints.find_child_by_attribute("id", id.c_str())) constraints.remove_child(c);
  }
  return d.Text();
}

Result<std::string> SetTicketState(std::string_view xml, const std::string& ticket,
                                   const std::vector<std::pair<std::string, std::string>>& set,
                                   const std::vector<std::string>& erase, int64_t now) {
  Document d;
  if (Status s = d.Load(xml); !s.ok()) return s;
  pugi::xml_node tickets = d.cib().child("status").child("tickets");
  pugi::xml_node state = tickets.find_child_by_attribute("ticket_state", "id", ticket.c_str());
  if (!state) {
    if (set.empty()) return d.Text();
    tickets = Document::Section(Document::Section(d.cib(), "status"), "tickets");
    state = tickets.append_child("ticket_state");
    state.append_attribute("id") = ticket.c_str();
  }
  const bool was_granted = PacemakerIsTrue(state.attribute("granted").value());
  for (const auto& [name, value] : set) {
    if (name == "id") continue;
    Document::Attribute(state, name.c_str()).set_value(value.c_str());
    if (name == "granted" && PacemakerIsTrue(value) && !was_granted) {
      Document::Attribute(state, "last-granted").set_value(std::to_string(now).c_str());
    }
  }
  for (const auto& name : erase) {
    if (name != "id") state.remove_attribute(name.c_str());
  }
  return d.Text();
}

Result<std::string> DeleteTicketState(std::string_view xml, const std::string& ticket, bool* removed) {
  Document d;
  if (Status s = d.Load(xml); !s.ok()) return s;
  pugi::xml_node tickets = d.cib().child("status").child("tickets");
  const pugi::xml_node state = tickets.find_child_by_attribute("ticket_state", "id", ticket.c_str());
  if (removed != nullptr) *removed = static_cast<bool>(state);
  if (state) tickets.remove_child(state);
  return d.Text();
}

Result<std::string> Stamped(std::string_view xml, const ChangeStamp& stamp) {
  Document d;
  if (Status s = d.Load(xml); !s.ok()) return s;
  const std::string written = CtimeText(stamp.when);
  pugi::xml_node cib = d.cib();
  for (const auto& [name, value] : {std::pair<const char*, std::string>{"cib-last-written", written},
                                    {"update-origin", stamp.origin},
                                    {"update-client", stamp.client},
                                    {"update-user", stamp.user}}) {
    if (value.empty()) {
      cib.remove_attribute(name);
      continue;
    }
    pugi::xml_attribute a = cib.attribute(name);
    if (!a) a = cib.append_attribute(name);
    a.set_value(value.c_str());
  }
  return d.Text();
}

namespace {

void SetQuorum(pugi::xml_node root, const LiveQuorum& quorum) {
  (root.attribute("have-quorum") ? root.attribute("have-quorum") : root.append_attribute("have-quorum")) =
      quorum.have_quorum ? "1" : "0";
  root.remove_attribute("dc-uuid");
  if (!quorum.dc_uuid.empty()) root.append_attribute("dc-uuid") = quorum.dc_uuid.c_str();
}

}  // namespace

Result<std::string> WithQuorum(std::string_view xml, const LiveQuorum& quorum) {
  Document d;
  if (Status s = d.Load(xml); !s.ok()) return s;
  SetQuorum(d.cib(), quorum);
  return d.Text();
}

Result<std::string> WithStatus(std::string_view xml, const std::vector<NodeState>& states,
                               const std::optional<LiveQuorum>& quorum) {
  Document d;
  if (Status s = d.Load(xml); !s.ok()) return s;
  if (quorum) SetQuorum(d.cib(), *quorum);
  // The tickets stay; the node states are made anew.
  pugi::xml_node status = Document::Section(d.cib(), "status");
  for (pugi::xml_node child = status.first_child(); child;) {
    const pugi::xml_node next = child.next_sibling();
    if (std::string_view(child.name()) != "tickets") status.remove_child(child);
    child = next;
  }
  for (const auto& s : states) {
    pugi::xml_node ns = status.append_child("node_state");
    ns.append_attribute("id") = s.id.c_str();
    ns.append_attribute("uname") = s.uname.c_str();
    ns.append_attribute("in_ccm") = s.in_ccm ? "true" : "false";
    ns.append_attribute("crmd") = s.crmd.c_str();
    ns.append_attribute("join") = s.join.c_str();
    ns.append_attribute("expected") = s.expected.c_str();
    if (!s.transient.empty()) {
      pugi::xml_node t = ns.append_child("transient_attributes");
      t.append_attribute("id") = s.id.c_str();
      pugi::xml_node set = t.append_child("instance_attributes");
      const std::string set_id = "status-" + s.id;
      set.append_attribute("id") = set_id.c_str();
      for (const auto& [name, value] : s.transient) {
        pugi::xml_node nv = set.append_child("nvpair");
        nv.append_attribute("id") = (set_id + "-" + name).c_str();
        nv.append_attribute("name") = name.c_str();
        nv.append_attribute("value") = value.c_str();
      }
    }
    pugi::xml_node lrm = ns.append_child("lrm");
    lrm.append_attribute("id") = s.id.c_str();
    pugi::xml_node resources = lrm.append_child("lrm_resources");
    for (const auto& h : s.resources) {
      pugi::xml_node r = resources.append_child("lrm_resource");
      r.append_attribute("id") = h.id.c_str();
      r.append_attribute("class") = h.standard.c_str();
      if (!h.provider.empty()) r.append_attribute("provider") = h.provider.c_str();
      r.append_attribute("type") = h.type.c_str();
      for (const auto& op : h.ops) {
        pugi::xml_node o = r.append_child("lrm_rsc_op");
        o.append_attribute("id") = op.id.c_str();
        o.append_attribute("operation") = op.operation.c_str();
        o.append_attribute("call-id") = op.call_id;
        o.append_attribute("rc-code") = op.rc;
        o.append_attribute("op-status") = op.op_status;
        o.append_attribute("interval") = static_cast<long long>(op.interval_ms);
        o.append_attribute("last-rc-change") = static_cast<long long>(op.last_rc_change);
        if (!op.exit_reason.empty()) o.append_attribute("exit-reason") = op.exit_reason.c_str();
        if (!op.op_digest.empty()) o.append_attribute("op-digest") = op.op_digest.c_str();
        if (!op.migrate_source.empty()) o.append_attribute("migrate_source") = op.migrate_source.c_str();
        if (!op.migrate_target.empty()) o.append_attribute("migrate_target") = op.migrate_target.c_str();
        // Pacemaker's transition key carries the code the operation was expected to return.
        if (op.target_rc >= 0) o.append_attribute("transition-key") = ("0:0:" + std::to_string(op.target_rc) + ":vigil").c_str();
        o.append_attribute("on_node") = s.uname.c_str();
      }
    }
  }
  return d.Text();
}

}  // namespace vigil::cib
