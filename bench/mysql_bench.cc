// Benchmarks of the native mysql agent against resource-agents' script, both through the same
// AgentHost, on a real MariaDB in a data directory of its own (not tests: they print figures and
// assert nothing). Root, and Debian's mariadb-server.
//
//   mysql_bench monitor [RUNS]   one level-0 monitor of a running server, native vs the script
//                                through shell-ocf; alternating runs.
//   mysql_bench start [RUNS]     start -> the result (the server ready), native vs the script,
//                                with a stop after each; alternating runs.
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "bench/stats.h"
#include "host/agent_host.h"
#include "tests/support/mariadb_dir.h"

namespace vigil {
namespace {

using Clock = std::chrono::steady_clock;
constexpr const char* kNative = "ocf:heartbeat:mysql";
constexpr const char* kScript = "ocf:heartbeat-script:mysql";

using bench::Median;
using bench::Percentile;

Operation Op(const testing::MariadbDir& dir, const char* agent, const char* action) {
  Operation op;
  op.resource = "db";
  op.agent = agent;
  op.action = action;
  op.timeout = std::chrono::seconds(60);
  for (const auto& kv : dir.Params()) {
    const size_t eq = kv.find('=');
    op.params.emplace_back(kv.substr(0, eq), kv.substr(eq + 1));
  }
  return op;
}

// Runs `op`; the time it took in microseconds, or a negative value when it did not give `rc`.
double Timed(AgentHost& host, const Operation& op, int rc) {
  const auto t0 = Clock::now();
  auto r = host.RunAndWait(op);
  const auto t1 = Clock::now();
  if (!r.ok() || r->rc != rc) {
    std::fprintf(stderr, "%s %s: expected %d, got %s\n", op.agent.c_str(), op.action.c_str(), rc,
                 r.ok() ? (std::to_string(r->rc) + " " + r->reason).c_str() : r.status().message().c_str());
    return -1;
  }
  return std::chrono::duration<double, std::micro>(t1 - t0).count();
}

void Print(const char* what, const char* unit, double scale, std::vector<double>& script,
           std::vector<double>& native) {
  const double s = Median(script), n = Median(native);
  std::printf("%s (median / p90 %s):\n", what, unit);
  std::printf("  script (shell-ocf)  %10.2f / %10.2f   (%zu runs)\n", s / scale,
              Percentile(script, 0.9) / scale, script.size());
  std::printf("  native              %10.2f / %10.2f   (%zu runs)\n", n / scale,
              Percentile(native, 0.9) / scale, native.size());
  std::printf("  native is %.0fx faster\n", s / n);
}

int Monitor(AgentHost& host, const testing::MariadbDir& dir, int runs) {
  if (Timed(host, Op(dir, kNative, "start"), 0) < 0) return 1;
  std::vector<double> native, script;
  const int script_every = 10;
  for (int i = 0; i < runs + 10; ++i) {
    const double n = Timed(host, Op(dir, kNative, "monitor"), 0);
    if (n < 0) return 1;
    if (i >= 10) native.push_back(n);
    if (i % script_every == 0) {
      const double s = Timed(host, Op(dir, kScript, "monitor"), 0);
      if (s < 0) return 1;
      if (i >= 10) script.push_back(s);
    }
  }
  if (Timed(host, Op(dir, kNative, "stop"), 0) < 0) return 1;
  Print("mysql monitor, level 0, of a running server", "us", 1, script, native);
  return 0;
}

int Start(AgentHost& host, const testing::MariadbDir& dir, int runs) {
  std::vector<double> native, script;
  for (int i = 0; i < runs; ++i) {
    for (const char* agent : {kNative, kScript}) {
      const double t = Timed(host, Op(dir, agent, "start"), 0);
      if (t < 0 || Timed(host, Op(dir, agent, "stop"), 0) < 0) return 1;
      (agent == kNative ? native : script).push_back(t);
    }
  }
  Print("mysql start -> ready", "ms", 1000, script, native);
  return 0;
}

}  // namespace
}  // namespace vigil

int main(int argc, char** argv) {
  const std::string mode = argc > 1 ? argv[1] : "";
  if (mode != "monitor" && mode != "start") {
    std::fprintf(stderr, "usage: mysql_bench monitor [RUNS] | start [RUNS]\n");
    return 2;
  }
  if (::geteuid() != 0) {
    std::fprintf(stderr, "mysql_bench: needs root (mysqld_safe runs as mysql)\n");
    return 1;
  }
  vigil::testing::MariadbDir dir;
  if (!dir.error().empty()) {
    std::fprintf(stderr, "mysql_bench: %s\n", dir.error().c_str());
    return 1;
  }
  vigil::RegistryOptions options;
  options.plugin_dirs = {vigil::DefaultPluginDir()};
  options.ocf_root = "/usr/lib/ocf";
  options.rsc_tmp = dir / "rsc";
  ::mkdir(options.rsc_tmp.c_str(), 0755);
  vigil::AgentHost host(options);
  const int runs = argc > 2 ? std::atoi(argv[2]) : 0;
  if (mode == "monitor") return vigil::Monitor(host, dir, runs > 0 ? runs : 1000);
  return vigil::Start(host, dir, runs > 0 ? runs : 5);
}
