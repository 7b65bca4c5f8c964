#include "host/agent_host.h"

#include <atomic>
#include <future>

#include "host/params.h"

namespace vigil {

// Runs each operation on the pool, through the registry.
class AgentHost::PluginRunner final : public OperationRunner {
 public:
  PluginRunner(const AgentRegistry& registry, WorkerPool& pool) : registry_(registry), pool_(pool) {}

  void Start(const Operation& op, std::shared_ptr<const CancelToken> cancel,
             std::function<void(RunOutcome)> done) override {
    pool_.Post([this, &op, cancel = std::move(cancel), done = std::move(done)] {
      auto agent = registry_.Find(op.agent);
      if (!agent.ok()) {
        RunOutcome out;
        out.rc = VIGIL_OCF_ERR_INSTALLED;
        out.reason = agent.status().message();
        out.not_run = true;
        done(std::move(out));
        return;
      }
      done(registry_.Run(**agent, op, cancel.get()));
    });
  }

 private:
  const AgentRegistry& registry_;
  WorkerPool& pool_;
};

AgentHost::AgentHost(RegistryOptions options, const Clock& clock)
    : registry_(std::make_unique<AgentRegistry>(std::move(options))),
      pool_(std::make_unique<WorkerPool>()),
      runner_(std::make_unique<PluginRunner>(*registry_, *pool_)),
      executor_(std::make_unique<Executor>(clock, *runner_)) {
  executor_->Start();
}

AgentHost::~AgentHost() {
  executor_.reset();  // waits for running operations
  pool_.reset();
  runner_.reset();
  registry_.reset();
}

Status AgentHost::Check(const Operation& op) const {
  auto agent = registry_->Find(op.agent);
  if (!agent.ok()) return agent.status();
  if (op.action == "meta-data") return Status::Ok();
  if (op.resource.empty()) return Status(StatusCode::kInvalidArgument, "the resource id is empty");
  auto md = registry_->SharedMetadata(**agent);
  if (!md.ok()) {
    return Status(md.status().code(),
                  "cannot check the parameters: " + md.status().message());
  }
  return ValidateParams(**md, op.agent, op.params);
}

Result<uint64_t> AgentHost::Submit(Operation op, Executor::Callback on_result) {
  if (Status s = Check(op); !s.ok()) return s;
  return executor_->Submit(std::move(op), std::move(on_result));
}

Result<OperationResult> AgentHost::RunAndWait(Operation op) {
  auto promise = std::make_shared<std::promise<OperationResult>>();
  auto first = std::make_shared<std::atomic<bool>>(true);
  auto future = promise->get_future();
  const bool recurring = op.interval.count() > 0;
  auto id = Submit(std::move(op), [promise, first](const Operation&, const OperationResult& r) {
    if (first->exchange(false)) promise->set_value(r);
  });
  if (!id.ok()) return id.status();
  OperationResult result = future.get();
  if (recurring) executor_->Cancel(*id);  // only the first run was asked for
  return result;
}

}  // namespace vigil
