// Links between vigild over real TCP on loopback: the handshake proves the authkey both ways,
// messages arrive whole and in order, and a peer with another key, cipher or cluster, or a frame
// tampered with, replayed or cut, ends the link with a reason. The peer messages' codec refuses
// every malformed message.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cluster/peer/link.h"
#include "cluster/peer/messages.h"

namespace vigil::peer {
namespace {

using membership::Protection;

constexpr uint32_t kLoopback = 0x7f000001;

LocalEnd End(uint32_t node, std::string key = std::string(128, 'k'), Protection p = Protection::kHmacSha256,
             uint32_t cluster = 7) {
  return LocalEnd{std::move(key), p, cluster, node, 1000 + node};
}

// A listening socket on 127.0.0.1, an outgoing link to it and the accepted one.
class LinkPair {
 public:
  LinkPair(const LocalEnd& client_end, const LocalEnd& server_end) {
    listener_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(kLoopback);
    socklen_t length = sizeof a;
    EXPECT_EQ(bind(listener_, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
    EXPECT_EQ(listen(listener_, 4), 0);
    EXPECT_EQ(getsockname(listener_, reinterpret_cast<sockaddr*>(&a), &length), 0);
    auto c = Link::Connect(client_end, 0, kLoopback, ntohs(a.sin_port), std::chrono::steady_clock::now());
    EXPECT_TRUE(c.ok()) << c.status().message();
    this->client = std::move(*c);
    const int fd = accept4(listener_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    EXPECT_GE(fd, 0);
    this->server = Link::Accepted(server_end, fd, kLoopback, std::chrono::steady_clock::now());
  }
  ~LinkPair() { close(listener_); }

  // Polls both until `done` or a link dies or 2 s pass. Returns whether both are still alive.
  bool Pump(const std::function<bool()>& done) {
    const auto limit = std::chrono::steady_clock::now() + std::chrono::seconds(2);
    while (std::chrono::steady_clock::now() < limit) {
      if (done()) return true;
      pollfd fds[2] = {{client->fd(), client->events(), 0}, {server->fd(), server->events(), 0}};
      poll(fds, 2, 20);
      if (!client->Process(fds[0].revents) | !server->Process(fds[1].revents)) return false;
    }
    return done();
  }

  std::unique_ptr<Link> client;
  std::unique_ptr<Link> server;

 private:
  int listener_ = -1;
};

TEST(PeerLinkTest, HandshakeProvesTheKeyAndMessagesArriveInOrder) {
  for (const auto protection : {Protection::kHmacSha256, Protection::kAes256Gcm}) {
    LinkPair pair(End(2, std::string(128, 'k'), protection), End(1, std::string(128, 'k'), protection));
    // Queued before the handshake: sent once the keys are known.
    pair.client->Send("first");
    pair.client->Send("");
    pair.client->Send(std::string(3 << 20, 'x'));
    ASSERT_TRUE(pair.Pump([&] { return pair.client->established() && pair.server->established(); }))
        << pair.client->error() << pair.server->error();
    EXPECT_EQ(pair.server->peer_node(), 2u);
    EXPECT_EQ(pair.server->peer_incarnation(), 1002u);
    EXPECT_EQ(pair.client->peer_node(), 1u);
    std::vector<std::string> got;
    ASSERT_TRUE(pair.Pump([&] {
      for (auto& m : pair.server->TakeMessages()) got.push_back(std::move(m));
      return got.size() == 3;
    }));
    EXPECT_EQ(got[0], "first");
    EXPECT_EQ(got[1], "");
    EXPECT_EQ(got[2].size(), size_t{3} << 20);
    pair.server->Send("back");
    std::vector<std::string> back;
    ASSERT_TRUE(pair.Pump([&] {
      for (auto& m : pair.client->TakeMessages()) back.push_back(std::move(m));
      return !back.empty();
    }));
    EXPECT_EQ(back, std::vector<std::string>{"back"});
  }
}

TEST(PeerLinkTest, TheLastMessagesBeforeAPeerClosesAreDelivered) {
  LinkPair pair(End(2), End(1));
  ASSERT_TRUE(pair.Pump([&] { return pair.client->established() && pair.server->established(); }));
  pair.server->Send("last words");
  ASSERT_TRUE(pair.server->Process(POLLOUT));
  pair.server.reset();  // closes: the frame and the end of the stream reach the client together
  pollfd fd{pair.client->fd(), POLLIN, 0};
  ASSERT_EQ(poll(&fd, 1, 2000), 1);
  EXPECT_FALSE(pair.client->Process(fd.revents));
  EXPECT_EQ(pair.client->error(), "closed by the peer");
  EXPECT_EQ(pair.client->TakeMessages(), std::vector<std::string>{"last words"});
}

TEST(PeerLinkTest, AMessageOverTheLimitIsRefusedBeforeItIsSent) {
  LinkPair pair(End(2), End(1));
  ASSERT_TRUE(pair.Pump([&] { return pair.client->established() && pair.server->established(); }));
  pair.client->Send(std::string(kMaxMessage + 1, 'x'));
  EXPECT_EQ(pair.client->error(), "a message of " + std::to_string(kMaxMessage + 1) + " bytes (at most " +
                                      std::to_string(kMaxMessage) + ")");
}

TEST(PeerLinkTest, AnotherKeyIsRefusedAndNothingIsDelivered) {
  LinkPair pair(End(2, std::string(128, 'x')), End(1));
  pair.client->Send("let me in");
  EXPECT_FALSE(pair.Pump([] { return false; }));
  EXPECT_FALSE(pair.server->established());
  EXPECT_TRUE(pair.server->TakeMessages().empty());
  const std::string why = pair.server->error().empty() ? pair.client->error() : pair.server->error();
  EXPECT_EQ(why, "the peer does not hold this authkey");
}

TEST(PeerLinkTest, AnotherCipherOrClusterIsNamed) {
  {
    LinkPair pair(End(2, std::string(128, 'k'), Protection::kAes256Gcm), End(1));
    EXPECT_FALSE(pair.Pump([] { return false; }));
    EXPECT_EQ(pair.server->error(), "the peer uses another crypto_cipher (its hello says aes256)");
  }
  {
    LinkPair pair(End(2, std::string(128, 'k'), Protection::kHmacSha256, 8), End(1));
    EXPECT_FALSE(pair.Pump([] { return false; }));
    EXPECT_EQ(pair.server->error(), "the peer belongs to another cluster (cluster_name differs)");
  }
}

// A raw client: a real hello, then bytes chosen by the test instead of sealed frames.
TEST(PeerLinkTest, ABadHelloOrAnOversizedFrameEndsTheLink) {
  LinkPair pair(End(2), End(1));
  ASSERT_TRUE(pair.Pump([&] { return pair.server->established(); }));
  // Frames from here on are forged: the raw socket under the client writes a frame whose length
  // is beyond the limit.
  std::string huge = {'\x7f', '\xff', '\xff', '\xff'};
  ASSERT_EQ(send(pair.client->fd(), huge.data(), huge.size(), MSG_NOSIGNAL), 4);
  EXPECT_FALSE(pair.Pump([] { return false; }));
  EXPECT_NE(pair.server->error().find("too long"), std::string::npos) << pair.server->error();

  LinkPair other(End(2), End(1));
  // Not a hello at all: an HTTP request.
  const std::string get = "GET / HTTP/1.1\r\nHost: x\r\n\r\nGET / HTTP/1.1\r\nHost: y\r\n\r\n";
  ASSERT_GT(send(other.client->fd(), get.data(), get.size(), MSG_NOSIGNAL), 0);
  EXPECT_FALSE(other.Pump([] { return false; }));
  EXPECT_EQ(other.server->error(), "not a vigild (bad hello)");
}

TEST(PeerLinkTest, AFrameReplayedOrAlteredFailsAuthentication) {
  for (const auto protection : {Protection::kHmacSha256, Protection::kAes256Gcm}) {
    // Capture the client's bytes on the wire by reading them off the server's socket ourselves.
    LinkPair pair(End(2, std::string(128, 'k'), protection), End(1, std::string(128, 'k'), protection));
    ASSERT_TRUE(pair.Pump([&] { return pair.server->established() && pair.client->established(); }));
    pair.client->Send("transfer 1");
    pollfd out{pair.client->fd(), POLLOUT, 0};
    ASSERT_EQ(poll(&out, 1, 1000), 1);
    ASSERT_TRUE(pair.client->Process(POLLOUT));
    char frame[256];
    pollfd in{pair.server->fd(), POLLIN, 0};
    ASSERT_EQ(poll(&in, 1, 1000), 1);
    const ssize_t n = recv(pair.server->fd(), frame, sizeof frame, 0);  // stolen from under the server link
    ASSERT_GT(n, 4);
    // The stolen frame sent again on a new connection with the same key: its counter and keys
    // are of another session, so it cannot open.
    LinkPair replay(End(2, std::string(128, 'k'), protection), End(1, std::string(128, 'k'), protection));
    ASSERT_TRUE(replay.Pump([&] { return replay.server->established(); }));
    ASSERT_EQ(send(replay.client->fd(), frame, static_cast<size_t>(n), MSG_NOSIGNAL), n);
    EXPECT_FALSE(replay.Pump([] { return false; }));
    EXPECT_EQ(replay.server->error(), "a frame failed authentication (replayed, reordered or forged)");
    // The same frame with one bit flipped, on its own connection.
    frame[n - 1] ^= 1;
    ASSERT_EQ(send(pair.client->fd(), frame, static_cast<size_t>(n), MSG_NOSIGNAL), n);
    EXPECT_FALSE(pair.Pump([] { return false; }));
    EXPECT_EQ(pair.server->error(), "a frame failed authentication (replayed, reordered or forged)");
  }
}

TEST(PeerLinkTest, ALinkToNobodyFailsWithTheAddress) {
  // A port on loopback with no listener: refused at once.
  const int probe = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(kLoopback);
  socklen_t length = sizeof a;
  ASSERT_EQ(bind(probe, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  ASSERT_EQ(getsockname(probe, reinterpret_cast<sockaddr*>(&a), &length), 0);
  close(probe);
  auto link = Link::Connect(End(2), 0, kLoopback, ntohs(a.sin_port), std::chrono::steady_clock::now());
  if (!link.ok()) {
    EXPECT_NE(link.status().message().find("127.0.0.1"), std::string::npos);
    return;
  }
  pollfd p{(*link)->fd(), (*link)->events(), 0};
  ASSERT_EQ(poll(&p, 1, 1000), 1);
  EXPECT_FALSE((*link)->Process(p.revents));
  EXPECT_EQ((*link)->error(), "cannot connect to 127.0.0.1: Connection refused");
}

TEST(PeerMessagesTest, EveryMessageRoundTrips) {
  cib::NodeState state;
  state.id = "2";
  state.uname = "n2";
  state.in_ccm = true;
  state.crmd = "online";
  state.join = "member";
  state.expected = "member";
  state.transient["fail-count-d1#monitor_1000"] = "3";
  state.resources.push_back({"d1", "ocf", "heartbeat", "Dummy", {{"d1_last_0", "start", 0, 5, 0, 0, "", 17, "dd"}}});
  Execute execute;
  execute.token = 9;
  execute.rsc = "d1";
  execute.standard = "ocf";
  execute.action = "monitor";
  execute.interval_ms = 1000;
  execute.params["state"] = "/tmp/x";
  FenceRequest fence;
  fence.token = uint64_t{7} << 40;
  fence.device = "fence1";
  fence.type = "fence_ipmilan";
  fence.action = "reboot";
  fence.target = "n2";
  fence.target_nodeid = "2";
  fence.timeout_ms = 60000;
  fence.params["ip"] = "10.0.0.2";
  FenceEvent event{"n2", "reboot", FenceEvent::State::kFailed, "n1", "n1", "vigild", "", "fence1: timed out", 1765000000};
  const std::vector<Message> all = {
      execute,
      NodeUpdate{9, 4, state},
      NodeUpdate{0, 4, state, true},
      StatusCopy{{state, cib::NodeState{}}},
      StatusCopy{{state}, {event, FenceEvent{"n3", "off", FenceEvent::State::kDone, "n1", "n1", "vigild", "fence1", "", 1}}},
      fence,
      FenceResult{fence.token, 2, -2, "did not finish", "out"},
      FenceAsk{"n2", "off", "stonith_admin"},
      Cleanup{"d1", "n2"},
      Join{"<cib/>"},
      CibCopy{std::string(100000, 'c')},
      Change{42, {1, 2, 3}, "<cib epoch=\"2\"/>"},
      ChangeResult{42, StatusCode::kConflict, "conflict: ..."},
      ChangeResult{43, StatusCode::kOk, "1:3:0"},
  };
  for (const auto& m : all) {
    auto back = Decode(Encode(m));
    ASSERT_TRUE(back.ok()) << back.status().message();
    EXPECT_EQ(back->index(), m.index());
    EXPECT_EQ(Encode(*back), Encode(m));
  }
  const auto copy = Decode(Encode(StatusCopy{{state}}));
  ASSERT_TRUE(copy.ok());
  const cib::NodeState& back = std::get<StatusCopy>(*copy).states.at(0);
  EXPECT_TRUE(back.in_ccm);
  EXPECT_EQ(back.join, "member");
  EXPECT_EQ(back.resources.at(0).ops.at(0).op_digest, "dd");
  const auto with_history = Decode(Encode(StatusCopy{{}, {event}}));
  ASSERT_TRUE(with_history.ok());
  EXPECT_EQ(std::get<StatusCopy>(*with_history).fencing, std::vector<FenceEvent>{event});
  const auto result = Decode(Encode(FenceResult{3, 0, -7, "", ""}));
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(std::get<FenceResult>(*result).rc, -7);
  const auto leaving = Decode(Encode(NodeUpdate{0, 4, state, true}));
  ASSERT_TRUE(leaving.ok());
  EXPECT_TRUE(std::get<NodeUpdate>(*leaving).leaving);
  // Who has armed a watchdog, and for how long: a next DC may fence a lost node by it.
  const auto armed = Decode(Encode(NodeUpdate{0, 4, state, false, 7, 5}));
  ASSERT_TRUE(armed.ok());
  EXPECT_EQ(std::get<NodeUpdate>(*armed).watchdog_s, 5u);
  StatusCopy watchdogs{{state}, {event}};
  watchdogs.watchdogs = {{"n1", 5}, {"n3", 2}};
  const auto shared = Decode(Encode(watchdogs));
  ASSERT_TRUE(shared.ok());
  EXPECT_EQ((std::get<StatusCopy>(*shared).watchdogs), (std::map<std::string, uint32_t>{{"n1", 5}, {"n3", 2}}));
}

TEST(PeerMessagesTest, MalformedMessagesAreRefusedWithTheReason) {
  const std::string change = Encode(Change{1, {0, 1, 0}, "<cib/>"});
  Execute negative;
  negative.rsc = "d1";
  negative.action = "monitor";
  negative.interval_ms = -1;  // would wrap a deadline
  Execute forever = negative;
  forever.interval_ms = 1000;
  forever.timeout_ms = int64_t{1} << 62;
  // A fencing event whose state byte (after the type, two counts and two strings) is no state.
  std::string bad_state = Encode(StatusCopy{{}, {FenceEvent{"n2", "reboot"}}});
  bad_state[1 + 4 + 4 + (4 + 2) + (4 + 6)] = 3;
  struct Case {
    std::string bytes;
    std::string error;
  } cases[] = {
      {"", "peer message: empty"},
      {std::string(1, '\x0c'), "peer message: unknown type 12"},
      {change.substr(0, change.size() - 1), "peer message: a field is cut short"},
      {change + "x", "peer message: bytes after the last field"},
      {std::string("\x01\xff\xff\xff\xff", 5), "peer message: a field is cut short"},
      {std::string("\x04", 1) + std::string(8, '\0') + "\x63" + std::string(4, '\0'), "peer message: unknown status code 99"},
      {Encode(negative), "peer message: a duration out of range"},
      {Encode(forever), "peer message: a duration out of range"},
      {bad_state, "peer message: unknown fencing state 3"},
  };
  for (const auto& c : cases) {
    auto r = Decode(c.bytes);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().message(), c.error);
  }
  // Every prefix of every message is refused, never read past its end.
  for (size_t cut = 0; cut < change.size(); ++cut) EXPECT_FALSE(Decode(change.substr(0, cut)).ok()) << cut;
}

}  // namespace
}  // namespace vigil::peer
