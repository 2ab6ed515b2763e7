#include "engine/http_client.h"

#include <curl/curl.h>

#include <mutex>

namespace l4lab::engine {

namespace {

size_t on_data(char* p, size_t size, size_t n, void* user) {
  static_cast<std::string*>(user)->append(p, size * n);
  return size * n;
}

Result<HttpResponse> perform(const std::string& url, const std::string* post_body, double timeout_s,
                             const std::vector<std::string>& headers) {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  CURL* h = curl_easy_init();
  if (!h) return Error("curl_easy_init failed");
  HttpResponse r;
  curl_slist* hl = nullptr;
  for (const auto& x : headers) hl = curl_slist_append(hl, x.c_str());
  const long ms = static_cast<long>(timeout_s * 1000);
  curl_easy_setopt(h, CURLOPT_URL, url.c_str());
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, ms);
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, ms);
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_PROXY, "");  // the lab's endpoints are never proxied
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_data);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &r.body);
  if (hl) curl_easy_setopt(h, CURLOPT_HTTPHEADER, hl);
  if (post_body) {
    curl_easy_setopt(h, CURLOPT_POST, 1L);
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, post_body->c_str());
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, static_cast<long>(post_body->size()));
  }
  CURLcode rc = curl_easy_perform(h);
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &r.status);
  curl_easy_cleanup(h);
  curl_slist_free_all(hl);
  if (rc != CURLE_OK) return Error(url + ": " + curl_easy_strerror(rc));
  return r;
}

}  // namespace

Result<HttpResponse> http_get(const std::string& url, double timeout_s,
                              const std::vector<std::string>& headers) {
  return perform(url, nullptr, timeout_s, headers);
}

Result<HttpResponse> http_post(const std::string& url, const std::string& body, double timeout_s,
                               const std::vector<std::string>& headers) {
  return perform(url, &body, timeout_s, headers);
}

}  // namespace l4lab::engine
