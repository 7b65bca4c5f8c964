// Checks a resource's instance parameters against its agent's meta-data before anything runs.
#pragma once

#include <string>

#include "common/status.h"
#include "host/metadata.h"
#include "host/operation.h"

namespace vigil {

// kInvalidArgument naming every problem (unknown name, missing required, a value not of its
// type: integer, boolean, second, select), or Ok. `agent` is only used in the message.
Status ValidateParams(const AgentMetadata& md, const std::string& agent, const Params& params);

// Pacemaker's boolean spellings (true/false, yes/no, on/off, y/n, 1/0; any case).
std::optional<bool> ParseBoolean(std::string_view text);

}  // namespace vigil
