// Pacemaker's own scheduler regression corpus (../shared/pcmk-cts/xml, 799 CIBs of Pacemaker
// 2.1.5) through `vigil simulate` and the installed crm_simulate: how many Vigil refuses (a
// feature it does not implement yet, refused by name), and of the rest how many agree on where
// every resource ends up and on the transition summary, and also on every allocation score.
// Needs Debian's pacemaker-cli-utils.
//
//   pcmk_corpus [XML_DIR] [VIGIL]     (defaults: ../shared/pcmk-cts/xml beside the source tree,
//                                      the vigil built beside this benchmark)
//
// Prints the counts, the refusals by their reason and the names that differ.
#include <cstdio>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "tests/support/scheduler_outcome.h"
#include "tests/support/shell.h"

namespace vigil::testing {
namespace {

int Main(int argc, char** argv) {
  const std::filesystem::path dir = argc > 1 ? argv[1] : std::filesystem::path(VIGIL_SOURCE_DIR) / "../shared/pcmk-cts/xml";
  const std::string vigil = argc > 2 ? argv[2] : VIGIL_BINARY;
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    if (e.path().extension() == ".xml") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  if (files.empty()) {
    std::fprintf(stderr, "pcmk_corpus: no CIBs in %s\n", dir.c_str());
    return 2;
  }
  int refused = 0, agree = 0, agree_scores = 0, oracle_failed = 0;
  std::map<std::string, int> reasons;
  std::vector<std::string> differ;
  for (const auto& f : files) {
    const auto ours = Sh("'" + vigil + "' simulate '" + f.string() + "' --scores");
    if (ours.code != 0) {
      ++refused;
      std::string reason = ours.out.substr(0, ours.out.find('\n'));
      // "…: <what> is not supported …": counted by what.
      if (const size_t at = reason.rfind(": "); at != std::string::npos) reason = reason.substr(at + 2);
      ++reasons[reason.substr(0, 80)];
      continue;
    }
    const auto theirs = Sh("crm_simulate -x '" + f.string() + "' -S -s --output-as=xml");
    if (theirs.code != 0) {
      ++oracle_failed;
      continue;
    }
    const Outcome want = ParseCrmSimulate(theirs.out);
    const Outcome got = ParseVigil(ours.out);
    if (got.placement == want.placement && got.summary == want.summary) {
      ++agree;
      if (got.scores == want.scores) ++agree_scores;
    } else {
      differ.push_back(f.stem().string());
    }
  }
  std::printf("%zu CIBs: %d refused by name, %zu run: %d agree on placement and summary (%d on every score "
              "too), %zu differ; crm_simulate failed on %d\n",
              files.size(), refused, files.size() - refused - oracle_failed, agree, agree_scores, differ.size(),
              oracle_failed);
  std::printf("\nrefused, by reason (most common first):\n");
  std::vector<std::pair<int, std::string>> by_count;
  for (const auto& [reason, n] : reasons) by_count.emplace_back(n, reason);
  std::sort(by_count.rbegin(), by_count.rend());
  for (const auto& [n, reason] : by_count) std::printf("%5d  %s\n", n, reason.c_str());
  std::printf("\ndiffer:");
  for (const auto& name : differ) std::printf(" %s", name.c_str());
  std::printf("\n");
  return 0;
}

}  // namespace
}  // namespace vigil::testing

int main(int argc, char** argv) { return vigil::testing::Main(argc, argv); }
