#include "plugins/mysql/accounts.h"

#include <grp.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <map>
#include <mutex>

namespace vigil::mysql {

namespace {

// What the kept answers were read against: the account files as they were, and when.
struct AccountsSeen {
  struct timespec passwd_mtime {}, group_mtime {};
  off_t passwd_size = -1, group_size = -1;
  std::chrono::steady_clock::time_point at;
};

AccountsSeen ReadAccountsSeen() {
  AccountsSeen seen;
  struct stat st {};
  if (::stat("/etc/passwd", &st) == 0) {
    seen.passwd_mtime = st.st_mtim;
    seen.passwd_size = st.st_size;
  }
  if (::stat("/etc/group", &st) == 0) {
    seen.group_mtime = st.st_mtim;
    seen.group_size = st.st_size;
  }
  seen.at = std::chrono::steady_clock::now();
  return seen;
}

bool SameAccounts(const AccountsSeen& a, const AccountsSeen& b) {
  return a.passwd_size == b.passwd_size && a.group_size == b.group_size &&
         a.passwd_mtime.tv_sec == b.passwd_mtime.tv_sec &&
         a.passwd_mtime.tv_nsec == b.passwd_mtime.tv_nsec &&
         a.group_mtime.tv_sec == b.group_mtime.tv_sec && a.group_mtime.tv_nsec == b.group_mtime.tv_nsec &&
         b.at - a.at < std::chrono::minutes(1);
}

struct AccountCache {
  std::mutex mu;
  AccountsSeen seen;
  std::map<std::string, Identity> users;
  std::map<std::string, gid_t> groups;
};

AccountCache& Accounts() {
  static auto* cache = new AccountCache;
  return *cache;
}

// Drops what was kept when the account files changed or a minute has passed.
void RefreshAccounts(AccountCache& c) {
  const AccountsSeen now = ReadAccountsSeen();
  if (!SameAccounts(c.seen, now)) {
    c.users.clear();
    c.groups.clear();
    c.seen = now;
  }
}

std::string LookUpIdentityUncached(const std::string& user, Identity* out) {
  passwd pw{};
  passwd* found = nullptr;
  std::vector<char> buf(16384);
  if (::getpwnam_r(user.c_str(), &pw, buf.data(), buf.size(), &found) != 0 || !found) {
    return "no user " + user;
  }
  out->uid = pw.pw_uid;
  out->gid = pw.pw_gid;
  out->name = pw.pw_name;
  out->home = pw.pw_dir ? pw.pw_dir : "/";
  int n = 64;
  out->groups.assign(n, 0);
  while (::getgrouplist(user.c_str(), pw.pw_gid, out->groups.data(), &n) < 0) out->groups.assign(n, 0);
  out->groups.resize(n);
  return "";
}

}  // namespace

std::string LookUpIdentity(const std::string& user, Identity* out) {
  AccountCache& c = Accounts();
  std::lock_guard<std::mutex> lock(c.mu);
  RefreshAccounts(c);
  if (auto it = c.users.find(user); it != c.users.end()) {
    *out = it->second;
    return "";
  }
  std::string error = LookUpIdentityUncached(user, out);
  if (error.empty()) c.users[user] = *out;
  return error;
}

std::string LookUpGroup(const std::string& name, gid_t* gid) {
  AccountCache& c = Accounts();
  std::lock_guard<std::mutex> lock(c.mu);
  RefreshAccounts(c);
  if (auto it = c.groups.find(name); it != c.groups.end()) {
    *gid = it->second;
    return "";
  }
  group g{};
  group* found = nullptr;
  std::vector<char> buf(16384);
  if (::getgrnam_r(name.c_str(), &g, buf.data(), buf.size(), &found) != 0 || !found) {
    return "no group " + name;
  }
  *gid = g.gr_gid;
  c.groups[name] = g.gr_gid;
  return "";
}

}  // namespace vigil::mysql
