// `l4lab report RUNS_DIR` and `l4lab verify RUNS_DIR`: each command's work,
// given its options; returns the exit status.
#include "report/report_command.h"

#include <fmt/format.h>
#include <sys/resource.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "analysis/run_loader.h"
#include "analysis/study_summary.h"
#include "report/report_writer.h"
#include "report/verify.h"

namespace l4lab::report {

namespace {

void print_capped(const std::vector<std::string>& lines, size_t cap) {
  for (size_t i = 0; i < lines.size() && i < cap; ++i) std::cerr << "  " << lines[i] << "\n";
  if (lines.size() > cap)
    std::cerr << fmt::format("  ... and {} more (all listed in report.md)\n", lines.size() - cap);
}

}  // namespace

int run_report(const ReportOptions& a) {
  const auto t0 = std::chrono::steady_clock::now();
  analysis::AnalysisOptions o = a.o;
  if (a.slo_ttft >= 0) o.slo_ttft_ms = a.slo_ttft;
  if (a.slo_tpot >= 0) o.slo_tpot_ms = a.slo_tpot;
  if (a.slo_e2e >= 0) o.slo_e2e_ms = a.slo_e2e;
  if (a.price >= 0) o.price_per_hour = a.price;
  // L4LAB_REPORT_TIMING=1 prints where the time goes (docs/perf/report.md).
  const bool timing = std::getenv("L4LAB_REPORT_TIMING") != nullptr;
  auto cpu_s = [] {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
           static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
  };
  auto lap = [&, last = t0, last_cpu = cpu_s()](const char* what) mutable {
    const auto now = std::chrono::steady_clock::now();
    const double cpu = cpu_s();
    if (timing)
      std::cerr << fmt::format("timing: {:<8} wall {:.3f} s, cpu (all threads) {:.3f} s\n", what,
                               std::chrono::duration<double>(now - last).count(), cpu - last_cpu);
    last = now;
    last_cpu = cpu;
  };
  auto data = analysis::load_study(a.runs_dir);
  lap("load");
  if (!data.ok()) {
    std::cerr << "l4lab report: " << data.error().message() << "\n";
    return 2;
  }
  if (data->runs.empty()) {
    std::cerr << "l4lab report: " << a.runs_dir
              << ": no run folders (expected RUNS_DIR/<config>/trial-<k>/)\n";
    return 2;
  }
  const analysis::StudySummary s = analysis::summarize_study(*data, o);
  lap("analyse");
  auto written = write_report(*data, s);
  lap("write");
  if (!written.ok()) {
    std::cerr << "l4lab report: " << written.error().message() << "\n";
    return 2;
  }
  std::vector<std::string> problems = s.warnings;
  for (const auto& r : s.runs)
    problems.insert(problems.end(), r.warnings.begin(), r.warnings.end());
  for (const auto& c : s.configs)
    for (const auto& f : c.flags) problems.push_back(c.name + ": " + f);
  if (!problems.empty()) {
    std::cerr << fmt::format(
        "l4lab report: {} input problem(s) or flag(s); the rest is reported:\n", problems.size());
    print_capped(problems, 20);
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (!a.quiet)
    std::cout << fmt::format(
        "l4lab report: {} configurations, {} runs{} -> {}/report.md, report.html, summary.json, "
        "summary.csv ({:.2f} s)\n",
        s.configs.size(), s.runs.size(),
        s.all_simulated   ? " (all SIMULATED)"
        : s.any_simulated ? " (some SIMULATED)"
                          : "",
        a.runs_dir, secs);
  return 0;
}

int run_verify(const std::string& runs_dir) {
  std::error_code ec;
  if (!std::filesystem::is_directory(runs_dir, ec)) {
    std::cerr << "verify: " << runs_dir << ": no such folder\n";
    return 2;
  }
  if (!std::filesystem::exists(std::filesystem::path(runs_dir) / "summary.json", ec)) {
    std::cerr << "verify: " << runs_dir << "/summary.json: not found (run `l4lab report "
              << runs_dir << "` first)\n";
    return 2;
  }
  const VerifyResult v = verify_runs_dir(runs_dir);
  for (const auto& n : v.notes) std::cout << "note: " << n << "\n";
  for (size_t i = 0; i < v.problems.size() && i < 50; ++i)
    std::cout << "DISAGREE: " << v.problems[i] << "\n";
  if (v.problems.size() > 50)
    std::cout << fmt::format("DISAGREE: ... and {} more\n", v.problems.size() - 50);
  if (v.exit_code == 0)
    std::cout << fmt::format(
        "verify: OK: {} values recomputed from raw traces and samples agree exactly; {} "
        "manifest hash(es) match their files{}\n",
        v.numbers_checked, v.hashes_checked,
        v.hashes_unchecked == 0
            ? std::string()
            : fmt::format(", {} could not be checked (see the notes above)", v.hashes_unchecked));
  else
    std::cout << fmt::format("verify: FAILED ({} disagreement(s), {} values compared)\n",
                             v.problems.size(), v.numbers_checked);
  return v.exit_code;
}

}  // namespace l4lab::report
