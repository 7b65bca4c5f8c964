// cibadmin's operations on a CIB document, as Pacemaker 2.1.5's cibadmin carries them out (its
// behaviour on a CIB file, CIB_file=, is the reference the tests hold them to). Each takes the
// CIB's text and an element's text and returns the new CIB's text; the caller submits it. A
// scope names a section: configuration, status, or one of configuration's (crm_config, nodes,
// resources, constraints, rsc_defaults, op_defaults, acls, fencing-topology, tags, alerts);
// empty: the whole CIB.
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"

namespace vigil::cib {

// XML printed by pugixml as Pacemaker's tools print it: no space before a tag's "/>" (values,
// comments and text are left as they are).
std::string PacemakerSpacing(std::string xml);

// The scope's element as cibadmin --query prints it (two-space indents, no declaration).
// Errors: kNotFound (an unknown scope, named with the known ones), kParseError.
Result<std::string> QueryCib(std::string_view cib, std::string_view scope);

// --create: `element` added to the scope's section (which is required); an element named like
// the section adds the elements it holds. Errors: kNotFound (no scope), kAlreadyExists (the
// section holds an element of that kind with that id, or of that kind at all for one without an
// id), kParseError.
Result<std::string> CreateInCib(std::string_view cib, std::string_view scope, std::string_view element);

// --modify: the first element (in document order, within the scope) of `element`'s kind and id
// (one of its kind without an id when it has none) gets `element`'s attributes, and its children merged the
// same way, a child without a match added. Without a match: added to the scope's section when
// `allow_create`, else kNotFound.
Result<std::string> ModifyCib(std::string_view cib, std::string_view scope, std::string_view element,
                              bool allow_create);

// --delete: the first element (document order, within the scope) of `element`'s kind that has
// every attribute `element` has, removed; an element named like the section stands for each
// element it holds; none: the CIB unchanged. `*removed` says which. A section itself is never
// removed: kInvalidArgument.
Result<std::string> DeleteFromCib(std::string_view cib, std::string_view scope, std::string_view element,
                                  bool* removed);

// --replace: `element` in place of the scope's section when it is that section, else of the
// first element of its kind and id within the scope; a whole <cib> replaces the CIB, unless it is
// older (admin_epoch, then epoch): kConflict. Errors: kNotFound (nothing to replace).
Result<std::string> ReplaceInCib(std::string_view cib, std::string_view scope, std::string_view element);

// --patch: `patch` (crm_diff's patchset, format 2) applied: each change in turn, its path an
// XPath of the CIB (create: the element made at `position` among the children of the path's
// element; delete: the path's element removed, nothing when it is gone already; modify: its
// attributes set and unset; move: put at `position` among its siblings). A patch with a <version>
// applies only to the CIB its source names (else kConflict). Errors: kUnsupported (a format 1
// patch), kNotFound (a path to create in, modify or move that is not there), kParseError.
Result<std::string> PatchedCib(std::string_view cib, std::string_view patch);

// --query --xpath: the elements `xpath` selects in document order (an attribute selected stands
// for its element), as cibadmin prints them: one alone, several within <xpath-query>; with
// `node_path`, each one's path instead ("/cib/configuration/resources/primitive[@id='d']"); with
// `no_children`, each without its children. Errors: kNotFound (nothing selected), kParseError (an
// expression that does not read, or a CIB that is not XML).
Result<std::string> QueryXpath(std::string_view cib, std::string_view xpath, bool node_path, bool no_children);

// --delete, --modify and --replace with --xpath, on the first element `xpath` selects: removed;
// `element` merged (as --modify merges) into it or into the element within it of `element`'s name
// and id (none: kNotFound); or removed and `element` put last among its parent's children (where
// Pacemaker's cibadmin puts it). Errors: kNotFound (nothing selected: for a delete, the CIB is
// returned unchanged instead, `*removed` false), kInvalidArgument (the <cib> itself, or a section,
// to delete: Pacemaker's deletes a section), kParseError.
enum class XpathChange { kDelete, kModify, kReplace };
Result<std::string> ChangeAtXpath(std::string_view cib, std::string_view xpath, XpathChange change,
                                  std::string_view element, bool* removed);

// --erase: the CIB emptied (the configuration's four sections and the status left empty), its
// admin_epoch one higher so that every node takes it.
Result<std::string> ErasedCib(std::string_view cib);

}  // namespace vigil::cib
