#include "twin/profile_transfer.h"

#include <gtest/gtest.h>

namespace l4lab::twin {
namespace {

TEST(TwinProfileTransfer, KeepsTheFittedEfficienciesAndTakesTheTargetsFigures) {
  sim::SimProfile h200;
  h200.name = "h200-cal";
  h200.hardware.name = "NVIDIA H200";
  h200.hardware.memory_gib = 140.4;
  h200.hardware.memory_bandwidth_gbps = 4800;
  h200.hardware.bandwidth_efficiency = 0.854;
  h200.hardware.tensor_tflops_bf16 = 989;
  h200.hardware.compute_efficiency = 0.829;
  h200.hardware.activation_reserve_gib = 1.06;
  h200.costs.attn_ms_per_token_pos = 1.2e-6;
  h200.overheads.step_ms = 0.761;
  h200.calibration.present = true;
  h200.calibration.fitted_config = "C1";
  h200.calibration.validation_error = {{"ttft_p50_ms", -0.005}};
  sim::HardwareShape l4;  // the struct defaults are the L4 datasheet
  auto t = transfer_profile(h200, l4);
  const auto& p = t.profile;
  EXPECT_EQ(p.hardware.name, "NVIDIA L4");
  EXPECT_EQ(p.hardware.memory_bandwidth_gbps, 300);
  EXPECT_EQ(p.hardware.bandwidth_efficiency, 0.854);
  EXPECT_EQ(p.hardware.compute_efficiency, 0.829);
  EXPECT_EQ(p.overheads.step_ms, 0.761);
  EXPECT_NEAR(*p.costs.attn_ms_per_token_pos, 1.2e-6 * 989 / 121, 1e-15);
  EXPECT_EQ(p.calibration.errors_for("C1"), nullptr);  // nothing validated on the target
  EXPECT_GE(t.assumptions.size(), 5u);
  auto d = sim::derive_costs(p);
  ASSERT_TRUE(d.ok());
  EXPECT_NEAR(d->decode_base_ms, 7.248e9 * 2 / (300e9 * 0.854) * 1e3, 1e-9);
}

// Written out and read back (l4lab transfer), the profile still carries no
// held-out error: the H200's errors would otherwise come back with the text.
TEST(TwinProfileTransfer, AWrittenTransferredProfileStaysUnvalidated) {
  auto h200 = sim::parse_sim_profile(
      "schema: l4lab.sim_profile/1\nname: h200-cal\nhardware: {name: NVIDIA H200, memory_gib: "
      "140.4, memory_bandwidth_gbps: 4800, tensor_tflops_bf16: 989}\ncalibration:\n  "
      "fitted_config: C1\n  validation:\n    note: held out C1 trial 2\n    relative_error: "
      "{ttft_p50_ms: -0.005}\n",
      "h200.yaml");
  ASSERT_TRUE(h200.ok()) << h200.error().message();
  ASSERT_NE(h200->calibration.errors_for("C1"), nullptr);
  auto t = transfer_profile(*h200, sim::HardwareShape{});
  auto back = sim::parse_sim_profile(sim::sim_profile_yaml(t.profile), "written.yaml");
  ASSERT_TRUE(back.ok()) << back.error().message();
  EXPECT_EQ(back->calibration.errors_for("C1"), nullptr);
  EXPECT_NE(back->calibration.validation_note.find("not validated on NVIDIA L4"), std::string::npos)
      << back->calibration.validation_note;
  EXPECT_NE(back->calibration.yaml.find("assumptions"), std::string::npos);
  EXPECT_EQ(back->hardware.name, "NVIDIA L4");
}

}  // namespace
}  // namespace l4lab::twin
