// The floating IP's failover, Vigil beside keepalived and Pacemaker + Corosync, in one run on the
// same lab (lab/tutorial_lab.h: two nodes with their own disks in network and mount namespaces,
// the tutorial's addresses, and a client), built anew for each system (root):
//
//   vip_failover_bench [RUNS] [--only vigil|keepalived|pacemaker] [--results FILE]
//   vip_failover_bench --fencing [RUNS] [--only vigil|pacemaker] [--results FILE]
//
// The client asks ARP who has 192.168.1.100 every 10 ms; a run's figure is the time from the
// fault to the first reply from a node other than the old owner. Rows (RUNS each, default 20):
//   - vigild at the default token and at token 200 ms: kill -9 of the owner's vigild (its
//     executor child removes the address as it goes); the owner's link down; `crm node standby`
//     typed on the owner (the crm process included, as a user waits for it);
//   - keepalived 2.2 (VRRPv2, advert_int 1; VRRPv3, advert_int 0.1): the master crashes
//     (kill -9 of its keepalived, its link down; the address stays on the dead node);
//   - Pacemaker 2.1 + Corosync 3 from Debian's packages, defaults (two_node, knet, token 3000 ms): the owner
//     crashes (kill -9 of every process of the node, its link down); `crm node standby` (crmsh).
// The resource is the tutorial's: `ocf:heartbeat:IPaddr params ip=192.168.1.100 op monitor
// interval=10s` (Vigil's native IPaddr; Pacemaker runs resource-agents' script).
// With --fencing (results in bench/results/fence_failover.md), Vigil at the default token and
// Pacemaker + Corosync with defaults, both with stonith-enabled=true and a stonith:fence_ipmilan
// device per node (fence-agents' own script, through the node's simulated BMC, ipmi_sim; kept off
// the node it fences): the owner freezes whole (SIGSTOP of every process of the node, its links
// up), the other node fences it (stonith-action reboot: the BMC kills the node and brings its
// links back, its cluster stack not started at boot) and only then starts the floating IP;
// Pacemaker also at token 1000 ms, Vigil's default. After each run
// the node is brought back and the cluster settles before the next. At the end, the memory of a
// node (VmRSS of every process in it) and the table, with ratios to Vigil's row for the same
// fault, printed and written to the results file (default bench/results/vip_failover.md) with
// the date and the machine.
#include <signal.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>
#include <thread>

#include "bench/stats.h"
#include "lab/tutorial_lab.h"

namespace vigil::bench {
namespace {

using Clock = std::chrono::steady_clock;
using lab::RunResult;
using lab::TutorialLab;
using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr const char* kIpPrimitive =
    "primitive ip ocf:heartbeat:IPaddr params ip=192.168.1.100 op monitor interval=10s";

enum class Fault { kKill, kLinkDown, kCrash, kStandby, kFreeze };

const char* FaultName(Fault f) {
  switch (f) {
    case Fault::kKill: return "kill -9 of the owner's daemon";
    case Fault::kLinkDown: return "the owner's link down";
    case Fault::kCrash: return "the owner crashes (kill -9 of all, link down)";
    case Fault::kStandby: return "crm node standby";
    case Fault::kFreeze: return "the owner freezes (SIGSTOP of all), fenced through its BMC";
  }
  return "?";
}

bool WaitFor(const std::function<bool()>& done, milliseconds limit) {
  const auto end = Clock::now() + limit;
  while (Clock::now() < end) {
    if (done()) return true;
    std::this_thread::sleep_for(milliseconds(50));
  }
  return done();
}

// One system on the lab: it starts, settles with the floating IP on one node, takes a fault and
// recovers from it.
class System {
 public:
  // `fencing`: the lab's nodes get BMCs, the cluster fence_ipmilan devices, and the fault is a
  // freeze of the owner.
  explicit System(bool fencing) : fencing_(fencing) {}
  virtual ~System() = default;
  virtual std::string Name() const = 0;
  virtual std::vector<Fault> Faults() const = 0;
  virtual Status Up() = 0;
  // Injects the fault; returns at once (a command such as crm runs on in the background).
  virtual Status Inject(Fault f, int owner) = 0;
  virtual Status Recover(Fault f, int owner) = 0;

  TutorialLab& lab() { return *lab_; }

  // The node the floating IP answers from alone, the same for `calm` in a row; 0 when that
  // has not happened within two minutes.
  int Settled(milliseconds calm = milliseconds(1500)) {
    const auto give_up = Clock::now() + seconds(120);
    int owner = 0;
    auto since = Clock::now();
    while (Clock::now() < give_up) {
      const auto owners = lab_->VipOwners(milliseconds(50));
      const int now_owner = owners.size() == 1 ? owners[0] : 0;
      if (now_owner != owner) {
        owner = now_owner;
        since = Clock::now();
      } else if (owner != 0 && Clock::now() - since >= calm) {
        return owner;
      }
    }
    return 0;
  }

  // VmRSS of every process of a node (the lab's holder aside), in MiB.
  double NodeMemoryMib(int node) {
    double kib = 0;
    for (pid_t pid : lab_->lan().Pids(TutorialLab::Name(node))) {
      std::ifstream status("/proc/" + std::to_string(pid) + "/status");
      for (std::string line; std::getline(status, line);) {
        if (line.rfind("VmRSS:", 0) == 0) kib += std::stod(line.substr(6));
      }
    }
    return kib / 1024;
  }

 protected:
  Status MakeLab(lab::TutorialOptions o, const std::string& tag) {
    char dir[] = "/tmp/vigil-bench.XXXXXX";
    if (::mkdtemp(dir) == nullptr) return Status::FromErrno("mkdtemp", errno);
    work_ = dir;
    o.prefix = "vgb" + tag + std::to_string(::getpid()) + "-";
    o.work = work_;
    o.mysql = false;
    o.bmcs = fencing_;
    o.vigild_at_boot = false;  // a fenced node stays out until Recover starts its cluster stack
    auto lab = TutorialLab::Create(o);
    if (!lab.ok()) return lab.status();
    lab_ = std::move(*lab);
    return Status::Ok();
  }
  void RemoveLab() {
    lab_.reset();
    std::error_code ec;
    if (!work_.empty()) std::filesystem::remove_all(work_, ec);
  }
  // A command typed on a node, left running (crm node standby): its time is part of the fault.
  Status Background(int node, const std::vector<std::string>& argv) {
    auto d = lab::Daemon::Start(lab_->On(TutorialLab::Name(node), argv), work_ / "background.log");
    if (!d.ok()) return d.status();
    background_ = std::move(*d);
    return Status::Ok();
  }
  void ReapBackground() {
    if (background_) {
      WaitFor([&] { return !background_->Running(); }, seconds(60));
      background_.reset();
    }
  }
  // What crm is typed (on its standard input) to configure the cluster: the tutorial's floating
  // IP, and with fencing a fence_ipmilan device per node kept off the node it fences.
  std::string ConfigureInput() const {
    std::string input = "configure\n";
    if (fencing_) {
      for (int k : {1, 2}) {
        const std::string name = TutorialLab::Name(k);
        input += "primitive fence-" + name + " stonith:fence_ipmilan params ip=" + TutorialLab::BmcAddress(k) +
                 " username=" + lab::kBmcUser + " password=" + lab::kBmcPassword + " pcmk_host_list=" + name +
                 " op monitor interval=60s\nlocation fence-" + name + "-away fence-" + name + " -inf: " + name + "\n";
      }
    }
    return input + "property stonith-enabled=" + (fencing_ ? "true" : "false") + "\n" + kIpPrimitive +
           "\ncommit\nquit\n";
  }
  // The whole owner stops (SIGSTOP of every process of it, its links up).
  void Freeze(int owner) {
    power_offs_ = lab_->bmcs()->power_offs(owner);
    lab_->Freeze(owner, true);
  }
  // Until the frozen owner has been switched off by its BMC and on again (stonith-action reboot).
  Status WaitFenced(int owner) {
    if (!WaitFor([&] { return lab_->bmcs()->power_offs(owner) > power_offs_ && lab_->bmcs()->powered(owner); },
                 seconds(120))) {
      return Status(StatusCode::kTimeout, TutorialLab::Name(owner) + " was not fenced (rebooted) within 120 s");
    }
    return Status::Ok();
  }
  Status Expect(const RunResult& r, const std::string& what) {
    if (r.code == 0) return Status::Ok();
    return Status(StatusCode::kInternal, what + ": " + r.out);
  }

  const bool fencing_;
  std::filesystem::path work_;
  std::unique_ptr<TutorialLab> lab_;
  std::unique_ptr<lab::Daemon> background_;
  int power_offs_ = 0;  // of the frozen owner, before the freeze
};

class VigilSystem final : public System {
 public:
  VigilSystem(int token_ms, bool fencing) : System(fencing), token_ms_(token_ms) {}
  ~VigilSystem() override { RemoveLab(); }
  std::string Name() const override {
    return token_ms_ == 0 ? "Vigil, default token (1000 ms)" : "Vigil, token " + std::to_string(token_ms_) + " ms";
  }
  std::vector<Fault> Faults() const override {
    if (fencing_) return {Fault::kFreeze};
    return {Fault::kKill, Fault::kLinkDown, Fault::kStandby};
  }

  Status Up() override {
    lab::TutorialOptions o;
    o.nodelist = true;  // two_node
    o.token_ms = token_ms_;
    if (Status s = MakeLab(o, "v"); !s.ok()) return s;
    if (Status s = lab_->Install(); !s.ok()) return s;
    for (int k : {1, 2}) {
      if (Status s = lab_->Start(k); !s.ok()) return s;
    }
    if (!WaitFor([&] { return lab_->Formed(1); }, seconds(60))) return Status(StatusCode::kTimeout, "vigild: no cluster");
    return Expect(lab_->Crm(1, {}, ConfigureInput()), "crm configure");
  }
  Status Inject(Fault f, int owner) override {
    switch (f) {
      case Fault::kKill: lab_->Kill(owner); return Status::Ok();
      case Fault::kFreeze: Freeze(owner); return Status::Ok();
      case Fault::kLinkDown: return lab_->SetClusterLink(owner, false);
      case Fault::kStandby:
        return Background(owner, {lab_->crm().string(), "node", "standby", TutorialLab::Name(owner)});
      default: return Status(StatusCode::kUnsupported, "not for vigild");
    }
  }
  Status Recover(Fault f, int owner) override {
    ReapBackground();
    if (f == Fault::kFreeze) {
      if (Status s = WaitFenced(owner); !s.ok()) return s;
    }
    if (f == Fault::kKill || f == Fault::kFreeze) {
      if (Status s = lab_->Start(owner); !s.ok()) return s;
    } else if (f == Fault::kLinkDown) {
      if (Status s = lab_->SetClusterLink(owner, true); !s.ok()) return s;
    } else if (Status s = Expect(lab_->Crm(owner, {"node", "online", TutorialLab::Name(owner)}), "crm node online");
               !s.ok()) {
      return s;
    }
    if (!WaitFor([&] { return lab_->Formed(1) && lab_->Formed(2); }, seconds(60))) {
      return Status(StatusCode::kTimeout, "vigild: the cluster did not form again");
    }
    return Status::Ok();
  }

 private:
  int token_ms_;
};

class KeepalivedSystem final : public System {
 public:
  KeepalivedSystem(std::string advert, int version) : System(false), advert_(std::move(advert)), version_(version) {}
  ~KeepalivedSystem() override {
    daemons_.clear();
    RemoveLab();
  }
  std::string Name() const override {
    return "keepalived, VRRPv" + std::to_string(version_) + " advert_int " + advert_;
  }
  std::vector<Fault> Faults() const override { return {Fault::kCrash}; }

  Status Up() override {
    if (Status s = MakeLab(lab::TutorialOptions{}, "k"); !s.ok()) return s;
    for (int k : {1, 2}) {
      std::ofstream(work_ / ("keepalived" + std::to_string(k) + ".conf"))
          << "global_defs {\n\trouter_id " << TutorialLab::Name(k) << "\n\tvrrp_version " << version_
          << "\n}\nvrrp_instance VI_1 {\n\tstate " << (k == 1 ? "MASTER" : "BACKUP") << "\n\tinterface eth0\n"
          << "\tvirtual_router_id 51\n\tpriority " << (k == 1 ? 150 : 100) << "\n\tadvert_int " << advert_
          << "\n\tvirtual_ipaddress {\n\t\t" << TutorialLab::kVip << "/24 dev eth0\n\t}\n}\n";
    }
    daemons_.resize(2);
    for (int k : {2, 1}) {
      if (Status s = Start(k); !s.ok()) return s;
    }
    return Status::Ok();
  }
  Status Inject(Fault, int owner) override {
    lab_->lan().KillAll(TutorialLab::Name(owner), false);  // keepalived and its VRRP child
    return lab_->SetClusterLink(owner, false);
  }
  Status Recover(Fault, int owner) override {
    daemons_.at(static_cast<size_t>(owner - 1))->Kill(SIGKILL);  // reaped
    lab_->lan().KillAll(TutorialLab::Name(owner));
    // The dead master's address is still there, as after a crash; it goes before the restart.
    (void)lab::Run({"ip", "-n", lab_->lan().netns(TutorialLab::Name(owner)), "addr", "del",
                    std::string(TutorialLab::kVip) + "/24", "dev", "eth0"});
    // A killed keepalived leaves its pid files, and refuses to start beside them.
    (void)lab_->RunOn(TutorialLab::Name(owner), {"sh", "-c", "rm -f /run/keepalived*.pid"});
    if (Status s = lab_->SetClusterLink(owner, true); !s.ok()) return s;
    if (Status s = Start(owner); !s.ok()) return s;
    // Node 1 has the higher priority and takes the address back: wait for it.
    if (!WaitFor([&] { return lab_->VipOwners(milliseconds(50)) == std::vector<int>{1}; }, seconds(60))) {
      const std::string all = lab::ReadText(work_ / "keepalived1.log");
      return Status(StatusCode::kTimeout, "keepalived: node1 did not take the address back; its log ends: " +
                                              all.substr(all.size() > 1500 ? all.size() - 1500 : 0));
    }
    return Status::Ok();
  }

 private:
  Status Start(int k) {
    auto d = lab::Daemon::Start(
        lab_->On(TutorialLab::Name(k), {"keepalived", "-n", "-l", "-D", "-P", "-f",
                                        (work_ / ("keepalived" + std::to_string(k) + ".conf")).string(), "-p",
                                        "/run/keepalived.pid", "-r", "/run/keepalived-vrrp.pid"}),
        work_ / ("keepalived" + std::to_string(k) + ".log"));
    if (!d.ok()) return d.status();
    daemons_.at(static_cast<size_t>(k - 1)) = std::move(*d);
    return Status::Ok();
  }

  std::string advert_;
  int version_;
  std::vector<std::unique_ptr<lab::Daemon>> daemons_;
};

class PacemakerSystem final : public System {
 public:
  // `token_ms`: Corosync's token (0: its default, 3000 ms for two nodes).
  PacemakerSystem(bool fencing, int token_ms) : System(fencing), token_ms_(token_ms) {}
  ~PacemakerSystem() override {
    for (int k : {1, 2}) StopNode(k);
    RemoveLab();
  }
  std::string Name() const override {
    return token_ms_ == 0 ? "Pacemaker 2.1 + Corosync 3, defaults"
                          : "Pacemaker 2.1 + Corosync 3, token " + std::to_string(token_ms_) + " ms";
  }
  std::vector<Fault> Faults() const override {
    if (fencing_) return {Fault::kFreeze};
    return {Fault::kCrash, Fault::kStandby};
  }

  Status Up() override {
    lab::TutorialOptions o;
    o.shm_and_hosts = true;
    if (Status s = MakeLab(o, "p"); !s.ok()) return s;
    if (Status s = lab_->Install(); !s.ok()) return s;  // the authkey (and a conf replaced below)
    std::string conf =
        "totem {\n\tversion: 2\n\tcluster_name: tutorial\n\ttransport: knet\n\tcrypto_cipher: aes256\n"
        "\tcrypto_hash: sha256\n" + (token_ms_ == 0 ? std::string() : "\ttoken: " + std::to_string(token_ms_) + "\n") +
        "}\nlogging {\n\tto_stderr: no\n\tto_syslog: no\n\tto_logfile: yes\n"
        "\tlogfile: /var/log/corosync/corosync.log\n\ttimestamp: hires\n}\nquorum {\n"
        "\tprovider: corosync_votequorum\n\ttwo_node: 1\n}\nnodelist {\n";
    for (int k : {1, 2}) {
      conf += "\tnode {\n\t\tring0_addr: " + TutorialLab::Address(k) + "\n\t\tname: " + TutorialLab::Name(k) +
              "\n\t\tnodeid: " + std::to_string(k) + "\n\t}\n";
    }
    conf += "}\n";
    for (int k : {1, 2}) {
      const auto dir = lab_->NodeDir(k);
      std::ofstream(dir / "etc-corosync" / "corosync.conf") << conf;
      std::filesystem::remove_all(dir / "etc-corosync" / "service.d");
      // Pacemaker's directories on the node's own disk, owned as Debian's package makes them.
      const RunResult r = lab_->RunOn(
          TutorialLab::Name(k),
          {"sh", "-c",
           "set -e; mkdir -p /var/lib/pacemaker/cib /var/lib/pacemaker/pengine /var/lib/pacemaker/blackbox "
           "/var/lib/pacemaker/cores /var/lib/corosync /var/log/pacemaker /var/log/corosync /var/log/crmsh /run/crm "
           "/run/resource-agents; chown -R hacluster:haclient /var/lib/pacemaker /var/log/pacemaker /run/crm; "
           "chmod 750 /var/lib/pacemaker/*; chmod 770 /var/log/pacemaker; chmod 1755 /run/resource-agents"});
      if (r.code != 0) return Status(StatusCode::kIoError, "pacemaker directories: " + r.out);
    }
    for (int k : {1, 2}) {
      if (Status s = StartNode(k); !s.ok()) return s;
    }
    if (!WaitFor([&] { return Online(1); }, seconds(180))) return Status(StatusCode::kTimeout, "Pacemaker: no cluster");
    return Expect(lab_->RunOn(TutorialLab::Name(1), {"/usr/sbin/crm"}, ConfigureInput()), "crm configure");
  }
  Status Inject(Fault f, int owner) override {
    if (f == Fault::kStandby) return Background(owner, {"/usr/sbin/crm", "node", "standby", TutorialLab::Name(owner)});
    if (f == Fault::kFreeze) {
      Freeze(owner);
      return Status::Ok();
    }
    // Every process of the node at once (the lab's holder aside), then its link.
    lab_->lan().KillAll(TutorialLab::Name(owner), false);
    return lab_->SetClusterLink(owner, false);
  }
  Status Recover(Fault f, int owner) override {
    ReapBackground();
    if (f == Fault::kStandby) {
      if (Status s = Expect(Crm(owner, {"node", "online", TutorialLab::Name(owner)}), "crm node online"); !s.ok()) {
        return s;
      }
    } else {
      if (f == Fault::kFreeze) {
        if (Status s = WaitFenced(owner); !s.ok()) return s;
      }
      for (auto& d : daemons_[owner]) d->Kill(SIGKILL);  // reaped
      daemons_[owner].clear();
      lab_->lan().KillAll(TutorialLab::Name(owner));  // and what they had started
      (void)lab::Run({"ip", "-n", lab_->lan().netns(TutorialLab::Name(owner)), "addr", "del",
                      std::string(TutorialLab::kVip) + "/24", "dev", "eth0"});
      (void)lab_->RunOn(TutorialLab::Name(owner), {"sh", "-c", "rm -f /dev/shm/qb-* /run/*.pid"});
      if (Status s = lab_->SetClusterLink(owner, true); !s.ok()) return s;
      if (Status s = StartNode(owner); !s.ok()) return s;
    }
    if (!WaitFor([&] { return Online(1) && Online(2); }, seconds(180))) {
      return Status(StatusCode::kTimeout, "Pacemaker: the cluster did not form again");
    }
    return Status::Ok();
  }

 private:
  RunResult Crm(int node, const std::vector<std::string>& args) {
    std::vector<std::string> argv{"/usr/sbin/crm"};
    argv.insert(argv.end(), args.begin(), args.end());
    return lab_->RunOn(TutorialLab::Name(node), argv);
  }
  bool Online(int at) {
    const RunResult r = lab_->RunOn(TutorialLab::Name(at), {"crm_mon", "-1"});
    return r.code == 0 && r.out.find("Online: [ node1 node2 ]") != std::string::npos &&
           r.out.find("Current DC: node") != std::string::npos;
  }
  Status StartNode(int k) {
    const std::string node = TutorialLab::Name(k);
    const auto dir = lab_->NodeDir(k);
    auto corosync = lab::Daemon::Start(lab_->On(node, {"corosync", "-f"}), dir / "corosync.out");
    if (!corosync.ok()) return corosync.status();
    daemons_[k].push_back(std::move(*corosync));
    if (!WaitFor([&] { return lab_->RunOn(node, {"corosync-cmapctl", "-g", "totem.cluster_name"}).code == 0; },
                 seconds(30))) {
      return Status(StatusCode::kTimeout, "corosync did not start on " + node);
    }
    auto pacemakerd = lab::Daemon::Start(
        lab_->On(node, {"env", "PCMK_logfacility=none", "PCMK_logfile=/var/log/pacemaker/pacemaker.log", "pacemakerd"}),
        dir / "pacemakerd.out");
    if (!pacemakerd.ok()) return pacemakerd.status();
    daemons_[k].push_back(std::move(*pacemakerd));
    return Status::Ok();
  }
  void StopNode(int k) {
    auto& list = daemons_[k];
    for (auto it = list.rbegin(); it != list.rend(); ++it) (*it)->Stop(seconds(30));
    list.clear();
  }

  int token_ms_;
  std::map<int, std::vector<std::unique_ptr<lab::Daemon>>> daemons_;
};

struct Row {
  std::string system;
  Fault fault;
  std::vector<double> ms;
  std::string error;
};

// From the fault to the first ARP reply for the floating IP from another node than `owner`, in
// ms; -1 if none within `limit`.
double TimeToNewOwner(System& system, int owner, const std::function<Status()>& fault, milliseconds limit) {
  const auto t0 = Clock::now();
  if (!fault().ok()) return -1;
  while (Clock::now() - t0 < limit) {
    for (int o : system.lab().VipOwners(milliseconds(10))) {
      if (o != 0 && o != owner) return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
    }
  }
  return -1;
}

void RunSystem(System& system, int runs, std::vector<Row>& rows, std::vector<std::string>& memory) {
  std::printf("== %s\n", system.Name().c_str());
  std::fflush(stdout);
  const Status up = system.Up();
  int owner = up.ok() ? system.Settled() : 0;
  for (Fault f : system.Faults()) {
    Row row{system.Name(), f, {}, up.ok() ? "" : up.message()};
    for (int run = 1; run <= runs && row.error.empty(); ++run) {
      if (owner == 0) {
        row.error = "the floating IP did not settle on one node";
        break;
      }
      // The fault lands at a varying point of the heartbeat and advertisement intervals.
      std::this_thread::sleep_for(milliseconds(300 + (run * 37) % 250));
      const double ms = TimeToNewOwner(system, owner, [&] { return system.Inject(f, owner); }, milliseconds(60000));
      if (ms < 0) {
        row.error = "no new owner within 60 s";
        break;
      }
      row.ms.push_back(ms);
      std::printf("  %s, run %d: node%d -> another node in %.1f ms\n", FaultName(f), run, owner, ms);
      std::fflush(stdout);
      if (Status s = system.Recover(f, owner); !s.ok()) {
        row.error = s.message();
        break;
      }
      owner = system.Settled();
    }
    if (!row.error.empty()) std::printf("  %s: %s\n", FaultName(f), row.error.c_str());
    rows.push_back(std::move(row));
  }
  if (owner != 0) {
    char line[160];
    std::snprintf(line, sizeof line, "%s: %.1f MiB on the node running the IP, %.1f MiB on the other", system.Name().c_str(),
                  system.NodeMemoryMib(owner), system.NodeMemoryMib(3 - owner));
    memory.push_back(line);
    std::printf("  memory: %s\n", line);
  }
}

std::string Machine() {
  utsname u{};
  ::uname(&u);
  std::string cpu;
  std::ifstream in("/proc/cpuinfo");
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("model name", 0) == 0) {
      cpu = line.substr(line.find(':') + 2);
      break;
    }
  }
  return std::to_string(std::thread::hardware_concurrency()) + " cores (" + cpu + "), Linux " + u.release;
}

std::string Table(const std::vector<Row>& rows) {
  std::map<int, double> vigil_median;  // by fault, from Vigil's default-token row
  std::ostringstream out;
  out << "| system | fault | runs | min | median | p95 | median / Vigil's (default token) |\n"
      << "|---|---|---|---|---|---|---|\n";
  for (const Row& r : rows) {
    if (r.system.rfind("Vigil, default", 0) == 0 && !r.ms.empty()) {
      vigil_median[static_cast<int>(r.fault)] = Median(r.ms);
      if (r.fault == Fault::kKill) vigil_median[static_cast<int>(Fault::kCrash)] = Median(r.ms);
    }
  }
  for (const Row& r : rows) {
    char line[512];
    if (r.ms.empty()) {
      std::snprintf(line, sizeof line, "| %s | %s | 0 | | | | %s |\n", r.system.c_str(), FaultName(r.fault), r.error.c_str());
    } else {
      const double median = Median(r.ms);
      const auto base = vigil_median.find(static_cast<int>(r.fault));
      char ratio[64] = "";
      if (base != vigil_median.end() && base->second > 0) std::snprintf(ratio, sizeof ratio, "%.2f×", median / base->second);
      std::snprintf(line, sizeof line, "| %s | %s | %zu | %.0f ms | %.0f ms | %.0f ms | %s%s |\n", r.system.c_str(),
                    FaultName(r.fault), r.ms.size(), *std::min_element(r.ms.begin(), r.ms.end()), median,
                    Percentile(r.ms, 0.95), ratio, r.error.empty() ? "" : (" (stopped: " + r.error + ")").c_str());
    }
    out << line;
  }
  return out.str();
}

}  // namespace
}  // namespace vigil::bench

int main(int argc, char** argv) {
  using namespace vigil::bench;
  int runs = 20;
  std::string only;
  bool fencing = false;
  std::filesystem::path results;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--fencing") {
      fencing = true;
    } else if (a == "--only" && i + 1 < argc) {
      only = argv[++i];
    } else if (a == "--results" && i + 1 < argc) {
      results = argv[++i];
    } else if (std::atoi(a.c_str()) > 0) {
      runs = std::atoi(a.c_str());
    } else {
      std::fprintf(stderr, "usage: vip_failover_bench [--fencing] [RUNS] [--only vigil|keepalived|pacemaker] [--results FILE]\n");
      return 2;
    }
  }
  if (results.empty()) {
    results = std::filesystem::path(VIGIL_SOURCE_DIR) / "bench" / "results" /
              (fencing ? "fence_failover.md" : "vip_failover.md");
  }
  if (::geteuid() != 0) {
    std::fprintf(stderr, "vip_failover_bench: needs root (network and mount namespaces)\n");
    return 1;
  }
  ::signal(SIGPIPE, SIG_IGN);
  std::vector<Row> rows;
  std::vector<std::string> memory;
  auto run = [&](System&& system) { RunSystem(system, runs, rows, memory); };
  if (only.empty() || only == "vigil") {
    run(VigilSystem(0, fencing));
    if (!fencing) run(VigilSystem(200, false));
  }
  if ((only.empty() || only == "keepalived") && !fencing) {
    run(KeepalivedSystem("1", 2));
    run(KeepalivedSystem("0.1", 3));
  }
  if (only.empty() || only == "pacemaker") {
    run(PacemakerSystem(fencing, 0));
    // With fencing, also at Vigil's default token: how much of the difference the token is.
    if (fencing) run(PacemakerSystem(true, 1000));
  }

  char date[32];
  const std::time_t now = std::time(nullptr);
  std::strftime(date, sizeof date, "%Y-%m-%d %H:%M UTC", std::gmtime(&now));
  std::ostringstream report;
  report << (fencing ? "# The floating IP's failover with fencing, side by side\n\n"
                     : "# The floating IP's failover, side by side\n\n")
         << date << ", " << Machine() << ". `build/bin/vip_failover_bench " << (fencing ? "--fencing " : "") << runs
         << (only.empty() ? "" : " --only " + only) << "` (root).\n\n"
         << "From the fault to the first ARP reply for 192.168.1.100 from the new owner, seen from the client's "
            "namespace (probed every 10 ms), two nodes.";
  if (fencing) {
    report << " stonith-enabled=true, a stonith:fence_ipmilan device per node (fence-agents' script through the "
              "node's simulated BMC, ipmi_sim), stonith-action reboot: the figure includes the fence, which the "
              "survivor completes before it starts the IP. Corosync 3.1's default token is 3000 ms for two nodes, "
              "Vigil's 1000 ms: the last row is Pacemaker at Vigil's token.";
  }
  report << "\n\n"
         << Table(rows) << "\nMemory of one node (VmRSS of every process in its namespaces), idle after the runs:\n\n";
  for (const auto& m : memory) report << "- " << m << "\n";
  std::printf("\n%s", report.str().c_str());
  std::filesystem::create_directories(results.parent_path());
  std::ofstream(results) << report.str();
  std::printf("\nwritten to %s\n", results.c_str());
  return 0;
}
