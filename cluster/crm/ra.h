// crmsh's `ra` commands, printed as crmsh prints them. Vigil runs two classes of agents: ocf
// (native plugins and OCF scripts alike) and stonith (the fence agents, fence_*).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "cluster/crm/agents.h"
#include "common/status.h"

namespace vigil::crm {

// `classes`: "ocf / PROVIDER PROVIDER..." and "stonith" when fence agents are installed.
std::string RaClasses(const std::vector<AgentInfo>& agents);
// `providers TYPE [CLASS]`: the providers of TYPE, on one line (empty when none has it).
Result<std::string> RaProviders(const std::vector<AgentInfo>& agents, const std::string& type, const std::string& cls);
// `list CLASS [PROVIDER]`: the types, sorted, in columns as crmsh fills a terminal `width` wide.
// Errors name the class or provider that does not exist.
Result<std::string> RaList(const std::vector<AgentInfo>& agents, const std::string& cls, const std::string& provider,
                           size_t width);
// `info AGENT`: the title, the description, the parameters (*: required, []: default) and the
// operations' default timeouts, from the meta-data XML; with `metadata` (the parsed form), what
// it requires and the parameters it adds (a fence device's pcmk_* ones) as it says. Errors: the
// XML does not read.
Result<std::string> RaInfo(const AgentInfo& agent, std::string_view xml, const AgentMetadata* metadata = nullptr);

// ls-like columns, as crmsh lays them out: as many columns of the longest item (at least 8)
// plus 2 as fit in `width`, filled row by row.
std::string Columns(const std::vector<std::string>& items, size_t width);

}  // namespace vigil::crm
