// The CIB: Pacemaker's cluster information base, read from and written to its XML form.
//
// A Cib owns the XML document itself (pugixml), so elements and attributes Vigil does not use
// (ACLs, alerts, tags, unknown nvpairs, crm-debug-origin...) survive a load/save round trip
// untouched. What Vigil does use is read into a plain model (Model below) when the document is
// loaded; the scheduler and the daemon read the model, never the XML.
//
// Supported: crm_config properties; nodes with their attributes; primitives with
// instance_attributes, meta_attributes and operations; groups of primitives; clones of a
// primitive or a group; rsc_location (a node and a score, or rules), rsc_colocation and
// rsc_order between two resources (a primitive, a group or a clone); rsc_defaults and
// op_defaults; rules in attribute sets (rule.h); resource sets in colocations, orders and locations
// (expanded into two-resource ones); rsc_ticket; templates and tags (expanded as Pacemaker does);
// id-refs to rules, sets and nvpairs; the status section (node_state, lrm_resource/lrm_rsc_op
// history, transient attributes, ticket_state). Bundles are refused with kUnsupported and the
// element named,
// rather than silently placed wrong. See
// docs/scheduler.md ("The CIB").
//
// Not thread-safe; one owner.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cluster/cib/rule.h"
#include "common/status.h"

namespace pugi {
class xml_document;
}

namespace vigil::cib {

struct Node {
  std::string id;
  std::string uname;
  Attributes attributes;  // <nodes><node><instance_attributes>
  int score = 0;          // its weight: where every resource's scores start (score="...")
  Attributes utilization;  // its capacities (<utilization>), for placement-strategy
};

struct Operation {
  std::string id;
  std::string name;        // monitor, start, stop...
  int64_t interval_ms = 0;
  std::optional<int64_t> timeout_ms;
  std::string role;        // empty: any
  Attributes meta;         // on-fail, enabled... (attributes of <op> and its meta_attributes)
  // Its instance_attributes: parameters for this operation only, over the resource's (crm's
  // trace_ra and trace_dir); part of the parameters its record's digest is taken of.
  Attributes params;
};


struct Primitive {
  std::string id;
  std::string standard;    // class: ocf, lsb, systemd, stonith...
  std::string provider;
  std::string type;
  // instance_attributes and meta_attributes, a group member's with its group's added where it
  // sets no value of its own (Pacemaker's inheritance); rsc_defaults not merged in.
  Attributes params;
  Attributes meta;
  // When a rule in its instance_attributes (or its group's or clone's) makes its parameters
  // depend on the node: all those sets, its own first (ParamsOn); else empty, and `params` is
  // what applies everywhere.
  std::vector<AttributeSet> param_sets;
  std::vector<Operation> operations;
  Attributes utilization;  // what it takes of a node's capacities (<utilization>)
  std::string group;       // the group it is a member of; empty: none
  std::string clone;       // the clone it is cloned by, directly or as a group member; empty: none
  // The <template> it is made from (template="ID"): its agent, sets and operations are the
  // template's with its own added (an operation of its own replaces the template's of the same
  // name and role); empty: none.
  std::string template_id;

  // "ocf:heartbeat:IPaddr2", or "class:type" without a provider.
  std::string AgentName() const;
};
// The parameters operation `name` at `interval_ms` runs with: `params` (the resource's), with
// those of the configured operation over them (a probe takes an interval-0 monitor's).
Attributes OperationParams(const Primitive& p, const Attributes& params, const std::string& name, int64_t interval_ms);

// A group: its members placed together (colocated, by default) and started in order (ordered, by
// default), each member a Primitive of Model::primitives.
struct Group {
  std::string id;
  std::vector<std::string> members;  // in the group's order
  Attributes params;                 // its own instance_attributes (inherited by the members)
  Attributes meta;                   // its own meta_attributes (inherited by the members)
  std::string clone;                 // the clone it is cloned by; empty: none
};

// A clone: copies (instances) of one primitive or group, anonymous (every instance the same,
// recorded under the primitive's own id) or globally unique (instance N recorded as id:N).
struct Clone {
  std::string id;
  std::string child;  // the primitive or group cloned
  bool child_is_group = false;
  Attributes params;  // its own instance_attributes (inherited by what it clones)
  Attributes meta;    // its own meta_attributes (inherited by what it clones)
  // promotable=true, or the legacy <master>: each instance runs Unpromoted or Promoted.
  bool promotable = false;
};

// A location constraint: a score for one node, or rules that give their score to every node where
// they hold (each rule on its own; Pacemaker's rsc_location with <rule> children).
struct Location {
  std::string id;
  std::string rsc;          // empty with rsc_pattern
  std::string node;  // empty with rules
  int score = 0;
  std::string role;  // empty: any
  std::vector<Rule> rules;
  // rsc-pattern: an extended regular expression (POSIX) that the ids of top-level resources are
  // matched against (a leading '!' inverts it); in the rules, %0 to %9 in an attribute's name
  // stand for what the match's groups found.
  std::string rsc_pattern;
  // resource-discovery: "always" (probed there), "never" (not probed on the nodes it applies to)
  // or "exclusive" (probed, and may run, only on the nodes an exclusive one applies to).
  std::string discovery = "always";
};

struct Colocation {
  std::string id;
  std::string rsc;       // the dependent: placed with with_rsc
  std::string with_rsc;  // the primary
  int score = 0;
  std::string rsc_role;
  std::string with_rsc_role;
  std::string node_attribute;  // empty: the node itself
  std::optional<bool> influence;
};

enum class OrderKind { kMandatory, kOptional, kSerialize };

// A resource that may run only while a ticket is granted (rsc_ticket, or each resource_ref of its
// resource sets): Pacemaker's multi-site tickets, granted and revoked by crm_ticket or a ticket
// manager such as booth.
struct TicketConstraint {
  std::string id;
  std::string ticket;
  std::string rsc;
  // rsc-role (a set's role): empty for any role; "Promoted" ties the ticket to that role alone.
  std::string role;
  // What losing the ticket does to the resource where it runs: "stop", "demote" (the Promoted
  // role alone: the default for role Promoted, "stop" otherwise) or "freeze" (left as it is,
  // unmanaged) or "fence" (the nodes it runs on are fenced: read only by a reader that plans
  // fencing, ReadOptions); without fencing enabled "fence" is "stop", as in Pacemaker.
  std::string loss_policy;
};

// A ticket's state, from the status section (<tickets><ticket_state>); a ticket named by a
// constraint but not there is not granted.
struct TicketState {
  std::string id;
  bool granted = false;
  // Granted but in standby: what needs it stops as if it were lost, without loss-policy's
  // fencing or freezing (a planned hand-over).
  bool standby = false;
  int64_t last_granted = 0;  // seconds since the epoch; 0: never
  Attributes attributes;     // every attribute of its ticket_state, as written
};

struct Order {
  std::string id;
  std::string first;
  std::string then;
  std::string first_action = "start";
  std::string then_action;  // defaults to first_action
  OrderKind kind = OrderKind::kMandatory;
  bool symmetrical = true;
  // require-all=false (deprecated for the first clone's clone-min=1): one instance of the first
  // clone is enough for the then side.
  bool require_all = true;
  // Made from a resource set: the first clone's clone-min and restart-type do not apply
  // (Pacemaker reads them for two-resource orders only).
  bool from_set = false;
  // A set with require-all="false" before the then side: `first` is empty, and the then side
  // waits for one of these (their first_action), counted by a pseudo-action named
  // "one-or-more:<that set's id>" (`one_or_more`).
  std::vector<std::string> any_of;
  std::string one_or_more;
};

// One operation in a resource's history on a node (<lrm_rsc_op>).
struct OpRecord {
  std::string id;
  std::string operation;
  int64_t interval_ms = 0;
  int call_id = 0;
  int rc = 0;         // the OCF exit code
  int op_status = 0;  // the execution status: 0 done, 1 cancelled, 2 timed out, ...
  std::string exit_reason;
  int64_t last_rc_change = 0;
  std::string op_digest;
  // A CIB with its secrets hidden (crm_simulate's, a report's) has Pacemaker's digest of the
  // parameters without the secret ones (op-secure-digest) and their names (op-secure-params).
  std::string secure_digest;
  std::vector<std::string> secure_params;
  int target_rc = -1;  // the exit code expected (transition-key's third field); -1: not recorded
  // A migrate_to or migrate_from: the node the resource left and the one it went to, by name.
  std::string migrate_source;
  std::string migrate_target;
};

struct ResourceHistory {
  std::string id;
  std::string standard, provider, type;
  std::vector<OpRecord> ops;  // in document order
};

struct NodeState {
  std::string id;
  std::string uname;
  bool in_ccm = false;
  bool in_ccm_known = true;  // the attribute is there (a node without it was never seen)
  std::string crmd;      // "online", "offline"
  std::string join;      // "member", "down", ...
  std::string expected;  // "member", "down"
  Attributes transient;  // transient_attributes: standby, fail-count-*, last-failure-*
  std::vector<ResourceHistory> resources;
};

// A level of <fencing-topology>: for the nodes it targets, the devices (fence primitives) tried
// together, levels in index order until one fences the node.
struct FencingLevel {
  std::string id;
  int index = 1;
  // Exactly one of: a node name, a regular expression of node names, a node attribute's value.
  std::string target;
  std::string target_pattern;
  std::string target_attribute;
  std::string target_value;
  std::vector<std::string> devices;
};

struct Versions {
  int64_t admin_epoch = 0;
  int64_t epoch = 0;
  int64_t num_updates = 0;
};

// Version order: admin_epoch, then epoch, then num_updates.
bool operator<(const Versions& a, const Versions& b);
bool operator==(const Versions& a, const Versions& b);
// "admin_epoch:epoch:num_updates", as crm_mon and cibadmin show it.
std::string VersionText(const Versions& v);
std::optional<Versions> ParseVersionText(std::string_view text);

struct Model {
  Versions versions;
  bool have_quorum = false;
  // <cib no-quorum-panic>: a nonzero number lets no-quorum-policy=suicide fence a partition that
  // never had quorum (Pacemaker otherwise takes it as stop).
  bool no_quorum_panic = false;
  std::string dc_uuid;
  // The last change's stamp on <cib> (edit.h's ChangeStamp), as written: cib-last-written,
  // update-user, update-client, update-origin; empty where absent.
  std::string last_written, update_user, update_client, update_origin;
  Attributes properties;  // crm_config
  std::vector<Node> nodes;
  std::vector<Primitive> primitives;  // in document order, group members included
  std::vector<Group> groups;
  std::vector<Clone> clones;
  std::vector<Location> locations;
  std::vector<Colocation> colocations;
  std::vector<Order> orders;
  std::vector<TicketConstraint> ticket_constraints;
  std::vector<FencingLevel> fencing_levels;  // <fencing-topology>, in document order
  // rsc_defaults' and op_defaults' meta_attributes as they apply to no resource in particular (a
  // set whose rules name an agent or an operation does not); MetaWithDefaults and OpDefaults give
  // them as they apply to one.
  Attributes rsc_defaults;
  Attributes op_defaults;
  std::vector<AttributeSet> rsc_default_sets;
  std::vector<AttributeSet> op_default_sets;
  // The moment rules of attribute sets were evaluated at, in seconds since the epoch: the CIB's
  // execution-date when it has one (a saved CIB is simulated at the moment it was saved, as
  // crm_simulate does), else when it was read.
  int64_t evaluated_at = 0;
  std::optional<int64_t> execution_date;
  // Whether a rule somewhere depends on the date, so that the same CIB may mean something else
  // later (Cib::ReadAt).
  bool time_dependent = false;
  // The moments a date expression may change its outcome at, sorted: a time-dependent
  // configuration is read again (Cib::ReadAt) and scheduled again at the first one to come.
  std::vector<int64_t> date_changes;
  std::vector<NodeState> node_states;
  std::vector<TicketState> tickets;  // by id

  // The primitive with this id, or null.
  const Primitive* FindPrimitive(std::string_view id) const;
  // The group with this id, or null.
  const Group* FindGroup(std::string_view id) const;
  // The clone with this id, or null.
  const Clone* FindClone(std::string_view id) const;
  // The state of the ticket with this id, or null (not granted).
  const TicketState* FindTicket(std::string_view id) const;
  // What the scheduler names `id` stands for: a primitive, or an instance of a cloned one
  // ("d:2"), with the id its history is recorded under (an anonymous instance's is the
  // primitive's own, "d"; a unique one's is "d:2") and its number (-1: not an instance).
  // primitive is null when `id` is neither.
  struct Instance {
    const Primitive* primitive = nullptr;
    std::string record_id;
    int number = -1;
  };
  Instance FindInstance(const std::string& id) const;
  // A resource's meta attributes as they apply: `own` (a primitive's, a group's or a clone's,
  // inheritance included), then rsc_defaults' for what it does not set (with `primitive`, the
  // sets whose rsc_expression names its agent too).
  Attributes MetaWithDefaults(const Attributes& own, const Primitive* primitive = nullptr) const;
  // op_defaults as they apply to operation `name` at `interval_ms` of `p` (op_expression,
  // rsc_expression).
  Attributes OpDefaults(const Primitive& p, const std::string& name, int64_t interval_ms) const;
  // Pacemaker's built-in attributes of `node`: #uname, #id, #kind (cluster), #is_dc, and when set
  // #cluster-name and #site-name (its site-name attribute, else the cluster's name). Rules read
  // them like any node attribute.
  Attributes BuiltinAttributes(const Node& node) const;
  // The attributes of the node named `uname` as rules see them: its built-in ones, its transient
  // ones (status), then its configured ones. Empty for a node not configured.
  Attributes NodeAttributes(const std::string& uname) const;
  // `p`'s parameters on a node with these attributes (NodeAttributes): `params` unless a rule
  // makes them depend on the node.
  Attributes ParamsOn(const Primitive& p, const Attributes& node_attributes) const;
  // What a clone's meta attributes say, as Pacemaker reads them: counts default to the number of
  // nodes (clone-max, at least 1), 1 (clone-node-max, forced to 1 for anonymous clones: their
  // instances are all alike) and 0 (clone-min); a count that is not a number, or negative, is 0.
  struct CloneSettings {
    int max = 1;
    int node_max = 1;
    int min = 0;
    bool unique = false;
    bool ordered = false;
    bool interleave = false;
    bool notify = false;
    // A promotable clone's promoted-max and promoted-node-max (legacy master-max and
    // master-node-max): instances promoted in all, and on one node.
    int promoted_max = 1;
    int promoted_node_max = 1;
  };
  CloneSettings SettingsOf(const Clone& c) const;
  // More instances than this (clone-max) is refused when the CIB is read.
  static constexpr int kMaxCloneInstances = 10000;
  // Whether `p` is in maintenance: its meta attribute maintenance (its own, its group's or
  // rsc_defaults') or the cluster's maintenance-mode. Such a resource is left as it is: neither
  // started, stopped nor monitored.
  bool InMaintenance(const Primitive& p) const;
};

// What a reader of the CIB can carry out. planning_only: a reader that plans and runs nothing
// (`vigil simulate`, as crm_simulate) reads what vigild cannot carry out, which vigild refuses
// with kUnsupported: no-quorum-policy=suicide while stonith-enabled (in vigild a partition without
// quorum has no DC to fence its own nodes).
struct ReadOptions {
  bool planning_only = false;
};

// Watchdog self-fencing (cluster/daemon/watchdog.h). stonith-watchdog-timeout as the model's
// milliseconds: 0 when off (unset or 0); a negative value stands for twice
// kDefaultWatchdogDeviceSeconds, as Pacemaker's stands for twice sbd's SBD_WATCHDOG_TIMEOUT. The
// CIB reader refuses any other value (not a duration, or under kMinWatchdogTimeoutMs).
inline constexpr int kDefaultWatchdogDeviceSeconds = 5;  // sbd's default SBD_WATCHDOG_TIMEOUT
inline constexpr int64_t kMinWatchdogTimeoutMs = 2000;
// Twice the longest timeout the kernel's watchdog API takes (WDIOC_SETTIMEOUT's 16-bit seconds).
inline constexpr int64_t kMaxWatchdogTimeoutMs = int64_t{2} * 65535 * 1000;
int64_t WatchdogTimeoutMs(const Model& m);
// The timeout a node arms its watchdog device with: half of stonith-watchdog-timeout, in whole
// seconds (at least 1), so that a node the others lost has reset itself well before they count
// it as fenced.
int WatchdogDeviceSeconds(int64_t watchdog_timeout_ms);

class Cib {
 public:
  Cib();
  ~Cib();
  Cib(Cib&&) noexcept;
  Cib& operator=(Cib&&) noexcept;

  // An empty CIB: the skeleton Pacemaker starts from (versions 0:0:0, no quorum).
  static Cib Empty();
  // Parses a document. `source` names it in errors ("cib.xml:12:5: ..."). Errors: kParseError
  // (not XML, a missing or malformed attribute, two configuration elements with one id, a
  // constraint naming an unknown resource, a resource ordered after or colocated with itself),
  // kUnsupported (an element or setting Vigil cannot place faithfully). A location constraint
  // may name a node that is not (yet) defined: Pacemaker ignores it too.
  // Rules of attribute sets are evaluated at the CIB's execution-date if it has one, else at
  // `now` (seconds since the epoch; 0: the present moment).
  static Result<Cib> Parse(std::string_view xml, std::string_view source, int64_t now = 0,
                           const ReadOptions& options = {});
  static Result<Cib> Load(const std::filesystem::path& path, const ReadOptions& options = {});

  const Model& model() const { return *model_; }
  // The model read again with its rules evaluated at `now` (seconds since the epoch), for a
  // time-dependent configuration (Model::time_dependent) as time passes. Errors as Parse's.
  Result<Model> ReadAt(int64_t now) const;

  // The document as XML text.
  std::string Serialize() const;

  // Sets the version attributes of <cib> (and the model's copy).
  void SetVersions(const Versions& versions);
  // Empties <status> of everything but the tickets (and the model of its node states): what a
  // stored CIB holds, since node states are live state, kept in memory by the DC. Ticket states
  // are the cluster's, granted by an administrator or a ticket manager: kept with the
  // configuration, a restart of the whole cluster does not lose them.
  void ClearStatus();
  // The ticket states of `current` when this document has no <tickets> section of its own: a
  // configuration sent without its status (crm's commit, cibadmin --replace) leaves the tickets
  // as they were; one with a <tickets> section (empty included) sets them.
  void KeepTicketsOf(const Cib& current);
  // Writes the document atomically: a temporary file beside `path`, fsync, rename over `path`,
  // fsync of the directory. A crash at any instant leaves either the old or the new file whole.
  // The version it replaces is kept as path.1 (older ones as path.2 ... path.<kBackups>).
  static constexpr int kBackups = 5;
  Status Save(const std::filesystem::path& path) const;

 private:
  std::unique_ptr<pugi::xml_document> doc_;
  std::unique_ptr<Model> model_;
  ReadOptions options_;
};

// Whether `text` names one of Pacemaker's roles, in any case: Stopped, Started, Unpromoted,
// Promoted, or the legacy Slave and Master.
bool IsRoleName(std::string_view text);
// A role's current name ("Unpromoted" for "slave"); empty if `text` is no role.
std::string_view CurrentRoleName(std::string_view text);

// A clone instance's id without its number ("d:2" → "d"); any other id as it is.
std::string StripInstance(std::string_view id);

// "ocf:heartbeat:IPaddr2", or "class:type" without a provider.
std::string AgentName(std::string_view standard, std::string_view provider, std::string_view type);

// vigil::ParseDurationMs (common/duration.h) as the model stores it: milliseconds, or nullopt.
std::optional<int64_t> ParseDurationMs(std::string_view text);
// A boolean as Pacemaker reads CIB values (crm_is_true): yes, y, true, on, 1, in any case.
// (Agents read their parameters with resource-agents' ocf_is_true: plugins/common OcfIsTrue.)
bool PacemakerIsTrue(std::string_view text);

}  // namespace vigil::cib
