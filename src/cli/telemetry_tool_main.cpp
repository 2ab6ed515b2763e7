// `l4lab telemetry ...` alone: a small binary to carry to a GPU machine that
// has none of the lab's build (bench/telemetry/nvml_vs_smi.sh accepts it in
// place of l4lab).
#include <csignal>

#include "cli/commands.h"

int main(int argc, char** argv) {
  std::signal(SIGPIPE, SIG_IGN);
  CLI::App app{"l4lab telemetry tools"};
  app.require_subcommand(1);
  int status = 0;
  l4lab::cli::register_telemetry_commands(app, status);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  return status;
}
