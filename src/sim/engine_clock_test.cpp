// The engine clock behind HTTP: waiting under KV pressure, and the same model
// timings from the HTTP server and from a virtual-time run.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "sim/sim_server_test_support.h"
#include "sim/virtual_run.h"

namespace l4lab::sim::testing {
namespace {

using nlohmann::json;

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
}  // namespace l4lab::sim::testing
