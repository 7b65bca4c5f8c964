// Benchmarks of the agent host (not tests: they print figures and assert nothing).
//
//   agent_ops_bench overhead [RUNS]    one `monitor` of resource-agents' Dummy through shell-ocf
//                                      (executor, worker pool, plugin, Boost.Process) against the
//                                      same script spawned directly with the same environment;
//                                      runs alternate, medians compared.
//   agent_ops_bench throughput [OPS]   a no-op native agent (tests' noop.so) through the executor:
//                                      monitors kept in flight on 64 resources, operations/second.
//   agent_ops_bench latency [OPS]      the same no-op agent, one monitor at a time through
//                                      AgentHost::RunAndWait: the host's round trip (check,
//                                      queue, worker, result back to the caller).
//
// bench/run.sh pins each to one core and runs them.
#include <spawn.h>
#include <sys/wait.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>
#include <vector>

#include "common/log.h"
#include "bench/stats.h"
#include "host/agent_host.h"

extern char** environ;

namespace vigil {
namespace {

using Clock = std::chrono::steady_clock;

double Ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

using bench::Median;
using bench::Percentile;

// Spawns `path action` with exactly `env`, waits, returns the exit status.
int SpawnDirect(const std::string& path, const std::vector<std::string>& env) {
  std::vector<char*> envp;
  for (const auto& e : env) envp.push_back(const_cast<char*>(e.c_str()));
  envp.push_back(nullptr);
  char* argv[] = {const_cast<char*>(path.c_str()), const_cast<char*>("monitor"), nullptr};
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", 0, 0);
  posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", 1, 0);
  posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", 1, 0);
  pid_t pid;
  int rc = posix_spawn(&pid, path.c_str(), &fa, nullptr, argv, envp.data());
  posix_spawn_file_actions_destroy(&fa);
  if (rc != 0) return -1;
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

int Overhead(int runs, const std::string& fixtures) {
  char tmpl[] = "/tmp/vigil-bench.XXXXXX";
  const std::string rsc_tmp = mkdtemp(tmpl);
  RegistryOptions o;
  o.plugin_dirs = {DefaultPluginDir()};
  o.ocf_root = "/usr/lib/ocf";
  o.rsc_tmp = rsc_tmp;
  AgentHost host(o);

  // The environment shell-ocf gives a script, captured by the fixture agent that prints it
  // (tests/fixtures), then pointed at Dummy: the direct runs get exactly the same variables.
  std::vector<std::string> env;
  {
    RegistryOptions fo = o;
    fo.ocf_root = fixtures;
    AgentHost fixture_host(fo);
    Operation op;
    op.resource = "bench";
    op.agent = "ocf:vigiltest:Env";
    op.action = "monitor";
    auto r = fixture_host.RunAndWait(op);
    if (!r.ok() || r->rc != 0) {
      std::fprintf(stderr, "cannot capture the environment: %s\n",
                   r.ok() ? r->reason.c_str() : r.status().message().c_str());
      return 1;
    }
    std::istringstream lines(r->output);
    std::string line;
    while (std::getline(lines, line)) {
      if (line.rfind("ARGC=", 0) == 0 || line.rfind("ARGV1=", 0) == 0) continue;
      if (line.rfind("OCF_ROOT=", 0) == 0) line = "OCF_ROOT=/usr/lib/ocf";
      if (line.rfind("OCF_RESOURCE_TYPE=", 0) == 0) line = "OCF_RESOURCE_TYPE=Dummy";
      if (line.rfind("OCF_RESOURCE_PROVIDER=", 0) == 0) line = "OCF_RESOURCE_PROVIDER=heartbeat";
      if (line.find('=') != std::string::npos) env.push_back(line);
    }
  }
  const std::string script = "/usr/lib/ocf/resource.d/heartbeat/Dummy";
  Operation op;
  op.resource = "bench";
  op.agent = "ocf:heartbeat:Dummy";
  op.action = "monitor";
  op.timeout = std::chrono::seconds(20);

  std::vector<double> wrapped, direct;
  for (int i = 0; i < runs + 10; ++i) {
    auto t0 = Clock::now();
    auto r = host.RunAndWait(op);
    auto t1 = Clock::now();
    int rc = SpawnDirect(script, env);
    auto t2 = Clock::now();
    if (!r.ok() || r->rc != 7 || rc != 7) {
      std::fprintf(stderr, "unexpected result: wrapped %d, direct %d\n", r.ok() ? r->rc : -1, rc);
      return 1;
    }
    if (i < 10) continue;  // warm-up
    wrapped.push_back(Ms(t1 - t0));
    direct.push_back(Ms(t2 - t1));
  }
  const double w = Median(wrapped), d = Median(direct);
  std::printf("Dummy monitor, %d runs each, alternating (median / p90 ms):\n", runs);
  std::printf("  direct spawn        %7.3f / %7.3f\n", d, Percentile(direct, 0.9));
  std::printf("  through shell-ocf   %7.3f / %7.3f\n", w, Percentile(wrapped, 0.9));
  std::printf("  wrapper adds        %+6.1f%% (%+.3f ms) of the script's own cost\n",
              100.0 * (w - d) / d, w - d);
  std::error_code ec;
  std::filesystem::remove_all(rsc_tmp, ec);
  return 0;
}

// The tests' plugin directory holds deliberately broken plugins: their refusals are not news.
std::unique_ptr<AgentHost> NoopHost(const std::string& test_plugins) {
  RegistryOptions o;
  o.plugin_dirs = {test_plugins};
  o.ocf_root = "/nonexistent";
  SetLogThreshold(LogLevel::kError);
  SetLogSink([](LogLevel, const std::string&) {});
  auto host = std::make_unique<AgentHost>(o);
  SetLogSink(nullptr);
  return host;
}

Operation NoopOp(const std::string& resource, const char* action) {
  Operation op;
  op.resource = resource;
  op.agent = "ocf:vigiltest:Noop";
  op.action = action;
  return op;
}

int Latency(long total, const std::string& test_plugins) {
  auto host = NoopHost(test_plugins);
  if (!host->RunAndWait(NoopOp("r", "start")).ok()) return 1;
  const Operation monitor = NoopOp("r", "monitor");
  std::vector<double> us;
  us.reserve(total);
  for (long i = 0; i < total + 100; ++i) {
    auto t0 = Clock::now();
    auto r = host->RunAndWait(monitor);
    auto t1 = Clock::now();
    if (!r.ok() || r->rc != VIGIL_OCF_SUCCESS) return 1;
    if (i >= 100) us.push_back(std::chrono::duration<double, std::micro>(t1 - t0).count());
  }
  std::printf("no-op native monitor, one at a time through RunAndWait: %.1f / %.1f us"
              " (median / p90, %ld runs)\n", Median(us), Percentile(us, 0.9), total);
  return 0;
}

int Throughput(long total, const std::string& test_plugins) {
  auto owned = NoopHost(test_plugins);
  AgentHost& host = *owned;
  constexpr int kResources = 64;
  std::atomic<long> submitted{0}, done{0};
  std::mutex mu;
  std::condition_variable cv;
  std::function<void(const Operation&, const OperationResult&)> again;
  again = [&](const Operation& op, const OperationResult& r) {
    if (r.rc != VIGIL_OCF_SUCCESS) std::abort();
    if (++done == total) {
      std::lock_guard<std::mutex> lock(mu);
      cv.notify_all();
    }
    if (submitted++ < total) host.executor().Submit(op, again);
  };
  // Start each resource once, then keep one monitor in flight per resource.
  std::vector<Operation> ops;
  for (int i = 0; i < kResources; ++i) {
    const std::string name = "r" + std::to_string(i);
    if (!host.RunAndWait(NoopOp(name, "start")).ok()) return 1;
    ops.push_back(NoopOp(name, "monitor"));
  }
  auto t0 = Clock::now();
  for (auto& op : ops) {
    if (submitted++ < total) host.executor().Submit(op, again);
  }
  {
    std::unique_lock<std::mutex> lock(mu);
    cv.wait(lock, [&] { return done.load() >= total; });
  }
  auto t1 = Clock::now();
  const double secs = std::chrono::duration<double>(t1 - t0).count();
  std::printf("no-op native monitor through the executor: %ld operations on %d resources in %.3f s\n",
              total, kResources, secs);
  std::printf("  %.0f operations/second (%.2f us each)\n", total / secs, 1e6 * secs / total);
  return 0;
}

}  // namespace
}  // namespace vigil

int main(int argc, char** argv) {
  const std::string mode = argc > 1 ? argv[1] : "";
  if (mode == "overhead") {
    int runs = argc > 2 ? std::atoi(argv[2]) : 200;
    return vigil::Overhead(runs > 0 ? runs : 200, VIGIL_BENCH_FIXTURES);
  }
  if (mode == "throughput") {
    long ops = argc > 2 ? std::atol(argv[2]) : 1000000;
    return vigil::Throughput(ops > 0 ? ops : 1000000, VIGIL_BENCH_TEST_PLUGINS);
  }
  if (mode == "latency") {
    long ops = argc > 2 ? std::atol(argv[2]) : 20000;
    return vigil::Latency(ops > 0 ? ops : 20000, VIGIL_BENCH_TEST_PLUGINS);
  }
  std::fprintf(stderr, "usage: agent_ops_bench overhead [RUNS] | throughput [OPS] | latency [OPS]\n");
  return 2;
}
