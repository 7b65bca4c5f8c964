// What a scheduler run comes to, as the corpus tests compare it: where each primitive ends up, the
// transition summary (to the reason's words) and every allocation score; read from crm_simulate's
// XML or from `vigil simulate --scores`, and kept beside each CIB of tests/cluster/scheduler/cases as
// NAME.expected (what crm_simulate said; tests/cluster/scheduler/refresh_expected.sh writes them).
#pragma once

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <pugixml.hpp>

namespace vigil::testing {

inline const std::filesystem::path kSchedulerCases = std::filesystem::path(VIGIL_TEST_SOURCE_DIR) / "cluster/scheduler/cases";

struct Outcome {
  std::map<std::string, std::string> placement;  // rsc → node or "Stopped"
  std::vector<std::string> summary;              // "Verb rsc (details)[ blocked]"
  std::set<std::string> scores;                  // "rsc node score"
  // priority-fencing-delay where it applies to a fence: node → seconds.
  std::map<std::string, int> fence_delays;
};

// The verb, the resource, the nodes, the reason ("due to ...") and whether a start is blocked.
inline std::string SummaryKey(const std::string& verb, const std::string& rsc, const std::string& details,
                       const std::string& reason, bool blocked) {
  return verb + " " + rsc + " (" + details + ")" + (reason.empty() ? "" : " due to " + reason) +
         (blocked ? " blocked" : "");
}

// vigil's "Start ip (node1) due to x (blocked)", or "... blocked" without a reason; a fence line
// ("Fence (reboot) node1 'reason'") as it is.
inline std::string NormalizeSummary(const std::string& line) {
  if (line.rfind("Fence (", 0) == 0) return line;
  static const std::regex kLine(R"(^([\w-]+) (\S+) \((.*?)\)(?: due to (.*?))?( \(blocked\)| blocked)?$)");
  std::smatch m;
  if (!std::regex_match(line, m, kLine)) return "unparsed: " + line;
  return SummaryKey(m[1].str(), m[2].str(), m[3].str(), m[4].str(), m[5].matched);
}

// "d:2" → "d"; any other id as it is.
inline std::string StripInstance(const std::string& id) {
  static const std::regex kInstance(R"(^(.*):[0-9]+$)");
  std::smatch m;
  return std::regex_match(id, m, kInstance) ? m[1].str() : id;
}

// Each scheduler numbers a clone's instances its own way, so instances are compared as a set:
// the placement of "d" is every node an instance of d runs on (sorted), the summary names "d"
// (runs of lines for one clone's instances sorted), and the scores of d are the set of each
// instance's score table.
inline void NormalizeInstances(Outcome& o, const std::map<std::string, std::vector<std::string>>& instance_nodes) {
  for (const auto& [base, nodes] : instance_nodes) {
    std::vector<std::string> sorted = nodes;
    std::sort(sorted.begin(), sorted.end());
    std::string where;
    for (const auto& n : sorted) where += (where.empty() ? "" : ",") + n;
    o.placement[base] = where.empty() ? "Stopped" : where;
  }
  static const std::regex kLine(R"(^([\w-]+) (\S+) (.*)$)");
  std::vector<std::string> summary;
  std::string run_base;
  size_t run_start = 0;
  for (const auto& line : o.summary) {
    std::smatch m;
    std::string base;
    std::string text = line;
    if (std::regex_match(line, m, kLine) && StripInstance(m[2].str()) != m[2].str()) {
      base = StripInstance(m[2].str());
      text = m[1].str() + " " + base + " " + m[3].str();
    }
    if (base.empty() || base != run_base) {
      std::sort(summary.begin() + static_cast<long>(run_start), summary.end());
      run_start = summary.size();
    }
    run_base = base;
    summary.push_back(text);
  }
  std::sort(summary.begin() + static_cast<long>(run_start), summary.end());
  o.summary = summary;
  std::map<std::string, std::set<std::string>> tables;  // instance → "node=score"
  std::set<std::string> scores;
  for (const auto& line : o.scores) {
    const size_t space = line.find(' ');
    const std::string id = line.substr(0, space);
    if (StripInstance(id) == id) {
      scores.insert(line);
      continue;
    }
    const std::string rest = line.substr(space + 1);
    tables[id].insert(rest.substr(0, rest.find(' ')) + "=" + rest.substr(rest.find(' ') + 1));
  }
  std::map<std::string, std::vector<std::string>> by_base;
  for (const auto& [id, table] : tables) {
    std::string text;
    for (const auto& entry : table) text += (text.empty() ? "" : " ") + entry;
    by_base[StripInstance(id)].push_back("{" + text + "}");
  }
  for (auto& [base, list] : by_base) {
    std::sort(list.begin(), list.end());
    std::string text = base;
    for (const auto& t : list) text += " " + t;
    scores.insert(text);
  }
  o.scores = scores;
}

// The priority-fencing-delay of each fence in crm_simulate's transition graph (-G FILE): where
// the scheduler gave the fence CRM_meta_priority_fencing_delay.
inline void AddGraphFenceDelays(Outcome& o, const std::string& graph) {
  pugi::xml_document doc;
  if (!doc.load_string(graph.c_str())) return;
  for (const auto e : doc.select_nodes("//crm_event[@operation='stonith']")) {
    const auto delay = e.node().child("attributes").attribute("CRM_meta_priority_fencing_delay");
    if (delay) o.fence_delays[e.node().attribute("on_node").value()] = delay.as_int();
  }
}

// The details of a summary line as crm_simulate's text shows them, from its XML form: the nodes,
// and for an instance of a promotable clone its roles ("Unpromoted -> Promoted node2").
inline std::string ActionDetails(const pugi::xml_node& a) {
  const std::string node = a.attribute("node").value();
  const std::string source = a.attribute("source").value();
  const std::string dest = a.attribute("dest").value();
  const std::string role = a.attribute("role").value();
  const std::string next = a.attribute("next-role").value();
  if (role.empty()) {
    if (!node.empty()) return node;
    return dest.empty() ? source : source + " -> " + dest;
  }
  if (!node.empty()) return role + " " + node;                      // stopping
  if (next.empty()) return dest.empty() ? role + " " + source : source + " -> " + dest + " " + role;
  if (source.empty()) return role + " -> " + next + " " + dest;     // starting and promoting
  if (dest.empty()) return role + " -> " + next + " " + source;     // promoting or demoting
  return role + " " + source + " -> " + next + " " + dest;
}

// crm_simulate --output-as=xml: allocations, actions (the summary) and the revised status.
inline Outcome ParseCrmSimulate(const std::string& out) {
  Outcome o;
  pugi::xml_document doc;
  if (!doc.load_string(out.c_str())) return o;
  const auto result = doc.child("pacemaker-result");
  for (const auto w : result.child("allocations").children("node_weight")) {
    if (std::string_view(w.attribute("function").value()) != "pcmk__primitive_assign") continue;
    o.scores.insert(std::string(w.attribute("id").value()) + " " + w.attribute("node").value() +
                    " " + w.attribute("score").value());
  }
  // The nodes to fence first (node_action), in crm_simulate's text form.
  for (const auto a : result.child("actions").children("node_action")) {
    o.summary.push_back(std::string(a.attribute("task").value()) + " " + a.attribute("node").value() + " '" +
                        a.attribute("reason").value() + "'");
  }
  for (const auto a : result.child("actions").children("rsc_action")) {
    std::string verb = a.attribute("action").value();
    if (!verb.empty()) verb[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(verb[0])));
    o.summary.push_back(SummaryKey(verb, a.attribute("resource").value(), ActionDetails(a),
                                   a.attribute("reason").value(), a.attribute("blocked").as_bool()));
  }
  auto place = [&](const pugi::xml_node& r) {
    std::string where;
    for (const auto n : r.children("node")) where += (where.empty() ? "" : ",") + std::string(n.attribute("name").value());
    o.placement[r.attribute("id").value()] = where.empty() ? "Stopped" : where;
  };
  // A group's members are primitives like the rest: one line each. A clone's instances count
  // as a set (NormalizeInstances); its orphaned instances, which crm_simulate lists stopped, not.
  std::map<std::string, std::vector<std::string>> instance_nodes;
  auto place_instance = [&](const pugi::xml_node& r) {
    if (r.attribute("orphaned").as_bool()) return;
    auto& nodes = instance_nodes[StripInstance(r.attribute("id").value())];
    const bool promoted = std::string_view(r.attribute("role").value()) == "Promoted";
    for (const auto n : r.children("node")) nodes.push_back(n.attribute("name").value() + std::string(promoted ? " Promoted" : ""));
  };
  for (const auto r : result.child("revised_cluster_status").child("resources").children()) {
    const std::string_view kind = r.name();
    if (kind == "resource") place(r);
    if (kind == "group") {
      for (const auto member : r.children("resource")) place(member);
    }
    if (kind == "clone") {
      for (const auto instance : r.children()) {
        if (std::string_view(instance.name()) == "resource") place_instance(instance);
        if (std::string_view(instance.name()) == "group") {
          for (const auto member : instance.children("resource")) place_instance(member);
        }
      }
    }
  }
  NormalizeInstances(o, instance_nodes);
  return o;
}

inline Outcome ParseVigil(const std::string& out) {
  Outcome o;
  std::map<std::string, std::vector<std::string>> instance_nodes;
  std::istringstream in(out);
  std::string line;
  int block = 0;
  static const std::regex kScore(R"(^(\S+) allocation score on (\S+): (\S+)$)");
  while (std::getline(in, line)) {
    if (line.empty()) {
      ++block;
      continue;
    }
    std::smatch m;
    if (std::regex_match(line, m, kScore)) {
      o.scores.insert(m[1].str() + " " + m[2].str() + " " + m[3].str());
    } else if (block == 0) {
      const auto tab = line.find('\t');
      const std::string id = line.substr(0, tab);
      std::string where = tab == std::string::npos ? "" : line.substr(tab + 1);
      // An instance of a promotable clone: "node<TAB>Promoted" (or Unpromoted).
      std::string role;
      if (const auto second = where.find('\t'); second != std::string::npos) {
        role = where.substr(second + 1);
        where.resize(second);
      }
      if (StripInstance(id) != id) {
        auto& nodes = instance_nodes[StripInstance(id)];
        if (where != "Stopped") nodes.push_back(where + (role == "Promoted" ? " Promoted" : ""));
      } else {
        o.placement[id] = where;
      }
    } else {
      // A fence's priority-fencing-delay follows its summary line: "... 'reason' priority-fencing-delay=15s".
      static const std::regex kDelay(R"(^(Fence \(\w+\) (\S+) '.*') priority-fencing-delay=(\d+)s$)");
      if (std::regex_match(line, m, kDelay)) {
        o.fence_delays[m[2].str()] = std::stoi(m[3].str());
        line = m[1].str();
      }
      o.summary.push_back(NormalizeSummary(line));
    }
  }
  NormalizeInstances(o, instance_nodes);
  return o;
}

inline std::string Join(const std::vector<std::string>& lines) {
  std::string s;
  for (const auto& l : lines) s += "  " + l + "\n";
  return s;
}

inline std::string Join(const std::set<std::string>& lines) {
  return Join(std::vector<std::string>(lines.begin(), lines.end()));
}

// One line per fact, sorted within its kind: "placement RSC WHERE", "summary LINE" (in order),
// "score RSC NODE SCORE".
inline std::string ExpectedText(const Outcome& o) {
  std::string out;
  for (const auto& [rsc, where] : o.placement) out += "placement " + rsc + " " + where + "\n";
  for (const auto& line : o.summary) out += "summary " + line + "\n";
  for (const auto& score : o.scores) out += "score " + score + "\n";
  for (const auto& [node, delay] : o.fence_delays) out += "fence-delay " + node + " " + std::to_string(delay) + "\n";
  return out;
}

inline Outcome FromExpectedText(const std::string& text) {
  Outcome o;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("placement ", 0) == 0) {
      const std::string rest = line.substr(10);
      const size_t space = rest.find(' ');
      o.placement[rest.substr(0, space)] = space == std::string::npos ? "" : rest.substr(space + 1);
    } else if (line.rfind("summary ", 0) == 0) {
      o.summary.push_back(line.substr(8));
    } else if (line.rfind("score ", 0) == 0) {
      o.scores.insert(line.substr(6));
    } else if (line.rfind("fence-delay ", 0) == 0) {
      const std::string rest = line.substr(12);
      const size_t space = rest.find(' ');
      o.fence_delays[rest.substr(0, space)] = std::atoi(rest.c_str() + space + 1);
    }
  }
  return o;
}

// The corpus's cases, by name (NAME.xml).
inline std::vector<std::string> SchedulerCases() {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(kSchedulerCases)) {
    if (entry.path().extension() == ".xml") names.push_back(entry.path().stem().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

inline std::string CaseTestName(const std::string& name) {
  std::string out = name;
  for (auto& c : out) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return out;
}

}  // namespace vigil::testing
