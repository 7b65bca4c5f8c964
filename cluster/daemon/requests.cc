// vigild's control requests (docs/control.md): what each one checks before anything changes, and
// how a change reaches the DC.
#include <pwd.h>

#include <algorithm>
#include <cctype>
#include <ctime>
#include <fstream>
#include <functional>
#include <map>

#include "cluster/cib/edit.h"
#include "cluster/cib/score.h"
#include "cluster/daemon/daemon.h"
#include "cluster/scheduler/scheduler.h"
#include "common/log.h"

namespace vigil::daemon {
namespace {

using control::Response;

constexpr const char* kCommands =
    "status, cib-query, cib-replace, cib-replace-section, node-standby, node-online, resource-start, resource-stop, "
    "resource-move, resource-unmove, resource-cleanup, attr-update, attr-query, node-attribute, ticket-update, ticket-delete, "
    "node-fence";

// A node attribute's name as Pacemaker takes one: not empty, no whitespace or '='.
bool AttributeName(const std::string& name) {
  return !name.empty() && name.size() <= 256 &&
         std::none_of(name.begin(), name.end(), [](char c) { return c == '=' || std::isspace(static_cast<unsigned char>(c)) || c == '\0'; });
}

std::string Who(const control::Peer& peer) {
  return "uid " + std::to_string(peer.uid) + " (pid " + std::to_string(peer.pid) + ")";
}

// The user name of `uid` (its number when it has none), looked up once per uid: the lookup may
// ask a directory service, and this runs in vigild's loop.
std::string UserName(uid_t uid) {
  static std::map<uid_t, std::string> known;
  if (const auto it = known.find(uid); it != known.end()) return it->second;
  passwd entry{};
  passwd* found = nullptr;
  char buf[1024];
  std::string name = getpwuid_r(uid, &entry, buf, sizeof buf, &found) == 0 && found != nullptr
                         ? std::string(found->pw_name)
                         : std::to_string(uid);
  if (known.size() < 64) known.emplace(uid, name);
  return name;
}

// The change's stamp on <cib> (crm_mon's "Last change: ... by root via cibadmin on node1"): the
// peer's user name and program (its comm: the name it was started as, crm_attribute for the
// tool's link; a program may name itself, so this says who asked, not who vouches), this node,
// now. Only printable ASCII of the comm is kept: the stamp is read by XML parsers that refuse
// control characters.
cib::ChangeStamp StampFor(const control::Peer& peer, const std::string& node) {
  cib::ChangeStamp stamp;
  stamp.when = static_cast<int64_t>(std::time(nullptr));
  stamp.origin = node;
  stamp.user = UserName(peer.uid);
  std::ifstream comm("/proc/" + std::to_string(peer.pid) + "/comm");
  std::string raw;
  std::getline(comm, raw);
  for (const char c : raw) {
    if (c > ' ' && c < 0x7f) stamp.client += c;
  }
  return stamp;
}

// `edit`, then the stamp.
using CibEdit = std::function<Result<std::string>(const std::string& cib)>;
CibEdit StampedEdit(CibEdit edit, cib::ChangeStamp stamp) {
  return [edit = std::move(edit), stamp = std::move(stamp)](const std::string& text) -> Result<std::string> {
    auto edited = edit(text);
    if (!edited.ok()) return edited;
    // A text that does not parse goes on unstamped: the check that follows says what is wrong.
    auto stamped = cib::Stamped(*edited, stamp);
    return stamped.ok() ? stamped : edited;
  };
}

Response UnknownResource(const cib::Model& m, const std::string& id) {
  std::string known;
  for (const auto& p : m.primitives) known += (known.empty() ? "" : ", ") + p.id;
  for (const auto& g : m.groups) known += ", " + g.id;
  return Response::Error("no resource '" + id + "' in the configuration" +
                         (known.empty() ? " (it has none)" : " (it has: " + known + ")"));
}

}  // namespace

control::ClusterStatus Daemon::CurrentStatus() const {
  control::ClusterStatus s;
  s.cluster_name = config_.cluster_name;
  s.version = kVersion;
  s.self = identity_.name;
  const auto& m = *membership_;
  s.dc_id = m.dc();
  if (m.dc() != 0) {
    s.dc = m.known_nodes().at(m.dc());
    s.term = m.dc_term();
    s.acting = m.is_dc();
  }
  s.quorate = m.quorate();
  s.waiting_for_all = m.quorum().waiting_for_all();
  s.votes = m.quorum().total_votes();
  s.expected_votes = m.quorum().expected_votes();
  s.quorum = m.quorum().quorum();
  const auto live = LiveModel();
  s.resources_known = live.has_value();
  const cib::Model& model = live ? *live : cib_->cib().model();
  const std::vector<std::string> standby = scheduler::StandbyNodes(model);
  for (const auto& [id, name] : m.known_nodes()) {
    const bool online = std::binary_search(m.members().begin(), m.members().end(), id);
    // Unclean: the DC counts it as up (expected a member) but it is out of the membership.
    const bool unclean = live && std::any_of(live->node_states.begin(), live->node_states.end(), [&](const cib::NodeState& n) {
                           return n.uname == name && !n.in_ccm && n.expected == "member";
                         });
    s.nodes.push_back({id, name, online, std::find(standby.begin(), standby.end(), name) != standby.end(), unclean});
  }
  const bool from_dc = m.is_dc() || (m.dc() != 0 && status_copy_from_ == m.dc());
  const std::vector<peer::FenceEvent> history =
      m.is_dc() ? controller_->FenceHistory() : from_dc ? status_copy_.fencing : std::vector<peer::FenceEvent>{};
  for (const auto& e : history) {
    static const char* const kStates[] = {"pending", "successful", "failed"};
    s.fencing.push_back({e.target, e.action, kStates[static_cast<int>(e.state)], e.delegate, e.client, e.origin, e.devices,
                         e.reason, e.when});
  }
  AddResourceStatus(model, s);
  const membership::UdpTransport& transport = heartbeats_->transport();
  s.counters["sent"] = transport.sent();
  s.counters["received"] = heartbeats_->received();
  s.counters["dropped bad-view"] = heartbeats_->bad_views();
  for (int r = static_cast<int>(membership::DropReason::kNone) + 1; r <= static_cast<int>(membership::kLastDropReason); ++r) {
    const auto reason = static_cast<membership::DropReason>(r);
    s.counters[std::string("dropped ") + membership::DropReasonName(reason)] = transport.dropped(reason);
  }
  s.now = std::chrono::system_clock::now();
  return s;
}

DcInputs Daemon::Inputs() const {
  DcInputs inputs;
  inputs.config = &cib_->cib().model();
  inputs.members = &membership_->members();
  inputs.names = &membership_->known_nodes();
  inputs.quorate = membership_->quorate();
  inputs.acting = membership_->is_dc() && !stopping_;
  // A DC whose quorum lease lapsed plans nothing (it may be the minority of a partition that the
  // rest has not noticed yet), and keeps what it knows for when the lease holds again.
  inputs.views_agree = membership_->views_agree() && lease_held_;
  inputs.term = membership_->dc_term();
  inputs.self_state = &local_->state();
  inputs.self_watchdog_s = static_cast<uint32_t>(watchdog_->timeout_s());
  inputs.shared = status_copy_from_ != 0 ? &status_copy_ : nullptr;
  inputs.now = std::chrono::steady_clock::now();
  return inputs;
}

std::optional<cib::Model> Daemon::LiveModel() const {
  if (membership_->is_dc()) return controller_->Snapshot(Inputs());
  if (membership_->dc() != 0 && status_copy_from_ == membership_->dc() && replicator_->linked_to_dc()) {
    return WithNodeStates(cib_->cib().model(), status_copy_.states);
  }
  return std::nullopt;
}

void Daemon::ShareStatus(std::vector<cib::NodeState> states) {
  std::string encoded =
      peer::Encode(peer::StatusCopy{std::move(states), controller_->FenceHistory(), controller_->Watchdogs(Inputs())});
  if (encoded == shared_status_) return;
  shared_status_ = std::move(encoded);
  replicator_->SendToMembers(shared_status_);
}

Result<std::pair<std::string, std::string>> Daemon::FindNode(const std::string& name) const {
  for (const auto& n : cib_->cib().model().nodes) {
    if (n.uname == name) return std::pair{n.id, n.uname};
  }
  std::string known;
  for (const auto& [id, uname] : membership_->known_nodes()) {
    if (uname == name) return std::pair{std::to_string(id), uname};
    known += (known.empty() ? "" : ", ") + uname;
  }
  return Status(StatusCode::kNotFound, "no node '" + name + "' in this cluster (it has: " + known + ")");
}

Response Daemon::Deferred(uint64_t ticket, const std::function<void(Answer)>& work) {
  struct Call {
    bool returned = false;
    std::optional<Response> answer;
  };
  auto call = std::make_shared<Call>();
  work([this, call, ticket](Response response) {
    if (call->returned) {
      control_->Reply(ticket, response);
    } else {
      call->answer = std::move(response);
    }
  });
  call->returned = true;
  return call->answer ? *call->answer : Response::Pending();
}

void Daemon::CheckAgents(const cib::Model& before, const cib::Model& after, std::function<void(Status)> done) {
  std::vector<Operation> checks;
  for (const auto& p : after.primitives) {
    const cib::Primitive* old = before.FindPrimitive(p.id);
    if (old != nullptr && old->AgentName() == p.AgentName() && old->params == p.params) continue;
    Operation op;
    op.resource = p.id;
    op.agent = p.AgentName();
    op.action = "start";
    for (const auto& [name, value] : p.params) op.params.emplace_back(name, value);
    checks.push_back(std::move(op));
  }
  if (checks.empty()) {
    done(Status::Ok());
    return;
  }
  struct Pending {
    size_t left;
    std::string errors;
    std::function<void(Status)> done;
  };
  auto pending = std::make_shared<Pending>(Pending{checks.size(), "", std::move(done)});
  for (auto& op : checks) {
    const std::string rsc = op.resource;
    child_->Check(std::move(op), [pending, rsc](const OperationResult& r) {
      if (r.status != ExecStatus::kDone || r.rc != 0) {
        pending->errors += (pending->errors.empty() ? "" : "; ") + ("resource " + rsc + ": " + r.reason);
      }
      if (--pending->left > 0) return;
      pending->done(pending->errors.empty() ? Status::Ok()
                                            : Status(StatusCode::kInvalidArgument, pending->errors + "; nothing changed"));
    });
  }
}

Response Daemon::ChangeCib(const control::Request& request, const control::Peer& peer, const cib::Versions& expected,
                           Result<std::string> xml) {
  if (!xml.ok()) return Response::Error(request.command + ": " + xml.status().message() + "; nothing changed");
  return Deferred(request.ticket, [&](Answer answer) {
    SubmitChange(request.command, Who(peer) + " (" + request.command + ")", expected,
                 StampedEdit([xml = std::move(*xml)](const std::string&) -> Result<std::string> { return xml; },
                             StampFor(peer, identity_.name)),
                 1, std::move(answer));
  });
}

Response Daemon::ChangeCib(const control::Request& request, const control::Peer& peer, Edit edit) {
  // A conflict means the CIB moved on before the DC took the change (the DC's own record of the
  // nodes that joined, another change): made again on the new one, the user caused none.
  constexpr int kTries = 3;
  return Deferred(request.ticket, [&](Answer answer) {
    SubmitChange(request.command, Who(peer) + " (" + request.command + ")", std::nullopt,
                 StampedEdit(std::move(edit), StampFor(peer, identity_.name)), kTries, std::move(answer));
  });
}

void Daemon::SubmitChange(const std::string& command, const std::string& who, std::optional<cib::Versions> expected,
                          Edit edit, int tries, Answer answer) {
  auto xml = edit(cib_->text());
  if (!xml.ok()) {
    answer(Response::Error(command + ": " + xml.status().message() + "; nothing changed"));
    return;
  }
  auto next = cib::Cib::Parse(*xml, "the new CIB");
  if (!next.ok()) {
    answer(Response::Error(command + ": " + next.status().message() + "; nothing changed"));
    return;
  }
  if (Status s = CheckWatchdogFencing(cib_->cib().model(), next->model(), options_.watchdog_device, config_.two_node);
      !s.ok()) {
    answer(Response::Error(command + ": " + s.message() + "; nothing changed"));
    return;
  }
  const cib::Versions against = expected.value_or(cib_->versions());
  CheckAgents(cib_->cib().model(), next->model(),
              [this, command, who, expected, against, edit = std::move(edit), tries, answer, text = std::move(*xml)](
                  Status checked) {
                if (!checked.ok()) {
                  answer(Response::Error(command + ": " + checked.message()));
                  return;
                }
                replicator_->Submit(against, text, who, [=, this](Result<cib::Versions> after) {
                  if (!after.ok() && after.status().code() == StatusCode::kConflict && tries > 1) {
                    SubmitChange(command, who, expected, edit, tries - 1, answer);
                    return;
                  }
                  answer(after.ok() ? Response{true, cib::VersionText(*after)} : Response::Error(after.status().message()));
                });
              });
}

Response Daemon::Handle(const control::Request& request, const control::Peer& peer) {
  const std::string& c = request.command;
  if (c == "status") {
    if (!request.args.empty()) return Response::Error("status takes no arguments");
    return {true, control::ToXml(CurrentStatus())};
  }
  if (c == "cib-query") {
    if (!request.args.empty()) return Response::Error("cib-query takes no arguments");
    // <cib> says this node's quorum and DC as they are now (what a tool sent back and was
    // stored may say otherwise).
    const uint32_t dc = membership_->dc();
    const cib::LiveQuorum quorum{membership_->quorate(), dc == 0 ? "" : std::to_string(dc)};
    const auto live = LiveModel();
    if (!live) {
      auto with_quorum = cib::WithQuorum(cib_->text(), quorum);
      return with_quorum.ok() ? Response{true, *with_quorum} : Response::Error(with_quorum.status().message());
    }
    auto with_status = cib::WithStatus(cib_->text(), live->node_states, quorum);
    return with_status.ok() ? Response{true, *with_status} : Response::Error(with_status.status().message());
  }
  if (c == "cib-replace" || c == "cib-replace-section") return ReplaceCib(request, peer);
  if (c == "node-standby" || c == "node-online") return NodeRequest(request, peer);
  if (c == "resource-start" || c == "resource-stop" || c == "resource-move" || c == "resource-unmove") {
    return ResourceRequest(request, peer);
  }
  if (c == "resource-cleanup") return CleanupRequest(request);
  if (c == "node-fence") return FenceNodeRequest(request, peer);
  if (c == "attr-update" || c == "attr-query" || c == "node-attribute") return AttributeRequest(request, peer);
  if (c == "ticket-update" || c == "ticket-delete") return TicketRequest(request, peer);
  return Response::Error("unknown command '" + c + "' (this vigild answers: " + kCommands + ")");
}

Response Daemon::ReplaceCib(const control::Request& request, const control::Peer& peer) {
  const bool section = request.command == "cib-replace-section";
  if (request.args.size() != 2) {
    return Response::Error(request.command + " takes the version the change was made against "
                           "(admin_epoch:epoch:num_updates) and the new " + (section ? "section" : "CIB"));
  }
  const auto expected = cib::ParseVersionText(request.args[0]);
  if (!expected) {
    return Response::Error(request.command + ": '" + request.args[0] + "' is not a version (admin_epoch:epoch:num_updates)");
  }
  if (section) {
    // The section goes into this node's copy: made against another version, it would carry that
    // copy's other sections with it (the DC checks only that the copy is current).
    if (!(*expected == cib_->versions())) {
      return Response::Error("conflict: the change was made against CIB version " + cib::VersionText(*expected) +
                             ", this node holds " + cib::VersionText(cib_->versions()) +
                             "; read it again and redo the change");
    }
    return ChangeCib(request, peer, *expected, cib::ReplaceSection(cib_->text(), request.args[1]));
  }
  return ChangeCib(request, peer, *expected, request.args[1]);
}

Response Daemon::NodeRequest(const control::Request& request, const control::Peer& peer) {
  if (request.args.size() > 1) return Response::Error(request.command + " takes one node name (none: this node)");
  const std::string name = request.args.empty() ? identity_.name : request.args[0];
  auto node = FindNode(name);
  if (!node.ok()) return Response::Error(request.command + ": " + node.status().message());
  const bool standby = request.command == "node-standby";
  // crm node standby/online: the node attribute "standby" in <nodes>, kept until changed back.
  return ChangeCib(request, peer, [id = node->first, name = node->second, standby](const std::string& text) {
    return cib::SetNodeAttribute(text, id, name, "standby",
                                 standby ? std::optional<std::string>("on") : std::optional<std::string>("off"));
  });
}

Response Daemon::AttributeRequest(const control::Request& request, const control::Peer& peer) {
  const std::string& c = request.command;
  const auto& args = request.args;
  if (c == "attr-update") {
    // attr-update NAME [VALUE]: this node's transient attribute (no value: removed).
    if (args.empty() || args.size() > 2) return Response::Error("attr-update takes a name and, to set it, a value");
    if (!AttributeName(args[0])) return Response::Error("attr-update: '" + args[0] + "' is not an attribute name");
    const std::optional<std::string> value = args.size() == 2 ? std::optional<std::string>(args[1]) : std::nullopt;
    if (local_->SetTransient(args[0], value)) {
      LogInfo(Who(peer) + ": transient attribute " + args[0] + (value ? " = " + *value : " removed"));
    }
    return {true, ""};
  }
  if (c == "attr-query") {
    // attr-query NAME [NODE]: a node's transient attribute, as the DC last planned from (this
    // node's own as it is now). An empty answer with ok: not set.
    if (args.empty() || args.size() > 2) return Response::Error("attr-query takes a name and, optionally, a node");
    const std::string node = args.size() == 2 ? args[1] : identity_.name;
    if (node == identity_.name) {
      const auto it = local_->state().transient.find(args[0]);
      if (it == local_->state().transient.end()) return Response::Error("attr-query: " + args[0] + " is not set on " + node);
      return {true, it->second};
    }
    const auto live = LiveModel();
    if (!live) return Response::Error("attr-query: the attributes of " + node + " are not known here (no DC)");
    for (const auto& s : live->node_states) {
      if (s.uname != node) continue;
      const auto it = s.transient.find(args[0]);
      if (it == s.transient.end()) break;
      return {true, it->second};
    }
    return Response::Error("attr-query: " + args[0] + " is not set on " + node);
  }
  // node-attribute NODE NAME [VALUE]: a permanent node attribute in <nodes> (no value: removed).
  if (args.size() < 2 || args.size() > 3) return Response::Error("node-attribute takes a node, a name and, to set it, a value");
  if (!AttributeName(args[1])) return Response::Error("node-attribute: '" + args[1] + "' is not an attribute name");
  auto node = FindNode(args[0]);
  if (!node.ok()) return Response::Error(c + ": " + node.status().message());
  const std::optional<std::string> value = args.size() == 3 ? std::optional<std::string>(args[2]) : std::nullopt;
  return ChangeCib(request, peer, [id = node->first, uname = node->second, name = args[1], value](const std::string& text) {
    return cib::SetNodeAttribute(text, id, uname, name, value);
  });
}

Response Daemon::TicketRequest(const control::Request& request, const control::Peer& peer) {
  const std::string& c = request.command;
  const auto& args = request.args;
  if (args.empty() || !AttributeName(args[0])) return Response::Error(c + " takes a ticket's name first");
  const std::string ticket = args[0];
  if (c == "ticket-delete") {
    // ticket-delete TICKET: its state removed (crm_ticket --cleanup).
    if (args.size() != 1) return Response::Error("ticket-delete takes a ticket's name only");
    return ChangeCib(request, peer, [ticket](const std::string& text) { return cib::DeleteTicketState(text, ticket); });
  }
  // ticket-update TICKET NAME=VALUE... -NAME...: attributes of its state set, then removed.
  std::vector<std::pair<std::string, std::string>> set;
  std::vector<std::string> erase;
  for (size_t i = 1; i < args.size(); ++i) {
    const std::string& a = args[i];
    const size_t eq = a.find('=');
    const std::string name = a.starts_with("-") ? a.substr(1) : a.substr(0, eq);
    // The name becomes an XML attribute's: a letter or _ first, then letters, digits, _ . -
    const bool xml_name = !name.empty() && (std::isalpha(static_cast<unsigned char>(name[0])) || name[0] == '_') &&
                          std::all_of(name.begin(), name.end(), [](char ch) {
                            return std::isalnum(static_cast<unsigned char>(ch)) || ch == '_' || ch == '.' || ch == '-';
                          });
    if (!xml_name || name == "id" || (!a.starts_with("-") && eq == std::string::npos)) {
      return Response::Error("ticket-update: '" + a + "' is neither NAME=VALUE nor -NAME (NAME an attribute name other than id)");
    }
    if (a.starts_with("-")) erase.push_back(name);
    else set.emplace_back(name, a.substr(eq + 1));
  }
  if (set.empty() && erase.empty()) return Response::Error("ticket-update: nothing to change");
  LogInfo(Who(peer) + ": asks to change ticket " + ticket);
  return ChangeCib(request, peer, [ticket, set, erase](const std::string& text) {
    return cib::SetTicketState(text, ticket, set, erase, static_cast<int64_t>(std::time(nullptr)));
  });
}

Response Daemon::ResourceRequest(const control::Request& request, const control::Peer& peer) {
  const std::string& c = request.command;
  const bool move = c == "resource-move";
  if (request.args.empty() || request.args.size() > (move ? 2U : 1U)) {
    return Response::Error(c + " takes a resource id" + (move ? " and, optionally, the node to move it to" : ""));
  }
  const std::string& rsc = request.args[0];
  const cib::Model& model = cib_->cib().model();
  const cib::Group* group = model.FindGroup(rsc);
  const cib::Clone* clone = model.FindClone(rsc);
  if (model.FindPrimitive(rsc) == nullptr && group == nullptr && clone == nullptr) return UnknownResource(model, rsc);
  if (c == "resource-start" || c == "resource-stop") {
    // crm resource start/stop: the resource's target-role.
    const std::string role = c == "resource-start" ? "Started" : "Stopped";
    return ChangeCib(request, peer, [rsc, role](const std::string& text) {
      return cib::SetResourceMeta(text, rsc, "target-role", role);
    });
  }
  if (c == "resource-unmove") {
    // crm resource unmove (crm_resource --clear): every constraint a move or a ban left.
    std::vector<std::string> ids;
    for (const auto& l : model.locations) {
      if (l.rsc == rsc && (l.id == "cli-prefer-" + rsc || l.id.starts_with("cli-ban-" + rsc + "-on-"))) ids.push_back(l.id);
    }
    if (ids.empty()) return Response::Error(c + ": " + rsc + " has no move or ban constraint; nothing changed");
    return ChangeCib(request, peer, [ids](const std::string& text) { return cib::RemoveConstraints(text, ids); });
  }
  // crm resource move RSC NODE: prefer NODE (cli-prefer-RSC, INFINITY); without a node, ban it
  // from where it runs now (cli-ban-RSC-on-NODE, -INFINITY), as crm_resource --move does.
  if (request.args.size() == 2) {
    auto node = FindNode(request.args[1]);
    if (!node.ok()) return Response::Error(c + ": " + node.status().message());
    const cib::Location prefer{"cli-prefer-" + rsc, rsc, node->second, cib::kInfinity, "Started"};
    return ChangeCib(request, peer, [prefer](const std::string& text) { return cib::PutLocation(text, prefer); });
  }
  if (clone != nullptr) return Response::Error(c + ": " + rsc + " is a clone, with an instance per node: name the node to move one to");
  const auto live = LiveModel();
  if (!live) return Response::Error(c + ": where " + rsc + " runs is not known here (no DC); name the node to move it to");
  std::vector<std::string> where;
  // A group runs where its first member does.
  const std::string& placed = group != nullptr ? group->members.front() : rsc;
  for (const auto& r : scheduler::CurrentState(*live, 0)) {
    if (r.id == placed) where = r.nodes;
  }
  if (where.size() != 1) {
    return Response::Error(c + ": " + rsc + " is active on " + std::to_string(where.size()) +
                           " nodes; name the node to move it to");
  }
  const cib::Location ban{"cli-ban-" + rsc + "-on-" + where.front(), rsc, where.front(), -cib::kInfinity, "Started"};
  return ChangeCib(request, peer, [ban](const std::string& text) { return cib::PutLocation(text, ban); });
}

Response Daemon::CleanupRequest(const control::Request& request) {
  if (request.args.empty() || request.args.size() > 2) {
    return Response::Error("resource-cleanup takes a resource id and, optionally, a node name");
  }
  peer::Cleanup cleanup{request.args[0], request.args.size() == 2 ? request.args[1] : ""};
  if (const cib::Clone* clone = cib_->cib().model().FindClone(cleanup.rsc)) {
    return Response::Error("resource-cleanup: " + clone->id + " is a clone, which cleanup does not take yet; clean up " +
                           clone->child + " (" + (clone->child_is_group ? "its members" : "every instance") + ")");
  }
  if (const cib::Group* g = cib_->cib().model().FindGroup(cleanup.rsc)) {
    std::string members;
    for (const auto& m : g->members) members += (members.empty() ? "" : ", ") + m;
    return Response::Error("resource-cleanup: " + g->id + " is a group, which cleanup does not take yet; clean up its members (" +
                           members + ")");
  }
  bool known = cib_->cib().model().FindPrimitive(cleanup.rsc) != nullptr;
  if (const auto live = LiveModel()) {
    for (const auto& s : live->node_states) {
      for (const auto& h : s.resources) known |= h.id == cleanup.rsc;  // an orphan's history
    }
  }
  if (!known) return UnknownResource(cib_->cib().model(), cleanup.rsc);
  std::vector<std::string> on;
  for (const uint32_t m : membership_->members()) {
    const std::string name = NameOf(m);
    if (cleanup.node.empty() || cleanup.node == name) on.push_back(name);
  }
  if (on.empty()) {
    if (auto node = FindNode(cleanup.node); !node.ok()) return Response::Error("resource-cleanup: " + node.status().message());
    return Response::Error("resource-cleanup: " + cleanup.node + " is not online: it holds no history to clean up");
  }
  std::vector<std::string> unreached;
  if (membership_->is_dc()) {
    unreached = FanOutCleanup(cleanup);
  } else if (!replicator_->SendToDc(cleanup)) {
    return Response::Error("resource-cleanup: no link to a DC (no quorum, or still forming): nothing cleaned up");
  }
  std::string text;
  for (const auto& n : on) {
    const bool missed = std::find(unreached.begin(), unreached.end(), n) != unreached.end();
    text += missed ? "Not cleaned up on " + n + ": no link to it now\n" : "Cleaned up " + cleanup.rsc + " on " + n + "\n";
  }
  if (unreached.size() == on.size()) return Response::Error("resource-cleanup: no link to " + unreached.front() + " now: nothing cleaned up");
  return {true, text};
}

Response Daemon::FenceNodeRequest(const control::Request& request, const control::Peer& peer) {
  static const char* const kActions[] = {"reboot", "off", "on", "confirm", "default"};
  if (request.args.size() != 3 || std::none_of(std::begin(kActions), std::end(kActions), [&](const char* a) { return request.args[1] == a; })) {
    return Response::Error("node-fence takes a node name, reboot, off, on, confirm or default, and who asks");
  }
  const std::string& target = request.args[0];
  auto node = FindNode(target);
  if (!node.ok()) return Response::Error("node-fence: " + node.status().message());
  const std::string action = request.args[1] == "default" ? "" : request.args[1];
  const std::string client = request.args[2] + " (" + Who(peer) + ")";
  if (membership_->is_dc()) {
    controller_->RequestFence(node->second, action, client);
  } else if (!replicator_->SendToDc(peer::FenceAsk{node->second, action, client})) {
    return Response::Error("node-fence: no link to a DC (no quorum, or still forming): nothing fenced");
  }
  LogInfo("fencing of " + node->second + (action.empty() ? "" : " (" + action + ")") + " asked by " + client);
  return {true, "asked the DC to fence " + node->second + "\n"};
}

std::vector<std::string> Daemon::FanOutCleanup(const peer::Cleanup& cleanup) {
  std::vector<std::string> unreached;
  for (const uint32_t m : membership_->members()) {
    if (!cleanup.node.empty() && cleanup.node != NameOf(m)) continue;
    if (m == identity_.nodeid) {
      local_->Cleanup(cleanup.rsc);
    } else if (!replicator_->SendToMember(m, cleanup)) {
      unreached.push_back(NameOf(m));
    }
  }
  return unreached;
}

}  // namespace vigil::daemon
