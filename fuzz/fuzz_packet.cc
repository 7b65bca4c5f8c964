// libFuzzer target: a datagram on the membership port, with and without a valid MAC (the first
// byte chooses whether the input is signed first, so the decoder past the MAC is reached too).
#include <cstddef>
#include <cstdint>
#include <string>

#include "cluster/membership/membership.h"
#include "cluster/membership/packet.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::string key(256, 'k');
  if (size == 0) return 0;
  const std::string input(reinterpret_cast<const char*>(data) + 1, size - 1);
  using namespace vigil::membership;
  if (data[0] & 2) {
    // Encrypted: arbitrary datagrams at the AES-GCM decoder, and what it sealed must open.
    static const std::string aes = *AesKey(key);
    Packet p;
    p.payload = input.substr(0, kMaxPayload);
    auto wire = EncodePacket(p, aes, Protection::kAes256Gcm);
    if (!wire.ok() || DecodePacket(*wire, aes, Protection::kAes256Gcm).packet.payload != p.payload) __builtin_trap();
    (void)DecodePacket(input, aes, Protection::kAes256Gcm);
  } else if (data[0] & 1) {
    // Signed: the payload is the fuzzer's, so DecodeView gets arbitrary bytes behind a good MAC.
    Packet p;
    p.sender = 2;
    p.payload = input.substr(0, kMaxPayload);
    auto wire = EncodePacket(p, key);
    if (!wire.ok()) return 0;
    const Decoded d = DecodePacket(*wire, key);
    if (d.drop != DropReason::kNone) __builtin_trap();  // what we signed must decode
    if (auto view = DecodeView(d.packet.payload)) {
      MembershipOptions o;
      o.self = 1;
      o.incarnation = 1;
      o.nodes = {1, 2, 3};
      const vigil::SteadyTime now{};
      Membership m(o);
      m.OnHeartbeat(2, d.packet.incarnation, *view, now);
      (void)m.Outgoing();
    }
  } else {
    (void)DecodePacket(input, key);
  }
  return 0;
}
