// Queue mode: a server whose capacity is known by construction, for the
// capacity search's known-answer tests (docs/CAPACITY.md#known-answer).
//
// `slots` servers and one first-come-first-served waiting line. A request
// admitted to a free slot holds it for an exponential time of mean
// `service_mean_ms`, drawn from (its seed, its id); its first token leaves
// `ttft_ms` after admission and each next one `itl_ms` after the previous.
// The slot is released when the hold time ends, whatever the token stream
// is doing, so under Poisson arrivals the wait for a slot is exactly that of
// an M/M/c queue: P(wait > x) = ErlangC(c, lambda/mu) * exp(-(c*mu - lambda) x),
// and TTFT = wait + ttft_ms. The rate at which TTFT's p-quantile reaches a
// limit therefore has a closed form (capacity/mmc_theory.h). No KV cache, no
// batching: nothing here models a GPU.
#pragma once

#include <deque>
#include <queue>
#include <unordered_map>

#include "sim/engine_model.h"
#include "sim/queue_engine_timing.h"

namespace l4lab::sim {

class QueueEngine final : public EngineModel {
 public:
  explicit QueueEngine(const QueueTiming& t);
  void submit(const EngineRequest& r, int64_t now_ns) override;
  void abort(uint64_t id, int64_t now_ns) override;
  void advance(int64_t now_ns, std::vector<TokenEmit>& out) override;
  int64_t next_event_ns() const override;
  EngineStats stats() const override;

  // The hold time (ns) a request with this seed and id gets: exponential,
  // mean service_mean_ms, from the lab's portable RNG.
  int64_t hold_ns(uint64_t seed, uint64_t id) const;

 private:
  struct Seq {
    int total = 1;
    int emitted = 0;
    int64_t admitted_ns = -1;
    int64_t release_ns = 0;
    bool holds_slot = false;
  };
  int64_t due_ns(const Seq& s) const {
    return s.admitted_ns + ttft_ns_ + int64_t(s.emitted) * itl_ns_;
  }
  void admit(uint64_t id, int64_t at_ns);
  // Frees slots whose hold ended by now_ns and admits waiting requests at
  // the moment each slot freed (not at now_ns: a late wake-up must not
  // lengthen the modelled wait).
  void release_and_admit(int64_t now_ns);

  QueueTiming t_;
  int64_t ttft_ns_ = 0, itl_ns_ = 0;
  int busy_ = 0;
  std::unordered_map<uint64_t, Seq> seqs_;
  std::unordered_map<uint64_t, uint64_t> seeds_;  // id -> seed, while waiting
  std::deque<uint64_t> waiting_;
  using Entry = std::pair<int64_t, uint64_t>;  // (time, id)
  std::priority_queue<Entry, std::vector<Entry>, std::greater<Entry>> tokens_;
  std::priority_queue<Entry, std::vector<Entry>, std::greater<Entry>> releases_;
};

}  // namespace l4lab::sim
