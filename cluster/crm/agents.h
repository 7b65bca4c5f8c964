// The resource agents crm knows: `ra` lists and describes them, and a primitive's agent and
// parameters are checked against their meta-data as the primitive is typed (vigild checks them
// again at commit).
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "host/metadata.h"
#include "host/operation.h"
#include "host/runner.h"

namespace vigil::crm {

struct AgentInfo {
  std::string name;  // ocf:PROVIDER:TYPE or stonith:TYPE
  std::string provider;  // empty for stonith
  std::string type;
  std::string standard = "ocf";  // the class: ocf or stonith
};

class Agents {
 public:
  virtual ~Agents() = default;
  // Every agent, sorted by name.
  virtual std::vector<AgentInfo> List() = 0;
  // The agent `name` (ocf:PROVIDER:TYPE, or a bare TYPE), its meta-data XML (for `ra info`,
  // which prints it as written) and the meta-data parsed (for checks and completion). Errors:
  // kNotFound naming the agent and the close ones; the agent's own failure to describe itself,
  // or meta-data that does not read.
  struct Described {
    AgentInfo agent;
    std::string xml;
    std::shared_ptr<const AgentMetadata> metadata;
  };
  virtual Result<Described> Describe(std::string_view name) = 0;
  // Runs `op` with this host's agent and waits (stonith_admin --list asks a fence device's agent
  // which nodes it can fence). kUnsupported where agents are only described.
  virtual Result<RunOutcome> Run(const Operation& op) {
    return Status(StatusCode::kUnsupported, "cannot run " + op.agent + " here");
  }
};

// This host's agents: the plugins in `plugin_dir` (the shell-ocf plugin among them serves the
// scripts under `ocf_root`), loaded on first use, as vigild loads them.
std::unique_ptr<Agents> HostAgents(std::filesystem::path plugin_dir, std::string ocf_root);

}  // namespace vigil::crm
