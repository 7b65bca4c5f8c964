#include "cluster/daemon/incarnation.h"

#include <cstdio>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <chrono>
#include <fstream>
#include <sstream>

#include "common/durable_file.h"

namespace vigil::daemon {

Result<uint64_t> NextIncarnation(const std::filesystem::path& state_dir) {
  const std::filesystem::path path = state_dir / "incarnation";
  uint64_t last = 0;
  if (std::ifstream in(path); in) {
    std::stringstream text;
    text << in.rdbuf();
    std::string s = text.str();
    while (!s.empty() && s.back() == '\n') s.pop_back();
    const auto [end, error] = std::from_chars(s.data(), s.data() + s.size(), last);
    if (s.empty() || error != std::errc() || end != s.data() + s.size()) {
      return Status(StatusCode::kParseError, path.string() + ": not an incarnation number; remove it to start afresh");
    }
  }
  const auto now = std::chrono::duration_cast<std::chrono::microseconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  const uint64_t next = std::max<uint64_t>(last + 1, static_cast<uint64_t>(std::max<int64_t>(now, 0)));
  auto temp = WriteTempBeside(path, std::to_string(next) + "\n", 0644);
  if (!temp.ok()) return temp.status();
  if (std::rename(temp->c_str(), path.c_str()) != 0) {
    const int e = errno;
    unlink(temp->c_str());
    return Status::FromErrno("cannot replace " + path.string(), e);
  }
  if (Status s = SyncParentDirectory(path); !s.ok()) return s;
  return next;
}

}  // namespace vigil::daemon
