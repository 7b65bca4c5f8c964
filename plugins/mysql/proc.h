// The processes the mysql agent deals with, as /proc tells of them, and the files they leave (a
// pid file, a log).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace vigil::mysql {

struct ProcInfo {
  pid_t pid = 0;
  pid_t ppid = 0;
  char state = '?';              // R, S, D, Z, ...
  std::string comm;              // the kernel's short name: "mariadbd", "mysqld_safe"
  unsigned long long start = 0;  // start time in clock ticks since boot: tells a reused pid
};

// The process, or nothing when there is none (a zombie is returned, state 'Z').
std::optional<ProcInfo> ReadProc(pid_t pid);
// Alive: exists and is not a zombie.
bool Alive(pid_t pid);

// Whether the process's command line holds `arg` as one whole argument.
bool HasArgument(pid_t pid, const std::string& arg);
// Every live process whose command line holds `arg` as one whole argument (for the agent:
// "--pid-file=<path>", which mysqld_safe and the mysqld it starts both carry, so an instance is
// found even while mysqld_safe has removed the pid file to start mysqld again). Only processes
// of this mount namespace: in another one the same path is another file.
std::vector<ProcInfo> FindByArgument(const std::string& arg);

// The first decimal number in the file; nothing when it is missing, empty or not a number.
std::optional<pid_t> ReadPidFile(const std::string& path);

// The last `lines` lines of a text file (a log), trimmed; empty when unreadable.
std::string Tail(const std::string& path, int lines);

}  // namespace vigil::mysql
