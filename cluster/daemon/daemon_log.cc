#include "cluster/daemon/daemon_log.h"

#include <sys/stat.h>
#include <syslog.h>
#include <systemd/sd-journal.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <memory>
#include <mutex>

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

// The logfile, reopened by ReopenLogfile (SIGHUP) from the loop while lines are written.
struct Logfile {
  std::mutex mu;
  std::string path;
  std::FILE* file = nullptr;
};
Logfile& TheLogfile() {
  static Logfile* logfile = new Logfile();  // never destroyed: a line may come during exit
  return *logfile;
}

Result<std::FILE*> Open(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "ae");
  if (f == nullptr) return Status::FromErrno("cannot open the logfile " + path, errno);
  setvbuf(f, nullptr, _IOLBF, 0);
  return f;
}

// systemd connects a service's stderr to the journal and says so in JOURNAL_STREAM
// ("device:inode" of that stream): lines sent to the journal directly keep their priority.
bool StderrIsJournal() {
  const char* stream = std::getenv("JOURNAL_STREAM");
  struct stat st{};
  if (stream == nullptr || fstat(STDERR_FILENO, &st) != 0) return false;
  unsigned long long dev = 0, ino = 0;
  if (std::sscanf(stream, "%llu:%llu", &dev, &ino) != 2) return false;
  return static_cast<unsigned long long>(st.st_dev) == dev && static_cast<unsigned long long>(st.st_ino) == ino;
}

}  // namespace

Status SetUpLogging(const config::Config& config, const std::string& node, bool foreground) {
  Logfile& logfile = TheLogfile();
  const bool to_file = config.to_logfile && !config.logfile.empty();
  if (to_file) {
    const std::filesystem::path dir = std::filesystem::path(config.logfile).parent_path();
    if (Status s = EnsureDirectory(dir.empty() ? "." : dir, 0755); !s.ok()) return s;
    auto f = Open(config.logfile);
    if (!f.ok()) return f.status();
    std::lock_guard<std::mutex> lock(logfile.mu);
    if (logfile.file != nullptr) std::fclose(logfile.file);
    logfile.file = *f;
    logfile.path = config.logfile;
  }
  const bool to_syslog = config.to_syslog;
  const bool to_stderr = foreground || config.to_stderr;
  const bool journal = to_stderr && StderrIsJournal();
  if (to_syslog) openlog("vigild", LOG_PID, LOG_DAEMON);
  SetLogThreshold(config.debug ? LogLevel::kDebug : LogLevel::kInfo);
  SetLogSink([to_file, to_syslog, to_stderr, journal, node](LogLevel level, const std::string& message) {
    if (journal) {
      sd_journal_send("MESSAGE=%s", message.c_str(), "PRIORITY=%d", Priority(level), "SYSLOG_IDENTIFIER=vigild",
                      "VIGIL_NODE=%s", node.c_str(), nullptr);
    }
    if (to_file || (to_stderr && !journal)) {
      const std::time_t now = std::time(nullptr);
      std::tm local{};
      localtime_r(&now, &local);
      char stamp[32];
      std::strftime(stamp, sizeof stamp, "%b %d %H:%M:%S", &local);
      const std::string line = std::string(stamp) + " " + node + " vigild[" + std::to_string(getpid()) + "]: " +
                               LogLevelName(level) + ": " + message + "\n";
      if (to_file) {
        Logfile& out = TheLogfile();
        std::lock_guard<std::mutex> lock(out.mu);
        if (out.file != nullptr) std::fputs(line.c_str(), out.file);
      }
      if (to_stderr && !journal) std::fputs(line.c_str(), stderr);
    }
    if (to_syslog) syslog(Priority(level), "%s", message.c_str());
  });
  return Status::Ok();
}

Status ReopenLogfile() {
  Logfile& logfile = TheLogfile();
  std::string path;
  {
    std::lock_guard<std::mutex> lock(logfile.mu);
    if (logfile.file == nullptr) return Status::Ok();
    path = logfile.path;
  }
  // Opened before the old one is closed: every line lands in one of the two.
  auto f = Open(path);
  if (!f.ok()) return f.status();
  std::lock_guard<std::mutex> lock(logfile.mu);
  std::fclose(logfile.file);
  logfile.file = *f;
  return Status::Ok();
}

}  // namespace vigil::daemon
