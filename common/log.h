// Logging: one readable line per event, to stderr by default. Thread-safe.
#pragma once

#include <functional>
#include <string>

namespace vigil {

enum class LogLevel { kError = 0, kWarning = 1, kInfo = 2, kDebug = 3 };

// "error", "warning", "info", "debug".
const char* LogLevelName(LogLevel level);

// Writes one line (the level's tag, then the message). Lines above the threshold are dropped.
void Log(LogLevel level, const std::string& message);
void SetLogThreshold(LogLevel level);
// Replaces the sink (tests capture lines with it); nullptr restores stderr.
void SetLogSink(std::function<void(LogLevel, const std::string&)> sink);

inline void LogError(const std::string& m) { Log(LogLevel::kError, m); }
inline void LogWarning(const std::string& m) { Log(LogLevel::kWarning, m); }
inline void LogInfo(const std::string& m) { Log(LogLevel::kInfo, m); }
inline void LogDebug(const std::string& m) { Log(LogLevel::kDebug, m); }

}  // namespace vigil
