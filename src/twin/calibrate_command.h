// `l4lab calibrate`, `l4lab predict` and `l4lab transfer` as functions
// (docs/TWIN.md): src/cli/twin_commands.cpp parses the command line into these
// options; each returns the exit status.
#pragma once

#include <string>
#include <vector>

namespace l4lab::twin {

// `calibrate RUNS... --out profile.yaml`: fits serve-sim's engine model to
// real runs and writes the calibrated profile.
struct CalibrateOptions {
  std::vector<std::string> runs;
  std::vector<std::string> validate;
  std::string out;
  std::string base = "configs/sim-profiles/h200-mistral7b-datasheet.yaml";
  std::string name;
  int window = 50;
};

// The command as recorded in the profile's calibration section (defaults
// left out).
std::string calibrate_command_line(const CalibrateOptions& o);

// 0 written; 1 the fit or its check failed; 2 unusable input.
int run_calibrate(const CalibrateOptions& o);

}  // namespace l4lab::twin
