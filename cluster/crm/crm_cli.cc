#include "cluster/crm/crm_cli.h"

#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <editline/readline.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <optional>

#include "cluster/crm/shell.h"
#include "cluster/crm/words.h"
#include "common/command_line.h"
#include "common/log.h"
#include "host/registry.h"

namespace vigil {
namespace {

constexpr const char* kAbout =
    "crmsh's commands over the local vigild. With a level and a command after the options\n"
    "([LEVEL] COMMAND [ARGS]...) it runs that and leaves:\n"
    "  crm status\n"
    "  crm configure property stonith-enabled=false\n"
    "  crm configure primitive ip ocf:heartbeat:IPaddr params ip=192.168.1.100 op monitor interval=10s\n"
    "  crm node standby\n"
    "Without one it reads commands from standard input, one per line (a trailing \\ continues a\n"
    "line): interactive at a terminal, as a script otherwise. Levels: configure, node, resource,\n"
    "ra, site; 'help' in each lists its commands. The agents (for 'ra' and for checking a\n"
    "primitive as it is typed) are loaded as vigild loads them.";

// The prompt's line editing (libedit): history, kept across sessions, and tab completion from
// the shell.
class LineEditor {
 public:
  explicit LineEditor(crm::Shell& shell) {
    shell_ = &shell;
    static char breaks[] = " \t\n\"'";
    rl_completer_word_break_characters = breaks;
    rl_attempted_completion_function = &LineEditor::Complete;
    stifle_history(1000);
    if (const char* home = std::getenv("HOME"); home && *home) {
      history_ = std::filesystem::path(home) / ".config" / "vigil" / "crm_history";
      read_history(history_.c_str());
    }
  }
  ~LineEditor() {
    if (history_.empty()) return;
    std::error_code ec;
    std::filesystem::create_directories(history_.parent_path(), ec);
    write_history(history_.c_str());
  }
  LineEditor(const LineEditor&) = delete;
  LineEditor& operator=(const LineEditor&) = delete;

  // One line, nullopt at the end of input.
  static std::optional<std::string> Read(const std::string& prompt) {
    char* raw = readline(prompt.c_str());
    if (raw == nullptr) return std::nullopt;
    std::string line(raw);
    std::free(raw);
    if (line.find_first_not_of(" \t") != std::string::npos) add_history(line.c_str());
    return line;
  }

 private:
  static char** Complete(const char* text, int start, int /*end*/) {
    rl_attempted_completion_over = 1;  // no file names
    const auto words = crm::SplitWords(std::string(rl_line_buffer, static_cast<size_t>(start)));
    if (!words.ok()) return nullptr;
    matches_ = shell_->Complete(*words, text);
    // "NAME=" goes on with the value, not a space.
    rl_completion_append_character = matches_.size() == 1 && matches_[0].ends_with('=') ? '\0' : ' ';
    return rl_completion_matches(text, &LineEditor::Next);
  }
  static char* Next(const char* /*text*/, int state) {
    static size_t next = 0;
    if (state == 0) next = 0;
    return next < matches_.size() ? strdup(matches_[next++].c_str()) : nullptr;
  }

  static inline crm::Shell* shell_ = nullptr;
  static inline std::vector<std::string> matches_;
  std::filesystem::path history_;
};

std::string HostName() {
  char name[256] = {};
  if (gethostname(name, sizeof name - 1) != 0) return "localhost";
  return name;
}

}  // namespace

int CrmCommand(const std::vector<std::string>& args) {
  CLI::App app{kAbout, "crm"};
  ShapeCommandLine(app);
  // Options come before the level and command; everything from the first word on is crmsh's.
  app.prefix_command();
  std::string run_dir;
  std::string plugin_dir;
  std::string ocf_root = DefaultOcfRoot();
  bool force = false;
  app.add_option("--run-dir", run_dir, "where vigild's socket is (default $VIGIL_RUN_DIR, else /run/vigil)")
      ->option_text("DIR");
  app.add_option("--plugin-dir", plugin_dir, "native plugins (default $VIGIL_PLUGIN_DIR, else vigild's)")
      ->option_text("DIR");
  app.add_option("--ocf-root", ocf_root, "OCF scripts (default $OCF_ROOT, else /usr/lib/ocf)")->option_text("DIR");
  app.add_flag("-F,--force", force, "what would ask for a force does it (site ticket grant and revoke)");
  app.set_version_flag("--version", std::string("crm (Vigil ") + VIGIL_VERSION + "): crmsh's commands over vigild", "its version");
  if (const int code = ParseCommandLine(app, args); code >= 0) return code;
  const std::vector<std::string> command = app.remaining();
  if (!command.empty() && command.front().size() > 1 && command.front()[0] == '-') {
    std::fprintf(stderr, "crm: unknown option '%s' (crm --help lists the options)\n", command.front().c_str());
    return 2;
  }
  const auto vigild = crm::SocketConnection(run_dir);
  // Plugins that do not load are said once, as errors; the rest of their log is vigild's business.
  SetLogThreshold(LogLevel::kError);
  const auto agents = crm::HostAgents(plugin_dir.empty() ? DefaultPluginDir() : std::filesystem::path(plugin_dir), ocf_root);
  crm::ShellOptions options;
  options.agents = agents.get();
  winsize size{};
  if (isatty(STDOUT_FILENO) == 1 && ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 0) {
    options.width = size.ws_col;
  }
  options.host = HostName();
  options.force = force;
  // Pacemaker's variable for where crm_shadow keeps shadow CIBs.
  if (const char* dir = std::getenv("CIB_shadow_dir"); dir != nullptr && *dir != '\0') options.shadow_dir = dir;
  // $EDITOR (else vi), as crmsh runs it: a shell command line with the file's path after it.
  options.edit_file = [](const std::string& path) -> Status {
    const char* editor = std::getenv("EDITOR");
    const std::string line = std::string(editor && *editor ? editor : "vi") + " \"$1\"";
    const pid_t pid = fork();
    if (pid < 0) return Status::FromErrno("fork", errno);
    if (pid == 0) {
      execl("/bin/sh", "sh", "-c", line.c_str(), "sh", path.c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return Status::Ok();
    return Status(StatusCode::kInternal, "the editor (" + line + ") failed" +
                                             (WIFEXITED(status) ? " with exit code " + std::to_string(WEXITSTATUS(status))
                                                                : std::string(" on a signal")) +
                                             "; nothing changed");
  };
  options.interactive = command.empty() && isatty(STDIN_FILENO) == 1;
  // Questions are asked only of a person at a terminal (options.interactive).
  options.ask = [](const std::string& question) { return LineEditor::Read(question); };
  crm::Shell shell(*vigild, std::cout, std::cerr, options);
  if (!command.empty()) {
    shell.Run(command);
    shell.End();
    return shell.exit_code();
  }
  std::optional<LineEditor> editor;
  if (options.interactive) editor.emplace(shell);
  crm::LineJoiner joiner;
  for (;;) {
    std::optional<std::string> line;
    if (editor) {
      line = LineEditor::Read(joiner.pending() ? "> " : shell.Prompt());
    } else if (std::string read; std::getline(std::cin, read)) {
      line = std::move(read);
    }
    if (!line) break;
    if (!joiner.Add(*line)) continue;
    if (!shell.RunLine(joiner.Take())) break;
  }
  if (joiner.pending()) shell.RunLine(joiner.Take());  // the input ended on a continued line
  if (options.interactive) std::cout << "\n";
  shell.End();
  return shell.exit_code();
}

}  // namespace vigil
