// crm_simulate over Vigil's scheduler, with Pacemaker 2.1.5's options and text: the cluster's
// status as a CIB says it (vigild's with -L/--live-check, a file with -x, standard input with
// -p), then with -s/--show-scores each primitive's allocation score on each node, with
// -S/--simulate (or -R/--run, which stops after it) the transition summary, and with -S the
// actions and the status after them. Here, beside vigild's placement code, because it is the
// same scheduler vigild's DC runs.
//
// Exit codes: 0; 64 usage (an option not taken is refused by name); 69 vigild unreachable; 66
// a file that cannot be read; 78 a CIB that does not read.
#pragma once

#include <functional>
#include <iosfwd>
#include <string>
#include <vector>

#include "common/status.h"

namespace vigil::daemon {

// `live_cib` asks the local vigild for its CIB (status included), for -L.
int CrmSimulate(const std::vector<std::string>& args, const std::function<Result<std::string>()>& live_cib,
                std::istream& in, std::ostream& out, std::ostream& err);

}  // namespace vigil::daemon
