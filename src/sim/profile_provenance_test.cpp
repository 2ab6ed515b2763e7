#include "sim/profile_provenance.h"

#include <gtest/gtest.h>

namespace l4lab::sim {
namespace {

bool has(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

TEST(ProfileProvenance, HandWrittenProfileSaysErrorUnknown) {
  SimProfile p;  // the built-in l4-mistral7b
  const std::string s = profile_provenance(p);
  EXPECT_TRUE(has(s, "'l4-mistral7b' (built in)")) << s;
  EXPECT_TRUE(has(s, "first principles from NVIDIA L4 datasheet")) << s;
  EXPECT_TRUE(has(s, "error unknown")) << s;
}

TEST(ProfileProvenance, CalibratedProfileQuotesItsHeldOutError) {
  SimProfile p;
  p.name = "h200-c1";
  p.source_path = "configs/sim-profiles/h200.yaml";
  p.hardware.name = "NVIDIA H200";
  p.calibration.present = true;
  p.calibration.fitted_config = "C1";
  p.calibration.validation_error = {{"ttft_p95_ms", -0.086}, {"output_tps", 0.014}};
  p.calibration.validation_error_by_config = {{"C8", {{"ttft_p95_ms", 0.08}}}};
  const std::string s = profile_provenance(p);
  EXPECT_TRUE(has(s, "file configs/sim-profiles/h200.yaml")) << s;
  EXPECT_TRUE(has(s, "real runs of C1 (NVIDIA H200)")) << s;
  EXPECT_TRUE(has(s, "ttft_p95_ms -8.6%, output_tps +1.4%; C8: ttft_p95_ms +8.0%")) << s;
  EXPECT_FALSE(has(s, "unknown")) << s;
}

TEST(ProfileProvenance, TransferredProfileIsNotValidated) {
  SimProfile p;
  p.calibration.present = true;
  p.calibration.fitted_config = "C1";
  p.calibration.validation_note = "transferred from NVIDIA H200 to NVIDIA L4: not validated on it";
  const std::string s = profile_provenance(p);
  EXPECT_TRUE(has(s, "transferred from NVIDIA H200")) << s;
  EXPECT_TRUE(has(s, "error unknown")) << s;
}

TEST(ProfileProvenance, TestModesAreNotModelsOfAGpu) {
  SimProfile p;
  p.mode = SimMode::kExact;
  EXPECT_TRUE(has(profile_provenance(p), "not a model of any GPU"));
  p.mode = SimMode::kQueue;
  EXPECT_TRUE(has(profile_provenance(p), "M/M/c"));
}

}  // namespace
}  // namespace l4lab::sim
