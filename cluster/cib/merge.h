// Changes to a CIB's configuration, object by object, for the two places that must reason about a
// change made against an older version: crm re-making a user's change on a CIB that moved on
// meanwhile (Rebase), and a node telling whether a change whose answer was lost is in the CIB
// (HoldsChange).
//
// An object is one child of a configuration section (crm_config, nodes, resources, constraints,
// rsc_defaults, op_defaults, or any other): a property set, a node, a primitive, a constraint,
// ... It is known by its section, tag and id (one without an id by its place). Two versions of
// an object are the same when their XML is, to the byte. The status section and the <cib>
// element's own attributes (the version) are not objects.
#pragma once

#include <set>
#include <string>
#include <string_view>

#include "common/status.h"

namespace vigil::cib {

// The objects that differ between the two CIBs (added, removed or changed), as
// "section/tag id". Errors: kParseError (either is not XML with a <cib>).
Result<std::set<std::string>> ChangedObjects(std::string_view a, std::string_view b);

// Whether `current` holds every object that `change` changed from `base` as `change` left it
// (an object it removed is absent). Errors: kParseError.
Result<bool> HoldsChange(std::string_view base, std::string_view change, std::string_view current);

// `change`, made against `base`, made again on `current`: `current` with every object that
// `change` changed set as `change` left it (a new one after the object it follows in `change`).
// The <cib> attributes and status are `current`'s. Errors: kConflict naming the objects that
// both `change` and `current` changed, differently; kParseError.
Result<std::string> Rebase(std::string_view base, std::string_view change, std::string_view current);

}  // namespace vigil::cib
