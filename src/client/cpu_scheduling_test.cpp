#include "client/cpu_scheduling.h"

#include <gtest/gtest.h>
#include <sched.h>

#include <string>

namespace l4lab::client {
namespace {

TEST(CpuList, ParsesSinglesAndRanges) {
  auto r = parse_cpu_list("3,0-1,1");
  ASSERT_TRUE(r.ok()) << r.error().message();
  EXPECT_EQ(*r, (std::vector<int>{0, 1, 3}));
  EXPECT_EQ(format_cpu_list(*r), "0-1,3");
  EXPECT_EQ(format_cpu_list({0, 2, 3, 4, 7}), "0,2-4,7");
}

TEST(CpuList, ErrorsNameTheBadPart) {
  for (const char* bad : {"", "a", "1,", "3-1", "-2", "1-x"}) {
    auto r = parse_cpu_list(bad);
    EXPECT_FALSE(r.ok()) << bad;
  }
  auto r = parse_cpu_list("0,x7");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message().find("'x7'"), std::string::npos) << r.error().message();
  auto big = parse_cpu_list("100000");
  ASSERT_FALSE(big.ok());
  EXPECT_NE(big.error().message().find("CPU 100000"), std::string::npos);
}

TEST(CpuList, PinningToAnUnavailableCpuNamesIt) {
  // CPU_SETSIZE - 1 is never online on the hosts this runs on.
  Status st = pin_to_cpus({CPU_SETSIZE - 1});
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().message().find("CPU " + std::to_string(CPU_SETSIZE - 1) + " "),
            std::string::npos)
      << st.error().message();
}

}  // namespace
}  // namespace l4lab::client
