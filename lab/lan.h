// A lab network on one machine, for `vigil demo`, the end-to-end test and the failover benchmark:
// a switch namespace holding one bridge per segment, and hosts, each a network namespace whose
// eth0, eth1, ... are veths into those bridges, with fixed MACs and addresses. A host can be a
// machine: a holder process keeps private mount and UTS namespaces for it (its host name, a
// tmpfs on /run, directories of the lab bound over paths such as /var/lib), so daemons started
// on it have a disk of their own, as on separate machines. Nothing is added to the caller's
// namespaces. The destructor ends every process living in the lab's network namespaces (they
// were all started there by the lab's user) and deletes the namespaces. Needs root.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "common/status.h"
#include "lab/run.h"

namespace vigil::lab {

struct Nic {
  std::string segment;  // the bridge it plugs into; hosts on one segment share a link
  std::string address;  // "192.168.1.101/24"
  std::string mac;      // "02:00:00:00:01:01"
};

struct HostSpec {
  std::string name;       // also the machine's host name
  std::vector<Nic> nics;  // eth0, eth1, ... in this order
  bool machine = false;   // private mount and UTS namespaces, below
  // Mount point (it must exist here) and the lab directory bound over it, on a machine. /run is
  // always a fresh tmpfs there.
  std::vector<std::pair<std::string, std::filesystem::path>> binds;
};

class Lan {
 public:
  // Namespaces are named `prefix` + host name, and `prefix` + "switch"; holder logs go to
  // `work`. On an error whatever was made is removed again.
  static Result<std::unique_ptr<Lan>> Create(const std::string& prefix, const std::filesystem::path& work,
                                             std::vector<HostSpec> hosts);
  ~Lan();
  Lan(const Lan&) = delete;
  Lan& operator=(const Lan&) = delete;

  const HostSpec& host(const std::string& name) const;
  std::string netns(const std::string& host) const { return prefix_ + host; }
  const std::string& switch_netns() const { return switch_; }

  // The argv that runs `argv` on a host: nsenter into a machine's namespaces, else
  // ip netns exec into its network namespace.
  std::vector<std::string> On(const std::string& host, const std::vector<std::string>& argv) const;
  // A path of a machine's private mounts as seen from here (through its holder's /proc root).
  std::filesystem::path Inside(const std::string& host, const std::filesystem::path& path) const;
  // Sets the switch's side of a host's nic down or up: the host's link drops as if its cable
  // were pulled, and nothing inside the host changes.
  Status SetLink(const std::string& host, size_t nic, bool up);
  // The processes living in a host's network namespace, its holder aside.
  std::vector<pid_t> Pids(const std::string& host) const;
  // SIGKILL to every process of a host but its holder; with `wait`, until they are gone (2 s at
  // most), else it returns once the signals are sent (a fault that must land at once).
  void KillAll(const std::string& host, bool wait = true);

 private:
  struct Host {
    HostSpec spec;
    std::unique_ptr<Daemon> holder;
  };
  Lan(std::string prefix, std::filesystem::path work) : prefix_(std::move(prefix)), work_(std::move(work)) {}
  Status Build(std::vector<HostSpec> hosts);
  Status AddHost(HostSpec spec, size_t index);
  Status Ip(const std::vector<std::string>& args);
  const Host& Find(const std::string& name) const;

  std::string prefix_;
  std::filesystem::path work_;
  std::string switch_;
  std::vector<std::string> segments_;
  std::vector<Host> hosts_;
  std::vector<std::string> created_;  // namespaces, in order of creation
};

}  // namespace vigil::lab
