// The configuration `crm configure` edits: a CIB held as XML, changed by crmsh's commands and
// shown in crmsh's syntax.
//
// A Configuration is a staged copy of the CIB read from vigild (`cib-query`). Each command
// (primitive, property, location, ...) is applied to a copy first, and the copy is kept only if
// the whole CIB still reads as a valid CIB (the same parser vigild uses): a bad command changes
// nothing. The XML it writes is what crmsh writes: the same elements, attributes and ids
// (`ip-instance_attributes-ip`, `ip-monitor-10s`, `cib-bootstrap-options-stonith-enabled`, ...).
// Show() prints crmsh 4's text: nodes, then resources, then constraints (each sorted by id), then
// properties, rsc_defaults and op_defaults.
//
// Not thread-safe; one owner.
#pragma once

#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "cluster/crm/agents.h"
#include "common/status.h"

namespace vigil::crm {

class Configuration {
 public:
  // `cib_xml`: a whole CIB; its status section is dropped. Errors: kParseError (not a CIB Vigil
  // reads; the message says where).
  static Result<Configuration> Parse(std::string_view cib_xml);
  Configuration(Configuration&&) noexcept;
  Configuration& operator=(Configuration&&) noexcept;
  ~Configuration();

  // crmsh's configure commands Vigil refuses as not supported (group, clone, ...).
  static const std::vector<std::string>& UnsupportedCommands();

  // Applies one command (words[0] is its name: node, primitive, property, rsc_defaults, op_defaults,
  // location, colocation, order, delete, erase). Warnings (an unknown property name, a location
  // on a node never seen) go to `warnings`. Errors: kInvalidArgument with one line naming the
  // command, the word and what was expected; kNotFound for an unknown id; kUnsupported for
  // crmsh syntax Vigil cannot place (bundles, fencing topology). Nothing changes on an error.
  Status Apply(const std::vector<std::string>& words, std::vector<std::string>* warnings);

  // crm resource promote, demote, meta, param, utilization, manage...: attribute `name` of
  // resource `rsc` in its `set_kind` sets (meta_attributes, instance_attributes, utilization) set
  // to `value`, or removed without one, as crm_resource does it; *said: crm_resource's lines.
  // Errors: kNotFound; the CIB reader's, and then nothing changes.
  Status SetResourceAttribute(const std::string& rsc, const char* set_kind, const std::string& name,
                              const std::optional<std::string>& value, std::string* said);
  // crm resource manage, unmanage, maintenance (SetDeepMeta, editor.h). Errors as above.
  Status SetDeepMeta(const std::string& rsc, const std::string& name, const std::string& value);
  // crm resource trace and untrace (TraceOperations, UntraceOperations, editor.h): `op` and
  // `interval` empty for none. Errors as there.
  Status Trace(const std::string& rsc, const std::string& op, const std::string& interval, const std::string& dir);
  Status Untrace(const std::string& rsc, const std::string& op, const std::string& interval);
  // A constraint given as XML (`element`: one rsc_location, rsc_colocation...), replacing the one
  // with its id, as crm_resource --move/--ban with a lifetime writes one. Errors: kParseError
  // (not one element), and as above.
  Status PutConstraint(std::string_view element);
  // crm node utilization NODE set|delete: as crm_attribute -z. Errors as above.
  Status SetNodeUtilization(const std::string& node, const std::string& name, const std::optional<std::string>& value,
                            std::string* said);

  // `edit`: the configuration (with `ids`: those elements only) replaced by the commands in
  // `text`, crmsh's syntax as Show prints it (node, primitive, property, constraints...; a line
  // ending in `\` goes on). All or nothing: an error names the line and changes nothing. A
  // running resource the text leaves out is refused, as delete refuses it.
  Status Replace(const std::vector<std::string>& ids, std::string_view text, std::vector<std::string>* warnings);

  // crmsh's `show`: everything, or the elements with these ids. Errors: kNotFound naming the id.
  Result<std::string> Show(const std::vector<std::string>& ids) const;
  // `show xml`: the CIB (without status), or a CIB holding only the elements with these ids.
  Result<std::string> ShowXml(const std::vector<std::string>& ids) const;

  // What would keep resources from starting (stonith enabled without a fencing device); empty
  // when nothing would. Every command was already checked against the whole CIB as it went in.
  std::vector<std::string> Verify() const;

  // The whole CIB to send back (cib-replace).
  std::string Document() const;
  // The changes made here, made again on `current` (a CIB read later, after a commit was refused
  // as a conflict): `current` with every configuration object these changes changed set as they
  // left it. Errors: kConflict naming the objects that `current` changed too, differently (the
  // user must redo the change); kParseError.
  Result<Configuration> Rebased(std::string_view current) const;
  // The version it was read at (admin_epoch:epoch:num_updates): commits are made against it.
  const std::string& version() const;
  // Whether a command has changed it since Parse.
  bool changed() const;
  // Ids of the resources, constraints and property sets, for completion.
  std::vector<std::string> Ids() const;
  // The resources running somewhere (from vigild's status), which delete and erase refuse to
  // remove; nullopt (the default) while that is unknown: then they refuse every resource.
  void set_running(std::optional<std::set<std::string>> running);
  // Nodes vigild knows (members and nodes ever heard), which a location may name without a
  // warning even before <nodes> lists them.
  void set_known_nodes(std::set<std::string> names);
  // The agents a primitive's agent and parameters are checked against as it is added (none, the
  // default: vigild checks them at commit only). Not owned.
  void set_agents(Agents* agents);

  struct Impl;  // the document and what vigild said of it (configuration.cc)

 private:
  explicit Configuration(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace vigil::crm
