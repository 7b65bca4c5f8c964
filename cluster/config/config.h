// vigil.conf: the cluster's configuration in corosync.conf's syntax and keys, so that an existing
// corosync.conf (1.x with totem.interface/bindnetaddr and a service block, or 3.x with a
// nodelist and a quorum section) is read as is.
//
// Unknown keys and sections are warnings (kept in Config::warnings, each with file:line); a
// wrong value is an error naming file:line and what was expected. IPv4 only for now.
#pragma once

#include <netinet/in.h>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"

namespace vigil::config {

// An IPv4 address in host byte order.
struct Ipv4 {
  uint32_t value = 0;
  std::string ToString() const;
  bool operator==(const Ipv4&) const = default;
};
std::optional<Ipv4> ParseIpv4(std::string_view text);

struct Interface {
  std::optional<Ipv4> bindnetaddr;
  std::optional<Ipv4> mcastaddr;
  uint16_t mcastport = 5405;
  int ttl = 1;
  int line = 0;
};

struct NodeEntry {
  uint32_t nodeid = 0;  // 0: not given (derived from the address, as corosync does)
  std::string name;     // empty: the host name of the node
  std::vector<Ipv4> addresses;  // ring0_addr, ring1_addr, ...
  int line = 0;
};

// corosync's node id for an address without a configured one: the address, top bit cleared.
uint32_t DerivedNodeId(Ipv4 address);
// A nodelist entry's id: its nodeid, or the one derived from its ring0_addr.
uint32_t NodeId(const NodeEntry& node);

enum class Transport { kUdp, kUdpu, kKnet };

// The largest nodelist (membership's kMaxNodes: every heartbeat names every node).
constexpr size_t kMaxNodes = 64;

struct Config {
  std::string source;        // the file it came from
  std::string cluster_name;  // default "vigil"
  int token_ms = 1000;
  Transport transport = Transport::kUdp;
  std::string crypto_cipher = "none";  // "none" or "aes256"
  // totem.keyfile; when the file names none, `authkey` beside the file (/etc/corosync/authkey
  // for /etc/corosync/corosync.conf, as corosync reads it), else /etc/vigil/authkey.
  std::string keyfile;
  std::vector<Interface> interfaces;
  std::vector<NodeEntry> nodes;
  // quorum
  std::optional<int> expected_votes;
  bool two_node = false;
  std::optional<bool> wait_for_all;  // unset: on with two_node, off otherwise
  // logging
  bool to_logfile = false;
  std::string logfile;
  bool to_syslog = true;
  bool to_stderr = false;
  bool debug = false;
  std::vector<std::string> services;  // service { name: pacemaker } (also from service.d)
  std::vector<std::string> warnings;  // "file:line: unknown key 'x' in totem"

  // votequorum's defaults: the nodelist's size unless expected_votes says otherwise.
  int ExpectedVotes() const;
  bool WaitForAll() const { return wait_for_all.value_or(two_node); }
};

// Parses a configuration; `source` names it in messages.
Result<Config> ParseConfig(std::string_view text, std::string_view source);
Result<Config> LoadConfig(const std::filesystem::path& path);

// The configuration file vigild reads when -c is not given: /etc/vigil/vigil.conf, else
// /etc/corosync/corosync.conf when only that exists.
std::filesystem::path DefaultConfigPath();
// Where vigild reading `config` looks for the authkey: the file's keyfile, else authkey beside
// it (for a file not written yet too; one without a nodelist yet will do). Errors: the file
// exists and cannot be read, or is not in corosync.conf syntax.
Result<std::filesystem::path> KeyfileFor(const std::filesystem::path& config);

// A local IPv4 address and its interface, as getifaddrs reports them.
struct LocalAddress {
  std::string interface;
  Ipv4 address;
  int prefix_length = 32;
};
Result<std::vector<LocalAddress>> ListLocalAddresses();

// Which of the local addresses the cluster binds to, and which nodelist entry is this node.
struct Identity {
  LocalAddress bind;
  int node_index = -1;  // into Config::nodes; -1 without a nodelist
  uint32_t nodeid = 0;
  std::string name;
};

// With a nodelist: the entry whose ring0_addr is local. Without one: the first interface's
// bindnetaddr, matched against each local address masked with that address's own netmask (an
// exact address match wins), as corosync does. The node id defaults to the address (as corosync
// 1.x does) and the name to `hostname`. Errors name what did not match and the local addresses.
Result<Identity> ResolveIdentity(const Config& config, const std::vector<LocalAddress>& local,
                                 const std::string& hostname);

}  // namespace vigil::config
