#include "matrix/summary_table.h"

#include <gtest/gtest.h>

namespace l4lab::matrix {
namespace {

TEST(SummaryTable, RowFromManifestAndTraces) {
  const char* manifest =
      R"({"config":{"name":"C2"},"trial":1,"simulated":true,"outcome":{"status":"ok"},"applied":{"value":"true"}})";
  std::string traces;
  for (int i = 1; i <= 4; ++i)
    traces += "{\"phase\":\"measured\",\"ok\":true,\"t_sent_ns\":0,\"t_first_token_ns\":" +
              std::to_string(i * 1000000) + ",\"t_end_ns\":" + std::to_string(i * 1000000000LL) +
              ",\"usage_completion_tokens\":10}\n";
  traces +=
      "{\"phase\":\"warmup\",\"ok\":true,\"t_sent_ns\":0,\"t_first_token_ns\":1,\"t_end_ns\":2}\n";
  traces +=
      "{\"phase\":\"measured\",\"ok\":false,\"t_sent_ns\":0,\"t_first_token_ns\":null,\"t_end_ns\":"
      "5}\n";
  auto r = summarise_run(manifest, traces);
  EXPECT_EQ(r.config, "C2");
  EXPECT_EQ(r.status, "ok");
  EXPECT_EQ(r.requests, 5);
  EXPECT_EQ(r.ok, 4);
  EXPECT_DOUBLE_EQ(r.ttft_p50_ms, 2);
  EXPECT_DOUBLE_EQ(r.ttft_p95_ms, 4);
  EXPECT_DOUBLE_EQ(r.e2e_p50_ms, 2000);
  EXPECT_DOUBLE_EQ(r.out_tok_s, 10);  // 40 tokens over 4 s
  EXPECT_TRUE(r.simulated);
}

}  // namespace
}  // namespace l4lab::matrix
