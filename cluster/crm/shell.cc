#include "cluster/crm/shell.h"

#include <algorithm>
#include <unistd.h>
#include <iterator>
#include <cstring>
#include <fstream>
#include <ostream>
#include <set>

#include "cluster/control/cluster_status.h"
#include "cluster/control/control.h"
#include "cluster/crm/shell_detail.h"
#include "cluster/crm/words.h"

namespace vigil::crm {

using namespace shell_detail;

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

const std::vector<std::string> kLeave = {"up", "end", "cd", "back"};
const std::vector<std::string> kQuit = {"quit", "bye", "exit"};

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

}  // namespace

// Each level's commands. A row: its names (the first listed first), the arguments it takes after
// the name (for `help NAME` and the usage in an error), one line of help, the handler, what
// completes its words, and its arity when the dispatcher checks it (kAny: the handler does, with
// words of its own). Adding a command is a row and a handler.
const std::vector<Shell::Command>& Shell::Commands(Level level) {
  using C = Completes;
  static const std::vector<Command> kTop = {
      {{"status"}, "[xml|json]", "the cluster's status, as crm_mon shows it (or its XML, or JSON)", &Shell::TopStatus},
      {{"configure"}, "[COMMAND ...]", "the configuration: staged changes, then commit", &Shell::TopLevel},
      {{"node"}, "[COMMAND ...]", "nodes: standby, online, show, status", &Shell::TopLevel},
      {{"resource"}, "[COMMAND ...]", "resources: start, stop, promote, move, cleanup, locate, ...", &Shell::TopLevel},
      {{"ra"}, "[COMMAND ...]", "resource agents: classes, providers, list, info", &Shell::TopLevel},
      {{"site"}, "[COMMAND ...]", "multi-site tickets: grant, revoke, standby, activate, show, time, delete",
       &Shell::TopLevel},
      {{"cib"}, "[COMMAND ...]", "shadow CIBs: new, use, commit, reset, delete, list", &Shell::TopLevel},
  };
  static const std::vector<Command> kConfigure = {
      {{"node"}, "[ID:] NAME [attributes N=V...] [utilization N=V...]", "a node and its attributes",
       &Shell::ConfigureApply, C::kIds},
      {{"primitive"}, "ID AGENT|@TEMPLATE [params N=V...] [meta N=V...] [op NAME N=V...]...", "a resource",
       &Shell::ConfigureApply, C::kPrimitive},
      {{"rsc_template"}, "ID AGENT [params N=V...] [meta N=V...] [op NAME N=V...]...",
       "what primitives made from it (primitive ID @TEMPLATE) start from", &Shell::ConfigureApply, C::kPrimitive},
      {{"tag"}, "ID[:] RSC...", "a name for several resources, for constraints", &Shell::ConfigureApply, C::kIds},
      {{"group"}, "ID RSC... [params N=V...] [meta N=V...]", "primitives that run together, in order",
       &Shell::ConfigureApply, C::kIds},
      {{"clone"}, "ID RSC [params N=V...] [meta N=V...]", "a primitive or group on many nodes",
       &Shell::ConfigureApply, C::kIds},
      {{"ms"}, "ID RSC [params N=V...] [meta N=V...]", "a promotable clone (deprecated: clone ... meta promotable=true)",
       &Shell::ConfigureApply, C::kIds},
      {{"modgroup"}, "GROUP add RSC [after|before MEMBER] | GROUP remove MEMBER", "a group's members",
       &Shell::ConfigureApply, C::kIds},
      {{"property"}, "[SET:] N=V...", "cluster options (crm_config)", &Shell::ConfigureApply, C::kIds},
      {{"rsc_defaults"}, "[SET:] N=V...", "resource defaults", &Shell::ConfigureApply, C::kIds},
      {{"op_defaults"}, "[SET:] N=V...", "operation defaults", &Shell::ConfigureApply, C::kIds},
      {{"location"}, "ID RSC SCORE: NODE", "a location constraint", &Shell::ConfigureApply, C::kLocation},
      {{"colocation"}, "ID SCORE: RSC WITH-RSC", "a colocation constraint", &Shell::ConfigureApply, C::kIds},
      {{"order"}, "ID [KIND:|SCORE:] FIRST THEN", "an order constraint", &Shell::ConfigureApply, C::kIds},
      {{"rsc_ticket"}, "ID TICKET: RSC[:ROLE]... [loss-policy=POLICY]", "resources that run only while a ticket is granted",
       &Shell::ConfigureApply, C::kIds},
      {{"fencing_topology"}, "[TARGET] DEVICES... [TARGET DEVICES...]", "the fence devices tried for each node, by level",
       &Shell::ConfigureApply, C::kIds},
      {{"delete"}, "ID...", "removes elements (a running resource is refused)", &Shell::ConfigureApply, C::kIds},
      {{"rename"}, "OLD NEW", "an object's id, and the constraints' references to it", &Shell::ConfigureApply,
       C::kIds},
      {{"erase"}, "", "removes every resource and constraint", &Shell::ConfigureApply, C::kNothing},
      {{"show"}, "[xml] [ID...]", "the configuration in crm syntax, or as XML", &Shell::ConfigureShow, C::kIds},
      {{"edit"}, "[ID...]", "the configuration (or those elements) in $EDITOR", &Shell::ConfigureEdit, C::kIds},
      {{"commit"}, "", "sends the staged changes to the cluster", &Shell::ConfigureCommit, C::kIds},
      {{"verify"}, "", "what would keep resources from starting", &Shell::ConfigureVerify, C::kIds},
      {{"save"}, "[xml] FILE", "the configuration as show prints it (or as XML) into FILE", &Shell::ConfigureSave,
       C::kNothing, 1, 2},
      {{"load"}, "[xml] replace|update FILE", "the configuration from FILE (crm syntax, or a CIB with xml): all of it, or its objects",
       &Shell::ConfigureLoad, C::kNothing, 2, 3},
      {{"refresh"}, "", "drops the staged changes and reads the CIB again", &Shell::ConfigureRefresh, C::kIds},
  };
  static const std::vector<Command> kNode = {
      {{"standby"}, "[NODE]", "puts a node (this one) in standby", &Shell::NodeStandby, C::kNodes},
      {{"online"}, "[NODE]", "takes a node (this one) out of standby", &Shell::NodeStandby, C::kNodes},
      {{"show"}, "[NODE]", "the nodes and their standby", &Shell::NodeShow, C::kNodes},
      {{"status"}, "[NODE]", "the nodes' elements of the CIB, as XML", &Shell::NodeStatus},
      {{"attribute"}, "NODE set|delete|show NAME [VALUE]", "a node attribute in <nodes> (crm_attribute)",
       &Shell::NodeAttribute, C::kNodes, 3, 4},
      {{"utilization"}, "NODE set|delete|show NAME [VALUE]", "a node's capacity (crm_attribute -z)",
       &Shell::NodeAttribute, C::kNodes, 3, 4},
      {{"maintenance"}, "[NODE]", "maintenance=true: what runs there is left alone", &Shell::NodeMaintenance,
       C::kNodes, 0, 1},
      {{"ready"}, "[NODE]", "maintenance=off", &Shell::NodeMaintenance, C::kNodes, 0, 1},
      {{"fence"}, "NODE", "fences a node (asks first; crm -F does not)", &Shell::NodeFence, C::kNodes, 1, 1},
  };
  static const std::vector<Command> kResource = {
      {{"start"}, "RSC", "target-role Started", &Shell::ResourceStartStop, C::kResourceThenNodes, 1, 1},
      {{"stop"}, "RSC", "target-role Stopped", &Shell::ResourceStartStop, C::kResourceThenNodes, 1, 1},
      {{"restart"}, "RSC", "stops it, waits until it runs nowhere, starts it", &Shell::ResourceRestart,
       C::kResourceThenNodes, 1, 1},
      {{"status"}, "[RSC]", "where it runs", &Shell::ResourceStatus, C::kResourceThenNodes, 0, 1},
      {{"locate"}, "RSC...", "the nodes it runs on (and where an instance is promoted)", &Shell::ResourceLocate,
       C::kResourceThenNodes},
      {{"promote"}, "RSC", "target-role Master: a promotable clone's instances may be promoted",
       &Shell::ResourcePromote, C::kResourceThenNodes, 1, 1},
      {{"demote"}, "RSC", "target-role Slave: a promotable clone's instances stay unpromoted",
       &Shell::ResourcePromote, C::kResourceThenNodes, 1, 1},
      {{"move", "migrate"}, "RSC [NODE [LIFETIME]]", "prefers NODE (until LIFETIME, as PT1H, has passed), or bans it from where it runs",
       &Shell::ResourceMove, C::kResourceThenNodes, 1, 3},
      {{"clear", "unmove", "unmigrate"}, "RSC", "removes what move left", &Shell::ResourceClear,
       C::kResourceThenNodes, 1, 1},
      {{"ban"}, "RSC [NODE [LIFETIME]]", "keeps it off NODE (for LIFETIME), or off the node it runs on", &Shell::ResourceBan,
       C::kResourceThenNodes, 1, 3},
      {{"param"}, "RSC set|delete|show NAME [VALUE]", "an instance attribute (crm_resource)", &Shell::ResourceAttribute,
       C::kResourceThenNodes, 3, 4},
      {{"meta"}, "RSC set|delete|show NAME [VALUE]", "a meta attribute (crm_resource --meta)", &Shell::ResourceAttribute,
       C::kResourceThenNodes, 3, 4},
      {{"utilization"}, "RSC set|delete|show NAME [VALUE]", "what it takes of a node's capacities",
       &Shell::ResourceAttribute, C::kResourceThenNodes, 3, 4},
      {{"failcount"}, "RSC show|delete NODE", "its failures on NODE: their count, or forgotten", &Shell::ResourceFailcount,
       C::kResourceThenNodes, 3, 4},
      {{"manage"}, "RSC", "is-managed true (on its clone, if cloned)", &Shell::ResourceManage, C::kResourceThenNodes, 1, 1},
      {{"unmanage"}, "RSC", "is-managed false: left as it is", &Shell::ResourceManage, C::kResourceThenNodes, 1, 1},
      {{"maintenance"}, "RSC [on|off|true|false]", "meta maintenance: neither started, stopped nor monitored",
       &Shell::ResourceManage, C::kResourceThenNodes, 1, 2},
      {{"trace"}, "RSC [OP] [INTERVAL] [/DIR]", "its agent traces OP (every operation without), in DIR or /var/lib/heartbeat/trace_ra",
       &Shell::ResourceTrace, C::kResourceThenNodes, 1, 4},
      {{"untrace"}, "RSC [OP] [INTERVAL]", "no more tracing of OP (of any operation without)", &Shell::ResourceTrace,
       C::kResourceThenNodes, 1, 3},
      {{"cleanup", "refresh"}, "[RSC] [NODE]", "forgets its history and failures, so that it is probed again", &Shell::ResourceCleanup,
       C::kResourceThenNodes, 0, 2},
  };
  static const std::vector<Command> kRa = {
      {{"classes"}, "", "the agent classes", &Shell::RaClasses, C::kNothing, 0, 0},
      {{"providers"}, "TYPE [CLASS]", "the providers of an agent type", &Shell::RaProviders, C::kNothing, 1, 2},
      {{"list"}, "CLASS [PROVIDER]", "the agents of a class (and provider)", &Shell::RaList, C::kRaList, 1, 2},
      {{"info", "meta"}, "[ocf:PROVIDER:]TYPE", "an agent's parameters and operations", &Shell::RaInfo, C::kAgent,
       1, 1},
  };
  static const std::vector<Command> kCib = {
      {{"new"}, "NAME [empty] [force]", "a shadow copy of the CIB (or an empty one), then in use", &Shell::CibCommand,
       C::kNothing, 1, 3},
      {{"use"}, "[NAME|live]", "configure works on shadow NAME, or on the live CIB again", &Shell::CibCommand,
       C::kNothing, 0, 1},
      {{"commit"}, "[NAME]", "replaces the live CIB with the shadow (the one in use)", &Shell::CibCommand, C::kNothing, 0, 1},
      {{"reset"}, "NAME", "the shadow becomes a copy of the live CIB again", &Shell::CibCommand, C::kNothing, 1, 1},
      {{"delete"}, "NAME", "removes a shadow not in use", &Shell::CibCommand, C::kNothing, 1, 1},
      {{"list"}, "", "the shadow CIBs", &Shell::CibCommand, C::kNothing, 0, 0},
  };
  static const std::vector<Command> kSite = {
      {{"ticket"}, "grant|revoke|standby|activate|show|time|delete TICKET", "a ticket's state (crm_ticket)",
       &Shell::SiteTicket, C::kNothing, 2, 2},
  };
  switch (level) {
    case Level::kTop: return kTop;
    case Level::kSite: return kSite;
    case Level::kCib: return kCib;
    case Level::kConfigure: return kConfigure;
    case Level::kNode: return kNode;
    case Level::kResource: return kResource;
    case Level::kRa: return kRa;
  }
  return kTop;
}

const Shell::Command* Shell::Find(Level level, const std::string& name) {
  for (const Command& c : Commands(level)) {
    if (Among(name, c.names)) return &c;
  }
  return nullptr;
}

std::vector<std::string> Shell::Names(Level level) {
  std::vector<std::string> out;
  for (const Command& c : Commands(level)) out.insert(out.end(), c.names.begin(), c.names.end());
  if (level != Level::kTop) out.push_back("up");
  out.insert(out.end(), {"help", "quit"});
  return out;
}

std::unique_ptr<Connection> SocketConnection(const std::string& run_dir) {
  return std::make_unique<Socket>(control::SocketPath(RunDirectory(run_dir)));
}

Shell::Shell(Connection& vigild, std::ostream& out, std::ostream& err, ShellOptions options)
    : vigild_(vigild), out_(out), err_(err), options_(std::move(options)) {}

Shell::~Shell() = default;

std::string Shell::Prompt() {
  return "crm(" + (shadow_.empty() ? std::string("live") : shadow_) + "/" + Self() + ")" + LevelName(level_) + "# ";
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
  if (!options_.interactive) halted_ = true;
  return true;  // the session goes on, when a person is at it
}

void Shell::Info(const std::string& message) { err_ << "INFO: " << message << "\n"; }

bool Shell::Arity(const std::vector<std::string>& words, size_t least, size_t most, const std::string& usage) {
  const size_t n = words.size() - 1;
  if (n >= least && n <= most) return true;
  Error(std::string(LevelName(level_)) + " " + words[0] + ": " +
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
  return Error(std::string(level_ == Level::kTop ? "the top level" : LevelName(level_)) +
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
  if (halted_ && !done_) {
    err_ << "ERROR: not run, after the error above: " << Join(words, " ") << "\n";
    done_ = true;
  }
  if (words.empty() || done_) return !done_;
  const Level before = level_;
  // "configure primitive ...": runs in that level, then leaves it (committing, as crmsh does in transit).
  if (level_ == Level::kTop && IsLevel(words[0]) && words.size() > 1) {
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
  return RunCommand(words);
}

bool Shell::RunCommand(const std::vector<std::string>& words) {
  const std::string& name = words[0];
  if (name == "help") return Help(Rest(words));
  // Configure's commands work on the staged copy, read when the level is entered (or again).
  if (level_ == Level::kConfigure && !staged_ && !LoadConfiguration()) return true;
  const Command* command = Find(level_, name);
  if (command == nullptr && level_ == Level::kConfigure &&
      (Among(name, Configuration::UnsupportedCommands()) || name == "collocation")) {
    return ConfigureApply(words);  // refused by name (group, clone...), or crmsh's old spelling
  }
  if (command == nullptr) return UnknownCommand(name, Names(level_));
  if (level_ == Level::kRa && options_.agents == nullptr) return Error("ra " + name + ": no agents are known to this crm");
  if (command->most != kAny && !Arity(words, command->least, command->most, Usage(*command, name))) return true;
  return (this->*command->run)(words);
}

std::string Shell::Usage(const Command& command, const std::string& name) {
  return name + (command.usage.empty() ? "" : " " + command.usage);
}

bool Shell::Help(const std::vector<std::string>& args) {
  if (args.size() > 1) return Error("help: unexpected '" + args[1] + "' (usage: help [COMMAND])");
  if (args.empty() && level_ == Level::kTop) {
    out_ << "commands: status, configure, node, resource, ra, site, cib, quit\n"
            "  'configure' and the others open a level; 'configure COMMAND' runs one command there\n";
    return true;
  }
  if (args.empty()) {
    out_ << "commands: " << Join(Names(level_)) << "\n";
    return true;
  }
  const Command* command = Find(level_, args[0]);
  if (command == nullptr) return UnknownCommand(args[0], Names(level_));
  out_ << "usage: " << Usage(*command, args[0]) << "\n  " << command->help << "\n";
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
    // or a one-shot command has said its error and leaves with nothing applied. After an error a
    // script commits nothing.
    if (halted_) {
      err_ << "ERROR: the changes staged before the error are dropped, not committed\n";
      commit = false;
    }
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
  if (!shadow_.empty() && command == "cib-query") {
    std::ifstream file(ShadowPath(shadow_));
    if (!file) return Error("shadow CIB " + shadow_ + " cannot be read: " + std::strerror(errno)), false;
    const std::string text((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
    if (body != nullptr) *body = text;
    return true;
  }
  if (!shadow_.empty() && command != "status") {
    return Error(command + ": this acts on the live cluster, and shadow CIB " + shadow_ +
                 " is in use ('cib use live' goes back to the live CIB)"),
           false;
  }
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
  if (!shadow_.empty()) {
    // Into the shadow's file, whole or not at all; it keeps the version it was copied at, which
    // cib commit makes the change against.
    const std::string path = ShadowPath(shadow_);
    const std::string temporary = path + ".new";
    {
      std::ofstream file(temporary, std::ios::trunc);
      file << staged_->Document();
      if (!file.flush()) return Error("commit: cannot write shadow CIB " + shadow_), false;
    }
    if (::rename(temporary.c_str(), path.c_str()) != 0) {
      ::unlink(temporary.c_str());
      return Error("commit: cannot write shadow CIB " + shadow_ + ": " + std::strerror(errno)), false;
    }
    staged_.reset();
    return true;
  }
  constexpr int kTries = 3;
  for (int attempt = 1;; ++attempt) {
    auto answer = vigild_.Ask("cib-replace", {staged_->version(), staged_->Document()});
    if (answer.ok()) break;
    std::string why = answer.status().message();
    if (why.rfind("cib-replace: ", 0) == 0) why.erase(0, 13);
    if (why.rfind("conflict: ", 0) == 0 && attempt < kTries) {
      auto current = vigild_.Ask("cib-query", {});
      auto rebased = current.ok() ? staged_->Rebased(*current) : Result<Configuration>(current.status());
      if (rebased.ok()) {
        Info("the CIB changed since it was read (now version " + rebased->version() + "); the changes are made again on it");
        *staged_ = std::move(*rebased);
        continue;
      }
      if (current.ok()) why = rebased.status().message();  // the same objects changed on both sides
    }
    if (why.rfind("conflict: ", 0) == 0) why += " ('refresh' drops these changes and reads the CIB again)";
    return Error("commit: " + why), false;
  }
  // Committed: the next configure command reads the CIB afresh.
  staged_.reset();
  return true;
}

Result<control::ClusterStatus> Shell::FetchStatus() {
  auto xml = vigild_.Ask("status", {});
  if (!xml.ok()) return xml.status();
  return control::FromXml(*xml);
}

}  // namespace vigil::crm
