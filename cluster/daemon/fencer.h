// The DC's fencer: carries out the fences the scheduler plans (scheduler::Transition::fences)
// with the configuration's fence devices, as Pacemaker 2.1.5's fencer does.
//
//   - The devices: the fencing topology's levels that apply to the target (cluster/fencing),
//     level after level until one has fenced it, every device of a level in turn; without a
//     topology, each device in priority order is a level of its own.
//   - Whether a device can fence the target: from its parameters (pcmk_host_check, _list, _map),
//     or asked of the agent on the node that would run it (its list or status action, after its
//     meta-data when only that tells which actions it has). A device that cannot is passed over;
//     in a topology level it fails the level.
//   - Where a device runs: on a member other than the target, where the device is started, else
//     on the DC, else on the member with the lowest id.
//   - A reboot or off waits pcmk_delay_base plus a random part up to pcmk_delay_max first (whole
//     seconds, as Pacemaker; pcmk_delay_base may map nodes to delays: "node1:5s;node2:0"), and
//     the first device of an attempt the fence's priority-fencing-delay on top of that. Its
//     timeout is pcmk_<action>_timeout, else stonith-timeout, else 60 s. A failed run is run
//     again, as Pacemaker's fencer does, while fewer than pcmk_<action>_retries runs (2 unless
//     set) were made, the last did not time out, and less than 70% of the timeout has passed
//     since the first; then the next device or level.
//   - A fence no level carried out failed: it is recorded, and tried again kRetryPause later, up
//     to stonith-max-attempts (10) times in a row; then no more (given_up() names the node, and
//     the scheduler keeps its resources blocked) until the configuration changes, the node is
//     back, or another DC takes over.
//   - Watchdog self-fencing (stonith-watchdog-timeout, watchdog.h): when no device or level has
//     fenced a node that has armed its watchdog, a reboot or off of it is carried out by the
//     watchdog, as Pacemaker's fencer falls back on sbd's: a target still a member is asked to
//     stop feeding it (kWatchdogDevice) until it answers that it has; a node gone feeds it no
//     more by itself. From then the node counts as fenced after stonith-watchdog-timeout, or
//     twice the timeout it armed with if that is longer, by which time it has reset itself.
//   - One fence at a time, in the plan's order; with concurrent-fencing=true all at once.
// A request whose node left (or whose link closed) failed; its result, if it still comes, is
// ignored.
//
// Single-threaded: the DC's controller calls it.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "cluster/cib/cib.h"
#include "cluster/peer/messages.h"
#include "cluster/scheduler/scheduler.h"
#include "common/clock.h"
#include "common/log.h"

namespace vigil::daemon {

// The device a fence by watchdog is recorded with (as Pacemaker names it), and the device of
// the request that asks a member to fence itself so.
inline constexpr const char* kWatchdogDevice = "watchdog";

class Fencer {
 public:
  // Sends a request to `node` (this one included); false: no link to it now.
  using Send = std::function<bool(uint32_t node, const peer::FenceRequest&)>;
  static constexpr auto kRetryPause = std::chrono::seconds(2);
  static constexpr size_t kHistoryLimit = 500;  // events kept, as Pacemaker's fencer keeps
  static constexpr size_t kAbandonedLimit = 16;  // requests left in flight by Reset, remembered

  struct Member {
    uint32_t id = 0;
    std::string name;
  };
  struct Inputs {
    const cib::Model* model = nullptr;  // with the node states the plan was made from
    std::vector<Member> members;        // the members that run devices, the DC among them
    uint32_t self = 0;                  // the DC
    std::string self_name;
    SteadyTime now{};
    int64_t wall = 0;                   // seconds since the epoch, for the history
    int64_t watchdog_ms = 0;            // stonith-watchdog-timeout (cib::WatchdogTimeoutMs); 0: off
    std::map<std::string, uint32_t> watchdogs;  // the nodes known to have armed their watchdog, with its timeout (s)
  };

  // Tokens start at random, so that a late answer to a former DC's request is not taken for one
  // of this fencer's.
  explicit Fencer(Send send) : send_(std::move(send)), next_token_((uint64_t{random_()} << 32) | 1) {}

  // Carries out `fences` (the latest plan's, in its order): starts what is due, goes on with what
  // answered. True while any of them is not done yet, so the plan's actions wait; a node given
  // up on does not count.
  bool Carry(const Inputs& in, const std::vector<scheduler::Fence>& fences);
  // A node's answer to a request. True when it was one this fencer waits for.
  bool OnResult(const peer::FenceResult& result);
  // `node` left or its link closed: its requests in flight failed.
  void OnLost(uint32_t node);
  // The configuration changed, or a node is back: the nodes given up on are tried again.
  void Forgive();
  // Who wants the next fence of `target` (the history's client): "vigild" unless set.
  void SetClient(const std::string& target, const std::string& client) { clients_[target] = client; }
  // Whether a fence of `target` is under way or waits to be tried again.
  bool Busy(const std::string& target) const { return runs_.count(target) > 0 || retry_at_.count(target) > 0; }
  // The user vouches that `target` is down (stonith_admin --confirm): recorded as fenced, no
  // device run.
  void Confirm(const std::string& target, const std::string& client, const std::string& origin, int64_t wall);
  // No longer DC: what is under way is dropped (the next DC plans again), the history kept. A
  // request left in flight that still answers (this node took office again meanwhile) is
  // recorded in the history as it ended, without counting for the plan.
  void Reset();

  // The nodes fenced (reboot or off) since the last call.
  std::vector<std::string> TakeFenced();
  bool HasFenced() const { return !fenced_.empty(); }
  // The targets whose fence ended (done, failed or given up) since the last call.
  std::set<std::string> TakeEnded() { return std::exchange(ended_, {}); }
  // The nodes unfenced ("on") since they were last fenced or left, with when (seconds since the
  // epoch): what Pacemaker records as their #node-unfenced attribute.
  const std::map<std::string, int64_t>& unfenced() const { return unfenced_; }
  void ForgetUnfenced(const std::string& node) { unfenced_.erase(node); }
  // The nodes whose fencing failed stonith-max-attempts times in a row.
  const std::set<std::string>& given_up() const { return given_up_; }
  // When Carry has something to do without any news (a delay or a retry pause ends).
  std::optional<SteadyTime> NextWake() const;
  // Every fencing operation, oldest first: those ended, then those under way (pending).
  std::vector<peer::FenceEvent> History() const;
  // A new DC takes the history its predecessor shared (a pending event there is no more).
  void SeedHistory(const std::vector<peer::FenceEvent>& events);
  // Adds the events of a history a member kept from a former DC that this one lacks, in the
  // order of their times (a pending one there failed, as in SeedHistory).
  void MergeHistory(const std::vector<peer::FenceEvent>& events);
  std::vector<LogEvent> TakeEvents();

 private:
  enum class Step { kIdle, kMetadata, kQuery, kAction };
  struct Run {
    scheduler::Fence fence;
    std::vector<std::vector<std::string>> levels;
    bool topology = false;
    size_t level = 0;
    size_t device = 0;
    Step step = Step::kIdle;
    uint64_t token = 0;  // the request in flight, 0: none
    uint32_t node = 0;   // where it runs
    std::optional<peer::FenceResult> result;  // its answer, to act on at the next Carry
    std::optional<bool> eligible;             // the agent's answer for the current device
    int tries = 0;                            // runs of the current device's action so far
    SteadyTime first_try{};                   // when the first of them began
    std::optional<SteadyTime> due;            // the current device's action waits until then
    bool priority_delay_spent = false;        // fence.priority_delay waited (or not to be)
    bool watchdog = false;                    // the devices failed: by watchdog, due then
    std::vector<std::string> fenced_by;       // the devices that succeeded on this level
    std::string failure;                      // the latest failure
    peer::FenceEvent event;                   // pending, as the history shows it
  };

  // Goes on with `run` as far as it can without an answer. True when it has ended (done or
  // failed), and the caller drops it.
  bool Advance(const Inputs& in, Run& run);
  // The devices failed or there are none: fences `run`'s target by its watchdog when it has one
  // armed (false: it has none, and the fence failed). Returns whether the run has ended.
  bool ByWatchdog(const Inputs& in, Run& run, bool& ended);
  // The current device failed (or cannot fence the target): the next device, or level.
  void DeviceFailed(Run& run, const std::string& why);
  // The actions the agent's meta-data names, as learned (none while it is not known: looking
  // must not record it as learned).
  std::set<std::string> KnownActions(const std::string& type) const;
  void Finish(const Inputs& in, Run& run, bool done);
  // Sends a request for the current device (or fails the device when no member can run it); an
  // answer that cannot come (no link) is recorded as a failed one at once.
  void Request(const Inputs& in, Run& run, Step step, const cib::Primitive& device, const std::string& action);
  std::optional<uint32_t> Executor(const Inputs& in, const cib::Primitive& device, const std::string& target) const;
  void Record(peer::FenceEvent event);

  Send send_;
  std::mt19937 random_{std::random_device{}()};  // pcmk_delay_max's random part
  uint64_t next_token_ = 1;
  std::map<std::string, Run> runs_;            // by target
  std::map<uint64_t, Run> abandoned_;          // by token: in flight when Reset dropped them
  std::vector<std::pair<Run, peer::FenceResult>> late_;  // their answers, for the next Carry
  std::map<std::string, int> failures_;        // failed attempts in a row, by target
  std::map<std::string, SteadyTime> retry_at_;  // by target
  std::set<std::string> given_up_;
  std::map<std::string, std::set<std::string>> agent_actions_;  // agent type → the actions its meta-data names
  std::vector<peer::FenceEvent> history_;  // the operations ended, oldest first
  std::vector<std::string> fenced_;
  std::map<std::string, int64_t> unfenced_;
  std::map<std::string, std::string> clients_;  // SetClient
  std::set<std::string> ended_;                 // TakeEnded
  EventLog events_;
};

}  // namespace vigil::daemon
