// The watchdog vigild feeds for self-fencing, against a FIFO standing for the device (as in the
// lab), and the check a configuration change gets on the node that takes it.
#include "cluster/daemon/watchdog.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <fstream>

#include "tests/support/files.h"

namespace vigil::daemon {
namespace {

// What the device has been written so far.
std::string Drain(int fd) {
  std::string out;
  char buf[256];
  for (ssize_t n; (n = read(fd, buf, sizeof buf)) > 0;) out.append(buf, static_cast<size_t>(n));
  return out;
}

TEST(WatchdogTest, ArmsWithItsTimeoutFeedsWhenDueAndDisarmsWithTheMagicClose) {
  testing::TempDir dir;
  const std::string fifo = dir / "watchdog";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  Watchdog w(fifo);
  const SteadyTime t0{};
  // No reader: the device is not there to arm, and nothing blocks.
  const Status absent = w.Arm(5, t0);
  EXPECT_FALSE(absent.ok());
  EXPECT_NE(absent.message().find("cannot open the watchdog device " + fifo), std::string::npos) << absent.message();
  EXPECT_FALSE(w.armed());
  const int reader = open(fifo.c_str(), O_RDONLY | O_NONBLOCK);
  ASSERT_GE(reader, 0);
  ASSERT_TRUE(w.Arm(5, t0).ok());
  EXPECT_TRUE(w.armed());
  EXPECT_EQ(w.timeout_s(), 5);
  EXPECT_EQ(Drain(reader), "timeout 5\nk");
  // Fed a quarter of its timeout after the last feed, at most a second after.
  EXPECT_EQ(w.next_feed(), t0 + std::chrono::milliseconds(1000));
  ASSERT_TRUE(w.Feed(t0 + std::chrono::milliseconds(999)).ok());
  EXPECT_EQ(Drain(reader), "");
  ASSERT_TRUE(w.Feed(t0 + std::chrono::milliseconds(1000)).ok());
  EXPECT_EQ(Drain(reader), "k");
  ASSERT_TRUE(w.Arm(2, t0 + std::chrono::seconds(2)).ok());  // a new timeout: disarmed, armed again
  EXPECT_EQ(Drain(reader), "Vtimeout 2\nk");
  EXPECT_EQ(w.next_feed(), t0 + std::chrono::seconds(2) + std::chrono::milliseconds(500));
  w.Disarm();
  EXPECT_FALSE(w.armed());
  EXPECT_EQ(w.timeout_s(), 0);
  EXPECT_EQ(Drain(reader), "V");
  close(reader);
}

TEST(WatchdogTest, LeftWithoutDisarmingItStaysArmed) {
  testing::TempDir dir;
  const std::string fifo = dir / "watchdog";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  const int reader = open(fifo.c_str(), O_RDONLY | O_NONBLOCK);
  ASSERT_GE(reader, 0);
  {
    Watchdog w(fifo);
    ASSERT_TRUE(w.Arm(3, SteadyTime{}).ok());
  }
  // No magic 'V' before the close: a kernel watchdog would reset the machine.
  EXPECT_EQ(Drain(reader), "timeout 3\nk");
  close(reader);
}

TEST(WatchdogTest, ADeviceThatIsNoWatchdogOrIsMissingIsRefusedWithTheReason) {
  testing::TempDir dir;
  Watchdog missing(dir / "none");
  const Status m = missing.Arm(5, SteadyTime{});
  EXPECT_FALSE(m.ok());
  EXPECT_NE(m.message().find("watchdog device " + dir / "none"), std::string::npos) << m.message();
  std::ofstream(dir / "plain") << "";
  Watchdog plain(dir / "plain");
  const Status p = plain.Arm(5, SteadyTime{});
  EXPECT_FALSE(p.ok());
  EXPECT_NE(p.message().find("the watchdog device " + dir / "plain" + " refused a timeout of 5 s"), std::string::npos)
      << p.message();
  EXPECT_FALSE(plain.armed());
}

cib::Model ModelWith(const std::string& value) {
  const std::string nv = value.empty() ? "" : "<nvpair id=\"w\" name=\"stonith-watchdog-timeout\" value=\"" + value + "\"/>";
  auto cib = cib::Cib::Parse("<cib><configuration><crm_config><cluster_property_set id=\"o\">" + nv +
                                 "</cluster_property_set></crm_config></configuration></cib>",
                             "t.xml");
  EXPECT_TRUE(cib.ok()) << cib.status().message();
  return cib.ok() ? cib->model() : cib::Model{};
}

TEST(WatchdogTest, TurningWatchdogFencingOnNeedsADeviceHereAndMoreThanTwoNodes) {
  testing::TempDir dir;
  const std::string device = dir / "watchdog";
  const cib::Model off = ModelWith("");
  const cib::Model on = ModelWith("10");
  const Status none = CheckWatchdogFencing(off, on, device, false);
  EXPECT_EQ(none.code(), StatusCode::kUnsupported);
  EXPECT_EQ(none.message(), "stonith-watchdog-timeout=10 needs a watchdog device, and this node has none (" + device +
                                " is missing; the kernel's softdog module provides one)");
  std::ofstream(device) << "";
  EXPECT_TRUE(CheckWatchdogFencing(off, on, device, false).ok());
  const Status two = CheckWatchdogFencing(off, on, device, true);
  EXPECT_EQ(two.code(), StatusCode::kUnsupported);
  EXPECT_NE(two.message().find("stonith-watchdog-timeout=10 is refused in a two-node cluster"), std::string::npos);
  // Turning it off, or a change that leaves it as it was, is never refused.
  EXPECT_TRUE(CheckWatchdogFencing(on, off, dir / "none", true).ok());
  EXPECT_TRUE(CheckWatchdogFencing(on, ModelWith("10s"), dir / "none", true).ok());
  EXPECT_TRUE(CheckWatchdogFencing(on, ModelWith("-1"), dir / "none", false).ok());  // twice 5 s: the same
  EXPECT_FALSE(CheckWatchdogFencing(on, ModelWith("20"), dir / "none", false).ok());
}

}  // namespace
}  // namespace vigil::daemon
