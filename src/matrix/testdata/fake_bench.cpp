// A stand-in load generator for the matrix's tests: the same command line
// contract as `l4lab bench` (--endpoint --workload --out, exit 0 ok / 1
// failure budget spent / 2 bad input), but plain non-streaming requests and
// minimal trace lines marked "stand_in". It lets the matrix be tested without
// the real load generator. --hold-while-exists PATH waits while PATH exists
// (the kill-and-resume test holds a run open with it); with
// --hold-on-out-suffix S only a run whose --out ends with S holds.
#include <curl/curl.h>
#include <unistd.h>

#include <ctime>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>

namespace {

int64_t mono_ns() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return int64_t(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

size_t on_data(char* p, size_t s, size_t n, void* u) {
  static_cast<std::string*>(u)->append(p, s * n);
  return s * n;
}

long request(const std::string& url, const std::string* body, std::string& out) {
  CURL* h = curl_easy_init();
  curl_slist* hl = curl_slist_append(nullptr, "Content-Type: application/json");
  curl_easy_setopt(h, CURLOPT_URL, url.c_str());
  curl_easy_setopt(h, CURLOPT_TIMEOUT, 30L);
  curl_easy_setopt(h, CURLOPT_PROXY, "");
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_data);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &out);
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, hl);
  if (body) curl_easy_setopt(h, CURLOPT_POSTFIELDS, body->c_str());
  long status = 0;
  if (curl_easy_perform(h) == CURLE_OK) curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
  curl_slist_free_all(hl);
  curl_easy_cleanup(h);
  return status;
}

}  // namespace

int main(int argc, char** argv) {
  std::string endpoint, workload, out, hold, hold_suffix;
  long limit = -1;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (i + 1 >= argc) {
      std::cerr << "fake_bench: " << a << " needs a value\n";
      return 2;
    }
    std::string v = argv[++i];
    if (a == "--endpoint")
      endpoint = v;
    else if (a == "--workload")
      workload = v;
    else if (a == "--out")
      out = v;
    else if (a == "--hold-while-exists")
      hold = v;
    else if (a == "--hold-on-out-suffix")
      hold_suffix = v;
    else if (a == "--limit")
      limit = std::stol(v);
    else if (a == "--seed" || a == "--concurrency")
      continue;
    else {
      std::cerr << "fake_bench: unknown option " << a << "\n";
      return 2;
    }
  }
  if (endpoint.empty() || workload.empty() || out.empty()) {
    std::cerr << "fake_bench: --endpoint, --workload and --out are required\n";
    return 2;
  }
  std::string models;
  request(endpoint + "/v1/models", nullptr, models);
  std::string model = "unknown";
  try {
    model = nlohmann::json::parse(models)["data"][0]["id"];
  } catch (const std::exception&) {
  }
  const bool holds = hold_suffix.empty() || (out.size() >= hold_suffix.size() &&
                                             out.compare(out.size() - hold_suffix.size(),
                                                         hold_suffix.size(), hold_suffix) == 0);
  while (holds && !hold.empty() && access(hold.c_str(), F_OK) == 0) usleep(50000);
  std::ifstream in(workload);
  std::ofstream traces(out + "/traces.jsonl", std::ios::app);
  std::string line;
  long n = 0, failed = 0;
  while (std::getline(in, line) && (limit < 0 || n < limit)) {
    auto w = nlohmann::json::parse(line);
    nlohmann::json body = {{"model", model},
                           {"messages", w["messages"]},
                           {"max_tokens", w.value("max_new_tokens", 16)}};
    const std::string b = body.dump();
    std::string resp;
    const int64_t t0 = mono_ns();
    long status = request(endpoint + "/v1/chat/completions", &b, resp);
    const int64_t t1 = mono_ns();
    long completion = 0;
    try {
      completion = nlohmann::json::parse(resp)["usage"]["completion_tokens"];
    } catch (const std::exception&) {
    }
    const bool ok = status == 200 && completion > 0;
    failed += !ok;
    nlohmann::json t = {
        {"request_id", w.value("id", "")},
        {"task", w.value("task", "")},
        {"bucket", w.value("bucket", "")},
        {"phase", "measured"},
        {"t_sent_ns", t0},
        {"t_first_token_ns", t1},
        {"t_end_ns", t1},
        {"usage_completion_tokens", completion},
        {"http_status", status},
        {"ok", ok},
        {"failure_class", ok ? nlohmann::json(nullptr) : nlohmann::json("connection")},
        {"stand_in", true}};
    traces << t.dump() << "\n" << std::flush;
    ++n;
  }
  std::ofstream(out + "/bench.json")
      << nlohmann::json({{"stand_in", true}, {"requests", n}, {"failed", failed}}).dump() << "\n";
  return failed > 0 ? 1 : 0;
}
