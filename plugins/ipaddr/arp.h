// Gratuitous ARP. After an address moves, its new owner announces it so that every host and
// switch on the link replaces the old MAC at once instead of waiting for its cache to expire.
// Both forms are sent, because implementations differ in which one they honour: a request
// (as `arping -U`: opcode 1, target MAC broadcast) and a reply (as `arping -A`: opcode 2,
// target MAC our own); sender and target IP are both the announced address.
//
// Announcer sends rounds of those two frames: the first round before Announce returns, the rest
// on a thread of its own, so an operation never waits for the repeats. Thread-safe.
#pragma once

#include <array>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "plugins/ipaddr/network.h"

namespace vigil::ipaddr {

// The 28-byte ARP payload (Ethernet/IPv4) of one gratuitous ARP frame.
using ArpPayload = std::array<uint8_t, 28>;
enum class ArpOp : uint16_t { kRequest = 1, kReply = 2 };
ArpPayload BuildGratuitousArp(ArpOp op, const Mac& mac, Ipv4 ip);

struct Announcement {
  std::string key;  // one sequence per key (the resource); a new one replaces the old
  int ifindex = 0;
  Mac mac{};
  Ipv4 ip = 0;
  int rounds = 1;
  std::chrono::milliseconds interval{200};
  bool wait = false;  // send every round before returning (arp_bg=false)
  std::function<bool()> cancelled;  // polled between rounds while waiting
};

class Announcer {
 public:
  virtual ~Announcer() = default;
  // Sends the first round (both frames) on the calling thread, in its network namespace, and
  // schedules the rest. An error means not even the first round went out.
  [[nodiscard]] virtual NetError Announce(const Announcement& a) = 0;
  // Stops the sequence running under `key`, if any, and waits until it has stopped.
  virtual void Cancel(const std::string& key) = 0;
};

// Sends over an AF_PACKET socket opened per announcement. The destructor lets every running
// sequence finish (so `vigil agent run start` exits only after its last announcement).
class PacketAnnouncer final : public Announcer {
 public:
  PacketAnnouncer() = default;
  ~PacketAnnouncer() override;
  PacketAnnouncer(const PacketAnnouncer&) = delete;
  PacketAnnouncer& operator=(const PacketAnnouncer&) = delete;

  NetError Announce(const Announcement& a) override;
  void Cancel(const std::string& key) override;

 private:
  struct Job {
    std::thread thread;
    bool stop = false;
    bool done = false;
  };
  void RunRounds(std::shared_ptr<Job> job, int fd, Announcement a);

  std::mutex mu_;
  std::condition_variable cv_;
  std::map<std::string, std::shared_ptr<Job>> jobs_;
};

}  // namespace vigil::ipaddr
