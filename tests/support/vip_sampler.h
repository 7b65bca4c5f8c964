// The floating IP of a lab (lab/tutorial_lab.h) as seen from outside its nodes: whether it
// answers from a node, and a sampler that counts, every 20 ms, the moments it was up on more than
// one node at once (a frozen node counts while its links are up).
#pragma once

#include <atomic>
#include <string>
#include <thread>

#include "lab/tutorial_lab.h"

namespace vigil::testing {

// Configured on the node's eth0, whose link is up with a carrier.
inline bool VipUp(lab::TutorialLab& lab, int node) {
  const std::string ns = lab.lan().netns(lab::TutorialLab::Name(node));
  const lab::RunResult r = lab::Run({"ip", "-n", ns, "-o", "-4", "addr", "show", "dev", "eth0", "up"});
  const lab::RunResult link = lab::Run({"ip", "-n", ns, "-o", "link", "show", "dev", "eth0"});
  const bool carrier = link.out.find("NO-CARRIER") == std::string::npos && link.out.find("state UP") != std::string::npos;
  return carrier && r.out.find(std::string("inet ") + lab::TutorialLab::kVip + "/") != std::string::npos;
}

class VipSampler {
 public:
  explicit VipSampler(lab::TutorialLab& lab)
      : thread_([this, &lab] {
          while (!stop_) {
            int up = 0;
            for (int k = 1; k <= lab.options().nodes; ++k) up += VipUp(lab, k) ? 1 : 0;
            if (up > 1) ++twice_;
            ++samples_;
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
          }
        }) {}
  ~VipSampler() { Stop(); }
  void Stop() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }
  int twice() const { return twice_; }  // samples with the IP up on more than one node
  int samples() const { return samples_; }
  std::string Report() const {
    return "the floating IP was up on more than one node in " + std::to_string(twice_) + " of " + std::to_string(samples_) +
           " samples";
  }

 private:
  std::atomic<bool> stop_{false};
  std::atomic<int> twice_{0};
  std::atomic<int> samples_{0};
  std::thread thread_;
};

}  // namespace vigil::testing
