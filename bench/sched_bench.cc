// Scheduler scale: `vigil simulate` against `crm_simulate -x FILE -R -Q` (compute the transition
// only) on the same generated CIBs, both run as processes pinned to one CPU, so both pay for
// reading the file. Prints the median wall time of each and the ratio; then Vigil's load and
// schedule measured inside this process (no process start), and that per resource·node, where
// growth in N·M can be read off.
//
//   sched_bench [REPS=5] [--state fresh|running] [--orders] [--collectives] [--rules] [--keep DIR]
#include <fcntl.h>
#include <sched.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "bench/cib_generator.h"
#include "bench/stats.h"
#include "cluster/cib/cib.h"
#include "cluster/scheduler/scheduler.h"

extern char** environ;

namespace {

// Runs argv with stdout and stderr to /dev/null; the wall time in seconds, or -1 on failure.
double TimeRun(const std::vector<std::string>& argv) {
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  const auto start = std::chrono::steady_clock::now();
  pid_t pid = 0;
  const int rc = posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) return -1;
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? s : -1;
}

std::string VigilBinary() {
  // The benchmark sits beside `vigil` in the build's bin/.
  return (std::filesystem::read_symlink("/proc/self/exe").parent_path() / "vigil").string();
}

}  // namespace

int main(int argc, char** argv) {
  int reps = 5;
  vigil::bench::CibShape base;
  std::filesystem::path dir = std::filesystem::temp_directory_path() / "vigil-sched-bench";
  bool keep = false;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--state" && i + 1 < argc) {
      base.running = std::string(argv[++i]) == "running";
    } else if (a == "--orders") {
      base.orders = true;
    } else if (a == "--collectives") {
      base.collectives = true;
    } else if (a == "--rules") {
      base.rules = true;
    } else if (a == "--keep" && i + 1 < argc) {
      dir = argv[++i];
      keep = true;
    } else if (std::isdigit(static_cast<unsigned char>(a[0])) && a.size() < 6) {
      reps = std::max(1, std::atoi(a.c_str()));
    } else {
      std::fprintf(stderr, "usage: sched_bench [REPS] [--state fresh|running] [--orders] [--collectives] [--rules] [--keep DIR]\n");
      return 2;
    }
  }
  // Pin this process and so its children to CPU 1 (or 0 on a one-core machine).
  cpu_set_t cpus;
  CPU_ZERO(&cpus);
  CPU_SET(sysconf(_SC_NPROCESSORS_ONLN) > 1 ? 1 : 0, &cpus);
  sched_setaffinity(0, sizeof cpus, &cpus);
  std::filesystem::create_directories(dir);
  const std::string vigil = VigilBinary();

  std::printf("scheduler: vigil simulate vs crm_simulate -R -Q, state %s%s%s%s, median of %d, "
              "pinned to one CPU\n",
              base.running ? "running" : "fresh", base.orders ? ", orders" : "",
              base.collectives ? ", groups and clones" : "", base.rules ? ", rules" : "", reps);
  std::printf("%6s %4s  %10s %10s %8s  %14s %14s\n", "N", "M", "vigil s", "crm_sim s", "ratio",
              "in-process ms", "ns per N*M");
  for (int n : {10, 100, 1000, 5000}) {
    for (int m : {2, 16, 32}) {
      vigil::bench::CibShape shape = base;
      shape.resources = n;
      shape.nodes = m;
      const auto file = dir / ("cib-n" + std::to_string(n) + "-m" + std::to_string(m) + ".xml");
      std::ofstream(file) << vigil::bench::GenerateCib(shape);
      std::vector<double> ours;
      std::vector<double> theirs;
      std::vector<double> inside;
      for (int r = 0; r < reps; ++r) {
        ours.push_back(TimeRun({vigil, "simulate", file.string()}));
        theirs.push_back(TimeRun({"crm_simulate", "-x", file.string(), "-R", "-Q"}));
        const auto start = std::chrono::steady_clock::now();
        auto cib = vigil::cib::Cib::Load(file);
        if (!cib.ok()) {
          std::fprintf(stderr, "%s\n", cib.status().message().c_str());
          return 1;
        }
        const auto t = vigil::scheduler::Schedule(cib->model());
        inside.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
        // (Clones add their instances: at least one line per primitive.)
        if (!t.ok() || t->placements.size() < static_cast<size_t>(n)) return 1;
      }
      const double a = vigil::bench::Median(ours);
      const double b = vigil::bench::Median(theirs);
      const double c = vigil::bench::Median(inside);
      if (a < 0 || b < 0) {
        std::printf("%6d %4d  failed (vigil %.3f, crm_simulate %.3f; is pacemaker-cli-utils installed?)\n",
                    n, m, a, b);
        continue;
      }
      std::printf("%6d %4d  %10.4f %10.4f %7.1fx  %14.3f %14.1f\n", n, m, a, b, b / a, c * 1e3,
                  c * 1e9 / (static_cast<double>(n) * m));
      std::fflush(stdout);
    }
  }
  if (!keep) std::filesystem::remove_all(dir);
  return 0;
}
