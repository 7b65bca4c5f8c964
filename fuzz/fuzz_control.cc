// libFuzzer target: what a client may send on the control socket, and what `vigil status` may
// read back. The first byte chooses: a request payload (decoded; a decoded one must encode back
// to the same bytes), or a status document (parsed; a parsed one must print and round-trip).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "cluster/control/cluster_status.h"
#include "cluster/control/control.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
  using namespace vigil::control;
  if (data[0] & 1) {
    auto request = DecodeRequest(input);
    if (request.ok() && EncodeRequest(*request) != input) __builtin_trap();
    (void)DecodeResponse(input);
  } else {
    auto status = FromXml(input);
    if (status.ok()) {
      (void)FormatStatus(*status, true);
      auto again = FromXml(ToXml(*status));
      if (!again.ok() || !(*again == *status)) __builtin_trap();
    }
  }
  return 0;
}
