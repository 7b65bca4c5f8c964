#include "host/plugin_loader.h"

#include <boost/dll/shared_library.hpp>
#include <cstddef>
#include <exception>

#include "common/log.h"

namespace vigil {

namespace {
// The smallest table a plugin of ABI 1.0 may hand over: everything up to `unload`.
constexpr size_t kMinTableSize = offsetof(vigil_plugin, unload) + sizeof(vigil_plugin::unload);

Status Refuse(const std::filesystem::path& file, const std::string& why) {
  return Status(StatusCode::kUnsupported, "plugin " + file.string() + " refused: " + why);
}
}  // namespace

bool IsValidAgentName(const std::string& name) {
  // stonith:<type>: one name, no provider.
  if (name.rfind("stonith:", 0) == 0) {
    return name.size() > 8 && name.find(':', 8) == std::string::npos && name.find('/') == std::string::npos;
  }
  if (name.rfind("ocf:", 0) != 0) return false;
  auto colon = name.find(':', 4);
  if (colon == std::string::npos || colon == 4 || colon + 1 >= name.size()) return false;
  if (name.find(':', colon + 1) != std::string::npos) return false;
  return name.find('/') == std::string::npos;
}

Result<std::unique_ptr<LoadedPlugin>> LoadedPlugin::Load(const std::filesystem::path& file,
                                                         const vigil_host* host) {
  std::unique_ptr<LoadedPlugin> plugin(new LoadedPlugin);
  plugin->file_ = file.string();
  namespace dll = boost::dll;
  try {
    plugin->lib_ = std::make_unique<dll::shared_library>(
        file.string(), dll::load_mode::rtld_now | dll::load_mode::rtld_local);
  } catch (const std::exception& e) {
    return Refuse(file, std::string("cannot load: ") + e.what());
  }
  if (!plugin->lib_->has(VIGIL_PLUGIN_ENTRY_SYMBOL)) {
    return Refuse(file, std::string("no entry symbol ") + VIGIL_PLUGIN_ENTRY_SYMBOL);
  }
  vigil_plugin_entry_fn entry = nullptr;
  try {
    entry = plugin->lib_->get<const vigil_plugin*(const vigil_host*)>(VIGIL_PLUGIN_ENTRY_SYMBOL);
  } catch (const std::exception& e) {
    return Refuse(file, std::string("cannot resolve the entry symbol: ") + e.what());
  }
  const vigil_plugin* table = nullptr;
  try {
    table = entry(host);
  } catch (const std::exception& e) {
    return Refuse(file, std::string("entry point threw: ") + e.what());
  } catch (...) {
    return Refuse(file, "entry point threw a non-standard exception");
  }
  if (table == nullptr) return Refuse(file, "entry point declined to load (returned NULL)");
  if (table->abi_major != VIGIL_ABI_MAJOR || table->abi_minor > VIGIL_ABI_MINOR) {
    // The table is the plugin's; with a foreign ABI even its unload cannot be trusted.
    return Refuse(file, "ABI " + std::to_string(table->abi_major) + "." +
                            std::to_string(table->abi_minor) + " does not match the host's ABI " +
                            std::to_string(VIGIL_ABI_MAJOR) + "." +
                            std::to_string(VIGIL_ABI_MINOR));
  }
  if (table->size < kMinTableSize) {
    return Refuse(file, "plugin table is " + std::to_string(table->size) +
                            " bytes, ABI 1.0 needs at least " + std::to_string(kMinTableSize));
  }
  if (!table->agent_count || !table->agent_info || !table->execute || !table->unload) {
    return Refuse(file, "plugin table lacks a required function");
  }
  plugin->table_ = table;
  return plugin;
}

LoadedPlugin::~LoadedPlugin() {
  if (table_ && table_->unload) table_->unload(table_->ctx);
}

std::vector<LoadedPlugin::Agent> LoadedPlugin::Agents() const {
  std::vector<Agent> agents;
  const size_t n = table_->agent_count(table_->ctx);
  for (size_t i = 0; i < n; ++i) {
    vigil_agent_info info{};
    if (table_->agent_info(table_->ctx, i, &info) != 0 || info.name == nullptr) continue;
    std::string name = info.name;
    if (!IsValidAgentName(name)) {
      LogWarning("plugin " + file_ + ": agent name '" + name +
                 "' is not of the form ocf:<provider>:<type> or stonith:<type>; skipped");
      continue;
    }
    agents.push_back({name, info.kind, info.implementation ? info.implementation : "", i});
  }
  return agents;
}

}  // namespace vigil
