// The membership protocol's packets on the wire, and their authentication.
//
// Layout (big-endian), at most kMaxPacket bytes:
//   magic "VGL" + version 1 | type u8 | sender node id u32 | sender incarnation u64 |
//   sequence u64 | cluster id u32 | payload length u16 | payload | HMAC-SHA256 (32 bytes)
// The HMAC (OpenSSL, keyed with the authkey) covers everything before it and is compared in
// constant time. The incarnation is the sender's boot identity (it grows across restarts) and
// the sequence number grows with every packet of an incarnation, so that the receiver's replay
// window (replay_window.h) can drop copies and stale packets.
//
// With crypto_cipher aes256 the payload is encrypted with AES-256-GCM instead (the header stays
// in clear, authenticated as additional data): magic "VGL" + version 2, the header, a random
// 12-byte nonce, the ciphertext, the 16-byte tag. The AES key is derived from the authkey with
// HKDF-SHA256 (AesKey). Either way a packet is at most kMaxPacket bytes and carries at most
// kMaxPayload.
//
// Decode checks everything a hostile or broken peer could send and says which check failed, so
// the daemon can count drops per reason. Thread-safe: no state.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cluster/membership/crypto.h"
#include "common/status.h"

namespace vigil::membership {

constexpr size_t kMaxPacket = 1400;  // below a 1500-byte MTU with IP and UDP headers
constexpr size_t kHeaderBytes = 4 + 1 + 4 + 8 + 8 + 4 + 2;
constexpr size_t kMaxPayload = kMaxPacket - kHeaderBytes - kMacBytes;

enum class Protection {
  kHmacSha256,  // authenticated
  kAes256Gcm,   // authenticated and encrypted
};

enum class PacketType : uint8_t {
  kHeartbeat = 1,  // "I am alive, and this is whom I hear"
  kLeave = 2,      // a clean stop: drop me now
};

struct Packet {
  PacketType type = PacketType::kHeartbeat;
  uint32_t sender = 0;
  uint64_t incarnation = 0;
  uint64_t sequence = 0;
  uint32_t cluster = 0;  // a hash of the cluster name: two clusters on one port ignore each other
  std::string payload;
};

// Why a datagram was dropped.
enum class DropReason {
  kNone,
  kTooShort,     // shorter than a header and a MAC
  kTooLong,      // longer than kMaxPacket
  kBadMagic,     // not Vigil's, another protocol version, or the other Protection
  kBadLength,    // the payload length disagrees with the datagram's size
  kBadType,
  kBadMac,       // forged or corrupted (or another key)
  kOtherCluster,
  kReplayed,     // seen already, or older than the window (replay_window.h)
  kStale,        // an older incarnation of the sender
  kUnknownSender,  // not in the nodelist, or not from the sender's configured address
};
constexpr DropReason kLastDropReason = DropReason::kUnknownSender;  // keep last when adding one
const char* DropReasonName(DropReason reason);

// The AES-256-GCM key for an authkey (HKDF-SHA256). Errors: OpenSSL failed.
Result<std::string> AesKey(std::string_view authkey);

// The datagram for `packet`, authenticated with `key` (the authkey; with kAes256Gcm, its AesKey).
// Errors: a payload over kMaxPayload.
Result<std::string> EncodePacket(const Packet& packet, std::string_view key,
                                 Protection protection = Protection::kHmacSha256);

struct Decoded {
  DropReason drop = DropReason::kNone;
  Packet packet;  // valid when drop == kNone
};
// Checks the size, the magic, the MAC (before trusting any field), the type and the length.
Decoded DecodePacket(std::string_view datagram, std::string_view key,
                     Protection protection = Protection::kHmacSha256);

// The sender id a datagram claims, unauthenticated (nullopt: shorter than a header): for cheap
// checks before the MAC.
std::optional<uint32_t> ClaimedSender(std::string_view datagram);

// The cluster id carried in every packet: a stable 32-bit hash of the cluster name.
uint32_t ClusterId(std::string_view cluster_name);

}  // namespace vigil::membership
