// Starting processes by hand for the mysql agent: mysqld_safe as a daemon of its own (its own
// session, reparented to init at once, so that the host process never has to reap it) as the
// configured user, commands run to their end, and the checks and words that go with them.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "plugins/mysql/accounts.h"

namespace vigil::mysql {

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
std::optional<std::vector<std::string>> SplitArguments(const std::string& text);

}  // namespace vigil::mysql
