#include "plugins/ipaddr/arp.h"

#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <system_error>
#include <vector>

namespace vigil::ipaddr {
namespace {

constexpr Mac kBroadcastMac = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

void Put16(uint8_t* p, uint16_t v) {
  p[0] = v >> 8;
  p[1] = v & 255;
}
void Put32(uint8_t* p, uint32_t v) {
  Put16(p, v >> 16);
  Put16(p + 2, v & 0xffff);
}

NetError SendFrame(int fd, int ifindex, const ArpPayload& payload) {
  sockaddr_ll to{};
  to.sll_family = AF_PACKET;
  to.sll_protocol = htons(ETH_P_ARP);  // the EtherType the kernel writes into the header
  to.sll_ifindex = ifindex;
  to.sll_halen = 6;
  std::memcpy(to.sll_addr, kBroadcastMac.data(), 6);
  if (::sendto(fd, payload.data(), payload.size(), 0, reinterpret_cast<sockaddr*>(&to),
               sizeof to) < 0) {
    const int err = errno;
    return {err, std::string("sending gratuitous ARP: ") + std::strerror(err)};
  }
  return {};
}

NetError SendRound(int fd, const Announcement& a) {
  if (NetError e = SendFrame(fd, a.ifindex, BuildGratuitousArp(ArpOp::kRequest, a.mac, a.ip))) {
    return e;
  }
  return SendFrame(fd, a.ifindex, BuildGratuitousArp(ArpOp::kReply, a.mac, a.ip));
}

}  // namespace

ArpPayload BuildGratuitousArp(ArpOp op, const Mac& mac, Ipv4 ip) {
  ArpPayload p{};
  Put16(&p[0], 1);       // hardware: Ethernet
  Put16(&p[2], 0x0800);  // protocol: IPv4
  p[4] = 6;
  p[5] = 4;
  Put16(&p[6], static_cast<uint16_t>(op));
  std::memcpy(&p[8], mac.data(), 6);  // sender MAC: the link's own
  Put32(&p[14], ip);                  // sender IP: the announced address
  // Target MAC: broadcast in a request (arping -U), our own in a reply (arping -A).
  std::memcpy(&p[18], (op == ArpOp::kRequest ? kBroadcastMac : mac).data(), 6);
  Put32(&p[24], ip);  // target IP = sender IP is what makes it gratuitous
  return p;
}

PacketAnnouncer::~PacketAnnouncer() {
  std::vector<std::thread> threads;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto& [key, job] : jobs_) threads.push_back(std::move(job->thread));
    jobs_.clear();
  }
  for (auto& t : threads) {
    if (t.joinable()) t.join();
  }
}

void PacketAnnouncer::Cancel(const std::string& key) {
  std::thread thread;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = jobs_.find(key);
    if (it == jobs_.end()) return;
    it->second->stop = true;
    thread = std::move(it->second->thread);
    jobs_.erase(it);
  }
  cv_.notify_all();
  if (thread.joinable()) thread.join();
}

NetError PacketAnnouncer::Announce(const Announcement& a) {
  Cancel(a.key);
  // Protocol 0: this socket only sends; with ETH_P_ARP it would also queue every ARP frame
  // on the host until it was closed.
  const int fd = ::socket(AF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    const int err = errno;
    return {err, std::string("opening a packet socket: ") + std::strerror(err)};
  }
  if (NetError e = SendRound(fd, a)) {
    ::close(fd);
    return e;
  }
  if (a.rounds <= 1) {
    ::close(fd);
    return {};
  }
  if (a.wait) {
    for (int i = 1; i < a.rounds; ++i) {
      const auto until = std::chrono::steady_clock::now() + a.interval;
      while (std::chrono::steady_clock::now() < until) {
        if (a.cancelled && a.cancelled()) {
          ::close(fd);
          return {};
        }
        std::this_thread::sleep_for(std::min(a.interval, std::chrono::milliseconds(10)));
      }
      (void)SendRound(fd, a);  // a later round failing changes nothing the first did not
    }
    ::close(fd);
    return {};
  }
  auto job = std::make_shared<Job>();
  Announcement later = a;
  later.cancelled = nullptr;  // it reads the host's operation, which ends when we return
  std::lock_guard<std::mutex> lock(mu_);
  // Joined threads of finished jobs are dropped here, so the map never grows past the
  // resources that have announced.
  for (auto it = jobs_.begin(); it != jobs_.end();) {
    if (it->second->done) {
      if (it->second->thread.joinable()) it->second->thread.join();
      it = jobs_.erase(it);
    } else {
      ++it;
    }
  }
  try {
    job->thread = std::thread(&PacketAnnouncer::RunRounds, this, job, fd, std::move(later));
  } catch (const std::system_error& e) {
    ::close(fd);
    return {EAGAIN, std::string("no thread for the later rounds: ") + e.what()};
  }
  jobs_[a.key] = job;
  return {};
}

void PacketAnnouncer::RunRounds(std::shared_ptr<Job> job, int fd, Announcement a) {
  std::unique_lock<std::mutex> lock(mu_);
  for (int i = 1; i < a.rounds; ++i) {
    if (cv_.wait_for(lock, a.interval, [&] { return job->stop; })) break;
    lock.unlock();
    (void)SendRound(fd, a);
    lock.lock();
  }
  job->done = true;
  lock.unlock();
  ::close(fd);
}

}  // namespace vigil::ipaddr
