// Big-endian integers in byte strings: membership packets, control-socket frames, peer messages.
// Put and Get leave size checks to the caller; Reader checks every read.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace vigil::wire {

inline void Put(std::string& out, uint64_t value, int bytes) {
  for (int i = bytes - 1; i >= 0; --i) out.push_back(static_cast<char>((value >> (8 * i)) & 0xff));
}

inline uint64_t Get(std::string_view in, size_t at, int bytes) {
  uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v = (v << 8) | static_cast<unsigned char>(in[at + i]);
  return v;
}

// Reads fields in order from a message, failing (and staying failed) on the first that runs past
// the end, so a decoder checks once, at the end: `if (!r.ok() || !r.done()) ...`.
class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}
  uint64_t Int(int bytes) {
    if (!ok_ || in_.size() - at_ < static_cast<size_t>(bytes)) return Fail();
    const uint64_t v = Get(in_, at_, bytes);
    at_ += static_cast<size_t>(bytes);
    return v;
  }
  // A timeout or an interval in milliseconds (8 bytes): at most kMaxMilliseconds, so that no
  // deadline computed from it overflows.
  static constexpr uint64_t kMaxMilliseconds = 10ULL * 366 * 24 * 3600 * 1000;  // ten years
  int64_t Milliseconds() {
    const uint64_t v = Int(8);
    if (v > kMaxMilliseconds) return static_cast<int64_t>(Fail("a duration out of range"));
    return static_cast<int64_t>(v);
  }
  // A string written by PutString: a u32 length, then the bytes.
  std::string String() {
    const uint64_t length = Int(4);
    if (!ok_ || in_.size() - at_ < length) return Fail(), std::string();
    std::string s(in_.substr(at_, length));
    at_ += length;
    return s;
  }
  bool ok() const { return ok_; }
  bool done() const { return at_ == in_.size(); }
  const char* problem() const { return problem_; }

 private:
  uint64_t Fail(const char* problem = "a field is cut short") {
    if (ok_) problem_ = problem;
    ok_ = false;
    return 0;
  }
  const char* problem_ = "";
  std::string_view in_;
  size_t at_ = 0;
  bool ok_ = true;
};

// A decoder's verdict on `r`, for messages named `what` ("peer message"): Ok when every field
// was read and nothing follows; else which of the two went wrong.
inline Status Finished(std::string_view what, const Reader& r) {
  if (!r.ok()) return Status(StatusCode::kParseError, std::string(what) + ": " + r.problem());
  if (!r.done()) return Status(StatusCode::kParseError, std::string(what) + ": bytes after the last field");
  return Status::Ok();
}
// For a type byte no decoder knows (or none at all).
inline Status UnknownType(std::string_view what, const Reader& r, uint64_t type) {
  if (!r.ok()) return Status(StatusCode::kParseError, std::string(what) + ": empty");
  return Status(StatusCode::kParseError, std::string(what) + ": unknown type " + std::to_string(type));
}

// A frame: a u32 length, then `payload` (the control socket, the executor child's socket, links).
inline std::string Frame(std::string_view payload) {
  std::string out;
  Put(out, payload.size(), 4);
  out += payload;
  return out;
}

inline void PutString(std::string& out, std::string_view s) {
  Put(out, s.size(), 4);
  out += s;
}

// Name/value pairs (a map, or a vector of pairs): a u32 count, then each name and value.
template <typename Pairs>
void PutPairs(std::string& out, const Pairs& pairs) {
  Put(out, pairs.size(), 4);
  for (const auto& [name, value] : pairs) {
    PutString(out, name);
    PutString(out, value);
  }
}
// Reads what PutPairs wrote. The count is bounded by the bytes: each pair takes at least eight.
template <typename Pairs>
Pairs GetPairs(Reader& r) {
  Pairs pairs;
  const uint64_t n = r.Int(4);
  for (uint64_t i = 0; i < n && r.ok(); ++i) {
    std::string name = r.String();
    std::string value = r.String();
    if (r.ok()) pairs.insert(pairs.end(), {std::move(name), std::move(value)});
  }
  return pairs;
}

}  // namespace vigil::wire
