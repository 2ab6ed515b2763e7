// A tiny OpenAI-compatible streaming server for tests (libevent evhttp on
// its own thread). Answers GET /v1/models and POST /v1/chat/completions |
// /v1/completions with a role chunk, one content chunk per token (every
// `itl_ms`, the first after `ttft_ms`) carrying continuous usage, a usage
// chunk and [DONE]. The request header `x-l4lab-fault` (serve-sim's names)
// injects: status:N, reset_mid_stream, close_mid_stream,
// stall_first_token:MS, stall_between_chunks:MS, malformed_sse,
// malformed_json, missing_usage, zero_completion, missing_done,
// context_overflow.
#pragma once

#include <memory>
#include <string>
#include <thread>

namespace l4lab::client::testing {

class FakeOpenAiServer {
 public:
  struct Config {
    int ttft_ms = 5;
    int itl_ms = 1;
    int prompt_tokens = -1;  // usage.prompt_tokens; -1: echo max_tokens*0+10
  };
  explicit FakeOpenAiServer(Config c);
  ~FakeOpenAiServer();
  int port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  size_t requests() const;
  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
  int port_ = 0;
  std::thread thread_;
};

}  // namespace l4lab::client::testing
