// The configure commands that change the configuration (node, primitive, property, rsc_defaults,
// op_defaults, location, colocation, order, delete, erase): what one command does to a copy of
// the CIB document, in crmsh's XML (its elements, attribute order and ids). Configuration
// (configuration.h) stages the copies and reads the whole CIB back after each command; this is
// crm's own, not a public interface. Not thread-safe.
#pragma once

#include <pugixml.hpp>

#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "cluster/crm/agents.h"
#include "common/status.h"

namespace vigil::crm {

// What a command is checked against besides the document it changes.
struct EditContext {
  pugi::xml_node staged;  // the configuration the command (or an edit) starts from
  // The resources running somewhere, which delete and erase refuse to remove (nullopt: unknown,
  // so every resource is refused); the nodes vigild knows; the agents primitives are checked
  // against (none: vigild checks them at commit).
  const std::optional<std::set<std::string>>& running;
  const std::set<std::string>& known_nodes;
  Agents* agents = nullptr;
};

// Applies `words` (words[0] is the command) to `doc`; warnings (an unknown property, a location
// on a node never seen) go to `warnings`. Errors: kInvalidArgument in one line naming the
// command, the word and what was expected; kNotFound for an unknown id; kUnsupported for crmsh
// syntax Vigil cannot place. On an error `doc` may be half changed: callers work on a copy.
Status RunEditCommand(pugi::xml_document& doc, const EditContext& context, const std::vector<std::string>& words,
                      std::vector<std::string>* warnings);

// The element with this id under `root`, or a null node (pugixml's search is iterative: no depth
// limit).
pugi::xml_node FindId(pugi::xml_node root, std::string_view id);
// `base`, or base-0, base-1... when it is taken under `root`: crmsh's way of making ids.
std::string FreeId(pugi::xml_node root, const std::string& base);

// A role as crmsh writes it into the CIB `cib` (its <cib> element): Promoted and Unpromoted become
// Master and Slave when its schema (validate-with) is older than pacemaker-3.7, which knows only
// those; any other role as it is.
std::string RoleForSchema(pugi::xml_node cib, const std::string& role);

// Sets (or, without a value, removes) attribute `name` of resource `rsc` (a primitive, group,
// clone or ms) in its first `set_kind` set (meta_attributes, instance_attributes or utilization;
// a new one, <rsc>-<set_kind>, when it has none), as crm_resource --set-parameter (with --meta or
// --utilization) and --delete-parameter do for crm resource meta, param, utilization, promote,
// manage... *said: crm_resource's lines for it (none when there was nothing to remove). Errors:
// kNotFound naming `rsc`.
Status SetResourceAttribute(pugi::xml_document& doc, const std::string& rsc, const char* set_kind,
                            const std::string& name, const std::optional<std::string>& value, std::string* said);
// crm resource manage, unmanage, maintenance: meta attribute `name` set to `value` on `rsc`, or on
// the clone that clones it (whose child then loses its own value), with the sets that are left
// empty in it removed, as crmsh's set_deep_meta_attr does (without its questions about group
// members that say otherwise). Errors: kNotFound naming `rsc`.
Status SetDeepMeta(pugi::xml_document& doc, const std::string& rsc, const std::string& name, const std::string& value);
// Sets (or removes) capacity `name` of node `node` (by name) in its <utilization>
// (nodes-<id>-utilization), as crm_attribute -z does for crm node utilization; *said:
// crm_attribute's line for a removal. Errors: kNotFound for a node <nodes> lacks.
Status SetNodeUtilization(pugi::xml_document& doc, const std::string& node, const std::string& name,
                          const std::optional<std::string>& value, std::string* said);

// crm resource trace: primitive `rsc`'s operations get trace_ra=1 (and trace_dir=`dir`) in their
// instance_attributes, which the agent's shell functions read to trace themselves, as crmsh 4.4
// writes them: every operation (a start and a stop added where none is configured) without `op`;
// every `op` with it (added at interval 0 where none is, except a monitor); the one at
// `interval` with both (added only at interval 0). "probe" is the interval-0 monitor. Each op
// touched goes last, as crmsh re-adds it. Errors: kNotFound (no such resource, or no such
// operation where one cannot be added), kInvalidArgument (not a primitive).
Status TraceOperations(pugi::xml_document& doc, const std::string& rsc, std::string op, std::string interval,
                       const std::string& dir);
// crm resource untrace: trace_ra and trace_dir off the operations that have them (without `op`),
// off every `op` (one at least must exist), or off the one at `interval`; an op left with only
// its name and interval 0 goes, as does an emptied <operations>. Errors as above.
Status UntraceOperations(pugi::xml_document& doc, const std::string& rsc, std::string op, std::string interval);

}  // namespace vigil::crm
