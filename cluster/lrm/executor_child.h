// The executor child: the process where vigild's resource agents run, so that a plugin that
// crashes or hangs cannot take membership or the control socket down with it.
//
// vigild starts it by running its own binary again (`vigild --executor-child FD ...`, see
// ExecutorClient), so the child begins with a clean address space and loads the plugins itself.
// It reads Run and Cancel requests from FD, runs them on an AgentHost (host/agent_host.h) and
// writes each result back.
//
// When FD reaches its end, vigild is gone: this node has left the cluster and the survivors are
// about to start its resources elsewhere. The child then stops, at once, every resource it
// started or found running (its recurring monitors cancelled first), and exits, so that a node
// whose daemon crashed does not keep answering for a floating IP.
#pragma once

#include "host/registry.h"

namespace vigil::lrm {

// Runs until FD ends, then stops what runs and returns the process exit code (0).
int RunExecutorChild(int fd, RegistryOptions options);

}  // namespace vigil::lrm
