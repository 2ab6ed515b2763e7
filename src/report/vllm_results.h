// A run in the JSON layout of `vllm bench serve --save-result`
// (vllm/benchmarks/serve.py: calculate_metrics + the result dict), so
// dashboards built for vLLM's benchmark read the lab's runs. Only measured
// requests are included; per-request arrays keep vLLM's conventions (times in
// seconds, ttft 0 and itls [] for a failed request, output_lens 0 for it).
#pragma once

#include <nlohmann/json.hpp>

#include "analysis/run_data.h"
#include "analysis/study_summary.h"

namespace l4lab::report {

// The file's text. The per-request arrays (~250k ITLs per run at the study's
// scale) are written directly with shortest round-trip number formatting
// rather than through a JSON DOM, which would dominate the report's time.
std::string vllm_results_text(const analysis::RunData& run, const analysis::RunSummary& summary,
                              const analysis::AnalysisOptions& options);

}  // namespace l4lab::report
