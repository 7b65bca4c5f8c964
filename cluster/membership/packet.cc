#include "cluster/membership/packet.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "cluster/membership/wire.h"

namespace vigil::membership {
namespace {

constexpr char kMagic[4] = {'V', 'G', 'L', 1};

using wire::Get;
using wire::Put;

bool Mac(std::string_view data, std::string_view key, unsigned char out[kMacBytes]) {
  size_t length = 0;
  return EVP_Q_mac(nullptr, "HMAC", nullptr, "SHA256", nullptr, key.data(), key.size(),
                   reinterpret_cast<const unsigned char*>(data.data()), data.size(), out, kMacBytes,
                   &length) != nullptr &&
         length == kMacBytes;
}

}  // namespace

const char* DropReasonName(DropReason reason) {
  switch (reason) {
    case DropReason::kNone: return "none";
    case DropReason::kTooShort: return "too-short";
    case DropReason::kTooLong: return "too-long";
    case DropReason::kBadMagic: return "bad-magic";
    case DropReason::kBadLength: return "bad-length";
    case DropReason::kBadType: return "bad-type";
    case DropReason::kBadMac: return "bad-mac";
    case DropReason::kOtherCluster: return "other-cluster";
    case DropReason::kReplayed: return "replayed";
    case DropReason::kStale: return "stale";
    case DropReason::kUnknownSender: return "unknown-sender";
  }
  return "unknown";
}

Result<std::string> EncodePacket(const Packet& p, std::string_view key) {
  if (p.payload.size() > kMaxPayload) {
    return Status(StatusCode::kInvalidArgument, "a payload of " + std::to_string(p.payload.size()) +
                                                    " bytes; at most " + std::to_string(kMaxPayload));
  }
  std::string out(kMagic, sizeof kMagic);
  Put(out, static_cast<uint8_t>(p.type), 1);
  Put(out, p.sender, 4);
  Put(out, p.incarnation, 8);
  Put(out, p.sequence, 8);
  Put(out, p.cluster, 4);
  Put(out, p.payload.size(), 2);
  out += p.payload;
  unsigned char mac[kMacBytes];
  if (!Mac(out, key, mac)) return Status(StatusCode::kInternal, "HMAC-SHA256 failed (OpenSSL)");
  out.append(reinterpret_cast<const char*>(mac), kMacBytes);
  return out;
}

Decoded DecodePacket(std::string_view d, std::string_view key) {
  Decoded r;
  if (d.size() < kHeaderBytes + kMacBytes) {
    r.drop = DropReason::kTooShort;
    return r;
  }
  if (d.size() > kMaxPacket) {
    r.drop = DropReason::kTooLong;
    return r;
  }
  if (d.substr(0, 4) != std::string_view(kMagic, 4)) {
    r.drop = DropReason::kBadMagic;
    return r;
  }
  const std::string_view body = d.substr(0, d.size() - kMacBytes);
  unsigned char mac[kMacBytes];
  if (!Mac(body, key, mac) || CRYPTO_memcmp(mac, d.data() + body.size(), kMacBytes) != 0) {
    r.drop = DropReason::kBadMac;
    return r;
  }
  const uint64_t type = Get(d, 4, 1);
  if (type != static_cast<uint8_t>(PacketType::kHeartbeat) && type != static_cast<uint8_t>(PacketType::kLeave)) {
    r.drop = DropReason::kBadType;
    return r;
  }
  const uint64_t length = Get(d, kHeaderBytes - 2, 2);
  if (kHeaderBytes + length != body.size()) {
    r.drop = DropReason::kBadLength;
    return r;
  }
  r.packet.type = static_cast<PacketType>(type);
  r.packet.sender = static_cast<uint32_t>(Get(d, 5, 4));
  r.packet.incarnation = Get(d, 9, 8);
  r.packet.sequence = Get(d, 17, 8);
  r.packet.cluster = static_cast<uint32_t>(Get(d, 25, 4));
  r.packet.payload = std::string(body.substr(kHeaderBytes));
  return r;
}

uint32_t ClusterId(std::string_view name) {
  uint32_t h = 2166136261u;  // FNV-1a: stable across builds and machines
  for (const char c : name) {
    h ^= static_cast<unsigned char>(c);
    h *= 16777619u;
  }
  return h;
}

}  // namespace vigil::membership
