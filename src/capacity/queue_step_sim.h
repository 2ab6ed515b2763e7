// Test support: one capacity step against serve-sim's queue engine
// (sim/queue_engine.h) in model time, with no HTTP and no wall clock, so the
// known-answer tests can run many long seeded searches in seconds. The same
// engine object serves HTTP in `l4lab serve-sim` (mode: queue).
#pragma once

#include <cstdint>
#include <vector>

#include "capacity/saturation.h"
#include "capacity/step_verdict.h"
#include "sim/queue_engine_timing.h"

namespace l4lab::capacity {

struct QueueStepOptions {
  sim::QueueTiming timing;
  int output_tokens = 4;
  double rate = 1;
  double duration_s = 60;
  double warmup_s = 10;
  uint64_t seed = 1;
  bool stop_on_saturation = true;
};

struct QueueStep {
  StepData data;
  std::vector<double> block_means;  // after the warm-up
  Saturation saturation;
  double ended_s = 0;  // when the step ended (early when saturated)
};

QueueStep simulate_queue_step(const QueueStepOptions& o);

}  // namespace l4lab::capacity
