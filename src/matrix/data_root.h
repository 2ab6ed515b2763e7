// Where `l4lab run` finds its default plan and the configs and profiles the
// plan names (paths in a plan are relative to the folder that holds it), so
// the main job works from any folder and from an installed copy.
#pragma once

#include <filesystem>
#include <string>

namespace l4lab::matrix {

// The folder holding `plan`: "." if it exists relative to the current folder
// (or is absolute and exists); else the first folder at or above `exe_dir`
// that holds it (a build tree inside the repository); else
// `exe_dir/../share/l4lab` if that holds it (after `cmake --install`).
// "" if none does.
std::string find_data_root(const std::string& plan, const std::filesystem::path& exe_dir);

// Where the main job's workload goes when the plan came from another folder
// (`root` != "."): a workload the plan builds and that is not already there
// is built beside the results (`out_dir/workload/prompts.jsonl`) rather than
// into the (perhaps read-only, installed) data folder. Otherwise `path` as is.
std::string main_job_workload_path(const std::string& root, const std::string& path,
                                   bool plan_builds_it, const std::string& out_dir);

}  // namespace l4lab::matrix
