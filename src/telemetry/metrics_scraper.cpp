#include "telemetry/metrics_scraper.h"

#include <chrono>
#include <cmath>
#include <nlohmann/json.hpp>

#include "common/clock.h"
#include "engine/http_client.h"

namespace l4lab::telemetry {

std::string metrics_line(int64_t t_ns, const std::string& phase,
                         const std::vector<PromSample>& samples) {
  nlohmann::json j;
  j["t_ns"] = t_ns;
  j["phase"] = phase;
  auto arr = nlohmann::json::array();
  for (const auto& s : samples) {
    nlohmann::json v;
    // JSON has no Inf/NaN: those are written as strings, as Prometheus spells them.
    if (std::isnan(s.value))
      v = "NaN";
    else if (std::isinf(s.value))
      v = s.value > 0 ? "+Inf" : "-Inf";
    else
      v = s.value;
    arr.push_back({{"name", s.name}, {"labels", s.labels}, {"value", v}});
  }
  j["samples"] = std::move(arr);
  return j.dump();
}

MetricsScraper::~MetricsScraper() { close(); }

Status MetricsScraper::open(const std::string& url, const std::string& out_path) {
  url_ = url;
  return out_.open(out_path, false);
}

Result<std::vector<PromSample>> MetricsScraper::snapshot(const std::string& phase) {
  const int64_t t = mono_ns();
  auto r = engine::http_get(url_, 2);
  std::string err;
  std::vector<PromSample> samples;
  if (!r.ok()) {
    err = r.error().message();
  } else if (r->status != 200) {
    err = url_ + ": HTTP " + std::to_string(r->status);
  } else {
    auto p = parse_prometheus(r->body);
    if (!p.ok())
      err = url_ + ": " + p.error().message();
    else
      samples = std::move(*p);
  }
  std::lock_guard<std::mutex> lock(mu_);
  if (!err.empty()) {
    ++stats_.errors;
    stats_.last_error = err;
    return Error(err);
  }
  ++stats_.scrapes;
  if (out_.is_open()) (void)out_.write_line(metrics_line(t, phase, samples));
  return samples;
}

void MetricsScraper::start_during(double hz) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = false;
  }
  const auto period = std::chrono::nanoseconds(static_cast<int64_t>(1e9 / (hz > 0 ? hz : 1)));
  thread_ = std::thread([this, period] {
    auto next = std::chrono::steady_clock::now();
    while (true) {
      next += period;
      {
        std::unique_lock<std::mutex> lock(mu_);
        if (cv_.wait_until(lock, next, [this] { return stop_; })) return;
      }
      (void)snapshot("during");
      if (next < std::chrono::steady_clock::now()) next = std::chrono::steady_clock::now();
    }
  });
}

void MetricsScraper::stop_during() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

ScrapeStats MetricsScraper::stats() const {
  std::lock_guard<std::mutex> lock(mu_);
  return stats_;
}

void MetricsScraper::close() {
  stop_during();
  std::lock_guard<std::mutex> lock(mu_);
  out_.close();
}

}  // namespace l4lab::telemetry
