// `l4lab telemetry sample`: the GPU sampler alone (telemetry/sample_command.h).
#include "telemetry/sample_command.h"

#include <pthread.h>
#include <signal.h>
#include <sys/resource.h>

#include <chrono>
#include <iostream>
#include <nlohmann/json.hpp>
#include <thread>

#include "common/clock.h"
#include "telemetry/gpu_sampler.h"
#include "telemetry/metrics_scraper.h"

namespace l4lab::telemetry {

namespace {

double process_cpu_s() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_utime.tv_sec + ru.ru_stime.tv_sec +
         (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1e-6;
}

// Waits up to `seconds` for SIGINT or SIGTERM (blocked in every thread by the
// caller, so the sampler threads never take them). Returns the signal, or 0.
int wait_for_stop(const sigset_t& stop, double seconds) {
  const int64_t deadline = mono_ns() + static_cast<int64_t>(seconds * 1e9);
  for (int64_t now = mono_ns(); now < deadline; now = mono_ns()) {
    const int64_t left = deadline - now;
    timespec ts{static_cast<time_t>(left / 1000000000), static_cast<long>(left % 1000000000)};
    const int sig = sigtimedwait(&stop, nullptr, &ts);
    if (sig > 0) return sig;  // else EAGAIN (time is up) or EINTR (look again)
  }
  return 0;
}

}  // namespace

int run_sample(const SampleOptions& o) {
  // SIGINT/SIGTERM end the sampling early, with the summary and exit 0: the
  // samples written so far are complete lines.
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGINT);
  sigaddset(&stop, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop, nullptr);
  const auto anchor = ClockAnchor::now();
  const double cpu0 = process_cpu_s();
  GpuSampler g;
  auto st = g.start(o.out, o.hz, o.source);
  if (!st.ok()) {
    std::cerr << "telemetry sample: " << st.error().message() << "\n";
    return 2;
  }
  MetricsScraper m;
  if (!o.metrics_url.empty()) {
    if (auto ms = m.open(o.metrics_url, o.out + ".metrics.jsonl"); !ms.ok()) {
      std::cerr << "telemetry sample: " << ms.error().message() << "\n";
      return 2;
    }
    m.start_during(o.metrics_hz);
  }
  const int stopped_by = wait_for_stop(stop, o.seconds);
  m.close();
  auto stats = g.stop();
  const double cpu = process_cpu_s() - cpu0;
  const auto ms = m.stats();
  const GpuInfo& info = g.info();
  nlohmann::json j = {
      {"source", stats.source},
      {"reason", stats.reason},
      {"out", o.out},
      {"hz_requested", o.hz},
      {"stopped_by", stopped_by == SIGINT    ? "SIGINT"
                     : stopped_by == SIGTERM ? "SIGTERM"
                                             : "time (--seconds)"},
      {"samples", stats.samples},
      {"ticks", stats.ticks},
      {"errors", stats.errors},
      {"wall_s", stats.wall_s},
      {"ticks_per_s", stats.wall_s > 0 ? stats.ticks / stats.wall_s : 0},
      {"sampler_thread_cpu_s", stats.thread_cpu_s},
      {"sampler_thread_cpu_pct_of_one_core",
       stats.wall_s > 0 ? 100.0 * stats.thread_cpu_s / stats.wall_s : 0},
      {"process_cpu_s", cpu},
      {"process_cpu_pct_of_one_core", stats.wall_s > 0 ? 100.0 * cpu / stats.wall_s : 0},
      {"clock_anchor", {{"wall_ns", anchor.wall_ns}, {"mono_ns", anchor.mono_ns}}},
      {"metrics",
       {{"url", o.metrics_url},
        {"hz", o.metrics_hz},
        {"scrapes", ms.scrapes},
        {"errors", ms.errors},
        {"last_error", ms.last_error}}},
      {"gpu",
       {{"count", info.count},
        {"name", info.name},
        {"mem_total_mib", info.mem_total_mib ? nlohmann::json(*info.mem_total_mib) : nullptr},
        {"driver", info.driver},
        {"cuda", info.cuda},
        {"uuid", info.uuid}}},
      {"note", stats.source == "nvidia-smi"
                   ? "process CPU excludes the nvidia-smi child's own CPU time"
                   : ""}};
  std::cout << j.dump(2) << "\n";
  return stats.source == "none" && o.source != "none" ? 1 : 0;
}

}  // namespace l4lab::telemetry
