// The send schedule, generated (seeded) before the run and written to
// schedule.jsonl, so a run's arrival process can be audited and replayed.
// The schedule knows nothing about HTTP; the client only follows it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace l4lab::schedule {

enum class ArrivalKind { closed, constant, poisson, gamma, replay };

std::string_view arrival_name(ArrivalKind k);
std::optional<ArrivalKind> parse_arrival(std::string_view s);

struct ScheduleEntry {
  size_t request = 0;  // index into the workload
  std::string id;      // the workload request id
  // Offset from the run start at which to send. Closed loop: nullopt (a
  // request goes when a concurrency slot frees; the trace records when).
  std::optional<int64_t> t_offset_ns;
};

struct ScheduleOptions {
  ArrivalKind kind = ArrivalKind::closed;
  int concurrency = 1;      // closed loop
  double rate = 0;          // requests/s, open loop
  double burstiness = 1.0;  // gamma shape; 1.0 = Poisson
  uint64_t seed = 0;
  bool shuffle = true;  // seeded permutation of the workload order
  size_t limit = 0;     // 0 = every request
};

struct Schedule {
  ScheduleOptions options;
  std::vector<ScheduleEntry> entries;
};

// Generates a closed/constant/poisson/gamma schedule over `ids` (the
// workload's request ids, in file order). Errors on bad parameters.
Result<Schedule> generate_schedule(const std::vector<std::string>& ids, const ScheduleOptions& o);

}  // namespace l4lab::schedule
