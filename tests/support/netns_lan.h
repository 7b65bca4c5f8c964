// A small Ethernet in network namespaces, for tests that need real links: one namespace holds a
// bridge, and each host is a namespace of its own whose eth0 is a veth into that bridge, with a
// fixed MAC and address. Everything is created in the namespaces themselves (nothing is added
// to the caller's namespace) and deleted by the destructor. Needs root.
#pragma once

#include <fcntl.h>
#include <sched.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/shell.h"

namespace vigil::testing {

// Runs `fn` on a thread that has joined the named namespace; sockets it opens stay there.
inline bool InNamespace(const std::string& ns, const std::function<void()>& fn) {
  bool joined = false;
  std::thread t([&] {
    const int fd = ::open(("/run/netns/" + ns).c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return;
    joined = ::setns(fd, CLONE_NEWNET) == 0;
    ::close(fd);
    if (joined) fn();
  });
  t.join();
  return joined;
}

class NetnsLan {
 public:
  struct Host {
    std::string ns;
    std::string ip;   // on eth0, /24
    std::string mac;  // of eth0
    std::string port;  // its veth peer on the bridge, in bridge_ns()
  };

  // Hosts get 10.77.0.1, .2, ... and MACs 02:00:00:77:00:01, ...
  explicit NetnsLan(int hosts) {
    const std::string tag = std::to_string(::getpid());
    bridge_ = "vgbr" + tag;
    if (!Do("ip netns add " + bridge_)) return;
    created_.push_back(bridge_);
    if (!Do("ip -n " + bridge_ + " link add br0 type bridge") ||
        !Do("ip -n " + bridge_ + " link set br0 up")) {
      return;
    }
    for (int i = 1; i <= hosts; ++i) {
      Host h;
      h.ns = "vg" + std::to_string(i) + "x" + tag;
      h.ip = "10.77.0." + std::to_string(i);
      char mac[32];
      std::snprintf(mac, sizeof mac, "02:00:00:77:00:%02x", i & 0xff);
      h.mac = mac;
      const std::string port = "p" + std::to_string(i) + "x" + tag;
      h.port = port;
      if (!Do("ip netns add " + h.ns)) return;
      created_.push_back(h.ns);
      if (!Do("ip -n " + h.ns + " link set lo up") ||
          !Do("ip link add name eth0 netns " + h.ns + " address " + h.mac + " type veth peer name " +
              port + " netns " + bridge_) ||
          !Do("ip -n " + bridge_ + " link set " + port + " master br0 up") ||
          !Do("ip -n " + h.ns + " addr add " + h.ip + "/24 dev eth0") ||
          !Do("ip -n " + h.ns + " link set eth0 up")) {
        return;
      }
      hosts_.push_back(h);
    }
    ok_ = true;
  }

  ~NetnsLan() {
    for (auto it = created_.rbegin(); it != created_.rend(); ++it) Sh("ip netns del " + *it);
  }
  NetnsLan(const NetnsLan&) = delete;
  NetnsLan& operator=(const NetnsLan&) = delete;

  bool ok() const { return ok_; }
  const std::string& error() const { return error_; }
  const Host& host(int i) const { return hosts_.at(i); }
  const std::string& bridge_ns() const { return bridge_; }

  // Host i's link as the switch sees it: detached from the bridge, the host hears nobody and
  // nobody hears it, while its own eth0 stays up (a partition, not a pulled cable).
  bool SetAttached(int i, bool attached) {
    return Sh("ip -n " + bridge_ + " link set " + host(i).port + (attached ? " master br0" : " nomaster")).code == 0;
  }
  // Host i's eth0 down or up (its cable pulled or plugged back).
  bool SetLink(int i, bool up) { return Sh("ip -n " + host(i).ns + " link set eth0 " + (up ? "up" : "down")).code == 0; }

  // The IPv4 addresses on a host's eth0 as `ip -o -4 addr` prints them, lifetimes cut off:
  // "inet 10.77.0.100/24 scope global secondary eth0".
  std::vector<std::string> Addresses(int i) const {
    std::vector<std::string> lines;
    const CommandResult r = Sh("ip -n " + host(i).ns + " -o -4 addr show dev eth0");
    size_t start = 0;
    while (start < r.out.size()) {
      size_t end = r.out.find('\n', start);
      if (end == std::string::npos) end = r.out.size();
      std::string line = r.out.substr(start, end - start);
      start = end + 1;
      const size_t inet = line.find("inet ");
      if (inet == std::string::npos) continue;
      line = line.substr(inet);
      if (size_t cut = line.find('\\'); cut != std::string::npos) line = line.substr(0, cut);
      while (!line.empty() && line.back() == ' ') line.pop_back();
      lines.push_back(line);
    }
    return lines;
  }

 private:
  bool Do(const std::string& command) {
    const CommandResult r = Sh(command);
    if (r.code != 0) error_ = command + ": " + r.out;
    return r.code == 0;
  }

  std::string bridge_;
  std::vector<Host> hosts_;
  std::vector<std::string> created_;
  bool ok_ = false;
  std::string error_;
};

}  // namespace vigil::testing
