// A link between two vigild: one TCP connection carrying authenticated messages, what the DC and
// the members use for the CIB, operations and their results (membership stays on UDP).
//
// Handshake. Each side sends a hello at once: magic "VGT" + the protection (1 HMAC-SHA256,
// 2 AES-256-GCM) | cluster id u32 | node id u32 | incarnation u64 | 32 random bytes. From the two
// hellos and the authkey each side derives one key per direction (HKDF-SHA256, the hellos as
// salt), so keys are fresh for every connection and bound to both ends' claims. Then each side
// sends a first, empty frame: the proof that it holds the authkey. Only after the peer's proof
// is the link established() and its messages delivered.
//
// Frames: a u32 big-endian length, then the sealed message: with HMAC, the message and the
// HMAC-SHA256 of (frame counter u64 | message); with AES-256-GCM, the ciphertext and the tag, the
// nonce being the frame counter. The counter counts the frames of one direction, so a frame
// replayed, dropped, reordered or taken from another connection fails to open, and the link
// dies: TCP does not lose frames, so any of these is an attack or a bug.
//
// Non-blocking; the owner polls fd() for events() and calls Process() with what poll reported.
// Not thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "cluster/membership/packet.h"
#include "common/clock.h"
#include "common/status.h"

namespace vigil::peer {

constexpr size_t kHelloBytes = 4 + 4 + 4 + 8 + 32;
constexpr size_t kMaxMessage = 64 << 20;  // a CIB with a long status, many times over

// What this end says and knows about itself.
struct LocalEnd {
  std::string authkey;
  membership::Protection protection = membership::Protection::kHmacSha256;
  uint32_t cluster = 0;
  uint32_t node = 0;
  uint64_t incarnation = 0;
};

class Link {
 public:
  // Starts a non-blocking connection to address:port (IPv4, host byte order) from `source`
  // (0: any). Errors: no socket, or the connect failed at once.
  static Result<std::unique_ptr<Link>> Connect(const LocalEnd& local, uint32_t source, uint32_t address,
                                               uint16_t port, SteadyTime now);
  // Takes an accepted, non-blocking socket; `address` is the peer's.
  static std::unique_ptr<Link> Accepted(const LocalEnd& local, int fd, uint32_t address, SteadyTime now);
  ~Link();
  Link(const Link&) = delete;
  Link& operator=(const Link&) = delete;

  int fd() const { return fd_; }
  short events() const;
  // Reads, writes and opens frames after a poll that reported `revents`. false: the link is dead
  // (error() says why) and should be dropped.
  bool Process(short revents);
  // Queues a message (sent once the keys are known; at most kMaxMessage bytes).
  void Send(std::string_view message);
  // Ends the link: Process() returns false from now on, error() says `why`.
  void Close(std::string why) { Fail(std::move(why)); }
  // The messages that arrived, in order.
  std::vector<std::string> TakeMessages();

  bool established() const { return established_; }
  uint32_t peer_node() const { return peer_node_; }  // from the hello; trustworthy once established
  uint64_t peer_incarnation() const { return peer_incarnation_; }
  uint32_t peer_address() const { return peer_address_; }
  SteadyTime since() const { return since_; }
  const std::string& error() const { return error_; }

 private:
  Link(const LocalEnd& local, int fd, bool client, uint32_t address, SteadyTime now);
  bool Fail(std::string why);
  void Compact();
  bool OnHello(std::string_view hello);
  bool OpenFrames();
  void SealPending();

  LocalEnd local_;
  int fd_ = -1;
  bool client_ = false;
  bool connecting_ = false;
  bool established_ = false;
  uint32_t peer_address_ = 0;
  uint32_t peer_node_ = 0;
  uint64_t peer_incarnation_ = 0;
  SteadyTime since_;
  std::string hello_;        // ours, for the key derivation
  std::string send_key_, receive_key_;
  uint64_t send_counter_ = 0, receive_counter_ = 0;
  std::deque<std::string> pending_;  // messages queued before the keys were known
  std::string in_, out_;
  size_t written_ = 0;
  std::vector<std::string> messages_;
  std::string error_;
};

}  // namespace vigil::peer
