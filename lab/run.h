// Running programs for the lab (`vigil demo`, the end-to-end test, the failover benchmark), through
// Boost.Process: a command run to completion with its output collected, or a daemon left running
// in a session of its own with its output in a log file. Nothing here is thread-safe per object.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "common/status.h"

namespace vigil::lab {

struct RunResult {
  int code = -1;    // the exit code; -1 when it could not start or died of a signal
  std::string out;  // stdout and stderr together, or why it could not start
};

// Runs argv (argv[0] a path, or a name looked up on PATH) with `input` on its stdin.
RunResult Run(const std::vector<std::string>& argv, const std::string& input = "");

// The whole text of a file (a daemon's log, a /proc entry); empty when it cannot be read.
std::string ReadText(const std::filesystem::path& file);
// Writes `text` as the whole of a file (made or truncated).
Status WriteText(const std::filesystem::path& file, const std::string& text);

// The path of one of Vigil's programs (vigild, crm, vigil): beside the running executable, or in
// the installed tree's sbin/ or bin/ beside that, else found on PATH; empty when nowhere.
std::filesystem::path FindProgram(const std::string& name);

// A program started in a session of its own (a Ctrl-C typed at the terminal reaches the lab's
// command, which then stops everything in order, not the daemons behind its back), its stdout
// and stderr appended to a log file. The destructor kills it with SIGKILL and reaps it.
class Daemon {
 public:
  static Result<std::unique_ptr<Daemon>> Start(const std::vector<std::string>& argv,
                                               const std::filesystem::path& log);
  ~Daemon();
  Daemon(const Daemon&) = delete;
  Daemon& operator=(const Daemon&) = delete;

  pid_t pid() const { return pid_; }
  bool Running();
  // Sends `signal`; with SIGKILL also reaps it.
  void Kill(int signal);
  // SIGTERM, and SIGKILL when it has not exited within `grace`; reaped either way. True when it
  // exited on the SIGTERM.
  bool Stop(std::chrono::milliseconds grace);

 private:
  explicit Daemon(pid_t pid) : pid_(pid) {}
  void Reap();

  pid_t pid_;
  bool reaped_ = false;
};

}  // namespace vigil::lab
