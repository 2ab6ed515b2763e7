#include "capacity/model_time_search.h"

#include <fmt/format.h>

#include <algorithm>
#include <limits>

namespace l4lab::capacity {

ModelSearch search_in_model_time(const CapacityOptions& o, const SloSet& slos,
                                 const ModelStepRunner& run) {
  ModelSearch out;
  RateSearch rs(o.search);
  std::vector<StepSummary> summaries;
  while (auto rate = rs.next_rate()) {
    const int index = int(out.steps.size()) + 1;
    auto plan = plan_step(o, index, *rate, std::numeric_limits<size_t>::max());
    if (!plan) {
      out.stop_reason = plan.error().message();
      out.failed = true;
      break;
    }
    auto traces = run(*plan);
    if (!traces) {
      out.stop_reason =
          fmt::format("step {} at {:.3f} req/s: {}", index, *rate, traces.error().message());
      out.failed = true;
      break;
    }
    out.most_requests = std::max(out.most_requests, plan->requests);
    // No online watch in model time: the step is judged whole, and
    // judge_step_record runs the executor's saturation check over it.
    const StepEnd end{{}, false, false, 0, 0, "ok"};
    StepRecord rec = judge_step_record(o, slos, *plan, end, *traces);
    rec.dir.clear();
    out.steps.push_back(rec);
    // A model sends on time, so this is a step too short to judge (the
    // real search would run it again, get the same, and stop).
    if (!rec.counted) {
      out.stop_reason = fmt::format("step {} at {:.4g} req/s could not be judged ({})", index,
                                    rec.rate, rec.verdict.load.why);
      out.failed = true;
      break;
    }
    summaries.push_back(
        {rec.rate, rec.verdict.pass, rec.verdict.evidence, rec.saturation.saturated});
    rs.record(rec.rate, rec.verdict.pass, rec.verdict.evidence);
  }
  if (!out.failed) out.stop_reason = rs.stop_reason();
  out.estimate = estimate_capacity(summaries);
  return out;
}

}  // namespace l4lab::capacity
