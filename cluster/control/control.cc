#include "cluster/control/control.h"

#include <grp.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <thread>

#include "common/wire.h"

namespace vigil::control {
namespace {

constexpr char kOk[] = "ok\n";
constexpr char kError[] = "error\n";

uint32_t LengthOf(std::string_view frame) { return static_cast<uint32_t>(wire::Get(frame, 0, 4)); }

Result<sockaddr_un> Address(const std::filesystem::path& path) {
  sockaddr_un a{};
  a.sun_family = AF_UNIX;
  const std::string p = path.string();
  if (p.size() >= sizeof a.sun_path) {
    return Status(StatusCode::kInvalidArgument, "socket path too long (" + std::to_string(p.size()) +
                                                    " bytes, at most " + std::to_string(sizeof a.sun_path - 1) +
                                                    "): " + p);
  }
  std::memcpy(a.sun_path, p.c_str(), p.size() + 1);
  return a;
}

}  // namespace

std::string Frame(std::string_view payload) { return wire::Frame(payload); }

std::string EncodeRequest(const Request& request) {
  std::string out = request.command;
  out += '\0';
  for (const auto& a : request.args) {
    out += a;
    out += '\0';
  }
  return out;
}

Result<Request> DecodeRequest(std::string_view payload) {
  if (payload.empty() || payload.back() != '\0') {
    return Status(StatusCode::kParseError, "malformed request: it must end with a NUL byte");
  }
  Request r;
  bool first = true;
  size_t start = 0;
  while (start < payload.size()) {
    const size_t end = payload.find('\0', start);
    const std::string_view field = payload.substr(start, end - start);
    start = end + 1;
    if (first) {
      if (field.empty()) return Status(StatusCode::kParseError, "malformed request: the command is empty");
      r.command = field;
      first = false;
    } else {
      if (r.args.size() == kMaxArguments) {
        return Status(StatusCode::kParseError,
                      "malformed request: more than " + std::to_string(kMaxArguments) + " arguments");
      }
      r.args.emplace_back(field);
    }
  }
  return r;
}

std::string EncodeResponse(const Response& response) {
  return (response.ok ? kOk : kError) + response.body;
}

Result<Response> DecodeResponse(std::string_view payload) {
  if (payload.substr(0, sizeof kOk - 1) == kOk) return Response{true, std::string(payload.substr(sizeof kOk - 1))};
  if (payload.substr(0, sizeof kError - 1) == kError) {
    return Response{false, std::string(payload.substr(sizeof kError - 1))};
  }
  return Status(StatusCode::kParseError, "malformed response from vigild");
}

std::filesystem::path SocketPath(const std::filesystem::path& run_dir) { return run_dir / kSocketName; }

Result<Response> Call(const std::filesystem::path& path, const Request& request, std::chrono::milliseconds timeout) {
  const auto address = Address(path);
  if (!address.ok()) return address.status();
  const int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return Status::FromErrno("cannot create a Unix socket", errno);
  struct Closer {
    int fd;
    ~Closer() { close(fd); }
  } closer{fd};
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  auto wait = [&](short events) -> Status {
    for (;;) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return Status(StatusCode::kTimeout, "vigild did not answer within " + std::to_string(timeout.count()) + " ms");
      pollfd p{fd, events, 0};
      const int n = poll(&p, 1, static_cast<int>(left.count()));
      if (n > 0) return Status::Ok();
      if (n < 0 && errno != EINTR) return Status::FromErrno("poll on the control socket", errno);
    }
  };
  auto unreachable = [&](int e) {
    return Status::FromErrno("cannot reach vigild at " + path.string() +
                                 " (is it running? --run-dir or VIGIL_RUN_DIR name another run directory)",
                             e);
  };
  // Non-blocking, so that a daemon whose queue is full cannot hold the client past its timeout.
  for (;;) {
    if (connect(fd, reinterpret_cast<const sockaddr*>(&*address), sizeof *address) == 0) break;
    if (errno == EINTR) continue;
    if (errno != EAGAIN) return unreachable(errno);  // a Unix socket's full queue: try again
    if (std::chrono::steady_clock::now() >= deadline) {
      return Status(StatusCode::kTimeout, "vigild did not accept within " + std::to_string(timeout.count()) + " ms");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  const std::string out = Frame(EncodeRequest(request));
  for (size_t done = 0; done < out.size();) {
    if (Status s = wait(POLLOUT); !s.ok()) return s;
    const ssize_t n = send(fd, out.data() + done, out.size() - done, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n < 0 && errno != EAGAIN && errno != EINTR) return Status::FromErrno("cannot send to vigild", errno);
    if (n > 0) done += static_cast<size_t>(n);
  }
  std::string in;
  char buffer[65536];
  for (;;) {
    if (in.size() >= 4) {
      const uint32_t length = LengthOf(in);
      if (length > kMaxResponse) return Status(StatusCode::kParseError, "malformed response from vigild: too long");
      if (in.size() >= 4 + static_cast<size_t>(length)) return DecodeResponse(std::string_view(in).substr(4, length));
    }
    if (Status s = wait(POLLIN); !s.ok()) return s;
    const ssize_t n = recv(fd, buffer, sizeof buffer, MSG_DONTWAIT);
    if (n == 0) return Status(StatusCode::kIoError, "vigild closed the connection before answering");
    if (n < 0 && errno != EAGAIN && errno != EINTR) return Status::FromErrno("cannot read from vigild", errno);
    if (n > 0) in.append(buffer, static_cast<size_t>(n));
  }
}

std::optional<gid_t> ClientGroup() {
  std::vector<char> buffer(16384);
  group g{};
  group* found = nullptr;
  if (getgrnam_r(kClientGroup, &g, buffer.data(), buffer.size(), &found) != 0 || found == nullptr) {
    return std::nullopt;
  }
  return g.gr_gid;
}

bool Allowed(const Peer& peer, uid_t daemon_uid, std::optional<gid_t> group) {
  if (peer.uid == 0 || peer.uid == daemon_uid) return true;
  if (!group) return false;
  if (peer.gid == *group) return true;
  return std::find(peer.groups.begin(), peer.groups.end(), *group) != peer.groups.end();
}

Result<std::unique_ptr<Server>> Server::Listen(const std::filesystem::path& path, Handler handler) {
  const auto address = Address(path);
  if (!address.ok()) return address.status();
  const int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return Status::FromErrno("cannot create a Unix socket", errno);
  std::unique_ptr<Server> server(new Server(path, fd, std::move(handler)));
  if (unlink(path.c_str()) != 0 && errno != ENOENT) {
    return Status::FromErrno("cannot remove the stale socket " + path.string(), errno);
  }
  // Created 0660 from the start: no instant at which others may connect.
  const mode_t old_mask = umask(0117);
  const int bound = bind(fd, reinterpret_cast<const sockaddr*>(&*address), sizeof *address);
  const int bind_errno = errno;
  umask(old_mask);
  if (bound != 0) return Status::FromErrno("cannot bind the control socket " + path.string(), bind_errno);
  if (const auto group = server->group_; group && chown(path.c_str(), static_cast<uid_t>(-1), *group) != 0) {
    return Status::FromErrno("cannot give the control socket to group haclient", errno);
  }
  if (listen(fd, 16) != 0) return Status::FromErrno("cannot listen on " + path.string(), errno);
  return server;
}

Server::~Server() {
  for (const auto& [fd, client] : clients_) close(fd);
  close(fd_);
  unlink(path_.c_str());
}

void Server::Arm(PollSet& set) {
  if (clients_.size() < kMaxClients && last_now_ >= accept_paused_until_) set.Watch(fd_, POLLIN);
  for (const auto& [fd, client] : clients_) {
    // A waiting client is left alone: one that shut its side would report readable forever.
    if (!client.waiting) set.Watch(fd, client.out.empty() ? POLLIN : POLLOUT);
  }
}

void Server::Accept(SteadyTime now) {
  while (clients_.size() < kMaxClients) {
    const int fd = accept4(fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      // Out of descriptors, the connection stays queued and the listener readable: stop
      // polling it for a moment instead of spinning. EAGAIN: none waiting.
      if (errno == EMFILE || errno == ENFILE) accept_paused_until_ = now + std::chrono::milliseconds(100);
      return;
    }
    ucred cred{};
    socklen_t length = sizeof cred;
    if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &length) != 0) {
      close(fd);
      continue;
    }
    Client& c = clients_[fd];
    c.peer = {cred.pid, cred.uid, cred.gid, {}};
    c.since = now;
    c.ticket = next_ticket_++;
    std::vector<gid_t> groups(64);
    for (int attempt = 0; attempt < 2; ++attempt) {
      socklen_t bytes = static_cast<socklen_t>(groups.size() * sizeof(gid_t));
      if (getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, groups.data(), &bytes) == 0) {
        groups.resize(bytes / sizeof(gid_t));
        c.peer.groups = std::move(groups);
        break;
      }
      if (errno != ERANGE) break;
      groups.resize(bytes / sizeof(gid_t) + 1);
    }
  }
}

Response Server::Answer(const Client& client, std::string_view payload) {
  if (!Allowed(client.peer, geteuid(), group_)) {
    return Response::Error("permission denied: uid " + std::to_string(client.peer.uid) +
                           " is neither root nor in group " + kClientGroup);
  }
  auto request = DecodeRequest(payload);
  if (!request.ok()) return Response::Error(request.status().message());
  request->ticket = client.ticket;
  return handler_(*request, client.peer);
}

bool Server::Read(int fd, Client& c) {
  char buffer[65536];
  bool closed = false;  // the client sent its request and shut its side: still answer it
  for (;;) {
    const ssize_t n = recv(fd, buffer, sizeof buffer, MSG_DONTWAIT);
    if (n == 0) {
      closed = true;
      break;
    }
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno != EAGAIN) return false;
      break;
    }
    c.in.append(buffer, static_cast<size_t>(n));
    if (c.in.size() > 4 + kMaxRequest) break;
  }
  // A client that shut its side before a whole frame will send no more: drop it.
  if (c.in.size() < 4) return !closed;
  const uint32_t length = LengthOf(c.in);
  Response response;
  if (length > kMaxRequest) {
    response = Response::Error("request too long: " + std::to_string(length) + " bytes, at most " +
                               std::to_string(kMaxRequest));
  } else if (c.in.size() < 4 + static_cast<size_t>(length)) {
    return !closed;  // more to come
  } else if (c.in.size() > 4 + static_cast<size_t>(length)) {
    response = Response::Error("malformed request: bytes after the frame (one request per connection)");
  } else {
    response = Answer(c, std::string_view(c.in).substr(4));
  }
  c.in.clear();
  if (response.pending) {
    c.waiting = true;
    return true;
  }
  SetAnswer(c, response);
  return Write(fd, c);
}

void Server::SetAnswer(Client& c, const Response& response) {
  std::string payload = EncodeResponse(response);
  if (payload.size() > kMaxResponse) payload = EncodeResponse(Response::Error("the answer is too long to send"));
  c.out = Frame(payload);
  c.waiting = false;
}

bool Server::Reply(uint64_t ticket, const Response& response) {
  for (auto it = clients_.begin(); it != clients_.end(); ++it) {
    auto& [fd, c] = *it;
    if (c.ticket != ticket || !c.waiting) continue;
    SetAnswer(c, response);
    if (!Write(fd, c)) {
      close(fd);
      clients_.erase(it);
    }
    return true;
  }
  return false;
}

bool Server::Write(int fd, Client& c) {
  while (c.written < c.out.size()) {
    const ssize_t n = send(fd, c.out.data() + c.written, c.out.size() - c.written, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n < 0) return errno == EAGAIN || errno == EINTR;
    c.written += static_cast<size_t>(n);
  }
  return false;  // all sent: close
}

void Server::Dispatch(const PollSet& set, SteadyTime now) {
  auto ready = [&](int fd) { return set.revents(fd) != 0; };
  last_now_ = now;
  if (ready(fd_)) Accept(now);
  for (auto it = clients_.begin(); it != clients_.end();) {
    auto& [fd, c] = *it;
    bool keep = now - c.since < (c.waiting ? kPendingTimeout : kClientTimeout);
    if (!keep && c.waiting) {
      // Told, rather than cut off: the change may still be made after this.
      SetAnswer(c, Response::Error("no answer within " + std::to_string(kPendingTimeout.count()) +
                                   " s; the request may still take effect: check before retrying"));
      keep = Write(fd, c);
    } else if (keep && !c.waiting && ready(fd)) {
      keep = c.out.empty() ? Read(fd, c) : Write(fd, c);
    }
    if (keep) {
      ++it;
    } else {
      close(fd);
      it = clients_.erase(it);
    }
  }
}

}  // namespace vigil::control
