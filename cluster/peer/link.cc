#include "cluster/peer/link.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "cluster/membership/crypto.h"
#include "common/wire.h"

namespace vigil::peer {
namespace {

using membership::Protection;
using wire::Get;
using wire::Put;

constexpr size_t kNonceSeedBytes = 32;
constexpr size_t kMaxBacklog = 4 * kMaxMessage;
constexpr size_t kReadPerProcess = 4 << 20;  // then back to the loop: one busy peer cannot starve the rest

std::string Magic(Protection p) { return std::string("VGT") + (p == Protection::kAes256Gcm ? '\2' : '\1'); }

std::string GcmNonce(uint64_t counter) {
  std::string nonce(4, '\0');
  Put(nonce, counter, 8);
  return nonce;
}

std::string CounterBytes(uint64_t counter) {
  std::string out;
  Put(out, counter, 8);
  return out;
}

size_t TrailerBytes(Protection p) { return p == Protection::kAes256Gcm ? membership::kTagBytes : membership::kMacBytes; }

// The sealed form of frame number `counter`, or nullopt when OpenSSL failed.
std::optional<std::string> Seal(Protection p, std::string_view key, uint64_t counter, std::string_view message) {
  std::string sealed;
  if (p == Protection::kAes256Gcm) {
    membership::Tag tag;
    if (!membership::GcmSeal(key, GcmNonce(counter), "", message, sealed, tag)) return std::nullopt;
    sealed.append(reinterpret_cast<const char*>(tag.data()), tag.size());
  } else {
    const auto mac = membership::HmacSha256(key, CounterBytes(counter) + std::string(message));
    if (!mac) return std::nullopt;
    sealed.assign(message);
    sealed.append(reinterpret_cast<const char*>(mac->data()), mac->size());
  }
  return wire::Frame(sealed);
}

std::optional<std::string> Open(Protection p, std::string_view key, uint64_t counter, std::string_view sealed) {
  const size_t trailer = TrailerBytes(p);
  if (sealed.size() < trailer) return std::nullopt;
  const std::string_view body = sealed.substr(0, sealed.size() - trailer);
  if (p == Protection::kAes256Gcm) {
    membership::Tag tag;
    std::memcpy(tag.data(), sealed.data() + body.size(), tag.size());
    std::string message;
    if (!membership::GcmOpen(key, GcmNonce(counter), "", body, tag, message)) return std::nullopt;
    return message;
  }
  if (!membership::CheckHmacSha256(key, CounterBytes(counter) + std::string(body), sealed.substr(body.size()))) {
    return std::nullopt;
  }
  return std::string(body);
}

std::string AddressText(uint32_t address) {
  in_addr a{htonl(address)};
  char text[INET_ADDRSTRLEN] = "";
  inet_ntop(AF_INET, &a, text, sizeof text);
  return text;
}

}  // namespace

Link::Link(const LocalEnd& local, int fd, bool client, uint32_t address, SteadyTime now)
    : local_(local), fd_(fd), client_(client), connecting_(client), peer_address_(address), since_(now) {
  // Without it, a small frame after a large one waits for the large one's acknowledgement
  // (Nagle), which is a delayed ACK away: up to 40 ms on an operation's way.
  const int one = 1;
  (void)setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  hello_ = Magic(local_.protection);
  Put(hello_, local_.cluster, 4);
  Put(hello_, local_.node, 4);
  Put(hello_, local_.incarnation, 8);
  auto seed = membership::RandomBytes(kNonceSeedBytes);
  if (!seed.ok()) {
    Fail(seed.status().message());
    return;
  }
  hello_ += *seed;
  out_ = hello_;
}

Result<std::unique_ptr<Link>> Link::Connect(const LocalEnd& local, uint32_t source, uint32_t address, uint16_t port,
                                            SteadyTime now) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return Status::FromErrno("cannot create a TCP socket", errno);
  if (source != 0) {
    // From the address membership uses, so the peer can check it against the nodelist.
    sockaddr_in from{};
    from.sin_family = AF_INET;
    from.sin_addr.s_addr = htonl(source);
    if (bind(fd, reinterpret_cast<const sockaddr*>(&from), sizeof from) != 0) {
      const int e = errno;
      close(fd);
      return Status::FromErrno("cannot bind a TCP socket to " + AddressText(source), e);
    }
  }
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(port);
  to.sin_addr.s_addr = htonl(address);
  if (connect(fd, reinterpret_cast<const sockaddr*>(&to), sizeof to) != 0 && errno != EINPROGRESS) {
    const int e = errno;
    close(fd);
    return Status::FromErrno("cannot connect to " + AddressText(address) + ":" + std::to_string(port), e);
  }
  std::unique_ptr<Link> link(new Link(local, fd, true, address, now));
  if (!link->error_.empty()) return Status(StatusCode::kInternal, link->error_);
  return link;
}

std::unique_ptr<Link> Link::Accepted(const LocalEnd& local, int fd, uint32_t address, SteadyTime now) {
  return std::unique_ptr<Link>(new Link(local, fd, false, address, now));
}

Link::~Link() {
  if (fd_ >= 0) close(fd_);
}

short Link::events() const { return connecting_ || written_ < out_.size() ? POLLIN | POLLOUT : POLLIN; }

bool Link::Fail(std::string why) {
  if (error_.empty()) error_ = std::move(why);
  return false;
}

void Link::Send(std::string_view message) {
  if (!error_.empty()) return;
  // The peer would refuse it and drop the link, and the same message would follow on the next.
  if (message.size() > kMaxMessage) {
    Fail("a message of " + std::to_string(message.size()) + " bytes (at most " + std::to_string(kMaxMessage) + ")");
    return;
  }
  if (send_key_.empty()) {
    pending_.emplace_back(message);
    return;
  }
  auto frame = Seal(local_.protection, send_key_, send_counter_++, message);
  if (!frame) {
    Fail("cannot seal a frame (OpenSSL)");
    return;
  }
  Compact();
  out_ += *frame;
  if (out_.size() - written_ > kMaxBacklog) Fail("the peer reads nothing (" + std::to_string(out_.size() - written_) + " bytes unsent)");
}

std::vector<std::string> Link::TakeMessages() {
  std::vector<std::string> out;
  out.swap(messages_);
  return out;
}

bool Link::OnHello(std::string_view hello) {
  if (hello.substr(0, 3) != "VGT") return Fail("not a vigild (bad hello)");
  if (hello.substr(0, 4) != Magic(local_.protection)) {
    return Fail("the peer uses another crypto_cipher (its hello says " +
                std::string(hello[3] == '\2' ? "aes256" : "none") + ")");
  }
  if (Get(hello, 4, 4) != local_.cluster) return Fail("the peer belongs to another cluster (cluster_name differs)");
  peer_node_ = static_cast<uint32_t>(Get(hello, 8, 4));
  peer_incarnation_ = Get(hello, 12, 8);
  const std::string client_hello = client_ ? hello_ : std::string(hello);
  const std::string server_hello = client_ ? std::string(hello) : hello_;
  const std::string salt = client_hello + server_hello;
  auto to_server = membership::Hkdf(local_.authkey, salt, "vigil peer link client to server", membership::kAesKeyBytes);
  auto to_client = membership::Hkdf(local_.authkey, salt, "vigil peer link server to client", membership::kAesKeyBytes);
  if (!to_server.ok() || !to_client.ok()) return Fail("cannot derive the link's keys (OpenSSL)");
  send_key_ = client_ ? *to_server : *to_client;
  receive_key_ = client_ ? *to_client : *to_server;
  // The proof: the peer can open it only with the same authkey.
  Send("");
  SealPending();
  return error_.empty();
}

void Link::SealPending() {
  while (!pending_.empty()) {
    const std::string message = std::move(pending_.front());
    pending_.pop_front();
    Send(message);
  }
}

bool Link::OpenFrames() {
  const size_t trailer = TrailerBytes(local_.protection);
  size_t at = 0;
  while (in_.size() - at >= 4) {
    const size_t length = Get(in_, at, 4);
    if (length > kMaxMessage + trailer) return Fail("a frame of " + std::to_string(length) + " bytes (too long)");
    // Before its proof a peer is nobody: its first frame is the empty proof, so nothing longer
    // is buffered for it.
    if (!established_ && length != trailer) return Fail("the peer does not hold this authkey");
    if (in_.size() - at - 4 < length) break;
    auto message = Open(local_.protection, receive_key_, receive_counter_++, std::string_view(in_).substr(at + 4, length));
    at += 4 + length;
    if (!message) {
      return Fail(established_ ? "a frame failed authentication (replayed, reordered or forged)"
                               : "the peer does not hold this authkey");
    }
    if (!established_) {  // the proof (empty: its length was checked above)
      established_ = true;
      continue;
    }
    messages_.push_back(std::move(*message));
  }
  in_.erase(0, at);
  return true;
}

bool Link::Process(short revents) {
  if (!error_.empty()) return false;
  if (connecting_) {
    if ((revents & (POLLOUT | POLLERR | POLLHUP)) == 0) return true;
    int error = 0;
    socklen_t length = sizeof error;
    if (getsockopt(fd_, SOL_SOCKET, SO_ERROR, &error, &length) != 0) error = errno;
    if (error != 0) return Fail("cannot connect to " + AddressText(peer_address_) + ": " + std::strerror(error));
    connecting_ = false;
  }
  // A peer that closes may have sent its last frames first: they are opened before the link ends.
  bool closed = false;
  if (revents & (POLLIN | POLLHUP | POLLERR)) {
    char buffer[65536];
    size_t read = 0;
    while (read < kReadPerProcess) {
      const ssize_t n = recv(fd_, buffer, sizeof buffer, MSG_DONTWAIT);
      if (n == 0) {
        closed = true;
        break;
      }
      if (n < 0) {
        if (errno == EINTR) continue;
        if (errno == EAGAIN) break;
        return Fail(std::string("receive: ") + std::strerror(errno));
      }
      in_.append(buffer, static_cast<size_t>(n));
      read += static_cast<size_t>(n);
    }
    if (receive_key_.empty() && in_.size() >= kHelloBytes) {
      const std::string hello = in_.substr(0, kHelloBytes);
      in_.erase(0, kHelloBytes);
      if (!OnHello(hello)) return false;
    }
    if (!receive_key_.empty() && !OpenFrames()) return false;
    if (closed) return Fail("closed by the peer");
  }
  while (written_ < out_.size()) {
    const ssize_t n = send(fd_, out_.data() + written_, out_.size() - written_, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN) break;
      return Fail(std::string("send: ") + std::strerror(errno));
    }
    written_ += static_cast<size_t>(n);
  }
  Compact();
  return error_.empty();
}

void Link::Compact() {
  // What was written goes once it is half the buffer: a slow reader must not make it grow.
  if (written_ == out_.size()) {
    out_.clear();
    written_ = 0;
  } else if (written_ > out_.size() / 2) {
    out_.erase(0, written_);
    written_ = 0;
  }
}

}  // namespace vigil::peer
