// crmsh's `configure show` text, and `show xml`, from a CIB document (internal to crm).
#pragma once

#include <pugixml.hpp>

#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace vigil::crm {

// The configuration in crmsh 4's syntax: nodes, resources, constraints (each sorted by id), then
// property, rsc_defaults and op_defaults sets. With `ids`, only those elements (a node by its id
// or name). Errors: kNotFound naming an id that is not there.
Result<std::string> ShowText(pugi::xml_node configuration, const std::vector<std::string>& ids);

// The document (its status already dropped); with `ids`, each configuration section keeps only
// those elements.
Result<std::string> ShowDocument(const pugi::xml_document& doc, const std::vector<std::string>& ids);

// The elements `ids` name (a node by its id or its name) in the sections ShowText prints, each
// once: what `edit ID...` replaces. Errors: kNotFound naming an id that is not there.
Result<std::vector<pugi::xml_node>> ShownElements(pugi::xml_node configuration, const std::vector<std::string>& ids);

// The crm word for a constraint element: rsc_location → location, rsc_colocation → colocation...
std::string_view ShowKind(std::string_view element);

}  // namespace vigil::crm
