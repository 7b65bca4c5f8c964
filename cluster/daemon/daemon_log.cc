#include "cluster/daemon/daemon_log.h"

#include <syslog.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <ctime>
#include <memory>

#include "common/durable_file.h"
#include "common/log.h"

namespace vigil::daemon {
namespace {

int Priority(LogLevel level) {
  switch (level) {
    case LogLevel::kError: return LOG_ERR;
    case LogLevel::kWarning: return LOG_WARNING;
    case LogLevel::kInfo: return LOG_INFO;
    case LogLevel::kDebug: return LOG_DEBUG;
  }
  return LOG_INFO;
}

}  // namespace

Status SetUpLogging(const config::Config& config, const std::string& node, bool foreground) {
  std::shared_ptr<FILE> file;
  if (config.to_logfile && !config.logfile.empty()) {
    const std::filesystem::path dir = std::filesystem::path(config.logfile).parent_path();
    if (Status s = EnsureDirectory(dir.empty() ? "." : dir, 0755); !s.ok()) return s;
    FILE* f = std::fopen(config.logfile.c_str(), "ae");
    if (f == nullptr) return Status::FromErrno("cannot open the logfile " + config.logfile, errno);
    setvbuf(f, nullptr, _IOLBF, 0);
    file.reset(f, std::fclose);
  }
  const bool to_syslog = config.to_syslog;
  const bool to_stderr = foreground || config.to_stderr;
  if (to_syslog) openlog("vigild", LOG_PID, LOG_DAEMON);
  SetLogThreshold(config.debug ? LogLevel::kDebug : LogLevel::kInfo);
  SetLogSink([file, to_syslog, to_stderr, node](LogLevel level, const std::string& message) {
    if (file || to_stderr) {
      const std::time_t now = std::time(nullptr);
      std::tm local{};
      localtime_r(&now, &local);
      char stamp[32];
      std::strftime(stamp, sizeof stamp, "%b %d %H:%M:%S", &local);
      const std::string line = std::string(stamp) + " " + node + " vigild[" + std::to_string(getpid()) + "]: " +
                               LogLevelName(level) + ": " + message + "\n";
      if (file) std::fputs(line.c_str(), file.get());
      if (to_stderr) std::fputs(line.c_str(), stderr);
    }
    if (to_syslog) syslog(Priority(level), "%s", message.c_str());
  });
  return Status::Ok();
}

}  // namespace vigil::daemon
