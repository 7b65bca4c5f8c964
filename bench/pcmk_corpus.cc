// Pacemaker's own scheduler regression corpus (../shared/pcmk-cts/xml, 799 CIBs of Pacemaker
// 2.1.5) through `vigil simulate` and the installed crm_simulate: how many Vigil refuses (a
// feature it does not implement yet, refused by name), and of the rest how many agree on where
// every resource ends up and on the transition summary, and also on every allocation score.
// Needs Debian's pacemaker-cli-utils.
//
//   pcmk_corpus [XML_DIR] [VIGIL]     (defaults: ../shared/pcmk-cts/xml beside the source tree,
//                                      the vigil built beside this benchmark)
//
// Prints the counts, the same by feature (PASS: placement and summary agree; PLACED: placement
// agrees), the refusals by their reason and the names that differ; with VIGIL_CORPUS_SCORES set,
// the scores that differ where all else agrees.
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <set>
#include <string_view>
#include <string>
#include <vector>

#include "tests/support/scheduler_outcome.h"
#include "tests/support/shell.h"

namespace vigil::testing {
namespace {

// The parts of Pacemaker's configuration model a CIB uses (and, from crm_simulate's answer,
// whether Pacemaker fenced a node), each marked implemented by Vigil or not yet.
struct Feature {
  const char* name;
  bool implemented;
};
const Feature kFeatures[] = {
    {"primitives", true},      {"groups", true},          {"clones", true},
    {"promotable clones", true},  {"rules", true},       {"resource sets", true},
    {"templates", true},       {"tags", true},            {"tickets", true},
    {"utilization", true},    {"bundles", false},        {"remote nodes", false},
    {"fencing", false},        {"live migration", true},  {"containers", false},
    {"shutdown locks", false}, {"node health", true},
};

bool IsTrue(std::string_view v) {
  return v == "true" || v == "yes" || v == "on" || v == "1" || v == "y" || v == "TRUE" || v == "True";
}

// The meta attribute `name` set directly in `element`'s meta_attributes.
std::string Meta(const pugi::xml_node& element, const char* name) {
  for (const auto set : element.children("meta_attributes")) {
    for (const auto nv : set.children("nvpair")) {
      if (std::string_view(nv.attribute("name").value()) == name) return nv.attribute("value").value();
    }
  }
  return "";
}

std::set<std::string> FeaturesOf(const std::filesystem::path& file, const std::string& crm_simulate_xml) {
  std::set<std::string> out = {"primitives"};
  pugi::xml_document doc;
  if (!doc.load_file(file.c_str())) return out;
  const auto config = doc.child("cib").child("configuration");
  if (!config.select_nodes(".//group").empty()) out.insert("groups");
  if (!config.select_nodes(".//master").empty()) out.insert("promotable clones");
  for (const auto x : config.select_nodes(".//clone")) {
    out.insert(IsTrue(Meta(x.node(), "promotable")) ? "promotable clones" : "clones");
  }
  if (!config.select_nodes(".//rule").empty()) out.insert("rules");
  if (!config.select_nodes(".//resource_set").empty()) out.insert("resource sets");
  if (!config.select_nodes(".//template").empty() || !config.select_nodes(".//primitive[@template]").empty()) {
    out.insert("templates");
  }
  if (!config.select_nodes(".//tags/tag").empty()) out.insert("tags");
  if (!config.select_nodes(".//rsc_ticket").empty()) out.insert("tickets");
  if (!config.select_nodes(".//utilization").empty()) out.insert("utilization");
  for (const auto nv : config.select_nodes(".//crm_config//nvpair[@name='placement-strategy']")) {
    if (std::string_view(nv.node().attribute("value").value()) != "default") out.insert("utilization");
  }
  if (!config.select_nodes(".//bundle").empty()) out.insert("bundles");
  if (!config.select_nodes(".//primitive[@type='remote']").empty() ||
      !config.select_nodes(".//nvpair[@name='remote-node']").empty()) {
    out.insert("remote nodes");
  }
  for (const auto x : config.select_nodes(".//primitive")) {
    if (IsTrue(Meta(x.node(), "allow-migrate"))) out.insert("live migration");
    if (!Meta(x.node(), "container").empty()) out.insert("containers");
  }
  if (!doc.select_nodes("/cib/status/node_state[@remote_node='true']").empty() ||
      !config.select_nodes(".//nodes/node[@type='remote']").empty()) {
    out.insert("remote nodes");
  }
  for (const auto nv : config.select_nodes(".//crm_config//nvpair[@name='node-health-strategy']")) {
    if (std::string_view(nv.node().attribute("value").value()) != "none") out.insert("node health");
  }
  for (const auto nv : config.select_nodes(".//crm_config//nvpair[@name='shutdown-lock']")) {
    if (IsTrue(nv.node().attribute("value").value())) out.insert("shutdown locks");
  }
  if (crm_simulate_xml.find("task=\"Fence") != std::string::npos ||
      crm_simulate_xml.find("action=\"migrate") != std::string::npos) {
    out.insert(crm_simulate_xml.find("task=\"Fence") != std::string::npos ? "fencing" : "live migration");
  }
  return out;
}

struct Tally {
  int refused = 0, placed = 0, agree = 0, differ = 0;
};

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
  std::map<std::string, Tally> by_feature;
  Tally implemented;  // the CIBs whose every feature is implemented
  // The CIBs that use no bundle, remote or guest node (containers included) and no fencing: the
  // measure the configuration-language work is held to (refused ones count as not placed).
  Tally measured;
  std::vector<std::string> differ, differ_implemented, scores_differ;
  std::vector<std::string> refused_measured;  // "NAME (reason)"
  std::vector<std::string> differ_measured;
  // Scores that differ in CIBs that agree otherwise, each "NAME: - ours | + theirs".
  std::vector<std::string> score_lines;
  for (const auto& f : files) {
    const auto ours = Sh("'" + vigil + "' simulate '" + f.string() + "' --scores");
    const auto theirs = Sh("crm_simulate -x '" + f.string() + "' -S -s --output-as=xml");
    const std::set<std::string> features = FeaturesOf(f, theirs.out);
    bool all_implemented = true;
    for (const auto& feature : kFeatures) {
      if (features.count(feature.name) && !feature.implemented) all_implemented = false;
    }
    const bool in_measure = !features.count("bundles") && !features.count("remote nodes") &&
                            !features.count("containers") && !features.count("fencing");
    auto tally = [&](auto&& field) {
      for (const auto& name : features) field(by_feature[name]);
      if (all_implemented) field(implemented);
      if (in_measure) field(measured);
    };
    if (ours.code != 0) {
      ++refused;
      std::string reason = ours.out.substr(0, ours.out.find('\n'));
      // "…: <what> is not supported …": counted by what.
      if (const size_t at = reason.rfind(": "); at != std::string::npos) reason = reason.substr(at + 2);
      ++reasons[reason.substr(0, 80)];
      tally([](Tally& t) { ++t.refused; });
      if (in_measure) refused_measured.push_back(f.stem().string() + " (" + reason.substr(0, 80) + ")");
      continue;
    }
    if (theirs.code != 0) {
      ++oracle_failed;
      continue;
    }
    const Outcome want = ParseCrmSimulate(theirs.out);
    const Outcome got = ParseVigil(ours.out);
    const bool placed = got.placement == want.placement;
    const bool same = placed && got.summary == want.summary;
    tally([&](Tally& t) {
      t.placed += placed;
      t.agree += same;
      t.differ += !same;
    });
    if (same) {
      ++agree;
      if (got.scores == want.scores) {
        ++agree_scores;
      } else {
        scores_differ.push_back(f.stem().string());
        for (const auto& s : got.scores) {
          if (!want.scores.count(s)) score_lines.push_back(f.stem().string() + ": - " + s);
        }
        for (const auto& s : want.scores) {
          if (!got.scores.count(s)) score_lines.push_back(f.stem().string() + ": + " + s);
        }
      }
    } else {
      differ.push_back(f.stem().string());
      if (all_implemented) differ_implemented.push_back(f.stem().string());
      if (in_measure) differ_measured.push_back(f.stem().string());
    }
  }
  std::printf("%zu CIBs: %d refused by name, %zu run: %d agree on placement and summary (%d on every score "
              "too), %zu differ; crm_simulate failed on %d\n",
              files.size(), refused, files.size() - refused - oracle_failed, agree, agree_scores, differ.size(),
              oracle_failed);
  auto percent = [](int part, int whole) { return whole == 0 ? 0.0 : 100.0 * part / whole; };
  const int implemented_run = implemented.agree + implemented.differ;
  std::printf("\nCIBs whose every feature Vigil implements: %d, of which %d refused; of the %d run, %d (%.1f%%) "
              "place as crm_simulate does and %d (%.1f%%) give its transition summary too\n",
              implemented.refused + implemented_run, implemented.refused, implemented_run, implemented.placed,
              percent(implemented.placed, implemented_run), implemented.agree, percent(implemented.agree, implemented_run));
  const int measured_all = measured.refused + measured.agree + measured.differ;
  std::printf("\nCIBs without bundles, remote or guest nodes and fencing: %d; %d (%.1f%%) place as crm_simulate "
              "does and %d (%.1f%%) give its transition summary too (%d refused count as neither)\n",
              measured_all, measured.placed, percent(measured.placed, measured_all), measured.agree,
              percent(measured.agree, measured_all), measured.refused);
  std::printf("\nby feature (a CIB counts under each feature it uses):\n");
  std::printf("  %-20s %-12s %8s %8s %8s %8s\n", "feature", "implemented", "REFUSED", "PLACED", "PASS", "DIFF");
  for (const auto& feature : kFeatures) {
    const Tally& t = by_feature[feature.name];
    std::printf("  %-20s %-12s %8d %8d %8d %8d\n", feature.name, feature.implemented ? "yes" : "not yet",
                t.refused, t.placed, t.agree, t.differ);
  }
  std::printf("\nrefused, by reason (most common first):\n");
  std::vector<std::pair<int, std::string>> by_count;
  for (const auto& [reason, n] : reasons) by_count.emplace_back(n, reason);
  std::sort(by_count.rbegin(), by_count.rend());
  for (const auto& [n, reason] : by_count) std::printf("%5d  %s\n", n, reason.c_str());
  std::printf("\nrefused, of the CIBs measured:");
  for (const auto& name : refused_measured) std::printf("\n  %s", name.c_str());
  std::printf("\n\ndiffer, of the CIBs measured:");
  for (const auto& name : differ_measured) std::printf(" %s", name.c_str());
  std::printf("\n\ndiffer, every feature implemented:");
  for (const auto& name : differ_implemented) std::printf(" %s", name.c_str());
  std::printf("\n\ndiffer:");
  for (const auto& name : differ) std::printf(" %s", name.c_str());
  std::printf("\n\nagree but for scores:");
  for (const auto& name : scores_differ) std::printf(" %s", name.c_str());
  std::printf("\n");
  // The scores themselves, when asked for (- Vigil's, + crm_simulate's).
  if (std::getenv("VIGIL_CORPUS_SCORES") != nullptr) {
    for (const auto& line : score_lines) std::printf("%s\n", line.c_str());
  }
  return 0;
}

}  // namespace
}  // namespace vigil::testing

int main(int argc, char** argv) { return vigil::testing::Main(argc, argv); }
