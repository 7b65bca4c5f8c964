#include "host/params.h"

#include <algorithm>
#include <cctype>
#include <set>

namespace vigil {

std::optional<bool> ParseBoolean(std::string_view text) {
  std::string s(text);
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (s == "true" || s == "yes" || s == "on" || s == "y" || s == "1") return true;
  if (s == "false" || s == "no" || s == "off" || s == "n" || s == "0") return false;
  return std::nullopt;
}

namespace {
bool IsInteger(const std::string& v) {
  size_t i = (!v.empty() && (v[0] == '-' || v[0] == '+')) ? 1 : 0;
  if (i >= v.size()) return false;
  return std::all_of(v.begin() + static_cast<long>(i), v.end(),
                     [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
}

std::string Join(const std::vector<std::string>& items, const char* sep) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : sep) + i;
  return out;
}
}  // namespace

Status ValidateParams(const AgentMetadata& md, const std::string& agent, const Params& params) {
  std::vector<std::string> problems;
  std::set<std::string> given;
  for (const auto& [name, value] : params) {
    if (!given.insert(name).second) {
      problems.push_back("parameter '" + name + "' is given twice");
      continue;
    }
    const ParameterSpec* spec = md.FindParameter(name);
    if (!spec) {
      problems.push_back("unknown parameter '" + name + "'");
      continue;
    }
    const std::string& t = spec->type;
    // An "integer" whose own default is a time (ping's dampen, 5s) takes times too: what the
    // agent itself uses cannot be wrong.
    const bool timed_integer = t == "integer" && spec->default_value && !IsInteger(*spec->default_value) &&
                               ParseDurationMs(*spec->default_value).has_value();
    if (t == "integer" && !IsInteger(value) && !(timed_integer && ParseDurationMs(value))) {
      problems.push_back("parameter '" + name + "' must be an integer, not '" + value + "'");
    } else if (t == "boolean" && !ParseBoolean(value)) {
      problems.push_back("parameter '" + name + "' must be a boolean (true/false), not '" + value +
                         "'");
    } else if (t == "second" && !ParseDurationMs(value)) {
      problems.push_back("parameter '" + name + "' must be a time such as 10s or 500ms, not '" +
                         value + "'");
    } else if (t == "select" && !spec->options.empty() &&
               std::find(spec->options.begin(), spec->options.end(), value) ==
                   spec->options.end()) {
      problems.push_back("parameter '" + name + "' must be one of " + Join(spec->options, ", ") +
                         ", not '" + value + "'");
    }
  }
  for (const auto& spec : md.parameters) {
    if (!spec.required) continue;
    auto it = std::find_if(params.begin(), params.end(),
                           [&](const auto& p) { return p.first == spec.name; });
    if (it == params.end() || it->second.empty()) {
      problems.push_back("required parameter '" + spec.name + "' is missing");
    }
  }
  if (problems.empty()) return Status::Ok();
  return Status(StatusCode::kInvalidArgument, agent + ": " + Join(problems, "; "));
}

}  // namespace vigil
