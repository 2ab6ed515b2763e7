#include "matrix/data_root.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>

namespace l4lab::matrix {
namespace {

namespace fs = std::filesystem;

struct TempDir {
  fs::path path;
  TempDir() {
    std::string t = (fs::temp_directory_path() / "l4lab-data-root-XXXXXX").string();
    path = mkdtemp(t.data());
  }
  ~TempDir() { fs::remove_all(path); }
};

void touch(const fs::path& p) {
  fs::create_directories(p.parent_path());
  std::ofstream(p) << "x";
}

TEST(DataRoot, FoundAboveTheExecutableInABuildTree) {
  TempDir t;
  touch(t.path / "plans/data-root-test-only.yaml");
  fs::create_directories(t.path / "build/src/cli");
  EXPECT_EQ(find_data_root("plans/data-root-test-only.yaml", t.path / "build/src/cli"),
            t.path.string());
}

TEST(DataRoot, FoundInShareAfterInstall) {
  TempDir t;
  touch(t.path / "share/l4lab/plans/data-root-test-only.yaml");
  fs::create_directories(t.path / "bin");
  EXPECT_EQ(find_data_root("plans/data-root-test-only.yaml", t.path / "bin"),
            (t.path / "share/l4lab").string());
}

TEST(DataRoot, NotFoundIsEmptyAndAbsoluteIsNotSearched) {
  TempDir t;
  fs::create_directories(t.path / "bin");
  EXPECT_EQ(find_data_root("plans/none-such.yaml", t.path / "bin"), "");
  EXPECT_EQ(find_data_root((t.path / "plans/none.yaml").string(), t.path / "bin"), "");
  touch(t.path / "p.yaml");
  EXPECT_EQ(find_data_root((t.path / "p.yaml").string(), t.path / "bin"), ".");
}

TEST(DataRoot, WorkloadBuiltBesideTheResultsWhenThePlanIsElsewhere) {
  TempDir t;
  const std::string w = "runs/workload/prompts.jsonl";
  // Plan from the current folder: the plan's own path.
  EXPECT_EQ(main_job_workload_path(".", w, true, "/o"), w);
  // Plan from another folder, workload not there yet: beside the results.
  EXPECT_EQ(main_job_workload_path(t.path.string(), w, true, "/o"), "/o/workload/prompts.jsonl");
  // A plan that does not build its workload keeps its path (and its error if missing).
  EXPECT_EQ(main_job_workload_path(t.path.string(), w, false, "/o"), w);
  // Already built in that folder (a repository checkout): reused.
  touch(t.path / w);
  EXPECT_EQ(main_job_workload_path(t.path.string(), w, true, "/o"), w);
}

}  // namespace
}  // namespace l4lab::matrix
