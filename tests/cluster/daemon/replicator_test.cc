// The replicated CIB without vigild: two Replicators in this process, on 127.0.0.1 and 127.0.0.2
// (real TCP links on loopback), each over a CIB store of its own, driven by hand. What a member
// and its DC say to each other: the higher CIB wins when they link, a member's change goes
// through the DC and comes back applied on both, and a change whose answer was lost with the
// link is answered, made or not made, once the member holds the DC's CIB again.
#include "cluster/daemon/replicator.h"

#include <gtest/gtest.h>

#include <poll.h>

#include <functional>
#include <optional>

#include "cluster/membership/packet.h"
#include "tests/support/files.h"
#include "tests/support/free_port.h"

namespace vigil::daemon {
namespace {

using namespace std::chrono_literals;

constexpr uint32_t kAddress[] = {0, 0x7f000001, 0x7f000002};  // node 1: 127.0.0.1, node 2: 127.0.0.2

constexpr const char* kDummy = "<primitive id=\"d\" class=\"ocf\" provider=\"heartbeat\" type=\"Dummy\"/>";

std::string CibAt(int epoch, const std::string& resources = "") {
  return "<cib admin_epoch=\"0\" epoch=\"" + std::to_string(epoch) + "\" num_updates=\"0\"><configuration><crm_config/>"
         "<nodes/><resources>" + resources + "</resources><constraints/></configuration><status/></cib>";
}

// One node: its store in a directory of its own and its Replicator.
struct Node {
  Node(uint32_t id, uint16_t port, const std::string& cib) {
    testing::WriteFile(std::filesystem::path(dir.path()) / "cib.xml", cib);
    auto opened = CibStore::Open(dir.path());
    EXPECT_TRUE(opened.ok()) << opened.status().message();
    store.emplace(std::move(*opened));
    ReplicatorOptions o;
    o.local.authkey = std::string(32, 'k');
    o.local.cluster = membership::ClusterId("test");
    o.local.node = id;
    o.local.incarnation = 1;
    o.bind_address = kAddress[id];
    o.port = port;
    o.token = 1000ms;
    o.address_of = [](uint32_t node) -> std::optional<uint32_t> {
      return node >= 1 && node <= 2 ? std::optional<uint32_t>(kAddress[node]) : std::nullopt;
    };
    o.on_linked = [this] { ++linked; };
    o.on_message = [this](uint32_t from, const peer::Message& m) { got.emplace_back(from, m.index()); };
    auto r = Replicator::Open(std::move(o), *store);
    if (r.ok()) {
      replicator = std::move(*r);
    } else {
      error = r.status().message();
    }
  }
  testing::TempDir dir;
  std::optional<CibStore> store;
  std::unique_ptr<Replicator> replicator;
  std::string error;  // why there is no replicator
  int linked = 0;
  std::vector<std::pair<uint32_t, size_t>> got;  // (from, message type) handed to the daemon
};

class ReplicatorTest : public ::testing::Test {
 protected:
  // The two nodes on a port both can bind: a free UDP port may be taken for TCP by a test running
  // beside this one, so another is tried then.
  void Make(const std::string& dc_cib, const std::string& member_cib) {
    std::string why;
    for (int attempt = 0; attempt < 20; ++attempt) {
      const uint16_t port = testing::FreeUdpPort();
      dc_ = std::make_unique<Node>(1, port, dc_cib);
      member_ = std::make_unique<Node>(2, port, member_cib);
      if (dc_->replicator && member_->replicator) return;
      why = dc_->error + member_->error;
    }
    FAIL() << "no port both nodes could bind: " << why;
  }
  // Who runs in Pump: both, or one of them (the other's loop does not turn meanwhile).
  enum class Run { kBoth, kDcOnly, kMemberOnly };
  // Node 1 is the DC; the member follows `member_dc` (0: it has lost it). Runs until `done`
  // holds, or `limit` has passed.
  bool Pump(const std::function<bool()>& done, uint32_t member_dc = 1, Run run = Run::kBoth,
            std::chrono::milliseconds limit = 5000ms) {
    const auto end = std::chrono::steady_clock::now() + limit;
    const std::vector<uint32_t> members = {1, 2};
    const bool dc = run != Run::kMemberOnly;
    const bool member = run != Run::kDcOnly;
    while (std::chrono::steady_clock::now() < end) {
      const SteadyTime now = std::chrono::steady_clock::now();
      if (dc) dc_->replicator->Follow(1, true, members, now);
      if (member) member_->replicator->Follow(member_dc, false, members, now);
      PollSet set(now);
      if (dc) dc_->replicator->Arm(set);
      if (member) member_->replicator->Arm(set);
      set.WakeBy(now + std::chrono::milliseconds(10));
      (void)set.Wait();
      if (dc) dc_->replicator->Dispatch(set, std::chrono::steady_clock::now());
      if (member) member_->replicator->Dispatch(set, std::chrono::steady_clock::now());
      if (done()) return true;
    }
    return done();
  }

  // Whether the member logged a line holding `what`.
  bool Told(const std::string& what) {
    for (const auto& e : member_->replicator->TakeEvents()) {
      if (e.text.find(what) != std::string::npos) return true;
    }
    return false;
  }

  std::unique_ptr<Node> dc_, member_;
};

TEST_F(ReplicatorTest, OnLinkingTheHigherCibWinsOnBothSides) {
  ASSERT_NO_FATAL_FAILURE(Make(CibAt(3), CibAt(7, kDummy)));
  ASSERT_TRUE(Pump([&] { return member_->replicator->linked_to_dc() && dc_->store->versions().epoch == 7; }));
  EXPECT_EQ(member_->store->versions().epoch, 7);
  EXPECT_EQ(dc_->store->text(), member_->store->text());
  EXPECT_EQ(member_->linked, 1);
}

// What vigild's parts say over the link reaches the other side, each kind in its direction: the
// DC's steps, fence requests and status to the member; the member's reports, fence answers,
// fences asked by hand and a former DC's status to the DC; cleanups either way.
TEST_F(ReplicatorTest, EveryMessageOfTheDaemonsReachesTheOtherSideInItsDirection) {
  ASSERT_NO_FATAL_FAILURE(Make(CibAt(1), CibAt(1)));
  ASSERT_TRUE(Pump([&] { return member_->replicator->linked_to_dc(); }));
  const std::vector<peer::Message> down = {peer::Execute{}, peer::FenceRequest{}, peer::StatusCopy{}, peer::Cleanup{}};
  const std::vector<peer::Message> up = {peer::NodeUpdate{}, peer::FenceResult{}, peer::FenceAsk{}, peer::StatusCopy{},
                                         peer::Cleanup{}};
  // The first once the DC has taken the member's join.
  ASSERT_TRUE(Pump([&] { return dc_->replicator->SendToMember(2, down[0]); }));
  for (size_t i = 1; i < down.size(); ++i) ASSERT_TRUE(dc_->replicator->SendToMember(2, down[i]));
  for (const auto& m : up) ASSERT_TRUE(member_->replicator->SendToDc(m));
  ASSERT_TRUE(Pump([&] { return member_->got.size() == down.size() && dc_->got.size() == up.size(); })) << member_->got.size() << " " << dc_->got.size();
  for (size_t i = 0; i < down.size(); ++i) EXPECT_EQ(member_->got[i], std::make_pair(uint32_t{1}, down[i].index()));
  for (size_t i = 0; i < up.size(); ++i) EXPECT_EQ(dc_->got[i], std::make_pair(uint32_t{2}, up[i].index()));
  // Nothing went the wrong way: a member's report sent down is not for the member.
  ASSERT_TRUE(dc_->replicator->SendToMember(2, peer::NodeUpdate{}));
  ASSERT_TRUE(Pump([&] { return Told("has no business on this link"); }));
  EXPECT_EQ(member_->got.size(), down.size());
}

TEST_F(ReplicatorTest, AMembersChangeGoesThroughTheDcAndComesBackAppliedOnBoth) {
  ASSERT_NO_FATAL_FAILURE(Make(CibAt(5), CibAt(5)));
  ASSERT_TRUE(Pump([&] { return member_->replicator->linked_to_dc(); }));
  std::optional<Result<cib::Versions>> answer;
  member_->replicator->Submit(member_->store->versions(), CibAt(5, kDummy),
                              "a test", [&](Result<cib::Versions> r) { answer = std::move(r); });
  ASSERT_TRUE(Pump([&] { return answer.has_value(); }));
  ASSERT_TRUE(answer->ok()) << answer->status().message();
  EXPECT_EQ((*answer)->epoch, 6);
  EXPECT_EQ(dc_->store->versions().epoch, 6);
  EXPECT_EQ(member_->store->versions().epoch, 6);  // held before the answer came
  EXPECT_NE(member_->store->text().find("id=\"d\""), std::string::npos);
  // Made against the old version again: a conflict, and nothing changes.
  answer.reset();
  member_->replicator->Submit({0, 5, 0}, CibAt(5), "a test", [&](Result<cib::Versions> r) { answer = std::move(r); });
  ASSERT_TRUE(Pump([&] { return answer.has_value(); }));
  ASSERT_FALSE(answer->ok());
  EXPECT_EQ(answer->status().code(), StatusCode::kConflict);
  EXPECT_EQ(dc_->store->versions().epoch, 6);
}

TEST_F(ReplicatorTest, AChangeThatNeverLeftIsAnsweredNotMadeOnceLinkedAgain) {
  ASSERT_NO_FATAL_FAILURE(Make(CibAt(5), CibAt(5)));
  ASSERT_TRUE(Pump([&] { return member_->replicator->linked_to_dc(); }));
  std::optional<Result<cib::Versions>> answer;
  member_->replicator->Submit(member_->store->versions(), CibAt(5, kDummy), "a test",
                              [&](Result<cib::Versions> r) { answer = std::move(r); });
  // The member loses the DC before the change has left: the link goes with it unsent.
  Pump([] { return false; }, 0, Run::kMemberOnly, 100ms);
  EXPECT_FALSE(answer.has_value());
  // Linked again and holding the DC's CIB, the member tells: not made, so it can be made again.
  ASSERT_TRUE(Pump([&] { return answer.has_value(); }));
  ASSERT_FALSE(answer->ok());
  EXPECT_EQ(answer->status().code(), StatusCode::kConflict);
  EXPECT_NE(answer->status().message().find("nothing changed"), std::string::npos) << answer->status().message();
  EXPECT_EQ(dc_->store->versions().epoch, 5);
  EXPECT_TRUE(Told("broke before it answered 1 change"));
}

TEST_F(ReplicatorTest, AChangeWhoseAnswerWasLostIsAnsweredMadeFromTheDcsCib) {
  ASSERT_NO_FATAL_FAILURE(Make(CibAt(5), CibAt(5)));
  ASSERT_TRUE(Pump([&] { return member_->replicator->linked_to_dc(); }));
  std::optional<Result<cib::Versions>> answer;
  member_->replicator->Submit(member_->store->versions(), CibAt(5, kDummy), "a test",
                              [&](Result<cib::Versions> r) { answer = std::move(r); });
  // The change leaves, the DC applies it and answers, but the member loses the DC before it
  // reads the answer.
  const auto end = std::chrono::steady_clock::now() + 5s;
  while (dc_->store->versions().epoch != 6 && std::chrono::steady_clock::now() < end) {
    Pump([] { return false; }, 1, Run::kMemberOnly, 10ms);
    Pump([&] { return dc_->store->versions().epoch == 6; }, 1, Run::kDcOnly, 10ms);
  }
  ASSERT_EQ(dc_->store->versions().epoch, 6);
  Pump([] { return false; }, 0, Run::kMemberOnly, 100ms);
  EXPECT_FALSE(answer.has_value());
  // Linked again and holding the DC's CIB, the member tells from it: made.
  ASSERT_TRUE(Pump([&] { return answer.has_value(); }));
  ASSERT_TRUE(answer->ok()) << answer->status().message();
  EXPECT_EQ(member_->store->versions().epoch, 6);
  EXPECT_NE(member_->store->text().find("id=\"d\""), std::string::npos);
  EXPECT_TRUE(Told("broke before it answered 1 change"));
}

}  // namespace
}  // namespace vigil::daemon
