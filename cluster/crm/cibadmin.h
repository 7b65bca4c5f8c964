// cibadmin over vigild, with Pacemaker 2.1.5's options and exit codes: --query (-Q) prints the CIB
// vigild holds, with its live status section, or one section (-o); --create (-C), --modify (-M,
// with --allow-create), --delete (-D), --replace (-R) and --erase (-E, only with --force) change
// it through vigild as one change made against the version read (read again and redone when
// another change came first); the element comes from -X TEXT, -x FILE or -p (standard input);
// -! says the Pacemaker API level Vigil answers for. The operations are cib_ops.h's.
//
// Exit codes: 0; 64 usage; 69 vigild unreachable; 105 nothing to act on (no section, no such
// element); 107 --erase without --force; 108 --create of an id that exists; 103 a whole CIB older
// than the one held, or a patch made against another version; 1 vigild refused the change (its reason said).
#pragma once

#include <iostream>
#include <string>
#include <vector>

#include "cluster/crm/shell.h"

namespace vigil::crm {

// `in` is standard input (for -p).
int Cibadmin(const std::vector<std::string>& args, Connection& vigild, std::istream& in, std::ostream& out,
             std::ostream& err);

}  // namespace vigil::crm
