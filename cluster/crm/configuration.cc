#include "cluster/crm/configuration.h"

#include <pugixml.hpp>

#include <algorithm>
#include <cctype>
#include <functional>
#include <map>
#include <sstream>

#include "cluster/cib/cib.h"
#include "cluster/cib/merge.h"
#include "cluster/crm/editor.h"
#include "cluster/crm/show.h"
#include "cluster/crm/values.h"
#include "cluster/crm/words.h"
#include "host/params.h"

namespace vigil::crm {
namespace {

using pugi::xml_node;

Status Invalid(std::string message) { return Status(StatusCode::kInvalidArgument, std::move(message)); }

}  // namespace

struct Configuration::Impl {
  pugi::xml_document doc;
  std::string base;  // the CIB as read: what the changes were made against
  std::string version;
  bool changed = false;
  std::optional<std::set<std::string>> running;
  std::set<std::string> known_nodes;
  Agents* agents = nullptr;

  xml_node configuration() const { return doc.child("cib").child("configuration"); }
  crm::EditContext EditContext() const { return {configuration(), running, known_nodes, agents}; }

  // `copy`, a changed document, becomes the configuration if the whole CIB still reads as one
  // (the same reader vigild uses: what it would refuse at commit is refused here, now).
  Status Keep(const pugi::xml_document& copy) {
    std::ostringstream text;
    copy.save(text, "  ");
    if (auto cib = cib::Cib::Parse(text.str(), "the changed configuration"); !cib.ok()) return cib.status();
    doc.reset(copy);
    changed = true;
    return Status::Ok();
  }
};

Configuration::Configuration(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Configuration::Configuration(Configuration&&) noexcept = default;
Configuration& Configuration::operator=(Configuration&&) noexcept = default;
Configuration::~Configuration() = default;

Result<Configuration> Configuration::Parse(std::string_view cib_xml) {
  auto cib = cib::Cib::Parse(cib_xml, "the CIB");
  if (!cib.ok()) return cib.status();
  auto impl = std::make_unique<Impl>();
  // Comments kept, as vigild keeps them: a commit sends them back.
  if (!impl->doc.load_buffer(cib_xml.data(), cib_xml.size(), pugi::parse_default | pugi::parse_comments)) {
    return Status(StatusCode::kParseError, "the CIB is not XML");
  }
  impl->version = cib::VersionText(cib->model().versions);
  impl->base = std::string(cib_xml);
  xml_node root = impl->doc.child("cib");
  if (xml_node status = root.child("status")) root.remove_child(status);
  return Configuration(std::move(impl));
}

Result<Configuration> Configuration::Rebased(std::string_view current) const {
  auto merged = cib::Rebase(impl_->base, Document(), current);
  if (!merged.ok()) return merged.status();
  auto next = Parse(current);
  if (!next.ok()) return next.status();
  auto again = Parse(*merged);  // the merged document must read as a CIB, as every command's does
  if (!again.ok()) return again.status();
  next->impl_->doc.reset(again->impl_->doc);
  next->impl_->changed = true;
  next->impl_->running = impl_->running;
  next->impl_->known_nodes = impl_->known_nodes;
  next->impl_->agents = impl_->agents;
  return next;
}

const std::vector<std::string>& Configuration::UnsupportedCommands() {
  static const std::vector<std::string> kCommands = {"bundle"};
  return kCommands;
}

Status Configuration::Apply(const std::vector<std::string>& words, std::vector<std::string>* warnings) {
  if (words.empty()) return Invalid("configure: an empty command");
  pugi::xml_document copy;
  copy.reset(impl_->doc);
  std::vector<std::string> said;
  if (Status s = RunEditCommand(copy, impl_->EditContext(), words, &said); !s.ok()) return s;
  if (Status s = impl_->Keep(copy); !s.ok()) return Status(s.code(), words[0] + ": " + s.message());
  warnings->insert(warnings->end(), said.begin(), said.end());
  return Status::Ok();
}

Status Configuration::SetResourceAttribute(const std::string& rsc, const char* set_kind, const std::string& name,
                                           const std::optional<std::string>& value, std::string* said) {
  pugi::xml_document copy;
  copy.reset(impl_->doc);
  if (Status s = crm::SetResourceAttribute(copy, rsc, set_kind, name, value, said); !s.ok()) return s;
  return impl_->Keep(copy);
}

Status Configuration::SetDeepMeta(const std::string& rsc, const std::string& name, const std::string& value) {
  pugi::xml_document copy;
  copy.reset(impl_->doc);
  if (Status s = crm::SetDeepMeta(copy, rsc, name, value); !s.ok()) return s;
  return impl_->Keep(copy);
}

Status Configuration::Trace(const std::string& rsc, const std::string& op, const std::string& interval,
                            const std::string& dir) {
  pugi::xml_document copy;
  copy.reset(impl_->doc);
  if (Status s = TraceOperations(copy, rsc, op, interval, dir); !s.ok()) return s;
  return impl_->Keep(copy);
}

Status Configuration::Untrace(const std::string& rsc, const std::string& op, const std::string& interval) {
  pugi::xml_document copy;
  copy.reset(impl_->doc);
  if (Status s = UntraceOperations(copy, rsc, op, interval); !s.ok()) return s;
  return impl_->Keep(copy);
}

Status Configuration::PutConstraint(std::string_view element) {
  pugi::xml_document given;
  if (!given.load_buffer(element.data(), element.size()) || !given.first_child() ||
      given.first_child().next_sibling()) {
    return Status(StatusCode::kParseError, "not one constraint element");
  }
  pugi::xml_document copy;
  copy.reset(impl_->doc);
  xml_node configuration = copy.child("cib").child("configuration");
  xml_node constraints = configuration.child("constraints");
  if (!constraints) constraints = configuration.append_child("constraints");
  const xml_node x = given.first_child();
  if (xml_node old = constraints.find_child_by_attribute("id", x.attribute("id").value())) constraints.remove_child(old);
  constraints.append_copy(x);
  return impl_->Keep(copy);
}

Status Configuration::SetNodeUtilization(const std::string& node, const std::string& name,
                                         const std::optional<std::string>& value, std::string* said) {
  pugi::xml_document copy;
  copy.reset(impl_->doc);
  if (Status s = crm::SetNodeUtilization(copy, node, name, value, said); !s.ok()) return s;
  return impl_->Keep(copy);
}

Status Configuration::Replace(const std::vector<std::string>& ids, std::string_view text,
                              std::vector<std::string>* warnings) {
  pugi::xml_document copy;
  copy.reset(impl_->doc);
  xml_node conf = copy.child("cib").child("configuration");
  // What show printed for these ids (everything, without any) goes; the text puts it back.
  auto shown = ShownElements(conf, ids);
  if (!shown.ok()) return shown.status();
  // A constraint given back as it was shown keeps its element: ids show does not print (a rule's
  // given by $id) stay as they were, as crmsh leaves an object it finds unchanged.
  pugi::xml_document kept;
  std::map<std::string, std::pair<std::string, xml_node>> unchanged;  // id → (text, element in kept)
  for (xml_node x : *shown) {
    if (std::string_view(x.parent().name()) != "constraints") continue;
    const std::string id = x.attribute("id").value();
    if (auto shown_text = ShowText(conf, {id}); shown_text.ok()) unchanged[id] = {*shown_text, kept.append_copy(x)};
  }
  for (xml_node x : *shown) x.parent().remove_child(x);
  // The commands, a line at a time (a trailing backslash goes on), each applied in turn.
  std::vector<std::string> said;
  LineJoiner joiner;
  size_t line_number = 0;
  size_t first_line = 1;
  std::istringstream lines{std::string(text)};
  for (std::string line; std::getline(lines, line);) {
    ++line_number;
    if (!joiner.pending()) first_line = line_number;
    if (!joiner.Add(line)) continue;
    const std::string command = joiner.Take();
    auto words = SplitWords(command);
    const std::string where = "line " + std::to_string(first_line) + ": ";
    if (!words.ok()) return Status(words.status().code(), where + words.status().message());
    if (words->empty()) continue;
    if ((*words)[0] == "delete" || (*words)[0] == "erase") return Invalid(where + (*words)[0] + " has no place in an edit");
    if (Status s = RunEditCommand(copy, impl_->EditContext(), *words, &said); !s.ok()) return Status(s.code(), where + s.message());
    if (const auto it = words->size() > 1 ? unchanged.find((*words)[1]) : unchanged.end(); it != unchanged.end()) {
      xml_node made = conf.child("constraints").find_child_by_attribute("id", it->first.c_str());
      if (auto now_shown = ShowText(conf, {it->first}); made && now_shown.ok() && *now_shown == it->second.first) {
        conf.child("constraints").insert_copy_after(it->second.second, made);
        conf.child("constraints").remove_child(made);
      }
    }
  }
  if (joiner.pending()) return Invalid("line " + std::to_string(first_line) + ": the last line ends in a backslash");
  // A resource the edit removed must not be running, as delete requires.
  for (xml_node p : impl_->configuration().child("resources").children("primitive")) {
    const std::string id = p.attribute("id").value();
    if (conf.child("resources").find_child_by_attribute("primitive", "id", id.c_str())) continue;
    if (!impl_->running) return Invalid("cannot tell whether " + id + " runs (vigild knows no DC), so it cannot be removed");
    if (impl_->running->count(id)) return Invalid("resource " + id + " is running: stop it first, or keep it");
  }
  std::ostringstream out;
  copy.save(out, "  ");
  if (auto cib = cib::Cib::Parse(out.str(), "the edited configuration"); !cib.ok()) return cib.status();
  impl_->doc.reset(copy);
  impl_->changed = true;
  for (auto& w : said) {
    if (std::find(warnings->begin(), warnings->end(), w) == warnings->end()) warnings->push_back(std::move(w));
  }
  return Status::Ok();
}

Result<std::string> Configuration::Show(const std::vector<std::string>& ids) const {
  return ShowText(impl_->configuration(), ids);
}

Result<std::string> Configuration::ShowXml(const std::vector<std::string>& ids) const {
  return ShowDocument(impl_->doc, ids);
}

std::vector<std::string> Configuration::Verify() const {
  std::vector<std::string> problems;
  if (auto w = FencingWarning(impl_->configuration())) problems.push_back(std::move(*w));
  return problems;
}

std::string Configuration::Document() const {
  std::ostringstream text;
  impl_->doc.save(text, "  ");
  return text.str();
}

const std::string& Configuration::version() const { return impl_->version; }
bool Configuration::changed() const { return impl_->changed; }
void Configuration::set_agents(Agents* agents) { impl_->agents = agents; }
void Configuration::set_known_nodes(std::set<std::string> names) { impl_->known_nodes = std::move(names); }
void Configuration::set_running(std::optional<std::set<std::string>> running) { impl_->running = std::move(running); }

std::vector<std::string> Configuration::Ids() const {
  std::vector<std::string> ids;
  const xml_node conf = impl_->configuration();
  for (const char* section : {"resources", "constraints"}) {
    for (xml_node x : conf.child(section).children()) ids.push_back(x.attribute("id").value());
  }
  for (xml_node set : conf.child("crm_config").children()) ids.push_back(set.attribute("id").value());
  return ids;
}

}  // namespace vigil::crm
