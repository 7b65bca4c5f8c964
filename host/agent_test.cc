#include "host/agent_test.h"

#include <libxml/parser.h>
#include <libxml/relaxng.h>
#include <libxml/xmlerror.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <thread>

#include "common/ocf.h"
#include "host/metadata.h"

namespace vigil {

namespace {

constexpr const char* kDefaultSchema = "/usr/share/resource-agents/metadata.rng";

void CollectError(void* ctx, xmlError* error) {  // libxml2 2.9 takes a non-const error
  auto* out = static_cast<std::vector<std::string>*>(ctx);
  std::string msg = error->message ? error->message : "invalid";
  while (!msg.empty() && msg.back() == '\n') msg.pop_back();
  out->push_back("line " + std::to_string(error->line) + ": " + msg);
}

void IgnoreGenericError(void*, const char*, ...) {}

// libxml2's RelaxNG validation of `xml` against the schema file; nullopt when the schema itself
// cannot be read.
std::optional<std::vector<std::string>> ValidateRelaxNg(const std::string& xml,
                                                        const std::string& schema_file) {
  std::vector<std::string> problems;
  xmlSetGenericErrorFunc(nullptr, IgnoreGenericError);
  xmlRelaxNGParserCtxtPtr pctx = xmlRelaxNGNewParserCtxt(schema_file.c_str());
  if (!pctx) return std::nullopt;
  xmlRelaxNGPtr schema = xmlRelaxNGParse(pctx);
  xmlRelaxNGFreeParserCtxt(pctx);
  if (!schema) return std::nullopt;
  xmlDocPtr doc = xmlReadMemory(xml.data(), static_cast<int>(xml.size()), "meta-data.xml", nullptr,
                                XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
  if (!doc) {
    problems.push_back("meta-data is not well-formed XML");
  } else {
    xmlRelaxNGValidCtxtPtr vctx = xmlRelaxNGNewValidCtxt(schema);
    xmlRelaxNGSetValidStructuredErrors(vctx, CollectError, &problems);
    int rc = xmlRelaxNGValidateDoc(vctx, doc);
    if (rc != 0 && problems.empty()) problems.push_back("does not match the schema");
    xmlRelaxNGFreeValidCtxt(vctx);
    xmlFreeDoc(doc);
  }
  xmlRelaxNGFree(schema);
  return problems;
}

std::string Describe(const OperationResult& r) {
  std::string s = OcfCodeName(r.rc) + " (" + std::to_string(r.rc) + ")";
  if (r.status != ExecStatus::kDone) s += ", " + std::string(ExecStatusName(r.status));
  if (!r.reason.empty()) s += ": " + r.reason;
  return s;
}

}  // namespace

std::vector<std::string> CheckMetadataSchema(const std::string& xml, std::string* method) {
  const char* env = std::getenv("VIGIL_RA_SCHEMA");
  std::string schema_file = env && *env ? env : kDefaultSchema;
  if (::access(schema_file.c_str(), R_OK) == 0) {
    if (auto problems = ValidateRelaxNg(xml, schema_file)) {
      if (method) *method = "RelaxNG " + schema_file;
      return *problems;
    }
  }
  if (method) *method = "structural check (" + schema_file + " not readable)";
  std::vector<std::string> problems;
  auto md = ParseMetadata(xml, &problems);
  if (!md.ok()) problems.insert(problems.begin(), md.status().message());
  return problems;
}

std::vector<TestStep> RunAgentTest(AgentHost& host, const AgentEntry& agent,
                                   const std::string& resource, const Params& params,
                                   const std::function<void(const TestStep&)>& report,
                                   std::optional<std::chrono::milliseconds> timeout) {
  std::vector<TestStep> steps;
  auto record = [&](TestStep step) {
    if (report) report(step);
    steps.push_back(std::move(step));
  };

  AgentMetadata md;
  {
    TestStep step{"meta-data valid", false, {}};
    auto xml = host.registry().MetadataXml(agent);
    if (!xml.ok()) {
      step.detail = xml.status().message();
    } else {
      std::string method;
      auto problems = CheckMetadataSchema(*xml, &method);
      step.passed = problems.empty();
      step.detail = method;
      for (const auto& p : problems) step.detail += "\n      " + p;
      if (auto parsed = ParseMetadata(*xml); parsed.ok()) md = *parsed;
    }
    record(std::move(step));
  }

  auto timeout_of = [&](const std::string& action) {
    if (timeout) return *timeout;
    const ActionSpec* a = md.FindAction(action);
    return a && a->timeout ? *a->timeout : std::chrono::milliseconds(20000);
  };
  bool started = false;
  bool stuck = false;  // a run outlived its deadline and has not returned: nothing more can run
  auto step = [&](const std::string& name, const std::string& action, int expected) {
    if (stuck) {
      record({name, false, "not run: an earlier operation did not return after its timeout"});
      return;
    }
    Operation op;
    op.resource = resource;
    op.agent = agent.name;
    op.action = action;
    op.params = params;
    op.timeout = timeout_of(action);
    TestStep s{name, false, {}};
    auto r = host.RunAndWait(op);
    if (!r.ok()) {
      s.detail = r.status().message();
    } else {
      s.passed = r->status == ExecStatus::kDone && r->rc == expected;
      s.detail = Describe(*r);
      if (!s.passed) {
        s.detail += "; expected " + OcfCodeName(expected) + " (" + std::to_string(expected) + ")";
      }
    }
    if (r.ok() && r->status == ExecStatus::kTimedOut) {
      // A script is killed at once; a native plugin gets a grace period to notice the
      // cancellation before the rest of the sequence is given up.
      for (int i = 0; i < 200 && host.executor().running_count() > 0; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
      }
      stuck = host.executor().running_count() > 0;
    }
    if (action == "start") started = true;
    if (action == "stop" && s.passed) started = false;
    record(std::move(s));
  };

  step("validate-all", "validate-all", VIGIL_OCF_SUCCESS);
  step("monitor while stopped", "monitor", VIGIL_OCF_NOT_RUNNING);
  step("start", "start", VIGIL_OCF_SUCCESS);
  step("start again", "start", VIGIL_OCF_SUCCESS);
  step("monitor while running", "monitor", VIGIL_OCF_SUCCESS);
  step("stop", "stop", VIGIL_OCF_SUCCESS);
  step("stop again", "stop", VIGIL_OCF_SUCCESS);
  step("monitor after stop", "monitor", VIGIL_OCF_NOT_RUNNING);
  if (started && !stuck) step("cleanup stop", "stop", VIGIL_OCF_SUCCESS);
  return steps;
}

}  // namespace vigil
