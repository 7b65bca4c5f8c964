// The scheduler against real Pacemaker: every CIB in tests/scheduler/cases goes through
// crm_simulate (Debian's pacemaker-cli-utils) and `vigil simulate`, and the two must agree on
// where each primitive ends up, on the transition summary (to the reason's words) and on every
// allocation score. The expectations are never written by hand, so the corpus grows by adding a
// file.
#include <gtest/gtest.h>

#include <algorithm>
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
#include "tests/shell.h"

namespace {

using vigil::testing::Sh;

const std::filesystem::path kCases = std::filesystem::path(VIGIL_TEST_SOURCE_DIR) / "scheduler/cases";

struct Outcome {
  std::map<std::string, std::string> placement;  // rsc → node or "Stopped"
  std::vector<std::string> summary;              // "Verb rsc (details)[ blocked]"
  std::set<std::string> scores;                  // "rsc node score"
};

// The verb, the resource, the nodes, the reason ("due to ...") and whether a start is blocked.
std::string SummaryKey(const std::string& verb, const std::string& rsc, const std::string& details,
                       const std::string& reason, bool blocked) {
  return verb + " " + rsc + " (" + details + ")" + (reason.empty() ? "" : " due to " + reason) +
         (blocked ? " blocked" : "");
}

// vigil's "Start ip (node1) due to x (blocked)", or "... blocked" without a reason.
std::string NormalizeSummary(const std::string& line) {
  static const std::regex kLine(R"(^(\w+) (\S+) \((.*?)\)(?: due to (.*?))?( \(blocked\)| blocked)?$)");
  std::smatch m;
  if (!std::regex_match(line, m, kLine)) return "unparsed: " + line;
  return SummaryKey(m[1].str(), m[2].str(), m[3].str(), m[4].str(), m[5].matched);
}

// crm_simulate --output-as=xml: allocations, actions (the summary) and the revised status.
Outcome ParseCrmSimulate(const std::string& out) {
  Outcome o;
  pugi::xml_document doc;
  if (!doc.load_string(out.c_str())) return o;
  const auto result = doc.child("pacemaker-result");
  for (const auto w : result.child("allocations").children("node_weight")) {
    if (std::string_view(w.attribute("function").value()) != "pcmk__primitive_assign") continue;
    o.scores.insert(std::string(w.attribute("id").value()) + " " + w.attribute("node").value() +
                    " " + w.attribute("score").value());
  }
  for (const auto a : result.child("actions").children("rsc_action")) {
    std::string verb = a.attribute("action").value();
    if (!verb.empty()) verb[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(verb[0])));
    std::string details = a.attribute("node").value();
    if (details.empty()) {
      details = a.attribute("source").value();
      if (a.attribute("dest")) details += std::string(" -> ") + a.attribute("dest").value();
    }
    o.summary.push_back(SummaryKey(verb, a.attribute("resource").value(), details,
                                   a.attribute("reason").value(), a.attribute("blocked").as_bool()));
  }
  for (const auto r : result.child("revised_cluster_status").child("resources").children("resource")) {
    std::string where;
    for (const auto n : r.children("node")) where += (where.empty() ? "" : ",") + std::string(n.attribute("name").value());
    o.placement[r.attribute("id").value()] = where.empty() ? "Stopped" : where;
  }
  return o;
}

Outcome ParseVigil(const std::string& out) {
  Outcome o;
  std::istringstream in(out);
  std::string line;
  int block = 0;
  static const std::regex kScore(R"(^(\S+) allocation score on (\S+): (\S+)$)");
  while (std::getline(in, line)) {
    if (line.empty()) {
      ++block;
      continue;
    }
    std::smatch m;
    if (std::regex_match(line, m, kScore)) {
      o.scores.insert(m[1].str() + " " + m[2].str() + " " + m[3].str());
    } else if (block == 0) {
      const auto tab = line.find('\t');
      o.placement[line.substr(0, tab)] = tab == std::string::npos ? "" : line.substr(tab + 1);
    } else {
      o.summary.push_back(NormalizeSummary(line));
    }
  }
  return o;
}

std::string Join(const std::vector<std::string>& lines) {
  std::string s;
  for (const auto& l : lines) s += "  " + l + "\n";
  return s;
}

std::string Join(const std::set<std::string>& lines) {
  return Join(std::vector<std::string>(lines.begin(), lines.end()));
}

class SchedulerOracleTest : public ::testing::TestWithParam<std::string> {};

TEST_P(SchedulerOracleTest, AgreesWithCrmSimulate) {
  const std::string file = (kCases / (GetParam() + ".xml")).string();
  const auto pcmk = Sh("crm_simulate -x '" + file + "' -S -s --output-as=xml");
  ASSERT_EQ(pcmk.code, 0) << "crm_simulate (package pacemaker-cli-utils) is needed as the oracle: "
                          << pcmk.out;
  const auto vigil = Sh(std::string(VIGIL_BINARY) + " simulate '" + file + "' --scores");
  ASSERT_EQ(vigil.code, 0) << vigil.out;
  const Outcome want = ParseCrmSimulate(pcmk.out);
  const Outcome got = ParseVigil(vigil.out);
  ASSERT_FALSE(want.placement.empty()) << "no revised status in crm_simulate's output:\n" << pcmk.out;
  EXPECT_EQ(got.placement, want.placement) << "vigil:\n" << vigil.out << "\ncrm_simulate:\n" << pcmk.out;
  EXPECT_EQ(got.summary, want.summary) << "vigil:\n" << Join(got.summary) << "crm_simulate:\n"
                                       << Join(want.summary);
  EXPECT_EQ(got.scores, want.scores) << "vigil:\n" << Join(got.scores) << "crm_simulate:\n"
                                     << Join(want.scores);
}

// What Vigil writes back is judged by crm_verify exactly as the original is: accepted, or (the
// stonith-enabled cases without a fencing device, orders in the deprecated score form) refused.
TEST_P(SchedulerOracleTest, WhatVigilWritesPassesCrmVerify) {
  const std::string file = (kCases / (GetParam() + ".xml")).string();
  auto cib = vigil::cib::Cib::Load(file);
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
  };
  const Shape shapes[] = {{300, 5, 1, false, true}, {300, 8, 2, true, false},
                          {200, 3, 3, true, true}, {500, 16, 4, true, true}};
  for (const auto& s : shapes) {
    vigil::bench::CibShape shape;
    shape.resources = s.resources;
    shape.nodes = s.nodes;
    shape.seed = s.seed;
    shape.running = s.running;
    shape.orders = s.orders;
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
    const std::string what = std::to_string(s.resources) + " resources on " +
                             std::to_string(s.nodes) + " nodes, seed " + std::to_string(s.seed);
    EXPECT_FALSE(want.summary.empty() && s.resources > 0 && !s.running) << what;
    EXPECT_EQ(got.summary, want.summary) << what;
    EXPECT_EQ(got.scores.size(), static_cast<size_t>(s.resources) * s.nodes) << what;
    EXPECT_TRUE(got.scores == want.scores) << what;
  }
}

std::vector<std::string> Cases() {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(kCases)) {
    if (entry.path().extension() == ".xml") names.push_back(entry.path().stem().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

INSTANTIATE_TEST_SUITE_P(Corpus, SchedulerOracleTest, ::testing::ValuesIn(Cases()),
                         [](const ::testing::TestParamInfo<std::string>& param) {
                           std::string name = param.param;
                           for (auto& c : name) {
                             if (!isalnum(static_cast<unsigned char>(c))) c = '_';
                           }
                           return name;
                         });

}  // namespace
