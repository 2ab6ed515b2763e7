// bench.json (client/bench_stats) and the analysis (summary.json, verify)
// must give the same latency figures for the same traces: both go through
// metrics/latency.h and metrics/percentile.h. The traces are built so the
// old bench TPOT, (t_last_token - t_first_token)/(n-1), would differ from
// the defined one, (E2E - TTFT)/(n-1): each response ends some time after
// its last token ([DONE] and the usage chunk arrive later).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "analysis/group_metrics.h"
#include "analysis/trace_loader.h"
#include "client/bench_stats.h"
#include "traces/trace_json.h"

namespace l4lab::analysis {
namespace {

std::vector<traces::TraceRecord> crafted_traces() {
  std::vector<traces::TraceRecord> out;
  int64_t t0 = 1'000'000'000;
  for (int i = 0; i < 57; ++i) {
    traces::TraceRecord r;
    r.request_id = "r" + std::to_string(i);
    r.task = "qa";
    r.bucket = "S";
    r.phase = i < 3 ? traces::Phase::warmup : traces::Phase::measured;
    r.t_scheduled_ns = t0;
    r.t_sent_ns = t0 + 1'000 + i * 7;
    r.t_first_byte_ns = *r.t_sent_ns + 20'000'000;
    r.t_first_token_ns = *r.t_sent_ns + 30'000'000 + (i * 7919 % 13'000'001);
    const int n = 1 + (i * 31 % 17);  // 1..17 tokens, some single-token requests
    int64_t t = *r.t_first_token_ns;
    for (int k = 0; k < n; ++k) {
      r.chunks.push_back({t, 1});
      t += 9'000'000 + (i * k * 104'729 % 3'000'003);
    }
    r.t_last_token_ns = r.chunks.back().t_ns;
    r.t_end_ns = *r.t_last_token_ns + 100'000 + (i % 5) * 1'234'567;  // [DONE] later
    r.prompt_tokens_pre_send = 100 + i;
    r.usage_prompt_tokens = 100 + i;
    r.usage_completion_tokens = n;
    r.prompt_count_mismatch = false;
    r.http_status = 200;
    r.ok = i % 11 != 5;
    if (!r.ok) r.failure_class = traces::FailureClass::timeout;
    out.push_back(r);
    t0 += 20'000'000;
  }
  return out;
}

TEST(BenchAgreement, BenchJsonAndAnalysisGiveTheSameLatencies) {
  const std::vector<traces::TraceRecord> recs = crafted_traces();
  client::BenchStats bench;
  std::string text;
  for (const auto& r : recs) {
    bench.add(r);
    text += traces::encode_trace(r);
    text += '\n';
  }
  const nlohmann::json b = bench.summary();
  // The analysis reads the same traces as they are written to traces.jsonl.
  TraceLoad load = parse_trace_text(text, "crafted/traces.jsonl");
  ASSERT_EQ(load.lines_skipped, 0u);
  std::vector<const RequestSample*> ptrs;
  for (const auto& s : load.requests) ptrs.push_back(&s);
  const Window w = measurement_window(load.requests);
  const GroupMetrics g = compute_group(ptrs, w.seconds(), AnalysisOptions{});

  struct Pair {
    const char* bench_key;
    const Dist* dist;
  };
  for (const Pair& p :
       {Pair{"tpot_ms", &g.tpot_ms}, Pair{"ttft_ms", &g.ttft_ms}, Pair{"e2e_ms", &g.e2e_ms},
        Pair{"itl_ms", &g.itl_ms}, Pair{"ttft_from_scheduled_ms", &g.ttft_sched_ms},
        Pair{"e2e_from_scheduled_ms", &g.e2e_sched_ms}}) {
    const auto& d = b[p.bench_key];
    ASSERT_EQ(d["count"].get<size_t>(), p.dist->n) << p.bench_key;
    ASSERT_GT(p.dist->n, 10u) << p.bench_key;
    // Exact equality: one definition, one percentile function.
    EXPECT_EQ(d["p50"].get<double>(), p.dist->p50) << p.bench_key;
    EXPECT_EQ(d["p95"].get<double>(), p.dist->p95) << p.bench_key;
    EXPECT_EQ(d["p99"].get<double>(), p.dist->p99) << p.bench_key;
    EXPECT_EQ(d["max"].get<double>(), p.dist->max) << p.bench_key;
    EXPECT_NEAR(d["mean"].get<double>(), p.dist->mean, 1e-12 * p.dist->mean) << p.bench_key;
  }
  EXPECT_EQ(b["requests"]["measured_ok"].get<size_t>(), g.ok);
  EXPECT_EQ(b["window"]["duration_s"].get<double>(), g.window_s);
  EXPECT_EQ(b["throughput"]["requests_per_s"].get<double>(), g.request_throughput);
  EXPECT_EQ(b["throughput"]["output_tokens_per_s"].get<double>(), g.output_throughput);
}

}  // namespace
}  // namespace l4lab::analysis
