#include "cluster/crm/crm_mon_tool.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <thread>

#include <pugixml.hpp>

#include "cluster/cib/cib_ops.h"
#include "cluster/cib/cib.h"
#include "cluster/cib/score.h"
#include "cluster/control/crm_mon_output.h"
#include "cluster/crm/tool_options.h"
#include "common/clock.h"
#include "common/duration.h"
#include "common/node_order.h"

namespace vigil::crm {
namespace {

// ---- What crm_mon reads from the CIB ----

// An attribute of a node as crm_mon -A lists it; `expected` for a ping resource's attribute on a
// node where it runs (its host_list's length times its multiplier).
struct NodeAttribute {
  std::string name;
  std::string value;
  std::optional<int> expected;
};

struct OperationRecord {
  int call = 0;
  std::string task;  // a monitor of interval 0 is a "probe"
  int64_t interval_ms = 0;
  int rc = 0;
  int64_t last_rc_change = 0;
};

// One resource of a node's history (crm_mon's resource_history).
struct ResourceRecord {
  std::string id;          // as crm_mon names it in the XML (an anonymous clone's instance by its primitive)
  std::string history_id;  // as the node's history names it (the text's Migration Summary)
  int migration_threshold = cib::kInfinity;
  int fail_count = 0;
  int64_t last_failure = 0;
  std::vector<OperationRecord> operations;
};

struct NodeRecord {
  std::string name;
  std::vector<NodeAttribute> attributes;
  std::vector<ResourceRecord> history;
};

struct CibSections {
  std::vector<std::pair<std::string, std::string>> options;  // cluster_options, in crm_mon's order
  std::vector<NodeRecord> attributes;                         // online nodes, crm_mon's node order
  std::vector<NodeRecord> history;                            // online nodes, the status section's order
};

bool IsOnline(const control::ClusterStatus& s, const std::string& name) {
  return std::any_of(s.nodes.begin(), s.nodes.end(), [&](const control::NodeStatus& n) { return n.online && n.name == name; });
}

// Pacemaker's reading of a number of milliseconds ("60s", "1min", "500ms"; a bare number is
// seconds); `fallback` when absent or unreadable.
int64_t Milliseconds(const cib::Attributes& a, const std::string& name, int64_t fallback) {
  const auto it = a.find(name);
  if (it == a.end()) return fallback;
  const auto ms = ParseDurationMs(it->second);
  return ms ? ms->count() : fallback;
}

bool Flag(const cib::Attributes& a, const std::string& name, bool fallback) {
  const auto it = a.find(name);
  return it == a.end() ? fallback : cib::PacemakerIsTrue(it->second);
}

std::vector<std::pair<std::string, std::string>> ClusterOptions(const cib::Model& m) {
  const auto& p = m.properties;
  const auto text = [](bool b) { return std::string(b ? "true" : "false"); };
  std::string policy = "stop";
  if (const auto it = p.find("no-quorum-policy"); it != p.end()) policy = it->second;
  // priority-fencing-delay is kept in whole seconds.
  const int64_t priority_delay_s = Milliseconds(p, "priority-fencing-delay", 0) / 1000;
  return {{"stonith-enabled", text(Flag(p, "stonith-enabled", true))},
          {"symmetric-cluster", text(Flag(p, "symmetric-cluster", true))},
          {"no-quorum-policy", policy},
          {"maintenance-mode", text(Flag(p, "maintenance-mode", false))},
          {"stop-all-resources", text(Flag(p, "stop-all-resources", false))},
          {"stonith-timeout-ms", std::to_string(Milliseconds(p, "stonith-timeout", 60000))},
          {"priority-fencing-delay-ms", std::to_string(priority_delay_s * 1000)}};
}

// The primitive a history id names ("d", "d:2" of a clone), or null.
const cib::Primitive* ConfiguredPrimitive(const cib::Model& m, const std::string& history_id) {
  if (const cib::Primitive* p = m.FindPrimitive(history_id)) return p;
  const cib::Primitive* p = m.FindPrimitive(cib::StripInstance(history_id));
  return p != nullptr && !p->clone.empty() ? p : nullptr;
}

// A resource's migration-threshold as it applies: its own meta attribute (a group member's with
// its group's), its clone's, then rsc_defaults'; an orphan (`p` null) has rsc_defaults'.
int MigrationThreshold(const cib::Model& m, const cib::Primitive* p) {
  cib::Attributes own = p != nullptr ? p->meta : cib::Attributes();
  if (p != nullptr && !p->clone.empty()) {
    if (const cib::Clone* c = m.FindClone(p->clone)) own.insert(c->meta.begin(), c->meta.end());
  }
  const cib::Attributes meta = m.MetaWithDefaults(own, p);
  const auto it = meta.find("migration-threshold");
  const auto score = it == meta.end() ? std::nullopt : cib::ParseScore(it->second);
  return score ? std::clamp(*score, 0, cib::kInfinity) : cib::kInfinity;
}

bool GloballyUnique(const cib::Model& m, const cib::Primitive& p) {
  const cib::Clone* c = p.clone.empty() ? nullptr : m.FindClone(p.clone);
  return c != nullptr && m.SettingsOf(*c).unique;
}

// The attributes crm_mon -A shows of a node: its permanent and transient ones (a transient one
// over a permanent one of the same name), but not those Pacemaker keeps for itself (fail counts,
// last failures, shutdown, terminate, standby, #-names); sorted by name.
std::vector<NodeAttribute> ShownAttributes(const cib::Model& m, const control::ClusterStatus& s, const std::string& node) {
  cib::Attributes all;
  for (const auto& n : m.nodes) {
    if (n.uname == node) all = n.attributes;
  }
  for (const auto& st : m.node_states) {
    if (st.uname != node) continue;
    for (const auto& [name, value] : st.transient) all[name] = value;
  }
  std::vector<NodeAttribute> shown;
  for (const auto& [name, value] : all) {
    bool hidden = false;
    for (const char* prefix : {"fail-count-", "last-failure-", "shutdown", "terminate", "standby", "#"}) {
      hidden = hidden || name.starts_with(prefix);
    }
    if (hidden) continue;
    NodeAttribute a{name, value, std::nullopt};
    // A ping resource running here names the attribute it sets (name, default pingd): what the
    // attribute would be with every host answering.
    for (const auto& r : s.resources) {
      if (std::find(r.nodes.begin(), r.nodes.end(), node) == r.nodes.end()) continue;
      const cib::Primitive* p = ConfiguredPrimitive(m, r.id);
      if (p == nullptr || (p->type != "ping" && p->type != "pingd")) continue;
      const auto param = [&](const char* key) -> std::optional<std::string> {
        const auto it = p->params.find(key);
        return it == p->params.end() ? std::nullopt : std::optional<std::string>(it->second);
      };
      if (param("name").value_or("pingd") != name) continue;
      int hosts = 0;
      if (const auto list = param("host_list")) {
        // As split on each single space (two spaces make an empty host).
        hosts = 1 + static_cast<int>(std::count(list->begin(), list->end(), ' '));
      }
      int multiplier = 1;
      if (const auto text = param("multiplier")) {
        try {
          multiplier = std::stoi(*text);
        } catch (const std::exception&) {
          multiplier = 1;
        }
      }
      a.expected = hosts * multiplier;
      break;
    }
    shown.push_back(std::move(a));
  }
  return shown;
}

// The history crm_mon shows of one resource on one node: every operation on record but notifies
// and probes that found it not running, by call id.
ResourceRecord History(const cib::Model& m, const cib::NodeState& node, const cib::ResourceHistory& h) {
  ResourceRecord r;
  r.history_id = h.id;
  const cib::Primitive* p = ConfiguredPrimitive(m, h.id);
  r.id = h.id;
  r.migration_threshold = MigrationThreshold(m, p);
  if (p != nullptr) {
    r.id = GloballyUnique(m, *p) || h.id.find(':') == std::string::npos ? h.id : p->id;
    // fail-count-RSC#OP_INTERVAL and last-failure-RSC#OP_INTERVAL, per operation: summed, and the latest.
    const std::string base = p->id;
    for (const auto& [name, value] : node.transient) {
      for (const std::string& id : {h.id, base}) {
        if (name.starts_with("fail-count-" + id + "#")) {
          const auto n = cib::ParseScore(value);
          r.fail_count = std::min(cib::kInfinity, r.fail_count + (n ? std::max(*n, 0) : 0));
          break;
        }
        if (name.starts_with("last-failure-" + id + "#")) {
          try {
            r.last_failure = std::max<int64_t>(r.last_failure, std::stoll(value));
          } catch (const std::exception&) {
          }
          break;
        }
      }
    }
  }
  for (const auto& op : h.ops) {
    OperationRecord o{op.call_id, op.operation, op.interval_ms, op.rc, op.last_rc_change};
    if (o.task == "monitor" && o.interval_ms == 0) o.task = "probe";
    if (o.task == "notify" || (o.task == "probe" && o.rc == 7)) continue;
    r.operations.push_back(o);
  }
  std::stable_sort(r.operations.begin(), r.operations.end(),
                   [](const OperationRecord& a, const OperationRecord& b) { return a.call < b.call; });
  return r;
}

Result<CibSections> ReadSections(const control::ClusterStatus& s, std::string_view cib_text) {
  auto cib = cib::Cib::Parse(cib_text, "vigild's CIB", 0, {.planning_only = true});
  if (!cib.ok()) return cib.status();
  const cib::Model& m = cib->model();
  CibSections out;
  out.options = ClusterOptions(m);
  std::vector<std::string> names;
  for (const auto& n : s.nodes) {
    if (n.online && !n.name.empty()) names.push_back(n.name);
  }
  std::sort(names.begin(), names.end(), [](const std::string& a, const std::string& b) { return NodeNameLess(a, b); });
  for (const auto& name : names) {
    NodeRecord n{name, ShownAttributes(m, s, name), {}};
    if (!n.attributes.empty()) out.attributes.push_back(std::move(n));
  }
  for (const auto& state : m.node_states) {
    if (!IsOnline(s, state.uname)) continue;
    NodeRecord n{state.uname, {}, {}};
    for (const auto& h : state.resources) {
      ResourceRecord r = History(m, state, h);
      if (!r.operations.empty()) n.history.push_back(std::move(r));
    }
    out.history.push_back(std::move(n));
  }
  return out;
}


void Add(pugi::xml_node n, const char* name, const std::string& value) { n.append_attribute(name) = value.c_str(); }

// ---- The command line ----

// crm_mon -s: Pacemaker's one line for Nagios, and its exit code.
int SimpleStatus(const control::ClusterStatus& s, std::ostream& out) {
  int online = 0, standby = 0;
  std::string offline;
  for (const auto& n : s.nodes) {
    if (n.online && n.standby) {
      ++standby;
    } else if (n.online) {
      ++online;
    } else {
      offline += (offline.empty() ? "offline node: " : " ") + control::NodeName(n);
    }
  }
  const bool no_dc = s.dc_id == 0;
  if (no_dc || !offline.empty()) {
    out << "CLUSTER WARN: " << (no_dc ? "No DC" : "") << (no_dc && !offline.empty() ? ", " : "") << offline << "\n";
    return kError;
  }
  const auto plural = [](int n) { return n == 1 ? "" : "s"; };
  size_t instances = 0;
  for (const auto& r : s.resources) instances += r.orphan ? 0 : 1;
  out << "CLUSTER OK: " << online << " node" << plural(online) << " online";
  if (standby > 0) out << ", " << standby << " standby node" << plural(standby);
  out << ", " << instances << " resource instance" << plural(static_cast<int>(instances)) << " configured\n";
  return 0;
}

}  // namespace

Result<std::string> CrmMonXml(const control::ClusterStatus& status, std::string_view cib, const std::string& request) {
  auto sections = ReadSections(status, cib);
  if (!sections.ok()) return sections.status();
  pugi::xml_document doc;
  const std::string base = control::CrmMonXml(status, request);
  if (!doc.load_string(base.c_str())) return vigil::Status(StatusCode::kInternal, "crm_mon's XML does not parse");
  pugi::xml_node root = doc.child("pacemaker-result");
  pugi::xml_node options = root.child("summary").append_child("cluster_options");
  for (const auto& [name, value] : sections->options) Add(options, name.c_str(), value);
  // After the resources, in crm_mon's order: node_attributes, node_history, then the failures.
  pugi::xml_node at = root.child("resources");
  pugi::xml_node attributes = root.insert_child_after("node_attributes", at);
  for (const auto& n : sections->attributes) {
    pugi::xml_node node = attributes.append_child("node");
    Add(node, "name", n.name);
    for (const auto& a : n.attributes) {
      pugi::xml_node x = node.append_child("attribute");
      Add(x, "name", a.name);
      Add(x, "value", a.value);
      if (a.expected) Add(x, "expected", std::to_string(*a.expected));
    }
  }
  pugi::xml_node history = root.insert_child_after("node_history", attributes);
  for (const auto& n : sections->history) {
    if (n.history.empty()) continue;
    pugi::xml_node node = history.append_child("node");
    Add(node, "name", n.name);
    for (const auto& r : n.history) {
      pugi::xml_node x = node.append_child("resource_history");
      Add(x, "id", r.id);
      // "false" also for a resource no longer configured, as Pacemaker's crm_mon 2.1.5 writes it:
      // it looks the resource up among those it unpacked, and such a history is unpacked too.
      Add(x, "orphan", "false");
      Add(x, "migration-threshold", std::to_string(r.migration_threshold));
      if (r.fail_count > 0) Add(x, "fail-count", std::to_string(r.fail_count));
      if (r.last_failure > 0) Add(x, "last-failure", CtimeText(r.last_failure));
      for (const auto& o : r.operations) {
        pugi::xml_node op = x.append_child("operation_history");
        Add(op, "call", std::to_string(o.call));
        Add(op, "task", o.task);
        Add(op, "rc", std::to_string(o.rc));
        Add(op, "rc_text", control::RcText(o.rc));
        if (o.interval_ms != 0) Add(op, "interval", std::to_string(o.interval_ms) + "ms");
        if (o.last_rc_change > 0) Add(op, "last-rc-change", CtimeText(o.last_rc_change));
      }
    }
  }
  std::ostringstream out;
  doc.save(out, "  ", pugi::format_indent | pugi::format_no_declaration);
  return out.str();
}

Result<std::string> CrmMonTextSections(const control::ClusterStatus& status, std::string_view cib, bool attributes,
                                       bool failcounts) {
  auto sections = ReadSections(status, cib);
  if (!sections.ok()) return sections.status();
  std::string out;
  if (attributes && !sections->attributes.empty()) {
    out += "\nNode Attributes:\n";
    for (const auto& n : sections->attributes) {
      out += "  * Node: " + n.name + ":\n";
      for (const auto& a : n.attributes) {
        char line[512];
        std::snprintf(line, sizeof line, "    * %-32s\t: %-10s", a.name.c_str(), a.value.c_str());
        out += line;
        if (a.expected) {
          int value = 0;
          try {
            value = std::stoi(a.value);
          } catch (const std::exception&) {
            value = 0;
          }
          if (value <= 0) {
            out += "\t: Connectivity is lost";
          } else if (value < *a.expected) {
            out += "\t: Connectivity is degraded (Expected=" + std::to_string(*a.expected) + ")";
          }
        }
        out += "\n";
      }
    }
  }
  if (failcounts) {
    std::string nodes;
    for (const auto& n : sections->history) {
      std::string lines;
      for (const auto& r : n.history) {
        if (r.fail_count <= 0) continue;
        lines += "    * " + r.history_id + ": migration-threshold=" + std::to_string(r.migration_threshold) +
                 " fail-count=" + std::to_string(r.fail_count) +
                 (r.last_failure > 0 ? " last-failure='" + CtimeText(r.last_failure) + "'" : "") + "\n";
      }
      if (!lines.empty()) nodes += "  * Node: " + n.name + ":\n" + lines;
    }
    if (!nodes.empty()) out += "\nMigration Summary:\n" + nodes;
  }
  return out;
}

namespace {

// crm_mon's sections (--include, --exclude), those Vigil shows; the summary's parts stand for it.
const std::vector<std::string> kSummary = {"stack", "dc", "times", "counts", "options"};
const std::vector<std::string> kShown = {"stack", "dc", "times", "counts", "options", "nodes", "resources", "attributes",
                                         "failcounts", "failures", "fencing-failed", "fencing-pending"};
// Pacemaker's that Vigil does not show yet: named, they are refused.
const std::vector<std::string> kNotShown = {"bans", "maint-mode", "operations", "tickets", "fencing", "fencing-succeeded"};

// The sections after `words` (--include=A,B or --exclude=A,B, in the order given) from `shown`.
// An error names what is not a section, or what Vigil does not show.
vigil::Status ApplySections(const std::vector<std::pair<bool, std::string>>& words, std::set<std::string>& shown,
                            const std::set<std::string>& fallback) {
  for (const auto& [include, list] : words) {
    std::istringstream items(list);
    for (std::string item; std::getline(items, item, ',');) {
      std::vector<std::string> named;
      if (item == "all" || item == "none") {
        // Excluding none shows all, as excluding all shows none (Pacemaker's reading).
        if ((item == "all") == include) {
          shown.insert(kShown.begin(), kShown.end());
        } else {
          shown.clear();
        }
        continue;
      } else if (item == "default") {
        named.assign(fallback.begin(), fallback.end());
      } else if (item == "summary") {
        named = kSummary;
      } else if (std::find(kShown.begin(), kShown.end(), item) != kShown.end()) {
        named = {item};
      } else if (std::find(kNotShown.begin(), kNotShown.end(), item) != kNotShown.end() || item.starts_with("bans:")) {
        if (!include) continue;  // (not shown anyway)
        return vigil::Status(StatusCode::kUnsupported, "the section '" + item + "' is not shown by Vigil's crm_mon yet");
      } else {
        return vigil::Status(StatusCode::kInvalidArgument, "'" + item + "' is not a section (--include=list lists them)");
      }
      for (const auto& s : named) {
        if (include) {
          shown.insert(s);
        } else {
          shown.erase(s);
        }
      }
    }
  }
  return vigil::Status::Ok();
}

// The text's blocks in crm_mon's order, those of the sections shown (the summary's lines by their
// parts).
std::string Arranged(const std::string& text, const std::set<std::string>& shown) {
  static const std::vector<std::pair<std::string, std::string>> kOrder = {
      {"Cluster Summary:", "summary"},           {"Node List:", "nodes"},
      {"Full List of Resources:", "resources"},  {"Node Attributes:", "attributes"},
      {"Migration Summary:", "failcounts"},      {"Failed Resource Actions:", "failures"},
      {"Failed Fencing Actions:", "fencing-failed"}, {"Pending Fencing Actions:", "fencing-pending"}};
  std::map<std::string, std::string> blocks;
  size_t at = 0;
  while (at < text.size()) {
    size_t end = text.find("\n\n", at);
    end = end == std::string::npos ? text.size() : end + 1;
    const std::string block = text.substr(at, end - at);
    blocks[block.substr(0, block.find('\n'))] = block;
    at = end + (end < text.size() && text[end] == '\n' ? 1 : 0);
  }
  std::string out;
  for (const auto& [title, section] : kOrder) {
    const auto it = blocks.find(title);
    if (it == blocks.end()) continue;
    std::string block = it->second;
    if (section == "summary") {
      std::string kept;
      std::istringstream lines(block);
      std::string line;
      std::getline(lines, line);
      while (std::getline(lines, line)) {
        const char* part = line.starts_with("  * Stack:")          ? "stack"
                           : line.starts_with("  * Current DC:")   ? "dc"
                           : line.starts_with("  * Last ")          ? "times"
                           : line.ends_with(" configured")          ? "counts"
                                                                    : "options";
        if (shown.count(part)) kept += line + "\n";
      }
      if (kept.empty()) continue;
      block = title + "\n" + kept;
    } else if (!shown.count(section)) {
      continue;
    }
    out += (out.empty() ? "" : "\n") + block;
  }
  return out;
}

// The XML's sections those shown (Pacemaker's XML holds them all by default).
void KeepSections(pugi::xml_node result, const std::set<std::string>& shown) {
  static const std::vector<std::pair<const char*, std::vector<std::string>>> kElements = {
      {"nodes", {"nodes"}},          {"resources", {"resources"}}, {"node_attributes", {"attributes"}},
      {"node_history", {"failcounts"}}, {"failures", {"failures"}},  {"fence_history", {"fencing-failed", "fencing-pending"}}};
  static const std::vector<std::pair<const char*, const char*>> kSummaryParts = {
      {"stack", "stack"}, {"current_dc", "dc"}, {"last_update", "times"}, {"last_change", "times"},
      {"nodes_configured", "counts"}, {"resources_configured", "counts"}, {"cluster_options", "options"}};
  for (const auto& [element, sections] : kElements) {
    const bool any = std::any_of(sections.begin(), sections.end(), [&](const std::string& s) { return shown.count(s) > 0; });
    if (!any) result.remove_child(element);
  }
  pugi::xml_node summary = result.child("summary");
  for (const auto& [element, part] : kSummaryParts) {
    if (!shown.count(part)) summary.remove_child(element);
  }
  if (summary && !summary.first_child()) result.remove_child(summary);
}

}  // namespace

int CrmMon(const std::vector<std::string>& args, Connection& vigild, std::ostream& out, std::ostream& err, bool terminal,
           const std::function<bool()>& interrupted) {
  Options o{SplitShortFlags(args, "1rfAsQV")};
  bool one_shot = !terminal, failcounts = false, node_attributes = false, simple = false;
  std::optional<std::string> output_as, interval, section_list;
  std::vector<std::pair<bool, std::string>> section_words;  // (include?, list), in the order given
  while (!o.done()) {
    if (o.Take("1", "one-shot", nullptr)) {
      one_shot = true;
    } else if (o.Take("r", "inactive", nullptr)) {
      // The text lists the inactive resources with or without it (docs/pacemaker-tools.md).
    } else if (o.Take("f", "failcounts", nullptr)) {
      failcounts = true;
    } else if (o.Take("A", "show-node-attributes", nullptr)) {
      node_attributes = true;
    } else if (o.Take("s", "simple-status", nullptr)) {
      simple = true;
    } else if (o.Take("I", "include", &section_list)) {
      section_words.emplace_back(true, *section_list);
    } else if (o.Take("U", "exclude", &section_list)) {
      section_words.emplace_back(false, *section_list);
    } else if (o.Take("i", "interval", &interval)) {
    } else if (o.Take("", "output-as", &output_as)) {
    } else if (o.Take("Q", "quiet", nullptr) || o.Take("V", "verbose", nullptr)) {
    } else {
      return Unknown("crm_mon", o, out, err);
    }
    if (!o.error.empty()) {
      err << "crm_mon: " << o.error << "\n";
      return kUsage;
    }
  }
  const std::string format = output_as.value_or("text");
  if (format != "text" && format != "xml") {
    err << "crm_mon: --output-as takes text or xml (Vigil has no " << format << " output)\n";
    return kUsage;
  }
  std::chrono::milliseconds every(5000);
  if (interval) {
    const auto ms = ParseDurationMs(*interval);
    if (!ms || ms->count() <= 0) {
      err << "crm_mon: -i takes a time such as 5, 5s or 500ms, not '" << *interval << "'\n";
      return kUsage;
    }
    every = *ms;
  }
  if (simple) one_shot = true;
  for (const auto& [include, list] : section_words) {
    if (list == "list") {
      out << "crm_mon: --" << (include ? "include" : "exclude") << " options: all, attributes, counts, dc, default, "
          << "failcounts, failures, fencing-failed, fencing-pending, nodes, none, options, resources, stack, summary, times\n";
      return 0;
    }
  }
  // The sections shown: the text's default (with -A and -f as they add), the XML's all; then
  // --include and --exclude in the order given.
  std::set<std::string> fallback = {"stack", "dc", "times", "counts", "options", "nodes", "resources", "failures",
                                    "fencing-failed", "fencing-pending"};
  if (format == "xml") fallback.insert(kShown.begin(), kShown.end());
  if (node_attributes) fallback.insert("attributes");
  if (failcounts) fallback.insert("failcounts");
  std::set<std::string> shown = fallback;
  if (const vigil::Status s = ApplySections(section_words, shown, fallback); !s.ok()) {
    err << "crm_mon: " << s.message() << "\n";
    return kUsage;
  }
  node_attributes = shown.count("attributes") > 0;
  failcounts = shown.count("failcounts") > 0;
  // Everything but the live view's refresh in one go: the status, then the CIB it goes with.
  const auto render = [&](std::string& text) -> int {
    auto s = Status(vigild);
    if (!s.ok()) {
      if (simple) {
        text = "CLUSTER CRIT: Connection to cluster failed: " + s.status().message() + "\n";
        return kInvalidParam;
      }
      return Unreachable(err, "crm_mon", s.status());
    }
    if (simple) {
      std::ostringstream line;
      const int rc = SimpleStatus(*s, line);
      text = line.str();
      return rc;
    }
    const bool text_only = format == "text" && !node_attributes && !failcounts;
    if (text_only) {
      // Vigil's text lists the inactive resources too, -r or not (see docs/pacemaker-tools.md).
      text = Arranged(control::FormatStatus(*s, false), shown);
      return 0;
    }
    // What the CIB adds: the XML's sections, or the text's -A and -f.
    auto cib = vigild.Ask("cib-query", {});
    if (!cib.ok()) return Unreachable(err, "crm_mon", cib.status());
    if (format == "xml") {
      std::string request = "crm_mon";
      for (const auto& a : args) request += " " + a;
      auto xml = CrmMonXml(*s, *cib, request);
      if (!xml.ok()) return Unreachable(err, "crm_mon", xml.status());
      if (section_words.empty()) {
        text = *xml;
        return 0;
      }
      pugi::xml_document doc;
      doc.load_string(xml->c_str());
      KeepSections(doc.child("pacemaker-result"), shown);
      std::ostringstream kept;
      doc.save(kept, "  ", pugi::format_indent);
      text = cib::PacemakerSpacing(kept.str());
      return 0;
    }
    auto sections = CrmMonTextSections(*s, *cib, node_attributes, failcounts);
    if (!sections.ok()) return Unreachable(err, "crm_mon", sections.status());
    text = Arranged(control::FormatStatus(*s, false) + *sections, shown);
    return 0;
  };
  if (one_shot) {
    std::string text;
    const int rc = render(text);
    out << text;
    return rc;
  }
  // The live view: the screen cleared and drawn again every interval.
  while (!interrupted()) {
    std::string text;
    const int rc = render(text);
    if (rc != 0) return rc;  // said on err; the view does not go on showing nothing
    out << "\x1b[H\x1b[2J" << text << std::flush;
    const auto until = std::chrono::steady_clock::now() + every;
    while (std::chrono::steady_clock::now() < until && !interrupted()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }
  return 0;
}

}  // namespace vigil::crm
