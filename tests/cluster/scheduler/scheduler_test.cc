// The scheduler's rules one by one, on small CIBs built in the test: the placement, the summary
// and the order of the actions. (The corpus test holds the same rules, and many more cases, to
// real crm_simulate.)
#include "cluster/scheduler/scheduler.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "cluster/cib/digest.h"

namespace vigil::scheduler {
namespace {

// A CIB written in a few calls.
class CibBuilder {
 public:
  CibBuilder& Nodes(int n) {
    for (int i = 1; i <= n; ++i) nodes_.push_back("node" + std::to_string(i));
    return *this;
  }
  CibBuilder& Property(const std::string& name, const std::string& value) {
    properties_ += Nv(name, value);
    return *this;
  }
  CibBuilder& Primitive(const std::string& id, const std::string& meta = "") {
    resources_ += "<primitive id=\"" + id + "\" class=\"ocf\" provider=\"heartbeat\" type=\"Dummy\">" +
                  (meta.empty() ? "" : "<meta_attributes id=\"" + id + "-meta\">" + meta + "</meta_attributes>") +
                  "<operations><op id=\"" + id + "-mon\" name=\"monitor\" interval=\"10s\" timeout=\"20s\"/></operations></primitive>";
    return *this;
  }
  CibBuilder& Resource(const std::string& xml) {
    resources_ += xml;
    return *this;
  }
  CibBuilder& Constraint(const std::string& xml) {
    constraints_ += xml;
    return *this;
  }
  CibBuilder& Stickiness(int score) {
    defaults_ = Nv("resource-stickiness", std::to_string(score));
    return *this;
  }
  CibBuilder& Offline(const std::string& node) {
    offline_.push_back(node);
    return *this;
  }
  CibBuilder& NoQuorum() {
    quorum_ = false;
    return *this;
  }
  // rc 0: running; 7 from a recurring monitor: failed.
  CibBuilder& History(const std::string& node, const std::string& rsc, int monitor_rc = 0) {
    history_[node] += "<lrm_resource id=\"" + rsc + "\" class=\"ocf\" provider=\"heartbeat\" type=\"Dummy\">" +
                      Op(rsc + "_last_0", "start", 0, 1, 0, cib::ParametersDigest({}).value_or("")) +
                      Op(rsc + "_monitor_10000", "monitor", 10000, 2, monitor_rc, "") + "</lrm_resource>";
    return *this;
  }
  CibBuilder& Transient(const std::string& node, const std::string& name, const std::string& value) {
    transient_[node] += Nv(name, value);
    return *this;
  }

  cib::Cib Build() const {
    std::string xml = "<cib epoch=\"1\" num_updates=\"0\" admin_epoch=\"0\" have-quorum=\"" +
                      std::string(quorum_ ? "1" : "0") + "\"><configuration><crm_config>" +
                      "<cluster_property_set id=\"opts\">" + Nv("stonith-enabled", "false") +
                      properties_ + "</cluster_property_set></crm_config><nodes>";
    for (size_t i = 0; i < nodes_.size(); ++i) {
      xml += "<node id=\"" + std::to_string(i + 1) + "\" uname=\"" + nodes_[i] + "\"/>";
    }
    xml += "</nodes><resources>" + resources_ + "</resources><constraints>" + constraints_ +
           "</constraints><rsc_defaults><meta_attributes id=\"rd\">" + defaults_ +
           "</meta_attributes></rsc_defaults></configuration><status>";
    for (size_t i = 0; i < nodes_.size(); ++i) {
      const std::string& n = nodes_[i];
      const bool down = std::find(offline_.begin(), offline_.end(), n) != offline_.end();
      xml += "<node_state id=\"" + std::to_string(i + 1) + "\" uname=\"" + n + "\" in_ccm=\"" +
             (down ? "false\" crmd=\"offline\" join=\"down\" expected=\"down\">"
                   : "true\" crmd=\"online\" join=\"member\" expected=\"member\">");
      if (transient_.count(n)) {
        xml += "<transient_attributes id=\"t" + n + "\"><instance_attributes id=\"ti" + n + "\">" +
               transient_.at(n) + "</instance_attributes></transient_attributes>";
      }
      if (history_.count(n)) xml += "<lrm id=\"l" + n + "\"><lrm_resources>" + history_.at(n) + "</lrm_resources></lrm>";
      xml += "</node_state>";
    }
    xml += "</status></cib>";
    auto cib = cib::Cib::Parse(xml, "builder");
    EXPECT_TRUE(cib.ok()) << cib.status().message();
    return cib.ok() ? std::move(cib).value() : cib::Cib::Empty();
  }

 private:
  std::string Nv(const std::string& name, const std::string& value) const {
    return "<nvpair id=\"nv" + std::to_string(++ids_) + "\" name=\"" + name + "\" value=\"" + value + "\"/>";
  }
  static std::string Op(const std::string& id, const std::string& op, int interval, int call, int rc,
                        const std::string& digest) {
    return "<lrm_rsc_op id=\"" + id + "\" operation=\"" + op + "\" interval=\"" + std::to_string(interval) +
           "\" call-id=\"" + std::to_string(call) + "\" rc-code=\"" + std::to_string(rc) +
           "\" op-status=\"0\"" + (digest.empty() ? "" : " op-digest=\"" + digest + "\"") + "/>";
  }

  std::vector<std::string> nodes_;
  std::vector<std::string> offline_;
  std::string properties_, resources_, constraints_, defaults_;
  std::map<std::string, std::string> history_, transient_;
  bool quorum_ = true;
  mutable int ids_ = 0;
};

std::map<std::string, std::string> Where(const Transition& t) {
  std::map<std::string, std::string> m;
  for (const auto& p : t.placements) m[p.rsc] = p.nodes.empty() ? "Stopped" : p.nodes.front();
  return m;
}

std::vector<std::string> Summary(const Transition& t) {
  std::vector<std::string> lines;
  for (const auto& l : t.summary) {
    lines.push_back(l.verb + " " + l.rsc + " " + l.from + (l.from.empty() || l.to.empty() ? "" : "->") + l.to +
                    (l.blocked ? " blocked" : ""));
  }
  return lines;
}

using Lines = std::vector<std::string>;
using Map = std::map<std::string, std::string>;

Transition Simulate(const CibBuilder& b) {
  const cib::Cib cib = b.Build();
  auto t = Schedule(cib.model());
  EXPECT_TRUE(t.ok()) << t.status().message();
  return t.ok() ? std::move(t).value() : Transition{};
}

std::vector<std::string> Sequence(const Transition& t) {
  std::vector<std::string> seq;
  for (const auto& a : t.actions) seq.push_back((a.kind == ActionKind::kStop ? "stop " : "start ") + a.rsc);
  return seq;
}

// An ordered clone stops its instances in reverse order of their numbers (and starts them in
// order), as Pacemaker orders them.
TEST(SchedulerTest, AnOrderedCloneStopsItsInstancesInReverse) {
  const auto t = Simulate(CibBuilder()
                              .Nodes(3)
                              .Resource("<clone id=\"d-clone\"><meta_attributes id=\"cm\"><nvpair id=\"cm1\" name=\"ordered\" "
                                        "value=\"true\"/><nvpair id=\"cm2\" name=\"target-role\" value=\"Stopped\"/>"
                                        "</meta_attributes><primitive id=\"d\" class=\"ocf\" provider=\"heartbeat\" "
                                        "type=\"Dummy\"/></clone>")
                              .History("node1", "d")
                              .History("node2", "d")
                              .History("node3", "d"));
  ASSERT_EQ(t.actions.size(), 3u);
  std::vector<std::string> stopped;
  for (const auto& a : t.actions) {
    EXPECT_EQ(a.kind, ActionKind::kStop);
    stopped.push_back(a.rsc + "@" + a.node);
  }
  EXPECT_EQ(stopped, (std::vector<std::string>{"d:2@node3", "d:1@node2", "d:0@node1"}));
}

TEST(SchedulerTest, TiesGoToTheNodeWithFewerResourcesThenTheLowerName) {
  const auto t = Simulate(CibBuilder().Nodes(3).Primitive("a").Primitive("b").Primitive("c").Primitive("d"));
  EXPECT_EQ(Where(t), (Map{{"a", "node1"}, {"b", "node2"}, {"c", "node3"}, {"d", "node1"}}));
  EXPECT_EQ(Summary(t), (Lines{"Start a node1", "Start b node2", "Start c node3", "Start d node1"}));
}

TEST(SchedulerTest, NamesCompareAsBytesSoNode10PrecedesNode2) {
  const auto t = Simulate(CibBuilder().Nodes(12).Primitive("a").Constraint(
      R"(<rsc_location id="l" rsc="a" node="node1" score="-INFINITY"/>)"));
  EXPECT_EQ(Where(t), (Map{{"a", "node10"}}));
}

TEST(SchedulerTest, LocationPreferenceAndBan) {
  const auto t = Simulate(CibBuilder().Nodes(2).Primitive("a").Primitive("b").Constraint(
      R"(<rsc_location id="l1" rsc="a" node="node2" score="50"/>
         <rsc_location id="l2" rsc="b" node="node1" score="-INFINITY"/>
         <rsc_location id="l3" rsc="b" node="node1" score="INFINITY"/>)"));
  EXPECT_EQ(Where(t), (Map{{"a", "node2"}, {"b", "node2"}}));
}

TEST(SchedulerTest, AnyNegativeScoreKeepsAResourceOff) {
  const auto t = Simulate(CibBuilder().Nodes(2).Primitive("a").Constraint(
      R"(<rsc_location id="l1" rsc="a" node="node1" score="-5"/>
         <rsc_location id="l2" rsc="a" node="node2" score="-5"/>)"));
  EXPECT_EQ(Where(t), (Map{{"a", "Stopped"}}));
  EXPECT_TRUE(t.summary.empty());
}

TEST(SchedulerTest, AsymmetricClusterRunsOnlyWhereAllowed) {
  const auto t = Simulate(CibBuilder().Nodes(3).Property("symmetric-cluster", "false").Primitive("a").Primitive("b")
                         .Constraint(R"(<rsc_location id="l" rsc="a" node="node3" score="0"/>)"));
  EXPECT_EQ(Where(t), (Map{{"a", "node3"}, {"b", "Stopped"}}));
}

TEST(SchedulerTest, ColocationPlacesTheDependentWithItsPrimary) {
  const auto t = Simulate(CibBuilder().Nodes(2).Primitive("ip").Primitive("db").Constraint(
      R"(<rsc_location id="l" rsc="db" node="node2" score="10"/>
         <rsc_colocation id="c" rsc="ip" with-rsc="db" score="INFINITY"/>)"));
  EXPECT_EQ(Where(t), (Map{{"db", "node2"}, {"ip", "node2"}}));
}

TEST(SchedulerTest, TheDependentsPreferencePullsThePrimary) {
  const auto t = Simulate(CibBuilder().Nodes(2).Primitive("ip").Primitive("db").Constraint(
      R"(<rsc_location id="l" rsc="ip" node="node2" score="100"/>
         <rsc_colocation id="c" rsc="ip" with-rsc="db" score="INFINITY"/>)"));
  EXPECT_EQ(Where(t), (Map{{"db", "node2"}, {"ip", "node2"}}));
}

TEST(SchedulerTest, AStoppedPrimaryStopsItsInfiniteDependent) {
  const auto t = Simulate(CibBuilder().Nodes(2).Primitive("ip").Primitive("db", R"(<nvpair id="tr" name="target-role" value="Stopped"/>)")
                         .Constraint(R"(<rsc_colocation id="c" rsc="ip" with-rsc="db" score="INFINITY"/>)"));
  EXPECT_EQ(Where(t), (Map{{"db", "Stopped"}, {"ip", "Stopped"}}));
}

TEST(SchedulerTest, AntiColocationSeparatesAndPushesThePrimary) {
  // b prefers node1 and must not share a node with a: a, placed first, takes b's preference
  // into account (as a -INFINITY pull) and leaves node1 to b.
  const auto t = Simulate(CibBuilder().Nodes(2).Primitive("a").Primitive("b").Constraint(
      R"(<rsc_colocation id="c1" rsc="b" with-rsc="a" score="-INFINITY"/>
         <rsc_location id="l" rsc="b" node="node1" score="100"/>)"));
  EXPECT_EQ(Where(t), (Map{{"a", "node2"}, {"b", "node1"}}));
}

TEST(SchedulerTest, StickinessKeepsARunningResourceAgainstASmallerPreference) {
  auto b = CibBuilder().Nodes(2).Stickiness(100).Primitive("a").History("node1", "a");
  const auto stays = Simulate(CibBuilder(b).Constraint(R"(<rsc_location id="l" rsc="a" node="node2" score="50"/>)"));
  EXPECT_EQ(Where(stays), (Map{{"a", "node1"}}));
  EXPECT_TRUE(stays.summary.empty());
  const auto moves = Simulate(CibBuilder(b).Constraint(R"(<rsc_location id="l" rsc="a" node="node2" score="150"/>)"));
  EXPECT_EQ(Summary(moves), (Lines{"Move a node1->node2"}));
}

TEST(SchedulerTest, StandbyAndOfflineNodesRunNothing) {
  const auto t = Simulate(CibBuilder().Nodes(3).Primitive("a").History("node1", "a").Offline("node2")
                         .Transient("node1", "standby", "on"));
  EXPECT_EQ(Where(t), (Map{{"a", "node3"}}));
  EXPECT_EQ(Summary(t), (Lines{"Move a node1->node3"}));
}

TEST(SchedulerTest, AFailedMonitorIsRecoveredInPlace) {
  const auto t = Simulate(CibBuilder().Nodes(2).Stickiness(100).Primitive("a").History("node1", "a", 7));
  EXPECT_EQ(Summary(t), (Lines{"Recover a node1"}));
  ASSERT_EQ(t.actions.size(), 2u);
  EXPECT_EQ(t.actions[0].kind, ActionKind::kStop);
  EXPECT_EQ(t.actions[1].kind, ActionKind::kStart);
}

// multiple-active=stop_unexpected: the recovery stops it only on the other node; where it is
// placed, it is not started again (it runs there already).
TEST(SchedulerTest, StopUnexpectedStopsOnlyWhereItIsNotPlaced) {
  const auto t = Simulate(CibBuilder()
                              .Nodes(2)
                              .Primitive("web", R"(<nvpair id="ma" name="multiple-active" value="stop_unexpected"/>)")
                              .Constraint(R"(<rsc_location id="l" rsc="web" node="node1" score="50"/>)")
                              .History("node1", "web")
                              .History("node2", "web", 1));
  EXPECT_EQ(Where(t), (Map{{"web", "node1"}}));
  EXPECT_EQ(Sequence(t), (Lines{"stop web"}));
  ASSERT_EQ(t.actions.size(), 1u);
  EXPECT_EQ(t.actions[0].node, "node2");
}

TEST(SchedulerTest, MigrationThresholdMovesAfterEnoughFailures) {
  auto b = CibBuilder().Nodes(2).Stickiness(100)
               .Primitive("a", R"(<nvpair id="mt" name="migration-threshold" value="3"/>)")
               .History("node1", "a", 7);
  EXPECT_EQ(Summary(Simulate(CibBuilder(b).Transient("node1", "fail-count-a#monitor_10000", "2"))),
            (Lines{"Recover a node1"}));
  EXPECT_EQ(Summary(Simulate(CibBuilder(b).Transient("node1", "fail-count-a#monitor_10000", "3"))),
            (Lines{"Recover a node1->node2"}));
}

TEST(SchedulerTest, TargetRoleStoppedStopsTheResource) {
  const auto t = Simulate(CibBuilder().Nodes(2).Primitive("a", R"(<nvpair id="tr" name="target-role" value="Stopped"/>)")
                         .History("node1", "a"));
  EXPECT_EQ(Summary(t), (Lines{"Stop a node1"}));
  EXPECT_EQ(Where(t), (Map{{"a", "Stopped"}}));
}

TEST(SchedulerTest, MandatoryOrderBlocksTheThenWhenTheFirstCannotStart) {
  const auto t = Simulate(CibBuilder().Nodes(2).Primitive("db").Primitive("web").Constraint(
      R"(<rsc_location id="l1" rsc="db" node="node1" score="-INFINITY"/>
         <rsc_location id="l2" rsc="db" node="node2" score="-INFINITY"/>
         <rsc_order id="o" first="db" then="web" kind="Mandatory"/>)"));
  EXPECT_EQ(Where(t), (Map{{"db", "Stopped"}, {"web", "Stopped"}}));
  EXPECT_EQ(Summary(t), (Lines{"Start web node1 blocked"}));
  EXPECT_TRUE(t.actions.empty());
}

TEST(SchedulerTest, OptionalOrderBlocksNothing) {
  const auto t = Simulate(CibBuilder().Nodes(2).Primitive("db").Primitive("web").Constraint(
      R"(<rsc_location id="l1" rsc="db" node="node1" score="-INFINITY"/>
         <rsc_location id="l2" rsc="db" node="node2" score="-INFINITY"/>
         <rsc_order id="o" first="db" then="web" kind="Optional"/>)"));
  EXPECT_EQ(Where(t).at("web"), "node1");
}

TEST(SchedulerTest, OrdersSequenceTheStartsAndReverseTheStops) {
  const auto t = Simulate(CibBuilder().Nodes(1).Primitive("web").Primitive("db").Constraint(
      R"(<rsc_order id="o" first="db" then="web" kind="Mandatory"/>)"));
  ASSERT_EQ(t.actions.size(), 2u);
  EXPECT_EQ(t.actions[0].rsc, "db");
  EXPECT_EQ(t.actions[1].rsc, "web");
  // Recovering db restarts web: web stops before db, and starts after it.
  const auto r = Simulate(CibBuilder().Nodes(1).Stickiness(100).Primitive("web").Primitive("db")
                         .History("node1", "db", 7).History("node1", "web")
                         .Constraint(R"(<rsc_order id="o" first="db" then="web" kind="Mandatory"/>)"));
  EXPECT_EQ(Summary(r), (Lines{"Restart web node1", "Recover db node1"}));
  EXPECT_EQ(Sequence(r), (Lines{"stop web", "stop db", "start db", "start web"}));
}

TEST(SchedulerTest, NoQuorumPolicies) {
  auto b = CibBuilder().Nodes(2).NoQuorum().Primitive("a").Primitive("b").History("node1", "a");
  EXPECT_EQ(Where(Simulate(CibBuilder(b))), (Map{{"a", "Stopped"}, {"b", "Stopped"}}));  // stop: default
  EXPECT_EQ(Where(Simulate(CibBuilder(b).Property("no-quorum-policy", "freeze"))),
            (Map{{"a", "node1"}, {"b", "Stopped"}}));
  EXPECT_EQ(Where(Simulate(CibBuilder(b).Property("no-quorum-policy", "ignore"))),
            (Map{{"a", "node1"}, {"b", "node2"}}));
}

TEST(SchedulerTest, StonithWithoutADeviceStartsNothing) {
  auto b = CibBuilder().Nodes(2).Primitive("a");
  const cib::Cib cib = b.Build();
  cib::Model model = cib.model();
  model.properties["stonith-enabled"] = "true";
  const auto t = Schedule(model);
  ASSERT_TRUE(t.ok());
  EXPECT_TRUE(t->summary.empty());
  EXPECT_EQ(Where(*t), (Map{{"a", "Stopped"}}));
}

// node1 vanished (expected up) while it ran a, with fencing on and a fence device: vigild, which
// cannot fence, keeps a blocked there; a caller that plans fences fences node1 first, moves a,
// and executes only the start (the fence stands for the stop).
TEST(SchedulerTest, AnUncleanNodeIsFencedOnlyWhereFencesArePlanned) {
  auto b = CibBuilder().Nodes(2).Offline("node1").Primitive("a").History("node1", "a").Resource(
      R"(<primitive id="fence" class="stonith" type="fence_ipmilan"/>)");
  const cib::Cib cib = b.Build();
  cib::Model model = cib.model();
  model.properties["stonith-enabled"] = "true";
  model.node_states[0].expected = "member";

  const auto kept = Schedule(model);
  ASSERT_TRUE(kept.ok()) << kept.status().message();
  EXPECT_TRUE(kept->fences.empty());
  EXPECT_EQ(Where(*kept)["a"], "node1");
  ASSERT_FALSE(kept->summary.empty());
  EXPECT_EQ(SummaryText(kept->summary.front()), "Move a (node1 -> node2) due to unclean node1, not fenced by this plan (blocked)");

  Options options;
  options.fencing = true;
  const auto fenced = Schedule(model, options);
  ASSERT_TRUE(fenced.ok()) << fenced.status().message();
  ASSERT_EQ(fenced->fences.size(), 1u);
  EXPECT_EQ(SummaryText(fenced->fences[0]), "Fence (reboot) node1 'peer is no longer part of the cluster'");
  EXPECT_EQ(Where(*fenced)["a"], "node2");
  EXPECT_EQ(Summary(*fenced), (Lines{"Move a node1->node2", "Start fence node2"}));
  EXPECT_EQ(Sequence(*fenced), (Lines{"start fence", "start a"}));

  // Without quorum an offline node cannot be fenced: a stays, its stop blocked.
  model.have_quorum = false;
  model.properties["no-quorum-policy"] = "freeze";
  const auto inquorate = Schedule(model, options);
  ASSERT_TRUE(inquorate.ok());
  EXPECT_TRUE(inquorate->fences.empty());
  EXPECT_EQ(Where(*inquorate)["a"], "node1");
  EXPECT_TRUE(inquorate->actions.empty());
}

TEST(SchedulerTest, ALoopOfOrdersStillStartsEverything) {
  const auto t = Simulate(CibBuilder().Nodes(1).Primitive("a").Primitive("b").Constraint(
      R"(<rsc_order id="o1" first="a" then="b" kind="Mandatory"/>
         <rsc_order id="o2" first="b" then="a" kind="Mandatory"/>)"));
  EXPECT_EQ(Sequence(t).size(), 2u) << "a summary that says Start must come with the actions";
}

TEST(SchedulerTest, ALongOrderChainIsSequencedInItsOrder) {
  auto b = CibBuilder().Nodes(2);
  std::string orders;
  const int n = 3000;
  for (int i = n - 1; i >= 0; --i) {
    b.Primitive("r" + std::to_string(i));
    if (i > 0) {
      orders += "<rsc_order id=\"o" + std::to_string(i) + "\" first=\"r" + std::to_string(i - 1) +
                "\" then=\"r" + std::to_string(i) + "\" kind=\"Mandatory\"/>";
    }
  }
  const auto t = Simulate(b.Constraint(orders));
  const auto seq = Sequence(t);
  ASSERT_EQ(seq.size(), static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) EXPECT_EQ(seq[i], "start r" + std::to_string(i));
}

TEST(SchedulerTest, AColocationChainTooDeepIsAnErrorNotACrash) {
  auto b = CibBuilder().Nodes(2);
  std::string colocations;
  for (int i = 0; i < 5000; ++i) {
    b.Primitive("r" + std::to_string(i));
    if (i > 0) {
      colocations += "<rsc_colocation id=\"c" + std::to_string(i) + "\" rsc=\"r" + std::to_string(i) +
                     "\" with-rsc=\"r" + std::to_string(i - 1) + "\" score=\"INFINITY\"/>";
    }
  }
  const cib::Cib cib = b.Constraint(colocations).Build();
  const auto t = Schedule(cib.model());
  ASSERT_FALSE(t.ok());
  EXPECT_NE(t.status().message().find("colocations chained deeper than"), std::string::npos) << t.status().message();
}

// Layers of two resources, each colocated with both of the layer below: merging their scores
// doubles with every layer (in Pacemaker as well). `attributes` go on every colocation.
std::string Ladder(CibBuilder& b, const std::string& attributes) {
  std::string colocations;
  for (int l = 0; l < 30; ++l) {
    for (int k = 0; k < 2; ++k) {
      const std::string id = "l" + std::to_string(l) + "x" + std::to_string(k);
      b.Primitive(id);
      if (l == 0) continue;
      for (int j = 0; j < 2; ++j) {
        colocations += "<rsc_colocation id=\"c" + id + "-" + std::to_string(j) + "\" rsc=\"" + id +
                       "\" with-rsc=\"l" + std::to_string(l - 1) + "x" + std::to_string(j) + "\" score=\"10\"" +
                       attributes + "/>";
      }
    }
  }
  return colocations;
}

TEST(SchedulerTest, EntangledColocationsAreAnErrorNotAStall) {
  auto b = CibBuilder().Nodes(2);
  const std::string colocations = Ladder(b, "");
  const cib::Cib cib = b.Constraint(colocations).Build();
  const auto t = Schedule(cib.model());
  ASSERT_FALSE(t.ok());
  EXPECT_NE(t.status().message().find("too entangled"), std::string::npos) << t.status().message();
}

TEST(SchedulerTest, EntangledColocationsOnANodeAttributeAreAnErrorNotAStall) {
  // On 32 nodes and matched on a node attribute: every merge compares every pair of nodes, so
  // the budget counts that work, not merely the merges.
  auto b = CibBuilder().Nodes(32);
  const std::string colocations = Ladder(b, " node-attribute=\"site\"");
  const cib::Cib cib = b.Constraint(colocations).Build();
  const auto t = Schedule(cib.model());
  ASSERT_FALSE(t.ok());
  EXPECT_NE(t.status().message().find("too entangled"), std::string::npos) << t.status().message();
}

TEST(SchedulerTest, ALongColocationChainOfBlockedStartsIsNotRecursedThrough) {
  // 100,000 running resources, each with the one before at INFINITY (without influence, so
  // placement does not chain), the first ordered after one that cannot start: each blocked start
  // blocks the next. Done with a stack of its own, not the thread's.
  const int n = 100000;
  auto b = CibBuilder().Nodes(1).NoQuorum().Property("no-quorum-policy", "freeze").Primitive("x");
  std::string constraints = R"(<rsc_order id="o" first="x" then="r0" kind="Mandatory"/>)";
  for (int i = 0; i < n; ++i) {
    const std::string id = "r" + std::to_string(i);
    b.Primitive(id).History("node1", id);
    if (i > 0) {
      constraints += "<rsc_colocation id=\"c" + std::to_string(i) + "\" rsc=\"" + id + "\" with-rsc=\"r" +
                     std::to_string(i - 1) + "\" score=\"INFINITY\" influence=\"false\"/>";
    }
  }
  const cib::Cib cib = b.Constraint(constraints).Build();
  const auto t = Schedule(cib.model());
  ASSERT_TRUE(t.ok()) << t.status().message();
  // As crm_simulate has it on the same shape with three: "Stop r2 (node1) due to colocation with r1".
  EXPECT_EQ(Where(*t).at("r99999"), "Stopped");
  ASSERT_FALSE(t->summary.empty());
  EXPECT_EQ(SummaryText(t->summary.back()), "Stop r99999 (node1) due to colocation with r99998");
}

TEST(SchedulerTest, AHandBuiltModelWithADanglingReferenceIsRefused) {
  const cib::Cib cib = CibBuilder().Nodes(1).Primitive("a").Build();
  cib::Model model = cib.model();
  cib::Colocation ghost;
  ghost.id = "c";
  ghost.rsc = "a";
  ghost.with_rsc = "ghost";
  ghost.score = 1000000;
  model.colocations.push_back(ghost);
  const auto t = Schedule(model);
  ASSERT_FALSE(t.ok());
  EXPECT_NE(t.status().message().find("names no resource it may name: 'ghost'"), std::string::npos);
}

// Damaged CIBs (cut short anywhere, bytes changed, removed or duplicated): each either loads
// and schedules, or is refused with an error that names the file. Nothing crashes or hangs.
TEST(SchedulerTest, DamagedCibsAreRefusedOrScheduledNeverCrash) {
  std::mt19937 rng(7);
  int refused = 0;
  int scheduled = 0;
  for (const auto& entry : std::filesystem::directory_iterator(VIGIL_TEST_SOURCE_DIR "/cluster/scheduler/cases")) {
    std::ifstream in(entry.path());
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::vector<std::string> variants;
    for (size_t cut = 0; cut < text.size(); cut += text.size() / 20 + 1) variants.push_back(text.substr(0, cut));
    for (int i = 0; i < 30; ++i) {
      std::string v = text;
      const size_t at = std::uniform_int_distribution<size_t>(0, v.size() - 1)(rng);
      switch (i % 3) {
        case 0: v[at] = static_cast<char>(std::uniform_int_distribution<int>(32, 126)(rng)); break;
        case 1: v.erase(at, std::uniform_int_distribution<size_t>(1, 40)(rng)); break;
        case 2: v.insert(at, v.substr(at, std::uniform_int_distribution<size_t>(1, 200)(rng))); break;
      }
      variants.push_back(std::move(v));
    }
    for (const auto& v : variants) {
      auto cib = cib::Cib::Parse(v, "damaged.xml");
      if (!cib.ok()) {
        ++refused;
        EXPECT_EQ(cib.status().message().rfind("damaged.xml", 0), 0u) << cib.status().message();
        continue;
      }
      ++scheduled;
      const auto t = Schedule(cib->model());
      EXPECT_TRUE(t.ok()) << t.status().message();
    }
  }
  EXPECT_GT(refused, 1000);
  EXPECT_GT(scheduled, 100);
}

TEST(CurrentStateTest, TellsWhereResourcesRunWhatFailedAndWhatIsDisabled) {
  const cib::Cib cib = CibBuilder()
                           .Nodes(3)
                           .Offline("node3")
                           .Primitive("a")
                           .Primitive("b")
                           .Primitive("c", "<nvpair id=\"c-tr\" name=\"target-role\" value=\"Stopped\"/>")
                           .Primitive("d")
                           .History("node1", "a")
                           .History("node2", "b", 7)
                           .History("node3", "d")  // cleanly down: nothing runs there
                           .Build();
  const auto state = CurrentState(cib.model());
  ASSERT_EQ(state.size(), 4U);
  EXPECT_EQ(state[0].id, "a");
  EXPECT_EQ(state[0].agent, "ocf:heartbeat:Dummy");
  EXPECT_EQ(state[0].nodes, std::vector<std::string>{"node1"});
  EXPECT_FALSE(state[0].failed);
  EXPECT_EQ(state[1].nodes, std::vector<std::string>{"node2"});
  EXPECT_TRUE(state[1].failed);
  EXPECT_TRUE(state[2].disabled);
  EXPECT_TRUE(state[2].nodes.empty());
  EXPECT_TRUE(state[3].nodes.empty());
  EXPECT_FALSE(state[3].disabled);
  EXPECT_TRUE(FailedActions(cib.model()).empty()) << "no _last_failure_0 record in this CIB";
}

// A live migration in the order Pacemaker's graph gives it: the migrate_to where it runs, the
// migrate_from where it goes (each naming both nodes), then the stop; the start is not executed.
// What is ordered after it and stays where it is does not restart.
TEST(SchedulerTest, AMigrationIsMigrateToThenMigrateFromThenTheStop) {
  const auto t = Simulate(CibBuilder()
                              .Nodes(3)
                              .Primitive("vm", "<nvpair id=\"vm-am\" name=\"allow-migrate\" value=\"true\"/>")
                              .Primitive("web")
                              .Constraint("<rsc_location id=\"l\" rsc=\"vm\" node=\"node2\" score=\"INFINITY\"/>")
                              .Constraint("<rsc_order id=\"o\" first=\"vm\" then=\"web\"/>")
                              .History("node1", "vm")
                              .History("node3", "web"));
  std::vector<std::string> steps;
  for (const auto& a : t.actions) steps.push_back(std::string(ActionName(a.kind)) + " " + a.rsc + "@" + a.node + " " + a.source + ">" + a.target);
  EXPECT_EQ(steps, (std::vector<std::string>{"migrate_to vm@node1 node1>node2", "migrate_from vm@node2 node1>node2",
                                             "stop vm@node1 >"}));
  ASSERT_EQ(t.summary.size(), 1u);
  EXPECT_EQ(SummaryText(t.summary[0]), "Migrate vm (node1 -> node2)");
}

// Without allow-migrate the same move is a stop and a start, and restarts what is ordered after.
TEST(SchedulerTest, WithoutAllowMigrateTheMoveIsAStopAndAStart) {
  const auto t = Simulate(CibBuilder()
                              .Nodes(3)
                              .Primitive("vm")
                              .Primitive("web")
                              .Constraint("<rsc_location id=\"l\" rsc=\"vm\" node=\"node2\" score=\"INFINITY\"/>")
                              .Constraint("<rsc_order id=\"o\" first=\"vm\" then=\"web\"/>")
                              .History("node1", "vm")
                              .History("node3", "web"));
  EXPECT_EQ(Sequence(t), (std::vector<std::string>{"stop web", "stop vm", "start vm", "start web"}));
}

}  // namespace
}  // namespace vigil::scheduler
