#include "host/registry.h"

#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <exception>

#include "common/log.h"

namespace vigil {

namespace {

constexpr size_t kMaxOutputBytes = 1 << 20;
constexpr size_t kMaxReasonBytes = 1024;
constexpr std::chrono::milliseconds kMetadataTimeout{30000};

void HostLog(void*, int level, const char* message) {
  LogLevel l = level <= VIGIL_LOG_ERROR     ? LogLevel::kError
               : level == VIGIL_LOG_WARNING ? LogLevel::kWarning
               : level == VIGIL_LOG_INFO    ? LogLevel::kInfo
                                            : LogLevel::kDebug;
  Log(l, message ? message : "");
}

const char* HostSetting(void* ctx, const char* name) {
  auto* settings = static_cast<std::map<std::string, std::string>*>(ctx);
  auto it = settings->find(name ? name : "");
  return it == settings->end() ? nullptr : it->second.c_str();
}

struct Sink {
  std::string* text;
  size_t limit;
  bool first_line_only;
  bool truncated = false;
};

void SinkWrite(void* ctx, const char* data, size_t len) {
  auto* s = static_cast<Sink*>(ctx);
  if (!data) return;
  std::string_view chunk(data, len);
  if (s->first_line_only) {
    if (s->text->find('\n') != std::string::npos) return;
    chunk = chunk.substr(0, chunk.find('\n'));
  }
  if (s->truncated) return;
  size_t room = s->text->size() < s->limit ? s->limit - s->text->size() : 0;
  s->text->append(chunk.substr(0, room));
  if (chunk.size() > room && !s->first_line_only) {
    s->truncated = true;
    s->text->append("\n[output truncated]\n");
  }
}

int IsCancelled(void* ctx) {
  auto* token = static_cast<const CancelToken*>(ctx);
  return token && token->cancelled() ? 1 : 0;
}

std::vector<vigil_param> CParams(const Params& params) {
  std::vector<vigil_param> out;
  out.reserve(params.size());
  for (const auto& [k, v] : params) out.push_back({k.c_str(), v.c_str()});
  return out;
}

// <root>/lib/vigil of the tree the running program is installed in: the program is in <root>/bin
// (vigild, vigil, crm) or in <root>/lib/vigil/sbin (the Pacemaker tools).
std::filesystem::path InstalledLibDir() {
  std::error_code ec;
  const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) return "/usr/lib/vigil";
  const auto dir = exe.parent_path();
  // A program of lib/vigil itself (sbin: Pacemaker's tools; bin: Vigil's crm), else one of bin/ or
  // sbin/ beside lib/.
  const auto lib = dir.parent_path();
  if (lib.filename() == "vigil" && lib.parent_path().filename() == "lib") return lib;
  return (dir / ".." / "lib" / "vigil").lexically_normal();
}

}  // namespace

std::filesystem::path DefaultPluginDir() {
  if (const char* env = std::getenv("VIGIL_PLUGIN_DIR"); env && *env) return env;
  return InstalledLibDir() / "plugins";
}

std::filesystem::path PacemakerToolsDir() { return InstalledLibDir() / "sbin"; }

std::string DefaultOcfRoot() {
  const char* env = std::getenv("OCF_ROOT");
  return env && *env ? env : "/usr/lib/ocf";
}

std::string DefaultFenceAgentsDir() {
  const char* env = std::getenv("VIGIL_FENCE_AGENTS_DIR");
  return env && *env ? env : "/usr/sbin";
}

AgentRegistry::AgentRegistry(RegistryOptions options) : options_(std::move(options)) {
  settings_["ocf_root"] = options_.ocf_root;
  settings_["fence_agents_dir"] = options_.fence_agents_dir;
  if (!options_.rsc_tmp.empty()) settings_["rsc_tmp"] = options_.rsc_tmp;
  host_.abi_major = VIGIL_ABI_MAJOR;
  host_.abi_minor = VIGIL_ABI_MINOR;
  host_.size = sizeof(vigil_host);
  host_.ctx = &settings_;
  host_.log = HostLog;
  host_.setting = HostSetting;
  LoadPlugins();
}

AgentRegistry::~AgentRegistry() {
  agents_.clear();
  // Unload in reverse order of loading.
  while (!plugins_.empty()) plugins_.pop_back();
}

void AgentRegistry::LoadPlugins() {
  std::vector<std::filesystem::path> files;
  for (const auto& dir : options_.plugin_dirs) {
    std::error_code ec;
    std::vector<std::filesystem::path> here;
    for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
      if (e.path().extension() == ".so") here.push_back(e.path());
    }
    if (ec) {
      LogWarning("plugin directory " + dir.string() + ": " + ec.message());
      continue;
    }
    std::sort(here.begin(), here.end());
    files.insert(files.end(), here.begin(), here.end());
  }
  for (const auto& f : files) {
    auto loaded = LoadedPlugin::Load(f, &host_);
    if (!loaded.ok()) {
      refused_.push_back(loaded.status().message());
      LogError(loaded.status().message());
      continue;
    }
    plugins_.push_back(std::move(loaded).value());
  }
  // Native agents first, so they take their names; scripts that collide are renamed.
  std::map<std::string, AgentEntry> by_name;
  for (int pass : {VIGIL_AGENT_NATIVE, VIGIL_AGENT_SCRIPT}) {
    for (const auto& p : plugins_) {
      for (const auto& a : p->Agents()) {
        if ((a.kind == VIGIL_AGENT_SCRIPT) == (pass == VIGIL_AGENT_SCRIPT)) {
          AddAgent(*p, a, &by_name);
        }
      }
    }
  }
  for (auto& [name, entry] : by_name) agents_.push_back(std::move(entry));
  for (const auto& a : agents_) by_name_.emplace(a.name, &a);
}

void AgentRegistry::AddAgent(const LoadedPlugin& plugin, const LoadedPlugin::Agent& a,
                             std::map<std::string, AgentEntry>* by_name) {
  AgentEntry e;
  e.name = a.name;
  const auto c1 = a.name.find(':');
  e.standard = a.name.substr(0, c1);
  if (e.standard == "stonith") {
    e.type = a.name.substr(c1 + 1);
  } else {
    const auto c2 = a.name.find(':', c1 + 1);
    e.provider = a.name.substr(c1 + 1, c2 - c1 - 1);
    e.type = a.name.substr(c2 + 1);
  }
  e.kind = a.kind;
  e.implementation = a.kind == VIGIL_AGENT_SCRIPT ? a.implementation : plugin.file();
  e.plugin = &plugin;
  e.index = a.index;
  auto existing = by_name->find(e.name);
  if (existing != by_name->end()) {
    if (a.kind != VIGIL_AGENT_SCRIPT || existing->second.kind != VIGIL_AGENT_NATIVE || e.standard != "ocf") {
      LogWarning("agent " + e.name + " of " + plugin.file() + " ignored: already served by " +
                 existing->second.implementation);
      return;
    }
    e.shadowed_by = existing->second.implementation;
    e.provider += "-script";
    e.name = "ocf:" + e.provider + ":" + e.type;
    if (by_name->count(e.name)) return;
  }
  by_name->emplace(e.name, std::move(e));
}

Result<const AgentEntry*> AgentRegistry::Find(std::string_view name) const {
  auto exact = [&](std::string_view n) -> const AgentEntry* {
    auto it = by_name_.find(std::string(n));
    return it == by_name_.end() ? nullptr : it->second;
  };
  if (const AgentEntry* a = exact(name)) return a;
  if (name.find(':') == std::string_view::npos) {
    if (const AgentEntry* a = exact("ocf:heartbeat:" + std::string(name))) return a;
    const AgentEntry* only = nullptr;
    int count = 0;
    for (const auto& a : agents_) {
      if (a.type == name) {
        only = &a;
        ++count;
      }
    }
    if (count == 1) return only;
  }
  std::string hint;
  auto type = name.substr(name.rfind(':') == std::string_view::npos ? 0 : name.rfind(':') + 1);
  for (const auto& a : agents_) {
    if (a.type == type) hint += (hint.empty() ? "" : ", ") + a.name;
  }
  return Status(StatusCode::kNotFound, "agent '" + std::string(name) + "' not found" +
                                           (hint.empty() ? "" : " (did you mean " + hint + "?)"));
}

RunOutcome AgentRegistry::Run(const AgentEntry& agent, const Operation& op,
                              const CancelToken* cancel) const {
  RunOutcome out;
  auto params = CParams(op.params);
  auto meta = CParams(op.meta);
  Sink reason{&out.reason, kMaxReasonBytes, true};
  Sink output{&out.output, kMaxOutputBytes, false};
  vigil_op c{};
  c.size = sizeof(vigil_op);
  c.resource = op.resource.c_str();
  c.action = op.action.c_str();
  c.params = params.data();
  c.param_count = params.size();
  c.meta = meta.data();
  c.meta_count = meta.size();
  c.timeout_ms = static_cast<uint32_t>(std::clamp<long long>(op.timeout.count(), 0, UINT32_MAX));
  c.interval_ms = static_cast<uint32_t>(std::clamp<long long>(op.interval.count(), 0, UINT32_MAX));
  c.check_level = op.check_level;
  c.is_cancelled = IsCancelled;
  c.host_ctx = const_cast<CancelToken*>(cancel);
  c.reason = {&reason, SinkWrite};
  c.output = {&output, SinkWrite};
  try {
    out.rc = agent.plugin->table().execute(agent.plugin->table().ctx, agent.index, &c);
  } catch (const std::exception& e) {
    out.rc = VIGIL_OCF_ERR_GENERIC;
    out.reason = "plugin " + agent.plugin->file() + " threw: " + e.what();
    out.not_run = true;
  } catch (...) {
    out.rc = VIGIL_OCF_ERR_GENERIC;
    out.reason = "plugin " + agent.plugin->file() + " threw a non-standard exception";
    out.not_run = true;
  }
  return out;
}

Result<std::string> AgentRegistry::MetadataXml(const AgentEntry& agent) const {
  {
    std::lock_guard<std::mutex> lock(cache_mu_);
    auto it = metadata_cache_.find(agent.name);
    if (it != metadata_cache_.end()) return it->second;
  }
  Operation op;
  op.resource = agent.type;
  op.agent = agent.name;
  op.action = "meta-data";
  op.timeout = kMetadataTimeout;
  RunOutcome out = Run(agent, op, nullptr);
  if (out.rc != VIGIL_OCF_SUCCESS) {
    std::string why = out.rc == VIGIL_EXEC_TIMED_OUT ? "timed out" : "exit code " + std::to_string(out.rc);
    return Status(StatusCode::kInternal, "meta-data of " + agent.name + " failed (" + why + ")" +
                                             (out.reason.empty() ? "" : ": " + out.reason));
  }
  std::lock_guard<std::mutex> lock(cache_mu_);
  metadata_cache_[agent.name] = out.output;
  return out.output;
}

Result<AgentMetadata> AgentRegistry::Metadata(const AgentEntry& agent) const {
  auto md = SharedMetadata(agent);
  if (!md.ok()) return md.status();
  return **md;
}

Result<std::shared_ptr<const AgentMetadata>> AgentRegistry::SharedMetadata(
    const AgentEntry& agent) const {
  {
    std::lock_guard<std::mutex> lock(cache_mu_);
    auto it = parsed_cache_.find(agent.name);
    if (it != parsed_cache_.end()) return it->second;
  }
  auto xml = MetadataXml(agent);
  if (!xml.ok()) return xml.status();
  auto md = ParseMetadata(*xml);
  if (!md.ok()) {
    return Status(md.status().code(), agent.name + ": " + md.status().message());
  }
  if (agent.standard == "stonith") AddFencerParameters(*md);
  auto shared = std::make_shared<const AgentMetadata>(std::move(*md));
  std::lock_guard<std::mutex> lock(cache_mu_);
  parsed_cache_.emplace(agent.name, shared);
  return shared;
}

}  // namespace vigil
