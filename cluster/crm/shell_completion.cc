// crm's tab completion: what may follow the words typed so far, from the command tables
// (shell.cc) and what vigild and the agents know.
#include <set>

#include "cluster/crm/shell.h"
#include "cluster/crm/shell_detail.h"

namespace vigil::crm {

using namespace shell_detail;

std::vector<std::string> Shell::ResourceIds() {
  std::vector<std::string> ids;
  if (const auto status = FetchStatus(); status.ok()) {
    for (const auto& r : status->resources) ids.push_back(r.id);
  }
  return ids;
}

std::vector<std::string> Shell::NodeNames() {
  std::vector<std::string> names;
  if (const auto status = FetchStatus(); status.ok()) {
    for (const auto& n : status->nodes) names.push_back(n.name);
  }
  return names;
}

std::vector<std::string> Shell::Complete(const std::vector<std::string>& words, const std::string& partial) {
  std::vector<std::string> candidates;
  if (level_ == Level::kTop && !words.empty() && IsLevel(words[0])) {
    candidates = Candidates(LevelNamed(words[0]), Rest(words));
  } else {
    candidates = Candidates(level_, words);
  }
  std::vector<std::string> out;
  for (auto& c : candidates) {
    if (!c.empty() && c.rfind(partial, 0) == 0 && std::find(out.begin(), out.end(), c) == out.end()) {
      out.push_back(std::move(c));
    }
  }
  return out;
}

std::vector<std::string> Shell::Candidates(Level level, const std::vector<std::string>& words) {
  if (words.empty()) return Names(level);
  const Command* command = Find(level, words[0]);
  // Anything else (help, a typo) completes as the level's commands mostly do.
  const Completes what = command != nullptr           ? command->completes
                         : level == Level::kResource  ? Completes::kResourceThenNodes
                         : level == Level::kConfigure ? Completes::kIds
                                                      : Completes::kNothing;
  switch (what) {
    case Completes::kNothing: return {};
    case Completes::kNodes: return NodeNames();
    case Completes::kResourceThenNodes: return words.size() == 1 ? ResourceIds() : NodeNames();
    case Completes::kAgent: return words.size() == 1 ? AgentNames() : Words{};
    case Completes::kRaList:
      if (words.size() == 1) return {"ocf"};
      if (words.size() == 2 && options_.agents != nullptr) {
        std::set<std::string> providers;
        for (const auto& a : options_.agents->List()) providers.insert(a.provider);
        return Words(providers.begin(), providers.end());
      }
      return {};
    case Completes::kPrimitive: return PrimitiveCandidates(words);
    case Completes::kLocation:
      if (words.size() == 4) return NodeNames();
      [[fallthrough]];
    case Completes::kIds:
      if (staged_) return staged_->Ids();
      // Quietly: completion says nothing of a vigild that does not answer.
      if (auto xml = vigild_.Ask("cib-query", {}); xml.ok()) {
        if (auto read = Configuration::Parse(*xml); read.ok()) return read->Ids();
      }
      return {};
  }
  return {};
}

// primitive ID AGENT [params N=V...] [meta ...] [op ...]: the agent's name, then the keywords and,
// after params, the agent's parameter names not given yet.
std::vector<std::string> Shell::PrimitiveCandidates(const std::vector<std::string>& words) {
  if (words.size() < 2) return {};
  if (words.size() == 2) return AgentNames();
  Words out = {"params", "meta", "utilization", "op"};
  std::string keyword;
  for (size_t i = 3; i < words.size(); ++i) {
    if (words[i].find('=') == std::string::npos) keyword = words[i];
  }
  if (keyword != "params" || options_.agents == nullptr) return out;
  auto described = options_.agents->Describe(words[2]);
  if (!described.ok()) return out;
  Words parameters;
  for (const auto& p : described->metadata->parameters) {
    const bool given = std::any_of(words.begin() + 3, words.end(), [&](const std::string& w) { return w.rfind(p.name + "=", 0) == 0; });
    if (!given) parameters.push_back(p.name + "=");
  }
  parameters.insert(parameters.end(), out.begin(), out.end());
  return parameters;
}

std::vector<std::string> Shell::AgentNames() {
  Words names;
  if (options_.agents == nullptr) return names;
  for (const auto& a : options_.agents->List()) {
    names.push_back(a.name);
    if (a.provider == "heartbeat") names.push_back(a.type);  // a bare type means ocf:heartbeat:TYPE
  }
  return names;
}

}  // namespace vigil::crm
