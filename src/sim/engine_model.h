// The simulated engine's timing model, free of any I/O: requests go in, token
// emissions come out at model times. Two implementations:
//   ExactEngine  - fixed TTFT and inter-token gap per request (client known-answer tests);
//   BatchEngine  - vLLM-V1-like continuous batching over a KV cache (docs/SERVE_SIM.md).
// Times are model nanoseconds. Two clocks drive one model (engine_driver.h):
// the HTTP serve-sim maps model time to the monotonic clock (divided by
// --time-scale) and the virtual-time run (virtual_run.h) jumps from event to
// event. A model's timeline depends only on the submit/abort times it is
// given, never on when advance() is called, as long as every submit/abort at
// time t comes after advance(t): that is what makes the two clocks agree.
// Tests drive advance() with a fake clock.
#pragma once

#include <cstdint>
#include <limits>
#include <memory>
#include <vector>

#include "sim/sim_profile.h"

namespace l4lab::sim {

inline constexpr int64_t kNever = std::numeric_limits<int64_t>::max();

struct EngineRequest {
  uint64_t id = 0;
  int prompt_tokens = 0;
  int output_tokens = 0;  // how many tokens it will generate (>= 1)
  uint64_t seed = 0;
};

struct TokenEmit {
  uint64_t id = 0;
  int n_tokens = 0;  // tokens sampled in this engine step for this request
  bool finished = false;
  int64_t t_ns = 0;                 // model time of the emission
  int64_t first_scheduled_ns = -1;  // when the request first got compute
};

struct EngineStats {
  int running = 0;
  int waiting = 0;
  double kv_usage = 0;  // 0-1
  long kv_capacity_tokens = 0;
  uint64_t preemptions = 0;
  uint64_t spec_drafts = 0;
  uint64_t spec_draft_tokens = 0;
  uint64_t spec_accepted_tokens = 0;
  uint64_t steps = 0;
};

class EngineModel {
 public:
  virtual ~EngineModel() = default;
  virtual void submit(const EngineRequest& r, int64_t now_ns) = 0;
  // A request the client gave up on at now_ns; unknown ids are ignored.
  virtual void abort(uint64_t id, int64_t now_ns) = 0;
  // Runs the model up to now_ns, appending every emission due by then.
  virtual void advance(int64_t now_ns, std::vector<TokenEmit>& out) = 0;
  // Model time of the next emission or step boundary; kNever when idle.
  virtual int64_t next_event_ns() const = 0;
  virtual EngineStats stats() const = 0;
  // True when requests share one timeline (a batch): then a submit must not
  // land before events the model already processed (engine_driver.h).
  // ExactEngine's requests never interact, so their arrivals stay as stamped.
  virtual bool shared_timeline() const { return true; }
};

std::unique_ptr<EngineModel> make_engine(const SimProfile& p, const DerivedCosts& d);

}  // namespace l4lab::sim
