// The messages vigild exchange over a Link (link.h), and their encoding: a type byte, then the
// fields in order (integers big-endian, strings as a u32 length and the bytes). Decode checks
// every length and refuses trailing bytes. Thread-safe: no state.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "cluster/cib/cib.h"
#include "common/status.h"

namespace vigil::peer {

// Member → DC, first on a new link: this node's CIB, so that on a merge of partitions the
// highest version wins whichever side holds it.
struct Join {
  std::string cib;
};
// Either way: "this is the CIB I hold". The receiver adopts it if it wins (cib_sync.h).
struct CibCopy {
  std::string cib;
};
// Member → DC: a change asked for on the member's control socket, made against `expected`.
struct Change {
  uint64_t request = 0;
  cib::Versions expected;
  std::string cib;
};
// DC → member: the outcome of Change `request`: kOk and the new version's text, or the error's
// code and message.
struct ChangeResult {
  uint64_t request = 0;
  StatusCode code = StatusCode::kOk;
  std::string text;
};

// DC → node: run one operation (a probe, start, stop or recurring monitor) for transition step
// `token`.
struct Execute {
  uint64_t token = 0;
  std::string rsc;
  std::string standard, provider, type;
  std::string action;
  int64_t interval_ms = 0;
  int64_t timeout_ms = 20000;
  cib::Attributes params;
  cib::Attributes meta;
};
// Node → DC: the node's resource history and transient attributes (fail counts), whole; sent
// when it links to a DC, when the DC term changes, and whenever they change. `completed`: the
// Execute token whose result this update carries, or 0.
struct NodeUpdate {
  uint64_t completed = 0;
  uint64_t term = 0;  // the DC term the sender reports in (membership's dc_term)
  cib::NodeState state;
  // The node is shutting down cleanly (its resources stopped before it leaves): once gone it is
  // down, not unclean.
  bool leaving = false;
  // The sender's incarnation (a new one each time its vigild starts): a report made after the
  // node was fenced and came back is told from one made before.
  uint64_t incarnation = 0;
  // The timeout (seconds) of the watchdog the sender has armed for self-fencing
  // (daemon/watchdog.h); 0: none armed.
  uint32_t watchdog_s = 0;
};

// One fencing operation as the DC's fencer records it (what `crm status` lists as its fencing
// history, and stonith_admin --history).
struct FenceEvent {
  enum class State : uint8_t { kPending = 0, kDone = 1, kFailed = 2 };
  std::string target;
  std::string action;     // reboot, off or on
  State state = State::kPending;
  std::string delegate;   // the node that ran the device that settled it ("" while none has)
  std::string origin;     // the DC that asked for it
  std::string client;     // who wanted it: "vigild" (the scheduler), "stonith_admin", ...
  std::string devices;    // the devices that fenced the node, comma-separated
  std::string reason;     // why it failed
  int64_t when = 0;       // seconds since the epoch: completed, failed, or (pending) asked
  bool operator==(const FenceEvent&) const = default;
};

// DC → member: every node's state as the DC last planned from (membership fields included), so
// that `vigil status` and `cib-query` on any node show where resources run and what failed, and
// the fencing history; a member that becomes DC plans from it (which nodes were up, what they
// ran).
struct StatusCopy {
  std::vector<cib::NodeState> states;
  std::vector<FenceEvent> fencing;  // oldest first
  // The nodes the DC knows to have armed a watchdog, by name, with its timeout in seconds: a
  // next DC may have to fence one of them (the DC itself among them) by its watchdog.
  std::map<std::string, uint32_t> watchdogs;
};
// Member → DC, then DC → every member: forget resource `rsc`'s history and fail counts on `node`
// (empty: on every node), so that it is probed again (crm resource cleanup).
struct Cleanup {
  std::string rsc;
  std::string node;
};

// DC → node: run fence device `device` (the agent stonith:`type` with the device's `params`)
// with `action`: a fence action (reboot, off, on) or status for `target`, or list, or
// meta-data. Not an operation of the resource: nothing is recorded in its history.
struct FenceRequest {
  uint64_t token = 0;
  std::string device;
  std::string type;
  std::string action;
  std::string target;         // a node name; empty for list and meta-data
  std::string target_nodeid;  // its node id
  int64_t timeout_ms = 60000;
  cib::Attributes params;
};
// Node → DC: how FenceRequest `token` ended: the execution status (host/operation.h's
// ExecStatus), the agent's exit code, its reason and output.
struct FenceResult {
  uint64_t token = 0;
  uint8_t status = 0;
  int32_t rc = 1;
  std::string reason;
  std::string output;
};

// Member → DC: fence `target` by hand (crm node fence, stonith_admin): `action` reboot, off or
// on, "" for stonith-action, or "confirm" (the user vouches that it is down: nothing runs).
struct FenceAsk {
  std::string target;
  std::string action;
  std::string client;
};

using Message = std::variant<Join, CibCopy, Change, ChangeResult, Execute, NodeUpdate, StatusCopy, Cleanup,
                             FenceRequest, FenceResult, FenceAsk>;

std::string Encode(const Message& message);
// Errors (kParseError): an unknown type, a field cut short, bytes after the last field.
Result<Message> Decode(std::string_view bytes);

}  // namespace vigil::peer
