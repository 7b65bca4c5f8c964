// The replicated CIB: every node holds a copy (CibStore), and the DC keeps them equal.
//
// Each member keeps one link (cluster/peer/link.h) to the node it takes for DC, over TCP on the
// membership's port number, from its own bind address. On a new link the member sends its CIB
// (Join); whichever of the two CIBs wins (CibStore::Beaten: the higher admin_epoch, epoch,
// num_updates) is adopted by the other side, and when the DC adopts a member's CIB it sends it
// on to every member. So when partitions merge the highest version wins, whichever side held it.
//
// A change asked for on any node goes through the DC: the DC applies it to its store (refused
// as a conflict when made against an older version), sends the new CIB to every member, and only
// then answers, so that the node that asked holds the new CIB when its client hears "ok".
//
// A member whose link to the DC breaks before the answer does not leave its client guessing:
// it keeps the change aside until it has linked to a DC again and holds that DC's CIB (the DC
// answers every Join with its CIB), then answers from it: made (ok), or not made (a conflict,
// "nothing changed", so that the client may make it again). When no DC answers within
// kUnsureLimit, or this node becomes the DC itself, it answers from the CIB it holds then, and
// says "may or may not" only when it cannot tell (the change was made against a version it no
// longer held). One case stays beyond it: a DC that took the change and died before sending it
// to anyone brings it back when it returns with the higher version.
//
// Single-threaded: one of vigild's event sources (common/event_source.h); the loop calls
// Follow() after every membership tick, before Dispatch().
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cluster/daemon/cib_store.h"
#include "cluster/peer/link.h"
#include "cluster/peer/messages.h"
#include "common/clock.h"
#include "common/event_source.h"
#include "common/status.h"
#include "common/log.h"

namespace vigil::daemon {

struct ReplicatorOptions {
  peer::LocalEnd local;
  uint32_t bind_address = 0;  // host byte order
  uint16_t port = 0;
  std::chrono::milliseconds token{1000};
  // Where a node speaks from (the transport knows); nullopt: unknown yet.
  std::function<std::optional<uint32_t>(uint32_t node)> address_of;
  // A node's name, for the log.
  std::function<std::string(uint32_t node)> name_of;
  // Messages that are not the CIB's (Execute and StatusCopy from the DC, NodeUpdate from a
  // member, Cleanup either way), with the node they came from.
  std::function<void(uint32_t from, const peer::Message& message)> on_message;
  // This member has just linked to the DC (it should report its resources).
  std::function<void()> on_linked;
  // The DC's last link from `node` has closed: what was sent on it may be lost.
  std::function<void(uint32_t node)> on_unlinked;
};

class Replicator : public EventSource {
 public:
  using Done = std::function<void(Result<cib::Versions>)>;

  // Listens on bind_address:port (TCP). Errors: the port is taken, the address not local.
  static Result<std::unique_ptr<Replicator>> Open(ReplicatorOptions options, CibStore& store);
  ~Replicator();
  Replicator(const Replicator&) = delete;
  Replicator& operator=(const Replicator&) = delete;

  // After every membership tick: whom this node takes for DC (0: none), whether it acts as DC,
  // and the members. Opens, keeps or drops the links accordingly.
  void Follow(uint32_t dc, bool acting, const std::vector<uint32_t>& members, SteadyTime now);
  // The listening socket and the links; woken when Follow wants to run again without a
  // membership change (a reconnection is due, a change kept aside must be answered).
  void Arm(PollSet& set) override;
  // Accepts links, and reads, writes and answers on those that are ready.
  void Dispatch(const PollSet& set, SteadyTime now) override;

  // A change asked for on this node by `who` (for the log), made against `expected`. `done` runs
  // once: at once on the DC or with an error, else when the DC answers (a member still linking
  // to the DC sends it once linked), or when a lost answer is settled (above).
  void Submit(const cib::Versions& expected, std::string xml, const std::string& who, Done done);

  // Sends on this node's link from `node` (on the DC) or to the DC (on a member). false: no such
  // link now.
  bool SendToMember(uint32_t node, const peer::Message& message);
  bool SendToDc(const peer::Message& message);
  // On the DC: an encoded message (peer::Encode) to every member linked to it.
  void SendToMembers(const std::string& encoded) { SendToMembers(encoded, nullptr); }
  bool linked_to_dc() const { return upstream_ && upstream_announced_; }

  // One readable line per event worth logging (adoptions, links made and lost).
  std::vector<LogEvent> TakeEvents();

 private:
  struct Downstream {
    std::unique_ptr<peer::Link> link;
    bool joined = false;
  };
  Replicator(ReplicatorOptions options, CibStore& store, int fd)
      : options_(std::move(options)), store_(store), listen_fd_(fd) {}
  void Accept(SteadyTime now);
  void Connect(SteadyTime now);
  void DropUpstream(const std::string& why, SteadyTime now);
  // Answers the changes kept aside when the link broke, from the CIB held now; with `final`,
  // also those it cannot tell about.
  void ResolveUnsure(bool final);
  // Removes a link from another node, telling on_unlinked when it was that node's last.
  std::map<int, Downstream>::iterator EraseDownstream(std::map<int, Downstream>::iterator it);
  void LinkFailed(const std::string& why);
  // A peer's CIB: adopted if it wins (then sent to every member if this node is the DC), or
  // answered with this node's if it loses.
  void OnCib(peer::Link& from, const std::string& xml, const char* what);
  void OnChange(peer::Link& from, const peer::Change& change);
  void OnChangeResult(const peer::ChangeResult& result);
  void SendToMembers(const std::string& encoded, const peer::Link* skip);
  // This node's CIB to every member but `skip`'s link.
  void Broadcast(const peer::Link* skip) { SendToMembers(peer::Encode(peer::CibCopy{store_.text()}), skip); }
  Result<cib::Versions> Apply(const cib::Versions& expected, const std::string& xml, const std::string& who);
  // On a member linked to the DC: the change to the DC, answered when the DC answers.
  void Send(const cib::Versions& expected, std::string xml, const std::string& who, Done done);
  void Handle(peer::Link& link, bool downstream);
  std::string Name(uint32_t node) const;

  ReplicatorOptions options_;
  CibStore& store_;
  int listen_fd_ = -1;
  uint32_t dc_ = 0;
  bool acting_ = false;
  std::unique_ptr<peer::Link> upstream_;  // to the DC, on a member
  uint32_t upstream_dc_ = 0;
  bool upstream_announced_ = false;
  bool link_failure_logged_ = false;
  SteadyTime retry_at_{};
  std::map<int, Downstream> downstream_;  // links other nodes opened to this one, by fd
  // A change sent to the DC: who asked, and what it changed (the CIB it was made against, as
  // this node held it then; empty when it held another version).
  struct Sent {
    Done done;
    std::string base;
    std::string xml;
  };
  std::map<uint64_t, Sent> waiting_;  // sent to the DC, by request id
  std::vector<Sent> unsure_;          // the link broke before their answer
  // Asked for while this member was still linking to the DC: sent once linked (or refused after
  // kUnsureLimit, or when there is no other DC to send them to).
  struct Held {
    cib::Versions expected;
    std::string xml;
    std::string who;
    Done done;
  };
  std::vector<Held> held_;
  SteadyTime held_since_{};
  SteadyTime unsure_since_{};
  uint64_t next_request_ = 1;
  EventLog events_;
};

}  // namespace vigil::daemon
