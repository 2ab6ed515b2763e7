#include "analysis/machine_price.h"

#include <gtest/gtest.h>

namespace l4lab::analysis {
namespace {

RunManifest machine(const std::string& gpu, int count, const std::string& type = "",
                    bool simulated = false) {
  RunManifest m;
  m.present = true;
  m.config_name = "C1";
  m.gpu_name = gpu;
  m.gpu_count = count;
  m.machine_type = type;
  m.simulated = simulated;
  return m;
}

TEST(AnalysisPrice, DefaultPriceOnlyForOneL4) {
  const AnalysisOptions o;
  const RunPrice l4 = price_run(machine("NVIDIA L4", 1, "g2-standard-8"), o);
  EXPECT_TRUE(l4.priced());
  EXPECT_DOUBLE_EQ(l4.usd_per_hour, 0.85);
  EXPECT_NE(l4.basis.find("1x NVIDIA L4 on g2-standard-8"), std::string::npos) << l4.basis;

  const RunPrice untyped = price_run(machine("NVIDIA L4", 1), o);  // machine type not recorded
  EXPECT_TRUE(untyped.priced());
  EXPECT_NE(untyped.basis.find("did not record its machine type"), std::string::npos)
      << untyped.basis;

  const RunPrice cpu = price_run(machine("", 0), o);
  EXPECT_FALSE(cpu.priced());
  EXPECT_NE(cpu.reason.find("no price for this machine: no GPU"), std::string::npos) << cpu.reason;
  EXPECT_EQ(cpu.machine, "no GPU");

  const RunPrice h200 = price_run(machine("NVIDIA H200", 1), o);
  EXPECT_FALSE(h200.priced());
  EXPECT_NE(h200.reason.find("no price for this machine: 1x NVIDIA H200"), std::string::npos)
      << h200.reason;

  EXPECT_FALSE(price_run(machine("NVIDIA L4", 2), o).priced());  // another machine
  EXPECT_FALSE(price_run(machine("NVIDIA L4", 1, "g2-standard-4"), o).priced());
  EXPECT_FALSE(price_run(machine("NVIDIA L4", 0), o).priced());  // count not recorded
}

TEST(AnalysisPrice, SimulatedRunsOnlyWithAnExplicitPrice) {
  AnalysisOptions o;
  // serve-sim on an L4 host: the machine matches, but the numbers are a model.
  const RunPrice sim = price_run(machine("NVIDIA L4", 1, "g2-standard-8", true), o);
  EXPECT_FALSE(sim.priced());
  EXPECT_NE(sim.reason.find("simulated"), std::string::npos) << sim.reason;

  o.price_per_hour = 1.5;
  for (const RunManifest& m : {machine("", 0, "", true), machine("NVIDIA H200", 1)}) {
    const RunPrice p = price_run(m, o);
    EXPECT_DOUBLE_EQ(p.usd_per_hour, 1.5);
    EXPECT_NE(p.basis.find("--price-per-hour"), std::string::npos) << p.basis;
  }
}

TEST(AnalysisPrice, ThePlansPriceForItsMachineComesFirst) {
  const AnalysisOptions o;
  RunManifest m = machine("NVIDIA L4", 1, "g2-standard-4");
  m.plan_price = MachinePrice{0.71, "NVIDIA L4", 1, "g2-standard-4", "a quote"};
  const RunPrice p = price_run(m, o);
  EXPECT_DOUBLE_EQ(p.usd_per_hour, 0.71);
  EXPECT_NE(p.basis.find("the plan's price (a quote)"), std::string::npos) << p.basis;
  // The plan priced another machine than the run recorded: no price.
  RunManifest h = machine("NVIDIA H100 80GB HBM3", 1);
  h.plan_price = m.plan_price;
  const RunPrice q = price_run(h, o);
  EXPECT_FALSE(q.priced());
  EXPECT_NE(q.reason.find("(the plan's)"), std::string::npos) << q.reason;
}

}  // namespace
}  // namespace l4lab::analysis
