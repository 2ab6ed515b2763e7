// serve-sim's /metrics: vLLM's metric names and histogram buckets
// (REFERENCE.md s.3), every HELP line marked simulated, plus l4lab_simulated 1.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "sim/engine_model.h"

namespace l4lab::sim {

class Histogram {
 public:
  explicit Histogram(std::vector<double> upper_bounds);
  void observe(double v);
  // Adds another histogram's observations (same bounds) to this one.
  void merge(const Histogram& o);
  const std::vector<double>& bounds() const { return bounds_; }
  const std::vector<uint64_t>& counts() const { return counts_; }  // per bucket, not cumulative
  uint64_t count() const { return count_; }
  double sum() const { return sum_; }

 private:
  std::vector<double> bounds_;
  std::vector<uint64_t> counts_;  // bounds_.size() + 1 (the last is +Inf)
  uint64_t count_ = 0;
  double sum_ = 0;
};

struct RequestTimesS {  // seconds of model time, for one finished request
  double ttft = 0, e2e = 0, queue = 0, prefill = 0, decode = 0;
};

// The engine state of several workers as one engine: counts summed, KV usage
// averaged (exact mode models no KV cache; it is 0 there).
EngineStats sum_stats(const std::vector<EngineStats>& parts);

class SimMetrics {
 public:
  SimMetrics();
  void on_prompt(int prompt_tokens) { prompt_tokens_ += uint64_t(prompt_tokens); }
  void on_tokens(int n) { generation_tokens_ += uint64_t(n); }
  void on_itl(double seconds) { itl_.observe(seconds); }
  void on_ttft(double seconds) { ttft_.observe(seconds); }
  void on_finished(const RequestTimesS& t, const std::string& finish_reason, int prompt_tokens,
                   int generation_tokens);
  void on_http(int status) { ++http_[status]; }
  void on_aborted() { ++aborted_; }
  // Adds another worker's counts to these (serve-sim --workers: /metrics sums them).
  void merge(const SimMetrics& o);

  // model_name labels every vLLM series; time_scale is reported as a gauge.
  std::string render(const EngineStats& st, const std::string& model_name, double time_scale) const;

 private:
  uint64_t prompt_tokens_ = 0, generation_tokens_ = 0, aborted_ = 0;
  std::map<std::string, uint64_t> success_;
  std::map<int, uint64_t> http_;
  Histogram ttft_, itl_, e2e_, queue_, prefill_, decode_, prompt_len_, gen_len_;
};

}  // namespace l4lab::sim
