// ScriptRunner runs one OCF script action to completion, the way Pacemaker's executor does:
// argv is just {script, action} and every value travels in the environment, so no value is ever
// parsed by a shell; the script gets its own process group, stdin from /dev/null, and stdout and
// stderr captured up to a bound. At the deadline (or when cancelled) the whole group is killed.
// When the script itself has exited the operation is over, even if a background child it left
// behind still holds stdout open.
//
// Part of the shell-ocf plugin: it knows nothing of the host beyond plain values and callbacks.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <string>
#include <vector>

namespace vigil::shell_ocf {

struct ScriptRun {
  std::string path;                      // the script, run as argv[0]
  std::string action;                    // argv[1]
  std::vector<std::string> environment;  // "NAME=value" entries, the whole environment
  std::chrono::milliseconds timeout{20000};
  std::function<bool()> is_cancelled;    // polled while the script runs; may be empty
  std::size_t max_stdout = 1 << 20;      // bytes kept; the rest is read and dropped
  std::size_t max_stderr = 64 << 10;
};

struct ScriptOutcome {
  enum class How { kExited, kSignalled, kTimedOut, kCancelled, kNotRun } how = How::kNotRun;
  int exit_code = -1;  // kExited: the exit status; kSignalled: the signal
  std::string out;
  std::string err;
  bool out_truncated = false;
  std::string error;   // kNotRun: why (exec failed, pipe failed, ...)
  int error_errno = 0;
};

// Runs the script and waits for it. Thread-safe.
ScriptOutcome RunScript(const ScriptRun& run);

}  // namespace vigil::shell_ocf
