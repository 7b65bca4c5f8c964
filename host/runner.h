// OperationRunner: the seam between the executor's bookkeeping and the agents that do the work.
// The real one (PluginRunner) calls plugins on a worker pool; tests use a fake that finishes
// operations when the test says so.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>

#include "host/operation.h"

namespace vigil {

// Raised by the executor when it gives up on a running operation. Thread-safe.
class CancelToken {
 public:
  void Cancel() { cancelled_.store(true, std::memory_order_release); }
  bool cancelled() const { return cancelled_.load(std::memory_order_acquire); }

 private:
  std::atomic<bool> cancelled_{false};
};

// What a run produced. `rc` is an OCF code or VIGIL_EXEC_TIMED_OUT / VIGIL_EXEC_CANCELLED.
struct RunOutcome {
  int rc = 1;
  std::string reason;
  std::string output;
  bool not_run = false;  // the agent could not be called at all (unknown agent, plugin threw)
};

class OperationRunner {
 public:
  virtual ~OperationRunner() = default;
  // Starts `op`; calls `done` exactly once, on any thread (possibly before Start returns).
  // `op` stays valid until `done` is called.
  virtual void Start(const Operation& op, std::shared_ptr<const CancelToken> cancel,
                     std::function<void(RunOutcome)> done) = 0;
};

}  // namespace vigil
