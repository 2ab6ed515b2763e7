#include "matrix/workload_ref.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "common/files.h"

namespace l4lab::matrix {
namespace {

TEST(WorkloadRef, SubsetTakesTheFirstNOfEveryCell) {
  const std::string src = std::string(L4LAB_SOURCE_DIR) + "/src/engine/testdata/prompts.jsonl";
  auto full = describe_workload(src);
  ASSERT_TRUE(full.ok()) << full.error().message();
  EXPECT_EQ(full->count, 18);
  EXPECT_EQ(full->tokenizer_id, "stand-in");
  auto dir = std::filesystem::temp_directory_path() / ("l4lab-wl-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  auto sub = write_subset(src, 1, (dir / "w.jsonl").string());
  ASSERT_TRUE(sub.ok()) << sub.error().message();
  EXPECT_EQ(sub->count, 9);
  EXPECT_EQ(sub->source_sha256, full->sha256);
  auto text = read_file((dir / "w.jsonl").string());
  EXPECT_NE(text->find("summarisation-S-0000"), std::string::npos);
  EXPECT_EQ(text->find("summarisation-S-0001"), std::string::npos);
  EXPECT_NE(text->find("dialogue-L-0000"), std::string::npos);
  ASSERT_TRUE(
      write_file((dir / "bad.jsonl").string(), "{\"task\":\"qa\",\"bucket\":\"S\"}\nnot json\n")
          .ok());
  auto bad = write_subset((dir / "bad.jsonl").string(), 1, (dir / "o.jsonl").string());
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message().find("bad.jsonl:2"), std::string::npos) << bad.error().message();
}

}  // namespace
}  // namespace l4lab::matrix
