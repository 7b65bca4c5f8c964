// The account a daemon runs as (user, group, supplementary groups), looked up with a short-lived
// cache.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace vigil::mysql {

// Who a daemon runs as, looked up before any fork (getpwnam and friends are not safe after it).
struct Identity {
  uid_t uid = 0;
  gid_t gid = 0;
  std::vector<gid_t> groups;
  std::string name;
  std::string home;
};
// Error text, or empty on success. Answers found are kept for a minute, and less if
// /etc/passwd or /etc/group changes: a monitor checks that the user and group exist, as the
// script does, without going through the name service (tens of file opens) every time.
std::string LookUpIdentity(const std::string& user, Identity* out);
std::string LookUpGroup(const std::string& group, gid_t* gid);

}  // namespace vigil::mysql
