#include "client/request_recorder.h"

#include <curl/curl.h>
#include <gtest/gtest.h>

#include "client/transport_error.h"

using namespace l4lab;
using namespace l4lab::client;

namespace {
const char* kRole =
    R"(data: {"choices":[{"index":0,"delta":{"role":"assistant","content":""}}],"usage":{"prompt_tokens":10,"completion_tokens":0}})"
    "\n\n";
std::string tok(const char* text, int cum) {
  return std::string(R"(data: {"choices":[{"index":0,"delta":{"content":")") + text +
         R"("},"finish_reason":null}],"usage":{"prompt_tokens":10,"completion_tokens":)" +
         std::to_string(cum) + "}}\n\n";
}
const char* kFinal =
    R"(data: {"choices":[],"usage":{"prompt_tokens":10,"completion_tokens":3,"total_tokens":13}})"
    "\n\n";
const char* kDone = "data: [DONE]\n\n";

struct Fixture {
  StreamEventDecoder dec;
  RequestRecorder r;
  Fixture(int64_t pre_send = 10) {
    traces::TraceRecord base;
    base.request_id = "q";
    base.prompt_tokens_pre_send = pre_send;
    base.t_scheduled_ns = 90;
    base.t_sent_ns = 100;
    r.start(base, &dec);
  }
};
}  // namespace

TEST(RequestRecorder, SuccessTimesFirstContentNotRole) {
  Fixture f;
  f.r.on_header("HTTP/1.1 200 OK\r\n", 150);
  EXPECT_TRUE(f.r.on_body(kRole, 200));
  EXPECT_TRUE(f.r.on_body(tok("Hi", 1), 300));
  // Two tokens arriving in one read, and one chunk covering two tokens.
  EXPECT_TRUE(f.r.on_body(tok(" there", 3) + std::string(kFinal).substr(0, 20), 400));
  EXPECT_TRUE(f.r.on_body(std::string(kFinal).substr(20) + kDone, 500));
  auto t = f.r.finish({}, 510);
  EXPECT_TRUE(t.ok) << t.error.value_or("");
  EXPECT_EQ(t.t_first_byte_ns, 150);
  EXPECT_EQ(t.t_first_token_ns, 300);
  EXPECT_EQ(t.t_last_token_ns, 400);
  ASSERT_EQ(t.chunks.size(), 2u);
  EXPECT_EQ(t.chunks[1], (traces::TraceChunk{400, 2}));
  EXPECT_EQ(t.usage_completion_tokens, 3);
  EXPECT_EQ(t.prompt_count_mismatch, false);
  EXPECT_EQ(t.http_status, 200);
}

TEST(RequestRecorder, CountsOnePerChunkWithoutContinuousUsage) {
  Fixture f(11);
  f.r.on_header("HTTP/1.1 200 OK", 1);
  std::string s = R"(data: {"choices":[{"delta":{"content":"a"}}]})"
                  "\n\n"
                  R"(data: {"choices":[{"delta":{"content":"b"},"finish_reason":"stop"}]})"
                  "\n\n";
  EXPECT_TRUE(f.r.on_body(s + kFinal + kDone, 5));
  auto t = f.r.finish({}, 6);
  EXPECT_TRUE(t.ok);
  ASSERT_EQ(t.chunks.size(), 2u);
  EXPECT_EQ(t.chunks[0].n_tokens, 1);
  EXPECT_EQ(t.chunks[1].n_tokens, 1);
  EXPECT_EQ(t.finish_reason, "stop");
  EXPECT_EQ(t.prompt_count_mismatch, true);
}

TEST(RequestRecorder, ClassifiesHttpErrors) {
  struct Case {
    const char* status;
    const char* body;
    traces::FailureClass c;
    const char* detail;
  } cases[] = {
      {"HTTP/1.1 400 Bad Request",
       R"({"error":{"message":"This model's maximum context length is 8192 tokens and your request has 9000 input tokens"}})",
       traces::FailureClass::http_4xx, "context_overflow"},
      {"HTTP/1.1 400 Bad Request", "{}", traces::FailureClass::http_4xx, "bad_request"},
      {"HTTP/1.1 429 Too Many", "", traces::FailureClass::http_4xx, "rate_limited"},
      {"HTTP/1.1 404 Not Found", "", traces::FailureClass::http_4xx, "other"},
      {"HTTP/1.1 503 Unavailable", "", traces::FailureClass::http_5xx, "503"},
      {"HTTP/1.1 500 Oops", "", traces::FailureClass::http_5xx, "500"},
  };
  for (auto& c : cases) {
    Fixture f;
    f.r.on_header(c.status, 1);
    EXPECT_TRUE(f.r.on_body(c.body, 2));
    auto t = f.r.finish({}, 3);
    EXPECT_FALSE(t.ok);
    EXPECT_EQ(t.failure_class, c.c) << c.status;
    EXPECT_EQ(t.failure_detail, c.detail) << c.status;
  }
}

TEST(RequestRecorder, ClassifiesProtocolFailures) {
  auto run = [](const std::string& body, bool expect_feed_ok) {
    Fixture f;
    f.r.on_header("HTTP/1.1 200 OK", 1);
    EXPECT_EQ(f.r.on_body(body, 2), expect_feed_ok) << body;
    return f.r.finish({}, 3);
  };
  auto bad_sse = run("garbage line\n\n", false);
  EXPECT_EQ(bad_sse.failure_detail, "bad_sse");
  auto bad_json = run("data: {\"choices\":[\n\n", false);
  EXPECT_EQ(bad_json.failure_class, traces::FailureClass::protocol);
  EXPECT_EQ(bad_json.failure_detail, "bad_json");
  auto no_usage = run(tok("x", 1) + kDone, true);
  EXPECT_EQ(no_usage.failure_detail, "missing_usage");
  auto no_done = run(tok("x", 1) + kFinal, true);
  EXPECT_EQ(no_done.failure_detail, "missing_done");
  auto empty = run(std::string(kRole) +
                       R"(data: {"choices":[],"usage":{"prompt_tokens":10,"completion_tokens":0}})"
                       "\n\n" +
                       kDone,
                   true);
  EXPECT_EQ(empty.failure_class, traces::FailureClass::empty_completion);
  EXPECT_FALSE(empty.t_first_token_ns.has_value());
}

TEST(RequestRecorder, AbortAndTransportFailuresWin) {
  Fixture f;
  f.r.on_header("HTTP/1.1 200 OK", 1);
  EXPECT_TRUE(f.r.on_body(tok("x", 1), 2));
  f.r.abort(traces::FailureClass::timeout, traces::detail::kIdle, "no chunk for 5 s");
  f.r.abort(traces::FailureClass::cancelled, traces::detail::kInterrupted, "later reason ignored");
  auto t = f.r.finish(classify_transport({CURLE_WRITE_ERROR, "", true, true}), 9);
  EXPECT_EQ(t.failure_class, traces::FailureClass::timeout);
  EXPECT_EQ(t.failure_detail, "idle");
  EXPECT_EQ(t.chunks.size(), 1u);

  Fixture g;
  auto r = g.r.finish(classify_transport({CURLE_COULDNT_CONNECT, "refused", false, false}), 9);
  EXPECT_EQ(r.failure_class, traces::FailureClass::connection);
  EXPECT_EQ(r.failure_detail, "refused");
  EXPECT_FALSE(r.t_first_byte_ns.has_value());
}

TEST(TransportError, Classes) {
  EXPECT_TRUE(classify_transport({CURLE_OK}).ok);
  EXPECT_EQ(classify_transport({CURLE_OPERATION_TIMEDOUT, "", false}).detail, "connect");
  EXPECT_EQ(classify_transport({CURLE_OPERATION_TIMEDOUT, "", true}).detail, "total");
  EXPECT_EQ(classify_transport({CURLE_PARTIAL_FILE, "", true, true}).detail, "closed_mid_stream");
  EXPECT_EQ(classify_transport({CURLE_RECV_ERROR, "", true, true}).detail, "reset");
  EXPECT_EQ(classify_transport({CURLE_PEER_FAILED_VERIFICATION}).detail, "tls");
  EXPECT_EQ(classify_transport({CURLE_COULDNT_RESOLVE_HOST}).detail, "dns");
}
