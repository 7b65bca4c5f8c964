// Scores: Pacemaker's bounded integers, where ±1,000,000 stands for ±INFINITY.
//
// Every placement decision adds scores, so the arithmetic must be Pacemaker's exactly: any sum
// with -INFINITY is -INFINITY (a ban beats any preference, +INFINITY included), otherwise any sum
// with +INFINITY is +INFINITY, and finite sums are clamped to the range.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace vigil::cib {

constexpr int kInfinity = 1000000;

// a + b with the rules above.
int AddScores(int a, int b);

// "INFINITY", "+INFINITY", "-INFINITY" or a decimal integer (clamped to ±INFINITY). Anything
// else, including an empty string, gives nullopt.
std::optional<int> ParseScore(std::string_view text);

// A score in a meta attribute (priority, resource-stickiness, migration-threshold) as Pacemaker
// reads one: the INFINITY forms, else the integer the text starts with ("2.0" is 2), else 0.
int LenientScore(std::string_view text);

// The text Pacemaker prints for a score: "INFINITY", "-INFINITY" or the number.
std::string ScoreText(int score);

}  // namespace vigil::cib
