#include "cluster/config/config.h"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>

#include "cluster/config/conf_tree.h"

namespace vigil::config {
namespace {

// Reads one section's values into a Config, with the context for messages.
class SectionReader {
 public:
  SectionReader(const ConfSection& section, std::string_view source, std::vector<std::string>& warnings)
      : section_(section), source_(source), warnings_(warnings) {}

  using Handler = std::function<Status(const ConfItem&)>;

  // Runs the handler of each key; a key without one is a warning.
  Status Values(const std::map<std::string, Handler>& handlers) {
    for (const auto& item : section_.values) {
      const auto it = handlers.find(item.key);
      if (it == handlers.end()) {
        Warn(item.line, "unknown key '" + item.key + "' in " + section_.name + " (ignored)");
        continue;
      }
      Status s = it->second(item);
      if (!s.ok()) return s;
    }
    return Status::Ok();
  }

  void Warn(int line, const std::string& what) {
    warnings_.push_back(std::string(source_) + ":" + std::to_string(line) + ": " + what);
  }

  Status Wrong(const ConfItem& item, const std::string& expected) const {
    return Status(StatusCode::kParseError, std::string(source_) + ":" + std::to_string(item.line) + ": " +
                                               item.key + ": expected " + expected + ", found '" +
                                               item.value + "'");
  }

  Status Integer(const ConfItem& item, int64_t lo, int64_t hi, int64_t& out) const {
    int64_t v = 0;
    const auto* end = item.value.data() + item.value.size();
    auto [ptr, ec] = std::from_chars(item.value.data(), end, v);
    if (item.value.empty() || ec != std::errc() || ptr != end || v < lo || v > hi) {
      return Wrong(item, "an integer from " + std::to_string(lo) + " to " + std::to_string(hi));
    }
    out = v;
    return Status::Ok();
  }

  template <typename T>
  Status Int(const ConfItem& item, int64_t lo, int64_t hi, T& out) const {
    int64_t v = 0;
    Status s = Integer(item, lo, hi, v);
    if (s.ok()) out = static_cast<T>(v);
    return s;
  }

  Status Bool(const ConfItem& item, bool& out) const {
    const std::string& v = item.value;
    if (v == "yes" || v == "on" || v == "1" || v == "true") {
      out = true;
    } else if (v == "no" || v == "off" || v == "0" || v == "false") {
      out = false;
    } else {
      return Wrong(item, "yes or no (on/off)");
    }
    return Status::Ok();
  }

  Status Address(const ConfItem& item, std::optional<Ipv4>& out) const {
    out = ParseIpv4(item.value);
    if (!out) {
      return item.value.find(':') != std::string::npos ? Wrong(item, "an IPv4 address (IPv6 is not supported yet)")
                                                       : Wrong(item, "an IPv4 address");
    }
    return Status::Ok();
  }

  Status OneOf(const ConfItem& item, std::initializer_list<const char*> allowed, std::string& out) const {
    std::string list;
    for (const char* a : allowed) {
      if (item.value == a) {
        out = item.value;
        return Status::Ok();
      }
      list += (list.empty() ? "" : ", ") + std::string(a);
    }
    return Wrong(item, "one of " + list);
  }

  Status Known(const ConfItem&) const { return Status::Ok(); }  // understood, nothing to do

 private:
  const ConfSection& section_;
  std::string_view source_;
  std::vector<std::string>& warnings_;
};

#define VIGIL_KNOWN(key) {key, [&r](const ConfItem& i) { return r.Known(i); }}

Status ReadInterface(const ConfSection& s, std::string_view source, Config& c) {
  SectionReader r(s, source, c.warnings);
  Interface itf;
  itf.line = s.line;
  int ring = 0;
  Status st = r.Values({
      // Checked, not kept: Vigil has one ring.
      {"ringnumber", [&](const ConfItem& i) { return r.Int(i, 0, 7, ring); }},
      {"linknumber", [&](const ConfItem& i) { return r.Int(i, 0, 7, ring); }},
      {"bindnetaddr", [&](const ConfItem& i) { return r.Address(i, itf.bindnetaddr); }},
      {"mcastaddr", [&](const ConfItem& i) { return r.Address(i, itf.mcastaddr); }},
      {"mcastport", [&](const ConfItem& i) { return r.Int(i, 1, 65535, itf.mcastport); }},
      {"ttl", [&](const ConfItem& i) { return r.Int(i, 0, 255, itf.ttl); }},
      VIGIL_KNOWN("broadcast"),
  });
  if (!st.ok()) return st;
  c.interfaces.push_back(itf);
  return Status::Ok();
}

Status ReadTotem(const ConfSection& s, std::string_view source, Config& c) {
  SectionReader r(s, source, c.warnings);
  for (const auto& sub : s.sections) {
    if (sub.name == "interface") {
      Status st = ReadInterface(sub, source, c);
      if (!st.ok()) return st;
    } else {
      r.Warn(sub.line, "unknown section '" + sub.name + "' in totem (ignored)");
    }
  }
  std::string transport;
  std::string secauth;
  return r.Values({
      {"version", [&](const ConfItem& i) { int v = 0; return r.Int(i, 2, 2, v); }},
      {"cluster_name", [&](const ConfItem& i) {
         if (i.value.empty()) return r.Wrong(i, "a name");
         c.cluster_name = i.value;
         return Status::Ok();
       }},
      {"token", [&](const ConfItem& i) { return r.Int(i, 10, 600000, c.token_ms); }},
      {"transport", [&](const ConfItem& i) {
         Status st = r.OneOf(i, {"udp", "udpu", "knet"}, transport);
         c.transport = transport == "udp" ? Transport::kUdp : transport == "udpu" ? Transport::kUdpu : Transport::kKnet;
         return st;
       }},
      {"secauth", [&](const ConfItem& i) {
         bool on = true;
         Status st = r.Bool(i, on);
         if (st.ok() && !on) r.Warn(i.line, "secauth: off is ignored: Vigil authenticates every packet");
         return st;
       }},
      {"crypto_cipher", [&](const ConfItem& i) {
         std::string v;
         Status st = r.OneOf(i, {"none", "aes256", "aes192", "aes128"}, v);
         if (st.ok()) c.crypto_cipher = v == "none" ? "none" : "aes256";
         if (st.ok() && v != "none" && v != "aes256") r.Warn(i.line, "crypto_cipher: " + v + " is served as aes256");
         return st;
       }},
      {"crypto_hash", [&](const ConfItem& i) {
         std::string v;
         Status st = r.OneOf(i, {"none", "md5", "sha1", "sha256", "sha384", "sha512"}, v);
         if (st.ok() && v != "sha256") {
           r.Warn(i.line, "crypto_hash: " + v + " is served as sha256: Vigil authenticates every packet with HMAC-SHA256");
         }
         return st;
       }},
      {"keyfile", [&](const ConfItem& i) {
         if (i.value.empty() || i.value[0] != '/') return r.Wrong(i, "an absolute path");
         c.keyfile = i.value;
         return Status::Ok();
       }},
      {"ip_version", [&](const ConfItem& i) { std::string v; return r.OneOf(i, {"ipv4"}, v); }},
      VIGIL_KNOWN("token_coefficient"), VIGIL_KNOWN("token_retransmits_before_loss_const"),
      VIGIL_KNOWN("join"), VIGIL_KNOWN("consensus"), VIGIL_KNOWN("max_messages"),
      VIGIL_KNOWN("threads"), VIGIL_KNOWN("rrp_mode"), VIGIL_KNOWN("netmtu"),
      VIGIL_KNOWN("vsftype"), VIGIL_KNOWN("send_join"), VIGIL_KNOWN("window_size"),
      VIGIL_KNOWN("link_mode"), VIGIL_KNOWN("knet_transport"),
  });
}

Status ReadNodelist(const ConfSection& s, std::string_view source, Config& c) {
  SectionReader outer(s, source, c.warnings);
  Status st = outer.Values({});
  if (!st.ok()) return st;
  for (const auto& n : s.sections) {
    if (n.name != "node") {
      outer.Warn(n.line, "unknown section '" + n.name + "' in nodelist (ignored)");
      continue;
    }
    SectionReader r(n, source, c.warnings);
    NodeEntry node;
    node.line = n.line;
    std::map<int, Ipv4> rings;
    std::map<std::string, SectionReader::Handler> handlers = {
        {"nodeid", [&](const ConfItem& i) { return r.Int(i, 1, 0x7fffffff, node.nodeid); }},
        {"name", [&](const ConfItem& i) {
           if (i.value.empty()) return r.Wrong(i, "a node name");
           node.name = i.value;
           return Status::Ok();
         }},
        VIGIL_KNOWN("quorum_votes"),
    };
    for (int ring = 0; ring < 8; ++ring) {
      handlers["ring" + std::to_string(ring) + "_addr"] = [&, ring](const ConfItem& i) {
        std::optional<Ipv4> a;
        Status st2 = r.Address(i, a);
        if (st2.ok()) rings[ring] = *a;
        return st2;
      };
    }
    st = r.Values(handlers);
    if (!st.ok()) return st;
    if (rings.count(0) == 0) {
      return Status(StatusCode::kParseError, std::string(source) + ":" + std::to_string(n.line) +
                                                 ": node: ring0_addr is missing");
    }
    for (const auto& [ring, address] : rings) node.addresses.push_back(address);
    c.nodes.push_back(std::move(node));
  }
  return Status::Ok();
}

Status ReadQuorum(const ConfSection& s, std::string_view source, Config& c) {
  SectionReader r(s, source, c.warnings);
  return r.Values({
      {"provider", [&](const ConfItem& i) { std::string v; return r.OneOf(i, {"corosync_votequorum"}, v); }},
      {"expected_votes", [&](const ConfItem& i) { int v = 0; Status st = r.Int(i, 1, 1000, v); c.expected_votes = v; return st; }},
      {"two_node", [&](const ConfItem& i) { return r.Bool(i, c.two_node); }},
      {"wait_for_all", [&](const ConfItem& i) { bool v = false; Status st = r.Bool(i, v); c.wait_for_all = v; return st; }},
      {"last_man_standing", [&](const ConfItem& i) {
         r.Warn(i.line, "last_man_standing is not supported (ignored)");
         return Status::Ok();
       }},
      {"auto_tie_breaker", [&](const ConfItem& i) {
         r.Warn(i.line, "auto_tie_breaker is not supported (ignored)");
         return Status::Ok();
       }},
      VIGIL_KNOWN("votes"),
  });
}

Status ReadLogging(const ConfSection& s, std::string_view source, Config& c) {
  SectionReader r(s, source, c.warnings);
  return r.Values({
      {"to_logfile", [&](const ConfItem& i) { return r.Bool(i, c.to_logfile); }},
      {"to_syslog", [&](const ConfItem& i) { return r.Bool(i, c.to_syslog); }},
      {"to_stderr", [&](const ConfItem& i) { return r.Bool(i, c.to_stderr); }},
      {"debug", [&](const ConfItem& i) {
         if (i.value == "trace") {
           c.debug = true;
           return Status::Ok();
         }
         return r.Bool(i, c.debug);
       }},
      {"logfile", [&](const ConfItem& i) {
         if (i.value.empty() || i.value[0] != '/') return r.Wrong(i, "an absolute path");
         c.logfile = i.value;
         return Status::Ok();
       }},
      VIGIL_KNOWN("fileline"), VIGIL_KNOWN("timestamp"), VIGIL_KNOWN("syslog_facility"),
      VIGIL_KNOWN("function_name"), VIGIL_KNOWN("syslog_priority"), VIGIL_KNOWN("logfile_priority"),
  });
}

Status ReadService(const ConfSection& s, std::string_view source, Config& c) {
  SectionReader r(s, source, c.warnings);
  return r.Values({
      {"name", [&](const ConfItem& i) {
         if (i.value.empty()) return r.Wrong(i, "a service name");
         if (i.value != "pacemaker") r.Warn(i.line, "service " + i.value + " is not one Vigil provides (ignored)");
         c.services.push_back(i.value);
         return Status::Ok();
       }},
      VIGIL_KNOWN("ver"), VIGIL_KNOWN("use_mgmtd"), VIGIL_KNOWN("use_logd"), VIGIL_KNOWN("clustername"),
  });
}

Status ReadRoot(const ConfSection& root, std::string_view source, Config& c) {
  SectionReader r(root, source, c.warnings);
  Status st = r.Values({VIGIL_KNOWN("compatibility")});
  if (!st.ok()) return st;
  for (const auto& s : root.sections) {
    if (s.name == "totem") {
      st = ReadTotem(s, source, c);
    } else if (s.name == "nodelist") {
      st = ReadNodelist(s, source, c);
    } else if (s.name == "quorum") {
      st = ReadQuorum(s, source, c);
    } else if (s.name == "logging") {
      st = ReadLogging(s, source, c);
    } else if (s.name == "service") {
      st = ReadService(s, source, c);
    } else if (s.name == "amf" || s.name == "aisexec" || s.name == "resources" || s.name == "system" ||
               s.name == "uidgid" || s.name == "nozzle" || s.name == "qb") {
      continue;  // corosync's own business
    } else {
      r.Warn(s.line, "unknown section '" + s.name + "' (ignored)");
    }
    if (!st.ok()) return st;
  }
  return Status::Ok();
}

#undef VIGIL_KNOWN

}  // namespace

std::string Ipv4::ToString() const {
  return std::to_string(value >> 24) + "." + std::to_string((value >> 16) & 255) + "." +
         std::to_string((value >> 8) & 255) + "." + std::to_string(value & 255);
}

std::optional<Ipv4> ParseIpv4(std::string_view text) {
  in_addr a{};
  const std::string s(text);
  if (s.empty() || inet_pton(AF_INET, s.c_str(), &a) != 1) return std::nullopt;
  return Ipv4{ntohl(a.s_addr)};
}

uint32_t DerivedNodeId(Ipv4 address) { return address.value & 0x7fffffff; }

uint32_t NodeId(const NodeEntry& node) {
  return node.nodeid != 0 ? node.nodeid : DerivedNodeId(node.addresses.front());
}

int Config::ExpectedVotes() const {
  if (expected_votes) return *expected_votes;
  return nodes.empty() ? 2 : static_cast<int>(nodes.size());
}

namespace {

// What must hold of the whole configuration, once every file of it is read.
Status Validate(const Config& c) {
  const std::string& source = c.source;
  if (c.interfaces.empty() && c.nodes.empty()) {
    return Status(StatusCode::kParseError,
                  source + ": neither a nodelist nor a totem interface with a bindnetaddr: "
                           "no way to know the cluster's nodes or network");
  }
  if (c.nodes.empty() && c.transport != Transport::kUdp) {
    return Status(StatusCode::kParseError, source + ": transport udpu/knet needs a nodelist");
  }
  if (c.nodes.empty() && !c.interfaces.front().mcastaddr) {
    return Status(StatusCode::kParseError, source + ": no nodelist and no mcastaddr: nobody to send heartbeats to");
  }
  // Before the pairwise checks: they are quadratic.
  if (c.nodes.size() > kMaxNodes) {
    return Status(StatusCode::kParseError, source + ": nodelist: " + std::to_string(c.nodes.size()) +
                                               " nodes; at most " + std::to_string(kMaxNodes));
  }
  for (size_t i = 0; i < c.nodes.size(); ++i) {
    const auto& a = c.nodes[i];
    if (NodeId(a) == 0) {
      return Status(StatusCode::kParseError, source + ":" + std::to_string(a.line) +
                                                 ": node: its id is 0 (give it a nodeid): 0 means no node");
    }
    for (size_t j = 0; j < i; ++j) {
      const auto& b = c.nodes[j];
      if (NodeId(a) == NodeId(b) || (!a.name.empty() && a.name == b.name) ||
          a.addresses.front() == b.addresses.front()) {
        return Status(StatusCode::kParseError, source + ":" + std::to_string(a.line) +
                                                   ": node: same nodeid, name or ring0_addr as the node at line " +
                                                   std::to_string(b.line));
      }
    }
  }
  if (c.two_node && c.nodes.size() > 2) {
    return Status(StatusCode::kParseError, source + ": two_node with " + std::to_string(c.nodes.size()) +
                                               " nodes in the nodelist");
  }
  return Status::Ok();
}

// A configuration file's text. Only a regular file: opening a FIFO named by mistake would
// block the daemon's start forever.
Result<std::string> ReadConfigFile(const std::filesystem::path& p) {
  std::error_code ec;
  const auto type = std::filesystem::status(p, ec).type();
  if (ec) return Status(StatusCode::kIoError, "cannot open " + p.string() + ": " + ec.message());
  if (type != std::filesystem::file_type::regular) {
    return Status(StatusCode::kInvalidArgument, p.string() + ": not a regular file");
  }
  std::ifstream in(p, std::ios::binary);
  if (!in) return Status::FromErrno("cannot open " + p.string(), errno);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

Result<Config> ParseWithoutValidation(std::string_view text, std::string_view source) {
  auto tree = ParseConfTree(text, source);
  if (!tree.ok()) return tree.status();
  Config c;
  c.source = source;
  c.cluster_name = "vigil";
  if (Status st = ReadRoot(*tree, source, c); !st.ok()) return st;
  if (c.keyfile.empty()) {
    const std::filesystem::path file(source);
    c.keyfile = file.is_absolute() ? (file.parent_path() / "authkey").string() : "/etc/vigil/authkey";
  }
  return c;
}

}  // namespace

Result<Config> ParseConfig(std::string_view text, std::string_view source) {
  auto config = ParseWithoutValidation(text, source);
  if (!config.ok()) return config;
  if (Status st = Validate(*config); !st.ok()) return st;
  return config;
}

Result<Config> LoadConfig(const std::filesystem::path& path) {
  auto text = ReadConfigFile(path);
  if (!text.ok()) return text.status();
  auto config = ParseWithoutValidation(*text, path.string());
  if (!config.ok()) return config;
  // corosync 1.x reads service blocks from service.d beside the file (the tutorial's
  // /etc/corosync/service.d/pacemaker). Whatever they add is validated with the rest.
  const auto dir = path.parent_path() / "service.d";
  std::error_code ec;
  if (std::filesystem::is_directory(dir, ec)) {
    std::vector<std::filesystem::path> files;
    for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
      if (e.is_regular_file()) files.push_back(e.path());
    }
    std::sort(files.begin(), files.end());
    for (const auto& f : files) {
      auto extra = ReadConfigFile(f);
      if (!extra.ok()) return extra.status();
      auto tree = ParseConfTree(*extra, f.string());
      if (!tree.ok()) return tree.status();
      if (Status st = ReadRoot(*tree, f.string(), *config); !st.ok()) return st;
    }
  }
  if (Status st = Validate(*config); !st.ok()) return st;
  return config;
}

Result<std::vector<LocalAddress>> ListLocalAddresses() {
  ifaddrs* list = nullptr;
  if (getifaddrs(&list) != 0) return Status::FromErrno("getifaddrs", errno);
  std::vector<LocalAddress> out;
  for (ifaddrs* i = list; i != nullptr; i = i->ifa_next) {
    if (i->ifa_addr == nullptr || i->ifa_addr->sa_family != AF_INET) continue;
    LocalAddress a;
    a.interface = i->ifa_name;
    a.address.value = ntohl(reinterpret_cast<const sockaddr_in*>(i->ifa_addr)->sin_addr.s_addr);
    uint32_t mask = 0xffffffff;
    if (i->ifa_netmask != nullptr) {
      mask = ntohl(reinterpret_cast<const sockaddr_in*>(i->ifa_netmask)->sin_addr.s_addr);
    }
    a.prefix_length = __builtin_popcount(mask);
    out.push_back(std::move(a));
  }
  freeifaddrs(list);
  return out;
}

Result<Identity> ResolveIdentity(const Config& config, const std::vector<LocalAddress>& local,
                                 const std::string& hostname) {
  auto local_list = [&]() {
    std::string s;
    for (const auto& a : local) {
      s += (s.empty() ? "" : ", ") + a.address.ToString() + "/" + std::to_string(a.prefix_length) + " (" + a.interface + ")";
    }
    return s.empty() ? std::string("none") : s;
  };
  Identity id;
  if (!config.nodes.empty()) {
    for (size_t n = 0; n < config.nodes.size(); ++n) {
      for (const auto& a : local) {
        if (a.address == config.nodes[n].addresses.front()) {
          id.bind = a;
          id.node_index = static_cast<int>(n);
          id.nodeid = NodeId(config.nodes[n]);
          id.name = config.nodes[n].name.empty() ? hostname : config.nodes[n].name;
          return id;
        }
      }
    }
    return Status(StatusCode::kNotFound, config.source + ": no nodelist entry has a local ring0_addr (local: " +
                                             local_list() + ")");
  }
  const Interface& itf = config.interfaces.front();
  if (!itf.bindnetaddr) {
    return Status(StatusCode::kParseError, config.source + ":" + std::to_string(itf.line) +
                                               ": interface: bindnetaddr is missing and there is no nodelist");
  }
  const LocalAddress* match = nullptr;
  for (const auto& a : local) {
    if (a.address == *itf.bindnetaddr) {
      match = &a;  // an exact match wins
      break;
    }
    const uint32_t mask = a.prefix_length == 0 ? 0 : 0xffffffffu << (32 - a.prefix_length);
    if (match == nullptr && (a.address.value & mask) == (itf.bindnetaddr->value & mask)) match = &a;
  }
  if (match == nullptr) {
    return Status(StatusCode::kNotFound, config.source + ":" + std::to_string(itf.line) + ": bindnetaddr " +
                                             itf.bindnetaddr->ToString() +
                                             " matches no local address masked with its netmask (local: " +
                                             local_list() + ")");
  }
  id.bind = *match;
  id.nodeid = DerivedNodeId(match->address);
  id.name = hostname;
  return id;
}

std::filesystem::path DefaultConfigPath() {
  std::error_code ec;
  if (!std::filesystem::exists("/etc/vigil/vigil.conf", ec) && std::filesystem::exists("/etc/corosync/corosync.conf", ec)) {
    return "/etc/corosync/corosync.conf";
  }
  return "/etc/vigil/vigil.conf";
}

Result<std::filesystem::path> KeyfileFor(const std::filesystem::path& config) {
  std::error_code ec;
  const std::filesystem::path file = std::filesystem::absolute(config, ec);
  if (!std::filesystem::exists(file, ec)) return file.parent_path() / "authkey";
  // Only the key's place is needed: a file still being written (no nodelist yet) will do.
  std::ifstream in(file);
  std::stringstream text;
  text << in.rdbuf();
  if (!in) return Status(StatusCode::kIoError, "cannot read " + file.string());
  auto tree = ParseConfTree(text.str(), file.string());
  if (!tree.ok()) return tree.status();
  std::filesystem::path keyfile = file.parent_path() / "authkey";
  for (const auto& section : tree->sections) {
    if (section.name != "totem") continue;
    for (const auto& item : section.values) {
      if (item.key == "keyfile") keyfile = item.value;
    }
  }
  return keyfile;
}

}  // namespace vigil::config
