// The meta-data of the native mysql agent: the script's parameter names, types and defaults (the
// Debian defaults its meta-data prints), described in this project's words.
#include "plugins/common/agent_metadata.h"
#include "plugins/mysql/mysql_agent.h"

namespace vigil::mysql {
namespace {

using plugin::ParamDoc;

const char* const kReplicationOnly =
    "Replication only: not implemented natively, so a value other than the default is refused "
    "(ocf:heartbeat-script:mysql does replication).";

const std::vector<ParamDoc> kParams = {
    {"binary", "string", "/usr/bin/mysqld_safe", false, false, "mysqld_safe binary",
     "The mysqld_safe (or mariadbd-safe) to start: a path, or a name found on PATH."},
    {"client_binary", "string", "mysql", false, false, "mysql client binary",
     "Accepted for compatibility; the native agent queries through MariaDB Connector/C and does "
     "not run the client."},
    {"config", "string", "/etc/mysql/my.cnf", false, false, "Configuration file",
     "Passed as --defaults-file; must exist."},
    {"datadir", "string", "/var/lib/mysql", false, false, "Data directory",
     "Passed as --datadir; must exist unless enable_creation is true."},
    {"user", "string", "mysql", false, false, "User",
     "mysqld_safe runs as this user, with its login environment."},
    {"group", "string", "mysql", false, false, "Group",
     "Owner group of the log file and of directories the agent creates."},
    {"log", "string", "/var/log/mysql/error.log", false, false, "Error log",
     "Passed as --log-error; its last lines are quoted when a start fails."},
    {"pid", "string", "/var/run/mysqld/mysqld.pid", false, false, "Pid file",
     "Passed as --pid-file; the mysqld it names is the one monitored and stopped."},
    {"socket", "string", "/var/run/mysqld/mysqld.sock", false, false, "Socket",
     "Passed as --socket; a monitor reads the server's greeting here."},
    {"test_user", "string", "root", false, false, "Test user", "User of the monitor's query."},
    {"test_passwd", "string", "", false, false, "Test password",
     "Password of the monitor's query. When test_user, test_passwd and test_table are all set, "
     "every monitor and the end of start run the query."},
    {"test_table", "string", "mysql.user", false, false, "Test table",
     "The table counted by the query (SELECT COUNT(*)), at check levels above 0."},
    {"enable_creation", "boolean", "0", false, false, "Create the database",
     "Run mysql_install_db when the data directory holds no database."},
    {"additional_parameters", "string", "", false, false, "More mysqld_safe arguments",
     "Appended to the command line, split into words as a shell would (quotes, backslashes), "
     "without expansions."},
    {"replication_user", "string", "root", false, false, "Replication user", kReplicationOnly},
    {"replication_passwd", "string", "", false, false, "Replication password", kReplicationOnly},
    {"replication_port", "string", "3306", false, false, "Replication port", kReplicationOnly},
    {"replication_require_ssl", "string", "false", false, false, "Replication over SSL",
     kReplicationOnly},
    {"replication_master_ssl_ca", "string", "", false, false, "Replication CA", kReplicationOnly},
    {"replication_master_ssl_cert", "string", "", false, false, "Replication certificate",
     kReplicationOnly},
    {"replication_master_ssl_key", "string", "", false, false, "Replication key", kReplicationOnly},
    {"max_slave_lag", "integer", "3600", false, false, "Replica lag", kReplicationOnly},
    {"evict_outdated_slaves", "boolean", "false", false, false, "Evict lagging replicas",
     kReplicationOnly},
    {"reader_attribute", "string", "readable", true, false, "Reader attribute", kReplicationOnly},
};

}  // namespace

const std::vector<ParamDoc>& MysqlParams() { return kParams; }

bool IsReplicationParameter(const ParamDoc& param) { return param.longdesc == kReplicationOnly; }

const char* MysqlMetadata() {
  static const std::string xml = [] {
    plugin::AgentDoc doc;
    doc.name = "mysql";
    doc.shortdesc = "Manages a MySQL or MariaDB server under mysqld_safe (native)";
    doc.longdesc =
        "Starts, monitors and stops a MySQL or MariaDB server under mysqld_safe, as "
        "resource-agents' mysql does, with the same parameters. Native implementation: ready "
        "means the server answers on its socket; a monitor reads the server's greeting (and "
        "runs a query when asked); a mysqld restarted by mysqld_safe is reported once.";
    doc.params = kParams;
    doc.actions = {{"start", "120s", nullptr, nullptr},
                   {"stop", "120s", nullptr, nullptr},
                   {"status", "60s", nullptr, nullptr},
                   {"monitor", "30s", "20s", "0"},
                   {"meta-data", "5s", nullptr, nullptr},
                   {"validate-all", "5s", nullptr, nullptr}};
    return plugin::BuildMetadata(doc);
  }();
  return xml.c_str();
}

}  // namespace vigil::mysql
