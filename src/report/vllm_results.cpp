#include "report/vllm_results.h"

#include <fmt/compile.h>
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <iterator>

#include "metrics/percentile.h"
#include "report/summary_json.h"

namespace l4lab::report {

using nlohmann::json;
using namespace analysis;
using namespace metrics;

namespace {

// np.mean / np.median / np.std (population) / np.percentile, in ms, of values
// in seconds; vLLM writes 0 for an empty list (np.mean(x or 0)).
void add_metric(json& out, const char* name, std::vector<double> v_s) {
  if (v_s.empty()) v_s.push_back(0);
  double mean = 0;
  for (double x : v_s) mean += x;
  mean /= static_cast<double>(v_s.size());
  double var = 0;
  for (double x : v_s) var += (x - mean) * (x - mean);
  var /= static_cast<double>(v_s.size());
  static constexpr double kQ[] = {50, 95, 99};
  const std::vector<double> p = select_percentiles(v_s, kQ);
  out[fmt::format("mean_{}_ms", name)] = mean * 1000;
  out[fmt::format("median_{}_ms", name)] = p[0] * 1000;
  out[fmt::format("std_{}_ms", name)] = std::sqrt(var) * 1000;
  out[fmt::format("p95_{}_ms", name)] = p[1] * 1000;
  out[fmt::format("p99_{}_ms", name)] = p[2] * 1000;
}

auto dbl(double v) { return std::isfinite(v) ? fmt::format("{}", v) : std::string("null"); }

// A request's [start, end) in seconds from the window's start.
struct Span {
  double start, end;
};

// The per-request lists of vLLM's results file, over measured requests.
struct PerRequest {
  // JSON arrays built as text: "a,b,..." without the brackets.
  std::string input_lens, output_lens, ttfts, itls, latencies, start_times, errors, texts;
  std::vector<double> ttfts_ok, tpots, e2els;  // seconds, successful requests
  std::vector<Span> spans;                     // successful requests
  std::vector<double> token_times;             // every output chunk's arrival, seconds

  void push(std::string& a, const std::string& v) {
    if (!a.empty()) a += ',';
    a += v;
  }

  void add_failed(const RequestSample& r) {
    push(output_lens, "0");
    push(ttfts, "0.0");
    push(itls, "[]");
    push(latencies, "0.0");
    std::string e = r.failure_class;
    if (!r.failure_detail.empty()) e += "/" + r.failure_detail;
    if (!r.error.empty()) e += ": " + r.error;
    push(errors, json(e).dump());
  }

  void add_ok(const RequestSample& r, double start) {
    push(output_lens, std::to_string(r.completion_tokens));
    const double ttft = std::isnan(r.ttft_ms) ? 0.0 : r.ttft_ms / 1000;
    const double e2e = std::isnan(r.e2e_ms) ? 0.0 : r.e2e_ms / 1000;
    push(ttfts, dbl(ttft));
    push(latencies, dbl(e2e));
    push(errors, "\"\"");
    double t = start + ttft;
    token_times.push_back(t);
    if (!itls.empty()) itls += ',';
    itls += '[';
    const size_t open_at = itls.size();
    for (double g : r.itl_ms) {
      if (itls.size() > open_at) itls += ',';
      char tmp[32];
      itls.append(tmp, fmt::format_to(tmp, FMT_COMPILE("{}"), g / 1000));
      t += g / 1000;
      token_times.push_back(t);
    }
    itls += ']';
    ttfts_ok.push_back(ttft);
    e2els.push_back(e2e);
    if (!std::isnan(r.tpot_ms)) tpots.push_back(r.tpot_ms / 1000);
    spans.push_back({start, start + e2e});
  }
};

PerRequest per_request(const RunData& run, const RunSummary& s) {
  PerRequest pr;
  for (const RequestSample& r : run.requests) {
    if (!r.measured) continue;
    pr.push(pr.input_lens, std::to_string(r.prompt_tokens()));
    pr.push(pr.texts, "\"\"");  // the lab does not keep generated text
    const double start =
        r.t_sent_ns ? static_cast<double>(*r.t_sent_ns - s.window.start_ns) / 1e9 : 0.0;
    pr.push(pr.start_times, dbl(start));
    if (r.ok)
      pr.add_ok(r, start);
    else
      pr.add_failed(r);
  }
  return pr;
}

// Peak concurrency: sweep over half-open [start, end), departures first.
int peak_concurrency(const std::vector<Span>& spans) {
  std::vector<std::pair<double, int>> ev;
  for (const auto& sp : spans) {
    ev.push_back({sp.start, 1});
    ev.push_back({sp.end, -1});
  }
  std::sort(ev.begin(), ev.end());
  int cur = 0, peak = 0;
  for (const auto& e : ev) peak = std::max(peak, cur += e.second);
  return peak;
}

// Peak output chunks in any one-second bucket from the first start.
double max_tokens_per_s(const std::vector<Span>& spans, const std::vector<double>& token_times) {
  double max_tps = 0;
  if (spans.empty()) return max_tps;
  double t0 = spans.front().start;
  for (const auto& sp : spans) t0 = std::min(t0, sp.start);
  std::vector<double> buckets;
  for (double t : token_times) {
    const auto b = static_cast<size_t>(std::max(0.0, t - t0));
    if (buckets.size() <= b) buckets.resize(b + 1, 0);
    buckets[b] += 1;
  }
  for (double b : buckets) max_tps = std::max(max_tps, b);
  return max_tps;
}

// ITL: the run's own distribution (already selected), in the same ms; only
// the population std needs one more pass.
void add_itl(json& out, const RunData& run, const Dist& d) {
  double var = 0;
  size_t n = 0;
  for (const RequestSample& r : run.requests)
    if (r.measured && r.ok)
      for (double g : r.itl_ms) {
        var += (g - d.mean) * (g - d.mean);
        ++n;
      }
  const bool any = d.n > 0;
  out["mean_itl_ms"] = any ? d.mean : 0.0;
  out["median_itl_ms"] = any ? d.p50 : 0.0;
  out["std_itl_ms"] = n ? std::sqrt(var / static_cast<double>(n)) : 0.0;
  out["p95_itl_ms"] = any ? d.p95 : 0.0;
  out["p99_itl_ms"] = any ? d.p99 : 0.0;
}

// The run-level fields, in vLLM's names.
void add_totals(json& out, const RunData& run, const RunSummary& s, const AnalysisOptions& o) {
  out["date"] = run.manifest.started_at;
  out["backend"] = "l4lab";
  out["label"] = s.rel_dir;
  out["model_id"] = run.manifest.model.empty() ? run.bench.model : run.manifest.model;
  out["num_prompts"] = s.all.requests;
  out["request_rate"] = run.bench.rate ? json(*run.bench.rate) : json("inf");
  out["max_concurrency"] = run.bench.concurrency ? json(*run.bench.concurrency) : json(nullptr);
  out["duration"] = s.window.valid() ? s.window.seconds() : 0;
  out["completed"] = s.all.ok;
  out["failed"] = s.all.failed;
  out["total_input_tokens"] = s.all.prompt_tokens;
  out["total_output_tokens"] = s.all.output_tokens;
  out["request_throughput"] = num(s.all.request_throughput);
  out["request_goodput"] = o.any_slo() ? num(s.all.goodput_rps) : json(nullptr);
  out["output_throughput"] = num(s.all.output_throughput);
  out["total_token_throughput"] = num(s.all.total_token_throughput);
}

}  // namespace

std::string vllm_results_text(const RunData& run, const RunSummary& s, const AnalysisOptions& o) {
  const PerRequest pr = per_request(run, s);
  json out;
  add_totals(out, run, s, o);
  out["max_output_tokens_per_s"] = max_tokens_per_s(pr.spans, pr.token_times);
  out["max_concurrent_requests"] = peak_concurrency(pr.spans);
  add_metric(out, "ttft", pr.ttfts_ok);
  add_metric(out, "tpot", pr.tpots);
  add_itl(out, run, s.all.itl_ms);
  add_metric(out, "e2el", pr.e2els);
  out["l4lab"] = {{"run", s.rel_dir},
                  {"simulated", s.simulated},
                  {"note",
                   "written by l4lab report from traces.jsonl; measured requests only; "
                   "duration = first measured send to last measured end"}};
  std::string text = out.dump();
  text.pop_back();  // the closing brace; the arrays follow
  for (const auto& [key, arr] :
       {std::pair<const char*, const std::string*>{"input_lens", &pr.input_lens},
        {"output_lens", &pr.output_lens},
        {"ttfts", &pr.ttfts},
        {"itls", &pr.itls},
        {"latencies", &pr.latencies},
        {"start_times", &pr.start_times},
        {"generated_texts", &pr.texts},
        {"errors", &pr.errors}})
    text += fmt::format(",\"{}\":[{}]", key, *arr);
  text += "}\n";
  return text;
}

}  // namespace l4lab::report
