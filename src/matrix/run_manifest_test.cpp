#include "matrix/run_manifest.h"

#include <gtest/gtest.h>

namespace l4lab::matrix {
namespace {

TEST(Redaction, EnvAndArgv) {
  auto env = redact_env({{"HF_TOKEN", "hf_abc"},
                         {"OPENAI_API_KEY", "sk"},
                         {"db_password", "x"},
                         {"MY_SECRET_THING", "y"},
                         {"VLLM_SERVER_DEV_MODE", "1"}});
  EXPECT_EQ(env["HF_TOKEN"], "<redacted>");
  EXPECT_EQ(env["OPENAI_API_KEY"], "<redacted>");
  EXPECT_EQ(env["db_password"], "<redacted>");
  EXPECT_EQ(env["MY_SECRET_THING"], "<redacted>");
  EXPECT_EQ(env["VLLM_SERVER_DEV_MODE"], "1");
  auto argv = redact_argv({"vllm", "serve", "--api-key", "sk-1", "--hf-token=abc", "--port", "8",
                           "--max-num-batched-tokens", "2048"});
  EXPECT_EQ(argv, (std::vector<std::string>{"vllm", "serve", "--api-key", "<redacted>",
                                            "--hf-token=<redacted>", "--port", "8",
                                            "--max-num-batched-tokens", "2048"}));
}

TEST(Manifest, HasTheContractFieldsAndNoSecret) {
  engine::EngineConfig c;
  c.name = "C1";
  c.engine.kind = "vllm";
  c.engine.model = "m";
  ManifestInput in;
  in.config = &c;
  in.engine_argv = {"vllm", "serve", "--api-key", "sk-live"};
  in.engine_env = {{"HF_TOKEN", "hf_live"}};
  in.gpu_reason = "no GPU: NVML unavailable";
  auto j = build_manifest(in);
  for (const char* k : {"schema", "lab", "config", "trial", "simulated", "engine", "model",
                        "tokenizer", "workload", "seeds", "bench_argv", "host", "gpu",
                        "clock_anchor", "started_at", "ended_at", "outcome", "applied"})
    EXPECT_TRUE(j.contains(k)) << k;
  EXPECT_TRUE(j["gpu"].is_null());
  EXPECT_EQ(j["gpu_reason"], "no GPU: NVML unavailable");
  EXPECT_FALSE(j.contains("cloud"));
  EXPECT_EQ(j["outcome"]["status"], "interrupted");
  const std::string text = j.dump();
  EXPECT_EQ(text.find("sk-live"), std::string::npos);
  EXPECT_EQ(text.find("hf_live"), std::string::npos);
}

TEST(Manifest, HostCarriesCpuIdentityAndProbe) {
  telemetry::HostInfo h;
  h.cpu = "Intel(R) Xeon(R) Processor";
  h.cpu_id.family = 6;
  h.cpu_id.model = 143;
  h.cpu_id.flags = {"avx512f", "amx_tile"};
  auto j = host_json(h);
  EXPECT_EQ(j["cpu_id"]["model"], 143);
  EXPECT_TRUE(j["cpu_id"]["stepping"].is_null());  // not reported: null, never -1
  EXPECT_TRUE(j["cpu_id"]["mhz"].is_null());
  EXPECT_TRUE(j["cpu_probe"].is_null());  // not run
  h.cpu_probe = telemetry::summarize_cpu_probe({200.0, 100.0, 300.0}, 100);
  j = host_json(h);
  EXPECT_DOUBLE_EQ(j["cpu_probe"]["best_ns_per_op"].get<double>(), 1.0);
  EXPECT_DOUBLE_EQ(j["cpu_probe"]["median_ns_per_op"].get<double>(), 2.0);
  EXPECT_EQ(j["cpu_probe"]["reps"], 3);
}

}  // namespace
}  // namespace l4lab::matrix
