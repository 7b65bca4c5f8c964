#include "cluster/lrm/executor_wire.h"

#include "common/wire.h"

namespace vigil::lrm {
namespace {

using wire::Put;
using wire::PutString;

enum class Type : uint8_t { kRun = 1, kCancel = 2, kResult = 3, kCheck = 4, kRenew = 5, kLapsed = 6 };

void PutOperation(std::string& out, const Operation& op) {
  PutString(out, op.resource);
  PutString(out, op.agent);
  PutString(out, op.action);
  wire::PutPairs(out, op.params);
  wire::PutPairs(out, op.meta);
  Put(out, static_cast<uint64_t>(op.timeout.count()), 8);
  Put(out, static_cast<uint64_t>(op.interval.count()), 8);
  Put(out, static_cast<uint32_t>(op.check_level), 4);
}

Operation GetOperation(wire::Reader& r) {
  Operation op;
  op.resource = r.String();
  op.agent = r.String();
  op.action = r.String();
  op.params = wire::GetPairs<Params>(r);
  op.meta = wire::GetPairs<Params>(r);
  op.timeout = std::chrono::milliseconds(r.Milliseconds());
  op.interval = std::chrono::milliseconds(r.Milliseconds());
  op.check_level = static_cast<int>(static_cast<int32_t>(r.Int(4)));
  return op;
}

struct Encoder {
  std::string& out;
  void operator()(const RunRequest& m) {
    Put(out, static_cast<uint8_t>(Type::kRun), 1);
    Put(out, m.call, 8);
    PutOperation(out, m.op);
  }
  void operator()(const CheckRequest& m) {
    Put(out, static_cast<uint8_t>(Type::kCheck), 1);
    Put(out, m.call, 8);
    PutOperation(out, m.op);
  }
  void operator()(const CancelRequest& m) {
    Put(out, static_cast<uint8_t>(Type::kCancel), 1);
    Put(out, m.call, 8);
  }
  void operator()(const RunResult& m) {
    Put(out, static_cast<uint8_t>(Type::kResult), 1);
    Put(out, m.call, 8);
    Put(out, static_cast<uint8_t>(m.result.status), 1);
    Put(out, static_cast<uint32_t>(m.result.rc), 4);
    PutString(out, m.result.reason);
    PutString(out, m.result.output);
    Put(out, static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(m.result.elapsed).count()), 8);
  }
  void operator()(const RenewRequest& m) {
    Put(out, static_cast<uint8_t>(Type::kRenew), 1);
    Put(out, m.lease_ms, 8);
    Put(out, m.lapses_seen, 8);
  }
  void operator()(const LapsedNotice& m) {
    Put(out, static_cast<uint8_t>(Type::kLapsed), 1);
    Put(out, m.lapse, 8);
  }
};

}  // namespace

std::string EncodeFrame(const ExecutorMessage& message) {
  std::string body;
  std::visit(Encoder{body}, message);
  return wire::Frame(body);
}

Result<ExecutorMessage> DecodeMessage(std::string_view bytes) {
  wire::Reader r(bytes);
  const auto type = static_cast<Type>(r.Int(1));
  ExecutorMessage m;
  switch (type) {
    case Type::kRun: {
      RunRequest run;
      run.call = r.Int(8);
      run.op = GetOperation(r);
      m = std::move(run);
      break;
    }
    case Type::kCheck: {
      CheckRequest check;
      check.call = r.Int(8);
      check.op = GetOperation(r);
      m = std::move(check);
      break;
    }
    case Type::kCancel:
      m = CancelRequest{r.Int(8)};
      break;
    case Type::kResult: {
      RunResult result;
      result.call = r.Int(8);
      const uint64_t status = r.Int(1);
      if (status > static_cast<uint64_t>(ExecStatus::kError)) {
        return Status(StatusCode::kParseError, "executor message: unknown execution status " + std::to_string(status));
      }
      result.result.call_id = result.call;
      result.result.status = static_cast<ExecStatus>(status);
      result.result.rc = static_cast<int>(static_cast<int32_t>(r.Int(4)));
      result.result.reason = r.String();
      result.result.output = r.String();
      result.result.elapsed = std::chrono::microseconds(static_cast<int64_t>(r.Int(8)));
      m = std::move(result);
      break;
    }
    case Type::kRenew: {
      RenewRequest renew;
      renew.lease_ms = static_cast<uint64_t>(r.Milliseconds());
      renew.lapses_seen = r.Int(8);
      m = renew;
      break;
    }
    case Type::kLapsed:
      m = LapsedNotice{r.Int(8)};
      break;
    default:
      return wire::UnknownType("executor message", r, static_cast<uint64_t>(type));
  }
  if (Status s = wire::Finished("executor message", r); !s.ok()) return s;
  return m;
}

Result<std::vector<ExecutorMessage>> TakeFrames(std::string& buffer) {
  std::vector<ExecutorMessage> out;
  size_t at = 0;
  while (buffer.size() - at >= 4) {
    const size_t length = wire::Get(buffer, at, 4);
    if (length > kMaxFrame) return Status(StatusCode::kParseError, "executor frame of " + std::to_string(length) + " bytes");
    if (buffer.size() - at - 4 < length) break;
    auto m = DecodeMessage(std::string_view(buffer).substr(at + 4, length));
    if (!m.ok()) return m.status();
    out.push_back(std::move(*m));
    at += 4 + length;
  }
  buffer.erase(0, at);
  return out;
}

}  // namespace vigil::lrm
