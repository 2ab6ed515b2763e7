#include "capacity/capacity_step.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "capacity/step_verdict.h"

namespace l4lab::capacity {

namespace fs = std::filesystem;

Status check_search_options(const CapacityOptions& o) {
  if (!(o.step_s > 0)) return Error("--step-s must be > 0");
  if (!(o.warmup_s >= 0)) return Error("--warmup-s must be >= 0");
  if (!(o.search.start_rate > 0)) return Error("--start-rate must be > 0");
  if (!(o.search.factor > 1)) return Error("--factor must be > 1");
  if (!(o.search.resolution > 0)) return Error("--resolution must be > 0");
  return Status::Ok();
}

Result<StepPlan> plan_step(const CapacityOptions& o, int index, double rate,
                           size_t workload_requests) {
  StepPlan p;
  p.index = index;
  p.rate = rate;
  p.requests = size_t(std::ceil(rate * (o.warmup_s + o.step_s)));
  if (p.requests > workload_requests)
    return Error(fmt::format(
        "{} has {} requests; step {} at {:.3f} req/s for {:.0f} s ({:.0f} s warm-up + "
        "{:.0f} s) needs {}: build a larger workload (l4lab workload build) or shorten --step-s",
        o.workload, workload_requests, index, rate, o.warmup_s + o.step_s, o.warmup_s, o.step_s,
        p.requests));
  p.seed = o.seed * 1000 + uint64_t(index);
  p.name = fmt::format("step-{:02d}-rate-{:.3f}", index, rate);
  p.rel = p.name + "/trial-1";
  p.dir = (fs::path(o.out_dir) / p.rel).string();
  p.log = (fs::path(o.out_dir) / p.name / "bench.log").string();
  p.bench_argv = {o.l4lab_exe,       "bench",
                  "--endpoint",      o.url,
                  "--workload",      o.workload,
                  "--out",           p.dir,
                  "--rate",          fmt::format("{}", rate),
                  "--arrival",       "poisson",
                  "--seed",          std::to_string(p.seed),
                  "--limit",         std::to_string(p.requests),
                  "--warmup-s",      fmt::format("{}", o.warmup_s),
                  "--endpoint-type", o.endpoint_type,
                  "--quiet"};
  if (!o.model.empty()) p.bench_argv.insert(p.bench_argv.end(), {"--model", o.model});
  if (o.ignore_eos) p.bench_argv.push_back("--ignore-eos");
  return p;
}

namespace {

// The whole step, judged as the online watch would have at its end.
Saturation whole_step_saturation(const std::vector<traces::TraceRecord>& traces, double rate,
                                 double warmup_s) {
  std::vector<int64_t> sched, ended;
  int64_t t_last = 0;
  for (const auto& r : traces) {
    if (r.t_scheduled_ns) sched.push_back(*r.t_scheduled_ns);
    if (r.t_end_ns) ended.push_back(*r.t_end_ns), t_last = std::max(t_last, *r.t_end_ns);
  }
  if (sched.empty()) return {};
  const int64_t t0 = *std::min_element(sched.begin(), sched.end());
  const auto means = in_flight_block_means(sched, ended, t0 + int64_t(warmup_s * 1e9),
                                           int64_t(saturation_block_s(rate) * 1e9), t_last);
  Saturation s = detect_saturation(means, rate * saturation_block_s(rate));
  if (!s.saturated) return s;
  const auto trend = trend_confirms(means);
  if (!trend) return {};  // a swing, not growth: the step as a whole did not trend
  s.why += *trend;
  return s;
}

}  // namespace

StepRecord judge_step_record(const CapacityOptions& o, const SloSet& slos, const StepPlan& plan,
                             const StepEnd& end, const std::vector<traces::TraceRecord>& traces) {
  StepRecord rec;
  rec.index = plan.index;
  rec.dir = plan.rel;
  rec.rate = plan.rate;
  rec.ended_early = end.ended_early;
  rec.wall_s = end.wall_s;
  rec.bench_status = end.bench_status;
  rec.bench_exit = end.bench_exit;
  rec.saturation =
      end.ended_early ? end.online : whole_step_saturation(traces, plan.rate, o.warmup_s);
  const StepData data = step_data_from_traces(traces, plan.rate);
  rec.verdict =
      judge_step(data, slos, rec.saturation.saturated, 1 - 0.025 / std::max(1, o.search.max_steps));
  if (end.overran && !rec.saturation.saturated) {
    rec.verdict.pass = false;
    rec.verdict.evidence = Evidence::undecided;
    rec.verdict.reason = "the step overran its time limit and was stopped";
  }
  // A step whose load was not offered says nothing about the server: it is
  // kept (its folder, its line) but counts neither for the search nor for
  // the estimate.
  rec.counted = rec.verdict.load.offered || rec.saturation.saturated;
  return rec;
}

}  // namespace l4lab::capacity
