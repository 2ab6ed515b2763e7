// `l4lab telemetry sample`: options into telemetry/sample_command.h.
#include <memory>

#include "cli/commands.h"
#include "telemetry/sample_command.h"

namespace l4lab::cli {

void register_telemetry_commands(CLI::App& app, int& status) {
  auto* tel = app.add_subcommand("telemetry", "GPU telemetry tools (the run-time sampler alone)");
  tel->require_subcommand(1);
  auto opts = std::make_shared<telemetry::SampleOptions>();
  auto* s = tel->add_subcommand("sample", "Sample GPUs at --hz for --seconds into a JSONL file");
  s->add_option("--seconds", opts->seconds, "How long to sample")->capture_default_str();
  s->add_option("--hz", opts->hz, "Samples per second")->capture_default_str();
  s->add_option("--out", opts->out, "gpu_samples.jsonl to write")->capture_default_str();
  s->add_option("--source", opts->source, "auto | nvml | nvidia-smi | synthetic | none")
      ->check(CLI::IsMember({"auto", "nvml", "nvidia-smi", "synthetic", "none"}))
      ->capture_default_str();
  s->add_option("--metrics-url", opts->metrics_url,
                "Also scrape this Prometheus URL into OUT.metrics.jsonl (cost measurement)");
  s->add_option("--metrics-hz", opts->metrics_hz, "Scrapes per second")->capture_default_str();
  s->callback([opts, &status] { status = telemetry::run_sample(*opts); });
}

}  // namespace l4lab::cli
