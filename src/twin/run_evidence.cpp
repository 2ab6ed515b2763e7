#include "twin/run_evidence.h"

#include <filesystem>
#include <nlohmann/json.hpp>

#include "analysis/run_loader.h"
#include "common/files.h"
#include "traces/trace_reader.h"

namespace l4lab::twin {

Result<RunEvidence> load_run_evidence(const std::string& dir) {
  namespace fs = std::filesystem;
  RunEvidence ev;
  ev.dir = dir;
  const std::string traces = dir + "/traces.jsonl", manifest = dir + "/run_manifest.json";
  auto tf = traces::read_traces(traces);
  if (!tf) return tf.error().context(traces);
  for (const auto& e : tf->errors) ev.warnings.push_back(e.message);
  for (const auto& r : tf->records) {
    if (!r.ok || !r.t_sent_ns || !r.t_first_token_ns || !r.t_end_ns || r.chunks.empty()) {
      ++ev.failed_requests;
      continue;
    }
    MeasuredRequest m;
    m.request_id = r.request_id;
    m.measured = r.phase == traces::Phase::measured;
    m.t_sent_ns = *r.t_sent_ns;
    m.t_first_byte_ns = r.t_first_byte_ns.value_or(*r.t_sent_ns);
    m.t_first_token_ns = *r.t_first_token_ns;
    m.t_end_ns = *r.t_end_ns;
    m.prompt_tokens = int(r.usage_prompt_tokens.value_or(r.prompt_tokens_pre_send.value_or(0)));
    m.completion_tokens = int(r.usage_completion_tokens.value_or(0));
    for (const auto& c : r.chunks) m.chunks.emplace_back(c.t_ns, int(c.n_tokens));
    if (m.prompt_tokens <= 0)
      return Error(traces + ": request " + r.request_id + " has no prompt token count");
    ev.requests.push_back(std::move(m));
  }
  if (ev.requests.empty()) return Error(traces + ": no successful request to fit or compare");
  auto mtext = read_file(manifest);
  if (!mtext) return mtext.error();
  try {
    const auto j = nlohmann::json::parse(*mtext);
    if (j.contains("engine") && j["engine"].contains("argv"))
      ev.engine_argv = j["engine"]["argv"].get<std::vector<std::string>>();
  } catch (const std::exception& e) {
    return Error(manifest + ": " + e.what());
  }
  if (ev.engine_argv.empty()) return Error(manifest + ": no engine.argv to know the engine flags");
  const analysis::RunData rd = analysis::load_run(dir, fs::path(dir).filename().string());
  for (const auto& w : rd.warnings) ev.warnings.push_back(w);
  ev.config_name = rd.manifest.config_name;
  ev.trial = rd.manifest.trial;
  ev.gpu_memory_total_mib = rd.manifest.gpu_mem_total_mib;
  ev.gpu_name = rd.manifest.gpu_name;
  ev.dummy_weights = rd.manifest.dummy_weights;
  ev.facts = rd.engine_facts;
  if (rd.bench.concurrency && !rd.bench.open_loop) ev.concurrency = int(*rd.bench.concurrency);
  std::optional<double> first_pre, last_pre;
  for (const auto& s : rd.engine) {
    for (const auto& x : s.samples) {
      if (x.name == "vllm:kv_cache_usage_perc" && s.phase == "during")
        ev.kv_usage.emplace_back(s.t_ns, x.value);
      if (x.name == "vllm:num_preemptions_total") {
        if (!first_pre) first_pre = x.value;
        last_pre = x.value;
      }
    }
  }
  if (first_pre && last_pre) ev.preemptions = *last_pre - *first_pre;
  for (const char* f :
       {"traces.jsonl", "run_manifest.json", "bench.json", "engine.log", "engine_metrics.jsonl"}) {
    const std::string p = dir + "/" + f;
    if (!fs::exists(p)) continue;
    auto h = sha256_file(p);
    if (!h) return h.error();
    ev.sources.push_back({p, *h});
  }
  return ev;
}

}  // namespace l4lab::twin
