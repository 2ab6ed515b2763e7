#include "client/bench_plan.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <set>

namespace l4lab::client {

namespace {

std::string out_file(const BenchOptions& o, const char* name) {
  return (std::filesystem::path(o.out_dir) / name).string();
}

// The load as asked: a closed loop unless --rate.
Result<schedule::ScheduleOptions> schedule_options(const BenchOptions& o) {
  schedule::ScheduleOptions so;
  so.seed = o.seed;
  so.shuffle = o.shuffle;
  so.limit = o.limit;
  if (o.rate > 0) {
    auto k = schedule::parse_arrival(o.arrival);
    if (!k || *k == schedule::ArrivalKind::closed || *k == schedule::ArrivalKind::replay)
      return Error("--arrival must be constant, poisson or gamma");
    so.kind = *k;
    so.rate = o.rate;
    so.burstiness = o.burstiness;
  } else {
    so.kind = schedule::ArrivalKind::closed;
    so.concurrency = o.concurrency > 0 ? o.concurrency : 1;
  }
  return so;
}

// A resumed open-loop run replays its own schedule (a closed loop's is
// regenerated, the same for the same seed).
bool reuses_own_schedule(const BenchOptions& o, const BenchFiles& files,
                         const schedule::ScheduleOptions& so) {
  return o.resume && files.schedule_exists && so.kind != schedule::ArrivalKind::closed;
}

// The checks before any schedule is read, in the order they are reported.
Result<schedule::ScheduleOptions> check_out_and_load(const BenchOptions& o,
                                                     const BenchFiles& files) {
  if (!o.resume && files.traces_nonempty)
    return Error(out_file(o, "traces.jsonl") +
                 " already has traces: use --resume or another --out");
  return schedule_options(o);
}

Result<schedule::Schedule> plan_schedule(const BenchOptions& o, const BenchFiles& files,
                                         const schedule::ScheduleOptions& so,
                                         const std::vector<std::string>& ids) {
  const bool reuse = reuses_own_schedule(o, files, so);
  if (o.schedule_file.empty() && !reuse) return schedule::generate_schedule(ids, so);
  if (!files.replay) return Error("internal: the replay schedule was not read");
  schedule::Schedule s = *files.replay;
  if (reuse) s.options = so;
  if (o.limit > 0 && o.limit < s.entries.size()) s.entries.resize(o.limit);
  return s;
}

// Resume: requests already traced are skipped; cancelled ones are redone with
// the next attempt number. The remaining open-loop offsets keep their
// spacing, shifted to start now.
void plan_resume(const std::vector<traces::TraceRecord>& prior, BenchPlan& plan) {
  std::set<std::string> finished;
  for (const auto& r : prior) {
    if (r.failure_class == traces::FailureClass::cancelled)
      plan.next_attempt[r.request_id] = std::max(plan.next_attempt[r.request_id], r.attempt + 1);
    else
      finished.insert(r.request_id);
  }
  std::vector<schedule::ScheduleEntry> left;
  for (const auto& e : plan.to_send.entries) {
    if (finished.count(e.id))
      ++plan.resumed_skipped;
    else
      left.push_back(e);
  }
  if (!left.empty() && left.front().t_offset_ns) {
    const int64_t first = *left.front().t_offset_ns;
    for (auto& e : left) *e.t_offset_ns -= first;
  }
  plan.to_send.entries = std::move(left);
}

// --max-failures: < 0 no budget; < 1 a fraction of what is sent; else a count.
size_t failure_budget(double max_failures, size_t sent) {
  if (max_failures >= 1) return size_t(max_failures);
  if (max_failures >= 0) return size_t(std::floor(max_failures * double(sent)));
  return SIZE_MAX;
}

}  // namespace

Status check_bench_request(const BenchOptions& o,
                           const std::vector<workload::WorkloadRequest>& workload) {
  if (workload.empty()) return Error(o.workload + ": no requests");
  for (size_t i = 0; i < workload.size(); ++i) {
    const auto& w = workload[i];
    if (w.request_prompt_tokens <= 0)
      return Error(fmt::format("{}:{}: request {}: request_prompt_tokens must be > 0", o.workload,
                               i + 1, w.id));
    if (w.max_new_tokens <= 0)
      return Error(
          fmt::format("{}:{}: request {}: max_new_tokens must be > 0", o.workload, i + 1, w.id));
  }
  if (o.concurrency > 0 && o.rate > 0) return Error("--concurrency and --rate exclude each other");
  if (o.ramp_up_s > 0 && (o.rate > 0 || !o.schedule_file.empty()))
    return Error(
        "--ramp-up-s is for the closed loop (--concurrency); an open-loop schedule "
        "already says when each request goes");
  return Status::Ok();
}

Result<std::optional<std::string>> replay_schedule_path(const BenchOptions& o,
                                                        const BenchFiles& files) {
  auto so = check_out_and_load(o, files);
  if (!so) return so.error();
  if (reuses_own_schedule(o, files, *so))
    return std::optional<std::string>(out_file(o, "schedule.jsonl"));
  if (!o.schedule_file.empty()) return std::optional<std::string>(o.schedule_file);
  return std::optional<std::string>();
}

Result<BenchPlan> plan_bench(const BenchOptions& o,
                             const std::vector<workload::WorkloadRequest>& workload,
                             const BenchFiles& files) {
  L4_TRY_STATUS(check_bench_request(o, workload));
  auto so = check_out_and_load(o, files);
  if (!so) return so.error();
  std::vector<std::string> ids;
  for (const auto& w : workload) ids.push_back(w.id);
  auto schedule = plan_schedule(o, files, *so, ids);
  if (!schedule) return schedule.error();
  BenchPlan plan;
  plan.options = *so;
  plan.schedule = std::move(*schedule);
  plan.write_schedule = !o.resume || !files.schedule_exists;
  plan.to_send = plan.schedule;
  if (o.resume && files.prior_traces) plan_resume(*files.prior_traces, plan);
  plan.needs_body.assign(workload.size(), false);
  for (const auto& e : plan.to_send.entries) plan.needs_body[e.request] = true;
  plan.failure_budget = failure_budget(o.max_failures, plan.to_send.entries.size());
  return plan;
}

}  // namespace l4lab::client
