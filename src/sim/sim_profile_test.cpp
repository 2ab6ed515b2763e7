#include "sim/sim_profile.h"

#include <gtest/gtest.h>

namespace l4lab::sim {
namespace {

TEST(SimProfile, ShippedProfilesLoadAndValidate) {
  for (const char* name : {"l4-mistral7b", "exact-50-10", "l4-mistral7b-faulty"}) {
    const std::string path =
        std::string(L4LAB_SOURCE_DIR) + "/configs/sim-profiles/" + name + ".yaml";
    auto p = load_sim_profile(path);
    ASSERT_TRUE(p.ok()) << p.error().message();
    EXPECT_EQ(p->name, name);
    EXPECT_TRUE(validate_profile(*p).ok());
  }
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
