#include "telemetry/metrics_scraper.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "common/files.h"
#include "engine/engine_session.h"

namespace l4lab::telemetry {
namespace {

TEST(MetricsScraper, BeforeAndAfterAgainstAStandInEngine) {
  auto dir = std::filesystem::temp_directory_path() / ("l4lab-ms-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  auto port = engine::pick_free_port("127.0.0.1");
  ASSERT_TRUE(port.ok());
  engine::EngineSession s;
  ASSERT_TRUE(s.start({L4LAB_FAKE_ENGINE, "--port", std::to_string(*port)}, {}, "127.0.0.1", *port,
                      (dir / "engine.log").string())
                  .ok());
  ASSERT_EQ(s.wait_ready(30).status, "ready");
  MetricsScraper m;
  const std::string out = (dir / "engine_metrics.jsonl").string();
  ASSERT_TRUE(m.open(s.base_url() + "/metrics", out).ok());
  auto before = m.snapshot("before");
  ASSERT_TRUE(before.ok()) << before.error().message();
  EXPECT_EQ(*sum_samples(*before, "vllm:generation_tokens_total"), 0);
  ASSERT_TRUE(s.warm_up("fake-model", 2).ok());
  auto after = m.snapshot("after");
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(*sum_samples(*after, "vllm:generation_tokens_total"), 8);
  m.close();
  s.stop(5);
  auto text = read_file(out);
  ASSERT_TRUE(text.ok());
  auto first = nlohmann::json::parse(text->substr(0, text->find('\n')));
  EXPECT_EQ(first["phase"], "before");
  EXPECT_EQ(first["samples"][0]["name"], "vllm:num_requests_running");
  EXPECT_EQ(first["samples"][0]["labels"]["model_name"], "fake-model");
  EXPECT_EQ(m.stats().scrapes, 2);
}

TEST(MetricsLine, InfinityIsAString) {
  auto j =
      nlohmann::json::parse(metrics_line(5, "during", {{"h_bucket", {{"le", "+Inf"}}, 1.0 / 0.0}}));
  EXPECT_EQ(j["samples"][0]["value"], "+Inf");
}

}  // namespace
}  // namespace l4lab::telemetry
