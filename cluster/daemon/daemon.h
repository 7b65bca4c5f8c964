// vigild: configuration, authkey and identity checked at start, then one single-threaded poll
// loop over its event sources (common/event_source.h): the membership's heartbeats, the peer
// links, the executor child, the control socket and the signals; the DC's controller and this
// node's resources run from it.
//
// Start (Daemon::Start) does everything that can fail, so that `vigild` without -f reports a
// bad configuration, key or address on the terminal before it detaches:
//   config → authkey → this node's identity → run directory lock → incarnation → UDP socket →
//   control socket.
// Each turn of the loop the sources act in a fixed order (Run says why): membership, the
// no-quorum policy, the peer links, the executor child, the DC's plan, the control socket
// (requests.cc; the protocol is in docs/control.md), the signals. Every membership, quorum and
// DC change is logged in one line. SIGTERM or SIGINT: the resources stop, then a leave packet, which peers
// act on at once, then exit.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "cluster/config/config.h"
#include "cluster/daemon/cib_store.h"
#include "cluster/daemon/dc_controller.h"
#include "cluster/daemon/local_resources.h"
#include "cluster/daemon/replicator.h"
#include "cluster/daemon/service_manager.h"
#include "cluster/daemon/watchdog.h"
#include "cluster/lrm/executor_client.h"
#include "cluster/control/cluster_status.h"
#include "cluster/daemon/resource_status.h"
#include "cluster/control/control.h"
#include "cluster/membership/heartbeats.h"
#include "cluster/membership/membership.h"
#include "common/signal_source.h"
#include "common/status.h"

namespace vigil::daemon {

inline constexpr const char* kVersion = VIGIL_VERSION;

struct DaemonOptions {
  std::filesystem::path config;      // empty: /etc/vigil/vigil.conf, else /etc/corosync/corosync.conf
  std::filesystem::path state_dir = "/var/lib/vigil";
  std::filesystem::path run_dir;     // empty: RunDirectory("")
  std::filesystem::path plugin_dir;  // the executor child's; empty: the default beside the binary
  std::string hostname;              // empty: gethostname()
  // The watchdog for self-fencing (watchdog.h), armed only with stonith-watchdog-timeout.
  std::filesystem::path watchdog_device = "/dev/watchdog";
  bool foreground = false;           // -f: log to stderr too
};


class Daemon {
 public:
  // Errors name the file, the key or the address that is wrong, in one line.
  static Result<std::unique_ptr<Daemon>> Start(const DaemonOptions& options);
  ~Daemon();
  Daemon(const Daemon&) = delete;
  Daemon& operator=(const Daemon&) = delete;

  // The pid file names `pid` (after a fork, the parent writes the child's before it exits).
  Status WritePidFile(pid_t pid);
  // Until SIGTERM or SIGINT. Returns the exit code.
  int Run();

  control::ClusterStatus CurrentStatus() const;  // requests.cc

 private:
  Daemon() = default;
  // Everything after the configuration and logging, in named steps: this node's identity, the
  // run-directory lock, the state (incarnation, CIB), the transport and membership, the
  // replicator and the resource management (the executor child, this node's resources, the DC's
  // controller), the control socket, the signals.
  Status Init(const std::string& hostname);
  // The run directory is this daemon's alone: a lock on its pid file, kept until exit.
  Status LockRunDirectory();
  // SIGTERM and SIGINT: the resources stop, then this node leaves. SIGHUP: the logfile is reopened.
  void OnSignal(int signal);
  void LogEvents();
  std::string NameOf(uint32_t node) const;
  Status StartResourceManagement();
  void OnPeerMessage(uint32_t from, const peer::Message& message);
  void ReportResources(uint64_t completed);
  // A node without quorum has no DC to stop its resources: it does it itself (stop, the default,
  // and demote; freeze and ignore leave them running). Under stop and demote, so does a node
  // whose quorum lease lapsed (membership.h), before the others may lose it. Under stop, demote
  // and freeze nothing new starts here meanwhile (LocalResources::Hold).
  void ApplyNoQuorumPolicy(SteadyTime now);
  // stonith-watchdog-timeout: arms this node's watchdog once its partition has quorum, feeds it
  // while the partition keeps quorum and its lease, and stops for good when it loses them or the
  // DC asks (SelfFence): the node resets within the device's timeout. Disarms it when the option
  // is turned off. Not in a two-node cluster, where each half of a split keeps quorum.
  void TendWatchdog(SteadyTime now);
  // The watchdog is fed no more, for `why`: this node resets within its timeout.
  void SelfFence(const std::string& why);
  // Every cluster-recheck-interval (Pacemaker's, 15 minutes by default), and when a date in a
  // rule is reached, the configuration is read again at the present moment if it depends on the
  // date, and the DC plans again. Returns when to come back.
  SteadyTime Recheck(SteadyTime now);
  // The control requests (requests.cc).
  control::Response Handle(const control::Request& request, const control::Peer& peer);
  control::Response ReplaceCib(const control::Request& request, const control::Peer& peer);
  control::Response NodeRequest(const control::Request& request, const control::Peer& peer);
  control::Response ResourceRequest(const control::Request& request, const control::Peer& peer);
  control::Response CleanupRequest(const control::Request& request);
  // node-fence NODE ACTION CLIENT: a fence by hand, carried out by the DC (DcController::RequestFence).
  control::Response FenceNodeRequest(const control::Request& request, const control::Peer& peer);
  // attr-update, attr-query (transient attributes), node-attribute (permanent ones).
  control::Response AttributeRequest(const control::Request& request, const control::Peer& peer);
  // ticket-update, ticket-delete: a ticket's state in <status><tickets> (crm_ticket).
  control::Response TicketRequest(const control::Request& request, const control::Peer& peer);
  // Checks `xml` (parsed, and the agents of the primitives it adds or changes: installed here,
  // parameters fitting their meta-data), then submits it as a change against `expected`. The
  // client hears the outcome when there is one.
  control::Response ChangeCib(const control::Request& request, const control::Peer& peer,
                              const cib::Versions& expected, Result<std::string> xml);
  // A change vigild makes for a request (standby, a move, ...): `edit` applied to the CIB held
  // now, checked and submitted the same way; refused as a conflict (the CIB moved on before the
  // DC took it), made again on the newer CIB, up to three times in all.
  using Edit = std::function<Result<std::string>(const std::string& cib)>;
  control::Response ChangeCib(const control::Request& request, const control::Peer& peer, Edit edit);
  using Answer = std::function<void(control::Response)>;
  // Runs `work`, which answers at once or later: the client waits (Pending) until it does.
  control::Response Deferred(uint64_t ticket, const std::function<void(Answer)>& work);
  void CheckAgents(const cib::Model& before, const cib::Model& after, std::function<void(Status)> done);
  // Both ChangeCibs: `edit` on the CIB held now, against `expected` (none: that CIB's version),
  // tried again on a conflict while `tries` last.
  void SubmitChange(const std::string& command, const std::string& who, std::optional<cib::Versions> expected, Edit edit,
                    int tries, Answer answer);
  // On the DC: forgets the resource's history on the members `cleanup` names.
  // Cleans up here, and sends the cleanup to the other members it names; the names of those
  // it has no link to.
  std::vector<std::string> FanOutCleanup(const peer::Cleanup& cleanup);
  DcInputs Inputs() const;
  // The configuration with every node's resource state: the DC's own view, or on a member the
  // DC's latest StatusCopy; nullopt without a DC.
  std::optional<cib::Model> LiveModel() const;
  // The node named `name` (its id in the CIB's <nodes>, else the membership's): known to the
  // membership or the CIB, else an error listing the known ones.
  Result<std::pair<std::string, std::string>> FindNode(const std::string& name) const;
  // The DC sends each plan's node states to the members (once per change).
  void ShareStatus(std::vector<cib::NodeState> states);
  // Runs a DC's fence request on the executor child; the result goes back to that DC.
  void RunFence(uint32_t dc, const peer::FenceRequest& request);
  // After a plan (the members are settled: every one has reported on its link, which carried its
  // CIB first), the DC adds each member its <nodes> lacks, as Pacemaker's DC does when a node
  // joins, so that the configuration names every node. A refusal is logged and tried again at
  // the next plan.
  void RecordNodes();
  // One line for the service manager's STATUS=: the members, quorum and DC.
  std::string ServiceStatus() const;
  // The CIB's no-quorum-policy (default stop).
  std::string NoQuorumPolicy() const;

  DaemonOptions options_;
  std::filesystem::path config_path_;
  bool stopping_ = false;
  bool quorum_stop_done_ = false;  // since quorum (or its lease) was lost
  bool lease_held_ = true;         // as ApplyNoQuorumPolicy last found
  SteadyTime stop_deadline_{};
  config::Config config_;
  config::Identity identity_;
  std::filesystem::path run_dir_;
  int lock_fd_ = -1;
  uint64_t incarnation_ = 0;
  std::unique_ptr<membership::Membership> membership_;
  std::unique_ptr<membership::Heartbeats> heartbeats_;  // drives membership_
  std::unique_ptr<SignalSource> signals_;
  std::unique_ptr<control::Server> control_;
  std::optional<CibStore> cib_;
  std::unique_ptr<Replicator> replicator_;
  std::unique_ptr<lrm::ExecutorClient> child_;
  std::unique_ptr<LocalResources> local_;
  std::unique_ptr<DcController> controller_;
  std::unique_ptr<Watchdog> watchdog_;
  ServiceManager service_;                   // systemd's notify protocol, when it started vigild
  std::string self_fencing_;                 // why the watchdog is fed no more; empty: fed
  std::string watchdog_logged_;              // the last word on it that was logged
  SteadyTime watchdog_retry_at_{};           // arming failed: not tried again before then
  std::string shared_status_;                 // the DC's latest StatusCopy, encoded
  peer::StatusCopy status_copy_;             // a member's copy of the DC's
  bool leaving_ = false;                     // stopping with its resources: told to the DC
  uint32_t status_copy_from_ = 0;            // the DC that sent it
  uint64_t reported_term_ = 0;               // the DC term of this node's latest report
  // A time-dependent configuration as read at `evaluated_at_` (seconds since the epoch); empty
  // when the configuration does not depend on the date or changed since.
  std::optional<cib::Model> timed_config_;
  int64_t evaluated_at_ = 0;
  int64_t next_recheck_ = 0;  // seconds since the epoch
};

}  // namespace vigil::daemon
