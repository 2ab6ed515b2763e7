#include "twin/engine_flags.h"

#include <gtest/gtest.h>

namespace l4lab::twin {
namespace {

TEST(TwinEngineFlags, ReadsAManifestArgvAsTheEngineSawIt) {
  sim::EngineArgs e;
  auto r = apply_vllm_flags(e, {"python3",
                                "-m",
                                "vllm.entrypoints.cli.main",
                                "serve",
                                "/tmp/m7b",
                                "--max-model-len",
                                "8192",
                                "--gpu-memory-utilization",
                                "0.9",
                                "--max-num-seqs",
                                "64",
                                "--max-num-batched-tokens",
                                "2048",
                                "--seed",
                                "0",
                                "--port",
                                "8000",
                                "--quantization",
                                "fp8",
                                "--load-format",
                                "dummy"});
  ASSERT_TRUE(r.ok()) << r.error().message();
  EXPECT_EQ(e.max_num_seqs, 64);
  EXPECT_EQ(e.max_num_batched_tokens, 2048);
  EXPECT_EQ(e.quantization, "fp8");
  EXPECT_TRUE(r->unmodelled.empty());
}

TEST(TwinEngineFlags, ChunkedPrefillOffRaisesTheBudgetAsVllmDoes) {
  sim::EngineArgs e;
  auto r = apply_vllm_flags(e, {"--max-model-len", "8192", "--no-enable-chunked-prefill"});
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(e.enable_chunked_prefill);
  EXPECT_EQ(e.max_num_batched_tokens, 8192);
}

TEST(TwinEngineFlags, SwitchesAndEqualsForms) {
  sim::EngineArgs e;
  auto r = apply_vllm_flags(e, {"--enforce-eager", "--kv-cache-dtype=fp8"});
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(e.enforce_eager);
  EXPECT_EQ(e.kv_cache_dtype, "fp8");
}

TEST(TwinEngineFlags, ReportsWhatItDoesNotModelAndNamesBadValues) {
  sim::EngineArgs e;
  auto r = apply_vllm_flags(e, {"--swap-space", "4", "--tokenizer-pool-size", "8"});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->unmodelled, (std::vector<std::string>{"--swap-space 4", "--tokenizer-pool-size 8"}));
  auto bad = apply_vllm_flags(e, {"--max-num-seqs", "many"});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message().find("--max-num-seqs"), std::string::npos);
}

}  // namespace
}  // namespace l4lab::twin
