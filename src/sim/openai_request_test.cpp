#include "sim/openai_request.h"

#include <gtest/gtest.h>

namespace l4lab::sim {
namespace {

TEST(SimOpenAiRequest, ChatWithStreamOptions) {
  auto r = parse_generate_request(
      R"({"model":"m","messages":[{"role":"system","content":"s"},{"role":"user","content":[{"type":"text","text":"a"},{"type":"text","text":"b"}]}],
          "max_completion_tokens":7,"stream":true,"stream_options":{"include_usage":true,"continuous_usage_stats":true},
          "ignore_eos":true,"seed":3,"temperature":0})",
      Endpoint::kChat);
  ASSERT_TRUE(r.ok()) << r.error().message();
  EXPECT_EQ(r->messages.size(), 2u);
  EXPECT_EQ(r->messages[1].content, "a\nb");
  EXPECT_EQ(*r->max_tokens, 7);
  EXPECT_TRUE(r->stream && r->include_usage && r->continuous_usage && r->ignore_eos);
  EXPECT_EQ(*r->seed, 3u);
}

TEST(SimOpenAiRequest, CompletionPromptForms) {
  auto a = parse_generate_request(R"({"prompt":"hi","max_tokens":2})", Endpoint::kCompletion);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->prompt, "hi");
  auto b = parse_generate_request(R"({"prompt":[1,2,3]})", Endpoint::kCompletion);
  ASSERT_TRUE(b.ok());
  EXPECT_TRUE(b->prompt_is_ids);
  EXPECT_EQ(b->prompt_ids.size(), 3u);
  EXPECT_FALSE(parse_generate_request(R"({"prompt":["a","b"]})", Endpoint::kCompletion).ok());
}

TEST(SimOpenAiRequest, BadBodiesAreErrors) {
  EXPECT_FALSE(parse_generate_request("{", Endpoint::kChat).ok());
  EXPECT_FALSE(parse_generate_request("[]", Endpoint::kChat).ok());
  EXPECT_FALSE(parse_generate_request(R"({"messages":[],"max_tokens":0})", Endpoint::kChat).ok());
  EXPECT_FALSE(parse_generate_request(R"({"messages":"x"})", Endpoint::kChat).ok());
}

TEST(SimOpenAiRequest, ContextLengthMessageIsVllms) {
  EXPECT_EQ(context_length_message(8192, 8000, 500),
            "This model's maximum context length is 8192 tokens. However, you requested 8500 "
            "tokens (8000 in the messages, 500 in the completion). Please reduce the length of "
            "the messages or completion.");
  auto body = error_body("x", "BadRequestError", 400);
  EXPECT_EQ(body, R"({"error":{"message":"x","type":"BadRequestError","param":null,"code":400}})");
}

}  // namespace
}  // namespace l4lab::sim
