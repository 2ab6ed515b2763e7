#include "analysis/engine_log_facts.h"

#include <regex>

#include "sim/profile_provenance.h"

namespace l4lab::analysis {

namespace {

// "915,744" -> 915744; "111.79" -> 111.79.
double number_of(std::string s) {
  std::string digits;
  for (char c : s)
    if (c != ',') digits += c;
  return std::stod(digits);
}

void take(const std::string& line, const std::regex& re, std::optional<EngineFact>* out) {
  std::smatch m;
  if (std::regex_search(line, m, re)) *out = EngineFact{number_of(m[1].str()), line};
}

}  // namespace

EngineLogFacts read_engine_log_facts(std::string_view log) {
  static const std::regex kv_tokens(R"(GPU KV cache size: ([0-9][0-9,]*) tokens)");
  static const std::regex kv_mem(R"(Available KV cache memory: ([0-9.]+) GiB)");
  static const std::regex weights(R"(Model loading took ([0-9.]+) GiB)");
  static const std::regex conc(R"(Maximum concurrency for [0-9,]+ tokens per request: ([0-9.]+)x)");
  static const std::regex init(R"(init engine \(.*\) took ([0-9.]+) s)");
  static const std::regex compile(R"(\(compilation: ([0-9.]+) s\))");
  static const std::regex accept(R"(Avg Draft acceptance rate: ([0-9.]+)%)");
  static const std::regex backend(R"(Using ([A-Z0-9_]+) attention backend)");
  EngineLogFacts f;
  size_t pos = 0;
  while (pos < log.size()) {
    size_t end = log.find('\n', pos);
    if (end == std::string_view::npos) end = log.size();
    std::string line(log.substr(pos, end - pos));
    pos = end + 1;
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
    // Cheap filters first: the log of a 1800-request run has thousands of lines.
    if (line.find("KV cache") != std::string::npos) {
      take(line, kv_tokens, &f.kv_cache_tokens);
      take(line, kv_mem, &f.kv_cache_memory_gib);
    } else if (line.find("Model loading took") != std::string::npos) {
      take(line, weights, &f.weights_gib);
    } else if (line.find("Maximum concurrency") != std::string::npos) {
      take(line, conc, &f.max_concurrency);
    } else if (line.find("init engine") != std::string::npos) {
      take(line, init, &f.init_engine_s);
      take(line, compile, &f.compile_s);
    } else if (line.rfind(sim::kProfileSourcePrefix, 0) == 0) {
      f.sim_profile_source = line.substr(std::string_view(sim::kProfileSourcePrefix).size());
    } else if (line.find("SpecDecoding metrics") != std::string::npos) {
      take(line, accept, &f.draft_acceptance_pct);
    } else if (line.find("attention backend") != std::string::npos) {
      std::smatch m;
      if (std::regex_search(line, m, backend)) {
        f.attention_backend = m[1].str();
        f.attention_backend_line = line;
      }
    }
  }
  return f;
}

}  // namespace l4lab::analysis
