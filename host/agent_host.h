// AgentHost: the registry, a worker pool and an executor wired together; what `vigil agent` and
// (later) vigild's executor child use. Every operation but meta-data is checked before it runs:
// the agent exists, its meta-data is valid enough to read, and the parameters fit it (unknown
// name, missing required, wrong type); a failed check is an error and the agent is not called.
#pragma once

#include <memory>

#include "common/clock.h"
#include "host/executor.h"
#include "host/registry.h"
#include "host/worker_pool.h"

namespace vigil {

class AgentHost {
 public:
  // Loads the plugins and starts the executor's thread.
  explicit AgentHost(RegistryOptions options, const Clock& clock = SystemClock::Instance());
  ~AgentHost();

  const AgentRegistry& registry() const { return *registry_; }
  Executor& executor() { return *executor_; }

  // The check that Submit makes.
  Status Check(const Operation& op) const;
  // Checks, then submits; the callback runs on the thread that dispatches (see Executor).
  Result<uint64_t> Submit(Operation op, Executor::Callback on_result);
  // Checks, submits and waits for the first result.
  Result<OperationResult> RunAndWait(Operation op);

 private:
  class PluginRunner;
  std::unique_ptr<AgentRegistry> registry_;
  std::unique_ptr<WorkerPool> pool_;
  std::unique_ptr<PluginRunner> runner_;
  std::unique_ptr<Executor> executor_;
};

}  // namespace vigil
