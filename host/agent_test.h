// The ocf-tester sequence, run through an AgentHost: meta-data valid against the OCF RA schema,
// validate-all, monitor while stopped (7), start, start again, monitor (0), stop, stop again,
// monitor (7). Every step runs even after a failure, and a stop is always attempted last when
// a start was, so a failed test leaves nothing running.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "host/agent_host.h"

namespace vigil {

struct TestStep {
  std::string name;
  bool passed = false;
  std::string detail;  // what was seen (and expected, on failure)
};

// `report` is called after each step. Returns every step; all passed == the agent passed.
// `timeout`, when set, replaces the meta-data's timeout of every step.
std::vector<TestStep> RunAgentTest(AgentHost& host, const AgentEntry& agent,
                                   const std::string& resource, const Params& params,
                                   const std::function<void(const TestStep&)>& report,
                                   std::optional<std::chrono::milliseconds> timeout = {});

// Checks meta-data against the OCF RA schema: resource-agents' metadata.rng through libxml2's
// RelaxNG validator when that file is installed (VIGIL_RA_SCHEMA names another), else Vigil's own
// structural check of the same rules. Returns the problems, one per line; empty means valid.
std::vector<std::string> CheckMetadataSchema(const std::string& xml, std::string* method);

}  // namespace vigil
