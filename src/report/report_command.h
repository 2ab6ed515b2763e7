// `l4lab report RUNS_DIR` and `l4lab verify RUNS_DIR` as functions:
// src/cli/report_commands.cpp parses the command line into these options.
#pragma once

#include <string>

#include "analysis/analysis_options.h"

namespace l4lab::report {

struct ReportOptions {
  std::string runs_dir;
  analysis::AnalysisOptions o;
  double slo_ttft = -1, slo_tpot = -1, slo_e2e = -1;  // < 0: the analysis default
  double price = -1;
  bool quiet = false;
};

// Writes report.md, report.html, summary.json/csv; 0, or 2 when nothing
// could be read or written.
int run_report(const ReportOptions& o);

// Recomputes RUNS_DIR/summary.json from the raw files: 0 agree, 1 a
// disagreement, 2 unusable input.
int run_verify(const std::string& runs_dir);

}  // namespace l4lab::report
