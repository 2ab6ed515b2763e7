// Where and how the client runs on a shared host: `--cpus LIST` pins the
// process (sched_setaffinity) and `--realtime` asks for SCHED_FIFO at a
// modest priority. Both exist because the client's stamps are only as
// timely as its event loop (docs/METRICS.md#timing-quality); what was
// actually applied goes into bench.json, since a refused request must not
// read as a granted one.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace l4lab::client {

// "0,2-3" -> {0, 2, 3} (sorted, unique). Errors name the bad part.
Result<std::vector<int>> parse_cpu_list(std::string_view list);
// {0, 2, 3} -> "0,2-3".
std::string format_cpu_list(const std::vector<int>& cpus);

// Pins the calling thread (and so every thread it starts later) to `cpus`.
// Error names the first CPU this process may not use, and those it may.
Status pin_to_cpus(const std::vector<int>& cpus);
// The CPUs the calling thread may run on now.
std::vector<int> current_cpus();

// SCHED_FIFO priority asked for: above every SCHED_OTHER task, far below
// the kernel's own real-time threads (interrupt threads run at 50).
inline constexpr int kRealtimePriority = 10;

struct RealtimeResult {
  bool applied = false;
  std::string policy;  // the policy in force afterwards: SCHED_FIFO | SCHED_OTHER | ...
  int priority = 0;
  std::string error;  // why it was refused, "" when applied
};
RealtimeResult request_realtime(int priority = kRealtimePriority);
// The calling thread's policy now, e.g. "SCHED_OTHER".
std::string current_policy_name();

}  // namespace l4lab::client
