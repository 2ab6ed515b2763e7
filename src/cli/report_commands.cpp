// `l4lab report RUNS_DIR` and `l4lab verify RUNS_DIR`: options into
// report/report_command.h.
#include <memory>
#include <string>

#include "cli/commands.h"
#include "report/report_command.h"

namespace l4lab::cli {

namespace {

void add_options(CLI::App* cmd, report::ReportOptions& a) {
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

void register_report_commands(CLI::App& app, int& status) {
  auto args = std::make_shared<report::ReportOptions>();
  CLI::App* rep = app.add_subcommand(
      "report", "Analyse a RUNS_DIR: report.md, report.html, summary.json/csv, results_vllm.json");
  add_options(rep, *args);
  rep->callback([args, &status] { status = report::run_report(*args); });

  auto dir = std::make_shared<std::string>();
  CLI::App* ver = app.add_subcommand(
      "verify", "Recompute every number of RUNS_DIR/summary.json from the raw files and compare");
  ver->add_option("RUNS_DIR", *dir, "folder that `l4lab report` wrote into")->required();
  ver->callback([dir, &status] { status = report::run_verify(*dir); });
}

}  // namespace l4lab::cli
