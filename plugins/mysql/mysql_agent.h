// ocf:heartbeat:mysql, natively: the parameters, checks, OCF codes and exit reasons of
// resource-agents' mysql script (non-replicated use), with mysqld_safe supervised directly.
//
// What it does better, and says so: ready means the server answers on its socket with the
// protocol greeting (the script waits for a pid file, polling every 2 s); a level-0 monitor also
// asks for the greeting (the script only looks at the pid); a recurring monitor reports, once,
// a mysqld that mysqld_safe restarted behind the cluster's back; a start that cannot finish
// before its deadline stops what it started (mysqld_safe first, so nothing respawns mysqld);
// a stop that has to kill does so to mysqld_safe first, then mysqld. Replication (promotable
// clones) is refused with a reason naming ocf:heartbeat-script:mysql.
// RunMysql is thread-safe for different resources.
#pragma once

#include <string>

#include <vector>

#include "plugins/common/agent_metadata.h"
#include "plugins/common/plugin_op.h"

namespace vigil::mysql {

struct MysqlOp : plugin::OpRequest {
  // Where the agent keeps what it knows between operations (the mysqld it vouched for); empty:
  // in this process's memory only.
  std::string state_dir;
};

struct MysqlResult {
  int code = 0;  // an OCF exit code
  std::string reason;
  std::string output;  // meta-data XML
  std::string warning;
};

MysqlResult RunMysql(const MysqlOp& op);

const char* MysqlMetadata();

// The parameters as the meta-data lists them: the one place their defaults are written.
const std::vector<plugin::ParamDoc>& MysqlParams();
// Whether the parameter is for replication only (refused natively when not at its default).
bool IsReplicationParameter(const plugin::ParamDoc& param);

}  // namespace vigil::mysql
