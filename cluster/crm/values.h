// What crm checks a configure command's values against, as crmsh and Pacemaker read them: scores
// ("inf:"), roles, Pacemaker's cluster options and the values some of them take, op attributes,
// and whether resources could start at all (the fencing warning). crm's own, not a public
// interface.
#pragma once

#include <pugixml.hpp>

#include <optional>
#include <set>
#include <string>

namespace vigil::crm {

inline constexpr const char* kScoreHelp = "a score followed by ':' (100:, inf:, -inf:)";

// "inf:" "-inf:" "100:" → the score as the CIB writes it; nullopt when it is not one.
std::optional<std::string> ScoreWord(std::string word);
// Started, Stopped, Promoted, Unpromoted and the legacy Master, Slave.
bool IsRole(const std::string& s);
// Pacemaker's cluster options (crm_config), to warn of a name it does not know, as crmsh does.
const std::set<std::string>& ClusterOptions();
// Why `value` is not one a cluster option with a fixed set of values takes ("" when it is, or
// when any value goes): Pacemaker would log an error and use its default, so crm refuses it.
std::string PropertyValueError(const std::string& name, const std::string& value);
// The same for an op attribute with a fixed set of values (Pacemaker's schema refuses the rest).
std::string OpValueError(const std::string& name, const std::string& value);
// Pacemaker starts nothing while stonith-enabled is true (its default) and no fencing device is
// configured: crmsh warns of it when a primitive is added, and so does crm (and `verify`).
std::optional<std::string> FencingWarning(pugi::xml_node configuration);

}  // namespace vigil::crm
