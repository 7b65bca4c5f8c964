// crm's shell: crmsh's levels and commands over the local vigild's control requests.
//
// The levels are crmsh's: the top (status, and the level names), `configure` (changes staged
// until `commit`), `node`, `resource`, `ra`, `site` (tickets) and `cib` (shadow CIBs: a copy of
// the CIB that configure changes instead, committed to the cluster as a whole). A command runs at the current level; one given with a
// level's name in front (`configure property stonith-enabled=false`) runs in that level and
// leaves it again. Leaving `configure` with changes not committed commits them when the session is
// not interactive (a script, or a one-shot command), and asks first when it is, as crmsh does.
//
// Every error is one line on `err` starting with "ERROR: "; a failed command changes nothing and
// makes exit_code() 1. A session that is not interactive (a script, standard input, a one-shot
// command) ends at its first error: the commands after it are not run and changes staged before
// it are dropped, not committed (crmsh would go on). Not thread-safe.
#pragma once

#include <functional>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cluster/control/cluster_status.h"
#include "cluster/crm/agents.h"
#include "cluster/crm/configuration.h"
#include "common/status.h"

namespace pugi {
class xml_document;
}

namespace vigil::crm {

// One control request to vigild: the answer's body, or its error line (kInvalidArgument), or why
// vigild could not be asked.
class Connection {
 public:
  virtual ~Connection() = default;
  virtual Result<std::string> Ask(const std::string& command, const std::vector<std::string>& args) = 0;
};

// The daemon behind RUN_DIR/vigild.sock.
std::unique_ptr<Connection> SocketConnection(const std::string& run_dir);

struct ShellOptions {
  bool interactive = false;  // a person at a terminal: questions are asked
  std::string host;          // this node's name while vigild does not answer
  // Reads the answer to a question (interactive only); nullopt at end of input.
  std::function<std::optional<std::string>(const std::string& question)> ask;
  // The agents for `ra` and for checking a primitive as it is typed; none: `ra` says so, and
  // primitives are checked by vigild at commit only.
  Agents* agents = nullptr;
  size_t width = 80;  // the terminal's, for `ra list`
  // crm -F: what asks for --force is done without it (site ticket grant and revoke).
  bool force = false;
  // Where shadow CIBs are kept (cib new|use|commit|delete|list|reset): shadow.NAME files.
  std::string shadow_dir = "/var/lib/vigil/shadow";
  // `configure edit`: lets the user edit the file at this path ($EDITOR); an error when the
  // editor could not run or failed. None: edit says so.
  std::function<vigil::Status(const std::string& path)> edit_file;
};

class Shell {
 public:
  Shell(Connection& vigild, std::ostream& out, std::ostream& err, ShellOptions options);
  ~Shell();

  // Runs one command at the current level. false once the session is over (quit).
  bool Run(const std::vector<std::string>& words);
  // A line as typed: split into words (quotes, comments), then Run.
  bool RunLine(const std::string& line);
  // The end of the session (quit, or the end of the input): what leaving each level asks for
  // (configure's changes: asked about when interactive, committed otherwise).
  void End();

  // "crm(live/node1)configure# ": this node's name as vigild knows it.
  std::string Prompt();
  int exit_code() const { return failed_ ? 1 : 0; }

  // What may complete `partial` after `words` at the current level (or in the level `words`
  // name first): commands, resource ids, node names, agent names, and a primitive's parameter
  // names ("ip=") from its agent's meta-data. The prompt's tab completion.
  std::vector<std::string> Complete(const std::vector<std::string>& words, const std::string& partial);

  enum class Level { kTop, kConfigure, kNode, kResource, kRa, kSite, kCib };

 private:
  // What completes a command's words.
  enum class Completes { kNothing, kNodes, kResourceThenNodes, kAgent, kRaList, kPrimitive, kLocation, kIds };
  static constexpr size_t kAny = static_cast<size_t>(-1);
  // One command of a level (the tables are in shell.cc): a row and a handler make a command.
  using Handler = bool (Shell::*)(const std::vector<std::string>& words);  // words[0]: the name typed
  struct Command {
    std::vector<std::string> names;  // the first is the command's, the others aliases
    std::string usage;               // what follows the name: "RSC [NODE]"
    std::string help;                // one line, for `help NAME`
    Handler run;
    Completes completes = Completes::kNothing;
    // Arguments the dispatcher checks (with `usage` in the error); kAny: the handler checks.
    size_t least = 0;
    size_t most = kAny;
  };
  static const std::vector<Command>& Commands(Level level);
  static const Command* Find(Level level, const std::string& name);
  // Every name of the level (aliases too), then up (below the top), help and quit.
  static std::vector<std::string> Names(Level level);
  static std::string Usage(const Command& command, const std::string& name);

  bool Dispatch(const std::vector<std::string>& words);
  // A command of the current level (help, the level's table, configure's refused names).
  bool RunCommand(const std::vector<std::string>& words);
  // `help`: the level's commands; `help NAME`: its usage and what it does.
  bool Help(const std::vector<std::string>& args);
  // The handlers (shell_commands.cc).
  bool TopStatus(const std::vector<std::string>& words);
  bool TopLevel(const std::vector<std::string>& words);
  bool ConfigureShow(const std::vector<std::string>& words);
  bool ConfigureCommit(const std::vector<std::string>& words);
  bool ConfigureRefresh(const std::vector<std::string>& words);
  bool ConfigureEdit(const std::vector<std::string>& words);
  bool ConfigureVerify(const std::vector<std::string>& words);
  bool ConfigureSave(const std::vector<std::string>& words);
  bool ConfigureLoad(const std::vector<std::string>& words);
  bool ConfigureApply(const std::vector<std::string>& words);
  bool NodeStandby(const std::vector<std::string>& words);
  bool NodeFence(const std::vector<std::string>& words);
  bool NodeShow(const std::vector<std::string>& words);
  bool NodeStatus(const std::vector<std::string>& words);
  bool ResourceStartStop(const std::vector<std::string>& words);
  bool ResourceRestart(const std::vector<std::string>& words);
  bool ResourceStatus(const std::vector<std::string>& words);
  bool ResourceLocate(const std::vector<std::string>& words);
  bool ResourcePromote(const std::vector<std::string>& words);
  bool ResourceMove(const std::vector<std::string>& words);
  bool ResourceClear(const std::vector<std::string>& words);
  bool ResourceCleanup(const std::vector<std::string>& words);
  bool RaClasses(const std::vector<std::string>& words);
  bool RaProviders(const std::vector<std::string>& words);
  bool RaList(const std::vector<std::string>& words);
  bool RaInfo(const std::vector<std::string>& words);
  bool SiteTicket(const std::vector<std::string>& words);
  bool CibCommand(const std::vector<std::string>& words);
  std::string ShadowPath(const std::string& name) const;
  bool ResourceAttribute(const std::vector<std::string>& words);
  bool ResourceManage(const std::vector<std::string>& words);
  bool ResourceTrace(const std::vector<std::string>& words);
  // load's second half: `text` (crm syntax) loaded by `method`, replace or update.
  bool LoadText(const std::string& method, const std::string& text);
  bool ResourceBan(const std::vector<std::string>& words);
  bool ResourceFailcount(const std::vector<std::string>& words);
  bool LapsingLocation(const std::string& command, const std::string& rsc, const std::string& node, const std::string& end);
  // The CIB as vigild (or the shadow in use) has it, into *doc; false after saying why.
  bool QueryCib(pugi::xml_document* doc);
  bool NodeAttribute(const std::vector<std::string>& words);
  bool NodeMaintenance(const std::vector<std::string>& words);
  // Reads the CIB, applies `change` to it (which says what crm_resource would print into
  // *said), commits it and prints *said; an error names `what`. *committed (if given): whether
  // the change reached the CIB (or there was nothing to change).
  bool StagedChange(const std::string& what, const std::function<vigil::Status(std::string* said)>& change,
                    bool* committed = nullptr);
  // crm_resource's location constraint (element XML), replacing one with its id, then its notes.
  bool CliLocation(const std::string& command, const std::string& rsc, const std::string& node, const std::string& xml);
  // Completion (shell_completion.cc).
  std::vector<std::string> Candidates(Level level, const std::vector<std::string>& words);
  std::vector<std::string> PrimitiveCandidates(const std::vector<std::string>& words);
  std::vector<std::string> AgentNames();
  // Leaves the current level for its parent (the top). false: the user chose to stay.
  bool Leave(bool ask);
  bool Enter(Level level);
  bool LoadConfiguration();
  bool Commit();
  bool Edit(const std::vector<std::string>& ids);
  bool Request(const std::string& command, const std::vector<std::string>& args, std::string* body = nullptr);
  bool Error(const std::string& message);
  bool UnknownCommand(const std::string& word, const std::vector<std::string>& known);
  // Whether `words` (a command and its arguments) has least..most arguments; if not, says so
  // ("resource move: missing arguments (usage: ...)") and returns false.
  bool Arity(const std::vector<std::string>& words, size_t least, size_t most, const std::string& usage);
  void Info(const std::string& message);
  // The resources and nodes vigild knows (for checks and completion).
  std::vector<std::string> ResourceIds();
  std::vector<std::string> NodeNames();
  const std::string& Self();
  Result<control::ClusterStatus> FetchStatus();

  Connection& vigild_;
  std::ostream& out_;
  std::ostream& err_;
  ShellOptions options_;
  Level level_ = Level::kTop;
  std::optional<Configuration> staged_;
  bool failed_ = false;
  bool done_ = false;
  // A script's (or a one-shot command's) first error ends it: nothing after it runs and nothing
  // staged before it is committed, so that a half-done script never reaches the cluster.
  bool halted_ = false;
  // The shadow CIB in use (cib use): configure reads and commits it instead of the live CIB, and
  // what acts on the live cluster is refused; empty: the live CIB.
  std::string shadow_;
  std::string self_;  // this node's name, from vigild
};

}  // namespace vigil::crm
