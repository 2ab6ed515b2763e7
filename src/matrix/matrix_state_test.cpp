#include "matrix/matrix_state.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "common/files.h"

namespace l4lab::matrix {
namespace {

TEST(MatrixState, RemembersFinishedRunsAndDropsATornLine) {
  auto dir = std::filesystem::temp_directory_path() / ("l4lab-st-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  const std::string path = (dir / "matrix_state.jsonl").string();
  std::filesystem::remove(path);
  {
    MatrixState s;
    ASSERT_TRUE(s.open(path).ok());
    EXPECT_FALSE(s.finished("C1", 1));
    ASSERT_TRUE(s.record("C1", 1, "ok", "C1/trial-1", "t").ok());
    ASSERT_TRUE(s.record("C2", 1, "crashed", "C2/trial-1", "t").ok());
  }
  auto text = read_file(path);
  ASSERT_TRUE(text.ok());
  ASSERT_TRUE(write_file(path, *text + "{\"config\":\"C3\",\"tri").ok());  // a kill mid-write
  MatrixState s;
  ASSERT_TRUE(s.open(path).ok());
  EXPECT_TRUE(s.finished("C1", 1));
  EXPECT_TRUE(s.finished("C2", 1));
  EXPECT_FALSE(s.finished("C3", 1));
  EXPECT_FALSE(s.finished("C1", 2));
  EXPECT_EQ(s.finished_count(), 2u);
}

}  // namespace
}  // namespace l4lab::matrix
