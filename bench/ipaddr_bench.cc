// Benchmarks of the native IPaddr2 against resource-agents' script (not tests: they print
// figures and assert nothing). Root: both run on a two-host network in namespaces that the
// benchmark builds and removes; the process itself joins host 1's namespace before it loads the
// agents, so every operation acts there.
//
//   ipaddr_bench monitor [RUNS]   one monitor of a running VIP, native vs the script through
//                                 shell-ocf, both through the same AgentHost; alternating runs.
//   ipaddr_bench garp [RUNS]      start -> the first gratuitous ARP for the VIP received on host
//                                 2 (kernel receive timestamp), native vs the script.
#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <string>
#include <vector>

#include "bench/stats.h"
#include "host/agent_host.h"
#include "tests/support/netns_lan.h"

namespace vigil {
namespace {

using Clock = std::chrono::steady_clock;
constexpr const char* kNative = "ocf:heartbeat:IPaddr2";
constexpr const char* kScript = "ocf:heartbeat-script:IPaddr2";
constexpr const char* kVip = "10.77.0.100";

using bench::Median;
using bench::Percentile;

double UsSince(Clock::time_point t0, Clock::time_point t1) {
  return std::chrono::duration<double, std::micro>(t1 - t0).count();
}

Operation Op(const char* agent, const char* action) {
  Operation op;
  op.resource = "vip";
  op.agent = agent;
  op.action = action;
  op.params = {{"ip", kVip}};
  return op;
}

bool Expect(AgentHost& host, const Operation& op, int rc) {
  auto r = host.RunAndWait(op);
  if (r.ok() && r->rc == rc) return true;
  std::fprintf(stderr, "%s %s: expected %d, got %s\n", op.agent.c_str(), op.action.c_str(), rc,
               r.ok() ? (std::to_string(r->rc) + " " + r->reason).c_str() : r.status().message().c_str());
  return false;
}

int Monitor(AgentHost& host, int runs) {
  for (const char* agent : {kNative, kScript}) {
    if (!Expect(host, Op(agent, "start"), 0)) return 1;
  }
  std::vector<double> native, script;
  const int script_every = 10;  // the script costs ~10^4 times more: fewer runs of it
  for (int i = 0; i < runs + 10; ++i) {
    auto t0 = Clock::now();
    if (!Expect(host, Op(kNative, "monitor"), 0)) return 1;
    auto t1 = Clock::now();
    if (i >= 10) native.push_back(UsSince(t0, t1));
    if (i % script_every == 0) {
      if (!Expect(host, Op(kScript, "monitor"), 0)) return 1;
      auto t2 = Clock::now();
      if (i >= 10) script.push_back(UsSince(t1, t2));
    }
  }
  // The agent alone: the plugin's execute on this thread, as a worker runs it, without the
  // executor's queue and thread hand-offs around it.
  std::vector<double> bare;
  auto entry = host.registry().Find(kNative);
  if (!entry.ok()) return 1;
  const Operation monitor = Op(kNative, "monitor");
  for (int i = 0; i < runs + 10; ++i) {
    auto t0 = Clock::now();
    RunOutcome r = host.registry().Run(**entry, monitor, nullptr);
    auto t1 = Clock::now();
    if (r.rc != 0) return 1;
    if (i >= 10) bare.push_back(UsSince(t0, t1));
  }
  if (!Expect(host, Op(kNative, "stop"), 0)) return 1;
  const double n = Median(native), s = Median(script);
  std::printf("IPaddr2 monitor of a running VIP (median / p90 us), through the agent host:\n");
  std::printf("  script (shell-ocf)  %10.1f / %10.1f   (%zu runs)\n", s, Percentile(script, 0.9),
              script.size());
  std::printf("  native              %10.1f / %10.1f   (%zu runs)\n", n, Percentile(native, 0.9),
              native.size());
  std::printf("  native is %.0fx cheaper\n", s / n);
  std::printf("the native agent alone (plugin execute on the calling thread): %.1f / %.1f us,"
              " %.0fx cheaper than the script\n", Median(bare), Percentile(bare, 0.9), s / Median(bare));
  return 0;
}

// A packet socket on host 2's eth0 that reports when each ARP frame arrived (kernel time).
class Watch {
 public:
  explicit Watch(const std::string& ns) {
    testing::InNamespace(ns, [&] {
      fd_ = ::socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, htons(ETH_P_ARP));
      sockaddr_ll at{};
      at.sll_family = AF_PACKET;
      at.sll_protocol = htons(ETH_P_ARP);
      at.sll_ifindex = static_cast<int>(::if_nametoindex("eth0"));
      int on = 1;
      if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&at), sizeof at) != 0 ||
          ::setsockopt(fd_, SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof on) != 0) {
        fd_ = -1;
      }
    });
  }
  bool ok() const { return fd_ >= 0; }

  void Drain() {
    char buf[128];
    while (::recv(fd_, buf, sizeof buf, 0) > 0) {
    }
  }

  // CLOCK_REALTIME arrival of the first ARP frame whose sender is the VIP, or 0 on timeout.
  double FirstArrivalNs(int timeout_ms) {
    const auto until = Clock::now() + std::chrono::milliseconds(timeout_ms);
    while (Clock::now() < until) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 50) <= 0) continue;
      uint8_t buf[128];
      char control[256];
      iovec iov{buf, sizeof buf};
      msghdr msg{};
      msg.msg_iov = &iov;
      msg.msg_iovlen = 1;
      msg.msg_control = control;
      msg.msg_controllen = sizeof control;
      const ssize_t n = ::recvmsg(fd_, &msg, 0);
      if (n < 42 || !(buf[28] == 10 && buf[29] == 77 && buf[30] == 0 && buf[31] == 100)) continue;
      for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
        if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS) {
          timespec ts;
          std::memcpy(&ts, CMSG_DATA(c), sizeof ts);
          return ts.tv_sec * 1e9 + ts.tv_nsec;
        }
      }
    }
    return 0;
  }

 private:
  int fd_ = -1;
};

double RealtimeNs() {
  timespec ts;
  ::clock_gettime(CLOCK_REALTIME, &ts);
  return ts.tv_sec * 1e9 + ts.tv_nsec;
}

int Garp(AgentHost& host, Watch& watch, int runs) {
  std::printf("start -> first gratuitous ARP received by the other host (median / p90 / max us):\n");
  for (const char* agent : {kScript, kNative}) {
    const int n = agent == kNative ? runs : std::max(10, runs / 5);
    std::vector<double> lat, op;
    for (int i = 0; i < n; ++i) {
      watch.Drain();
      const double t0 = RealtimeNs();
      const auto c0 = Clock::now();
      if (!Expect(host, Op(agent, "start"), 0)) return 1;
      const double op_us = UsSince(c0, Clock::now());
      const double arrived = watch.FirstArrivalNs(3000);
      if (arrived == 0) {
        std::fprintf(stderr, "%s: no gratuitous ARP within 3 s\n", agent);
        return 1;
      }
      lat.push_back((arrived - t0) / 1e3);
      op.push_back(op_us);
      if (!Expect(host, Op(agent, "stop"), 0)) return 1;
    }
    std::printf("  %-30s %9.1f / %9.1f / %9.1f   (start returned after %.1f us median; %d runs)\n",
                agent, Median(lat), Percentile(lat, 0.9), *std::max_element(lat.begin(), lat.end()),
                Median(op), n);
  }
  return 0;
}

}  // namespace
}  // namespace vigil

int main(int argc, char** argv) {
  const std::string mode = argc > 1 ? argv[1] : "";
  const int runs = argc > 2 && std::atoi(argv[2]) > 0 ? std::atoi(argv[2]) : 1000;
  if (mode != "monitor" && mode != "garp") {
    std::fprintf(stderr, "usage: ipaddr_bench monitor|garp [RUNS]   (root)\n");
    return 2;
  }
  vigil::testing::NetnsLan lan(2);
  if (!lan.ok()) {
    std::fprintf(stderr, "cannot build the network: %s\n", lan.error().c_str());
    return 1;
  }
  // Joined before any thread exists, so the agent host's threads all act in host 1.
  const int fd = ::open(("/run/netns/" + lan.host(0).ns).c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0 || ::setns(fd, CLONE_NEWNET) != 0) {
    std::perror("setns");
    return 1;
  }
  ::close(fd);
  char tmpl[] = "/tmp/vigil-bench.XXXXXX";
  vigil::RegistryOptions o;
  o.plugin_dirs = {vigil::DefaultPluginDir()};
  o.ocf_root = "/usr/lib/ocf";
  o.rsc_tmp = ::mkdtemp(tmpl);
  int rc;
  {
    vigil::AgentHost host(o);
    if (mode == "monitor") {
      rc = vigil::Monitor(host, runs);
    } else {
      vigil::Watch watch(lan.host(1).ns);
      rc = watch.ok() ? vigil::Garp(host, watch, runs) : 1;
    }
  }
  std::string cleanup = "rm -rf " + o.rsc_tmp;
  (void)std::system(cleanup.c_str());
  return rc;
}
