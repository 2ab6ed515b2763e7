// Each subsystem registers its own subcommands; main() only wires them up.
// A registered command's callback sets the process exit code through
// `exit_code` (0 ok, 1 a failure of what was measured/checked, 2 bad usage or
// input).
#pragma once

#include <CLI/CLI.hpp>

namespace l4lab::cli {

extern int exit_code;

void register_workload_commands(CLI::App& app);  // workload/workload_cli.cpp
void register_sim_commands(CLI::App& app);       // sim/sim_cli.cpp
void register_bench_commands(CLI::App& app);     // client/bench_cli.cpp
void register_matrix_commands(CLI::App& app);    // matrix/matrix_cli.cpp (matrix, run)
void register_report_commands(CLI::App& app);    // report/report_cli.cpp (report, verify)
void register_twin_commands(CLI::App& app);      // twin/calibrate_cli.cpp (calibrate, predict)
void register_predict_command(CLI::App& app);    // twin/predict_cli.cpp
void register_transfer_command(CLI::App& app);   // twin/transfer_cli.cpp
void register_capacity_commands(CLI::App& app);  // capacity/capacity_cli.cpp

}  // namespace l4lab::cli
