// One way for every Vigil command to read its command line: CLI11 underneath, help in the
// layout Debian's commands use (a "usage:" line first, then what the command does, then every
// option with its argument), and a usage error said in one line that names the command and
// points at its --help. Exit codes: 0 after --help or --version (their text on stdout), 2 after a
// usage error (on stderr).
#pragma once

#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace vigil {

// Gives `app` Vigil's help layout and -h/--help; before its subcommands are added (they take
// their parent's layout). The app's description is the prose printed after the usage line.
void ShapeCommandLine(CLI::App& app);

// Parses `args` (the words after the command's name) into `app`: -1 to go on, else the exit code
// to leave with (what to say is said). Words nothing takes are refused, unless the app is a
// prefix command (its remaining() are then the command to run). Never throws.
int ParseCommandLine(CLI::App& app, std::vector<std::string> args);
int ParseCommandLine(CLI::App& app, int argc, char** argv);

}  // namespace vigil
