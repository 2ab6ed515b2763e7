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

// Found by fuzz/openai_request_fuzz: each of these threw out of the parser
// (nlohmann type_error) or converted a float to int (undefined behaviour)
// instead of answering 400. Inputs kept in fuzz/regressions/openai_request_fuzz.
TEST(SimOpenAiRequest, WrongTypesAreErrorsNotExceptions) {
  const char* chat_bodies[] = {
      R"({"messages":[{"role":"user","content":[{"type":"text","text":1}]}]})",
      R"({"messages":[{"role":"user","content":[{"type":1,"text":"a"}]}]})",
      R"({"messages":[{"role":"user","content":"a"}],"stream":"yes"})",
      R"({"messages":[{"role":"user","content":"a"}],"stream":1})",
      R"({"messages":[{"role":"user","content":"a"}],"model":7})",
      R"({"messages":[{"role":"user","content":"a"}],"temperature":"hot"})",
      R"({"messages":[{"role":"user","content":"a"}],"stream_options":{"include_usage":0}})",
  };
  for (const char* body : chat_bodies) {
    auto r = parse_generate_request(body, Endpoint::kChat);
    EXPECT_FALSE(r.ok()) << body;
  }
  EXPECT_FALSE(parse_tokenize_request(R"({"prompt":["a"]})").ok());
  EXPECT_FALSE(parse_tokenize_request(R"({"prompt":"a","add_special_tokens":"no"})").ok());
}

TEST(SimOpenAiRequest, TokenIdsMustBeInRange) {
  for (const char* tokens : {"[1e300]", "[225577777777777777777777777777]", "[1.5]", "[-1]",
                             "[2147483648]", "[18446744073709551615]", "[\"a\"]", "7"}) {
    const std::string body = std::string(R"({"tokens":)") + tokens + "}";
    auto d = parse_detokenize_request(body);
    ASSERT_FALSE(d.ok()) << body;
    EXPECT_NE(d.error().message().find("tokens"), std::string::npos) << d.error().message();
    if (tokens[0] != '[') continue;
    const std::string prompt = std::string(R"({"prompt":[1,)") + (tokens + 1) + "}";
    EXPECT_FALSE(parse_generate_request(prompt, Endpoint::kCompletion).ok()) << prompt;
  }
  auto ok = parse_detokenize_request(R"({"tokens":[0,2147483647]})");
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->back(), 2147483647);
}

TEST(SimOpenAiRequest, HugeUnsignedMaxTokensIsClampedNotNegative) {
  auto r = parse_generate_request(R"({"prompt":"a","max_tokens":18446744073709551615})",
                                  Endpoint::kCompletion);
  ASSERT_TRUE(r.ok()) << r.error().message();
  EXPECT_EQ(*r->max_tokens, 1 << 30);
}

}  // namespace
}  // namespace l4lab::sim
