#include "cluster/config/keygen_cli.h"

#include <charconv>
#include <cstdio>

#include "cluster/config/authkey.h"

namespace vigil {
namespace {

constexpr const char* kUsage =
    "usage: vigil keygen [-k FILE] [-l BYTES] [--force]\n"
    "\n"
    "Writes the cluster's authkey: BYTES random bytes (default 256) to FILE (default\n"
    "/etc/vigil/authkey), mode 0400. Never waits for entropy. Copy the file to every node.\n"
    "An existing key is kept unless --force.\n";

}  // namespace

int KeygenCommand(const std::vector<std::string>& args) {
  std::string file = "/etc/vigil/authkey";
  size_t bytes = config::kAuthkeyDefaultBytes;
  bool force = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "-h" || a == "--help") {
      std::fputs(kUsage, stdout);
      return 0;
    }
    if (a == "--force" || a == "-f") {
      force = true;
    } else if ((a == "-k" || a == "-l") && i + 1 < args.size()) {
      const std::string& v = args[++i];
      if (a == "-k") {
        file = v;
        continue;
      }
      auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), bytes);
      if (v.empty() || ec != std::errc() || ptr != v.data() + v.size()) {
        std::fprintf(stderr, "vigil keygen: -l wants a number of bytes, not '%s'\n", v.c_str());
        return 2;
      }
    } else {
      std::fprintf(stderr, "vigil keygen: unexpected '%s'\n%s", a.c_str(), kUsage);
      return 2;
    }
  }
  const Status s = config::WriteAuthkey(file, bytes, force);
  if (!s.ok()) {
    std::fprintf(stderr, "vigil keygen: %s\n", s.message().c_str());
    return s.code() == StatusCode::kInvalidArgument ? 2 : 1;
  }
  std::printf("wrote %zu random bytes to %s (mode 0400); copy it to every node\n", bytes, file.c_str());
  return 0;
}

}  // namespace vigil
