// Scrapes the engine's /metrics (Prometheus text) before, during (on its own
// thread, at metrics_hz) and after a run into engine_metrics.jsonl; every
// line carries mono_ns() so it lines up with traces and GPU samples.
#pragma once

#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/jsonl_writer.h"
#include "common/result.h"
#include "telemetry/prometheus_parser.h"

namespace l4lab::telemetry {

struct ScrapeStats {
  long scrapes = 0;
  long errors = 0;
  std::string last_error;
};

class MetricsScraper {
 public:
  ~MetricsScraper();
  Status open(const std::string& url, const std::string& out_path);
  // One scrape written with the given phase; returns its samples.
  Result<std::vector<PromSample>> snapshot(const std::string& phase);
  void start_during(double hz);
  void stop_during();
  ScrapeStats stats() const;
  void close();

 private:
  std::string url_;
  JsonlWriter out_;
  mutable std::mutex mu_;  // guards out_ and stats_
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
  ScrapeStats stats_;
};

// The engine_metrics.jsonl line for one scrape.
std::string metrics_line(int64_t t_ns, const std::string& phase,
                         const std::vector<PromSample>& samples);

}  // namespace l4lab::telemetry
