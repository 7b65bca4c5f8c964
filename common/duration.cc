#include "common/duration.h"

#include <cctype>
#include <charconv>
#include <string>

namespace vigil {

std::optional<std::chrono::milliseconds> ParseDurationMs(std::string_view text) {
  using std::chrono::milliseconds;
  // Durations past a year are refused rather than overflowing.
  constexpr int64_t kMaxMs = int64_t{366} * 24 * 3600 * 1000;
  auto number = [](std::string_view digits) -> std::optional<int64_t> {
    int64_t v = 0;
    auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
    if (digits.empty() || ec != std::errc() || ptr != digits.data() + digits.size() || v < 0 ||
        v > kMaxMs) {
      return std::nullopt;
    }
    return v;
  };
  auto scaled = [&](int64_t v, int64_t unit) -> std::optional<int64_t> {
    if (v > kMaxMs / unit) return std::nullopt;
    return v * unit;
  };
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  if (!text.empty() && (text.front() == 'P' || text.front() == 'p')) {
    // ISO 8601, as Pacemaker reads it: P[nW][nD][T][nH][nM][nS]. H and S may stand before the T
    // and W and D after it (P10S, PT1D); M is minutes after the T and months before it, and
    // months and years (Y) are refused: they have no fixed length.
    int64_t total = 0;
    bool time = false;
    bool any = false;
    std::string_view rest = text.substr(1);
    while (!rest.empty()) {
      if (rest.front() == 'T' || rest.front() == 't') {
        time = true;
        rest.remove_prefix(1);
        continue;
      }
      size_t i = 0;
      while (i < rest.size() && rest[i] >= '0' && rest[i] <= '9') ++i;
      if (i == 0 || i == rest.size()) return std::nullopt;
      const auto v = number(rest.substr(0, i));
      if (!v) return std::nullopt;
      const char unit = static_cast<char>(std::toupper(static_cast<unsigned char>(rest[i])));
      const int64_t ms = unit == 'W'               ? int64_t{7} * 86400000
                         : unit == 'D'             ? 86400000
                         : unit == 'H'             ? 3600000
                         : unit == 'M' && time     ? 60000
                         : unit == 'S'             ? 1000
                                                   : 0;
      if (ms == 0) return std::nullopt;
      const auto part = scaled(*v, ms);
      if (!part || total > kMaxMs - *part) return std::nullopt;
      total += *part;
      any = true;
      rest.remove_prefix(i + 1);
    }
    if (!any) return std::nullopt;
    return milliseconds(total);
  }
  size_t i = 0;
  while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i;
  const auto v = number(text.substr(0, i));
  if (!v) return std::nullopt;
  std::string_view unit_text = text.substr(i);
  while (!unit_text.empty() && unit_text.front() == ' ') unit_text.remove_prefix(1);  // "15 s"
  std::string unit(unit_text);
  for (auto& ch : unit) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  std::optional<int64_t> ms;
  if (unit.empty() || unit == "s" || unit == "sec") ms = scaled(*v, 1000);
  if (unit == "ms" || unit == "msec") ms = *v;
  if (unit == "us" || unit == "usec") ms = *v / 1000;
  if (unit == "m" || unit == "min") ms = scaled(*v, 60000);
  if (unit == "h" || unit == "hr") ms = scaled(*v, 3600000);
  return ms ? std::optional<milliseconds>(milliseconds(*ms)) : std::nullopt;
}

}  // namespace vigil
