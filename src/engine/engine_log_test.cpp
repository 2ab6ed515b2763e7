#include "engine/engine_log.h"

#include <gtest/gtest.h>

namespace l4lab::engine {
namespace {

const char* kLog =
    "INFO 11-27 [api_server.py:1] vLLM API server version 0.x\n"
    "INFO 11-27 [utils.py:2] non-default args: {'model': 'm', 'kv_cache_dtype': 'fp8', "
    "'max_model_len': 8192}\n"
    "INFO 11-27 [cuda.py:3] Using FlashInfer backend.\n";

TEST(AppliedCheck, TrueFalseUnknown) {
  AppliedCheck c;
  c.evidence_line = "non-default args: ";
  c.expect = {"'kv_cache_dtype': 'fp8'"};
  auto a = check_applied_log(c, kLog);
  EXPECT_EQ(a.value, "true");
  EXPECT_NE(a.evidence.find("non-default args"), std::string::npos);

  c.expect = {"'enforce_eager': True"};
  auto f = check_applied_log(c, kLog);
  EXPECT_EQ(f.value, "false");
  EXPECT_NE(f.evidence.find("enforce_eager"), std::string::npos);

  auto u = check_applied_log(c, "nothing here\n");
  EXPECT_EQ(u.value, "unknown");

  c.expect = {"("};
  EXPECT_EQ(check_applied_log(c, kLog).value, "unknown");
}

TEST(AppliedCheck, MetricSettlesUnknown) {
  AppliedCheck c;
  c.metric = "vllm:spec_decode_num_drafts_total";
  c.metric_min = 1;
  Applied unknown;
  EXPECT_EQ(combine_with_metric(unknown, c, 12.0).value, "true");
  EXPECT_EQ(combine_with_metric(unknown, c, 0.0).value, "false");
  EXPECT_EQ(combine_with_metric(unknown, c, std::nullopt).value, "unknown");
  Applied f{"false", "x"};
  EXPECT_EQ(combine_with_metric(f, c, 12.0).value, "false");
}

TEST(ClassifyDeath, OomFromLogOrSigkill) {
  ExitStatus code1{true, 1, 0};
  auto v =
      classify_death(code1, "loading\ntorch.OutOfMemoryError: CUDA out of memory.\n", "crashed");
  EXPECT_EQ(v.status, "oom");
  EXPECT_NE(v.evidence.find("CUDA out of memory"), std::string::npos);
  EXPECT_EQ(classify_death(code1, "Traceback\nValueError\n", "crashed").status, "crashed");
  ExitStatus killed{false, 0, 9};
  EXPECT_EQ(classify_death(killed, "", "crashed").status, "oom");
  ExitStatus abrt{false, 0, 6};
  auto c = classify_death(abrt, "", "crashed");
  EXPECT_EQ(c.status, "crashed");
  EXPECT_NE(c.evidence.find("signal 6"), std::string::npos);
}

TEST(TailLines, KeepsLastN) {
  EXPECT_EQ(tail_lines("a\nb\nc\n", 2), "b\nc\n");
  EXPECT_EQ(tail_lines("a", 5), "a\n");
}

}  // namespace
}  // namespace l4lab::engine
