// Logging: one readable line per event, to stderr by default. Thread-safe.
#pragma once

#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace vigil {

enum class LogLevel { kError = 0, kWarning = 1, kInfo = 2, kDebug = 3 };

// "error", "warning", "info", "debug".
const char* LogLevelName(LogLevel level);

// Writes one line (the level's tag, then the message). Lines above the threshold are dropped.
void Log(LogLevel level, const std::string& message);
void SetLogThreshold(LogLevel level);
// Replaces the sink (tests capture lines with it); nullptr restores stderr.
void SetLogSink(std::function<void(LogLevel, const std::string&)> sink);

// A line a component has to tell, with the level it is to be logged at.
struct LogEvent {
  LogLevel level = LogLevel::kInfo;
  std::string text;
};

// What a single-threaded component has to tell, gathered until its owner takes it (vigild's
// loop logs it; tests read it): failures as errors, what needs a look as warnings.
class EventLog {
 public:
  void Info(std::string text) { events_.push_back({LogLevel::kInfo, std::move(text)}); }
  void Warning(std::string text) { events_.push_back({LogLevel::kWarning, std::move(text)}); }
  void Error(std::string text) { events_.push_back({LogLevel::kError, std::move(text)}); }
  void Add(LogEvent event) { events_.push_back(std::move(event)); }
  std::vector<LogEvent> Take() { return std::exchange(events_, {}); }

 private:
  std::vector<LogEvent> events_;
};

// The events' texts, in order.
inline std::vector<std::string> TextsOf(const std::vector<LogEvent>& events) {
  std::vector<std::string> out;
  for (const auto& e : events) out.push_back(e.text);
  return out;
}

inline void LogError(const std::string& m) { Log(LogLevel::kError, m); }
inline void LogWarning(const std::string& m) { Log(LogLevel::kWarning, m); }
inline void LogInfo(const std::string& m) { Log(LogLevel::kInfo, m); }
inline void LogDebug(const std::string& m) { Log(LogLevel::kDebug, m); }

}  // namespace vigil
