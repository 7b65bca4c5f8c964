// A MariaDB data directory of its own under /tmp, for tests and benchmarks: a config with no TCP
// port, a database made by mariadb-install-db (root reaches it over the socket), and the
// parameters that point the mysql agents at it (pid file, socket and log in the same place).
// Needs root and Debian's mariadb-server. Removed with everything in it by the destructor.
#pragma once

#include <sys/stat.h>

#include <fstream>
#include <string>
#include <vector>

#include "tests/support/shell.h"

namespace vigil::testing {

class MariadbDir {
 public:
  MariadbDir() {
    std::string tmpl = "/tmp/vigil-mariadb.XXXXXX";
    if (!::mkdtemp(tmpl.data())) {
      error_ = "mkdtemp failed";
      return;
    }
    path_ = tmpl;
    ::chmod(path_.c_str(), 0755);  // mysqld runs as mysql and must reach its files
    // A temporary directory of its own: servers bootstrapping side by side (ctest -j2) in a
    // shared /tmp have collided on their temporary table names.
    std::ofstream(path_ + "/my.cnf") << "[mysqld]\nskip-networking\ntmpdir=" << path_ << "/tmp\n";
    const CommandResult r =
        Sh("mkdir -p " + path_ + "/tmp && chown mysql:mysql " + path_ + " " + path_ + "/tmp" +
           " && mariadb-install-db --no-defaults --user=mysql --skip-test-db"
           " --auth-root-authentication-method=socket --datadir=" + path_ + "/data --tmpdir=" + path_ + "/tmp");
    if (r.code != 0) error_ = "mariadb-install-db: " + r.out;
  }
  ~MariadbDir() {
    if (!path_.empty()) Sh("rm -rf " + path_);
  }
  MariadbDir(const MariadbDir&) = delete;
  MariadbDir& operator=(const MariadbDir&) = delete;

  const std::string& error() const { return error_; }  // empty when ready
  const std::string& path() const { return path_; }
  std::string operator/(const std::string& name) const { return path_ + "/" + name; }

  // name=value parameters for ocf:heartbeat:mysql and its script.
  std::vector<std::string> Params() const {
    return {"config=" + *this / "my.cnf", "datadir=" + *this / "data", "pid=" + *this / "m.pid",
            "socket=" + *this / "m.sock", "log=" + *this / "err.log"};
  }

 private:
  std::string path_;
  std::string error_;
};

}  // namespace vigil::testing
