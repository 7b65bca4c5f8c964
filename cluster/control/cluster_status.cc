#include "cluster/control/cluster_status.h"

#include <pugixml.hpp>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <ctime>

#include "common/clock.h"
#include "common/node_order.h"

namespace vigil::control {
namespace {

template <typename T>
bool Number(const pugi::xml_node& node, const char* name, T& out) {
  const pugi::xml_attribute a = node.attribute(name);
  if (!a) return false;
  const std::string_view text = a.value();
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), out);
  return error == std::errc() && end == text.data() + text.size();
}

bool Flag(const pugi::xml_node& node, const char* name, bool& out) {
  const std::string_view v = node.attribute(name).value();
  if (v != "true" && v != "false") return false;
  out = v == "true";
  return true;
}


std::string ResourceLine(const ResourceStatus& r, bool known, const std::string& indent, bool rsc_only) {
  return indent + "* " + ResourceText(r, known, rsc_only) + "\n";
}

// Whether an instance is as crm_mon sums up in a "Started: [ ... ]" list: active on one node,
// neither failed, pending, blocked, orphaned nor left alone.
bool Plain(const ResourceStatus& r) {
  return r.nodes.size() == 1 && !r.failed && r.pending.empty() && !r.blocked && !r.orphan && r.managed;
}

std::string NodeList(std::vector<std::string> nodes) {
  std::sort(nodes.begin(), nodes.end(), [](const std::string& a, const std::string& b) { return NodeNameLess(a, b); });
  std::string out = "[";
  for (const auto& n : nodes) out += " " + n;
  return out + " ]";
}

std::string GroupBlock(const ResourceBlock& g, bool known, const std::string& indent, bool rsc_only) {
  const bool unmanaged = std::all_of(g.members.begin(), g.members.end(), [](auto* r) { return !r->managed; });
  const bool disabled = std::all_of(g.members.begin(), g.members.end(), [](auto* r) { return r->disabled; });
  std::string out = indent + "* Resource Group: " + g.id + (unmanaged ? " (unmanaged)" : "") +
                    (disabled ? " (disabled)" : "") + ":\n";
  for (const ResourceStatus* r : g.members) out += ResourceLine(*r, known, indent + "  ", rsc_only);
  return out;
}

// A clone as crm_mon lays it out: unique instances one by one; anonymous ones that run plainly
// summed up by node ("Started: [ ... ]"; for a promotable clone by role, "Promoted: [ ... ]"
// then "Unpromoted: [ ... ]"), the rest one by one, then the nodes that could run one but do
// not ("Stopped: [ ... ]", "Stopped (disabled): [ ... ]" when the clone is).
std::string CloneBlock(const ClusterStatus& s, const ResourceBlock& c, bool rsc_only) {
  std::vector<const ResourceStatus*> all;
  for (const auto& i : c.instances) all.insert(all.end(), i.members.begin(), i.members.end());
  const ResourceStatus& first = *all.front();
  std::string attributes;
  auto add = [&](const char* word) { attributes += (attributes.empty() ? " (" : ", ") + std::string(word); };
  if (first.promotable) add("promotable");
  if (first.unique) add("unique");
  const bool disabled = std::all_of(all.begin(), all.end(), [](auto* r) { return r->disabled; });
  if (std::all_of(all.begin(), all.end(), [](auto* r) { return !r->managed; })) add("unmanaged");
  if (disabled) add("disabled");
  if (!attributes.empty()) attributes += ")";
  std::string out = "  * Clone Set: " + c.id + " [" + first.cloned + "]" + attributes + ":\n";
  if (!s.resources_known || first.unique) {
    for (const auto& i : c.instances) {
      out += i.kind == ResourceBlock::Kind::kGroup ? GroupBlock(i, s.resources_known, "    ", rsc_only)
                                                   : ResourceLine(*i.members.front(), s.resources_known, "    ", rsc_only);
    }
    return out;
  }
  std::vector<std::string> promoted;
  std::vector<std::string> started;  // unpromoted, for a promotable clone
  std::vector<std::string> used;     // nodes running any part of an instance
  for (const auto& i : c.instances) {
    bool active = false;
    bool plain = true;
    for (const ResourceStatus* r : i.members) {
      active = active || !r->nodes.empty();
      plain = plain && Plain(*r) && r->nodes == i.members.front()->nodes;
      used.insert(used.end(), r->nodes.begin(), r->nodes.end());
    }
    if (!active) continue;
    if (plain) {
      (i.members.front()->role == "Promoted" ? promoted : started).push_back(i.members.front()->nodes.front());
    } else if (i.kind == ResourceBlock::Kind::kGroup) {
      out += GroupBlock(i, true, "    ", rsc_only);
    } else {
      out += ResourceLine(*i.members.front(), true, "    ", rsc_only);
    }
  }
  if (!promoted.empty()) out += "    * Promoted: " + NodeList(promoted) + "\n";
  if (!started.empty()) out += std::string("    * ") + (first.promotable ? "Unpromoted" : "Started") + ": " + NodeList(started) + "\n";
  std::vector<std::string> stopped;
  if (s.symmetric) {
    for (const auto& n : s.nodes) {
      const std::string name = NodeName(n);
      if (std::find(used.begin(), used.end(), name) == used.end()) stopped.push_back(name);
    }
  }
  if (!stopped.empty()) out += std::string("    * Stopped") + (disabled ? " (disabled)" : "") + ": " + NodeList(stopped) + "\n";
  return out;
}

}  // namespace

std::string InstanceName(const ResourceStatus& r) {
  if (r.clone.empty() || r.unique) return r.id;
  const size_t colon = r.id.rfind(':');
  return colon == std::string::npos ? r.id : r.id.substr(0, colon);
}

std::string ResourceText(const ResourceStatus& r, bool known, bool rsc_only) {
  std::string line = InstanceName(r) + "\t(" + r.agent + "):\t";
  if (!known) return line + " unknown (no DC)";
  // The node goes after the state when there is one; several follow the flags ("[ n1 n2 ]").
  const bool one = r.nodes.size() == 1 && !rsc_only;
  if (r.orphan) line += " ORPHANED";
  if (r.failed && !r.nodes.empty()) {
    // A failed instance that was promoted says so after FAILED (an unpromoted one does not).
    line += std::string(" FAILED") + (r.role == "Promoted" ? " Promoted" : "");
  } else if (r.nodes.empty()) {
    line += " Stopped";
  } else {
    // A promotable clone's instance shows its role where another shows Started.
    line += " " + (r.pending.empty() ? (r.role.empty() ? std::string("Started") : r.role) : r.pending);
  }
  if (one) line += " " + r.nodes.front();
  std::string flags;
  auto flag = [&](const char* word) { flags += (flags.empty() ? " (" : ", ") + std::string(word); };
  if (r.disabled) flag("disabled");  // target-role=Stopped, even while it still runs
  if (r.blocked) {
    flag("blocked");
  } else if (!r.managed) {
    flag("unmanaged");
  }
  if (!flags.empty()) line += flags + ")";
  if (r.nodes.size() > 1 && !rsc_only) {
    line += " [";
    for (const auto& n : r.nodes) line += " " + n;
    line += " ]";
  }
  return line;
}

std::vector<ResourceBlock> Layout(const ClusterStatus& s) {
  std::vector<ResourceBlock> out;
  std::map<std::string, size_t> clones;  // clone id → its block in out
  std::map<std::string, size_t> groups;  // group (instance) id → its block, in out or its clone's
  for (const ResourceStatus& r : s.resources) {
    if (!r.clone.empty()) {
      auto [it, added] = clones.emplace(r.clone, out.size());
      if (added) out.push_back({ResourceBlock::Kind::kClone, r.clone, {}, {}});
      ResourceBlock& clone = out[it->second];
      if (r.group.empty()) {
        clone.instances.push_back({ResourceBlock::Kind::kPrimitive, r.id, {&r}, {}});
        continue;
      }
      auto [g, new_group] = groups.emplace(r.group, clone.instances.size());
      if (new_group) clone.instances.push_back({ResourceBlock::Kind::kGroup, r.group, {}, {}});
      clone.instances[g->second].members.push_back(&r);
    } else if (!r.group.empty()) {
      auto [g, new_group] = groups.emplace(r.group, out.size());
      if (new_group) out.push_back({ResourceBlock::Kind::kGroup, r.group, {}, {}});
      out[g->second].members.push_back(&r);
    } else {
      out.push_back({ResourceBlock::Kind::kPrimitive, r.id, {&r}, {}});
    }
  }
  return out;
}

std::string RcText(int rc) {
  switch (rc) {
    case 0: return "ok";
    case 1: return "error";
    case 2: return "invalid parameter";
    case 3: return "unimplemented feature";
    case 4: return "insufficient privileges";
    case 5: return "not installed";
    case 6: return "not configured";
    case 7: return "not running";
    case 8: return "promoted";
    case 9: return "promoted (failed)";
    case 190: return "OCF_DEGRADED";  // (sic: Pacemaker 2.1.5's words)
    case 191: return "promoted (degraded)";
    default: return "unknown";
  }
}

std::string OpStatusText(int status) {
  switch (status) {
    case 0: return "complete";
    case 1: return "Cancelled";
    case 2: return "Timed Out";
    case 3: return "NOT SUPPORTED";
    case 4: return "Error";
    default: return "unknown";
  }
}

std::string Ctime(std::chrono::system_clock::time_point t) {
  return CtimeText(std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count());
}

std::string ReadableInterval(int64_t ms) {
  // Pacemaker's pcmk__readable_interval, strict comparisons included (60000 reads "60s", 1000
  // "1000ms").
  constexpr int64_t kSecond = 1000, kMinute = 60 * kSecond, kHour = 60 * kMinute, kDay = 24 * kHour;
  std::string out;
  for (const auto& [unit, suffix] : {std::pair{kDay, "d"}, std::pair{kHour, "h"}, std::pair{kMinute, "m"}}) {
    if (ms > unit) {
      out += std::to_string(ms / unit) + suffix;
      ms %= unit;
    }
  }
  if (ms > kSecond) {
    out += std::to_string(ms / kSecond);
    if (ms % kSecond > 0) {
      char fraction[8];
      std::snprintf(fraction, sizeof fraction, ".%03d", static_cast<int>(ms % kSecond));
      out += fraction;
    }
    out += "s";
  } else if (ms > 0) {
    out += std::to_string(ms) + "ms";
  } else if (out.empty()) {
    out = "0s";
  }
  return out;
}

std::string FailedActionText(const FailedActionStatus& f) {
  std::string text = f.rsc + " ";
  if (f.interval_ms != 0) text += ReadableInterval(f.interval_ms) + "-interval ";
  text += (f.operation == "monitor" && f.interval_ms == 0 ? std::string("probe") : f.operation) + " on " + f.node;
  if (f.op_status == 0) {
    text += " returned '" + RcText(f.rc) + "'";
    if (!f.reason.empty()) text += " (" + f.reason + ")";
  } else {
    text += " could not be executed (" + OpStatusText(f.op_status) + (f.reason.empty() ? "" : ": " + f.reason) + ")";
  }
  if (f.last_rc_change <= 0) return text;  // no time on record: crm_mon leaves " at" out
  return text + " at " + Ctime(std::chrono::system_clock::time_point(std::chrono::seconds(f.last_rc_change)));
}

std::string FailedActionDetail(const FailedActionStatus& f) {
  return f.rsc + "_" + f.operation + "_" + std::to_string(f.interval_ms) + " on " + f.node + " '" + RcText(f.rc) +
         "' (" + std::to_string(f.rc) + "): call=" + std::to_string(f.call_id) + ", status='" +
         OpStatusText(f.op_status) + "', " + (f.reason.empty() ? "" : "exitreason='" + f.reason + "', ") +
         "last-rc-change='" + Ctime(std::chrono::system_clock::time_point(std::chrono::seconds(f.last_rc_change))) + "'";
}

std::string LastChangeText(const LastChange& c) {
  std::string text = c.time;
  if (!c.user.empty()) text += " by " + c.user;
  if (!c.client.empty()) text += " via " + c.client;
  if (!c.origin.empty()) text += " on " + c.origin;
  return text;
}

std::string NodeName(const NodeStatus& n) { return n.name.empty() ? std::to_string(n.id) : n.name; }

std::string ToXml(const ClusterStatus& s) {
  pugi::xml_document doc;
  pugi::xml_node root = doc.append_child("vigil-status");
  pugi::xml_node cluster = root.append_child("cluster");
  cluster.append_attribute("name") = s.cluster_name.c_str();
  cluster.append_attribute("version") = s.version.c_str();
  cluster.append_attribute("self") = s.self.c_str();
  cluster.append_attribute("now") =
      std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(s.now.time_since_epoch()).count()).c_str();
  if (!s.last_change.time.empty()) {
    pugi::xml_node change = root.append_child("last-change");
    change.append_attribute("time") = s.last_change.time.c_str();
    change.append_attribute("user") = s.last_change.user.c_str();
    change.append_attribute("client") = s.last_change.client.c_str();
    change.append_attribute("origin") = s.last_change.origin.c_str();
  }
  pugi::xml_node dc = root.append_child("dc");
  dc.append_attribute("name") = s.dc.c_str();
  dc.append_attribute("id") = std::to_string(s.dc_id).c_str();
  dc.append_attribute("term") = std::to_string(s.term).c_str();
  dc.append_attribute("this-node-acting") = s.acting ? "true" : "false";
  pugi::xml_node quorum = root.append_child("quorum");
  quorum.append_attribute("quorate") = s.quorate ? "true" : "false";
  quorum.append_attribute("waiting-for-all") = s.waiting_for_all ? "true" : "false";
  quorum.append_attribute("votes") = s.votes;
  quorum.append_attribute("expected") = s.expected_votes;
  quorum.append_attribute("needed") = s.quorum;
  pugi::xml_node nodes = root.append_child("nodes");
  for (const auto& n : s.nodes) {
    pugi::xml_node node = nodes.append_child("node");
    node.append_attribute("id") = std::to_string(n.id).c_str();
    node.append_attribute("name") = n.name.c_str();
    node.append_attribute("online") = n.online ? "true" : "false";
    node.append_attribute("standby") = n.standby ? "true" : "false";
    if (n.unclean) node.append_attribute("unclean") = "true";
  }
  pugi::xml_node resources = root.append_child("resources");
  resources.append_attribute("known") = s.resources_known ? "true" : "false";
  resources.append_attribute("symmetric") = s.symmetric ? "true" : "false";
  for (const auto& r : s.resources) {
    pugi::xml_node rsc = resources.append_child("resource");
    rsc.append_attribute("id") = r.id.c_str();
    rsc.append_attribute("agent") = r.agent.c_str();
    for (const auto& n : r.nodes) rsc.append_child("node").append_attribute("name") = n.c_str();
    if (!r.pending.empty()) rsc.append_attribute("pending") = r.pending.c_str();
    if (!r.group.empty()) rsc.append_attribute("group") = r.group.c_str();
    if (!r.clone.empty()) {
      rsc.append_attribute("clone") = r.clone.c_str();
      rsc.append_attribute("cloned") = r.cloned.c_str();
      rsc.append_attribute("unique") = r.unique ? "true" : "false";
      rsc.append_attribute("promotable") = r.promotable ? "true" : "false";
    }
    if (!r.role.empty()) rsc.append_attribute("role") = r.role.c_str();
    for (const auto& [name, flag] : {std::pair{"failed", r.failed}, std::pair{"blocked", r.blocked},
                                     std::pair{"managed", r.managed}, std::pair{"disabled", r.disabled},
                                     std::pair{"orphan", r.orphan}}) {
      rsc.append_attribute(name) = flag ? "true" : "false";
    }
  }
  pugi::xml_node failed = root.append_child("failed-actions");
  for (const auto& f : s.failed_actions) {
    pugi::xml_node a = failed.append_child("failed-action");
    a.append_attribute("rsc") = f.rsc.c_str();
    a.append_attribute("operation") = f.operation.c_str();
    a.append_attribute("interval") = std::to_string(f.interval_ms).c_str();
    a.append_attribute("node") = f.node.c_str();
    a.append_attribute("rc") = f.rc;
    a.append_attribute("op-status") = f.op_status;
    a.append_attribute("reason") = f.reason.c_str();
    a.append_attribute("last-rc-change") = std::to_string(f.last_rc_change).c_str();
    a.append_attribute("call-id") = f.call_id;
  }
  pugi::xml_node fencing = root.append_child("fence_history");
  for (const auto& f : s.fencing) {
    pugi::xml_node e = fencing.append_child("fence_event");
    for (const auto& [name, value] : {std::pair{"target", &f.target}, std::pair{"action", &f.action},
                                      std::pair{"status", &f.state}, std::pair{"delegate", &f.delegate},
                                      std::pair{"client", &f.client}, std::pair{"origin", &f.origin},
                                      std::pair{"devices", &f.devices}, std::pair{"exit-reason", &f.reason}}) {
      if (!value->empty()) e.append_attribute(name) = value->c_str();
    }
    e.append_attribute("when") = std::to_string(f.when).c_str();
  }
  pugi::xml_node counters = root.append_child("counters");
  for (const auto& [name, value] : s.counters) {
    pugi::xml_node c = counters.append_child("counter");
    c.append_attribute("name") = name.c_str();
    c.append_attribute("value") = std::to_string(value).c_str();
  }
  std::string out;
  struct Writer : pugi::xml_writer {
    std::string* out;
    void write(const void* data, size_t size) override { out->append(static_cast<const char*>(data), size); }
  } writer;
  writer.out = &out;
  doc.save(writer, "  ");
  return out;
}

Result<ClusterStatus> FromXml(std::string_view xml) {
  pugi::xml_document doc;
  const pugi::xml_parse_result parsed = doc.load_buffer(xml.data(), xml.size());
  if (!parsed) {
    return Status(StatusCode::kParseError, "status: offset " + std::to_string(parsed.offset) + ": " + parsed.description());
  }
  auto bad = [](const std::string& what) { return Status(StatusCode::kParseError, "status: " + what); };
  const pugi::xml_node root = doc.child("vigil-status");
  if (!root) return bad("no <vigil-status> element");
  ClusterStatus s;
  const pugi::xml_node cluster = root.child("cluster");
  int64_t now_ms = 0;
  if (!cluster || !Number(cluster, "now", now_ms)) return bad("<cluster> missing or without a numeric 'now'");
  s.cluster_name = cluster.attribute("name").value();
  s.version = cluster.attribute("version").value();
  s.self = cluster.attribute("self").value();
  s.now = std::chrono::system_clock::time_point(std::chrono::milliseconds(now_ms));
  if (const pugi::xml_node change = root.child("last-change")) {
    s.last_change = {change.attribute("time").value(), change.attribute("user").value(),
                     change.attribute("client").value(), change.attribute("origin").value()};
  }
  const pugi::xml_node dc = root.child("dc");
  if (!dc || !Number(dc, "id", s.dc_id) || !Number(dc, "term", s.term) || !Flag(dc, "this-node-acting", s.acting)) {
    return bad("<dc> missing or malformed");
  }
  s.dc = dc.attribute("name").value();
  const pugi::xml_node q = root.child("quorum");
  if (!q || !Flag(q, "quorate", s.quorate) || !Flag(q, "waiting-for-all", s.waiting_for_all) ||
      !Number(q, "votes", s.votes) || !Number(q, "expected", s.expected_votes) || !Number(q, "needed", s.quorum)) {
    return bad("<quorum> missing or malformed");
  }
  for (const pugi::xml_node n : root.child("nodes").children("node")) {
    NodeStatus node;
    if (!Number(n, "id", node.id) || !Flag(n, "online", node.online) || !Flag(n, "standby", node.standby)) {
      return bad("a <node> without a numeric id, online or standby flag");
    }
    if (!n.attribute("unclean").empty() && !Flag(n, "unclean", node.unclean)) {
      return bad("a <node> whose unclean flag is not true or false");
    }
    node.name = n.attribute("name").value();
    s.nodes.push_back(std::move(node));
  }
  const pugi::xml_node resources = root.child("resources");
  if (!resources || !Flag(resources, "known", s.resources_known)) return bad("<resources> missing or malformed");
  s.symmetric = std::string_view(resources.attribute("symmetric").value()) != "false";
  for (const pugi::xml_node r : resources.children("resource")) {
    ResourceStatus rsc;
    rsc.id = r.attribute("id").value();
    rsc.agent = r.attribute("agent").value();
    if (rsc.id.empty() || !Flag(r, "failed", rsc.failed) || !Flag(r, "blocked", rsc.blocked) ||
        !Flag(r, "managed", rsc.managed) || !Flag(r, "disabled", rsc.disabled) || !Flag(r, "orphan", rsc.orphan)) {
      return bad("a <resource> without an id or one of its flags");
    }
    for (const pugi::xml_node n : r.children("node")) rsc.nodes.push_back(n.attribute("name").value());
    rsc.pending = r.attribute("pending").value();
    rsc.group = r.attribute("group").value();
    rsc.clone = r.attribute("clone").value();
    rsc.cloned = r.attribute("cloned").value();
    rsc.unique = std::string_view(r.attribute("unique").value()) == "true";
    rsc.promotable = std::string_view(r.attribute("promotable").value()) == "true";
    rsc.role = r.attribute("role").value();
    if (!rsc.role.empty() && rsc.role != "Promoted" && rsc.role != "Unpromoted") {
      return bad("a <resource> whose role is neither Promoted nor Unpromoted");
    }
    if (!rsc.clone.empty() && rsc.cloned.empty()) return bad("a <resource> in a clone without what the clone clones");
    if (!rsc.pending.empty() && rsc.pending != "Starting" && rsc.pending != "Stopping") {
      return bad("a <resource> pending neither Starting nor Stopping");
    }
    s.resources.push_back(std::move(rsc));
  }
  for (const pugi::xml_node a : root.child("failed-actions").children("failed-action")) {
    FailedActionStatus f;
    f.rsc = a.attribute("rsc").value();
    f.operation = a.attribute("operation").value();
    f.node = a.attribute("node").value();
    f.reason = a.attribute("reason").value();
    if (f.rsc.empty() || !Number(a, "interval", f.interval_ms) || !Number(a, "rc", f.rc) ||
        !Number(a, "op-status", f.op_status) || !Number(a, "last-rc-change", f.last_rc_change) ||
        !Number(a, "call-id", f.call_id)) {
      return bad("a <failed-action> without a resource or a numeric field");
    }
    s.failed_actions.push_back(std::move(f));
  }
  for (const pugi::xml_node e : root.child("fence_history").children("fence_event")) {
    FenceStatus f;
    f.target = e.attribute("target").value();
    f.action = e.attribute("action").value();
    f.state = e.attribute("status").value();
    f.delegate = e.attribute("delegate").value();
    f.client = e.attribute("client").value();
    f.origin = e.attribute("origin").value();
    f.devices = e.attribute("devices").value();
    f.reason = e.attribute("exit-reason").value();
    if (f.target.empty() || f.action.empty() || !Number(e, "when", f.when) ||
        (f.state != "pending" && f.state != "successful" && f.state != "failed")) {
      return bad("a <fence_event> without a target, an action, a state or a numeric time");
    }
    s.fencing.push_back(std::move(f));
  }
  for (const pugi::xml_node c : root.child("counters").children("counter")) {
    uint64_t value = 0;
    if (!Number(c, "value", value) || c.attribute("name").empty()) return bad("a <counter> without a name or numeric value");
    s.counters[c.attribute("name").value()] = value;
  }
  return s;
}

std::string FenceTime(int64_t seconds) {
  const time_t t = static_cast<time_t>(seconds);
  struct tm local{};
  localtime_r(&t, &local);
  char buf[64];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &local);
  std::string out = buf;
  const long offset = local.tm_gmtoff;
  if (offset == 0) return out + "Z";
  const int minutes = static_cast<int>(std::labs(offset) / 60 % (24 * 60));
  char zone[16];
  std::snprintf(zone, sizeof zone, " %c%02d:%02d", offset < 0 ? '-' : '+', minutes / 60, minutes % 60);
  return out + zone;
}

std::string FenceText(const FenceStatus& f, bool full) {
  std::string out = f.action + " of " + f.target;
  const bool ended = f.state != "pending";
  if (ended && !f.delegate.empty()) out += " by " + f.delegate;
  out += " for " + f.client + "@" + f.origin;
  if (!full) out += " last";
  out += " " + f.state;
  if (f.state == "failed" && !f.reason.empty()) out += " (" + f.reason + ")";
  if (ended) out += " at " + FenceTime(f.when);
  return out;
}

std::string FenceDetail(const FenceStatus& f, bool full) {
  std::string out = f.action + " of " + f.target + " " + f.state;
  const bool ended = f.state != "pending";
  if (f.state == "failed" && !f.reason.empty()) out += " (" + f.reason + ")";
  out += ": ";
  if (ended && !f.delegate.empty()) out += "delegate=" + f.delegate + ", ";
  out += "client=" + f.client + ", origin=" + f.origin;
  if (ended) {
    out += std::string(full ? ", completed" : f.state == "failed" ? ", last-failed" : ", last-successful") + "='" +
           FenceTime(f.when) + "'";
  }
  return out;
}

std::vector<std::string> NodeListItems(const ClusterStatus& s) {
  std::vector<std::string> items;
  std::string online;
  std::string offline;
  for (const auto& n : s.nodes) {
    if (n.unclean) {
      items.push_back("Node " + NodeName(n) + ": UNCLEAN (offline)");
    } else if (n.online && n.standby) {
      items.push_back("Node " + NodeName(n) + ": standby");
    } else {
      (n.online ? online : offline) += " " + NodeName(n);
    }
  }
  if (!online.empty()) items.push_back("Online: [" + online + " ]");
  if (!offline.empty()) items.push_back("OFFLINE: [" + offline + " ]");
  return items;
}

std::string ResourceListText(const ClusterStatus& s, bool rsc_only) {
  std::string out;
  for (const ResourceBlock& b : Layout(s)) {
    switch (b.kind) {
      case ResourceBlock::Kind::kPrimitive: out += ResourceLine(*b.members.front(), s.resources_known, "  ", rsc_only); break;
      case ResourceBlock::Kind::kGroup: out += GroupBlock(b, s.resources_known, "  ", rsc_only); break;
      case ResourceBlock::Kind::kClone: out += CloneBlock(s, b, rsc_only); break;
    }
  }
  return out;
}

std::string FormatStatus(const ClusterStatus& s, bool verbose) {
  std::string out = "Cluster Summary:\n  * Stack: vigil\n  * Current DC: ";
  if (s.dc.empty() && s.dc_id == 0) {
    out += "NONE\n";
  } else {
    out += (s.dc.empty() ? std::to_string(s.dc_id) : s.dc) + " (version " + s.version + ") - partition " +
           (s.quorate ? "with" : "WITHOUT") + " quorum\n";
  }
  out += "  * Last updated: " + Ctime(s.now) + " on " + s.self + "\n";
  out += "  * Last change:  " + LastChangeText(s.last_change) + "\n";
  out += "  * " + std::to_string(s.nodes.size()) + " node" + (s.nodes.size() == 1 ? "" : "s") + " configured\n";
  size_t configured = 0;
  for (const auto& r : s.resources) configured += r.orphan ? 0 : 1;
  out += "  * " + std::to_string(configured) + " resource instance" + (configured == 1 ? "" : "s") +
         " configured\n\nNode List:\n";
  for (const auto& item : NodeListItems(s)) out += "  * " + item + "\n";
  out += "\nFull List of Resources:\n";
  if (s.resources.empty()) out += "  * No resources\n";
  out += ResourceListText(s, false);
  if (!s.failed_actions.empty()) {
    out += "\nFailed Resource Actions:\n";
    for (const auto& f : s.failed_actions) out += "  * " + (verbose ? FailedActionDetail(f) : FailedActionText(f)) + "\n";
  }
  // Fencing, as crm_mon shows it by default: what failed (unless a later attempt succeeded, which
  // it then says) and what is under way; the whole history when verbose.
  auto fence_list = [&](const char* title, auto&& shown, bool full) {
    std::string items;
    for (const auto& f : s.fencing) {
      if (!shown(f)) continue;
      std::string line = FenceText(f, full);
      if (f.state == "failed") {
        for (const auto& later : s.fencing) {
          if (later.target == f.target && later.action == f.action && later.state == "successful" && later.when >= f.when) {
            line += " (a later attempt from " + later.origin + " succeeded)";
            break;
          }
        }
      }
      items += "  * " + line + "\n";
    }
    if (!items.empty()) out += std::string("\n") + title + ":\n" + items;
  };
  fence_list("Failed Fencing Actions", [](const FenceStatus& f) { return f.state == "failed"; }, false);
  if (verbose) {
    fence_list("Fencing History", [](const FenceStatus& f) { return f.state != "failed"; }, true);
  } else {
    fence_list("Pending Fencing Actions", [](const FenceStatus& f) { return f.state == "pending"; }, false);
  }
  if (verbose) {
    out += "\nMembership:\n";
    out += "  * Cluster: " + s.cluster_name + ", this node: " + s.self + ", DC term " + std::to_string(s.term) + "\n";
    out += "  * Votes: " + std::to_string(s.votes) + " of " + std::to_string(s.expected_votes) + " expected, " +
           std::to_string(s.quorum) + " needed" + (s.waiting_for_all ? " (waiting for all nodes: wait_for_all)" : "") +
           "\n";
    out += "\nPackets:\n";
    for (const auto& [name, value] : s.counters) out += "  * " + name + ": " + std::to_string(value) + "\n";
  }
  return out;
}

}  // namespace vigil::control
