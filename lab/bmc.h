// Simulated BMCs for the lab's nodes (tutorial_lab.h): one ipmi_sim (Debian's openipmi) per node,
// on an address of its own, answering IPMI over LAN as a server's baseboard management controller
// does, so that fence_ipmilan (with ipmitool) fences a lab node unmodified.
//
// ipmi_sim's chassis power control is the lab's: its chassis_control program is
// `vigil lab-power SOCKET NODE`, to which it appends `get power` or `set power "0|1"`; that
// program asks the lab process's PowerPanel over a Unix socket, and the panel switches the node
// off (every process of it killed, its links down, as when its power is cut) or on (its links up
// with their own addresses only, as after a reboot, and its vigild started).
#pragma once

#include <atomic>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/status.h"

namespace vigil::lab {

class PowerPanel {
 public:
  // What switching node K (nodes[K - 1]) off and on does. Called on the panel's thread.
  struct Switch {
    std::function<void()> off;
    std::function<void()> on;
  };
  // Listens on `socket` (a path); every node starts powered on.
  static Result<std::unique_ptr<PowerPanel>> Start(std::filesystem::path socket, std::vector<Switch> nodes);
  ~PowerPanel();  // stops answering; the nodes stay as they are
  PowerPanel(const PowerPanel&) = delete;
  PowerPanel& operator=(const PowerPanel&) = delete;

  bool powered(int node) const;
  int power_offs(int node) const;  // how many times it was switched off

 private:
  PowerPanel(std::filesystem::path socket, std::vector<Switch> nodes);
  void Serve();
  std::string Answer(const std::string& request);

  std::filesystem::path socket_;
  std::vector<Switch> nodes_;
  mutable std::mutex mu_;
  std::vector<bool> powered_;
  std::vector<int> offs_;
  int listen_fd_ = -1;
  int wake_[2] = {-1, -1};
  std::thread thread_;
};

// ipmi_sim's files for node K's BMC under `dir` (lan.conf and the emulator's command file; user
// kBmcUser, password kBmcPassword, listening on `address` port 623, power through `vigil`
// lab-power on `socket`), and the argv that runs it (in the BMC's network namespace).
inline constexpr const char* kBmcUser = "admin";
inline constexpr const char* kBmcPassword = "vigil-bmc";
Result<std::vector<std::string>> PrepareBmc(const std::filesystem::path& dir, int node, const std::string& address,
                                            const std::filesystem::path& vigil, const std::filesystem::path& socket);

// `vigil lab-power SOCKET NODE get power` (prints "power:0" or "power:1") and
// `vigil lab-power SOCKET NODE set power VALUE`: what a lab BMC runs for its chassis control.
int LabPowerCommand(const std::vector<std::string>& args);

}  // namespace vigil::lab
