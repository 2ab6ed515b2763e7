// Tokenisation throughput of the lab's tokenizers on the texts of a
// prompts.jsonl (every message content, and every whole conversation through
// the chat template). Prints one JSON object; bench/workload/run_bench.py runs
// it beside mistral-common and HF tokenizers on the same texts.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "workload/chat_template.h"
#include "workload/tokenizer_locator.h"
#include "workload/workload_io.h"

using namespace l4lab;

namespace {

double now_s() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

struct Pass {
  long tokens = 0;
  double seconds = 0;
  nlohmann::json json() const {
    return {{"tokens", tokens},
            {"seconds", seconds},
            {"tokens_per_s", seconds > 0 ? tokens / seconds : 0}};
  }
};

Pass encode_texts(const workload::Tokenizer& t, const std::vector<std::string>& texts,
                  int threads) {
  std::vector<long> counts(size_t(threads), 0);
  double t0 = now_s();
  std::vector<std::thread> ts;
  for (int k = 0; k < threads; ++k) {
    ts.emplace_back([&, k] {
      for (size_t i = size_t(k); i < texts.size(); i += size_t(threads))
        counts[size_t(k)] += long(t.encode(texts[i]).size());
    });
  }
  for (auto& th : ts) th.join();
  Pass p;
  p.seconds = now_s() - t0;
  for (long c : counts) p.tokens += c;
  return p;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s PROMPTS_JSONL [TOKENIZER_SPEC [REPEATS]]\n", argv[0]);
    return 2;
  }
  auto reqs = workload::read_workload(argv[1]);
  if (!reqs) {
    std::fprintf(stderr, "%s\n", reqs.error().message().c_str());
    return 2;
  }
  std::string spec = argc > 2 ? argv[2] : "";
  std::vector<std::string> texts;
  for (const auto& r : *reqs)
    for (const auto& m : r.messages) texts.push_back(m.content);

  nlohmann::json out;
  out["texts"] = texts.size();
  out["conversations"] = reqs->size();
  const int reps = argc > 3 ? std::max(1, std::atoi(argv[3])) : 3;
  out["repeats"] = reps;
  auto plain = workload::load_tokenizer(spec, {.cache = false});
  if (!plain) {
    std::fprintf(stderr, "%s\n", plain.error().message().c_str());
    return 2;
  }
  // Each measurement is repeated; the median rate is reported (the machine
  // may be shared), with every rate beside it.
  auto median_of = [&](auto&& one) {
    std::vector<Pass> ps;
    for (int i = 0; i < reps; ++i) ps.push_back(one());
    std::vector<Pass> sorted = ps;
    std::sort(sorted.begin(), sorted.end(), [](const Pass& a, const Pass& b) {
      return a.tokens / a.seconds < b.tokens / b.seconds;
    });
    nlohmann::json j = sorted[sorted.size() / 2].json();
    j["all_tokens_per_s"] = nlohmann::json::array();
    for (const auto& p : ps) j["all_tokens_per_s"].push_back(p.tokens / p.seconds);
    return j;
  };
  out["sentencepiece_1t"] = median_of([&] { return encode_texts(**plain, texts, 1); });
  out["lab_cached_cold_1t"] = median_of([&] {
    auto cached = workload::load_tokenizer(spec);
    return encode_texts(**cached, texts, 1);
  });
  {
    auto cached = workload::load_tokenizer(spec);
    encode_texts(**cached, texts, 1);
    out["lab_cached_warm_1t"] = median_of([&] { return encode_texts(**cached, texts, 1); });
  }
  out["lab_cached_cold_2t"] = median_of([&] {
    auto cached = workload::load_tokenizer(spec);
    return encode_texts(**cached, texts, 2);
  });
  out["lab_chat_template_cold_1t"] = median_of([&] {
    auto cached = workload::load_tokenizer(spec);
    auto tmpl = workload::MistralV3ChatTemplate::create(**cached);
    Pass p;
    double t0 = now_s();
    for (const auto& r : *reqs) p.tokens += long(tmpl->encode(r.messages)->size());
    p.seconds = now_s() - t0;
    return p;
  });
  std::printf("%s\n", out.dump().c_str());
  return 0;
}
