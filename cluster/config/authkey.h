// The authkey: the secret every node shares, which authenticates every packet. Written like
// corosync-keygen writes /etc/corosync/authkey (random bytes, mode 0400, root's), so one can
// replace the other.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>

#include "common/status.h"

namespace vigil::config {

constexpr size_t kAuthkeyDefaultBytes = 256;
constexpr size_t kAuthkeyMinBytes = 128;
constexpr size_t kAuthkeyMaxBytes = 4096;

// Writes `bytes` random bytes (getrandom; /dev/urandom if the pool is not initialised yet, so it
// never waits for entropy) to `path`, mode 0400, atomically. Refuses an existing file unless
// `force`. Creates a missing parent directory (0755).
Status WriteAuthkey(const std::filesystem::path& path, size_t bytes, bool force);

// Reads a key and refuses, with one line naming the file: a missing or unreadable file, one that
// is not a regular file, a size outside [kAuthkeyMinBytes, kAuthkeyMaxBytes], a file that group
// or others may read or write.
Result<std::string> ReadAuthkey(const std::filesystem::path& path);

}  // namespace vigil::config
