// A cluster of real vigild in network namespaces with a CIB of resources, and what tests read
// of it: where a resource runs (seen from outside the nodes), each node's status and CIB, the
// logs. Shared by the resource tests and the fault tests. Needs root.
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <regex>
#include <string>
#include <vector>

#include "tests/support/vigild_cluster.h"

namespace vigil::testing {

// One Dummy, d1, monitored every second; stonith off.
inline constexpr const char* kDummyCib =
    "<cib crm_feature_set=\"3.16.1\" validate-with=\"pacemaker-3.9\" admin_epoch=\"0\" epoch=\"0\" num_updates=\"0\">"
    "<configuration><crm_config><cluster_property_set id=\"cib-bootstrap-options\">"
    "<nvpair id=\"opt-stonith\" name=\"stonith-enabled\" value=\"false\"/>"
    "</cluster_property_set></crm_config><nodes/><resources>"
    "<primitive id=\"d1\" class=\"ocf\" provider=\"heartbeat\" type=\"Dummy\"><operations>"
    "<op id=\"d1-monitor-1s\" name=\"monitor\" interval=\"1s\" timeout=\"20s\"/>"
    "</operations></primitive></resources><constraints/></configuration><status/></cib>";

// A cluster of real vigild in network namespaces with a CIB of resources, and what the tests
// read of it.
class ResourceCluster : public ::testing::Test {
 protected:
  // Starts `options.nodes` nodes, waits for them to agree (n1 is DC), then loads `cib`.
  void Form(ClusterOptions options, const std::string& cib) {
    ASSERT_EQ(::geteuid(), 0u) << "needs root: network namespaces (CI runs as root)";
    cluster_ = std::make_unique<VigildCluster>(root_, options);
    ASSERT_TRUE(cluster_->lan_ok()) << cluster_->lan_error();
    cluster_->StartAll();
    std::vector<int> all;
    std::string names;
    for (int i = 1; i <= options.nodes; ++i) {
      all.push_back(i);
      names += (names.empty() ? "n" : " n") + std::to_string(i);
    }
    nodes_ = all;
    ASSERT_TRUE(WaitFor([&] { return cluster_->Agreed(all, names, "n1"); })) << Logs();
    ASSERT_TRUE(WaitFor([&] {
      auto r = node(1).Call("cib-replace", {node(1).CibVersion(), cib});
      return r.ok() && r->ok;
    })) << Logs();
  }
  void TearDown() override { cluster_.reset(); }

  VigildProcess& node(int i) { return cluster_->node(i); }
  std::string Logs() { return cluster_->Logs(); }
  // Whether node i runs the resource (by default d1: its Dummy state file exists).
  bool Runs(int i) { return runs_(i); }
  // The nodes where it runs, as "2" or "1 3"; by default among all.
  std::string Owners(std::vector<int> among = {}) {
    std::string out;
    for (int i : among.empty() ? nodes_ : among) {
      if (Runs(i)) out += (out.empty() ? "" : " ") + std::to_string(i);
    }
    return out;
  }
  static int Count(const std::string& log, const std::string& what) {
    int n = 0;
    for (size_t at = log.find(what); at != std::string::npos; at = log.find(what, at + 1)) ++n;
    return n;
  }
  // node(i)'s status, as `vigil status --xml` reads it.
  control::ClusterStatus StatusOf(int i) {
    auto s = node(i).Status();
    EXPECT_TRUE(s.ok()) << s.status().message();
    return s.ok() ? *s : control::ClusterStatus{};
  }
  // Where node(i)'s status says d1 runs ("" if stopped or unknown).
  std::string Where(int i) {
    const auto s = StatusOf(i);
    for (const auto& r : s.resources) {
      if (r.id == "d1" && s.resources_known && r.nodes.size() == 1) return r.nodes.front();
    }
    return "";
  }
  // A request that must succeed, asked on node(i).
  void Ask(int i, const std::string& command, std::vector<std::string> args = {}) {
    auto r = node(i).Call(command, std::move(args));
    ASSERT_TRUE(r.ok()) << r.status().message();
    ASSERT_TRUE(r->ok) << command << ": " << r->body << "\n" << Logs();
  }
  std::string Cib(int i) {
    auto r = node(i).Call("cib-query");
    EXPECT_TRUE(r.ok() && r->ok);
    return r.ok() ? r->body : "";
  }
  static std::string Versions(const std::string& cib) {
    std::smatch m;
    std::regex_search(cib, m, std::regex("<cib[^>]* epoch=\"([0-9]+)\""));
    return m.size() > 1 ? m[1].str() : "?";
  }
  static pid_t ExecutorChild(const std::string& log) {
    const std::regex started("executor child started \\(pid ([0-9]+)\\)");
    pid_t pid = -1;
    for (auto it = std::sregex_iterator(log.begin(), log.end(), started); it != std::sregex_iterator(); ++it) {
      pid = std::stoi((*it)[1]);
    }
    return pid;
  }

  TempDir tmp_;
  std::filesystem::path root_ = tmp_.path();
  std::unique_ptr<VigildCluster> cluster_;
  std::vector<int> nodes_;
  std::function<bool(int)> runs_ = [this](int i) {
    return std::filesystem::exists(node(i).run_dir() / "rsctmp" / "Dummy-d1.state");
  };
};

// A primitive monitored every second, in a CIB like kDummyCib's.
inline std::string CibWith(const std::string& id, const std::string& agent_attributes, const std::string& params) {
  std::string cib = kDummyCib;
  const size_t from = cib.find("<primitive");
  const size_t to = cib.find("</primitive>") + std::string("</primitive>").size();
  return cib.replace(from, to - from,
                     "<primitive id=\"" + id + "\" " + agent_attributes + ">" + params + "<operations><op id=\"" + id +
                         "-monitor-1s\" name=\"monitor\" interval=\"1s\" timeout=\"20s\"/></operations></primitive>");
}

}  // namespace vigil::testing
