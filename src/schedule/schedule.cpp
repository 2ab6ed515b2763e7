#include "schedule/schedule.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "common/random.h"

namespace l4lab::schedule {

std::string_view arrival_name(ArrivalKind k) {
  switch (k) {
    case ArrivalKind::closed:
      return "closed";
    case ArrivalKind::constant:
      return "constant";
    case ArrivalKind::poisson:
      return "poisson";
    case ArrivalKind::gamma:
      return "gamma";
    case ArrivalKind::replay:
      return "replay";
  }
  return "closed";
}

std::optional<ArrivalKind> parse_arrival(std::string_view s) {
  for (auto k : {ArrivalKind::closed, ArrivalKind::constant, ArrivalKind::poisson,
                 ArrivalKind::gamma, ArrivalKind::replay})
    if (arrival_name(k) == s) return k;
  return std::nullopt;
}

Result<Schedule> generate_schedule(const std::vector<std::string>& ids, const ScheduleOptions& o) {
  if (o.kind == ArrivalKind::replay)
    return Error("schedule: replay schedules are read from a file");
  if (o.kind == ArrivalKind::closed && o.concurrency < 1)
    return Error(fmt::format("schedule: concurrency must be >= 1, got {}", o.concurrency));
  if (o.kind != ArrivalKind::closed && !(o.rate > 0))
    return Error(fmt::format("schedule: rate must be > 0 requests/s, got {}", o.rate));
  if (o.kind == ArrivalKind::gamma && !(o.burstiness > 0))
    return Error(fmt::format("schedule: burstiness must be > 0, got {}", o.burstiness));

  // One generator, seeded once: the permutation first, then the gaps, so a
  // given (seed, options) yields the same schedule everywhere (the lab's own
  // stream and distributions, docs/RANDOM.md; schedule_golden_test pins it).
  Rng rng(o.seed);
  std::vector<size_t> order(ids.size());
  std::iota(order.begin(), order.end(), 0);
  if (o.shuffle) rng.shuffle(order.begin(), order.end());
  if (o.limit > 0 && o.limit < order.size()) order.resize(o.limit);

  Schedule s;
  s.options = o;
  s.entries.reserve(order.size());
  // Open loop: the first request at offset 0, then gaps. Poisson gaps are
  // exponential with mean 1/rate (inverse CDF); gamma gaps have shape
  // k = burstiness and scale 1/(rate*k) (mean 1/rate, CV 1/sqrt(k)), as
  // vLLM's --burstiness. Offsets accumulate in double seconds and round
  // once, so no drift.
  const double k = o.burstiness;
  auto gap = [&] {
    return o.kind == ArrivalKind::poisson ? rng.exponential(o.rate)
                                          : rng.gamma(k, 1.0 / (o.rate * k));
  };
  double t = 0;
  for (size_t i = 0; i < order.size(); ++i) {
    ScheduleEntry e{order[i], ids[order[i]], std::nullopt};
    switch (o.kind) {
      case ArrivalKind::closed:
        break;
      case ArrivalKind::constant:
        e.t_offset_ns = int64_t(std::llround(double(i) / o.rate * 1e9));
        break;
      default:
        if (i > 0) t += gap();
        e.t_offset_ns = int64_t(std::llround(t * 1e9));
    }
    s.entries.push_back(std::move(e));
  }
  return s;
}

}  // namespace l4lab::schedule
