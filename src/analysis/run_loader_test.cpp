#include "analysis/run_loader.h"

#include <gtest/gtest.h>

#include "analysis/test_util.h"

namespace l4lab::analysis {
namespace {

using testing::temp_dir;
using testing::write;

const char* kManifest =
    R"({"schema":"l4lab.run_manifest/1","config":{"name":"C2","intent":"chunked",
 "factor":"chunked prefill","file":"configs/vllm/C2.yaml","sha256":"abc"},"trial":2,"simulated":true,
 "engine":{"name":"vllm","version":"0.11"},"model":"m","workload":{"path":"p","sha256":"w1","count":3},
 "gpu":null,"gpu_reason":"no driver","outcome":{"status":"oom","reason":"CUDA out of memory",
 "evidence":null,"exit_code":1},"applied":{"value":"true","evidence":"line"}})";

TEST(AnalysisRunLoader, ManifestFields) {
  std::vector<std::string> w;
  RunManifest m = parse_run_manifest(kManifest, "m.json", w);
  EXPECT_TRUE(w.empty());
  EXPECT_EQ(m.config_name, "C2");
  EXPECT_EQ(m.trial, 2);
  EXPECT_TRUE(m.simulated);
  EXPECT_EQ(m.outcome_status, "oom");
  EXPECT_EQ(m.outcome_reason, "CUDA out of memory");
  EXPECT_EQ(m.workload_sha256, "w1");
  EXPECT_EQ(m.engine_version, "0.11");
  EXPECT_EQ(m.gpu_reason, "no driver");
  EXPECT_FALSE(m.gpu_mem_total_mib.has_value());
  EXPECT_EQ(m.gpu_name, "");
  EXPECT_FALSE(m.has_lab_run);
  parse_run_manifest("{not json", "bad.json", w);
  ASSERT_EQ(w.size(), 1u);
  EXPECT_NE(w[0].find("bad.json"), std::string::npos);
}

TEST(AnalysisRunLoader, PredictedManifestKeepsItsProfileAndErrors) {
  std::vector<std::string> w;
  const RunManifest m = parse_run_manifest(
      R"({"schema":"l4lab.run_manifest/1","config":{"name":"C8"},"trial":1,"simulated":true,
          "predicted":true,"prediction":{"profile":"p.yaml",
          "validation_relative_error":{"ttft_p50_ms":-0.29,"tpot_p50_ms":-0.137}}})",
      "m.json", w);
  EXPECT_TRUE(m.predicted);
  EXPECT_EQ(m.prediction_profile, "p.yaml");
  ASSERT_EQ(m.prediction_error.size(), 2u);
  for (const auto& [k, v] : m.prediction_error)
    EXPECT_DOUBLE_EQ(v, k == "ttft_p50_ms" ? -0.29 : -0.137) << k;
  EXPECT_FALSE(parse_run_manifest(R"({"simulated":true})", "m.json", w).predicted);
}

TEST(AnalysisRunLoader, ManifestMachineAndLabRun) {
  std::vector<std::string> w;
  const RunManifest m = parse_run_manifest(
      R"({"config":{"name":"C1"},"gpu":{"name":"NVIDIA L4","count":1,"mem_total_mib":23034},
 "cloud":{"provider":"gcp","machine_type":"g2-standard-8"},
 "lab_run":{"warmup":{"requests":2,"error":null},"metrics_before":"after_warmup"}})",
      "m.json", w);
  EXPECT_TRUE(w.empty());
  EXPECT_EQ(m.gpu_name, "NVIDIA L4");
  EXPECT_EQ(m.gpu_count, 1);
  EXPECT_EQ(m.machine_type, "g2-standard-8");
  EXPECT_TRUE(m.has_lab_run);
  EXPECT_EQ(m.lab_warmup_requests, 2);
  EXPECT_FALSE(m.lab_warmup_error);
  EXPECT_TRUE(m.metrics_before_after_warmup);
  EXPECT_FALSE(m.plan_price.has_value());
  const RunManifest old = parse_run_manifest(
      R"({"config":{"name":"C1"},"gpu":null,"lab_run":{"warmup":{"requests":1,"error":"refused"}}})",
      "old.json", w);
  EXPECT_TRUE(old.has_lab_run);
  EXPECT_TRUE(old.lab_warmup_error);
  EXPECT_FALSE(old.metrics_before_after_warmup);
  const RunManifest priced = parse_run_manifest(
      R"({"config":{"name":"C1"},"price":{"usd_per_hour":0.71,"gpu_name":"NVIDIA L4","gpu_count":1,
 "machine_type":"g2-standard-4","source":"q"}})",
      "p.json", w);
  ASSERT_TRUE(priced.plan_price.has_value());
  EXPECT_DOUBLE_EQ(priced.plan_price->usd_per_hour, 0.71);
  EXPECT_EQ(priced.plan_price->machine_type, "g2-standard-4");
  EXPECT_TRUE(w.empty());
}

TEST(AnalysisRunLoader, EngineMetricsKeepOnlyUsedSeries) {
  std::vector<std::string> w;
  auto v = parse_engine_metrics(
      R"({"t_ns":5,"phase":"during","samples":[{"name":"vllm:kv_cache_usage_perc","labels":{"model_name":"m"},"value":0.25},)"
      R"({"name":"vllm:other","labels":{},"value":1},)"
      R"({"name":"vllm:e2e_request_latency_seconds_bucket","labels":{"le":"+Inf"},"value":"+Inf"}]})"
      "\nnot json\n",
      "e.jsonl", w);
  ASSERT_EQ(v.size(), 1u);
  ASSERT_EQ(v[0].samples.size(), 2u);
  EXPECT_EQ(v[0].samples[0].value, 0.25);
  EXPECT_EQ(v[0].samples[1].le, "+Inf");
  ASSERT_EQ(w.size(), 1u);
  EXPECT_NE(w[0].find("e.jsonl:2"), std::string::npos);
  // The telemetry writer (nlohmann) sorts keys: labels before name, t_ns last.
  auto sorted = parse_engine_metrics(
      R"({"phase":"during","samples":[{"labels":{"le":"0.5"},"name":"vllm:time_to_first_token_seconds_bucket","value":3},)"
      R"({"labels":{"le":"0.5"},"name":"vllm:other_bucket","value":9}],"t_ns":7})"
      "\n",
      "e.jsonl", w);
  ASSERT_EQ(sorted.size(), 1u);
  EXPECT_EQ(sorted[0].t_ns, 7);
  ASSERT_EQ(sorted[0].samples.size(), 1u);
  EXPECT_EQ(sorted[0].samples[0].le, "0.5");
  EXPECT_EQ(sorted[0].samples[0].value, 3);
}

TEST(AnalysisRunLoader, StudyWithMissingTracesStillLoadsTheRest) {
  const std::string root = temp_dir("study");
  write(root + "/C1/trial-1/run_manifest.json",
        R"({"config":{"name":"C1"},"trial":1,"outcome":{"status":"ok"}})");
  write(
      root + "/C1/trial-1/traces.jsonl",
      R"({"request_id":"a","task":"qa","bucket":"S","phase":"measured","t_sent_ns":0,"t_first_token_ns":1000000,"t_end_ns":2000000,"chunks":[[1000000,1]],"usage_completion_tokens":1,"ok":true})"
      "\n");
  write(root + "/C2/trial-1/run_manifest.json",
        R"({"config":{"name":"C2"},"trial":1,"outcome":{"status":"crashed","reason":"exit 139"}})");
  write(root + "/matrix_state.jsonl",
        R"({"config":"C3","trial":1,"status":"ok","dir":"C3/trial-1"})"
        "\n");
  auto s = load_study(root);
  ASSERT_TRUE(s.ok());
  ASSERT_EQ(s->runs.size(), 2u);
  EXPECT_EQ(s->runs[0].requests.size(), 1u);
  EXPECT_FALSE(s->runs[1].has_traces);
  ASSERT_FALSE(s->runs[1].warnings.empty());
  EXPECT_NE(s->runs[1].warnings[0].find("C2/trial-1/traces.jsonl: missing"), std::string::npos);
  ASSERT_EQ(s->warnings.size(), 1u);
  EXPECT_NE(s->warnings[0].find("C3/trial-1"), std::string::npos) << s->warnings[0];
  EXPECT_FALSE(load_study(root + "/nope").ok());
}

TEST(AnalysisRunLoader, BenchJsonTimingQuality) {
  std::vector<std::string> w;
  const BenchInfo b = parse_bench_json(
      R"({"schedule": {"kind": "closed", "concurrency": 8},
          "timing_quality": {"verdict": "timing degraded",
                             "canary_lateness_ms": {"count": 9, "p50": 0.1, "p99": 4.5, "max": 12}}})",
      "bench.json", w);
  EXPECT_TRUE(w.empty());
  EXPECT_EQ(b.timing_verdict, "timing degraded");
  EXPECT_EQ(b.timing_canary_p99_ms, 4.5);
  EXPECT_EQ(b.timing_canary_max_ms, 12.0);
  // Older bench.json files have none: no verdict, not a warning.
  const BenchInfo old = parse_bench_json(R"({"schedule": "closed"})", "old.json", w);
  EXPECT_TRUE(w.empty());
  EXPECT_EQ(old.timing_verdict, "");
  EXPECT_FALSE(old.timing_canary_p99_ms.has_value());
}

}  // namespace
}  // namespace l4lab::analysis
