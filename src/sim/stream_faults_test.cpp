// serve-sim's injected faults, each as docs/SERVE_SIM.md documents it.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "sim/sim_server_test_support.h"

namespace l4lab::sim::testing {
namespace {

using nlohmann::json;

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
    EXPECT_NE(r.body.find("\"content\""), std::string::npos);  // closed mid-stream, not before it
    EXPECT_EQ(r.body.find("[DONE]"), std::string::npos);
  }
  {
    const auto t0 = std::chrono::steady_clock::now();
    auto r = chat(stream, {"x-l4lab-fault: stall_first_token:30, stall_between_chunks:20"});
    // The stall happened: the answer took at least the first-token stall.
    EXPECT_GE(std::chrono::steady_clock::now() - t0, std::chrono::milliseconds(30));
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

}  // namespace
}  // namespace l4lab::sim::testing
