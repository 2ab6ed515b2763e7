#include "engine/flag_probe.h"

#include <algorithm>

#include "engine/child_process.h"

namespace l4lab::engine {

namespace {

bool is_flag_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_' || c == '.';
}

std::string join(const std::vector<std::string>& v, const std::string& sep) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : sep) + s;
  return out;
}

}  // namespace

bool help_lists_flag(const std::string& help, const std::string& flag) {
  for (size_t pos = help.find(flag); pos != std::string::npos; pos = help.find(flag, pos + 1)) {
    const bool start_ok = pos == 0 || !is_flag_char(help[pos - 1]);
    const size_t end = pos + flag.size();
    const bool end_ok = end == help.size() || !is_flag_char(help[end]);
    if (start_ok && end_ok) return true;
  }
  return false;
}

ProbeResult judge_probe(const std::vector<std::string>& flags, const std::string& help,
                        const std::string& probe_desc, const std::string& unsupported_note) {
  ProbeResult r;
  r.ran = true;
  for (const auto& f : flags)
    if (!help_lists_flag(help, f)) r.missing.push_back(f);
  const auto lines = std::count(help.begin(), help.end(), '\n');
  r.evidence = probe_desc + " (" + std::to_string(lines) + " lines of help) does not list " +
               (r.missing.empty() ? "-" : join(r.missing, ", "));
  if (r.missing.empty()) {
    r.evidence = probe_desc + " (" + std::to_string(lines) + " lines of help) lists all of " +
                 join(flags, ", ");
  } else {
    r.reason = "the installed engine does not accept " + join(r.missing, ", ");
    if (!unsupported_note.empty()) r.reason += ": " + unsupported_note;
  }
  return r;
}

std::string probe_cache_key(const std::vector<std::string>& argv) { return join(argv, "\x1f"); }

ProbeResult judge_failed_probe(const std::vector<std::string>& flags, const std::string& output,
                               const std::string& probe_desc, bool exited_ok) {
  ProbeResult r = judge_probe(flags, output, probe_desc, "");
  if (exited_ok || flags.empty() || r.missing.size() != flags.size()) return {};
  std::string last = output;
  while (!last.empty() && (last.back() == '\n' || last.back() == ' ')) last.pop_back();
  if (auto nl = last.rfind('\n'); nl != std::string::npos) last = last.substr(nl + 1);
  if (last.size() > 200) last = last.substr(0, 200);
  ProbeResult f;
  f.ran = false;
  f.reason =
      "the engine's probe failed and lists none of the configuration's flags "
      "(is the engine installed?): " +
      last;
  f.evidence = probe_desc + ": its last line: " + last;
  return f;
}

ProbeResult probe_engine(const EngineConfig& c, const ArgvContext& ctx, ProbeCache* cache) {
  const auto argv = probe_argv(c, ctx);
  const std::string desc = "`" + join(argv, " ") + "`";
  ProbeResult r;
  if (argv.empty()) {
    r.reason = "no probe command";
    r.evidence = "config has no probe.argv and no default for kind " + c.engine.kind;
    return r;
  }
  const std::string key = probe_cache_key(argv);
  ProbeRun run;
  if (cache && cache->count(key)) {
    run = cache->at(key);
  } else {
    auto cap = run_capture(argv, c.probe_timeout_s, c.engine.env);
    if (!cap.ok()) {
      run.error = "the engine's probe could not run: " + cap.error().message();
    } else if (cap->timed_out) {
      char buf[64];
      std::snprintf(buf, sizeof buf, "%g", c.probe_timeout_s);
      run.error = std::string("the engine's probe did not finish within ") + buf + " s";
    } else if (cap->output.empty()) {
      run.error = "the engine's probe printed nothing (" + cap->status.describe() + ")";
    } else {
      run.output = std::move(cap->output);
      run.status = cap->status.describe();
      run.success = cap->status.success();
    }
    if (cache) (*cache)[key] = run;
  }
  if (!run.error.empty()) {
    r.reason = run.error;
    r.evidence = desc + ": " + run.error;
    return r;
  }
  // Many CLIs print help with exit 0; a non-zero exit with output is still
  // judged by its text (argparse prints usage to stderr on some errors),
  // unless it lists none of the flags: then the engine's help never printed.
  if (auto f = judge_failed_probe(flags_to_probe(c), run.output, desc + " (" + run.status + ")",
                                  run.success);
      !f.reason.empty())
    return f;
  return judge_probe(flags_to_probe(c), run.output, desc + " (" + run.status + ")",
                     c.unsupported_note);
}

}  // namespace l4lab::engine
