#include "plugins/common/plugin_op.h"

namespace vigil::plugin {

void ReadOp(const vigil_op& op, OpRequest* out) {
  out->resource = op.resource ? op.resource : "";
  out->action = op.action ? op.action : "";
  for (size_t i = 0; i < op.param_count; ++i) {
    if (op.params[i].name) out->params[op.params[i].name] = op.params[i].value ? op.params[i].value : "";
  }
  for (size_t i = 0; i < op.meta_count; ++i) {
    if (op.meta[i].name) out->meta[op.meta[i].name] = op.meta[i].value ? op.meta[i].value : "";
  }
  out->interval_ms = op.interval_ms;
  out->timeout_ms = op.timeout_ms;
  out->check_level = op.check_level;
  if (op.is_cancelled) {
    const vigil_op* p = &op;
    out->cancelled = [p] { return p->is_cancelled(p->host_ctx) != 0; };
  }
}

std::string Lookup(const std::map<std::string, std::string>& params, const std::string& name,
                   const std::string& fallback) {
  auto it = params.find(name);
  return it == params.end() ? fallback : it->second;
}

bool OcfIsTrue(const std::string& v) {
  return v == "yes" || v == "true" || v == "1" || v == "YES" || v == "TRUE" || v == "True" ||
         v == "ja" || v == "on" || v == "ON";
}

void WriteText(const vigil_text_sink& sink, const std::string& text) {
  if (sink.write && !text.empty()) sink.write(sink.ctx, text.data(), text.size());
}

}  // namespace vigil::plugin
