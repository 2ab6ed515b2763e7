#include "sim/batch_engine.h"

#include <algorithm>
#include <cmath>

#include "sim/exact_engine.h"
#include "sim/queue_engine.h"
#include "sim/seeded_rng.h"

namespace l4lab::sim {

BatchEngine::BatchEngine(const SimProfile& p, const DerivedCosts& d)
    : p_(p), d_(d), block_size_(p.engine.block_size) {
  total_blocks_ = std::max<long>(1, d.kv_capacity_tokens / block_size_);
  free_blocks_ = total_blocks_;
  request_overhead_ns_ = std::max<int64_t>(0, std::llround(d.request_overhead_ms * 1e6));
  per_inflight_ns_ = std::max(0.0, d.request_overhead_per_inflight_ms * 1e6);
}

double BatchEngine::step_ms(long tokens, long ctx_tokens, double attn_positions, int seqs) const {
  const double mem_ms = d_.decode_base_ms + d_.kv_read_ms_per_token * double(ctx_tokens);
  const double compute_ms =
      d_.compute_ms_per_token * double(tokens) + d_.attn_ms_per_token_pos * attn_positions;
  const double work_ms =
      p_.step_model == StepModel::kAdditive ? mem_ms + compute_ms : std::max(mem_ms, compute_ms);
  return d_.step_overhead_ms + work_ms + d_.per_seq_ms * seqs;
}

void BatchEngine::submit(const EngineRequest& r, int64_t now_ns) {
  Seq s;
  s.req = r;
  s.req.output_tokens = std::max(1, r.output_tokens);
  // Requests already in the engine (handed off, waiting or running) slow the
  // hand-off of this one (overheads.request_per_inflight_ms).
  const int64_t inflight_ns = std::llround(per_inflight_ns_ * double(seqs_.size()));
  seqs_.emplace(r.id, s);
  // FIFO hand-off: never ready before a request submitted earlier.
  int64_t ready = now_ns + request_overhead_ns_ + inflight_ns;
  if (!pending_.empty()) ready = std::max(ready, pending_.back().ready_ns);
  pending_.push_back({ready, r.id});
}

// Requests whose hand-off is done by t join the queue; an idle or blocked
// engine may start a step at the moment the first of them arrived.
void BatchEngine::admit_ready(int64_t t) {
  while (!pending_.empty() && pending_.front().ready_ns <= t) {
    const Pending x = pending_.front();
    pending_.pop_front();
    if (!seqs_.count(x.id)) continue;  // aborted before it arrived
    if (!in_step_ && (blocked_ || !active())) wake_ns_ = std::max(wake_ns_, x.ready_ns);
    waiting_.push_back(x.id);
    blocked_ = false;
  }
}

void BatchEngine::release(Seq& s) {
  free_blocks_ += s.blocks;
  s.blocks = 0;
}

void BatchEngine::abort(uint64_t id, int64_t now_ns) {
  auto it = seqs_.find(id);
  if (it == seqs_.end()) return;
  release(it->second);
  if (it->second.running) {
    running_.erase(std::find(running_.begin(), running_.end(), id));
  } else if (auto w = std::find(waiting_.begin(), waiting_.end(), id); w != waiting_.end()) {
    waiting_.erase(w);
  }  // else still pending: admit_ready skips it
  seqs_.erase(it);
  if (!in_step_ && blocked_) wake_ns_ = std::max(wake_ns_, now_ns);
  blocked_ = false;
}

void BatchEngine::preempt(uint64_t id) {
  Seq& s = seqs_.at(id);
  release(s);
  s.computed = 0;
  s.running = false;
  running_.erase(std::find(running_.begin(), running_.end(), id));
  waiting_.push_front(id);
  plan_.erase(
      std::remove_if(plan_.begin(), plan_.end(), [&](const Planned& x) { return x.id == id; }),
      plan_.end());
  ++counters_.preemptions;
}

void BatchEngine::start_step(int64_t t) {
  plan_.clear();
  long budget = p_.engine.max_num_batched_tokens;
  const bool chunked = p_.engine.enable_chunked_prefill;
  bool preempted = false;
  // Running requests first, oldest admission first.
  for (size_t i = 0; i < running_.size() && budget > 0; ++i) {
    const uint64_t id = running_[i];
    Seq& s = seqs_.at(id);
    const int to_compute = num_tokens(s) - s.computed;
    int tokens = to_compute, drafts = 0;
    const bool decode = s.generated > 0 && to_compute == 1;
    if (decode && d_.num_speculative_tokens > 0)
      drafts =
          std::max(0, std::min(d_.num_speculative_tokens, s.req.output_tokens - s.generated - 1));
    tokens += drafts;
    if (!decode && chunked) tokens = int(std::min<long>(tokens, budget));
    if (tokens > budget) continue;
    long need = std::max(0L, blocks_for(s.computed + tokens) - s.blocks);
    while (need > free_blocks_ && p_.engine.preemption) {
      const uint64_t victim = running_.back();
      preempt(victim);
      preempted = true;
      if (victim == id) break;
    }
    if (!s.running) break;  // preempted itself: everything after it is gone too
    if (need > free_blocks_) continue;
    free_blocks_ -= need;
    s.blocks += need;
    budget -= tokens;
    plan_.push_back({id, tokens, drafts});
  }
  // Then waiting requests, FCFS: the head blocks those behind it, as in vLLM.
  while (!preempted && !waiting_.empty() && budget > 0 &&
         int(running_.size()) < p_.engine.max_num_seqs) {
    const uint64_t id = waiting_.front();
    Seq& s = seqs_.at(id);
    const int to_compute = num_tokens(s) - s.computed;
    const int tokens = chunked ? int(std::min<long>(to_compute, budget)) : to_compute;
    if (tokens > budget) break;
    const long need = p_.engine.preemption ? blocks_for(tokens)
                                           : blocks_for(s.req.prompt_tokens + s.req.output_tokens);
    if (need > free_blocks_) break;
    waiting_.pop_front();
    running_.push_back(id);
    s.running = true;
    free_blocks_ -= need;
    s.blocks += need;
    budget -= tokens;
    if (s.first_scheduled_ns < 0) s.first_scheduled_ns = t;
    plan_.push_back({id, tokens, 0});
  }
  if (plan_.empty()) {
    blocked_ = true;
    return;
  }
  long tokens = 0, ctx = 0;
  double attn = 0;
  for (const auto& x : plan_) {
    const Seq& s = seqs_.at(x.id);
    tokens += x.tokens;
    ctx += s.computed + x.tokens;
    const double a = s.computed, b = s.computed + x.tokens;
    attn += (b * b - a * a) / 2.0;
  }
  in_step_ = true;
  step_end_ns_ = t + int64_t(std::llround(step_ms(tokens, ctx, attn, int(plan_.size())) * 1e6));
  ++counters_.steps;
}

void BatchEngine::finish_step(std::vector<TokenEmit>& out) {
  in_step_ = false;
  for (const auto& x : plan_) {
    auto it = seqs_.find(x.id);
    if (it == seqs_.end()) continue;  // aborted mid-step
    Seq& s = it->second;
    s.computed += x.tokens - x.drafts;
    if (s.computed < num_tokens(s)) continue;  // a prefill chunk, nothing sampled yet
    int accepted = 0;
    if (x.drafts > 0) {
      const double m = d_.mean_accepted_tokens;
      const double u = unit_double(mix64(s.req.seed, s.req.id, uint64_t(s.generated)));
      accepted = std::min(x.drafts, int(std::floor(m)) + (u < m - std::floor(m) ? 1 : 0));
      ++counters_.spec_drafts;
      counters_.spec_draft_tokens += uint64_t(x.drafts);
      counters_.spec_accepted_tokens += uint64_t(accepted);
    }
    const int n = std::min(1 + accepted, s.req.output_tokens - s.generated);
    s.generated += n;
    s.computed = num_tokens(s) - 1;  // the newest sampled token has no KV yet
    const bool done = s.generated >= s.req.output_tokens;
    out.push_back({x.id, n, done, step_end_ns_, s.first_scheduled_ns});
    if (done) {
      release(s);
      running_.erase(std::find(running_.begin(), running_.end(), x.id));
      seqs_.erase(it);
    }
  }
  plan_.clear();
  blocked_ = false;
}

void BatchEngine::advance(int64_t now_ns, std::vector<TokenEmit>& out) {
  for (;;) {
    if (in_step_) {
      if (step_end_ns_ > now_ns) return;
      const int64_t t = step_end_ns_;
      finish_step(out);
      wake_ns_ = t;  // the engine loop runs back to back
      admit_ready(t);
      continue;
    }
    const int64_t t = next_event_ns();
    if (t == kNever || t > now_ns) return;
    admit_ready(t);
    if (active() && !blocked_) start_step(wake_ns_);
  }
}

int64_t BatchEngine::next_event_ns() const {
  if (in_step_) return step_end_ns_;
  if (active() && !blocked_) return wake_ns_;  // a step can start then
  if (!pending_.empty()) return pending_.front().ready_ns;
  return kNever;
}

EngineStats BatchEngine::stats() const {
  EngineStats st = counters_;
  st.running = int(running_.size());
  st.waiting = int(waiting_.size());
  st.kv_usage = double(total_blocks_ - free_blocks_) / double(total_blocks_);
  st.kv_capacity_tokens = total_blocks_ * block_size_;
  return st;
}

std::unique_ptr<EngineModel> make_engine(const SimProfile& p, const DerivedCosts& d) {
  if (p.mode == SimMode::kQueue) return std::make_unique<QueueEngine>(p.queue);
  if (p.mode == SimMode::kExact)
    return std::make_unique<ExactEngine>(int64_t(std::llround(p.exact.ttft_ms * 1e6)),
                                         int64_t(std::llround(p.exact.itl_ms * 1e6)));
  return std::make_unique<BatchEngine>(p, d);
}

}  // namespace l4lab::sim
