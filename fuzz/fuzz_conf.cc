// libFuzzer target: vigil.conf text. Anything must give a Config or an error, never a crash,
// a hang or undefined behaviour (the build adds AddressSanitizer and UBSan).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "cluster/config/config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto config = vigil::config::ParseConfig(text, "fuzz.conf");
  if (config.ok()) {
    (void)config->ExpectedVotes();
    std::vector<vigil::config::LocalAddress> local = {{"eth0", {0x0a000001}, 8}};
    (void)vigil::config::ResolveIdentity(*config, local, "host");
  }
  return 0;
}
