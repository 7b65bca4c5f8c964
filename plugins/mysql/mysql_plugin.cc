// The mysql plugin: serves ocf:heartbeat:mysql natively (see mysql_agent.h). Only the C ABI
// glue: vigil_op in, code and texts out, nothing thrown across.
#include <exception>
#include <new>
#include <string>

#include "plugins/mysql/mysql_agent.h"
#include "vigil/agent.h"

namespace vigil::mysql {
namespace {

constexpr const char* kName = "ocf:heartbeat:mysql";

struct Plugin {
  const vigil_host* host = nullptr;
  vigil_plugin table{};
};

size_t Count(void*) { return 1; }

int Info(void*, size_t index, vigil_agent_info* out) {
  if (index != 0) return -1;
  out->name = kName;
  out->kind = VIGIL_AGENT_NATIVE;
  out->implementation = "";
  return 0;
}

int ExecuteOrThrow(const Plugin* plugin, size_t index, const vigil_op* op) {
  if (index != 0) return VIGIL_OCF_ERR_INSTALLED;
  MysqlOp req;
  plugin::ReadOp(*op, &req);
  const vigil_host* host = plugin->host;
  if (host && host->setting) {
    if (const char* dir = host->setting(host->ctx, "rsc_tmp")) req.state_dir = dir;
  }
  const MysqlResult r = RunMysql(req);
  if (!r.warning.empty() && host && host->log) {
    host->log(host->ctx, VIGIL_LOG_WARNING,
              (std::string(kName) + " " + req.resource + " " + req.action + ": " + r.warning).c_str());
  }
  plugin::WriteText(op->reason, r.reason);
  plugin::WriteText(op->output, r.output);
  return r.code;
}

int Execute(void* ctx, size_t index, const vigil_op* op) {
  return plugin::CatchAll(op, [&] { return ExecuteOrThrow(static_cast<Plugin*>(ctx), index, op); });
}

void Unload(void* ctx) { delete static_cast<Plugin*>(ctx); }

}  // namespace
}  // namespace vigil::mysql

extern "C" __attribute__((visibility("default"))) const vigil_plugin* vigil_plugin_entry(
    const vigil_host* host) {
  using namespace vigil::mysql;
  auto* p = new (std::nothrow) Plugin;
  if (!p) return nullptr;
  p->host = host;
  p->table = {VIGIL_ABI_MAJOR, VIGIL_ABI_MINOR, sizeof(vigil_plugin), "mysql", p,
              Count,           Info,            Execute,              Unload};
  return &p->table;
}
