// Real vigild processes for tests and benchmarks: each node gets a directory of its own (config,
// authkey, state, run dir, log) and runs `vigild -f`, optionally inside a network namespace and
// under a host name of its own (a UTS namespace, so the default node name is tested as users
// meet it). The status is read over the control socket, as `vigil status` reads it.
#pragma once

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "cluster/cib/cib.h"
#include "cluster/control/cluster_status.h"
#include "cluster/control/control.h"
#include "tests/support/files.h"

namespace vigil::testing {

// Polls `done` every 20 ms until it holds or `limit` passes; tests use generous limits (they
// wait for an outcome, they do not time it).
inline bool WaitFor(const std::function<bool()>& done, std::chrono::milliseconds limit = std::chrono::seconds(15)) {
  const auto end = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < end) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return done();
}

class VigildProcess {
 public:
  // `dir` holds conf (written by the caller) and gets state/, run/ and log.
  VigildProcess(std::filesystem::path dir, std::string ns = "", std::string hostname = "")
      : dir_(std::move(dir)), ns_(std::move(ns)), hostname_(std::move(hostname)) {}
  ~VigildProcess() { Kill(SIGKILL); }
  VigildProcess(const VigildProcess&) = delete;
  VigildProcess& operator=(const VigildProcess&) = delete;

  const std::filesystem::path& dir() const { return dir_; }
  // Before Start(): the plugin directory (default: vigild's own).
  void set_plugin_dir(std::filesystem::path dir) { plugin_dir_ = std::move(dir); }
  // Before Start(): a command that ends by exec'ing the argv it is given, put before vigild's
  // (unshare with a script that mounts, then `exec "$@"`).
  void set_wrapper(std::vector<std::string> argv) { wrapper_ = std::move(argv); }
  std::filesystem::path conf() const { return dir_ / "conf"; }
  std::filesystem::path run_dir() const { return dir_ / "run"; }
  std::string log() const { return ReadFile(dir_ / "log"); }
  pid_t pid() const { return pid_; }

  // The argv that starts it: ip netns exec NS [unshare --uts sh -c 'hostname H; exec ...'] vigild
  std::vector<std::string> Command() const {
    std::vector<std::string> vigild{VIGILD_BINARY, "-f", "-c", conf().string(), "--state-dir",
                                    (dir_ / "state").string(), "--run-dir", run_dir().string()};
    if (!plugin_dir_.empty()) vigild.insert(vigild.end(), {"--plugin-dir", plugin_dir_.string()});
    vigild.insert(vigild.begin(), wrapper_.begin(), wrapper_.end());
    std::vector<std::string> argv;
    if (!ns_.empty()) argv = {"ip", "netns", "exec", ns_};
    if (!hostname_.empty()) {
      std::string line = "hostname " + hostname_ + " && exec";
      for (const auto& a : vigild) line += " '" + a + "'";
      argv.insert(argv.end(), {"unshare", "--uts", "sh", "-c", line});
    } else {
      argv.insert(argv.end(), vigild.begin(), vigild.end());
    }
    return argv;
  }

  // Starts it; its stdout and stderr go to `log`. Every step up to vigild execs in place, so
  // pid() is vigild's own.
  bool Start() {
    std::vector<std::string> argv = Command();
    const std::string log_path = (dir_ / "log").string();
    // The test's nodes share one filesystem: agents that keep state under HA_VARRUN (Pacemaker's
    // Stateful) get a directory per node, as on separate machines.
    const std::filesystem::path var_run = dir_ / "varrun";
    std::filesystem::create_directories(var_run);
    pid_ = ::fork();
    if (pid_ < 0) return false;
    if (pid_ == 0) {
      ::setpgid(0, 0);
      ::setenv("HA_VARRUN", (var_run.string() + "/").c_str(), 1);
      FILE* out = std::fopen(log_path.c_str(), "a");
      if (out) {
        ::dup2(::fileno(out), 1);
        ::dup2(::fileno(out), 2);
      }
      std::vector<char*> args;
      for (auto& a : argv) args.push_back(a.data());
      args.push_back(nullptr);
      ::execvp(args[0], args.data());
      ::_exit(127);
    }
    return true;
  }

  // Sends `signal`; with SIGKILL or SIGTERM waits for the exit. Returns the exit status.
  int Kill(int signal) {
    if (pid_ <= 0) return -1;
    ::kill(pid_, signal);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
    return status;
  }

  // Whether it exited on its own (a refused start); its exit code then.
  std::optional<int> Exited(std::chrono::milliseconds limit = std::chrono::seconds(10)) {
    std::optional<int> code;
    WaitFor([&] {
      int status = 0;
      if (pid_ > 0 && ::waitpid(pid_, &status, WNOHANG) == pid_) {
        code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        pid_ = -1;
      }
      return code.has_value();
    }, limit);
    return code;
  }

  // One control-socket request.
  Result<control::Response> Call(const std::string& command, std::vector<std::string> args = {},
                                 std::chrono::milliseconds timeout = std::chrono::seconds(10)) const {
    return control::Call(control::SocketPath(run_dir()), {command, std::move(args)}, timeout);
  }

  Result<control::ClusterStatus> Status() const {
    auto r = control::Call(control::SocketPath(run_dir()), {"status", {}}, std::chrono::seconds(2));
    if (!r.ok()) return r.status();
    if (!r->ok) return vigil::Status(StatusCode::kInternal, r->body);
    return control::FromXml(r->body);
  }

  // "n1 n2" for the online nodes, "" when the daemon does not answer.
  std::string Online() const {
    auto s = Status();
    if (!s.ok()) return "";
    std::string out;
    for (const auto& n : s->nodes) {
      if (n.online) out += (out.empty() ? "" : " ") + n.name;
    }
    return out;
  }
  std::string Dc() const {
    auto s = Status();
    return s.ok() ? s->dc : "";
  }

  // The CIB this node holds ("" when it does not answer or the CIB does not parse).
  std::optional<cib::Model> Cib() const {
    auto r = Call("cib-query");
    if (!r.ok() || !r->ok) return std::nullopt;
    auto parsed = cib::Cib::Parse(r->body, "cib-query");
    if (!parsed.ok()) return std::nullopt;
    return parsed->model();
  }
  // Its version, "admin_epoch:epoch:num_updates" ("" when there is none): what a change is made
  // against.
  std::string CibVersion() const {
    const auto m = Cib();
    return m ? cib::VersionText(m->versions) : "";
  }
  // Whether its CIB's <nodes> names every one of `names` (the DC records the members that join).
  bool Recorded(const std::vector<std::string>& names) const {
    const auto m = Cib();
    if (!m) return false;
    return std::all_of(names.begin(), names.end(), [&](const std::string& name) {
      return std::any_of(m->nodes.begin(), m->nodes.end(), [&](const cib::Node& n) { return n.uname == name; });
    });
  }

 private:
  std::filesystem::path dir_;
  std::filesystem::path plugin_dir_;
  std::vector<std::string> wrapper_;
  std::string ns_;
  std::string hostname_;
  pid_t pid_ = -1;
};

}  // namespace vigil::testing
