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
  const auto id = cpu_identity_from_cpuinfo(
      "processor\t: 0\nvendor_id\t: GenuineIntel\ncpu family\t: 6\nmodel\t\t: 143\n"
      "model name\t: Intel(R) Xeon(R) Processor\nstepping\t: 8\ncpu MHz\t\t: 2100.000\n"
      "flags\t\t: fpu avx2 avx512f amx_tile avx512_vnni\n\n"
      "processor\t: 1\ncpu family\t: 7\nmodel\t\t: 1\nflags\t\t: avx512_bf16\n");
  EXPECT_EQ(id.family, 6);
  EXPECT_EQ(id.model, 143);
  EXPECT_EQ(id.stepping, 8);
  EXPECT_DOUBLE_EQ(id.mhz, 2100.0);
  EXPECT_EQ(id.flags, (std::vector<std::string>{"avx2", "avx512f", "avx512_vnni", "amx_tile"}));
  const auto none = cpu_identity_from_cpuinfo("model\t: unknown\n");
  EXPECT_EQ(none.model, -1);
  EXPECT_EQ(none.family, -1);
  auto h = read_host_info();
  EXPECT_GT(h.cpu_probe.reps, 0);
  EXPECT_GT(h.cpu_probe.best_ns_per_op, 0.0);
  EXPECT_GT(h.cores, 0);
  EXPECT_GT(h.mem_total_mib, 0);
  EXPECT_FALSE(h.kernel.empty());
}

}  // namespace
}  // namespace l4lab::telemetry
