// The cryptographic primitives the cluster's wire protocols share, all from OpenSSL: HMAC-SHA256,
// HKDF-SHA256 and AES-256-GCM. Nothing here is Vigil's own cryptography: these are thin wrappers
// that turn OpenSSL's calls into values. Thread-safe: no state.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"

namespace vigil::membership {

constexpr size_t kMacBytes = 32;
constexpr size_t kNonceBytes = 12;
constexpr size_t kTagBytes = 16;
constexpr size_t kAesKeyBytes = 32;

using Mac = std::array<unsigned char, kMacBytes>;
using Tag = std::array<unsigned char, kTagBytes>;

// HMAC-SHA256 of `data` under `key`; nullopt when OpenSSL failed.
std::optional<Mac> HmacSha256(std::string_view key, std::string_view data);
// Whether `mac` (kMacBytes long) is the HMAC of `data`, compared in constant time.
bool CheckHmacSha256(std::string_view key, std::string_view data, std::string_view mac);

// HKDF-SHA256 (RFC 5869): `bytes` bytes derived from `key`, with `salt` (may be empty) and `info`.
Result<std::string> Hkdf(std::string_view key, std::string_view salt, std::string_view info, size_t bytes);

// AES-256-GCM over `in` with `aad` authenticated alongside. `key` is kAesKeyBytes and `nonce`
// kNonceBytes long; a nonce must never repeat under one key. Seal fills `tag`; Open checks it.
// false: wrong sizes, OpenSSL failed, or (Open) the tag did not match, and `out` is then garbage.
bool GcmSeal(std::string_view key, std::string_view nonce, std::string_view aad, std::string_view in,
             std::string& out, Tag& tag);
bool GcmOpen(std::string_view key, std::string_view nonce, std::string_view aad, std::string_view in,
             const Tag& tag, std::string& out);

// `bytes` random bytes (OpenSSL's RAND_bytes); kInternal when it fails.
Result<std::string> RandomBytes(size_t bytes);

}  // namespace vigil::membership
