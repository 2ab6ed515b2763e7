// `l4lab capacity`: options into capacity/capacity_options.h.
#include <cstdio>
#include <filesystem>

#include "capacity/capacity_options.h"
#include "cli/commands.h"
#include "common/files.h"

namespace l4lab::cli {

void register_capacity_commands(CLI::App& app, int& status) {
  auto o = std::make_shared<capacity::CapacityOptions>();
  CLI::App* c = app.add_subcommand(
      "capacity",
      "Find the highest Poisson arrival rate at which the SLOs hold: a ramp then a bisection, "
      "each step an `l4lab bench` run folder; capacity.json with the capacity and its interval "
      "(docs/CAPACITY.md)");
  auto* url = c->add_option("--url", o->url, "server base URL, e.g. http://127.0.0.1:8000");
  auto* plan = c->add_option("--plan", o->plan,
                             "a matrix plan instead of --url: each configuration's engine is "
                             "started (engine_overrides applied), searched and stopped in turn; "
                             "OUT/<config>/ per configuration, OUT/capacity_plan.json with "
                             "verdicts against each one's baseline");
  url->excludes(plan);
  c->add_option("--only", o->only, "with --plan: these configurations only (C1,C8)")
      ->delimiter(',')
      ->needs(plan);
  c->add_option("--workload", o->workload,
                "prompts.jsonl: the request mix each step sends (with --plan: default the "
                "plan's workload.path)");
  c->add_option("--slo", o->slos,
                "an SLO each step must meet, repeatable: ttft_p95_ms=2000, tpot_p95_ms=100, "
                "e2e_p99_ms=..., goodput=0.9")
      ->required();
  c->add_option("--out", o->out_dir, "folder for capacity.json and the step run folders")
      ->required();
  c->add_option("--start-rate", o->search.start_rate, "first step's rate, requests/s")
      ->capture_default_str();
  c->add_option("--factor", o->search.factor, "ramp multiplier between steps")
      ->capture_default_str();
  c->add_option("--resolution", o->search.resolution,
                "bisection stops when (first fail / last pass - 1) <= this")
      ->capture_default_str();
  c->add_option("--max-steps", o->search.max_steps, "at most this many steps")
      ->capture_default_str();
  c->add_option("--max-rate", o->search.max_rate, "never ask more than this rate");
  c->add_option("--step-s", o->step_s, "measured seconds per step (after the warm-up)")
      ->capture_default_str();
  c->add_option("--warmup-s", o->warmup_s, "seconds at the start of each step left out")
      ->capture_default_str();
  c->add_option("--pause-s", o->pause_s, "seconds between steps, for the server to drain")
      ->capture_default_str();
  c->add_option("--seed", o->seed, "schedule seed (step k uses seed*1000+k)")
      ->capture_default_str();
  c->add_option("--model", o->model, "model name (default: first of GET /v1/models)");
  c->add_option("--endpoint-type", o->endpoint_type, "chat|completions")
      ->check(CLI::IsMember({"chat", "completions"}))
      ->capture_default_str();
  c->add_flag("--ignore-eos", o->ignore_eos, "ask the engine to ignore EOS (fixed output lengths)");
  c->callback([o, url, plan, &status] {
    if (url->count() == 0 && plan->count() == 0) {
      std::fprintf(stderr, "l4lab capacity: give --url (one endpoint) or --plan (a matrix plan)\n");
      status = 2;
      return;
    }
    if (url->count() > 0 && o->workload.empty()) {
      std::fprintf(stderr, "l4lab capacity: --workload is required with --url\n");
      status = 2;
      return;
    }
    std::error_code ec;
    o->l4lab_exe = std::filesystem::read_symlink("/proc/self/exe", ec).string();
    // The command as run, for capacity.json.
    o->argv = self_argv();
    status = o->plan.empty() ? capacity::run_capacity(*o) : capacity::run_capacity_plan(*o);
  });
}

}  // namespace l4lab::cli
