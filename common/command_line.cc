#include "common/command_line.h"

#include <algorithm>
#include <cstdio>
#include <memory>
#include <sstream>

namespace vigil {
namespace {

// CLI11's layout with the usage line first (Debian's way), the description after it.
class UsageFirst : public CLI::Formatter {
 public:
  UsageFirst() {
    label("Usage", "usage");
    column_width(28);
  }
  std::string make_help(const CLI::App* app, std::string name, CLI::AppFormatMode mode) const override {
    if (mode == CLI::AppFormatMode::Sub) return make_expanded(app);
    std::ostringstream out;
    out << make_usage(app, name);
    if (const std::string about = make_description(app); !about.empty()) out << "\n" << about;
    out << make_positionals(app) << make_groups(app, mode) << make_subcommands(app, mode);
    if (const std::string footer = make_footer(app); !footer.empty()) out << "\n" << footer;
    std::string text = out.str();
    if (!text.ends_with('\n')) text += '\n';
    return text;
  }
};

// The deepest (sub)command the words selected.
const CLI::App& Selected(const CLI::App& app) {
  const CLI::App* selected = &app;
  while (!selected->get_subcommands().empty()) selected = selected->get_subcommands().front();
  return *selected;
}

// Its full name: "vigil agent run".
std::string FullName(const CLI::App& app) {
  std::string name;
  for (const CLI::App* a = &Selected(app); a != nullptr; a = a->get_parent()) {
    name = a->get_name() + (name.empty() ? "" : " " + name);
  }
  return name;
}

int Refuse(const CLI::App& app, const std::string& what) {
  const std::string name = FullName(app);
  std::fprintf(stderr, "%s: %s (%s --help lists the options)\n", name.c_str(), what.c_str(), name.c_str());
  return 2;
}

int Exit(CLI::App& app, const CLI::Error& e) {
  if (dynamic_cast<const CLI::CallForHelp*>(&e) != nullptr || dynamic_cast<const CLI::CallForAllHelp*>(&e) != nullptr ||
      dynamic_cast<const CLI::CallForVersion*>(&e) != nullptr) {
    std::ostringstream out, err;
    const int code = app.exit(e, out, err);
    std::fputs(out.str().c_str(), stdout);
    return code;
  }
  return Refuse(app, e.what());
}

}  // namespace

void ShapeCommandLine(CLI::App& app) {
  app.formatter(std::make_shared<UsageFirst>());
  app.set_help_flag("-h,--help", "this text");
  // Words no option or positional takes are kept, in their order, and refused together after
  // the parse (CLI11's own refusal lists them last first).
  app.allow_extras();
}

int ParseCommandLine(CLI::App& app, std::vector<std::string> args) {
  // CLI11 takes a vector's words last first.
  std::reverse(args.begin(), args.end());
  try {
    app.parse(args);
  } catch (const CLI::Error& e) {
    return Exit(app, e);
  }
  if (app.get_prefix_command()) return -1;  // the rest is the command's to read
  for (const CLI::App* a = &Selected(app); a != nullptr; a = a->get_parent()) {
    if (const std::vector<std::string> extra = a->remaining(); !extra.empty()) {
      std::string words;
      for (const auto& w : extra) words += (words.empty() ? "" : " ") + w;
      return Refuse(app, "unexpected '" + words + "'");
    }
  }
  return -1;
}

int ParseCommandLine(CLI::App& app, int argc, char** argv) {
  return ParseCommandLine(app, std::vector<std::string>(argv + 1, argv + argc));
}

}  // namespace vigil
