#include "sim/sim_metrics.h"

#include <gtest/gtest.h>

namespace l4lab::sim {
namespace {

TEST(SimHistogram, BucketsAreUpperInclusive) {
  Histogram h({0.1, 1.0});
  h.observe(0.1);
  h.observe(0.5);
  h.observe(5);
  EXPECT_EQ(h.counts(), (std::vector<uint64_t>{1, 1, 1}));
  EXPECT_EQ(h.count(), 3u);
  EXPECT_DOUBLE_EQ(h.sum(), 5.6);
}

TEST(SimMetricsRender, RenderSaysSimulatedAndUsesVllmNames) {
  SimMetrics m;
  m.on_ttft(0.05);
  EngineStats st;
  st.waiting = 3;
  const std::string text = m.render(st, "serve-sim/x", 2.0);
  EXPECT_NE(text.find("l4lab_simulated 1\n"), std::string::npos);
  EXPECT_NE(text.find("l4lab_sim_time_scale 2\n"), std::string::npos);
  EXPECT_NE(text.find("vllm:num_requests_waiting{engine=\"0\",model_name=\"serve-sim/x\"} 3\n"),
            std::string::npos);
  EXPECT_NE(text.find("vllm:time_to_first_token_seconds_bucket{engine=\"0\",model_name=\"serve-sim/"
                      "x\",le=\"0.06\"} 1\n"),
            std::string::npos);
  EXPECT_NE(text.find("(simulated by l4lab serve-sim)"), std::string::npos);
}

}  // namespace
}  // namespace l4lab::sim
