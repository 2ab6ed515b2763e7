#include "sim/sim_server_test_support.h"

#include <utility>

namespace l4lab::sim::testing {
size_t append_cb(char* p, size_t n, size_t m, void* out) {
  static_cast<std::string*>(out)->append(p, n * m);
  return n * m;
}

Http request(const std::string& url, const std::string& body,
             const std::vector<std::string>& extra_headers) {
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

void SimServerTest::start(SimServerOptions o) {
  auto s = SimServer::create(std::move(o));
  ASSERT_TRUE(s.ok()) << s.error().message();
  server_ = std::move(*s);
  base_ = "http://127.0.0.1:" + std::to_string(server_->port());
  thread_ = std::thread([this] { (void)server_->run(); });
}

void SimServerTest::TearDown() {
  if (server_) {
    server_->stop();
    thread_.join();
  }
}

SimServerOptions SimServerTest::exact(double ttft_ms, double itl_ms) {
  SimServerOptions o;
  o.profile.name = "test-exact";
  o.profile.mode = SimMode::kExact;
  o.profile.exact = {ttft_ms, itl_ms};
  return o;
}

Http SimServerTest::chat(nlohmann::json body, const std::vector<std::string>& headers) {
  if (!body.contains("messages"))
    body["messages"] = {{{"role", "system"}, {"content", "You are a helpful assistant."}},
                        {{"role", "user"}, {"content", "Hello, how are you?"}}};
  return request(base_ + "/v1/chat/completions", body.dump(), headers);
}

PromText SimServerTest::metrics() {
  auto r = request(base_ + "/metrics");
  EXPECT_EQ(r.status, 200);
  auto p = parse_prometheus_text(r.body);
  EXPECT_TRUE(p.ok()) << p.error().message();
  return p.ok() ? *p : PromText{};
}

}  // namespace l4lab::sim::testing
