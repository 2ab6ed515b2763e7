#include "workload/workload_io.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "common/files.h"

namespace l4lab::workload {
namespace {

WorkloadRequest sample() {
  WorkloadRequest r;
  r.id = "qa-M-0003";
  r.task = "qa";
  r.bucket = "M";
  r.messages = {{"system", "Be brief. \"quoted\" ü 日本"}, {"user", "Q?\n\nA."}};
  r.max_new_tokens = 64;
  r.request_prompt_tokens = 812;
  r.target_prompt_tokens = 815;
  r.tokenizer_id = "mistral-v3:x.model.v3";
  r.tokenizer_sha256 = std::string(64, 'a');
  r.primary_source = "synthetic:qa:3";
  r.distractor_sources = {"synthetic:summarisation:1", "synthetic:dialogue:9"};
  return r;
}

TEST(WorkloadIo, RoundTripsAndKeepsKeyOrder) {
  std::string line = workload_request_to_json(sample());
  EXPECT_EQ(line.rfind("{\"id\":\"qa-M-0003\",\"task\":\"qa\",\"bucket\":\"M\",\"messages\":", 0),
            0u)
      << line;
  EXPECT_EQ(line.find('\n'), std::string::npos);
  auto r = parse_workload_request(line);
  ASSERT_TRUE(r.ok()) << r.error().message();
  EXPECT_EQ(workload_request_to_json(*r), line);
  EXPECT_EQ(r->messages[0].content, sample().messages[0].content);
  EXPECT_EQ(r->distractor_sources.size(), 2u);
}

TEST(WorkloadIo, ErrorsNameFileLineAndField) {
  auto dir = std::filesystem::path(L4LAB_BINARY_DIR) / "test-tmp";
  std::filesystem::create_directories(dir);
  std::string path = (dir / "bad_prompts.jsonl").string();
  std::string good = workload_request_to_json(sample());
  std::string bad = good;
  bad.replace(bad.find("\"max_new_tokens\":64"), 19, "\"max_new_tokens\":\"x\"");
  ASSERT_TRUE(write_file(path, good + "\n" + bad + "\n").ok());
  auto r = read_workload(path);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message(), path + ":2: field max_new_tokens: must be an integer");

  std::string no_role = good;
  no_role.replace(no_role.find("\"role\":\"system\","), 16, "");
  auto m = parse_workload_request(no_role);
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.error().message(), "field messages[0].role: missing");
  EXPECT_FALSE(parse_workload_request("{not json").ok());
}

TEST(WorkloadIo, Buckets) {
  EXPECT_EQ(bucket_of(1), "S");
  EXPECT_EQ(bucket_of(512), "S");
  EXPECT_EQ(bucket_of(513), "M");
  EXPECT_EQ(bucket_of(2048), "M");
  EXPECT_EQ(bucket_of(2049), "L");
  EXPECT_EQ(bucket_of(8192), "L");
  EXPECT_EQ(bucket_of(8193), "");
}

}  // namespace
}  // namespace l4lab::workload
