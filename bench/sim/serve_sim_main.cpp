// `serve-sim` alone, for load scripts that need nothing else of l4lab (it
// builds from l4lab_sim in seconds where the whole l4lab takes minutes on a
// small machine): `serve_sim serve-sim --port 0 ...` accepts exactly the
// flags of `l4lab serve-sim` (the same registration, sim/sim_cli.cpp).
#include <csignal>

#include "cli/commands.h"

namespace l4lab::cli {
int exit_code = 0;
}

int main(int argc, char** argv) {
  std::signal(SIGPIPE, SIG_IGN);
  CLI::App app{"serve-sim alone (l4lab serve-sim)"};
  app.require_subcommand(1);
  l4lab::cli::register_sim_commands(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  return l4lab::cli::exit_code;
}
