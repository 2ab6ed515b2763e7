#include "sim/sim_metrics.h"

#include <fmt/format.h>

#include <algorithm>

namespace l4lab::sim {

namespace {
// vLLM's bucket boundaries (vllm/v1/metrics/loggers.py).
const std::vector<double> kTtftBuckets = {0.001, 0.005, 0.01, 0.02,  0.04,  0.06,  0.08, 0.1,
                                          0.25,  0.5,   0.75, 1.0,   2.5,   5.0,   7.5,  10.0,
                                          20.0,  40.0,  80.0, 160.0, 640.0, 2560.0};
const std::vector<double> kItlBuckets = {0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2,  0.3,  0.4, 0.5,
                                         0.75, 1.0,   2.5,  5.0,   7.5, 10.0, 20.0, 40.0, 80.0};
const std::vector<double> kRequestBuckets = {0.3,  0.5,   0.8,   1.0,   1.5,   2.0,    2.5,
                                             5.0,  10.0,  15.0,  20.0,  30.0,  40.0,   50.0,
                                             60.0, 120.0, 240.0, 480.0, 960.0, 1920.0, 7680.0};
std::vector<double> token_buckets() {
  std::vector<double> b;
  for (double x = 1; x <= 8192; x *= 2) {
    b.push_back(x);
    if (x * 2.5 <= 8192) b.push_back(x * 2.5);
    if (x * 5 <= 8192) b.push_back(x * 5);
  }
  std::sort(b.begin(), b.end());
  b.erase(std::unique(b.begin(), b.end()), b.end());
  return b;
}

void header(std::string& out, const char* name, const char* type, const char* help) {
  fmt::format_to(std::back_inserter(out),
                 "# HELP {} {} (simulated by l4lab serve-sim)\n# TYPE {} {}\n", name, help, name,
                 type);
}

std::string le(double b) { return fmt::format("{}", b); }

void histogram(std::string& out, const char* name, const char* help, const Histogram& h,
               const std::string& labels) {
  header(out, name, "histogram", help);
  uint64_t cum = 0;
  for (size_t i = 0; i < h.bounds().size(); ++i) {
    cum += h.counts()[i];
    fmt::format_to(std::back_inserter(out), "{}_bucket{{{},le=\"{}\"}} {}\n", name, labels,
                   le(h.bounds()[i]), cum);
  }
  cum += h.counts().back();
  fmt::format_to(std::back_inserter(out), "{}_bucket{{{},le=\"+Inf\"}} {}\n", name, labels, cum);
  fmt::format_to(std::back_inserter(out), "{}_count{{{}}} {}\n{}_sum{{{}}} {}\n", name, labels,
                 h.count(), name, labels, h.sum());
}

template <typename T>
void scalar(std::string& out, const char* name, const char* type, const char* help, T v,
            const std::string& labels) {
  header(out, name, type, help);
  fmt::format_to(std::back_inserter(out), "{}{{{}}} {}\n", name, labels, v);
}
}  // namespace

Histogram::Histogram(std::vector<double> upper_bounds)
    : bounds_(std::move(upper_bounds)), counts_(bounds_.size() + 1, 0) {}

void Histogram::observe(double v) {
  auto it = std::lower_bound(bounds_.begin(), bounds_.end(), v);
  ++counts_[size_t(it - bounds_.begin())];
  ++count_;
  sum_ += v;
}

void Histogram::merge(const Histogram& o) {
  for (size_t i = 0; i < counts_.size() && i < o.counts_.size(); ++i) counts_[i] += o.counts_[i];
  count_ += o.count_;
  sum_ += o.sum_;
}

EngineStats sum_stats(const std::vector<EngineStats>& parts) {
  EngineStats t;
  for (const auto& p : parts) {
    t.running += p.running;
    t.waiting += p.waiting;
    t.kv_usage += p.kv_usage / double(parts.size());
    t.kv_capacity_tokens += p.kv_capacity_tokens;
    t.preemptions += p.preemptions;
    t.spec_drafts += p.spec_drafts;
    t.spec_draft_tokens += p.spec_draft_tokens;
    t.spec_accepted_tokens += p.spec_accepted_tokens;
    t.steps += p.steps;
  }
  return t;
}

void SimMetrics::merge(const SimMetrics& o) {
  prompt_tokens_ += o.prompt_tokens_;
  generation_tokens_ += o.generation_tokens_;
  aborted_ += o.aborted_;
  for (const auto& [k, v] : o.success_) success_[k] += v;
  for (const auto& [k, v] : o.http_) http_[k] += v;
  ttft_.merge(o.ttft_);
  itl_.merge(o.itl_);
  e2e_.merge(o.e2e_);
  queue_.merge(o.queue_);
  prefill_.merge(o.prefill_);
  decode_.merge(o.decode_);
  prompt_len_.merge(o.prompt_len_);
  gen_len_.merge(o.gen_len_);
}

SimMetrics::SimMetrics()
    : ttft_(kTtftBuckets),
      itl_(kItlBuckets),
      e2e_(kRequestBuckets),
      queue_(kRequestBuckets),
      prefill_(kRequestBuckets),
      decode_(kRequestBuckets),
      prompt_len_(token_buckets()),
      gen_len_(token_buckets()) {}

void SimMetrics::on_finished(const RequestTimesS& t, const std::string& finish_reason,
                             int prompt_tokens, int generation_tokens) {
  e2e_.observe(t.e2e);
  queue_.observe(t.queue);
  prefill_.observe(t.prefill);
  decode_.observe(t.decode);
  prompt_len_.observe(prompt_tokens);
  gen_len_.observe(generation_tokens);
  ++success_[finish_reason];
}

std::string SimMetrics::render(const EngineStats& st, const std::string& model_name,
                               double time_scale) const {
  std::string out;
  out.reserve(16384);
  const std::string l = fmt::format("engine=\"0\",model_name=\"{}\"", model_name);
  out +=
      "# HELP l4lab_simulated 1: every number on this page comes from l4lab serve-sim's model "
      "(simulated), never from a GPU\n# TYPE l4lab_simulated gauge\nl4lab_simulated 1\n";
  out +=
      "# HELP l4lab_sim_time_scale Modelled times are divided by this factor (1 = modelled "
      "real time; simulated)\n# TYPE l4lab_sim_time_scale gauge\n";
  fmt::format_to(std::back_inserter(out), "l4lab_sim_time_scale {}\n", time_scale);
  scalar(out, "vllm:num_requests_running", "gauge",
         "Number of requests in model execution batches.", st.running, l);
  scalar(out, "vllm:num_requests_waiting", "gauge", "Number of requests waiting to be processed.",
         st.waiting, l);
  scalar(out, "vllm:kv_cache_usage_perc", "gauge", "KV-cache usage. 1 means 100 percent usage.",
         st.kv_usage, l);
  scalar(out, "vllm:num_preemptions_total", "counter",
         "Cumulative number of preemption from the engine.", st.preemptions, l);
  scalar(
      out, "vllm:prefix_cache_queries_total", "counter",
      "Prefix cache queries, in terms of number of queried tokens (no prefix cache is modelled).",
      0, l);
  scalar(out, "vllm:prefix_cache_hits_total", "counter",
         "Prefix cache hits, in terms of number of cached tokens (no prefix cache is modelled).", 0,
         l);
  scalar(out, "vllm:prompt_tokens_total", "counter", "Number of prefill tokens processed.",
         prompt_tokens_, l);
  scalar(out, "vllm:generation_tokens_total", "counter", "Number of generation tokens processed.",
         generation_tokens_, l);
  header(out, "vllm:request_success_total", "counter", "Count of successfully processed requests.");
  for (const char* r : {"stop", "length", "abort"}) {
    auto it = success_.find(r);
    fmt::format_to(std::back_inserter(out),
                   "vllm:request_success_total{{{},finished_reason=\"{}\"}} {}\n", l, r,
                   r == std::string("abort") ? aborted_ : (it == success_.end() ? 0 : it->second));
  }
  scalar(out, "vllm:spec_decode_num_drafts_total", "counter", "Number of spec decoding drafts.",
         st.spec_drafts, l);
  scalar(out, "vllm:spec_decode_num_draft_tokens_total", "counter", "Number of draft tokens.",
         st.spec_draft_tokens, l);
  scalar(out, "vllm:spec_decode_num_accepted_tokens_total", "counter", "Number of accepted tokens.",
         st.spec_accepted_tokens, l);
  scalar(out, "l4lab_sim_kv_capacity_tokens", "gauge", "Modelled KV-cache capacity in tokens.",
         st.kv_capacity_tokens, l);
  scalar(out, "l4lab_sim_engine_steps_total", "counter", "Modelled engine steps.", st.steps, l);
  header(out, "l4lab_sim_http_responses_total", "counter", "HTTP responses by status.");
  for (const auto& [status, n] : http_)
    fmt::format_to(std::back_inserter(out), "l4lab_sim_http_responses_total{{status=\"{}\"}} {}\n",
                   status, n);
  histogram(out, "vllm:time_to_first_token_seconds", "Histogram of time to first token in seconds.",
            ttft_, l);
  histogram(out, "vllm:inter_token_latency_seconds", "Histogram of inter-token latency in seconds.",
            itl_, l);
  histogram(out, "vllm:e2e_request_latency_seconds", "Histogram of e2e request latency in seconds.",
            e2e_, l);
  histogram(out, "vllm:request_queue_time_seconds",
            "Histogram of time spent in WAITING phase for request.", queue_, l);
  histogram(out, "vllm:request_prefill_time_seconds",
            "Histogram of time spent in PREFILL phase for request.", prefill_, l);
  histogram(out, "vllm:request_decode_time_seconds",
            "Histogram of time spent in DECODE phase for request.", decode_, l);
  histogram(out, "vllm:request_prompt_tokens", "Number of prefill tokens processed.", prompt_len_,
            l);
  histogram(out, "vllm:request_generation_tokens", "Number of generation tokens processed.",
            gen_len_, l);
  return out;
}

}  // namespace l4lab::sim
