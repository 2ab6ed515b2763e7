// Tokenisation throughput of the lab's tokenizers on the texts of a
// prompts.jsonl (every message content, and every whole conversation through
// the chat template). Prints one JSON object; bench/workload/run_bench.py runs
// it beside mistral-common and HF tokenizers on the same texts.
#include <chrono>
#include <cstdio>
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

Pass encode_texts(const Tokenizer& t, const std::vector<std::string>& texts, int threads) {
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
    std::fprintf(stderr, "usage: %s PROMPTS_JSONL [TOKENIZER_SPEC]\n", argv[0]);
    return 2;
  }
  auto reqs = read_workload(argv[1]);
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
  auto plain = load_tokenizer(spec, {.cache = false});
  if (!plain) {
    std::fprintf(stderr, "%s\n", plain.error().message().c_str());
    return 2;
  }
  out["sentencepiece_1t"] = encode_texts(**plain, texts, 1).json();
  {
    auto cached = load_tokenizer(spec);
    out["lab_cached_cold_1t"] = encode_texts(**cached, texts, 1).json();
    out["lab_cached_warm_1t"] = encode_texts(**cached, texts, 1).json();
  }
  {
    auto cached = load_tokenizer(spec);
    out["lab_cached_cold_2t"] = encode_texts(**cached, texts, 2).json();
  }
  {
    auto cached = load_tokenizer(spec);
    auto tmpl = MistralV3ChatTemplate::create(**cached);
    Pass p;
    double t0 = now_s();
    for (const auto& r : *reqs) p.tokens += long(tmpl->encode(r.messages)->size());
    p.seconds = now_s() - t0;
    out["lab_chat_template_cold_1t"] = p.json();
  }
  std::printf("%s\n", out.dump().c_str());
  return 0;
}
