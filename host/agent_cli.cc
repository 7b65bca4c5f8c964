#include "host/agent_cli.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <iostream>
#include <memory>
#include <optional>

#include "common/command_line.h"
#include "common/durable_file.h"
#include "common/log.h"
#include "common/ocf.h"
#include "common/run_directory.h"
#include "host/agent_host.h"
#include "host/agent_test.h"
#include "host/metadata.h"

namespace vigil {

namespace {

constexpr int kExitUsage = 2;

struct UsageError {
  std::string message;
};

// The parsed command line of one `vigil agent` subcommand.
struct Args {
  std::string filter;  // list's
  std::string agent;
  std::string action;
  Params params;
  Params meta;
  std::optional<std::chrono::milliseconds> timeout;
  std::chrono::milliseconds interval{0};
  int check_level = 0;
  std::string resource;
  bool brief = false;
  bool verbose = false;
  std::string plugin_dir;
  std::string ocf_root;
  std::string run_dir;
};

std::chrono::milliseconds ParseSeconds(const std::string& opt, const std::string& value) {
  auto d = ParseDurationMs(value);
  if (!d) throw UsageError{opt + " takes a time such as 20, 20s or 500ms, not '" + value + "'"};
  return *d;
}

std::pair<std::string, std::string> ParsePair(const std::string& opt, const std::string& value) {
  auto eq = value.find('=');
  if (eq == std::string::npos || eq == 0) {
    throw UsageError{opt + " takes NAME=VALUE, not '" + value + "'"};
  }
  return {value.substr(0, eq), value.substr(eq + 1)};
}

// What CLI11 read as text, turned into Args; a value that does not say what its option wants is
// a UsageError.
struct RawOptions {
  std::vector<std::string> params;
  std::vector<std::string> meta;
  std::string timeout;
  std::string interval;
};

void Convert(const RawOptions& raw, Args& a, bool timeout_given, bool interval_given) {
  if (timeout_given && raw.timeout.empty()) throw UsageError{"--timeout takes a time such as 20, 20s or 500ms, not ''"};
  if (interval_given && raw.interval.empty()) throw UsageError{"--interval takes a time such as 20, 20s or 500ms, not ''"};
  for (const auto& p : raw.params) a.params.push_back(ParsePair("-p", p));
  for (const auto& m : raw.meta) a.meta.push_back(ParsePair("-m", m));
  if (!raw.timeout.empty()) {
    a.timeout = ParseSeconds("--timeout", raw.timeout);
    if (a.timeout->count() <= 0) throw UsageError{"--timeout must be more than 0"};
  }
  if (!raw.interval.empty()) a.interval = ParseSeconds("--interval", raw.interval);
}

RegistryOptions Options(const Args& a, bool with_rsc_tmp) {
  RegistryOptions o;
  o.plugin_dirs.push_back(a.plugin_dir.empty() ? DefaultPluginDir() : std::filesystem::path(a.plugin_dir));
  o.ocf_root = a.ocf_root.empty() ? DefaultOcfRoot() : a.ocf_root;
  if (with_rsc_tmp) {
    o.rsc_tmp = (RunDirectory(a.run_dir) / "rsctmp").string();
  }
  return o;
}

const char* KindName(const AgentEntry& e) { return e.kind == VIGIL_AGENT_SCRIPT ? "script" : "native"; }

int List(const Args& a) {
  const std::string& filter = a.filter;
  if (!filter.empty()) {
    if (filter != "ocf" && filter != "stonith" && filter.rfind("ocf:", 0) != 0) {
      throw UsageError{"list takes 'ocf', 'ocf:PROVIDER' or 'stonith', not '" + filter + "'"};
    }
  }
  AgentRegistry registry(Options(a, false));
  size_t width = 0;
  for (const auto& e : registry.agents()) width = std::max(width, e.name.size());
  for (const auto& e : registry.agents()) {
    if (!filter.empty() && e.standard != filter.substr(0, filter.find(':'))) continue;
    if (filter.size() > 4 && filter.starts_with("ocf:") && e.provider != filter.substr(4)) continue;
    std::printf("%-*s  %s  %s", static_cast<int>(width), e.name.c_str(), KindName(e),
                e.implementation.c_str());
    if (!e.shadowed_by.empty()) {
      std::printf("  (ocf:%s:%s is served natively)",
                  e.provider.substr(0, e.provider.size() - 7).c_str(), e.type.c_str());
    }
    std::printf("\n");
  }
  return 0;
}

// crmsh's `ra info` layout, from the meta-data.
void PrintBrief(const AgentEntry& e, const AgentMetadata& md) {
  std::printf("%s (%s)\n\n", md.shortdesc.empty() ? e.type.c_str() : md.shortdesc.c_str(),
              e.name.c_str());
  if (!md.longdesc.empty()) std::printf("%s\n\n", md.longdesc.c_str());
  std::printf("Parameters (*: required, []: default):\n\n");
  for (const auto& p : md.parameters) {
    std::printf("%s%s (%s", p.name.c_str(), p.required ? "*" : "", p.type.c_str());
    if (p.default_value) std::printf(", [%s]", p.default_value->c_str());
    std::printf("): %s\n", p.shortdesc.c_str());
    if (!p.longdesc.empty() && p.longdesc != p.shortdesc) {
      std::string indented = "    ";
      for (char c : p.longdesc) {
        indented += c;
        if (c == '\n') indented += "    ";
      }
      std::printf("%s\n", indented.c_str());
    }
    std::printf("\n");
  }
  std::printf("Operations' defaults (advisory minimum):\n\n");
  for (const auto& act : md.actions) {
    std::printf("    %-13s", act.name.c_str());
    if (act.timeout) std::printf(" timeout=%llds", static_cast<long long>(act.timeout->count() / 1000));
    if (act.interval) std::printf(" interval=%llds", static_cast<long long>(act.interval->count() / 1000));
    if (act.depth) std::printf(" depth=%d", *act.depth);
    if (!act.role.empty()) std::printf(" role=%s", act.role.c_str());
    std::printf("\n");
  }
}

int Meta(const Args& a) {
  AgentRegistry registry(Options(a, false));
  auto agent = registry.Find(a.agent);
  if (!agent.ok()) throw UsageError{agent.status().message()};
  auto xml = registry.MetadataXml(**agent);
  if (!xml.ok()) {
    std::fprintf(stderr, "vigil agent meta: %s\n", xml.status().message().c_str());
    return 1;
  }
  if (!a.brief) {
    std::fwrite(xml->data(), 1, xml->size(), stdout);
    if (!xml->empty() && xml->back() != '\n') std::printf("\n");
    return 0;
  }
  auto md = ParseMetadata(*xml);
  if (!md.ok()) {
    std::fprintf(stderr, "vigil agent meta: %s: %s\n", (*agent)->name.c_str(),
                 md.status().message().c_str());
    return 1;
  }
  PrintBrief(**agent, *md);
  return 0;
}

std::string Millis(Duration d) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f ms",
                std::chrono::duration<double, std::milli>(d).count());
  return buf;
}

// When the result is a timeout, the run is still being wound up: a script's process group is
// being killed, which takes milliseconds, and the command waits for that (up to a grace of 2 s)
// so that nothing it started outlives it. A native plugin that ignores its deadline may still
// be running after the grace: the command does not wait for it, and leaves the host to the
// process exit.
struct AbandonIfBusy {
  std::unique_ptr<AgentHost>& host;
  ~AbandonIfBusy() {
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(2);
    while (host->executor().running_count() > 0 && std::chrono::steady_clock::now() < until) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    if (host->executor().running_count() > 0) (void)host.release();
  }
};

// The host `vigil agent run` and `test` work in, its HA_RSCTMP made first. nullptr: the error is
// printed.
std::unique_ptr<AgentHost> OpenHost(const Args& a, const char* command) {
  RegistryOptions options = Options(a, true);
  if (Status s = EnsureDirectory(options.rsc_tmp, 0755); !s.ok()) {
    std::fprintf(stderr, "vigil agent %s: %s\n", command, s.message().c_str());
    return nullptr;
  }
  return std::make_unique<AgentHost>(options);
}

int Run(const Args& a) {
  auto owned = OpenHost(a, "run");
  if (!owned) return 1;
  AgentHost& host = *owned;
  AbandonIfBusy abandon{owned};
  auto agent = host.registry().Find(a.agent);
  if (!agent.ok()) throw UsageError{agent.status().message()};
  Operation op;
  op.agent = (*agent)->name;
  op.action = a.action;
  op.resource = a.resource.empty() ? (*agent)->type : a.resource;
  op.params = a.params;
  op.meta = a.meta;
  op.interval = a.interval;
  op.check_level = a.check_level;
  if (a.timeout) {
    op.timeout = *a.timeout;
  } else if (auto md = host.registry().Metadata(**agent); md.ok()) {
    if (const ActionSpec* s = md->FindAction(op.action, op.interval); s && s->timeout) op.timeout = *s->timeout;
  }
  // The interval reaches the agent as OCF_RESKEY_CRM_meta_interval; the operation runs once.
  auto result = host.RunAndWait(op);
  if (!result.ok()) throw UsageError{result.status().message()};
  if (!result->output.empty()) {
    std::fwrite(result->output.data(), 1, result->output.size(), stdout);
    if (result->output.back() != '\n') std::printf("\n");
  }
  const OperationResult& r = *result;
  std::printf("%s %s: %s (%d)", op.agent.c_str(), op.action.c_str(), OcfCodeName(r.rc).c_str(), r.rc);
  if (r.status != ExecStatus::kDone) std::printf(", %s", ExecStatusName(r.status));
  std::printf(" in %s\n", Millis(r.elapsed).c_str());
  if (!r.reason.empty()) std::printf("reason: %s\n", r.reason.c_str());
  std::fflush(stdout);
  return r.rc >= 0 && r.rc <= 255 ? r.rc : 1;
}

int Test(const Args& a) {
  auto owned = OpenHost(a, "test");
  if (!owned) return 1;
  AgentHost& host = *owned;
  AbandonIfBusy abandon{owned};
  auto agent = host.registry().Find(a.agent);
  if (!agent.ok()) throw UsageError{agent.status().message()};
  const std::string resource = a.resource.empty() ? (*agent)->type : a.resource;
  // Refuse bad parameters once, up front, rather than failing every step with the same words.
  Operation probe;
  probe.agent = (*agent)->name;
  probe.action = "validate-all";
  probe.resource = resource;
  probe.params = a.params;
  if (Status s = host.Check(probe); !s.ok()) throw UsageError{s.message()};
  std::printf("Testing %s (%s %s) as resource %s\n", (*agent)->name.c_str(), KindName(**agent),
              (*agent)->implementation.c_str(), resource.c_str());
  int failed = 0;
  auto steps = RunAgentTest(
      host, **agent, resource, a.params,
      [&](const TestStep& s) {
        std::printf("%s  %-22s %s\n", s.passed ? "PASS" : "FAIL", s.name.c_str(), s.detail.c_str());
        std::fflush(stdout);
        failed += s.passed ? 0 : 1;
      },
      a.timeout);
  std::printf("%zu passed, %d failed\n", steps.size() - static_cast<size_t>(failed), failed);
  return failed ? 1 : 0;
}

}  // namespace

int AgentCommand(const std::vector<std::string>& args) {
  CLI::App app{"Lists, inspects, runs and tests resource and fence agents without a cluster.", "vigil agent"};
  ShapeCommandLine(app);
  app.require_subcommand(1);
  Args a;
  RawOptions raw;
  auto* list = app.add_subcommand("list", "The agents installed: every one, or those of a class or OCF provider.");
  list->add_option("FILTER", a.filter, "ocf, ocf:PROVIDER or stonith");
  auto* meta = app.add_subcommand(
      "meta", "An agent's meta-data (AGENT as ocf:heartbeat:IPaddr2 or stonith:fence_ipmilan).");
  meta->add_option("AGENT", a.agent, "the agent")->required();
  meta->add_flag("--brief", a.brief, "its parameters and actions in a few lines (crmsh's ra info)");
  auto* run = app.add_subcommand(
      "run",
      "Runs one action of an agent as vigild would, and exits with its code. A fence agent\n"
      "(stonith:fence_*) takes on, off, reboot, status, list and the node to act on as\n"
      "-m fence-target=NODE; it answers with its own exit code (status: 0 on, 2 off).");
  run->add_option("AGENT", a.agent, "the agent")->required();
  run->add_option("ACTION", a.action, "start, stop, monitor, ...")->required();
  auto* test = app.add_subcommand(
      "test",
      "Runs an agent through start, monitor, stop and the checks OCF asks of it (like ocf-tester),\n"
      "and says what it did wrong.");
  test->add_option("AGENT", a.agent, "the agent")->required();
  for (CLI::App* sub : {run, test}) {
    sub->add_option("-p,--param", raw.params, "a parameter (repeatable)")->option_text("NAME=VALUE")->allow_extra_args(false);
    sub->add_option("--resource", a.resource, "the resource's id (default: the agent's type)")
        ->option_text("ID")
        ->check([](const std::string& id) { return id.empty() ? std::string("needs a non-empty id") : std::string(); });
    sub->add_option("--timeout", raw.timeout, "the deadline (20, 20s, 500ms; default: the agent's advice)")
        ->option_text("TIME");
    sub->add_option("--run-dir", a.run_dir, "agents keep state in DIR/rsctmp (default $VIGIL_RUN_DIR, else /run/vigil)")
        ->option_text("DIR");
  }
  run->add_option("-m,--meta", raw.meta, "a meta attribute (repeatable)")->option_text("NAME=VALUE")->allow_extra_args(false);
  run->add_option("--interval", raw.interval, "the operation's interval, as OCF_RESKEY_CRM_meta_interval (it runs once)")
      ->option_text("TIME");
  run->add_option("--check-level", a.check_level, "OCF_CHECK_LEVEL")->option_text("N")->check(CLI::Range(0, 1000000));
  for (CLI::App* sub : {list, meta, run, test}) {
    sub->add_option("--plugin-dir", a.plugin_dir, "native plugins (default $VIGIL_PLUGIN_DIR, else beside vigil)")
        ->option_text("DIR");
    sub->add_option("--ocf-root", a.ocf_root, "OCF scripts (default $OCF_ROOT, else /usr/lib/ocf)")->option_text("DIR");
    sub->add_flag("-v,--verbose", a.verbose, "log the plugins' loading");
  }
  // A word that is no subcommand is said so (CLI11 would ask for a subcommand).
  const auto is_subcommand = [&](const CLI::App* sub) { return sub->check_name(args[0]); };
  const CLI::App* subs[] = {list, meta, run, test};
  if (!args.empty() && !args[0].starts_with("-") && std::none_of(std::begin(subs), std::end(subs), is_subcommand)) {
    std::fprintf(stderr, "vigil agent: unknown command '%s' (list, meta, run, test)\n", args[0].c_str());
    return kExitUsage;
  }
  if (const int code = ParseCommandLine(app, args); code >= 0) return code;
  const std::pair<CLI::App*, int (*)(const Args&)> handlers[] = {{list, List}, {meta, Meta}, {run, Run}, {test, Test}};
  for (const auto& [sub, handler] : handlers) {
    if (!sub->parsed()) continue;
    try {
      const auto given = [&](const char* option) {
        const CLI::Option* o = sub->get_option_no_throw(option);
        return o != nullptr && o->count() > 0;
      };
      Convert(raw, a, given("--timeout"), given("--interval"));
      SetLogThreshold(a.verbose ? LogLevel::kInfo : LogLevel::kError);
      return handler(a);
    } catch (const UsageError& e) {
      std::fprintf(stderr, "vigil agent %s: %s\n", sub->get_name().c_str(), e.message.c_str());
      return kExitUsage;
    }
  }
  return kExitUsage;  // CLI11 requires one subcommand
}

}  // namespace vigil
