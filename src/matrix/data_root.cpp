#include "matrix/data_root.h"

namespace l4lab::matrix {

namespace fs = std::filesystem;

std::string find_data_root(const std::string& plan, const fs::path& exe_dir) {
  std::error_code ec;
  if (fs::exists(plan, ec)) return ".";
  if (fs::path(plan).is_absolute()) return "";
  for (fs::path d = exe_dir; !d.empty(); d = d.parent_path()) {
    if (fs::exists(d / plan, ec)) return d.string();
    if (d == d.parent_path()) break;
  }
  const fs::path share = exe_dir.parent_path() / "share/l4lab";
  if (fs::exists(share / plan, ec)) return share.string();
  return "";
}

std::string main_job_workload_path(const std::string& root, const std::string& path,
                                   bool plan_builds_it, const std::string& out_dir) {
  std::error_code ec;
  if (root == "." || !plan_builds_it || fs::path(path).is_absolute() ||
      fs::exists(fs::path(root) / path, ec))
    return path;
  return (fs::path(out_dir) / "workload" / fs::path(path).filename()).string();
}

}  // namespace l4lab::matrix
