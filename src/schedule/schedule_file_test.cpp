#include "schedule/schedule_file.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "common/files.h"

using namespace l4lab;
using namespace l4lab::schedule;

namespace {
std::string tmp(const std::string& name) {
  auto dir = std::filesystem::temp_directory_path() / "l4lab_schedule_test";
  std::filesystem::create_directories(dir);
  return (dir / name).string();
}
const std::vector<std::string> kIds = {"a", "b", "c"};
}  // namespace

TEST(ScheduleFile, WrittenScheduleReplaysExactly) {
  auto s = generate_schedule(kIds, {ArrivalKind::poisson, 1, 5.0, 1.0, 9});
  ASSERT_TRUE(s.ok());
  auto path = tmp("schedule.jsonl");
  ASSERT_TRUE(write_schedule_jsonl(path, *s).ok());
  auto r = read_replay_schedule(path, kIds);
  ASSERT_TRUE(r.ok()) << r.error().message();
  ASSERT_EQ(r->entries.size(), 3u);
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(r->entries[i].id, s->entries[i].id);
    EXPECT_EQ(r->entries[i].t_offset_ns, s->entries[i].t_offset_ns);
  }
}

TEST(ScheduleFile, ReadsIndexJsonlAndCsvSortedByTime) {
  auto j = tmp("r.jsonl");
  ASSERT_TRUE(
      write_file(j, "{\"i\":2,\"t_offset_ns\":500}\n{\"id\":\"a\",\"t_offset_ns\":100}\n").ok());
  auto r = read_replay_schedule(j, kIds);
  ASSERT_TRUE(r.ok()) << r.error().message();
  EXPECT_EQ(r->entries[0].id, "a");
  EXPECT_EQ(r->entries[1].id, "c");
  auto c = tmp("r.csv");
  ASSERT_TRUE(write_file(c, "t_offset_ns,id\n300,b\n0,c\n").ok());
  auto rc = read_replay_schedule(c, kIds);
  ASSERT_TRUE(rc.ok()) << rc.error().message();
  EXPECT_EQ(rc->entries[0].id, "c");
  EXPECT_EQ(*rc->entries[1].t_offset_ns, 300);
}

TEST(ScheduleFile, ErrorsNameFileLineField) {
  auto p = tmp("bad.jsonl");
  ASSERT_TRUE(
      write_file(p, "{\"id\":\"a\",\"t_offset_ns\":1}\n{\"id\":\"zz\",\"t_offset_ns\":2}\n").ok());
  auto r = read_replay_schedule(p, kIds);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message().find("bad.jsonl:2: field id"), std::string::npos)
      << r.error().message();
  ASSERT_TRUE(write_file(p, "{\"i\":7,\"t_offset_ns\":1}\n").ok());
  EXPECT_FALSE(read_replay_schedule(p, kIds).ok());
  ASSERT_TRUE(write_file(p, "{\"i\":0}\n").ok());
  auto m = read_replay_schedule(p, kIds);
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.error().message().find("t_offset_ns"), std::string::npos);
}
