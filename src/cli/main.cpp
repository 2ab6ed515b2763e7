#include <algorithm>
#include <csignal>
#include <iostream>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "common/version.h"

namespace {

// Levenshtein distance, for "did you mean" on a misspelled command.
size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diag = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

// argv[1] that is neither an option nor a command: name it, suggest the
// nearest command, list them all. Returns true if it printed.
bool unknown_command(CLI::App& app, int argc, char** argv) {
  if (argc < 2 || argv[1][0] == '-') return false;
  const std::string word = argv[1];
  std::vector<std::string> names;
  for (const auto* s : app.get_subcommands({})) names.push_back(s->get_name());
  if (std::find(names.begin(), names.end(), word) != names.end()) return false;
  std::string best;
  size_t best_d = 3;  // suggest only close misspellings
  for (const auto& n : names)
    if (size_t d = edit_distance(word, n); d < best_d) best_d = d, best = n;
  std::cerr << "l4lab: unknown command '" << word << "'";
  if (!best.empty()) std::cerr << "; did you mean '" << best << "'?";
  std::cerr << "\ncommands:";
  for (const auto& n : names) std::cerr << " " << n;
  std::cerr << " (l4lab --help)\n";
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  // Writes to a closed socket must surface as EPIPE, not kill the process.
  std::signal(SIGPIPE, SIG_IGN);
  CLI::App app{"l4lab: an auditable benchmark lab for LLM serving"};
  app.set_version_flag("--version",
                       std::string(l4lab::lab_version()) + " (" + l4lab::lab_git_sha() + ")");
  app.require_subcommand(1);
  int status = 0;  // what the chosen command returned
  l4lab::cli::register_workload_commands(app, status);
  l4lab::cli::register_sim_commands(app, status);
  l4lab::cli::register_bench_commands(app, status);
  l4lab::cli::register_matrix_commands(app, status);
  l4lab::cli::register_report_commands(app, status);
  l4lab::cli::register_twin_commands(app, status);
  l4lab::cli::register_capacity_commands(app, status);
  if (unknown_command(app, argc, argv)) return 2;
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  return status;
}
