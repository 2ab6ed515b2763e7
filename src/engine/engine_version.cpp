#include "engine/engine_version.h"

#include "common/version.h"
#include "engine/child_process.h"

namespace l4lab::engine {

std::string installed_engine_version(const EngineConfig& c, const ArgvContext& ctx) {
  if (c.engine.kind == "serve-sim") return std::string("l4lab ") + lab_version() + " serve-sim";
  const auto argv = version_argv(c, ctx);
  if (argv.empty()) return "";
  auto r = run_capture(argv, c.probe_timeout_s, c.engine.env);
  if (!r.ok() || !r->status.success()) return "";
  std::string v = r->output;
  while (!v.empty() && (v.back() == '\n' || v.back() == ' ')) v.pop_back();
  auto nl = v.rfind('\n');
  return nl == std::string::npos ? v : v.substr(nl + 1);
}

}  // namespace l4lab::engine
