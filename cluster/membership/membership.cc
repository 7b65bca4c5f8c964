#include "cluster/membership/membership.h"

#include <algorithm>
#include <functional>

#include "common/wire.h"

namespace vigil::membership {
namespace {

using wire::Get;
using wire::Put;

}  // namespace

std::string EncodeView(const View& view) {
  std::string out;
  Put(out, view.dc, 4);
  Put(out, view.term, 8);
  Put(out, view.heard.size(), 2);
  for (const auto& h : view.heard) {
    Put(out, h.node, 4);
    Put(out, h.incarnation, 8);
  }
  const std::string_view name = std::string_view(view.name).substr(0, kMaxNameBytes);
  Put(out, name.size(), 1);
  out += name;
  return out;
}

std::optional<View> DecodeView(std::string_view p) {
  if (p.size() < 15) return std::nullopt;
  View v;
  v.dc = static_cast<uint32_t>(Get(p, 0, 4));
  v.term = Get(p, 4, 8);
  const size_t count = Get(p, 12, 2);
  const size_t name_at = 14 + count * 12;
  if (p.size() < name_at + 1 || p.size() != name_at + 1 + Get(p, name_at, 1)) return std::nullopt;
  for (size_t i = 0; i < count; ++i) {
    v.heard.push_back({static_cast<uint32_t>(Get(p, 14 + i * 12, 4)), Get(p, 18 + i * 12, 8)});
  }
  v.name = std::string(p.substr(name_at + 1));
  return v;
}

namespace {

// A name a node may go by (a host name, or any word without blanks or control characters): it
// goes into the CIB's <nodes> and the log. Another (empty, a NUL byte...) leaves the node known by
// its id.
bool IsNodeName(std::string_view name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
           const auto byte = static_cast<unsigned char>(c);
           return byte > ' ' && byte != 0x7f;
         });
}

}  // namespace

Membership::Membership(MembershipOptions options)
    : options_(std::move(options)), quorum_(options_.quorum) {
  std::sort(options_.nodes.begin(), options_.nodes.end());
  for (uint32_t id : options_.nodes) {
    const auto it = options_.names.find(id);
    known_[id] = it == options_.names.end() ? "" : it->second;
  }
  known_[options_.self] = options_.name;
  Recompute();
}

void Membership::OnHeartbeat(uint32_t from, uint64_t incarnation, const View& view, SteadyTime now) {
  if (from == options_.self) return;
  if (!options_.nodes.empty() && !std::binary_search(options_.nodes.begin(), options_.nodes.end(), from)) return;
  auto it = peers_.find(from);
  if (it != peers_.end() && incarnation < it->second.incarnation) return;  // its past
  if (const auto gone = left_.find(from); gone != left_.end() && incarnation <= gone->second) return;
  if (!known_.count(from) && known_.size() >= kMaxNodes) return;  // no nodelist, and too many heard
  std::string& name = known_[from];
  const bool configured_name = options_.names.count(from) != 0;
  if (!configured_name && IsNodeName(view.name)) name = view.name;
  Peer& peer = peers_[from];
  if (peer.incarnation != incarnation && it != peers_.end()) {
    events_.Info(Label(from) + " restarted");
  }
  peer.incarnation = incarnation;
  peer.last_heard = now;
  now_ = std::max(now_, now);
  peer.view = view;
  highest_term_seen_ = std::max(highest_term_seen_, view.term);
  Recompute();
}

void Membership::OnLeave(uint32_t from, uint64_t incarnation, SteadyTime now) {
  auto it = peers_.find(from);
  if (it == peers_.end() || it->second.incarnation != incarnation) return;
  peers_.erase(it);
  left_[from] = incarnation;  // a heartbeat of that life still in flight must not bring it back
  events_.Info(Label(from) + " left");
  Tick(now);
}

void Membership::Tick(SteadyTime now) {
  now_ = std::max(now_, now);
  for (auto it = peers_.begin(); it != peers_.end();) {
    if (now - it->second.last_heard > options_.token) {
      const auto silent = std::chrono::duration_cast<std::chrono::milliseconds>(now - it->second.last_heard);
      const auto token = std::chrono::duration_cast<std::chrono::milliseconds>(options_.token);
      events_.Warning(Label(it->first) + " lost (silent for " + std::to_string(silent.count()) + " ms, token " +
                        std::to_string(token.count()) + " ms)");
      it = peers_.erase(it);
    } else {
      ++it;
    }
  }
  Recompute();
}

uint64_t Membership::dc_term() const {
  if (acting_) return term_;
  const auto it = peers_.find(dc_);
  return it != peers_.end() && it->second.view.dc == dc_ ? it->second.view.term : 0;
}

std::optional<SteadyTime> Membership::NextDeadline() const {
  std::optional<SteadyTime> next;
  for (const auto& [id, peer] : peers_) {
    const SteadyTime due = peer.last_heard + options_.token + Duration(1);
    if (!next || due < *next) next = due;
  }
  return next;
}

std::optional<SteadyTime> Membership::LeaseDeadline() const {
  if (!quorum_.quorate()) return std::nullopt;
  const int others_needed = quorum_.quorum() - 1;
  if (others_needed <= 0) return std::nullopt;
  std::vector<SteadyTime> heard;
  for (const uint32_t m : members_) {
    if (const auto it = peers_.find(m); m != options_.self && it != peers_.end()) heard.push_back(it->second.last_heard);
  }
  if (heard.size() < static_cast<size_t>(others_needed)) return std::nullopt;
  // The lease rests on the others_needed most recently heard members: it lapses when the
  // oldest of them has been silent for the lease.
  std::nth_element(heard.begin(), heard.begin() + (others_needed - 1), heard.end(), std::greater<>());
  return heard[static_cast<size_t>(others_needed - 1)] + lease();
}

bool Membership::HoldsQuorumLease(SteadyTime now) const {
  if (!quorum_.quorate()) return false;
  if (quorum_.quorum() <= 1) return true;
  const auto deadline = LeaseDeadline();
  return deadline && now <= *deadline;
}

bool Membership::HearsMe(const Peer& peer) const {
  for (const auto& h : peer.view.heard) {
    if (h.node == options_.self) return h.incarnation == options_.incarnation;
  }
  return false;
}

void Membership::Recompute() {
  std::vector<uint32_t> members{options_.self};
  for (const auto& [id, peer] : peers_) {
    if (HearsMe(peer)) members.push_back(id);
  }
  std::sort(members.begin(), members.end());
  if (members != members_) {
    auto join = [this](const std::vector<uint32_t>& ids) {
      std::string s;
      for (uint32_t id : ids) s += " " + Label(id);
      return s + " ";
    };
    events_.Info("membership: [" + join(members) + "] (was [" + join(members_) + "])");
    members_ = members;
  }
  const bool was_quorate = quorum_.quorate();
  quorum_.Update(static_cast<int>(members_.size()));
  if (quorum_.quorate() != was_quorate) {
    events_.Add({quorum_.quorate() ? LogLevel::kInfo : LogLevel::kWarning,
                 std::string(quorum_.quorate() ? "partition with quorum" : "partition WITHOUT quorum") +
                      " (" + std::to_string(quorum_.total_votes()) + " of " +
                      std::to_string(quorum_.expected_votes()) + " votes, " + std::to_string(quorum_.quorum()) +
                      " needed)"});
  }
  const bool may_act = quorum_.quorate() || options_.ignore_quorum;
  const uint32_t dc = may_act ? members_.front() : 0;
  if (dc != dc_) {
    events_.Info(dc == 0 ? std::string("no DC") : "DC: " + Label(dc));
    dc_ = dc;
  }
  settled_ = settled_ || now_ - options_.started >= options_.token ||
             (!options_.nodes.empty() && members_.size() == options_.nodes.size());
  // Heard sets hold every node heard, members are the nodes that hear back: this node's heard
  // set is its peers and itself.
  views_agree_ = peers_.size() + 1 == members_.size();
  for (uint32_t m : members_) {
    if (!views_agree_ || m == options_.self) continue;
    const std::vector<Heard>& heard = peers_.at(m).view.heard;
    views_agree_ = std::equal(heard.begin(), heard.end(), members_.begin(), members_.end(),
                              [](const Heard& h, uint32_t id) { return h.node == id; });
  }
  // Taking office takes every member's agreement: each names this node in its latest heartbeat,
  // and all hear the same nodes (a member that still hears a node this one has lost would let the
  // DC start elsewhere what that node still runs). Once in office, a member that names no DC yet
  // (it is still forming its view, as a node that just joined is) does not unseat it, nor does a
  // passing disagreement on who is heard (the DC holds its plans then); a member that names
  // another node does.
  bool agreed = dc_ == options_.self && settled_ && (acting_ || views_agree_);
  for (uint32_t m : members_) {
    if (!agreed || m == options_.self) continue;
    const uint32_t named = peers_.at(m).view.dc;
    agreed = named == options_.self || (acting_ && named == 0);
  }
  if (agreed && !acting_) {
    term_ = std::max(term_, highest_term_seen_) + 1;
    highest_term_seen_ = term_;
    events_.Info("this node is the DC, term " + std::to_string(term_));
  } else if (!agreed && acting_) {
    events_.Info("this node is no longer the DC");
  }
  acting_ = agreed;
}

View Membership::Outgoing() const {
  View v;
  v.heard.push_back({options_.self, options_.incarnation});
  for (const auto& [id, peer] : peers_) v.heard.push_back({id, peer.incarnation});
  std::sort(v.heard.begin(), v.heard.end(), [](const Heard& a, const Heard& b) { return a.node < b.node; });
  v.dc = dc_;
  v.term = acting_ ? term_ : highest_term_seen_;
  v.name = options_.name;
  return v;
}

std::string Membership::Label(uint32_t node) const {
  const auto it = known_.find(node);
  if (it == known_.end() || it->second.empty()) return "node " + std::to_string(node);
  return it->second + " (" + std::to_string(node) + ")";
}

std::vector<LogEvent> Membership::TakeEvents() { return events_.Take(); }

}  // namespace vigil::membership
