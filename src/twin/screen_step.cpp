#include "twin/screen_step.h"

#include <fmt/format.h>

#include "twin/predicted_trace.h"

namespace l4lab::twin {

Result<schedule::Schedule> screen_schedule(const std::vector<std::string>& ids, double rate,
                                           uint64_t seed, size_t n) {
  if (ids.empty()) return Error("capacity screen: the workload has no requests");
  schedule::ScheduleOptions so;
  so.kind = schedule::ArrivalKind::poisson;
  so.rate = rate;
  so.seed = seed;
  so.limit = n;
  if (n <= ids.size()) return schedule::generate_schedule(ids, so);
  std::vector<std::string> repeated;
  repeated.reserve((n / ids.size() + 1) * ids.size());
  while (repeated.size() < n) repeated.insert(repeated.end(), ids.begin(), ids.end());
  return schedule::generate_schedule(repeated, so);
}

std::vector<sim::VirtualRequest> screen_requests(
    const schedule::Schedule& s, const std::vector<workload::WorkloadRequest>& workload,
    uint64_t seed) {
  std::vector<sim::VirtualRequest> out;
  out.reserve(s.entries.size());
  for (const auto& e : s.entries) {
    const auto& w = workload[e.request % workload.size()];
    out.push_back(
        {w.request_prompt_tokens, std::max(1, w.max_new_tokens), seed, e.t_offset_ns.value_or(0)});
  }
  return out;
}

Result<std::vector<traces::TraceRecord>> run_screen_step(
    const sim::SimProfile& profile, const std::vector<workload::WorkloadRequest>& workload,
    const ScreenStep& step) {
  std::vector<std::string> ids;
  ids.reserve(workload.size());
  for (const auto& w : workload) ids.push_back(w.id);
  auto sched = screen_schedule(ids, step.rate, step.seed, step.requests);
  if (!sched) return sched.error();
  const auto requests = screen_requests(*sched, workload, step.seed);
  for (size_t i = 0; i < requests.size(); ++i)
    if (requests[i].prompt_tokens + requests[i].output_tokens > profile.engine.max_model_len)
      return Error(fmt::format(
          "workload request '{}' ({} prompt + {} output tokens) exceeds the configuration's "
          "max_model_len {}",
          workload[sched->entries[i].request % workload.size()].id, requests[i].prompt_tokens,
          requests[i].output_tokens, profile.engine.max_model_len));
  auto run = sim::run_virtual(profile, requests, {0, true, 0});
  if (!run) {
    return Error(fmt::format("the engine model refused the step ({})", run.error().message()));
  }
  const int64_t warm_ns = int64_t(step.warmup_s * 1e9);
  std::vector<traces::TraceRecord> traces;
  traces.reserve(requests.size());
  for (size_t i = 0; i < requests.size(); ++i) {
    const auto& w = workload[sched->entries[i].request % workload.size()];
    traces.push_back(predicted_trace(run->requests[i], w, requests[i].arrival_ns >= warm_ns));
  }
  return traces;
}

}  // namespace l4lab::twin
