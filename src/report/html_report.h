// report.html: one self-contained file (inline CSS and SVG, no script, no
// network) with the charts people expect: TTFT and E2E CDFs per
// configuration, delta bars with intervals, throughput against latency,
// failures by class, VRAM and KV-cache over time.
#pragma once

#include <string>

#include "analysis/run_loader.h"
#include "analysis/study_summary.h"

namespace l4lab::report {

std::string html_report(const analysis::StudyData& data, const analysis::StudySummary& s);

}  // namespace l4lab::report
