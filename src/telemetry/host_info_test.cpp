#include "telemetry/host_info.h"

#include <gtest/gtest.h>

namespace l4lab::telemetry {
namespace {

TEST(HostInfo, ParsesProcTexts) {
  EXPECT_EQ(
      cpu_model_from_cpuinfo("processor\t: 0\nmodel name\t: Intel(R) Xeon(R) CPU @ 2.20GHz\n"),
      "Intel(R) Xeon(R) CPU @ 2.20GHz");
  EXPECT_EQ(mem_total_mib_from_meminfo("MemTotal:       24576000 kB\nMemFree: 1 kB\n"), 24000);
  EXPECT_EQ(pretty_name_from_os_release("NAME=x\nPRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\n"),
            "Debian GNU/Linux 12 (bookworm)");
  auto h = read_host_info();
  EXPECT_GT(h.cores, 0);
  EXPECT_GT(h.mem_total_mib, 0);
  EXPECT_FALSE(h.kernel.empty());
}

}  // namespace
}  // namespace l4lab::telemetry
