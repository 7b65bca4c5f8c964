// The IPaddr agents' logic on a fake network: interface choice, codes and reasons, what start
// and stop change, and the gratuitous ARP frames. The same behaviour on real namespaces, and
// against resource-agents' script, is in ipaddr_netns_test.cc.
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>

#include "plugins/ipaddr/ipaddr_agent.h"
#include "vigil/agent.h"

namespace vigil::ipaddr {
namespace {

Ipv4 Ip(const char* text) { return *ParseIpv4(text); }

// Links, addresses and routes in memory, with the kernel's rules that matter here: a connected
// route per primary address, EEXIST on a duplicate, and a deleted primary taking its
// secondaries with it unless promote_secondaries is on.
class FakeNetwork final : public Network {
 public:
  FakeNetwork() {
    AddLink(1, "lo", false);
    AddLink(2, "eth0", true);
    AddLink(3, "eth1", true);
  }
  void AddLink(int index, const std::string& name, bool ether) {
    LinkInfo l;
    l.index = index;
    l.name = name;
    l.has_mac = ether;
    l.mac = {0x02, 0, 0, 0, 0, static_cast<uint8_t>(index)};
    l.up = l.running = true;
    l.loopback = !ether;
    links.push_back(l);
  }
  void Route(const char* dst, int prefix, int ifindex) { routes.push_back({Ip(dst), prefix, ifindex}); }

  NetError LinkByName(const std::string& name, std::optional<LinkInfo>* out) override {
    for (const auto& l : links) {
      if (l.name == name) *out = l;
    }
    return {};
  }
  NetError LinkByIndex(int index, std::optional<LinkInfo>* out) override {
    for (const auto& l : links) {
      if (l.index == index) *out = l;
    }
    return {};
  }
  NetError Addresses(std::vector<AddressInfo>* out) override {
    *out = addrs;
    return {};
  }
  NetError LinkRoutes(std::vector<RouteInfo>* out) override {
    if (routes_fail) return {EIO, "listing routes: injected failure"};
    *out = routes;
    return {};
  }
  NetError AddAddress(const AddressSpec& s) override {
    ++adds;
    for (const auto& a : addrs) {
      if (a.ifindex == s.ifindex && a.local == s.local && a.prefix == s.prefix) return {EEXIST, "exists"};
    }
    AddressInfo a{s.ifindex, s.local, s.prefix, s.broadcast, s.label, false};
    a.secondary = std::any_of(addrs.begin(), addrs.end(), [&](const AddressInfo& o) {
      return SameSubnet(o, a) && !o.secondary;
    });
    if (a.label.empty()) a.label = NameOf(s.ifindex);
    addrs.push_back(a);
    last_add = s;
    return {};
  }
  NetError DeleteAddress(int ifindex, Ipv4 local, int prefix) override {
    ++deletes;
    auto it = std::find_if(addrs.begin(), addrs.end(), [&](const AddressInfo& a) {
      return a.ifindex == ifindex && a.local == local && a.prefix == prefix;
    });
    if (it == addrs.end()) return {EADDRNOTAVAIL, "not there"};
    if (on_delete) on_delete();
    const AddressInfo gone = *it;
    addrs.erase(it);
    if (!gone.secondary) {
      bool promoted = false;
      for (auto a = addrs.begin(); a != addrs.end();) {
        if (!SameSubnet(*a, gone)) {
          ++a;
        } else if (promote && !promoted) {
          a->secondary = false;
          promoted = true;
          ++a;
        } else if (!promote) {
          a = addrs.erase(a);
        } else {
          ++a;
        }
      }
    }
    return {};
  }
  NetError SetLinkUp(int) override { return {}; }
  NetError PromoteSecondaries(int, bool* on) override {
    *on = promote;
    return {};
  }
  NetError EnablePromoteSecondaries(int) override {
    if (promote_refused) return {EPERM, "injected refusal"};
    promote = true;
    return {};
  }

  bool Has(const char* ip, int prefix) const {
    return std::any_of(addrs.begin(), addrs.end(),
                       [&](const AddressInfo& a) { return a.local == Ip(ip) && a.prefix == prefix; });
  }

  std::vector<LinkInfo> links;
  std::vector<AddressInfo> addrs;
  std::vector<RouteInfo> routes;
  bool promote = false;
  bool promote_refused = false;
  bool routes_fail = false;
  std::function<void()> on_delete;  // runs inside a delete, as a concurrent change would
  int adds = 0;
  int deletes = 0;
  AddressSpec last_add;

 private:
  static bool SameSubnet(const AddressInfo& a, const AddressInfo& b) {
    return a.ifindex == b.ifindex && a.prefix == b.prefix &&
           (a.local & PrefixMask(a.prefix)) == (b.local & PrefixMask(b.prefix));
  }
  std::string NameOf(int index) const {
    for (const auto& l : links) {
      if (l.index == index) return l.name;
    }
    return "";
  }
};

class FakeAnnouncer final : public Announcer {
 public:
  NetError Announce(const Announcement& a) override {
    sent.push_back(a);
    return {};
  }
  void Cancel(const std::string& key) override { cancelled.push_back(key); }
  std::vector<Announcement> sent;
  std::vector<std::string> cancelled;
};

class IpaddrAgentTest : public ::testing::Test {
 protected:
  void SetUp() override {
    net.addrs.push_back({2, Ip("10.0.0.1"), 24, std::nullopt, "eth0", false});
    net.Route("10.0.0.0", 24, 2);
    net.addrs.push_back({3, Ip("10.0.1.1"), 16, std::nullopt, "eth1", false});
    net.Route("10.0.0.0", 16, 3);
    net.Route("0.0.0.0", 0, 2);  // a default route is no subnet
  }

  IpaddrResult Run(const std::string& action, std::map<std::string, std::string> params,
                   uint32_t interval_ms = 0, Flavour flavour = Flavour::kIPaddr2) {
    IpaddrOp op;
    op.flavour = flavour;
    op.resource = "vip";
    op.action = action;
    op.params = std::move(params);
    op.meta = meta;
    op.interval_ms = interval_ms;
    op.is_root = root;
    return RunIpaddr(op, net, announcer);
  }

  FakeNetwork net;
  FakeAnnouncer announcer;
  std::map<std::string, std::string> meta;
  bool root = true;
};

TEST_F(IpaddrAgentTest, PicksTheInterfaceWithTheLongestMatchingPrefix) {
  EXPECT_EQ(Run("start", {{"ip", "10.0.0.100"}}).code, VIGIL_OCF_SUCCESS);
  EXPECT_EQ(net.last_add.ifindex, 2);
  EXPECT_EQ(net.last_add.prefix, 24);
  EXPECT_EQ(Run("start", {{"ip", "10.0.9.9"}}).code, VIGIL_OCF_SUCCESS);
  EXPECT_EQ(net.last_add.ifindex, 3);
  EXPECT_EQ(net.last_add.prefix, 16);
}

TEST_F(IpaddrAgentTest, GivenNicRestrictsTheSearchToItsSubnets) {
  EXPECT_EQ(Run("start", {{"ip", "10.0.0.100"}, {"nic", "eth1"}}).code, VIGIL_OCF_SUCCESS);
  EXPECT_EQ(net.last_add.ifindex, 3);
  EXPECT_EQ(net.last_add.prefix, 16);
}

TEST_F(IpaddrAgentTest, GivenNetmaskSkipsNarrowerSubnetsAndConvertsDottedQuads) {
  EXPECT_EQ(Run("start", {{"ip", "10.0.0.100"}, {"cidr_netmask", "255.255.0.0"}}).code,
            VIGIL_OCF_SUCCESS);
  EXPECT_EQ(net.last_add.ifindex, 3);
  EXPECT_EQ(net.last_add.prefix, 16);
}

TEST_F(IpaddrAgentTest, NicAndNetmaskTogetherNeedNoRoute) {
  EXPECT_EQ(Run("start", {{"ip", "192.168.7.1"}, {"nic", "eth0"}, {"cidr_netmask", "24"}}).code,
            VIGIL_OCF_SUCCESS);
  EXPECT_TRUE(net.Has("192.168.7.1", 24));
}

TEST_F(IpaddrAgentTest, IpInNoSubnetFailsStartButNotProbeOrStop) {
  IpaddrResult r = Run("start", {{"ip", "192.168.7.1"}});
  EXPECT_EQ(r.code, VIGIL_OCF_ERR_GENERIC);
  EXPECT_NE(r.reason.find("Unable to find nic or netmask"), std::string::npos) << r.reason;
  EXPECT_EQ(Run("monitor", {{"ip", "192.168.7.1"}}).code, VIGIL_OCF_NOT_RUNNING);
  EXPECT_EQ(Run("monitor", {{"ip", "192.168.7.1"}}, 10000).code, VIGIL_OCF_ERR_GENERIC);
  EXPECT_EQ(Run("stop", {{"ip", "192.168.7.1"}}).code, VIGIL_OCF_SUCCESS);
  EXPECT_EQ(net.adds, 0);
}

TEST_F(IpaddrAgentTest, UnknownNicIsAConfigurationErrorOnStartOnly) {
  IpaddrResult r = Run("start", {{"ip", "10.0.0.100"}, {"nic", "eth9"}});
  EXPECT_EQ(r.code, VIGIL_OCF_ERR_CONFIGURED);
  EXPECT_NE(r.reason.find("Invalid interface name [eth9]"), std::string::npos) << r.reason;
  EXPECT_EQ(Run("validate-all", {{"ip", "10.0.0.100"}, {"nic", "eth9"}}).code,
            VIGIL_OCF_ERR_CONFIGURED);
  EXPECT_EQ(Run("monitor", {{"ip", "10.0.0.100"}, {"nic", "eth9"}}).code, VIGIL_OCF_NOT_RUNNING);
  EXPECT_EQ(Run("stop", {{"ip", "10.0.0.100"}, {"nic", "eth9"}}).code, VIGIL_OCF_SUCCESS);
}

TEST_F(IpaddrAgentTest, BadValuesAreConfigurationErrorsWithTheScriptsWords) {
  struct Case {
    std::map<std::string, std::string> params;
    std::string reason;
  };
  const std::vector<Case> cases = {
      {{{"ip", "10.0.0.300"}}, "IP address [10.0.0.300] not valid."},
      {{{"ip", "010.0.0.1"}}, "IP address [010.0.0.1] not valid."},
      {{{"ip", "10.0.0.100"}, {"cidr_netmask", "33"}}, "Invalid netmask specification [33]."},
      {{{"ip", "10.0.0.100"}, {"cidr_netmask", "255.0.255.0"}},
       "Invalid netmask specification [255.0.255.0]."},
      {{{"ip", "10.0.0.100"}, {"broadcast", "x"}}, "Invalid broadcast address [x]."},
      {{{"ip", "10.0.0.100"}, {"iflabel", "0123456789ab"}},
       "Interface label [eth0:0123456789ab] exceeds maximum character limit of 15"},
      {{{"ip", "10.0.0.100"}, {"arp_count", "0"}}, "Invalid OCF_RESKEY_arp_count [0]"},
      {{{"ip", "10.0.0.100"}, {"arp_interval", "x"}}, "Invalid OCF_RESKEY_arp_interval [x]"},
      {{{"ip", "10.0.0.100"}, {"arp_sender", "carrier-pigeon"}},
       "unrecognized arp_sender value: carrier-pigeon"},
      {{{"ip", "10.0.0.100"}, {"preferred_lft", ""}},
       "Empty value is invalid for OCF_RESKEY_preferred_lft"},
      {{{"ip", "10.0.0.100"}, {"lvs_ipv6_addrlabel", "true"}},
       "IPv4 does not support lvs_ipv6_addrlabel"},
  };
  for (const auto& c : cases) {
    IpaddrResult r = Run("start", c.params);
    EXPECT_EQ(r.code, VIGIL_OCF_ERR_CONFIGURED) << c.reason;
    EXPECT_EQ(r.reason, c.reason);
  }
  EXPECT_EQ(net.adds, 0);
}

TEST_F(IpaddrAgentTest, UnimplementedParametersAreRefusedOnValidateAndStartOnly) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"lvs_support", "true"},         {"run_arping", "true"},
      {"send_arp_opts", "-c 3"},       {"arp_sender", "ipoibarping"},
      {"mac", "01:02:03:04:05:06"},    {"clusterip_hash", "sourceip"},
  };
  for (const auto& [name, value] : cases) {
    const std::map<std::string, std::string> params = {{"ip", "10.0.0.100"}, {name, value}};
    IpaddrResult r = Run("validate-all", params);
    EXPECT_EQ(r.code, VIGIL_OCF_ERR_CONFIGURED) << name;
    EXPECT_NE(r.reason.find(name), std::string::npos) << r.reason;
    EXPECT_NE(r.reason.find("ocf:heartbeat-script:IPaddr2"), std::string::npos) << r.reason;
    EXPECT_EQ(Run("start", params).code, VIGIL_OCF_ERR_CONFIGURED) << name;
    EXPECT_EQ(Run("monitor", params).code, VIGIL_OCF_NOT_RUNNING) << name;
    EXPECT_EQ(Run("stop", params).code, VIGIL_OCF_SUCCESS) << name;
  }
  EXPECT_EQ(net.adds, 0);
}

TEST_F(IpaddrAgentTest, ClusterIpCloneAndIpv6AreRefused) {
  meta = {{"clone-max", "2"}};
  IpaddrResult r = Run("start", {{"ip", "10.0.0.100"}});
  EXPECT_EQ(r.code, VIGIL_OCF_ERR_CONFIGURED);
  EXPECT_NE(r.reason.find("CLUSTERIP"), std::string::npos) << r.reason;
  meta.clear();
  r = Run("start", {{"ip", "fd00::1"}});
  EXPECT_EQ(r.code, VIGIL_OCF_ERR_CONFIGURED);
  EXPECT_NE(r.reason.find("IPv4 only"), std::string::npos) << r.reason;
}

TEST_F(IpaddrAgentTest, UniqueCloneAddressOffsetsTheLastPart) {
  meta = {{"clone-max", "3"}, {"clone", "2"}, {"globally-unique", "true"}};
  EXPECT_EQ(Run("start", {{"ip", "10.0.0.100"}, {"unique_clone_address", "true"}}).code,
            VIGIL_OCF_SUCCESS);
  EXPECT_TRUE(net.Has("10.0.0.102", 24));
  meta = {{"clone-max", "3"}, {"clone", "2"}};
  EXPECT_EQ(Run("start", {{"ip", "10.0.0.100"}, {"unique_clone_address", "true"}}).reason,
            "unique_clone_address makes sense only with meta globally_unique set");
}

TEST_F(IpaddrAgentTest, StartAddsOnceAnnouncesOnceAndMonitorSeesIt) {
  const std::map<std::string, std::string> p = {
      {"ip", "10.0.0.100"}, {"broadcast", "+"}, {"iflabel", "vip"}, {"arp_count", "3"}};
  EXPECT_EQ(Run("monitor", p).code, VIGIL_OCF_NOT_RUNNING);
  EXPECT_EQ(Run("start", p).code, VIGIL_OCF_SUCCESS);
  EXPECT_EQ(net.last_add.broadcast, Ip("10.0.0.255"));
  EXPECT_EQ(net.last_add.label, "eth0:vip");
  ASSERT_EQ(announcer.sent.size(), 1u);
  EXPECT_EQ(announcer.sent[0].ip, Ip("10.0.0.100"));
  EXPECT_EQ(announcer.sent[0].ifindex, 2);
  EXPECT_EQ(announcer.sent[0].rounds, 3);
  EXPECT_EQ(announcer.sent[0].interval, std::chrono::milliseconds(200));
  EXPECT_FALSE(announcer.sent[0].wait);
  EXPECT_EQ(Run("start", p).code, VIGIL_OCF_SUCCESS);  // already there: no second add, no ARP
  EXPECT_EQ(net.adds, 1);
  EXPECT_EQ(announcer.sent.size(), 1u);
  EXPECT_EQ(Run("monitor", p, 10000).code, VIGIL_OCF_SUCCESS);
  EXPECT_EQ(Run("status", p).output, "running");
}

TEST_F(IpaddrAgentTest, SameAddressWithAnotherPrefixIsNotServed) {
  net.addrs.push_back({2, Ip("10.0.0.100"), 32, std::nullopt, "eth0", false});
  EXPECT_EQ(Run("monitor", {{"ip", "10.0.0.100"}}).code, VIGIL_OCF_NOT_RUNNING);
  EXPECT_EQ(Run("stop", {{"ip", "10.0.0.100"}}).code, VIGIL_OCF_SUCCESS);
  EXPECT_TRUE(net.Has("10.0.0.100", 32));  // not ours: left alone
}

TEST_F(IpaddrAgentTest, StopRemovesOnlyItsAddressAndIsIdempotent) {
  const std::map<std::string, std::string> p = {{"ip", "10.0.0.100"}};
  ASSERT_EQ(Run("start", p).code, VIGIL_OCF_SUCCESS);
  EXPECT_EQ(Run("stop", p).code, VIGIL_OCF_SUCCESS);
  EXPECT_FALSE(net.Has("10.0.0.100", 24));
  EXPECT_TRUE(net.Has("10.0.0.1", 24));
  EXPECT_EQ(announcer.cancelled, std::vector<std::string>{"vip"});
  EXPECT_EQ(Run("stop", p).code, VIGIL_OCF_SUCCESS);
  EXPECT_EQ(net.deletes, 1);
  EXPECT_EQ(Run("monitor", p).code, VIGIL_OCF_NOT_RUNNING);
}

TEST_F(IpaddrAgentTest, StoppingAPrimaryAddressKeepsItsSecondaries) {
  const std::map<std::string, std::string> first = {
      {"ip", "192.168.5.1"}, {"nic", "eth0"}, {"cidr_netmask", "24"}};
  const std::map<std::string, std::string> second = {
      {"ip", "192.168.5.2"}, {"nic", "eth0"}, {"cidr_netmask", "24"}};
  ASSERT_EQ(Run("start", first).code, VIGIL_OCF_SUCCESS);
  ASSERT_EQ(Run("start", second).code, VIGIL_OCF_SUCCESS);
  IpaddrResult r = Run("stop", first);
  EXPECT_EQ(r.code, VIGIL_OCF_SUCCESS);
  EXPECT_NE(r.warning.find("promote_secondaries"), std::string::npos) << r.warning;
  EXPECT_FALSE(net.Has("192.168.5.1", 24));
  EXPECT_TRUE(net.Has("192.168.5.2", 24));
  EXPECT_EQ(Run("monitor", second).code, VIGIL_OCF_SUCCESS);
}

TEST_F(IpaddrAgentTest, WithoutPromotionOnlyTheDeletedPrimarysSecondariesComeBack) {
  net.promote_refused = true;
  const std::map<std::string, std::string> first = {
      {"ip", "192.168.5.1"}, {"nic", "eth0"}, {"cidr_netmask", "24"}};
  ASSERT_EQ(Run("start", first).code, VIGIL_OCF_SUCCESS);
  ASSERT_EQ(Run("start", {{"ip", "192.168.5.2"}, {"nic", "eth0"}, {"cidr_netmask", "24"}}).code,
            VIGIL_OCF_SUCCESS);
  ASSERT_EQ(Run("start", {{"ip", "10.0.0.100"}}).code, VIGIL_OCF_SUCCESS);
  // Another resource's stop removes 10.0.0.100 while this stop runs: it must stay removed.
  net.on_delete = [&] {
    net.on_delete = nullptr;
    ASSERT_FALSE(net.DeleteAddress(2, Ip("10.0.0.100"), 24));
  };
  IpaddrResult r = Run("stop", first);
  EXPECT_EQ(r.code, VIGIL_OCF_SUCCESS);
  EXPECT_FALSE(net.Has("192.168.5.1", 24));
  EXPECT_TRUE(net.Has("192.168.5.2", 24));  // taken by the kernel with its primary, put back
  EXPECT_FALSE(net.Has("10.0.0.100", 24));
  EXPECT_NE(r.warning.find("restored"), std::string::npos) << r.warning;
}

TEST_F(IpaddrAgentTest, AKernelErrorIsNeverReadAsNoSubnet) {
  ASSERT_EQ(Run("start", {{"ip", "10.0.0.100"}}).code, VIGIL_OCF_SUCCESS);
  net.routes_fail = true;
  IpaddrResult r = Run("stop", {{"ip", "10.0.0.100"}});
  EXPECT_EQ(r.code, VIGIL_OCF_ERR_GENERIC);
  EXPECT_NE(r.reason.find("injected failure"), std::string::npos) << r.reason;
  EXPECT_EQ(Run("monitor", {{"ip", "10.0.0.100"}}).code, VIGIL_OCF_ERR_GENERIC);
  EXPECT_TRUE(net.Has("10.0.0.100", 24));
}

TEST_F(IpaddrAgentTest, SettingsAreCheckedOnlyOnceTheSubnetIsFound) {
  // As the script: no subnet here means a probe finds nothing and a stop has nothing to do,
  // whatever the other settings say.
  const std::map<std::string, std::string> p = {{"ip", "192.168.7.1"}, {"arp_count", "0"}};
  EXPECT_EQ(Run("monitor", p).code, VIGIL_OCF_NOT_RUNNING);
  EXPECT_EQ(Run("stop", p).code, VIGIL_OCF_SUCCESS);
  EXPECT_EQ(Run("start", {{"ip", "10.0.0.100"}, {"lvs_support", "True"}}).code,
            VIGIL_OCF_ERR_CONFIGURED);  // ocf_is_true's "True" counts
}

TEST_F(IpaddrAgentTest, AStopWhoseSubnetIsGoneStillRemovesTheAddress) {
  // The links went down: their connected routes are gone, the addresses are still on them. The
  // script would warn and leave them there; the native agent finds each by address and removes it.
  ASSERT_EQ(Run("start", {{"ip", "10.0.0.100"}, {"nic", "eth0"}}).code, VIGIL_OCF_SUCCESS);
  ASSERT_EQ(Run("start", {{"ip", "10.0.1.100"}, {"nic", "eth1"}}).code, VIGIL_OCF_SUCCESS);
  ASSERT_TRUE(net.Has("10.0.0.100", 24));
  ASSERT_TRUE(net.Has("10.0.1.100", 16));
  net.routes.clear();
  EXPECT_EQ(Run("monitor", {{"ip", "10.0.0.100"}}, 10000).code, VIGIL_OCF_ERR_GENERIC);
  EXPECT_EQ(Run("stop", {{"ip", "10.0.0.100"}}).code, VIGIL_OCF_SUCCESS);
  EXPECT_FALSE(net.Has("10.0.0.100", 24));
  EXPECT_TRUE(net.Has("10.0.0.1", 24)) << "the link's own address must stay";
  // Another netmask or another nic named: not this address, nothing removed.
  EXPECT_EQ(Run("stop", {{"ip", "10.0.1.100"}, {"cidr_netmask", "24"}}).code, VIGIL_OCF_SUCCESS);
  EXPECT_EQ(Run("stop", {{"ip", "10.0.1.100"}, {"nic", "eth0"}}).code, VIGIL_OCF_SUCCESS);
  EXPECT_TRUE(net.Has("10.0.1.100", 16));
  EXPECT_EQ(Run("stop", {{"ip", "10.0.1.100"}}).code, VIGIL_OCF_SUCCESS);
  EXPECT_FALSE(net.Has("10.0.1.100", 16));
}

TEST_F(IpaddrAgentTest, StartAndStopNeedRoot) {
  root = false;
  IpaddrResult r = Run("start", {{"ip", "10.0.0.100"}});
  EXPECT_EQ(r.code, VIGIL_OCF_ERR_PERM);
  EXPECT_EQ(r.reason, "You must be root for start operation.");
  EXPECT_EQ(Run("stop", {{"ip", "10.0.0.100"}}).code, VIGIL_OCF_ERR_PERM);
  EXPECT_EQ(Run("monitor", {{"ip", "10.0.0.100"}}).code, VIGIL_OCF_NOT_RUNNING);
}

TEST_F(IpaddrAgentTest, NoAnnouncementOnLoopbackAndRefreshOnMonitor) {
  net.addrs.push_back({1, Ip("127.0.0.1"), 8, std::nullopt, "lo", false});
  net.Route("127.0.0.0", 8, 1);
  ASSERT_EQ(Run("start", {{"ip", "127.0.0.55"}, {"nic", "lo"}}).code, VIGIL_OCF_SUCCESS);
  EXPECT_TRUE(announcer.sent.empty());
  const std::map<std::string, std::string> p = {{"ip", "10.0.0.100"}, {"arp_count_refresh", "2"}};
  ASSERT_EQ(Run("start", p).code, VIGIL_OCF_SUCCESS);
  ASSERT_EQ(Run("monitor", p, 10000).code, VIGIL_OCF_SUCCESS);
  ASSERT_EQ(announcer.sent.size(), 2u);
  EXPECT_EQ(announcer.sent[1].rounds, 2);
}

TEST_F(IpaddrAgentTest, IpaddrUsesItsOwnParameterNamesAndCodes) {
  const auto ipaddr = Flavour::kIPaddr;
  IpaddrResult r = Run("validate-all", {{"ip", "10.0.0.100"}, {"ARP_REPEAT", "0"}}, 0, ipaddr);
  EXPECT_EQ(r.code, VIGIL_OCF_ERR_ARGS);
  EXPECT_EQ(r.reason, "Invalid parameter value: ARP_REPEAT [0]");
  r = Run("start", {{"ip", "10.0.0.100"}, {"local_start_script", "/bin/true"}}, 0, ipaddr);
  EXPECT_EQ(r.code, VIGIL_OCF_ERR_CONFIGURED);
  EXPECT_NE(r.reason.find("ocf:heartbeat-script:IPaddr "), std::string::npos) << r.reason;
  ASSERT_EQ(Run("start", {{"ip", "10.0.0.100"}}, 0, ipaddr).code, VIGIL_OCF_SUCCESS);
  ASSERT_EQ(announcer.sent.size(), 1u);
  EXPECT_EQ(announcer.sent[0].rounds, 10);
  EXPECT_EQ(announcer.sent[0].interval, std::chrono::milliseconds(500));
  EXPECT_EQ(Run("monitor", {{"ip", "10.0.0.100"}}, 5000, ipaddr).code, VIGIL_OCF_SUCCESS);
}

TEST_F(IpaddrAgentTest, MetadataKeepsTheScriptsNamesAndDefaults) {
  const std::string ipaddr2 = IpaddrMetadata(Flavour::kIPaddr2);
  for (const char* needle :
       {"name=\"arp_interval\"", "default=\"200\"", "name=\"arp_count\"", "default=\"5\"",
        "name=\"preferred_lft\"", "default=\"forever\"", "name=\"network_namespace\"",
        "interval=\"10s\""}) {
    EXPECT_NE(ipaddr2.find(needle), std::string::npos) << needle;
  }
  const std::string ipaddr = IpaddrMetadata(Flavour::kIPaddr);
  for (const char* needle : {"name=\"ARP_INTERVAL_MS\"", "default=\"500\"", "name=\"ARP_REPEAT\"",
                             "default=\"10\"", "interval=\"5s\""}) {
    EXPECT_NE(ipaddr.find(needle), std::string::npos) << needle;
  }
}

TEST(GratuitousArpTest, RequestAndReplyCarryTheAddressAndTheLinksMac) {
  const Mac mac = {0x02, 0x11, 0x22, 0x33, 0x44, 0x55};
  const ArpPayload req = BuildGratuitousArp(ArpOp::kRequest, mac, Ip("10.0.0.100"));
  const ArpPayload expected_req = {0, 1, 8, 0, 6, 4, 0, 1,                          // Ethernet/IPv4, request
                                   0x02, 0x11, 0x22, 0x33, 0x44, 0x55, 10, 0, 0, 100,  // sender
                                   0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 10, 0, 0, 100};  // target
  EXPECT_EQ(req, expected_req);
  const ArpPayload rep = BuildGratuitousArp(ArpOp::kReply, mac, Ip("10.0.0.100"));
  EXPECT_EQ(rep[7], 2);
  EXPECT_TRUE(std::equal(rep.begin() + 18, rep.begin() + 24, mac.begin()));
}

TEST(Ipv4Test, ParsesDottedQuadsStrictly) {
  EXPECT_EQ(ParseIpv4("192.168.1.100"), 0xc0a80164u);
  for (const char* bad : {"", "1.2.3", "1.2.3.4.5", "256.1.1.1", "1.2.3.4 ", "a.b.c.d", "1..2.3", "010.1.1.1"}) {
    EXPECT_FALSE(ParseIpv4(bad)) << bad;
  }
  EXPECT_EQ(FormatIpv4(0xc0a80164u), "192.168.1.100");
  EXPECT_EQ(PrefixMask(24), 0xffffff00u);
  EXPECT_EQ(PrefixMask(0), 0u);
}

}  // namespace
}  // namespace vigil::ipaddr
