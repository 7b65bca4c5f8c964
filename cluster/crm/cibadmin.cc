#include "cluster/crm/cibadmin.h"

#include <fstream>
#include <iterator>
#include <optional>
#include <sstream>

#include <pugixml.hpp>

#include "cluster/cib/cib_ops.h"
#include "cluster/crm/tool_options.h"

namespace vigil::crm {
namespace {

int ExitCodeOf(const vigil::Status& s) {
  switch (s.code()) {
    case StatusCode::kNotFound: return kNoSuch;
    case StatusCode::kAlreadyExists: return kExists;
    case StatusCode::kConflict: return kOld;
    case StatusCode::kParseError: return kUsage;
    case StatusCode::kInvalidArgument: return kConfig;
    default: return kError;
  }
}

// The <status> section of a CIB's text, as text ("" without one).
std::string StatusOf(const std::string& cib) {
  pugi::xml_document doc;
  if (!doc.load_buffer(cib.data(), cib.size())) return "";
  std::ostringstream out;
  doc.child("cib").child("status").print(out, "", pugi::format_raw);
  return out.str();
}

}  // namespace

int Cibadmin(const std::vector<std::string>& args, Connection& vigild, std::istream& in, std::ostream& out,
             std::ostream& err) {
  Options o{SplitShortFlags(args, "QCMDRPE!pcflsVen")};
  char command = 0;
  std::optional<std::string> scope, text, file, xpath;
  bool pipe = false, force = false, allow_create = false, node_path = false, no_children = false;
  const auto set_command = [&](char c) {
    if (command != 0 && command != c) o.error = "give one command (-Q, -C, -M, -D, -R, -P, -E or -!)";
    command = c;
  };
  while (!o.done()) {
    if (o.Take("Q", "query", nullptr)) {
      set_command('Q');
    } else if (o.Take("C", "create", nullptr)) {
      set_command('C');
    } else if (o.Take("M", "modify", nullptr)) {
      set_command('M');
    } else if (o.Take("D", "delete", nullptr)) {
      set_command('D');
    } else if (o.Take("R", "replace", nullptr)) {
      set_command('R');
    } else if (o.Take("P", "patch", nullptr)) {
      set_command('P');
    } else if (o.Take("E", "erase", nullptr)) {
      set_command('E');
    } else if (o.Take("!", "version", nullptr)) {
      set_command('!');
    } else if (o.Take("o", "scope", &scope) || o.Take("X", "xml-text", &text) || o.Take("x", "xml-file", &file)) {
    } else if (o.Take("p", "xml-pipe", nullptr)) {
      pipe = true;
    } else if (o.Take("A", "xpath", &xpath)) {
    } else if (o.Take("e", "node-path", nullptr)) {
      node_path = true;
    } else if (o.Take("n", "no-children", nullptr)) {
      no_children = true;
    } else if (o.Take("c", "allow-create", nullptr)) {
      allow_create = true;
    } else if (o.Take("f", "force", nullptr)) {
      force = true;
    } else if (o.Take("l", "local", nullptr) || o.Take("s", "sync-call", nullptr) || o.Take("V", "verbose", nullptr)) {
      // Every call is answered by the local vigild once the change is the cluster's: local and
      // synchronous are what happens anyway.
    } else {
      return Unknown("cibadmin", o, out, err);
    }
    if (!o.error.empty()) {
      err << "cibadmin: " << o.error << "\n";
      return kUsage;
    }
  }
  if (command == 0) {
    err << "cibadmin: say what to do: -Q, -C, -M, -D, -R, -P, -E or -!\n";
    return kUsage;
  }
  if (command == '!') {
    // The Pacemaker release whose tools and API Vigil answers as (crmsh reads this line).
    out << "Pacemaker 2.1.5 (Build: vigil-" << VIGIL_VERSION << "): vigil\n";
    return 0;
  }
  if (command == 'E' && !force) {
    err << "The supplied command is considered dangerous.  To prevent accidental destruction of the cluster, the "
           "--force flag is required in order to proceed.\n";
    return kUnsafe;
  }
  if (xpath && command != 'Q' && command != 'D' && command != 'M' && command != 'R') {
    err << "cibadmin: --xpath is taken with -Q, -D, -M and -R\n";
    return kUsage;
  }
  if ((node_path || no_children) && !(xpath && command == 'Q')) {
    err << "cibadmin: --node-path and --no-children are taken with -Q --xpath\n";
    return kUsage;
  }
  const int given = (text ? 1 : 0) + (file ? 1 : 0) + (pipe ? 1 : 0);
  const bool needs_element =
      command == 'C' || command == 'M' || (command == 'D' && !xpath) || command == 'R' || command == 'P';
  if (given > 1 || (needs_element && given == 0)) {
    err << "cibadmin: give the element " << (given > 1 ? "once" : "") << " with -X TEXT, -x FILE or -p\n";
    return kUsage;
  }
  std::string element;
  if (text) element = *text;
  if (file) {
    std::ifstream f(*file);
    if (!f) {
      err << "cibadmin: cannot read " << *file << "\n";
      return kUsage;
    }
    element.assign(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
  }
  if (pipe) element.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  const std::string section = scope.value_or("");
  // vigild keeps the status section itself (node states, operation history, transient
  // attributes): a change to it would be dropped, so it is refused.
  constexpr const char* kStatusIsVigilds =
      "vigild keeps the status section itself (crm_attribute -l reboot sets transient attributes, "
      "crm resource cleanup clears an operation history); nothing changed";
  if (section == "status" && command != 'Q') {
    err << "Call failed: " << kStatusIsVigilds << "\n";
    return kConfig;
  }
  // A change is made against the CIB read, and made again when another change came first.
  constexpr int kTries = 3;
  for (int attempt = 1;; ++attempt) {
    auto cib = vigild.Ask("cib-query", {});
    if (!cib.ok()) return Unreachable(err, "cibadmin", cib.status());
    if (command == 'Q') {
      auto shown = xpath ? cib::QueryXpath(*cib, *xpath, node_path, no_children) : cib::QueryCib(*cib, section);
      if (!shown.ok()) {
        err << "Call failed: " << shown.status().message() << "\n";
        return ExitCodeOf(shown.status());
      }
      out << *shown;
      return 0;
    }
    bool changed = true;
    Result<std::string> next = std::string();
    if (xpath) {
      const cib::XpathChange change = command == 'D'   ? cib::XpathChange::kDelete
                                      : command == 'M' ? cib::XpathChange::kModify
                                                       : cib::XpathChange::kReplace;
      next = cib::ChangeAtXpath(*cib, *xpath, change, element, &changed);
      if (command != 'D') changed = true;
    } else {
      switch (command) {
        case 'C': next = cib::CreateInCib(*cib, section, element); break;
        case 'M': next = cib::ModifyCib(*cib, section, element, allow_create); break;
        case 'D': next = cib::DeleteFromCib(*cib, section, element, &changed); break;
        case 'R': next = cib::ReplaceInCib(*cib, section, element); break;
        case 'P': next = cib::PatchedCib(*cib, element); break;
        default: next = cib::ErasedCib(*cib); break;
      }
    }
    if (!next.ok()) {
      err << "Call failed: " << next.status().message() << "\n";
      return ExitCodeOf(next.status());
    }
    if (!changed) return 0;  // nothing matched: nothing to delete, as Pacemaker's
    // A whole CIB brings a status of its own, which vigild does not take; any other change must
    // leave the status as it is.
    pugi::xml_document input;
    const bool whole = command == 'R' && input.load_buffer(element.data(), element.size()) &&
                       std::string_view(input.document_element().name()) == "cib";
    if (!whole && command != 'E' && StatusOf(*next) != StatusOf(*cib)) {
      err << "Call failed: " << kStatusIsVigilds << "\n";
      return kConfig;
    }
    auto answer = vigild.Ask("cib-replace", {VersionOf(*cib), *next});
    if (answer.ok()) return 0;
    const std::string why = answer.status().message();
    if (why.find("conflict") != std::string::npos && attempt < kTries) continue;
    if (answer.status().code() == StatusCode::kUnavailable) return Unreachable(err, "cibadmin", answer.status());
    err << "Call failed: " << why << "\n";
    return kError;
  }
}

}  // namespace vigil::crm
