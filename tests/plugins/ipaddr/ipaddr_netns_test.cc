// The native IPaddr2 on real links (root): hosts in network namespaces on a bridge of their
// own, the agent run as a user runs it (`ip netns exec NS vigil agent run ...`), the gratuitous
// ARP captured by another host, and resource-agents' IPaddr2 script run the same way as the
// reference for every OCF code.
#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <cstring>
#include <thread>

#include "plugins/ipaddr/arp.h"
#include "plugins/ipaddr/ipaddr_agent.h"
#include "plugins/ipaddr/network.h"
#include "tests/support/netns_lan.h"
#include "tests/support/test_util.h"

namespace vigil::testing {
namespace {

constexpr const char* kNative = "ocf:heartbeat:IPaddr2";
constexpr const char* kScript = "ocf:heartbeat-script:IPaddr2";
constexpr const char* kVip = "10.77.0.100";

struct ArpFrame {
  std::string eth_src;
  int op = 0;
  std::string sender_mac;
  std::string sender_ip;
  std::string target_mac;
  std::string target_ip;
};

std::string Mac(const uint8_t* p) {
  char buf[18];
  std::snprintf(buf, sizeof buf, "%02x:%02x:%02x:%02x:%02x:%02x", p[0], p[1], p[2], p[3], p[4], p[5]);
  return buf;
}

std::string Ip(const uint8_t* p) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%u.%u.%u.%u", p[0], p[1], p[2], p[3]);
  return buf;
}

// Every ARP frame that reaches eth0 of a host, read from a packet socket opened in its
// namespace.
class ArpWatch {
 public:
  explicit ArpWatch(const std::string& ns) {
    InNamespace(ns, [&] {
      fd_ = ::socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons(ETH_P_ARP));
      if (fd_ < 0) return;
      sockaddr_ll at{};
      at.sll_family = AF_PACKET;
      at.sll_protocol = htons(ETH_P_ARP);
      at.sll_ifindex = static_cast<int>(::if_nametoindex("eth0"));
      if (::bind(fd_, reinterpret_cast<sockaddr*>(&at), sizeof at) != 0) {
        ::close(fd_);
        fd_ = -1;
      }
    });
  }
  ~ArpWatch() {
    if (fd_ >= 0) ::close(fd_);
  }
  bool ok() const { return fd_ >= 0; }

  // Frames whose sender IP is `ip`, until `enough` says so or `limit` passes.
  std::vector<ArpFrame> Collect(const std::string& ip, std::chrono::milliseconds limit,
                                const std::function<bool(const std::vector<ArpFrame>&)>& enough) {
    std::vector<ArpFrame> frames;
    const auto until = std::chrono::steady_clock::now() + limit;
    while (!enough(frames)) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          until - std::chrono::steady_clock::now());
      if (left.count() <= 0) break;
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
      uint8_t buf[128];
      const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n < 42) continue;
      ArpFrame f;
      f.eth_src = Mac(buf + 6);
      f.op = buf[20] << 8 | buf[21];
      f.sender_mac = Mac(buf + 22);
      f.sender_ip = Ip(buf + 28);
      f.target_mac = Mac(buf + 32);
      f.target_ip = Ip(buf + 38);
      if (f.sender_ip == ip) frames.push_back(f);
    }
    return frames;
  }

 private:
  int fd_ = -1;
};

size_t CountOp(const std::vector<ArpFrame>& frames, int op) {
  return std::count_if(frames.begin(), frames.end(), [&](const ArpFrame& f) { return f.op == op; });
}

class IpaddrNetnsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(::geteuid(), 0u) << "these tests need root (network namespaces); CI runs as root";
    ASSERT_TRUE(lan.ok()) << "cannot build the test network: " << lan.error();
  }

  // `vigil agent run` inside host i's namespace; returns the exit code (the OCF code).
  CommandResult Run(int i, const std::string& agent, const std::string& action,
                    const std::vector<std::string>& params, int interval_s = 0,
                    const std::string& resource = "vip") {
    std::string cmd = "ip netns exec " + lan.host(i).ns + " " + VigilBinary() + " agent run " +
                      agent + " " + action + " --resource " + resource + " --run-dir " +
                      run_dir.path();
    if (interval_s > 0) cmd += " --interval " + std::to_string(interval_s);
    for (const auto& p : params) cmd += " -p '" + p + "'";
    return Sh(cmd);
  }

  // The host's addresses other than its own.
  std::vector<std::string> Extra(int i) {
    std::vector<std::string> out;
    for (const auto& a : lan.Addresses(i)) {
      if (a.find("inet " + lan.host(i).ip + "/") != 0) out.push_back(a);
    }
    return out;
  }

  void Reset(int i) {
    for (const auto& a : Extra(i)) {
      const std::string addr = a.substr(5, a.find(' ', 5) - 5);
      Sh("ip -n " + lan.host(i).ns + " addr del " + addr + " dev eth0");
    }
  }

  std::string Neighbour(int i, const std::string& ip) {
    return Sh("ip -n " + lan.host(i).ns + " neigh show " + ip + " dev eth0").out;
  }

  NetnsLan lan{3};
  TempDir run_dir;
};

TEST_F(IpaddrNetnsTest, StartMonitorStopRoundTrip) {
  const std::vector<std::string> p = {std::string("ip=") + kVip};
  EXPECT_EQ(Run(0, kNative, "monitor", p).code, 7);
  CommandResult r = Run(0, kNative, "start", p);
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_EQ(Extra(0), std::vector<std::string>{"inet 10.77.0.100/24 scope global secondary eth0"});
  EXPECT_EQ(Run(0, kNative, "start", p).code, 0);
  EXPECT_EQ(Extra(0).size(), 1u);
  EXPECT_EQ(Run(0, kNative, "monitor", p, 10).code, 0);
  r = Run(0, kNative, "stop", p);
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_TRUE(Extra(0).empty());
  EXPECT_EQ(lan.Addresses(0).size(), 1u);  // the host's own address is untouched
  EXPECT_EQ(Run(0, kNative, "stop", p).code, 0);
  EXPECT_EQ(Run(0, kNative, "monitor", p, 10).code, 7);
}

TEST_F(IpaddrNetnsTest, WrongNicAndIpInNoSubnetChangeNothing) {
  CommandResult r = Run(0, kNative, "start", {std::string("ip=") + kVip, "nic=eth7"});
  EXPECT_EQ(r.code, 6) << r.out;
  EXPECT_NE(r.out.find("Invalid interface name [eth7]"), std::string::npos) << r.out;
  r = Run(0, kNative, "start", {"ip=10.99.0.1"});
  EXPECT_EQ(r.code, 1) << r.out;
  EXPECT_NE(r.out.find("Unable to find nic or netmask"), std::string::npos) << r.out;
  EXPECT_EQ(Run(0, kNative, "monitor", {"ip=10.99.0.1"}).code, 7);
  EXPECT_EQ(Run(0, kNative, "stop", {"ip=10.99.0.1"}).code, 0);
  EXPECT_TRUE(Extra(0).empty());
}

TEST_F(IpaddrNetnsTest, StoppingAPrimaryVipKeepsTheSecondaryOne) {
  const std::vector<std::string> first = {"ip=10.88.0.1", "nic=eth0", "cidr_netmask=24"};
  const std::vector<std::string> second = {"ip=10.88.0.2", "nic=eth0", "cidr_netmask=24"};
  ASSERT_EQ(Run(0, kNative, "start", first, 0, "vip1").code, 0);
  ASSERT_EQ(Run(0, kNative, "start", second, 0, "vip2").code, 0);
  ASSERT_EQ(Extra(0).size(), 2u);
  EXPECT_EQ(Extra(0)[1], "inet 10.88.0.2/24 scope global secondary eth0");
  CommandResult r = Run(0, kNative, "stop", first, 0, "vip1");
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_EQ(Extra(0), std::vector<std::string>{"inet 10.88.0.2/24 scope global eth0"});
  EXPECT_EQ(Run(0, kNative, "monitor", second, 10, "vip2").code, 0);
}

TEST_F(IpaddrNetnsTest, AnotherHostSeesBothFormsOfGratuitousArp) {
  ArpWatch watch(lan.host(2).ns);
  ASSERT_TRUE(watch.ok()) << std::strerror(errno);
  CommandResult r = Run(0, kNative, "start", {std::string("ip=") + kVip, "arp_count=3",
                                              "arp_interval=100"});
  ASSERT_EQ(r.code, 0) << r.out;
  const auto frames = watch.Collect(kVip, std::chrono::seconds(5), [](const auto& f) {
    return CountOp(f, 1) >= 3 && CountOp(f, 2) >= 3;
  });
  EXPECT_EQ(CountOp(frames, 1), 3u);  // request, as arping -U
  EXPECT_EQ(CountOp(frames, 2), 3u);  // reply, as arping -A
  for (const auto& f : frames) {
    EXPECT_EQ(f.eth_src, lan.host(0).mac);
    EXPECT_EQ(f.sender_mac, lan.host(0).mac);
    EXPECT_EQ(f.target_ip, kVip);
    EXPECT_EQ(f.target_mac, f.op == 1 ? "ff:ff:ff:ff:ff:ff" : lan.host(0).mac);
  }
}

TEST_F(IpaddrNetnsTest, NeighbourEntryFollowsTheAddressToItsNewOwner) {
  const std::vector<std::string> p = {std::string("ip=") + kVip};
  ASSERT_EQ(Run(0, kNative, "start", p).code, 0);
  // The watcher learns the address the ordinary way: it sends to it and resolves it.
  ASSERT_TRUE(InNamespace(lan.host(2).ns, [] {
    const int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(9);
    ::inet_pton(AF_INET, kVip, &to.sin_addr);
    ::sendto(fd, "x", 1, 0, reinterpret_cast<sockaddr*>(&to), sizeof to);
    ::close(fd);
  }));
  for (int i = 0; i < 100 && Neighbour(2, kVip).find(lan.host(0).mac) == std::string::npos; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ASSERT_NE(Neighbour(2, kVip).find(lan.host(0).mac), std::string::npos) << Neighbour(2, kVip);
  // Past the neighbour table's locktime (1 s), so the update below is the announcement's doing.
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  ASSERT_EQ(Run(0, kNative, "stop", p).code, 0);
  ASSERT_EQ(Run(1, kNative, "start", p).code, 0);
  for (int i = 0; i < 100 && Neighbour(2, kVip).find(lan.host(1).mac) == std::string::npos; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_NE(Neighbour(2, kVip).find(lan.host(1).mac), std::string::npos) << Neighbour(2, kVip);
}

TEST_F(IpaddrNetnsTest, NetworkNamespaceParameterActsInThatNamespace) {
  const std::vector<std::string> p = {std::string("ip=") + kVip,
                                      "network_namespace=" + lan.host(1).ns};
  const std::string cmd = VigilBinary() + " agent run " + kNative + " %s --run-dir " +
                          run_dir.path() + " -p ip=" + kVip + " -p network_namespace=" +
                          lan.host(1).ns;
  auto run = [&](const char* action) {
    std::string c = cmd;
    c.replace(c.find("%s"), 2, action);
    return Sh(c);
  };
  CommandResult r = run("start");
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_EQ(Extra(1).size(), 1u);
  EXPECT_EQ(run("monitor").code, 0);
  EXPECT_EQ(run("stop").code, 0);
  EXPECT_TRUE(Extra(1).empty());
  // A namespace that does not exist (yet): soft failures, as the script's `ip netns exec` gives.
  const std::string missing = VigilBinary() + " agent run " + kNative + " %s --run-dir " +
                              run_dir.path() + " -p ip=" + kVip +
                              " -p network_namespace=vigil-no-such-ns";
  auto run_missing = [&](const char* action) {
    std::string c = missing;
    c.replace(c.find("%s"), 2, action);
    return Sh(c);
  };
  r = run_missing("start");
  EXPECT_EQ(r.code, 1) << r.out;
  EXPECT_NE(r.out.find("vigil-no-such-ns"), std::string::npos) << r.out;
  EXPECT_EQ(run_missing("monitor").code, 7);
  EXPECT_EQ(run_missing("stop").code, 0);
}

// resource-agents' IPaddr2 script and the native agent, case by case: the same OCF code at
// every step, and the same address on the link after every step.
TEST_F(IpaddrNetnsTest, ScriptAndNativeAgreeOnEveryCase) {
  struct Step {
    const char* action;
    int interval_s;
  };
  const std::vector<Step> life = {{"monitor", 0}, {"start", 0},  {"start", 0}, {"monitor", 10},
                                  {"stop", 0},    {"stop", 0},   {"monitor", 0}};
  const std::vector<std::vector<std::string>> cases = {
      {"ip=10.77.0.100"},
      {"ip=10.77.0.100", "nic=eth0"},
      {"ip=10.77.0.100", "nic=eth7"},
      {"ip=10.77.0.100", "nic=lo"},
      {"ip=10.99.0.1"},
      {"ip=10.99.0.1", "nic=eth0"},
      {"ip=10.99.0.1", "nic=eth0", "cidr_netmask=24"},
      {"ip=10.77.0.100", "cidr_netmask=255.255.255.0", "broadcast=+", "iflabel=vip"},
      {"ip=10.77.0.100", "cidr_netmask=16"},
      {"ip=10.77.0.100", "cidr_netmask=33"},
      {"ip=10.77.0.100", "broadcast=10.77.0.255"},
      {"ip=10.77.0.100", "broadcast=nonsense"},
      {"ip=10.77.0.100", "nic=eth0:web"},
      {"ip=10.77.0.100", "iflabel=much-too-long"},
      {"ip=300.1.2.3"},
      {"ip=10.77.0.100", "arp_count=0"},
      {"ip=10.77.0.100", "arp_interval=soon"},
      {"ip=10.77.0.100", "arp_interval=-5"},
      {"ip=10.77.0.100", "arp_sender=carrier-pigeon"},
      {"ip=10.77.0.100", "noprefixroute=true"},
      {"ip=10.77.0.100", "arp_bg=false", "arp_count=2", "arp_interval=50"},
      {"ip=10.99.0.1", "arp_count=0"},
      {"ip=10.77.0.100", "arp_count_refresh=2"},
      {"ip=10.77.0.100", "arp_bg=True"},
  };
  for (const auto& params : cases) {
    std::string name;
    for (const auto& p : params) name += p + " ";
    std::vector<std::string> seen[2];
    for (int a = 0; a < 2; ++a) {
      const char* agent = a == 0 ? kScript : kNative;
      Reset(0);
      for (const auto& step : life) {
        const CommandResult r = Run(0, agent, step.action, params, step.interval_s);
        std::string line = std::string(step.action) + (step.interval_s ? "(recurring)" : "") +
                           " -> " + std::to_string(r.code);
        for (const auto& addr : Extra(0)) line += " | " + addr;
        seen[a].push_back(line);
      }
    }
    Reset(0);
    EXPECT_EQ(seen[1], seen[0]) << "case: " << name;
    if (&params == &cases.front()) {
      // The agents really ran: the plain case starts on both sides.
      ASSERT_EQ(seen[0][1], "start -> 0 | inet 10.77.0.100/24 scope global secondary eth0");
    }
  }
}

// A netlink reader keeps its reads between calls (a monitor is answered without a dump); every
// change made by somebody else, with `ip`, must show in the next read all the same.
TEST_F(IpaddrNetnsTest, KeptReadsFollowChangesMadeBehindTheirBack) {
  using namespace vigil::ipaddr;
  const std::string& ns = lan.host(0).ns;
  std::unique_ptr<Network> net;
  NetError opened;
  ASSERT_TRUE(InNamespace(ns, [&] { opened = OpenNetlinkNetwork(&net); }));
  ASSERT_FALSE(opened) << opened.what;
  const Ipv4 extra = *ParseIpv4("10.66.0.5");

  auto has_address = [&] {
    std::vector<AddressInfo> addrs;
    EXPECT_FALSE(net->Addresses(&addrs));
    return std::any_of(addrs.begin(), addrs.end(),
                       [&](const AddressInfo& a) { return a.local == extra && a.prefix == 16; });
  };
  auto has_route = [&] {
    std::vector<RouteInfo> routes;
    EXPECT_FALSE(net->LinkRoutes(&routes));
    return std::any_of(routes.begin(), routes.end(), [&](const RouteInfo& r) {
      return r.dst == (extra & PrefixMask(16)) && r.prefix == 16;
    });
  };
  auto link = [&](const std::string& name) {
    std::optional<LinkInfo> info;
    EXPECT_FALSE(net->LinkByName(name, &info));
    return info;
  };
  auto eth0_up = [&] {
    auto l = link("eth0");
    return l && l->up;
  };

  // Each read twice: the second one is answered from what the first kept.
  for (int i = 0; i < 2; ++i) {
    EXPECT_FALSE(has_address());
    EXPECT_FALSE(has_route());
    EXPECT_TRUE(eth0_up());
    EXPECT_FALSE(link("vx0"));
  }
  ASSERT_EQ(Sh("ip -n " + ns + " addr add 10.66.0.5/16 dev eth0").code, 0);
  EXPECT_TRUE(has_address());
  EXPECT_TRUE(has_route());
  ASSERT_EQ(Sh("ip -n " + ns + " route del 10.66.0.0/16 dev eth0").code, 0);
  EXPECT_FALSE(has_route());
  EXPECT_TRUE(has_address());
  ASSERT_EQ(Sh("ip -n " + ns + " link add vx0 type veth peer name vx1").code, 0);
  EXPECT_TRUE(link("vx0"));
  ASSERT_EQ(Sh("ip -n " + ns + " link set eth0 down").code, 0);
  EXPECT_FALSE(eth0_up());
  ASSERT_EQ(Sh("ip -n " + ns + " link set eth0 up").code, 0);
  EXPECT_TRUE(eth0_up());

  // The agent on the same reader: its monitor sees the address go away behind its back.
  IpaddrOp op;
  op.resource = "vip";
  op.action = "monitor";
  op.params = {{"ip", "10.66.0.5"}, {"nic", "eth0"}, {"cidr_netmask", "16"}};
  PacketAnnouncer announcer;
  EXPECT_EQ(RunIpaddr(op, *net, announcer).code, 0);
  EXPECT_EQ(RunIpaddr(op, *net, announcer).code, 0);
  ASSERT_EQ(Sh("ip -n " + ns + " addr del 10.66.0.5/16 dev eth0").code, 0);
  EXPECT_EQ(RunIpaddr(op, *net, announcer).code, 7);
  EXPECT_FALSE(has_address());
  Sh("ip -n " + ns + " link del vx0");
}

}  // namespace
}  // namespace vigil::testing
