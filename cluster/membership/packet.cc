#include "cluster/membership/packet.h"

#include <cstring>

#include "cluster/membership/crypto.h"
#include "common/wire.h"

namespace vigil::membership {
namespace {

constexpr char kMagic[4] = {'V', 'G', 'L', 1};
constexpr char kMagicEncrypted[4] = {'V', 'G', 'L', 2};

using wire::Get;
using wire::Put;

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

Result<std::string> AesKey(std::string_view authkey) {
  return Hkdf(authkey, "", "vigil membership aes-256-gcm", kAesKeyBytes);
}

Result<std::string> EncodePacket(const Packet& p, std::string_view key, Protection protection) {
  if (p.payload.size() > kMaxPayload) {
    return Status(StatusCode::kInvalidArgument, "a payload of " + std::to_string(p.payload.size()) +
                                                    " bytes; at most " + std::to_string(kMaxPayload));
  }
  const bool encrypt = protection == Protection::kAes256Gcm;
  std::string out(encrypt ? kMagicEncrypted : kMagic, 4);
  Put(out, static_cast<uint8_t>(p.type), 1);
  Put(out, p.sender, 4);
  Put(out, p.incarnation, 8);
  Put(out, p.sequence, 8);
  Put(out, p.cluster, 4);
  Put(out, p.payload.size(), 2);
  if (encrypt) {
    // A random nonce: at four heartbeats a second, 2^32 packets take decades, far from the
    // birthday bound of 96-bit nonces.
    auto nonce = RandomBytes(kNonceBytes);
    if (!nonce.ok()) return nonce.status();
    std::string sealed;
    Tag tag;
    if (!GcmSeal(key, *nonce, out, p.payload, sealed, tag)) {
      return Status(StatusCode::kInternal, "AES-256-GCM failed (OpenSSL)");
    }
    out += *nonce;
    out += sealed;
    out.append(reinterpret_cast<const char*>(tag.data()), kTagBytes);
    return out;
  }
  out += p.payload;
  const auto mac = HmacSha256(key, out);
  if (!mac) return Status(StatusCode::kInternal, "HMAC-SHA256 failed (OpenSSL)");
  out.append(reinterpret_cast<const char*>(mac->data()), kMacBytes);
  return out;
}

Decoded DecodePacket(std::string_view d, std::string_view key, Protection protection) {
  Decoded r;
  const bool encrypted = protection == Protection::kAes256Gcm;
  const size_t trailer = encrypted ? kNonceBytes + kTagBytes : kMacBytes;
  if (d.size() < kHeaderBytes + trailer) {
    r.drop = DropReason::kTooShort;
    return r;
  }
  if (d.size() > kMaxPacket) {
    r.drop = DropReason::kTooLong;
    return r;
  }
  if (d.substr(0, 4) != std::string_view(encrypted ? kMagicEncrypted : kMagic, 4)) {
    r.drop = DropReason::kBadMagic;
    return r;
  }
  const std::string_view header = d.substr(0, kHeaderBytes);
  std::string payload;
  if (encrypted) {
    Tag tag;
    std::memcpy(tag.data(), d.data() + d.size() - kTagBytes, kTagBytes);
    const std::string_view sealed = d.substr(kHeaderBytes + kNonceBytes, d.size() - kHeaderBytes - trailer);
    if (!GcmOpen(key, d.substr(kHeaderBytes, kNonceBytes), header, sealed, tag, payload)) {
      r.drop = DropReason::kBadMac;
      return r;
    }
  } else {
    const std::string_view body = d.substr(0, d.size() - kMacBytes);
    if (!CheckHmacSha256(key, body, d.substr(body.size()))) {
      r.drop = DropReason::kBadMac;
      return r;
    }
    payload = body.substr(kHeaderBytes);
  }
  const uint64_t type = Get(d, 4, 1);
  if (type != static_cast<uint8_t>(PacketType::kHeartbeat) && type != static_cast<uint8_t>(PacketType::kLeave)) {
    r.drop = DropReason::kBadType;
    return r;
  }
  if (Get(d, kHeaderBytes - 2, 2) != payload.size()) {
    r.drop = DropReason::kBadLength;
    return r;
  }
  r.packet.type = static_cast<PacketType>(type);
  r.packet.sender = *ClaimedSender(d);
  r.packet.incarnation = Get(d, 9, 8);
  r.packet.sequence = Get(d, 17, 8);
  r.packet.cluster = static_cast<uint32_t>(Get(d, 25, 4));
  r.packet.payload = std::move(payload);
  return r;
}

std::optional<uint32_t> ClaimedSender(std::string_view d) {
  if (d.size() < kHeaderBytes) return std::nullopt;
  return static_cast<uint32_t>(Get(d, 5, 4));
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
