#include "cluster/scheduler/simulate_cli.h"

#include <cstdio>
#include <ctime>

#include "cluster/cib/cib.h"
#include "cluster/cib/score.h"
#include "cluster/scheduler/scheduler.h"
#include "common/command_line.h"
#include "common/huge_heap.h"

namespace vigil {

int SimulateCommand(const std::vector<std::string>& args) {
  CLI::App app{
      "Runs the scheduler on a CIB (Pacemaker's XML; the status section gives membership, quorum\n"
      "and what runs where) and prints, for the state after the transition:\n"
      "  one line per primitive, sorted by id: <id><TAB><node or Stopped> (nodes joined by\n"
      "  commas when it stays active on several), and a third field Promoted or Unpromoted for an\n"
      "  instance of a promotable clone,\n"
      "  then the transition's actions in crm_simulate's words (the nodes to fence first, as\n"
      "  \"Fence (reboot) NODE 'REASON'\", followed by \" priority-fencing-delay=Ns\" where that\n"
      "  option applies to the fence, then Start, Stop, Move, Migrate, Recover, Restart,\n"
      "  Promote, Demote, Re-promote), and with --scores every resource's allocation score on\n"
      "  every node.",
      "vigil simulate"};
  ShapeCommandLine(app);
  std::string file;
  bool scores = false;
  app.add_option("CIB", file, "the CIB file")->required()->option_text("CIB.xml");
  app.add_flag("-s,--scores", scores, "also every allocation score");
  if (const int code = ParseCommandLine(app, args); code >= 0) return code;
  // A big CIB is read and scheduled once, all at once: its heap in huge pages (page faults were
  // a third of the time on 1,000 resources × 32 nodes).
  PreferHugePagesForHeap(size_t{256} << 20);
  // The scheduler plans fences here, as crm_simulate does, no-quorum-policy=suicide's too, and
  // reads the fencing options vigild refuses (ReadOptions::planning_only).
  auto cib = cib::Cib::Load(file, {.planning_only = true});
  if (!cib.ok()) {
    std::fprintf(stderr, "vigil simulate: %s\n", cib.status().message().c_str());
    return 1;
  }
  const auto scheduled =
      scheduler::Schedule(cib->model(), scheduler::SimulationOptions(static_cast<int64_t>(std::time(nullptr)), scores));
  if (!scheduled.ok()) {
    std::fprintf(stderr, "vigil simulate: %s: %s\n", file.c_str(), scheduled.status().message().c_str());
    return 1;
  }
  const scheduler::Transition& t = *scheduled;
  std::string out;
  for (const auto& p : t.placements) {
    std::string where;
    for (const auto& n : p.nodes) where += (where.empty() ? "" : ",") + n;
    out += p.rsc + "\t" + (where.empty() ? "Stopped" : where) + (p.role.empty() ? "" : "\t" + p.role) + "\n";
  }
  if (!t.summary.empty() || !t.fences.empty()) out += "\n";
  for (const auto& f : t.fences) out += scheduler::SummaryTextWithDelay(f) + "\n";
  for (const auto& l : t.summary) out += scheduler::SummaryText(l) + "\n";
  if (scores) {
    out += "\n";
    for (const auto& p : t.placements) {
      for (const auto& s : p.scores) {
        out += p.rsc + " allocation score on " + s.node + ": " + cib::ScoreText(s.score) + "\n";
      }
    }
  }
  std::fputs(out.c_str(), stdout);
  return 0;
}

}  // namespace vigil
