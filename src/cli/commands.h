// The command line: each register function adds one subsystem's subcommands
// to `app`. Every option lands in that subsystem's options struct; a
// command's callback calls the subsystem, which returns the exit status, and
// stores it in `status`, which main() owns and returns (0 ok, 1 a failure of
// what was measured/checked, 2 bad usage or input, 128+signal interrupted).
// Subsystems never include anything from src/cli (docs/ARCHITECTURE.md).
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

namespace l4lab::cli {

void register_workload_commands(CLI::App& app, int& status);   // workload_commands.cpp
void register_sim_commands(CLI::App& app, int& status);        // sim_commands.cpp
void register_bench_commands(CLI::App& app, int& status);      // bench_commands.cpp
void register_matrix_commands(CLI::App& app, int& status);     // matrix_commands.cpp (matrix, run)
void register_telemetry_commands(CLI::App& app, int& status);  // telemetry_commands.cpp
void register_report_commands(CLI::App& app, int& status);  // report_commands.cpp (report, verify)
void register_twin_commands(CLI::App& app, int& status);  // twin_commands.cpp (calibrate, predict,
                                                          // transfer)
void register_capacity_commands(CLI::App& app, int& status);  // capacity_commands.cpp

// This process's command line as run (/proc/self/cmdline, NUL-separated),
// for the records that keep it (capacity.json, capacity_screen.json); empty
// where /proc is not readable. self_argv.cpp.
std::vector<std::string> self_argv();

}  // namespace l4lab::cli
