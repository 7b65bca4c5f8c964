// LoadedPlugin: one plugin shared object, loaded with Boost.DLL (RTLD_NOW | RTLD_LOCAL, so an
// unresolved symbol fails at load and not in the middle of a stop), its ABI handshake checked.
// Load refuses, with a reason naming the file: a file that does not load, no entry symbol, an
// entry point that throws or returns NULL, an ABI major that differs from the host's, an ABI
// minor newer than the host's, a table too small for the fields of its version.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "vigil/agent.h"

namespace boost::dll {
class shared_library;
}

namespace vigil {

class LoadedPlugin {
 public:
  // `host` must outlive the plugin.
  static Result<std::unique_ptr<LoadedPlugin>> Load(const std::filesystem::path& file,
                                                   const vigil_host* host);
  // Calls the plugin's unload, then unloads the library. No execute may be in flight.
  ~LoadedPlugin();
  LoadedPlugin(const LoadedPlugin&) = delete;
  LoadedPlugin& operator=(const LoadedPlugin&) = delete;

  const std::string& file() const { return file_; }
  const vigil_plugin& table() const { return *table_; }

  struct Agent {
    std::string name;
    int kind = VIGIL_AGENT_NATIVE;
    std::string implementation;
    size_t index = 0;
  };
  // The agents the plugin serves, as it lists them (entries with a malformed name are skipped
  // with a warning).
  std::vector<Agent> Agents() const;

 private:
  LoadedPlugin() = default;
  std::string file_;
  std::unique_ptr<boost::dll::shared_library> lib_;
  const vigil_plugin* table_ = nullptr;
};

// True when `name` has the form ocf:<provider>:<type> with non-empty, slash-free parts.
bool IsValidAgentName(const std::string& name);

}  // namespace vigil
