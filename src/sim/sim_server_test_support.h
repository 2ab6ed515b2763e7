// What serve-sim's in-process HTTP tests share: a blocking libcurl request,
// an SSE framing check, and a fixture that runs a SimServer on an ephemeral
// port on its own thread. The server runs in-process; the client is plain
// libcurl. No timing assertions (see bench/sim for those).
#pragma once

#include <curl/curl.h>
#include <gtest/gtest.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "sim/prometheus_text_test_parser.h"
#include "sim/sim_server.h"
#include "workload/testdata/tokenizer_or_skip.h"

namespace l4lab::sim::testing {

struct Http {
  long status = 0;
  CURLcode code = CURLE_OK;
  std::string body, headers;
};

// libcurl write callback appending to the std::string at `out`.
size_t append_cb(char* p, size_t n, size_t m, void* out);

Http request(const std::string& url, const std::string& body = "",
             const std::vector<std::string>& extra_headers = {});

// SSE framing: every event is exactly one "data: ..." line followed by a blank line.
struct Sse {
  std::vector<std::string> data;
  bool framing_ok = true;
};
Sse parse_sse(const std::string& body);

class SimServerTest : public ::testing::Test {
 protected:
  // serve-sim counts tokens with the default tokenizer: skipped where it is absent.
  void SetUp() override { L4LAB_SKIP_WITHOUT_DEFAULT_TOKENIZER(); }
  void start(SimServerOptions o);
  void TearDown() override;
  static SimServerOptions exact(double ttft_ms = 2, double itl_ms = 1);
  Http chat(nlohmann::json body, const std::vector<std::string>& headers = {});
  PromText metrics();
  std::unique_ptr<SimServer> server_;
  std::thread thread_;
  std::string base_;
};

}  // namespace l4lab::sim::testing
