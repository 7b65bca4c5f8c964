// Pacemaker's time syntax, for operation timeouts and intervals, failure-timeout and the
// command line: a number with an optional unit (ms, msec, us, usec, s, sec, m, min, h, hr; none
// means seconds), or an ISO 8601 duration of time only (PT1M30S). Blanks around it and before
// the unit are allowed. Durations past a year are refused rather than overflowing.
#pragma once

#include <chrono>
#include <optional>
#include <string_view>

namespace vigil {

std::optional<std::chrono::milliseconds> ParseDurationMs(std::string_view text);

}  // namespace vigil
