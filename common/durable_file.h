// Files that survive a crash whole: the data is written to a temporary file beside its target
// and synced, then the caller puts it in place (rename to replace, link to never replace) and
// syncs the directory, so a crash at any instant leaves the old file or the new one, never half.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <string>
#include <string_view>

#include "common/status.h"

namespace vigil {

// Writes `data` to a new file ".<name>.XXXXXX" beside `path`, with `mode`, synced and closed
// (close-on-exec while open). Returns its path; on error nothing is left behind.
Result<std::string> WriteTempBeside(const std::filesystem::path& path, std::string_view data, mode_t mode);

// Creates `dir` and any missing parents unless it is a directory already; the directory itself
// gets `mode` (not subject to the umask).
Status EnsureDirectory(const std::filesystem::path& dir, mode_t mode);

// fsync of the directory holding `path`, so that a rename or link there reaches the disk.
Status SyncParentDirectory(const std::filesystem::path& path);

}  // namespace vigil
