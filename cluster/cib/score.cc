#include "cluster/cib/score.h"

#include <charconv>

namespace vigil::cib {

int AddScores(int a, int b) {
  if (a <= -kInfinity || b <= -kInfinity) return -kInfinity;
  if (a >= kInfinity || b >= kInfinity) return kInfinity;
  const int sum = a + b;  // |a|, |b| < 10^6: no overflow
  if (sum >= kInfinity) return kInfinity;
  if (sum <= -kInfinity) return -kInfinity;
  return sum;
}

std::optional<int> ParseScore(std::string_view text) {
  if (text == "INFINITY" || text == "+INFINITY") return kInfinity;
  if (text == "-INFINITY") return -kInfinity;
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  long long value = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ptr != end) return std::nullopt;
  if (ec == std::errc::result_out_of_range) return text.front() == '-' ? -kInfinity : kInfinity;
  if (ec != std::errc()) return std::nullopt;
  if (value >= kInfinity) return kInfinity;
  if (value <= -kInfinity) return -kInfinity;
  return static_cast<int>(value);
}

int LenientScore(std::string_view text) {
  if (const auto exact = ParseScore(text)) return *exact;
  size_t digits = (!text.empty() && (text.front() == '-' || text.front() == '+')) ? 1 : 0;
  while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') ++digits;
  return ParseScore(text.substr(0, digits)).value_or(0);
}

std::string ScoreText(int score) {
  if (score >= kInfinity) return "INFINITY";
  if (score <= -kInfinity) return "-INFINITY";
  return std::to_string(score);
}

}  // namespace vigil::cib
