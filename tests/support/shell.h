// Runs a shell command line from a test or benchmark and collects what it printed.
#pragma once

#include <sys/wait.h>

#include <cstdio>
#include <string>

namespace vigil::testing {

struct CommandResult {
  int code = -1;
  std::string out;  // stdout and stderr together
};

// Runs a shell command line built by the test from its own constants.
inline CommandResult Sh(const std::string& command) {
  CommandResult r;
  FILE* p = ::popen((command + " 2>&1").c_str(), "r");
  if (!p) return r;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
  const int status = ::pclose(p);
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

}  // namespace vigil::testing
