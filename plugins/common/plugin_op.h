// The C ABI's vigil_op as plain C++ values, and the text sinks, for the native plugins: what
// every plugin's execute does first and last. Nothing here throws across the ABI; the plugins
// catch at their own boundary.
#pragma once

#include <cstdint>
#include <exception>
#include <functional>
#include <map>
#include <string>

#include "vigil/agent.h"

namespace vigil::plugin {

struct OpRequest {
  std::string resource;
  std::string action;
  std::map<std::string, std::string> params;
  std::map<std::string, std::string> meta;  // names as Pacemaker gives them (clone_max, ...)
  uint32_t interval_ms = 0;
  uint32_t timeout_ms = 0;  // 0: the host gave none
  int check_level = 0;
  std::function<bool()> cancelled;  // empty: never
};

// Copies what `op` holds (its strings live only during execute).
void ReadOp(const vigil_op& op, OpRequest* out);

// The parameter's value, or `fallback` when it is unset (an empty value counts as set).
std::string Lookup(const std::map<std::string, std::string>& params, const std::string& name,
                   const std::string& fallback);

// A boolean parameter as resource-agents' ocf_is_true reads it.
bool OcfIsTrue(const std::string& value);

void WriteText(const vigil_text_sink& sink, const std::string& text);

// Nothing may unwind through the C ABI: runs `execute`, and an exception (no memory, no thread)
// becomes a failed operation with the reason.
template <typename Execute>
int CatchAll(const vigil_op* op, Execute&& execute) noexcept {
  try {
    return execute();
  } catch (const std::exception& e) {
    try {
      WriteText(op->reason, std::string("internal error: ") + e.what());
    } catch (...) {
    }
  } catch (...) {
    try {
      WriteText(op->reason, "internal error");
    } catch (...) {
    }
  }
  return VIGIL_OCF_ERR_GENERIC;
}

}  // namespace vigil::plugin
