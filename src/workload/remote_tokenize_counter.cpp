#include "workload/remote_tokenize_counter.h"

#include <curl/curl.h>

#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>

namespace l4lab::workload {
namespace {

size_t on_body(char* data, size_t size, size_t n, void* user) {
  static_cast<std::string*>(user)->append(data, size * n);
  return size * n;
}

void global_init_once() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

}  // namespace

RemoteTokenizeCounter::RemoteTokenizeCounter(std::string url, std::string model, long timeout_ms)
    : url_(std::move(url)), model_(std::move(model)), timeout_ms_(timeout_ms) {
  while (!url_.empty() && url_.back() == '/') url_.pop_back();
  const std::string suffix = "/tokenize";
  if (url_.size() < suffix.size() ||
      url_.compare(url_.size() - suffix.size(), suffix.size(), suffix) != 0)
    url_ += suffix;
}

Result<RemoteTokenizeCounter::Answer> RemoteTokenizeCounter::post(
    const Conversation& messages) const {
  global_init_once();
  nlohmann::json body = {{"add_generation_prompt", true}, {"add_special_tokens", false}};
  if (!model_.empty()) body["model"] = model_;
  body["messages"] = nlohmann::json::array();
  for (const auto& m : messages)
    body["messages"].push_back({{"role", m.role}, {"content", m.content}});
  const std::string payload = body.dump();

  std::unique_ptr<CURL, void (*)(CURL*)> curl(curl_easy_init(), curl_easy_cleanup);
  if (!curl) return Error(url_ + ": curl_easy_init failed");
  std::unique_ptr<curl_slist, void (*)(curl_slist*)> headers(
      curl_slist_append(nullptr, "Content-Type: application/json"), curl_slist_free_all);
  std::string response;
  curl_easy_setopt(curl.get(), CURLOPT_URL, url_.c_str());
  curl_easy_setopt(curl.get(), CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(curl.get(), CURLOPT_POSTFIELDS, payload.c_str());
  curl_easy_setopt(curl.get(), CURLOPT_POSTFIELDSIZE, long(payload.size()));
  curl_easy_setopt(curl.get(), CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(curl.get(), CURLOPT_WRITEDATA, &response);
  curl_easy_setopt(curl.get(), CURLOPT_TIMEOUT_MS, timeout_ms_);
  curl_easy_setopt(curl.get(), CURLOPT_NOSIGNAL, 1L);
  CURLcode rc = curl_easy_perform(curl.get());
  if (rc != CURLE_OK) return Error("POST " + url_ + ": " + curl_easy_strerror(rc));
  long status = 0;
  curl_easy_getinfo(curl.get(), CURLINFO_RESPONSE_CODE, &status);
  if (status != 200)
    return Error("POST " + url_ + ": HTTP " + std::to_string(status) + ": " +
                 response.substr(0, 300));
  auto j = nlohmann::json::parse(response, nullptr, false);
  if (j.is_discarded() || !j.is_object())
    return Error("POST " + url_ + ": answer is not a JSON object");
  Answer a;
  if (j.contains("tokens") && j["tokens"].is_array()) {
    a.has_tokens = true;
    for (const auto& t : j["tokens"]) {
      if (!t.is_number_integer())
        return Error("POST " + url_ + ": field tokens holds a non-integer");
      a.tokens.push_back(t.get<TokenId>());
    }
  }
  if (j.contains("count") && j["count"].is_number_integer())
    a.count = j["count"].get<int>();
  else if (a.has_tokens)
    a.count = int(a.tokens.size());
  else
    return Error("POST " + url_ + ": answer has neither count nor tokens");
  if (a.has_tokens && a.count != int(a.tokens.size()))
    return Error("POST " + url_ + ": count " + std::to_string(a.count) +
                 " != " + std::to_string(a.tokens.size()) + " tokens");
  return a;
}

Result<std::vector<TokenId>> RemoteTokenizeCounter::encode(const Conversation& messages) const {
  auto a = post(messages);
  if (!a) return a.error();
  if (!a->has_tokens) return Error("POST " + url_ + ": answer has a count but no tokens");
  return std::move(a->tokens);
}

Result<int> RemoteTokenizeCounter::count(const Conversation& messages) const {
  auto a = post(messages);
  if (!a) return a.error();
  return a->count;
}

}  // namespace l4lab::workload
