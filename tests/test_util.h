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

#include "tests/shell.h"

namespace vigil::testing {

// Set by tests/CMakeLists.txt.
inline std::string FixtureOcfRoot() { return VIGIL_TEST_FIXTURES "/ocf"; }
inline std::string TestPluginDir() { return VIGIL_TEST_PLUGIN_DIR; }
inline std::string RealPluginDir() { return VIGIL_REAL_PLUGIN_DIR; }
inline std::string VigilBinary() { return VIGIL_BINARY; }

// A directory under /tmp, removed with everything in it at the end of the scope.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = "/tmp/vigil-test.XXXXXX";
    path_ = ::mkdtemp(tmpl.data());
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string operator/(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

inline void WriteFile(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

inline std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

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
