/*
 * vigil/agent.h - the resource-agent plugin ABI.
 *
 * This is the only header a plugin includes. It is plain C so that a plugin can be built with
 * any compiler and no C++ object, exception or allocator crosses the boundary. A plugin is a
 * shared object that exports exactly one symbol, `vigil_plugin_entry`, which returns a
 * description of the plugin: its ABI version, its own size, and a table of functions.
 *
 * Versioning: the host refuses a plugin whose abi_major differs from VIGIL_ABI_MAJOR, or whose
 * abi_minor is newer than the host's (it may use fields the host does not fill). Fields are only
 * ever appended; `size` tells each side how much of the other's struct exists.
 *
 * Memory: nothing allocated on one side is freed on the other. Text travels from plugin to host
 * through vigil_text_sink callbacks (the host copies); strings the plugin hands out in
 * vigil_agent_info stay valid until `unload`. Strings the host passes in vigil_op are valid only
 * during the `execute` call.
 *
 * Threads: `execute` may be called concurrently from several host threads, for different
 * resources; never concurrently for the same resource. `agent_count`, `agent_info` and `unload`
 * are called from one thread with no `execute` in flight.
 */
#ifndef VIGIL_AGENT_H_
#define VIGIL_AGENT_H_

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define VIGIL_ABI_MAJOR 1
#define VIGIL_ABI_MINOR 0

/* The name of the one symbol a plugin exports (type: vigil_plugin_entry_fn). */
#define VIGIL_PLUGIN_ENTRY_SYMBOL "vigil_plugin_entry"

/* OCF exit codes (OCF Resource Agent API 1.1), returned by `execute`. */
#define VIGIL_OCF_SUCCESS 0
#define VIGIL_OCF_ERR_GENERIC 1
#define VIGIL_OCF_ERR_ARGS 2
#define VIGIL_OCF_ERR_UNIMPLEMENTED 3
#define VIGIL_OCF_ERR_PERM 4
#define VIGIL_OCF_ERR_INSTALLED 5
#define VIGIL_OCF_ERR_CONFIGURED 6
#define VIGIL_OCF_NOT_RUNNING 7
#define VIGIL_OCF_RUNNING_PROMOTED 8
#define VIGIL_OCF_FAILED_PROMOTED 9
#define VIGIL_OCF_DEGRADED 190
#define VIGIL_OCF_DEGRADED_PROMOTED 191

/* Not OCF codes: `execute` returns these when the operation did not finish on its own. */
#define VIGIL_EXEC_TIMED_OUT (-1) /* the deadline passed; the plugin stopped the work */
#define VIGIL_EXEC_CANCELLED (-2) /* is_cancelled() became true; the plugin stopped the work */

/* How an agent is implemented, for listings. */
#define VIGIL_AGENT_NATIVE 0
#define VIGIL_AGENT_SCRIPT 1

/* Log levels of vigil_host.log. */
#define VIGIL_LOG_ERROR 0
#define VIGIL_LOG_WARNING 1
#define VIGIL_LOG_INFO 2
#define VIGIL_LOG_DEBUG 3

/* A name=value pair. */
typedef struct vigil_param {
  const char *name;
  const char *value;
} vigil_param;

/* Where a plugin writes text; the host copies (and may bound) what it is given. */
typedef struct vigil_text_sink {
  void *ctx;
  void (*write)(void *ctx, const char *data, size_t len);
} vigil_text_sink;

/* What the host offers a plugin. Valid from the entry call until after `unload`. */
typedef struct vigil_host {
  uint16_t abi_major;
  uint16_t abi_minor;
  uint32_t size; /* sizeof(vigil_host) as the host built it */
  void *ctx;
  /* One line per call, no trailing newline needed. Thread-safe. */
  void (*log)(void *ctx, int level, const char *message);
  /* A host setting, or NULL when unset. Known names: "ocf_root" (default /usr/lib/ocf),
   * "rsc_tmp" (the HA_RSCTMP directory agents keep state in), "fence_agents_dir" (where the
   * fence_* agents are; default /usr/sbin). The string lives as long as the host struct.
   * Thread-safe. */
  const char *(*setting)(void *ctx, const char *name);
} vigil_host;

/* One operation, as the host asks for it. */
typedef struct vigil_op {
  uint32_t size; /* sizeof(vigil_op) as the host built it */
  const char *resource; /* the resource instance (OCF_RESOURCE_INSTANCE) */
  const char *action;   /* "start", "stop", "monitor", "meta-data", "validate-all", ... */
  const vigil_param *params; /* instance parameters (the OCF_RESKEY_* set), without prefix */
  size_t param_count;
  /* Meta attributes (OCF_RESKEY_CRM_meta_*), without prefix. For a fence action of a stonith
   * agent, "fence-target" (and "fence-target-nodeid") name the node to act on. */
  const vigil_param *meta;
  size_t meta_count;
  uint32_t timeout_ms;  /* the operation's deadline, measured from the call */
  uint32_t interval_ms; /* 0 for a one-shot operation */
  int32_t check_level;  /* OCF_CHECK_LEVEL */
  /* True once the host has given up on the operation (its deadline passed, or shutdown): the
   * plugin stops the work and returns VIGIL_EXEC_CANCELLED. Cheap; may be polled often. */
  int (*is_cancelled)(void *host_ctx);
  void *host_ctx;
  vigil_text_sink reason; /* one line: why the operation failed (the OCF exit reason) */
  vigil_text_sink output; /* the agent's output; for "meta-data", the XML */
} vigil_op;

/* One agent type a plugin serves. */
typedef struct vigil_agent_info {
  const char *name;           /* "ocf:<provider>:<type>", or "stonith:<type>" for a fence agent */
  int kind;                   /* VIGIL_AGENT_NATIVE or VIGIL_AGENT_SCRIPT */
  const char *implementation; /* for listings: the script's path, or empty for native */
} vigil_agent_info;

/* What a plugin returns from its entry point. Owned by the plugin. */
typedef struct vigil_plugin {
  uint16_t abi_major;
  uint16_t abi_minor;
  uint32_t size; /* sizeof(vigil_plugin) as the plugin built it */
  const char *name;
  void *ctx;
  size_t (*agent_count)(void *ctx);
  /* Fills *out for agent `index`; returns 0, or -1 when index is out of range. */
  int (*agent_info)(void *ctx, size_t index, vigil_agent_info *out);
  /* Runs op->action for agent `index`; returns an OCF exit code or a VIGIL_EXEC_* value. */
  int (*execute)(void *ctx, size_t index, const vigil_op *op);
  /* Releases everything the plugin holds; called once, last. */
  void (*unload)(void *ctx);
} vigil_plugin;

/* The entry point. Returns NULL (after logging why through host->log) to decline loading. */
typedef const vigil_plugin *(*vigil_plugin_entry_fn)(const vigil_host *host);

#ifdef __cplusplus
}
#endif

#endif /* VIGIL_AGENT_H_ */
