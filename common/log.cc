#include "common/log.h"

#include <atomic>
#include <cstdio>
#include <mutex>

namespace vigil {

namespace {
std::atomic<int> g_threshold{static_cast<int>(LogLevel::kWarning)};
std::mutex g_mutex;
std::function<void(LogLevel, const std::string&)> g_sink;

}  // namespace

const char* LogLevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kError: return "error";
    case LogLevel::kWarning: return "warning";
    case LogLevel::kInfo: return "info";
    case LogLevel::kDebug: return "debug";
  }
  return "log";
}

void Log(LogLevel level, const std::string& message) {
  if (static_cast<int>(level) > g_threshold.load(std::memory_order_relaxed)) return;
  std::lock_guard<std::mutex> lock(g_mutex);
  if (g_sink) {
    g_sink(level, message);
    return;
  }
  std::fprintf(stderr, "vigil: %s: %s\n", LogLevelName(level), message.c_str());
}

void SetLogThreshold(LogLevel level) { g_threshold = static_cast<int>(level); }

void SetLogSink(std::function<void(LogLevel, const std::string&)> sink) {
  std::lock_guard<std::mutex> lock(g_mutex);
  g_sink = std::move(sink);
}

}  // namespace vigil
