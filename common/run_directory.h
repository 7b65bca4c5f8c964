// Where a node's runtime files live (the control socket, the pid file, the agents' HA_RSCTMP):
// the --run-dir given, else $VIGIL_RUN_DIR, else /run/vigil. One rule for vigild, vigil and crm.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <string>

namespace vigil {

inline std::filesystem::path RunDirectory(const std::string& flag) {
  if (!flag.empty()) return flag;
  if (const char* env = std::getenv("VIGIL_RUN_DIR"); env != nullptr && *env != '\0') return env;
  return "/run/vigil";
}

}  // namespace vigil
