#include "sim/engine_driver.h"

#include <algorithm>

namespace l4lab::sim {

EngineDriver::EngineDriver(std::unique_ptr<EngineModel> engine, TimelineSink sink)
    : engine_(std::move(engine)), sink_(std::move(sink)) {}

int64_t EngineDriver::submit(const EngineRequest& r, int64_t arrival_ns,
                             std::vector<TokenEmit>& out) {
  int64_t t = arrival_ns;
  if (engine_->shared_timeline()) {
    t = std::max(arrival_ns, now_ns_);
    advance(t, out);
  }
  engine_->submit(r, t);
  if (sink_) {
    RequestTimeline tl;
    tl.id = r.id;
    tl.prompt_tokens = r.prompt_tokens;
    tl.output_tokens = r.output_tokens;
    tl.arrival_ns = t;
    open_[r.id] = std::move(tl);
  }
  return t;
}

void EngineDriver::abort(uint64_t id) {
  engine_->abort(id, now_ns_);
  open_.erase(id);
}

void EngineDriver::advance(int64_t now_ns, std::vector<TokenEmit>& out) {
  now_ns_ = std::max(now_ns_, now_ns);
  const size_t from = out.size();
  engine_->advance(now_ns_, out);
  if (sink_) record(out, from);
}

void EngineDriver::record(const std::vector<TokenEmit>& out, size_t from) {
  for (size_t i = from; i < out.size(); ++i) {
    const TokenEmit& e = out[i];
    auto it = open_.find(e.id);
    if (it == open_.end()) continue;
    RequestTimeline& tl = it->second;
    if (tl.first_scheduled_ns < 0) tl.first_scheduled_ns = e.first_scheduled_ns;
    tl.emits.emplace_back(e.t_ns, e.n_tokens);
    if (e.finished) {
      tl.finished = true;
      sink_(tl);
      open_.erase(it);
    }
  }
}

}  // namespace l4lab::sim
