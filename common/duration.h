// Pacemaker's time syntax, for operation timeouts and intervals, failure-timeout and the
// command line: a number with an optional unit (ms, msec, us, usec, s, sec, m, min, h, hr; none
// means seconds), or an ISO 8601 duration as Pacemaker reads it (PT1M30S, P10S, P1DT2H, P1W;
// months and years are refused, having no fixed length). Blanks around it and before the unit
// are allowed, and unlike Pacemaker lower case too. Durations past a year are refused rather
// than overflowing.
#pragma once

#include <chrono>
#include <optional>
#include <string_view>

namespace vigil {

std::optional<std::chrono::milliseconds> ParseDurationMs(std::string_view text);

}  // namespace vigil
