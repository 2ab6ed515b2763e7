// Number and label formatting shared by the markdown and HTML reports.
#pragma once

#include <string>

#include "analysis/bootstrap.h"
#include "analysis/group_metrics.h"
#include "analysis/study_summary.h"

namespace l4lab::report {

// "–" for NaN; otherwise `digits` significant-ish decimals chosen by magnitude.
std::string fnum(double v, int decimals = -1);
std::string fpct(double fraction);                         // 0.953 -> "95.3%"
std::string fsigned_pct(double pct);                       // 12.3 -> "+12.3%"
std::string fci(double lo, double hi, int decimals = -1);  // "[1.2, 3.4]"
// A configuration's own interval of statistic i, or "(no variance measured)".
std::string fci_boot(const analysis::BootstrapResult& b, size_t i);
// How intervals, changes and verdicts are computed: one statement for the
// report's footer (markdown and HTML) and summary.json's interval_method.
std::string interval_method_text();
// "812 (n=1800)" with a dagger when the p99 rests on < 10 samples above it.
std::string fp99(const analysis::Dist& d);
// Config name with " (SIMULATED)" when its numbers come from serve-sim.
std::string cfg_label(const analysis::ConfigSummary& c);
std::string run_label(const analysis::RunSummary& r);
// The row shown when no configuration can be compared with the baseline.
// "915744", "915744-968832" across trials, or "–" when no engine log said.
std::string kv_capacity_cell(const analysis::ConfigSummary& c);
// The banners' sentences, one text for report.md and report.html ("" when
// no configuration is simulated / ran dummy weights).
std::string simulated_banner(const analysis::StudySummary& s);
// Configurations `l4lab predict` wrote: not run, modelled with a calibrated
// profile; lists each one's validation error ("" when none is predicted).
std::string predicted_banner(const analysis::StudySummary& s);
std::string dummy_weights_banner(const analysis::StudySummary& s);
std::string no_comparison_text(const analysis::StudySummary& s);
std::string verdict_word(const analysis::Delta& d);
// The anchor in docs/METRICS.md that defines a statistic.
std::string metric_anchor(analysis::Stat s);

}  // namespace l4lab::report
