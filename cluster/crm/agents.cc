#include "cluster/crm/agents.h"

#include <optional>

#include "host/registry.h"

namespace vigil::crm {
namespace {

class HostRegistry : public Agents {
 public:
  explicit HostRegistry(RegistryOptions options) : options_(std::move(options)) {}

  std::vector<AgentInfo> List() override {
    std::vector<AgentInfo> out;
    for (const AgentEntry& a : Registry().agents()) out.push_back({a.name, a.provider, a.type, a.standard});
    return out;
  }

  Result<Described> Describe(std::string_view name) override {
    auto found = Registry().Find(name);
    if (!found.ok()) return found.status();
    const AgentEntry& a = **found;
    auto xml = Registry().MetadataXml(a);
    if (!xml.ok()) return vigil::Status(xml.status().code(), a.name + ": " + xml.status().message());
    // Both cached by the registry: completion asks on every tab.
    auto metadata = Registry().SharedMetadata(a);
    if (!metadata.ok()) return vigil::Status(metadata.status().code(), a.name + ": " + metadata.status().message());
    return Described{{a.name, a.provider, a.type, a.standard}, std::move(*xml), std::move(*metadata)};
  }

  Result<RunOutcome> Run(const Operation& op) override {
    auto found = Registry().Find(op.agent);
    if (!found.ok()) return found.status();
    return Registry().Run(**found, op, nullptr);
  }

 private:
  AgentRegistry& Registry() {
    if (!registry_) registry_.emplace(options_);
    return *registry_;
  }

  RegistryOptions options_;
  std::optional<AgentRegistry> registry_;
};

}  // namespace

std::unique_ptr<Agents> HostAgents(std::filesystem::path plugin_dir, std::string ocf_root) {
  RegistryOptions options;
  options.plugin_dirs = {std::move(plugin_dir)};
  options.ocf_root = std::move(ocf_root);
  return std::make_unique<HostRegistry>(std::move(options));
}

}  // namespace vigil::crm
