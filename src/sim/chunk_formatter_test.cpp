#include "sim/chunk_formatter.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace l4lab::sim {
namespace {

nlohmann::json data_json(const std::string& sse) {
  EXPECT_EQ(sse.rfind("data: ", 0), 0u);
  EXPECT_EQ(sse.substr(sse.size() - 2), "\n\n");
  return nlohmann::json::parse(sse.substr(6, sse.size() - 8));
}

TEST(SimChunkFormatter, ChatChunksHaveVllmShape) {
  ChunkFormatter f(Endpoint::kChat, "chatcmpl-1", 1700000000, "serve-sim/\"x\"");
  std::string s;
  f.role_chunk(s, nullptr);
  auto role = data_json(s);
  EXPECT_EQ(role["object"], "chat.completion.chunk");
  EXPECT_EQ(role["model"], "serve-sim/\"x\"");
  EXPECT_EQ(role["choices"][0]["delta"]["role"], "assistant");
  EXPECT_EQ(role["choices"][0]["delta"]["content"], "");
  s.clear();
  Usage u{10, 2};
  f.content_chunk(s, " a\"b\n", "length", &u);
  auto c = data_json(s);
  EXPECT_EQ(c["choices"][0]["delta"]["content"], " a\"b\n");
  EXPECT_EQ(c["choices"][0]["finish_reason"], "length");
  EXPECT_EQ(c["usage"]["total_tokens"], 12);
  s.clear();
  f.usage_chunk(s, u);
  auto usage = data_json(s);
  EXPECT_TRUE(usage["choices"].empty());
  EXPECT_EQ(usage["usage"]["completion_tokens"], 2);
}

TEST(SimChunkFormatter, CompletionBodies) {
  ChunkFormatter f(Endpoint::kCompletion, "cmpl-1", 1, "m");
  std::string s;
  f.content_chunk(s, " hi", nullptr, nullptr);
  auto c = data_json(s);
  EXPECT_EQ(c["object"], "text_completion");
  EXPECT_EQ(c["choices"][0]["text"], " hi");
  EXPECT_TRUE(c["choices"][0]["finish_reason"].is_null());
  Usage u{3, 1};
  auto body = nlohmann::json::parse(f.full_body(" hi", "stop", &u));
  EXPECT_EQ(body["choices"][0]["finish_reason"], "stop");
  EXPECT_EQ(body["usage"]["prompt_tokens"], 3);
}

}  // namespace
}  // namespace l4lab::sim
