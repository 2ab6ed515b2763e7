#include "matrix/matrix_state.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <vector>

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

TEST(MatrixState, SlurmEndsAreRedoneAndRecordedOnce) {
  auto dir = std::filesystem::temp_directory_path() / ("l4lab-st2-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  const std::string path = (dir / "matrix_state.jsonl").string();
  std::filesystem::remove(path);
  MatrixState s;
  ASSERT_TRUE(s.open(path).ok());
  ASSERT_TRUE(s.record("C1", 1, "cancelled", "C1/trial-1", "t", "12_0").ok());
  EXPECT_FALSE(s.finished("C1", 1));
  EXPECT_TRUE(s.task_recorded("12_0"));
  EXPECT_EQ(s.status("C1", 1), "cancelled");
  ASSERT_TRUE(s.record("C1", 1, "ok", "C1/trial-1", "t").ok());
  MatrixState again;
  ASSERT_TRUE(again.open(path).ok());
  EXPECT_TRUE(again.finished("C1", 1));
  EXPECT_TRUE(again.task_recorded("12_0"));
  EXPECT_FALSE(again.task_recorded("12_1"));
}

// Tasks of a Slurm array append to one file at once: every line stays whole.
TEST(MatrixState, ConcurrentWritersLeaveWholeLines) {
  auto dir = std::filesystem::temp_directory_path() / ("l4lab-st3-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  const std::string path = (dir / "matrix_state.jsonl").string();
  std::filesystem::remove(path);
  constexpr int kWriters = 4, kLines = 100;
  std::vector<pid_t> kids;
  for (int w = 0; w < kWriters; ++w) {
    pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      MatrixState s;
      if (!s.open(path).ok()) _exit(1);
      for (int i = 0; i < kLines; ++i)
        if (!s.record("C" + std::to_string(w), i + 1, "ok", std::string(200, 'x'), "t").ok())
          _exit(1);
      _exit(0);
    }
    kids.push_back(pid);
  }
  for (pid_t k : kids) {
    int st = 0;
    waitpid(k, &st, 0);
    EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0);
  }
  MatrixState s;
  ASSERT_TRUE(s.open(path).ok());
  EXPECT_EQ(s.finished_count(), static_cast<size_t>(kWriters * kLines));
}

}  // namespace
}  // namespace l4lab::matrix
