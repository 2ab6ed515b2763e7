#include "client/request_body.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

using namespace l4lab;
using namespace l4lab::client;

TEST(RequestBody, Chat) {
  SamplingOptions s{"m/x", 0.5, true, 7};
  auto j = nlohmann::json::parse(
      chat_request_body({{"system", "be \"brief\""}, {"user", "hi\n"}}, 64, s));
  EXPECT_EQ(j["model"], "m/x");
  EXPECT_EQ(j["messages"][0]["content"], "be \"brief\"");
  EXPECT_EQ(j["messages"][1]["role"], "user");
  EXPECT_EQ(j["max_tokens"], 64);
  EXPECT_EQ(j["stream"], true);
  EXPECT_EQ(j["stream_options"]["include_usage"], true);
  EXPECT_EQ(j["stream_options"]["continuous_usage_stats"], true);
  EXPECT_EQ(j["temperature"], 0.5);
  EXPECT_EQ(j["ignore_eos"], true);
  EXPECT_EQ(j["seed"], 7);
}

TEST(RequestBody, CompletionsSendsTokenIds) {
  SamplingOptions s{"m"};
  auto j = nlohmann::json::parse(completions_request_body({1, 3, 1763, 4}, 8, s));
  EXPECT_EQ(j["prompt"], nlohmann::json::array({1, 3, 1763, 4}));
  EXPECT_FALSE(j.contains("seed"));
  EXPECT_EQ(j["temperature"], 0.0);
}
