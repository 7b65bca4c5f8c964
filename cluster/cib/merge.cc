#include "cluster/cib/merge.h"

#include <map>
#include <memory>
#include <sstream>
#include <tuple>
#include <vector>

#include <pugixml.hpp>

namespace vigil::cib {
namespace {

struct Object {
  pugi::xml_node node;
  std::string xml;
};
// By key ("section/tag id"), and the keys in document order.
struct Objects {
  std::map<std::string, Object> by_key;
  std::vector<std::string> order;
};

std::string Xml(pugi::xml_node node) {
  std::ostringstream out;
  node.print(out, "", pugi::format_raw);
  return out.str();
}

Result<std::unique_ptr<pugi::xml_document>> Load(std::string_view text, const char* what) {
  auto doc = std::make_unique<pugi::xml_document>();
  const auto parsed = doc->load_buffer(text.data(), text.size(), pugi::parse_default | pugi::parse_comments);
  if (!parsed || !doc->child("cib")) {
    return Status(StatusCode::kParseError, std::string(what) + " is not a CIB" + (parsed ? "" : std::string(": ") + parsed.description()));
  }
  return doc;
}

std::string Key(pugi::xml_node section, pugi::xml_node object, size_t index) {
  const char* id = object.attribute("id").value();
  return std::string(section.name()) + "/" + object.name() + " " + (*id != '\0' ? std::string(id) : "#" + std::to_string(index));
}

Objects Collect(const pugi::xml_document& doc) {
  Objects out;
  for (pugi::xml_node section : doc.child("cib").child("configuration").children()) {
    if (section.type() != pugi::node_element) continue;
    size_t index = 0;
    for (pugi::xml_node object : section.children()) {
      if (object.type() != pugi::node_element) continue;
      std::string key = Key(section, object, index++);
      out.order.push_back(key);
      out.by_key[key] = {object, Xml(object)};
    }
  }
  return out;
}

std::set<std::string> Differences(const Objects& a, const Objects& b) {
  std::set<std::string> out;
  for (const auto& [key, object] : a.by_key) {
    const auto other = b.by_key.find(key);
    if (other == b.by_key.end() || other->second.xml != object.xml) out.insert(key);
  }
  for (const auto& [key, object] : b.by_key) {
    if (!a.by_key.count(key)) out.insert(key);
  }
  return out;
}

// Whether `key` stands in `b` as in `a` (or is absent from both).
bool Same(const Objects& a, const Objects& b, const std::string& key) {
  const auto x = a.by_key.find(key);
  const auto y = b.by_key.find(key);
  if (x == a.by_key.end() || y == b.by_key.end()) return (x == a.by_key.end()) == (y == b.by_key.end());
  return x->second.xml == y->second.xml;
}

// A change's three CIBs: the one it was made against, the change, and the one held now.
struct ThreeCibs {
  std::unique_ptr<pugi::xml_document> base, change, current;
};

Result<ThreeCibs> LoadThree(std::string_view base, std::string_view change, std::string_view current) {
  ThreeCibs out;
  for (auto [text, doc, what] : {std::tuple{base, &out.base, "the CIB the change was made against"},
                                 std::tuple{change, &out.change, "the change"},
                                 std::tuple{current, &out.current, "the current CIB"}}) {
    auto loaded = Load(text, what);
    if (!loaded.ok()) return loaded.status();
    *doc = std::move(*loaded);
  }
  return out;
}

}  // namespace

Result<std::set<std::string>> ChangedObjects(std::string_view a, std::string_view b) {
  auto x = Load(a, "the first CIB");
  if (!x.ok()) return x.status();
  auto y = Load(b, "the second CIB");
  if (!y.ok()) return y.status();
  return Differences(Collect(**x), Collect(**y));
}

Result<bool> HoldsChange(std::string_view base, std::string_view change, std::string_view current) {
  auto cibs = LoadThree(base, change, current);
  if (!cibs.ok()) return cibs.status();
  const Objects mine = Collect(*cibs->change);
  const Objects held = Collect(*cibs->current);
  for (const std::string& key : Differences(Collect(*cibs->base), mine)) {
    if (!Same(mine, held, key)) return false;
  }
  return true;
}

Result<std::string> Rebase(std::string_view base, std::string_view change, std::string_view current) {
  auto cibs = LoadThree(base, change, current);
  if (!cibs.ok()) return cibs.status();
  auto& result = cibs->current;
  const Objects was = Collect(*cibs->base);
  const Objects mine = Collect(*cibs->change);
  Objects theirs = Collect(*result);
  const std::set<std::string> changed = Differences(was, mine);
  const std::set<std::string> moved_on = Differences(was, theirs);
  std::string both;
  for (const std::string& key : changed) {
    if (moved_on.count(key) && !Same(mine, theirs, key)) both += (both.empty() ? "" : ", ") + key;
  }
  if (!both.empty()) {
    return Status(StatusCode::kConflict, "conflict: the CIB changed meanwhile in what this change changes too (" + both + ")");
  }
  pugi::xml_node configuration = result->child("cib").child("configuration");
  if (!configuration) configuration = result->child("cib").append_child("configuration");
  // Removed objects first, then the others in the change's order, so that a new object can
  // follow the one before it.
  for (const std::string& key : changed) {
    if (mine.by_key.count(key)) continue;
    if (const auto it = theirs.by_key.find(key); it != theirs.by_key.end()) {
      it->second.node.parent().remove_child(it->second.node);
      theirs.by_key.erase(it);
    }
  }
  std::string previous;  // the key before, in the change's order, within one section
  for (const std::string& key : mine.order) {
    const Object& object = mine.by_key.at(key);
    const std::string section_name = object.node.parent().name();
    if (!previous.empty() && previous.substr(0, previous.find('/')) != section_name) previous.clear();
    if (changed.count(key)) {
      pugi::xml_node placed;
      if (const auto it = theirs.by_key.find(key); it != theirs.by_key.end()) {
        placed = it->second.node.parent().insert_copy_before(object.node, it->second.node);
        it->second.node.parent().remove_child(it->second.node);
      } else {
        pugi::xml_node section = configuration.child(section_name.c_str());
        if (!section) section = configuration.append_child(section_name.c_str());
        const auto after = previous.empty() ? theirs.by_key.end() : theirs.by_key.find(previous);
        placed = after != theirs.by_key.end() && after->second.node.parent() == section
                     ? section.insert_copy_after(object.node, after->second.node)
                     : section.prepend_copy(object.node);
      }
      theirs.by_key[key] = {placed, object.xml};
    }
    previous = key;
  }
  std::ostringstream out;
  result->save(out, "", pugi::format_raw | pugi::format_no_declaration);
  return out.str();
}

}  // namespace vigil::cib
