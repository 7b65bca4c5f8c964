// The UDP transport on loopback addresses (127.0.0.1-3, no configuration needed): packets flow
// between nodes, and forged, replayed, spoofed, foreign and oversized datagrams are dropped and
// counted by reason.
#include "cluster/membership/udp_transport.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <set>

#include "tests/support/free_port.h"
#include "tests/support/loopback_transport.h"

namespace vigil::membership {
namespace {

constexpr uint32_t kLoopback = 0x7f000000;  // 127.0.0.0
const std::string kKey(256, 'a');


class UdpTransportTest : public ::testing::Test {
 protected:
  void SetUp() override { port_ = testing::FreeUdpPort(kLoopback + 1); }

  std::unique_ptr<UdpTransport> Node(uint32_t id, const std::string& key = kKey, uint32_t cluster = 7) {
    return testing::LoopbackTransport(id, port_, key, cluster, 1000 + id);
  }

  // Sends raw bytes to node `to` from address 127.0.0.<from>.
  void Raw(uint32_t from, uint32_t to, const std::string& bytes) {
    const int fd = socket(AF_INET, SOCK_DGRAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(kLoopback + from);
    ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
    sockaddr_in b{};
    b.sin_family = AF_INET;
    b.sin_addr.s_addr = htonl(kLoopback + to);
    b.sin_port = htons(port_);
    ASSERT_EQ(sendto(fd, bytes.data(), bytes.size(), 0, reinterpret_cast<sockaddr*>(&b), sizeof b),
              static_cast<ssize_t>(bytes.size()));
    close(fd);
  }

  // Waits (up to 2 s) for `t` to have something to read, then reads all of it.
  static std::vector<Packet> Drain(UdpTransport& t) {
    pollfd p{t.fd(), POLLIN, 0};
    poll(&p, 1, 2000);
    usleep(20000);  // let the rest of a burst arrive
    return t.Receive();
  }

  std::string Signed(uint32_t sender, uint64_t sequence, uint32_t cluster = 7, const std::string& key = kKey) {
    Packet p;
    p.sender = sender;
    p.incarnation = 1000 + sender;
    p.sequence = sequence;
    p.cluster = cluster;
    p.payload = "hello";
    return EncodePacket(p, key).value();
  }

  uint16_t port_ = 0;
};

TEST_F(UdpTransportTest, HeartbeatsReachEveryPeer) {
  auto n1 = Node(1), n2 = Node(2), n3 = Node(3);
  ASSERT_TRUE(n1 && n2 && n3);
  ASSERT_TRUE(n1->Send(PacketType::kHeartbeat, "view-1").ok());
  ASSERT_TRUE(n2->Send(PacketType::kHeartbeat, "view-2").ok());
  const auto at3 = Drain(*n3);
  ASSERT_EQ(at3.size(), 2u);
  std::set<uint32_t> senders{at3[0].sender, at3[1].sender};
  EXPECT_EQ(senders, (std::set<uint32_t>{1, 2}));
  const auto at1 = Drain(*n1);
  ASSERT_EQ(at1.size(), 1u);
  EXPECT_EQ(at1[0].payload, "view-2");
  EXPECT_TRUE(n3->drops().empty());
}

TEST_F(UdpTransportTest, ANodeWithAnotherKeyIsCountedNeverHeard) {
  auto n1 = Node(1);
  auto intruder = Node(2, std::string(256, 'z'));
  ASSERT_TRUE(n1 && intruder);
  ASSERT_TRUE(intruder->Send(PacketType::kHeartbeat, "let me in").ok());
  EXPECT_TRUE(Drain(*n1).empty());
  EXPECT_EQ(n1->dropped(DropReason::kBadMac), 1u);
}

TEST_F(UdpTransportTest, ReplaysSpoofsForeignClustersAndJunkAreDroppedByReason) {
  auto n1 = Node(1);
  ASSERT_TRUE(n1);
  const std::string good = Signed(2, 5);
  Raw(2, 1, good);
  Raw(2, 1, good);             // the same datagram again
  Raw(3, 1, Signed(2, 6));     // node 2's packet from node 3's address
  Raw(2, 1, Signed(2, 7, 8));  // another cluster, same key
  Raw(2, 1, std::string(kMaxPacket + 10, 'x'));
  Raw(2, 1, "GET / HTTP/1.0\r\n\r\n");
  Raw(2, 1, Signed(9, 1));     // a node id not in the nodelist
  const auto got = Drain(*n1);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].sequence, 5u);
  EXPECT_EQ(n1->dropped(DropReason::kReplayed), 1u);
  EXPECT_EQ(n1->dropped(DropReason::kUnknownSender), 2u);
  EXPECT_EQ(n1->dropped(DropReason::kOtherCluster), 1u);
  EXPECT_EQ(n1->dropped(DropReason::kTooLong), 1u);
  EXPECT_EQ(n1->dropped(DropReason::kTooShort), 1u);
}

TEST_F(UdpTransportTest, BindingAnAddressThatIsNotLocalFails) {
  TransportOptions o;
  o.self = 1;
  o.bind_address = 0xc0000201;  // 192.0.2.1, TEST-NET-1: never local here
  o.port = port_;
  auto t = UdpTransport::Open(o);
  ASSERT_FALSE(t.ok());
  EXPECT_NE(t.status().message().find("cannot bind UDP 192.0.2.1:"), std::string::npos) << t.status().message();
}

TEST_F(UdpTransportTest, AFloodIsReadInBoundedBatches) {
  auto n1 = Node(1);
  ASSERT_TRUE(n1);
  for (uint64_t i = 1; i <= 100; ++i) Raw(2, 1, Signed(2, i));
  pollfd p{n1->fd(), POLLIN, 0};
  ASSERT_EQ(poll(&p, 1, 2000), 1);
  usleep(20000);
  // One call returns at most a batch, so the daemon's loop gets to send between batches.
  EXPECT_EQ(n1->Receive().size(), UdpTransport::kReceiveBatch);
  EXPECT_EQ(n1->Receive().size(), 100 - UdpTransport::kReceiveBatch);
}

TEST_F(UdpTransportTest, AStrangersDatagramIsDroppedBeforeAnyCryptography) {
  auto n1 = Node(1);
  ASSERT_TRUE(n1);
  // Claims to be node 2 from node 3's address: a valid MAC or not, it is an unknown sender.
  Raw(3, 1, Signed(2, 1));
  Raw(3, 1, Signed(2, 2, 7, std::string(256, 'z')));
  EXPECT_TRUE(Drain(*n1).empty());
  EXPECT_EQ(n1->dropped(DropReason::kUnknownSender), 2u);
  EXPECT_EQ(n1->dropped(DropReason::kBadMac), 0u);
}

}  // namespace
}  // namespace vigil::membership
