#include "cluster/membership/packet.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/rand.h>

#include <cstring>
#include <memory>

#include "common/wire.h"

namespace vigil::membership {
namespace {

constexpr char kMagic[4] = {'V', 'G', 'L', 1};
constexpr char kMagicEncrypted[4] = {'V', 'G', 'L', 2};
constexpr size_t kAesKeyBytes = 32;

struct CipherContextFree {
  void operator()(EVP_CIPHER_CTX* c) const { EVP_CIPHER_CTX_free(c); }
};
using CipherContext = std::unique_ptr<EVP_CIPHER_CTX, CipherContextFree>;

const unsigned char* Bytes(std::string_view s) { return reinterpret_cast<const unsigned char*>(s.data()); }

// AES-256-GCM over `in` with `header` as additional data. Encrypting fills `tag`; decrypting
// checks it. false: OpenSSL failed, or (decrypting) the tag did not match.
bool Gcm(bool encrypt, std::string_view key, std::string_view nonce, std::string_view header, std::string_view in,
         std::string& out, unsigned char tag[kTagBytes]) {
  if (key.size() != kAesKeyBytes || nonce.size() != kNonceBytes) return false;
  CipherContext ctx(EVP_CIPHER_CTX_new());
  int n = 0;
  out.resize(in.size());
  auto* o = reinterpret_cast<unsigned char*>(out.data());
  if (!ctx || EVP_CipherInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, Bytes(key), Bytes(nonce), encrypt ? 1 : 0) != 1 ||
      EVP_CipherUpdate(ctx.get(), nullptr, &n, Bytes(header), static_cast<int>(header.size())) != 1 ||
      (!in.empty() && EVP_CipherUpdate(ctx.get(), o, &n, Bytes(in), static_cast<int>(in.size())) != 1)) {
    return false;
  }
  if (!encrypt && EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kTagBytes, tag) != 1) return false;
  if (EVP_CipherFinal_ex(ctx.get(), o + in.size(), &n) != 1) return false;
  return !encrypt || EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kTagBytes, tag) == 1;
}

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

Result<std::string> AesKey(std::string_view authkey) {
  std::string out(kAesKeyBytes, '\0');
  size_t length = out.size();
  EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_id(EVP_PKEY_HKDF, nullptr);
  static constexpr std::string_view kInfo = "vigil membership aes-256-gcm";
  const bool ok = ctx != nullptr && EVP_PKEY_derive_init(ctx) == 1 && EVP_PKEY_CTX_set_hkdf_md(ctx, EVP_sha256()) == 1 &&
                  EVP_PKEY_CTX_set1_hkdf_key(ctx, Bytes(authkey), static_cast<int>(authkey.size())) == 1 &&
                  EVP_PKEY_CTX_add1_hkdf_info(ctx, Bytes(kInfo), static_cast<int>(kInfo.size())) == 1 &&
                  EVP_PKEY_derive(ctx, reinterpret_cast<unsigned char*>(out.data()), &length) == 1 &&
                  length == kAesKeyBytes;
  EVP_PKEY_CTX_free(ctx);
  if (!ok) return Status(StatusCode::kInternal, "HKDF-SHA256 failed (OpenSSL)");
  return out;
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
    std::string nonce(kNonceBytes, '\0');
    if (RAND_bytes(reinterpret_cast<unsigned char*>(nonce.data()), kNonceBytes) != 1) {
      return Status(StatusCode::kInternal, "no random nonce (OpenSSL)");
    }
    std::string sealed;
    unsigned char tag[kTagBytes];
    if (!Gcm(true, key, nonce, out, p.payload, sealed, tag)) {
      return Status(StatusCode::kInternal, "AES-256-GCM failed (OpenSSL)");
    }
    out += nonce;
    out += sealed;
    out.append(reinterpret_cast<const char*>(tag), kTagBytes);
    return out;
  }
  out += p.payload;
  unsigned char mac[kMacBytes];
  if (!Mac(out, key, mac)) return Status(StatusCode::kInternal, "HMAC-SHA256 failed (OpenSSL)");
  out.append(reinterpret_cast<const char*>(mac), kMacBytes);
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
    unsigned char tag[kTagBytes];
    std::memcpy(tag, d.data() + d.size() - kTagBytes, kTagBytes);
    const std::string_view sealed = d.substr(kHeaderBytes + kNonceBytes, d.size() - kHeaderBytes - trailer);
    if (!Gcm(false, key, d.substr(kHeaderBytes, kNonceBytes), header, sealed, payload, tag)) {
      r.drop = DropReason::kBadMac;
      return r;
    }
  } else {
    const std::string_view body = d.substr(0, d.size() - kMacBytes);
    unsigned char mac[kMacBytes];
    if (!Mac(body, key, mac) || CRYPTO_memcmp(mac, d.data() + body.size(), kMacBytes) != 0) {
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
