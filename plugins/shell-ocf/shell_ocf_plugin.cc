// The shell-ocf plugin: every OCF script under $OCF_ROOT/resource.d/<provider>/<type> becomes an
// agent `ocf:<provider>:<type>`, run unmodified with the environment Pacemaker gives it.
//
// Environment (as Pacemaker 2.1's executor builds it): the host's own environment without any
// OCF_* variable, plus OCF_ROOT, OCF_RA_VERSION_MAJOR/MINOR (1.1), OCF_RESOURCE_INSTANCE,
// OCF_RESOURCE_TYPE, OCF_RESOURCE_PROVIDER, OCF_RESKEY_<param> for every parameter,
// OCF_RESKEY_CRM_meta_<name> for every meta attribute (dashes become underscores) with timeout
// and interval in milliseconds, OCF_CHECK_LEVEL, OCF_EXIT_REASON_PREFIX, and HA_RSCTMP when the
// host sets a resource temp directory. The exit reason is the text after the prefix on the
// first stderr line that carries it.
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "plugins/common/plugin_op.h"
#include "plugins/common/script_runner.h"
#include "vigil/agent.h"

extern char** environ;

namespace vigil::shell_ocf {
namespace {

constexpr const char* kExitReasonPrefix = "ocf-exit-reason:";

// A script's provider and type, beside its entry in ScriptPlugin::agents (same index).
struct Script {
  std::string provider;
  std::string type;
};

struct Plugin : plugin::ScriptPlugin {
  const vigil_host* host = nullptr;
  std::string ocf_root;
  std::string rsc_tmp;
  std::vector<Script> scripts;
};

void HostLog(const vigil_host* host, int level, const std::string& message) {
  if (host && host->log) host->log(host->ctx, level, message.c_str());
}

std::vector<std::string> SortedEntries(const std::string& dir) {
  std::vector<std::string> names;
  DIR* d = ::opendir(dir.c_str());
  if (!d) return names;
  while (dirent* e = ::readdir(d)) {
    if (e->d_name[0] == '.') continue;  // ".", "..", and ocf-shellfuncs' .ocf-* helpers
    names.emplace_back(e->d_name);
  }
  ::closedir(d);
  std::sort(names.begin(), names.end());
  return names;
}

// Every regular file (through symlinks) two levels below resource.d. A file that is not
// executable is still listed: running it reports OCF_ERR_INSTALLED with the reason.
void Scan(Plugin* p) {
  const std::string base = p->ocf_root + "/resource.d";
  for (const auto& provider : SortedEntries(base)) {
    const std::string pdir = base + "/" + provider;
    struct stat st{};
    if (::stat(pdir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) continue;
    for (const auto& type : SortedEntries(pdir)) {
      const std::string path = pdir + "/" + type;
      if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
      p->agents.push_back({"ocf:" + provider + ":" + type, path});
      p->scripts.push_back({provider, type});
    }
  }
}

std::string MetaName(const char* name) {
  std::string s = name;
  std::replace(s.begin(), s.end(), '-', '_');
  return s;
}

std::vector<std::string> BuildEnvironment(const Plugin& p, const Script& s, const vigil_op& op) {
  std::vector<std::string> env;
  for (char** e = environ; e && *e; ++e) {
    if (std::strncmp(*e, "OCF_", 4) == 0 || std::strncmp(*e, "HA_RSCTMP=", 10) == 0) continue;
    env.emplace_back(*e);
  }
  env.push_back("OCF_ROOT=" + p.ocf_root);
  env.push_back("OCF_RA_VERSION_MAJOR=1");
  env.push_back("OCF_RA_VERSION_MINOR=1");
  env.push_back(std::string("OCF_RESOURCE_INSTANCE=") + (op.resource ? op.resource : ""));
  env.push_back("OCF_RESOURCE_TYPE=" + s.type);
  env.push_back("OCF_RESOURCE_PROVIDER=" + s.provider);
  env.push_back(std::string("OCF_EXIT_REASON_PREFIX=") + kExitReasonPrefix);
  env.push_back("OCF_CHECK_LEVEL=" + std::to_string(op.check_level));
  if (!p.rsc_tmp.empty()) env.push_back("HA_RSCTMP=" + p.rsc_tmp);
  for (size_t i = 0; i < op.param_count; ++i) {
    env.push_back(std::string("OCF_RESKEY_") + op.params[i].name + "=" + op.params[i].value);
  }
  for (size_t i = 0; i < op.meta_count; ++i) {
    std::string name = MetaName(op.meta[i].name);
    if (name == "timeout" || name == "interval") continue;  // the operation's own values win
    env.push_back("OCF_RESKEY_CRM_meta_" + name + "=" + op.meta[i].value);
  }
  env.push_back("OCF_RESKEY_CRM_meta_timeout=" + std::to_string(op.timeout_ms));
  env.push_back("OCF_RESKEY_CRM_meta_interval=" + std::to_string(op.interval_ms));
  return env;
}

std::string ExitReason(const std::string& err) {
  auto at = err.find(kExitReasonPrefix);
  if (at == std::string::npos) return {};
  at += std::strlen(kExitReasonPrefix);
  auto end = err.find('\n', at);
  return err.substr(at, end == std::string::npos ? std::string::npos : end - at);
}

int Execute(void* ctx, size_t index, const vigil_op* op) {
  auto* p = static_cast<Plugin*>(ctx);
  if (index >= p->agents.size()) {
    plugin::WriteText(op->reason, "no such agent");
    return VIGIL_OCF_ERR_INSTALLED;
  }
  const Script& s = p->scripts[index];
  const std::string& path = p->agents[index].path;
  plugin::ScriptRun run;
  run.path = path;
  run.action = op->action;
  run.environment = BuildEnvironment(*p, s, *op);
  run.timeout = std::chrono::milliseconds(op->timeout_ms);
  if (op->is_cancelled) {
    run.is_cancelled = [op] { return op->is_cancelled(op->host_ctx) != 0; };
  }
  plugin::ScriptOutcome r = plugin::RunScript(run);
  plugin::WriteText(op->output, r.out);
  if (r.out_truncated) plugin::WriteText(op->output, "\n[output truncated]\n");
  using How = plugin::ScriptOutcome::How;
  switch (r.how) {
    case How::kExited:
      plugin::WriteText(op->reason, ExitReason(r.err));
      return r.exit_code;
    case How::kSignalled:
      plugin::WriteText(op->reason, path + " was killed by signal " + std::to_string(r.exit_code) + " (" +
                            strsignal(r.exit_code) + ")");
      return VIGIL_OCF_ERR_GENERIC;
    case How::kTimedOut:
      plugin::WriteText(op->reason, path + " " + op->action + " did not finish within " +
                            std::to_string(op->timeout_ms) + " ms; its process group was killed");
      return VIGIL_EXEC_TIMED_OUT;
    case How::kCancelled:
      plugin::WriteText(op->reason, path + " " + op->action + " was cancelled; its process group was killed");
      return VIGIL_EXEC_CANCELLED;
    case How::kNotRun:
      break;
  }
  std::string why = r.error;
  if (r.error_errno) why += std::string(": ") + std::strerror(r.error_errno);
  plugin::WriteText(op->reason, why);
  // Pacemaker reports an agent it cannot execute as not installed.
  return VIGIL_OCF_ERR_INSTALLED;
}

void Unload(void* ctx) { delete static_cast<Plugin*>(ctx); }

}  // namespace
}  // namespace vigil::shell_ocf

extern "C" __attribute__((visibility("default"))) const vigil_plugin* vigil_plugin_entry(
    const vigil_host* host) {
  using namespace vigil::shell_ocf;
  auto* p = new Plugin;
  p->host = host;
  const char* root = host && host->setting ? host->setting(host->ctx, "ocf_root") : nullptr;
  p->ocf_root = root && *root ? root : "/usr/lib/ocf";
  const char* tmp = host && host->setting ? host->setting(host->ctx, "rsc_tmp") : nullptr;
  if (tmp) p->rsc_tmp = tmp;
  Scan(p);
  if (p->agents.empty()) {
    HostLog(host, VIGIL_LOG_DEBUG, "shell-ocf: no OCF scripts under " + p->ocf_root + "/resource.d");
  }
  return p->Fill("shell-ocf", Execute, Unload);
}
