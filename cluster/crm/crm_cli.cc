#include "cluster/crm/crm_cli.h"

#include <unistd.h>

#include <cstdio>
#include <iostream>

#include "cluster/crm/shell.h"
#include "cluster/crm/words.h"

namespace vigil {
namespace {

constexpr const char* kUsage =
    "usage: crm [--run-dir DIR] [LEVEL] [COMMAND [ARGS]...]\n"
    "\n"
    "crmsh's commands over the local vigild (found through --run-dir, else $VIGIL_RUN_DIR, else\n"
    "/run/vigil). With a command it runs it and leaves:\n"
    "  crm status\n"
    "  crm configure property stonith-enabled=false\n"
    "  crm configure primitive ip ocf:heartbeat:IPaddr params ip=192.168.1.100 op monitor interval=10s\n"
    "  crm node standby\n"
    "Without one it reads commands from standard input, one per line (a trailing \\ continues a\n"
    "line): interactive at a terminal, as a script otherwise. Levels: configure, node, resource;\n"
    "'help' in each lists its commands.\n";

std::string HostName() {
  char name[256] = {};
  if (gethostname(name, sizeof name - 1) != 0) return "localhost";
  return name;
}

}  // namespace

int CrmCommand(const std::vector<std::string>& args) {
  std::string run_dir;
  size_t i = 0;
  for (; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "-h" || a == "--help") {
      std::fputs(kUsage, stdout);
      return 0;
    }
    if (a == "--run-dir" && i + 1 < args.size()) {
      run_dir = args[++i];
    } else if (a.rfind("--run-dir=", 0) == 0) {
      run_dir = a.substr(10);
    } else if (!a.empty() && a[0] == '-') {
      std::fprintf(stderr, "crm: unknown option '%s'\n%s", a.c_str(), kUsage);
      return 2;
    } else {
      break;
    }
  }
  const auto vigild = crm::SocketConnection(run_dir);
  const std::vector<std::string> command(args.begin() + static_cast<long>(i), args.end());
  crm::ShellOptions options;
  options.host = HostName();
  options.interactive = command.empty() && isatty(STDIN_FILENO) == 1;
  options.ask = [](const std::string& question) -> std::optional<std::string> {
    std::cout << question << std::flush;
    std::string line;
    if (!std::getline(std::cin, line)) return std::nullopt;
    return line;
  };
  crm::Shell shell(*vigild, std::cout, std::cerr, options);
  if (!command.empty()) {
    shell.Run(command);
    shell.End();
    return shell.exit_code();
  }
  crm::LineJoiner joiner;
  for (;;) {
    if (options.interactive) std::cout << (joiner.pending() ? "> " : shell.Prompt()) << std::flush;
    std::string line;
    if (!std::getline(std::cin, line)) break;
    if (!joiner.Add(line)) continue;
    if (!shell.RunLine(joiner.Take())) break;
  }
  if (joiner.pending()) shell.RunLine(joiner.Take());  // the input ended on a continued line
  if (options.interactive) std::cout << "\n";
  shell.End();
  return shell.exit_code();
}

}  // namespace vigil
