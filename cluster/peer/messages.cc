#include "cluster/peer/messages.h"

#include "common/wire.h"

namespace vigil::peer {
namespace {

using wire::Put;
using wire::PutString;

enum class Type : uint8_t { kJoin = 1, kCibCopy = 2, kChange = 3, kChangeResult = 4, kExecute = 5, kNodeUpdate = 6,
                              kStatusCopy = 7, kCleanup = 8, kFenceRequest = 9, kFenceResult = 10, kFenceAsk = 11 };

void PutNodeState(std::string& out, const cib::NodeState& s) {
  PutString(out, s.id);
  PutString(out, s.uname);
  Put(out, s.in_ccm ? 1 : 0, 1);
  for (const auto* field : {&s.crmd, &s.join, &s.expected}) PutString(out, *field);
  wire::PutPairs(out, s.transient);
  Put(out, s.resources.size(), 4);
  for (const auto& h : s.resources) {
    PutString(out, h.id);
    PutString(out, h.standard);
    PutString(out, h.provider);
    PutString(out, h.type);
    Put(out, h.ops.size(), 4);
    for (const auto& op : h.ops) {
      PutString(out, op.id);
      PutString(out, op.operation);
      Put(out, static_cast<uint64_t>(op.interval_ms), 8);
      Put(out, static_cast<uint32_t>(op.call_id), 4);
      Put(out, static_cast<uint32_t>(op.rc), 4);
      Put(out, static_cast<uint32_t>(op.op_status), 4);
      PutString(out, op.exit_reason);
      Put(out, static_cast<uint64_t>(op.last_rc_change), 8);
      PutString(out, op.op_digest);
      Put(out, static_cast<uint32_t>(op.target_rc), 4);
      PutString(out, op.migrate_source);
      PutString(out, op.migrate_target);
    }
  }
}

int32_t Int32(wire::Reader& r) { return static_cast<int32_t>(static_cast<uint32_t>(r.Int(4))); }

cib::NodeState GetNodeState(wire::Reader& r) {
  cib::NodeState s;
  s.id = r.String();
  s.uname = r.String();
  s.in_ccm = r.Int(1) != 0;
  for (auto* field : {&s.crmd, &s.join, &s.expected}) *field = r.String();
  s.transient = wire::GetPairs<cib::Attributes>(r);
  const uint64_t resources = r.Int(4);
  for (uint64_t i = 0; i < resources && r.ok(); ++i) {
    cib::ResourceHistory h;
    h.id = r.String();
    h.standard = r.String();
    h.provider = r.String();
    h.type = r.String();
    const uint64_t ops = r.Int(4);
    for (uint64_t k = 0; k < ops && r.ok(); ++k) {
      cib::OpRecord op;
      op.id = r.String();
      op.operation = r.String();
      op.interval_ms = static_cast<int64_t>(r.Int(8));
      op.call_id = Int32(r);
      op.rc = Int32(r);
      op.op_status = Int32(r);
      op.exit_reason = r.String();
      op.last_rc_change = static_cast<int64_t>(r.Int(8));
      op.op_digest = r.String();
      op.target_rc = Int32(r);
      op.migrate_source = r.String();
      op.migrate_target = r.String();
      h.ops.push_back(std::move(op));
    }
    s.resources.push_back(std::move(h));
  }
  return s;
}

void PutVersions(std::string& out, const cib::Versions& v) {
  Put(out, static_cast<uint64_t>(v.admin_epoch), 8);
  Put(out, static_cast<uint64_t>(v.epoch), 8);
  Put(out, static_cast<uint64_t>(v.num_updates), 8);
}

cib::Versions GetVersions(wire::Reader& r) {
  cib::Versions v;
  v.admin_epoch = static_cast<int64_t>(r.Int(8));
  v.epoch = static_cast<int64_t>(r.Int(8));
  v.num_updates = static_cast<int64_t>(r.Int(8));
  return v;
}

struct Encoder {
  std::string& out;
  void operator()(const Join& m) {
    Put(out, static_cast<uint8_t>(Type::kJoin), 1);
    PutString(out, m.cib);
  }
  void operator()(const CibCopy& m) {
    Put(out, static_cast<uint8_t>(Type::kCibCopy), 1);
    PutString(out, m.cib);
  }
  void operator()(const Change& m) {
    Put(out, static_cast<uint8_t>(Type::kChange), 1);
    Put(out, m.request, 8);
    PutVersions(out, m.expected);
    PutString(out, m.cib);
  }
  void operator()(const ChangeResult& m) {
    Put(out, static_cast<uint8_t>(Type::kChangeResult), 1);
    Put(out, m.request, 8);
    Put(out, static_cast<uint8_t>(m.code), 1);
    PutString(out, m.text);
  }
  void operator()(const Execute& m) {
    Put(out, static_cast<uint8_t>(Type::kExecute), 1);
    Put(out, m.token, 8);
    for (const auto* field : {&m.rsc, &m.standard, &m.provider, &m.type, &m.action}) PutString(out, *field);
    Put(out, static_cast<uint64_t>(m.interval_ms), 8);
    Put(out, static_cast<uint64_t>(m.timeout_ms), 8);
    wire::PutPairs(out, m.params);
    wire::PutPairs(out, m.meta);
  }
  void operator()(const NodeUpdate& m) {
    Put(out, static_cast<uint8_t>(Type::kNodeUpdate), 1);
    Put(out, m.completed, 8);
    Put(out, m.term, 8);
    PutNodeState(out, m.state);
    Put(out, m.leaving ? 1 : 0, 1);
    Put(out, m.incarnation, 8);
    Put(out, m.watchdog_s, 4);
  }
  void operator()(const StatusCopy& m) {
    Put(out, static_cast<uint8_t>(Type::kStatusCopy), 1);
    Put(out, m.states.size(), 4);
    for (const auto& s : m.states) PutNodeState(out, s);
    Put(out, m.fencing.size(), 4);
    for (const auto& e : m.fencing) {
      PutString(out, e.target);
      PutString(out, e.action);
      Put(out, static_cast<uint8_t>(e.state), 1);
      for (const auto* field : {&e.delegate, &e.origin, &e.client, &e.devices, &e.reason}) PutString(out, *field);
      Put(out, static_cast<uint64_t>(e.when), 8);
    }
    Put(out, m.watchdogs.size(), 4);
    for (const auto& [node, seconds] : m.watchdogs) {
      PutString(out, node);
      Put(out, seconds, 4);
    }
  }
  void operator()(const FenceRequest& m) {
    Put(out, static_cast<uint8_t>(Type::kFenceRequest), 1);
    Put(out, m.token, 8);
    for (const auto* field : {&m.device, &m.type, &m.action, &m.target, &m.target_nodeid}) PutString(out, *field);
    Put(out, static_cast<uint64_t>(m.timeout_ms), 8);
    wire::PutPairs(out, m.params);
  }
  void operator()(const FenceAsk& m) {
    Put(out, static_cast<uint8_t>(Type::kFenceAsk), 1);
    for (const auto* field : {&m.target, &m.action, &m.client}) PutString(out, *field);
  }
  void operator()(const FenceResult& m) {
    Put(out, static_cast<uint8_t>(Type::kFenceResult), 1);
    Put(out, m.token, 8);
    Put(out, m.status, 1);
    Put(out, static_cast<uint32_t>(m.rc), 4);
    PutString(out, m.reason);
    PutString(out, m.output);
  }
  void operator()(const Cleanup& m) {
    Put(out, static_cast<uint8_t>(Type::kCleanup), 1);
    PutString(out, m.rsc);
    PutString(out, m.node);
  }
};

}  // namespace

std::string Encode(const Message& message) {
  std::string out;
  std::visit(Encoder{out}, message);
  return out;
}

Result<Message> Decode(std::string_view bytes) {
  wire::Reader r(bytes);
  const auto type = static_cast<Type>(r.Int(1));
  Message m;
  switch (type) {
    case Type::kJoin:
      m = Join{r.String()};
      break;
    case Type::kCibCopy:
      m = CibCopy{r.String()};
      break;
    case Type::kChange: {
      Change c;
      c.request = r.Int(8);
      c.expected = GetVersions(r);
      c.cib = r.String();
      m = std::move(c);
      break;
    }
    case Type::kChangeResult: {
      ChangeResult c;
      c.request = r.Int(8);
      const uint64_t code = r.Int(1);
      if (code > static_cast<uint64_t>(StatusCode::kUnavailable)) {
        return Status(StatusCode::kParseError, "peer message: unknown status code " + std::to_string(code));
      }
      c.code = static_cast<StatusCode>(code);
      c.text = r.String();
      m = std::move(c);
      break;
    }
    case Type::kExecute: {
      Execute e;
      e.token = r.Int(8);
      for (auto* field : {&e.rsc, &e.standard, &e.provider, &e.type, &e.action}) *field = r.String();
      e.interval_ms = r.Milliseconds();
      e.timeout_ms = r.Milliseconds();
      e.params = wire::GetPairs<cib::Attributes>(r);
      e.meta = wire::GetPairs<cib::Attributes>(r);
      m = std::move(e);
      break;
    }
    case Type::kNodeUpdate: {
      NodeUpdate u;
      u.completed = r.Int(8);
      u.term = r.Int(8);
      u.state = GetNodeState(r);
      u.leaving = r.Int(1) != 0;
      u.incarnation = r.Int(8);
      u.watchdog_s = static_cast<uint32_t>(r.Int(4));
      m = std::move(u);
      break;
    }
    case Type::kStatusCopy: {
      StatusCopy c;
      const uint64_t n = r.Int(4);
      for (uint64_t i = 0; i < n && r.ok(); ++i) c.states.push_back(GetNodeState(r));
      const uint64_t events = r.Int(4);
      for (uint64_t i = 0; i < events && r.ok(); ++i) {
        FenceEvent e;
        e.target = r.String();
        e.action = r.String();
        const uint64_t state = r.Int(1);
        if (state > static_cast<uint64_t>(FenceEvent::State::kFailed)) {
          return Status(StatusCode::kParseError, "peer message: unknown fencing state " + std::to_string(state));
        }
        e.state = static_cast<FenceEvent::State>(state);
        for (auto* field : {&e.delegate, &e.origin, &e.client, &e.devices, &e.reason}) *field = r.String();
        e.when = static_cast<int64_t>(r.Int(8));
        c.fencing.push_back(std::move(e));
      }
      const uint64_t watchdogs = r.Int(4);
      for (uint64_t i = 0; i < watchdogs && r.ok(); ++i) {
        std::string node = r.String();
        c.watchdogs[std::move(node)] = static_cast<uint32_t>(r.Int(4));
      }
      m = std::move(c);
      break;
    }
    case Type::kFenceRequest: {
      FenceRequest f;
      f.token = r.Int(8);
      for (auto* field : {&f.device, &f.type, &f.action, &f.target, &f.target_nodeid}) *field = r.String();
      f.timeout_ms = r.Milliseconds();
      f.params = wire::GetPairs<cib::Attributes>(r);
      m = std::move(f);
      break;
    }
    case Type::kFenceAsk: {
      FenceAsk f;
      for (auto* field : {&f.target, &f.action, &f.client}) *field = r.String();
      m = std::move(f);
      break;
    }
    case Type::kFenceResult: {
      FenceResult f;
      f.token = r.Int(8);
      f.status = static_cast<uint8_t>(r.Int(1));
      f.rc = Int32(r);
      f.reason = r.String();
      f.output = r.String();
      m = std::move(f);
      break;
    }
    case Type::kCleanup: {
      Cleanup c;
      c.rsc = r.String();
      c.node = r.String();
      m = std::move(c);
      break;
    }
    default:
      return wire::UnknownType("peer message", r, static_cast<uint64_t>(type));
  }
  if (Status s = wire::Finished("peer message", r); !s.ok()) return s;
  return m;
}

}  // namespace vigil::peer
