// The messages vigild exchange over a Link (link.h), and their encoding: a type byte, then the
// fields in order (integers big-endian, strings as a u32 length and the bytes). Decode checks
// every length and refuses trailing bytes. Thread-safe: no state.
#pragma once

#include <cstdint>
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
};

// DC → member: every node's state as the DC last planned from (membership fields included), so
// that `vigil status` and `cib-query` on any node show where resources run and what failed.
struct StatusCopy {
  std::vector<cib::NodeState> states;
};
// Member → DC, then DC → every member: forget resource `rsc`'s history and fail counts on `node`
// (empty: on every node), so that it is probed again (crm resource cleanup).
struct Cleanup {
  std::string rsc;
  std::string node;
};

using Message = std::variant<Join, CibCopy, Change, ChangeResult, Execute, NodeUpdate, StatusCopy, Cleanup>;

std::string Encode(const Message& message);
// Errors (kParseError): an unknown type, a field cut short, bytes after the last field.
Result<Message> Decode(std::string_view bytes);

}  // namespace vigil::peer
