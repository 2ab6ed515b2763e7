// Minimal blocking HTTP calls over libcurl for the lab's control plane
// (health checks, /metrics scrapes, warm-up, metadata). Not the load
// generator: that is `l4lab bench`.
#pragma once

#include <string>
#include <vector>

#include "common/result.h"

namespace l4lab::engine {

struct HttpResponse {
  long status = 0;
  std::string body;
};

// Errors carry curl's message (connection refused, timeout, ...) and the URL.
Result<HttpResponse> http_get(const std::string& url, double timeout_s,
                              const std::vector<std::string>& headers = {});
Result<HttpResponse> http_post(const std::string& url, const std::string& body, double timeout_s,
                               const std::vector<std::string>& headers = {
                                   "Content-Type: application/json"});

}  // namespace l4lab::engine
