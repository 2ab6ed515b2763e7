#pragma once

#include <string>

namespace l4lab::telemetry {

// `l4lab telemetry sample --seconds S --out FILE [--hz H] [--source S]`: the
// GPU sampler alone, for checking it against nvidia-smi on a GPU machine and
// for measuring its own CPU cost (bench/telemetry/). src/cli parses the
// command line into SampleOptions.
struct SampleOptions {
  double seconds = 10;
  double hz = 10;
  std::string out = "gpu_samples.jsonl";
  std::string source = "auto";
  std::string metrics_url;  // optional: also scrape this /metrics URL
  double metrics_hz = 1;
};

// Prints the summary JSON; returns the exit status: 0, 1 when no source
// could sample (and `none` was not asked for), 2 bad input.
int run_sample(const SampleOptions& o);

}  // namespace l4lab::telemetry
