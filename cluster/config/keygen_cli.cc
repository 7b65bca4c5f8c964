#include "cluster/config/keygen_cli.h"

#include <cstdio>

#include "cluster/config/authkey.h"
#include "cluster/config/config.h"
#include "common/command_line.h"

namespace vigil {

int KeygenCommand(const std::vector<std::string>& args) {
  CLI::App app{
      "Writes the cluster's authkey: BYTES random bytes, mode 0400, where vigild reading CONF\n"
      "looks for it (its keyfile, else authkey beside it), or to FILE. CONF defaults to the file\n"
      "vigild reads: /etc/vigil/vigil.conf, else /etc/corosync/corosync.conf. Never waits for\n"
      "entropy. Copy the file to every node. An existing key is kept unless --force.",
      "vigil keygen"};
  ShapeCommandLine(app);
  std::string file, conf;
  size_t bytes = config::kAuthkeyDefaultBytes;
  bool force = false;
  auto* key = app.add_option("-k", file, "write the key there")->option_text("FILE");
  app.add_option("-c", conf, "write it where vigild -c CONF looks for it")->option_text("CONF")->excludes(key);
  app.add_option("-l", bytes, "its length in bytes (default 256)")
      ->option_text("BYTES")
      ->check(CLI::Range(config::kAuthkeyMinBytes, config::kAuthkeyMaxBytes));
  app.add_flag("-f,--force", force, "replace an existing key");
  if (const int code = ParseCommandLine(app, args); code >= 0) return code;
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
