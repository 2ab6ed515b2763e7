#include "sim/sim_profile.h"

#include <gtest/gtest.h>

namespace l4lab::sim {
namespace {

TEST(SimProfile, ShippedProfilesLoadAndValidate) {
  for (const char* name : {"l4-mistral7b", "exact-50-10", "l4-mistral7b-faulty",
                           "h200-mistral7b-datasheet", "h200-mistral7b-c1-calibrated",
                           "h200-mistral7b-c1c8-calibrated", "h200-mistral7b-c1c8c3-calibrated",
                           "h200-mistral7b-ladder-calibrated", "l4-mistral7b-from-h200"}) {
    const std::string path =
        std::string(L4LAB_SOURCE_DIR) + "/configs/sim-profiles/" + name + ".yaml";
    auto p = load_sim_profile(path);
    ASSERT_TRUE(p.ok()) << p.error().message();
    EXPECT_EQ(p->name, name);
    EXPECT_TRUE(validate_profile(*p).ok());
  }
}

TEST(SimProfile, CalibratedProfileCarriesItsValidationPerConfiguration) {
  auto p = load_sim_profile(std::string(L4LAB_SOURCE_DIR) +
                            "/configs/sim-profiles/h200-mistral7b-c1-calibrated.yaml");
  ASSERT_TRUE(p.ok()) << p.error().message();
  EXPECT_EQ(p->step_model, StepModel::kAdditive);
  ASSERT_TRUE(p->calibration.present);
  EXPECT_EQ(p->calibration.fitted_config, "C1");
  ASSERT_NE(p->calibration.errors_for("C1"), nullptr);
  ASSERT_NE(p->calibration.errors_for("C8"), nullptr);
  EXPECT_EQ(p->calibration.errors_for("C3"), nullptr);  // never validated
  EXPECT_GT(p->overheads.request_ms, 0);
}

TEST(SimProfile, WrittenYamlReadsBackToTheSameProfile) {
  SimProfile p;
  p.name = "round-trip";
  p.step_model = StepModel::kAdditive;
  p.hardware.bandwidth_efficiency = 0.854321;
  p.hardware.compute_efficiency_fp8 = 0.561;
  p.overheads.request_ms = 37.4381;
  p.overheads.request_per_inflight_ms = 0.772;
  p.overheads.fp8_weights_step_ms = 0.5;
  p.costs.attn_ms_per_token_pos = 1.198e-6;
  p.engine.max_num_seqs = 64;
  p.engine.quantization = "fp8";
  p.calibration.present = true;
  p.calibration.yaml =
      "fitted_config: C1\nclient_gap_ms: 0.09\nvalidation:\n  relative_error: {ttft_p50_ms: "
      "-0.005}\n";
  auto back = parse_sim_profile(sim_profile_yaml(p), "rt.yaml");
  ASSERT_TRUE(back.ok()) << back.error().message();
  EXPECT_EQ(back->name, "round-trip");
  EXPECT_EQ(back->step_model, StepModel::kAdditive);
  EXPECT_DOUBLE_EQ(back->hardware.bandwidth_efficiency, 0.854321);
  EXPECT_DOUBLE_EQ(*back->hardware.compute_efficiency_fp8, 0.561);
  EXPECT_DOUBLE_EQ(back->overheads.request_ms, 37.4381);
  EXPECT_DOUBLE_EQ(back->overheads.request_per_inflight_ms, 0.772);
  EXPECT_DOUBLE_EQ(back->overheads.fp8_weights_step_ms, 0.5);
  EXPECT_DOUBLE_EQ(*back->costs.attn_ms_per_token_pos, 1.198e-6);
  EXPECT_EQ(back->engine.max_num_seqs, 64);
  EXPECT_EQ(back->engine.quantization, "fp8");
  EXPECT_EQ(back->calibration.fitted_config, "C1");
  EXPECT_DOUBLE_EQ(back->calibration.client_gap_ms, 0.09);
  ASSERT_EQ(back->calibration.validation_error.size(), 1u);
  EXPECT_DOUBLE_EQ(back->calibration.validation_error[0].second, -0.005);
  const auto d = derive_costs(*back), d0 = derive_costs(p);
  ASSERT_TRUE(d.ok() && d0.ok());
  EXPECT_DOUBLE_EQ(d->decode_base_ms, d0->decode_base_ms);
  EXPECT_DOUBLE_EQ(d->compute_ms_per_token, d0->compute_ms_per_token);
  EXPECT_DOUBLE_EQ(d->step_overhead_ms, d0->step_overhead_ms);
}

TEST(SimProfile, ParsesExactMode) {
  auto p = parse_sim_profile("name: t\nmode: exact\nexact: {ttft_ms: 5, itl_ms: 2}\n", "t.yaml");
  ASSERT_TRUE(p.ok()) << p.error().message();
  EXPECT_EQ(p->mode, SimMode::kExact);
  EXPECT_EQ(p->exact.ttft_ms, 5);
}

TEST(SimProfile, ErrorsNameTheFileLineAndField) {
  auto p = parse_sim_profile("name: t\nengine:\n  max_num_seqz: 4\n", "bad.yaml");
  ASSERT_FALSE(p.ok());
  EXPECT_NE(p.error().message().find("bad.yaml:3"), std::string::npos) << p.error().message();
  EXPECT_NE(p.error().message().find("engine.max_num_seqz"), std::string::npos);
  auto q = parse_sim_profile("engine:\n  max_num_seqs: lots\n", "q.yaml");
  ASSERT_FALSE(q.ok());
  EXPECT_NE(q.error().message().find("max_num_seqs"), std::string::npos);
  auto f = parse_sim_profile("faults:\n  - {kind: explode, rate: 0.1}\n", "f.yaml");
  ASSERT_FALSE(f.ok());
  EXPECT_NE(f.error().message().find("explode"), std::string::npos);
}

TEST(SimProfile, RefusesWhatVllmRefuses) {
  SimProfile p;
  p.engine.enable_chunked_prefill = false;
  p.engine.max_num_batched_tokens = 2048;
  EXPECT_FALSE(validate_profile(p).ok());
  p.engine.max_num_batched_tokens = 8192;
  EXPECT_TRUE(validate_profile(p).ok());
  p.engine.speculative_config = R"({"method":"eagle","num_speculative_tokens":3})";
  EXPECT_FALSE(validate_profile(p).ok());
}

}  // namespace
}  // namespace l4lab::sim
