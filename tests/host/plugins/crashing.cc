// A native test plugin whose monitor crashes the process it runs in: ocf:vigiltest:Crash keeps
// its state in the file <rsc_tmp>/Crash-<resource>.state (so that it outlives the executor child,
// and each node has its own), and a monitor that finds that name with ".crash" appended removes
// it and aborts, once. It is how the cluster tests show a plugin
// that crashes in monitor: the executor child dies with it, and vigild carries on.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include <unistd.h>

#include "vigil/agent.h"

namespace {

const char kMeta[] = R"(<?xml version="1.0"?>
<resource-agent name="Crash" version="1.0">
<version>1.1</version>
<longdesc lang="en">Runs while its state file exists; a monitor that finds the crash file aborts.</longdesc>
<shortdesc lang="en">Crashing native agent</shortdesc>
<parameters/>
<actions>
<action name="start" timeout="20s"/>
<action name="stop" timeout="20s"/>
<action name="monitor" timeout="20s" interval="10s" depth="0"/>
<action name="meta-data" timeout="5s"/>
</actions>
</resource-agent>
)";

const vigil_host* g_host = nullptr;

size_t Count(void*) { return 1; }

int Info(void*, size_t index, vigil_agent_info* out) {
  if (index > 0) return -1;
  out->name = "ocf:vigiltest:Crash";
  out->kind = VIGIL_AGENT_NATIVE;
  out->implementation = "";
  return 0;
}

int Execute(void*, size_t, const vigil_op* op) {
  const std::string action = op->action;
  if (action == "meta-data") {
    if (op->output.write) op->output.write(op->output.ctx, kMeta, std::strlen(kMeta));
    return VIGIL_OCF_SUCCESS;
  }
  const char* dir = g_host != nullptr && g_host->setting != nullptr ? g_host->setting(g_host->ctx, "rsc_tmp") : nullptr;
  const std::string state = std::string(dir != nullptr ? dir : "/tmp") + "/Crash-" + op->resource + ".state";
  if (action == "start") {
    FILE* f = std::fopen(state.c_str(), "w");
    if (f == nullptr) return VIGIL_OCF_ERR_GENERIC;
    std::fclose(f);
    return VIGIL_OCF_SUCCESS;
  }
  if (action == "stop") {
    std::remove(state.c_str());
    return VIGIL_OCF_SUCCESS;
  }
  if (action == "monitor") {
    const std::string crash = state + ".crash";
    if (access(crash.c_str(), F_OK) == 0) {
      std::remove(crash.c_str());
      std::abort();
    }
    return access(state.c_str(), F_OK) == 0 ? VIGIL_OCF_SUCCESS : VIGIL_OCF_NOT_RUNNING;
  }
  return VIGIL_OCF_ERR_UNIMPLEMENTED;
}

void Unload(void*) {}

const vigil_plugin kTable = {VIGIL_ABI_MAJOR, VIGIL_ABI_MINOR, sizeof(vigil_plugin), "crashing",
                             nullptr,         Count,           Info,                 Execute,
                             Unload};

}  // namespace

extern "C" __attribute__((visibility("default"))) const vigil_plugin* vigil_plugin_entry(
    const vigil_host* host) {
  g_host = host;
  return &kTable;
}
