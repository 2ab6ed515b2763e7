// summary.json and summary.csv: every number the report shows, in one place,
// so `l4lab verify` can recompute and compare them (docs/METRICS.md).
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "analysis/study_summary.h"
#include "common/result.h"

namespace l4lab::report {

inline constexpr const char* kSummarySchema = "l4lab.summary/1";

nlohmann::json summary_to_json(const analysis::StudySummary& s);
std::string summary_to_csv(const analysis::StudySummary& s);

// Reads back the options a summary.json was made with, so verify recomputes
// with the same SLOs, price, baseline and bootstrap settings.
Result<analysis::AnalysisOptions> options_from_summary(const nlohmann::json& j);

// NaN and infinities become null.
nlohmann::json num(double v);

}  // namespace l4lab::report
