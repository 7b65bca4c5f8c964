// Watchdog self-fencing live (stonith-watchdog-timeout, no fence device at all): three nodes of
// the lab (lab/tutorial_lab.h), each vigild feeding a simulated watchdog (lab/watchdog.h: a FIFO
// read by the lab, which switches the node off and on when it is not fed in time, as a kernel
// watchdog resets its machine). The floating IP's owner frozen whole, killed with -9, or cut off
// from the others resets itself, and the others start the IP only once they count it as fenced:
// sampled every 20 ms from outside the nodes, the IP is never up on two nodes (the faulty one
// counts, until the reset takes its links down). The machine has no kernel watchdog: the ioctl
// path of a real device is not run here.
// Needs root (namespaces); run by CI.
#include <gtest/gtest.h>

#include <unistd.h>

#include <thread>

#include "lab/tutorial_lab.h"
#include "tests/support/vigild_process.h"
#include "tests/support/vip_sampler.h"

namespace vigil::lab {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using testing::WaitFor;

constexpr int kNodes = 3;

class WatchdogNetnsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(::geteuid(), 0u) << "needs root: network and mount namespaces (CI runs as root)";
    char dir[] = "/tmp/vigil-wd.XXXXXX";
    ASSERT_NE(::mkdtemp(dir), nullptr);
    work_ = dir;
    TutorialOptions o;
    o.prefix = "vgwd" + std::to_string(::getpid()) + "-";
    o.work = work_;
    o.programs = std::filesystem::path(VIGILD_BINARY).parent_path();
    o.nodes = kNodes;
    o.nodelist = true;
    o.mysql = false;
    o.watchdogs = true;
    // The membership on a link of its own: a node cut off from the others still shows its IP to
    // the client (and to the sampler) until its reset.
    o.ring_apart = true;
    auto lab = TutorialLab::Create(o);
    ASSERT_TRUE(lab.ok()) << lab.status().message();
    lab_ = std::move(*lab);
    ASSERT_TRUE(lab_->Install().ok());
    for (int k = 1; k <= kNodes; ++k) ASSERT_TRUE(lab_->Start(k).ok());
    ASSERT_TRUE(WaitFor([&] { return lab_->Formed(1); }, seconds(30))) << Logs();
    // Fencing on (Pacemaker's default) with no device: the watchdogs fence, 6 s after the DC asks
    // (each armed with 3 s).
    const RunResult r = lab_->Crm(1, {}, "configure\nproperty stonith-watchdog-timeout=6\nprimitive ip ocf:heartbeat:IPaddr2 params ip=" +
                                             std::string(TutorialLab::kVip) + " cidr_netmask=24 op monitor interval=2s\ncommit\nquit\n");
    ASSERT_EQ(r.code, 0) << r.out;
    ASSERT_TRUE(WaitFor([&] {
      for (int k = 1; k <= kNodes; ++k) {
        if (lab_->watchdogs()->timeout_s(k) != 3) return false;
      }
      return true;
    }, seconds(30))) << Logs();
  }
  void TearDown() override {
    lab_.reset();
    std::filesystem::remove_all(work_);
  }

  std::string Logs() {
    std::string all;
    for (int k = 1; k <= kNodes; ++k) all += "--- node" + std::to_string(k) + "\n" + lab_->Log(k);
    return all;
  }
  bool VipUp(int node) { return testing::VipUp(*lab_, node); }
  // The node running the IP, as a node other than it says, with the IP up there.
  int Owner() {
    for (int k = 1; k <= kNodes; ++k) {
      if (lab_->Where(k % kNodes + 1, "ip") == TutorialLab::Name(k) && VipUp(k)) return k;
    }
    return 0;
  }
  // A node other than `owner` that runs the IP now.
  int NewOwner(int owner) {
    for (int k = 1; k <= kNodes; ++k) {
      if (k != owner && VipUp(k) && lab_->Where(k, "ip") == TutorialLab::Name(k)) return k;
    }
    return 0;
  }


  // `fault` done to the IP's owner: it resets itself (once), and the IP starts on another node
  // only after the survivors counted it fenced by its watchdog; then it rejoins.
  void FaultResetsTheOwnerBeforeTheIpMoves(const std::function<void(int owner)>& fault) {
    int owner = 0;
    ASSERT_TRUE(WaitFor([&] { return (owner = Owner()) != 0; }, seconds(30))) << Logs();
    testing::VipSampler sampler(*lab_);
    fault(owner);
    int moved = 0;
    ASSERT_TRUE(WaitFor([&] { return (moved = NewOwner(owner)) != 0; }, seconds(60))) << Logs();
    ASSERT_TRUE(WaitFor([&] { return lab_->Formed(moved); }, seconds(60))) << Logs();
    sampler.Stop();
    EXPECT_EQ(sampler.twice(), 0) << sampler.Report();
    EXPECT_GT(sampler.samples(), 10);
    EXPECT_EQ(lab_->watchdogs()->resets(owner), 1) << Logs();
    for (int k = 1; k <= kNodes; ++k) {
      if (k != owner) {
        EXPECT_EQ(lab_->watchdogs()->resets(k), 0) << "node" << k << "\n" << Logs();
      }
    }
    // The DC recorded the fence by watchdog before the IP started on its new node.
    const std::string name = TutorialLab::Name(owner);
    std::string dc_log;
    for (int k = 1; k <= kNodes; ++k) {
      if (k != owner && lab_->Log(k).find("fenced " + name + " (reboot) with watchdog") != std::string::npos) dc_log = lab_->Log(k);
    }
    ASSERT_FALSE(dc_log.empty()) << Logs();
    EXPECT_NE(dc_log.find("fencing " + name + " by its watchdog"), std::string::npos) << dc_log;
    const RunResult history = lab_->RunOn(TutorialLab::Name(moved), {lab_->StonithAdmin().string(), "--history", name});
    EXPECT_NE(history.out.find("reboot of " + name + " successful"), std::string::npos) << history.out;
    // Back after its reset, armed again.
    EXPECT_TRUE(WaitFor([&] { return lab_->watchdogs()->timeout_s(owner) == 3; }, seconds(30))) << Logs();
  }

  std::filesystem::path work_;
  std::unique_ptr<TutorialLab> lab_;
};

TEST_F(WatchdogNetnsTest, AFrozenOwnerResetsItselfBeforeItsIpStartsElsewhere) {
  FaultResetsTheOwnerBeforeTheIpMoves([&](int owner) { lab_->Freeze(owner, true); });
}

TEST_F(WatchdogNetnsTest, AnOwnerWhoseVigildIsKilledResetsItselfBeforeItsIpStartsElsewhere) {
  FaultResetsTheOwnerBeforeTheIpMoves([&](int owner) { lab_->Kill(owner); });
}

// Cut off from the other two, the owner has no quorum: it stops the IP and feeds its watchdog no
// more. (Its reset brings its link back, as a reboot would.)
TEST_F(WatchdogNetnsTest, AnOwnerCutOffFromTheOthersLosesQuorumAndResetsItself) {
  FaultResetsTheOwnerBeforeTheIpMoves([&](int owner) { ASSERT_TRUE(lab_->SetClusterLink(owner, false).ok()); });
  // (Its quorum lease lapses first, some 600 ms before the membership drops the others.)
  EXPECT_NE(Logs().find(" is fed no more; this node resets within 3 s"), std::string::npos) << Logs();
}

// A fence asked by hand of a member that no device can fence: the member is told to stop feeding
// its watchdog, and counts as fenced 6 s later, by which time it has reset.
TEST_F(WatchdogNetnsTest, AMemberFencedByHandStopsFeedingItsWatchdogAndResets) {
  const RunResult r = lab_->RunOn(TutorialLab::Name(1), {lab_->StonithAdmin().string(), "--reboot", "node3", "-t", "60"});
  EXPECT_EQ(r.code, 0) << r.out << Logs();
  EXPECT_EQ(lab_->watchdogs()->resets(3), 1) << Logs();
  EXPECT_EQ(lab_->watchdogs()->resets(1) + lab_->watchdogs()->resets(2), 0) << Logs();
  EXPECT_NE(lab_->Log(3).find("the DC fences this node by its watchdog (reboot)"), std::string::npos) << lab_->Log(3);
}

// Changed where the node that takes the change has no watchdog device, it is refused with the
// reason and nothing changes; turned off, every watchdog is disarmed.
TEST_F(WatchdogNetnsTest, ANodeWithoutADeviceRefusesItAndTurningItOffDisarmsTheWatchdogs) {
  std::filesystem::remove(lab_->WatchdogDevice(2));
  const RunResult refused = lab_->Crm(2, {"configure", "property", "stonith-watchdog-timeout=8"});
  EXPECT_NE(refused.code, 0);
  EXPECT_NE(refused.out.find("stonith-watchdog-timeout=8 needs a watchdog device, and this node has none (" +
                             lab_->WatchdogDevice(2).string() + " is missing"),
            std::string::npos)
      << refused.out;
  EXPECT_NE(lab_->Crm(1, {"configure", "show"}).out.find("stonith-watchdog-timeout=6"), std::string::npos);
  const RunResult off = lab_->Crm(2, {"configure", "property", "stonith-watchdog-timeout=0"});
  ASSERT_EQ(off.code, 0) << off.out;
  EXPECT_TRUE(WaitFor([&] {
    for (int k = 1; k <= kNodes; ++k) {
      if (lab_->watchdogs()->timeout_s(k) != 0) return false;
    }
    return true;
  }, seconds(10))) << Logs();
  // Frozen now, a node is not reset by its watchdog (nor fenced: there is no device).
  lab_->Freeze(3, true);
  std::this_thread::sleep_for(seconds(5));
  EXPECT_EQ(lab_->watchdogs()->resets(3), 0);
  lab_->Freeze(3, false);
}

}  // namespace
}  // namespace vigil::lab
