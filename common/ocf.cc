#include "common/ocf.h"

namespace vigil {

namespace {
struct Named {
  OcfCode code;
  const char* name;
};
constexpr Named kNames[] = {
    {OcfCode::kSuccess, "OCF_SUCCESS"},
    {OcfCode::kErrGeneric, "OCF_ERR_GENERIC"},
    {OcfCode::kErrArgs, "OCF_ERR_ARGS"},
    {OcfCode::kErrUnimplemented, "OCF_ERR_UNIMPLEMENTED"},
    {OcfCode::kErrPerm, "OCF_ERR_PERM"},
    {OcfCode::kErrInstalled, "OCF_ERR_INSTALLED"},
    {OcfCode::kErrConfigured, "OCF_ERR_CONFIGURED"},
    {OcfCode::kNotRunning, "OCF_NOT_RUNNING"},
    {OcfCode::kRunningPromoted, "OCF_RUNNING_PROMOTED"},
    {OcfCode::kFailedPromoted, "OCF_FAILED_PROMOTED"},
    {OcfCode::kDegraded, "OCF_DEGRADED"},
    {OcfCode::kDegradedPromoted, "OCF_DEGRADED_PROMOTED"},
};
}  // namespace

std::string OcfCodeName(int code) {
  for (const auto& n : kNames) {
    if (static_cast<int>(n.code) == code) return n.name;
  }
  return "OCF_UNKNOWN(" + std::to_string(code) + ")";
}

std::optional<OcfCode> OcfCodeFromInt(int code) {
  for (const auto& n : kNames) {
    if (static_cast<int>(n.code) == code) return n.code;
  }
  return std::nullopt;
}

}  // namespace vigil
