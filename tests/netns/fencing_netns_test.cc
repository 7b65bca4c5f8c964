// Fencing live, with the real parts (lab/tutorial_lab.h): the tutorial's two nodes, each with a
// simulated BMC (ipmi_sim from Debian's openipmi), fenced by fence_ipmilan (fence-agents, with
// ipmitool) through it, unmodified. A node frozen whole (every process stopped, its links up) is
// fenced before its floating IP starts on the other node: sampled every 20 ms from outside the
// nodes, the IP is never up on both (the frozen node counts), and the frozen node's BMC was
// switched off. A fence device that cannot reach its BMC leaves the IP where it was, and crm
// status says the fencing failed.
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

class FencingNetnsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(::geteuid(), 0u) << "needs root: network and mount namespaces (CI runs as root)";
    char dir[] = "/tmp/vigil-fence.XXXXXX";
    ASSERT_NE(::mkdtemp(dir), nullptr);
    work_ = dir;
  }
  // The lab: the membership on the clients' LAN, or on a link of its own (`ring_apart`: a
  // partition cuts that link only, and every node still reaches every BMC).
  void Make(bool ring_apart = false) {
    TutorialOptions o;
    o.prefix = "vgfn" + std::to_string(::getpid()) + "-";
    o.work = work_;
    o.programs = std::filesystem::path(VIGILD_BINARY).parent_path();
    o.mysql = false;
    o.bmcs = true;
    o.ring_apart = ring_apart;
    auto lab = TutorialLab::Create(o);
    ASSERT_TRUE(lab.ok()) << lab.status().message();
    lab_ = std::move(*lab);
    ASSERT_TRUE(lab_->Install().ok());
    for (int k = 1; k <= 2; ++k) ASSERT_TRUE(lab_->Start(k).ok());
    ASSERT_TRUE(WaitFor([&] { return lab_->Formed(1); }, seconds(20))) << Logs();
  }
  void TearDown() override {
    lab_.reset();
    std::filesystem::remove_all(work_);
  }

  void Typed(int node, const std::string& input) {
    const RunResult r = lab_->Crm(node, {}, input);
    ASSERT_EQ(r.code, 0) << input << r.out;
  }
  std::string Logs() {
    std::string all;
    for (int k = 1; k <= 2; ++k) all += "--- node" + std::to_string(k) + "\n" + lab_->Log(k);
    return all;
  }
  // The tutorial's cluster with fencing on: a fence_ipmilan device per node, kept off the node it
  // fences, and the floating IP. `password` is what the devices give their BMC.
  // `fence1_params`: more parameters of the device that fences node1; `ip_meta`: meta attributes
  // of the floating IP ("priority=10").
  void Configure(const std::string& password, const std::string& more = "", const std::string& fence1_params = "",
                 const std::string& ip_meta = "") {
    std::string input = "configure\nproperty no-quorum-policy=ignore\n" + more;
    for (int k = 1; k <= 2; ++k) {
      const std::string n = std::to_string(k);
      input += "primitive fence" + n + " stonith:fence_ipmilan params ip=" + TutorialLab::BmcAddress(k) +
               " username=" + kBmcUser + " password=" + password + " pcmk_host_list=" + TutorialLab::Name(k) +
               (k == 1 ? fence1_params : "") + " op monitor interval=60s\n";
      input += "location fence" + n + "-away fence" + n + " -inf: " + TutorialLab::Name(k) + "\n";
    }
    input += "primitive ip ocf:heartbeat:IPaddr2 params ip=" + std::string(TutorialLab::kVip) + " cidr_netmask=24" +
             (ip_meta.empty() ? "" : " meta " + ip_meta) + " op monitor interval=2s\ncommit\nquit\n";
    Typed(1, input);
  }
  bool VipUp(int node) { return testing::VipUp(*lab_, node); }
  std::string StonithAdmin() const { return lab_->StonithAdmin().string(); }
  int Owner() {
    for (int k = 1; k <= 2; ++k) {
      if (lab_->Where(k % 2 + 1, "ip") == TutorialLab::Name(k)) return k;
    }
    return 0;
  }


  std::filesystem::path work_;
  std::unique_ptr<TutorialLab> lab_;
};

TEST_F(FencingNetnsTest, AFrozenOwnerIsSwitchedOffThroughItsBmcBeforeItsIpStartsOnTheOther) {
  Make();
  Configure(kBmcPassword, "property stonith-action=off\n");
  int owner = 0;
  ASSERT_TRUE(WaitFor([&] { return (owner = Owner()) != 0 && VipUp(owner); }, seconds(30))) << Logs();
  const int other = owner % 2 + 1;
  testing::VipSampler sampler(*lab_);
  lab_->Freeze(owner, true);
  const bool moved = WaitFor([&] { return VipUp(other) && lab_->Where(other, "ip") == TutorialLab::Name(other); }, seconds(60));
  sampler.Stop();
  ASSERT_TRUE(moved) << Logs();
  EXPECT_EQ(sampler.twice(), 0) << sampler.Report();
  EXPECT_GT(sampler.samples(), 10);
  // Fenced through its BMC, which switched it off; it stays off.
  EXPECT_EQ(lab_->bmcs()->power_offs(owner), 1);
  EXPECT_FALSE(lab_->bmcs()->powered(owner));
  // In the survivor's log, the fence is done before the IP starts there.
  const std::string log = lab_->Log(other);
  const size_t fenced = log.find("fenced " + TutorialLab::Name(owner) + " (off) with fence" + std::to_string(owner));
  ASSERT_NE(fenced, std::string::npos) << log;
  EXPECT_LT(fenced, log.rfind("start of ip: OCF_SUCCESS")) << log;
  // stonith_admin tells the last fencing of it as Pacemaker's does.
  const RunResult history = lab_->RunOn(TutorialLab::Name(other), {StonithAdmin(), "-H", TutorialLab::Name(owner)});
  EXPECT_EQ(history.code, 0) << history.out;
  const std::string expected = "off of " + TutorialLab::Name(owner) + " successful: delegate=" + TutorialLab::Name(other) +
                               ", client=vigild, origin=" + TutorialLab::Name(other) + ", last-successful=";
  EXPECT_EQ(history.out.rfind(expected, 0), 0U) << history.out;
}

TEST_F(FencingNetnsTest, StonithAdminRebootsANodeThroughItsBmcAndWaitsForIt) {
  Make();
  Configure(kBmcPassword);
  ASSERT_TRUE(WaitFor([&] { return Owner() != 0; }, seconds(30))) << Logs();
  const RunResult r = lab_->RunOn(TutorialLab::Name(1), {StonithAdmin(), "--reboot", TutorialLab::Name(2), "-t", "60"});
  EXPECT_EQ(r.code, 0) << r.out << Logs();
  EXPECT_EQ(lab_->bmcs()->power_offs(2), 1);
  EXPECT_TRUE(lab_->bmcs()->powered(2));
  const RunResult status = lab_->Crm(1, {"status"});
  EXPECT_EQ(status.out.find("Failed Fencing Actions"), std::string::npos) << status.out;
  // crm's node fence asks first; -F does not.
  const RunResult asked = lab_->Crm(1, {"node", "fence", TutorialLab::Name(2)});
  EXPECT_NE(asked.code, 0);
  EXPECT_NE(asked.out.find("not confirmed"), std::string::npos) << asked.out;
  EXPECT_EQ(lab_->bmcs()->power_offs(2), 1);
}

TEST_F(FencingNetnsTest, AFrozenOwnerRebootedThroughItsBmcComesBackAndTheIpRunsOnce) {
  Make();
  Configure(kBmcPassword);
  int owner = 0;
  ASSERT_TRUE(WaitFor([&] { return (owner = Owner()) != 0 && VipUp(owner); }, seconds(30))) << Logs();
  testing::VipSampler sampler(*lab_);
  lab_->Freeze(owner, true);
  // Rebooted: switched off, then on, and its vigild starts again and rejoins.
  ASSERT_TRUE(WaitFor([&] { return lab_->bmcs()->power_offs(owner) == 1 && lab_->bmcs()->powered(owner); }, seconds(60)))
      << Logs();
  ASSERT_TRUE(WaitFor([&] { return lab_->Formed(1) && (VipUp(1) || VipUp(2)); }, seconds(30))) << Logs();
  sampler.Stop();
  EXPECT_EQ(sampler.twice(), 0) << sampler.Report();
  EXPECT_EQ(lab_->bmcs()->power_offs(owner), 1);
}

TEST_F(FencingNetnsTest, ADeviceThatCannotFenceLeavesTheIpBlockedAndCrmSaysSo) {
  Make();
  Configure("wrong-password");
  int owner = 0;
  // The devices' starts fail first (each checks its BMC twice, pcmk_monitor_retries, some 8 s a
  // check with a refused password), and the DC runs its steps one at a time: the IP comes after.
  ASSERT_TRUE(WaitFor([&] { return (owner = Owner()) != 0 && VipUp(owner); }, seconds(90))) << Logs();
  const int other = owner % 2 + 1;
  lab_->Freeze(owner, true);
  // The fence fails (the BMC refuses the password) and is tried again; the IP stays put.
  ASSERT_TRUE(WaitFor([&] { return lab_->Log(other).find("fencing " + TutorialLab::Name(owner) + " failed") != std::string::npos; },
                      seconds(60)))
      << Logs();
  std::this_thread::sleep_for(seconds(3));
  EXPECT_FALSE(VipUp(other));
  EXPECT_EQ(lab_->bmcs()->power_offs(owner), 0);
  // crm status says why: the node is unclean, and its fencing failed.
  const RunResult status = lab_->Crm(other, {"status"});
  const std::string name = TutorialLab::Name(owner);
  EXPECT_NE(status.out.find("  * Node " + name + ": UNCLEAN (offline)"), std::string::npos) << status.out;
  EXPECT_NE(status.out.find("Failed Fencing Actions:\n  * reboot of " + name + " by " + TutorialLab::Name(other) + " for vigild@" +
                            TutorialLab::Name(other) + " last failed ("),
            std::string::npos)
      << status.out;
  lab_->Freeze(owner, false);
}

// A fencing topology for each node: first a level whose device the BMC refuses (a wrong
// password), then the right device. The frozen owner is fenced by the second level, after the
// first failed, before its IP starts elsewhere.
TEST_F(FencingNetnsTest, ATopologyFallsThroughToItsSecondLevelWhenTheFirstFails) {
  Make();
  Configure(kBmcPassword, "property stonith-action=off\n");
  std::string input = "configure\n";
  for (int k = 1; k <= 2; ++k) {
    const std::string n = std::to_string(k);
    input += "primitive wrong" + n + " stonith:fence_ipmilan params ip=" + TutorialLab::BmcAddress(k) + " username=" +
             kBmcUser + " password=not-" + kBmcPassword + " pcmk_host_list=" + TutorialLab::Name(k) +
             " pcmk_off_retries=1 op monitor interval=60s\nlocation wrong" + n + "-away wrong" + n + " -inf: " +
             TutorialLab::Name(k) + "\n";
  }
  input += "fencing_topology node1: wrong1 fence1 node2: wrong2 fence2\ncommit\nquit\n";
  Typed(1, input);
  // stonith_admin, as typed on a node, tells which devices can fence node1 and which agents exist.
  const RunResult listed = lab_->RunOn(TutorialLab::Name(2), {StonithAdmin(), "--list", "node1"});
  EXPECT_EQ(listed.out, "fence1\nwrong1\n2 fence devices found\n") << listed.out;
  const RunResult installed = lab_->RunOn(TutorialLab::Name(2), {StonithAdmin(), "--list-installed"});
  EXPECT_NE(installed.out.find("\nfence_ipmilan\n"), std::string::npos) << installed.out;
  int owner = 0;
  ASSERT_TRUE(WaitFor([&] { return (owner = Owner()) != 0 && VipUp(owner); }, seconds(30))) << Logs();
  const int other = 3 - owner;
  const std::string name = TutorialLab::Name(owner);
  testing::VipSampler sampler(*lab_);
  lab_->Freeze(owner, true);
  ASSERT_TRUE(WaitFor([&] { return lab_->bmcs()->power_offs(owner) == 1 && VipUp(other); }, seconds(60))) << Logs();
  sampler.Stop();
  EXPECT_EQ(sampler.twice(), 0) << sampler.Report();
  const std::string log = lab_->Log(other);
  const size_t failed = log.find("fencing " + name + " with wrong" + std::to_string(owner) + " failed");
  const size_t fenced = log.find("fenced " + name + " (off) with fence" + std::to_string(owner));
  ASSERT_NE(failed, std::string::npos) << log;
  ASSERT_NE(fenced, std::string::npos) << log;
  EXPECT_LT(failed, fenced);
  const RunResult history = lab_->RunOn(TutorialLab::Name(other), {StonithAdmin(), "--history", name});
  EXPECT_NE(history.out.find("off of " + name + " successful"), std::string::npos) << history.out;
}

// The two nodes lose each other (their membership link cut) while both reach both BMCs: each
// side, DC of its own half (no-quorum-policy=ignore, as the tutorial sets), would fence the other.
// The device that fences node1 waits 5 s first (pcmk_delay_base), so node1 fences node2 and
// exactly one node is switched off; the IP is never up on both.
TEST_F(FencingNetnsTest, ASplitOfTwoNodesEndsWithExactlyOneOfThemFenced) {
  Make(/*ring_apart=*/true);
  Configure(kBmcPassword, "property stonith-action=off\n", " pcmk_delay_base=5s");
  int owner = 0;
  ASSERT_TRUE(WaitFor([&] { return (owner = Owner()) != 0 && VipUp(owner); }, seconds(30))) << Logs();
  testing::VipSampler sampler(*lab_);
  ASSERT_TRUE(lab_->SetClusterLink(2, false).ok());
  ASSERT_TRUE(WaitFor([&] { return lab_->bmcs()->power_offs(2) == 1 && VipUp(1); }, seconds(60))) << Logs();
  // Past node2's 5 s delay: it was switched off before it could fence node1.
  std::this_thread::sleep_for(seconds(8));
  sampler.Stop();
  EXPECT_EQ(lab_->bmcs()->power_offs(1), 0) << Logs();
  EXPECT_TRUE(lab_->bmcs()->powered(1));
  EXPECT_EQ(sampler.twice(), 0) << sampler.Report();
  EXPECT_TRUE(VipUp(1));
  EXPECT_NE(lab_->Log(2).find("fencing node1 with fence1 after a delay of 5 s"), std::string::npos) << lab_->Log(2);
}

// The same split with priority-fencing-delay instead of a device's delay: the floating IP has
// priority 10, so each side waits 5 s before fencing the node that runs it, and none before
// fencing the other. The IP's owner survives, whichever node it is.
TEST_F(FencingNetnsTest, WithPriorityFencingDelayTheSplitSparesTheNodeRunningTheWeightierResource) {
  Make(/*ring_apart=*/true);
  Configure(kBmcPassword, "property stonith-action=off\nproperty priority-fencing-delay=5s\n", "", "priority=10");
  int owner = 0;
  ASSERT_TRUE(WaitFor([&] { return (owner = Owner()) != 0 && VipUp(owner); }, seconds(30))) << Logs();
  const int other = 3 - owner;
  testing::VipSampler sampler(*lab_);
  ASSERT_TRUE(lab_->SetClusterLink(2, false).ok());
  ASSERT_TRUE(WaitFor([&] { return lab_->bmcs()->power_offs(other) == 1; }, seconds(60))) << Logs();
  // Past the other side's 5 s: it was switched off before it could fence the owner.
  std::this_thread::sleep_for(seconds(8));
  sampler.Stop();
  EXPECT_EQ(lab_->bmcs()->power_offs(owner), 0) << Logs();
  EXPECT_TRUE(VipUp(owner));
  EXPECT_EQ(sampler.twice(), 0) << sampler.Report();
  EXPECT_NE(lab_->Log(other).find("(priority-fencing-delay 5 s)"), std::string::npos) << lab_->Log(other);
  EXPECT_EQ(lab_->Log(owner).find("(priority-fencing-delay "), std::string::npos) << lab_->Log(owner);
}

// Thirty cycles of a fault on the IP's owner, in turn: frozen whole, its vigild killed with -9, its
// membership link cut (both BMCs stay reachable; the device fencing node1 waits 5 s, so node1 wins
// a split). Each time the owner is fenced (rebooted through its BMC) before the IP starts on the
// other, and comes back; sampled every 20 ms from outside, the IP is never up on both.
TEST_F(FencingNetnsTest, ThirtyCyclesOfFreezeKillAndPartitionNeverPutTheIpOnBothNodes) {
  Make(/*ring_apart=*/true);
  Configure(kBmcPassword, "", " pcmk_delay_base=5s");
  ASSERT_TRUE(WaitFor([&] { return Owner() != 0; }, seconds(30))) << Logs();
  testing::VipSampler sampler(*lab_);
  int fences = 0;
  for (int cycle = 0; cycle < 30; ++cycle) {
    int owner = 0;
    ASSERT_TRUE(WaitFor([&] { return (owner = Owner()) != 0 && VipUp(owner) && lab_->Formed(owner); }, seconds(60)))
        << "cycle " << cycle << "\n" << Logs();
    const char* kinds[] = {"freeze", "kill -9", "partition"};
    const int kind = cycle % 3;
    if (kind == 0) lab_->Freeze(owner, true);
    if (kind == 1) lab_->Kill(owner);
    if (kind == 2) {
      ASSERT_TRUE(lab_->SetClusterLink(owner, false).ok());
    }
    // Someone is fenced (the owner; in a split where node2 owned the IP, node2 too), and the
    // cluster is whole again: both nodes rebooted as needed and rejoined, the IP up once.
    ASSERT_TRUE(WaitFor([&] { return lab_->bmcs()->power_offs(1) + lab_->bmcs()->power_offs(2) > fences; }, seconds(60)))
        << "cycle " << cycle << " (" << kinds[kind] << " of node" << owner << ")\n" << Logs();
    fences = lab_->bmcs()->power_offs(1) + lab_->bmcs()->power_offs(2);
    ASSERT_TRUE(WaitFor([&] { return lab_->bmcs()->powered(1) && lab_->bmcs()->powered(2); }, seconds(60)));
    // The cut link mended (the fenced node's own links came back with its power).
    if (kind == 2) {
      ASSERT_TRUE(lab_->SetClusterLink(owner, true).ok());
    }
  }
  ASSERT_TRUE(WaitFor([&] { return Owner() != 0; }, seconds(60))) << Logs();
  sampler.Stop();
  EXPECT_EQ(sampler.twice(), 0) << sampler.Report();
  EXPECT_GE(fences, 30);
}

}  // namespace
}  // namespace vigil::lab
