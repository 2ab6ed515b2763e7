// A stream's life as the lab's client relies on in vLLM: SSE framing, usage
// chunks, whole bodies, early stops, and a client that goes away.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "sim/sim_server_test_support.h"

namespace l4lab::sim::testing {
namespace {

using nlohmann::json;

TEST_F(SimServerTest, ChatStreamFramingRoleContentUsageDone) {
  start(exact());
  auto r = chat({{"max_tokens", 12},
                 {"ignore_eos", true},
                 {"stream", true},
                 {"stream_options", {{"include_usage", true}}}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_NE(r.headers.find("text/event-stream"), std::string::npos);
  EXPECT_NE(r.headers.find("x-l4lab-simulated: true"), std::string::npos);
  auto sse = parse_sse(r.body);
  ASSERT_TRUE(sse.framing_ok) << r.body;
  ASSERT_GE(sse.data.size(), 4u);
  EXPECT_EQ(sse.data.back(), "[DONE]");
  auto role = json::parse(sse.data[0]);
  EXPECT_EQ(role["choices"][0]["delta"]["role"], "assistant");
  EXPECT_EQ(role["choices"][0]["delta"]["content"], "");
  auto usage = json::parse(sse.data[sse.data.size() - 2]);
  EXPECT_TRUE(usage["choices"].is_array() && usage["choices"].empty());
  EXPECT_EQ(usage["usage"]["prompt_tokens"], 17);  // REFERENCE.md s.4's example
  EXPECT_EQ(usage["usage"]["completion_tokens"], 12);
  EXPECT_EQ(usage["usage"]["total_tokens"], 29);
  std::string text;
  int content_chunks = 0;
  for (size_t i = 1; i + 2 < sse.data.size(); ++i) {
    auto c = json::parse(sse.data[i]);
    EXPECT_EQ(c["model"], "serve-sim/test-exact");
    EXPECT_FALSE(c.contains("usage"));
    text += c["choices"][0]["delta"]["content"].get<std::string>();
    ++content_chunks;
    const bool last = i + 3 == sse.data.size();
    EXPECT_EQ(c["choices"][0]["finish_reason"].is_null(), !last);
    if (last) {
      EXPECT_EQ(c["choices"][0]["finish_reason"], "length");
    }
  }
  EXPECT_GE(content_chunks, 1);
  // The filler is whole-word pieces: it re-encodes to the tokens it stands for.
  ASSERT_EQ(text[0], ' ');  // each token is " word"; the encoder adds the first space itself
  auto t = request(base_ + "/tokenize",
                   json{{"prompt", text.substr(1)}, {"add_special_tokens", false}}.dump());
  EXPECT_EQ(json::parse(t.body)["count"], 12);
}

TEST_F(SimServerTest, ContinuousUsageIsCumulativeOnEveryChunk) {
  start(exact());
  auto r = chat({{"max_tokens", 6},
                 {"ignore_eos", true},
                 {"stream", true},
                 {"stream_options", {{"include_usage", true}, {"continuous_usage_stats", true}}}});
  auto sse = parse_sse(r.body);
  ASSERT_TRUE(sse.framing_ok);
  int last = -1;
  for (size_t i = 0; i + 1 < sse.data.size(); ++i) {
    auto c = json::parse(sse.data[i]);
    ASSERT_TRUE(c.contains("usage")) << sse.data[i];
    const int ct = c["usage"]["completion_tokens"];
    EXPECT_GE(ct, last);
    last = ct;
  }
  EXPECT_EQ(last, 6);
}

TEST_F(SimServerTest, NonStreamingChatAndCompletions) {
  start(exact());
  auto r = chat({{"max_completion_tokens", 5}, {"ignore_eos", true}});
  ASSERT_EQ(r.status, 200);
  auto j = json::parse(r.body);
  EXPECT_EQ(j["object"], "chat.completion");
  EXPECT_EQ(j["usage"]["completion_tokens"], 5);
  EXPECT_EQ(j["choices"][0]["finish_reason"], "length");
  auto c = request(base_ + "/v1/completions",
                   json{{"prompt", "Hello"}, {"max_tokens", 3}, {"ignore_eos", true}}.dump());
  auto cj = json::parse(c.body);
  EXPECT_EQ(cj["object"], "text_completion");
  EXPECT_EQ(cj["usage"]["prompt_tokens"], 2);  // <s> + "Hello"
  EXPECT_EQ(cj["usage"]["completion_tokens"], 3);
  auto cs = request(base_ + "/v1/completions", json{{"prompt", "Hello"},
                                                    {"max_tokens", 3},
                                                    {"ignore_eos", true},
                                                    {"stream", true},
                                                    {"stream_options", {{"include_usage", true}}}}
                                                   .dump());
  auto sse = parse_sse(cs.body);
  ASSERT_TRUE(sse.framing_ok);
  EXPECT_EQ(sse.data.back(), "[DONE]");
  EXPECT_EQ(json::parse(sse.data[0])["object"], "text_completion");
}

TEST_F(SimServerTest, WithoutIgnoreEosSomeRequestsStopEarlyDeterministically) {
  auto o = exact(0, 0);
  o.profile.eos_probability = 0.5;
  start(o);
  int stops = 0;
  for (int seed = 0; seed < 20; ++seed) {
    auto a = json::parse(chat({{"max_tokens", 50}, {"seed", seed}}).body);
    auto b = json::parse(chat({{"max_tokens", 50}, {"seed", seed}}).body);
    EXPECT_EQ(a["choices"][0]["message"]["content"], b["choices"][0]["message"]["content"]);
    const int n = a["usage"]["completion_tokens"];
    EXPECT_LE(n, 50);
    if (a["choices"][0]["finish_reason"] == "stop") ++stops;
  }
  EXPECT_GT(stops, 0);
  EXPECT_LT(stops, 20);
}

TEST_F(SimServerTest, ClientThatGoesAwayIsAbortedInTheModel) {
  start(exact(1, 20));
  const json body = {{"messages", {{{"role", "user"}, {"content", "hi"}}}},
                     {"max_tokens", 1000},
                     {"ignore_eos", true},
                     {"stream", true}};
  CURL* c = curl_easy_init();
  std::string sink;
  curl_slist* h = curl_slist_append(nullptr, "content-type: application/json");
  const std::string payload = body.dump();
  curl_easy_setopt(c, CURLOPT_URL, (base_ + "/v1/chat/completions").c_str());
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
  curl_easy_setopt(c, CURLOPT_POSTFIELDS, payload.c_str());
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, append_cb);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &sink);
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 200L);  // gives up long before 1000 x 20 ms
  EXPECT_EQ(curl_easy_perform(c), CURLE_OPERATION_TIMEDOUT);
  curl_slist_free_all(h);
  curl_easy_cleanup(c);
  EXPECT_NE(sink.find("\"content\""), std::string::npos);
  double running = 1, aborted = 0;
  for (int i = 0; i < 100 && (running != 0 || aborted != 1); ++i) {
    auto m = metrics();
    running = m.find("vllm:num_requests_running")->value;
    aborted = m.find("vllm:request_success_total", {{"finished_reason", "abort"}})->value;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(running, 0);
  EXPECT_EQ(aborted, 1);
  EXPECT_EQ(request(base_ + "/health").status, 200);
}

}  // namespace
}  // namespace l4lab::sim::testing
