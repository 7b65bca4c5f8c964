// `vigil demo`, the README's main job, run as a newcomer runs it: the whole tutorial to the end,
// and a run interrupted with Ctrl-C (SIGINT) halfway. Either way nothing it made is left: no
// namespace, no process in them, no work directory. Needs root (namespaces, MariaDB); run by CI.
#include <gtest/gtest.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <sstream>
#include <string>

#include "lab/run.h"
#include "tests/support/vigild_process.h"

namespace vigil::lab {
namespace {

// The demo's namespaces are named vigil-demo<pid>-...; its work directory is /tmp/vigil-demo.*.
std::vector<std::string> Leftovers(pid_t pid) {
  std::vector<std::string> left;
  std::istringstream names(Run({"ip", "netns", "list"}).out);
  for (std::string line; std::getline(names, line);) {
    if (line.rfind("vigil-demo" + std::to_string(pid) + "-", 0) == 0) left.push_back("namespace " + line);
  }
  return left;
}

// The work directory the demo names in its first lines.
std::string WorkDirectory(const std::string& out) {
  const std::string mark = "files under ";
  const size_t at = out.find(mark);
  if (at == std::string::npos) return "";
  return out.substr(at + mark.size(), out.find(';', at) - at - mark.size());
}

class DemoTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(::geteuid(), 0u) << "vigil demo needs root (namespaces, MariaDB); CI runs as root";
    char dir[] = "/tmp/vigil-demo-test.XXXXXX";
    ASSERT_NE(::mkdtemp(dir), nullptr);
    dir_ = dir;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // Starts `vigil demo`, its output in dir_/out.
  pid_t Start() {
    const pid_t pid = ::fork();
    if (pid == 0) {
      ::freopen((dir_ / "out").c_str(), "w", stdout);
      ::dup2(STDOUT_FILENO, STDERR_FILENO);
      ::execl(VIGIL_BINARY, VIGIL_BINARY, "demo", static_cast<char*>(nullptr));
      ::_exit(127);
    }
    return pid;
  }
  // Nothing the run made is left: no namespace of its, no work directory.
  void ExpectNothingLeft(pid_t pid, const std::string& out) {
    EXPECT_EQ(Leftovers(pid), std::vector<std::string>{});
    const std::string work = WorkDirectory(out);
    ASSERT_FALSE(work.empty()) << out;
    EXPECT_FALSE(std::filesystem::exists(work)) << work;
  }
  int Wait(pid_t pid) {
    int status = 0;
    ::waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

  std::filesystem::path dir_;
};

TEST_F(DemoTest, RunsTheTutorialToTheEndAndLeavesNothing) {
  const pid_t pid = Start();
  const int code = Wait(pid);
  const std::string out = testing::ReadFile(dir_ / "out");
  ASSERT_EQ(code, 0) << out;
  // The client reached a node's database through the floating IP after standby, after the
  // colocation, and after the owner was switched off.
  size_t answers = 0;
  for (size_t at = out.find("\n    node"); at != std::string::npos; at = out.find("\n    node", at + 1)) {
    if (out.compare(at + 5, 6, "node1\n") == 0 || out.compare(at + 5, 6, "node2\n") == 0) ++answers;
  }
  EXPECT_GE(answers, 3u) << out;
  EXPECT_NE(out.find("the floating IP answers ARP from node"), std::string::npos) << out;
  // The frozen owner was fenced through its BMC before the survivor took over, and stays out.
  EXPECT_NE(out.find("OFFLINE: [ node"), std::string::npos) << out;
  EXPECT_NE(out.find("# stonith_admin --history node"), std::string::npos) << out;
  EXPECT_NE(out.find(" successful: delegate=node"), std::string::npos) << out;
  ExpectNothingLeft(pid, out);
}

TEST_F(DemoTest, CtrlCHalfwayStopsEverythingAndLeavesNothing) {
  const pid_t pid = Start();
  // Once MySQL is being configured: both vigild, MariaDB's files and the floating IP are up.
  ASSERT_TRUE(testing::WaitFor([&] { return testing::ReadFile(dir_ / "out").find("Step 17") != std::string::npos; },
                               std::chrono::seconds(60)))
      << testing::ReadFile(dir_ / "out");
  ::kill(pid, SIGINT);
  const int code = Wait(pid);
  const std::string out = testing::ReadFile(dir_ / "out");
  EXPECT_EQ(code, 1) << out;
  EXPECT_NE(out.find("vigil demo: interrupted"), std::string::npos) << out;
  EXPECT_NE(out.find("removing the namespaces"), std::string::npos) << out;
  ExpectNothingLeft(pid, out);
}

}  // namespace
}  // namespace vigil::lab
