// Failover on real vigild in network namespaces (root):
//
//   failover_bench NODES [RUNS] [TOKEN_MS] [--promotable]
//     A cluster of NODES (2: with two_node) running one ocf:heartbeat:Dummy (resource-agents'
//     script) with a 10 s monitor. Each run kills the vigild of the node that runs it with
//     SIGKILL and measures the time until the Dummy's state file exists on a survivor, that is
//     until its start there has finished (the survivors' directories polled every 0.5 ms). The
//     killed node is then restarted and the cluster settles before the next run. At the end,
//     the resident memory (VmRSS) of each node's vigild and of its executor child.
//     With --promotable, Pacemaker's ocf:pacemaker:Stateful as a promotable clone instead (an
//     instance on every node, one promoted; monitors every 10 s and 11 s by role): each run kills
//     the promoted node's vigild and measures the time until a survivor's instance says it is
//     promoted (its state file reads "Promoted").
#include <algorithm>
#include <cstdio>
#include <fstream>
#include <regex>

#include "bench/stats.h"
#include "tests/support/vigild_cluster.h"

namespace vigil::testing {
namespace {

using Clock = std::chrono::steady_clock;

const char* kCib =
    "<cib crm_feature_set=\"3.16.1\" validate-with=\"pacemaker-3.9\" admin_epoch=\"0\" epoch=\"0\" num_updates=\"0\">"
    "<configuration><crm_config><cluster_property_set id=\"cib-bootstrap-options\">"
    "<nvpair id=\"opt-stonith\" name=\"stonith-enabled\" value=\"false\"/>"
    "</cluster_property_set></crm_config><nodes/><resources>"
    "<primitive id=\"d1\" class=\"ocf\" provider=\"heartbeat\" type=\"Dummy\"><operations>"
    "<op id=\"d1-monitor-10s\" name=\"monitor\" interval=\"10s\" timeout=\"20s\"/>"
    "</operations></primitive></resources><constraints/></configuration><status/></cib>";

// A process's VmRSS in KiB, or -1.
long RssKib(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  }
  return -1;
}

// The pid of the executor child vigild started last, from its log.
pid_t ExecutorChild(const std::string& log) {
  const std::regex started("executor child started \\(pid ([0-9]+)\\)");
  pid_t pid = -1;
  for (auto it = std::sregex_iterator(log.begin(), log.end(), started); it != std::sregex_iterator(); ++it) {
    pid = std::stoi((*it)[1]);
  }
  return pid;
}

const char* kPromotableCib =
    "<cib crm_feature_set=\"3.16.1\" validate-with=\"pacemaker-3.9\" admin_epoch=\"0\" epoch=\"0\" num_updates=\"0\">"
    "<configuration><crm_config><cluster_property_set id=\"cib-bootstrap-options\">"
    "<nvpair id=\"opt-stonith\" name=\"stonith-enabled\" value=\"false\"/>"
    "</cluster_property_set></crm_config><nodes/><resources>"
    "<clone id=\"ms\"><meta_attributes id=\"ms-m\"><nvpair id=\"ms-p\" name=\"promotable\" value=\"true\"/>"
    "</meta_attributes><primitive id=\"st\" class=\"ocf\" provider=\"pacemaker\" type=\"Stateful\"><operations>"
    "<op id=\"st-mp\" name=\"monitor\" interval=\"10s\" role=\"Promoted\" timeout=\"20s\"/>"
    "<op id=\"st-mu\" name=\"monitor\" interval=\"11s\" role=\"Unpromoted\" timeout=\"20s\"/>"
    "</operations></primitive></clone></resources><constraints/></configuration><status/></cib>";

int Run(int nodes, int runs, int token_ms, bool promotable) {
  ClusterOptions o;
  o.nodes = nodes;
  o.two_node = nodes == 2;
  o.token_ms = token_ms;
  TempDir root;
  VigildCluster cluster(root.path(), o);
  if (!cluster.lan_ok()) {
    std::fprintf(stderr, "failover_bench: %s\n", cluster.lan_error().c_str());
    return 1;
  }
  cluster.StartAll();
  std::vector<int> all;
  std::string online;
  for (int i = 1; i <= nodes; ++i) {
    all.push_back(i);
    online += (i == 1 ? "n" : " n") + std::to_string(i);
  }
  auto runs_on = [&](int i) {
    if (promotable) return ReadFile(cluster.node(i).dir() / "varrun" / "Stateful-st.state") == "Promoted\n";
    return std::filesystem::exists(cluster.node(i).run_dir() / "rsctmp" / "Dummy-d1.state");
  };
  auto owners = [&] {
    std::vector<int> out;
    for (int i : all) {
      if (runs_on(i)) out.push_back(i);
    }
    return out;
  };
  auto fail = [&](const char* what) {
    std::fprintf(stderr, "failover_bench: %s\n%s", what, cluster.Logs().c_str());
    return 1;
  };
  if (!WaitFor([&] { return cluster.Agreed(all, online, "n1"); })) return fail("the cluster did not form");
  if (!WaitFor([&] {
        auto r = cluster.node(1).Call("cib-replace", {cluster.node(1).CibVersion(), promotable ? kPromotableCib : kCib});
        return r.ok() && r->ok;
      })) {
    return fail("the CIB was not accepted");
  }
  std::vector<double> times;
  for (int run = 1; run <= runs; ++run) {
    if (!WaitFor([&] { return owners().size() == 1 && cluster.Agreed(all, online, cluster.node(1).Dc()); })) {
      return fail(promotable ? "not exactly one instance is promoted" : "the Dummy does not run on exactly one node");
    }
    // Settled, and the kill lands at a varying point of the heartbeat interval.
    std::this_thread::sleep_for(std::chrono::milliseconds(300 + 37 * run % 250));
    const int owner = owners().front();
    const auto killed = Clock::now();
    cluster.node(owner).Kill(SIGKILL);
    for (;;) {
      bool started = false;
      for (int i : all) started |= i != owner && runs_on(i);
      if (started) break;
      std::this_thread::sleep_for(std::chrono::microseconds(500));
      if (Clock::now() - killed > std::chrono::seconds(30)) return fail("nothing took over");
    }
    const double ms = std::chrono::duration<double, std::milli>(Clock::now() - killed).count();
    times.push_back(ms);
    std::printf("run %d: n%d killed, %s elsewhere after %.1f ms\n", run, owner,
                promotable ? "an instance promoted" : "started", ms);
    std::fflush(stdout);
    cluster.node(owner).Start();
  }
  std::printf("%s, %d nodes, token %d ms: min %.1f / median %.1f / p95 %.1f ms (%zu runs)\n",
              promotable ? "promotion failover" : "failover", nodes, token_ms,
              *std::min_element(times.begin(), times.end()), bench::Median(times), bench::Percentile(times, 0.95),
              times.size());
  // The last killed node back in, its executor child up.
  if (!WaitFor([&] {
        bool children = true;
        for (int i : all) children &= RssKib(ExecutorChild(cluster.node(i).log())) > 0;
        return children && owners().size() == 1 && cluster.Agreed(all, online, cluster.node(1).Dc());
      })) {
    return fail("the cluster did not settle after the last run");
  }
  for (int i : all) {
    const auto& n = cluster.node(i);
    const long daemon = RssKib(n.pid());
    const long child = RssKib(ExecutorChild(n.log()));
    std::printf("memory n%d%s: vigild %.1f MiB + executor child %.1f MiB = %.1f MiB (VmRSS)\n", i,
                runs_on(i) ? (promotable ? " (promoted)" : " (runs the Dummy)") : "", daemon / 1024.0, child / 1024.0, (daemon + child) / 1024.0);
  }
  return 0;
}

}  // namespace
}  // namespace vigil::testing

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  const bool promotable = std::erase(args, "--promotable") > 0;
  if (args.empty()) {
    std::fprintf(stderr, "usage: failover_bench NODES [RUNS] [TOKEN_MS] [--promotable]\n");
    return 2;
  }
  const int nodes = std::atoi(args[0].c_str());
  const int runs = args.size() > 1 ? std::atoi(args[1].c_str()) : 20;
  const int token = args.size() > 2 ? std::atoi(args[2].c_str()) : 1000;
  if (nodes < 2 || nodes > 8 || runs < 1 || token < 50) {
    std::fprintf(stderr, "failover_bench: NODES 2..8, RUNS >= 1, TOKEN_MS >= 50\n");
    return 2;
  }
  return vigil::testing::Run(nodes, runs, token, promotable);
}
