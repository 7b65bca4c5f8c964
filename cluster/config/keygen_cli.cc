#include "cluster/config/keygen_cli.h"

#include <charconv>
#include <cstdio>

#include "cluster/config/authkey.h"
#include "cluster/config/config.h"

namespace vigil {
namespace {

constexpr const char* kUsage =
    "usage: vigil keygen [-k FILE | -c CONF] [-l BYTES] [--force]\n"
    "\n"
    "Writes the cluster's authkey: BYTES random bytes (default 256), mode 0400, where vigild\n"
    "reading CONF looks for it (its keyfile, else authkey beside it), or to FILE. CONF\n"
    "defaults to the file vigild reads: /etc/vigil/vigil.conf, else\n"
    "/etc/corosync/corosync.conf. Never waits for entropy. Copy the file to every node.\n"
    "An existing key is kept unless --force.\n"
    "  -k FILE     write the key there\n"
    "  -c CONF     write it where vigild -c CONF looks for it\n"
    "  -l BYTES    its length (default 256)\n"
    "  -f, --force replace an existing key\n";

}  // namespace

int KeygenCommand(const std::vector<std::string>& args) {
  std::string file, conf;
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
    } else if ((a == "-k" || a == "-l" || a == "-c") && i + 1 < args.size()) {
      const std::string& v = args[++i];
      if (a == "-k" || a == "-c") {
        (a == "-k" ? file : conf) = v;
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
  if (!file.empty() && !conf.empty()) {
    std::fprintf(stderr, "vigil keygen: -k and -c both say where the key goes: give one\n%s", kUsage);
    return 2;
  }
  if (file.empty()) {
    auto where = config::KeyfileFor(conf.empty() ? config::DefaultConfigPath() : std::filesystem::path(conf));
    if (!where.ok()) {
      std::fprintf(stderr, "vigil keygen: cannot tell where vigild looks for the key: %s (give -k FILE)\n",
                   where.status().message().c_str());
      return 1;
    }
    file = where->string();
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
