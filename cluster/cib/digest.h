// The digest Pacemaker records with an operation (lrm_rsc_op's op-digest): an MD5 of the
// resource's parameters, so that a later run can tell whether the definition changed since the
// resource was started, and restart it if so. Vigil computes it the same way, so that its
// status section and Pacemaker's tools agree.
#pragma once

#include <optional>
#include <string>

#include "cluster/cib/cib.h"

namespace vigil::cib {

// The hex MD5 of the parameters as Pacemaker serializes them for a digest: one
// `<parameters name="value" .../>` element, names sorted, preceded by a space and followed by
// a newline. `params` holds the resource's instance attributes (plus CRM_meta_timeout for a
// recurring operation). nullopt when MD5 is unavailable (an OpenSSL in FIPS mode): then no
// change can be told.
std::optional<std::string> ParametersDigest(const Attributes& params);

}  // namespace vigil::cib
