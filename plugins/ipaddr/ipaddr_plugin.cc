// The ipaddr plugin: serves ocf:heartbeat:IPaddr and ocf:heartbeat:IPaddr2 natively (see
// ipaddr_agent.h). This file is only the C ABI glue: it turns a vigil_op into an IpaddrOp, opens
// netlink in the right network namespace, and hands back the code, reason and output.
#include <fcntl.h>
#include <sched.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <exception>
#include <memory>
#include <new>
#include <string>
#include <thread>

#include "plugins/ipaddr/ipaddr_agent.h"
#include "vigil/agent.h"

namespace vigil::ipaddr {
namespace {

struct Agent {
  const char* name;
  Flavour flavour;
};
constexpr Agent kAgents[] = {{"ocf:heartbeat:IPaddr", Flavour::kIPaddr},
                             {"ocf:heartbeat:IPaddr2", Flavour::kIPaddr2}};
constexpr size_t kAgentCount = sizeof kAgents / sizeof kAgents[0];

struct Plugin {
  const vigil_host* host = nullptr;
  PacketAnnouncer announcer;
  vigil_plugin table{};
};

using plugin::WriteText;

void Log(const Plugin* p, int level, const std::string& message) {
  if (p->host && p->host->log) p->host->log(p->host->ctx, level, message.c_str());
}

IpaddrResult RunHere(const IpaddrOp& op, Announcer& announcer) {
  if (op.action == "meta-data") {
    return {VIGIL_OCF_SUCCESS, "", IpaddrMetadata(op.flavour), ""};
  }
  // One netlink connection per thread, kept: opening one costs more than a monitor's reads.
  // The host's threads never change namespace; RunInNamespace's threads are new each time.
  thread_local std::unique_ptr<Network> net;
  if (!net) {
    if (NetError e = OpenNetlinkNetwork(&net)) {
      return {e.code == EPERM || e.code == EACCES ? VIGIL_OCF_ERR_PERM : VIGIL_OCF_ERR_GENERIC,
              e.what, "", ""};
    }
  }
  IpaddrResult r = RunIpaddr(op, *net, announcer);
  // After a failure the socket may hold the rest of an answer; the next operation starts afresh.
  if (r.code != VIGIL_OCF_SUCCESS && r.code != VIGIL_OCF_NOT_RUNNING) net.reset();
  return r;
}

// network_namespace: the action runs on a thread of its own that has joined the namespace (a
// netlink or packet socket belongs to the namespace of the thread that opens it, and the
// announcer's thread inherits it).
IpaddrResult RunInNamespace(const std::string& name, const IpaddrOp& op, Announcer& announcer) {
  IpaddrResult result;
  std::thread worker([&] {
    const std::string path = "/run/netns/" + name;
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0 || ::setns(fd, CLONE_NEWNET) != 0) {
      const int err = errno;
      if (fd >= 0) ::close(fd);
      // Soft, as the script's failing `ip netns exec` is: the namespace may appear later, and
      // a probe or stop where it does not exist has nothing running to report or remove.
      const bool probe = op.action == "monitor" && op.interval_ms == 0;
      const int code = probe ? VIGIL_OCF_NOT_RUNNING
                       : op.action == "stop" ? VIGIL_OCF_SUCCESS
                       : err == EPERM || err == EACCES ? VIGIL_OCF_ERR_PERM
                                                       : VIGIL_OCF_ERR_GENERIC;
      result = {code, "network_namespace [" + name + "]: " + path + ": " + std::strerror(err), "", ""};
      return;
    }
    ::close(fd);
    result = RunHere(op, announcer);
  });
  worker.join();
  return result;
}

size_t Count(void*) { return kAgentCount; }

int Info(void*, size_t index, vigil_agent_info* out) {
  if (index >= kAgentCount) return -1;
  out->name = kAgents[index].name;
  out->kind = VIGIL_AGENT_NATIVE;
  out->implementation = "";
  return 0;
}

int ExecuteOrThrow(Plugin* plugin, size_t index, const vigil_op* op) {
  if (index >= kAgentCount) return VIGIL_OCF_ERR_INSTALLED;
  IpaddrOp req;
  plugin::ReadOp(*op, &req);
  req.flavour = kAgents[index].flavour;
  req.is_root = ::geteuid() == 0;
  auto ns = req.params.find("network_namespace");
  const IpaddrResult r =
      req.flavour == Flavour::kIPaddr2 && ns != req.params.end() && !ns->second.empty() &&
              req.action != "meta-data"
          ? RunInNamespace(ns->second, req, plugin->announcer)
          : RunHere(req, plugin->announcer);
  if (!r.warning.empty()) {
    Log(plugin, VIGIL_LOG_WARNING, std::string(kAgents[index].name) + " " + req.resource + " " +
                                       req.action + ": " + r.warning);
  }
  WriteText(op->reason, r.reason);
  WriteText(op->output, r.output);
  return r.code;
}

int Execute(void* ctx, size_t index, const vigil_op* op) {
  return plugin::CatchAll(op, [&] { return ExecuteOrThrow(static_cast<Plugin*>(ctx), index, op); });
}

void Unload(void* ctx) { delete static_cast<Plugin*>(ctx); }

}  // namespace
}  // namespace vigil::ipaddr

extern "C" __attribute__((visibility("default"))) const vigil_plugin* vigil_plugin_entry(
    const vigil_host* host) {
  using namespace vigil::ipaddr;
  auto* p = new (std::nothrow) Plugin;
  if (!p) return nullptr;
  p->host = host;
  p->table = {VIGIL_ABI_MAJOR, VIGIL_ABI_MINOR, sizeof(vigil_plugin), "ipaddr", p,
              Count,           Info,            Execute,              Unload};
  return &p->table;
}
