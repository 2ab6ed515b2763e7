// `l4lab calibrate`, `l4lab predict` and `l4lab transfer`: options into
// twin/calibrate_command.h, twin/predict_command.h, twin/transfer_command.h.
#include <iostream>
#include <memory>

#include "cli/commands.h"
#include "twin/calibrate_command.h"
#include "twin/capacity_screen_command.h"
#include "twin/predict_command.h"
#include "twin/transfer_command.h"

namespace l4lab::cli {

namespace {

void register_predict_command(CLI::App& app, int& status) {
  auto a = std::make_shared<twin::PredictOptions>();
  CLI::App* cmd = app.add_subcommand(
      "predict",
      "Run a plan's configurations on serve-sim's model in virtual time with a calibrated "
      "profile; write run folders labelled PREDICTED (docs/TWIN.md)");
  cmd->add_option("PLAN", a->plan, "plan YAML (plans/)")->required();
  cmd->add_option("--profile", a->profile, "calibrated profile (l4lab calibrate)")->required();
  cmd->add_option("--out", a->out, "folder for <config>/trial-1/ and predicted.md")->required();
  cmd->add_option("--workload", a->workload, "prompts.jsonl (default: the plan's)");
  cmd->add_option("--limit", a->limit, "only the first N requests of the schedule");
  cmd->add_option("--hardware", a->hardware,
                  "a profile whose hardware section is another GPU's datasheet: carry the "
                  "calibrated profile there (PREDICTED, not validated; assumptions listed)");
  cmd->add_option("--schedule", a->schedule,
                  "a run's schedule.jsonl: send in its order instead of the plan's seeded one");
  auto sc = std::make_shared<twin::ScreenArgs>();
  auto* capacity = cmd->add_flag(
      "--capacity", sc->capacity,
      "screen each configuration by capacity: the search of `l4lab capacity` run on the model "
      "in virtual time; OUT/capacity_screen.json and .md, all PREDICTED "
      "(docs/CAPACITY.md#screening-with-the-twin)");
  cmd->add_option("--slo", sc->slos, "with --capacity: an SLO, repeatable (as l4lab capacity)")
      ->needs(capacity);
  cmd->add_option("--only", sc->only, "with --capacity: these configurations only (C1,C8)")
      ->delimiter(',')
      ->needs(capacity);
  cmd->add_option("--top", sc->top,
                  "with --capacity: recommend confirming this many (plus their baselines)")
      ->capture_default_str();
  auto& so = sc->search;
  cmd->add_option("--start-rate", so.search.start_rate, "with --capacity: as l4lab capacity")
      ->capture_default_str();
  cmd->add_option("--resolution", so.search.resolution, "with --capacity: as l4lab capacity")
      ->capture_default_str();
  cmd->add_option("--max-steps", so.search.max_steps, "with --capacity: as l4lab capacity")
      ->capture_default_str();
  cmd->add_option("--step-s", so.step_s, "with --capacity: measured seconds per step (model time)")
      ->capture_default_str();
  cmd->add_option("--warmup-s", so.warmup_s, "with --capacity: warm-up seconds per step")
      ->capture_default_str();
  cmd->add_option("--seed", so.seed, "with --capacity: schedule seed (step k: seed*1000+k)")
      ->capture_default_str();
  cmd->callback([a, sc, &status] {
    if (!sc->capacity) {
      status = twin::run_predict(*a);
      return;
    }
    if (sc->slos.empty()) {
      std::cerr << "predict --capacity: give at least one --slo (e.g. ttft_p95_ms=2000)\n";
      status = 2;
      return;
    }
    sc->argv = self_argv();
    status = twin::run_capacity_screen(*a, *sc);
  });
}

void register_transfer_command(CLI::App& app, int& status) {
  auto a = std::make_shared<twin::TransferOptions>();
  CLI::App* cmd = app.add_subcommand(
      "transfer",
      "Carry a calibrated profile to an unmeasured GPU by its published figures; write it "
      "(PREDICTED, not validated; docs/TWIN.md)");
  cmd->add_option("PROFILE", a->profile, "calibrated profile (l4lab calibrate)")->required();
  cmd->add_option("--hardware", a->hardware,
                  "a profile whose hardware section is the target GPU's datasheet")
      ->required();
  cmd->add_option("--out", a->out, "profile YAML to write")->required();
  cmd->add_option("--name", a->name, "the written profile's name (default: <profile>-to-<gpu>)");
  cmd->callback([a, &status] { status = twin::run_transfer(*a); });
}

}  // namespace

void register_twin_commands(CLI::App& app, int& status) {
  auto a = std::make_shared<twin::CalibrateOptions>();
  CLI::App* cmd = app.add_subcommand(
      "calibrate",
      "Fit serve-sim's engine model to real runs; write a calibrated profile (docs/TWIN.md)");
  cmd->add_option("RUNS", a->runs,
                  "run folders (with traces.jsonl) or RUNS_DIRs holding <config>/trial-<k>/ "
                  "folders, all of one configuration")
      ->required();
  cmd->add_option("--out", a->out, "profile YAML to write")->required();
  cmd->add_option("--validate", a->validate,
                  "held-out run folders (any configuration) to predict and score, not fitted");
  cmd->add_option("--base", a->base, "datasheet profile to start from")->capture_default_str();
  cmd->add_option("--name", a->name, "profile name (default <config>-calibrated)");
  cmd->add_option("--window", a->window, "step intervals per fitting window")
      ->capture_default_str();
  cmd->callback([a, &status] { status = twin::run_calibrate(*a); });
  register_predict_command(app, status);
  register_transfer_command(app, status);
}

}  // namespace l4lab::cli
