#include "cluster/daemon/crm_simulate.h"

#include <algorithm>
#include <ctime>
#include <fstream>
#include <iterator>
#include <optional>
#include <ostream>
#include <sstream>

#include "cluster/cib/cib.h"
#include "cluster/cib/score.h"
#include "cluster/control/cluster_status.h"
#include "cluster/daemon/resource_status.h"
#include "cluster/scheduler/scheduler.h"
#include "common/command_line.h"

namespace vigil::daemon {
namespace {

// The node list and the resources as crm_simulate prints a status: Pacemaker's nested lists
// under a title ("fancy"), or, as it prints them with --show-scores, bare: "[ n1 n2 ]" for the
// online nodes, then the offline ones, the resources without bullets and without the titles of
// groups and clones.
std::string StatusText(const control::ClusterStatus& s, bool fancy) {
  std::string nodes;
  for (std::string item : control::NodeListItems(s)) {
    // Bare, the members' lists go without their names.
    if (!fancy && item.ends_with(" ]")) item = item.substr(item.find('['));
    nodes += (fancy ? "    * " : "") + item + "\n";
  }
  const std::string resources = control::ResourceListText(s, false);
  if (fancy) {
    std::string indented;
    std::istringstream lines(resources);
    for (std::string line; std::getline(lines, line);) indented += "  " + line + "\n";
    return "  * Node List:\n" + nodes + "\n  * Full List of Resources:\n" +
           (resources.empty() ? std::string("    * No resources\n") : indented);
  }
  std::string bare;
  std::istringstream lines(resources);
  for (std::string line; std::getline(lines, line);) {
    const size_t at = line.find("* ");
    std::string item = line.substr(at + 2);
    if (item.starts_with("Resource Group: ") || item.starts_with("Clone Set: ")) continue;
    bare += item + "\n";
  }
  return nodes + "\n" + bare;
}

// The summary's lines as crm_simulate lays them out: the change in 8 columns, then the resource
// and the details each in a column as wide as the transition's lines need (the resource's widened
// to the id's length plus 2 whenever an id is longer than it, from 5; the details' to the
// longest), the details on the right.
std::vector<std::string> SummaryLines(const scheduler::Transition& t) {
  std::vector<std::string> out;
  for (const auto& f : t.fences) out.push_back(scheduler::SummaryTextWithDelay(f));
  size_t rsc_width = 5, detail_width = 5;
  for (const auto& line : t.summary) {
    if (line.rsc.size() > rsc_width) rsc_width = line.rsc.size() + 2;
    detail_width = std::max(detail_width, scheduler::SummaryDetails(line).size());
  }
  for (const auto& line : t.summary) {
    const std::string details = scheduler::SummaryDetails(line);
    std::string verb = line.verb;
    verb.resize(std::max<size_t>(verb.size(), 8), ' ');
    std::string rsc = line.rsc;
    rsc.resize(std::max(rsc.size(), rsc_width), ' ');
    std::string text = verb + "   " + rsc + "   ( " + std::string(detail_width - details.size(), ' ') + details + " )";
    if (!line.reason.empty()) {
      text += "  due to " + line.reason + (line.blocked ? " (blocked)" : "");
    } else if (line.blocked) {
      text += "  blocked";
    }
    out.push_back(text);
  }
  return out;
}

// The status after the transition: each primitive where its placement puts it, as it plans it.
control::ClusterStatus After(control::ClusterStatus s, const scheduler::Transition& t) {
  std::vector<control::ResourceStatus> kept;
  for (auto r : s.resources) {
    const auto p = std::find_if(t.placements.begin(), t.placements.end(), [&](const auto& pl) { return pl.rsc == r.id; });
    if (p == t.placements.end()) {
      if (r.orphan) continue;  // an orphan is stopped and forgotten
    } else {
      r.nodes = p->nodes;
      r.role = p->role;
    }
    r.failed = false;
    r.pending.clear();
    kept.push_back(std::move(r));
  }
  s.resources = std::move(kept);
  s.failed_actions.clear();
  return s;
}

}  // namespace

int CrmSimulate(const std::vector<std::string>& args, const std::function<Result<std::string>()>& live_cib,
                std::istream& in, std::ostream& out, std::ostream& err) {
  CLI::App app{"Pacemaker's crm_simulate over Vigil's scheduler: a CIB's status, scores and transition.", "crm_simulate"};
  ShapeCommandLine(app);
  bool live = false, pipe = false, scores = false, simulate = false, run = false, utilization = false;
  std::string file;
  int verbose = 0;
  app.add_flag("-L,--live-check", live, "the CIB vigild holds, its status included");
  app.add_option("-x,--xml-file", file, "a CIB file")->option_text("FILE");
  app.add_flag("-p,--xml-pipe", pipe, "a CIB on standard input");
  app.add_flag("-s,--show-scores", scores, "each primitive's allocation score on each node");
  app.add_flag("-U,--show-utilization", utilization, "each node's capacity, before the transition and what remains after it");
  app.add_flag("-S,--simulate", simulate, "the transition: its summary, its actions, the status after it");
  app.add_flag("-R,--run", run, "the transition's summary");
  app.add_flag("-V,--verbose", verbose, "(no more is said)");
  if (const int code = ParseCommandLine(app, args); code >= 0) return code == 2 ? 64 : code;
  if ((live ? 1 : 0) + (file.empty() ? 0 : 1) + (pipe ? 1 : 0) != 1) {
    err << "crm_simulate: say which CIB, once: -L (vigild's), -x FILE or -p (standard input)\n";
    return 64;
  }
  std::string xml;
  std::string source = "the CIB";
  if (live) {
    auto answer = live_cib();
    if (!answer.ok()) {
      err << "crm_simulate: " << answer.status().message() << "\n";
      return 69;
    }
    xml = std::move(*answer);
    source = "vigild's CIB";
  } else if (!file.empty()) {
    std::ifstream f(file);
    if (!f) {
      err << "crm_simulate: cannot read " << file << "\n";
      return 66;
    }
    xml.assign(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
    source = file;
  } else {
    xml.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  // The scheduler plans here as crm_simulate does: fences included.
  auto cib = cib::Cib::Parse(xml, source, 0, {.planning_only = true});
  if (!cib.ok()) {
    err << "crm_simulate: " << cib.status().message() << "\n";
    return 78;
  }
  const control::ClusterStatus now = StatusOfCib(cib->model());
  const bool fancy = !scores;
  // What will not be started or recovered, said first as Pacemaker says it.
  size_t configured = 0, disabled = 0, blocked = 0;
  for (const auto& r : now.resources) {
    configured += r.orphan ? 0 : 1;
    disabled += r.disabled ? 1 : 0;
    blocked += r.blocked ? 1 : 0;
  }
  if (disabled + blocked > 0) {
    out << disabled << " of " << configured << " resource instances DISABLED and " << blocked
        << " BLOCKED from further action due to failure\n\n";
  }
  out << (fancy ? "Current cluster status:\n" : "") << StatusText(now, fancy);
  if (!scores && !simulate && !run && !utilization) return 0;
  const auto scheduled =
      scheduler::Schedule(cib->model(), scheduler::SimulationOptions(static_cast<int64_t>(std::time(nullptr)), scores));
  if (!scheduled.ok()) {
    err << "crm_simulate: " << scheduled.status().message() << "\n";
    return 1;
  }
  const scheduler::Transition& t = *scheduled;
  // A node's capacities as Pacemaker lists them: " name=value" each, by name.
  auto capacity = [&](const char* when, const cib::Node& n, const cib::Attributes& left) {
    out << when << ": " << n.uname << " capacity:";
    for (const auto& [name, value] : left) out << " " << name << "=" << value;
    out << "\n";
  };
  if (scores || utilization) out << "\n";
  if (utilization) {
    for (const auto& n : cib->model().nodes) capacity("Original", n, n.utilization);
  }
  if (scores) {
    for (const auto& p : t.placements) {
      for (const auto& s : p.scores) {
        out << "pcmk__primitive_assign: " << p.rsc << " allocation score on " << s.node << ": " << cib::ScoreText(s.score) << "\n";
      }
    }
  }
  if (utilization) {
    // What is left of each capacity once the primitives placed there take theirs.
    for (const auto& n : cib->model().nodes) {
      cib::Attributes left = n.utilization;
      for (const auto& p : t.placements) {
        if (std::find(p.nodes.begin(), p.nodes.end(), n.uname) == p.nodes.end()) continue;
        const cib::Primitive* primitive = cib->model().FindPrimitive(cib::StripInstance(p.rsc));
        if (primitive == nullptr) continue;
        for (auto& [name, value] : left) {
          const auto used = primitive->utilization.find(name);
          if (used != primitive->utilization.end()) value = std::to_string(cib::LenientScore(value) - cib::LenientScore(used->second));
        }
      }
      capacity("Remaining", n, left);
    }
  }
  const std::vector<std::string> summary = SummaryLines(t);
  out << (fancy ? "\nTransition Summary:\n" : "\n");
  for (const auto& line : summary) out << (fancy ? "  * " : "") << line << "\n";
  if (!simulate) return 0;
  out << (fancy ? "\nExecuting Cluster Transition:\n" : "\n");
  for (const auto& f : t.fences) out << (fancy ? "  * " : "") << "Fencing " << f.node << " (" << f.action << ")\n";
  for (const auto& a : t.actions) {
    // An anonymous clone's instance acts under its primitive's name.
    std::string rsc = a.rsc;
    for (const auto& r : now.resources) {
      if (r.id == a.rsc && !r.clone.empty() && !r.unique) rsc = cib::StripInstance(a.rsc);
    }
    rsc.resize(std::max<size_t>(rsc.size(), 15), ' ');
    out << (fancy ? "  * " : "") << "Resource action: " << rsc << " " << scheduler::ActionName(a.kind) << " on " << a.node << "\n";
  }
  out << (fancy ? "\nRevised Cluster Status:\n" : "\n") << StatusText(After(now, t), fancy);
  return 0;
}

}  // namespace vigil::daemon
