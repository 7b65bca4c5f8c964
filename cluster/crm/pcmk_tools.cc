#include "cluster/crm/pcmk_tools.h"

#include <algorithm>
#include <chrono>
#include <fstream>
#include <functional>
#include <iterator>
#include <thread>
#include <ctime>
#include <map>
#include <optional>
#include <ostream>
#include <sstream>

#include <pugixml.hpp>

#include "cluster/cib/cib.h"
#include "cluster/cib/cib_ops.h"
#include "cluster/control/cluster_status.h"
#include "cluster/crm/agents.h"
#include "cluster/crm/tool_options.h"
#include "cluster/fencing/devices.h"
#include "common/clock.h"
#include "common/duration.h"
#include "cluster/cib/score.h"

namespace vigil::crm {
namespace {

// crm_node -R NAME --force: the node's entry in the nodes section removed, once it is out of the
// cluster (a member is refused: it is still in vigil.conf's nodelist or the ring, and would be
// added back as it rejoins).
int RemoveNode(const std::string& name, Connection& vigild, std::ostream& err) {
  const auto s = Status(vigild);
  if (!s.ok()) return Unreachable(err, "crm_node", s.status());
  bool member = false;
  const vigil::Status changed = EditCib(vigild, [&](const std::string& text) -> Result<std::optional<std::string>> {
    pugi::xml_document doc;
    if (!doc.load_string(text.c_str())) return vigil::Status(StatusCode::kParseError, "vigild's CIB is not XML");
    pugi::xml_node nodes = doc.child("cib").child("configuration").child("nodes");
    // NAME is a node's name, or its id.
    pugi::xml_node node = nodes.find_child_by_attribute("node", "uname", name.c_str());
    if (!node) node = nodes.find_child_by_attribute("node", "id", name.c_str());
    if (!node) return std::optional<std::string>();
    for (const auto& n : s->nodes) {
      const bool same = control::NodeName(n) == node.attribute("uname").value() || std::to_string(n.id) == node.attribute("id").value();
      member = member || (same && n.online);
    }
    if (member) return vigil::Status(StatusCode::kInvalidArgument, "");
    nodes.remove_child(node);
    return std::optional<std::string>(CompactXml(doc));
  });
  if (member) {
    err << "crm_node: " << name << " is a member of the cluster now: stop it, and take it out of the nodelist, first\n";
    return kError;
  }
  if (!changed.ok()) return Unreachable(err, "crm_node", changed);
  return 0;
}

int CrmNode(const std::vector<std::string>& args, Connection& vigild, std::ostream& out, std::ostream& err) {
  Options o{args};
  char what = 0;
  std::optional<std::string> id, removed;
  bool force = false;
  while (!o.done()) {
    if (o.Take("n", "name", nullptr)) {
      what = 'n';
    } else if (o.Take("i", "cluster-id", nullptr)) {
      what = 'i';
    } else if (o.Take("l", "list", nullptr)) {
      what = 'l';
    } else if (o.Take("p", "partition", nullptr)) {
      what = 'p';
    } else if (o.Take("q", "quorum", nullptr)) {
      what = 'q';
    } else if (o.Take("N", "name-for-id", &id)) {
      what = 'N';
    } else if (o.Take("R", "remove", &removed)) {
      what = 'R';
    } else if (o.Take("f", "force", nullptr)) {
      force = true;
    } else if (o.Take("Q", "quiet", nullptr) || o.Take("V", "verbose", nullptr)) {
    } else {
      return Unknown("crm_node", o, out, err);
    }
    if (!o.error.empty()) {
      err << "crm_node: " << o.error << "\n";
      return kUsage;
    }
  }
  if (what == 0) {
    err << "crm_node: say what to show: -n, -i, -l, -p, -q or -N ID (or -R NAME --force to remove a node)\n";
    return kUsage;
  }
  if (what == 'R') {
    if (!force) {
      err << "crm_node: removing a node from the configuration takes --force\n";
      return kUsage;
    }
    return RemoveNode(*removed, vigild, err);
  }
  const auto s = Status(vigild);
  if (!s.ok()) return Unreachable(err, "crm_node", s.status());
  switch (what) {
    case 'n':
      out << s->self << "\n";
      return 0;
    case 'q':
      out << (s->quorate ? 1 : 0) << "\n";
      return s->quorate ? 0 : 3;  // Pacemaker exits CRM_EX_QUORUM (3) without quorum
    case 'i':
      for (const auto& n : s->nodes) {
        if (n.name == s->self) {
          out << n.id << "\n";
          return 0;
        }
      }
      err << "crm_node: this node's id is not known\n";
      return kError;
    case 'N':
      for (const auto& n : s->nodes) {
        if (std::to_string(n.id) == *id) {
          out << control::NodeName(n) << "\n";
          return 0;
        }
      }
      err << "crm_node: no node with id " << *id << "\n";
      return kNoSuch;
    case 'p': {
      std::string names;
      for (const auto& n : s->nodes) {
        if (n.online) names += (names.empty() ? "" : " ") + control::NodeName(n);
      }
      out << names << "\n";
      return 0;
    }
    default:
      for (const auto& n : s->nodes) out << n.id << " " << control::NodeName(n) << " " << (n.online ? "member" : "lost") << "\n";
      return 0;
  }
}

int AttrdUpdater(const std::vector<std::string>& args, Connection& vigild, std::ostream& out, std::ostream& err) {
  Options o{args};
  std::optional<std::string> name, update, delay, node, lifetime;
  bool query = false;
  bool erase = false;
  while (!o.done()) {
    if (o.Take("n", "name", &name) || o.Take("U", "update", &update) || o.Take("v", "update", &update) ||
        o.Take("B", "update-both", &update) || o.Take("d", "delay", &delay) || o.Take("N", "node", &node) ||
        o.Take("l", "lifetime", &lifetime)) {
      // (-d: Vigil records a value at once, with no dampening; -l: Pacemaker ignores it too.)
    } else if (o.Take("Q", "query", nullptr)) {
      query = true;
    } else if (o.Take("D", "delete", nullptr)) {
      erase = true;
    } else if (o.Take("V", "verbose", nullptr) || o.Take("q", "quiet", nullptr)) {
    } else {
      return Unknown("attrd_updater", o, out, err);
    }
    if (!o.error.empty()) {
      err << "attrd_updater: " << o.error << "\n";
      return kUsage;
    }
  }
  if (!name) {
    err << "attrd_updater: -n NAME is required\n";
    return kUsage;
  }
  if (query) {
    auto self = Status(vigild);
    if (!self.ok()) return Unreachable(err, "attrd_updater", self.status());
    const std::string host = node.value_or(self->self);
    auto value = vigild.Ask("attr-query", {*name, host});
    if (!value.ok()) {
      if (value.status().code() != StatusCode::kInvalidArgument) return Unreachable(err, "attrd_updater", value.status());
      err << "attrd_updater: Could not query value of " << *name << ": attribute does not exist\n";
      return kConfig;
    }
    out << "name=\"" << *name << "\" host=\"" << host << "\" value=\"" << *value << "\"\n";
    return 0;
  }
  if (node) {
    err << "attrd_updater: -N: Vigil sets transient attributes of this node only\n";
    return kUsage;
  }
  if (!erase && !update) {
    err << "attrd_updater: say what to do: -U VALUE, -B VALUE, -Q or -D\n";
    return kUsage;
  }
  std::vector<std::string> request = {*name};
  if (!erase) request.push_back(*update);
  auto answer = vigild.Ask("attr-update", request);
  if (!answer.ok()) return Unreachable(err, "attrd_updater", answer.status());
  return 0;
}

// crm_attribute on a section of options: crm_config's cluster_property_sets, rsc_defaults' or
// op_defaults' meta_attributes. A value is set where the name is (a new one in the section's
// usual set: cib-bootstrap-options, rsc-options, op-options); a query prints it ("scope=crm_config
// name=N value=V", or the value alone with -q); a delete says what it deleted.
int SectionAttribute(const std::string& section, const std::string& name, const std::optional<std::string>& value,
                     bool erase, const std::optional<std::string>& fallback, bool quiet, Connection& vigild,
                     std::ostream& out, std::ostream& err) {
  const char* set_tag = section == "crm_config" ? "cluster_property_set" : "meta_attributes";
  const std::string usual = section == "crm_config" ? "cib-bootstrap-options" : section == "rsc_defaults" ? "rsc-options" : "op-options";
  auto find = [&](const pugi::xml_document& doc) {
    std::vector<pugi::xml_node> found;
    for (const pugi::xml_node set : doc.child("cib").child("configuration").child(section.c_str()).children(set_tag)) {
      for (const pugi::xml_node nv : set.children("nvpair")) {
        if (name == nv.attribute("name").value()) found.push_back(nv);
      }
    }
    return found;
  };
  if (!value && !erase) {
    auto text = vigild.Ask("cib-query", {});
    if (!text.ok()) return Unreachable(err, "crm_attribute", text.status());
    pugi::xml_document doc;
    doc.load_string(text->c_str());
    const auto found = find(doc);
    std::optional<std::string> shown = fallback;
    if (!found.empty()) shown = found.front().attribute("value").value();
    if (!shown) {
      err << "crm_attribute: Error performing operation: No such device or address\n";
      return kNoSuch;
    }
    if (quiet) {
      out << *shown << "\n";
    } else {
      out << "scope=" << section << "  name=" << name << " value=" << *shown << "\n";
    }
    return 0;
  }
  std::string said;
  int code = 0;
  const vigil::Status s = EditCib(vigild, [&](const std::string& text) -> Result<std::optional<std::string>> {
    said.clear();
    pugi::xml_document doc;
    if (!doc.load_string(text.c_str())) return vigil::Status(StatusCode::kParseError, "vigild's CIB is not XML");
    const auto found = find(doc);
    if (found.size() > 1) {
      code = kMultiple;
      said = "crm_attribute: " + name + " is set " + std::to_string(found.size()) + " times in " + section + "; nothing changed\n";
      return vigil::Status(StatusCode::kInvalidArgument, said);
    }
    if (erase) {
      if (found.empty()) return std::optional<std::string>();
      said = "Deleted " + section + " option: id=" + found.front().attribute("id").value() + " name=" + name + "\n";
      found.front().parent().remove_child(found.front());
    } else if (!found.empty()) {
      pugi::xml_node nv = found.front();
      (nv.attribute("value") ? nv.attribute("value") : nv.append_attribute("value")) = value->c_str();
    } else {
      pugi::xml_node configuration = doc.child("cib").child("configuration");
      if (!configuration) return vigil::Status(StatusCode::kParseError, "vigild's CIB has no configuration");
      pugi::xml_node within = configuration.child(section.c_str());
      if (!within) {
        // A missing section goes where Pacemaker's schema puts it: crm_config first, the defaults after it.
        const pugi::xml_node after = configuration.child("crm_config");
        within = after ? configuration.insert_child_after(section.c_str(), after) : configuration.prepend_child(section.c_str());
      }
      pugi::xml_node set = within.find_child_by_attribute(set_tag, "id", usual.c_str());
      if (!set) {
        set = within.append_child(set_tag);
        set.append_attribute("id") = usual.c_str();
      }
      pugi::xml_node nv = set.append_child("nvpair");
      nv.append_attribute("id") = (usual + "-" + name).c_str();
      nv.append_attribute("name") = name.c_str();
      nv.append_attribute("value") = value->c_str();
    }
    return std::optional<std::string>(CompactXml(doc));
  });
  if (code != 0) {
    err << said;
    return code;
  }
  if (!s.ok()) return Unreachable(err, "crm_attribute", s);
  out << said;
  return 0;
}

int CrmAttribute(bool master, const std::vector<std::string>& args, const std::string& resource, Connection& vigild,
                 std::ostream& out, std::ostream& err) {
  const char* tool = master ? "crm_master" : "crm_attribute";
  Options o{args};
  std::optional<std::string> name, value, node, lifetime, type, promotion, fallback;
  bool query = false;
  bool erase = false;
  bool quiet = false;
  if (master) promotion = std::string();
  while (!o.done()) {
    if (o.Take("n", "name", &name) || o.Take("v", "update", &value) || o.Take("N", "node", &node) ||
        o.Take("l", "lifetime", &lifetime) || o.Take("t", "type", &type) || o.Take("d", "default", &fallback) ||
        (!master && o.Take("p", "promotion", &promotion, true))) {
    } else if (o.Take("G", "query", nullptr)) {
      query = true;
    } else if (o.Take("D", "delete", nullptr)) {
      erase = true;
    } else if (o.Take("q", "quiet", nullptr)) {
      quiet = true;
    } else if (o.Take("V", "verbose", nullptr)) {
    } else {
      return Unknown(tool, o, out, err);
    }
    if (!o.error.empty()) {
      err << tool << ": " << o.error << "\n";
      return kUsage;
    }
  }
  if (promotion) {
    // The promotion score of a promotable resource's instance on this node: master-<rsc>,
    // the resource being $OCF_RESOURCE_INSTANCE without its instance number.
    const std::string rsc = cib::StripInstance(promotion->empty() ? resource : *promotion);
    if (rsc.empty()) {
      err << tool << ": --promotion needs a resource (none given, and OCF_RESOURCE_INSTANCE is not set)\n";
      return kUsage;
    }
    name = "master-" + rsc;
    if (!lifetime && !type) lifetime = "reboot";
  }
  if (!name) {
    err << tool << ": -n NAME is required\n";
    return kUsage;
  }
  // Where the attribute lives: the status section (reboot), the node's configuration (forever),
  // or a section of options (crm_config, what is meant with neither a node nor a lifetime;
  // rsc_defaults, op_defaults).
  bool transient = false;
  if (type) {
    if (*type == "status") {
      transient = true;
    } else if (*type == "crm_config" || *type == "rsc_defaults" || *type == "op_defaults") {
      return SectionAttribute(*type, *name, query ? std::nullopt : value, erase && !query, fallback, quiet, vigild, out, err);
    } else if (*type != "nodes" && *type != "forever") {
      err << tool << ": -t " << *type << ": Vigil keeps nodes, status, crm_config, rsc_defaults and op_defaults\n";
      return kUsage;
    }
  } else if (lifetime) {
    if (*lifetime == "reboot") {
      transient = true;
    } else if (*lifetime != "forever") {
      err << tool << ": -l " << *lifetime << " is not reboot or forever\n";
      return kUsage;
    }
  } else if (!node) {
    return SectionAttribute("crm_config", *name, query ? std::nullopt : value, erase && !query, fallback, quiet, vigild, out, err);
  }
  auto self = Status(vigild);
  if (!self.ok()) return Unreachable(err, tool, self.status());
  const std::string host = node.value_or(self->self);
  const char* scope = transient ? "status" : "nodes";
  if (query || (!value && !erase)) {
    std::optional<std::string> found;
    if (transient) {
      auto answer = vigild.Ask("attr-query", {*name, host});
      if (answer.ok()) found = *answer;
      else if (answer.status().code() != StatusCode::kInvalidArgument) return Unreachable(err, tool, answer.status());
    } else {
      auto cib = vigild.Ask("cib-query", {});
      if (!cib.ok()) return Unreachable(err, tool, cib.status());
      auto parsed = cib::Cib::Parse(*cib, "vigild's CIB");
      if (!parsed.ok()) return Unreachable(err, tool, parsed.status());
      for (const auto& n : parsed->model().nodes) {
        if (n.uname != host) continue;
        if (const auto it = n.attributes.find(*name); it != n.attributes.end()) found = it->second;
      }
    }
    if (!found && fallback) found = fallback;
    if (!found) {
      err << "Error performing operation: No such device or address\n";
      return kNoSuch;
    }
    if (quiet) {
      out << *found << "\n";
    } else {
      out << "scope=" << scope << "  name=" << *name << " value=" << *found << "\n";
    }
    return 0;
  }
  if (transient && host != self->self) {
    err << tool << ": Vigil sets transient attributes of this node only (not " << host << ")\n";
    return kUsage;
  }
  std::vector<std::string> request;
  if (transient) {
    request = {*name};
  } else {
    request = {host, *name};
  }
  if (!erase) request.push_back(*value);
  auto answer = vigild.Ask(transient ? "attr-update" : "node-attribute", request);
  if (!answer.ok()) return Unreachable(err, tool, answer.status());
  return 0;
}

// crm_standby: crm_attribute on the node attribute "standby" of a node (this one unless -N): a
// query reports the permanent value if there is one, else the transient one, else off; an update
// sets the permanent one unless -l reboot; a delete removes both.
int CrmStandby(const std::vector<std::string>& args, Connection& vigild, std::ostream& out, std::ostream& err) {
  Options o{SplitShortFlags(args, "GDqQV")};
  std::optional<std::string> node, value, lifetime;
  char op = 'g';
  bool quiet = false;
  while (!o.done()) {
    if (o.Take("N", "node", &node) || o.Take("U", "uname", &node) || o.Take("l", "lifetime", &lifetime)) {
    } else if (o.Take("v", "update", &value)) {
      op = 'u';
    } else if (o.Take("G", "query", nullptr) || o.Take("", "get-value", nullptr)) {
      op = 'g';
    } else if (o.Take("D", "delete", nullptr) || o.Take("", "delete-attr", nullptr)) {
      op = 'd';
    } else if (o.Take("q", "quiet", nullptr) || o.Take("Q", "quiet", nullptr)) {
      quiet = true;
    } else if (o.Take("V", "verbose", nullptr)) {
    } else {
      return Unknown("crm_standby", o, out, err);
    }
    if (!o.error.empty()) {
      err << "crm_standby: " << o.error << "\n";
      return kUsage;
    }
  }
  if (!node) {
    auto s = Status(vigild);
    if (!s.ok()) return Unreachable(err, "crm_standby", s.status());
    node = s->self;
  }
  std::vector<std::string> base = {"-N", *node, "-n", "standby"};
  if (quiet) base.push_back("-q");
  auto run = [&](std::vector<std::string> more, std::ostream& to, std::ostream& errors) {
    more.insert(more.begin(), base.begin(), base.end());
    return CrmAttribute(false, more, "", vigild, to, errors);
  };
  if (op == 'u') return run({"-v", *value, "-l", lifetime.value_or("forever")}, out, err);
  if (op == 'd') {
    if (lifetime) return run({"-D", "-l", *lifetime}, out, err);
    const int code = run({"-D", "-l", "forever"}, out, err);
    if (code != 0) return code;
    // The transient one too: this node's is removed (none there is no error); another node's
    // cannot be from here, which is said when it has one.
    std::ostringstream shown, missing;
    const int transient = run({"-G", "-l", "reboot"}, shown, missing);
    if (transient == kNoSuch) return 0;
    if (transient != 0) {
      err << missing.str();
      return transient;
    }
    return run({"-D", "-l", "reboot"}, out, err);
  }
  if (lifetime) return run({"-G", "-l", *lifetime}, out, err);
  std::ostringstream probe, ignored;
  if (run({"-G", "-l", "forever"}, probe, ignored) == 0) {
    out << probe.str();
    return 0;
  }
  return run({"-G", "-l", "reboot", "-d", "off"}, out, err);
}

// crm_failcount: a resource's fail count on a node (this one unless -N): -G sums its fail counts
// there (of one operation with -n and -I), -D clears them (vigild's cleanup of its history).
int CrmFailcount(const std::vector<std::string>& args, Connection& vigild, std::ostream& out, std::ostream& err) {
  Options o{SplitShortFlags(args, "GDqQV")};
  std::optional<std::string> rsc, node, operation, interval, value;
  char op = 0;
  bool quiet = false;
  while (!o.done()) {
    if (o.Take("r", "resource", &rsc) || o.Take("", "resource-id", &rsc) || o.Take("N", "node", &node) ||
        o.Take("U", "uname", &node) || o.Take("n", "operation", &operation) || o.Take("I", "interval", &interval)) {
    } else if (o.Take("v", "attr-value", &value)) {
      // Only -v 0 means something (a delete); another value is refused, not ignored.
      if (*value != "0") o.error = "-v takes 0 only (a delete): a fail count is vigild's to count";
      op = 'D';
    } else if (o.Take("G", "query", nullptr) || o.Take("", "get-value", nullptr)) {
      op = 'G';
    } else if (o.Take("D", "delete", nullptr) || o.Take("", "delete-attr", nullptr)) {
      op = 'D';
    } else if (o.Take("q", "quiet", nullptr) || o.Take("Q", "quiet", nullptr)) {
      quiet = true;
    } else if (o.Take("V", "verbose", nullptr)) {
    } else {
      return Unknown("crm_failcount", o, out, err);
    }
    if (!o.error.empty()) {
      err << "crm_failcount: " << o.error << "\n";
      return kUsage;
    }
  }
  if (op == 0 || !rsc) {
    err << "crm_failcount: " << (op == 0 ? "say what to do: -G or -D" : "name the resource with -r") << "\n";
    return kUsage;
  }
  int64_t interval_ms = 0;
  if (interval) {
    const auto ms = ParseDurationMs(*interval);
    if (!ms) {
      err << "crm_failcount: -I " << *interval << " is not an interval (such as 10s or PT1M)\n";
      return kUsage;
    }
    interval_ms = ms->count();
  }
  if (!node) {
    auto s = Status(vigild);
    if (!s.ok()) return Unreachable(err, "crm_failcount", s.status());
    node = s->self;
  }
  if (op == 'D') {
    if (operation) {
      err << "crm_failcount: -D -n: vigild clears a resource's whole history, not one operation's; leave -n out\n";
      return kUsage;
    }
    auto answer = vigild.Ask("resource-cleanup", {*rsc, *node});
    if (!answer.ok()) return Unreachable(err, "crm_failcount", answer.status());
    if (!quiet) out << *answer;
    return 0;
  }
  auto text = vigild.Ask("cib-query", {});
  if (!text.ok()) return Unreachable(err, "crm_failcount", text.status());
  auto cib = cib::Cib::Parse(*text, "vigild's CIB");
  if (!cib.ok()) return Unreachable(err, "crm_failcount", cib.status());
  const std::string key = operation ? *operation + "_" + std::to_string(interval_ms) : "";
  const int count = FailCountOn(cib->model(), *node, *rsc, key);
  const std::string shown = cib::ScoreText(count);
  if (quiet) {
    out << shown << "\n";
  } else {
    out << "scope=status  name=fail-count-" << *rsc << (key.empty() ? "" : "#" + key) << " value=" << shown << "\n";
  }
  return 0;
}

// An element as crm_ticket prints it: indented by two, no space before "/>".
std::string Formatted(const pugi::xml_node& x) {
  std::ostringstream text;
  x.print(text, "  ", pugi::format_indent);
  return cib::PacemakerSpacing(text.str());
}

// A time as crm_ticket shows last-granted: quoted, in local time.
std::string TicketDate(const std::string& seconds) { return "'" + LocalTimeText(seconds).value_or(seconds) + "'"; }

// crm_ticket: a ticket's state, read from vigild's CIB (every ticket with a state, and every one a
// constraint names), and changed through vigild (ticket-update, ticket-delete). Granting or
// revoking (and cleaning up a granted ticket) takes --force, as in Pacemaker: the tool cannot
// know whether another site holds the ticket, and a revoke sets off loss-policy.
int CrmTicket(const std::vector<std::string>& args, Connection& vigild, std::ostream& out, std::ostream& err) {
  Options o{args};
  std::optional<std::string> ticket, get, set_name, erase_name, value, fallback;
  char command = 0;  // one of l L w q c G S D C; 0: none (only -g -r -s -a)
  bool two_commands = false;
  auto choose = [&](char c) {
    two_commands = two_commands || (command != 0 && command != c);
    command = c;
  };
  std::map<std::string, std::string> set;  // -g -r -s -a
  bool force = false;
  while (!o.done()) {
    if (o.Take("t", "ticket", &ticket) || o.Take("v", "attr-value", &value) || o.Take("d", "default", &fallback)) {
    } else if (o.Take("G", "get-attr", &get)) {
      choose('G');
    } else if (o.Take("S", "set-attr", &set_name)) {
      choose('S');
    } else if (o.Take("D", "delete-attr", &erase_name)) {
      choose('D');
    } else if (o.Take("l", "info", nullptr)) {
      choose('l');
    } else if (o.Take("L", "details", nullptr)) {
      choose('L');
    } else if (o.Take("w", "raw", nullptr)) {
      choose('w');
    } else if (o.Take("q", "query-xml", nullptr)) {
      choose('q');
    } else if (o.Take("c", "constraints", nullptr)) {
      choose('c');
    } else if (o.Take("C", "cleanup", nullptr)) {
      choose('C');
    } else if (o.Take("g", "grant", nullptr)) {
      set["granted"] = "true";
    } else if (o.Take("r", "revoke", nullptr)) {
      set["granted"] = "false";
    } else if (o.Take("s", "standby", nullptr)) {
      set["standby"] = "true";
    } else if (o.Take("a", "activate", nullptr)) {
      set["standby"] = "false";
    } else if (o.Take("f", "force", nullptr)) {
      force = true;
    } else if (o.Take("Q", "quiet", nullptr) || o.Take("V", "verbose", nullptr)) {
      // (What crm_ticket prints is the same either way.)
    } else {
      return Unknown("crm_ticket", o, out, err);
    }
    if (!o.error.empty()) {
      err << "crm_ticket: " << o.error << "\n";
      return kUsage;
    }
  }
  if (command == 0 && set.empty()) {
    err << "crm_ticket: say what to do: -l, -L, -w, -q, -c, -g, -r, -s, -a, -G, -S, -D or -C\n";
    return kUsage;
  }
  // One thing at a time: a query or a cleanup with a change would leave the change undone.
  if (two_commands || (!set.empty() && command != 0 && command != 'S' && command != 'D')) {
    err << "crm_ticket: give one command (a query, -C, or changes: -g -r -s -a -S -D)\n";
    return kUsage;
  }
  if (command == 'S' && (!value || value->empty())) {
    err << "crm_ticket: -S " << set_name.value_or("") << " needs a value (-v VALUE)\n";
    return kUsage;
  }
  auto text = vigild.Ask("cib-query", {});
  if (!text.ok()) return Unreachable(err, "crm_ticket", text.status());
  pugi::xml_document doc;
  if (!doc.load_string(text->c_str())) {
    err << "crm_ticket: vigild's CIB is not XML\n";
    return kError;
  }
  const pugi::xml_node status_tickets = doc.child("cib").child("status").child("tickets");
  const pugi::xml_node constraints = doc.child("cib").child("configuration").child("constraints");
  // Every ticket known: those with a state, and those a constraint names (never granted yet).
  std::map<std::string, pugi::xml_node> known;
  for (const auto c : constraints.children("rsc_ticket")) {
    if (c.attribute("ticket")) known.emplace(c.attribute("ticket").value(), pugi::xml_node());
  }
  for (const auto t : status_tickets.children("ticket_state")) known[t.attribute("id").value()] = t;
  auto granted = [](const pugi::xml_node& state) { return cib::PacemakerIsTrue(state.attribute("granted").value()); };

  if (command == 'l' || command == 'L' || command == 'w') {
    auto print = [&](const std::string& id, const pugi::xml_node& state) {
      if (command == 'w') {
        out << id << "\n";
        return;
      }
      out << id << "\t" << (granted(state) ? "granted" : "revoked") << " "
          << (cib::PacemakerIsTrue(state.attribute("standby").value()) ? "[standby]" : "         ");
      std::vector<std::pair<std::string, std::string>> attributes;
      for (const auto a : state.attributes()) {
        if (std::string_view(a.name()) != "id") attributes.emplace_back(a.name(), a.value());
      }
      if (command == 'L' && !attributes.empty()) {
        out << " (";
        for (size_t i = 0; i < attributes.size(); ++i) {
          const auto& [name, v] = attributes[i];
          out << (i > 0 ? ", " : "") << name << "="
              << (name == "last-granted" || name == "expires" ? TicketDate(v) : v);
        }
        out << ")\n";
        return;
      }
      if (state.attribute("last-granted")) out << " last-granted=" << TicketDate(state.attribute("last-granted").value());
      out << "\n";
    };
    if (ticket) {
      const auto it = known.find(*ticket);
      if (it == known.end()) {
        err << "crm_ticket: no ticket '" << *ticket << "'\n";
        return kNoSuch;
      }
      print(it->first, it->second);
    } else {
      for (const auto& [id, state] : known) print(id, state);
    }
    return 0;
  }
  if (command == 'q') {
    pugi::xml_node state = status_tickets;
    if (ticket) state = known.count(*ticket) ? known[*ticket] : pugi::xml_node();
    if (!state) {
      err << "crm_ticket: " << (ticket ? "ticket '" + *ticket + "' has no state" : std::string("no ticket has a state")) << "\n";
      return kNoSuch;
    }
    out << "State XML:\n\n" << Formatted(state);
    return 0;
  }
  if (command == 'c') {
    std::vector<pugi::xml_node> found;
    for (const auto c : constraints.children("rsc_ticket")) {
      if (!ticket || *ticket == c.attribute("ticket").value()) found.push_back(c);
    }
    if (found.empty()) {
      err << "crm_ticket: no ticket constraint" << (ticket ? " names ticket '" + *ticket + "'" : std::string()) << "\n";
      return kNoSuch;
    }
    out << "Constraints XML:\n\n";
    if (found.size() == 1) {
      out << Formatted(found.front());
    } else {
      pugi::xml_document wrapper;
      pugi::xml_node all = wrapper.append_child("xpath-query");
      for (const auto& c : found) all.append_copy(c);
      out << Formatted(all);
    }
    return 0;
  }
  if (!ticket) {
    err << "crm_ticket: name the ticket with -t TICKET\n";
    return command == 'G' ? kNoSuch : kUsage;
  }
  const auto it = known.find(*ticket);
  const pugi::xml_node state = it == known.end() ? pugi::xml_node() : it->second;
  if (command == 'G') {
    const pugi::xml_attribute a = state.attribute(get->c_str());
    if (a) {
      out << a.value() << "\n";
    } else if (fallback) {
      out << *fallback << "\n";
    } else {
      return kNoSuch;
    }
    return 0;
  }
  auto refuse = [&](bool grant) {
    if (grant) {
      out << "Granting '" << *ticket << "' here cannot tell whether another site holds it already.\n";
    } else {
      out << "Revoking '" << *ticket << "' sets off the loss-policy of the constraints that need it (see them with "
          << "crm_ticket --ticket " << *ticket << " --constraints); putting it in standby first (crm_ticket --ticket "
          << *ticket << " --standby) stops what needs it in order instead.\n";
    }
    out << "Add --force to " << (grant ? "grant" : "revoke") << " it all the same.\n";
  };
  if (command == 'C') {
    if (!force) {
      if (it == known.end()) {
        err << "crm_ticket: no ticket '" << *ticket << "'\n";
        return kNoSuch;
      }
      if (granted(state)) {
        refuse(false);
        return kNotAllowed;
      }
    }
    auto answer = vigild.Ask("ticket-delete", {*ticket});
    if (!answer.ok()) return Unreachable(err, "crm_ticket", answer.status());
    if (state) out << "Cleaned up " << *ticket << "\n";
    return 0;
  }
  std::vector<std::string> request = {*ticket};
  if (command == 'S') set[*set_name] = *value;
  for (const auto& [name, v] : set) request.push_back(name + "=" + v);
  if (command == 'D') request.push_back("-" + *erase_name);
  if (!force) {
    const bool grant = set.count("granted") && cib::PacemakerIsTrue(set["granted"]);
    if (set.count("granted") || (command == 'D' && *erase_name == "granted")) {
      refuse(grant);
      err << "crm_ticket: the ticket is unchanged\n";
      return kNotAllowed;
    }
  }
  auto answer = vigild.Ask("ticket-update", request);
  if (!answer.ok()) return Unreachable(err, "crm_ticket", answer.status());
  return 0;
}

}  // namespace

int FailCountOn(const cib::Model& m, const std::string& node, const std::string& rsc, const std::string& op_key) {
  const std::string name = "fail-count-" + rsc;
  int sum = 0;
  for (const auto& state : m.node_states) {
    if (state.uname != node) continue;
    for (const auto& [attribute, value] : state.transient) {
      const bool counted = op_key.empty() ? attribute == name || attribute.starts_with(name + "#") : attribute == name + "#" + op_key;
      if (counted) sum = cib::AddScores(sum, cib::LenientScore(value));
    }
  }
  return sum;
}

std::optional<std::string> LocalTimeText(const std::string& seconds) {
  char* end = nullptr;
  const long long t = std::strtoll(seconds.c_str(), &end, 10);
  if (seconds.empty() || *end != '\0') return std::nullopt;
  return CtimeText(t);
}

namespace {

// A list as Pacemaker's tools print one in text: an item a line, then "N <nouns> found".
void PrintList(std::ostream& out, const std::vector<std::string>& items, bool quiet) {
  for (const auto& item : items) out << item << "\n";
  if (!quiet) out << items.size() << (items.size() == 1 ? " fence device found\n" : " fence devices found\n");
}

// The fence devices that can fence `target` (stonith_admin --list), as the fencer decides it:
// from the device's parameters, or by asking its agent here (its list or status action) where
// only the agent can tell (within pcmk_<action>_timeout, else stonith-timeout, else 60 s). A
// disabled device is not registered, so never listed; nor is one whose agent cannot be read
// (said on `err`, as the fencer would fail to register it).
Result<std::vector<std::string>> DevicesFor(const cib::Model& m, const std::string& target, Agents& agents,
                                            std::ostream& err) {
  std::vector<std::string> out;
  for (const cib::Primitive* p : fencing::DevicesInOrder(m)) {
    const cib::Attributes meta = m.MetaWithDefaults(p->meta, p);
    if (const auto role = meta.find("target-role"); role != meta.end() && cib::CurrentRoleName(role->second) == "Stopped") {
      continue;
    }
    const std::string agent = "stonith:" + p->type;
    auto described = agents.Describe(agent);
    if (!described.ok()) {
      err << "stonith_admin: " << p->id << " is left out: " << described.status().message() << "\n";
      continue;
    }
    const AgentMetadata& md = *described->metadata;
    auto d = fencing::Describe(m, *p, md.FindAction("list") != nullptr, md.FindAction("status") != nullptr);
    if (!d.ok()) {
      err << "stonith_admin: " << p->id << " is left out: " << d.status().message() << "\n";
      continue;
    }
    const fencing::Eligible eligible = fencing::CanFence(*d, target);
    bool can = eligible == fencing::Eligible::kYes;
    if (eligible == fencing::Eligible::kAskList || eligible == fencing::Eligible::kAskStatus) {
      const bool by_list = eligible == fencing::Eligible::kAskList;
      Operation op;
      op.resource = p->id;
      op.agent = agent;
      op.action = by_list ? "list" : "status";
      op.params = Params(p->params.begin(), p->params.end());
      op.meta = {{"fence-target", target}};
      op.timeout = std::chrono::seconds(60);
      for (const auto& [from, name] : {std::pair{&p->params, "pcmk_" + op.action + "_timeout"},
                                       std::pair{&m.properties, std::string("stonith-timeout")}}) {
        const auto t = from->find(name);
        const auto ms = t != from->end() ? cib::ParseDurationMs(t->second) : std::nullopt;
        if (ms && *ms > 0) {
          op.timeout = std::chrono::milliseconds(*ms);
          break;
        }
      }
      auto ran = agents.Run(op);
      if (!ran.ok()) return ran.status();
      can = by_list ? ran->rc == 0 && fencing::Listed(*d, target, ran->output) : ran->rc == 0 || ran->rc == 2;
    }
    if (can) out.push_back(p->id);
  }
  return out;
}

}  // namespace

// stonith_admin: fence a node (-B reboot, -F off, -U on) through the DC and wait for the outcome
// (-t seconds, 120 unless given), confirm one is down (-C), show the history of fencing a node
// (-H NODE, or '*' for every node; the latest success, or every event with -V), list the fence
// devices (-L), those that can fence a node (-l NODE), the fence agents installed (-I), an
// agent's meta-data (-M -a AGENT).
int StonithAdmin(const std::vector<std::string>& args, Connection& vigild, Agents* agents, std::ostream& out,
                 std::ostream& err, const std::function<void()>& pause) {
  Options o{args};
  std::optional<std::string> target, timeout, agent;
  std::string action;  // reboot off on confirm history list-registered list list-installed metadata
  bool two = false;
  bool verbose = false;
  bool quiet = false;
  auto choose = [&](const std::string& a) {
    two = two || (!action.empty() && action != a);
    action = a;
  };
  while (!o.done()) {
    if (o.Take("B", "reboot", &target)) {
      choose("reboot");
    } else if (o.Take("F", "fence", &target)) {
      choose("off");
    } else if (o.Take("U", "unfence", &target)) {
      choose("on");
    } else if (o.Take("C", "confirm", &target)) {
      choose("confirm");
    } else if (o.Take("H", "history", &target)) {
      choose("history");
    } else if (o.Take("L", "list-registered", nullptr)) {
      choose("list-registered");
    } else if (o.Take("l", "list", &target)) {
      choose("list");
    } else if (o.Take("I", "list-installed", nullptr)) {
      choose("list-installed");
    } else if (o.Take("M", "metadata", nullptr)) {
      choose("metadata");
    } else if (o.Take("a", "agent", &agent)) {
    } else if (o.Take("t", "timeout", &timeout)) {
    } else if (o.Take("V", "verbose", nullptr)) {
      verbose = true;
    } else if (o.Take("q", "quiet", nullptr)) {
      quiet = true;
    } else {
      return Unknown("stonith_admin", o, out, err);
    }
    if (!o.error.empty()) {
      err << "stonith_admin: " << o.error << "\n";
      return kUsage;
    }
  }
  if (action.empty() || two) {
    err << "stonith_admin: one of -B, -F, -U, -C NODE, -H NODE, -l NODE, -L, -I or -M is needed\n";
    return kUsage;
  }
  if (action == "metadata" && !agent) {
    err << "stonith_admin: --metadata needs the agent: -a AGENT (such as fence_ipmilan)\n";
    return kUsage;
  }
  if ((action == "metadata" || action == "list-installed" || action == "list") && agents == nullptr) {
    err << "stonith_admin: the fence agents cannot be read here\n";
    return kError;
  }
  if (action == "list-installed") {
    std::vector<std::string> installed;
    for (const AgentInfo& a : agents->List()) {
      if (a.standard == "stonith") installed.push_back(a.type);
    }
    PrintList(out, installed, quiet);
    return 0;
  }
  if (action == "metadata") {
    const std::string name = agent->rfind("stonith:", 0) == 0 ? *agent : "stonith:" + *agent;
    auto described = agents->Describe(name);
    if (!described.ok()) {
      err << "stonith_admin: " << described.status().message() << "\n";
      return kError;
    }
    out << described->xml << (described->xml.empty() || described->xml.back() != '\n' ? "\n" : "");
    return 0;
  }
  int wait_s = 120;
  if (timeout) {
    try {
      wait_s = std::stoi(*timeout);
    } catch (const std::exception&) {
      wait_s = -1;
    }
    if (wait_s <= 0) {
      err << "stonith_admin: --timeout " << *timeout << " is not a positive number of seconds\n";
      return kUsage;
    }
  }
  auto status = [&]() -> Result<control::ClusterStatus> {
    auto body = vigild.Ask("status", {});
    if (!body.ok()) return body.status();
    return control::FromXml(*body);
  };
  if (action == "list-registered" || action == "list") {
    auto cib = vigild.Ask("cib-query", {});
    if (!cib.ok()) {
      err << "stonith_admin: " << cib.status().message() << "\n";
      return kUnavailable;
    }
    auto parsed = cib::Cib::Parse(*cib, "the CIB");
    if (!parsed.ok()) {
      err << "stonith_admin: " << parsed.status().message() << "\n";
      return kError;
    }
    std::vector<std::string> devices;
    if (action == "list") {
      auto can = DevicesFor(parsed->model(), *target, *agents, err);
      if (!can.ok()) {
        err << "stonith_admin: " << can.status().message() << "\n";
        return kError;
      }
      devices = std::move(*can);
    } else {
      for (const auto& p : parsed->model().primitives) {
        if (p.standard == "stonith") devices.push_back(p.id);
      }
    }
    PrintList(out, devices, quiet);
    return 0;
  }
  if (action == "history") {
    auto s = status();
    if (!s.ok()) {
      err << "stonith_admin: " << s.status().message() << "\n";
      return kUnavailable;
    }
    int n = 0;
    const control::FenceStatus* latest = nullptr;
    for (const auto& f : s->fencing) {
      if (*target != "*" && f.target != *target) continue;
      if (f.state == "successful") latest = &f;
      if (verbose && !quiet) {
        out << control::FenceDetail(f, true) << "\n";
        ++n;
      }
    }
    if (latest != nullptr && !verbose) {
      out << control::FenceDetail(*latest, false) << "\n";
      ++n;
    }
    if (!quiet) out << n << (n == 1 ? " event found\n" : " events found\n");
    return 0;
  }
  const auto before = status();
  if (!before.ok()) {
    err << "stonith_admin: " << before.status().message() << "\n";
    return kUnavailable;
  }
  auto asked = vigild.Ask("node-fence", {*target, action, "stonith_admin"});
  if (!asked.ok()) {
    err << "stonith_admin: Couldn't " << (action == "confirm" ? "confirm " : "fence ") << *target << ": "
        << asked.status().message() << "\n";
    return kError;
  }
  // The outcome: the first event of the target's history ended since the request was made.
  const size_t known = before->fencing.size();
  for (int waited = 0; waited < wait_s * 5; ++waited) {
    auto s = status();
    if (s.ok()) {
      for (size_t i = std::min(known, s->fencing.size()); i < s->fencing.size(); ++i) {
        const control::FenceStatus& f = s->fencing[i];
        if (f.target != *target || f.state == "pending") continue;
        if (f.state == "successful") return 0;
        err << "stonith_admin: Couldn't fence " << *target << ": " << (f.reason.empty() ? "failed" : f.reason) << "\n";
        return kError;
      }
    }
    pause();
  }
  err << "stonith_admin: Couldn't fence " << *target << ": no outcome within " << wait_s << " s (it may still be under way: "
      << "stonith_admin -H " << *target << ")\n";
  return kError;
}

int CrmVerify(const std::vector<std::string>& args, Connection& vigild, std::istream& in, std::ostream& out,
              std::ostream& err) {
  Options o{SplitShortFlags(args, "LpVq")};
  std::optional<std::string> file, text;
  bool live = false, pipe = false;
  while (!o.done()) {
    if (o.Take("x", "xml-file", &file) || o.Take("X", "xml-text", &text)) {
    } else if (o.Take("L", "live-check", nullptr)) {
      live = true;
    } else if (o.Take("p", "xml-pipe", nullptr)) {
      pipe = true;
    } else if (o.Take("V", "verbose", nullptr) || o.Take("q", "quiet", nullptr)) {
      // (Every finding is said, whatever the verbosity.)
    } else {
      return Unknown("crm_verify", o, out, err);
    }
    if (!o.error.empty()) {
      err << "crm_verify: " << o.error << "\n";
      return kUsage;
    }
  }
  if ((live ? 1 : 0) + (file ? 1 : 0) + (text ? 1 : 0) + (pipe ? 1 : 0) != 1) {
    err << "crm_verify: say what to check, once: -L (vigild's CIB), -x FILE, -X TEXT or -p (standard input)\n";
    return kUsage;
  }
  std::string xml;
  std::string source = "the CIB";
  if (live) {
    auto answer = vigild.Ask("cib-query", {});
    if (!answer.ok()) return Unreachable(err, "crm_verify", answer.status());
    xml = std::move(*answer);
    source = "vigild's CIB";
  } else if (file) {
    std::ifstream f(*file);
    if (!f) {
      err << "crm_verify: cannot read " << *file << "\n";
      return kNoInput;
    }
    xml.assign(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
    source = *file;
  } else if (text) {
    xml = *text;
  } else {
    xml.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  // What vigild would refuse (it reads the CIB as this does), and what Pacemaker's crm_verify
  // counts as an error of a CIB that reads: fencing enabled with no device to fence with.
  std::vector<std::string> errors;
  auto parsed = cib::Cib::Parse(xml, source);
  if (!parsed.ok()) {
    errors.push_back(parsed.status().message());
  } else {
    const cib::Model& m = parsed->model();
    auto on = [&](const char* name, bool fallback) {
      const auto it = m.properties.find(name);
      return it == m.properties.end() ? fallback : cib::PacemakerIsTrue(it->second);
    };
    const bool devices = std::any_of(m.primitives.begin(), m.primitives.end(), [](const cib::Primitive& p) {
      return p.standard == "stonith";
    });
    if (on("stonith-enabled", true) && !devices && !on("have-watchdog", false)) {
      errors.push_back("fencing is enabled (stonith-enabled) but no fence device (a stonith resource) is configured: "
                       "no resource will be started; configure one, or set stonith-enabled=false");
    }
  }
  for (const auto& e : errors) err << "crm_verify: error: " << e << "\n";
  if (errors.empty()) return 0;
  err << "crm_verify: Errors found during check: config not valid\n";
  return kConfig;
}

int RunPacemakerTool(const std::string& tool, const std::vector<std::string>& args, const std::string& resource,
                     Connection& vigild, Agents* agents, std::ostream& out, std::ostream& err) {
  if (tool == "stonith_admin") {
    return StonithAdmin(args, vigild, agents, out, err, [] { std::this_thread::sleep_for(std::chrono::milliseconds(200)); });
  }
  if (tool == "crm_node") return CrmNode(args, vigild, out, err);
  if (tool == "attrd_updater") return AttrdUpdater(args, vigild, out, err);
  if (tool == "crm_attribute") return CrmAttribute(false, args, resource, vigild, out, err);
  if (tool == "crm_master") return CrmAttribute(true, args, resource, vigild, out, err);
  if (tool == "crm_ticket") return CrmTicket(args, vigild, out, err);
  if (tool == "crm_standby") return CrmStandby(args, vigild, out, err);
  if (tool == "crm_failcount") return CrmFailcount(args, vigild, out, err);
  err << tool << ": not one of Pacemaker's tools that Vigil provides (crm_node, attrd_updater, crm_attribute, "
                 "crm_master, crm_ticket, crm_standby, crm_failcount, stonith_admin)\n";
  return kUsage;
}

}  // namespace vigil::crm
