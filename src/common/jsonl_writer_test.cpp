#include "common/jsonl_writer.h"

#include <gtest/gtest.h>
#include <sys/resource.h>

#include <algorithm>
#include <csignal>
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

// A write that runs out of room part-way (here the file size limit, which
// behaves as a full disk does: a short write, then an error) leaves no torn
// line: the file holds the whole lines written before, and the error names
// the file.
TEST(JsonlWriter, NoTornLineWhenTheDiskFillsMidLine) {
  auto dir = std::filesystem::temp_directory_path() / "l4lab_jsonl_test";
  std::filesystem::create_directories(dir);
  auto path = (dir / "full.jsonl").string();
  std::filesystem::remove(path);
  rlimit saved{};
  ASSERT_EQ(getrlimit(RLIMIT_FSIZE, &saved), 0);
  auto old_handler = std::signal(SIGXFSZ, SIG_IGN);
  rlimit small = saved;
  small.rlim_cur = 100;  // room for 3 lines of 31 bytes and 7 bytes of a 4th
  ASSERT_EQ(setrlimit(RLIMIT_FSIZE, &small), 0);
  JsonlWriter w;
  Status last = Status::Ok();
  {
    ASSERT_TRUE(w.open(path, /*append=*/false).ok());
    const std::string line = "{\"pad\":\"" + std::string(20, 'x') + "\"}";  // 30 + newline
    int written = 0;
    for (int i = 0; i < 5 && last.ok(); ++i)
      if ((last = w.write_line(line)).ok()) ++written;
    setrlimit(RLIMIT_FSIZE, &saved);
    std::signal(SIGXFSZ, old_handler);
    EXPECT_EQ(written, 3);
  }
  ASSERT_FALSE(last.ok());
  EXPECT_NE(last.error().message().find(path), std::string::npos) << last.error().message();
  EXPECT_NE(last.error().message().find("write failed"), std::string::npos);
  w.close();
  auto text = read_file(path);
  ASSERT_TRUE(text.ok());
  EXPECT_EQ(text->size(), 3 * 31u);
  EXPECT_EQ(std::count(text->begin(), text->end(), '\n'), 3);
}

TEST(Sha256, KnownVector) {
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}
