// serve-sim's routes as vLLM answers them: /health, /v1/models, error bodies,
// /tokenize counts equal to the workload library's, /metrics parsed as
// Prometheus text, and --workers sharing the port.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "sim/sim_server_test_support.h"
#include "workload/chat_template.h"
#include "workload/tokenizer_locator.h"

namespace l4lab::sim::testing {
namespace {

using nlohmann::json;

TEST_F(SimServerTest, HealthModelsAndTheSimulatedLabel) {
  start(exact());
  auto h = request(base_ + "/health");
  EXPECT_EQ(h.status, 200);
  EXPECT_NE(h.headers.find("x-l4lab-simulated: true"), std::string::npos);
  auto m = request(base_ + "/v1/models");
  EXPECT_EQ(m.status, 200);
  auto j = json::parse(m.body);
  EXPECT_EQ(j["data"][0]["id"], "serve-sim/test-exact");
  EXPECT_EQ(j["data"][0]["max_model_len"], 8192);
  EXPECT_EQ(request(base_ + "/nope").status, 404);
}

TEST_F(SimServerTest, ErrorBodiesAsVllm) {
  start(exact());
  auto over = chat({{"max_tokens", 8190}});
  EXPECT_EQ(over.status, 400);
  EXPECT_EQ(
      json::parse(over.body),
      json::parse(
          R"({"error":{"message":"This model's maximum context length is 8192 tokens. However, you requested 8207 tokens (17 in the messages, 8190 in the completion). Please reduce the length of the messages or completion.","type":"BadRequestError","param":null,"code":400}})"));
  auto bad = request(base_ + "/v1/chat/completions", "{not json");
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(json::parse(bad.body)["error"]["type"], "BadRequestError");
  auto model = chat({{"model", "gpt-4"}, {"max_tokens", 1}});
  EXPECT_EQ(model.status, 404);
  EXPECT_EQ(json::parse(model.body)["error"]["code"], 404);
  for (int status : {429, 500, 503}) {
    auto f = chat({{"max_tokens", 2}}, {"x-l4lab-fault: status:" + std::to_string(status)});
    EXPECT_EQ(f.status, status);
    EXPECT_EQ(json::parse(f.body)["error"]["code"], status);
  }
  auto unknown = chat({{"max_tokens", 2}}, {"x-l4lab-fault: explode"});
  EXPECT_EQ(unknown.status, 400);
}

TEST_F(SimServerTest, TokenizeEqualsTheWorkloadLibrary) {
  start(exact());
  auto tok = workload::load_tokenizer("");
  ASSERT_TRUE(tok.ok()) << tok.error().message();
  auto tmpl = workload::MistralV3ChatTemplate::create(**tok);
  ASSERT_TRUE(tmpl.ok());
  const std::vector<workload::Conversation> convs = {
      {{"system", "You are a helpful assistant."}, {"user", "Hello, how are you?"}},
      {{"user", "Hello, how are you?"}},
      {{"user", "Summarise: the cat sat on the mat."},
       {"assistant", "A cat sat."},
       {"user", "Shorter, and say [INST] literally."}},
  };
  for (const auto& conv : convs) {
    json msgs = json::array();
    for (const auto& m : conv) msgs.push_back({{"role", m.role}, {"content", m.content}});
    auto r = request(base_ + "/tokenize", json{{"model", server_->model_id()},
                                               {"messages", msgs},
                                               {"add_generation_prompt", true},
                                               {"add_special_tokens", false}}
                                              .dump());
    ASSERT_EQ(r.status, 200) << r.body;
    auto j = json::parse(r.body);
    auto want = tmpl->encode(conv);
    ASSERT_TRUE(want.ok());
    EXPECT_EQ(j["count"], want->size());
    EXPECT_EQ(j["tokens"].get<std::vector<workload::TokenId>>(), *want);
    EXPECT_EQ(j["max_model_len"], 8192);
    EXPECT_EQ(j["token_strs"].size(), want->size());
  }
  auto ref =
      request(base_ + "/tokenize",
              json{{"messages", {{{"role", "user"}, {"content", "Hello, how are you?"}}}}}.dump());
  EXPECT_EQ(json::parse(ref.body)["tokens"],
            json::parse("[1,3,23325,29493,1678,1228,1136,29572,4]"));
  auto p = request(base_ + "/tokenize", json{{"prompt", "Hello, how are you?"}}.dump());
  auto pj = json::parse(p.body);
  EXPECT_EQ(pj["tokens"][0], 1);
  EXPECT_EQ(pj["count"], (*tok)->encode("Hello, how are you?").size() + 1);
  auto d = request(base_ + "/detokenize",
                   json{{"tokens", {23325, 29493, 1678, 1228, 1136, 29572}}}.dump());
  EXPECT_EQ(json::parse(d.body)["prompt"], "Hello, how are you?");
}

TEST_F(SimServerTest, MetricsParseAndCount) {
  start(exact());
  auto before = metrics();
  for (const char* name :
       {"vllm:num_requests_running", "vllm:num_requests_waiting", "vllm:kv_cache_usage_perc",
        "vllm:num_preemptions_total", "vllm:prompt_tokens_total", "vllm:generation_tokens_total",
        "vllm:time_to_first_token_seconds", "vllm:inter_token_latency_seconds",
        "vllm:e2e_request_latency_seconds", "vllm:request_queue_time_seconds",
        "vllm:prefix_cache_queries_total", "vllm:spec_decode_num_drafts_total",
        "l4lab_simulated"}) {
    ASSERT_TRUE(before.families.count(name)) << name;
    EXPECT_NE(before.families.at(name).help.find("simulated"), std::string::npos) << name;
  }
  EXPECT_EQ(before.families.at("vllm:time_to_first_token_seconds").type, "histogram");
  EXPECT_EQ(before.families.at("vllm:generation_tokens_total").type, "counter");
  EXPECT_EQ(before.find("l4lab_simulated")->value, 1);
  chat({{"max_tokens", 7}, {"ignore_eos", true}, {"stream", true}});
  auto after = metrics();
  EXPECT_EQ(after.find("vllm:generation_tokens_total")->value, 7);
  EXPECT_EQ(after.find("vllm:prompt_tokens_total")->value, 17);
  EXPECT_EQ(after.find("vllm:time_to_first_token_seconds_count")->value, 1);
  EXPECT_EQ(after.find("vllm:e2e_request_latency_seconds_count")->value, 1);
  EXPECT_EQ(after.find("vllm:request_success_total", {{"finished_reason", "length"}})->value, 1);
}

TEST_F(SimServerTest, WorkersShareThePortAndMetricsCountEveryWorker) {
  auto o = exact(2, 1);
  o.workers = 3;
  start(o);
  constexpr int kRequests = 24;
  std::vector<Http> replies(kRequests);
  std::vector<std::thread> clients;
  for (int i = 0; i < kRequests; ++i)  // each request on its own connection
    clients.emplace_back([&, i] {
      replies[size_t(i)] = chat({{"max_tokens", 5},
                                 {"ignore_eos", true},
                                 {"stream", true},
                                 {"stream_options", {{"include_usage", true}}}});
    });
  for (auto& c : clients) c.join();
  std::set<std::string> ids;
  for (const auto& r : replies) {
    ASSERT_EQ(r.status, 200) << r.body;
    auto sse = parse_sse(r.body);
    ASSERT_TRUE(sse.framing_ok) << r.body;
    ASSERT_GE(sse.data.size(), 3u);
    EXPECT_EQ(sse.data.back(), "[DONE]");
    auto usage = json::parse(sse.data[sse.data.size() - 2]);
    EXPECT_EQ(usage["usage"]["completion_tokens"], 5);
    ids.insert(json::parse(sse.data.front())["id"].get<std::string>());
  }
  EXPECT_EQ(ids.size(), size_t(kRequests)) << "request ids must stay unique across workers";
  auto m = metrics();
  EXPECT_EQ(m.find("vllm:generation_tokens_total")->value, 5 * kRequests);
  EXPECT_EQ(m.find("vllm:time_to_first_token_seconds_count")->value, kRequests);
  EXPECT_EQ(m.find("vllm:request_success_total", {{"finished_reason", "length"}})->value,
            kRequests);
  double sum = 0;
  int busy = 0;
  for (const char* w : {"0", "1", "2"}) {
    auto* v = m.find("l4lab_sim_worker_requests_total", {{"worker", w}});
    ASSERT_NE(v, nullptr) << w;
    sum += v->value;
    busy += v->value > 0;
  }
  EXPECT_EQ(sum, kRequests);
  // SO_REUSEPORT hashes each connection to a worker: all 24 on one of 3 has
  // probability 3^-23.
  EXPECT_GE(busy, 2);
}

TEST(SimServerWorkers, MoreThanOneNeedsExactMode) {
  SimServerOptions o;  // the modelled default profile
  o.workers = 2;
  auto s = SimServer::create(o);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message().find("exact mode"), std::string::npos) << s.error().message();
  o.workers = 0;
  EXPECT_FALSE(SimServer::create(o).ok());
}

TEST(SimPrometheusTestParser, RejectsMalformedText) {
  EXPECT_FALSE(parse_prometheus_text("x 1\n").ok());  // no TYPE
  EXPECT_FALSE(parse_prometheus_text("# TYPE x gauge\nx{a=b} 1\n").ok());
  EXPECT_FALSE(parse_prometheus_text("# TYPE x gauge\nx one\n").ok());
  EXPECT_FALSE(parse_prometheus_text(
                   "# TYPE h histogram\nh_bucket{le=\"1\"} 2\nh_bucket{le=\"+Inf\"} 1\nh_count 1\n")
                   .ok());
  EXPECT_TRUE(
      parse_prometheus_text(
          "# TYPE h histogram\nh_bucket{le=\"1\"} 1\nh_bucket{le=\"+Inf\"} 2\nh_count 2\nh_sum 3\n")
          .ok());
}

}  // namespace
}  // namespace l4lab::sim::testing
