// Runs one bench: follows the pre-generated schedule (closed or open loop),
// posts requests through HttpLoop, writes each trace the moment its request
// ends, enforces the failure budget, handles SIGINT/SIGTERM and draws the
// live view. Everything happens on one event-loop thread.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "client/bench_stats.h"
#include "client/http_loop.h"
#include "schedule/schedule.h"
#include "traces/trace_writer.h"

namespace l4lab::client {

// One request ready to send (body built before the run).
struct PreparedRequest {
  std::string id, task, bucket;
  std::string body;
  int64_t prompt_tokens = 0;
  int max_tokens = 0;
  int attempt = 0;
};

struct RunnerOptions {
  std::string url;  // full POST URL
  HttpOptions http;
  size_t warmup_requests = 0;
  int64_t warmup_ns = 0;  // phase warmup while t_scheduled - start < warmup_ns
  // Closed loop: slot i of C opens at start + i * ramp_up_ns / C (its first
  // request's t_scheduled), instead of every slot at start.
  int64_t ramp_up_ns = 0;
  size_t cooldown_requests = 0;
  size_t max_failures = SIZE_MAX;  // the run stops when failures exceed this
  bool quiet = false;
};

enum class RunStatus { completed, failure_budget, interrupted, write_error };
std::string_view run_status_name(RunStatus s);

struct RunResult {
  RunStatus status = RunStatus::completed;
  int64_t t_start_ns = 0, t_end_ns = 0;
  size_t sent = 0, not_sent = 0;
  std::string error;
  // The self-audit (docs/METRICS.md#timing-quality): how late the canary
  // timer fired, one sample per period, and the socket reads' chunk counts.
  std::vector<double> canary_late_ms;
  ReadCounts reads;
};

class BenchRunner : private HttpLoop::Listener {
 public:
  // `requests` is indexed by ScheduleEntry::request.
  BenchRunner(RunnerOptions opts, const std::vector<PreparedRequest>& requests,
              const schedule::Schedule& schedule, traces::TraceWriter& writer, BenchStats& stats);
  ~BenchRunner() override;
  RunResult run();

 private:
  void on_finished(traces::TraceRecord&& trace, size_t tag) override;
  void send(size_t pos, int64_t t_scheduled);
  void dispatch_open_loop();
  void open_slots();
  // Arms the dispatch timer for `due` and returns true while `due` is ahead.
  bool arm_if_ahead(int64_t due);
  void stop(RunStatus why, std::string_view detail);
  void live_tick();
  static void dispatch_cb(evutil_socket_t, short, void* arg);
  static void signal_cb(evutil_socket_t, short, void* arg);
  static void live_cb(evutil_socket_t, short, void* arg);
  static void canary_cb(evutil_socket_t, short, void* arg);
  void arm_canary();

  RunnerOptions opts_;
  const std::vector<PreparedRequest>& requests_;
  const schedule::Schedule& schedule_;
  traces::TraceWriter& writer_;
  BenchStats& stats_;
  event_base* base_ = nullptr;
  HttpLoop* http_ = nullptr;
  event* dispatch_ev_ = nullptr;
  event* sigint_ev_ = nullptr;
  event* sigterm_ev_ = nullptr;
  event* live_ev_ = nullptr;
  event* canary_ev_ = nullptr;
  int64_t canary_due_ns_ = 0;
  bool closed_loop_ = true;
  bool stopping_ = false;
  bool tty_ = false;
  size_t next_ = 0;
  size_t slots_ = 0, slots_open_ = 0;  // closed loop
  RunResult result_;
  size_t traces_written_ = 0;
  bool write_failed_ = false;  // by this run (a resumed run's earlier ones not counted)
};

}  // namespace l4lab::client
