// The queue mode's four numbers (sim/queue_engine.h), apart so the profile
// can hold them without including the engine.
#pragma once

namespace l4lab::sim {

struct QueueTiming {
  int slots = 8;                 // servers
  double service_mean_ms = 400;  // mean of the exponential slot hold time
  double ttft_ms = 20;           // first token after admission to a slot
  double itl_ms = 5;             // between tokens
};

}  // namespace l4lab::sim
