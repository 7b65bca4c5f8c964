#include "cluster/cib/digest.h"

#include <openssl/evp.h>


namespace vigil::cib {
namespace {

std::string EscapeAttribute(const std::string& value) {
  std::string out;
  for (const char c : value) {
    switch (c) {
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '&': out += "&amp;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default: out += c;
    }
  }
  return out;
}

}  // namespace

std::optional<std::string> ParametersDigest(const Attributes& params) {
  std::string text = " <parameters";
  for (const auto& [name, value] : params) text += " " + name + "=\"" + EscapeAttribute(value) + "\"";
  text += "/>\n";
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_Digest(text.data(), text.size(), md, &length, EVP_md5(), nullptr) != 1) return std::nullopt;
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex(2 * length, '0');
  for (unsigned int i = 0; i < length; ++i) {
    hex[2 * i] = kHex[md[i] >> 4];
    hex[2 * i + 1] = kHex[md[i] & 0xf];
  }
  return hex;
}

}  // namespace vigil::cib
