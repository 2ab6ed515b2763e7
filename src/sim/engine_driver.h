// The engine clock shared by serve-sim's two front ends: the HTTP server
// (sim_server.cpp, model time from the monotonic clock) and the virtual-time
// run (virtual_run.h, model time jumps from event to event). It owns the
// engine model and keeps its one rule: every submit or abort at model time t
// is preceded by advance(t), and t never goes backwards (an arrival stamped
// before the model's latest time is moved up to it). Under that rule a
// model's emissions depend only on the (time, request) sequence it is given,
// so both clocks produce the same per-request timeline for the same arrivals
// (engine_clock_equivalence_test.cpp checks it over HTTP).
// Optionally records each request's timeline (arrival, first compute, every
// emission), for the virtual run and for tests. No I/O.
#pragma once

#include <functional>
#include <memory>
#include <unordered_map>
#include <utility>
#include <vector>

#include "sim/engine_model.h"

namespace l4lab::sim {

struct RequestTimeline {
  uint64_t id = 0;
  int prompt_tokens = 0;
  int output_tokens = 0;
  int64_t arrival_ns = 0;
  int64_t first_scheduled_ns = -1;
  std::vector<std::pair<int64_t, int>> emits;  // (model time, tokens)
  bool finished = false;
};

class EngineDriver {
 public:
  using TimelineSink = std::function<void(const RequestTimeline&)>;
  // `sink` (may be empty) receives each request's timeline when it finishes.
  explicit EngineDriver(std::unique_ptr<EngineModel> engine, TimelineSink sink = {});

  // Advances to arrival_ns (emissions due by then go to `out`), then submits.
  // Returns the arrival time the model saw: max(arrival_ns, now_ns()) for a
  // shared timeline (batching), arrival_ns as stamped otherwise (exact mode).
  int64_t submit(const EngineRequest& r, int64_t arrival_ns, std::vector<TokenEmit>& out);
  // The client gave up at the model's current time.
  void abort(uint64_t id);
  void advance(int64_t now_ns, std::vector<TokenEmit>& out);
  int64_t next_event_ns() const { return engine_->next_event_ns(); }
  EngineStats stats() const { return engine_->stats(); }
  int64_t now_ns() const { return now_ns_; }

 private:
  void record(const std::vector<TokenEmit>& out, size_t from);
  std::unique_ptr<EngineModel> engine_;
  TimelineSink sink_;
  int64_t now_ns_ = 0;
  std::unordered_map<uint64_t, RequestTimeline> open_;  // only with a sink
};

}  // namespace l4lab::sim
