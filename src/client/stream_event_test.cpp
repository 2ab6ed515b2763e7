#include "client/stream_event.h"

#include <gtest/gtest.h>

using namespace l4lab;
using namespace l4lab::client;

namespace {
StreamEvent dec(std::string s, bool expect_ok = true) {
  StreamEventDecoder d;
  StreamEvent ev;
  std::string why;
  EXPECT_EQ(d.decode(s, ev, why), expect_ok) << why;
  return ev;
}
}  // namespace

TEST(StreamEvent, RoleOnlyChunkIsNotContent) {
  auto ev = dec(
      R"({"id":"x","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}],"usage":null})");
  EXPECT_TRUE(ev.has_choices);
  EXPECT_TRUE(ev.role);
  EXPECT_FALSE(ev.content);
  EXPECT_FALSE(ev.usage_completion_tokens);
  auto ev2 = dec(R"({"choices":[{"delta":{"role":"assistant"}}]})");
  EXPECT_FALSE(ev2.content);
}

TEST(StreamEvent, ContentWithContinuousUsage) {
  auto ev = dec(
      R"({"choices":[{"index":0,"delta":{"content":"Hel\"lo"},"finish_reason":null}],"usage":{"prompt_tokens":17,"total_tokens":20,"completion_tokens":3}})");
  EXPECT_TRUE(ev.content);
  EXPECT_EQ(ev.usage_prompt_tokens, 17);
  EXPECT_EQ(ev.usage_completion_tokens, 3);
}

TEST(StreamEvent, CompletionsTextAndFinish) {
  auto ev = dec(R"({"choices":[{"text":" the","index":0,"finish_reason":"length"}]})");
  EXPECT_TRUE(ev.content);
  EXPECT_EQ(ev.finish_reason, "length");
}

TEST(StreamEvent, FinalUsageChunkAndDone) {
  auto ev =
      dec(R"({"choices":[],"usage":{"prompt_tokens":5,"completion_tokens":9,"total_tokens":14}})");
  EXPECT_FALSE(ev.has_choices);
  EXPECT_EQ(ev.usage_completion_tokens, 9);
  EXPECT_TRUE(dec("[DONE]").done);
}

TEST(StreamEvent, ErrorObject) {
  auto ev = dec(R"({"error":{"message":"boom","type":"InternalServerError","code":500}})");
  EXPECT_TRUE(ev.error);
  EXPECT_EQ(ev.error_message, "boom");
}

TEST(StreamEvent, MalformedJson) {
  StreamEventDecoder d;
  StreamEvent ev;
  std::string why;
  std::string s = R"({"choices":[{"delta":{"content":"x"}})";
  EXPECT_FALSE(d.decode(s, ev, why));
  EXPECT_NE(why.find("bad JSON"), std::string::npos);
  std::string u = "not json";
  EXPECT_FALSE(d.decode(u, ev, why));
}
