// crm's commands, one handler each (the tables that name them are in shell.cc).
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <cctype>
#include <fstream>
#include <functional>
#include <iterator>
#include <map>
#include <set>
#include <sstream>
#include <ostream>
#include <thread>

#include <pugixml.hpp>

#include "cluster/cib/cib.h"
#include "cluster/cib/score.h"
#include "cluster/control/cluster_status.h"
#include "cluster/control/crm_mon_output.h"
#include "cluster/crm/pcmk_tools.h"
#include "cluster/crm/tool_options.h"
#include "cluster/crm/ra.h"
#include "cluster/crm/shell.h"
#include "cluster/crm/shell_detail.h"
#include "cluster/crm/words.h"
#include "common/duration.h"

namespace vigil::crm {

using namespace shell_detail;

// The top level.

bool Shell::TopStatus(const std::vector<std::string>& words) {
  const std::vector<std::string> args = Rest(words);
  // crmsh's `status xml` is crm_mon's XML; json is the same as JSON.
  if (args.size() > 1 || (args.size() == 1 && args[0] != "xml" && args[0] != "json")) {
    return Error("status: unexpected '" + args.back() + "' (status [xml|json])");
  }
  const auto status = FetchStatus();
  if (!status.ok()) return Error(status.status().message());
  const std::string request = args.empty() ? "" : "crm status " + args[0];
  out_ << (args.empty()           ? control::FormatStatus(*status, false)
           : args[0] == "xml" ? control::CrmMonXml(*status, request)
                              : control::CrmMonJson(*status, request));
  return true;
}

bool Shell::TopLevel(const std::vector<std::string>& words) {
  Enter(LevelNamed(words[0]));
  return true;
}

// configure: every command works on the staged copy (RunCommand reads it first).

bool Shell::ConfigureShow(const std::vector<std::string>& words) {
  std::vector<std::string> ids = Rest(words);
  const bool xml = !ids.empty() && ids[0] == "xml";
  if (xml) ids.erase(ids.begin());
  auto text = xml ? staged_->ShowXml(ids) : staged_->Show(ids);
  if (!text.ok()) return Error(text.status().message());
  out_ << *text;
  return true;
}

bool Shell::ConfigureCommit(const std::vector<std::string>& words) {
  if (words.size() > 1) return Error("commit: unexpected '" + words[1] + "'");
  Commit();
  return true;
}

bool Shell::ConfigureRefresh(const std::vector<std::string>&) {
  LoadConfiguration();
  return true;
}

bool Shell::ConfigureEdit(const std::vector<std::string>& words) { return Edit(Rest(words)); }

bool Shell::ConfigureVerify(const std::vector<std::string>&) {
  // Every staged command was checked against the whole CIB as it went in; what is left to say
  // is what would keep resources from starting.
  for (const auto& w : staged_->Verify()) err_ << "WARNING: " << w << "\n";
  return true;
}

bool Shell::ConfigureApply(const std::vector<std::string>& words) {
  std::vector<std::string> warnings;
  const vigil::Status applied = staged_->Apply(words, &warnings);
  for (const auto& w : warnings) err_ << (w.rfind("hanging ", 0) == 0 ? "INFO: " : "WARNING: ") << w << "\n";
  if (!applied.ok()) return Error(applied.message());
  return true;
}

bool Shell::Edit(const std::vector<std::string>& ids) {
  if (!options_.edit_file) return Error("edit: no editor here");
  auto shown = staged_->Show(ids);
  if (!shown.ok()) {
    std::string why = shown.status().message();
    if (why.rfind("show: ", 0) == 0) why.erase(0, 6);
    return Error("edit: " + why);
  }
  char path[] = "/tmp/crm-edit-XXXXXX";
  const int fd = mkstemp(path);
  if (fd < 0) return Error(std::string("edit: cannot make a temporary file: ") + std::strerror(errno));
  ::close(fd);
  struct Remove {
    const char* path;
    ~Remove() { ::unlink(path); }
  } remove{path};
  std::string text = *shown;
  for (;;) {
    {
      std::ofstream file(path, std::ios::trunc);
      file << text;
      if (!file.flush()) return Error(std::string("edit: cannot write ") + path);
    }
    if (vigil::Status s = options_.edit_file(path); !s.ok()) return Error("edit: " + s.message());
    std::ifstream file(path);
    const std::string edited((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
    if (edited == *shown) {
      Info("edit: nothing changed");
      return true;
    }
    std::vector<std::string> warnings;
    const vigil::Status replaced = staged_->Replace(ids, edited, &warnings);
    for (const auto& w : warnings) err_ << "WARNING: " << w << "\n";
    if (replaced.ok()) return true;
    Error("edit: " + replaced.message());
    // A person may mend the text; a script has said its error, with nothing changed.
    if (!options_.interactive || !options_.ask) return true;
    const auto again = options_.ask("Do you want to edit again (y/n)? ");
    if (!again || (*again != "y" && *again != "yes")) return true;
    text = edited;
  }
}

// save [xml] FILE: what show prints (or show xml), written whole or not at all (a temporary file
// beside FILE, renamed over it).
bool Shell::ConfigureSave(const std::vector<std::string>& words) {
  const bool xml = words.size() == 3;
  if (xml && words[1] != "xml") return Error("save: unexpected '" + words[1] + "' (usage: save [xml] FILE)");
  const std::string& path = words.back();
  auto text = xml ? staged_->ShowXml({}) : staged_->Show({});
  if (!text.ok()) return Error("save: " + text.status().message());
  const std::string temporary = path + ".crm-save";
  {
    std::ofstream file(temporary, std::ios::trunc);
    file << *text;
    if (!file.flush()) {
      ::unlink(temporary.c_str());
      return Error("save: cannot write " + path + ": " + std::strerror(errno));
    }
  }
  if (::rename(temporary.c_str(), path.c_str()) != 0) {
    const int e = errno;
    ::unlink(temporary.c_str());
    return Error("save: cannot write " + path + ": " + std::strerror(e));
  }
  return true;
}

// load [xml] replace|update FILE: a file in crm syntax, or with xml a CIB (as save writes them).
// replace: it becomes the whole configuration; update: its objects replace those with their ids
// and are added where there are none, the rest staying. All or nothing, staged for commit like
// typed commands. A CIB is read as the crm syntax show prints for it.
bool Shell::ConfigureLoad(const std::vector<std::string>& words) {
  const bool xml = words.size() == 4 && words[1] == "xml";
  const std::vector<std::string> args = xml ? std::vector<std::string>(words.begin() + 1, words.end()) : words;
  if (args.size() != 3 || (args[1] != "replace" && args[1] != "update")) {
    return Error("load: " + (args.size() > 1 && args[1] == "push" ? std::string("push is not supported by Vigil; ") : std::string()) +
                 "usage: load [xml] replace|update FILE");
  }
  std::ifstream file(args[2]);
  if (!file) return Error("load: cannot read " + args[2] + ": " + std::strerror(errno));
  std::string text((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  if (xml) {
    auto cib = Configuration::Parse(text);
    if (!cib.ok()) return Error("load xml: " + args[2] + ": " + cib.status().message());
    auto shown = cib->Show({});
    if (!shown.ok()) return Error("load xml: " + args[2] + ": " + shown.status().message());
    text = std::move(*shown);
  }
  return LoadText(args[1], text);
}

bool Shell::LoadText(const std::string& method, const std::string& text) {
  const std::vector<std::string> words = {"load", method};
  std::vector<std::string> ids;
  if (words[1] == "update") {
    // The objects the file names (each command's id, a property set's name or its default
    // set), those of them the configuration has already.
    LineJoiner joiner;
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);) {
      if (!joiner.Add(line)) continue;
      auto command = SplitWords(joiner.Take());
      if (!command.ok()) return Error("load: " + command.status().message());
      if (command->size() < 2) continue;
      const std::string& kind = (*command)[0];
      std::string id = (*command)[1];
      if (!id.empty() && id.back() == ':') id.pop_back();
      if ((kind == "property" || kind == "rsc_defaults" || kind == "op_defaults") && (*command)[1].back() != ':') {
        id = kind == "property" ? "cib-bootstrap-options" : kind == "rsc_defaults" ? "rsc-options" : "op-options";
      }
      if (std::find(ids.begin(), ids.end(), id) == ids.end() && staged_->Show({id}).ok()) ids.push_back(id);
    }
    if (ids.empty()) ids.push_back("");  // nothing to take out: none matches the empty id
  }
  std::vector<std::string> warnings;
  const vigil::Status loaded = staged_->Replace(ids, text, &warnings);
  for (const auto& w : warnings) err_ << "WARNING: " << w << "\n";
  if (!loaded.ok()) return Error("load " + words[1] + ": " + loaded.message());
  return true;
}

// node

// node fence NODE: the DC fences the node (stonith-action) with the configured devices, as
// crmsh's terminate request makes Pacemaker do. Asked first, as crmsh asks; a session that cannot
// ask does it only with crm -F.
bool Shell::NodeFence(const std::vector<std::string>& words) {
  const std::string& node = words[1];
  if (!options_.force) {
    if (!options_.interactive || !options_.ask) {
      return Error("node fence " + node + ": not confirmed (not interactive: 'crm -F node fence " + node +
                   "' fences without asking); nothing was done");
    }
    const auto answer = options_.ask("Fencing " + node + " will shut down the node and migrate any resources that are running on it! Do you want to fence " +
                                     node + " (y/n)? ");
    if (!answer || answer->empty() || ((*answer)[0] != 'y' && (*answer)[0] != 'Y')) return false;
  }
  std::string body;
  if (Request("node-fence", {node, "default", "crm"}, &body)) Info("fence node " + node + ": " + body.substr(0, body.find('\n')));
  return true;
}

bool Shell::NodeStandby(const std::vector<std::string>& words) {
  const std::string& command = words[0];
  if (words.size() > 2) return Error("node " + command + ": unexpected '" + words[2] + "' (at most one node)");
  if (Request("node-" + command, Rest(words))) Info(command + " node " + (words.size() > 1 ? words[1] : Self()));
  return true;
}

bool Shell::NodeShow(const std::vector<std::string>& words) {
  const auto status = FetchStatus();
  if (!status.ok()) return Error(status.status().message());
  bool shown = false;
  for (const auto& n : status->nodes) {
    if (words.size() > 1 && n.name != words[1]) continue;
    shown = true;
    out_ << n.name << "(" << n.id << "): member" << (n.online ? "" : "(offline)") << "\n";
    out_ << "\tstandby=" << (n.standby ? "on" : "off") << "\n";
  }
  if (!shown && words.size() > 1) return Error("node show: no node '" + words[1] + "'");
  return true;
}

bool Shell::NodeStatus(const std::vector<std::string>& words) {
  // crmsh 1.x's: the nodes' elements of the CIB, as XML.
  if (words.size() > 2) return Error("node status: unexpected '" + words[2] + "' (at most one node)");
  std::string xml;
  if (!Request("cib-query", {}, &xml)) return true;
  pugi::xml_document cib;
  if (!cib.load_string(xml.c_str())) return Error("node status: the CIB vigild sent is not XML");
  pugi::xml_document shown;
  pugi::xml_node nodes = shown.append_child("nodes");
  for (const pugi::xml_node n : cib.child("cib").child("configuration").child("nodes").children("node")) {
    if (words.size() == 1 || words[1] == n.attribute("uname").value()) nodes.append_copy(n);
  }
  if (words.size() > 1 && !nodes.first_child()) return Error("node status: no node '" + words[1] + "' in the configuration");
  shown.save(out_, "  ", pugi::format_indent | pugi::format_no_declaration);
  return true;
}

// resource: the arity is checked by RunCommand.

bool Shell::ResourceStartStop(const std::vector<std::string>& words) {
  Request("resource-" + words[0], Rest(words));
  return true;
}

bool Shell::ResourceRestart(const std::vector<std::string>& words) {
  const std::vector<std::string> args = Rest(words);
  Info("ordering " + args[0] + " to stop");
  if (!Request("resource-stop", args)) return true;
  // Wait until it runs nowhere (as crmsh waits for the DC to be idle), at most vigild's stop limit.
  const std::string left = args[0] + " is left stopped ('crm resource start " + args[0] + "' starts it)";
  for (int i = 0;; ++i) {
    const auto status = FetchStatus();
    if (!status.ok()) return Error(status.status().message() + "; " + left);
    bool running = !status->resources_known;
    for (const auto& r : status->resources) running = running || (r.id == args[0] && !r.nodes.empty());
    if (!running) break;
    if (i == 1200) return Error("resource restart: " + args[0] + " still runs after 120 s; " + left);
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  Info("ordering " + args[0] + " to start");
  Request("resource-start", args);
  return true;
}

bool Shell::ResourceStatus(const std::vector<std::string>& words) {
  const std::vector<std::string> args = Rest(words);
  // With a resource it is crmsh's locate (both run crm_resource --locate).
  if (!args.empty()) return ResourceLocate(words);
  const auto status = FetchStatus();
  if (!status.ok()) return Error(status.status().message());
  for (const auto& r : status->resources) {
    if (!status->resources_known) {
      out_ << "resource " << r.id << ": unknown (no DC)\n";
    } else if (r.nodes.empty()) {
      out_ << "resource " << r.id << " is NOT running\n";
    } else {
      out_ << "resource " << r.id << " is running on: " << Join(r.nodes, " ") << "\n";
    }
  }
  return true;
}

namespace {

// Where `rsc` runs, as crm_resource --locate says it: a line per node, " Promoted" after a
// promoted instance's; "" when it runs nowhere; nullopt when status lists no such resource. A
// clone, what it clones, or a member of a cloned group is located by its instances, the last
// first (the order crm_resource lists them in); a group by its members.
std::optional<std::string> LocateText(const control::ClusterStatus& s, const std::string& rsc) {
  auto base = [](const std::string& id) { return id.substr(0, id.rfind(':')); };
  // (node, promoted) in the order found, each node once per instance.
  std::vector<std::vector<std::pair<std::string, bool>>> instances;
  std::map<std::string, size_t> instance_of;  // a cloned group's instance ("g:1") → its index
  bool cloned = false;
  bool found = false;
  for (const auto& r : s.resources) {
    const bool in_clone = !r.clone.empty() && (r.clone == rsc || r.cloned == rsc || base(r.id) == rsc);
    if (!in_clone && r.id != rsc && r.group != rsc) continue;
    found = true;
    cloned = cloned || in_clone;
    const std::string key = in_clone && !r.group.empty() ? r.group : r.group == rsc ? rsc : r.id;
    auto [it, added] = instance_of.emplace(key, instances.size());
    if (added) instances.emplace_back();
    auto& nodes = instances[it->second];
    for (const auto& n : r.nodes) {
      auto same = std::find_if(nodes.begin(), nodes.end(), [&](const auto& p) { return p.first == n; });
      if (same == nodes.end()) same = nodes.insert(nodes.end(), {n, false});
      same->second = same->second || r.role == "Promoted";
    }
  }
  if (!found) return std::nullopt;
  if (cloned) std::reverse(instances.begin(), instances.end());
  std::string out;
  for (const auto& nodes : instances) {
    for (const auto& [node, promoted] : nodes) {
      out += "resource " + rsc + " is running on: " + node + (promoted ? " Promoted" : "") + "\n";
    }
  }
  return out;
}

}  // namespace

bool Shell::ResourceLocate(const std::vector<std::string>& words) {
  if (words.size() < 2) return Error("resource " + words[0] + ": missing arguments (usage: " + words[0] + " RSC...)");
  const auto status = FetchStatus();
  if (!status.ok()) return Error(status.status().message());
  for (const std::string& rsc : Rest(words)) {
    const auto text = LocateText(*status, rsc);
    if (!text) {
      Error("resource " + words[0] + ": no resource '" + rsc + "'");
    } else if (!status->resources_known) {
      out_ << "resource " << rsc << ": unknown (no DC)\n";
    } else {
      out_ << (text->empty() ? "resource " + rsc + " is NOT running\n" : *text);
    }
  }
  return true;
}

bool Shell::ResourcePromote(const std::vector<std::string>& words) {
  const std::string& rsc = words[1];
  if (!LoadConfiguration()) return true;
  struct Unstage {
    std::optional<Configuration>& staged;
    ~Unstage() { staged.reset(); }  // the configure level reads the CIB afresh
  } unstage{staged_};
  auto cib = cib::Cib::Parse(staged_->Document(), "the CIB");
  if (!cib.ok()) return Error("resource " + words[0] + ": " + cib.status().message());
  const cib::Model& model = cib->model();
  const cib::Clone* clone = model.FindClone(rsc);
  if (clone == nullptr || !clone->promotable) {
    std::string why = rsc + " is not a promotable resource";
    if (clone != nullptr) why += " (a clone becomes one with meta promotable=true)";
    for (const cib::Clone& c : model.clones) {
      const cib::Group* g = c.child_is_group ? model.FindGroup(c.child) : nullptr;
      const bool inside = c.child == rsc || (g != nullptr && std::find(g->members.begin(), g->members.end(), rsc) != g->members.end());
      if (inside && c.promotable) why += ": it is in promotable clone " + c.id + ", which " + words[0] + " takes";
    }
    if (model.FindPrimitive(rsc) == nullptr && model.FindGroup(rsc) == nullptr && clone == nullptr) {
      why = "no resource '" + rsc + "'";
    }
    return Error("resource " + words[0] + ": " + why);
  }
  // crmsh 4.4 writes the legacy role names (its OCF 1.1 support is off unless crm.conf turns
  // it on), which Pacemaker reads as Promoted and Unpromoted.
  const std::string role = words[0] == "promote" ? "Master" : "Slave";
  std::string said;
  if (vigil::Status s = staged_->SetResourceAttribute(rsc, "meta_attributes", "target-role", role, &said); !s.ok()) {
    return Error("resource " + words[0] + ": " + s.message());
  }
  if (Commit()) out_ << said << "\n";
  return true;
}

bool Shell::StagedChange(const std::string& what, const std::function<vigil::Status(std::string* said)>& change,
                         bool* committed) {
  if (committed != nullptr) *committed = false;
  if (!LoadConfiguration()) return true;
  struct Unstage {
    std::optional<Configuration>& staged;
    ~Unstage() { staged.reset(); }  // the configure level reads the CIB afresh
  } unstage{staged_};
  std::string said;
  if (vigil::Status s = change(&said); !s.ok()) return Error(what + ": " + s.message());
  bool done = true;  // unchanged: nothing to do (a removal of what is not there)
  if (staged_->changed()) {
    done = Commit();
    if (done && !said.empty()) out_ << said << "\n";
  }
  if (committed != nullptr) *committed = done;
  return true;
}

bool Shell::QueryCib(pugi::xml_document* doc) {
  std::string xml;
  if (!Request("cib-query", {}, &xml)) return false;
  if (!doc->load_string(xml.c_str())) return Error("the CIB vigild sent is not XML"), false;
  return true;
}

bool Shell::CliLocation(const std::string& command, const std::string& rsc, const std::string& node,
                        const std::string& xml) {
  bool committed = false;
  StagedChange("resource " + command, [&](std::string* said) {
    said->clear();
    return staged_->PutConstraint(xml);
  }, &committed);
  if (committed) {
    Info(std::string(command == "ban" ? "Ban" : "Move") + " constraint created for " + rsc + " to " + node);
    Info("Use `crm resource clear " + rsc + "` to remove this constraint");
  }
  return true;
}

// The value of attribute `name` in `element`'s sets of kind `set_kind` (the first one found), as
// crm_resource --get-parameter and crm_attribute -G read it.
std::optional<std::string> SetValue(const pugi::xml_node& element, const char* set_kind, const std::string& name) {
  for (pugi::xml_node set = element.child(set_kind); set; set = set.next_sibling(set_kind)) {
    for (pugi::xml_node nv : set.children("nvpair")) {
      if (name == nv.attribute("name").value()) return std::string(nv.attribute("value").value());
    }
  }
  return std::nullopt;
}

// A lifetime as crm resource move and ban take one (an ISO 8601 duration: PT1H, P1D, P1W):
// its end as crm_resource writes it ("2026-12-07 04:32:50Z"), or nullopt when `word` is none.
std::optional<std::string> LifetimeEnd(const std::string& word) {
  if (word.empty() || (word[0] != 'P' && word[0] != 'p')) return std::nullopt;
  const auto length = ParseDurationMs(word);
  if (!length) return std::nullopt;
  const time_t end = std::time(nullptr) + static_cast<time_t>(length->count() / 1000);
  struct tm utc;
  char text[32];
  if (gmtime_r(&end, &utc) == nullptr || std::strftime(text, sizeof text, "%Y-%m-%d %H:%M:%SZ", &utc) == 0) return std::nullopt;
  return std::string(text);
}

// param, meta, utilization RSC set|delete|show|get NAME [VALUE], as crmsh runs crm_resource for
// them.
bool Shell::ResourceAttribute(const std::vector<std::string>& words) {
  const std::string& kind = words[0];
  const char* set_kind = kind == "param" ? "instance_attributes" : kind == "meta" ? "meta_attributes" : "utilization";
  const std::string& rsc = words[1];
  const std::string& verb = words[2];
  const std::string& name = words[3];
  const std::string usage = " (usage: " + kind + " RSC set|delete|show NAME [VALUE])";
  if (verb == "set") {
    if (words.size() != 5) return Error("resource " + kind + " set: a name and a value" + usage);
    return StagedChange("resource " + kind, [&](std::string* said) {
      return staged_->SetResourceAttribute(rsc, set_kind, name, words[4], said);
    });
  }
  if (words.size() != 4) return Error("resource " + kind + " " + verb + ": unexpected '" + words[4] + "'" + usage);
  if (verb == "delete") {
    return StagedChange("resource " + kind, [&](std::string* said) {
      return staged_->SetResourceAttribute(rsc, set_kind, name, std::nullopt, said);
    });
  }
  if (verb != "show" && verb != "get") return Error("resource " + kind + ": '" + verb + "' is not set, delete or show" + usage);
  pugi::xml_document doc;
  if (!QueryCib(&doc)) return true;
  const pugi::xml_node found = doc.child("cib").child("configuration").child("resources").find_node([&](const pugi::xml_node& n) {
    const std::string_view k = n.name();
    return (k == "primitive" || k == "group" || k == "clone" || k == "master") && rsc == n.attribute("id").value();
  });
  if (!found) return Error("resource " + kind + ": no resource '" + rsc + "'");
  const auto value = SetValue(found, set_kind, name);
  if (!value) return Error("resource " + kind + ": " + rsc + " has no " + kind + " attribute '" + name + "'");
  out_ << *value << "\n";
  return true;
}

// manage, unmanage, maintenance RSC [on|off|true|false]: meta is-managed or maintenance of the
// resource, or of the clone that clones it (crmsh sets it there and takes it off the clone's child).
bool Shell::ResourceManage(const std::vector<std::string>& words) {
  const std::string& command = words[0];
  std::string name = command == "maintenance" ? "maintenance" : "is-managed";
  std::string value = command == "unmanage" ? "false" : "true";
  if (command == "maintenance" && words.size() == 3) {
    const std::string& v = words[2];
    if (v == "on" || v == "true") {
      value = "true";
    } else if (v == "off" || v == "false") {
      value = "false";
    } else {
      return Error("resource maintenance: '" + v + "' is not on, off, true or false");
    }
  }
  return StagedChange("resource " + command, [&](std::string* said) {
    said->clear();  // crmsh says nothing
    return staged_->SetDeepMeta(words[1], name, value);
  });
}

// trace RSC [OP] [INTERVAL] [/DIR] and untrace RSC [OP] [INTERVAL], as crmsh 4.4 takes them: to
// trace, a word starting with / is the directory, a number the interval, anything else the
// operation; to untrace, the operation then the interval.
bool Shell::ResourceTrace(const std::vector<std::string>& words) {
  const bool trace = words[0] == "trace";
  const std::string& rsc = words[1];
  std::string op;
  std::string interval;
  std::string dir;
  const std::string usage = trace ? " (usage: trace RSC [OP] [INTERVAL] [/DIR])" : " (usage: untrace RSC [OP] [INTERVAL])";
  if (trace) {
    for (size_t i = 2; i < words.size(); ++i) {
      const std::string& w = words[i];
      if (w == "force") continue;  // crmsh takes it, and it changes nothing
      const bool number = std::all_of(w.begin(), w.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
      std::string& slot = w[0] == '/' ? dir : number ? interval : op;
      if (!slot.empty()) return Error("resource trace: '" + w + "' is a second " + (w[0] == '/' ? "directory" : number ? "interval" : "operation") + usage);
      slot = w;
    }
  } else {
    if (words.size() > 2) op = words[2];
    if (words.size() > 3) interval = words[3];
  }
  bool committed = false;
  StagedChange("resource " + words[0], [&](std::string* said) {
    said->clear();
    return trace ? staged_->Trace(rsc, op, interval, dir) : staged_->Untrace(rsc, op, interval);
  }, &committed);
  if (!committed) return true;
  if (!trace) {
    Info("Stop tracing " + rsc + (op.empty() ? "" : " for operation " + op));
    return true;
  }
  // (crmsh names the default directory even when given another.)
  pugi::xml_document doc;
  std::string type;
  if (QueryCib(&doc)) {
    type = doc.child("cib").child("configuration").child("resources").find_node([&](const pugi::xml_node& n) {
      return std::string_view(n.name()) == "primitive" && rsc == n.attribute("id").value();
    }).attribute("type").value();
  }
  if (op == "probe") op = "monitor";
  Info("Trace for " + rsc + (op.empty() ? "" : ":" + op) + " is written to /var/lib/heartbeat/trace_ra/" + type);
  if (!op.empty() && op != "monitor") {
    Info("Trace set, restart " + rsc + " to trace the " + op + " operation");
  } else {
    Info("Trace set, restart " + rsc + " to trace non-monitor operations");
  }
  return true;
}

// ban RSC [NODE]: RSC may not run on NODE (by default the one it runs on), as crm_resource --ban
// writes it: cli-ban-RSC-on-NODE at -INFINITY.
bool Shell::ResourceBan(const std::vector<std::string>& words) {
  const std::string& rsc = words[1];
  if (words.size() == 4) {
    const auto end = LifetimeEnd(words[3]);
    if (!end) return Error("resource ban: '" + words[3] + "' is not a lifetime (an ISO 8601 duration such as PT1H or P1D)");
    return LapsingLocation("ban", rsc, words[2], *end);
  }
  if (words.size() == 2) {
    // Where it runs: vigild's resource-move without a node bans exactly that.
    if (Request("resource-move", {rsc})) {
      Info("Ban constraint created for " + rsc);
      Info("Use `crm resource clear " + rsc + "` to remove this constraint");
    }
    return true;
  }
  const std::string& node = words[2];
  pugi::xml_document doc;
  pugi::xml_node l = doc.append_child("rsc_location");
  l.append_attribute("id") = ("cli-ban-" + rsc + "-on-" + node).c_str();
  l.append_attribute("rsc") = rsc.c_str();
  l.append_attribute("role") = "Started";
  l.append_attribute("node") = node.c_str();
  l.append_attribute("score") = "-INFINITY";
  return CliLocation("ban", rsc, node, CompactXml(doc));
}

// failcount RSC show|delete NODE: the sum of RSC's fail counts on NODE (crm_failcount -G's line),
// or all of them forgotten (its history too: Vigil's cleanup). Setting one is refused: vigild
// counts failures itself.
bool Shell::ResourceFailcount(const std::vector<std::string>& words) {
  const std::string& rsc = words[1];
  const std::string& verb = words[2];
  const std::string& node = words[3];
  if (verb == "set") return Error("resource failcount: set is not supported by Vigil (vigild counts failures; show and delete are)");
  if (words.size() != 4) return Error("resource failcount " + verb + ": unexpected '" + words[4] + "'");
  if (verb == "delete") {
    std::string body;
    if (Request("resource-cleanup", {rsc, node}, &body)) out_ << body;
    return true;
  }
  if (verb != "show" && verb != "get") return Error("resource failcount: '" + verb + "' is not show or delete");
  std::string xml;
  if (!Request("cib-query", {}, &xml)) return true;
  auto cib = cib::Cib::Parse(xml, "vigild's CIB");
  if (!cib.ok()) return Error("resource failcount: " + cib.status().message());
  out_ << "scope=status  name=fail-count-" << rsc << " value=" << cib::ScoreText(FailCountOn(cib->model(), node, rsc, "")) << "\n";
  return true;
}

// node attribute|utilization NODE set|delete|show NAME [VALUE], as crmsh runs crm_attribute.
bool Shell::NodeAttribute(const std::vector<std::string>& words) {
  const std::string& kind = words[0];
  const std::string& node = words[1];
  const std::string& verb = words[2];
  const std::string& name = words[3];
  const std::string usage = " (usage: " + kind + " NODE set|delete|show NAME [VALUE])";
  if (verb == "set" && words.size() != 5) return Error("node " + kind + " set: a name and a value" + usage);
  if (verb != "set" && words.size() != 4) return Error("node " + kind + " " + verb + ": unexpected '" + words[4] + "'" + usage);
  if (verb == "show" || verb == "get") {
    pugi::xml_document doc;
    if (!QueryCib(&doc)) return true;
    const pugi::xml_node n = doc.child("cib").child("configuration").child("nodes").find_child_by_attribute("node", "uname", node.c_str());
    const auto value = n ? SetValue(n, kind == "attribute" ? "instance_attributes" : "utilization", name) : std::nullopt;
    if (!value) return Error("node " + kind + ": " + node + " has no " + kind + " '" + name + "'");
    out_ << "scope=nodes  name=" << name << " value=" << *value << "\n";
    return true;
  }
  if (verb != "set" && verb != "delete") return Error("node " + kind + ": '" + verb + "' is not set, delete or show" + usage);
  const std::optional<std::string> value = verb == "set" ? std::optional<std::string>(words[4]) : std::nullopt;
  if (kind == "attribute") {
    // A removal says what it removed, as crm_attribute -D does.
    std::string removed;
    if (!value) {
      pugi::xml_document doc;
      if (!QueryCib(&doc)) return true;
      const pugi::xml_node n = doc.child("cib").child("configuration").child("nodes").find_child_by_attribute("node", "uname", node.c_str());
      for (pugi::xml_node set = n.child("instance_attributes"); set && removed.empty(); set = set.next_sibling("instance_attributes")) {
        if (const pugi::xml_node nv = set.find_child_by_attribute("nvpair", "name", name.c_str())) removed = nv.attribute("id").value();
      }
    }
    std::vector<std::string> args = {node, name};
    if (value) args.push_back(*value);
    if (Request("node-attribute", args) && !removed.empty()) {
      out_ << "Deleted nodes attribute: id=" << removed << " name=" << name << "\n";
    }
    return true;
  }
  return StagedChange("node utilization", [&](std::string* said) {
    return staged_->SetNodeUtilization(node, name, value, said);
  });
}

// maintenance [NODE], ready [NODE]: the node attribute maintenance, true or off (as crmsh
// writes them); without NODE, this node.
bool Shell::NodeMaintenance(const std::vector<std::string>& words) {
  const std::string node = words.size() > 1 ? words[1] : Self();
  Request("node-attribute", {node, "maintenance", words[0] == "maintenance" ? "true" : "off"});
  return true;
}

// move|ban RSC NODE LIFETIME: crm_resource's constraint that lapses, a rule on the node's name
// and the end of the lifetime.
bool Shell::LapsingLocation(const std::string& command, const std::string& rsc, const std::string& node,
                            const std::string& end) {
  const bool ban = command == "ban";
  const std::string id = ban ? "cli-ban-" + rsc + "-on-" + node : "cli-prefer-" + rsc;
  const std::string rule = ban ? id + "-rule" : "cli-prefer-rule-" + rsc;
  const std::string expression = ban ? id + "-expr" : "cli-prefer-expr-" + rsc;
  const std::string lifetime = ban ? id + "-lifetime" : "cli-prefer-lifetime-end-" + rsc;
  pugi::xml_document doc;
  pugi::xml_node l = doc.append_child("rsc_location");
  l.append_attribute("id") = id.c_str();
  l.append_attribute("rsc") = rsc.c_str();
  l.append_attribute("role") = "Started";
  pugi::xml_node r = l.append_child("rule");
  r.append_attribute("id") = rule.c_str();
  r.append_attribute("score") = ban ? "-INFINITY" : "INFINITY";
  r.append_attribute("boolean-op") = "and";
  pugi::xml_node e = r.append_child("expression");
  e.append_attribute("id") = expression.c_str();
  e.append_attribute("attribute") = "#uname";
  e.append_attribute("operation") = "eq";
  e.append_attribute("value") = node.c_str();
  e.append_attribute("type") = "string";
  pugi::xml_node d = r.append_child("date_expression");
  d.append_attribute("id") = lifetime.c_str();
  d.append_attribute("operation") = "lt";
  d.append_attribute("end") = end.c_str();
  std::ostringstream text;
  doc.save(text, "", pugi::format_raw | pugi::format_no_declaration);
  return CliLocation(command, rsc, node, text.str());
}

bool Shell::ResourceMove(const std::vector<std::string>& words) {
  const std::vector<std::string> args = Rest(words);
  if (args.size() == 3) {
    const auto end = LifetimeEnd(args[2]);
    if (!end) return Error("resource move: '" + args[2] + "' is not a lifetime (an ISO 8601 duration such as PT1H or P1D)");
    return LapsingLocation("move", args[0], args[1], *end);
  }
  if (!Request("resource-move", args)) return true;
  if (args.size() == 2) Info("Move constraint created for " + args[0] + " to " + args[1]);
  Info("Use `crm resource clear " + args[0] + "` to remove this constraint");
  return true;
}

bool Shell::ResourceClear(const std::vector<std::string>& words) {
  const std::vector<std::string> args = Rest(words);
  if (Request("resource-unmove", args)) Info("Removed migration constraints for " + args[0]);
  return true;
}

bool Shell::ResourceCleanup(const std::vector<std::string>& words) {
  const std::vector<std::string> args = Rest(words);
  std::vector<std::string> targets;
  if (!args.empty()) targets.push_back(args[0]);
  if (args.empty()) {
    const auto status = FetchStatus();
    if (!status.ok()) return Error(status.status().message());
    for (const auto& r : status->resources) targets.push_back(r.id);
  }
  for (const auto& rsc : targets) {
    std::vector<std::string> request{rsc};
    if (args.size() == 2) request.push_back(args[1]);
    std::string body;
    if (Request("resource-cleanup", request, &body)) out_ << body;
  }
  return true;
}

// ra: RunCommand has checked the arity and that agents are known.

bool Shell::RaClasses(const std::vector<std::string>&) {
  out_ << crm::RaClasses(options_.agents->List());
  return true;
}

bool Shell::RaProviders(const std::vector<std::string>& words) {
  auto text = crm::RaProviders(options_.agents->List(), words[1], words.size() > 2 ? words[2] : "ocf");
  if (!text.ok()) return Error("ra providers: " + text.status().message());
  out_ << *text;
  return true;
}

bool Shell::RaList(const std::vector<std::string>& words) {
  auto text = crm::RaList(options_.agents->List(), words[1], words.size() > 2 ? words[2] : "", options_.width);
  if (!text.ok()) return Error("ra list: " + text.status().message());
  out_ << *text;
  return true;
}

bool Shell::RaInfo(const std::vector<std::string>& words) {
  auto described = options_.agents->Describe(words[1]);
  if (!described.ok()) return Error("ra " + words[0] + ": " + described.status().message());
  auto text = crm::RaInfo(described->agent, described->xml, described->metadata.get());
  if (!text.ok()) return Error("ra " + words[0] + ": " + text.status().message());
  out_ << *text;
  return true;
}

}  // namespace vigil::crm

namespace vigil::crm {

// The site level: crm_ticket's options for each subcommand, as crmsh runs them (with --force only
// under crm -F, so that a grant or revoke says what it risks and changes nothing).
bool Shell::SiteTicket(const std::vector<std::string>& words) {
  if (!shadow_.empty()) {
    return Error("site ticket: tickets are the live cluster's, and shadow CIB " + shadow_ + " is in use ('cib use live')");
  }
  static const std::map<std::string, std::vector<std::string>> kOptions = {
      {"grant", {"-g"}},           {"revoke", {"-r"}},          {"standby", {"-s"}},
      {"activate", {"-a"}},        {"delete", {"-D", "granted"}}, {"show", {"-G", "granted"}},
      {"time", {"-G", "last-granted"}},
  };
  const auto it = kOptions.find(words[1]);
  if (it == kOptions.end()) {
    return Error("site ticket: '" + words[1] + "' is not one of grant, revoke, standby, activate, show, time, delete");
  }
  const std::string& ticket = words[2];
  std::vector<std::string> args = {"-t", ticket};
  args.insert(args.end(), it->second.begin(), it->second.end());
  if (options_.force) args.push_back("--force");
  std::ostringstream out, err;
  const int code = RunPacemakerTool("crm_ticket", args, "", vigild_, nullptr, out, err);
  if (words[1] != "show" && words[1] != "time") {
    out_ << out.str();
    if (code != 0) {
      std::string why = err.str();
      while (!why.empty() && why.back() == '\n') why.pop_back();
      return Error("site ticket " + words[1] + " " + ticket + ": " + (why.empty() ? "refused (crm -F forces it)" : why));
    }
    return true;
  }
  std::string value = out.str();
  while (!value.empty() && value.back() == '\n') value.pop_back();
  if (code != 0 || value.empty()) return Error("site ticket " + words[1] + ": nothing to show for ticket " + ticket);
  if (words[1] == "show") {
    if (value != "true" && value != "false") return Error("site ticket show: ticket " + ticket + " has granted=" + value);
    out_ << "ticket " << ticket << " is " << (value == "true" ? "granted" : "revoked") << "\n";
    return true;
  }
  const auto when = LocalTimeText(value);
  if (!when) return Error("site ticket time: ticket " + ticket + " has last-granted=" + value);
  out_ << "ticket " << ticket << " last time granted on " << *when << "\n";
  return true;
}

}  // namespace vigil::crm

namespace vigil::crm {

std::string Shell::ShadowPath(const std::string& name) const { return options_.shadow_dir + "/shadow." + name; }

// The cib level: shadow CIBs, files in options_.shadow_dir. new copies the live CIB (its version
// kept: commit is made against it, and refused if the cluster's CIB moved on meanwhile) and uses
// it; use switches configure to a shadow or back to the live CIB.
bool Shell::CibCommand(const std::vector<std::string>& words) {
  const std::string& command = words[0];
  auto valid = [](const std::string& name) {
    return !name.empty() && name.size() <= 64 && std::all_of(name.begin(), name.end(), [](char c) {
      return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.';
    }) && name[0] != '.';
  };
  auto exists = [&](const std::string& name) { return ::access(ShadowPath(name).c_str(), F_OK) == 0; };
  if (command == "list") {
    std::vector<std::string> names;
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator(options_.shadow_dir, ec)) {
      const std::string file = e.path().filename().string();
      if (file.rfind("shadow.", 0) == 0 && file.find(".new") == std::string::npos) names.push_back(file.substr(7));
    }
    std::sort(names.begin(), names.end());
    for (const auto& n : names) out_ << n << (n == shadow_ ? " (in use)" : "") << "\n";
    return true;
  }
  if (command == "use") {
    const std::string name = words.size() > 1 ? words[1] : "live";
    if (name == "live") {
      shadow_.clear();
      staged_.reset();
      return true;
    }
    if (!valid(name) || !exists(name)) return Error("cib use: there is no shadow CIB " + name + " ('cib list' lists them)");
    shadow_ = name;
    staged_.reset();
    return true;
  }
  const std::string name = words.size() > 1 ? words[1] : shadow_;
  if (name.empty()) return Error("cib " + command + ": name the shadow CIB");
  if (!valid(name)) return Error("cib " + command + ": '" + name + "' is not a shadow name (letters, digits, _ - .)");
  if (command == "new" || command == "reset") {
    bool empty = false, force = command == "reset";
    for (size_t i = 2; i < words.size(); ++i) {
      if (words[i] == "empty" && command == "new") {
        empty = true;
      } else if (words[i] == "force") {
        force = true;
      } else {
        return Error("cib " + command + ": unexpected '" + words[i] + "'");
      }
    }
    if (command == "reset" && !exists(name)) return Error("cib reset: there is no shadow CIB " + name);
    if (command == "new" && exists(name) && !force) {
      return Error("cib new: shadow CIB " + name + " exists already ('cib new " + name + " force' replaces it)");
    }
    std::string xml;
    if (empty) {
      xml = cib::Cib::Empty().Serialize();
    } else {
      auto live = vigild_.Ask("cib-query", {});
      if (!live.ok()) return Error("cib " + command + ": " + live.status().message());
      auto parsed = Configuration::Parse(*live);  // its status dropped
      if (!parsed.ok()) return Error("cib " + command + ": " + parsed.status().message());
      xml = parsed->Document();
    }
    std::error_code ec;
    std::filesystem::create_directories(options_.shadow_dir, ec);
    const std::string path = ShadowPath(name);
    {
      std::ofstream file(path + ".new", std::ios::trunc);
      file << xml;
      if (!file.flush() || ::rename((path + ".new").c_str(), path.c_str()) != 0) {
        return Error("cib " + command + ": cannot write " + path + ": " + std::strerror(errno));
      }
    }
    if (command == "new") {
      Info("cib.new: " + name + " shadow CIB created");
      shadow_ = name;
      staged_.reset();
    }
    return true;
  }
  if (!exists(name)) return Error("cib " + command + ": there is no shadow CIB " + name);
  if (command == "delete") {
    if (name == shadow_) return Error("cib delete: shadow CIB " + name + " is in use ('cib use live' first)");
    if (::unlink(ShadowPath(name).c_str()) != 0) return Error("cib delete: " + std::string(std::strerror(errno)));
    return true;
  }
  // commit: the shadow replaces the live CIB, made against the version it was copied at.
  std::ifstream file(ShadowPath(name));
  const std::string xml((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  auto parsed = Configuration::Parse(xml);
  if (!parsed.ok()) return Error("cib commit: shadow CIB " + name + " does not read: " + parsed.status().message());
  auto answer = vigild_.Ask("cib-replace", {parsed->version(), parsed->Document()});
  if (!answer.ok()) {
    std::string why = answer.status().message();
    if (why.find("conflict") != std::string::npos) {
      why += " (the live CIB changed since shadow " + name + " was made: 'cib reset " + name + "' copies it again)";
    }
    return Error("cib commit: " + why);
  }
  return true;
}

}  // namespace vigil::crm
