#include "twin/run_folders.h"

#include <algorithm>
#include <filesystem>

namespace l4lab::twin {

Result<std::vector<std::string>> find_run_folders(const std::string& arg) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_directory(arg, ec)) return Error(arg + ": no such folder");
  if (fs::exists(fs::path(arg) / "traces.jsonl", ec)) return std::vector<std::string>{arg};
  std::vector<std::string> out;
  auto trials_in = [&](const fs::path& dir) {
    for (const auto& trial : fs::directory_iterator(dir, ec)) {
      if (trial.is_directory() && trial.path().filename().string().rfind("trial-", 0) == 0 &&
          fs::exists(trial.path() / "traces.jsonl"))
        out.push_back(trial.path().string());
    }
  };
  trials_in(arg);  // a <config> folder
  if (out.empty())
    for (const auto& config : fs::directory_iterator(arg, ec))
      if (config.is_directory()) trials_in(config.path());  // a RUNS_DIR
  std::sort(out.begin(), out.end());
  if (out.empty())
    return Error(arg + ": no traces.jsonl in it or in its <config>/trial-<k>/ folders");
  return out;
}

}  // namespace l4lab::twin
