#include "cluster/cib/cib.h"

#include <strings.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <unordered_set>
#include <sstream>

#include <pugixml.hpp>

#include "cluster/cib/reader.h"
#include "cluster/cib/score.h"
#include "common/durable_file.h"
#include "common/duration.h"

namespace vigil::cib {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// <tickets><ticket_state id= granted= standby= last-granted=/>: one per ticket.
void ReadTickets(Reader& r, const pugi::xml_node& tickets, Model& m) {
  for (const auto x : tickets.children()) {
    if (x.type() != pugi::node_element) continue;
    if (std::string_view(x.name()) != "ticket_state") {
      r.Fail(x, "the tickets section holds ticket_state elements only");
      return;
    }
    TicketState t;
    t.id = r.Required(x, "id");
    for (const auto a : x.attributes()) t.attributes[a.name()] = a.value();
    t.granted = PacemakerIsTrue(x.attribute("granted").value());
    t.standby = PacemakerIsTrue(x.attribute("standby").value());
    t.last_granted = r.Integer(x, "last-granted", 0);
    if (r.failed()) return;
    if (m.FindTicket(t.id) != nullptr) {
      r.Fail(x, "a second ticket_state for ticket " + t.id);
      return;
    }
    m.tickets.push_back(std::move(t));
  }
}

void ReadStatus(Reader& r, const pugi::xml_node& status, Model& m) {
  ReadTickets(r, status.child("tickets"), m);
  if (r.failed()) return;
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
    ns.in_ccm_known = static_cast<bool>(s.attribute("in_ccm"));
    ns.in_ccm = PacemakerIsTrue(in_ccm) || (!in_ccm.empty() && in_ccm != "0" && in_ccm != "false" &&
                                   std::all_of(in_ccm.begin(), in_ccm.end(), IsDigit));
    ns.crmd = s.attribute("crmd").value();
    if (!ns.crmd.empty() && std::all_of(ns.crmd.begin(), ns.crmd.end(), IsDigit)) {
      ns.crmd = ns.crmd == "0" ? "offline" : "online";
    }
    ns.join = s.attribute("join").value();
    ns.expected = s.attribute("expected").value();
    // Transient sets overwrite one another in Pacemaker's order (highest score first, the last in
    // the document first among equals): the one taken last wins.
    for (const auto t : s.children("transient_attributes")) {
      std::vector<AttributeSet> sets = r.ReadSets(t, "instance_attributes");
      std::reverse(sets.begin(), sets.end());
      ResolveSets(sets, r.Bare(), ns.transient);
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
          } else if (name == "migrate_source") {
            rec.migrate_source = a.value();
          } else if (name == "migrate_target") {
            rec.migrate_target = a.value();
          } else if (name == "op-secure-digest") {
            rec.secure_digest = a.value();
          } else if (name == "op-secure-params") {
            std::istringstream words{std::string(a.value())};
            for (std::string word; words >> word;) rec.secure_params.push_back(word);
          } else if (name == "transition-key") {
            // "action:transition:target-rc:uuid"
            const std::string_view key = a.value();
            const size_t first = key.find(':');
            const size_t second = first == std::string_view::npos ? first : key.find(':', first + 1);
            const size_t third = second == std::string_view::npos ? second : key.find(':', second + 1);
            int target = -1;
            if (third != std::string_view::npos &&
                std::from_chars(key.data() + second + 1, key.data() + third, target).ec == std::errc()) {
              rec.target_rc = target;
            }
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
      // A resource set's <resource_ref> and a tag's <obj_ref> name what they refer to by its id:
      // a reference, not an id of their own.
      const std::string_view name = n.name();
      if (!in_configuration || n.type() != pugi::node_element || !id || name == "node" || name == "resource_ref" ||
          name == "obj_ref") {
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

// on-fail=demote is for a promote or a recurring monitor of the Promoted role only (Pacemaker
// resets it elsewhere, with a configuration error); not in op_defaults, where it would reach every
// other operation too. (on-fail=fence is read: with fencing disabled the scheduler stops the
// resource instead, as Pacemaker does.)
void RefuseUnsupportedOnFail(Reader& r, const pugi::xml_node& config, const Model& m) {
  auto why = [&](const std::string& value, const Operation* op) -> std::string {
    if (value == "demote") {
      const std::string_view role = op != nullptr ? CurrentRoleName(op->role) : "";
      const bool promoted_monitor = op != nullptr && op->name == "monitor" && op->interval_ms > 0 && role == "Promoted";
      if (op == nullptr || !(op->name == "promote" || promoted_monitor)) {
        return "on-fail=demote is only for a promote or a recurring monitor with role=Promoted";
      }
    }
    return "";
  };
  // Any set of op_defaults, whatever its rules say now.
  for (const auto& set : m.op_default_sets) {
    const auto it = set.values.find("on-fail");
    if (!r.failed() && it != set.values.end() && !why(it->second, nullptr).empty()) {
      r.Fail(config.child("op_defaults"), why(it->second, nullptr), StatusCode::kUnsupported);
    }
  }
  for (const auto& p : m.primitives) {
    for (const auto& op : p.operations) {
      const auto it = op.meta.find("on-fail");
      if (r.failed() || it == op.meta.end() || why(it->second, &op).empty()) continue;
      const pugi::xml_node x = config.child("resources").find_node([&](const pugi::xml_node& n) {
        return std::string_view(n.name()) == "op" && op.id == n.attribute("id").value();
      });
      r.Fail(x, why(it->second, &op), StatusCode::kUnsupported);
    }
  }
}

// Rules are evaluated at `now` (0: the present moment), or at the CIB's execution-date when it has
// one and `now` is not `forced`.
Result<std::unique_ptr<Model>> ReadModel(const pugi::xml_document& doc, const Source& source, int64_t now,
                                         const ReadOptions& options, bool forced = false) {
  auto m = std::make_unique<Model>();
  Reader r(source, options.planning_only);
  const auto root = doc.document_element();
  if (std::string_view(root.name()) != "cib") {
    return source.Error(root, "the document's root element is not <cib>");
  }
  m->versions.admin_epoch = r.Integer(root, "admin_epoch", 0);
  m->versions.epoch = r.Integer(root, "epoch", 0);
  m->versions.num_updates = r.Integer(root, "num_updates", 0);
  m->have_quorum = PacemakerIsTrue(root.attribute("have-quorum").value());
  m->no_quorum_panic = r.Integer(root, "no-quorum-panic", 0) != 0;
  m->dc_uuid = root.attribute("dc-uuid").value();
  m->last_written = root.attribute("cib-last-written").value();
  m->update_user = root.attribute("update-user").value();
  m->update_client = root.attribute("update-client").value();
  m->update_origin = root.attribute("update-origin").value();
  if (root.attribute("execution-date")) m->execution_date = r.Integer(root, "execution-date", 0);
  if (now == 0) now = static_cast<int64_t>(std::time(nullptr));
  m->evaluated_at = m->execution_date && !forced ? *m->execution_date : now;
  r.set_now(m->evaluated_at);
  const auto config = root.child("configuration");
  if (!config) return source.Error(root, "there is no <configuration>");
  CheckIdsAndDepth(r, root);
  // The cluster's own set of options comes first, whatever the others' scores.
  ResolveSets(r.ReadSets(config.child("crm_config"), "cluster_property_set", "cib-bootstrap-options"), r.Bare(),
              m->properties);
  if (const auto it = m->properties.find("placement-strategy");
      it != m->properties.end() && it->second != "default" && it->second != "utilization" && it->second != "minimal" &&
      it->second != "balanced") {
    r.Fail(config.child("crm_config"),
           "placement-strategy=" + it->second + " is not one of default, utilization, minimal, balanced");
  }
  if (const auto it = m->properties.find("stonith-action");
      !r.failed() && it != m->properties.end() && it->second != "reboot" && it->second != "off" && it->second != "poweroff") {
    r.Fail(config.child("crm_config"), "stonith-action=" + it->second + " is not one of reboot, off, poweroff");
  }
  if (const auto it = m->properties.find("no-quorum-policy"); !r.failed() && it != m->properties.end()) {
    static const char* const kPolicies[] = {"stop", "freeze", "ignore", "demote", "suicide"};
    if (std::none_of(std::begin(kPolicies), std::end(kPolicies),
                     [&](const char* k) { return strcasecmp(k, it->second.c_str()) == 0; })) {
      r.Fail(config.child("crm_config"), "no-quorum-policy=" + it->second + " is not one of stop, freeze, ignore, demote, suicide");
    } else if (strcasecmp(it->second.c_str(), "suicide") == 0) {
      // Without fencing Pacemaker makes it stop, as the scheduler does; with fencing the DC of a
      // partition without quorum fences the partition's own nodes, and in Vigil such a partition
      // has no DC.
      const auto fencing = m->properties.find("stonith-enabled");
      if ((fencing == m->properties.end() || PacemakerIsTrue(fencing->second)) && !r.planning_only()) {
        r.Fail(config.child("crm_config"),
               "no-quorum-policy=suicide is not supported (a partition without quorum has no DC in Vigil to fence "
               "its own nodes)",
               StatusCode::kUnsupported);
      }
    }
  }
  if (const auto it = m->properties.find("priority-fencing-delay");
      !r.failed() && it != m->properties.end() && !ParseDurationMs(it->second)) {
    r.Fail(config.child("crm_config"), "priority-fencing-delay=" + it->second + " is not a duration (such as 15s)");
  }
  // Watchdog self-fencing: whether this node can do it is vigild's to say (it knows its device);
  // the value is checked here.
  if (const auto it = m->properties.find("stonith-watchdog-timeout"); !r.failed() && it != m->properties.end()) {
    const std::string& v = it->second;
    const auto ms = ParseDurationMs(v);
    const bool automatic = !v.empty() && v.front() == '-' && ParseDurationMs(std::string_view(v).substr(1));
    if (!automatic && (!ms || (*ms != 0 && *ms < kMinWatchdogTimeoutMs))) {
      r.Fail(config.child("crm_config"), "stonith-watchdog-timeout=" + v +
                                             " is not 0, a negative number (twice the watchdog device's default "
                                             "timeout) or a duration of at least 2s");
    } else if (!automatic && *ms > kMaxWatchdogTimeoutMs) {
      r.Fail(config.child("crm_config"), "stonith-watchdog-timeout=" + v +
                                             " is more than 131070s (twice the longest timeout a watchdog device takes, "
                                             "65535 s)");
    }
  }
  if (const auto it = m->properties.find("node-health-strategy"); !r.failed() && it != m->properties.end()) {
    static const char* const kStrategies[] = {"none", "migrate-on-red", "only-green", "progressive", "custom"};
    if (std::none_of(std::begin(kStrategies), std::end(kStrategies),
                     [&](const char* k) { return strcasecmp(k, it->second.c_str()) == 0; })) {
      r.Fail(config.child("crm_config"), "node-health-strategy=" + it->second +
                                             " is not one of none, migrate-on-red, only-green, progressive, custom");
    }
  }
  if (const auto it = m->properties.find("shutdown-lock");
      !r.failed() && it != m->properties.end() && PacemakerIsTrue(it->second)) {
    r.Fail(config.child("crm_config"), "shutdown-lock is not supported", StatusCode::kUnsupported);
  }
  ReadNodes(r, config.child("nodes"), *m);
  ReadResources(r, config.child("resources"), *m);
  ReadConstraints(r, config.child("constraints"), *m);
  if (!r.failed()) ReadFencingTopology(r, config.child("fencing-topology"), *m);
  m->rsc_default_sets = r.ReadSets(config.child("rsc_defaults"), "meta_attributes");
  m->op_default_sets = r.ReadSets(config.child("op_defaults"), "meta_attributes");
  ResolveSets(m->rsc_default_sets, r.Bare(), m->rsc_defaults);
  ResolveSets(m->op_default_sets, r.Bare(), m->op_defaults);
  // Each instance is placed and tracked on its own: a clone-max beyond any cluster's size is a
  // mistake that would take all memory, not a configuration.
  for (const auto& c : m->clones) {
    if (r.failed()) break;
    if (const int max = m->SettingsOf(c).max; max > Model::kMaxCloneInstances) {
      pugi::xml_node x = config.child("resources").find_child_by_attribute("id", c.id.c_str());
      r.Fail(x, "clone-max=" + std::to_string(max) + " is more than " + std::to_string(Model::kMaxCloneInstances) +
                    " instances");
    }
  }
  RefuseUnsupportedOnFail(r, config, *m);
  ReadStatus(r, root.child("status"), *m);
  m->time_dependent = r.time_dependent();
  m->date_changes = r.TakeDateChanges();
  std::sort(m->date_changes.begin(), m->date_changes.end());
  m->date_changes.erase(std::unique(m->date_changes.begin(), m->date_changes.end()), m->date_changes.end());
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
  pugi::xml_node status = root.child("status");
  if (!status) status = root.append_child("status");
  for (pugi::xml_node child = status.first_child(); child;) {
    const pugi::xml_node next = child.next_sibling();
    if (std::string_view(child.name()) != "tickets") status.remove_child(child);
    child = next;
  }
  model_->node_states.clear();
}

void Cib::KeepTicketsOf(const Cib& current) {
  pugi::xml_node root = doc_->child("cib");
  pugi::xml_node status = root.child("status");
  if (status.child("tickets")) return;
  const pugi::xml_node theirs = current.doc_->child("cib").child("status").child("tickets");
  if (!theirs) return;
  if (!status) status = root.append_child("status");
  status.prepend_copy(theirs);
  model_->tickets = current.model().tickets;
}

const Primitive* Model::FindPrimitive(std::string_view id) const {
  const auto it = std::find_if(primitives.begin(), primitives.end(), [&](const Primitive& p) { return p.id == id; });
  return it == primitives.end() ? nullptr : &*it;
}

const Group* Model::FindGroup(std::string_view id) const {
  const auto it = std::find_if(groups.begin(), groups.end(), [&](const Group& g) { return g.id == id; });
  return it == groups.end() ? nullptr : &*it;
}

Model::Instance Model::FindInstance(const std::string& id) const {
  Instance out;
  if (const Primitive* p = FindPrimitive(id); p != nullptr && p->clone.empty()) {
    out.primitive = p;
    out.record_id = id;
    return out;
  }
  const size_t colon = id.rfind(':');
  if (colon == std::string::npos || colon + 1 == id.size()) return out;
  int number = 0;
  const char* end = id.data() + id.size();
  const auto [ptr, ec] = std::from_chars(id.data() + colon + 1, end, number);
  if (ec != std::errc() || ptr != end || number < 0) return out;
  const Primitive* p = FindPrimitive(id.substr(0, colon));
  const Clone* c = p == nullptr ? nullptr : FindClone(p->clone);
  if (c == nullptr) return out;
  out.primitive = p;
  out.number = number;
  out.record_id = SettingsOf(*c).unique ? id : p->id;
  return out;
}

namespace {
bool SameWord(std::string_view a, std::string_view b) {
  return a.size() == b.size() && strncasecmp(a.data(), b.data(), a.size()) == 0;
}
}  // namespace

bool IsRoleName(std::string_view text) { return !CurrentRoleName(text).empty(); }

std::string_view CurrentRoleName(std::string_view text) {
  for (std::string_view role : {"Stopped", "Started", "Unpromoted", "Promoted"}) {
    if (SameWord(text, role)) return role;
  }
  if (SameWord(text, "Master")) return "Promoted";
  if (SameWord(text, "Slave")) return "Unpromoted";
  return {};
}

std::string StripInstance(std::string_view id) {
  const size_t colon = id.rfind(':');
  if (colon == std::string_view::npos || colon + 1 == id.size()) return std::string(id);
  for (size_t i = colon + 1; i < id.size(); ++i) {
    if (id[i] < '0' || id[i] > '9') return std::string(id);
  }
  return std::string(id.substr(0, colon));
}

Attributes Model::MetaWithDefaults(const Attributes& own, const Primitive* primitive) const {
  Attributes meta = own;
  if (!HasRules(rsc_default_sets)) {
    meta.insert(rsc_defaults.begin(), rsc_defaults.end());
    return meta;
  }
  // A group or a clone is a resource without an agent; a member of one takes, after what applies
  // to it, what applies to its parent (Pacemaker's meta table of the parent).
  RuleContext c;
  c.now = evaluated_at;
  c.resource = true;
  if (primitive != nullptr) {
    c.standard = &primitive->standard;
    c.provider = &primitive->provider;
    c.agent_type = &primitive->type;
  }
  ResolveSets(rsc_default_sets, c, meta);
  if (primitive != nullptr && (!primitive->group.empty() || !primitive->clone.empty())) {
    RuleContext parent;
    parent.now = evaluated_at;
    parent.resource = true;
    ResolveSets(rsc_default_sets, parent, meta);
  }
  return meta;
}

Attributes OperationParams(const Primitive& p, const Attributes& params, const std::string& name, int64_t interval_ms) {
  for (const auto& op : p.operations) {
    if (op.name != name || op.interval_ms != interval_ms || op.params.empty()) continue;
    Attributes merged = op.params;
    merged.insert(params.begin(), params.end());  // (the operation's own win)
    return merged;
  }
  return params;
}

Attributes Model::OpDefaults(const Primitive& p, const std::string& name, int64_t interval_ms) const {
  if (!HasRules(op_default_sets)) return op_defaults;
  RuleContext c;
  c.now = evaluated_at;
  c.resource = true;
  c.standard = &p.standard;
  c.provider = &p.provider;
  c.agent_type = &p.type;
  c.op_name = &name;
  c.op_interval_ms = interval_ms;
  Attributes out;
  ResolveSets(op_default_sets, c, out);
  return out;
}

Attributes Model::ParamsOn(const Primitive& p, const Attributes& node_attributes) const {
  if (p.param_sets.empty()) return p.params;
  RuleContext c;
  c.now = evaluated_at;
  c.node = &node_attributes;
  Attributes out;
  ResolveSets(p.param_sets, c, out);
  return out;
}

Attributes Model::NodeAttributes(const std::string& uname) const {
  Attributes out;
  const auto node = std::find_if(nodes.begin(), nodes.end(), [&](const Node& n) { return n.uname == uname; });
  if (node == nodes.end()) return out;
  const auto state = std::find_if(node_states.begin(), node_states.end(), [&](const NodeState& s) { return s.id == node->id; });
  if (state != node_states.end()) out = state->transient;
  out.insert(node->attributes.begin(), node->attributes.end());
  for (auto& [name, value] : BuiltinAttributes(*node)) out[name] = std::move(value);
  return out;
}

Attributes Model::BuiltinAttributes(const Node& node) const {
  Attributes into;
  into.emplace("#uname", node.uname);
  into.emplace("#id", node.id);
  into.emplace("#kind", "cluster");
  into.emplace("#is_dc", !dc_uuid.empty() && strcasecmp(dc_uuid.c_str(), node.id.c_str()) == 0 ? "true" : "false");
  const auto cluster_name = properties.find("cluster-name");
  if (cluster_name != properties.end()) into.emplace("#cluster-name", cluster_name->second);
  if (const auto site = node.attributes.find("site-name"); site != node.attributes.end()) {
    into.emplace("#site-name", site->second);
  } else if (cluster_name != properties.end()) {
    into.emplace("#site-name", cluster_name->second);
  }
  return into;
}

Model::CloneSettings Model::SettingsOf(const Clone& c) const {
  const Attributes meta = MetaWithDefaults(c.meta);
  auto count = [&](const char* name, int fallback) {
    const auto it = meta.find(name);
    if (it == meta.end()) return fallback;
    int value = 0;
    const char* end = it->second.data() + it->second.size();
    const auto [ptr, ec] = std::from_chars(it->second.data(), end, value);
    return ec == std::errc() && value > 0 ? value : 0;
  };
  auto flag = [&](const char* name) {
    const auto it = meta.find(name);
    return it != meta.end() && PacemakerIsTrue(it->second);
  };
  CloneSettings s;
  s.max = count("clone-max", std::max(1, static_cast<int>(nodes.size())));
  s.node_max = count("clone-node-max", 1);
  s.min = count("clone-min", 0);
  s.unique = flag("globally-unique");
  s.ordered = flag("ordered");
  s.interleave = flag("interleave");
  s.notify = flag("notify");
  if (!s.unique && s.node_max > 1) s.node_max = 1;
  s.promoted_max = count("promoted-max", count("master-max", 1));
  s.promoted_node_max = count("promoted-node-max", count("master-node-max", 1));
  return s;
}

const Clone* Model::FindClone(std::string_view id) const {
  const auto it = std::find_if(clones.begin(), clones.end(), [&](const Clone& c) { return c.id == id; });
  return it == clones.end() ? nullptr : &*it;
}

const TicketState* Model::FindTicket(std::string_view id) const {
  const auto it = std::find_if(tickets.begin(), tickets.end(), [&](const TicketState& t) { return t.id == id; });
  return it == tickets.end() ? nullptr : &*it;
}

bool Model::InMaintenance(const Primitive& p) const {
  auto is_true = [](const Attributes& a, const char* name) {
    const auto it = a.find(name);
    return it != a.end() && PacemakerIsTrue(it->second);
  };
  if (is_true(properties, "maintenance-mode")) return true;
  if (const auto it = p.meta.find("maintenance"); it != p.meta.end()) return PacemakerIsTrue(it->second);
  return is_true(MetaWithDefaults({}, &p), "maintenance");
}

Cib Cib::Empty() {
  constexpr std::string_view kSkeleton =
      "<cib crm_feature_set=\"3.16.1\" validate-with=\"pacemaker-3.9\" admin_epoch=\"0\" "
      "epoch=\"0\" num_updates=\"0\"><configuration><crm_config/><nodes/><resources/>"
      "<constraints/></configuration><status/></cib>";
  auto cib = Parse(kSkeleton, "(empty)");
  return std::move(cib).value();
}

Result<Cib> Cib::Parse(std::string_view xml, std::string_view source_name, int64_t now, const ReadOptions& options) {
  Cib cib;
  cib.options_ = options;
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
  auto model = ReadModel(*cib.doc_, source, now, options);
  if (!model.ok()) return model.status();
  cib.model_ = std::move(model).value();
  return cib;
}

Result<Model> Cib::ReadAt(int64_t now) const {
  const Source source{"the CIB", ""};
  auto model = ReadModel(*doc_, source, now, options_, true);
  if (!model.ok()) return model.status();
  return std::move(**model);
}

Result<Cib> Cib::Load(const std::filesystem::path& path, const ReadOptions& options) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::FromErrno("cannot open " + path.string(), errno);
  // Read whole into one buffer of the file's size (a stream copy grows and copies it many times:
  // a tenth of `vigil simulate`'s time on a large CIB).
  std::string text;
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (!ec) text.reserve(static_cast<size_t>(size));
  char chunk[65536];
  while (in.read(chunk, sizeof chunk) || in.gcount() > 0) text.append(chunk, static_cast<size_t>(in.gcount()));
  if (in.bad()) return Status::FromErrno("cannot read " + path.string(), errno);
  return Parse(text, path.string(), 0, options);
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

int64_t WatchdogTimeoutMs(const Model& m) {
  const auto it = m.properties.find("stonith-watchdog-timeout");
  if (it == m.properties.end() || it->second.empty()) return 0;
  if (it->second.front() == '-') return int64_t{2} * kDefaultWatchdogDeviceSeconds * 1000;
  return ParseDurationMs(it->second).value_or(0);
}

int WatchdogDeviceSeconds(int64_t watchdog_timeout_ms) {
  return static_cast<int>(std::max<int64_t>(1, watchdog_timeout_ms / 2000));
}

bool PacemakerIsTrue(std::string_view text) {
  std::string t(text);
  for (auto& ch : t) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return t == "yes" || t == "y" || t == "true" || t == "on" || t == "1";
}

}  // namespace vigil::cib
