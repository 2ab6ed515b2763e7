#include "telemetry/gpu_source.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "common/files.h"
#include "telemetry/gpu_sampler.h"

namespace l4lab::telemetry {
namespace {

TEST(SmiLine, ParsesAndNullsMissingFields) {
  auto s = parse_smi_line("0, NVIDIA L4, 15321, 23034, 87, 71.52, 2040, 63", 42);
  ASSERT_TRUE(s.ok()) << s.error().message();
  EXPECT_EQ(s->gpu, 0);
  EXPECT_EQ(s->name, "NVIDIA L4");
  EXPECT_DOUBLE_EQ(*s->mem_used_mib, 15321);
  EXPECT_DOUBLE_EQ(*s->power_w, 71.52);
  EXPECT_DOUBLE_EQ(*s->temp_c, 63);
  auto j = nlohmann::json::parse(s->to_json_line());
  EXPECT_EQ(j["t_ns"], 42);
  EXPECT_EQ(j["source"], "nvidia-smi");
  auto na = parse_smi_line("1, GPU, 10, 20, [N/A], [Not Supported], 300, 40", 1);
  ASSERT_TRUE(na.ok());
  EXPECT_FALSE(na->util_pct.has_value());
  EXPECT_TRUE(nlohmann::json::parse(na->to_json_line())["power_w"].is_null());
  EXPECT_FALSE(parse_smi_line("0, x, 1", 1).ok());
}

TEST(GpuSampler, SyntheticSourceWritesSamples) {
  auto dir = std::filesystem::temp_directory_path() / ("l4lab-gs-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  const std::string path = (dir / "gpu_samples.jsonl").string();
  GpuSampler g;
  ASSERT_TRUE(g.start(path, 100, "synthetic").ok());
  // Wait for a few samples by content, not by time.
  for (int i = 0; i < 1000; ++i) {
    auto t = read_file(path);
    if (t.ok() && std::count(t->begin(), t->end(), '\n') >= 3) break;
    usleep(5000);
  }
  auto st = g.stop();
  EXPECT_EQ(st.source, "synthetic");
  EXPECT_GE(st.samples, 3);
  auto text = read_file(path);
  ASSERT_TRUE(text.ok());
  int64_t prev = 0;
  size_t pos = 0;
  while (pos < text->size()) {
    size_t nl = text->find('\n', pos);
    auto j = nlohmann::json::parse(text->substr(pos, nl - pos));
    EXPECT_EQ(j["source"], "synthetic");
    EXPECT_GE(j["t_ns"].get<int64_t>(), prev);
    prev = j["t_ns"];
    pos = nl + 1;
  }
}

TEST(GpuSampler, NoneLeavesAnEmptyFileAndAReason) {
  auto dir = std::filesystem::temp_directory_path() / ("l4lab-gs-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  const std::string path = (dir / "none.jsonl").string();
  GpuSampler g;
  ASSERT_TRUE(g.start(path, 10, "none").ok());
  auto st = g.stop();
  EXPECT_EQ(st.source, "none");
  EXPECT_NE(st.reason.find("no GPU"), std::string::npos);
  auto text = read_file(path);
  ASSERT_TRUE(text.ok());
  EXPECT_TRUE(text->empty());
}

}  // namespace
}  // namespace l4lab::telemetry
