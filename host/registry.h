// AgentRegistry: every agent this host can run, and which implementation serves each name.
//
// Agents come from plugins (every *.so in the plugin directories, loaded in name order); the
// shell-ocf plugin among them serves each script under $OCF_ROOT/resource.d, and the fence-agents
// plugin each fence agent (stonith:fence_*). When a native
// plugin and a script claim the same name, the native agent takes the name and the script stays
// reachable as ocf:<provider>-script:<type> (so ocf:heartbeat:IPaddr2 is native while
// ocf:heartbeat-script:IPaddr2 is resource-agents' script). A plugin that cannot be loaded is
// refused with one log line naming the file and the reason; the others still load.
//
// Loading happens in the constructor. Afterwards the registry is read-only and thread-safe;
// meta-data is fetched from the agent once and cached.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/status.h"
#include "host/metadata.h"
#include "host/operation.h"
#include "host/plugin_loader.h"
#include "host/runner.h"

namespace vigil {

struct AgentEntry {
  std::string name;  // ocf:<provider>:<type> or stonith:<type>, as it is reached
  std::string standard;  // "ocf" or "stonith"
  std::string provider;  // empty for stonith
  std::string type;
  int kind = VIGIL_AGENT_NATIVE;
  std::string implementation;  // the script's path, or the plugin file for a native agent
  std::string shadowed_by;     // for a renamed script: the native agent's plugin file
  const LoadedPlugin* plugin = nullptr;
  size_t index = 0;
};

// $OCF_ROOT when set, else /usr/lib/ocf (where Debian's resource-agents installs).
std::string DefaultOcfRoot();
// $VIGIL_FENCE_AGENTS_DIR when set, else /usr/sbin (where Debian's fence-agents installs).
std::string DefaultFenceAgentsDir();

struct RegistryOptions {
  std::vector<std::filesystem::path> plugin_dirs;
  std::string ocf_root = DefaultOcfRoot();
  std::string fence_agents_dir = DefaultFenceAgentsDir();  // the fence_* agents (stonith class)
  std::string rsc_tmp;  // HA_RSCTMP for the agents; empty: the agents' own default
};

class AgentRegistry {
 public:
  explicit AgentRegistry(RegistryOptions options);
  ~AgentRegistry();
  AgentRegistry(const AgentRegistry&) = delete;
  AgentRegistry& operator=(const AgentRegistry&) = delete;

  // Sorted by name.
  const std::vector<AgentEntry>& agents() const { return agents_; }
  // One line per plugin that was refused.
  const std::vector<std::string>& refused() const { return refused_; }
  const RegistryOptions& options() const { return options_; }

  // Finds an agent by its full name; a bare type ("Dummy") is taken as ocf:heartbeat:<type>,
  // or the only provider that has it. kNotFound names the agent (and close candidates).
  Result<const AgentEntry*> Find(std::string_view name) const;

  // The agent's meta-data XML and its parsed form; cached after the first success.
  Result<std::string> MetadataXml(const AgentEntry& agent) const;
  Result<AgentMetadata> Metadata(const AgentEntry& agent) const;
  // The same, shared rather than copied: every operation's parameter check reads it.
  Result<std::shared_ptr<const AgentMetadata>> SharedMetadata(const AgentEntry& agent) const;

  // Calls the agent's plugin for `op` and waits. Never throws: a plugin that throws is reported
  // as OCF_ERR_GENERIC with the exception's text. Thread-safe (per the ABI's rules).
  RunOutcome Run(const AgentEntry& agent, const Operation& op, const CancelToken* cancel) const;

 private:
  void LoadPlugins();
  void AddAgent(const LoadedPlugin& plugin, const LoadedPlugin::Agent& a,
                std::map<std::string, AgentEntry>* by_name);

  RegistryOptions options_;
  vigil_host host_{};
  std::map<std::string, std::string> settings_;
  std::vector<std::unique_ptr<LoadedPlugin>> plugins_;
  std::vector<AgentEntry> agents_;
  std::unordered_map<std::string, const AgentEntry*> by_name_;
  std::vector<std::string> refused_;
  mutable std::mutex cache_mu_;
  mutable std::map<std::string, std::string> metadata_cache_;
  mutable std::map<std::string, std::shared_ptr<const AgentMetadata>> parsed_cache_;
};

// The default plugin directory: lib/vigil/plugins of the tree the running program is in (the
// program in its bin/, or in lib/vigil/sbin/ for the Pacemaker tools), which is right both in the
// build tree and after `cmake --install`; VIGIL_PLUGIN_DIR overrides it.
std::filesystem::path DefaultPluginDir();
// Where Vigil's crm_node, attrd_updater, crm_attribute, crm_master, crm_ticket and stonith_admin
// are: lib/vigil/sbin of the same tree.
std::filesystem::path PacemakerToolsDir();

}  // namespace vigil
