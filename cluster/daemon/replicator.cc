#include "cluster/daemon/replicator.h"

#include "cluster/cib/merge.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

namespace vigil::daemon {
namespace {

constexpr auto kRetry = std::chrono::milliseconds(100);
constexpr auto kHandshakeTimeout = std::chrono::seconds(5);
constexpr size_t kMaxDownstream = 2 * 64;  // every node of the largest nodelist, twice over
// How long a change whose answer was lost waits for a DC's CIB to tell whether it was made.
constexpr auto kUnsureLimit = std::chrono::seconds(10);

}  // namespace

Result<std::unique_ptr<Replicator>> Replicator::Open(ReplicatorOptions options, CibStore& store) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return Status::FromErrno("cannot create the peer socket", errno);
  std::unique_ptr<Replicator> r(new Replicator(std::move(options), store, fd));
  // A restarted vigild must get its port back while the old connections linger in TIME_WAIT.
  const int one = 1;
  (void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(r->options_.port);
  address.sin_addr.s_addr = htonl(r->options_.bind_address);
  if (bind(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
    return Status::FromErrno("cannot bind the peer port (TCP " + std::to_string(r->options_.port) + ")", errno);
  }
  if (listen(fd, 64) != 0) return Status::FromErrno("cannot listen on the peer port", errno);
  return r;
}

Replicator::~Replicator() {
  if (listen_fd_ >= 0) close(listen_fd_);
}

std::string Replicator::Name(uint32_t node) const {
  return options_.name_of ? options_.name_of(node) : std::to_string(node);
}

std::vector<LogEvent> Replicator::TakeEvents() { return events_.Take(); }

void Replicator::Arm(PollSet& set) {
  if (downstream_.size() < kMaxDownstream) set.Watch(listen_fd_, POLLIN);
  if (upstream_) set.Watch(upstream_->fd(), upstream_->events());
  for (const auto& [fd, d] : downstream_) set.Watch(fd, d.link->events());
  if (upstream_dc_ != 0 && !upstream_) set.WakeBy(retry_at_);
  if (!held_.empty()) set.WakeBy(held_since_ + kUnsureLimit);
  if (!unsure_.empty()) {
    set.WakeBy(unsure_since_ + (acting_ ? std::chrono::duration_cast<Duration>(options_.token) : kUnsureLimit));
  }
}

void Replicator::Follow(uint32_t dc, bool acting, const std::vector<uint32_t>& members, SteadyTime now) {
  dc_ = dc;
  acting_ = acting;
  const uint32_t self = options_.local.node;
  const uint32_t wanted = dc == self ? 0 : dc;
  if (!held_.empty() && acting) {
    for (auto& h : std::exchange(held_, {})) h.done(Apply(h.expected, h.xml, h.who));
  }
  if (!held_.empty() && (dc == 0 || dc == self || now - held_since_ >= kUnsureLimit)) {
    for (auto& h : std::exchange(held_, {})) {
      h.done(Status(StatusCode::kUnavailable, dc == 0 ? "the cluster has no DC (no quorum, or still forming): nothing changed"
                                                   : "no link to the DC (" + Name(dc) + ") could be made: nothing changed; try again"));
    }
  }
  if (!unsure_.empty()) {
    // This node the DC: its CIB is the cluster's once the members that hold a newer one have
    // joined (a token); no DC at all for too long: nobody can tell.
    if (acting_ && now - unsure_since_ >= options_.token) ResolveUnsure(true);
    if (!unsure_.empty() && now - unsure_since_ >= kUnsureLimit) ResolveUnsure(true);
  }
  if (wanted != upstream_dc_) {
    DropUpstream(wanted == 0 ? "no other node is DC now" : Name(wanted) + " is DC now", now);
    upstream_dc_ = wanted;
    retry_at_ = now;
    link_failure_logged_ = false;
  }
  if (upstream_dc_ != 0 && !upstream_ && now >= retry_at_) Connect(now);
  // A link from a node that has left the membership goes (after a token's grace: the node may
  // see this one as a member a moment before this one sees it), and so does a handshake that
  // never finished.
  for (auto it = downstream_.begin(); it != downstream_.end();) {
    const peer::Link& link = *it->second.link;
    const bool member = link.established() && std::binary_search(members.begin(), members.end(), link.peer_node());
    const bool stale = !link.established() ? now - link.since() > kHandshakeTimeout
                                           : !member && now - link.since() > options_.token;
    if (stale) {
      if (it->second.joined) events_.Info("link from " + Name(link.peer_node()) + " closed: not a member");
      it = EraseDownstream(it);
    } else {
      ++it;
    }
  }
}

void Replicator::Connect(SteadyTime now) {
  retry_at_ = now + kRetry;
  const auto address = options_.address_of ? options_.address_of(upstream_dc_) : std::nullopt;
  if (!address) return;  // not heard yet: the next retry
  auto link = peer::Link::Connect(options_.local, options_.bind_address, *address, options_.port, now);
  if (!link.ok()) {
    LinkFailed(link.status().message());
    return;
  }
  upstream_ = std::move(*link);
  upstream_announced_ = false;
}

void Replicator::LinkFailed(const std::string& why) {
  // Once per DC: it retries every 100 ms until the DC answers or is lost.
  if (link_failure_logged_) return;
  link_failure_logged_ = true;
  events_.Warning("cannot link to the DC " + Name(upstream_dc_) + " (retrying): " + why);
}

void Replicator::DropUpstream(const std::string& why, SteadyTime now) {
  if (upstream_ && upstream_announced_) events_.Info("link to the DC " + Name(upstream_dc_) + " closed: " + why);
  upstream_.reset();
  upstream_announced_ = false;
  if (waiting_.empty()) return;
  if (unsure_.empty()) unsure_since_ = now;
  for (auto& [id, sent] : waiting_) unsure_.push_back(std::move(sent));
  waiting_.clear();
  events_.Warning("the link to the DC broke before it answered " + std::to_string(unsure_.size()) +
                    " change(s) (" + why + "): they are answered once a DC's CIB tells whether they were made");
}

void Replicator::ResolveUnsure(bool final) {
  std::vector<Sent> left;
  for (auto& sent : std::exchange(unsure_, {})) {
    auto made = sent.base.empty() ? Result<bool>(Status(StatusCode::kUnsupported, "")) : cib::HoldsChange(sent.base, sent.xml, store_.text());
    if (!made.ok()) {
      if (!final) {
        left.push_back(std::move(sent));
        continue;
      }
      sent.done(Status(StatusCode::kIoError, "the link to the DC broke before it answered, and the change was made against "
                                             "a version this node no longer holds: it may or may not have been made; query the CIB"));
    } else if (*made) {
      events_.Info("a change whose answer was lost is in the CIB (version " + cib::VersionText(store_.versions()) + ")");
      sent.done(store_.versions());
    } else {
      sent.done(Status(StatusCode::kConflict, "conflict: the link to the DC broke before it took the change, and the CIB (version " +
                                                  cib::VersionText(store_.versions()) + ") does not hold it: nothing changed"));
    }
  }
  unsure_ = std::move(left);
}

void Replicator::Accept(SteadyTime now) {
  while (downstream_.size() < kMaxDownstream) {
    sockaddr_in from{};
    socklen_t length = sizeof from;
    const int fd = accept4(listen_fd_, reinterpret_cast<sockaddr*>(&from), &length, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) return;  // EAGAIN, or out of descriptors: the next poll tries again
    downstream_[fd].link = peer::Link::Accepted(options_.local, fd, ntohl(from.sin_addr.s_addr), now);
  }
}

void Replicator::Dispatch(const PollSet& set, SteadyTime now) {
  if (set.revents(listen_fd_) != 0) Accept(now);
  if (short revents = upstream_ ? set.revents(upstream_->fd()) : 0; revents != 0) {
    if (!upstream_->Process(revents)) {
      const bool was_linked = upstream_announced_;
      const std::string why = upstream_->error();
      DropUpstream(why, now);
      if (!was_linked) LinkFailed(why);
      retry_at_ = now + kRetry;
    } else {
      if (upstream_->established() && !upstream_announced_) {
        if (upstream_->peer_node() != upstream_dc_) {
          DropUpstream("", now);
          events_.Warning("the DC's address answered as node " + std::to_string(upstream_->peer_node()));
          retry_at_ = now + kRetry;
        } else {
          upstream_announced_ = true;
          link_failure_logged_ = false;
          events_.Info("linked to the DC " + Name(upstream_dc_));
          upstream_->Send(peer::Encode(peer::Join{store_.text()}));
          if (options_.on_linked) options_.on_linked();
          // Changes asked for while linking, after the Join: the DC takes them in order.
          for (auto& h : std::exchange(held_, {})) Send(h.expected, std::move(h.xml), h.who, std::move(h.done));
        }
      }
      if (upstream_) {
        Handle(*upstream_, false);
        if (!upstream_->error().empty()) {
          DropUpstream(upstream_->error(), now);
          retry_at_ = now + kRetry;
        }
      }
    }
  }
  for (auto it = downstream_.begin(); it != downstream_.end();) {
    peer::Link& link = *it->second.link;
    bool keep = true;
    if (const short revents = set.revents(it->first); revents != 0) {
      keep = link.Process(revents);
      // Once, when established: the node must speak from its own address, as on UDP; the key
      // alone does not let one node speak for another.
      if (keep && link.established() && !it->second.joined && options_.address_of &&
          options_.address_of(link.peer_node()) != std::optional<uint32_t>(link.peer_address())) {
        keep = false;
        events_.Warning("refused a link claiming to be node " + std::to_string(link.peer_node()) +
                          " from another address");
      }
      if (keep) {
        it->second.joined = it->second.joined || link.established();
        Handle(link, true);
        keep = link.error().empty();
      }
      if (!keep && it->second.joined) events_.Info("link from " + Name(link.peer_node()) + " closed: " + link.error());
    }
    it = keep ? std::next(it) : EraseDownstream(it);
  }
}

std::map<int, Replicator::Downstream>::iterator Replicator::EraseDownstream(std::map<int, Downstream>::iterator it) {
  const bool joined = it->second.joined;
  const uint32_t node = it->second.link->peer_node();
  it = downstream_.erase(it);
  if (!joined || !options_.on_unlinked) return it;
  for (const auto& [fd, other] : downstream_) {
    if (other.joined && other.link->peer_node() == node) return it;  // it linked again already
  }
  options_.on_unlinked(node);
  return it;
}

void Replicator::Handle(peer::Link& link, bool downstream) {
  for (const std::string& bytes : link.TakeMessages()) {
    auto message = peer::Decode(bytes);
    if (!message.ok()) {
      link.Close(message.status().message());
      return;
    }
    if (const auto* join = std::get_if<peer::Join>(&*message); join && downstream) {
      OnCib(link, join->cib, "joined with");
    } else if (const auto* copy = std::get_if<peer::CibCopy>(&*message)) {
      OnCib(link, copy->cib, "sent");
      if (!downstream) {
        // The DC's CIB, whichever won: what this node holds now is the cluster's.
        if (!unsure_.empty()) ResolveUnsure(false);
      }
    } else if (const auto* change = std::get_if<peer::Change>(&*message); change && downstream) {
      OnChange(link, *change);
    } else if (const auto* result = std::get_if<peer::ChangeResult>(&*message); result && !downstream) {
      OnChangeResult(*result);
    } else if (((std::holds_alternative<peer::Execute>(*message) || std::holds_alternative<peer::FenceRequest>(*message)) &&
                !downstream) ||
               ((std::holds_alternative<peer::NodeUpdate>(*message) || std::holds_alternative<peer::FenceResult>(*message) ||
                 std::holds_alternative<peer::FenceAsk>(*message)) &&
                downstream) ||
               std::holds_alternative<peer::StatusCopy>(*message) || std::holds_alternative<peer::Cleanup>(*message)) {
      if (options_.on_message) options_.on_message(link.peer_node(), *message);
    } else {
      events_.Warning("ignored a message from " + Name(link.peer_node()) + " that has no business on this link");
    }
    if (!link.error().empty()) return;
  }
}

void Replicator::OnCib(peer::Link& from, const std::string& xml, const char* what) {
  const cib::Versions before = store_.versions();
  auto outcome = store_.Adopt(xml, "the CIB " + Name(from.peer_node()) + " sent");
  if (!outcome.ok()) {
    events_.Error("refused the CIB " + Name(from.peer_node()) + " " + what + ": " + outcome.status().message());
    return;
  }
  // A member that joins hears back in every case: the CIB it then holds is the DC's.
  const bool joined = std::string_view(what) == "joined with";
  switch (*outcome) {
    case CibStore::Adoption::kSame:
      if (joined) from.Send(peer::Encode(peer::CibCopy{store_.text()}));
      return;
    case CibStore::Adoption::kKept:
      // Ours wins: the peer adopts it from this copy.
      from.Send(peer::Encode(peer::CibCopy{store_.text()}));
      return;
    case CibStore::Adoption::kAdopted:
      events_.Info("adopted the CIB " + Name(from.peer_node()) + " " + what + ": version " +
                        cib::VersionText(before) + " -> " + cib::VersionText(store_.versions()));
      if (acting_) Broadcast(joined ? nullptr : &from);
      return;
  }
}

void Replicator::SendToMembers(const std::string& encoded, const peer::Link* skip) {
  for (auto& [fd, d] : downstream_) {
    if (d.joined && d.link.get() != skip) d.link->Send(encoded);
  }
}

Result<cib::Versions> Replicator::Apply(const cib::Versions& expected, const std::string& xml, const std::string& who) {
  const cib::Versions before = store_.versions();
  auto after = store_.Replace(xml, expected);
  if (!after.ok()) return after.status();
  events_.Info("CIB changed by " + who + ": version " + cib::VersionText(before) + " -> " +
                    cib::VersionText(*after));
  // Before the answer: the node that asked holds the new CIB when its client hears "ok".
  Broadcast(nullptr);
  return after;
}

void Replicator::OnChange(peer::Link& from, const peer::Change& change) {
  peer::ChangeResult result;
  result.request = change.request;
  if (!acting_) {
    // Retried by the asking node (SubmitChange): made again, it goes to the new DC.
    result.code = StatusCode::kConflict;
    result.text = Name(options_.local.node) + " is not the DC (any more); nothing changed; try again";
  } else {
    auto after = Apply(change.expected, change.cib, Name(from.peer_node()));
    result.code = after.ok() ? StatusCode::kOk : after.status().code();
    result.text = after.ok() ? cib::VersionText(*after) : after.status().message();
  }
  from.Send(peer::Encode(result));
}

void Replicator::OnChangeResult(const peer::ChangeResult& result) {
  const auto it = waiting_.find(result.request);
  if (it == waiting_.end()) return;  // answered already (the link broke and came back)
  Done done = std::move(it->second.done);
  waiting_.erase(it);
  if (result.code != StatusCode::kOk) {
    done(Status(result.code, result.text));
    return;
  }
  const auto versions = cib::ParseVersionText(result.text);
  if (!versions) {
    done(Status(StatusCode::kInternal, "the DC answered with '" + result.text + "', not a version"));
    return;
  }
  done(*versions);
}

bool Replicator::SendToMember(uint32_t node, const peer::Message& message) {
  peer::Link* newest = nullptr;
  for (auto& [fd, d] : downstream_) {
    if (d.joined && d.link->peer_node() == node && (newest == nullptr || d.link->since() >= newest->since())) {
      newest = d.link.get();
    }
  }
  if (newest == nullptr) return false;
  newest->Send(peer::Encode(message));
  return true;
}

bool Replicator::SendToDc(const peer::Message& message) {
  if (!linked_to_dc()) return false;
  upstream_->Send(peer::Encode(message));
  return true;
}

void Replicator::Submit(const cib::Versions& expected, std::string xml, const std::string& who, Done done) {
  if (acting_) {
    done(Apply(expected, xml, who));
    return;
  }
  if (dc_ == 0) {
    done(Status(StatusCode::kUnavailable, "the cluster has no DC (no quorum, or still forming): nothing changed"));
    return;
  }
  if (dc_ == options_.local.node) {
    done(Status(StatusCode::kUnavailable, "the DC (" + Name(dc_) + ") is not ready yet: nothing changed; try again"));
    return;
  }
  if (!linked_to_dc()) {
    // Linking (the cluster has just formed, or a new DC was chosen): sent once linked.
    if (held_.empty()) held_since_ = std::chrono::steady_clock::now();
    held_.push_back({expected, std::move(xml), who, std::move(done)});
    return;
  }
  Send(expected, std::move(xml), who, std::move(done));
}

void Replicator::Send(const cib::Versions& expected, std::string xml, const std::string& who, Done done) {
  const uint64_t request = next_request_++;
  peer::Change change;
  change.request = request;
  change.expected = expected;
  change.cib = std::move(xml);
  // What it changes, should the answer be lost: against the CIB this node holds, if that is
  // the version it was made against.
  std::string base = store_.versions() == expected ? store_.text() : std::string();
  upstream_->Send(peer::Encode(change));
  Done logged = [this, who, done = std::move(done)](Result<cib::Versions> after) {
    if (after.ok()) events_.Info("CIB changed by " + who + " through the DC " + Name(dc_) + ": version " + cib::VersionText(*after));
    done(std::move(after));
  };
  waiting_[request] = Sent{std::move(logged), std::move(base), std::move(change.cib)};
}

}  // namespace vigil::daemon
