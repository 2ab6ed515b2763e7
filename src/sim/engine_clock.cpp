// The model clock (wall time scaled by --time-scale from the server's start)
// and the one timer that steps the engine model when its next event falls due.
#include <event2/event.h>
#include <event2/util.h>

#include <algorithm>
#include <mutex>

#include "common/clock.h"
#include "sim/sim_worker.h"

namespace l4lab::sim {

int64_t SimServer::Impl::model_now() const {
  return int64_t(double(mono_ns() - t0_ns) * opt.time_scale);
}
int64_t SimServer::Impl::wall_for(int64_t model_ns) const {
  return t0_ns + int64_t(double(model_ns) / opt.time_scale);
}

// ---- the engine clock --------------------------------------------------
void SimServer::Impl::on_tick(evutil_socket_t, short, void* arg) {
  auto* self = static_cast<Impl*>(arg);
  std::lock_guard lock(self->mu);
  self->run_due();
}

// Handles everything due, and keeps going while more falls due during the
// work itself: under load one timer wake-up then serves many streams
// instead of paying an epoll_wait + timerfd_settime per chunk. Bounded so
// new requests and closes are still read.
void SimServer::Impl::run_due() {
  const int64_t deadline = mono_ns() + 2'000'000;
  for (int round = 0; round < 256; ++round) {
    emits.clear();
    engine->advance(model_now(), emits);
    for (const auto& e : emits) on_emit(e);
    const int64_t next = engine->next_event_ns();
    const int64_t now = mono_ns();
    if (next == kNever || wall_for(next) > now || now > deadline) break;
  }
  schedule_tick();
}

// When the request's bytes were seen: libevent caches the time right after
// epoll_wait returns, before any callback of that iteration runs, so
// requests read together are not charged for each other's parsing.
int64_t SimServer::Impl::arrival_mono_ns() {
  const int64_t now = mono_ns();
  timeval tv{};
  if (event_base_gettimeofday_cached(base, &tv) != 0) return now;
  const int64_t cached_wall = int64_t(tv.tv_sec) * 1'000'000'000 + int64_t(tv.tv_usec) * 1000;
  const int64_t t = cached_wall - (wall_ns() - now);
  return std::clamp(t, now - 50'000'000, now);
}

void SimServer::Impl::schedule_tick() {
  const int64_t next = engine->next_event_ns();
  if (next == kNever) {
    evtimer_del(tick);
    return;
  }
  const timeval tv = timeval_of_ns(wall_for(next) - mono_ns());
  evtimer_add(tick, &tv);
}

}  // namespace l4lab::sim
