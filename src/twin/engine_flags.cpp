#include "twin/engine_flags.h"

#include <algorithm>
#include <set>
#include <stdexcept>

namespace l4lab::twin {

namespace {

Result<double> number(const std::string& flag, const std::string& v) {
  try {
    size_t used = 0;
    const double x = std::stod(v, &used);
    if (used != v.size()) throw std::invalid_argument(v);
    return x;
  } catch (const std::exception&) {
    return Error("engine flag " + flag + ": '" + v + "' is not a number");
  }
}

}  // namespace

Result<FlagsApplied> apply_vllm_flags(sim::EngineArgs& e, const std::vector<std::string>& argv) {
  static const std::set<std::string> placement = {"--host",
                                                  "--port",
                                                  "--served-model-name",
                                                  "--seed",
                                                  "--tokenizer",
                                                  "--tokenizer-mode",
                                                  "--load-format",
                                                  "--model",
                                                  "--dtype",
                                                  "--trust-remote-code"};
  static const std::set<std::string> switches = {"--enforce-eager", "--enable-chunked-prefill",
                                                 "--no-enable-chunked-prefill",
                                                 "--trust-remote-code"};
  FlagsApplied out;
  bool chunked_given = false, budget_given = false;
  size_t i = 0;
  while (i < argv.size() && argv[i].rfind("--", 0) != 0) ++i;  // the command and model
  for (; i < argv.size(); ++i) {
    std::string flag = argv[i], value;
    bool has_value = false;
    if (auto eq = flag.find('='); eq != std::string::npos) {
      value = flag.substr(eq + 1);
      flag.resize(eq);
      has_value = true;
    } else if (!switches.count(flag) && i + 1 < argv.size() && argv[i + 1].rfind("--", 0) != 0) {
      value = argv[++i];
      has_value = true;
    }
    if (flag.rfind("--", 0) != 0) {
      out.unmodelled.push_back(flag);
      continue;
    }
    if (placement.count(flag)) continue;
    auto num = [&]() { return number(flag, value); };
    if (flag == "--max-model-len") {
      auto x = num();
      if (!x) return x.error();
      e.max_model_len = int(*x);
    } else if (flag == "--max-num-seqs") {
      auto x = num();
      if (!x) return x.error();
      e.max_num_seqs = int(*x);
    } else if (flag == "--max-num-batched-tokens") {
      auto x = num();
      if (!x) return x.error();
      e.max_num_batched_tokens = int(*x);
      budget_given = true;
    } else if (flag == "--gpu-memory-utilization") {
      auto x = num();
      if (!x) return x.error();
      e.gpu_memory_utilization = *x;
    } else if (flag == "--cpu-offload-gb") {
      auto x = num();
      if (!x) return x.error();
      e.cpu_offload_gb = *x;
    } else if (flag == "--enable-chunked-prefill") {
      e.enable_chunked_prefill = true;
      chunked_given = true;
    } else if (flag == "--no-enable-chunked-prefill") {
      e.enable_chunked_prefill = false;
      chunked_given = true;
    } else if (flag == "--enforce-eager") {
      e.enforce_eager = true;
    } else if (flag == "--kv-cache-dtype") {
      e.kv_cache_dtype = value;
    } else if (flag == "--quantization") {
      e.quantization = value == "none" ? "" : value;
    } else if (flag == "--speculative-config") {
      e.speculative_config = value;
    } else {
      out.unmodelled.push_back(has_value ? flag + " " + value : flag);
    }
  }
  // As vLLM: without chunked prefill the budget is at least max_model_len.
  if (chunked_given && !e.enable_chunked_prefill && !budget_given)
    e.max_num_batched_tokens = std::max(e.max_num_batched_tokens, e.max_model_len);
  return out;
}

}  // namespace l4lab::twin
