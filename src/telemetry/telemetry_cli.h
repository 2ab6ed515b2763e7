#pragma once

#include <CLI/CLI.hpp>

namespace l4lab::telemetry {

// `l4lab telemetry sample --seconds S --out FILE [--hz H] [--source S]`: the
// GPU sampler alone, for checking it against nvidia-smi on a GPU machine and
// for measuring its own CPU cost (bench/telemetry/).
void register_telemetry_commands(CLI::App& app);

}  // namespace l4lab::telemetry
