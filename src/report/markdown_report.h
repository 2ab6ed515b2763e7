// report.md: the headline first (factors ranked by their effect on
// throughput, TTFT p95 and E2E p99 against the baseline, with intervals and
// verdicts, and the SLOs broken), then the tables behind it. Every metric
// name links to its definition in METRICS.md (copied beside the report).
#pragma once

#include <string>

#include "analysis/study_summary.h"

namespace l4lab::report {

std::string markdown_report(const analysis::StudySummary& s);

// Configurations ordered best-first by their delta on `stat` (for the
// headline); those without a comparable delta come last.
std::vector<const analysis::ConfigSummary*> rank_by(const analysis::StudySummary& s,
                                                    analysis::Stat stat);
const analysis::Delta* find_delta(const analysis::ConfigSummary& c, analysis::Stat stat);

}  // namespace l4lab::report
