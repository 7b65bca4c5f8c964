// Builds an agent's OCF meta-data XML from tables, for the native plugins: each plugin lists its
// parameters (the names, types and defaults of the script it replaces) and actions in its own
// words, and this turns them into the document, with text escaped.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace vigil::plugin {

struct ParamDoc {
  const char* name;
  const char* type;      // OCF content type: string, integer, boolean, ...
  const char* fallback;  // the default attribute; nullptr: none
  bool unique;
  bool required;
  const char* shortdesc;
  const char* longdesc;

  std::string Default() const { return fallback ? fallback : ""; }
};

struct ActionDoc {
  const char* name;
  const char* timeout;   // "20s"
  const char* interval;  // nullptr: no interval attribute
  const char* depth;     // nullptr: no depth attribute
};

struct AgentDoc {
  const char* name;  // the type, as in ocf:heartbeat:<name>
  const char* shortdesc;
  std::string longdesc;
  std::vector<ParamDoc> params;
  std::vector<ActionDoc> actions;
};

std::string BuildMetadata(const AgentDoc& doc);
// The named parameter in a table, or nullptr.
const ParamDoc* FindParam(const std::vector<ParamDoc>& params, const std::string& name);
std::string EscapeXml(const std::string& text);

// The parameter's value in `given`, else its default in `table` ("" without one). Set to empty
// stays empty, as in the scripts.
std::string ParamOrDefault(const std::vector<ParamDoc>& table, const std::map<std::string, std::string>& given,
                           const std::string& name);

}  // namespace vigil::plugin
