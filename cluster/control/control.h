// The control socket: how `vigil` and `crm` talk to the local vigild.
//
// A Unix stream socket under the run directory (vigild.sock, mode 0660, group haclient when that
// group exists). One request per connection: the client sends a frame, the daemon answers with
// one frame and closes. A frame is a 4-byte big-endian length and that many bytes.
//
//   request:  the command, then its arguments, each ended by a NUL byte
//   response: "ok\n" and the body, or "error\n" and one line saying what was wrong
//
// Everything a client sends is checked before the handler sees it (size, framing, an empty or
// unknown command, arguments): a bad request gets an error and changes nothing. A client must
// be root, the daemon's own user, or in group haclient (SO_PEERCRED, SO_PEERGROUPS); one that
// stalls is dropped after kClientTimeout, so no client can hold the daemon.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/event_source.h"
#include "common/run_directory.h"
#include "common/status.h"

namespace vigil::control {

constexpr size_t kMaxRequest = 1 << 20;    // a CIB edit fits many times over
constexpr size_t kMaxResponse = 64 << 20;  // a big CIB's status
constexpr size_t kMaxArguments = 1024;
constexpr size_t kMaxClients = 64;
constexpr std::chrono::seconds kClientTimeout{5};
constexpr std::chrono::seconds kPendingTimeout{30};
constexpr const char* kSocketName = "vigild.sock";
constexpr const char* kClientGroup = "haclient";

struct Request {
  std::string command;
  std::vector<std::string> args;
  uint64_t ticket = 0;  // set by the Server: the client to Reply() to after answering Pending()
};
struct Response {
  bool ok = true;
  std::string body;  // the answer, or the error's one line
  bool pending = false;
  static Response Error(std::string message) { return {false, std::move(message), false}; }
  // The handler answers later, with Server::Reply (a change that goes through the DC).
  static Response Pending() { return {true, "", true}; }
};

std::string EncodeRequest(const Request& request);
Result<Request> DecodeRequest(std::string_view payload);
std::string EncodeResponse(const Response& response);
Result<Response> DecodeResponse(std::string_view payload);
std::string Frame(std::string_view payload);

std::filesystem::path SocketPath(const std::filesystem::path& run_dir);

// One request to the daemon whose socket is `path`, waiting at most `timeout` in all.
// Errors: no daemon (the message says where it looked), a refused peer, a timeout, a broken reply.
Result<Response> Call(const std::filesystem::path& path, const Request& request,
                      std::chrono::milliseconds timeout = std::chrono::seconds(10));

struct Peer {
  pid_t pid = 0;
  uid_t uid = 0;
  gid_t gid = 0;
  std::vector<gid_t> groups;  // supplementary, as the kernel has them (SO_PEERGROUPS)
};

// Group haclient's id, if the group exists (read once, at start).
std::optional<gid_t> ClientGroup();

// The daemon's side. Non-blocking and single-threaded: one of vigild's event sources
// (common/event_source.h).
class Server : public EventSource {
 public:
  using Handler = std::function<Response(const Request&, const Peer&)>;

  // Creates the socket at `path` (replacing a stale one; the caller holds the run directory's
  // lock, so no live daemon owns it), mode 0660, group haclient if it exists.
  static Result<std::unique_ptr<Server>> Listen(const std::filesystem::path& path, Handler handler);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // The listening socket (unless out of descriptors or clients) and every client not waiting
  // for a Pending answer.
  void Arm(PollSet& set) override;
  // Accepts, reads and answers on the descriptors that are ready (others are left alone), and
  // drops stalled clients; `now` for the timeouts.
  void Dispatch(const PollSet& set, SteadyTime now) override;
  // Answers a request its handler left Pending. A client that left or timed out is forgotten
  // (false). A client waits at most kPendingTimeout, then gets an error.
  bool Reply(uint64_t ticket, const Response& response);

 private:
  struct Client {
    Peer peer;
    std::string in;
    std::string out;
    size_t written = 0;
    SteadyTime since;
    uint64_t ticket = 0;
    bool waiting = false;  // its handler answered Pending
  };
  Server(std::filesystem::path path, int fd, Handler handler)
      : path_(std::move(path)), fd_(fd), handler_(std::move(handler)), group_(ClientGroup()) {}
  void Accept(SteadyTime now);
  // Reads what is waiting; answers once a whole frame is in. false: drop the client.
  bool Read(int fd, Client& client);
  bool Write(int fd, Client& client);
  Response Answer(const Client& client, std::string_view payload);
  void SetAnswer(Client& client, const Response& response);

  std::filesystem::path path_;
  int fd_;
  Handler handler_;
  std::map<int, Client> clients_;
  uint64_t next_ticket_ = 1;
  std::optional<gid_t> group_;
  SteadyTime accept_paused_until_{};  // out of descriptors: the listener would spin the loop
  SteadyTime last_now_{};             // of the latest Dispatch, for Arm
};

// Whether `peer` may use the socket: root, `daemon_uid`, or a member of `group` (haclient's id,
// when that group exists). No user or group database is read: that could block the daemon.
bool Allowed(const Peer& peer, uid_t daemon_uid, std::optional<gid_t> group);


}  // namespace vigil::control
