#include "cluster/peer/messages.h"

#include "common/wire.h"

namespace vigil::peer {
namespace {

using wire::Put;
using wire::PutString;

enum class Type : uint8_t { kJoin = 1, kCibCopy = 2, kChange = 3, kChangeResult = 4 };

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
      if (code > static_cast<uint64_t>(StatusCode::kInternal)) {
        return Status(StatusCode::kParseError, "peer message: unknown status code " + std::to_string(code));
      }
      c.code = static_cast<StatusCode>(code);
      c.text = r.String();
      m = std::move(c);
      break;
    }
    default:
      if (!r.ok()) return Status(StatusCode::kParseError, "peer message: empty");
      return Status(StatusCode::kParseError, "peer message: unknown type " + std::to_string(static_cast<int>(type)));
  }
  if (!r.ok()) return Status(StatusCode::kParseError, "peer message: a field is cut short");
  if (!r.done()) return Status(StatusCode::kParseError, "peer message: bytes after the last field");
  return m;
}

}  // namespace vigil::peer
