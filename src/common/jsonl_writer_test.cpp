#include "common/jsonl_writer.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "common/files.h"

using namespace l4lab;

TEST(JsonlWriter, TruncatesTornLineOnAppend) {
  auto dir = std::filesystem::temp_directory_path() / "l4lab_jsonl_test";
  std::filesystem::create_directories(dir);
  auto path = (dir / "t.jsonl").string();
  ASSERT_TRUE(write_file(path, "{\"a\":1}\n{\"b\":").ok());
  JsonlWriter w;
  ASSERT_TRUE(w.open(path, /*append=*/true).ok());
  ASSERT_TRUE(w.write_line("{\"c\":3}").ok());
  w.close();
  EXPECT_EQ(*read_file(path), "{\"a\":1}\n{\"c\":3}\n");
}

TEST(Sha256, KnownVector) {
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}
