// Conformance of serve-sim against what the lab's client relies on in vLLM:
// SSE framing, usage chunks, error bodies, /tokenize counts equal to the
// workload library's, /metrics parsed as Prometheus text, faults, and
// waiting under KV pressure. The server runs in-process on an ephemeral port;
// the client is plain libcurl. No timing assertions (see bench/sim for those).
#include "sim/sim_server.h"

#include <curl/curl.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "sim/prometheus_text_test_parser.h"
#include "sim/virtual_run.h"
#include "workload/chat_template.h"
#include "workload/tokenizer_locator.h"

namespace l4lab::sim {
namespace {

using nlohmann::json;

struct Http {
  long status = 0;
  CURLcode code = CURLE_OK;
  std::string body, headers;
};

size_t append_cb(char* p, size_t n, size_t m, void* out) {
  static_cast<std::string*>(out)->append(p, n * m);
  return n * m;
}

Http request(const std::string& url, const std::string& body = "",
             const std::vector<std::string>& extra_headers = {}) {
  Http r;
  CURL* c = curl_easy_init();
  curl_slist* h = curl_slist_append(nullptr, "content-type: application/json");
  for (const auto& x : extra_headers) h = curl_slist_append(h, x.c_str());
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
  if (!body.empty()) curl_easy_setopt(c, CURLOPT_POSTFIELDS, body.c_str());
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, append_cb);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &r.body);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, append_cb);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &r.headers);
  curl_easy_setopt(c, CURLOPT_TIMEOUT, 60L);
  r.code = curl_easy_perform(c);
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r.status);
  curl_slist_free_all(h);
  curl_easy_cleanup(c);
  return r;
}

// SSE framing: every event is exactly one "data: ..." line followed by a blank line.
struct Sse {
  std::vector<std::string> data;
  bool framing_ok = true;
};
Sse parse_sse(const std::string& body) {
  Sse s;
  size_t pos = 0;
  while (pos < body.size()) {
    size_t end = body.find("\n\n", pos);
    if (end == std::string::npos) {
      s.framing_ok = false;
      break;
    }
    std::string ev = body.substr(pos, end - pos);
    if (ev.rfind("data: ", 0) != 0 || ev.find('\n') != std::string::npos) s.framing_ok = false;
    s.data.push_back(ev.size() >= 6 ? ev.substr(6) : ev);
    pos = end + 2;
  }
  return s;
}

class SimServerTest : public ::testing::Test {
 protected:
  void start(SimServerOptions o) {
    auto s = SimServer::create(std::move(o));
    ASSERT_TRUE(s.ok()) << s.error().message();
    server_ = std::move(*s);
    base_ = "http://127.0.0.1:" + std::to_string(server_->port());
    thread_ = std::thread([this] { (void)server_->run(); });
  }
  void TearDown() override {
    if (server_) {
      server_->stop();
      thread_.join();
    }
  }
  static SimServerOptions exact(double ttft_ms = 2, double itl_ms = 1) {
    SimServerOptions o;
    o.profile.name = "test-exact";
    o.profile.mode = SimMode::kExact;
    o.profile.exact = {ttft_ms, itl_ms};
    return o;
  }
  Http chat(json body, const std::vector<std::string>& headers = {}) {
    if (!body.contains("messages"))
      body["messages"] = {{{"role", "system"}, {"content", "You are a helpful assistant."}},
                          {{"role", "user"}, {"content", "Hello, how are you?"}}};
    return request(base_ + "/v1/chat/completions", body.dump(), headers);
  }
  testing::PromText metrics() {
    auto r = request(base_ + "/metrics");
    EXPECT_EQ(r.status, 200);
    auto p = testing::parse_prometheus_text(r.body);
    EXPECT_TRUE(p.ok()) << p.error().message();
    return p.ok() ? *p : testing::PromText{};
  }
  std::unique_ptr<SimServer> server_;
  std::thread thread_;
  std::string base_;
};

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
  auto tok = load_tokenizer("");
  ASSERT_TRUE(tok.ok()) << tok.error().message();
  auto tmpl = MistralV3ChatTemplate::create(**tok);
  ASSERT_TRUE(tmpl.ok());
  const std::vector<Conversation> convs = {
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
    EXPECT_EQ(j["tokens"].get<std::vector<TokenId>>(), *want);
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

TEST(SimPrometheusTestParser, RejectsMalformedText) {
  EXPECT_FALSE(testing::parse_prometheus_text("x 1\n").ok());  // no TYPE
  EXPECT_FALSE(testing::parse_prometheus_text("# TYPE x gauge\nx{a=b} 1\n").ok());
  EXPECT_FALSE(testing::parse_prometheus_text("# TYPE x gauge\nx one\n").ok());
  EXPECT_FALSE(testing::parse_prometheus_text(
                   "# TYPE h histogram\nh_bucket{le=\"1\"} 2\nh_bucket{le=\"+Inf\"} 1\nh_count 1\n")
                   .ok());
  EXPECT_TRUE(
      testing::parse_prometheus_text(
          "# TYPE h histogram\nh_bucket{le=\"1\"} 1\nh_bucket{le=\"+Inf\"} 2\nh_count 2\nh_sum 3\n")
          .ok());
}

TEST_F(SimServerTest, FaultsAsDocumented) {
  start(exact());
  const json stream = {{"max_tokens", 8},
                       {"ignore_eos", true},
                       {"stream", true},
                       {"stream_options", {{"include_usage", true}}}};
  {
    auto r = chat(stream, {"x-l4lab-fault: missing_usage"});
    auto sse = parse_sse(r.body);
    EXPECT_TRUE(sse.framing_ok);
    EXPECT_EQ(sse.data.back(), "[DONE]");
    for (const auto& d : sse.data)
      if (d != "[DONE]") {
        EXPECT_FALSE(json::parse(d).contains("usage"));
      }
  }
  {
    auto r = chat(stream, {"x-l4lab-fault: zero_completion"});
    auto sse = parse_sse(r.body);
    auto usage = json::parse(sse.data[sse.data.size() - 2]);
    EXPECT_EQ(usage["usage"]["completion_tokens"], 0);
    for (size_t i = 0; i + 2 < sse.data.size(); ++i)
      EXPECT_EQ(json::parse(sse.data[i])["choices"][0]["delta"]["content"], "");
  }
  {
    auto r = chat(stream, {"x-l4lab-fault: malformed_json"});
    int bad = 0;
    for (const auto& d : parse_sse(r.body).data)
      if (d != "[DONE]" && json::parse(d, nullptr, false).is_discarded()) ++bad;
    EXPECT_EQ(bad, 1);
  }
  {
    auto r = chat(stream, {"x-l4lab-fault: malformed_sse"});
    EXPECT_FALSE(parse_sse(r.body).framing_ok);
    EXPECT_NE(r.body.find("data: [DONE]"), std::string::npos);
  }
  {
    auto r = chat(stream, {"x-l4lab-fault: reset_mid_stream"});
    EXPECT_EQ(r.code, CURLE_RECV_ERROR);  // "Connection reset by peer", not a clean close
    EXPECT_NE(r.body.find("\"content\""), std::string::npos);
    EXPECT_EQ(r.body.find("[DONE]"), std::string::npos);
  }
  {
    auto r = chat(stream, {"x-l4lab-fault: close_mid_stream"});
    EXPECT_NE(r.code, CURLE_OK);
    EXPECT_EQ(r.body.find("[DONE]"), std::string::npos);
  }
  {
    auto r = chat(stream, {"x-l4lab-fault: stall_first_token:30, stall_between_chunks:20"});
    auto sse = parse_sse(r.body);
    EXPECT_TRUE(sse.framing_ok);
    auto usage = json::parse(sse.data[sse.data.size() - 2]);
    EXPECT_EQ(usage["usage"]["completion_tokens"], 8);
  }
  // The server is still healthy after every fault.
  EXPECT_EQ(request(base_ + "/health").status, 200);
  auto m = metrics();
  EXPECT_EQ(m.find("vllm:num_requests_running")->value, 0);
}

TEST_F(SimServerTest, LoadBeyondKvCapacityWaitsAndTtftGrows) {
  SimServerOptions o;
  o.profile.name = "tiny-kv";
  o.profile.engine.max_model_len = 1024;
  o.profile.engine.max_num_batched_tokens = 1024;
  o.profile.costs.kv_capacity_tokens = 2048;  // three 600-token prompts
  o.time_scale = 20;
  start(o);
  const json body = {{"prompt", std::vector<int>(600, 1500)},
                     {"max_tokens", 50},
                     {"ignore_eos", true},
                     {"stream", true}};
  auto alone = request(base_ + "/v1/completions", body.dump());
  ASSERT_EQ(alone.status, 200);
  auto m1 = metrics();
  const double ttft_alone = m1.find("vllm:time_to_first_token_seconds_sum")->value;

  std::atomic<bool> done{false};
  std::thread load([&] {
    CURLM* multi = curl_multi_init();
    std::vector<std::string> sinks(24);
    std::vector<CURL*> easies;
    curl_slist* h = curl_slist_append(nullptr, "content-type: application/json");
    const std::string payload = body.dump();
    for (auto& sink : sinks) {
      CURL* c = curl_easy_init();
      curl_easy_setopt(c, CURLOPT_URL, (base_ + "/v1/completions").c_str());
      curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
      curl_easy_setopt(c, CURLOPT_POSTFIELDS, payload.c_str());
      curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, append_cb);
      curl_easy_setopt(c, CURLOPT_WRITEDATA, &sink);
      curl_multi_add_handle(multi, c);
      easies.push_back(c);
    }
    int running = 1;
    while (running) {
      curl_multi_perform(multi, &running);
      curl_multi_poll(multi, nullptr, 0, 100, nullptr);
    }
    for (CURL* c : easies) {
      curl_multi_remove_handle(multi, c);
      curl_easy_cleanup(c);
    }
    curl_slist_free_all(h);
    curl_multi_cleanup(multi);
    done = true;
  });
  double max_waiting = 0, max_kv = 0;
  while (!done) {
    auto m = metrics();
    if (auto* w = m.find("vllm:num_requests_waiting"))
      max_waiting = std::max(max_waiting, w->value);
    if (auto* k = m.find("vllm:kv_cache_usage_perc")) max_kv = std::max(max_kv, k->value);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  load.join();
  EXPECT_GT(max_waiting, 0);
  EXPECT_GT(max_kv, 0.5);
  auto m2 = metrics();
  const double n = m2.find("vllm:time_to_first_token_seconds_count")->value - 1;
  const double mean_ttft_loaded =
      (m2.find("vllm:time_to_first_token_seconds_sum")->value - ttft_alone) / n;
  EXPECT_EQ(n, 24);
  // Modelled seconds: queueing behind the KV cache dwarfs one prefill.
  EXPECT_GT(mean_ttft_loaded, 5 * ttft_alone);
  EXPECT_GT(m2.find("vllm:request_queue_time_seconds_sum")->value, 0);
}

// One engine model, two clocks: the HTTP server (wall clock, late timer
// wake-ups, requests arriving while steps run) and the virtual-time run give
// the same per-request emission times for the same arrivals. The server's
// model timelines come from its timeline sink; the virtual run replays their
// arrival times open loop. Exact equality, no timing assertion: the claim is
// about model time, whatever the machine's speed.
TEST_F(SimServerTest, HttpAndVirtualTimeRunsGiveTheSameTimings) {
  std::mutex mu;
  std::vector<RequestTimeline> seen;
  SimServerOptions o;
  o.profile.name = "two-clocks";
  o.profile.engine.max_model_len = 2048;
  o.profile.engine.max_num_batched_tokens = 256;  // prompts span several chunked steps
  o.profile.costs.kv_capacity_tokens = 4096;      // and some wait for KV
  o.profile.overheads.request_ms = 3;
  o.time_scale = 20;
  o.timeline_sink = [&](const RequestTimeline& tl) {
    std::lock_guard lock(mu);
    seen.push_back(tl);
  };
  const SimProfile profile = o.profile;
  start(o);
  std::vector<std::thread> clients;
  for (int i = 0; i < 12; ++i)
    clients.emplace_back([this, i] {
      std::this_thread::sleep_for(std::chrono::milliseconds(3 * i));
      const json body = {{"prompt", std::vector<int>(size_t(100 + 90 * i), 1500)},
                         {"max_tokens", 10 + 7 * i},
                         {"ignore_eos", true},
                         {"stream", true}};
      EXPECT_EQ(request(base_ + "/v1/completions", body.dump()).status, 200);
    });
  for (auto& c : clients) c.join();
  std::vector<RequestTimeline> http;
  {
    std::lock_guard lock(mu);
    http = seen;
  }
  ASSERT_EQ(http.size(), 12u);
  std::sort(http.begin(), http.end(), [](const auto& a, const auto& b) {
    return std::pair(a.arrival_ns, a.id) < std::pair(b.arrival_ns, b.id);
  });
  std::vector<VirtualRequest> replay;
  for (const auto& tl : http)
    replay.push_back({tl.prompt_tokens, tl.output_tokens, 0, tl.arrival_ns});
  auto v = run_virtual(profile, replay, VirtualClient{0, true, 0});
  ASSERT_TRUE(v.ok()) << v.error().message();
  for (size_t i = 0; i < http.size(); ++i) {
    EXPECT_EQ(v->requests[i].arrival_ns, http[i].arrival_ns) << i;
    EXPECT_EQ(v->requests[i].first_scheduled_ns, http[i].first_scheduled_ns) << i;
    EXPECT_EQ(v->requests[i].emits, http[i].emits) << "request " << i;
  }
}

}  // namespace
}  // namespace l4lab::sim
