#include "cluster/daemon/daemon.h"

#include <fcntl.h>
#include <net/if.h>
#include <poll.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <ctime>

#include "cluster/cib/edit.h"
#include "cluster/config/authkey.h"
#include "cluster/daemon/daemon_log.h"
#include "cluster/daemon/incarnation.h"
#include "common/durable_file.h"
#include "common/log.h"
#include "common/signal_source.h"

namespace vigil::daemon {
namespace {

static_assert(config::kMaxNodes == membership::kMaxNodes, "the nodelist limit is the heartbeat's");
// How long a stopping vigild waits for its resources to stop before it leaves anyway.
constexpr auto kStopLimit = std::chrono::seconds(120);

std::string Hostname() {
  char name[256] = "";
  if (gethostname(name, sizeof name - 1) != 0) return "localhost";
  std::string s = name;
  // Pacemaker names a node by the short host name.
  if (const size_t dot = s.find('.'); dot != std::string::npos) s.resize(dot);
  return s;
}

// The UDP transport's options from the configuration: this node's id and address, the key and
// how packets are protected (crypto_cipher), the port, and multicast (the first interface's
// mcastaddr, with a udp transport) or else unicast to the nodelist (config validation makes sure
// there is one or the other).
membership::TransportOptions TransportOptionsFrom(const config::Config& c, const config::Identity& identity,
                                                  std::string key, uint64_t incarnation) {
  membership::TransportOptions t;
  t.self = identity.nodeid;
  t.bind_address = identity.bind.address.value;
  t.key = std::move(key);
  t.protection = c.crypto_cipher != "none" ? membership::Protection::kAes256Gcm : membership::Protection::kHmacSha256;
  t.cluster = membership::ClusterId(c.cluster_name);
  t.incarnation = incarnation;
  if (!c.interfaces.empty()) t.port = c.interfaces.front().mcastport;
  if (c.transport == config::Transport::kUdp && !c.interfaces.empty() && c.interfaces.front().mcastaddr) {
    t.multicast_group = c.interfaces.front().mcastaddr->value;
    t.multicast_ttl = c.interfaces.front().ttl;
    t.multicast_interface = static_cast<int>(if_nametoindex(identity.bind.interface.c_str()));
  }
  for (const auto& n : c.nodes) {
    if (config::NodeId(n) != t.self) t.peers.push_back({config::NodeId(n), n.addresses.front().value});
  }
  return t;
}

}  // namespace

Result<std::unique_ptr<Daemon>> Daemon::Start(const DaemonOptions& options) {
  std::unique_ptr<Daemon> d(new Daemon());
  d->options_ = options;
  // vigild changes to / when it detaches: every path it keeps must not depend on where it started.
  std::error_code ec;
  for (auto* path : {&d->options_.config, &d->options_.state_dir, &d->options_.run_dir, &d->options_.plugin_dir,
                     &d->options_.watchdog_device}) {
    if (!path->empty()) *path = std::filesystem::absolute(*path, ec);
  }
  const std::filesystem::path config_path = d->options_.config.empty() ? config::DefaultConfigPath() : d->options_.config;
  d->config_path_ = config_path;
  auto config = config::LoadConfig(config_path);
  if (!config.ok()) return config.status();
  d->config_ = std::move(*config);
  const config::Config& c = d->config_;
  const std::string hostname = options.hostname.empty() ? Hostname() : options.hostname;
  if (Status s = SetUpLogging(c, hostname, options.foreground); !s.ok()) return s;
  for (const auto& w : c.warnings) LogWarning(w);
  if (Status s = d->Init(hostname); !s.ok()) {
    // On the terminal from vigild's main; in the log too when that is elsewhere.
    if (!options.foreground) LogError("not starting: " + s.message());
    return s;
  }
  return d;
}

Status Daemon::Init(const std::string& hostname) {
  const config::Config& c = config_;
  const DaemonOptions& options = options_;
  auto key = config::ReadAuthkey(c.keyfile);
  if (!key.ok()) return key.status();

  auto local = config::ListLocalAddresses();
  if (!local.ok()) return local.status();
  auto identity = config::ResolveIdentity(c, *local, hostname);
  if (!identity.ok()) return identity.status();
  identity_ = std::move(*identity);
  // From here on the lines carry the node's cluster name (the nodelist's), not the host's.
  if (identity_.name != hostname) {
    if (Status s = SetUpLogging(c, identity_.name, options.foreground); !s.ok()) return s;
  }

  if (Status s = LockRunDirectory(); !s.ok()) return s;

  if (Status s = EnsureDirectory(options.state_dir, 0700); !s.ok()) return s;
  auto incarnation = NextIncarnation(options.state_dir);
  if (!incarnation.ok()) return incarnation.status();
  incarnation_ = *incarnation;
  auto store = CibStore::Open(options.state_dir);
  if (!store.ok()) return store.status();
  cib_ = std::move(*store);
  if (!cib_->recovered_from().empty()) {
    LogWarning(cib_->path().string() + " did not load; using the backup " + cib_->recovered_from());
  }

  const std::string authkey = *key;
  membership::TransportOptions t = TransportOptionsFrom(c, identity_, std::move(*key), incarnation_);
  const bool multicast = t.multicast_group != 0;
  const bool encrypt = t.protection == membership::Protection::kAes256Gcm;
  membership::MembershipOptions m;
  m.self = identity_.nodeid;
  m.incarnation = incarnation_;
  m.name = identity_.name;
  m.token = std::chrono::milliseconds(c.token_ms);
  m.started = std::chrono::steady_clock::now();
  m.quorum.expected_votes = c.ExpectedVotes();
  m.quorum.two_node = c.two_node;
  m.quorum.wait_for_all = c.wait_for_all;
  for (const auto& n : c.nodes) {
    const uint32_t id = config::NodeId(n);
    m.nodes.push_back(id);
    if (!n.name.empty()) m.names[id] = n.name;
  }
  const membership::Protection protection = t.protection;
  auto transport = membership::UdpTransport::Open(std::move(t));
  if (!transport.ok()) return transport.status();
  membership_ = std::make_unique<membership::Membership>(std::move(m));
  heartbeats_ = std::make_unique<membership::Heartbeats>(std::move(*transport), *membership_);
  const uint16_t port = heartbeats_->transport().port();

  ReplicatorOptions r;
  r.local.authkey = authkey;
  r.local.protection = protection;
  r.local.cluster = membership::ClusterId(c.cluster_name);
  r.local.node = identity_.nodeid;
  r.local.incarnation = incarnation_;
  r.bind_address = identity_.bind.address.value;
  r.port = port;
  r.token = std::chrono::milliseconds(c.token_ms);
  r.address_of = [this](uint32_t node) { return heartbeats_->transport().AddressOf(node); };
  r.name_of = [this](uint32_t node) { return NameOf(node); };
  r.on_message = [this](uint32_t from, const peer::Message& message) { OnPeerMessage(from, message); };
  r.on_linked = [this] {
    ReportResources(0);
    // The DC may have been elsewhere while another held office (a node that has just started,
    // say): it gets the fencing history this node knows of, from the status the latest DC shared
    // and from its own terms as DC, and the watchdogs as that status gave them (its own terms'
    // word on them may be old).
    // (Also to the DC that shared that status: a node of that id may have restarted since.)
    peer::StatusCopy known{{}, status_copy_.fencing, status_copy_.watchdogs};
    const auto own = controller_->FenceHistory();
    known.fencing.insert(known.fencing.end(), own.begin(), own.end());
    if (!known.fencing.empty() || !known.watchdogs.empty()) replicator_->SendToDc(known);
  };
  r.on_unlinked = [this](uint32_t node) { controller_->OnUnlinked(node); };
  auto replicator = Replicator::Open(std::move(r), *cib_);
  if (!replicator.ok()) return replicator.status();
  replicator_ = std::move(*replicator);
  if (Status s = StartResourceManagement(); !s.ok()) return s;
  watchdog_ = std::make_unique<Watchdog>(options.watchdog_device);

  auto server = control::Server::Listen(control::SocketPath(run_dir_),
                                        [this](const control::Request& request, const control::Peer& p) { return Handle(request, p); });
  if (!server.ok()) return server.status();
  control_ = std::move(*server);

  // SIGTERM, SIGINT and SIGHUP are read in the loop.
  auto signals = SignalSource::Block({SIGTERM, SIGINT, SIGHUP}, [this](int signal) { OnSignal(signal); });
  if (!signals.ok()) return signals.status();
  signals_ = std::move(*signals);

  LogInfo("vigild " + std::string(kVersion) + " starting: node " + identity_.name + " (id " +
          std::to_string(identity_.nodeid) + ") on " + identity_.bind.address.ToString() + " (" +
          identity_.bind.interface + "), cluster " + c.cluster_name + ", " +
          (multicast ? "multicast " + c.interfaces.front().mcastaddr->ToString() : std::string("unicast")) + " port " +
          std::to_string(port) + ", " +
          (encrypt ? "AES-256-GCM" : "HMAC-SHA256") + ", token " + std::to_string(c.token_ms) +
          " ms, config " + c.source + ", CIB " + cib::VersionText(cib_->versions()));
  return Status::Ok();
}

Status Daemon::LockRunDirectory() {
  // The run directory is this daemon's alone: its lock file says so, whatever else is in it.
  run_dir_ = options_.run_dir.empty() ? RunDirectory("") : options_.run_dir;
  if (Status s = EnsureDirectory(run_dir_, 0755); !s.ok()) return s;
  const std::filesystem::path pid_path = run_dir_ / "vigild.pid";
  // The lock is what counts, and the file is never removed: a daemon that removed it at exit
  // could let a starter lock the old, unlinked file while a third locks a new one. A starter
  // that opened the file just as it was replaced (by hand) checks it still holds the path's.
  for (int attempt = 0;; ++attempt) {
    const int fd = open(pid_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) return Status::FromErrno("cannot open " + pid_path.string(), errno);
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
      char pid[32] = "";
      const ssize_t n = pread(fd, pid, sizeof pid - 1, 0);
      close(fd);
      std::string running = n > 0 ? std::string(pid, static_cast<size_t>(n)) : "?";
      while (!running.empty() && running.back() == '\n') running.pop_back();
      return Status(StatusCode::kInvalidArgument, "another vigild (pid " + running + ") runs with the run directory " +
                                                      run_dir_.string());
    }
    struct stat held{};
    struct stat named{};
    if (fstat(fd, &held) == 0 && stat(pid_path.c_str(), &named) == 0 && held.st_ino == named.st_ino &&
        held.st_dev == named.st_dev) {
      lock_fd_ = fd;
      break;
    }
    close(fd);
    if (attempt == 10) return Status(StatusCode::kIoError, pid_path.string() + " keeps being replaced");
  }
  if (Status s = WritePidFile(getpid()); !s.ok()) return s;
  return Status::Ok();
}

Status Daemon::StartResourceManagement() {
  // The child runs this very build, also after a package upgrade replaced the file vigild was
  // started from: /proc/self/exe opens the running binary, and its link's target (" (deleted)"
  // once replaced) only names the child in ps.
  std::error_code ec;
  std::string self = std::filesystem::read_symlink("/proc/self/exe", ec).string();
  if (ec) return Status(StatusCode::kIoError, "cannot find vigild's own binary: " + ec.message());
  if (constexpr std::string_view kDeleted = " (deleted)"; self.ends_with(kDeleted)) self.resize(self.size() - kDeleted.size());
  // HA_RSCTMP under the run directory: nodes that share a filesystem must not share it.
  const std::filesystem::path rsc_tmp = run_dir_ / "rsctmp";
  if (Status s = EnsureDirectory(rsc_tmp, 0755); !s.ok()) return s;
  std::vector<std::string> argv = {self, "--executor-child", "{fd}", "-c", config_path_.string(),
                                   "--name", identity_.name, "--rsc-tmp", rsc_tmp.string()};
  if (!options_.plugin_dir.empty()) argv.insert(argv.end(), {"--plugin-dir", options_.plugin_dir.string()});
  if (options_.foreground) argv.push_back("-f");
  // Started by Run(): after vigild has detached, so that the child is the running vigild's own.
  child_ = std::make_unique<lrm::ExecutorClient>(std::move(argv), "/proc/self/exe");
  // The child keeps resources only while this loop renews its lease: a frozen vigild's child
  // has stopped them half a token after the last renewal, a quarter token before the others
  // can have lost this node (they wait a token from its last heartbeat, sent at most a quarter
  // token before the freeze). Renewed every eighth of a token, so one late turn costs nothing.
  const auto token = std::chrono::milliseconds(config_.token_ms);
  child_->set_lease(token / 2, token / 8);
  local_ = std::make_unique<LocalResources>(*child_, std::to_string(identity_.nodeid), identity_.name);
  // A new child, or a lapsed lease: what ran here is unknown until probed again.
  child_->set_on_unknown([this] { local_->Forget(); });
  const uint32_t self_id = identity_.nodeid;
  controller_ = std::make_unique<DcController>(
      self_id,
      [this, self_id](uint32_t node, const peer::Execute& e) {
        if (node != self_id) return replicator_->SendToMember(node, e);
        local_->Execute(e, [this, token = e.token] { ReportResources(token); });
        return true;
      },
      [this, self_id](uint32_t node, const peer::FenceRequest& request) {
        if (node != self_id) return replicator_->SendToMember(node, request);
        RunFence(self_id, request);
        return true;
      });
  return Status::Ok();
}

std::string Daemon::NoQuorumPolicy() const {
  const auto& properties = cib_->cib().model().properties;
  const auto policy = properties.find("no-quorum-policy");
  if (policy == properties.end()) return "stop";
  // Any case, as the scheduler (and Pacemaker) read it.
  std::string value = policy->second;
  std::transform(value.begin(), value.end(), value.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return value;
}

void Daemon::ApplyNoQuorumPolicy(SteadyTime now) {
  const std::string value = NoQuorumPolicy();
  // freeze: what runs keeps running; ignore: the partition goes on as if it had quorum. Either
  // way a minority may run what the majority runs, by the user's choice: no lease.
  const bool stops = value != "freeze" && value != "ignore";
  const bool lapsed = stops && membership_->quorate() && !membership_->HoldsQuorumLease(now);
  lease_held_ = !lapsed;
  if ((membership_->quorate() && !lapsed) || value == "ignore") {
    quorum_stop_done_ = false;
    local_->Hold(std::nullopt);
    return;
  }
  const std::string why = lapsed ? "quorum lease lapsed (too few members heard for " +
                                       std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(membership_->lease()).count()) + " ms)"
                                 : "no quorum";
  // Nothing new starts here until it is back, whatever a DC that has not noticed yet still sends.
  local_->Hold(why + " (no-quorum-policy=" + value + ")");
  if (quorum_stop_done_) return;
  quorum_stop_done_ = true;
  if (!stops) return;
  if (const size_t n = local_->StopAll(); n > 0) {
    LogInfo(why + ": stopping " + std::to_string(n) + " resource(s) (no-quorum-policy=" + value + ")");
  }
}

void Daemon::TendWatchdog(SteadyTime now) {
  const int64_t timeout_ms = cib::WatchdogTimeoutMs(cib_->cib().model());
  const uint32_t was = static_cast<uint32_t>(watchdog_->timeout_s());
  auto say = [&](const std::string& word, bool error) {
    if (word == watchdog_logged_) return;
    watchdog_logged_ = word;
    error ? LogError(word) : LogInfo(word);
  };
  if (timeout_ms == 0 || config_.two_node) {
    if (timeout_ms > 0) say("stonith-watchdog-timeout is not acted on in a two-node cluster (two_node: 1): each half of a split keeps quorum", true);
    if (watchdog_->armed()) {
      watchdog_->Disarm();
      say("watchdog " + watchdog_->device().string() + " disarmed", false);
    }
    self_fencing_.clear();
  } else if (self_fencing_.empty()) {
    // Fed only while this partition has quorum and holds its lease: a node that loses them is
    // one the others may count as reset.
    const bool healthy = membership_->quorate() && membership_->HoldsQuorumLease(now);
    const int seconds = cib::WatchdogDeviceSeconds(timeout_ms);
    if (watchdog_->armed() && !healthy) {
      SelfFence(membership_->quorate() ? "the quorum lease lapsed" : "this partition lost quorum");
    } else if (healthy && watchdog_->requested_s() != seconds && now >= watchdog_retry_at_) {
      if (Status s = watchdog_->Arm(seconds, now); !s.ok()) {
        // Tried again a little later (a device another program holds may be let go).
        watchdog_retry_at_ = now + std::chrono::seconds(10);
        say("cannot fence this node by watchdog: " + s.message(), true);
      } else {
        say("watchdog " + watchdog_->device().string() + " armed with a timeout of " + std::to_string(seconds) +
                " s (stonith-watchdog-timeout " + std::to_string(timeout_ms / 1000) +
                " s): fed while this partition has quorum",
            false);
      }
    } else if (Status s = watchdog_->Feed(now); !s.ok()) {
      say(s.message(), true);
    }
  }
  if (static_cast<uint32_t>(watchdog_->timeout_s()) != was) ReportResources(0);
}

void Daemon::SelfFence(const std::string& why) {
  if (!self_fencing_.empty()) return;
  self_fencing_ = why;
  LogError(why + ": the watchdog " + watchdog_->device().string() + " is fed no more; this node resets within " +
           std::to_string(watchdog_->timeout_s()) + " s");
}

void Daemon::RecordNodes() {
  if (stopping_) return;
  const cib::Model& config = cib_->cib().model();
  std::vector<std::pair<std::string, std::string>> missing;
  std::string names;
  for (const uint32_t m : membership_->members()) {
    const std::string& name = membership_->known_nodes().at(m);
    if (name.empty()) continue;  // not known yet: a <node> needs a uname
    if (std::none_of(config.nodes.begin(), config.nodes.end(), [&](const cib::Node& n) { return n.uname == name; })) {
      missing.emplace_back(std::to_string(m), name);
      names += (names.empty() ? "" : ", ") + name;
    }
  }
  if (missing.empty()) return;
  size_t added = 0;
  auto xml = cib::AddNodes(cib_->text(), missing, &added);
  // Stamped as the DC's own change (crm_mon: "Last change: ... via vigild on node1").
  if (xml.ok() && added > 0) xml = cib::Stamped(*xml, {static_cast<int64_t>(std::time(nullptr)), "", "vigild", identity_.name});
  if (!xml.ok() || added == 0) {
    LogError("could not add the joined nodes (" + names + ") to the configuration: " +
             (xml.ok() ? "they would not read back" : xml.status().message()));
    return;
  }
  // On the DC the change is made (or refused) at once.
  replicator_->Submit(config.versions, std::move(*xml), "the DC (joined: " + names + ")", [names](Result<cib::Versions> r) {
    if (!r.ok()) LogError("could not add the joined nodes (" + names + ") to the configuration: " + r.status().message());
  });
}

void Daemon::ReportResources(uint64_t completed) {
  local_->ClearChanged();  // this report carries every change so far
  // To the DC: this node's controller when it is the DC, else over the link (if any).
  controller_->OnOwnResult(completed);
  reported_term_ = membership_->dc_term();
  if (replicator_->linked_to_dc()) {
    replicator_->SendToDc(peer::NodeUpdate{completed, reported_term_, local_->state(), leaving_, incarnation_,
                                           static_cast<uint32_t>(watchdog_->timeout_s())});
  }
}

void Daemon::RunFence(uint32_t dc, const peer::FenceRequest& request) {
  if (request.device == kWatchdogDevice) {
    // The DC fences this node by its watchdog: it answers, then resets.
    peer::FenceResult result{request.token, static_cast<uint8_t>(ExecStatus::kDone), 0, "", ""};
    if (request.target != identity_.name || !watchdog_->armed()) {
      result.rc = 1;
      result.reason = request.target != identity_.name ? "this node is " + identity_.name : "no watchdog is armed here";
    }
    if (dc == identity_.nodeid) {
      controller_->OnFenceResult(result);
    } else {
      replicator_->SendToDc(result);
    }
    if (result.rc == 0) SelfFence("the DC fences this node by its watchdog (" + request.action + ")");
    return;
  }
  Operation op;
  op.resource = request.device;
  op.agent = cib::AgentName("stonith", "", request.type);
  op.action = request.action;
  for (const auto& [name, value] : request.params) op.params.emplace_back(name, value);
  if (!request.target.empty()) op.meta = {{"fence-target", request.target}, {"fence-target-nodeid", request.target_nodeid}};
  op.timeout = std::chrono::milliseconds(request.timeout_ms);
  if (request.action != "meta-data" && request.action != "list" && request.action != "status") {
    LogInfo("fencing " + request.target + " (" + request.action + ") with " + request.device + " for the DC");
  }
  child_->Submit(std::move(op), [this, dc, token = request.token](const OperationResult& r) {
    const peer::FenceResult result{token, static_cast<uint8_t>(r.status), r.rc, r.reason, r.output};
    if (dc == identity_.nodeid) {
      controller_->OnFenceResult(result);
    } else if (membership_->dc() == dc) {
      // (A DC that has stepped down since would take the answer for one of its successor's.)
      replicator_->SendToDc(result);
    }
  });
}

void Daemon::OnPeerMessage(uint32_t from, const peer::Message& message) {
  if (const auto* e = std::get_if<peer::Execute>(&message)) {
    local_->Execute(*e, [this, token = e->token] { ReportResources(token); });
  } else if (const auto* fence = std::get_if<peer::FenceRequest>(&message)) {
    if (from == membership_->dc()) RunFence(from, *fence);
  } else if (const auto* result = std::get_if<peer::FenceResult>(&message)) {
    if (membership_->is_dc()) controller_->OnFenceResult(*result);
  } else if (const auto* ask = std::get_if<peer::FenceAsk>(&message)) {
    if (membership_->is_dc()) {
      LogInfo("fencing of " + ask->target + " asked by " + ask->client + " on " + NameOf(from));
      controller_->RequestFence(ask->target, ask->action, ask->client + " on " + NameOf(from));
    }
  } else if (const auto* update = std::get_if<peer::NodeUpdate>(&message)) {
    // A report that is not a step's result may come from a member that has just linked: it gets
    // the status at the next plan even if nothing else changed.
    if (update->completed == 0) shared_status_.clear();
    controller_->OnNodeUpdate(from, *update);
  } else if (const auto* copy = std::get_if<peer::StatusCopy>(&message)) {
    // From the DC: the status it planned from. From a member, to this DC: what a former DC had
    // shared with it (its fencing history, the watchdogs armed), for a DC that never got it.
    if (membership_->is_dc()) {
      controller_->MergeShared(*copy);
    } else if (from == membership_->dc()) {
      status_copy_ = *copy;
      status_copy_from_ = from;
    }
  } else if (const auto* cleanup = std::get_if<peer::Cleanup>(&message)) {
    // From a member: for the DC to pass on. From the DC: for this node, when it names it (or none).
    if (membership_->is_dc()) {
      FanOutCleanup(*cleanup);
    } else if (from == membership_->dc() && (cleanup->node.empty() || cleanup->node == identity_.name)) {
      local_->Cleanup(cleanup->rsc);
    }
  }
}

Daemon::~Daemon() {
  control_.reset();
  if (lock_fd_ >= 0) {
    // Emptied, not removed (see Init); the lock goes with the descriptor.
    (void)ftruncate(lock_fd_, 0);
    close(lock_fd_);
  }
}

Status Daemon::WritePidFile(pid_t process) {
  const std::string pid = std::to_string(process) + "\n";
  if (ftruncate(lock_fd_, 0) != 0 || pwrite(lock_fd_, pid.data(), pid.size(), 0) != static_cast<ssize_t>(pid.size())) {
    return Status::FromErrno("cannot write " + (run_dir_ / "vigild.pid").string(), errno);
  }
  return Status::Ok();
}

void Daemon::LogEvents() {
  for (const auto& batch : {membership_->TakeEvents(), replicator_->TakeEvents(), child_->TakeEvents(),
                            local_->TakeEvents(), controller_->TakeEvents()}) {
    for (const auto& e : batch) Log(e.level, e.text);
  }
}

std::string Daemon::ServiceStatus() const {
  std::string names;
  for (const uint32_t m : membership_->members()) names += (names.empty() ? "" : " ") + NameOf(m);
  const uint32_t dc = membership_->dc();
  return std::string(stopping_ ? "stopping; " : "") + std::to_string(membership_->members().size()) + " member(s) [" +
         names + "], " + (membership_->quorate() ? "quorate" : "WITHOUT quorum") + ", " +
         (dc == 0 ? std::string("no DC") : "DC " + NameOf(dc));
}

std::string Daemon::NameOf(uint32_t node) const {
  const auto& known = membership_->known_nodes();
  const auto it = known.find(node);
  return it != known.end() ? it->second : std::to_string(node);
}

void Daemon::OnSignal(int signal) {
  if (signal == SIGHUP) {
    // logrotate's signal: the logfile was moved away. The executor child writes to it too.
    child_->Signal(SIGHUP);
    if (Status s = ReopenLogfile(); !s.ok()) {
      LogError("SIGHUP: " + s.message() + "; still writing to the old one");
    } else {
      LogInfo("SIGHUP: logfile reopened (the configuration is read at start only)");
    }
    return;
  }
  if (stopping_) return;
  // The resources stop first, while this node is still a member: the others start them only
  // once it has left, so nothing runs twice.
  LogInfo(std::string("stopping this node's resources, then leaving the cluster (") + strsignal(signal) + ")");
  stopping_ = true;
  service_.Stopping();
  stop_deadline_ = std::chrono::steady_clock::now() + kStopLimit;
  child_->BeginStop();
  // The DC hears that this node leaves cleanly, so that it does not fence it once gone.
  leaving_ = true;
  ReportResources(0);
}

SteadyTime Daemon::Recheck(SteadyTime now) {
  const cib::Model& config = cib_->cib().model();
  const int64_t wall =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  // The interval: cluster-recheck-interval, 15 minutes unless set; 0 disables it.
  int64_t interval_s = 15 * 60;
  if (const auto it = config.properties.find("cluster-recheck-interval"); it != config.properties.end()) {
    if (const auto ms = cib::ParseDurationMs(it->second)) interval_s = *ms / 1000;
  }
  if (timed_config_ && !(timed_config_->versions == config.versions)) timed_config_.reset();
  // The first moment after the last reading at which a date in a rule turns.
  auto next_change = [&] {
    const int64_t read_at = timed_config_ ? evaluated_at_ : config.evaluated_at;
    const auto it = std::upper_bound(config.date_changes.begin(), config.date_changes.end(), read_at);
    return it == config.date_changes.end() ? std::optional<int64_t>() : std::optional<int64_t>(*it);
  };
  const auto change = next_change();
  const bool turned = change && *change <= wall;
  const bool periodic = interval_s > 0 && next_recheck_ != 0 && wall >= next_recheck_;
  if (next_recheck_ == 0 || periodic) next_recheck_ = interval_s > 0 ? wall + interval_s : 0;
  if (turned || periodic) {
    if (config.time_dependent) {
      if (auto model = cib_->cib().ReadAt(wall); model.ok()) {
        timed_config_ = std::move(*model);
        evaluated_at_ = wall;
      } else {
        LogError("could not read the configuration again at the present moment: " + model.status().message());
      }
    }
    controller_->Recheck();
  }
  // Back at the next turn of a date or the next recheck, whichever comes first.
  int64_t next = next_recheck_ != 0 ? next_recheck_ : wall + 24 * 3600;
  if (const auto upcoming = next_change()) next = std::min(next, std::max(*upcoming, wall + 1));
  return now + std::chrono::seconds(std::clamp<int64_t>(next - wall, 1, 24 * 3600));
}

int Daemon::Run() {
  SteadyTime now = std::chrono::steady_clock::now();
  SteadyTime next_wake = now;  // Recheck's
  if (Status s = child_->Start(); !s.ok()) {
    LogError(s.message());
    return 1;
  }
  heartbeats_->Start(now);
  LogEvents();
  service_.Ready();
  const std::vector<EventSource*> sources = {heartbeats_.get(), replicator_.get(), child_.get(), control_.get(),
                                             signals_.get()};
  for (;;) {
    PollSet set(now);
    for (EventSource* source : sources) source->Arm(set);
    set.WakeBy(next_wake);
    if (stopping_) set.WakeBy(now + std::chrono::milliseconds(20));
    if (Status s = set.Wait(); !s.ok()) {
      LogError(s.message());
      return 1;
    }
    now = std::chrono::steady_clock::now();
    // The sources act in this order. As Pacemaker: with no-quorum-policy=ignore a partition
    // without quorum still has a DC, which runs the resources (the tutorial's two nodes fail
    // over so).
    membership_->set_ignore_quorum(NoQuorumPolicy() == "ignore");
    heartbeats_->Dispatch(set, now);
    // Before any Execute of this turn is taken: a node that has just lost quorum (or its lease)
    // holds back what a DC sends it.
    ApplyNoQuorumPolicy(now);
    TendWatchdog(now);
    // A DC whose quorum lease lapsed takes no CIB change either: resumed from a freeze, it may
    // still think itself DC for a moment after the others chose another.
    replicator_->Follow(membership_->dc(), membership_->is_dc() && lease_held_, membership_->members(), now);
    replicator_->Dispatch(set, now);
    // Also while stopping: what is refused for want of a child must still be answered. (No
    // child is started again then.)
    child_->Dispatch(set, now);
    // A monitor's news, a forget, or a new DC term (the DC counts only reports made for its term).
    if (local_->changed() || (replicator_->linked_to_dc() && membership_->dc_term() != reported_term_)) {
      ReportResources(0);
    }
    next_wake = Recheck(now);
    controller_->Update(Inputs());
    if (const auto fencer_wake = controller_->NextWake()) next_wake = std::min(next_wake, *fencer_wake);
    if (watchdog_->armed() && self_fencing_.empty()) next_wake = std::min(next_wake, watchdog_->next_feed());
    // From this loop only: a loop that no longer turns stops the pings.
    service_.Ping(now);
    if (service_.notifying()) service_.Status(ServiceStatus());
    if (const auto ping = service_.next_ping()) next_wake = std::min(next_wake, *ping);
    // After each plan (the members settled, and something changed): the joined nodes go into the
    // configuration, and the states to the members.
    if (auto states = controller_->TakePlannedStates()) {
      RecordNodes();
      ShareStatus(std::move(*states));
    }
    LogEvents();
    control_->Dispatch(set, now);
    signals_->Dispatch(set, now);
    if (stopping_) {
      const bool exited = child_->Exited();
      if (exited || now >= stop_deadline_) {
        if (!exited) {
          LogError("the executor child did not stop its resources in time; leaving anyway");
          child_->Kill();
        } else if (child_->exit_code() != 0) {
          LogError("a stop of this node's resources failed; leaving anyway, uncleanly (the DC fences this node if it can)");
        }
        if (!exited || child_->exit_code() != 0) {
          // What it ran may still run: not a clean leave, for the DC (which fences it if it can).
          leaving_ = false;
          ReportResources(0);
        }
        LogInfo("leaving the cluster");
        heartbeats_->Leave();
        // A clean stop: nothing of this node runs any more. (Left uncleanly, it stays armed.)
        if (leaving_) watchdog_->Disarm();
        return 0;
      }
    }
  }
}

}  // namespace vigil::daemon
