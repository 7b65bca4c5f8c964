// Where vigild's lines go: the logging section of the configuration (logfile, syslog, stderr),
// plus stderr when it runs in the foreground.
#pragma once

#include "cluster/config/config.h"
#include "common/status.h"

namespace vigil::daemon {

// Installs the log sink. The logfile (created with its directory if missing) is opened in append
// mode; each line carries the time, the node and the pid. Errors: the logfile cannot be opened.
Status SetUpLogging(const config::Config& config, const std::string& node, bool foreground);

}  // namespace vigil::daemon
