// The loop's plumbing: a PollSet reports what is ready by descriptor, wakes by the earliest
// deadline any source asked for, and leaves negative descriptors out; a SignalSource turns a
// blocked signal into a call in the loop.
#include "common/event_source.h"

#include <signal.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "common/signal_source.h"

namespace vigil {
namespace {

using std::chrono::milliseconds;

class Pipe {
 public:
  Pipe() { EXPECT_EQ(pipe(fds_), 0); }
  ~Pipe() {
    close(fds_[0]);
    close(fds_[1]);
  }
  int read_end() const { return fds_[0]; }
  void Write() { EXPECT_EQ(write(fds_[1], "x", 1), 1); }

 private:
  int fds_[2];
};

TEST(PollSetTest, ReportsWhatIsReadyByDescriptor) {
  Pipe ready, quiet;
  ready.Write();
  PollSet set(std::chrono::steady_clock::now());
  set.Watch(ready.read_end(), POLLIN);
  set.Watch(quiet.read_end(), POLLIN);
  set.Watch(-1, POLLIN);  // a source with nothing to watch now
  ASSERT_TRUE(set.Wait().ok());
  EXPECT_EQ(set.revents(ready.read_end()) & POLLIN, POLLIN);
  EXPECT_EQ(set.revents(quiet.read_end()), 0);
  EXPECT_EQ(set.revents(12345), 0);  // never watched
}

TEST(PollSetTest, WakesByTheEarliestDeadline) {
  Pipe quiet;
  const SteadyTime now = std::chrono::steady_clock::now();
  PollSet set(now);
  set.Watch(quiet.read_end(), POLLIN);
  set.WakeBy(now + std::chrono::seconds(30));
  set.WakeBy(now + milliseconds(5));
  set.WakeBy(std::nullopt);
  ASSERT_TRUE(set.Wait().ok());
  const auto waited = std::chrono::steady_clock::now() - now;
  EXPECT_GE(waited, milliseconds(5));
  EXPECT_LT(waited, std::chrono::seconds(30));
}

TEST(PollSetTest, ADeadlineAlreadyPastDoesNotWait) {
  Pipe quiet;
  const SteadyTime now = std::chrono::steady_clock::now();
  PollSet set(now);
  set.Watch(quiet.read_end(), POLLIN);
  set.WakeBy(SteadyTime{});
  ASSERT_TRUE(set.Wait().ok());
  EXPECT_EQ(set.revents(quiet.read_end()), 0);
}

TEST(SignalSourceTest, ABlockedSignalIsHandledInTheLoop) {
  std::vector<int> handled;
  auto signals = SignalSource::Block({SIGUSR1}, [&](int signal) { handled.push_back(signal); });
  ASSERT_TRUE(signals.ok()) << signals.status().message();
  ASSERT_EQ(kill(getpid(), SIGUSR1), 0);  // blocked: pending, not fatal
  PollSet set(std::chrono::steady_clock::now());
  (*signals)->Arm(set);
  set.WakeBy(std::chrono::steady_clock::now() + std::chrono::seconds(5));
  ASSERT_TRUE(set.Wait().ok());
  (*signals)->Dispatch(set, std::chrono::steady_clock::now());
  EXPECT_EQ(handled, std::vector<int>{SIGUSR1});
}

}  // namespace
}  // namespace vigil
