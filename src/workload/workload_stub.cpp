#include "cli/commands.h"
namespace l4lab::cli {
void register_workload_commands(CLI::App& app) { (void)app; }
}  // namespace l4lab::cli
