#include "client/bench_runner.h"

#include <fmt/format.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>

#include "common/clock.h"

namespace l4lab::client {

std::string_view run_status_name(RunStatus s) {
  switch (s) {
    case RunStatus::completed:
      return "completed";
    case RunStatus::failure_budget:
      return "failure_budget";
    case RunStatus::interrupted:
      return "interrupted";
    case RunStatus::write_error:
      return "write_error";
  }
  return "completed";
}

BenchRunner::BenchRunner(RunnerOptions opts, const std::vector<PreparedRequest>& requests,
                         const schedule::Schedule& schedule, traces::TraceWriter& writer,
                         BenchStats& stats)
    : opts_(std::move(opts)),
      requests_(requests),
      schedule_(schedule),
      writer_(writer),
      stats_(stats) {
  // Precise timers (timerfd) so open-loop sends are not rounded to the
  // millisecond of epoll_wait's timeout.
  event_config* cfg = event_config_new();
  event_config_set_flag(cfg, EVENT_BASE_FLAG_PRECISE_TIMER);
  // After every 64 socket callbacks (priority 1) the loop looks again for a
  // due send, so a send waits behind at most 64 readable streams, not a whole
  // epoll batch (up to 4096). Not fewer, and not by time: on the device host
  // 16 callbacks or 100-200 us starved reads under overload (4,000 req/s) until
  // the run collapsed; 64 held in two runs (docs/perf/client.md, "Open loop").
  event_config_set_max_dispatch_interval(cfg, nullptr, 64, 1);
  base_ = event_base_new_with_config(cfg);
  event_config_free(cfg);
  event_base_priority_init(base_, 2);  // 0: schedule, 1 (default): everything else
  http_ = new HttpLoop(base_, opts_.http, this);
  closed_loop_ = schedule_.options.kind == schedule::ArrivalKind::closed;
  dispatch_ev_ = evtimer_new(base_, &BenchRunner::dispatch_cb, this);
  // The send timer outranks socket events: in a loop iteration where both
  // are ready, due requests go out first instead of waiting behind every
  // readable stream (which would show up as scheduling lag).
  event_priority_set(dispatch_ev_, 0);
  sigint_ev_ = evsignal_new(base_, SIGINT, &BenchRunner::signal_cb, this);
  sigterm_ev_ = evsignal_new(base_, SIGTERM, &BenchRunner::signal_cb, this);
  live_ev_ = event_new(base_, -1, EV_PERSIST, &BenchRunner::live_cb, this);
  // The canary shares priority 1 with socket reads, so it waits exactly as
  // a readable stream would (docs/METRICS.md#timing-quality).
  canary_ev_ = evtimer_new(base_, &BenchRunner::canary_cb, this);
  event_priority_set(canary_ev_, 1);
  tty_ = isatty(STDERR_FILENO);
}

BenchRunner::~BenchRunner() {
  delete http_;
  event_free(dispatch_ev_);
  event_free(sigint_ev_);
  event_free(sigterm_ev_);
  event_free(live_ev_);
  event_free(canary_ev_);
  event_base_free(base_);
}

RunResult BenchRunner::run() {
  event_add(sigint_ev_, nullptr);
  event_add(sigterm_ev_, nullptr);
  if (!opts_.quiet) {
    timeval tv{tty_ ? 0 : 10, tty_ ? 500'000 : 0};
    event_add(live_ev_, &tv);
  }
  result_.t_start_ns = mono_ns();
  // One canary sample per period for the schedule's span (open loop), so a
  // long run does not copy the samples as they double.
  int64_t span_ns = 0;
  if (!closed_loop_ && !schedule_.entries.empty() && schedule_.entries.back().t_offset_ns)
    span_ns = *schedule_.entries.back().t_offset_ns;
  result_.canary_late_ms.reserve(4096 + size_t(span_ns / kCanaryPeriodNs));
  arm_canary();
  const size_t n = schedule_.entries.size();
  if (closed_loop_) {
    // Every slot opens at t_start, or one by one over the ramp-up.
    slots_ = std::min(n, size_t(std::max(1, schedule_.options.concurrency)));
    open_slots();
  } else {
    dispatch_open_loop();
  }
  if (http_->in_flight() > 0 || next_ < n) event_base_dispatch(base_);
  result_.t_end_ns = mono_ns();
  evtimer_del(canary_ev_);
  result_.reads = http_->read_counts();
  result_.sent = next_;
  result_.not_sent = n - next_;
  if (!opts_.quiet && tty_) std::fputs("\n", stderr);
  return result_;
}

void BenchRunner::send(size_t pos, int64_t t_scheduled) {
  const schedule::ScheduleEntry& e = schedule_.entries[pos];
  const PreparedRequest& p = requests_[e.request];
  traces::TraceRecord base;
  base.request_id = p.id;
  base.task = p.task;
  base.bucket = p.bucket;
  base.attempt = p.attempt;
  base.prompt_tokens_pre_send = p.prompt_tokens;
  base.max_tokens = p.max_tokens;
  base.t_scheduled_ns = t_scheduled;
  const size_t n = schedule_.entries.size();
  if (pos < opts_.warmup_requests || t_scheduled - result_.t_start_ns < opts_.warmup_ns)
    base.phase = traces::Phase::warmup;
  else if (opts_.cooldown_requests > 0 && pos + opts_.cooldown_requests >= n)
    base.phase = traces::Phase::cooldown;
  else
    base.phase = traces::Phase::measured;
  ++next_;
  http_->post(opts_.url, &p.body, std::move(base), pos);
}

void BenchRunner::dispatch_cb(evutil_socket_t, short, void* arg) {
  auto* self = static_cast<BenchRunner*>(arg);
  if (self->closed_loop_)
    self->open_slots();
  else
    self->dispatch_open_loop();
}

bool BenchRunner::arm_if_ahead(int64_t due) {
  const int64_t wait = due - mono_ns();
  if (wait <= 0) return false;
  const timeval tv = timeval_of_ns(wait);
  evtimer_add(dispatch_ev_, &tv);
  return true;
}

void BenchRunner::open_slots() {
  if (stopping_) return;
  const size_t n = schedule_.entries.size();
  while (slots_open_ < slots_) {
    // Computed, not measured: a late timer shows as lag (t_sent - t_scheduled).
    const int64_t due = result_.t_start_ns +
                        int64_t(double(opts_.ramp_up_ns) * double(slots_open_) / double(slots_));
    if (arm_if_ahead(due)) return;
    ++slots_open_;
    if (next_ < n) send(next_, due);
  }
}

void BenchRunner::dispatch_open_loop() {
  if (stopping_) return;
  const size_t n = schedule_.entries.size();
  // Open loop: t_scheduled is the schedule's time, not when we got round to
  // it, so a late timer or a busy loop shows up as scheduling lag (t_sent -
  // t_scheduled) and in the from-scheduled latencies, never hidden.
  while (next_ < n) {
    const int64_t due = result_.t_start_ns + *schedule_.entries[next_].t_offset_ns;
    if (arm_if_ahead(due)) return;
    send(next_, due);
  }
}

void BenchRunner::on_finished(traces::TraceRecord&& trace, size_t tag) {
  (void)tag;
  stats_.add(trace);
  // After a failed write (a full disk) nothing more is written, not even the
  // cancelled requests' traces: the file holds exactly what the message says.
  if (write_failed_) return;
  if (auto st = writer_.write(trace); !st.ok()) {
    write_failed_ = true;
    if (!stopping_) {
      // The traces written so far stay whole (JsonlWriter cuts a part line).
      result_.error = fmt::format("{}; the {} traces written before it are intact",
                                  st.error().message(), traces_written_);
      stop(RunStatus::write_error, traces::detail::kInterrupted);
    }
    return;
  }
  ++traces_written_;
  if (stopping_) return;
  if (stats_.failures() > opts_.max_failures) {
    result_.error = fmt::format("failure budget spent: {} failures > {} allowed", stats_.failures(),
                                opts_.max_failures);
    stop(RunStatus::failure_budget, traces::detail::kFailureBudget);
    return;
  }
  const size_t n = schedule_.entries.size();
  if (closed_loop_ && next_ < n) {
    // Closed loop: the freed slot's next request is scheduled at the moment
    // the previous one ended (its t_end), and sent right away.
    send(next_, trace.t_end_ns.value_or(mono_ns()));
  }
  if (next_ >= n && http_->in_flight() == 0) event_base_loopbreak(base_);
}

void BenchRunner::stop(RunStatus why, std::string_view detail) {
  if (stopping_) return;
  stopping_ = true;
  result_.status = why;
  evtimer_del(dispatch_ev_);
  http_->cancel_all(traces::FailureClass::cancelled, detail,
                    fmt::format("run stopped: {}", run_status_name(why)));
  event_base_loopbreak(base_);
}

void BenchRunner::signal_cb(evutil_socket_t, short, void* arg) {
  static_cast<BenchRunner*>(arg)->stop(RunStatus::interrupted, traces::detail::kInterrupted);
}

void BenchRunner::live_cb(evutil_socket_t, short, void* arg) {
  static_cast<BenchRunner*>(arg)->live_tick();
}

void BenchRunner::arm_canary() {
  // Re-armed from when it actually fired, not on a fixed grid: after a long
  // stall one late sample is recorded, not a burst of catch-up samples.
  // libevent measures the timeout from its cached loop time; refresh it so
  // the timer's deadline and canary_due_ns_ agree.
  event_base_update_cache_time(base_);
  canary_due_ns_ = mono_ns() + kCanaryPeriodNs;
  const timeval tv = timeval_of_ns(kCanaryPeriodNs);
  evtimer_add(canary_ev_, &tv);
}

void BenchRunner::canary_cb(evutil_socket_t, short, void* arg) {
  auto* self = static_cast<BenchRunner*>(arg);
  const int64_t late = mono_ns() - self->canary_due_ns_;
  self->result_.canary_late_ms.push_back(double(std::max<int64_t>(0, late)) / 1e6);
  if (!self->stopping_) self->arm_canary();
}

void BenchRunner::live_tick() {
  auto l = stats_.live_latency();
  double rate = stats_.done() ? 100.0 * double(stats_.ok()) / double(stats_.done()) : 0.0;
  std::string line = fmt::format(
      "[bench] {}/{} done, {} in flight, {:.1f}% ok | TTFT p50 {:.1f} p95 {:.1f} ms | E2E p50 "
      "{:.1f} p95 {:.1f} ms",
      stats_.done(), schedule_.entries.size(), http_->in_flight(), rate, l[0], l[1], l[2], l[3]);
  if (tty_)
    std::fprintf(stderr, "\r\033[K%s", line.c_str());
  else
    std::fprintf(stderr, "%s\n", line.c_str());
  std::fflush(stderr);
}

}  // namespace l4lab::client
