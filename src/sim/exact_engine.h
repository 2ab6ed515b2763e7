// Exact mode: the first token comes ttft after arrival and each next one itl
// after the previous, on an absolute schedule (arrival + ttft + k*itl), so a
// late wake-up never shifts later tokens. No batching, no capacity limits.
#pragma once

#include <queue>
#include <unordered_map>

#include "sim/engine_model.h"

namespace l4lab::sim {

class ExactEngine final : public EngineModel {
 public:
  ExactEngine(int64_t ttft_ns, int64_t itl_ns) : ttft_ns_(ttft_ns), itl_ns_(itl_ns) {}
  void submit(const EngineRequest& r, int64_t now_ns) override;
  void abort(uint64_t id, int64_t now_ns) override;
  void advance(int64_t now_ns, std::vector<TokenEmit>& out) override;
  int64_t next_event_ns() const override;
  EngineStats stats() const override;
  bool shared_timeline() const override { return false; }

 private:
  struct Seq {
    int64_t arrival_ns = 0;
    int total = 0;
    int emitted = 0;
  };
  int64_t due_ns(const Seq& s) const {
    return s.arrival_ns + ttft_ns_ + int64_t(s.emitted) * itl_ns_;
  }
  using Entry = std::pair<int64_t, uint64_t>;  // (due, id)
  int64_t ttft_ns_, itl_ns_;
  std::unordered_map<uint64_t, Seq> seqs_;
  std::priority_queue<Entry, std::vector<Entry>, std::greater<Entry>> heap_;
};

}  // namespace l4lab::sim
