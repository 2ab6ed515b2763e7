#include <csignal>
#include <iostream>

#include "cli/commands.h"
#include "common/version.h"

namespace l4lab::cli {
int exit_code = 0;
}

int main(int argc, char** argv) {
  // Writes to a closed socket must surface as EPIPE, not kill the process.
  std::signal(SIGPIPE, SIG_IGN);
  CLI::App app{"l4lab: an auditable benchmark lab for LLM serving"};
  app.set_version_flag("--version",
                       std::string(l4lab::lab_version()) + " (" + l4lab::lab_git_sha() + ")");
  app.require_subcommand(1);
  l4lab::cli::register_workload_commands(app);
  l4lab::cli::register_sim_commands(app);
  l4lab::cli::register_bench_commands(app);
  l4lab::cli::register_matrix_commands(app);
  l4lab::cli::register_report_commands(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  return l4lab::cli::exit_code;
}
