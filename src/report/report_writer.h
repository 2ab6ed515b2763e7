// Writes every report output into RUNS_DIR: report.md, report.html,
// summary.json, summary.csv, METRICS.md (the definitions the report links
// to) and <run>/results_vllm.json for each run with traces.
#pragma once

#include <string>
#include <vector>

#include "analysis/run_loader.h"
#include "analysis/study_summary.h"
#include "common/result.h"

namespace l4lab::report {

extern const char* const kMetricsDoc;  // docs/METRICS.md, embedded at build time

// Returns the paths written.
Result<std::vector<std::string>> write_report(const analysis::StudyData& data,
                                              const analysis::StudySummary& s);

}  // namespace l4lab::report
