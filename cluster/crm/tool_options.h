// What Vigil's Pacemaker tools share (pcmk_tools.h, crm_mon_tool.h, cibadmin.h): Pacemaker's exit
// codes, the command-line reader that remembers every option a tool asks about (so --help lists
// exactly those), and the daemon's status.
#pragma once

#include <algorithm>
#include <functional>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "cluster/control/cluster_status.h"
#include "cluster/crm/shell.h"
#include "common/status.h"

namespace pugi {
class xml_document;
}

namespace vigil::crm {

// Pacemaker's exit codes (CRM_EX_*) the tools use.
constexpr int kError = 1;
constexpr int kInvalidParam = 2;  // crm_mon -s: CRITICAL (Nagios' 2)
constexpr int kNotAllowed = 4;  // crm_ticket: a grant or revoke without --force
constexpr int kUsage = 64;
constexpr int kUnavailable = 69;
constexpr int kNoInput = 66;  // crm_verify -x of a file that cannot be read
constexpr int kConfig = 78;  // attrd_updater -Q of an attribute that does not exist
constexpr int kOld = 103;    // cibadmin: a CIB older than the one held, a patch for another version
constexpr int kNoSuch = 105;
constexpr int kUnsafe = 107;    // cibadmin -E without --force
constexpr int kExists = 108;    // cibadmin -C of an id that exists; crm_resource -M to where it runs
constexpr int kMultiple = 109;  // several match where one is meant

// One option of a command line: -x VALUE, -xVALUE, --long VALUE or --long=VALUE, or a flag.
// Every option a tool asks about is remembered, so that --help lists exactly what it takes.
struct Options {
  std::vector<std::string> args;
  size_t i = 0;
  std::string error;
  std::vector<std::string> known;  // "-n, --name VALUE", in the order the tool asks

  bool done() const { return i >= args.size(); }
  // Whether args[i] is this option (short "-x" or long "--name"); takes its value when `value`.
  // An empty `short_name`: a long option only.
  bool Take(const char* short_name, const char* long_name, std::optional<std::string>* value, bool optional_value = false) {
    const bool has_short = *short_name != '\0';
    const std::string line = (has_short ? std::string("-") + short_name + ", " : std::string()) + "--" + long_name +
                             (value == nullptr ? "" : optional_value ? "[=VALUE]" : " VALUE");
    if (std::find(known.begin(), known.end(), line) == known.end()) known.push_back(line);
    const std::string& a = args[i];
    const std::string s = std::string("-") + short_name;
    const std::string l = std::string("--") + long_name;
    std::optional<std::string> attached;
    if ((has_short && a == s) || a == l) {
      attached.reset();
    } else if (a.rfind(l + "=", 0) == 0) {
      attached = a.substr(l.size() + 1);
    } else if (has_short && a.size() > 2 && a.rfind(s, 0) == 0 && value != nullptr) {
      attached = a.substr(2);
    } else {
      return false;
    }
    ++i;
    if (value == nullptr) {
      // A flag takes no value: "--force=no" is no "--force".
      if (attached) error = "the option " + l + " takes no value";
      return true;
    }
    if (attached) {
      *value = attached;
    } else if (optional_value) {
      *value = std::string();
    } else if (done()) {
      error = "the option " + a + " needs a value";
    } else {
      *value = args[i++];
    }
    return true;
  }
};

// "-1rfA" as "-1 -r -f -A" (GLib's way with short flags), when every letter is one of `flags`
// (those that take no value).
std::vector<std::string> SplitShortFlags(const std::vector<std::string>& args, std::string_view flags);

// args[o.i] is none of the options `tool` takes (every one was asked about): --help lists them
// (exit 0), --version says whose tool this is (exit 0), anything else is refused by name (64).
int Unknown(const std::string& tool, const Options& o, std::ostream& out, std::ostream& err);

// The local vigild's status.
Result<control::ClusterStatus> Status(Connection& vigild);

// A document as it is sent to vigild: no declaration, no indentation.
std::string CompactXml(const pugi::xml_document& doc);

// "admin_epoch:epoch:num_updates" of a CIB's text; empty when it is not one.
std::string VersionOf(const std::string& cib);

// One change to vigild's CIB: `edit` makes the new CIB from the one held (status included), or
// says there is nothing to change (nullopt). The change is made against the version read, and
// made again on the newer CIB (edit called again) when another change came first. Errors: edit's
// own, vigild's refusal, kUnavailable when it cannot be asked.
using CibEdit = std::function<Result<std::optional<std::string>>(const std::string& cib)>;
vigil::Status EditCib(Connection& vigild, const CibEdit& edit);

// vigild could not be asked (69), or refused (1): said on `err`.
int Unreachable(std::ostream& err, const std::string& tool, const vigil::Status& s);

}  // namespace vigil::crm
