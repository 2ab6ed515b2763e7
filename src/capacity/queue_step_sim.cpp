#include "capacity/queue_step_sim.h"

#include <cmath>
#include <unordered_map>

#include "common/random.h"
#include "sim/queue_engine.h"

namespace l4lab::capacity {

QueueStep simulate_queue_step(const QueueStepOptions& o) {
  constexpr double kNs = 1e9;
  sim::QueueEngine engine(o.timing);
  Rng rng(mix_seed(o.seed, "capacity-known-answer-arrivals"));
  std::vector<int64_t> arrivals;
  for (double t = rng.exponential(o.rate); t < o.duration_s; t += rng.exponential(o.rate))
    arrivals.push_back(int64_t(std::llround(t * kNs)));
  std::unordered_map<uint64_t, int64_t> first_token, ended;
  std::vector<sim::TokenEmit> out;
  auto drain = [&](int64_t until) {
    while (engine.next_event_ns() <= until) {
      out.clear();
      engine.advance(engine.next_event_ns(), out);
      for (const auto& e : out) {
        first_token.try_emplace(e.id, e.t_ns);
        if (e.finished) ended[e.id] = e.t_ns;
      }
    }
  };
  const uint64_t req_seed = mix_seed(o.seed, "capacity-known-answer-requests");
  for (size_t i = 0; i < arrivals.size(); ++i) {
    drain(arrivals[i]);
    engine.submit({i, 10, o.output_tokens, req_seed}, arrivals[i]);
  }
  drain(sim::kNever - 1);

  QueueStep s;
  const int64_t warm_ns = int64_t(o.warmup_s * kNs);
  const int64_t block_ns = int64_t(saturation_block_s(o.rate) * kNs);
  // The in-flight series after the warm-up, as the executor sees it online.
  std::vector<int64_t> sched, ends;
  for (size_t i = 0; i < arrivals.size(); ++i) {
    sched.push_back(arrivals[i]);
    ends.push_back(ended.at(i));
  }
  s.block_means =
      in_flight_block_means(sched, ends, warm_ns, block_ns, int64_t(o.duration_s * kNs));
  s.saturation = detect_saturation(s.block_means, o.rate * saturation_block_s(o.rate));
  int64_t stop_ns = int64_t(o.duration_s * kNs);
  if (o.stop_on_saturation && s.saturation.saturated)
    stop_ns = warm_ns + int64_t(s.saturation.block + 1) * block_ns;
  s.ended_s = double(stop_ns) / kNs;

  s.data.asked_rate = o.rate;
  for (size_t i = 0; i < arrivals.size(); ++i) {
    if (arrivals[i] < warm_ns || arrivals[i] >= stop_ns) continue;
    if (ended.at(i) > stop_ns) {
      ++s.data.cut_by_stop;
      continue;
    }
    RequestOutcome r;
    r.ok = true;
    r.t_scheduled_ns = r.t_sent_ns = arrivals[i];
    r.ttft_ms = double(first_token.at(i) - arrivals[i]) / 1e6;
    r.e2e_ms = double(ended.at(i) - arrivals[i]) / 1e6;
    r.tpot_ms = o.output_tokens > 1 ? (r.e2e_ms - r.ttft_ms) / (o.output_tokens - 1) : 0;
    s.data.measured.push_back(r);
  }
  return s;
}

}  // namespace l4lab::capacity
