#include "client/model_probe.h"

#include <curl/curl.h>
#include <fmt/format.h>

#include <nlohmann/json.hpp>

namespace l4lab::client {

namespace {
size_t collect(char* p, size_t s, size_t n, void* ud) {
  static_cast<std::string*>(ud)->append(p, s * n);
  return s * n;
}
}  // namespace

Result<std::string> probe_model(const std::string& url, const std::vector<std::string>& headers,
                                bool insecure, long timeout_ms) {
  CURL* e = curl_easy_init();
  std::string body;
  char err[CURL_ERROR_SIZE] = {};
  curl_slist* h = nullptr;
  for (auto& s : headers) h = curl_slist_append(h, s.c_str());
  curl_easy_setopt(e, CURLOPT_URL, url.c_str());
  curl_easy_setopt(e, CURLOPT_HTTPHEADER, h);
  curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, &collect);
  curl_easy_setopt(e, CURLOPT_WRITEDATA, &body);
  curl_easy_setopt(e, CURLOPT_ERRORBUFFER, err);
  curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, timeout_ms);
  curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
  if (insecure) {
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 0L);
  }
  CURLcode rc = curl_easy_perform(e);
  long status = 0;
  curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
  curl_easy_cleanup(e);
  curl_slist_free_all(h);
  if (rc != CURLE_OK)
    return Error(fmt::format("GET {}: {}", url, err[0] ? err : curl_easy_strerror(rc)));
  if (status != 200)
    return Error(fmt::format("GET {}: HTTP {}: {}", url, status, body.substr(0, 300)));
  try {
    auto j = nlohmann::json::parse(body);
    const auto& data = j.at("data");
    if (!data.is_array() || data.empty())
      return Error(fmt::format("GET {}: no models listed", url));
    return data[0].at("id").get<std::string>();
  } catch (const std::exception& ex) {
    return Error(fmt::format("GET {}: field data[0].id: {}", url, ex.what()));
  }
}

}  // namespace l4lab::client
