// Continuous batching as vLLM's V1 scheduler does it, reduced to timing:
// every step first serves running requests (decode, or the next prefill
// chunk), then admits waiting ones FCFS while the token budget, max_num_seqs
// and free KV blocks allow. A step's duration is a roofline over the batch
// (docs/SERVE_SIM.md): max(weights + KV read time, FLOPs time) + overheads.
// When a running request needs a KV block and none is free, the most recently
// admitted request is preempted (recompute: its KV is dropped and it waits
// at the queue's head), unless preemption is off, in which case admission
// reserves prompt + output blocks up front.
//
// Clock independence: a step that starts when the engine was idle starts at
// the model time its work arrived (a submit, an abort that unblocked the
// queue), not when advance() happens to be called; so the HTTP server's late
// timer wake-ups never shift the timeline, and a virtual-time run of the same
// submits gives the same emissions (engine_driver.h). A submitted request
// reaches the scheduler `request_overhead_ms` later (the API server's
// tokenisation and hand-off, fitted by `l4lab calibrate`).
#pragma once

#include <deque>
#include <unordered_map>

#include "sim/engine_model.h"

namespace l4lab::sim {

class BatchEngine final : public EngineModel {
 public:
  BatchEngine(const SimProfile& p, const DerivedCosts& d);
  void submit(const EngineRequest& r, int64_t now_ns) override;
  void abort(uint64_t id, int64_t now_ns) override;
  void advance(int64_t now_ns, std::vector<TokenEmit>& out) override;
  int64_t next_event_ns() const override;
  EngineStats stats() const override;

  // Duration of a step, exposed for tests and docs: `tokens` computed in all,
  // `ctx_tokens` KV entries read, `attn_positions` prefill attention work,
  // `seqs` requests in the batch.
  double step_ms(long tokens, long ctx_tokens, double attn_positions, int seqs) const;

 private:
  struct Seq {
    EngineRequest req;
    int generated = 0;
    int computed = 0;  // tokens whose KV exists
    long blocks = 0;
    int64_t first_scheduled_ns = -1;
    bool running = false;
  };
  struct Pending {
    int64_t ready_ns;
    uint64_t id;
  };
  struct Planned {
    uint64_t id;
    int tokens;
    int drafts;
  };
  long blocks_for(long tokens) const { return (tokens + block_size_ - 1) / block_size_; }
  int num_tokens(const Seq& s) const { return s.req.prompt_tokens + s.generated; }
  void start_step(int64_t t);
  void finish_step(std::vector<TokenEmit>& out);
  void preempt(uint64_t id);
  void release(Seq& s);

  SimProfile p_;
  DerivedCosts d_;
  int block_size_;
  long total_blocks_, free_blocks_;
  std::unordered_map<uint64_t, Seq> seqs_;
  std::deque<Pending> pending_;  // submitted, not yet at the scheduler (ready order)
  std::deque<uint64_t> waiting_;
  std::vector<uint64_t> running_;
  std::vector<Planned> plan_;
  bool in_step_ = false;
  bool blocked_ = false;  // nothing schedulable until an arrival/abort/finish
  int64_t step_end_ns_ = 0;
  int64_t wake_ns_ = 0;  // when the next step may start (not in a step, not blocked)
  int64_t request_overhead_ns_ = 0;
  double per_inflight_ns_ = 0;  // hand-off delay per request already in the engine
  bool active() const { return !waiting_.empty() || !running_.empty(); }
  void admit_ready(int64_t t);
  EngineStats counters_;
};

}  // namespace l4lab::sim
