// Where vigild's lines go: the logging section of the configuration (logfile, syslog, stderr),
// plus stderr when it runs in the foreground. Under systemd, whose journal takes a service's
// stderr (JOURNAL_STREAM names it), the stderr lines go to the journal directly instead, each
// with its priority (error, warning, info, debug), the node in VIGIL_NODE.
#pragma once

#include "cluster/config/config.h"
#include "common/status.h"

namespace vigil::daemon {

// Installs the log sink. The logfile (created with its directory if missing) is opened in append
// mode; each line carries the time, the node and the pid. Errors: the logfile cannot be opened.
Status SetUpLogging(const config::Config& config, const std::string& node, bool foreground);
// The logfile opened anew at its path (SIGHUP, after logrotate moved it away): lines written
// until then are in the old file, the rest in the new one. Thread-safe with the lines written.
// Errors: the path cannot be opened (the old file is kept).
Status ReopenLogfile();

}  // namespace vigil::daemon
