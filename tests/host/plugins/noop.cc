// A native test plugin: ocf:vigiltest:Noop keeps a started/stopped (and promoted) flag per
// resource in memory and returns at once, notify included (the executor benchmark and the native half of the host tests use it);
// ocf:vigiltest:Sleep sleeps `ms` milliseconds in any action, watching the cancellation flag.
#include <chrono>
#include <cstring>
#include <mutex>
#include <set>
#include <string>
#include <thread>

#include "vigil/agent.h"

namespace {

const char kNoopMeta[] = R"(<?xml version="1.0"?>
<resource-agent name="Noop" version="1.0">
<version>1.1</version>
<longdesc lang="en">Does nothing, natively: remembers whether it was started.</longdesc>
<shortdesc lang="en">No-op native agent</shortdesc>
<parameters>
<parameter name="label" unique="0" required="0">
<longdesc lang="en">Any text.</longdesc>
<shortdesc lang="en">Label</shortdesc>
<content type="string" default=""/>
</parameter>
</parameters>
<actions>
<action name="start" timeout="20s"/>
<action name="stop" timeout="20s"/>
<action name="monitor" timeout="20s" interval="10s" depth="0"/>
<action name="promote" timeout="20s"/>
<action name="demote" timeout="20s"/>
<action name="notify" timeout="20s"/>
<action name="meta-data" timeout="5s"/>
<action name="validate-all" timeout="20s"/>
</actions>
</resource-agent>
)";

const char kSleepMeta[] = R"(<?xml version="1.0"?>
<resource-agent name="Sleep" version="1.0">
<version>1.1</version>
<longdesc lang="en">Sleeps in every action.</longdesc>
<shortdesc lang="en">Sleeping native agent</shortdesc>
<parameters>
<parameter name="ms" unique="0" required="1">
<longdesc lang="en">How long each action sleeps, in milliseconds.</longdesc>
<shortdesc lang="en">Sleep</shortdesc>
<content type="integer"/>
</parameter>
<parameter name="ignore_cancel" unique="0" required="0">
<longdesc lang="en">Sleep on through cancellation, like a plugin that hangs.</longdesc>
<shortdesc lang="en">Ignore cancellation</shortdesc>
<content type="boolean" default="false"/>
</parameter>
</parameters>
<actions>
<action name="start" timeout="20s"/>
<action name="stop" timeout="20s"/>
<action name="monitor" timeout="20s" interval="10s"/>
<action name="meta-data" timeout="5s"/>
<action name="validate-all" timeout="20s"/>
</actions>
</resource-agent>
)";

std::mutex g_mu;
std::set<std::string> g_started;
std::set<std::string> g_promoted;

void Write(const vigil_text_sink& sink, const char* text) {
  if (sink.write) sink.write(sink.ctx, text, std::strlen(text));
}

size_t Count(void*) { return 2; }

int Info(void*, size_t index, vigil_agent_info* out) {
  if (index > 1) return -1;
  out->name = index == 0 ? "ocf:vigiltest:Noop" : "ocf:vigiltest:Sleep";
  out->kind = VIGIL_AGENT_NATIVE;
  out->implementation = "";
  return 0;
}

int Noop(const vigil_op* op) {
  const std::string action = op->action;
  if (action == "meta-data") {
    Write(op->output, kNoopMeta);
    return VIGIL_OCF_SUCCESS;
  }
  if (action == "validate-all") return VIGIL_OCF_SUCCESS;
  std::lock_guard<std::mutex> lock(g_mu);
  if (action == "start") {
    g_started.insert(op->resource);
    return VIGIL_OCF_SUCCESS;
  }
  if (action == "stop") {
    g_started.erase(op->resource);
    g_promoted.erase(op->resource);
    return VIGIL_OCF_SUCCESS;
  }
  if (action == "monitor") {
    if (g_promoted.count(op->resource)) return VIGIL_OCF_RUNNING_PROMOTED;
    return g_started.count(op->resource) ? VIGIL_OCF_SUCCESS : VIGIL_OCF_NOT_RUNNING;
  }
  // Roles, as a promotable clone's instance has them: only a started one changes role.
  if (action == "promote" || action == "demote") {
    if (!g_started.count(op->resource)) return VIGIL_OCF_NOT_RUNNING;
    if (action == "promote") g_promoted.insert(op->resource);
    if (action == "demote") g_promoted.erase(op->resource);
    return VIGIL_OCF_SUCCESS;
  }
  if (action == "notify") return VIGIL_OCF_SUCCESS;
  Write(op->reason, "action not implemented");
  return VIGIL_OCF_ERR_UNIMPLEMENTED;
}

int Sleep(const vigil_op* op) {
  if (std::strcmp(op->action, "meta-data") == 0) {
    Write(op->output, kSleepMeta);
    return VIGIL_OCF_SUCCESS;
  }
  long ms = 0;
  bool ignore_cancel = false;
  for (size_t i = 0; i < op->param_count; ++i) {
    if (std::strcmp(op->params[i].name, "ms") == 0) ms = std::strtol(op->params[i].value, nullptr, 10);
    if (std::strcmp(op->params[i].name, "ignore_cancel") == 0) {
      ignore_cancel = std::strcmp(op->params[i].value, "true") == 0;
    }
  }
  const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
  while (std::chrono::steady_clock::now() < until) {
    if (!ignore_cancel && op->is_cancelled && op->is_cancelled(op->host_ctx)) {
      return VIGIL_EXEC_CANCELLED;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return std::strcmp(op->action, "monitor") == 0 ? VIGIL_OCF_NOT_RUNNING : VIGIL_OCF_SUCCESS;
}

int Execute(void*, size_t index, const vigil_op* op) { return index == 0 ? Noop(op) : Sleep(op); }

void Unload(void*) {}

const vigil_plugin kTable = {VIGIL_ABI_MAJOR, VIGIL_ABI_MINOR, sizeof(vigil_plugin), "noop",
                             nullptr,         Count,           Info,                 Execute,
                             Unload};

}  // namespace

extern "C" __attribute__((visibility("default"))) const vigil_plugin* vigil_plugin_entry(
    const vigil_host*) {
  return &kTable;
}
