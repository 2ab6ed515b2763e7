#include "cli/commands.h"
namespace l4lab::cli {
void register_sim_commands(CLI::App& app) { (void)app; }
}  // namespace l4lab::cli
