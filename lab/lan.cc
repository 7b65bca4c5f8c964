#include "lab/lan.h"

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <sstream>
#include <thread>

namespace vigil::lab {
namespace {

// Run by the holder inside its new mount and UTS namespaces: a private /run, the binds, the
// host name, then it sleeps; its namespaces live as long as it does. Arguments: NAME then pairs
// of SOURCE TARGET.
constexpr const char* kHolderScript =
    "set -e\n"
    "name=$1; shift\n"
    "mount -t tmpfs -o mode=0755 vigil-lab /run\n"
    "mkdir -p /run/lock\n"
    "while [ $# -gt 1 ]; do mount --bind \"$1\" \"$2\"; shift 2; done\n"
    "hostname \"$name\"\n"
    "exec sleep infinity\n";

std::string Comm(pid_t pid) {
  std::string comm = ReadText("/proc/" + std::to_string(pid) + "/comm");
  if (!comm.empty() && comm.back() == '\n') comm.pop_back();
  return comm;
}

}  // namespace

Result<std::unique_ptr<Lan>> Lan::Create(const std::string& prefix, const std::filesystem::path& work,
                                         std::vector<HostSpec> hosts) {
  std::unique_ptr<Lan> lan(new Lan(prefix, work));
  if (Status s = lan->Build(std::move(hosts)); !s.ok()) return s;  // the destructor removes the rest
  return lan;
}

Status Lan::Ip(const std::vector<std::string>& args) {
  std::vector<std::string> argv{"ip"};
  argv.insert(argv.end(), args.begin(), args.end());
  const RunResult r = Run(argv);
  if (r.code == 0) return Status::Ok();
  std::string line;
  for (const auto& a : argv) line += (line.empty() ? "" : " ") + a;
  return Status(StatusCode::kIoError, line + ": " + r.out);
}

Status Lan::Build(std::vector<HostSpec> hosts) {
  switch_ = prefix_ + "switch";
  if (Status s = Ip({"netns", "add", switch_}); !s.ok()) return s;
  created_.push_back(switch_);
  for (const auto& h : hosts) {
    for (const auto& nic : h.nics) {
      if (std::find(segments_.begin(), segments_.end(), nic.segment) != segments_.end()) continue;
      const std::string bridge = "br" + std::to_string(segments_.size());
      segments_.push_back(nic.segment);
      if (Status s = Ip({"-n", switch_, "link", "add", bridge, "type", "bridge"}); !s.ok()) return s;
      if (Status s = Ip({"-n", switch_, "link", "set", bridge, "up"}); !s.ok()) return s;
    }
  }
  for (size_t i = 0; i < hosts.size(); ++i) {
    if (Status s = AddHost(std::move(hosts[i]), i); !s.ok()) return s;
  }
  return Status::Ok();
}

Status Lan::AddHost(HostSpec spec, size_t index) {
  const std::string ns = netns(spec.name);
  if (Status s = Ip({"netns", "add", ns}); !s.ok()) return s;
  created_.push_back(ns);
  if (Status s = Ip({"-n", ns, "link", "set", "lo", "up"}); !s.ok()) return s;
  for (size_t k = 0; k < spec.nics.size(); ++k) {
    const Nic& nic = spec.nics[k];
    const std::string port = "h" + std::to_string(index) + "n" + std::to_string(k);
    const std::string eth = "eth" + std::to_string(k);
    const auto segment = std::find(segments_.begin(), segments_.end(), nic.segment) - segments_.begin();
    const std::string bridge = "br" + std::to_string(segment);
    for (const auto& args : std::vector<std::vector<std::string>>{
             {"-n", switch_, "link", "add", port, "type", "veth", "peer", "name", eth, "netns", ns},
             {"-n", ns, "link", "set", eth, "address", nic.mac},
             {"-n", ns, "addr", "add", nic.address, "dev", eth},
             {"-n", switch_, "link", "set", port, "master", bridge, "up"},
             {"-n", ns, "link", "set", eth, "up"}}) {
      if (Status s = Ip(args); !s.ok()) return s;
    }
  }
  Host host{std::move(spec), nullptr};
  if (host.spec.machine) {
    std::vector<std::string> argv{"ip", "netns", "exec", ns, "unshare", "--mount", "--uts", "--propagation",
                                  "private", "--", "sh", "-c", kHolderScript, "holder", host.spec.name};
    for (const auto& [target, source] : host.spec.binds) {
      argv.push_back(source.string());
      argv.push_back(target);
    }
    const auto log = work_ / (host.spec.name + ".holder.log");
    auto holder = Daemon::Start(argv, log);
    if (!holder.ok()) return holder.status();
    host.holder = std::move(*holder);
    // Ready once every step up to the sleep has exec'd in place.
    for (int i = 0; i < 500 && Comm(host.holder->pid()) != "sleep"; ++i) {
      if (!host.holder->Running()) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    if (Comm(host.holder->pid()) != "sleep") {
      return Status(StatusCode::kIoError, "the mount namespace of " + host.spec.name + " was not made: " + ReadText(log));
    }
  }
  hosts_.push_back(std::move(host));
  return Status::Ok();
}

Lan::~Lan() {
  for (auto it = hosts_.rbegin(); it != hosts_.rend(); ++it) {
    KillAll(it->spec.name);
    it->holder.reset();
  }
  for (auto it = created_.rbegin(); it != created_.rend(); ++it) (void)Ip({"netns", "del", *it});
}

const Lan::Host& Lan::Find(const std::string& name) const {
  for (const auto& h : hosts_) {
    if (h.spec.name == name) return h;
  }
  static const Host kNone{};
  return kNone;
}

const HostSpec& Lan::host(const std::string& name) const { return Find(name).spec; }

std::vector<std::string> Lan::On(const std::string& host, const std::vector<std::string>& argv) const {
  const Host& h = Find(host);
  std::vector<std::string> out;
  if (h.holder) {
    out = {"nsenter", "-t", std::to_string(h.holder->pid()), "-m", "-n", "-u", "--"};
  } else {
    out = {"ip", "netns", "exec", netns(host)};
  }
  out.insert(out.end(), argv.begin(), argv.end());
  return out;
}

std::filesystem::path Lan::Inside(const std::string& host, const std::filesystem::path& path) const {
  const Host& h = Find(host);
  if (!h.holder) return path;
  return std::filesystem::path("/proc") / std::to_string(h.holder->pid()) / "root" / path.relative_path();
}

Status Lan::SetLink(const std::string& host, size_t nic, bool up) {
  for (size_t i = 0; i < hosts_.size(); ++i) {
    if (hosts_[i].spec.name != host) continue;
    if (nic >= hosts_[i].spec.nics.size()) break;
    return Ip({"-n", switch_, "link", "set", "h" + std::to_string(i) + "n" + std::to_string(nic), up ? "up" : "down"});
  }
  return Status(StatusCode::kNotFound, "no nic " + std::to_string(nic) + " on " + host);
}

std::vector<pid_t> Lan::Pids(const std::string& host) const {
  const Host& h = Find(host);
  const pid_t holder = h.holder ? h.holder->pid() : -1;
  std::vector<pid_t> pids;
  std::istringstream in(Run({"ip", "netns", "pids", netns(host)}).out);
  for (long pid; in >> pid;) {
    if (pid != holder) pids.push_back(static_cast<pid_t>(pid));
  }
  return pids;
}

void Lan::KillAll(const std::string& host, bool wait) {
  for (int round = 0; round < 200; ++round) {
    const std::vector<pid_t> pids = Pids(host);
    if (pids.empty()) return;
    for (pid_t pid : pids) ::kill(pid, SIGKILL);
    if (!wait) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

}  // namespace vigil::lab
