// The matrix commands without the rest of l4lab: lets the matrix's tests
// (kill and resume) run while other subsystems are mid-change.
#include <csignal>

#include "cli/commands.h"

int main(int argc, char** argv) {
  std::signal(SIGPIPE, SIG_IGN);
  CLI::App app{"l4lab matrix commands (test tool)"};
  app.require_subcommand(1);
  int status = 0;
  l4lab::cli::register_matrix_commands(app, status);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  return status;
}
