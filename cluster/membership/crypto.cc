#include "cluster/membership/crypto.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/rand.h>

#include <memory>

namespace vigil::membership {
namespace {

struct CipherContextFree {
  void operator()(EVP_CIPHER_CTX* c) const { EVP_CIPHER_CTX_free(c); }
};
using CipherContext = std::unique_ptr<EVP_CIPHER_CTX, CipherContextFree>;
struct KdfContextFree {
  void operator()(EVP_PKEY_CTX* c) const { EVP_PKEY_CTX_free(c); }
};

const unsigned char* Bytes(std::string_view s) { return reinterpret_cast<const unsigned char*>(s.data()); }

bool Gcm(bool encrypt, std::string_view key, std::string_view nonce, std::string_view aad, std::string_view in,
         std::string& out, unsigned char* tag) {
  if (key.size() != kAesKeyBytes || nonce.size() != kNonceBytes) return false;
  CipherContext ctx(EVP_CIPHER_CTX_new());
  int n = 0;
  out.resize(in.size());
  auto* o = reinterpret_cast<unsigned char*>(out.data());
  if (!ctx || EVP_CipherInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, Bytes(key), Bytes(nonce), encrypt ? 1 : 0) != 1 ||
      (!aad.empty() && EVP_CipherUpdate(ctx.get(), nullptr, &n, Bytes(aad), static_cast<int>(aad.size())) != 1) ||
      (!in.empty() && EVP_CipherUpdate(ctx.get(), o, &n, Bytes(in), static_cast<int>(in.size())) != 1)) {
    return false;
  }
  if (!encrypt && EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kTagBytes, tag) != 1) return false;
  if (EVP_CipherFinal_ex(ctx.get(), o + in.size(), &n) != 1) return false;
  return !encrypt || EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kTagBytes, tag) == 1;
}

}  // namespace

std::optional<Mac> HmacSha256(std::string_view key, std::string_view data) {
  Mac mac{};
  size_t length = 0;
  if (EVP_Q_mac(nullptr, "HMAC", nullptr, "SHA256", nullptr, key.data(), key.size(), Bytes(data), data.size(),
                mac.data(), mac.size(), &length) == nullptr ||
      length != kMacBytes) {
    return std::nullopt;
  }
  return mac;
}

bool CheckHmacSha256(std::string_view key, std::string_view data, std::string_view mac) {
  const auto expected = HmacSha256(key, data);
  return expected && mac.size() == kMacBytes && CRYPTO_memcmp(expected->data(), mac.data(), kMacBytes) == 0;
}

Result<std::string> Hkdf(std::string_view key, std::string_view salt, std::string_view info, size_t bytes) {
  std::string out(bytes, '\0');
  size_t length = out.size();
  std::unique_ptr<EVP_PKEY_CTX, KdfContextFree> ctx(EVP_PKEY_CTX_new_id(EVP_PKEY_HKDF, nullptr));
  const bool ok = ctx && EVP_PKEY_derive_init(ctx.get()) == 1 && EVP_PKEY_CTX_set_hkdf_md(ctx.get(), EVP_sha256()) == 1 &&
                  EVP_PKEY_CTX_set1_hkdf_key(ctx.get(), Bytes(key), static_cast<int>(key.size())) == 1 &&
                  (salt.empty() ||
                   EVP_PKEY_CTX_set1_hkdf_salt(ctx.get(), Bytes(salt), static_cast<int>(salt.size())) == 1) &&
                  EVP_PKEY_CTX_add1_hkdf_info(ctx.get(), Bytes(info), static_cast<int>(info.size())) == 1 &&
                  EVP_PKEY_derive(ctx.get(), reinterpret_cast<unsigned char*>(out.data()), &length) == 1 &&
                  length == bytes;
  if (!ok) return Status(StatusCode::kInternal, "HKDF-SHA256 failed (OpenSSL)");
  return out;
}

bool GcmSeal(std::string_view key, std::string_view nonce, std::string_view aad, std::string_view in,
             std::string& out, Tag& tag) {
  return Gcm(true, key, nonce, aad, in, out, tag.data());
}

bool GcmOpen(std::string_view key, std::string_view nonce, std::string_view aad, std::string_view in,
             const Tag& tag, std::string& out) {
  Tag copy = tag;  // OpenSSL takes the expected tag through a non-const pointer
  return Gcm(false, key, nonce, aad, in, out, copy.data());
}

Result<std::string> RandomBytes(size_t bytes) {
  std::string out(bytes, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(bytes)) != 1) {
    return Status(StatusCode::kInternal, "no random bytes (OpenSSL)");
  }
  return out;
}

}  // namespace vigil::membership
