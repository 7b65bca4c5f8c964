#include "cluster/membership/membership.h"

#include <algorithm>

#include "cluster/membership/wire.h"

namespace vigil::membership {
namespace {

using wire::Get;
using wire::Put;

std::string Join(const std::vector<uint32_t>& ids) {
  std::string s;
  for (uint32_t id : ids) s += (s.empty() ? "" : " ") + std::to_string(id);
  return s;
}

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
  return out;
}

std::optional<View> DecodeView(std::string_view p) {
  if (p.size() < 14) return std::nullopt;
  View v;
  v.dc = static_cast<uint32_t>(Get(p, 0, 4));
  v.term = Get(p, 4, 8);
  const size_t count = Get(p, 12, 2);
  if (p.size() != 14 + count * 12) return std::nullopt;
  for (size_t i = 0; i < count; ++i) {
    v.heard.push_back({static_cast<uint32_t>(Get(p, 14 + i * 12, 4)), Get(p, 18 + i * 12, 8)});
  }
  return v;
}

Membership::Membership(MembershipOptions options)
    : options_(std::move(options)), quorum_(options_.quorum) {
  std::sort(options_.nodes.begin(), options_.nodes.end());
  Recompute();
  events_.clear();
}

void Membership::OnHeartbeat(uint32_t from, uint64_t incarnation, const View& view, SteadyTime now) {
  if (from == options_.self) return;
  if (!std::binary_search(options_.nodes.begin(), options_.nodes.end(), from)) return;
  auto it = peers_.find(from);
  if (it != peers_.end() && incarnation < it->second.incarnation) return;  // its past
  Peer& peer = peers_[from];
  if (peer.incarnation != incarnation && it != peers_.end()) {
    events_.push_back("node " + std::to_string(from) + " restarted");
  }
  peer.incarnation = incarnation;
  peer.last_heard = now;
  peer.view = view;
  highest_term_seen_ = std::max(highest_term_seen_, view.term);
  Recompute();
}

void Membership::OnLeave(uint32_t from, uint64_t incarnation, SteadyTime now) {
  auto it = peers_.find(from);
  if (it == peers_.end() || it->second.incarnation != incarnation) return;
  peers_.erase(it);
  events_.push_back("node " + std::to_string(from) + " left");
  Tick(now);
}

void Membership::Tick(SteadyTime now) {
  for (auto it = peers_.begin(); it != peers_.end();) {
    if (now - it->second.last_heard > options_.token) {
      events_.push_back("node " + std::to_string(it->first) + " lost (silent for longer than the token timeout)");
      it = peers_.erase(it);
    } else {
      ++it;
    }
  }
  Recompute();
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
    events_.push_back("membership: [ " + Join(members) + " ] (was [ " + Join(members_) + " ])");
    members_ = members;
  }
  const bool was_quorate = quorum_.quorate();
  quorum_.Update(static_cast<int>(members_.size()));
  if (quorum_.quorate() != was_quorate) {
    events_.push_back(std::string(quorum_.quorate() ? "partition with quorum" : "partition WITHOUT quorum") +
                      " (" + std::to_string(quorum_.total_votes()) + " of " +
                      std::to_string(quorum_.expected_votes()) + " votes, " + std::to_string(quorum_.quorum()) +
                      " needed)");
  }
  const bool may_act = quorum_.quorate() || options_.ignore_quorum;
  const uint32_t dc = may_act ? members_.front() : 0;
  if (dc != dc_) {
    events_.push_back(dc == 0 ? std::string("no DC") : "DC: node " + std::to_string(dc));
    dc_ = dc;
  }
  // Acting takes every member's agreement: each must name this node in its latest heartbeat.
  bool agreed = dc_ == options_.self;
  for (uint32_t m : members_) {
    if (!agreed || m == options_.self) continue;
    agreed = peers_.at(m).view.dc == options_.self;
  }
  if (agreed && !acting_) {
    term_ = std::max(term_, highest_term_seen_) + 1;
    highest_term_seen_ = term_;
    events_.push_back("this node is the DC, term " + std::to_string(term_));
  } else if (!agreed && acting_) {
    events_.push_back("this node is no longer the DC");
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
  return v;
}

std::vector<std::string> Membership::TakeEvents() {
  std::vector<std::string> out;
  out.swap(events_);
  return out;
}

}  // namespace vigil::membership
