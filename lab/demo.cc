#include "lab/demo.h"

#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <memory>
#include <sstream>
#include <thread>

#include "common/command_line.h"
#include "lab/tutorial_lab.h"

namespace vigil {
namespace {

using Clock = std::chrono::steady_clock;
using lab::TutorialLab;

constexpr const char* kAbout =
    "The tutorial on this machine, as root: two nodes (node1, node2) and a client in network\n"
    "namespaces of their own, on the tutorial's LAN 192.168.1.0/24; each node a vigild with the\n"
    "tutorial's corosync.conf and a private disk (its own /etc/corosync, /etc/mysql, /var/lib).\n"
    "Then, with crm as typed on the nodes: the properties, the floating IP 192.168.1.100, MySQL\n"
    "under mysqld_safe, standby and online, colocation, fencing through each node's simulated BMC\n"
    "(fence_ipmilan), and the node running them frozen whole until the other fences it. After each\n"
    "step: crm status, what the client sees through the floating IP, and the time taken.\n"
    "Everything is removed at the end, also after Ctrl-C. Nothing outside the namespaces it\n"
    "creates is changed.";

volatile sig_atomic_t g_interrupted = 0;

void OnSignal(int) { g_interrupted = 1; }

class Demo {
 public:
  explicit Demo(int token_ms) : token_ms_(token_ms), start_(Clock::now()) {}

  int Run() {
    char dir[] = "/tmp/vigil-demo.XXXXXX";
    if (::mkdtemp(dir) == nullptr) {
      std::perror("vigil demo: mkdtemp");
      return 1;
    }
    work_ = dir;
    const bool ok = Steps();
    Say("");
    Say(ok ? "== The end: stopping both vigild, removing the namespaces and " + work_.string()
           : "== Stopping both vigild, removing the namespaces and " + work_.string());
    lab_.reset();
    std::error_code ec;
    std::filesystem::remove_all(work_, ec);
    Say(ec ? "   could not remove " + work_.string() + ": " + ec.message() : "   done");
    return ok ? 0 : 1;
  }

 private:
  bool Steps() {
    Say("vigil demo: the tutorial's two nodes and a client, in network namespaces on this machine");
    Say("   LAN 192.168.1.0/24: node1 .101, node2 .102, client .10; the floating IP will be .100");
    Say("   files under " + work_.string() + "; each node sees its own /etc/corosync, /etc/mysql, /var/lib");
    Say("");
    Section("Setting up: namespaces, a bridge, and MariaDB on each node with a database named after it");
    lab::TutorialOptions o;
    o.prefix = "vigil-demo" + std::to_string(::getpid()) + "-";
    o.work = work_;
    o.token_ms = token_ms_;
    o.bmcs = true;
    o.vigild_at_boot = false;
    auto lab = TutorialLab::Create(o);
    if (!lab.ok()) return Fail(lab.status().message());
    lab_ = std::move(*lab);
    Took("set up");
    if (Interrupted()) return false;

    Section("Steps 3-10: the authkey, corosync.conf on both nodes, then vigild on both");
    Say("node1# vigil keygen -k /etc/corosync/authkey");
    Say("node1# scp /etc/corosync/authkey node2:/etc/corosync/");
    if (Status s = lab_->Install(); !s.ok()) return Fail(s.message());
    Say("node1# cat /etc/corosync/corosync.conf      (the same file on node2)");
    Indented(lab_->CorosyncConf());
    Say("node1# vigild          node2# vigild");
    Mark();
    for (int k = 1; k <= 2; ++k) {
      if (Status s = lab_->Start(k); !s.ok()) return Fail(s.message());
    }
    // Online, and the DC has written both into the configuration: it takes changes from then on.
    if (!WaitFor("both nodes online", [&] { return lab_->Formed(1) && lab_->Formed(2); })) return false;
    Took("both nodes online");

    Section("Step 12: crm status");
    CrmStatus(1);

    Section("Step 13: the properties, typed into crm's shell");
    if (!Typed(1, "configure\nproperty stonith-enabled=false\nproperty no-quorum-policy=ignore\ncommit\nquit\n")) {
      return false;
    }
    if (!OneShot(1, {"configure", "show"})) return false;

    Section("Step 14: the floating IP");
    Mark();
    if (!Typed(1, "configure\nprimitive ip ocf:heartbeat:IPaddr params ip=\"192.168.1.100\" op monitor "
                  "interval=10s\ncommit\nquit\n")) {
      return false;
    }
    if (!WaitFor("the floating IP to answer", [&] { return lab_->VipOwners().size() == 1; })) return false;
    Took("the floating IP answers ARP");
    CrmStatus(1);
    Client();

    Section("Step 17: MySQL under mysqld_safe (Debian's paths; the tutorial's were Slackware's)");
    Mark();
    if (!Typed(2, "configure\n" + TutorialLab::MysqlPrimitive() + "\ncommit\nquit\n")) return false;
    std::string mysql_at;
    if (!WaitFor("mysql to start", [&] { return !(mysql_at = lab_->Where(1, "mysql")).empty(); },
                 std::chrono::seconds(120))) {
      return false;
    }
    Took("mysql started on " + mysql_at);
    CrmStatus(1);
    Client();
    if (lab_->Where(1, "ip") != mysql_at) {
      Say("(ip and mysql run on different nodes: nothing ties them together yet; step 19 does)");
    }

    // Step 18: standby typed on the node that runs MySQL, as the tutorial does on node2.
    const int busy = mysql_at == "node1" ? 1 : 2;
    const int other = 3 - busy;
    Section("Step 18: " + TutorialLab::Name(busy) + " (where mysql runs) goes standby");
    Mark();
    if (!Typed(busy, "node\nstandby\nquit\n")) return false;
    if (!WaitFor("both resources on " + TutorialLab::Name(other), [&] {
          return Where("ip") == TutorialLab::Name(other) && Where("mysql") == TutorialLab::Name(other) &&
                 lab_->ClientQuery().out == TutorialLab::Name(other);
        }, std::chrono::seconds(120))) {
      return false;
    }
    Took("the client reaches " + TutorialLab::Name(other) + "'s database through the floating IP");
    CrmStatus(other);
    Client();

    Section("Step 18, continued: " + TutorialLab::Name(busy) + " back online");
    Mark();
    if (!Typed(busy, "node\nonline\nquit\n")) return false;
    if (!WaitFor(TutorialLab::Name(busy) + " online", [&] { return lab_->Formed(1); })) return false;
    Took(TutorialLab::Name(busy) + " online again (resources stay where they run: nothing prefers a node)");
    CrmStatus(busy);

    Section("Step 19: colocation: ip runs where mysql runs");
    Mark();
    if (!Typed(1, "configure\ncolocation ip-mysql inf: ip mysql\ncommit\nquit\n")) return false;
    std::string owner;
    if (!WaitFor("ip and mysql together", [&] {
          owner = Where("mysql");
          return !owner.empty() && Where("ip") == owner && lab_->ClientQuery().out == owner;
        }, std::chrono::seconds(120))) {
      return false;
    }
    Took("together on " + owner);
    CrmStatus(1);
    Client();

    Section("The tutorial's advice for production: fencing, through each node's BMC (fence_ipmilan)");
    Say("(each node has a simulated BMC, ipmi_sim, at 192.168.1.201 and .202: its power control");
    Say(" switches the node off and on; each device runs on the other node)");
    Mark();
    std::string fencing = "configure\n";
    for (int k = 1; k <= 2; ++k) {
      const std::string name = TutorialLab::Name(k);
      fencing += "primitive fence-" + name + " stonith:fence_ipmilan params ip=" + TutorialLab::BmcAddress(k) +
                 " username=" + lab::kBmcUser + " password=" + lab::kBmcPassword + " pcmk_host_list=" + name +
                 " op monitor interval=60s\n";
      fencing += "location fence-" + name + "-away fence-" + name + " -inf: " + name + "\n";
    }
    fencing += "property stonith-enabled=true\ncommit\nquit\n";
    if (!Typed(1, fencing)) return false;
    if (!WaitFor("both fence devices started", [&] {
          return Where("fence-node1") == "node2" && Where("fence-node2") == "node1";
        })) {
      return false;
    }
    Took("both fence devices started");
    CrmStatus(1);

    const int down = owner == "node1" ? 1 : 2;
    const int survivor = 3 - down;
    Section("Step 20: " + owner + " freezes: every process of it stopped (SIGSTOP), its links up");
    Say("(a hung kernel or a paused VM: nothing on it can stop what it runs, and its floating IP still");
    Say(" answers; the survivor fences it through its BMC, which switches it off and on again, before");
    Say(" it starts anything that ran there; no-quorum-policy=ignore lets it go on, as in the tutorial;");
    Say(" the rebooted node does not start vigild at boot: it stays out until someone starts it)");
    Mark();
    lab_->Freeze(down, true);
    if (!WaitFor("the floating IP on " + TutorialLab::Name(survivor), [&] {
          const auto owners = lab_->VipOwners(std::chrono::milliseconds(10));
          return owners.size() == 1 && owners[0] == survivor;
        }, std::chrono::seconds(60))) {
      return false;
    }
    Took("the floating IP answers ARP from " + TutorialLab::Name(survivor));
    current_ = survivor;
    if (!WaitFor("MySQL through the floating IP", [&] {
          return lab_->ClientQuery().out == TutorialLab::Name(survivor) && Where("mysql") == TutorialLab::Name(survivor);
        }, std::chrono::seconds(120))) {
      return false;
    }
    Took("the client reaches " + TutorialLab::Name(survivor) + "'s database through the floating IP, and mysql's start has finished");
    // (The BMC switched it off at once; fence_ipmilan answers once it is on again.)
    if (!WaitFor("the fencing of " + owner + " to be recorded", [&] {
          return lab_->RunOn(TutorialLab::Name(survivor), {lab_->StonithAdmin().string(), "--history", owner}).out.find(" successful: ") !=
                 std::string::npos;
        })) {
      return false;
    }
    Took(owner + "'s fencing recorded (it was switched off and on again)");
    CrmStatus(survivor);
    Client();
    if (!OneShotProgram(survivor, lab_->StonithAdmin(), {"--history", owner})) return false;
    return true;
  }

  // Output.
  void Say(const std::string& line) {
    std::printf("%s\n", line.c_str());
    std::fflush(stdout);
  }
  void Indented(const std::string& text) {
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) Say("    " + line);
  }
  void Section(const std::string& title) {
    const double at = std::chrono::duration<double>(Clock::now() - start_).count();
    char head[64];
    std::snprintf(head, sizeof head, "\n== [%6.1f s] ", at);
    Say(head + title);
  }
  void Mark() { mark_ = Clock::now(); }
  void Took(const std::string& what) {
    const double s = std::chrono::duration<double>(Clock::now() - mark_).count();
    char line[64];
    std::snprintf(line, sizeof line, "   -> %.2f s: ", s);
    Say(line + what);
  }
  bool Fail(const std::string& why) {
    Say("vigil demo: " + why);
    if (lab_) {
      for (int k = 1; k <= 2; ++k) {
        Say("--- the last lines of node" + std::to_string(k) + "'s vigild log");
        const std::string log = lab_->Log(k);
        size_t from = log.size();
        for (int lines = 0; lines < 15 && from > 0; ++lines) from = log.rfind('\n', from - 1);
        Say(log.substr(from == std::string::npos ? 0 : from + 1));
      }
    }
    return false;
  }
  bool Interrupted() {
    if (g_interrupted) Say("\nvigil demo: interrupted");
    return g_interrupted;
  }

  // Polls `done` every 20 ms; false (said) on time-out or Ctrl-C.
  bool WaitFor(const std::string& what, const std::function<bool()>& done,
               std::chrono::seconds limit = std::chrono::seconds(30)) {
    const auto end = Clock::now() + limit;
    while (Clock::now() < end) {
      if (Interrupted()) return false;
      if (done()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return Fail("waited " + std::to_string(limit.count()) + " s for " + what);
  }

  std::string Where(const std::string& resource) { return lab_->Where(current_, resource); }

  // crm typed interactively on a node, its output shown.
  bool Typed(int node, const std::string& input) {
    Say(TutorialLab::Name(node) + "# crm");
    Indented(input);
    const auto r = lab_->Crm(node, {}, input);
    if (!r.out.empty()) Indented(r.out);
    if (r.code != 0) return Fail("crm on " + TutorialLab::Name(node) + " exited with " + std::to_string(r.code));
    return true;
  }
  bool OneShot(int node, const std::vector<std::string>& args) {
    std::string line = TutorialLab::Name(node) + "# crm";
    for (const auto& a : args) line += " " + a;
    Say(line);
    const auto r = lab_->Crm(node, args);
    Indented(r.out);
    if (r.code != 0) return Fail("crm on " + TutorialLab::Name(node) + " exited with " + std::to_string(r.code));
    return true;
  }
  void CrmStatus(int node) { (void)OneShot(node, {"status"}); }
  // Another of the node's commands (stonith_admin), shown as typed by its name.
  bool OneShotProgram(int node, const std::filesystem::path& program, const std::vector<std::string>& args) {
    std::string line = TutorialLab::Name(node) + "# " + program.filename().string();
    for (const auto& a : args) line += " " + a;
    Say(line);
    std::vector<std::string> argv{program.string()};
    argv.insert(argv.end(), args.begin(), args.end());
    const auto r = lab_->RunOn(TutorialLab::Name(node), argv);
    Indented(r.out);
    if (r.code != 0) return Fail(program.filename().string() + " on " + TutorialLab::Name(node) + " exited with " + std::to_string(r.code));
    return true;
  }

  // What the client sees: who answers ARP for the floating IP, and which database answers there.
  void Client() {
    const auto owners = lab_->VipOwners(std::chrono::milliseconds(100));
    std::string arp;
    for (int owner : owners) {
      arp += (arp.empty() ? "" : ", ") + (owner == 0 ? std::string("a stranger") : lab_->Mac(owner) + " (" +
                                                                                     TutorialLab::Name(owner) + ")");
    }
    Say("client$ arping 192.168.1.100");
    Say("    " + (arp.empty() ? std::string("no answer") : "answered by " + arp));
    Say("client$ mysql -h 192.168.1.100 -u root -p -N -e \"SHOW DATABASES LIKE 'node%'\"");
    const auto q = lab_->ClientQuery();
    Say("    " + (q.code == 0 ? q.out : "failed: " + q.out));
  }

  int token_ms_;
  Clock::time_point start_;
  Clock::time_point mark_ = Clock::now();
  std::filesystem::path work_;
  std::unique_ptr<TutorialLab> lab_;
  int current_ = 1;  // the node whose crm is asked where resources run
};

}  // namespace

int DemoCommand(const std::vector<std::string>& args) {
  CLI::App app{kAbout, "vigil demo"};
  ShapeCommandLine(app);
  int token_ms = 0;
  app.add_option("--token", token_ms, "the corosync.conf's token in milliseconds (default: none, so Vigil's 1000 ms)")
      ->option_text("MS")
      ->check(CLI::Range(10, 600000));
  if (const int code = ParseCommandLine(app, args); code >= 0) return code;
  if (::geteuid() != 0) {
    std::fprintf(stderr, "vigil demo: needs root (it creates network and mount namespaces)\n");
    return 1;
  }
  struct sigaction sa{};
  sa.sa_handler = OnSignal;
  ::sigemptyset(&sa.sa_mask);
  for (int s : {SIGINT, SIGTERM, SIGHUP}) ::sigaction(s, &sa, nullptr);
  return Demo(token_ms).Run();
}

}  // namespace vigil
