// The control socket: request and response codecs, a real server on a temporary socket answering
// well-formed, malformed, oversized and stalled clients; the status document and its crm_mon
// layout.
#include "cluster/control/control.h"

#include <grp.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <cstring>
#include <filesystem>
#include <thread>

#include "cluster/control/cluster_status.h"
#include "cluster/control/crm_mon_output.h"

namespace vigil::control {
namespace {

TEST(ControlCodecTest, RequestsRoundTrip) {
  const Request r{"configure", {"primitive", "", "ip ocf:heartbeat:IPaddr\nparams ip=10.0.0.1"}};
  auto back = DecodeRequest(EncodeRequest(r));
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_EQ(back->command, r.command);
  EXPECT_EQ(back->args, r.args);
}

TEST(ControlCodecTest, MalformedRequestsAreRefusedWithTheReason) {
  EXPECT_NE(DecodeRequest("").status().message().find("NUL"), std::string::npos);
  EXPECT_NE(DecodeRequest("status").status().message().find("NUL"), std::string::npos);
  EXPECT_NE(DecodeRequest(std::string("\0", 1)).status().message().find("command is empty"), std::string::npos);
  std::string many = std::string("x") + '\0';
  for (size_t i = 0; i <= kMaxArguments; ++i) many += std::string("a") + '\0';
  EXPECT_NE(DecodeRequest(many).status().message().find("more than"), std::string::npos);
}

TEST(ControlCodecTest, Responses) {
  auto ok = DecodeResponse(EncodeResponse({true, "body\n"}));
  ASSERT_TRUE(ok.ok());
  EXPECT_TRUE(ok->ok);
  EXPECT_EQ(ok->body, "body\n");
  auto error = DecodeResponse(EncodeResponse(Response::Error("no such node")));
  ASSERT_TRUE(error.ok());
  EXPECT_FALSE(error->ok);
  EXPECT_EQ(error->body, "no such node");
  EXPECT_FALSE(DecodeResponse("maybe\n").ok());
}

TEST(ControlCodecTest, RunDirectoryFromFlagEnvironmentOrDefault) {
  ::unsetenv("VIGIL_RUN_DIR");
  EXPECT_EQ(RunDirectory(""), "/run/vigil");
  ::setenv("VIGIL_RUN_DIR", "/tmp/elsewhere", 1);
  EXPECT_EQ(RunDirectory(""), "/tmp/elsewhere");
  EXPECT_EQ(RunDirectory("/x"), "/x");
  ::unsetenv("VIGIL_RUN_DIR");
  EXPECT_EQ(SocketPath("/run/vigil"), "/run/vigil/vigild.sock");
}

// A server on its own thread, answering "echo ARGS..." and refusing the rest.
class ServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("vigil-control-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
    path_ = dir_ / kSocketName;
    auto server = Server::Listen(path_, [](const Request& r, const Peer& peer) {
      if (r.command != "echo") return Response::Error("unknown command '" + r.command + "'");
      std::string body = "pid " + std::to_string(peer.pid);
      for (const auto& a : r.args) body += "|" + a;
      return Response{true, body};
    });
    ASSERT_TRUE(server.ok()) << server.status().message();
    server_ = std::move(*server);
    thread_ = std::thread([this] {
      while (!stop_) {
        // As vigild's loop does: poll what the server asks for, then let it act.
        PollSet set(std::chrono::steady_clock::now());
        server_->Arm(set);
        set.WakeBy(std::chrono::steady_clock::now() + std::chrono::milliseconds(2));
        (void)set.Wait();
        server_->Dispatch(set, std::chrono::steady_clock::now());
      }
    });
  }
  void TearDown() override {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
    server_.reset();
    std::filesystem::remove_all(dir_);
  }

  // A raw connection, for what a well-behaved client never sends.
  int Connect() {
    const int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un a{};
    a.sun_family = AF_UNIX;
    std::strcpy(a.sun_path, path_.c_str());
    EXPECT_EQ(connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
    return fd;
  }
  std::string ReadAll(int fd) {
    std::string in;
    char b[4096];
    ssize_t n;
    while ((n = read(fd, b, sizeof b)) > 0) in.append(b, static_cast<size_t>(n));
    close(fd);
    return in.size() >= 4 ? in.substr(4) : in;
  }

  std::filesystem::path dir_;
  std::filesystem::path path_;
  std::unique_ptr<Server> server_;
  std::thread thread_;
  std::atomic<bool> stop_{false};
};

TEST_F(ServerTest, AnswersARequestWithThePeersCredentials) {
  auto r = Call(path_, {"echo", {"a", "b c"}});
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_TRUE(r->ok);
  EXPECT_EQ(r->body, "pid " + std::to_string(::getpid()) + "|a|b c");
}

TEST_F(ServerTest, TheSocketIsNotForOthers) {
  struct stat st{};
  ASSERT_EQ(stat(path_.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0660u);
  // Group haclient, where Pacemaker's packages made one (CI installs them).
  if (const group* g = getgrnam(kClientGroup)) {
    EXPECT_EQ(st.st_gid, g->gr_gid);
  }
}

TEST_F(ServerTest, TheHandlersErrorReachesTheClient) {
  auto r = Call(path_, {"frobnicate", {}});
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->ok);
  EXPECT_EQ(r->body, "unknown command 'frobnicate'");
}

TEST_F(ServerTest, MalformedFramesGetAnErrorNotACrash) {
  int fd = Connect();
  const std::string garbage = Frame("status");  // no NUL
  ASSERT_EQ(write(fd, garbage.data(), garbage.size()), static_cast<ssize_t>(garbage.size()));
  EXPECT_EQ(ReadAll(fd), "error\nmalformed request: it must end with a NUL byte");

  fd = Connect();
  const std::string huge("\xff\xff\xff\xff", 4);
  ASSERT_EQ(write(fd, huge.data(), huge.size()), 4);
  EXPECT_NE(ReadAll(fd).find("request too long"), std::string::npos);

  fd = Connect();
  const std::string two = Frame(std::string("echo\0", 5)) + "more";
  ASSERT_EQ(write(fd, two.data(), two.size()), static_cast<ssize_t>(two.size()));
  EXPECT_NE(ReadAll(fd).find("bytes after the frame"), std::string::npos);

  // And the server still serves.
  auto r = Call(path_, {"echo", {}});
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->ok);
}

TEST_F(ServerTest, AStalledClientIsDroppedAndOthersAreServed) {
  const int stalled = Connect();
  const std::string half = Frame(std::string("echo\0", 5)).substr(0, 6);
  ASSERT_EQ(write(stalled, half.data(), half.size()), 6);
  auto r = Call(path_, {"echo", {"x"}});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->body, "pid " + std::to_string(::getpid()) + "|x");
  // Closed by the server after kClientTimeout: the read ends instead of waiting forever.
  EXPECT_EQ(ReadAll(stalled), "");
}

// A client that is neither root nor in haclient, for real: a child process that becomes nobody
// (65534, no supplementary groups) and asks; the server is served on this thread meanwhile (no
// other thread runs while it forks). Returns what the child saw, as "ok:BODY", "error:BODY" or
// "failed:MESSAGE".
std::string AskAsNobody(Server& server, const std::filesystem::path& path) {
  int pipe_fds[2];
  EXPECT_EQ(pipe(pipe_fds), 0);
  const pid_t child = fork();
  if (child == 0) {
    close(pipe_fds[0]);
    std::string seen = "failed:cannot become nobody";
    if (setgroups(0, nullptr) == 0 && setgid(65534) == 0 && setuid(65534) == 0) {
      auto r = Call(path, {"echo", {"x"}}, std::chrono::seconds(5));
      seen = !r.ok() ? "failed:" + r.status().message() : (r->ok ? "ok:" : "error:") + r->body;
    }
    (void)!write(pipe_fds[1], seen.data(), seen.size());
    _exit(0);
  }
  close(pipe_fds[1]);
  int status = 0;
  while (waitpid(child, &status, WNOHANG) == 0) {
    PollSet set(std::chrono::steady_clock::now());
    server.Arm(set);
    set.WakeBy(std::chrono::steady_clock::now() + std::chrono::milliseconds(2));
    (void)set.Wait();
    server.Dispatch(set, std::chrono::steady_clock::now());
  }
  std::string seen;
  char b[512];
  ssize_t n;
  while ((n = read(pipe_fds[0], b, sizeof b)) > 0) seen.append(b, static_cast<size_t>(n));
  close(pipe_fds[0]);
  return seen;
}

TEST(ControlPeerTest, AUserOutsideHaclientIsRefused) {
  ASSERT_EQ(geteuid(), 0u) << "needs root to become another user (CI runs as root)";
  const auto dir = std::filesystem::temp_directory_path() / ("vigil-nobody-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::filesystem::permissions(dir, std::filesystem::perms(0755));  // nobody may reach the socket
  const auto path = dir / kSocketName;
  auto server = Server::Listen(path, [](const Request&, const Peer&) { return Response{true, "served"}; });
  ASSERT_TRUE(server.ok()) << server.status().message();
  // The socket's mode (0660, root and haclient) keeps nobody out...
  std::string seen = AskAsNobody(**server, path);
  EXPECT_EQ(seen.rfind("failed:", 0), 0u) << seen;
  EXPECT_NE(seen.find("Permission denied"), std::string::npos) << seen;
  // ...and were the mode wrong, the peer's credentials do.
  ASSERT_EQ(chmod(path.c_str(), 0666), 0);
  seen = AskAsNobody(**server, path);
  EXPECT_EQ(seen, "error:permission denied: uid 65534 is neither root nor in group haclient");
  server->reset();
  std::filesystem::remove_all(dir);
}

TEST(ControlClientTest, NoDaemonSaysWhereItLooked) {
  auto r = Call("/nonexistent/vigild.sock", {"status", {}});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("cannot reach vigild at /nonexistent/vigild.sock"), std::string::npos);
}

TEST(PeerTest, RootTheDaemonsUserAndTheGroupAreAllowed) {
  EXPECT_TRUE(Allowed({1, 0, 0, {}}, 1000, std::nullopt));
  EXPECT_TRUE(Allowed({1, 1000, 1000, {}}, 1000, std::nullopt));
  EXPECT_FALSE(Allowed({1, 54321, 54321, {}}, 1000, std::nullopt));
  // haclient (here id 105) as the primary group or among the supplementary ones.
  EXPECT_TRUE(Allowed({1, 54321, 105, {}}, 1000, 105));
  EXPECT_TRUE(Allowed({1, 54321, 54321, {20, 105}}, 1000, 105));
  EXPECT_FALSE(Allowed({1, 54321, 54321, {20, 24}}, 1000, 105));
}

TEST_F(ServerTest, AClientThatShutsItsSideAfterTheRequestIsStillAnswered) {
  const int fd = Connect();
  const std::string request = Frame(EncodeRequest({"echo", {"half"}}));
  ASSERT_EQ(write(fd, request.data(), request.size()), static_cast<ssize_t>(request.size()));
  ASSERT_EQ(shutdown(fd, SHUT_WR), 0);
  EXPECT_EQ(ReadAll(fd), "ok\npid " + std::to_string(::getpid()) + "|half");
}

ClusterStatus Sample() {
  ClusterStatus s;
  s.cluster_name = "tutorial";
  s.version = "0.1.0";
  s.self = "node2";
  s.dc = "node1";
  s.dc_id = 1;
  s.term = 4;
  s.quorate = true;
  s.votes = 2;
  s.expected_votes = 3;
  s.quorum = 2;
  s.nodes = {{1, "node1", true}, {2, "node2", true}, {3, "node3", false}};
  s.counters = {{"sent", 10}, {"dropped bad-mac", 2}};
  s.now = std::chrono::system_clock::time_point(std::chrono::seconds(1700000000));
  return s;
}

ClusterStatus WithResources() {
  ClusterStatus s = Sample();
  s.nodes[1].standby = true;
  s.resources_known = true;
  ResourceStatus ip{"ip", "ocf:heartbeat:IPaddr", {"node1"}};
  ResourceStatus db{"db", "ocf:heartbeat:Dummy", {}};
  db.disabled = true;
  ResourceStatus web{"web", "ocf:heartbeat:Dummy", {"node1"}};
  web.failed = true;
  web.managed = false;
  ResourceStatus twice{"twice", "ocf:heartbeat:Dummy", {"node1", "node2"}};
  twice.blocked = true;
  s.resources = {ip, db, web, twice};
  s.failed_actions = {{"web", "monitor", 10000, "node1", 7, 0, "pid file gone", 1700000000, 12},
                      {"db", "start", 0, "node2", 1, 2, "", 1700000000, 3}};
  return s;
}

// node3 lost while up and not fenced yet; a fence of it failed, another is under way, and node4
// was fenced before.
ClusterStatus WithFencing() {
  ClusterStatus s = Sample();
  s.nodes[2].unclean = true;
  s.fencing = {{"node4", "reboot", "successful", "node2", "vigild", "node1", "f4", "", 1700000000},
               {"node3", "reboot", "failed", "node2", "vigild", "node1", "", "f3: BMC unreachable", 1700000060},
               {"node3", "off", "pending", "", "crm (uid 0 (pid 7))", "node1", "", "", 1700000070}};
  return s;
}

TEST(ClusterStatusTest, UncleanNodesAndFencingInCrmMonsWords) {
  ::setenv("TZ", "UTC", 1);
  ::tzset();
  const std::string text = FormatStatus(WithFencing(), false);
  EXPECT_NE(text.find("  * Node node3: UNCLEAN (offline)\n"), std::string::npos) << text;
  EXPECT_EQ(text.find("OFFLINE"), std::string::npos) << text;
  const std::string expected_tail =
      "\nFailed Fencing Actions:\n"
      "  * reboot of node3 by node2 for vigild@node1 last failed (f3: BMC unreachable) at 2023-11-14 22:14:20Z\n"
      "\nPending Fencing Actions:\n"
      "  * off of node3 for crm (uid 0 (pid 7))@node1 last pending\n";
  ASSERT_GE(text.size(), expected_tail.size());
  EXPECT_EQ(text.substr(text.size() - expected_tail.size()), expected_tail) << text;
  // The whole history when verbose; a failure that a later success made good says so.
  ClusterStatus mended = WithFencing();
  mended.fencing.push_back({"node3", "reboot", "successful", "node1", "vigild", "node1", "f3b", "", 1700000080});
  const std::string verbose = FormatStatus(mended, true);
  EXPECT_NE(verbose.find("  * reboot of node3 by node2 for vigild@node1 last failed (f3: BMC unreachable) at 2023-11-14 "
                         "22:14:20Z (a later attempt from node1 succeeded)\n"),
            std::string::npos)
      << verbose;
  EXPECT_NE(verbose.find("Fencing History:\n  * reboot of node4 by node2 for vigild@node1 successful at 2023-11-14 22:13:20Z\n"),
            std::string::npos)
      << verbose;
  // crm_mon's XML: the node unclean, and its fence_history.
  const std::string xml = CrmMonXml(WithFencing(), "crm status xml");
  EXPECT_NE(xml.find("unclean=\"true\""), std::string::npos) << xml;
  EXPECT_NE(xml.find("<fence_event action=\"reboot\" target=\"node3\" client=\"vigild\" origin=\"node1\" status=\"failed\" "
                     "exit-reason=\"f3: BMC unreachable\" delegate=\"node2\" completed=\"2023-11-14 22:14:20Z\" />"),
            std::string::npos)
      << xml;
  EXPECT_NE(xml.find("<fence_event action=\"off\" target=\"node3\" client=\"crm (uid 0 (pid 7))\" origin=\"node1\" "
                     "status=\"pending\" />"),
            std::string::npos)
      << xml;
  EXPECT_NE(xml.find("status=\"success\" delegate=\"node2\""), std::string::npos) << xml;
  ::setenv("TZ", "ABC-1", 1);  // POSIX: one hour east of UTC, no tzdata needed
  ::tzset();
  EXPECT_EQ(FenceTime(1700000000), "2023-11-14 23:13:20 +01:00");
  ::setenv("TZ", "UTC", 1);
  ::tzset();
}

TEST(ClusterStatusTest, IntervalsReadAsPacemakersDo) {
  EXPECT_EQ(ReadableInterval(0), "0s");
  EXPECT_EQ(ReadableInterval(500), "500ms");
  EXPECT_EQ(ReadableInterval(1000), "1000ms");
  EXPECT_EQ(ReadableInterval(1500), "1.500s");
  EXPECT_EQ(ReadableInterval(10000), "10s");
  EXPECT_EQ(ReadableInterval(60000), "60s");
  EXPECT_EQ(ReadableInterval(90000), "1m30s");
  EXPECT_EQ(ReadableInterval(3600000 + 60000 + 1), "1h1m1ms");
  EXPECT_EQ(ReadableInterval(2 * 86400000LL + 5000), "2d5s");
}

TEST(ClusterStatusTest, XmlRoundTrip) {
  ClusterStatus stamped = Sample();
  stamped.last_change = {"Tue Nov 14 22:13:19 2023", "root", "crm_attribute", "node2"};
  for (const ClusterStatus& s : {Sample(), WithResources(), WithFencing(), stamped}) {
    auto back = FromXml(ToXml(s));
    ASSERT_TRUE(back.ok()) << back.status().message();
    EXPECT_EQ(*back, s);
  }
}

TEST(ClusterStatusTest, ResourcesStandbyAndFailedActionsInCrmMonsWords) {
  ::setenv("TZ", "UTC", 1);
  const std::string text = FormatStatus(WithResources(), false);
  const std::string expected_tail =
      "  * 4 resource instances configured\n"
      "\n"
      "Node List:\n"
      "  * Node node2: standby\n"
      "  * Online: [ node1 ]\n"
      "  * OFFLINE: [ node3 ]\n"
      "\n"
      "Full List of Resources:\n"
      "  * ip\t(ocf:heartbeat:IPaddr):\t Started node1\n"
      "  * db\t(ocf:heartbeat:Dummy):\t Stopped (disabled)\n"
      "  * web\t(ocf:heartbeat:Dummy):\t FAILED node1 (unmanaged)\n"
      "  * twice\t(ocf:heartbeat:Dummy):\t Started (blocked) [ node1 node2 ]\n"
      "\n"
      "Failed Resource Actions:\n"
      "  * web 10s-interval monitor on node1 returned 'not running' (pid file gone) at Tue Nov 14 22:13:20 2023\n"
      "  * db start on node2 could not be executed (Timed Out) at Tue Nov 14 22:13:20 2023\n";
  ASSERT_GE(text.size(), expected_tail.size());
  EXPECT_EQ(text.substr(text.size() - expected_tail.size()), expected_tail) << text;
  // Verbose: crm_mon --show-detail's words.
  const std::string verbose = FormatStatus(WithResources(), true);
  EXPECT_NE(verbose.find("  * web_monitor_10000 on node1 'not running' (7): call=12, status='complete', "
                         "exitreason='pid file gone', last-rc-change='Tue Nov 14 22:13:20 2023'\n"),
            std::string::npos)
      << verbose;
  ClusterStatus unknown = WithResources();
  unknown.resources_known = false;
  EXPECT_NE(FormatStatus(unknown, false).find("  * ip\t(ocf:heartbeat:IPaddr):\t unknown (no DC)\n"), std::string::npos);
  // A start in flight reads as crm_mon writes it, and survives the trip through the XML.
  ClusterStatus starting = WithResources();
  starting.resources.front().pending = "Starting";
  EXPECT_NE(FormatStatus(starting, false).find("  * ip\t(ocf:heartbeat:IPaddr):\t Starting node1\n"), std::string::npos);
  auto back = FromXml(ToXml(starting));
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_EQ(back->resources.front().pending, "Starting");
}

// An agent's exit reason cut inside a UTF-8 character (or in Latin-1): the JSON still comes out,
// with the bad bytes replaced, and the XML keeps them as they are.
TEST(ClusterStatusTest, JsonOfAReasonThatIsNotUtf8IsStillWritten) {
  ClusterStatus s;
  s.failed_actions = {{"d", "monitor", 10000, "n1", 1, 0, "caf\xc3", 1700000000, 3}};
  std::string json;
  ASSERT_NO_THROW(json = CrmMonJson(s, "crm status json"));
  EXPECT_NE(json.find("\"exitreason\": \"caf\xef\xbf\xbd\""), std::string::npos) << json;
  EXPECT_NE(CrmMonXml(s, "crm status xml").find("exitreason=\"caf"), std::string::npos);
}

TEST(ClusterStatusTest, MalformedDocumentsAreNamed) {
  EXPECT_NE(FromXml("<vigil-status").status().message().find("status: offset"), std::string::npos);
  EXPECT_NE(FromXml("<other/>").status().message().find("no <vigil-status>"), std::string::npos);
  std::string xml = ToXml(Sample());
  xml.replace(xml.find("quorate=\"true\""), 14, "quorate=\"yes\"");
  EXPECT_NE(FromXml(xml).status().message().find("<quorum>"), std::string::npos);
  xml = ToXml(WithResources());
  xml.replace(xml.find("disabled=\"true\""), 15, "disabled=\"1\"");
  EXPECT_NE(FromXml(xml).status().message().find("<resource>"), std::string::npos);
  xml = ToXml(WithResources());
  xml.replace(xml.find("call-id=\"12\""), 12, "call-id=\"x\"");
  EXPECT_NE(FromXml(xml).status().message().find("<failed-action>"), std::string::npos);
}

// A promotable clone: "(promotable)" in its heading; anonymous instances summed up by role
// (Promoted, then Unpromoted), a failed one on its own line, the nodes running none as Stopped;
// a unique one instance by instance with its role ("FAILED Promoted" when it failed promoted).
// Roles and promotable survive the trip through vigild's XML, and crm_mon's XML carries them.
ClusterStatus WithPromotable() {
  ClusterStatus s = Sample();
  s.nodes[2].online = true;
  s.resources_known = true;
  auto instance = [](std::string id, std::string clone, std::vector<std::string> nodes, std::string role) {
    ResourceStatus r{std::move(id), "ocf:pacemaker:Stateful", std::move(nodes)};
    r.clone = std::move(clone);
    r.cloned = r.clone == "p" ? "d" : "u";
    r.unique = r.clone == "q";
    r.promotable = true;
    r.role = std::move(role);
    return r;
  };
  ResourceStatus failed = instance("d:2", "p", {"node3"}, "Unpromoted");
  failed.failed = true;
  ResourceStatus failed_promoted = instance("u:0", "q", {"node2"}, "Promoted");
  failed_promoted.failed = true;
  s.resources = {instance("d:0", "p", {"node2"}, "Unpromoted"), instance("d:1", "p", {"node1"}, "Promoted"), failed,
                 failed_promoted, instance("u:1", "q", {"node1"}, "Unpromoted"), instance("u:2", "q", {}, "")};
  return s;
}

TEST(ClusterStatusTest, PromotableClonesAreSummedUpByRole) {
  const ClusterStatus s = WithPromotable();
  const std::string text = FormatStatus(s, false);
  EXPECT_NE(text.find("Full List of Resources:\n"
                      "  * Clone Set: p [d] (promotable):\n"
                      "    * d\t(ocf:pacemaker:Stateful):\t FAILED node3\n"
                      "    * Promoted: [ node1 ]\n"
                      "    * Unpromoted: [ node2 ]\n"
                      "  * Clone Set: q [u] (promotable, unique):\n"
                      "    * u:0\t(ocf:pacemaker:Stateful):\t FAILED Promoted node2\n"
                      "    * u:1\t(ocf:pacemaker:Stateful):\t Unpromoted node1\n"
                      "    * u:2\t(ocf:pacemaker:Stateful):\t Stopped\n"),
            std::string::npos)
      << text;
  auto back = FromXml(ToXml(s));
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_EQ(*back, s);
  const std::string xml = CrmMonXml(s, "crm status xml");
  EXPECT_NE(xml.find("<clone id=\"p\" multi_state=\"true\" unique=\"false\""), std::string::npos) << xml;
  EXPECT_NE(xml.find("<resource id=\"d\" resource_agent=\"ocf:pacemaker:Stateful\" role=\"Promoted\""), std::string::npos)
      << xml;
  std::string bad = ToXml(s);
  bad.replace(bad.find("role=\"Promoted\""), 15, "role=\"Master\"");
  EXPECT_NE(FromXml(bad).status().message().find("neither Promoted nor Unpromoted"), std::string::npos);
}

// A disabled clone's nodes that run none are "Stopped (disabled)", as crm_mon says.
TEST(ClusterStatusTest, ADisabledClonesStoppedNodesSaySo) {
  ClusterStatus s = Sample();
  s.resources_known = true;
  ResourceStatus d{"d:0", "ocf:heartbeat:Dummy", {}};
  d.clone = "c";
  d.cloned = "d";
  d.disabled = true;
  s.resources = {d};
  const std::string text = FormatStatus(s, false);
  EXPECT_NE(text.find("  * Clone Set: c [d] (disabled):\n    * Stopped (disabled): [ node1 node2 node3 ]\n"),
            std::string::npos)
      << text;
}

TEST(ClusterStatusTest, CrmMonLayout) {
  ::setenv("TZ", "UTC", 1);
  ClusterStatus sample = Sample();
  sample.last_change = {"Tue Nov 14 22:13:19 2023", "root", "cibadmin", "node1"};
  const std::string text = FormatStatus(sample, false);
  EXPECT_EQ(text,
            "Cluster Summary:\n"
            "  * Stack: vigil\n"
            "  * Current DC: node1 (version 0.1.0) - partition with quorum\n"
            "  * Last updated: Tue Nov 14 22:13:20 2023 on node2\n"
            "  * Last change:  Tue Nov 14 22:13:19 2023 by root via cibadmin on node1\n"
            "  * 3 nodes configured\n"
            "  * 0 resource instances configured\n"
            "\n"
            "Node List:\n"
            "  * Online: [ node1 node2 ]\n"
            "  * OFFLINE: [ node3 ]\n"
            "\n"
            "Full List of Resources:\n"
            "  * No resources\n");
  // Without user (as Pacemaker's own tools leave it) the "by" goes.
  sample.last_change.user.clear();
  EXPECT_NE(FormatStatus(sample, false).find("  * Last change:  Tue Nov 14 22:13:19 2023 via cibadmin on node1\n"),
            std::string::npos);
  ClusterStatus alone = Sample();
  alone.dc.clear();
  alone.dc_id = 0;
  alone.quorate = false;
  EXPECT_NE(FormatStatus(alone, false).find("  * Current DC: NONE\n"), std::string::npos);
  alone.dc = "node2";
  alone.dc_id = 2;
  EXPECT_NE(FormatStatus(alone, false).find("node2 (version 0.1.0) - partition WITHOUT quorum"), std::string::npos);
  const std::string verbose = FormatStatus(Sample(), true);
  EXPECT_NE(verbose.find("  * Votes: 2 of 3 expected, 2 needed\n"), std::string::npos);
  EXPECT_NE(verbose.find("  * dropped bad-mac: 2\n"), std::string::npos);
}

}  // namespace
}  // namespace vigil::control
