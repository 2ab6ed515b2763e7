#include "telemetry/prometheus_parser.h"

#include <gtest/gtest.h>

#include <cmath>

namespace l4lab::telemetry {
namespace {

TEST(PrometheusParser, ParsesVllmStyleText) {
  const char* text =
      "# HELP vllm:num_requests_running Number of requests in model execution batches.\n"
      "# TYPE vllm:num_requests_running gauge\n"
      "vllm:num_requests_running{engine=\"0\",model_name=\"mistralai/Mistral-7B\"} 3.0\n"
      "vllm:kv_cache_usage_perc{model_name=\"m\"} 0.25\n"
      "\n"
      "vllm:time_to_first_token_seconds_bucket{le=\"0.001\",model_name=\"m\"} 0\n"
      "vllm:time_to_first_token_seconds_bucket{le=\"+Inf\",model_name=\"m\"} 12\n"
      "vllm:time_to_first_token_seconds_sum{model_name=\"m\"} 1.5e-01\n"
      "process_start_time_seconds 1.7e9 1700000000000\r\n"
      "weird{path=\"a\\\"b\\\\c\\nd\"} NaN\n"
      "neg -Inf\n";
  auto r = parse_prometheus(text);
  ASSERT_TRUE(r.ok()) << r.error().message();
  ASSERT_EQ(r->size(), 8u);
  EXPECT_EQ((*r)[0].name, "vllm:num_requests_running");
  EXPECT_EQ((*r)[0].labels.at("model_name"), "mistralai/Mistral-7B");
  EXPECT_EQ((*r)[0].labels.at("engine"), "0");
  EXPECT_DOUBLE_EQ((*r)[0].value, 3.0);
  EXPECT_DOUBLE_EQ((*r)[3].value, 12);
  EXPECT_EQ((*r)[3].labels.at("le"), "+Inf");
  EXPECT_DOUBLE_EQ((*r)[4].value, 0.15);
  EXPECT_DOUBLE_EQ((*r)[5].value, 1.7e9);
  EXPECT_EQ((*r)[6].labels.at("path"), "a\"b\\c\nd");
  EXPECT_TRUE(std::isnan((*r)[6].value));
  EXPECT_TRUE(std::isinf((*r)[7].value));
  EXPECT_DOUBLE_EQ(*sum_samples(*r, "vllm:time_to_first_token_seconds_bucket"), 12);
  EXPECT_FALSE(sum_samples(*r, "absent").has_value());
}

TEST(PrometheusParser, ErrorsNameTheLine) {
  auto r = parse_prometheus("ok 1\nbad{le=\"1\" 2\n");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message().find("line 2"), std::string::npos) << r.error().message();
  EXPECT_FALSE(parse_prometheus("x abc\n").ok());
  EXPECT_FALSE(parse_prometheus("x\n").ok());
  EXPECT_FALSE(parse_prometheus("x 1 2 3\n").ok());
}

}  // namespace
}  // namespace l4lab::telemetry
