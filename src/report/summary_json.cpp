#include "report/summary_json.h"

#include <fmt/format.h>

#include <cmath>

#include "metrics/percentile.h"
#include "report/format.h"

namespace l4lab::report {

using nlohmann::json;
using namespace analysis;
using namespace metrics;

json num(double v) { return std::isfinite(v) ? json(v) : json(nullptr); }

namespace {

json dist_json(const Dist& d) {
  const size_t beyond = samples_beyond(d.n, 99);
  return {{"n", d.n},
          {"mean", num(d.mean)},
          {"p50", num(d.p50)},
          {"p95", num(d.p95)},
          {"p99", num(d.p99)},
          {"min", num(d.min)},
          {"max", num(d.max)},
          {"p95_samples_beyond", samples_beyond(d.n, 95)},
          {"p99_samples_beyond", beyond},
          // A p99 resting on fewer than 10 samples above it is mostly noise.
          {"p99_thin", d.n > 0 && beyond < 10}};
}

json group_json(const GroupMetrics& g) {
  json failures = json::object();
  for (const auto& [cls, details] : g.failures) {
    json d = json::object();
    for (const auto& [k, n] : details) d[k] = n;
    failures[cls] = d;
  }
  return {{"requests", g.requests},
          {"ok", g.ok},
          {"failed", g.failed},
          {"success_rate", num(g.success_rate)},
          {"window_s", num(g.window_s)},
          {"prompt_tokens", g.prompt_tokens},
          {"output_tokens", g.output_tokens},
          {"request_throughput_rps", num(g.request_throughput)},
          {"output_throughput_tps", num(g.output_throughput)},
          {"total_token_throughput_tps", num(g.total_token_throughput)},
          {"ttft_ms", dist_json(g.ttft_ms)},
          {"tpot_ms", dist_json(g.tpot_ms)},
          {"itl_ms", dist_json(g.itl_ms)},
          {"e2e_ms", dist_json(g.e2e_ms)},
          {"ttft_from_scheduled_ms", dist_json(g.ttft_sched_ms)},
          {"e2e_from_scheduled_ms", dist_json(g.e2e_sched_ms)},
          {"good", g.good},
          {"goodput_rps", num(g.goodput_rps)},
          {"goodput_fraction", num(g.goodput_fraction)},
          {"prompt_compared", g.prompt_compared},
          {"prompt_agree", g.prompt_agree},
          {"prompt_agreement_rate", num(g.prompt_agreement_rate)},
          {"failures", failures}};
}

// Each fact with the engine.log line it was read from, so a reader can check it.
json engine_facts_json(const EngineLogFacts& f) {
  json j = json::object();
  auto put = [&](const char* key, const std::optional<EngineFact>& v) {
    j[key] = v ? json{{"value", v->value}, {"line", v->line}} : json(nullptr);
  };
  put("kv_cache_tokens", f.kv_cache_tokens);
  put("kv_cache_memory_gib", f.kv_cache_memory_gib);
  put("weights_gib", f.weights_gib);
  put("max_concurrency", f.max_concurrency);
  put("init_engine_s", f.init_engine_s);
  put("compile_s", f.compile_s);
  put("draft_acceptance_pct", f.draft_acceptance_pct);
  j["sim_profile_source"] =
      f.sim_profile_source.empty() ? json(nullptr) : json(f.sim_profile_source);
  j["attention_backend"] = f.attention_backend.empty() ? json(nullptr)
                                                       : json{{"value", f.attention_backend},
                                                              {"line", f.attention_backend_line}};
  return j;
}

json groups_json(const std::map<std::string, GroupMetrics>& m) {
  json j = json::object();
  for (const auto& [k, g] : m) j[k] = group_json(g);
  return j;
}

json placement_json(const HistPlacement& p) {
  return {{"q", p.q},
          {"lab_value_s", num(p.lab_value_s)},
          {"lab_bucket_s", {num(p.lab_lo_s), num(p.lab_hi_s)}},
          {"engine_fraction_le_bucket", {num(p.engine_frac_le_lo), num(p.engine_frac_le_hi)}},
          {"engine_quantile_bucket_s", {num(p.engine_q_lo_s), num(p.engine_q_hi_s)}}};
}

json hist_json(const EngineHistogram& h, const std::array<HistPlacement, 3>& places) {
  if (!h.present()) return nullptr;
  json b = json::array();
  for (const auto& x : h.buckets) b.push_back({num(x.le), x.count});
  json p = json::array();
  for (const auto& x : places) p.push_back(placement_json(x));
  return {{"count", h.count}, {"sum_s", h.sum}, {"buckets_le_cumulative", b}, {"placements", p}};
}

json coverage_json(const HistCoverage& c) {
  if (!c.present) return nullptr;
  return {{"engine_count", num(c.engine_count)},
          {"expected", {num(c.expected_lo), num(c.expected_hi)}},
          {"whole_run", c.whole_run},
          {"adds_up", c.adds_up},
          {"note", c.note}};
}

// Which requests the engine's histograms count against the lab's
// (docs/METRICS.md#engine-histograms).
json account_json(const RunSummary& r) {
  const RequestAccount& a = r.account;
  return {{"lab_measured_ok", a.lab_ok},
          {"measured_failed", a.measured_failed},
          {"bench_warmup_ok", a.warmup_ok},
          {"bench_warmup_failed", a.warmup_failed},
          {"cooldown_ok", a.cooldown_ok},
          {"cooldown_failed", a.cooldown_failed},
          {"matrix_warmup", a.matrix_warmup},
          {"matrix_warmup_failed", a.matrix_warmup_failed},
          {"first_scrape_phase", r.engine.first_phase},
          {"last_scrape_phase", r.engine.last_phase},
          {"ttft", coverage_json(r.ttft_coverage)},
          {"e2e", coverage_json(r.e2e_coverage)}};
}

json run_json(const RunSummary& r) {
  return {
      {"dir", r.rel_dir},
      {"config", r.config},
      {"trial", r.trial},
      {"simulated", r.simulated},
      {"dummy_weights", r.dummy_weights},
      {"predicted", r.predicted},
      {"status", r.status},
      {"reason", r.reason},
      {"applied", r.applied},
      {"applied_evidence", r.applied_evidence},
      {"ran_on", r.ran_on},
      {"schedule_kind", r.schedule_kind},
      {"open_loop", r.open_loop},
      {"has_traces", r.has_traces},
      {"trace_lines_skipped", r.lines_skipped},
      {"timing_quality", r.timing_verdict.empty()
                             ? json()
                             : json{{"verdict", r.timing_verdict},
                                    {"canary_lateness_p99_ms", num(r.timing_canary_p99_ms)},
                                    {"canary_lateness_max_ms", num(r.timing_canary_max_ms)},
                                    {"definition", "docs/METRICS.md#timing-quality"}}},
      {"window_ns", {r.window.start_ns, r.window.end_ns}},
      {"metrics", group_json(r.all)},
      {"by_task", groups_json(r.by_task)},
      {"by_bucket", groups_json(r.by_bucket)},
      {"gpu",
       {{"samples", r.gpu.samples},
        {"vram_peak_mib", num(r.gpu.vram_peak_mib)},
        {"mem_total_mib", num(r.gpu.mem_total_mib)},
        {"headroom_mib", num(r.gpu.headroom_mib)},
        {"mean_power_w", num(r.gpu.mean_power_w)},
        {"energy_j", num(r.gpu.energy_j)},
        {"energy_per_output_token_j", num(r.energy_per_output_token_j)},
        {"missing_reason", r.gpu.missing_reason}}},
      {"engine_log_facts", engine_facts_json(r.engine_facts)},
      {"engine",
       {{"scrapes", r.engine.scrapes},
        {"kv_samples", r.engine.kv_samples},
        {"kv_usage_max", num(r.engine.kv_usage_max)},
        {"kv_usage_mean", num(r.engine.kv_usage_mean)},
        {"preemptions", r.engine.preemptions ? num(*r.engine.preemptions) : json(nullptr)},
        {"ttft_histogram", hist_json(r.engine.ttft, r.ttft_engine)},
        {"e2e_histogram", hist_json(r.engine.e2e, r.e2e_engine)},
        {"histogram_requests", account_json(r)}}},
      {"cost_per_million_output_tokens_usd", num(r.cost_per_mtok)},
      {"cost",
       {{"machine", r.price.machine},
        {"usd_per_hour", num(r.price.usd_per_hour)},
        {"basis", r.price.basis},
        {"not_priced_reason", r.price.reason}}},
      {"warnings", r.warnings},
  };
}

json config_json(const ConfigSummary& c, const StudySummary& s) {
  json stats = json::object();
  for (size_t i = 0; i < kStatCount; ++i) {
    const Stat st = static_cast<Stat>(i);
    if (st == Stat::goodput_rps && !s.options.any_slo()) continue;
    json per = json::array();
    for (double v : c.spread[i].per_trial) per.push_back(num(v));
    stats[stat_name(st)] = {{"value", num(c.point[i])},
                            {"ci", {num(c.boot.lo[i]), num(c.boot.hi[i])}},
                            {"no_variance", c.boot.no_variance[i]},
                            {"per_trial", per},
                            {"trial_min", num(c.spread[i].min)},
                            {"trial_max", num(c.spread[i].max)},
                            {"trial_sd", num(c.spread[i].sd)}};
  }
  json deltas = json::array();
  for (const auto& d : c.deltas)
    deltas.push_back({{"stat", stat_name(d.stat)},
                      {"baseline", num(d.base)},
                      {"value", num(d.value)},
                      {"delta", num(d.delta)},
                      {"ci", {num(d.lo), num(d.hi)}},
                      {"relative_pct", num(d.rel_pct)},
                      {"relative_ci_pct", {num(d.rel_lo_pct), num(d.rel_hi_pct)}},
                      {"verdict", d.verdict},
                      {"reason", d.reason}});
  json slos = json::array();
  for (const auto& k : c.slos)
    slos.push_back({{"slo", k.slo},
                    {"limit_ms", num(k.limit_ms)},
                    {"p95_ms", num(k.p95_ms)},
                    {"miss_fraction", num(k.miss_fraction)},
                    {"broken", k.broken}});
  json runs = json::array();
  for (size_t i : c.runs) runs.push_back(s.runs[i].rel_dir);
  return {{"name", c.name},
          {"intent", c.intent},
          {"factor", c.factor},
          {"simulated", c.simulated},
          {"dummy_weights", c.dummy_weights},
          {"predicted", c.predicted},
          {"is_baseline", c.is_baseline},
          {"has_data", c.has_data},
          {"runs", runs},
          {"not_run", c.not_run},
          {"not_applied", c.not_applied},
          {"flags", c.flags},
          {"pooled", group_json(c.pooled)},
          {"by_task", groups_json(c.by_task)},
          {"by_bucket", groups_json(c.by_bucket)},
          {"resources",
           {{"vram_peak_mib", num(c.vram_peak_mib)},
            {"min_headroom_mib", num(c.headroom_mib)},
            {"mean_power_w", num(c.mean_power_w)},
            {"energy_per_output_token_j", num(c.energy_per_output_token_j)},
            {"kv_usage_max", num(c.kv_usage_max)},
            {"preemptions", num(c.preemptions)},
            {"kv_cache_tokens_min", num(c.kv_cache_tokens_min)},
            {"kv_cache_tokens_max", num(c.kv_cache_tokens_max)},
            {"weights_gib", num(c.weights_gib)},
            {"kv_cache_memory_gib", num(c.kv_cache_memory_gib)},
            {"attention_backend", c.attention_backend},
            {"client_cores_max", num(c.client_cores_max)},
            {"client_rss_mib_max", num(c.client_rss_mib_max)}}},
          {"cost_per_million_output_tokens_usd", num(c.cost_per_mtok)},
          {"cost_basis", c.cost_basis},
          {"cost_not_priced_reason", c.cost_reason},
          {"stats", stats},
          {"bootstrap_stream_seed", c.boot.stream_seed},
          {"deltas", deltas},
          {"slos", slos}};
}

auto opt_json = [](const std::optional<double>& v) { return v ? json(*v) : json(nullptr); };

}  // namespace

json summary_to_json(const StudySummary& s) {
  const AnalysisOptions& o = s.options;
  json configs = json::array();
  for (const auto& c : s.configs) configs.push_back(config_json(c, s));
  json runs = json::array();
  for (const auto& r : s.runs) runs.push_back(run_json(r));
  json prices = json::array();
  for (const auto& p : o.machine_prices)
    prices.push_back({{"usd_per_hour", p.usd_per_hour},
                      {"gpu_name", p.gpu_name},
                      {"gpu_count", p.gpu_count},
                      {"machine_type", p.machine_type},
                      {"source", p.source}});
  return {{"schema", kSummarySchema},
          {"percentile_method", kPercentileMethod},
          {"interval_method", interval_method_text()},
          {"options",
           {{"baseline", o.baseline},
            {"slo_ttft_ms", opt_json(o.slo_ttft_ms)},
            {"slo_tpot_ms", opt_json(o.slo_tpot_ms)},
            {"slo_e2e_ms", opt_json(o.slo_e2e_ms)},
            {"price_per_hour_usd", opt_json(o.price_per_hour)},
            {"machine_prices", prices},
            {"resamples", o.resamples},
            {"seed", o.seed},
            {"confidence", o.confidence}}},
          {"baseline_found", s.baseline_found},
          {"any_simulated", s.any_simulated},
          {"any_dummy_weights", s.any_dummy_weights},
          {"any_predicted", s.any_predicted},
          {"warnings", s.warnings},
          {"configs", configs},
          {"runs", runs}};
}

Result<AnalysisOptions> options_from_summary(const json& j) {
  if (!j.is_object() || !j.contains("options") || !j["options"].is_object())
    return Error("summary.json: no 'options' object");
  const json& o = j["options"];
  AnalysisOptions a;
  try {
    a.baseline = o.at("baseline").get<std::string>();
    auto opt = [&](const char* k) -> std::optional<double> {
      if (!o.contains(k) || o[k].is_null()) return std::nullopt;
      return o[k].get<double>();
    };
    a.slo_ttft_ms = opt("slo_ttft_ms");
    a.slo_tpot_ms = opt("slo_tpot_ms");
    a.slo_e2e_ms = opt("slo_e2e_ms");
    a.price_per_hour = opt("price_per_hour_usd");
    a.machine_prices.clear();
    for (const auto& p : o.at("machine_prices"))
      a.machine_prices.push_back({p.at("usd_per_hour").get<double>(),
                                  p.at("gpu_name").get<std::string>(), p.at("gpu_count").get<int>(),
                                  p.at("machine_type").get<std::string>(),
                                  p.at("source").get<std::string>()});
    a.resamples = o.at("resamples").get<int>();
    a.seed = o.at("seed").get<uint64_t>();
    a.confidence = o.at("confidence").get<double>();
  } catch (const json::exception& e) {
    return Error(fmt::format("summary.json: options: {}", e.what()));
  }
  return a;
}

std::string summary_to_csv(const StudySummary& s) {
  auto f = [](double v) { return std::isfinite(v) ? fmt::format("{}", v) : std::string(); };
  auto q = [](const std::string& v) {
    std::string out = "\"";
    for (char c : v) out += c == '"' ? std::string("\"\"") : std::string(1, c);
    return out + "\"";
  };
  std::string out =
      "level,config,trial,simulated,status,requests,ok,failed,success_rate,window_s,"
      "request_throughput_rps,output_throughput_tps,output_throughput_ci_lo,"
      "output_throughput_ci_hi,total_token_throughput_tps,goodput_rps,ttft_n,ttft_p50_ms,"
      "ttft_p95_ms,ttft_p95_ci_lo,ttft_p95_ci_hi,ttft_p99_ms,tpot_p50_ms,tpot_p95_ms,tpot_p99_ms,"
      "itl_p50_ms,itl_p95_ms,itl_p99_ms,e2e_n,e2e_p50_ms,e2e_p95_ms,e2e_p99_ms,e2e_p99_ci_lo,"
      "e2e_p99_ci_hi,ttft_sched_p95_ms,e2e_sched_p99_ms,prompt_agreement_rate,vram_peak_mib,"
      "headroom_mib,mean_power_w,energy_per_output_token_j,kv_usage_max,preemptions,"
      "cost_per_million_output_tokens_usd,cost_note,engine_e2e_count,engine_e2e_count_adds_up\n";
  auto row = [&](const std::string& level, const std::string& cfg, const std::string& trial,
                 bool sim, const std::string& status, const GroupMetrics& g, double ot_lo,
                 double ot_hi, double tt_lo, double tt_hi, double e_lo, double e_hi, double vram,
                 double head, double power, double ept, double kv, double pre, double cost,
                 const std::string& cost_note, const HistCoverage* cov) {
    std::string engine_cols = ",";
    if (cov && cov->present)
      engine_cols = fmt::format("{},{}", f(cov->engine_count), cov->adds_up ? "true" : "false");
    out += fmt::format(
        "{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},"
        "{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}\n",
        level, q(cfg), trial, sim ? "true" : "false", q(status), g.requests, g.ok, g.failed,
        f(g.success_rate), f(g.window_s), f(g.request_throughput), f(g.output_throughput), f(ot_lo),
        f(ot_hi), f(g.total_token_throughput), f(g.goodput_rps), g.ttft_ms.n, f(g.ttft_ms.p50),
        f(g.ttft_ms.p95), f(tt_lo), f(tt_hi), f(g.ttft_ms.p99), f(g.tpot_ms.p50), f(g.tpot_ms.p95),
        f(g.tpot_ms.p99), f(g.itl_ms.p50), f(g.itl_ms.p95), f(g.itl_ms.p99), g.e2e_ms.n,
        f(g.e2e_ms.p50), f(g.e2e_ms.p95), f(g.e2e_ms.p99), f(e_lo), f(e_hi), f(g.ttft_sched_ms.p95),
        f(g.e2e_sched_ms.p99), f(g.prompt_agreement_rate), f(vram), f(head), f(power), f(ept),
        f(kv), f(pre), f(cost), q(cost_note), engine_cols);
  };
  for (const auto& c : s.configs) {
    const auto i = [](Stat st) { return static_cast<size_t>(st); };
    std::string status = c.has_data ? "ok" : "no data";
    row("config", c.name, "pooled", c.simulated, status, c.pooled,
        c.boot.lo[i(Stat::output_throughput)], c.boot.hi[i(Stat::output_throughput)],
        c.boot.lo[i(Stat::ttft_p95)], c.boot.hi[i(Stat::ttft_p95)], c.boot.lo[i(Stat::e2e_p99)],
        c.boot.hi[i(Stat::e2e_p99)], c.vram_peak_mib, c.headroom_mib, c.mean_power_w,
        c.energy_per_output_token_j, c.kv_usage_max, c.preemptions, c.cost_per_mtok,
        c.cost_reason.empty() ? c.cost_basis : "n/a: " + c.cost_reason, nullptr);
  }
  for (const auto& r : s.runs)
    row("run", r.config, std::to_string(r.trial), r.simulated, r.status, r.all, NAN, NAN, NAN, NAN,
        NAN, NAN, r.gpu.vram_peak_mib, r.gpu.headroom_mib, r.gpu.mean_power_w,
        r.energy_per_output_token_j, r.engine.kv_usage_max,
        r.engine.preemptions ? *r.engine.preemptions : NAN, r.cost_per_mtok,
        r.price.priced() ? r.price.basis : "n/a: " + r.price.reason, &r.e2e_coverage);
  return out;
}

}  // namespace l4lab::report
