// Big-endian integers in byte strings: membership packets, control-socket frames. Callers check
// sizes first.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace vigil::wire {

inline void Put(std::string& out, uint64_t value, int bytes) {
  for (int i = bytes - 1; i >= 0; --i) out.push_back(static_cast<char>((value >> (8 * i)) & 0xff));
}

inline uint64_t Get(std::string_view in, size_t at, int bytes) {
  uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v = (v << 8) | static_cast<unsigned char>(in[at + i]);
  return v;
}

}  // namespace vigil::wire
