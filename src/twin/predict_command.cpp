// `l4lab predict PLAN --profile P --out DIR`: runs each configuration of a
// plan on serve-sim's engine model in virtual time (virtual_run.h) with a
// calibrated profile, and writes ordinary run folders labelled PREDICTED
// (run_manifest.json `predicted: true`, traces.jsonl from the model's
// emission times, bench.json), so `l4lab report DIR` reads them like any
// runs and shows the PREDICTED banner. The profile's validation error goes
// into every manifest and beside every figure of DIR/predicted.md.
#include "twin/predict_command.h"

#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>
#include <unordered_map>

#include "common/files.h"
#include "common/version.h"
#include "engine/engine_config.h"
#include "matrix/plan.h"
#include "schedule/schedule.h"
#include "sim/virtual_run.h"
#include "traces/trace_writer.h"
#include "twin/engine_flags.h"
#include "twin/load_comparison.h"
#include "twin/predict_setup.h"
#include "twin/predicted_trace.h"
#include "twin/profile_transfer.h"
#include "workload/workload_io.h"

namespace l4lab::twin {
namespace {

namespace fs = std::filesystem;

// The order of a recorded schedule.jsonl ({"i":..,"id":..,"t_offset_ns":..}),
// closed loop or not: its ids resolved against the workload.
Result<schedule::Schedule> recorded_order(const std::string& path,
                                          const std::vector<std::string>& ids) {
  auto text = read_file(path);
  if (!text) return text.error();
  std::unordered_map<std::string, size_t> index;
  for (size_t i = 0; i < ids.size(); ++i) index[ids[i]] = i;
  schedule::Schedule s;
  size_t line_no = 0, pos = 0;
  while (pos < text->size()) {
    size_t end = text->find('\n', pos);
    if (end == std::string::npos) end = text->size();
    const std::string line = text->substr(pos, end - pos);
    pos = end + 1;
    ++line_no;
    if (line.empty()) continue;
    std::string id;
    try {
      id = nlohmann::json::parse(line).at("id").get<std::string>();
    } catch (const std::exception& e) {
      return Error(fmt::format("{}:{}: {}", path, line_no, e.what()));
    }
    auto it = index.find(id);
    if (it == index.end())
      return Error(fmt::format("{}:{}: request '{}' is not in the workload", path, line_no, id));
    s.entries.push_back({it->second, id, std::nullopt});
  }
  return s;
}

// The requests in the order the bench would send them, and which are measured.
struct PredictRequests {
  schedule::Schedule schedule;
  std::vector<sim::VirtualRequest> requests;
  std::vector<bool> measured;  // false: a warm-up request
};

// A recorded schedule.jsonl gives a measured run's own order (closed loop:
// the order is all a schedule holds); otherwise the bench's seeded order.
Result<PredictRequests> plan_requests(const PredictOptions& a, const PredictInputs& in) {
  std::vector<std::string> ids;
  for (const auto& r : in.workload) ids.push_back(r.id);
  schedule::ScheduleOptions so;
  so.kind = schedule::ArrivalKind::closed;
  so.concurrency = in.bench.concurrency;
  so.seed = in.bench.seed;
  so.limit = size_t(std::max(0, a.limit));
  auto sched =
      a.schedule.empty() ? schedule::generate_schedule(ids, so) : recorded_order(a.schedule, ids);
  if (!sched) return sched.error();
  if (a.limit > 0 && size_t(a.limit) < sched->entries.size())
    sched->entries.resize(size_t(a.limit));
  PredictRequests out{std::move(*sched), {}, {}};
  for (size_t i = 0; i < out.schedule.entries.size(); ++i) {
    const auto& w = in.workload[out.schedule.entries[i].request];
    out.requests.push_back(
        {w.request_prompt_tokens, std::max(1, w.max_new_tokens), uint64_t(i), 0});
    out.measured.push_back(int(i) >= in.bench.warmup_requests);
  }
  return out;
}

std::string predicted_md_header(const PredictOptions& a, const PredictInputs& in, size_t requests) {
  const auto& base = in.base;
  const auto& bm = in.bench;
  return fmt::format(
      "# PREDICTED: {} on {} (profile {})\n\n"
      "Every figure below is PREDICTED by serve-sim's engine model in virtual time with the "
      "calibrated profile `{}` (sha256 {}), never measured. Beside each figure: the profile's "
      "validation error for that metric on held-out runs of the same configuration (error "
      "unknown where none was held out; {}).\n\n"
      "Workload `{}` ({} requests, output = max_new_tokens{}), order {}, closed loop at "
      "concurrency {} with "
      "the calibrated client gap {:.2f} ms, {} warm-up requests.\n\n"
      "| config | TTFT p50 ms | TTFT p95 ms | TPOT p50 ms | TPOT p95 ms | E2E p50 ms | E2E p95 ms "
      "| "
      "E2E p99 ms | output tok/s | KV usage mean | preemptions | not modelled / not validated |\n"
      "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n",
      in.plan.name, base.hardware.name, base.name, a.profile, in.profile_sha,
      base.calibration.validation_note.empty() ? "none recorded" : base.calibration.validation_note,
      in.wl_path, requests, bm.ignore_eos ? ", as --ignore-eos" : ": no EOS is modelled",
      a.schedule.empty() ? fmt::format("of the bench's seed {}", bm.seed) : "of " + a.schedule,
      bm.concurrency, base.calibration.client_gap_ms, bm.warmup_requests);
}

// One configuration as the model saw it.
struct ConfigPrediction {
  std::string cfg_path;
  engine::EngineConfig cfg;
  std::vector<std::string> unmodelled;  // flags the model ignores
  std::vector<std::string> unvalidated;
  nlohmann::json errors = nlohmann::json::object();  // validation error per metric
  const sim::CalibrationInfo::Errors* error_list = nullptr;
  LoadMetrics metrics;
};

nlohmann::json predicted_manifest(const PredictOptions& a, const PredictInputs& in,
                                  const ConfigPrediction& c, size_t requests) {
  return {{"schema", "l4lab.run_manifest/1"},
          {"config",
           {{"name", c.cfg.name},
            {"file", c.cfg_path},
            {"sha256", c.cfg.sha256},
            {"intent", c.cfg.intent},
            {"factor", c.cfg.factor},
            {"baseline", c.cfg.baseline}}},
          {"trial", 1},
          {"simulated", true},
          {"predicted", true},
          {"prediction",
           {{"profile", a.profile},
            {"profile_sha256", in.profile_sha},
            {"profile_name", in.base.name},
            {"validation_note", in.base.calibration.validation_note},
            {"validation_relative_error", c.errors},
            {"unvalidated", c.unvalidated},
            {"transfer_assumptions", in.assumptions},
            {"unmodelled_flags", c.unmodelled},
            {"engine_args", c.cfg.engine.args},
            {"tool",
             fmt::format("l4lab {} ({}) predict, virtual time", lab_version(), lab_git_sha())}}},
          {"engine", {{"name", "serve-sim (virtual time, PREDICTED)"}}},
          {"model", "serve-sim/" + in.base.name},
          {"workload", {{"path", in.wl_path}, {"sha256", in.wl_sha}, {"count", requests}}},
          {"outcome", {{"status", "ok"}}},
          {"gpu", nullptr},
          {"gpu_reason", "PREDICTED: no GPU ran; the engine model ran in virtual time"}};
}

// DIR/<config>/trial-1/: traces.jsonl, run_manifest.json and bench.json.
Status write_trial(const std::string& dir, const PredictOptions& a, const PredictInputs& in,
                   const PredictRequests& rq, const ConfigPrediction& c,
                   const sim::VirtualRunResult& v) {
  traces::TraceWriter tw;
  L4_TRY_STATUS(tw.open(dir + "/traces.jsonl", false));
  for (size_t i = 0; i < v.requests.size(); ++i)
    L4_TRY_STATUS(tw.write(predicted_trace(
        v.requests[i], in.workload[rq.schedule.entries[i].request], rq.measured[i])));
  tw.close();
  const size_t n = rq.requests.size();
  L4_TRY_STATUS(
      write_file(dir + "/run_manifest.json", predicted_manifest(a, in, c, n).dump(2) + "\n"));
  const nlohmann::json bench = {{"schema", "l4lab.bench/1"},
                                {"schedule",
                                 {{"kind", "closed"},
                                  {"concurrency", in.bench.concurrency},
                                  {"seed", in.bench.seed},
                                  {"count", n}}},
                                {"model", "serve-sim/" + in.base.name},
                                {"predicted", true}};
  L4_TRY_STATUS(write_file(dir + "/bench.json", bench.dump(2) + "\n"));
  return Status::Ok();
}

std::string md_row(const ConfigPrediction& c) {
  const auto& m = c.metrics;
  auto fig = [&](double x, const char* metric, const char* f) {
    return fmt::format("{} ({})", fmt::format(fmt::runtime(f), x), err_label(c.error_list, metric));
  };
  const std::string not_modelled = fmt::format("{}", fmt::join(c.unmodelled, " "));
  return fmt::format(
      "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {:.0f} | {} |\n", c.cfg.name,
      fig(m.ttft_p50, "ttft_p50_ms", "{:.1f}"), fig(m.ttft_p95, "ttft_p95_ms", "{:.1f}"),
      fig(m.tpot_p50, "tpot_p50_ms", "{:.2f}"), fig(m.tpot_p95, "tpot_p95_ms", "{:.2f}"),
      fig(m.e2e_p50, "e2e_p50_ms", "{:.0f}"), fig(m.e2e_p95, "e2e_p95_ms", "{:.0f}"),
      fig(m.e2e_p99, "e2e_p99_ms", "{:.0f}"), fig(m.output_tok_s, "output_tok_s", "{:.0f}"),
      fig(m.kv_usage_mean, "kv_usage_mean", "{:.4f}"), m.preemptions,
      (not_modelled.empty() ? "" : "flags `" + not_modelled + "`; ") +
          fmt::format("{}", fmt::join(c.unvalidated, "; ")));
}

nlohmann::json summary_row(const ConfigPrediction& c) {
  const auto& m = c.metrics;
  return {{"config", c.cfg.name},
          {"predicted", true},
          {"ttft_p50_ms", m.ttft_p50},
          {"ttft_p95_ms", m.ttft_p95},
          {"tpot_p50_ms", m.tpot_p50},
          {"tpot_p95_ms", m.tpot_p95},
          {"e2e_p50_ms", m.e2e_p50},
          {"e2e_p95_ms", m.e2e_p95},
          {"e2e_p99_ms", m.e2e_p99},
          {"output_tok_s", m.output_tok_s},
          {"kv_usage_mean", m.kv_usage_mean},
          {"preemptions", m.preemptions},
          {"unmodelled_flags", c.unmodelled},
          {"unvalidated", c.unvalidated},
          {"validation_relative_error", c.errors}};
}

// One configuration of the plan: run on the model, its trial folder written,
// its row added to predicted.md and predicted.json (a configuration the
// model refuses gets a row saying why).
Status predict_config(const std::string& cfg_path_raw, const PredictOptions& a,
                      const PredictInputs& in, const PredictRequests& rq, std::string& md,
                      nlohmann::json& summary) {
  auto model = config_model(cfg_path_raw, in);
  if (!model) return model.error();
  ConfigPrediction c;
  c.cfg_path = model->cfg_path;
  c.cfg = model->cfg;
  c.unmodelled = model->unmodelled;
  c.unvalidated = model->unvalidated;
  c.error_list = model->error_list;
  const sim::SimProfile& p = model->profile;
  const int64_t gap_ns = int64_t(std::llround(in.base.calibration.client_gap_ms * 1e6));
  auto v = sim::run_virtual(p, rq.requests, {in.bench.concurrency, false, gap_ns});
  if (!v) {
    md += fmt::format("| {} | refused: {} |\n", c.cfg.name, v.error().message());
    return Status::Ok();
  }
  c.metrics = predicted_load_metrics(*v, rq.measured);
  if (c.error_list)
    for (const auto& [k, e] : *c.error_list) c.errors[k] = e;
  const std::string dir = (fs::path(a.out) / c.cfg.name / "trial-1").string();
  std::error_code ec;
  fs::create_directories(dir, ec);
  L4_TRY_STATUS(write_trial(dir, a, in, rq, c, *v));
  md += md_row(c);
  summary.push_back(summary_row(c));
  return Status::Ok();
}

}  // namespace

int run_predict(const PredictOptions& a) {
  const auto t0 = std::chrono::steady_clock::now();
  auto fail = [](const Error& e) {
    std::cerr << "predict: " << e.message() << "\n";
    return 2;
  };
  auto in = load_inputs(a);
  if (!in) return fail(in.error());
  auto rq = plan_requests(a, *in);
  if (!rq) return fail(rq.error());
  std::error_code ec;
  fs::create_directories(a.out, ec);
  std::string md = predicted_md_header(a, *in, rq->requests.size());
  nlohmann::json summary = nlohmann::json::array();
  for (const auto& cfg_path : in->plan.configs)
    if (auto st = predict_config(cfg_path, a, *in, *rq, md, summary); !st.ok())
      return fail(st.error());
  if (!in->assumptions.empty()) {
    md += fmt::format(
        "\n**Transferred** to {} by published figures, not validated there. Assumptions:\n\n",
        in->base.hardware.name);
    for (const auto& x : in->assumptions) md += "- " + x + "\n";
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  md += fmt::format(
      "\nPREDICTED in {:.2f} s of wall time (virtual time: no GPU, no sockets, no waiting).\n",
      secs);
  if (auto st = write_file(a.out + "/predicted.md", md); !st.ok()) return fail(st.error());
  if (auto st = write_file(a.out + "/predicted.json", summary.dump(2) + "\n"); !st.ok())
    return fail(st.error());
  std::cout << md;
  std::cout << fmt::format("predict: wrote {} configuration folder(s) under {} in {:.2f} s\n",
                           summary.size(), a.out, secs);
  return 0;
}

}  // namespace l4lab::twin
