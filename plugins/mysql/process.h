// The processes the mysql agent deals with, read from /proc and started by hand: mysqld_safe is
// started as a daemon of its own (its own session, reparented to init at once, so that the
// host process never has to reap it), as the configured user.
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

// Who a daemon runs as, looked up before any fork (getpwnam and friends are not safe after it).
struct Identity {
  uid_t uid = 0;
  gid_t gid = 0;
  std::vector<gid_t> groups;
  std::string name;
  std::string home;
};
// Error text, or empty on success. Answers found are kept for a minute, and less if
// /etc/passwd or /etc/group changes: a monitor checks that the user and group exist, as the
// script does, without going through the name service (tens of file opens) every time.
std::string LookUpIdentity(const std::string& user, Identity* out);
std::string LookUpGroup(const std::string& group, gid_t* gid);

// Starts argv[0] (an absolute path) as `who`, in a new session, stdio on /dev/null, with `env`,
// no other descriptor of ours, default signal handling, and does not wait for it. *pid is the
// daemon's pid. Error text, or empty on success.
std::string SpawnDaemon(const std::vector<std::string>& argv, const std::vector<std::string>& env,
                        const Identity& who, pid_t* pid);

// Runs argv (as root) in a process group of its own, output discarded, and waits up to
// `timeout`; kills the whole group after that.
// The exit status (0-255), or -1 with *error set.
int RunToEnd(const std::vector<std::string>& argv, std::chrono::milliseconds timeout,
             std::string* error);

// Whether `who` may write into each directory: checked by a child that has become that user.
// Returns the first directory it may not write into, or empty.
std::string FirstUnwritable(const std::vector<std::string>& dirs, const Identity& who);

// The command as a shell would find it: a path with '/' as is, a bare name on PATH. Empty when
// it is not an executable file.
std::string FindExecutable(const std::string& command);

// Words of a parameter such as additional_parameters: split on blanks, with '…' and "…" quoting
// and backslash escapes (no expansions: nothing is run through a shell). Nothing when a quote is
// left open.
std::optional<std::vector<std::string>> SplitWords(const std::string& text);

}  // namespace vigil::mysql
