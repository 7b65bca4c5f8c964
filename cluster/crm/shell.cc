#include "cluster/crm/shell.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <ostream>
#include <set>
#include <thread>

#include <pugixml.hpp>

#include "cluster/control/cluster_status.h"
#include "cluster/control/control.h"
#include "cluster/control/crm_mon_output.h"
#include "cluster/crm/ra.h"
#include "cluster/crm/words.h"

namespace vigil::crm {
namespace {

class Socket : public Connection {
 public:
  explicit Socket(std::filesystem::path path) : path_(std::move(path)) {}
  Result<std::string> Ask(const std::string& command, const std::vector<std::string>& args) override {
    // A change waits for the DC to apply and spread it: as long as the daemon's own limit.
    const auto response = control::Call(path_, {command, args, 0}, control::kPendingTimeout + std::chrono::seconds(5));
    if (!response.ok()) return response.status();
    if (!response->ok) return vigil::Status(StatusCode::kInvalidArgument, response->body);
    return response->body;
  }

 private:
  std::filesystem::path path_;
};

const std::vector<std::string> kLevels = {"configure", "node", "resource", "ra"};
const std::vector<std::string> kLeave = {"up", "end", "cd", "back"};
const std::vector<std::string> kQuit = {"quit", "bye", "exit"};
const std::vector<std::string> kTopCommands = {"status", "configure", "node", "resource", "ra", "help", "quit"};
const std::vector<std::string> kConfigureCommands = {
    "node",  "primitive", "property", "rsc_defaults", "op_defaults", "location", "colocation", "order", "delete",
    "erase", "show",      "edit",     "commit",       "verify",      "refresh",  "up",         "help",  "quit"};
const std::vector<std::string> kNodeCommands = {"standby", "online", "show", "status", "up", "help", "quit"};
const std::vector<std::string> kResourceCommands = {"start",   "stop",    "restart", "status", "move", "migrate",
                                                    "clear",   "unmove",  "unmigrate", "cleanup", "up", "help",
                                                    "quit"};
const std::vector<std::string> kRaCommands = {"classes", "providers", "list", "info", "meta", "up", "help", "quit"};
const char* const kLevelNames[] = {"", "configure", "node", "resource", "ra"};

Shell::Level LevelNamed(const std::string& name) {
  if (name == "configure") return Shell::Level::kConfigure;
  if (name == "node") return Shell::Level::kNode;
  if (name == "resource") return Shell::Level::kResource;
  return Shell::Level::kRa;
}

bool Among(const std::string& word, const std::vector<std::string>& list) {
  return std::find(list.begin(), list.end(), word) != list.end();
}

// Edit distance, for "did you mean".
size_t Distance(const std::string& a, const std::string& b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

std::string Join(const std::vector<std::string>& words, const std::string& sep = ", ") {
  std::string out;
  for (const auto& w : words) out += (out.empty() ? "" : sep) + w;
  return out;
}

using Words = std::vector<std::string>;

std::vector<std::string> Rest(const std::vector<std::string>& words) {
  return std::vector<std::string>(words.begin() + 1, words.end());
}

}  // namespace

std::unique_ptr<Connection> SocketConnection(const std::string& run_dir) {
  return std::make_unique<Socket>(control::SocketPath(RunDirectory(run_dir)));
}

Shell::Shell(Connection& vigild, std::ostream& out, std::ostream& err, ShellOptions options)
    : vigild_(vigild), out_(out), err_(err), options_(std::move(options)) {}

Shell::~Shell() = default;

std::string Shell::Prompt() {
  return "crm(live/" + Self() + ")" + kLevelNames[static_cast<int>(level_)] + "# ";
}

const std::string& Shell::Self() {
  if (self_.empty()) {
    if (const auto status = FetchStatus(); status.ok()) self_ = status->self;
  }
  return self_.empty() ? options_.host : self_;
}

bool Shell::Error(const std::string& message) {
  err_ << "ERROR: " << message << "\n";
  failed_ = true;
  return true;  // the session goes on
}

void Shell::Info(const std::string& message) { err_ << "INFO: " << message << "\n"; }

bool Shell::Arity(const std::vector<std::string>& words, size_t least, size_t most, const std::string& usage) {
  const size_t n = words.size() - 1;
  if (n >= least && n <= most) return true;
  Error(std::string(kLevelNames[static_cast<int>(level_)]) + " " + words[0] + ": " +
        (n < least ? "missing arguments" : "unexpected '" + words[most + 1] + "'") + " (usage: " + usage + ")");
  return false;
}

bool Shell::UnknownCommand(const std::string& word, const std::vector<std::string>& known) {
  std::string best;
  size_t best_distance = 3;
  for (const auto& k : known) {
    const size_t d = Distance(word, k);
    if (d < best_distance || (k.rfind(word, 0) == 0 && word.size() >= 3 && best.empty())) {
      best = k;
      best_distance = std::min(d, best_distance);
    }
  }
  return Error(std::string(level_ == Level::kTop ? "the top level" : kLevelNames[static_cast<int>(level_)]) +
               ": unknown command '" + word + "'" +
               (best.empty() ? "" : " (did you mean '" + best + "'?)") + "; 'help' lists the commands");
}

bool Shell::RunLine(const std::string& line) {
  auto words = SplitWords(line);
  if (!words.ok()) return Error(words.status().message());
  if (words->empty()) return true;
  return Run(*words);
}

bool Shell::Run(const std::vector<std::string>& words) {
  if (words.empty() || done_) return !done_;
  const Level before = level_;
  // "configure primitive ...": runs in that level, then leaves it (committing, as crmsh does in transit).
  if (level_ == Level::kTop && Among(words[0], kLevels) && words.size() > 1) {
    if (!Enter(LevelNamed(words[0]))) return true;
    const bool go_on = Dispatch(Rest(words));
    if (level_ != before && !done_) Leave(false);
    return go_on && !done_;
  }
  return Dispatch(words) && !done_;
}

bool Shell::Dispatch(const std::vector<std::string>& words) {
  const std::string& command = words[0];
  if (Among(command, kQuit)) {
    while (level_ != Level::kTop) {
      if (!Leave(options_.interactive)) return true;
    }
    done_ = true;
    return false;
  }
  if (Among(command, kLeave)) {
    if (command == "cd" && words.size() > 1 && words[1] != "..") {
      if (level_ != Level::kTop && !Leave(options_.interactive)) return true;
      return Run(Rest(words));
    }
    if (level_ != Level::kTop) Leave(options_.interactive);
    return true;
  }
  switch (level_) {
    case Level::kTop: return Top(words);
    case Level::kConfigure: return Configure(words);
    case Level::kNode: return Node(words);
    case Level::kResource: return Resource(words);
    case Level::kRa: return Ra(words);
  }
  return true;
}

bool Shell::Enter(Level level) {
  level_ = level;
  if (level == Level::kConfigure && !LoadConfiguration()) {
    level_ = Level::kTop;
    return false;
  }
  return true;
}

bool Shell::Leave(bool ask) {
  if (level_ == Level::kConfigure && staged_ && staged_->changed()) {
    bool commit = true;
    if (ask && options_.ask) {
      for (;;) {
        const auto answer = options_.ask("There are changes pending. Do you want to commit them (y/n)? ");
        if (!answer || *answer == "n" || *answer == "no") {
          commit = false;
          break;
        }
        if (*answer == "y" || *answer == "yes") break;
      }
    }
    // A commit that fails keeps a person in the level with the changes, to mend them; a script
    // or a one-shot command has said its error and leaves with nothing applied.
    if (commit && !Commit() && ask) return false;
  }
  staged_.reset();
  level_ = Level::kTop;
  return true;
}

void Shell::End() {
  if (level_ != Level::kTop) Leave(options_.interactive);
}

bool Shell::Request(const std::string& command, const std::vector<std::string>& args, std::string* body) {
  auto answer = vigild_.Ask(command, args);
  if (!answer.ok()) {
    Error(answer.status().message());
    return false;
  }
  if (body != nullptr) *body = std::move(*answer);
  return true;
}

bool Shell::LoadConfiguration() {
  std::string xml;
  if (!Request("cib-query", {}, &xml)) return false;
  auto parsed = Configuration::Parse(xml);
  if (!parsed.ok()) {
    Error("the CIB vigild sent does not read: " + parsed.status().message());
    return false;
  }
  staged_ = std::move(*parsed);
  staged_->set_agents(options_.agents);
  // What runs, for delete and erase: as crm status shows it.
  const auto status = FetchStatus();
  if (status.ok()) {
    std::set<std::string> names;
    for (const auto& n : status->nodes) names.insert(n.name);
    staged_->set_known_nodes(std::move(names));
  }
  if (status.ok() && status->resources_known) {
    std::set<std::string> running;
    for (const auto& r : status->resources) {
      if (!r.nodes.empty()) running.insert(r.id);
    }
    staged_->set_running(std::move(running));
  }
  return true;
}

bool Shell::Commit() {
  if (!staged_->changed()) {
    Info("apparently there is nothing to commit");
    return true;
  }
  // A commit refused because the CIB moved on since it was read (another change; the DC
  // recording the nodes that joined, right after the cluster formed) is made again on the new
  // CIB, unless that changed what this one changes too: the user caused no conflict.
  constexpr int kTries = 3;
  for (int attempt = 1;; ++attempt) {
    auto answer = vigild_.Ask("cib-replace", {staged_->version(), staged_->Document()});
    if (answer.ok()) break;
    std::string why = answer.status().message();
    if (why.rfind("cib-replace: ", 0) == 0) why.erase(0, 13);
    const bool moved_on = why.rfind("conflict: ", 0) == 0;
    auto current = moved_on && attempt < kTries ? vigild_.Ask("cib-query", {}) : Result<std::string>(answer.status());
    auto rebased = current.ok() ? staged_->Rebased(*current) : Result<Configuration>(current.status());
    if (!rebased.ok()) {
      if (moved_on && current.ok()) why = rebased.status().message();
      if (why.rfind("conflict: ", 0) == 0) why += " ('refresh' drops these changes and reads the CIB again)";
      Error("commit: " + why);
      return false;
    }
    Info("the CIB changed since it was read (now version " + rebased->version() + "); the changes are made again on it");
    *staged_ = std::move(*rebased);
  }
  // Committed: the next configure command reads the CIB afresh.
  staged_.reset();
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

bool Shell::Top(const std::vector<std::string>& words) {
  const std::string& command = words[0];
  if (command == "status") return Status(Rest(words));
  if (Among(command, kLevels)) return Enter(LevelNamed(command)), true;
  if (command == "help") {
    out_ << "commands: status, configure, node, resource, ra, quit\n"
            "  'configure' and the others open a level; 'configure COMMAND' runs one command there\n";
    return true;
  }
  return UnknownCommand(command, kTopCommands);
}

bool Shell::Status(const std::vector<std::string>& args) {
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

bool Shell::Configure(const std::vector<std::string>& words) {
  const std::string& command = words[0];
  if (!staged_ && command != "help" && !LoadConfiguration()) return true;
  if (command == "show") {
    std::vector<std::string> ids = Rest(words);
    const bool xml = !ids.empty() && ids[0] == "xml";
    if (xml) ids.erase(ids.begin());
    auto text = xml ? staged_->ShowXml(ids) : staged_->Show(ids);
    if (!text.ok()) return Error(text.status().message());
    out_ << *text;
    return true;
  }
  if (command == "commit") {
    if (words.size() > 1) return Error("commit: unexpected '" + words[1] + "'");
    Commit();
    return true;
  }
  if (command == "refresh") {
    LoadConfiguration();
    return true;
  }
  if (command == "edit") return Edit(Rest(words));
  if (command == "verify") {
    // Every staged command was checked against the whole CIB as it went in; what is left to say
    // is what would keep resources from starting.
    for (const auto& w : staged_->Verify()) err_ << "WARNING: " << w << "\n";
    return true;
  }
  if (command == "help") {
    out_ << "commands: " << Join(kConfigureCommands) << "\n";
    return true;
  }
  if (!Among(command, Configuration::Commands()) && !Among(command, Configuration::UnsupportedCommands()) &&
      command != "collocation") {
    return UnknownCommand(command, kConfigureCommands);
  }
  std::vector<std::string> warnings;
  const vigil::Status applied = staged_->Apply(words, &warnings);
  for (const auto& w : warnings) err_ << (w.rfind("hanging ", 0) == 0 ? "INFO: " : "WARNING: ") << w << "\n";
  if (!applied.ok()) return Error(applied.message());
  return true;
}

bool Shell::Node(const std::vector<std::string>& words) {
  const std::string& command = words[0];
  if (command == "standby" || command == "online") {
    if (words.size() > 2) return Error("node " + command + ": unexpected '" + words[2] + "' (at most one node)");
    if (Request("node-" + command, Rest(words))) Info(command + " node " + (words.size() > 1 ? words[1] : Self()));
    return true;
  }
  if (command == "show") {
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
  if (command == "status") {
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
  if (command == "help") {
    out_ << "commands: " << Join(kNodeCommands) << "\n";
    return true;
  }
  return UnknownCommand(command, kNodeCommands);
}

bool Shell::Resource(const std::vector<std::string>& words) {
  const std::string& command = words[0];
  const std::vector<std::string> args = Rest(words);
  auto need = [&](size_t least, size_t most, const std::string& usage) { return Arity(words, least, most, usage); };
  if (command == "start" || command == "stop") {
    if (need(1, 1, command + " RSC")) Request("resource-" + command, args);
    return true;
  }
  if (command == "restart") {
    if (!need(1, 1, "restart RSC")) return true;
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
  if (command == "status") {
    if (!need(0, 1, "status [RSC]")) return true;
    const auto status = FetchStatus();
    if (!status.ok()) return Error(status.status().message());
    bool found = false;
    for (const auto& r : status->resources) {
      if (!args.empty() && r.id != args[0]) continue;
      found = true;
      if (!status->resources_known) {
        out_ << "resource " << r.id << ": unknown (no DC)\n";
      } else if (r.nodes.empty()) {
        out_ << "resource " << r.id << " is NOT running\n";
      } else {
        out_ << "resource " << r.id << " is running on: " << Join(r.nodes, " ") << "\n";
      }
    }
    if (!found && !args.empty()) return Error("resource status: no resource '" + args[0] + "'");
    return true;
  }
  if (command == "move" || command == "migrate") {
    if (!need(1, 2, command + " RSC [NODE]")) return true;
    if (!Request("resource-move", args)) return true;
    if (args.size() == 2) Info("Move constraint created for " + args[0] + " to " + args[1]);
    Info("Use `crm resource clear " + args[0] + "` to remove this constraint");
    return true;
  }
  if (command == "clear" || command == "unmove" || command == "unmigrate") {
    if (need(1, 1, command + " RSC") && Request("resource-unmove", args)) {
      Info("Removed migration constraints for " + args[0]);
    }
    return true;
  }
  if (command == "cleanup") {
    if (!need(0, 2, "cleanup [RSC] [NODE]")) return true;
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
  if (command == "help") {
    out_ << "commands: " << Join(kResourceCommands) << "\n";
    return true;
  }
  return UnknownCommand(command, kResourceCommands);
}

bool Shell::Ra(const std::vector<std::string>& words) {
  const std::string& command = words[0];
  const std::vector<std::string> args = Rest(words);
  if (command == "help") {
    out_ << "commands: " << Join(kRaCommands) << "\n";
    return true;
  }
  if (!Among(command, kRaCommands)) return UnknownCommand(command, kRaCommands);
  auto usage = [&](size_t least, size_t most, const std::string& form) { return Arity(words, least, most, form); };
  if (options_.agents == nullptr) return Error("ra " + command + ": no agents are known to this crm");
  if (command == "classes") {
    if (usage(0, 0, "classes")) out_ << RaClasses(options_.agents->List());
    return true;
  }
  if (command == "providers") {
    if (!usage(1, 2, "providers TYPE [CLASS]")) return true;
    auto text = RaProviders(options_.agents->List(), args[0], args.size() > 1 ? args[1] : "ocf");
    if (!text.ok()) return Error("ra providers: " + text.status().message());
    out_ << *text;
    return true;
  }
  if (command == "list") {
    if (!usage(1, 2, "list CLASS [PROVIDER]")) return true;
    auto text = RaList(options_.agents->List(), args[0], args.size() > 1 ? args[1] : "", options_.width);
    if (!text.ok()) return Error("ra list: " + text.status().message());
    out_ << *text;
    return true;
  }
  // info / meta
  if (!usage(1, 1, command + " [ocf:PROVIDER:]TYPE")) return true;
  auto described = options_.agents->Describe(args[0]);
  if (!described.ok()) return Error("ra " + command + ": " + described.status().message());
  auto text = RaInfo(described->agent, described->xml);
  if (!text.ok()) return Error("ra " + command + ": " + text.status().message());
  out_ << *text;
  return true;
}

Result<control::ClusterStatus> Shell::FetchStatus() {
  auto xml = vigild_.Ask("status", {});
  if (!xml.ok()) return xml.status();
  return control::FromXml(*xml);
}

std::vector<std::string> Shell::ResourceIds() {
  std::vector<std::string> ids;
  if (const auto status = FetchStatus(); status.ok()) {
    for (const auto& r : status->resources) ids.push_back(r.id);
  }
  return ids;
}

std::vector<std::string> Shell::NodeNames() {
  std::vector<std::string> names;
  if (const auto status = FetchStatus(); status.ok()) {
    for (const auto& n : status->nodes) names.push_back(n.name);
  }
  return names;
}

std::vector<std::string> Shell::Complete(const std::vector<std::string>& words, const std::string& partial) {
  std::vector<std::string> candidates;
  if (level_ == Level::kTop && !words.empty() && Among(words[0], kLevels)) {
    candidates = Candidates(LevelNamed(words[0]), Rest(words));
  } else {
    candidates = Candidates(level_, words);
  }
  std::vector<std::string> out;
  for (auto& c : candidates) {
    if (!c.empty() && c.rfind(partial, 0) == 0 && std::find(out.begin(), out.end(), c) == out.end()) {
      out.push_back(std::move(c));
    }
  }
  return out;
}

std::vector<std::string> Shell::Candidates(Level level, const std::vector<std::string>& words) {
  if (words.empty()) {
    switch (level) {
      case Level::kTop: return kTopCommands;
      case Level::kConfigure: return kConfigureCommands;
      case Level::kNode: return kNodeCommands;
      case Level::kResource: return kResourceCommands;
      case Level::kRa: return kRaCommands;
    }
  }
  const std::string& command = words[0];
  switch (level) {
    case Level::kTop: return {};
    case Level::kNode: return command == "standby" || command == "online" || command == "show" ? NodeNames() : Words{};
    case Level::kResource: return words.size() == 1 ? ResourceIds() : NodeNames();
    case Level::kRa:
      if (command == "info" || command == "meta") return words.size() == 1 ? AgentNames() : Words{};
      if (command == "list" && words.size() == 1) return {"ocf"};
      if (command == "list" && words.size() == 2 && options_.agents != nullptr) {
        std::set<std::string> providers;
        for (const auto& a : options_.agents->List()) providers.insert(a.provider);
        return Words(providers.begin(), providers.end());
      }
      return {};
    case Level::kConfigure:
      if (command == "primitive") return PrimitiveCandidates(words);
      if (command == "location" && words.size() == 4) return NodeNames();
      if (staged_) return staged_->Ids();
      // Quietly: completion says nothing of a vigild that does not answer.
      if (auto xml = vigild_.Ask("cib-query", {}); xml.ok()) {
        if (auto read = Configuration::Parse(*xml); read.ok()) return read->Ids();
      }
      return {};
  }
  return {};
}

// primitive ID AGENT [params N=V...] [meta ...] [op ...]: the agent's name, then the keywords and,
// after params, the agent's parameter names not given yet.
std::vector<std::string> Shell::PrimitiveCandidates(const std::vector<std::string>& words) {
  if (words.size() < 2) return {};
  if (words.size() == 2) return AgentNames();
  Words out = {"params", "meta", "utilization", "op"};
  std::string keyword;
  for (size_t i = 3; i < words.size(); ++i) {
    if (words[i].find('=') == std::string::npos) keyword = words[i];
  }
  if (keyword != "params" || options_.agents == nullptr) return out;
  auto described = options_.agents->Describe(words[2]);
  if (!described.ok()) return out;
  Words parameters;
  for (const auto& p : described->metadata->parameters) {
    const bool given = std::any_of(words.begin() + 3, words.end(), [&](const std::string& w) { return w.rfind(p.name + "=", 0) == 0; });
    if (!given) parameters.push_back(p.name + "=");
  }
  parameters.insert(parameters.end(), out.begin(), out.end());
  return parameters;
}

std::vector<std::string> Shell::AgentNames() {
  Words names;
  if (options_.agents == nullptr) return names;
  for (const auto& a : options_.agents->List()) {
    names.push_back(a.name);
    if (a.provider == "heartbeat") names.push_back(a.type);  // a bare type means ocf:heartbeat:TYPE
  }
  return names;
}

}  // namespace vigil::crm
