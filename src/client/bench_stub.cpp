#include "cli/commands.h"
namespace l4lab::cli {
void register_bench_commands(CLI::App& app) { (void)app; }
}  // namespace l4lab::cli
