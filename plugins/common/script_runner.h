// ScriptRunner runs one agent script to completion, the way Pacemaker's executor and fencer do:
// an OCF script gets argv {script, action} and every value in the environment; a fence agent gets
// argv {agent} and its options as name=value lines on standard input. No value is ever parsed by
// a shell. The script gets its own process group, stdin from /dev/null (or the input given), and
// stdout and stderr captured up to a bound. At the deadline (or when cancelled) the whole group is
// killed. When the script itself has exited the operation is over, even if a background child it
// left behind still holds stdout open.
//
// Shared by the script plugins (shell-ocf, fence-agents): it knows nothing of the host beyond
// plain values and callbacks.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "vigil/agent.h"

namespace vigil::plugin {

struct ScriptRun {
  std::string path;                      // the script, run as argv[0]
  std::string action;                    // argv[1]; empty: no argv[1]
  // Written to its standard input, which is then closed; empty: stdin is /dev/null. At most
  // kMaxInput bytes (a pipe's buffer: written whole before the script starts).
  std::string input;
  static constexpr std::size_t kMaxInput = 65536;
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

// What a plugin whose agents are scripts answers the ABI about them. Such a plugin's context
// derives from ScriptPlugin and calls Fill once its scripts are listed; its unload deletes it.
struct ScriptAgent {
  std::string name;  // ocf:<provider>:<type> or stonith:<type>
  std::string path;
};
struct ScriptPlugin {
  std::vector<ScriptAgent> agents;
  vigil_plugin table{};
  // The table: this plugin's name, agent_count and agent_info over `agents`, and its own
  // execute and unload.
  const vigil_plugin* Fill(const char* name, int (*execute)(void*, size_t, const vigil_op*), void (*unload)(void*));
};

}  // namespace vigil::plugin
