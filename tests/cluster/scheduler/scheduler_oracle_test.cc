// The scheduler against real Pacemaker: every CIB in tests/cluster/scheduler/cases goes through
// crm_simulate (Debian's pacemaker-cli-utils) and `vigil simulate`, and the two must agree on
// where each primitive ends up, on the transition summary (to the reason's words) and on every
// allocation score. The expectations are never written by hand, so the corpus grows by adding a
// file.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <unistd.h>

#include <pugixml.hpp>

#include "bench/cib_generator.h"
#include "cluster/cib/cib.h"
#include "tests/support/files.h"
#include "tests/support/scheduler_outcome.h"
#include "tests/support/shell.h"

namespace {

using namespace vigil::testing;


class SchedulerOracleTest : public ::testing::TestWithParam<std::string> {};

TEST_P(SchedulerOracleTest, AgreesWithCrmSimulate) {
  const std::string file = (kSchedulerCases / (GetParam() + ".xml")).string();
  const std::string graph = ::testing::TempDir() + "/" + GetParam() + ".graph.xml";
  const auto pcmk = Sh("crm_simulate -x '" + file + "' -S -s --output-as=xml -G '" + graph + "'");
  ASSERT_EQ(pcmk.code, 0) << "crm_simulate (package pacemaker-cli-utils) is needed as the oracle: "
                          << pcmk.out;
  const auto vigil = Sh(std::string(VIGIL_BINARY) + " simulate '" + file + "' --scores");
  ASSERT_EQ(vigil.code, 0) << vigil.out;
  Outcome want = ParseCrmSimulate(pcmk.out);
  AddGraphFenceDelays(want, ReadFile(graph));
  std::filesystem::remove(graph);
  const Outcome got = ParseVigil(vigil.out);
  ASSERT_FALSE(want.placement.empty()) << "no revised status in crm_simulate's output:\n" << pcmk.out;
  EXPECT_EQ(got.placement, want.placement) << "vigil:\n" << vigil.out << "\ncrm_simulate:\n" << pcmk.out;
  EXPECT_EQ(got.summary, want.summary) << "vigil:\n" << Join(got.summary) << "crm_simulate:\n"
                                       << Join(want.summary);
  EXPECT_EQ(got.scores, want.scores) << "vigil:\n" << Join(got.scores) << "crm_simulate:\n"
                                     << Join(want.scores);
  EXPECT_EQ(got.fence_delays, want.fence_delays) << "vigil:\n" << vigil.out;
  // The expectation kept beside the CIB (for machines without crm_simulate) is what it says now.
  const auto expected = kSchedulerCases / (GetParam() + ".expected");
  if (const char* refresh = std::getenv("VIGIL_REFRESH_EXPECTED"); refresh != nullptr && *refresh == '1') {
    WriteFile(expected, ExpectedText(want));
  }
  EXPECT_EQ(ReadFile(expected), ExpectedText(want))
      << expected << " is stale or missing: tests/cluster/scheduler/refresh_expected.sh writes it again";
}

// What Vigil writes back is judged by crm_verify exactly as the original is: accepted, or (the
// stonith-enabled cases without a fencing device, orders in the deprecated score form) refused.
TEST_P(SchedulerOracleTest, WhatVigilWritesPassesCrmVerify) {
  const std::string file = (kSchedulerCases / (GetParam() + ".xml")).string();
  // Read as `vigil simulate` reads it (what only fencing does included).
  auto cib = vigil::cib::Cib::Load(file, {.planning_only = true});
  ASSERT_TRUE(cib.ok()) << cib.status().message();
  const auto written = std::filesystem::temp_directory_path() /
                       ("vigil-oracle-" + std::to_string(getpid()) + "-" + GetParam() + ".xml");
  ASSERT_TRUE(cib->Save(written).ok());
  const auto original = Sh("crm_verify --xml-file '" + file + "'");
  const auto ours = Sh("crm_verify --xml-file '" + written.string() + "'");
  std::filesystem::remove(written);
  EXPECT_EQ(ours.code, original.code) << "original:\n" << original.out << "written by vigil:\n" << ours.out;
}

// Larger generated problems (random preferences, bans, colocation chains, orders, resources
// already running on random nodes): the same summary and every score. Only the transition is
// computed (-R); the summary and scores fix the placement.
TEST(SchedulerOracleScaleTest, GeneratedCibsAgree) {
  struct Shape {
    int resources, nodes;
    uint32_t seed;
    bool running, orders;
    bool rules = false;
  };
  const Shape shapes[] = {{300, 5, 1, false, true}, {300, 8, 2, true, false},
                          {200, 3, 3, true, true},  {500, 16, 4, true, true},
                          {300, 9, 5, true, false, true}};
  for (const auto& s : shapes) {
    vigil::bench::CibShape shape;
    shape.resources = s.resources;
    shape.nodes = s.nodes;
    shape.seed = s.seed;
    shape.running = s.running;
    shape.orders = s.orders;
    shape.rules = s.rules;
    const auto file = std::filesystem::temp_directory_path() /
                      ("vigil-oracle-" + std::to_string(getpid()) + "-generated.xml");
    {
      std::ofstream(file) << vigil::bench::GenerateCib(shape);
    }
    const auto pcmk = Sh("crm_simulate -x '" + file.string() + "' -R -s --output-as=xml");
    const auto vigil = Sh(std::string(VIGIL_BINARY) + " simulate '" + file.string() + "' --scores");
    std::filesystem::remove(file);
    ASSERT_EQ(pcmk.code, 0) << pcmk.out;
    ASSERT_EQ(vigil.code, 0) << vigil.out;
    const Outcome want = ParseCrmSimulate(pcmk.out);
    const Outcome got = ParseVigil(vigil.out);
    const std::string what = std::to_string(s.resources) + " resources on " + std::to_string(s.nodes) +
                             " nodes, seed " + std::to_string(s.seed) + (s.rules ? ", rules" : "");
    EXPECT_FALSE(want.summary.empty() && s.resources > 0 && !s.running) << what;
    EXPECT_EQ(got.summary, want.summary) << what;
    EXPECT_EQ(got.scores.size(), static_cast<size_t>(s.resources) * s.nodes) << what;
    EXPECT_TRUE(got.scores == want.scores) << what;
  }
}

INSTANTIATE_TEST_SUITE_P(Corpus, SchedulerOracleTest, ::testing::ValuesIn(SchedulerCases()),
                         [](const ::testing::TestParamInfo<std::string>& param) { return CaseTestName(param.param); });

}  // namespace
