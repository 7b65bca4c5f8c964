// The executor child: the process where vigild's resource agents run, so that a plugin that
// crashes or hangs cannot take membership or the control socket down with it.
//
// vigild starts it by running its own binary again (`vigild --executor-child FD ...`, see
// ExecutorClient), so the child begins with a clean address space and loads the plugins itself.
// It reads Run and Cancel requests from FD, runs them on an AgentHost (host/agent_host.h) and
// writes each result back.
//
// When FD reaches its end, vigild is gone: this node has left the cluster and the survivors are
// about to start its resources elsewhere. The child then withdraws every call in flight (a start
// still running is killed with its process group), stops every resource it started, found
// running or was running an operation for, and exits, so that a node whose daemon crashed does
// not keep answering for a floating IP.
//
// A vigild that is alive but frozen (SIGSTOP, a loop stuck in the kernel) is just as gone to the
// other nodes, which start its resources once the token has passed. So vigild holds a lease on
// the child (Renew, every few heartbeats; ExecutorClient sends it): when the lease runs out, the
// child does the same as above without exiting, says Lapsed, and refuses every Run (ending it
// kCancelled, not run) until a Renew says vigild has seen that lapse. vigild then takes nothing
// it knew of its resources for granted (they are probed again). Before the first Renew there is
// no lease (and nothing runs).
#pragma once

#include <functional>

#include "host/registry.h"

namespace vigil::lrm {

// Runs until FD ends, then stops what runs and returns the process exit code: 0, or kStopFailed.
// SIGHUP (vigild passes logrotate's on) calls `on_hangup` from its loop.
int RunExecutorChild(int fd, RegistryOptions options, std::function<void()> on_hangup = nullptr);
// The child's exit code when a stop of its last resources failed (something may still run).
inline constexpr int kStopFailed = 3;

}  // namespace vigil::lrm
