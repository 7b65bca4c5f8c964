// Helpers shared by the tests: where the fixtures and built plugins are, temporary directories,
// and process checks.
#pragma once

#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "tests/support/files.h"
#include "tests/support/shell.h"

namespace vigil::testing {

// Set by tests/CMakeLists.txt.
inline std::string FixtureOcfRoot() { return VIGIL_TEST_FIXTURES "/ocf"; }
inline std::string TestPluginDir() { return VIGIL_TEST_PLUGIN_DIR; }
inline std::string RealPluginDir() { return VIGIL_REAL_PLUGIN_DIR; }
inline std::string VigilBinary() { return VIGIL_BINARY; }


// Pids written by a fixture, whitespace-separated.
inline std::vector<pid_t> ReadPids(const std::string& path) {
  std::vector<pid_t> pids;
  std::istringstream in(ReadFile(path));
  pid_t p;
  while (in >> p) pids.push_back(p);
  return pids;
}

// True while `pid` exists and is not a zombie.
inline bool ProcessAlive(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  if (!stat) return false;
  std::string line;
  std::getline(stat, line);
  auto close = line.rfind(')');
  return close != std::string::npos && close + 2 < line.size() && line[close + 2] != 'Z';
}

}  // namespace vigil::testing
