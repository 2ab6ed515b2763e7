#include "client/fd_budget.h"

#include <gtest/gtest.h>
#include <sys/resource.h>

namespace l4lab::client {
namespace {

TEST(FdBudget, FitsUnderTheLimit) {
  EXPECT_TRUE(check_fd_budget(100, 1024, 1024, "--concurrency").ok());
  EXPECT_TRUE(check_fd_budget(1024 - kFdReserve, 1024, 1024, "--concurrency").ok());
  // The hard limit is reachable by raising the soft one.
  EXPECT_TRUE(check_fd_budget(5000, 1024, 65536, "--concurrency").ok());
}

TEST(FdBudget, OverTheLimitNamesFlagNeedAndLimits) {
  auto s = check_fd_budget(2000, 256, 1024, "--concurrency");
  ASSERT_FALSE(s.ok());
  const std::string m = s.error().message();
  EXPECT_NE(m.find("--concurrency 2000"), std::string::npos) << m;
  EXPECT_NE(m.find("2064"), std::string::npos) << m;
  EXPECT_NE(m.find("soft 256, hard 1024"), std::string::npos) << m;
  EXPECT_NE(m.find("ulimit -n"), std::string::npos) << m;
  EXPECT_FALSE(check_fd_budget(1024 - kFdReserve + 1, 1024, 1024, "--concurrency").ok());
}

// In this process: a need beyond the hard limit is refused; one within it
// raises the soft limit. The limits are restored afterwards.
TEST(FdBudget, EnsureRaisesTheSoftLimitOrRefuses) {
  rlimit saved{};
  ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &saved), 0);
  if (saved.rlim_max == RLIM_INFINITY || saved.rlim_max < 512)
    GTEST_SKIP() << "needs a finite hard limit of at least 512 open files";
  rlimit low = saved;
  low.rlim_cur = 256;
  ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &low), 0);
  EXPECT_TRUE(ensure_fd_budget(300, "--concurrency").ok());
  rlimit now{};
  getrlimit(RLIMIT_NOFILE, &now);
  EXPECT_GE(now.rlim_cur, 300 + kFdReserve);
  auto s = ensure_fd_budget(uint64_t(saved.rlim_max) + 1, "--concurrency");
  EXPECT_FALSE(s.ok());
  setrlimit(RLIMIT_NOFILE, &saved);
}

}  // namespace
}  // namespace l4lab::client
