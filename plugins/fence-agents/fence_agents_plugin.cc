// The fence-agents plugin: every fence agent in the fence agents' directory (/usr/sbin/fence_*,
// Debian's fence-agents package) becomes an agent `stonith:fence_<name>`, run unmodified through
// the fence agent interface: argv is the agent alone, and its options go to standard input as
// name=value lines (`action=` first), as Pacemaker's fencer passes them.
//
// What a resource of the stonith class does, as Pacemaker's executor and fencer do it:
//   start       checks the device with the agent's monitor (its status, or list, when it has no
//               monitor action) and, when that succeeds, counts the device as started here;
//   stop        counts it as stopped (no agent runs);
//   monitor     a probe says whether it is started here (no agent runs); a recurring monitor
//               runs the check;
//   meta-data   the agent's own (action=metadata); validate-all is passed on;
//   on, off, reboot, status, list, list-status, monitor-like actions of the device itself: run
//               with the target node, and the agent's exit code is returned as it is (0 done;
//               for status, 2 means off).
// A check, status or list that fails is run again as Pacemaker's fencer runs it, within the
// operation's timeout (pcmk_monitor_retries, pcmk_status_retries, pcmk_list_retries: runs in all,
// 2 unless set; not after a timeout, nor once 70% of the timeout has passed). A fence action is
// retried by the DC's fencer instead (cluster/daemon/fencer.h). A device's actions on a node, its
// fence actions included, run one at a time as the executor runs a resource's operations
// (Pacemaker's pcmk_action_limit=1, its default; the CIB reader refuses another limit).
// The target of a fence action comes as the meta attribute "fence-target" (and "fence-target-nodeid"):
// the agent gets nodename=<target>, nodeid=<id>, and the target (through pcmk_host_map, when
// it names it) as the host argument (pcmk_host_argument, "port" by default; "none" for none).
// Pacemaker's own device parameters (pcmk_*, provides, stonith-timeout) are not passed to the
// agent; pcmk_<action>_action replaces the action's name.
#include <dirent.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "common/fence_hosts.h"
#include "plugins/common/plugin_op.h"
#include "plugins/common/script_runner.h"
#include "vigil/agent.h"

extern char** environ;

namespace vigil::fence_agents {
namespace {

using Agent = plugin::ScriptAgent;  // stonith:<file>

struct Plugin : plugin::ScriptPlugin {
  const vigil_host* host = nullptr;
  std::string dir;

  std::mutex mu;
  std::set<std::string> started;            // resources started here
  std::map<size_t, std::string> check_of;  // agent → its check action (monitor, status or list)
};

void HostLog(const vigil_host* host, int level, const std::string& message) {
  if (host && host->log) host->log(host->ctx, level, message.c_str());
}

void Scan(Plugin* p) {
  std::vector<std::string> names;
  if (DIR* d = ::opendir(p->dir.c_str())) {
    while (dirent* e = ::readdir(d)) {
      if (std::strncmp(e->d_name, "fence_", 6) == 0) names.emplace_back(e->d_name);
    }
    ::closedir(d);
  }
  std::sort(names.begin(), names.end());
  for (const auto& n : names) {
    const std::string path = p->dir + "/" + n;
    struct stat st{};
    if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode) || ::access(path.c_str(), X_OK) != 0) continue;
    p->agents.push_back({"stonith:" + n, path});
  }
}

const char* Find(const vigil_param* list, size_t count, std::string_view name) {
  for (size_t i = 0; i < count; ++i) {
    if (name == list[i].name) return list[i].value;
  }
  return nullptr;
}

// Pacemaker's own device parameters, which the agent never sees (pcmk_stonith_param).
bool PacemakerParam(std::string_view name) {
  if (name == "provides" || name == "stonith-timeout") return true;
  if (!name.starts_with("pcmk_")) return false;
  static const char* const kNamed[] = {"pcmk_action_limit", "pcmk_delay_base", "pcmk_delay_max",
                                       "pcmk_host_argument", "pcmk_host_check", "pcmk_host_list",
                                       "pcmk_host_map"};
  if (std::any_of(std::begin(kNamed), std::end(kNamed), [&](const char* k) { return name == k; })) return true;
  const size_t underscore = name.find('_', 5);  // past "pcmk_<action>"
  if (underscore == std::string_view::npos) return false;
  const std::string_view rest = name.substr(underscore);
  return rest == "_action" || rest == "_timeout" || rest == "_retries";
}

// The lines the agent reads: the action, the target, then the device's parameters.
std::string Input(const vigil_op& op, const std::string& action) {
  std::string agent_action = action;
  if (const char* alias = Find(op.params, op.param_count, "pcmk_" + action + "_action"); alias && *alias) {
    agent_action = alias;
  }
  std::string in = "action=" + agent_action + "\n";
  const char* target = Find(op.meta, op.meta_count, "fence-target");
  if (target != nullptr && *target) {
    in += std::string("nodename=") + target + "\n";
    if (const char* id = Find(op.meta, op.meta_count, "fence-target-nodeid"); id && *id) in += std::string("nodeid=") + id + "\n";
    const char* host_argument = Find(op.params, op.param_count, "pcmk_host_argument");
    const std::string argument = host_argument && *host_argument ? host_argument : "port";
    const char* given = Find(op.params, op.param_count, argument);
    if (strcasecmp(argument.c_str(), "none") != 0 && (given == nullptr || strcasecmp(given, "dynamic") == 0)) {
      const char* map = Find(op.params, op.param_count, "pcmk_host_map");
      const std::string plug = map != nullptr ? MappedPlug(map, target) : std::string();
      in += argument + "=" + (plug.empty() ? std::string(target) : plug) + "\n";
    }
  }
  for (size_t i = 0; i < op.param_count; ++i) {
    const std::string_view name = op.params[i].name;
    if (name == "action" || PacemakerParam(name)) continue;
    if (target != nullptr && *target && (name == "nodename" || name == "nodeid")) continue;
    in += std::string(name) + "=" + op.params[i].value + "\n";
  }
  return in;
}

// The agent's environment: the host's own, without what Pacemaker's executor would not pass.
std::vector<std::string> Environment() {
  std::vector<std::string> env;
  for (char** e = environ; e && *e; ++e) {
    if (std::strncmp(*e, "OCF_", 4) == 0) continue;
    env.emplace_back(*e);
  }
  return env;
}

// Why it failed: the last line of its standard error that says so, else the last line.
std::string Reason(const std::string& err) {
  std::string last, error;
  size_t at = 0;
  while (at < err.size()) {
    size_t end = err.find('\n', at);
    if (end == std::string::npos) end = err.size();
    std::string line = err.substr(at, end - at);
    at = end + 1;
    if (line.empty()) continue;
    if (line.find("ERROR") != std::string::npos || line.find("Failed") != std::string::npos) error = line;
    last = line;
  }
  return error.empty() ? last : error;
}

struct Run {
  int code = VIGIL_OCF_ERR_GENERIC;  // the agent's exit code, or a VIGIL_EXEC_* value
  std::string out;
  // False when the agent did not run at all: `code` is then an OCF code of the plugin's own
  // (not configured, not installed), not the agent's.
  bool ran = true;
};

Run RunAgent(const Agent& a, const vigil_op& op, const std::string& action) {
  // A value cannot span lines in this interface: a line break would start another option.
  for (size_t i = 0; i < op.param_count; ++i) {
    if (std::strchr(op.params[i].value, '\n') != nullptr) {
      plugin::WriteText(op.reason, std::string("the value of ") + op.params[i].name +
                                       " holds a line break, which a fence agent cannot be given");
      return {VIGIL_OCF_ERR_CONFIGURED, {}, false};
    }
  }
  plugin::ScriptRun run;
  run.path = a.path;
  run.input = Input(op, action);
  run.environment = Environment();
  run.timeout = std::chrono::milliseconds(op.timeout_ms);
  if (op.is_cancelled) run.is_cancelled = [&op] { return op.is_cancelled(op.host_ctx) != 0; };
  const plugin::ScriptOutcome r = plugin::RunScript(run);
  using How = plugin::ScriptOutcome::How;
  switch (r.how) {
    case How::kExited:
      if (r.exit_code != 0) plugin::WriteText(op.reason, Reason(r.err));
      return {r.exit_code, r.out};
    case How::kSignalled:
      plugin::WriteText(op.reason, a.path + " " + action + " was killed by signal " + std::to_string(r.exit_code));
      return {VIGIL_OCF_ERR_GENERIC, r.out};
    case How::kTimedOut:
      plugin::WriteText(op.reason, a.path + " " + action + " did not finish within " + std::to_string(op.timeout_ms) +
                           " ms; its process group was killed");
      return {VIGIL_EXEC_TIMED_OUT, r.out};
    case How::kCancelled:
      plugin::WriteText(op.reason, a.path + " " + action + " was cancelled; its process group was killed");
      return {VIGIL_EXEC_CANCELLED, r.out};
    case How::kNotRun:
      break;
  }
  std::string why = r.error;
  if (r.error_errno) why += std::string(": ") + std::strerror(r.error_errno);
  plugin::WriteText(op.reason, why);
  return {VIGIL_OCF_ERR_INSTALLED, {}, false};
}

// pcmk_<action>_retries of the device: how many runs in all (the first counts), 2 unless set.
int RunsAllowed(const vigil_op& op, const std::string& action) {
  const char* v = Find(op.params, op.param_count, "pcmk_" + action + "_retries");
  if (v == nullptr || *v == '\0') return 2;
  return std::clamp(std::atoi(v), 1, 100);
}

// Runs `agent_action` as Pacemaker's fencer runs a device's `action` (monitor, status, list):
// after a run that did not succeed (`ok` says which did), again while fewer than
// pcmk_<action>_retries runs were made, the last did not time out, and less than 70% of the
// operation's timeout has passed; each run within what is left of it.
template <typename Ok>
Run RunRetried(const Agent& a, const vigil_op& op, const std::string& action, const std::string& agent_action, Ok ok) {
  const auto start = std::chrono::steady_clock::now();
  const auto timeout = std::chrono::milliseconds(op.timeout_ms);
  const int allowed = RunsAllowed(op, action);
  vigil_op each = op;
  for (int runs = 1;; ++runs) {
    const Run r = RunAgent(a, each, agent_action);
    const auto spent = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
    if (ok(r) || !r.ran || r.code < 0 || runs >= allowed || spent >= timeout * 7 / 10) return r;
    each.timeout_ms = static_cast<uint32_t>((timeout - spent).count());
  }
}

// How the device is checked: the agent's monitor, else its status, else its list (as Pacemaker's
// fencer chooses), from the actions its meta-data names; learned once per agent.
std::string CheckAction(Plugin* p, size_t index, const vigil_op& op) {
  {
    std::lock_guard<std::mutex> lock(p->mu);
    if (const auto it = p->check_of.find(index); it != p->check_of.end()) return it->second;
  }
  vigil_op quiet = op;
  quiet.reason = {};
  const Run meta = RunAgent(p->agents[index], quiet, "metadata");
  if (meta.code != 0) return "monitor";
  auto has = [&](const char* action) {
    return meta.out.find(std::string("<action name=\"") + action + "\"") != std::string::npos;
  };
  const std::string check = has("monitor") ? "monitor" : has("status") ? "status" : has("list") ? "list" : "monitor";
  std::lock_guard<std::mutex> lock(p->mu);
  p->check_of[index] = check;
  return check;
}

int Execute(void* ctx, size_t index, const vigil_op* op) {
  auto* p = static_cast<Plugin*>(ctx);
  if (index >= p->agents.size()) {
    plugin::WriteText(op->reason, "no such agent");
    return VIGIL_OCF_ERR_INSTALLED;
  }
  const Agent& a = p->agents[index];
  const std::string action = op->action;
  const std::string resource = op->resource ? op->resource : "";
  auto is_started = [&] {
    std::lock_guard<std::mutex> lock(p->mu);
    return p->started.count(resource) > 0;
  };
  if (action == "meta-data") {
    const Run r = RunAgent(a, *op, "metadata");
    plugin::WriteText(op->output, r.out);
    return r.code;
  }
  if (action == "stop") {
    std::lock_guard<std::mutex> lock(p->mu);
    p->started.erase(resource);
    return VIGIL_OCF_SUCCESS;
  }
  // A probe says what this node did with the device, without running the agent.
  if (action == "monitor" && op->interval_ms == 0) return is_started() ? VIGIL_OCF_SUCCESS : VIGIL_OCF_NOT_RUNNING;
  if (action == "monitor" && !is_started()) return VIGIL_OCF_NOT_RUNNING;
  if (action == "start" || action == "monitor") {
    const std::string check = CheckAction(p, index, *op);
    // A status that finds the target off still reached the device.
    auto reached = [&](const Run& r) { return r.code == 0 || (check == "status" && r.code == 2); };
    const Run r = RunRetried(a, *op, "monitor", check, reached);
    plugin::WriteText(op->output, r.out);
    if (r.code < 0 || !r.ran) return r.code;
    if (!reached(r)) return VIGIL_OCF_ERR_GENERIC;
    if (action == "start") {
      std::lock_guard<std::mutex> lock(p->mu);
      p->started.insert(resource);
    }
    return VIGIL_OCF_SUCCESS;
  }
  static const char* const kDeviceActions[] = {"on", "off", "reboot", "status", "list", "list-status", "validate-all"};
  if (std::none_of(std::begin(kDeviceActions), std::end(kDeviceActions), [&](const char* k) { return action == k; })) {
    plugin::WriteText(op->reason, "a fence device has no " + action + " action");
    return VIGIL_OCF_ERR_UNIMPLEMENTED;
  }
  // A status or list that fails is run again as Pacemaker's fencer runs it (pcmk_status_retries,
  // pcmk_list_retries); a fence action is retried by the DC's fencer, which chooses the devices.
  Run r;
  if (action == "status") {
    r = RunRetried(a, *op, action, action, [](const Run& run) { return run.code == 0 || run.code == 2; });
  } else if (action == "list" || action == "list-status") {
    r = RunRetried(a, *op, action, action, [](const Run& run) { return run.code == 0; });
  } else {
    r = RunAgent(a, *op, action);
  }
  plugin::WriteText(op->output, r.out);
  return r.code;
}

void Unload(void* ctx) { delete static_cast<Plugin*>(ctx); }

}  // namespace
}  // namespace vigil::fence_agents

extern "C" __attribute__((visibility("default"))) const vigil_plugin* vigil_plugin_entry(const vigil_host* host) {
  using namespace vigil::fence_agents;
  auto* p = new Plugin;
  p->host = host;
  const char* dir = host && host->setting ? host->setting(host->ctx, "fence_agents_dir") : nullptr;
  p->dir = dir && *dir ? dir : "/usr/sbin";
  Scan(p);
  if (p->agents.empty()) HostLog(host, VIGIL_LOG_DEBUG, "fence-agents: no fence_* agents in " + p->dir);
  return p->Fill("fence-agents", Execute, Unload);
}
