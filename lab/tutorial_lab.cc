#include "lab/tutorial_lab.h"

#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <thread>

namespace vigil::lab {
namespace {

std::string MacOf(int link, int host) {
  link &= 0xff, host &= 0xff;
  char mac[32];
  std::snprintf(mac, sizeof mac, "02:00:00:00:%02x:%02x", link, host);
  return mac;
}

std::string Trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

// The my.cnf of every node: MariaDB listens on the node's addresses (the floating IP among
// them, once it is there) for the tutorial's client, and keeps temporary files on its own disk.
constexpr const char* kMyCnf =
    "[mysqld]\n"
    "bind-address = 0.0.0.0\n"
    "port = 3306\n"
    "skip-name-resolve\n"
    "tmpdir = /var/lib/mysql-tmp\n";

}  // namespace

Result<std::unique_ptr<TutorialLab>> TutorialLab::Create(TutorialOptions options) {
  std::unique_ptr<TutorialLab> lab(new TutorialLab(std::move(options)));
  if (Status s = lab->Build(); !s.ok()) return s;
  return lab;
}

TutorialLab::~TutorialLab() {
  // No power switched any more, then each vigild stops its resources as it exits; what is left
  // then goes with the network.
  panel_.reset();
  watchdogs_.reset();
  ipmi_sims_.clear();
  std::lock_guard<std::mutex> lock(vigild_mu_);
  for (size_t i = 0; i < vigild_.size(); ++i) {
    if (vigild_[i]) vigild_[i]->Stop(std::chrono::seconds(30));
  }
  vigild_.clear();
  probe_.reset();
  lan_.reset();
}

std::string TutorialLab::Mac(int node) const { return MacOf(1, node); }

Status TutorialLab::Build() {
  const TutorialOptions& o = options_;
  if (o.nodes < 1 || o.nodes > 9) return Status(StatusCode::kInvalidArgument, "from 1 to 9 nodes");
  auto program = [&](const std::string& name) {
    return o.programs.empty() ? FindProgram(name) : o.programs / name;
  };
  vigild_path_ = program("vigild");
  vigil_path_ = program("vigil");
  crm_path_ = program("crm");
  for (const auto* p : {&vigild_path_, &vigil_path_, &crm_path_}) {
    if (p->empty()) return Status(StatusCode::kNotFound, "vigild, vigil and crm must be installed or built");
  }
  // The mount points of the nodes' private directories; Debian's corosync and mariadb-server
  // packages make them.
  std::vector<std::string> mounts{"/etc/corosync", "/var/lib", "/var/log"};
  if (o.mysql) mounts.push_back("/etc/mysql");
  for (const auto& m : mounts) {
    if (!std::filesystem::is_directory(m)) {
      return Status(StatusCode::kNotFound, m + " is missing (Debian's corosync and mariadb-server packages make it)");
    }
  }
  std::error_code ec;
  // mysqld runs as mysql and must reach its directories under the work directory.
  std::filesystem::permissions(o.work, std::filesystem::perms(0755), ec);
  if (o.shm_and_hosts) {
    mounts.push_back("/dev/shm");
    std::string hosts = "127.0.0.1\tlocalhost\n192.168.1.10\tclient\n";
    for (int k = 1; k <= o.nodes; ++k) hosts += Address(k) + "\t" + Name(k) + "\n";
    if (Status s = WriteText(o.work / "hosts", hosts); !s.ok()) return s;
  }
  std::vector<HostSpec> hosts;
  hosts.push_back(HostSpec{kClient, {Nic{"lan", "192.168.1.10/24", MacOf(1, 0x0a)}}});
  for (int k = 1; k <= o.nodes; ++k) {
    const auto dir = NodeDir(k);
    HostSpec h{Name(k), {Nic{"lan", Address(k) + "/24", MacOf(1, k)}}, true, {}};
    if (o.ring_apart) h.nics.push_back(Nic{"ring", "192.168.2." + std::to_string(100 + k) + "/24", MacOf(2, k)});
    for (const auto& m : mounts) {
      // /etc/corosync -> work/node1/etc-corosync
      std::string name = m.substr(1);
      std::replace(name.begin(), name.end(), '/', '-');
      std::filesystem::create_directories(dir / name, ec);
      h.binds.emplace_back(m, dir / name);
    }
    std::filesystem::create_directories(dir / "var-lib" / "vigil", ec);
    if (o.shm_and_hosts) {
      std::filesystem::permissions(dir / "dev-shm", std::filesystem::perms(01777), ec);
      h.binds.emplace_back("/etc/hosts", o.work / "hosts");
    }
    hosts.push_back(std::move(h));
  }
  if (o.bmcs) {
    HostSpec bmc{"bmc", {}, false, {}};
    for (int k = 1; k <= o.nodes; ++k) bmc.nics.push_back(Nic{"lan", BmcAddress(k) + "/24", MacOf(1, 0x40 + k)});
    hosts.push_back(std::move(bmc));
  }
  auto lan = Lan::Create(o.prefix, o.work, std::move(hosts));
  if (!lan.ok()) return lan.status();
  lan_ = std::move(*lan);
  vigild_.resize(static_cast<size_t>(o.nodes));
  if (o.bmcs) {
    if (Status s = StartBmcs(); !s.ok()) return s;
  }
  if (o.watchdogs) {
    std::vector<std::filesystem::path> devices;
    for (int k = 1; k <= o.nodes; ++k) devices.push_back(WatchdogDevice(k));
    auto bank = WatchdogBank::Start(
        std::move(devices),
        [this](int k) {
          std::lock_guard<std::mutex> lock(power_mu_);
          PowerOff(k);
        },
        [this](int k) {
          std::lock_guard<std::mutex> lock(power_mu_);
          PowerOn(k);
        },
        o.watchdog_boot);
    if (!bank.ok()) return bank.status();
    watchdogs_ = std::move(*bank);
  }
  if (o.mysql) {
    for (int k = 1; k <= o.nodes; ++k) {
      if (Status s = PrepareMysql(k); !s.ok()) return s;
    }
  }
  return Status::Ok();
}

Status TutorialLab::PrepareMysql(int node) {
  const auto dir = NodeDir(node);
  const passwd* mysql = ::getpwnam("mysql");
  if (mysql == nullptr) return Status(StatusCode::kNotFound, "no user mysql (Debian's mariadb-server makes it)");
  const auto data = dir / "var-lib" / "mysql";
  const auto tmp = dir / "var-lib" / "mysql-tmp";
  for (const auto& d : {data, tmp, dir / "var-log" / "mysql"}) {
    std::error_code ec;
    std::filesystem::create_directories(d, ec);
    if (::chown(d.c_str(), mysql->pw_uid, mysql->pw_gid) != 0) return Status::FromErrno("chown " + d.string(), errno);
  }
  if (Status s = WriteText(dir / "etc-mysql" / "my.cnf", kMyCnf); !s.ok()) return s;
  RunResult r = Run({"mariadb-install-db", "--no-defaults", "--user=mysql", "--skip-test-db",
                     "--auth-root-authentication-method=socket", "--datadir=" + data.string(),
                     "--tmpdir=" + tmp.string()});
  if (r.code != 0) return Status(StatusCode::kIoError, "mariadb-install-db for " + Name(node) + ": " + r.out);
  // The tutorial's preparation: a database named after the node, and root reachable from
  // other hosts with a password.
  const std::string sql = "FLUSH PRIVILEGES;\nCREATE DATABASE " + Name(node) +
                          ";\nCREATE USER 'root'@'%' IDENTIFIED BY '" + kMysqlPassword +
                          "';\nGRANT ALL PRIVILEGES ON *.* TO 'root'@'%' WITH GRANT OPTION;\n";
  r = Run({"mariadbd", "--no-defaults", "--bootstrap", "--user=mysql", "--datadir=" + data.string(),
           "--tmpdir=" + tmp.string()},
          sql);
  if (r.code != 0) return Status(StatusCode::kIoError, "the database of " + Name(node) + ": " + r.out);
  return Status::Ok();
}

std::string TutorialLab::CorosyncConf() const {
  const TutorialOptions& o = options_;
  const std::string net = o.ring_apart ? "192.168.2." : "192.168.1.";
  const std::string token = o.token_ms > 0 ? "\ttoken: " + std::to_string(o.token_ms) + "\n" : "";
  std::string s;
  if (!o.nodelist) {
    s = "compatibility: whitetank\n\n"
        "totem {\n\tversion: 2\n\tsecauth: off\n\tthreads: 0\n" + token +
        "\tinterface {\n\t\tringnumber: 0\n\t\tbindnetaddr: " + net + "0\n"
        "\t\tmcastaddr: 226.94.1.1\n\t\tmcastport: 5405\n\t\tttl: 1\n\t}\n}\n\n";
  } else {
    s = "totem {\n\tversion: 2\n\tcluster_name: tutorial\n\ttransport: udpu\n" + token + "}\n\nnodelist {\n";
    for (int k = 1; k <= o.nodes; ++k) {
      s += "\tnode {\n\t\tring0_addr: " + net + std::to_string(100 + k) + "\n\t\tnodeid: " + std::to_string(k) +
           "\n\t\tname: " + Name(k) + "\n\t}\n";
    }
    s += "}\n\nquorum {\n\tprovider: corosync_votequorum\n";
    if (o.nodes == 2) s += "\ttwo_node: 1\n";
    s += "}\n\n";
  }
  s += "logging {\n\tto_stderr: no\n\tto_logfile: yes\n\tto_syslog: no\n\tlogfile: /var/log/corosync\n}\n";
  if (!o.nodelist) s += "\namf {\n\tmode: disabled\n}\n";
  return s;
}

Status TutorialLab::Install() {
  // The key on node1, as `corosync-keygen` makes it there.
  RunResult r = RunOn(Name(1), {vigil_path_.string(), "keygen", "-k", "/etc/corosync/authkey", "--force"});
  if (r.code != 0) return Status(StatusCode::kIoError, "vigil keygen on node1: " + r.out);
  const auto key = NodeDir(1) / "etc-corosync" / "authkey";
  for (int k = 1; k <= options_.nodes; ++k) {
    const auto etc = NodeDir(k) / "etc-corosync";
    if (k > 1) {
      std::error_code ec;
      std::filesystem::copy_file(key, etc / "authkey", std::filesystem::copy_options::overwrite_existing, ec);
      if (ec) return Status(StatusCode::kIoError, "copying the authkey to " + Name(k) + ": " + ec.message());
      std::filesystem::permissions(etc / "authkey", std::filesystem::perms::owner_read, ec);
    }
    if (Status s = WriteText(etc / "corosync.conf", CorosyncConf()); !s.ok()) return s;
    if (!options_.nodelist) {
      // The tutorial's service.d/pacemaker: corosync 1.x loads Pacemaker through it.
      std::error_code ec;
      std::filesystem::create_directories(etc / "service.d", ec);
      if (Status s = WriteText(etc / "service.d" / "pacemaker", "service {\n\tname: pacemaker\n\tver: 0\n}\n"); !s.ok()) {
        return s;
      }
    }
  }
  return Status::Ok();
}

Status TutorialLab::StartBmcs() {
  std::vector<PowerPanel::Switch> switches;
  for (int k = 1; k <= options_.nodes; ++k) {
    switches.push_back({[this, k] {
                          std::lock_guard<std::mutex> lock(power_mu_);
                          PowerOff(k);
                        },
                        [this, k] {
                          std::lock_guard<std::mutex> lock(power_mu_);
                          PowerOn(k);
                        }});
  }
  const auto socket = options_.work / "bmc-power.sock";
  auto panel = PowerPanel::Start(socket, std::move(switches));
  if (!panel.ok()) return panel.status();
  panel_ = std::move(*panel);
  for (int k = 1; k <= options_.nodes; ++k) {
    const auto dir = options_.work / ("bmc" + std::to_string(k));
    auto argv = PrepareBmc(dir, k, BmcAddress(k), vigil_path_, socket);
    if (!argv.ok()) return argv.status();
    auto d = Daemon::Start(lan_->On("bmc", *argv), dir / "ipmi_sim.log");
    if (!d.ok()) return d.status();
    ipmi_sims_.push_back(std::move(*d));
  }
  // Up once each answers on its port.
  for (int k = 1; k <= options_.nodes; ++k) {
    RunResult r;
    for (int attempt = 0; attempt < 50; ++attempt) {
      r = Run(lan_->On(kClient, {"ipmitool", "-I", "lan", "-H", BmcAddress(k), "-U", kBmcUser, "-P", kBmcPassword,
                                 "chassis", "power", "status"}));
      if (r.code == 0) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    if (r.code != 0) {
      return Status(StatusCode::kIoError, "the BMC of " + Name(k) + " does not answer: " + r.out + "\n" +
                                              ReadText(options_.work / ("bmc" + std::to_string(k)) / "ipmi_sim.log"));
    }
  }
  return Status::Ok();
}

void TutorialLab::PowerOff(int node) {
  lan_->KillAll(Name(node));
  for (size_t nic = 0; nic < lan_->host(Name(node)).nics.size(); ++nic) (void)lan_->SetLink(Name(node), nic, false);
  std::lock_guard<std::mutex> lock(vigild_mu_);
  if (auto& d = vigild_.at(static_cast<size_t>(node - 1))) d->Kill(SIGKILL);  // reaped
}

void TutorialLab::PowerOn(int node) {
  // As after a reboot: the node's own addresses only.
  const auto& nics = lan_->host(Name(node)).nics;
  for (size_t nic = 0; nic < nics.size(); ++nic) {
    const std::string dev = "eth" + std::to_string(nic);
    (void)Run({"ip", "-n", lan_->netns(Name(node)), "addr", "flush", "dev", dev});
    (void)Run({"ip", "-n", lan_->netns(Name(node)), "addr", "add", nics[nic].address, "dev", dev});
    (void)lan_->SetLink(Name(node), nic, true);
  }
  if (!options_.vigild_at_boot) return;
  if (Status s = Start(node); !s.ok()) std::fprintf(stderr, "lab: powering %s on: %s\n", Name(node).c_str(), s.message().c_str());
}

void TutorialLab::Freeze(int node, bool frozen) {
  for (const pid_t pid : lan_->Pids(Name(node))) ::kill(pid, frozen ? SIGSTOP : SIGCONT);
}

Status TutorialLab::Start(int node) {
  std::lock_guard<std::mutex> lock(vigild_mu_);
  auto& slot = vigild_.at(static_cast<size_t>(node - 1));
  if (slot && slot->Running()) return Status::Ok();
  std::vector<std::string> argv = {vigild_path_.string(), "-f"};
  if (options_.watchdogs) argv.insert(argv.end(), {"--watchdog-device", WatchdogDevice(node).string()});
  auto d = Daemon::Start(On(Name(node), argv), NodeDir(node) / "vigild.log");
  if (!d.ok()) return d.status();
  slot = std::move(*d);
  return Status::Ok();
}

void TutorialLab::Kill(int node) {
  std::lock_guard<std::mutex> lock(vigild_mu_);
  if (auto& d = vigild_.at(static_cast<size_t>(node - 1))) d->Kill(SIGKILL);
}

void TutorialLab::Stop(int node) {
  std::lock_guard<std::mutex> lock(vigild_mu_);
  if (auto& d = vigild_.at(static_cast<size_t>(node - 1))) d->Stop(std::chrono::seconds(30));
}

bool TutorialLab::Running(int node) {
  std::lock_guard<std::mutex> lock(vigild_mu_);
  auto& d = vigild_.at(static_cast<size_t>(node - 1));
  return d && d->Running();
}

std::string TutorialLab::Log(int node) const { return ReadText(NodeDir(node) / "vigild.log"); }

Status TutorialLab::SetClusterLink(int node, bool up) {
  return lan_->SetLink(Name(node), options_.ring_apart ? 1 : 0, up);
}

RunResult TutorialLab::Crm(int node, const std::vector<std::string>& args, const std::string& input) const {
  std::vector<std::string> argv{crm_path_.string()};
  argv.insert(argv.end(), args.begin(), args.end());
  return RunOn(Name(node), argv, input);
}

std::vector<int> TutorialLab::VipOwners(std::chrono::milliseconds wait) {
  std::vector<int> owners;
  if (!probe_) {
    auto p = ArpProbe::Open(lan_->netns(kClient), "eth0", "192.168.1.10");
    if (!p.ok()) return owners;
    probe_ = std::move(*p);
  }
  for (const auto& mac : probe_->Ask(kVip, wait)) {
    int owner = 0;
    for (int k = 1; k <= options_.nodes; ++k) {
      if (mac == Mac(k)) owner = k;
    }
    owners.push_back(owner);
  }
  return owners;
}

RunResult TutorialLab::ClientQuery() const {
  RunResult r = RunOn(kClient, {"mariadb", "--connect-timeout=2", "-h", kVip, "-uroot",
                                std::string("-p") + kMysqlPassword, "-N", "-B", "-e", "SHOW DATABASES LIKE 'node%'"});
  r.out = Trimmed(r.out);
  return r;
}

bool TutorialLab::Formed(int at) const {
  std::string online = "Online: [";
  for (int k = 1; k <= options_.nodes; ++k) online += " " + Name(k);
  if (Crm(at, {"status"}).out.find(online + " ]") == std::string::npos) return false;
  // "node 1084752229: node1", maybe followed by " \" and its attributes.
  const std::string shown = Crm(at, {"configure", "show"}).out;
  for (int k = 1; k <= options_.nodes; ++k) {
    const std::string entry = ": " + Name(k);
    size_t at_entry = shown.find(entry);
    while (at_entry != std::string::npos && shown.size() > at_entry + entry.size() &&
           shown[at_entry + entry.size()] != '\n' && shown[at_entry + entry.size()] != ' ') {
      at_entry = shown.find(entry, at_entry + 1);
    }
    if (at_entry == std::string::npos) return false;
  }
  return true;
}

std::string TutorialLab::Where(int node, const std::string& resource) const {
  // crm status's line for it: "  * mysql\t(ocf:heartbeat:mysql):\t Started node1" (indented
  // further in a group). Not `crm resource status`, which (as crm_resource does) names the node
  // while the start still runs.
  const RunResult r = Crm(node, {"status"});
  if (r.code != 0) return "";
  const std::string head = "* " + resource + "\t(";
  const std::string started = ":\t Started ";
  for (size_t at = 0; at < r.out.size();) {
    size_t end = r.out.find('\n', at);
    if (end == std::string::npos) end = r.out.size();
    std::string line = r.out.substr(at, end - at);
    at = end + 1;
    line.erase(0, line.find_first_not_of(' '));
    if (line.rfind(head, 0) != 0) continue;
    const size_t where = line.find(started);
    if (where == std::string::npos) return "";
    std::string rest = line.substr(where + started.size());
    if (const size_t space = rest.find(' '); space != std::string::npos && rest.front() != '[') rest.resize(space);
    return rest;
  }
  return "";
}

std::string TutorialLab::MysqlPrimitive() {
  return "primitive mysql ocf:heartbeat:mysql \\\n"
         "\tparams binary=\"/usr/bin/mysqld_safe\" config=\"/etc/mysql/my.cnf\" user=\"mysql\" "
         "pid=\"/var/run/mysqld/mysqld.pid\" datadir=\"/var/lib/mysql\" socket=\"/var/run/mysqld/mysqld.sock\" \\\n"
         "\top monitor interval=\"30s\" timeout=\"30s\" \\\n"
         "\top start interval=\"0\" timeout=\"120\" \\\n"
         "\top stop interval=\"0\" timeout=\"120\"";
}

}  // namespace vigil::lab
