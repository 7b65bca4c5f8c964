// A node's incarnation: the boot identity carried in every packet, which must grow across
// restarts so that peers tell a restarted node from a replay of its old packets.
#pragma once

#include <cstdint>
#include <filesystem>

#include "common/status.h"

namespace vigil::daemon {

// Reads the last incarnation from `state_dir`/incarnation, and writes and returns one above
// both it and the wall clock in microseconds (so a lost state directory still yields a larger
// one, unless the clock went back). The write is durable before this returns.
// Errors: the state directory cannot be written, or the file holds something else.
Result<uint64_t> NextIncarnation(const std::filesystem::path& state_dir);

}  // namespace vigil::daemon
