// The seeded random mix of faults (tests/support/chaos.h), short: every fault kind on a cluster of three
// real vigild, and not one look that finds a resource on two nodes, every cycle settled, no
// failure that no agent reported. VIGIL_CHAOS_SEED and VIGIL_CHAOS_CYCLES change the run (the
// long one is bench/chaos_bench). Needs root; run by CI.
#include <gtest/gtest.h>

#include <cstdlib>

#include "tests/support/chaos.h"

namespace vigil::testing {
namespace {

uint32_t FromEnvironment(const char* name, uint32_t otherwise) {
  const char* value = std::getenv(name);
  return value != nullptr && *value != '\0' ? static_cast<uint32_t>(std::strtoul(value, nullptr, 10)) : otherwise;
}

TEST(ChaosNetnsTest, ASeededMixOfFaultsNeverRunsAResourceTwice) {
  ASSERT_EQ(::geteuid(), 0u) << "needs root: network namespaces (CI runs as root)";
  TempDir dir;
  ChaosOptions options;
  options.seed = FromEnvironment("VIGIL_CHAOS_SEED", 21);
  options.cycles = static_cast<int>(FromEnvironment("VIGIL_CHAOS_CYCLES", 18));
  Chaos chaos(dir.path(), options);
  ASSERT_TRUE(chaos.Form().ok()) << chaos.Logs();
  const ChaosReport report = chaos.Run([](const std::string& line) { std::printf("%s\n", line.c_str()); });
  const FaultTally total = report.Total();
  for (const auto& [fault, t] : report.by_fault) {
    std::printf("%-11s %3d cycles %6lld looks %4lld double\n", fault.c_str(), t.cycles, static_cast<long long>(t.looks),
                static_cast<long long>(t.double_looks));
  }
  EXPECT_EQ(total.cycles, options.cycles);
  EXPECT_GT(total.looks, 0);
  std::string problems;
  for (const auto& p : report.problems) problems += p + "\n";
  EXPECT_EQ(total.double_looks, 0) << problems << chaos.Logs();
  EXPECT_EQ(total.unconverged, 0) << problems << chaos.Logs();
  EXPECT_EQ(total.failure_records, 0) << problems << chaos.Logs();
}

}  // namespace
}  // namespace vigil::testing
