#include "sim/queue_engine.h"

#include <algorithm>
#include <cmath>

#include "common/random.h"
#include "sim/overdue_tokens.h"

namespace l4lab::sim {

QueueEngine::QueueEngine(const QueueTiming& t)
    : t_(t),
      ttft_ns_(int64_t(std::llround(t.ttft_ms * 1e6))),
      itl_ns_(int64_t(std::llround(t.itl_ms * 1e6))) {}

int64_t QueueEngine::hold_ns(uint64_t seed, uint64_t id) const {
  Rng rng(mix_seed(seed, "serve-sim-queue-hold", id));
  return int64_t(std::llround(rng.exponential(1.0 / t_.service_mean_ms) * 1e6));
}

void QueueEngine::admit(uint64_t id, int64_t at_ns) {
  Seq& s = seqs_[id];
  s.admitted_ns = at_ns;
  s.holds_slot = true;
  const uint64_t seed = seeds_[id];
  seeds_.erase(id);
  ++busy_;
  releases_.push({at_ns + hold_ns(seed, id), id});
  tokens_.push({due_ns(s), id});
}

void QueueEngine::release_and_admit(int64_t now_ns) {
  while (!releases_.empty() && releases_.top().first <= now_ns) {
    const int64_t at = releases_.top().first;
    releases_.pop();
    --busy_;
    if (!waiting_.empty()) {
      const uint64_t next = waiting_.front();
      waiting_.pop_front();
      admit(next, at);
    }
  }
}

void QueueEngine::submit(const EngineRequest& r, int64_t now_ns) {
  release_and_admit(now_ns);
  Seq s;
  s.total = std::max(1, r.output_tokens);
  seqs_[r.id] = s;
  seeds_[r.id] = r.seed;
  if (busy_ < t_.slots && waiting_.empty()) {
    admit(r.id, now_ns);
  } else {
    waiting_.push_back(r.id);
  }
}

void QueueEngine::abort(uint64_t id, int64_t /*now_ns*/) {
  // A waiting request leaves the line; an admitted one keeps its slot until
  // its hold ends (the work was started), but emits nothing more.
  if (auto it = std::find(waiting_.begin(), waiting_.end(), id); it != waiting_.end()) {
    waiting_.erase(it);
    seeds_.erase(id);
  }
  seqs_.erase(id);
}

void QueueEngine::advance(int64_t now_ns, std::vector<TokenEmit>& out) {
  release_and_admit(now_ns);
  while (!tokens_.empty() && tokens_.top().first <= now_ns) {
    auto [due, id] = tokens_.top();
    tokens_.pop();
    auto it = seqs_.find(id);
    if (it == seqs_.end()) continue;  // aborted
    Seq& s = it->second;
    const int n = overdue_tokens(now_ns, due, itl_ns_, s.emitted, s.total);
    s.emitted += n;
    const bool done = s.emitted >= s.total;
    out.push_back({id, n, done, now_ns, s.admitted_ns});
    if (done) {
      seqs_.erase(it);
    } else {
      tokens_.push({due_ns(s), id});
    }
  }
}

int64_t QueueEngine::next_event_ns() const {
  int64_t t = kNever;
  if (!tokens_.empty()) t = std::min(t, tokens_.top().first);
  // A release matters only when someone waits for the slot.
  if (!releases_.empty() && !waiting_.empty()) t = std::min(t, releases_.top().first);
  return t;
}

EngineStats QueueEngine::stats() const {
  EngineStats st;
  st.running = busy_;
  st.waiting = int(waiting_.size());
  return st;
}

}  // namespace l4lab::sim
