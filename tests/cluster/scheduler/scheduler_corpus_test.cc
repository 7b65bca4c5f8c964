// The scheduler on its own corpus without Pacemaker: every CIB of tests/cluster/scheduler/cases goes
// through `vigil simulate --scores`, and the placement, the transition summary and every
// allocation score must be what crm_simulate said of it, as kept beside it in NAME.expected
// (tests/cluster/scheduler/refresh_expected.sh writes them; scheduler_oracle_test checks them against
// the live crm_simulate where it is installed). So behaviour is guarded on any machine.
#include <gtest/gtest.h>

#include "tests/support/files.h"
#include "tests/support/scheduler_outcome.h"
#include "tests/support/shell.h"

namespace vigil::testing {
namespace {

class SchedulerCorpusTest : public ::testing::TestWithParam<std::string> {};

TEST_P(SchedulerCorpusTest, AgreesWithWhatCrmSimulateSaid) {
  const auto file = kSchedulerCases / (GetParam() + ".xml");
  const auto expected_file = kSchedulerCases / (GetParam() + ".expected");
  ASSERT_TRUE(std::filesystem::exists(expected_file))
      << expected_file << " is missing: tests/cluster/scheduler/refresh_expected.sh writes it (with crm_simulate)";
  const Outcome want = FromExpectedText(ReadFile(expected_file));
  ASSERT_FALSE(want.placement.empty()) << expected_file << " holds no placement";
  const auto vigil = Sh(std::string(VIGIL_BINARY) + " simulate '" + file.string() + "' --scores");
  ASSERT_EQ(vigil.code, 0) << vigil.out;
  const Outcome got = ParseVigil(vigil.out);
  EXPECT_EQ(got.placement, want.placement) << "vigil:\n" << vigil.out;
  EXPECT_EQ(got.summary, want.summary) << "vigil:\n" << Join(got.summary) << "expected:\n" << Join(want.summary);
  EXPECT_EQ(got.scores, want.scores) << "vigil:\n" << Join(got.scores) << "expected:\n" << Join(want.scores);
  EXPECT_EQ(got.fence_delays, want.fence_delays) << "vigil:\n" << vigil.out;
}

INSTANTIATE_TEST_SUITE_P(Corpus, SchedulerCorpusTest, ::testing::ValuesIn(SchedulerCases()),
                         [](const ::testing::TestParamInfo<std::string>& param) { return CaseTestName(param.param); });

}  // namespace
}  // namespace vigil::testing
