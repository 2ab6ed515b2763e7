#include "sim/exact_engine.h"

#include <algorithm>

#include "sim/overdue_tokens.h"

namespace l4lab::sim {

void ExactEngine::submit(const EngineRequest& r, int64_t now_ns) {
  Seq s{now_ns, std::max(1, r.output_tokens), 0};
  heap_.push({due_ns(s), r.id});
  seqs_.emplace(r.id, s);
}

void ExactEngine::abort(uint64_t id, int64_t /*now_ns*/) {
  seqs_.erase(id);
}  // its heap entry is skipped lazily

void ExactEngine::advance(int64_t now_ns, std::vector<TokenEmit>& out) {
  while (!heap_.empty() && heap_.top().first <= now_ns) {
    auto [due, id] = heap_.top();
    heap_.pop();
    auto it = seqs_.find(id);
    if (it == seqs_.end()) continue;
    Seq& s = it->second;
    const int n = overdue_tokens(now_ns, due, itl_ns_, s.emitted, s.total);
    s.emitted += n;
    const bool done = s.emitted >= s.total;
    out.push_back({id, n, done, now_ns, s.arrival_ns});
    if (done) {
      seqs_.erase(it);
    } else {
      heap_.push({due_ns(s), id});
    }
  }
}

int64_t ExactEngine::next_event_ns() const {
  // Aborted entries may sit on top; waking for them is harmless.
  return heap_.empty() ? kNever : heap_.top().first;
}

EngineStats ExactEngine::stats() const {
  EngineStats st;
  st.running = int(seqs_.size());
  return st;
}

}  // namespace l4lab::sim
