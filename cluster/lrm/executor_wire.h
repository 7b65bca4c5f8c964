// What vigild and its executor child say to each other over their socket pair: frames of a u32
// big-endian length and a message (a type byte and the fields, as in cluster/peer/messages.h).
//
//   vigild → child:  Run (a call id chosen by vigild and the operation), Cancel (a call id),
//                    Check (a call id and an operation to check, not run: the agent is installed
//                    and the parameters fit its meta-data), Renew (the lease: how long the child
//                    may keep resources without hearing from vigild again, and how many of the
//                    child's lapses vigild has taken note of)
//   child → vigild:  Result (the call id and one result; a recurring call gets one per run; a
//                    check gets kDone and rc 0, or kError with the refusal's OCF code and why),
//                    Lapsed (the lease ran out: the child withdrew every call and stopped every
//                    resource; the lapse's number, counted from 1)
//
// Decode checks every length and refuses trailing bytes: the two ends are one binary, but a
// frame cut by a dying process must not be read as another.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

#include "common/status.h"
#include "host/operation.h"

namespace vigil::lrm {

constexpr size_t kMaxFrame = 16 << 20;

struct RunRequest {
  uint64_t call = 0;
  Operation op;
};
struct CheckRequest {
  uint64_t call = 0;
  Operation op;
};
struct CancelRequest {
  uint64_t call = 0;
};
struct RunResult {
  uint64_t call = 0;
  OperationResult result;
};
struct RenewRequest {
  uint64_t lease_ms = 0;
  uint64_t lapses_seen = 0;
};
struct LapsedNotice {
  uint64_t lapse = 0;
};

using ExecutorMessage = std::variant<RunRequest, CancelRequest, RunResult, CheckRequest, RenewRequest, LapsedNotice>;

// The framed message.
std::string EncodeFrame(const ExecutorMessage& message);
// A frame's message (without the length). Errors: kParseError naming what is wrong.
Result<ExecutorMessage> DecodeMessage(std::string_view bytes);

// Takes whole frames off the front of `buffer`: their messages, in order. A frame longer than
// kMaxFrame or one that does not decode is an error (the stream cannot be trusted after it).
Result<std::vector<ExecutorMessage>> TakeFrames(std::string& buffer);

}  // namespace vigil::lrm
