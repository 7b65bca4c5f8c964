#include "cluster/control/crm_mon_output.h"

#include <pugixml.hpp>

#include <algorithm>
#include <ctime>
#include <nlohmann/json.hpp>
#include <sstream>

namespace vigil::control {
namespace {

// crm_mon 2.1's result API version.
constexpr const char* kApiVersion = "2.25";

const char* Bool(bool b) { return b ? "true" : "false"; }

// Sets the attributes in order (crm_mon's order).
void Attributes(pugi::xml_node n, std::initializer_list<std::pair<const char*, std::string>> attributes) {
  for (const auto& [name, value] : attributes) n.append_attribute(name) = value.c_str();
}

std::string UtcOf(std::time_t seconds) {
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[64];
  std::strftime(text, sizeof text, "%Y-%m-%d %H:%M:%SZ", &utc);
  return text;
}

std::string NodeId(const ClusterStatus& s, const std::string& name) {
  for (const auto& n : s.nodes) {
    if (n.name == name) return std::to_string(n.id);
  }
  return "";
}

void Build(const ClusterStatus& s, const std::string& request, pugi::xml_document& doc) {
  pugi::xml_node root = doc.append_child("pacemaker-result");
  Attributes(root, {{"api-version", kApiVersion}, {"request", request}});
  pugi::xml_node summary = root.append_child("summary");
  Attributes(summary.append_child("stack"), {{"type", "vigil"}});
  pugi::xml_node dc = summary.append_child("current_dc");
  if (s.dc_id == 0) {
    Attributes(dc, {{"present", "false"}});
  } else {
    Attributes(dc, {{"present", "true"},
                    {"version", s.version},
                    {"name", s.dc},
                    {"id", std::to_string(s.dc_id)},
                    {"with_quorum", Bool(s.quorate)},
                    {"mixed_version", "false"}});
  }
  Attributes(summary.append_child("last_update"), {{"time", Ctime(s.now)}});
  // Required with last_update by crm_mon's schema; empty fields where the CIB has no stamp.
  Attributes(summary.append_child("last_change"), {{"time", s.last_change.time},
                                                   {"user", s.last_change.user},
                                                   {"client", s.last_change.client},
                                                   {"origin", s.last_change.origin}});
  Attributes(summary.append_child("nodes_configured"), {{"number", std::to_string(s.nodes.size())}});
  const auto count = [&](auto predicate) {
    return std::to_string(std::count_if(s.resources.begin(), s.resources.end(), predicate));
  };
  Attributes(summary.append_child("resources_configured"),
             {{"number", std::to_string(s.resources.size())},
              {"disabled", count([](const ResourceStatus& r) { return r.disabled; })},
              {"blocked", count([](const ResourceStatus& r) { return r.blocked; })}});

  pugi::xml_node nodes = root.append_child("nodes");
  for (const auto& n : s.nodes) {
    const std::string name = NodeName(n);
    const auto running = count([&](const ResourceStatus& r) {
      return std::find(r.nodes.begin(), r.nodes.end(), name) != r.nodes.end();
    });
    Attributes(nodes.append_child("node"), {{"name", name},
                                            {"id", std::to_string(n.id)},
                                            {"online", Bool(n.online)},
                                            {"standby", Bool(n.standby)},
                                            {"standby_onfail", "false"},
                                            {"maintenance", "false"},
                                            {"pending", "false"},
                                            {"unclean", Bool(n.unclean)},
                                            {"health", "green"},
                                            {"shutdown", "false"},
                                            {"expected_up", Bool(n.online || n.unclean)},
                                            {"is_dc", Bool(s.dc_id != 0 && n.id == s.dc_id)},
                                            {"resources_running", running},
                                            {"type", "member"}});
  }

  pugi::xml_node resources = root.append_child("resources");
  auto primitive = [&](pugi::xml_node parent, const ResourceStatus& r) {
    pugi::xml_node rsc = parent.append_child("resource");
    const bool active = !r.nodes.empty();
    Attributes(rsc, {{"id", InstanceName(r)}, {"resource_agent", r.agent}});
    // Unknown (no DC): the role is not known either.
    rsc.append_attribute("role") = !s.resources_known ? "Unknown"
                                   : !r.pending.empty() ? r.pending.c_str()
                                   : !active           ? "Stopped"
                                   : !r.role.empty()   ? r.role.c_str()
                                                       : "Started";
    if (r.disabled) rsc.append_attribute("target_role") = "Stopped";
    Attributes(rsc, {{"active", Bool(active)},
                     {"orphaned", Bool(r.orphan)},
                     {"blocked", Bool(r.blocked)},
                     {"managed", Bool(r.managed)},
                     {"failed", Bool(r.failed)},
                     {"failure_ignored", "false"},
                     {"nodes_running_on", std::to_string(r.nodes.size())}});
    for (const auto& n : r.nodes) {
      Attributes(rsc.append_child("node"), {{"name", n}, {"id", NodeId(s, n)}, {"cached", "true"}});
    }
  };
  auto group = [&](pugi::xml_node parent, const ResourceBlock& g) {
    pugi::xml_node x = parent.append_child("group");
    const bool unmanaged = std::all_of(g.members.begin(), g.members.end(), [](auto* r) { return !r->managed; });
    const bool disabled = std::all_of(g.members.begin(), g.members.end(), [](auto* r) { return r->disabled; });
    Attributes(x, {{"id", g.id},
                   {"number_resources", std::to_string(g.members.size())},
                   {"managed", Bool(!unmanaged)},
                   {"disabled", Bool(disabled)}});
    for (const ResourceStatus* r : g.members) primitive(x, *r);
  };
  for (const ResourceBlock& b : Layout(s)) {
    if (b.kind == ResourceBlock::Kind::kPrimitive) {
      primitive(resources, *b.members.front());
    } else if (b.kind == ResourceBlock::Kind::kGroup) {
      group(resources, b);
    } else {
      std::vector<const ResourceStatus*> all;
      for (const auto& i : b.instances) all.insert(all.end(), i.members.begin(), i.members.end());
      pugi::xml_node clone = resources.append_child("clone");
      Attributes(clone, {{"id", b.id},
                         {"multi_state", Bool(all.front()->promotable)},
                         {"unique", Bool(all.front()->unique)},
                         {"managed", Bool(!std::all_of(all.begin(), all.end(), [](auto* r) { return !r->managed; }))},
                         {"disabled", Bool(std::all_of(all.begin(), all.end(), [](auto* r) { return r->disabled; }))},
                         // The clone's own flag, which crm_mon 2.1 leaves false when an instance failed.
                         {"failed", "false"},
                         {"failure_ignored", "false"}});
      if (std::all_of(all.begin(), all.end(), [](auto* r) { return r->disabled; })) {
        clone.append_attribute("target_role") = "Stopped";
      }
      for (const auto& i : b.instances) {
        if (i.kind == ResourceBlock::Kind::kGroup) {
          group(clone, i);
        } else {
          primitive(clone, *i.members.front());
        }
      }
    }
  }

  if (!s.failed_actions.empty()) {
    // Only when there are any, as crm_mon.
    pugi::xml_node failures = root.append_child("failures");
    for (const auto& f : s.failed_actions) {
      Attributes(failures.append_child("failure"),
                 {{"op_key", f.rsc + "_" + f.operation + "_" + std::to_string(f.interval_ms)},
                  {"node", f.node},
                  {"exitstatus", RcText(f.rc)},
                  {"exitreason", f.reason},
                  {"exitcode", std::to_string(f.rc)},
                  {"call", std::to_string(f.call_id)},
                  {"status", OpStatusText(f.op_status)},
                  {"last-rc-change", UtcOf(static_cast<std::time_t>(f.last_rc_change))},
                  {"queued", "0"},
                  {"exec", "0"},
                  {"interval", std::to_string(f.interval_ms)},
                  {"task", f.operation}});
    }
  }
  if (!s.fencing.empty()) {
    // As crm_mon's fence_event: status success, failed (with its exit-reason) or pending; the
    // time as crm_mon writes it.
    pugi::xml_node history = root.append_child("fence_history");
    for (const auto& f : s.fencing) {
      pugi::xml_node e = history.append_child("fence_event");
      Attributes(e, {{"action", f.action}, {"target", f.target}, {"client", f.client}, {"origin", f.origin},
                     {"status", f.state == "successful" ? "success" : f.state}});
      if (f.state == "failed") Attributes(e, {{"exit-reason", f.reason}});
      if (!f.delegate.empty()) Attributes(e, {{"delegate", f.delegate}});
      if (f.state != "pending") Attributes(e, {{"completed", FenceTime(f.when)}});
    }
  }
  Attributes(root.append_child("status"), {{"code", "0"}, {"message", "OK"}});
}

// An element as JSON: an object of its attributes and its children by name. The lists (nodes,
// resources, failures, and the nodes a resource runs on) are arrays, also when they hold one.
nlohmann::ordered_json Json(pugi::xml_node n) {
  nlohmann::ordered_json out = nlohmann::ordered_json::object();
  for (const pugi::xml_attribute a : n.attributes()) out[a.name()] = a.value();
  const bool resource = std::string_view(n.name()) == "resource";
  for (const pugi::xml_node child : n.children()) {
    const std::string_view name = child.name();
    if (name == "nodes" || name == "resources" || name == "failures" || name == "fence_history") {
      auto& list = out[child.name()] = nlohmann::ordered_json::array();
      for (const pugi::xml_node item : child.children()) list.push_back(Json(item));
    } else if (resource && name == "node") {
      auto& list = out["nodes"];
      if (list.is_null()) list = nlohmann::ordered_json::array();
      list.push_back(Json(child));
    } else {
      out[child.name()] = Json(child);
    }
  }
  return out;
}

}  // namespace

std::string CrmMonXml(const ClusterStatus& status, const std::string& request) {
  pugi::xml_document doc;
  Build(status, request, doc);
  std::ostringstream out;
  doc.save(out, "  ", pugi::format_indent | pugi::format_no_declaration);
  return out.str();
}

std::string CrmMonJson(const ClusterStatus& status, const std::string& request) {
  pugi::xml_document doc;
  Build(status, request, doc);
  // An agent's exit reason may be cut inside a UTF-8 character, or not be UTF-8 at all: such
  // bytes become U+FFFD rather than an exception.
  return Json(doc.document_element()).dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

}  // namespace vigil::control
