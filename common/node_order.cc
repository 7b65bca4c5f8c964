#include "common/node_order.h"

#include <cctype>

namespace vigil {
namespace {

bool Digit(char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; }

// The run of digits at `at`, without its leading zeros (one zero left for zero itself); `at`
// moves past it.
std::string_view Number(std::string_view s, size_t& at) {
  const size_t start = at;
  while (at < s.size() && Digit(s[at])) ++at;
  std::string_view run = s.substr(start, at - start);
  while (run.size() > 1 && run[0] == '0') run.remove_prefix(1);
  return run;
}

}  // namespace

bool NodeNameLess(std::string_view a, std::string_view b) {
  size_t i = 0;
  size_t j = 0;
  while (i < a.size() && j < b.size()) {
    if (Digit(a[i]) && Digit(b[j])) {
      const std::string_view x = Number(a, i);
      const std::string_view y = Number(b, j);
      // Without leading zeros, the longer run is the bigger number.
      if (x.size() != y.size()) return x.size() < y.size();
      if (x != y) return x < y;
      continue;
    }
    const int ca = std::tolower(static_cast<unsigned char>(a[i]));
    const int cb = std::tolower(static_cast<unsigned char>(b[j]));
    if (ca != cb) return ca < cb;
    ++i;
    ++j;
  }
  return a.size() - i < b.size() - j;
}

}  // namespace vigil
