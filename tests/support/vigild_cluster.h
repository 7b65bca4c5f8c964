// A cluster of real vigild for tests and benchmarks: a NetnsLan (tests/support/netns_lan.h) with one
// vigild per host, all with one configuration, their directories under `root`. Needs root.
#pragma once

#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "cluster/config/authkey.h"
#include "tests/support/netns_lan.h"
#include "tests/support/vigild_process.h"

namespace vigil::testing {

struct ClusterOptions {
  int nodes = 3;
  int token_ms = 1000;
  bool multicast = false;  // the tutorial's 1.x file: no nodelist, bindnetaddr and mcastaddr
  bool two_node = false;
  bool encrypt = false;    // crypto_cipher: aes256
  std::filesystem::path plugin_dir;  // vigild's --plugin-dir; empty: its default
};

// A 3.x file (nodelist n1..nN on 10.77.0.N, udpu) or the tutorial's 1.x file (no nodelist:
// names from host names), for every node alike.
inline std::string ClusterConf(const ClusterOptions& o, const std::string& keyfile) {
  if (o.multicast) {
    return "compatibility: whitetank\n"
           "totem {\n\tversion: 2\n\tsecauth: off\n\ttoken: " + std::to_string(o.token_ms) +
           "\n\tkeyfile: " + keyfile +
           "\n\tinterface {\n\t\tringnumber: 0\n\t\tbindnetaddr: 10.77.0.0\n\t\tmcastaddr: 226.94.1.1\n"
           "\t\tmcastport: 5405\n\t\tttl: 1\n\t}\n}\n"
           "logging {\n\tto_syslog: no\n}\n"
           "service {\n\tver: 0\n\tname: pacemaker\n}\n";
  }
  std::string s = "totem {\n\tversion: 2\n\tcluster_name: netns\n\ttransport: udpu\n\ttoken: " +
                  std::to_string(o.token_ms) + "\n\tkeyfile: " + keyfile + "\n" +
                  (o.encrypt ? "\tcrypto_cipher: aes256\n\tcrypto_hash: sha256\n" : "") + "}\nnodelist {\n";
  for (int i = 1; i <= o.nodes; ++i) {
    s += "\tnode {\n\t\tring0_addr: 10.77.0." + std::to_string(i) + "\n\t\tnodeid: " + std::to_string(i) +
         "\n\t\tname: n" + std::to_string(i) + "\n\t}\n";
  }
  s += "}\nquorum {\n\tprovider: corosync_votequorum\n";
  if (o.two_node) s += "\ttwo_node: 1\n";
  s += "}\nlogging {\n\tto_syslog: no\n}\n";
  return s;
}

class VigildCluster {
 public:
  VigildCluster(std::filesystem::path root, ClusterOptions options)
      : root_(std::move(root)), options_(options), lan_(options.nodes) {
    std::filesystem::create_directories(root_);
  }
  ~VigildCluster() { nodes_.clear(); }  // the daemons go before their namespaces

  bool lan_ok() const { return lan_.ok(); }
  const std::string& lan_error() const { return lan_.error(); }
  NetnsLan& lan() { return lan_; }
  // Node i (1-based) holds the address `inet` ("10.77.0.100/24") on its LAN link.
  bool HoldsAddress(int i, const std::string& inet) {
    for (const auto& a : lan_.Addresses(i - 1)) {
      if (a.starts_with("inet " + inet)) return true;
    }
    return false;
  }

  // Writes a key at `keyfile` unless one is there.
  static bool Key(const std::string& keyfile) {
    return std::filesystem::exists(keyfile) || config::WriteAuthkey(keyfile, 256, false).ok();
  }

  // Starts node i (1-based, host i-1) with `keyfile` (default: the cluster's key under root) and
  // the cluster's configuration, or `options` for this node alone.
  VigildProcess& AddNode(int i, std::string keyfile = "", std::optional<ClusterOptions> options = std::nullopt) {
    if (keyfile.empty()) keyfile = (root_ / "authkey").string();
    Key(keyfile);
    const auto dir = root_ / ("n" + std::to_string(i));
    std::filesystem::create_directories(dir);
    WriteFile(dir / "conf", ClusterConf(options.value_or(options_), keyfile));
    // Without a nodelist the node's name is its host name, as with corosync 1.x and Pacemaker.
    nodes_.push_back(std::make_unique<VigildProcess>(dir, lan_.host(i - 1).ns,
                                                      options_.multicast ? "node" + std::to_string(i) : ""));
    nodes_.back()->set_plugin_dir(options.value_or(options_).plugin_dir);
    nodes_.back()->Start();
    return *nodes_.back();
  }
  void StartAll() {
    for (int i = 1; i <= options_.nodes; ++i) AddNode(i);
  }

  VigildProcess& node(int i) { return *nodes_.at(static_cast<size_t>(i - 1)); }
  size_t size() const { return nodes_.size(); }

  // Every node in `running` sees exactly `online` and names `dc` as DC, with quorum and a term.
  bool Agreed(const std::vector<int>& running, const std::string& online, const std::string& dc) {
    std::vector<std::string> names;
    std::istringstream words(online);
    for (std::string name; words >> name;) names.push_back(name);
    for (int i : running) {
      auto s = node(i).Status();
      if (!s.ok() || node(i).Online() != online || s->dc != dc || !s->quorate || s->term == 0) return false;
      // The DC has recorded the members in <nodes>, and this node holds that CIB.
      if (!node(i).Recorded(names)) return false;
    }
    return true;
  }

  std::string Logs() {
    std::string all;
    for (size_t i = 0; i < nodes_.size(); ++i) all += "--- n" + std::to_string(i + 1) + "\n" + nodes_[i]->log();
    return all;
  }

 private:
  std::filesystem::path root_;
  ClusterOptions options_;
  NetnsLan lan_;
  std::vector<std::unique_ptr<VigildProcess>> nodes_;
};

}  // namespace vigil::testing
