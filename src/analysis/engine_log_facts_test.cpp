#include "analysis/engine_log_facts.h"

#include <gtest/gtest.h>

namespace l4lab::analysis {
namespace {

// Lines as vLLM 0.25.0 printed them on the H200 (docs/results/2026-12-01-vllm-h200).
const char* kLog =
    "(EngineCore pid=1003) INFO 12-01 22:28:16 [cuda.py:476] Using FLASH_ATTN attention backend "
    "out of potential backends: ['FLASH_ATTN', 'TRITON_ATTN', 'FLEX_ATTENTION'].\n"
    "(EngineCore pid=1003) INFO 12-01 22:28:17 [model_runner.py:302] Model loading took 13.51 "
    "GiB and 1.810254 seconds\n"
    "(EngineCore pid=1003) INFO 12-01 22:28:49 [gpu_worker.py:538] Available KV cache memory: "
    "111.79 GiB\n"
    "(EngineCore pid=1003) INFO 12-01 22:28:49 [kv_cache_utils.py:2146] GPU KV cache size: "
    "915,744 tokens\r\n"
    "(EngineCore pid=1003) INFO 12-01 22:28:49 [kv_cache_utils.py:2147] Maximum concurrency for "
    "8,192 tokens per request: 111.79x\n"
    "(EngineCore pid=1003) INFO 12-01 22:29:11 [core.py:337] init engine (profile, create kv "
    "cache, warmup model) took 54.66 s (compilation: 29.56 s)\n"
    "(APIServer pid=873) INFO:     127.0.0.1:40000 - \"POST /v1/chat/completions HTTP/1.1\" 200 OK";

TEST(EngineLogFacts, ReadsVllmStartupLines) {
  const auto f = read_engine_log_facts(kLog);
  ASSERT_TRUE(f.kv_cache_tokens);
  EXPECT_EQ(f.kv_cache_tokens->value, 915744);
  EXPECT_NE(f.kv_cache_tokens->line.find("GPU KV cache size"), std::string::npos);
  EXPECT_EQ(f.kv_cache_tokens->line.back(), 's');  // '\r' trimmed
  ASSERT_TRUE(f.kv_cache_memory_gib);
  EXPECT_DOUBLE_EQ(f.kv_cache_memory_gib->value, 111.79);
  ASSERT_TRUE(f.weights_gib);
  EXPECT_DOUBLE_EQ(f.weights_gib->value, 13.51);
  ASSERT_TRUE(f.max_concurrency);
  EXPECT_DOUBLE_EQ(f.max_concurrency->value, 111.79);
  ASSERT_TRUE(f.init_engine_s);
  EXPECT_DOUBLE_EQ(f.init_engine_s->value, 54.66);
  ASSERT_TRUE(f.compile_s);
  EXPECT_DOUBLE_EQ(f.compile_s->value, 29.56);
  EXPECT_EQ(f.attention_backend, "FLASH_ATTN");
  EXPECT_TRUE(f.any());
}

TEST(EngineLogFacts, OtherLogsGiveNoFacts) {
  const auto f = read_engine_log_facts("serve-sim listening on 127.0.0.1:8000\nGPU KV cache\n");
  EXPECT_FALSE(f.any());
  EXPECT_FALSE(f.kv_cache_tokens);
  EXPECT_FALSE(read_engine_log_facts("").any());
}

TEST(EngineLogFacts, TheLastStartWins) {
  const auto f =
      read_engine_log_facts("GPU KV cache size: 100 tokens\nGPU KV cache size: 1,876,800 tokens\n");
  ASSERT_TRUE(f.kv_cache_tokens);
  EXPECT_EQ(f.kv_cache_tokens->value, 1876800);
}

// C7 (ngram speculative decoding) with dummy weights on the H200, 2026-12-02.
TEST(EngineLogFacts, ReadsTheLastDraftAcceptanceRate) {
  const auto f = read_engine_log_facts(
      "(APIServer pid=1587) INFO 12-02 04:46:59 [metrics.py:120] SpecDecoding metrics: Mean "
      "acceptance length: 5.68, Accepted throughput: 878.70 tokens/s, Drafted throughput: 878.70 "
      "tokens/s, Accepted: 9497 tokens, Drafted: 9497 tokens, Per-position acceptance rate: "
      "1.000, 1.000, 0.908, 0.908, 0.864, Avg Draft acceptance rate: 100.0%\n"
      "(APIServer pid=1587) INFO 12-02 04:47:09 [metrics.py:120] SpecDecoding metrics: Mean "
      "acceptance length: 3.10, Avg Draft acceptance rate: 42.5%\n");
  ASSERT_TRUE(f.draft_acceptance_pct);
  EXPECT_DOUBLE_EQ(f.draft_acceptance_pct->value, 42.5);
  EXPECT_FALSE(read_engine_log_facts(kLog).draft_acceptance_pct);
}

TEST(EngineLogFacts, ReadsServeSimProfileSource) {
  const auto f = read_engine_log_facts(
      "INFO serve-sim profile 'l4-mistral7b' mode modelled (SIMULATED)\n"
      "INFO serve-sim profile source: profile 'l4-mistral7b' (built in): first principles, "
      "error unknown\n"
      "INFO serve-sim ready on http://127.0.0.1:1\n");
  EXPECT_EQ(f.sim_profile_source,
            "profile 'l4-mistral7b' (built in): first principles, error unknown");
  EXPECT_TRUE(read_engine_log_facts(kLog).sim_profile_source.empty());
}

}  // namespace
}  // namespace l4lab::analysis
