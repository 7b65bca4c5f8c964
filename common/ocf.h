// OCF exit codes as a C++ type, kept apart from Status and from process exit codes.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "vigil/agent.h"

namespace vigil {

enum class OcfCode : int {
  kSuccess = VIGIL_OCF_SUCCESS,
  kErrGeneric = VIGIL_OCF_ERR_GENERIC,
  kErrArgs = VIGIL_OCF_ERR_ARGS,
  kErrUnimplemented = VIGIL_OCF_ERR_UNIMPLEMENTED,
  kErrPerm = VIGIL_OCF_ERR_PERM,
  kErrInstalled = VIGIL_OCF_ERR_INSTALLED,
  kErrConfigured = VIGIL_OCF_ERR_CONFIGURED,
  kNotRunning = VIGIL_OCF_NOT_RUNNING,
  kRunningPromoted = VIGIL_OCF_RUNNING_PROMOTED,
  kFailedPromoted = VIGIL_OCF_FAILED_PROMOTED,
  kDegraded = VIGIL_OCF_DEGRADED,
  kDegradedPromoted = VIGIL_OCF_DEGRADED_PROMOTED,
};

// The name OCF gives the code ("OCF_NOT_RUNNING"); "OCF_UNKNOWN(<n>)" for others.
std::string OcfCodeName(int code);
inline std::string OcfCodeName(OcfCode code) { return OcfCodeName(static_cast<int>(code)); }

// An agent's raw exit status as an OcfCode, when it is one OCF defines.
std::optional<OcfCode> OcfCodeFromInt(int code);

}  // namespace vigil
