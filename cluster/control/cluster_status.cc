#include "cluster/control/cluster_status.h"

#include <pugixml.hpp>

#include <charconv>
#include <ctime>

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

std::string NodeName(const NodeStatus& n) { return n.name.empty() ? std::to_string(n.id) : n.name; }

std::string Ctime(std::chrono::system_clock::time_point t) {
  const std::time_t seconds = std::chrono::system_clock::to_time_t(t);
  std::tm local{};
  localtime_r(&seconds, &local);
  char text[64];
  std::strftime(text, sizeof text, "%a %b %e %H:%M:%S %Y", &local);
  return text;
}

}  // namespace

std::string ToXml(const ClusterStatus& s) {
  pugi::xml_document doc;
  pugi::xml_node root = doc.append_child("vigil-status");
  pugi::xml_node cluster = root.append_child("cluster");
  cluster.append_attribute("name") = s.cluster_name.c_str();
  cluster.append_attribute("version") = s.version.c_str();
  cluster.append_attribute("self") = s.self.c_str();
  cluster.append_attribute("now") =
      std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(s.now.time_since_epoch()).count()).c_str();
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
    if (!Number(n, "id", node.id) || !Flag(n, "online", node.online)) return bad("a <node> without a numeric id or online flag");
    node.name = n.attribute("name").value();
    s.nodes.push_back(std::move(node));
  }
  for (const pugi::xml_node c : root.child("counters").children("counter")) {
    uint64_t value = 0;
    if (!Number(c, "value", value) || c.attribute("name").empty()) return bad("a <counter> without a name or numeric value");
    s.counters[c.attribute("name").value()] = value;
  }
  return s;
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
  out += "  * " + std::to_string(s.nodes.size()) + " node" + (s.nodes.size() == 1 ? "" : "s") + " configured\n";
  out += "  * 0 resource instances configured\n\nNode List:\n";
  std::string online;
  std::string offline;
  for (const auto& n : s.nodes) (n.online ? online : offline) += " " + NodeName(n);
  if (!online.empty()) out += "  * Online: [" + online + " ]\n";
  if (!offline.empty()) out += "  * OFFLINE: [" + offline + " ]\n";
  out += "\nFull List of Resources:\n  * No resources\n";
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
