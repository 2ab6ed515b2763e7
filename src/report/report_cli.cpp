// `l4lab report RUNS_DIR` and `l4lab verify RUNS_DIR`.
#include <fmt/format.h>
#include <sys/resource.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "analysis/run_loader.h"
#include "analysis/study_summary.h"
#include "cli/commands.h"
#include "report/report_writer.h"
#include "report/verify.h"

namespace l4lab::cli {

namespace {

struct ReportArgs {
  std::string runs_dir;
  analysis::AnalysisOptions o;
  double slo_ttft = -1, slo_tpot = -1, slo_e2e = -1;
  double price = -1;
  bool quiet = false;
};

void print_capped(const std::vector<std::string>& lines, size_t cap) {
  for (size_t i = 0; i < lines.size() && i < cap; ++i) std::cerr << "  " << lines[i] << "\n";
  if (lines.size() > cap)
    std::cerr << fmt::format("  ... and {} more (all listed in report.md)\n", lines.size() - cap);
}

void run_report(const ReportArgs& a) {
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
    exit_code = 2;
    return;
  }
  if (data->runs.empty()) {
    std::cerr << "l4lab report: " << a.runs_dir
              << ": no run folders (expected RUNS_DIR/<config>/trial-<k>/)\n";
    exit_code = 2;
    return;
  }
  const analysis::StudySummary s = analysis::summarize_study(*data, o);
  lap("analyse");
  auto written = report::write_report(*data, s);
  lap("write");
  if (!written.ok()) {
    std::cerr << "l4lab report: " << written.error().message() << "\n";
    exit_code = 2;
    return;
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
}

void add_options(CLI::App* cmd, ReportArgs& a) {
  cmd->add_option("RUNS_DIR", a.runs_dir, "folder of <config>/trial-<k>/ runs")->required();
  cmd->add_option("--baseline", a.o.baseline, "configuration the others are compared with")
      ->capture_default_str();
  cmd->add_option("--slo-ttft-ms", a.slo_ttft, "TTFT SLO in ms (goodput, SLOs broken)");
  cmd->add_option("--slo-tpot-ms", a.slo_tpot, "TPOT SLO in ms");
  cmd->add_option("--slo-e2e-ms", a.slo_e2e, "end-to-end latency SLO in ms");
  cmd->add_option("--price-per-hour", a.price,
                  "USD per hour charged to every run, whatever machine it ran on (simulated "
                  "runs included). Without it only runs on 1x NVIDIA L4 get a cost, at the "
                  "GCP g2-standard-8 on-demand price (docs/METRICS.md#cost)");
  cmd->add_option("--resamples", a.o.resamples, "bootstrap resamples")->capture_default_str();
  cmd->add_option("--seed", a.o.seed, "bootstrap seed")->capture_default_str();
  cmd->add_option("--confidence", a.o.confidence, "interval level")
      ->check(CLI::Range(0.5, 0.999))
      ->capture_default_str();
  cmd->add_flag("--quiet", a.quiet, "no summary line on stdout");
}

}  // namespace

void register_report_commands(CLI::App& app) {
  auto args = std::make_shared<ReportArgs>();
  CLI::App* rep = app.add_subcommand(
      "report", "Analyse a RUNS_DIR: report.md, report.html, summary.json/csv, results_vllm.json");
  add_options(rep, *args);
  rep->callback([args] { run_report(*args); });

  auto dir = std::make_shared<std::string>();
  CLI::App* ver = app.add_subcommand(
      "verify", "Recompute every number of RUNS_DIR/summary.json from the raw files and compare");
  ver->add_option("RUNS_DIR", *dir, "folder that `l4lab report` wrote into")->required();
  ver->callback([dir] {
    std::error_code ec;
    if (!std::filesystem::is_directory(*dir, ec)) {
      std::cerr << "verify: " << *dir << ": no such folder\n";
      exit_code = 2;
      return;
    }
    if (!std::filesystem::exists(std::filesystem::path(*dir) / "summary.json", ec)) {
      std::cerr << "verify: " << *dir << "/summary.json: not found (run `l4lab report " << *dir
                << "` first)\n";
      exit_code = 2;
      return;
    }
    const report::VerifyResult v = report::verify_runs_dir(*dir);
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
    exit_code = v.exit_code;
  });
}

}  // namespace l4lab::cli
