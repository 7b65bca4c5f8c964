// A seeded random mix of faults on three real vigild in network namespaces, and what was seen:
// the fault-injection run behind "nothing runs twice". A short run is a test
// (tests/netns/chaos_netns_test.cc), a long one a benchmark (bench/chaos_bench.cc).
//
// The cluster runs three resources of resource-agents' own scripts: `slow` (Delay: its start
// creates the state file at once, then waits 2 s) and `d1`, `d2` (Dummy), each monitored.
// A watcher looks every 20 ms from outside the nodes (each resource's state file in each node's
// run directory; a node whose power is off runs nothing) and counts every look that finds a
// resource on two nodes, by the fault of the cycle it falls in.
//
// Each cycle: a fault, chosen and aimed by the seed (mostly at the node running a resource),
// lasting half a token to three tokens; sometimes a `crm node standby` of another node during
// it; then the repair, and a wait for convergence: every node agrees on the three, each resource
// runs on exactly one node, and no node lists a failed operation (the agents here never fail,
// so any failure record is one that no agent reported). Faults (never a whole-node freeze, which
// needs fencing):
//   kill-9      vigild killed; started again
//   power-loss  every process of the node killed and its run directory (a tmpfs) wiped;
//               started again
//   link-down   its eth0 down; up again
//   partition   its port taken off the bridge (2|1, its own link stays up); put back
//   freeze      SIGSTOP of vigild alone (its executor child runs on); SIGCONT
//   child-kill  kill -9 of the executor child (vigild starts another)
// Needs root.
#pragma once

#include <signal.h>

#include <atomic>
#include <functional>
#include <map>
#include <mutex>
#include <random>
#include <regex>
#include <set>
#include <thread>

#include "tests/support/vigild_cluster.h"

namespace vigil::testing {

struct ChaosOptions {
  uint32_t seed = 1;
  int cycles = 10;
  int token_ms = 1000;
  const std::atomic<bool>* stop = nullptr;  // set: no further cycle begins
};

struct FaultTally {
  int cycles = 0;
  int64_t looks = 0;
  int64_t double_looks = 0;  // looks that found a resource on two nodes
  int unconverged = 0;       // cycles after which the cluster did not settle in time
  int failure_records = 0;   // failed operations listed with no agent failing
};

struct ChaosReport {
  std::map<std::string, FaultTally> by_fault;
  std::vector<std::string> problems;  // each says the cycle, the seed and what was seen
  FaultTally Total() const {
    FaultTally t;
    for (const auto& [fault, f] : by_fault) {
      t.cycles += f.cycles;
      t.looks += f.looks;
      t.double_looks += f.double_looks;
      t.unconverged += f.unconverged;
      t.failure_records += f.failure_records;
    }
    return t;
  }
};

class Chaos {
 public:
  static constexpr int kNodes = 3;

  Chaos(std::filesystem::path root, ChaosOptions options)
      : options_(options), random_(options.seed), cluster_(std::move(root), ClusterFor(options)) {}
  ~Chaos() {
    watching_ = false;
    if (watcher_.joinable()) watcher_.join();
  }

  // Starts the nodes and loads the resources. Errors say what did not come up.
  Status Form() {
    if (!cluster_.lan_ok()) return Status(StatusCode::kIoError, cluster_.lan_error());
    cluster_.StartAll();
    if (!WaitFor([&] { return Whole(); }, std::chrono::seconds(30))) return Status(StatusCode::kIoError, "no cluster: " + cluster_.Logs());
    const bool loaded = WaitFor([&] {
      auto r = cluster_.node(1).Call("cib-replace", {cluster_.node(1).CibVersion(), Cib()});
      return r.ok() && r->ok;
    });
    if (!loaded) return Status(StatusCode::kIoError, "the CIB was not taken: " + cluster_.Logs());
    if (!WaitFor([&] { return Settled(); }, std::chrono::seconds(60))) {
      return Status(StatusCode::kIoError, "the resources never settled: " + cluster_.Logs());
    }
    watcher_ = std::thread([this] { Watch(); });
    return Status::Ok();
  }

  // Runs the cycles; `progress` gets a line per cycle.
  ChaosReport Run(const std::function<void(const std::string&)>& progress) {
    const std::vector<Fault> faults = Faults();
    for (int cycle = 1; cycle <= options_.cycles; ++cycle) {
      if (options_.stop != nullptr && *options_.stop) break;
      const Fault& picked = Pick(faults);
      const std::string& fault = picked.name;
      {
        std::lock_guard<std::mutex> lock(mu_);
        current_ = fault;
        ++report_.by_fault[fault].cycles;
      }
      const std::string what = Inflict(picked);
      const std::string tag = "cycle " + std::to_string(cycle) + " (seed " + std::to_string(options_.seed) + ", " + what + ")";
      const bool settled = WaitFor([&] { return Settled(); }, std::chrono::seconds(45));
      std::string line = tag + (settled ? ": settled" : ": did not settle");
      std::lock_guard<std::mutex> lock(mu_);
      if (!settled) {
        ++report_.by_fault[fault].unconverged;
        report_.problems.push_back(tag + ": did not settle within 45 s: " + Where());
      }
      for (const auto& f : failures_) {
        ++report_.by_fault[fault].failure_records;
        report_.problems.push_back(tag + ": a failure no agent reported: " + f);
      }
      failures_.clear();
      progress(line);
    }
    watching_ = false;
    if (watcher_.joinable()) watcher_.join();
    std::lock_guard<std::mutex> lock(mu_);
    return report_;
  }

  std::string Logs() { return cluster_.Logs(); }

 private:
  static ClusterOptions ClusterFor(const ChaosOptions& o) {
    ClusterOptions c;
    c.nodes = kNodes;
    c.token_ms = o.token_ms;
    return c;
  }

  static std::string Cib() {
    auto primitive = [](const std::string& id, const std::string& type, const std::string& params, const std::string& interval) {
      return "<primitive id=\"" + id + "\" class=\"ocf\" provider=\"heartbeat\" type=\"" + type + "\">" + params +
             "<operations><op id=\"" + id + "-monitor\" name=\"monitor\" interval=\"" + interval +
             "\" timeout=\"20s\"/></operations></primitive>";
    };
    return "<cib crm_feature_set=\"3.16.1\" validate-with=\"pacemaker-3.9\" admin_epoch=\"0\" epoch=\"0\" num_updates=\"0\">"
           "<configuration><crm_config><cluster_property_set id=\"cib-bootstrap-options\">"
           "<nvpair id=\"opt-stonith\" name=\"stonith-enabled\" value=\"false\"/>"
           "</cluster_property_set></crm_config><nodes/><resources>" +
           primitive("slow", "Delay",
                     "<instance_attributes id=\"slow-params\">"
                     "<nvpair id=\"slow-startdelay\" name=\"startdelay\" value=\"2\"/>"
                     "<nvpair id=\"slow-stopdelay\" name=\"stopdelay\" value=\"0\"/>"
                     "<nvpair id=\"slow-mondelay\" name=\"mondelay\" value=\"0\"/></instance_attributes>",
                     "2s") +
           primitive("d1", "Dummy", "", "1s") + primitive("d2", "Dummy", "", "1s") +
           "</resources><constraints/></configuration><status/></cib>";
  }

  // Each resource's state file, as its agent names it.
  static std::vector<std::pair<std::string, std::string>> StateFiles() {
    return {{"slow", "Delay_slow"}, {"d1", "Dummy-d1.state"}, {"d2", "Dummy-d2.state"}};
  }

  // The nodes (1-based) where `file` is, leaving out nodes whose power is off. Holds mu_.
  std::vector<int> OwnersLocked(const std::string& file) {
    std::vector<int> out;
    for (int i = 1; i <= kNodes; ++i) {
      if (powered_off_.count(i)) continue;
      if (std::filesystem::exists(cluster_.node(i).run_dir() / "rsctmp" / file)) out.push_back(i);
    }
    return out;
  }

  void Watch() {
    while (watching_) {
      {
        std::lock_guard<std::mutex> lock(mu_);
        if (!current_.empty()) {
          FaultTally& t = report_.by_fault[current_];
          ++t.looks;
          for (const auto& [rsc, file] : StateFiles()) {
            const auto owners = OwnersLocked(file);
            if (owners.size() < 2) continue;
            ++t.double_looks;
            if (t.double_looks <= 3) {
              std::string on;
              for (int i : owners) on += " n" + std::to_string(i);
              report_.problems.push_back(current_ + ": " + rsc + " active on" + on);
            }
          }
        }
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }

  std::string Where() {
    std::string out;
    for (const auto& [rsc, file] : StateFiles()) {
      out += (out.empty() ? "" : ", ") + rsc + " on";
      for (int i : OwnersLocked(file)) out += " n" + std::to_string(i);
    }
    return out;
  }

  bool Whole() {
    const std::string dc = cluster_.node(1).Dc();
    return !dc.empty() && cluster_.Agreed({1, 2, 3}, "n1 n2 n3", dc);
  }

  // Whole, each resource on exactly one node, and no failure listed (a listed one is noted and
  // cleaned up, so that the next cycle starts clean).
  bool Settled() {
    if (!Whole()) return false;
    {
      std::lock_guard<std::mutex> lock(mu_);
      for (const auto& [rsc, file] : StateFiles()) {
        if (OwnersLocked(file).size() != 1) return false;
      }
    }
    auto status = cluster_.node(1).Status();
    if (!status.ok()) return false;
    for (const auto& f : status->failed_actions) {
      std::lock_guard<std::mutex> lock(mu_);
      failures_.push_back(f.operation + " of " + f.rsc + " on " + f.node + " (rc " + std::to_string(f.rc) + ", status " +
                          std::to_string(f.op_status) + ": " + f.reason + ")");
      (void)cluster_.node(1).Call("resource-cleanup", {f.rsc});
    }
    return status->failed_actions.empty();
  }

  template <typename T>
  const T& Pick(const std::vector<T>& from) {
    return from[std::uniform_int_distribution<size_t>(0, from.size() - 1)(random_)];
  }
  int Between(int low, int high) { return std::uniform_int_distribution<int>(low, high)(random_); }

  // Mostly the node running a resource (that is where faults hurt), else any node.
  int Target() {
    if (Between(0, 3) > 0) {
      std::lock_guard<std::mutex> lock(mu_);
      const auto owners = OwnersLocked(Pick(StateFiles()).second);
      if (owners.size() == 1) return owners.front();
    }
    return Between(1, kNodes);
  }

  static pid_t ExecutorChild(const std::string& log) {
    static const std::regex started("executor child started \\(pid ([0-9]+)\\)");
    pid_t pid = -1;
    for (auto it = std::sregex_iterator(log.begin(), log.end(), started); it != std::sregex_iterator(); ++it) {
      pid = std::stoi((*it)[1]);
    }
    return pid;
  }

  // One kind of fault: how it is done to node n, and how it is repaired.
  struct Fault {
    std::string name;
    std::function<void(int n)> inflict, repair;
  };
  std::vector<Fault> Faults() {
    auto& lan = cluster_.lan();
    return {
        {"kill-9", [this](int n) { cluster_.node(n).Kill(SIGKILL); }, [this](int n) { cluster_.node(n).Start(); }},
        {"power-loss",
         [this, &lan](int n) {
           std::lock_guard<std::mutex> lock(mu_);  // the watcher sees it all off at once
           cluster_.node(n).Kill(SIGKILL);
           Sh("for p in $(ip netns pids " + lan.host(n - 1).ns + "); do kill -9 $p; done");
           powered_off_.insert(n);
         },
         [this](int n) {
           std::error_code ec;
           std::filesystem::remove_all(cluster_.node(n).run_dir(), ec);  // /run is a tmpfs: gone with the power
           {
             std::lock_guard<std::mutex> lock(mu_);
             powered_off_.erase(n);
           }
           cluster_.node(n).Start();
         }},
        {"link-down", [&lan](int n) { lan.SetLink(n - 1, false); }, [&lan](int n) { lan.SetLink(n - 1, true); }},
        {"partition", [&lan](int n) { lan.SetAttached(n - 1, false); }, [&lan](int n) { lan.SetAttached(n - 1, true); }},
        {"freeze", [this](int n) { ::kill(cluster_.node(n).pid(), SIGSTOP); },
         [this](int n) { ::kill(cluster_.node(n).pid(), SIGCONT); }},
        {"child-kill",
         [this](int n) {
           if (const pid_t child = ExecutorChild(cluster_.node(n).log()); child > 0) ::kill(child, SIGKILL);
         },
         [](int) {}},
    };
  }

  // Does the fault, holds it, repairs it; says what it did.
  std::string Inflict(const Fault& fault) {
    const int n = Target();
    const auto hold = std::chrono::milliseconds(Between(options_.token_ms / 2, options_.token_ms * 3));
    // Sometimes a crm command at the same time: standby of another node, online at the repair.
    const int standby = Between(0, 3) == 0 ? n % kNodes + 1 : 0;
    std::string what = fault.name + " of n" + std::to_string(n) + " for " + std::to_string(hold.count()) + " ms";
    fault.inflict(n);
    if (standby != 0) {
      auto r = cluster_.node(standby).Call("node-standby", {}, std::chrono::seconds(5));
      what += ", standby of n" + std::to_string(standby) + (r.ok() && r->ok ? "" : " (refused)");
    }
    std::this_thread::sleep_for(hold);
    fault.repair(n);
    if (standby != 0) {
      // Online again, whenever the cluster lets it.
      WaitFor([&] {
        auto r = cluster_.node(standby).Call("node-online", {}, std::chrono::seconds(5));
        return r.ok() && r->ok;
      }, std::chrono::seconds(45));
    }
    return what;
  }

  ChaosOptions options_;
  std::mt19937 random_;
  VigildCluster cluster_;
  std::mutex mu_;  // guards what follows, and the power-off of a node against the watcher
  std::string current_;
  std::set<int> powered_off_;
  std::vector<std::string> failures_;
  ChaosReport report_;
  std::atomic<bool> watching_{true};
  std::thread watcher_;
};

}  // namespace vigil::testing
