// Membership benchmarks on real vigild in network namespaces (root):
//
//   membership_bench detect TOKEN_MS [RUNS]
//     A 3-node cluster with that token; each run kills n3 with SIGKILL and measures, on n1, the
//     time until n3 shows offline (n1's control socket polled every 0.5 ms), then restarts n3
//     and waits for it to rejoin.
//   membership_bench idle [SECONDS]
//     A 3-node cluster with the defaults; after it settles, each vigild's CPU time over SECONDS
//     (utime + stime from /proc) and its resident memory (VmRSS, VmHWM).
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "bench/stats.h"
#include "tests/support/vigild_cluster.h"

namespace vigil::testing {
namespace {

using Clock = std::chrono::steady_clock;

void Summary(const char* what, const std::vector<double>& v, const char* unit) {
  std::printf("%s: min %.1f / median %.1f / max %.1f %s (%zu runs)\n", what, *std::min_element(v.begin(), v.end()),
              bench::Median(v), *std::max_element(v.begin(), v.end()), unit, v.size());
}

int Detect(int token_ms, int runs) {
  ClusterOptions o;
  o.token_ms = token_ms;
  TempDir root;
  VigildCluster cluster(root.path(), o);
  if (!cluster.lan_ok()) {
    std::fprintf(stderr, "membership_bench: %s\n", cluster.lan_error().c_str());
    return 1;
  }
  cluster.StartAll();
  const std::vector<int> all{1, 2, 3};
  if (!WaitFor([&] { return cluster.Agreed(all, "n1 n2 n3", "n1"); })) {
    std::fprintf(stderr, "membership_bench: the cluster did not form\n%s", cluster.Logs().c_str());
    return 1;
  }
  std::vector<double> detections;
  for (int run = 1; run <= runs; ++run) {
    // Rejoined: n1 has heard n3's latest life for a moment, so the kill lands at a random
    // point of the heartbeat interval.
    std::this_thread::sleep_for(std::chrono::milliseconds(100 + 37 * run % 250));
    const auto killed = Clock::now();
    cluster.node(3).Kill(SIGKILL);
    for (;;) {
      if (cluster.node(1).Online() == "n1 n2") break;
      std::this_thread::sleep_for(std::chrono::microseconds(500));
      if (Clock::now() - killed > std::chrono::seconds(30)) {
        std::fprintf(stderr, "membership_bench: n3 never lost\n%s", cluster.Logs().c_str());
        return 1;
      }
    }
    const double ms = std::chrono::duration<double, std::milli>(Clock::now() - killed).count();
    detections.push_back(ms);
    std::printf("run %d: %.1f ms\n", run, ms);
    std::fflush(stdout);
    cluster.node(3).Start();
    if (!WaitFor([&] { return cluster.Agreed(all, "n1 n2 n3", "n1"); })) {
      std::fprintf(stderr, "membership_bench: n3 did not rejoin\n%s", cluster.Logs().c_str());
      return 1;
    }
  }
  char what[64];
  std::snprintf(what, sizeof what, "vigild detection, token %d ms", token_ms);
  Summary(what, detections, "ms");
  return 0;
}

struct ProcessSample {
  double cpu_seconds = 0;
  long rss_kib = 0;
  long hwm_kib = 0;
};

ProcessSample Sample(pid_t pid) {
  ProcessSample s;
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
  // Fields after the command name (which may hold spaces): state is field 3, utime 14, stime 15.
  std::istringstream rest(text.substr(text.rfind(')') + 2));
  std::string field;
  for (int i = 3; i <= 15 && rest >> field; ++i) {
    if (i == 14 || i == 15) s.cpu_seconds += std::stod(field) / static_cast<double>(sysconf(_SC_CLK_TCK));
  }
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) s.rss_kib = std::stol(line.substr(6));
    if (line.rfind("VmHWM:", 0) == 0) s.hwm_kib = std::stol(line.substr(6));
  }
  return s;
}

int Idle(int seconds) {
  TempDir root;
  VigildCluster cluster(root.path(), ClusterOptions{});
  if (!cluster.lan_ok()) {
    std::fprintf(stderr, "membership_bench: %s\n", cluster.lan_error().c_str());
    return 1;
  }
  cluster.StartAll();
  if (!WaitFor([&] { return cluster.Agreed({1, 2, 3}, "n1 n2 n3", "n1"); })) {
    std::fprintf(stderr, "membership_bench: the cluster did not form\n%s", cluster.Logs().c_str());
    return 1;
  }
  std::this_thread::sleep_for(std::chrono::seconds(2));
  std::vector<ProcessSample> before;
  for (int i = 1; i <= 3; ++i) before.push_back(Sample(cluster.node(i).pid()));
  const auto start = Clock::now();
  std::this_thread::sleep_for(std::chrono::seconds(seconds));
  const double wall = std::chrono::duration<double>(Clock::now() - start).count();
  for (int i = 1; i <= 3; ++i) {
    const ProcessSample after = Sample(cluster.node(i).pid());
    const double cpu = after.cpu_seconds - before[static_cast<size_t>(i - 1)].cpu_seconds;
    std::printf("n%d: CPU %.3f%% of a core over %.0f s, RSS %.1f MiB (peak %.1f MiB)\n", i, 100 * cpu / wall, wall,
                after.rss_kib / 1024.0, after.hwm_kib / 1024.0);
  }
  return 0;
}

}  // namespace
}  // namespace vigil::testing

int main(int argc, char** argv) {
  const std::string mode = argc > 1 ? argv[1] : "";
  if (::geteuid() != 0) {
    std::fprintf(stderr, "membership_bench: needs root (network namespaces)\n");
    return 1;
  }
  int rc = 2;
  if (mode == "detect" && argc > 2) {
    rc = vigil::testing::Detect(std::atoi(argv[2]), argc > 3 ? std::atoi(argv[3]) : 20);
  } else if (mode == "idle") {
    rc = vigil::testing::Idle(argc > 2 ? std::atoi(argv[2]) : 30);
  } else {
    std::fprintf(stderr, "usage: membership_bench detect TOKEN_MS [RUNS] | idle [SECONDS]\n");
  }
  return rc;
}
