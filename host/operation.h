// Operation and OperationResult: what the executor is asked to run and what it reports.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "common/clock.h"

namespace vigil {

// Name=value pairs in the order given (instance parameters or meta attributes).
using Params = std::vector<std::pair<std::string, std::string>>;

struct Operation {
  std::string resource;  // the resource instance id
  std::string agent;     // "ocf:<provider>:<type>"
  std::string action;    // "start", "stop", "monitor", ...
  Params params;
  Params meta;
  std::chrono::milliseconds timeout{20000};
  std::chrono::milliseconds interval{0};  // > 0: recurring, first run at once
  int check_level = 0;
};

// How an operation ended, apart from the agent's exit code (Pacemaker's "execution status").
enum class ExecStatus {
  kDone,       // the agent ran and returned `rc`
  kTimedOut,   // the deadline passed; the run was stopped
  kCancelled,  // cancelled before or while it ran (for instance a monitor before a stop)
  kError,      // the operation could not be run at all (`rc` says how, `reason` why)
};

const char* ExecStatusName(ExecStatus status);

struct OperationResult {
  uint64_t call_id = 0;
  ExecStatus status = ExecStatus::kDone;
  int rc = 1;            // the OCF exit code (OCF_ERR_GENERIC for a timeout)
  std::string reason;    // the exit reason, one line
  std::string output;    // the agent's output, bounded
  Duration elapsed{0};
};

}  // namespace vigil
