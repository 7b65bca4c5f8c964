// crmsh's rule syntax for location constraints, read into <rule> elements and shown back as
// crmsh 4.4 writes and shows them:
//
//   rule [$id=ID | $id-ref=ID] [$role=ROLE] [SCORE: | ATTRIBUTE:] EXPRESSION [rule ...]
//   EXPRESSION := SIMPLE [and|or SIMPLE ...]            (one of and/or per rule)
//   SIMPLE     := ATTRIBUTE [TYPE:]OP VALUE | ATTRIBUTE [TYPE:]OP SOURCE{NAME}
//               | defined ATTRIBUTE | not_defined ATTRIBUTE
//               | date lt END | date gt START
//               | date in[_range] start=START (end=END | DURATION...)
//               | date spec[date_spec] FIELD=VALUE...
//
// A word ending in ':' that is not a score names the node attribute whose value is the score
// (score-attribute); without one the score is INFINITY. Ids are made as crmsh makes them
// (LOCATION-rule, RULE-expression, EXPR-date_spec..., with -0, -1... when taken).
// Not thread-safe (it edits a document); crm's own, not a public interface.
#pragma once

#include <pugixml.hpp>

#include <string>
#include <vector>

#include "common/status.h"

namespace vigil::crm {

// Appends to `location` the rules `words` give (words[0] is "rule"); `root` is the document's
// element ids are made unique in. Errors: kInvalidArgument saying which word and what was expected
// (without the command's name: the caller adds it); kNotFound for an id-ref naming no rule. On an
// error `location` may hold part of the rules: callers work on a copy.
Status AppendRules(const std::vector<std::string>& words, pugi::xml_node location, pugi::xml_node root);

// One rule as crmsh shows it ("-inf: not_defined pingd or pingd lte 0"), without the word "rule".
std::string ShowRule(pugi::xml_node rule);

}  // namespace vigil::crm
