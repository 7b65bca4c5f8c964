#include "cluster/cib/cib_ops.h"

#include <pugixml.hpp>

#include <algorithm>
#include <array>
#include <functional>
#include <sstream>
#include <vector>

namespace vigil::cib {
namespace {

constexpr std::array<std::string_view, 10> kConfigurationSections = {
    "crm_config", "nodes", "resources", "constraints", "rsc_defaults", "op_defaults", "acls", "fencing-topology",
    "tags", "alerts"};

Result<pugi::xml_document*> Load(pugi::xml_document& doc, std::string_view text, const char* what) {
  const auto parsed = doc.load_buffer(text.data(), text.size(), pugi::parse_default | pugi::parse_comments);
  if (!parsed) {
    return Status(StatusCode::kParseError,
                  std::string(what) + " is not XML: offset " + std::to_string(parsed.offset) + ": " + parsed.description());
  }
  if (!doc.document_element()) return Status(StatusCode::kParseError, std::string(what) + " has no element");
  return &doc;
}

std::string Text(const pugi::xml_node n) {
  std::ostringstream out;
  n.print(out, "  ", pugi::format_indent);
  return PacemakerSpacing(out.str());
}

bool KnownScope(std::string_view scope) {
  return scope.empty() || scope == "configuration" || scope == "status" ||
         std::find(kConfigurationSections.begin(), kConfigurationSections.end(), scope) != kConfigurationSections.end();
}

Status UnknownScope(std::string_view scope) {
  std::string known = "configuration, status";
  for (const auto s : kConfigurationSections) known += ", " + std::string(s);
  return Status(StatusCode::kNotFound, "no section '" + std::string(scope) + "' in a CIB (the sections: " + known + ")");
}

// The scope's element, made when a section of the configuration is missing and `make`.
pugi::xml_node Section(pugi::xml_document& doc, std::string_view scope, bool make) {
  pugi::xml_node cib = doc.child("cib");
  if (scope.empty()) return cib;
  const std::string name(scope);
  if (scope == "configuration" || scope == "status") {
    pugi::xml_node n = cib.child(name.c_str());
    return n || !make ? n : cib.append_child(name.c_str());
  }
  pugi::xml_node configuration = cib.child("configuration");
  if (!configuration) return {};
  pugi::xml_node n = configuration.child(name.c_str());
  return n || !make ? n : configuration.append_child(name.c_str());
}

// The first element in document order under (and including) `root` for which `match` holds.
pugi::xml_node First(pugi::xml_node root, const std::function<bool(pugi::xml_node)>& match) {
  if (match(root)) return root;
  for (pugi::xml_node c = root.first_child(); c; c = c.next_sibling()) {
    if (c.type() != pugi::node_element) continue;
    if (pugi::xml_node found = First(c, match)) return found;
  }
  return {};
}

// Of `element`'s kind and id (any of its kind when it has none).
bool SameObject(pugi::xml_node n, pugi::xml_node element) {
  if (std::string_view(n.name()) != element.name()) return false;
  const pugi::xml_attribute id = element.attribute("id");
  return !id || std::string_view(n.attribute("id").value()) == id.value();
}

// `from`'s attributes onto `into`, and its children merged: each into its match among `into`'s
// children (same kind and id), or added.
void Merge(pugi::xml_node into, pugi::xml_node from) {
  for (const pugi::xml_attribute a : from.attributes()) {
    pugi::xml_attribute mine = into.attribute(a.name());
    if (!mine) mine = into.append_attribute(a.name());
    mine.set_value(a.value());
  }
  for (pugi::xml_node child = from.first_child(); child; child = child.next_sibling()) {
    if (child.type() != pugi::node_element) continue;
    pugi::xml_node match;
    for (pugi::xml_node c = into.first_child(); c && !match; c = c.next_sibling()) {
      if (c.type() == pugi::node_element && SameObject(c, child)) match = c;
    }
    if (match) {
      Merge(match, child);
    } else {
      into.append_copy(child);
    }
  }
}

Result<std::string> Saved(const pugi::xml_document& doc) {
  std::ostringstream out;
  doc.save(out, "  ", pugi::format_indent | pugi::format_no_declaration);
  return PacemakerSpacing(out.str());
}

int64_t Number(pugi::xml_node n, const char* name) { return n.attribute(name).as_llong(0); }

}  // namespace

std::string PacemakerSpacing(std::string xml) {
  // Only the space before a tag's own "/>": not in an attribute's value, a comment or text.
  std::string out;
  out.reserve(xml.size());
  bool in_tag = false;
  char quote = 0;
  for (size_t i = 0; i < xml.size(); ++i) {
    const char c = xml[i];
    if (!in_tag) {
      if (xml.compare(i, 4, "<!--") == 0) {
        const size_t end = xml.find("-->", i + 4);
        const size_t stop = end == std::string::npos ? xml.size() : end + 3;
        out.append(xml, i, stop - i);
        i = stop - 1;
        continue;
      }
      if (c == '<') in_tag = true;
    } else if (quote != 0) {
      if (c == quote) quote = 0;
    } else if (c == '"' || c == '\'') {
      quote = c;
    } else if (c == '>') {
      in_tag = false;
    } else if (c == ' ' && xml.compare(i, 3, " />") == 0) {
      continue;
    }
    out += c;
  }
  return out;
}

Result<std::string> QueryCib(std::string_view cib, std::string_view scope) {
  if (!KnownScope(scope)) return UnknownScope(scope);
  pugi::xml_document doc;
  if (auto loaded = Load(doc, cib, "the CIB"); !loaded.ok()) return loaded.status();
  const pugi::xml_node n = Section(doc, scope, false);
  if (!n) return Status(StatusCode::kNotFound, "the CIB has no " + std::string(scope) + " section");
  return Text(n);
}

Result<std::string> CreateInCib(std::string_view cib, std::string_view scope, std::string_view element) {
  if (scope.empty()) {
    return Status(StatusCode::kNotFound, "--create needs the section to create in (-o, --scope)");
  }
  if (!KnownScope(scope)) return UnknownScope(scope);
  pugi::xml_document doc, input;
  if (auto loaded = Load(doc, cib, "the CIB"); !loaded.ok()) return loaded.status();
  if (auto loaded = Load(input, element, "the element"); !loaded.ok()) return loaded.status();
  const pugi::xml_node object = input.document_element();
  pugi::xml_node section = Section(doc, scope, true);
  if (!section) return Status(StatusCode::kNotFound, "the CIB has no configuration");
  // An element named like the section brings the elements it holds.
  std::vector<pugi::xml_node> made;
  if (std::string_view(object.name()) == section.name()) {
    for (pugi::xml_node c = object.first_child(); c; c = c.next_sibling()) {
      if (c.type() == pugi::node_element) made.push_back(c);
    }
  } else {
    made.push_back(object);
  }
  for (const pugi::xml_node m : made) {
    for (pugi::xml_node c = section.first_child(); c; c = c.next_sibling()) {
      // (Without an id, any element of its kind is taken as it, as Pacemaker's cibadmin takes it.)
      if (c.type() == pugi::node_element && SameObject(c, m)) {
        return Status(StatusCode::kAlreadyExists,
                      std::string("the ") + section.name() + " section already has a <" + m.name() +
                          (m.attribute("id") ? std::string(" id=\"") + m.attribute("id").value() + "\"" : std::string()) + ">");
      }
    }
    section.append_copy(m);
  }
  return Saved(doc);
}

Result<std::string> ModifyCib(std::string_view cib, std::string_view scope, std::string_view element,
                              bool allow_create) {
  if (!KnownScope(scope)) return UnknownScope(scope);
  pugi::xml_document doc, input;
  if (auto loaded = Load(doc, cib, "the CIB"); !loaded.ok()) return loaded.status();
  if (auto loaded = Load(input, element, "the element"); !loaded.ok()) return loaded.status();
  const pugi::xml_node object = input.document_element();
  pugi::xml_node root = Section(doc, scope, allow_create);
  // An element without an id matches only one without an id (Pacemaker's way).
  const auto same = [&](pugi::xml_node n) {
    return SameObject(n, object) && (object.attribute("id") || !n.attribute("id"));
  };
  pugi::xml_node target = root ? First(root, same) : pugi::xml_node();
  if (target) {
    Merge(target, object);
  } else if (allow_create && root) {
    root.append_copy(object);
  } else {
    return Status(StatusCode::kNotFound, std::string("no <") + object.name() +
                                             (object.attribute("id") ? std::string(" id=\"") + object.attribute("id").value() + "\"" : "") +
                                             "> to modify" + (scope.empty() ? "" : " in " + std::string(scope)) +
                                             " (--allow-create adds it)");
  }
  return Saved(doc);
}

Result<std::string> DeleteFromCib(std::string_view cib, std::string_view scope, std::string_view element,
                                  bool* removed_out) {
  bool removed_here = false;
  bool* removed = removed_out != nullptr ? removed_out : &removed_here;
  *removed = false;
  if (!KnownScope(scope)) return UnknownScope(scope);
  pugi::xml_document doc, input;
  if (auto loaded = Load(doc, cib, "the CIB"); !loaded.ok()) return loaded.status();
  if (auto loaded = Load(input, element, "the element"); !loaded.ok()) return loaded.status();
  const pugi::xml_node object = input.document_element();
  const pugi::xml_node root = Section(doc, scope, false);
  if (!root) return std::string(cib);
  // An element named like the section stands for the elements it holds.
  std::vector<pugi::xml_node> wanted;
  if (std::string_view(object.name()) == root.name()) {
    for (pugi::xml_node c = object.first_child(); c; c = c.next_sibling()) {
      if (c.type() == pugi::node_element) wanted.push_back(c);
    }
  } else {
    wanted.push_back(object);
  }
  const pugi::xml_node cib_root = doc.child("cib");
  for (const pugi::xml_node w : wanted) {
    pugi::xml_node target = First(root, [&](pugi::xml_node n) {
      if (n == root || std::string_view(n.name()) != w.name()) return false;
      for (const pugi::xml_attribute a : w.attributes()) {
        if (!n.attribute(a.name()) || std::string_view(n.attribute(a.name()).value()) != a.value()) return false;
      }
      return true;
    });
    if (!target) continue;
    // A section itself is never deleted (Pacemaker's cibadmin leaves a CIB its schema refuses).
    if (target == cib_root || target.parent() == cib_root || target.parent() == cib_root.child("configuration")) {
      return Status(StatusCode::kInvalidArgument, std::string("that would delete the ") + target.name() +
                                                      " section itself; name the elements in it");
    }
    target.parent().remove_child(target);
    *removed = true;
  }
  if (!*removed) return std::string(cib);
  return Saved(doc);
}

Result<std::string> ReplaceInCib(std::string_view cib, std::string_view scope, std::string_view element) {
  if (!KnownScope(scope)) return UnknownScope(scope);
  pugi::xml_document doc, input;
  if (auto loaded = Load(doc, cib, "the CIB"); !loaded.ok()) return loaded.status();
  if (auto loaded = Load(input, element, "the element"); !loaded.ok()) return loaded.status();
  const pugi::xml_node object = input.document_element();
  if (std::string_view(object.name()) == "cib") {
    const pugi::xml_node current = doc.child("cib");
    const auto older = [&] {
      if (Number(object, "admin_epoch") != Number(current, "admin_epoch")) {
        return Number(object, "admin_epoch") < Number(current, "admin_epoch");
      }
      return Number(object, "epoch") < Number(current, "epoch");
    };
    if (older()) {
      return Status(StatusCode::kConflict,
                    "Update was older than existing configuration (admin_epoch " + std::to_string(Number(object, "admin_epoch")) +
                        ", epoch " + std::to_string(Number(object, "epoch")) + " against " +
                        std::to_string(Number(current, "admin_epoch")) + ", " + std::to_string(Number(current, "epoch")) + ")");
    }
    return std::string(element);
  }
  pugi::xml_node root = Section(doc, scope, true);
  if (!root) return Status(StatusCode::kNotFound, "the CIB has no configuration");
  pugi::xml_node target =
      std::string_view(root.name()) == object.name() ? root : First(root, [&](pugi::xml_node n) { return SameObject(n, object); });
  if (!target) {
    return Status(StatusCode::kNotFound, std::string("no <") + object.name() + "> to replace" +
                                             (scope.empty() ? "" : " in " + std::string(scope)));
  }
  target.parent().insert_copy_after(object, target);
  target.parent().remove_child(target);
  return Saved(doc);
}

namespace {

// The node at `position` among `parent`'s elements and comments (crm_diff counts both; null past
// the end).
pugi::xml_node ElementAt(pugi::xml_node parent, long position) {
  for (pugi::xml_node c = parent.first_child(); c; c = c.next_sibling()) {
    if (c.type() != pugi::node_element && c.type() != pugi::node_comment) continue;
    if (position-- == 0) return c;
  }
  return {};
}

pugi::xml_node Find(pugi::xml_document& doc, const std::string& path) {
  try {
    return doc.select_node(path.c_str()).node();
  } catch (const pugi::xpath_exception&) {
    return {};
  }
}

}  // namespace

Result<std::string> PatchedCib(std::string_view cib, std::string_view patch) {
  pugi::xml_document doc, diff;
  if (auto loaded = Load(doc, cib, "the CIB"); !loaded.ok()) return loaded.status();
  if (auto loaded = Load(diff, patch, "the patch"); !loaded.ok()) return loaded.status();
  const pugi::xml_node root = diff.document_element();
  if (std::string_view(root.name()) != "diff") return Status(StatusCode::kParseError, "the patch is no <diff>");
  if (std::string_view(root.attribute("format").value()) != "2") {
    return Status(StatusCode::kUnsupported, "a patch of format " +
                                                std::string(root.attribute("format") ? root.attribute("format").value() : "1") +
                                                " is not taken (crm_diff makes format 2)");
  }
  const pugi::xml_node current = doc.child("cib");
  if (const pugi::xml_node source = root.child("version").child("source")) {
    for (const char* field : {"admin_epoch", "epoch", "num_updates"}) {
      if (Number(source, field) != Number(current, field)) {
        return Status(StatusCode::kConflict,
                      "the patch was made against version " + std::to_string(Number(source, "admin_epoch")) + ":" +
                          std::to_string(Number(source, "epoch")) + ":" + std::to_string(Number(source, "num_updates")) +
                          ", the CIB is at " + std::to_string(Number(current, "admin_epoch")) + ":" +
                          std::to_string(Number(current, "epoch")) + ":" + std::to_string(Number(current, "num_updates")));
      }
    }
  }
  for (pugi::xml_node change = root.child("change"); change; change = change.next_sibling("change")) {
    const std::string operation = change.attribute("operation").value();
    const std::string path = change.attribute("path").value();
    pugi::xml_node target = Find(doc, path);
    const long position = change.attribute("position").as_llong(-1);
    if (operation == "delete") {
      if (target && target != current) target.parent().remove_child(target);
      continue;
    }
    if (!target) return Status(StatusCode::kNotFound, "the patch's " + operation + " names " + path + ", which the CIB has not");
    if (operation == "move" && target == current) return Status(StatusCode::kParseError, "the patch moves the <cib> itself");
    if (operation == "create") {
      pugi::xml_node made;
      for (pugi::xml_node c = change.first_child(); c; c = c.next_sibling()) {
        if (c.type() == pugi::node_element) made = c;
      }
      if (!made) return Status(StatusCode::kParseError, "the patch creates nothing under " + path);
      const pugi::xml_node before = position < 0 ? pugi::xml_node() : ElementAt(target, position);
      if (before) {
        target.insert_copy_before(made, before);
      } else {
        target.append_copy(made);
      }
    } else if (operation == "modify") {
      for (pugi::xml_node a = change.child("change-list").child("change-attr"); a; a = a.next_sibling("change-attr")) {
        const char* name = a.attribute("name").value();
        if (std::string_view(a.attribute("operation").value()) == "unset") {
          target.remove_attribute(name);
          continue;
        }
        pugi::xml_attribute mine = target.attribute(name);
        if (!mine) mine = target.append_attribute(name);
        mine.set_value(a.attribute("value").value());
      }
    } else if (operation == "move") {
      pugi::xml_node parent = target.parent();
      pugi::xml_document moved;
      moved.append_copy(target);
      parent.remove_child(target);
      const pugi::xml_node before = position < 0 ? pugi::xml_node() : ElementAt(parent, position);
      if (before) {
        parent.insert_copy_before(moved.first_child(), before);
      } else {
        parent.append_copy(moved.first_child());
      }
    } else {
      return Status(StatusCode::kParseError, "the patch has an operation '" + operation + "'");
    }
  }
  return Saved(doc);
}

namespace {

// The elements `xpath` selects in `doc`, in document order (an attribute: its element, once).
Result<std::vector<pugi::xml_node>> Select(const pugi::xml_document& doc, std::string_view xpath) {
  pugi::xpath_node_set found;
  try {
    found = doc.select_nodes(std::string(xpath).c_str());
  } catch (const pugi::xpath_exception& e) {
    return Status(StatusCode::kParseError, "the XPath '" + std::string(xpath) + "' does not read: " + e.what());
  }
  found.sort();
  std::vector<pugi::xml_node> out;
  for (const pugi::xpath_node& n : found) {
    const pugi::xml_node element = n.attribute() ? n.parent() : n.node();
    if (element.type() != pugi::node_element) continue;
    if (std::find(out.begin(), out.end(), element) == out.end()) out.push_back(element);
  }
  if (out.empty()) return Status(StatusCode::kNotFound, "nothing in the CIB matches '" + std::string(xpath) + "'");
  return out;
}

// An element's path as cibadmin --node-path writes it: each step by name, and by id where it has one.
std::string PathOf(pugi::xml_node n) {
  std::string path;
  for (; n && n.type() == pugi::node_element; n = n.parent()) {
    std::string step = std::string("/") + n.name();
    if (n.attribute("id")) step += std::string("[@id='") + n.attribute("id").value() + "']";
    path = step + path;
  }
  return path;
}

}  // namespace

Result<std::string> QueryXpath(std::string_view cib, std::string_view xpath, bool node_path, bool no_children) {
  pugi::xml_document doc;
  if (auto loaded = Load(doc, cib, "the CIB"); !loaded.ok()) return loaded.status();
  auto found = Select(doc, xpath);
  if (!found.ok()) return found.status();
  if (node_path) {
    std::string out;
    for (const auto& n : *found) out += PathOf(n) + "\n";
    return out;
  }
  pugi::xml_document shown;
  pugi::xml_node into = found->size() == 1 ? shown.root() : shown.append_child("xpath-query");
  for (const auto& n : *found) {
    pugi::xml_node copy = into.append_copy(n);
    if (no_children) {
      while (copy.first_child()) copy.remove_child(copy.first_child());
    }
  }
  return Text(shown.document_element());
}

Result<std::string> ChangeAtXpath(std::string_view cib, std::string_view xpath, XpathChange change,
                                  std::string_view element, bool* removed) {
  if (removed != nullptr) *removed = false;
  pugi::xml_document doc, input;
  if (auto loaded = Load(doc, cib, "the CIB"); !loaded.ok()) return loaded.status();
  if (change != XpathChange::kDelete) {
    if (auto loaded = Load(input, element, "the element"); !loaded.ok()) return loaded.status();
  }
  auto found = Select(doc, xpath);
  if (!found.ok()) {
    if (change == XpathChange::kDelete && found.status().code() == StatusCode::kNotFound) return Saved(doc);
    return found.status();
  }
  pugi::xml_node target = found->front();
  const std::string_view name = target.name();
  const bool section = target.parent() == doc.child("cib") ||
                       (target.parent() == doc.child("cib").child("configuration") && KnownScope(name));
  if (change == XpathChange::kDelete) {
    if (name == "cib" || section) {
      return Status(StatusCode::kInvalidArgument, "the <" + std::string(name) + "> section itself is not deleted");
    }
    target.parent().remove_child(target);
    if (removed != nullptr) *removed = true;
  } else if (change == XpathChange::kModify) {
    // The element given is the one selected or one within it, by its name and id.
    const pugi::xml_node object = input.document_element();
    const pugi::xml_node into = First(target, [&](pugi::xml_node n) {
      return std::string_view(n.name()) == object.name() &&
             (!object.attribute("id") || std::string_view(n.attribute("id").value()) == object.attribute("id").value());
    });
    if (!into) {
      return Status(StatusCode::kNotFound, std::string("no <") + object.name() + "> with that id at '" + std::string(xpath) + "'");
    }
    Merge(into, object);
  } else {
    // The new element goes last among its parent's children, as Pacemaker's cibadmin puts it.
    pugi::xml_node parent = target.parent();
    parent.remove_child(target);
    parent.append_copy(input.document_element());
  }
  return Saved(doc);
}

Result<std::string> ErasedCib(std::string_view cib) {
  pugi::xml_document doc;
  if (auto loaded = Load(doc, cib, "the CIB"); !loaded.ok()) return loaded.status();
  pugi::xml_node root = doc.child("cib");
  if (!root) return Status(StatusCode::kParseError, "the CIB has no <cib>");
  for (pugi::xml_node c = root.first_child(); c;) {
    const pugi::xml_node next = c.next_sibling();
    root.remove_child(c);
    c = next;
  }
  pugi::xml_node configuration = root.append_child("configuration");
  for (const char* section : {"crm_config", "nodes", "resources", "constraints"}) configuration.append_child(section);
  root.append_child("status");
  pugi::xml_attribute admin = root.attribute("admin_epoch");
  if (!admin) admin = root.append_attribute("admin_epoch");
  admin.set_value(std::to_string(Number(root, "admin_epoch") + 1).c_str());
  return Saved(doc);
}

}  // namespace vigil::cib
