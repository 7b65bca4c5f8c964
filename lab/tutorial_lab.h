// The tutorial's cluster on one machine: nodes node1..nodeN, each a machine of the lab (lan.h)
// with a disk of its own (/etc/corosync, /etc/mysql, /var/lib, /var/log private to it), on the
// tutorial's LAN 192.168.1.0/24 (node K at .10K, the floating IP at .100), and a client at .10
// that reaches the cluster the way the tutorial's client does: through the floating IP, with
// ARP and with the MariaDB client. `vigil demo` drives it step by step; the end-to-end test
// drives it with assertions; the failover benchmark times it.
//
// Each node runs vigild with no options, as a user starts it: /etc/corosync/corosync.conf (the
// tutorial's 1.x file, or a nodelist), the authkey beside it, state in /var/lib/vigil, the
// control socket under /run/vigil, so `crm` typed on the node finds it with no options either.
// Not thread-safe.
#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "lab/arp_probe.h"
#include "lab/bmc.h"
#include "lab/lan.h"
#include "lab/run.h"
#include "lab/watchdog.h"

namespace vigil::lab {

struct TutorialOptions {
  std::string prefix;          // of the lab's namespace names; unique per run
  std::filesystem::path work;  // every file of the lab (must exist; the caller removes it)
  int nodes = 2;
  bool mysql = true;           // a MariaDB data directory per node, with a database named after it
  // The corosync.conf: the tutorial's 1.x file (multicast, names from host names), or a 3.x
  // nodelist with udpu (needed for more than two nodes: expected votes come from the list).
  bool nodelist = false;
  int token_ms = 0;            // 0: the file sets none (Vigil's default, 1000)
  // Membership on a second link (eth1, 192.168.2.0/24) apart from the clients' LAN (eth0): a
  // partition cuts that link only, and the client still sees every node.
  bool ring_apart = false;
  // Each node also gets a /dev/shm and an /etc/hosts of its own (naming every node): what
  // Pacemaker needs to run beside the others (its IPC lives in /dev/shm, crmsh looks names up).
  bool shm_and_hosts = false;
  // The directory holding vigild, vigil and crm; empty: FindProgram (run.h).
  std::filesystem::path programs;
  // Each node gets a simulated BMC (bmc.h): ipmi_sim at BmcAddress(K) on the clients' LAN (in a
  // namespace of its own), user kBmcUser, password kBmcPassword. Its power off kills every
  // process of the node and takes its links down; its power on brings them back with the node's
  // own addresses only (what a floating IP left there is gone, as after a reboot) and starts the
  // node's vigild, unless `vigild_at_boot` is false (a node whose cluster service does not start
  // at boot, so that a fenced node stays out until someone starts it).
  bool bmcs = false;
  bool vigild_at_boot = true;
  // Each node gets a simulated watchdog device (watchdog.h) at WatchdogDevice(K), which its
  // vigild is started with (--watchdog-device): armed and not fed in time, it resets the node
  // (switched off, then on `watchdog_boot` later, as by its BMC).
  bool watchdogs = false;
  std::chrono::milliseconds watchdog_boot{10000};
};

class TutorialLab {
 public:
  static constexpr const char* kVip = "192.168.1.100";
  static constexpr const char* kClient = "client";
  static constexpr const char* kMysqlPassword = "password";

  // Builds the network and the nodes' disks (with MariaDB when asked: a few seconds); starts
  // nothing.
  static Result<std::unique_ptr<TutorialLab>> Create(TutorialOptions options);
  ~TutorialLab();  // the daemons first, then the network
  TutorialLab(const TutorialLab&) = delete;
  TutorialLab& operator=(const TutorialLab&) = delete;

  const TutorialOptions& options() const { return options_; }
  Lan& lan() { return *lan_; }
  static std::string Name(int node) { return "node" + std::to_string(node); }
  static std::string Address(int node) { return "192.168.1." + std::to_string(100 + node); }
  static std::string BmcAddress(int node) { return "192.168.1." + std::to_string(200 + node); }
  std::string Mac(int node) const;  // of its eth0, on the clients' LAN

  // The argv of a command as typed on a node (or on the client, kClient).
  std::vector<std::string> On(const std::string& host, const std::vector<std::string>& argv) const {
    return lan_->On(host, argv);
  }
  RunResult RunOn(const std::string& host, const std::vector<std::string>& argv, const std::string& input = "") const {
    return Run(On(host, argv), input);
  }
  // The configuration file every node gets (the text the user writes).
  std::string CorosyncConf() const;
  // `vigil keygen` on node1, the authkey copied to the others (the tutorial's scp), the
  // configuration written on every node.
  Status Install();

  // Starts vigild on a node (again, after Kill); its log goes to work/nodeK/vigild.log.
  Status Start(int node);
  // kill -9 of a node's vigild.
  void Kill(int node);
  // SIGSTOP (or SIGCONT) to every process of a node, its links kept up: a node frozen whole, as
  // a hung kernel or a paused VM.
  void Freeze(int node, bool frozen);
  // The BMCs' power control (with TutorialOptions::bmcs), else nullptr.
  const PowerPanel* bmcs() const { return panel_.get(); }
  // The simulated watchdogs (with TutorialOptions::watchdogs), else nullptr.
  const WatchdogBank* watchdogs() const { return watchdogs_.get(); }
  std::filesystem::path WatchdogDevice(int node) const { return NodeDir(node) / "watchdog"; }
  // SIGTERM to a node's vigild; waits until it has exited (it stops its resources first).
  void Stop(int node);
  bool Running(int node);
  std::string Log(int node) const;
  // The node's link to the others: the clients' LAN, or the membership link when ring_apart.
  Status SetClusterLink(int node, bool up);

  // The crm the lab runs (a command to type on a node with On()).
  const std::filesystem::path& crm() const { return crm_path_; }
  // Vigil's stonith_admin, beside vigild's tree (<prefix>/lib/vigil/sbin).
  std::filesystem::path StonithAdmin() const { return vigild_path_.parent_path().parent_path() / "lib" / "vigil" / "sbin" / "stonith_admin"; }
  // `crm ARGS...` on a node, with `input` on its stdin.
  RunResult Crm(int node, const std::vector<std::string>& args, const std::string& input = "") const;

  // As crm on `at` tells: every node of the lab online, and recorded in the configuration (the
  // DC has written them; it takes changes from then on).
  bool Formed(int at) const;
  // The node `crm status` (asked on `node`) says the resource is Started on, alone (a start still
  // running does not count); else "".
  std::string Where(int node, const std::string& resource) const;

  // Who answers ARP for the floating IP, as the client sees it: node numbers (0 for a MAC that
  // is no node's), in order of arrival within `wait`.
  std::vector<int> VipOwners(std::chrono::milliseconds wait = std::chrono::milliseconds(50));
  // The client's MariaDB session through the floating IP: the database named after a node
  // ("node1") that answered, or the client's error (code != 0).
  RunResult ClientQuery() const;

  // The crm primitive arguments of the tutorial's MySQL, with Debian's paths.
  static std::string MysqlPrimitive();

 private:
  explicit TutorialLab(TutorialOptions options) : options_(std::move(options)) {}
  Status Build();
  Status PrepareMysql(int node);
  Status StartBmcs();
  void PowerOff(int node);
  void PowerOn(int node);

 public:
  // A node's private directories, as seen from here: work/nodeK/etc-corosync is its
  // /etc/corosync, work/nodeK/var-lib its /var/lib, and so on.
  std::filesystem::path NodeDir(int node) const { return options_.work / Name(node); }

 private:

  TutorialOptions options_;
  std::unique_ptr<Lan> lan_;
  // The BMCs' thread switches nodes on and off: it starts vigild too.
  std::mutex vigild_mu_;
  std::vector<std::unique_ptr<Daemon>> vigild_;  // index node - 1
  std::unique_ptr<PowerPanel> panel_;
  std::unique_ptr<WatchdogBank> watchdogs_;
  std::mutex power_mu_;  // a node is switched by its BMC or its watchdog, one at a time
  std::vector<std::unique_ptr<Daemon>> ipmi_sims_;
  std::unique_ptr<ArpProbe> probe_;
  std::filesystem::path vigild_path_, vigil_path_, crm_path_;
};

}  // namespace vigil::lab
