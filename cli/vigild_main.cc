// vigild: the daemon. Only wiring lives here: the command line, detaching, the loop.
#include <fcntl.h>
#include <unistd.h>

#include <charconv>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "cluster/config/config.h"
#include "cluster/daemon/daemon.h"
#include "cluster/daemon/daemon_log.h"
#include "cluster/daemon/service_manager.h"
#include "cluster/lrm/executor_child.h"
#include "common/command_line.h"
#include "common/log.h"
#include "common/run_directory.h"
#include "host/registry.h"

namespace {

// The agents vigild runs (through its executor child) ask this vigild, and find Vigil's own
// crm_node, attrd_updater, crm_attribute, crm_master and crm_ticket before any installed Pacemaker's: in
// HA_SBIN_DIR (where ocf-shellfuncs and Stateful look) and first on the PATH (ping's way).
void SetAgentEnvironment(const std::string& run_dir) {
  setenv("VIGIL_RUN_DIR", vigil::RunDirectory(run_dir).c_str(), 1);
  const std::filesystem::path tools = vigil::PacemakerToolsDir();
  if (!std::filesystem::exists(tools / "crm_attribute")) {
    std::fprintf(stderr, "vigild: warning: %s has no crm_attribute: agents will run the installed Pacemaker tools, if any\n",
                 tools.c_str());
    return;
  }
  setenv("HA_SBIN_DIR", tools.c_str(), 1);
  const char* path = std::getenv("PATH");
  const std::string rest = path != nullptr && *path != '\0' ? path : "/usr/sbin:/usr/bin:/sbin:/bin";
  setenv("PATH", (tools.string() + ":" + rest).c_str(), 1);
}

// The command line (CLI11): fills `options`; -1 to go on, else the exit code (--help and
// --version: 0; a usage error: 2, said on stderr).
int ParseOptions(int argc, char** argv, vigil::daemon::DaemonOptions& options) {
  CLI::App app{"The Vigil daemon of one node.", "vigild"};
  vigil::ShapeCommandLine(app);
  app.set_version_flag("-V,--version", std::string("vigild ") + VIGIL_VERSION, "its version");
  std::string config, state_dir = options.state_dir.string(), run_dir, plugin_dir, watchdog = options.watchdog_device.string();
  app.add_option("-c", config, "the configuration (default /etc/vigil/vigil.conf, else /etc/corosync/corosync.conf), corosync.conf syntax")
      ->option_text("CONF");
  app.add_option("--state-dir", state_dir, "persistent state (default /var/lib/vigil)")->option_text("DIR");
  app.add_option("--run-dir", run_dir, "the control socket and pid file (default $VIGIL_RUN_DIR, else /run/vigil)")->option_text("DIR");
  app.add_option("--plugin-dir", plugin_dir, "resource agent plugins (default: beside the executable)")->option_text("DIR");
  app.add_option("--name", options.hostname, "this node's name when the nodelist gives none (default: the host name)")
      ->option_text("NAME");
  app.add_option("--watchdog-device", watchdog,
                 "the watchdog for self-fencing, with stonith-watchdog-timeout (default /dev/watchdog)")
      ->option_text("DEV");
  app.add_flag("-f", options.foreground, "stay in the foreground and log to stderr too (to the journal under systemd)");
  if (const int code = vigil::ParseCommandLine(app, argc, argv); code >= 0) return code;
  options.config = config;
  options.state_dir = state_dir;
  options.run_dir = run_dir;
  options.plugin_dir = plugin_dir;
  options.watchdog_device = watchdog;
  return -1;
}

// Detaches once everything that can fail has been checked, so errors reach the terminal.
bool Detach(vigil::daemon::Daemon& daemon) {
  const pid_t child = fork();
  if (child < 0) {
    std::perror("vigild: fork");
    return false;
  }
  if (child > 0) {
    // Before exiting, so that whoever started vigild finds the pid of the one that runs.
    const vigil::Status s = daemon.WritePidFile(child);
    if (!s.ok()) std::fprintf(stderr, "vigild: %s\n", s.message().c_str());
    _exit(s.ok() ? 0 : 1);
  }
  setsid();
  if (chdir("/") != 0) return false;
  const int null = open("/dev/null", O_RDWR | O_CLOEXEC);
  if (null >= 0) {
    dup2(null, 0);
    dup2(null, 1);
    dup2(null, 2);
  }
  return true;
}

// `vigild --executor-child FD -c CONF --name NODE --plugin-dir DIR --rsc-tmp DIR [-f]`: the
// executor child (cluster/lrm/executor_child.h), started by vigild itself; not for users.
int ExecutorChild(int argc, char** argv) {
  // The agents it runs must not speak to systemd for vigild.
  vigil::daemon::ForgetServiceManager();
  int fd = -1;
  std::string config_path, node, plugin_dir, rsc_tmp;
  bool foreground = false;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "-f") {
      foreground = true;
      continue;
    }
    if (i + 1 >= argc) return 2;
    const std::string value = argv[++i];
    if (a == "--executor-child") {
      const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), fd);
      if (error != std::errc() || end != value.data() + value.size()) fd = -1;
    }
    if (a == "-c") config_path = value;
    if (a == "--name") node = value;
    if (a == "--plugin-dir") plugin_dir = value;
    if (a == "--rsc-tmp") rsc_tmp = value;
  }
  if (fd < 0) {
    std::fprintf(stderr, "vigild: --executor-child is vigild's own (it starts its executor that way)\n");
    return 2;
  }
  // Not inherited by the agents: the socket's end is how vigild's death is seen.
  if (fcntl(fd, F_SETFD, FD_CLOEXEC) != 0) {
    std::fprintf(stderr, "vigild: --executor-child %d: not an open descriptor\n", fd);
    return 2;
  }
  if (auto config = vigil::config::LoadConfig(config_path); config.ok()) {
    (void)vigil::daemon::SetUpLogging(*config, node, foreground);
  }
  vigil::RegistryOptions options;
  options.plugin_dirs = {plugin_dir.empty() ? vigil::DefaultPluginDir() : std::filesystem::path(plugin_dir)};
  options.rsc_tmp = rsc_tmp;
  // Its lines go to the same logfile as vigild's, reopened with it (vigild passes SIGHUP on).
  return vigil::lrm::RunExecutorChild(fd, std::move(options), [] { (void)vigil::daemon::ReopenLogfile(); });
}

}  // namespace

int main(int argc, char** argv) {
  if (argc > 2 && std::string(argv[1]) == "--executor-child") return ExecutorChild(argc, argv);
  vigil::daemon::DaemonOptions options;
  if (const int code = ParseOptions(argc, argv, options); code >= 0) return code;
  SetAgentEnvironment(options.run_dir);
  // A write to a reader that is gone (a client that hung up, the lab's watchdog FIFO) is an
  // error to handle where it happens, not the end of vigild. (Agents get the default back.)
  std::signal(SIGPIPE, SIG_IGN);
  auto daemon = vigil::daemon::Daemon::Start(options);
  if (!daemon.ok()) {
    std::fprintf(stderr, "vigild: %s\n", daemon.status().message().c_str());
    return 1;
  }
  if (!options.foreground && !Detach(**daemon)) return 1;
  return (*daemon)->Run();
}
