// The seeded random mix of faults (tests/support/chaos.h), long: hundreds of cycles on three real vigild
// in network namespaces, and a report of what a watcher outside the nodes saw, by fault kind:
// looks every 20 ms, looks that found a resource on two nodes, cycles that did not settle, and
// failures that no agent reported. Root.
//
//   chaos_bench [CYCLES] [SEED] [TOKEN_MS]     (defaults: 300, the time, 1000)
//
// Ctrl-C ends it after the cycle under way, with the table of what ran.
// Exits 1 when anything was seen twice, a cycle did not settle or a failure was listed, so a
// run can be repeated with the seed it printed.
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <ctime>
#include <thread>

#include "tests/support/chaos.h"

namespace vigil::testing {
namespace {

int Main(int argc, char** argv) {
  if (::geteuid() != 0) {
    std::fprintf(stderr, "chaos_bench: needs root (network namespaces)\n");
    return 2;
  }
  ChaosOptions options;
  options.cycles = argc > 1 ? std::atoi(argv[1]) : 300;
  options.seed = argc > 2 ? static_cast<uint32_t>(std::strtoul(argv[2], nullptr, 10)) : static_cast<uint32_t>(std::time(nullptr));
  options.token_ms = argc > 3 ? std::atoi(argv[3]) : 1000;
  if (options.cycles <= 0 || options.token_ms < 100) {
    std::fprintf(stderr, "usage: chaos_bench [CYCLES > 0] [SEED] [TOKEN_MS >= 100]\n");
    return 2;
  }
  // SIGINT or SIGTERM ends the run after the cycle under way, so that the namespaces and the
  // daemons go as they should (blocked here, before any thread starts, and awaited on one).
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  static std::atomic<bool> stop{false};
  std::thread([signals] {
    int signal = 0;
    sigwait(&signals, &signal);
    std::fprintf(stderr, "chaos_bench: signal %d: stopping after this cycle\n", signal);
    stop = true;
  }).detach();
  options.stop = &stop;
  std::printf("== chaos: %d cycles, seed %u, token %d ms, three nodes, resources slow (Delay, 2 s start), d1, d2 (Dummy)\n",
              options.cycles, options.seed, options.token_ms);
  std::fflush(stdout);
  TempDir dir;
  Chaos chaos(dir.path(), options);
  if (Status s = chaos.Form(); !s.ok()) {
    std::fprintf(stderr, "chaos_bench: %s\n", s.message().c_str());
    return 1;
  }
  const auto started = std::chrono::steady_clock::now();
  const ChaosReport report = chaos.Run([](const std::string& line) {
    std::printf("%s\n", line.c_str());
    std::fflush(stdout);
  });
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - started).count();
  std::printf("\n| fault | cycles | looks | looks with a resource on two nodes | not settled in 45 s | failures no agent reported |\n");
  std::printf("|---|---|---|---|---|---|\n");
  auto row = [](const std::string& name, const FaultTally& t) {
    std::printf("| %s | %d | %lld | %lld | %d | %d |\n", name.c_str(), t.cycles, static_cast<long long>(t.looks),
                static_cast<long long>(t.double_looks), t.unconverged, t.failure_records);
  };
  for (const auto& [fault, t] : report.by_fault) row(fault, t);
  const FaultTally total = report.Total();
  row("all", total);
  std::printf("\n%lld s; seed %u\n", static_cast<long long>(seconds), options.seed);
  for (const auto& p : report.problems) std::printf("problem: %s\n", p.c_str());
  const bool clean = total.double_looks == 0 && total.unconverged == 0 && total.failure_records == 0;
  if (!clean) std::fprintf(stderr, "%s", chaos.Logs().c_str());
  return clean ? 0 : 1;
}

}  // namespace
}  // namespace vigil::testing

int main(int argc, char** argv) { return vigil::testing::Main(argc, argv); }
