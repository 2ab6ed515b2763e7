// Which run folders an argument names: a folder with traces.jsonl is one run;
// otherwise its trial-<k>/ folders (a configuration's folder), or else its
// <config>/trial-<k>/ folders (a RUNS_DIR), those that have one.
#pragma once

#include <string>
#include <vector>

#include "common/result.h"

namespace l4lab::twin {

Result<std::vector<std::string>> find_run_folders(const std::string& arg);

}  // namespace l4lab::twin
