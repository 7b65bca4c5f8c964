// AgentMetadata: an agent's OCF meta-data (the resource-agent XML), parsed with pugixml.
//
// ParseMetadata reads what the host needs (parameters with type, required, unique, default and
// select options; actions with their default timeouts) and, separately, lists where the document
// departs from the OCF RA API schema (resource-agents' metadata.rng): a document can be usable
// and still not valid, and `vigil agent test` reports the second as a failure.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/duration.h"
#include "common/status.h"

namespace vigil {

struct ParameterSpec {
  std::string name;
  bool required = false;
  bool unique = false;
  bool deprecated = false;
  std::string type = "string";  // string, integer, boolean, second (time), select
  std::optional<std::string> default_value;
  std::vector<std::string> options;  // the values of a select
  std::string shortdesc;
  std::string longdesc;
};

struct ActionSpec {
  std::string name;
  std::optional<std::chrono::milliseconds> timeout;
  std::optional<std::chrono::milliseconds> interval;
  std::optional<int> depth;
  std::string role;
};

struct AgentMetadata {
  std::string name;
  std::string version;
  std::string shortdesc;
  std::string longdesc;
  std::vector<ParameterSpec> parameters;
  std::vector<ActionSpec> actions;

  const ParameterSpec* FindParameter(std::string_view name) const;
  const ActionSpec* FindAction(std::string_view name, std::chrono::milliseconds interval =
                                                          std::chrono::milliseconds(-1)) const;
};

// Parses the XML. Fails (kParseError) only when nothing usable can be read: not XML, no
// <resource-agent> root, a parameter without a name. Departures from the schema that still leave
// a usable description go to *schema_problems when given, one line each naming the element.
Result<AgentMetadata> ParseMetadata(std::string_view xml,
                                    std::vector<std::string>* schema_problems = nullptr);

// A fence agent's meta-data as a device of the stonith class takes it: the options the fencer
// supplies itself (action, port, plug, nodename, nodeid) are no longer required of the
// configuration, and the device parameters the fencer reads (pcmk_host_list, pcmk_host_map,
// pcmk_host_check, pcmk_host_argument, pcmk_delay_base, pcmk_delay_max, pcmk_action_limit and
// pcmk_<action>_action, _timeout, _retries) are added, as Pacemaker accepts them on every device.
void AddFencerParameters(AgentMetadata& md);


}  // namespace vigil
