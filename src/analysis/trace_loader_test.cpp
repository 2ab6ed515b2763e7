#include "analysis/trace_loader.h"

#include <gtest/gtest.h>

namespace l4lab::analysis {
namespace {

const char* kGood =
    R"({"request_id":"qa-M-0003","task":"qa","bucket":"M","phase":"measured","attempt":0,)"
    R"("t_scheduled_ns":1000000000,"t_sent_ns":1010000000,"t_first_byte_ns":1100000000,)"
    R"("t_first_token_ns":1210000000,"t_last_token_ns":1410000000,"t_end_ns":1420000000,)"
    R"("chunks":[[1210000000,1],[1310000000,2],[1410000000,1]],)"
    R"("prompt_tokens_pre_send":812,"max_tokens":128,"usage_prompt_tokens":812,)"
    R"("usage_completion_tokens":4,"prompt_count_mismatch":false,"http_status":200,)"
    R"("finish_reason":"length","ok":true,"failure_class":null,"failure_detail":null,"error":null})";

TEST(AnalysisTraceLoader, DerivesLatenciesFromOneLine) {
  TraceLoad t = parse_trace_text(std::string(kGood) + "\n", "t.jsonl");
  ASSERT_TRUE(t.warnings.empty()) << t.warnings[0];
  ASSERT_EQ(t.requests.size(), 1u);
  const RequestSample& r = t.requests[0];
  EXPECT_EQ(r.request_id, "qa-M-0003");
  EXPECT_TRUE(r.ok);
  EXPECT_TRUE(r.measured);
  EXPECT_DOUBLE_EQ(r.ttft_ms, 200.0);        // 1210 - 1010
  EXPECT_DOUBLE_EQ(r.e2e_ms, 410.0);         // 1420 - 1010
  EXPECT_DOUBLE_EQ(r.tpot_ms, 210.0 / 3.0);  // (410 - 200) / (4 - 1)
  EXPECT_DOUBLE_EQ(r.ttft_sched_ms, 210.0);  // from t_scheduled
  EXPECT_DOUBLE_EQ(r.e2e_sched_ms, 420.0);
  ASSERT_EQ(r.itl_ms.size(), 2u);
  EXPECT_DOUBLE_EQ(r.itl_ms[0], 100.0);
  EXPECT_EQ(r.prompt_tokens(), 812);
  EXPECT_EQ(r.prompt_count_mismatch, std::optional<bool>(false));
}

TEST(AnalysisTraceLoader, FailureWithNullTimes) {
  const std::string line =
      R"({"request_id":"a","task":"qa","bucket":"S","phase":"measured","t_scheduled_ns":5,)"
      R"("t_sent_ns":null,"t_first_token_ns":null,"t_end_ns":null,"chunks":[],"ok":false,)"
      R"("failure_class":"connection","failure_detail":"refused","http_status":null})";
  TraceLoad t = parse_trace_text(line + "\n", "t.jsonl");
  ASSERT_EQ(t.requests.size(), 1u);
  EXPECT_FALSE(t.requests[0].ok);
  EXPECT_EQ(t.requests[0].failure_class, "connection");
  EXPECT_EQ(t.requests[0].failure_detail, "refused");
  EXPECT_TRUE(std::isnan(t.requests[0].ttft_ms));
}

TEST(AnalysisTraceLoader, BadLinesAreSkippedWithFileLineAndReason) {
  const std::string content =
      std::string(kGood) + "\n" + R"({"request_id":"x","ok":tr)" + "\n" +  // truncated
      R"({"request_id":"y","task":"qa","bucket":"S","phase":"measured","ok":"yes"})" + "\n" +
      R"({"request_id":"z","ok":true} junk)" + "\n" + R"({"task":"qa","ok":true})" +
      "\n" +                                                    // no id
      "\n" + kGood + "\n" + R"({"request_id":"torn","ok":tr)";  // no newline
  TraceLoad t = parse_trace_text(content, "C1/trial-1/traces.jsonl");
  EXPECT_EQ(t.requests.size(), 2u);
  EXPECT_EQ(t.lines_skipped, 5u);
  ASSERT_EQ(t.warnings.size(), 5u);
  EXPECT_NE(t.warnings[0].find("C1/trial-1/traces.jsonl:2:"), std::string::npos) << t.warnings[0];
  EXPECT_NE(t.warnings[1].find(":3: field 'ok'"), std::string::npos) << t.warnings[1];
  EXPECT_NE(t.warnings[2].find(":4: "), std::string::npos) << t.warnings[2];
  EXPECT_NE(t.warnings[3].find(":5: field 'request_id'"), std::string::npos) << t.warnings[3];
  EXPECT_NE(t.warnings[4].find(":8: torn last line"), std::string::npos) << t.warnings[4];
}

}  // namespace
}  // namespace l4lab::analysis
