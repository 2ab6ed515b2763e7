// A discrete-event, virtual-time run of serve-sim's engine model: no sockets,
// no sleeping; model time jumps from one event (arrival, step end, metrics
// scrape) to the next. It drives the same EngineDriver as the HTTP server
// (engine_driver.h), so for the same arrivals it gives the same per-request
// timings. The client is a model of `l4lab bench`: closed loop at a fixed
// concurrency (each of N slots sends its next request when its previous one
// ends), or open loop at given arrival times. Pure: inputs in, timelines out.
#pragma once

#include <cstdint>
#include <vector>

#include "common/result.h"
#include "sim/engine_driver.h"
#include "sim/sim_profile.h"

namespace l4lab::sim {

struct VirtualRequest {
  int prompt_tokens = 0;
  int output_tokens = 1;
  uint64_t seed = 0;
  int64_t arrival_ns = 0;  // open loop only
};

struct VirtualClient {
  int concurrency = 16;       // closed loop; ignored when open_loop
  bool open_loop = false;     // true: each request arrives at its arrival_ns (sorted)
  int64_t client_gap_ns = 0;  // closed loop: from a response's end to the slot's next send
};

// The engine's gauges at one instant, as a /metrics scrape would read them.
struct VirtualScrape {
  int64_t t_ns = 0;
  int running = 0;
  int waiting = 0;
  double kv_usage = 0;
};

struct VirtualRunResult {
  std::vector<RequestTimeline> requests;  // in input order; id = index
  std::vector<VirtualScrape> scrapes;     // every scrape_interval_ns while requests are out
  EngineStats final_stats;
  int64_t end_ns = 0;  // the last emission
};

// Runs every request to completion. Errors: a profile the engine refuses.
Result<VirtualRunResult> run_virtual(const SimProfile& profile,
                                     const std::vector<VirtualRequest>& requests,
                                     const VirtualClient& client,
                                     int64_t scrape_interval_ns = 1'000'000'000);

}  // namespace l4lab::sim
