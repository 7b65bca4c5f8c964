// Nothing runs twice: faults that once let a resource run on two nodes of a cluster with quorum,
// each as a named test on three real vigild in network namespaces, and crm commands made as the
// membership changes, which must neither fail for a conflict the user did not cause nor leave
// the user guessing whether they were made. A watcher looks every 20 ms from outside the nodes
// (the resource's state file in each node's run directory) and counts every look that finds it
// on two nodes. Faults: a slow start (resource-agents' own Delay) cut off by a partition, by
// kill -9 of vigild, by SIGSTOP of vigild alone and by kill -9 of the executor child; a frozen
// owner that resumes, whose monitors must record no failure that no agent reported; a commit on
// a CIB that moved on; a change on its way to a DC that freezes. Needs root; run by CI.
#include <gtest/gtest.h>

#include <signal.h>

#include <atomic>
#include <cstdio>
#include <future>
#include <mutex>
#include <thread>

#include "tests/support/resource_cluster.h"

namespace vigil::testing {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

// Looks every 20 ms at where `owners` finds the resource ("1 3": on two nodes) until stopped.
class Watcher {
 public:
  explicit Watcher(std::function<std::string()> owners)
      : owners_(std::move(owners)), thread_([this] { Watch(); }) {}
  ~Watcher() { Stop(); }

  void Stop() {
    watching_ = false;
    if (thread_.joinable()) thread_.join();
  }
  int looks() const { return looks_; }
  // Every look that found it on two nodes or more: "on 1 3".
  std::vector<std::string> doubles() {
    std::lock_guard<std::mutex> lock(mu_);
    return doubles_;
  }

 private:
  void Watch() {
    while (watching_) {
      const std::string owners = owners_();
      if (owners.find(' ') != std::string::npos) {
        std::lock_guard<std::mutex> lock(mu_);
        doubles_.push_back("on " + owners);
      }
      ++looks_;
      std::this_thread::sleep_for(milliseconds(20));
    }
  }

  std::function<std::string()> owners_;
  std::atomic<bool> watching_{true};
  std::atomic<int> looks_{0};
  std::mutex mu_;
  std::vector<std::string> doubles_;
  std::thread thread_;
};

// ocf:heartbeat:Delay: its start creates the state file at once, then waits `start_s` seconds.
std::string SlowCib(int start_s = 4) {
  return CibWith("slow", "class=\"ocf\" provider=\"heartbeat\" type=\"Delay\"",
                 "<instance_attributes id=\"slow-params\">"
                 "<nvpair id=\"slow-startdelay\" name=\"startdelay\" value=\"" + std::to_string(start_s) + "\"/>"
                 "<nvpair id=\"slow-stopdelay\" name=\"stopdelay\" value=\"0\"/>"
                 "<nvpair id=\"slow-mondelay\" name=\"mondelay\" value=\"0\"/>"
                 "</instance_attributes>");
}

class FaultsNetnsTest : public ResourceCluster {
 protected:
  // Three nodes and `cib`; returns the node where the resource's start has begun (its state
  // file is there) and the other two.
  int FormAndFindOwner(const std::string& cib, std::vector<int>* others) {
    Form(ClusterOptions{}, cib);
    if (HasFatalFailure()) return 0;
    EXPECT_TRUE(WaitFor([&] { return Owners().size() == 1; })) << Logs();
    const std::string owners = Owners();
    if (owners.size() != 1) return 0;
    const int owner = std::stoi(owners);
    for (int i : {1, 2, 3}) {
      if (i != owner) others->push_back(i);
    }
    return owner;
  }
  // The resource started on one of `others` (the agent said so), and is gone from `owner`.
  bool TakenOver(int owner, const std::vector<int>& others, const std::string& rsc) {
    if (Runs(owner) || Owners(others).size() != 1) return false;
    return Count(node(std::stoi(Owners(others))).log(), "start of " + rsc + ": OCF_SUCCESS") >= 1;
  }
  // No node lists a failed action: every operation that ended ended as its agent said.
  void ExpectNoFailures() {
    for (int i : {1, 2, 3}) {
      for (const auto& f : StatusOf(i).failed_actions) {
        ADD_FAILURE() << "n" << i << " lists a failed " << f.operation << " of " << f.rsc << " on " << f.node << " (rc "
                      << f.rc << ", status " << f.op_status << ": " << f.reason << ")\n" << Logs();
      }
    }
  }
  // Every node agrees on the three and on one DC.
  bool Whole() {
    const std::string dc = node(1).Dc();
    return !dc.empty() && cluster_->Agreed({1, 2, 3}, "n1 n2 n3", dc);
  }
  // Whole again, the resource runs on one node, and stays so for a second.
  void Healed(Watcher& watcher) {
    ASSERT_TRUE(WaitFor([&] { return Whole(); }, seconds(30))) << Logs();
    ASSERT_TRUE(WaitFor([&] { return Owners().size() == 1; }, seconds(30))) << Logs();
    std::this_thread::sleep_for(seconds(1));
    watcher.Stop();
    EXPECT_GT(watcher.looks(), 0);
    EXPECT_TRUE(watcher.doubles().empty()) << watcher.doubles().size() << " of " << watcher.looks()
                                           << " looks found it twice, first " << watcher.doubles().front() << "\n"
                                           << Logs();
  }

  void SetUp() override {
    runs_ = [this](int i) { return std::filesystem::exists(node(i).run_dir() / "rsctmp" / "Delay_slow"); };
  }
};

TEST_F(FaultsNetnsTest, ASlowStartCutOffByAPartitionIsWithdrawnAndStoppedOnTheMinority) {
  std::vector<int> others;
  const int owner = FormAndFindOwner(SlowCib(), &others);
  ASSERT_NE(owner, 0);
  Watcher watcher([this] { return Owners(); });
  // Cut off while its start runs: its quorum lease lapses, it withdraws the start and stops the
  // resource before the other two can have lost it and start theirs.
  const std::string ns = cluster_->lan().host(owner - 1).ns;
  ASSERT_EQ(Sh("ip -n " + ns + " link set eth0 down").code, 0);
  ASSERT_TRUE(WaitFor([&] { return TakenOver(owner, others, "slow"); }, seconds(30))) << Logs();
  const std::string log = node(owner).log();
  EXPECT_NE(log.find("start of slow: withdrawn"), std::string::npos) << Logs();
  EXPECT_NE(log.find("quorum lease lapsed"), std::string::npos) << Logs();
  ASSERT_EQ(Sh("ip -n " + ns + " link set eth0 up").code, 0);
  Healed(watcher);
  ExpectNoFailures();
}

TEST_F(FaultsNetnsTest, ASlowStartCutOffByKillNineOfVigildIsStoppedByTheExecutorChild) {
  std::vector<int> others;
  const int owner = FormAndFindOwner(SlowCib(), &others);
  ASSERT_NE(owner, 0);
  Watcher watcher([this] { return Owners(); });
  node(owner).Kill(SIGKILL);
  // The child hears vigild go: it kills the start in flight and stops the resource at once.
  ASSERT_TRUE(WaitFor([&] { return TakenOver(owner, others, "slow"); }, seconds(30))) << Logs();
  EXPECT_NE(node(owner).log().find("executor child: vigild is gone; stopping 1 resource(s)"), std::string::npos) << Logs();
  ASSERT_TRUE(node(owner).Start());
  Healed(watcher);
  ExpectNoFailures();
}

TEST_F(FaultsNetnsTest, ASlowStartCutOffBySigstopOfVigildIsStoppedWhenItsLeaseLapses) {
  std::vector<int> others;
  const int owner = FormAndFindOwner(SlowCib(), &others);
  ASSERT_NE(owner, 0);
  Watcher watcher([this] { return Owners(); });
  const pid_t frozen = node(owner).pid();
  ASSERT_EQ(::kill(frozen, SIGSTOP), 0);
  // Frozen, vigild renews nothing: half a token later its child withdraws the start and stops.
  const bool taken = WaitFor([&] { return TakenOver(owner, others, "slow"); }, seconds(30));
  ASSERT_EQ(::kill(frozen, SIGCONT), 0);
  ASSERT_TRUE(taken) << Logs();
  ASSERT_TRUE(WaitFor([&] {
    return node(owner).log().find("stopped every resource: vigild did not renew its lease in time") != std::string::npos;
  })) << Logs();
  EXPECT_NE(node(owner).log().find("executor child: vigild did not renew its lease in time"), std::string::npos) << Logs();
  Healed(watcher);
  ExpectNoFailures();
}

TEST_F(FaultsNetnsTest, AResumedOwnerRecordsNoMonitorFailureForWhatItsChildStopped) {
  runs_ = [this](int i) { return std::filesystem::exists(node(i).run_dir() / "rsctmp" / "Dummy-d1.state"); };
  std::vector<int> unused;
  ASSERT_NE(FormAndFindOwner(kDummyCib, &unused), 0);
  Watcher watcher([this] { return Owners(); });
  // Three freezes of whoever runs d1 (monitored every second), each long enough for the others
  // to take it over.
  for (int cycle = 0; cycle < 3; ++cycle) {
    ASSERT_TRUE(WaitFor([&] { return Owners().size() == 1; }, seconds(30))) << Logs();
    const int owner = std::stoi(Owners());
    std::vector<int> others;
    for (int i : {1, 2, 3}) {
      if (i != owner) others.push_back(i);
    }
    ASSERT_TRUE(WaitFor([&] { return Count(node(owner).log(), "monitor (every 1000 ms) of d1: OCF_SUCCESS") >= 1; }))
        << Logs();
    const pid_t frozen = node(owner).pid();
    ASSERT_EQ(::kill(frozen, SIGSTOP), 0);
    const bool taken = WaitFor([&] { return !Runs(owner) && Owners(others).size() == 1; }, seconds(30));
    std::this_thread::sleep_for(milliseconds(500));
    ASSERT_EQ(::kill(frozen, SIGCONT), 0);
    ASSERT_TRUE(taken) << "cycle " << cycle << "\n" << Logs();
    ASSERT_TRUE(WaitFor([&] { return Whole(); }, seconds(30))) << Logs();
    std::this_thread::sleep_for(milliseconds(1500));  // the monitors run again
  }
  Healed(watcher);
  ExpectNoFailures();
  for (int i : {1, 2, 3}) EXPECT_EQ(node(i).log().find("monitor (every 1000 ms) of d1: OCF_NOT_RUNNING"), std::string::npos) << Logs();
}

TEST_F(FaultsNetnsTest, AStartInFlightDiesWithTheExecutorChildAndFailsNothing) {
  std::vector<int> others;
  const int owner = FormAndFindOwner(SlowCib(60), &others);  // longer than any wait below
  ASSERT_NE(owner, 0);
  Watcher watcher([this] { return Owners(); });
  const pid_t child = ExecutorChild(node(owner).log());
  ASSERT_GT(child, 0) << Logs();
  ASSERT_EQ(::kill(child, SIGKILL), 0);
  // The Delay script dies with the child (it would otherwise finish its start behind the back
  // of the probe that follows); the new child's probe finds what the start left (its state
  // file): the resource stays where it is, and nothing is recorded as failed.
  const std::string ns = cluster_->lan().host(owner - 1).ns;
  ASSERT_TRUE(WaitFor([&] {
    return Sh("for p in $(ip netns pids " + ns + "); do tr '\\0' ' ' < /proc/$p/cmdline; echo; done").out.find(
               "heartbeat/Delay") == std::string::npos;
  })) << Sh("ip netns pids " + ns).out;
  ASSERT_TRUE(WaitFor([&] { return ExecutorChild(node(owner).log()) != child; })) << Logs();
  EXPECT_NE(node(owner).log().find("start of slow: withdrawn"), std::string::npos) << Logs();
  Healed(watcher);
  ExpectNoFailures();
}

// crm on node i, with `script` on its standard input a piece at a time: `until` runs between the
// pieces. Returns the exit code; what crm printed goes to `out`.
int CrmScript(VigildProcess& node, const std::vector<std::string>& pieces, const std::function<void()>& between,
              std::string* out) {
  const std::filesystem::path printed = node.dir() / "crm.out";
  FILE* in = ::popen((std::string(CRM_BINARY) + " --run-dir " + node.run_dir().string() + " > " + printed.string() + " 2>&1").c_str(), "w");
  if (in == nullptr) return -1;
  for (size_t k = 0; k < pieces.size(); ++k) {
    std::fputs(pieces[k].c_str(), in);
    std::fflush(in);
    if (k + 1 < pieces.size()) between();
  }
  const int status = ::pclose(in);
  *out = ReadFile(printed);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

TEST_F(FaultsNetnsTest, ACommitOnACibThatMovedOnMeanwhileIsMadeAgainOnTheNewOne) {
  Form(ClusterOptions{}, kDummyCib);
  // crm on n2 reads the CIB and stages a primitive; meanwhile the CIB moves on (n3 goes to
  // standby, as the DC's own record of the joined nodes does right after the cluster forms).
  std::string printed;
  // The unknown property makes crm warn (on its unbuffered stderr): it has read the CIB by then.
  const int code = CrmScript(node(2), {"configure\nprimitive p1 ocf:heartbeat:Dummy\nproperty vigil-test-mark=1\n",
                                       "commit\nquit\n"}, [&] {
    ASSERT_TRUE(WaitFor([&] { return ReadFile(node(2).dir() / "crm.out").find("WARNING") != std::string::npos; }))
        << ReadFile(node(2).dir() / "crm.out");
    const std::string before = node(2).CibVersion();
    Ask(3, "node-standby");
    ASSERT_TRUE(WaitFor([&] { return node(2).CibVersion() != before; })) << Logs();
  }, &printed);
  EXPECT_EQ(code, 0) << printed;
  EXPECT_NE(printed.find("INFO: the CIB changed since it was read"), std::string::npos) << printed << Logs();
  const auto cib = node(1).Cib();
  ASSERT_TRUE(cib.has_value());
  EXPECT_NE(cib->FindPrimitive("p1"), nullptr);
  EXPECT_NE(Cib(1).find("name=\"standby\" value=\"on\""), std::string::npos) << Cib(1);
}

TEST_F(FaultsNetnsTest, AChangeWhoseAnswerIsLostIsSettledFromTheNextDcsCib) {
  Form(ClusterOptions{}, kDummyCib);
  ASSERT_EQ(node(1).Dc(), "n1");
  // The DC freezes with a standby of n2 on its way to it: no answer comes. Once n2 and n3 have
  // chosen another DC, n2 tells from that DC's CIB whether the change was made (it was not) and
  // makes it there; crm hears "ok", not "may or may not".
  const pid_t frozen = node(1).pid();
  ASSERT_EQ(::kill(frozen, SIGSTOP), 0);
  auto standby = std::async(std::launch::async, [&] {
    return Sh(std::string(CRM_BINARY) + " --run-dir " + node(2).run_dir().string() + " node standby");
  });
  const bool answered = standby.wait_for(seconds(30)) == std::future_status::ready;
  ASSERT_EQ(::kill(frozen, SIGCONT), 0);
  ASSERT_TRUE(answered) << Logs();
  const CommandResult r = standby.get();
  EXPECT_EQ(r.code, 0) << r.out << Logs();
  EXPECT_EQ(r.out.find("may or may not"), std::string::npos) << r.out;
  EXPECT_NE(node(2).log().find("the link to the DC broke before it answered 1 change(s)"), std::string::npos) << Logs();
  // Whole again: the change is there once, on every node.
  ASSERT_TRUE(WaitFor([&] { return cluster_->Agreed({1, 2, 3}, "n1 n2 n3", node(1).Dc()) && !node(1).Dc().empty(); },
                      seconds(30)))
      << Logs();
  for (int i : {1, 2, 3}) {
    ASSERT_TRUE(WaitFor([&] { return Cib(i).find("name=\"standby\" value=\"on\"") != std::string::npos; })) << "n" << i << "\n" << Logs();
  }
}

}  // namespace
}  // namespace vigil::testing
